/*
 * io_closeall.c - a program that closes every descriptor it did not open
 * (as daemons do, with close() in a loop) must not close the runtime's
 * poller: afterwards, two goroutines on one worker still bounce a byte
 * through pipes (which hangs if the poller is gone).  Run by test_io;
 * prints "ok".
 */
#include <gocc.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static int a[2], b[2];

static void bounce(void *p) {
    (void)p;
    char c;
    for (int i = 0; i < 100; i++)
        if (read(a[0], &c, 1) != 1 || write(b[1], &c, 1) != 1)
            return;
}

static int body(int argc, char **argv) {
    (void)argc, (void)argv;
    /* make the poller exist: one goroutine waits on a pipe once */
    if (pipe(a) || pipe(b))
        return 1;
    gocc_go(bounce, NULL);
    char c = 'x';
    if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
        return 1;
    int refused = 0;
    for (int fd = 3; fd < 1024; fd++) {
        if (fd == a[0] || fd == a[1] || fd == b[0] || fd == b[1])
            continue;
        if (close(fd) < 0 && errno == EBADF && fcntl(fd, F_GETFD) >= 0)
            refused++;          /* open, yet close said EBADF: the runtime's */
    }
    for (int i = 1; i < 100; i++)
        if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
            return 1;
    printf("ok (%d kept)\n", refused);
    return refused >= 1 ? 0 : 1;
}

GOCC_MAIN(body)
