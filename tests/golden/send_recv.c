/* Translated by gocc from send_recv.gc: edit that file, not this one. */
#line 1 "@SRC@/send_recv.gc"
/* Golden: send statements, receive expressions (unary: <-c + 1, <-<-cc),
 * receive as a statement, and `n<-1` as a comparison. */
#include <gocc.h>
#line 3 "@SRC@/send_recv.gc"
int sendrecv(gocc_chan(int) c, gocc_chan(gocc_chan(int)) cc, int n) {
    gocc_send(c, 1);
    gocc_send(c, n + 2);
    int x = gocc_recv(c) + 1;
    int y = gocc_recv(gocc_recv(cc));
    gocc_recv_drop(c);
    int lt = n<-1;
    return x + y + lt;
}
