/* Translated by gocc from select_all.gc: edit that file, not this one. */
#line 1 "@SRC@/select_all.gc"
/* Golden: select with every case form. */
#include <stdbool.h>

#include <gocc.h>
#line 4 "@SRC@/select_all.gc"
struct job {
    int id;
};

int sel(gocc_chan(int) a, gocc_chan(int) b, gocc_chan(struct job) jobs, gocc_chan(int) out) {
    int v = 0;
    bool ok = false;
    for (;;) {
        { gocc_select_case gocc_sc1[6];
#line 13 "@SRC@/select_all.gc"
            gocc_sc1[0] = gocc_case_recv_drop(a);
#line 15 "@SRC@/select_all.gc"
            gocc_elem_t(b) gocc_v1_1; gocc_sc1[1] = gocc_case_recv(b, &gocc_v1_1);
#line 17 "@SRC@/select_all.gc"
            gocc_elem_t(a) gocc_v1_2; gocc_sc1[2] = gocc_case_recv(a, &gocc_v1_2);
#line 20 "@SRC@/select_all.gc"
            gocc_elem_t(jobs) gocc_v1_3; gocc_sc1[3] = gocc_case_recv(jobs, &gocc_v1_3);
#line 22 "@SRC@/select_all.gc"
            gocc_elem_t(out) gocc_v1_4 = v + 1; gocc_sc1[4] = gocc_case_send(out, &gocc_v1_4);
#line 24 "@SRC@/select_all.gc"
            gocc_sc1[5] = gocc_case_recv_drop(gocc_after(100)); gocc_sc1[5].flags = GOCC_CASE_RELEASE;
#line 12 "@SRC@/select_all.gc"
            switch (gocc_select(gocc_sc1, 6, 1)) {
#line 13 "@SRC@/select_all.gc"
        case 0: {
            v++; } break;
        case 1: { v = gocc_v1_1;
            break; } break;
        case 2: { v = gocc_v1_2; ok = gocc_sc1[2].ok;
            if (!ok)
                return v; } break;
        case 3: { struct job j = gocc_v1_3;
            v += j.id; } break;
        case 4: {
            continue; } break;
        case 5: {
            return -1; } break;
        default: {
            v--; } break;
        } }
    }
}

void block_forever(void) {
    { switch (gocc_select(NULL, 0, 0)) {} }
}
