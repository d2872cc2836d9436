/* Translated by gocc from close_len_cap.gc: edit that file, not this one. */
#line 1 "@SRC@/close_len_cap.gc"
/* Golden: close, len, cap on channels; POSIX close and a user len stay. */
#include <unistd.h>

#include <gocc.h>
#line 4 "@SRC@/close_len_cap.gc"
static int len(const char *s) { return s[0] != 0; }

int clc(gocc_chan(int) c, int fd) {
    int n = gocc_len(c) + gocc_cap(c) + len("x");
    gocc_close(c);
    close(fd);
    return n;
}
