/* Translated by gocc from ready.gc: edit that file, not this one. */
#line 1 "@SRC@/ready.gc"
/* gocc_ready(fd, events) released like gocc_after: as the operand of a
 * receive, and as a select case. */
#include <stdio.h>

#include <gocc.h>
#line 5 "@SRC@/ready.gc"
void wait_input(int fd) {
    int ev = gocc_recv_release(gocc_ready(fd, GOCC_READ));
    printf("%d\n", ev);
    { gocc_select_case gocc_sc1[2];
#line 9 "@SRC@/ready.gc"
        gocc_elem_t(gocc_ready(fd, GOCC_READ | GOCC_WRITE)) gocc_v1_0; gocc_sc1[0] = gocc_case_recv(gocc_ready(fd, GOCC_READ | GOCC_WRITE), &gocc_v1_0); gocc_sc1[0].flags = GOCC_CASE_RELEASE;
#line 11 "@SRC@/ready.gc"
        gocc_sc1[1] = gocc_case_recv_drop(gocc_after(100)); gocc_sc1[1].flags = GOCC_CASE_RELEASE;
#line 8 "@SRC@/ready.gc"
        switch (gocc_select(gocc_sc1, 2, 0)) {
#line 9 "@SRC@/ready.gc"
    case 0: { int bits = gocc_v1_0;
        printf("%d\n", bits); } break;
    case 1: {
        printf("timeout\n"); } break;
    } }
    gocc_chan(int) mine = gocc_ready(fd, GOCC_WRITE);
    gocc_recv_drop(mine);
    gocc_chan_free(mine);
}
