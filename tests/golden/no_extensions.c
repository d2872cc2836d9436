/* Translated by gocc from no_extensions.gc: edit that file, not this one. */
#line 1 "@SRC@/no_extensions.gc"
/* Golden: plain C, no extension at all; contextual words used as
 * identifiers, strings and comments that look like extensions. */
#include <stdio.h>
#include <sys/select.h>

#include <gocc.h>
#line 6 "@SRC@/no_extensions.gc"
struct conn {
    int chan;
};

/* go f(x); select { } chan<int> c; ch <- 1 */
int plain(int go, int n, struct conn *c) {
    fd_set rd;
    FD_ZERO(&rd);
    struct timeval tv = {0, 0};
    int r = select(0, &rd, NULL, NULL, &tv);
    go = go + c->chan;
    if (n<-1)
        puts("ch <- 1; <-ch");
    return r + go;
}
