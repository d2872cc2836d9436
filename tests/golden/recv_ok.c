/* Translated by gocc from recv_ok.gc: edit that file, not this one. */
#line 1 "@SRC@/recv_ok.gc"
/* Golden: `v, ok = <-ch;` with v of the element type and of another. */
#include <stdbool.h>

#include <gocc.h>
#line 4 "@SRC@/recv_ok.gc"
int recvok(gocc_chan(int) c) {
    int v;
    bool ok;
    { gocc_elem_t(c) gocc_rv1; gocc_bool gocc_ok1 = gocc_recv_ok(c, &gocc_rv1); v = gocc_rv1; ok = gocc_ok1; }
    long lv;
    int iok;
    { gocc_elem_t(c) gocc_rv2; gocc_bool gocc_ok2 = gocc_recv_ok(c, &gocc_rv2); lv = gocc_rv2; iok = gocc_ok2; }
    return v + ok + (int)lv + iok;
}
