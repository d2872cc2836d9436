/*
 * many_park.c - N goroutines (argv[1], default 100000) alive at once, for
 * test_many.c.  Every one of them checks in and then parks on one gate
 * channel; main closes the gate only after all N have checked in, so all
 * N stacks exist together (default 64 KiB each: N is past what
 * vm.max_map_count = 65530 allows for guarded stacks, so the runtime must
 * not run out of mappings).  Prints "arrived=N finished=N" and exits 0.
 */
#include <gocc.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static gocc_chan(int) gate;
static gocc_waitgroup arrived = GOCC_WAITGROUP_INIT;
static gocc_waitgroup finished = GOCC_WAITGROUP_INIT;
static atomic_long n_arrived, n_finished, n_bad;

static void parker(void *arg) {
    (void)arg;
    atomic_fetch_add(&n_arrived, 1);
    gocc_wg_done(&arrived);
    int v, ok = gocc_recv_ok(gate, &v);   /* parks until close */
    if (ok || v != 0)
        atomic_fetch_add(&n_bad, 1);
    atomic_fetch_add(&n_finished, 1);
    gocc_wg_done(&finished);
}

static int run(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    gate = gocc_make(int, 0);
    gocc_wg_add(&arrived, n);
    gocc_wg_add(&finished, n);
    for (long i = 0; i < n; i++)
        gocc_go(parker, NULL);
    gocc_wg_wait(&arrived);
    long before_close = atomic_load(&n_finished);
    gocc_close(gate);
    gocc_wg_wait(&finished);
    printf("arrived=%ld finished=%ld early=%ld bad=%ld\n",
           atomic_load(&n_arrived), atomic_load(&n_finished), before_close,
           atomic_load(&n_bad));
    return 0;
}

GOCC_MAIN(run)
