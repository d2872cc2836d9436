/* Translated by gocc from make.gc: edit that file, not this one. */
#line 1 "@SRC@/make.gc"
/* Golden: make, unbuffered and buffered, with an expression size. */
#include <gocc.h>
#line 2 "@SRC@/make.gc"
struct pt {
    int x, y;
};

void makes(int n) {
    gocc_chan(int) u = gocc_make(int, 0);
    gocc_chan(int) b = gocc_make(int, 10);
    gocc_chan(struct pt) s = gocc_make(struct pt, n * 2 + 1);
    gocc_chan(gocc_chan(int)) cc = gocc_make(gocc_chan(int), 1);
    gocc_chan_free(u);
    gocc_chan_free(b);
    gocc_chan_free(s);
    gocc_chan_free(cc);
}
