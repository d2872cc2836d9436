/* Translated by gocc from after.gc: edit that file, not this one. */
#line 1 "@SRC@/after.gc"
/* Golden: gocc_after auto-released as a receive operand and as a select
 * case; kept and freed when stored. */
#include <stdint.h>

#include <gocc.h>
#line 5 "@SRC@/after.gc"
int64_t waits(gocc_chan(int) c) {
    (void)gocc_recv_release(gocc_after(10));
    int64_t t = gocc_recv_release(gocc_after(5));
    { gocc_select_case gocc_sc1[2];
#line 9 "@SRC@/after.gc"
        gocc_sc1[0] = gocc_case_recv_drop(c);
#line 11 "@SRC@/after.gc"
        gocc_sc1[1] = gocc_case_recv_drop(gocc_after(1)); gocc_sc1[1].flags = GOCC_CASE_RELEASE;
#line 8 "@SRC@/after.gc"
        switch (gocc_select(gocc_sc1, 2, 0)) {
#line 9 "@SRC@/after.gc"
    case 0: {
        break; } break;
    case 1: {
        break; } break;
    } }
    gocc_chan(int64_t) k = gocc_after(1);
    t += gocc_recv(k);
    gocc_chan_free(k);
    return t;
}
