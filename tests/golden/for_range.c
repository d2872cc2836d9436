/* Translated by gocc from for_range.gc: edit that file, not this one. */
#line 1 "@SRC@/for_range.gc"
/* Golden: for over a channel, with break and continue. */
#include <gocc.h>
#line 2 "@SRC@/for_range.gc"
int total(gocc_chan(int) c) {
    int s = 0;
    for (__typeof__(c) gocc_r1 = c;;) { gocc_elem_t(gocc_r1) gocc_v1; if (!gocc_recv_ok(gocc_r1, &gocc_v1)) break; int v = gocc_v1; {
        if (v < 0)
            continue;
        if (v > 100)
            break;
        s += v;
    } }
    return s;
}
