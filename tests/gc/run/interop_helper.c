/* interop_helper.c - the plain C half of interop.gc (compiled by the gocc
 * driver as an extra source). */
#include "interop_helper.h"

#include <stdlib.h>

struct scale_args {
    gocc_chan(int) in, out;
};

static void scale(void *p) {
    struct scale_args a = *(struct scale_args *)p;
    free(p);
    int v;
    while (gocc_recv_ok(a.in, &v))
        gocc_send(a.out, 10 * v);
    gocc_close(a.out);
}

void helper_start(gocc_chan(int) in, gocc_chan(int) out) {
    struct scale_args *a = malloc(sizeof *a);
    if (!a)
        abort();
    a->in = in;
    a->out = out;
    gocc_go(scale, a);
}

gocc_chan(int) helper_make(int n) {
    gocc_chan(int) c = gocc_make(int, n);
    for (int i = 1; i <= n; i++)
        gocc_send(c, i);
    gocc_close(c);
    return c;
}

int helper_sum(gocc_chan(int) c) {
    int s = 0, v;
    while (gocc_recv_ok(c, &v))
        s += v;
    return s;
}
