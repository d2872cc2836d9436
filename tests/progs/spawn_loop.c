/*
 * spawn_loop.c - for test_many.c: one goroutine spawns N goroutines
 * (argv[1], default 1000000) in a tight loop, never blocking in between;
 * each child checks the 1000-byte argument block it was spawned with
 * (gocc_go_copy, so the copy lives on its stack, or, for a goroutine
 * queued before it has one, in its pending block) and counts in.  With
 * GOCC_MAXPROCS=1 nothing else runs until the spawner yields, so this
 * checks that a spawning loop yields to what it spawned (the process would
 * otherwise hold every child at once: a stack page each).  Prints
 * "ran=N bad=B maxrss_kb=K".
 */
#include <gocc.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

typedef struct block {
    long index;
    unsigned char fill[1000 - sizeof(long)];
} block;

static gocc_waitgroup wg = GOCC_WAITGROUP_INIT;
static atomic_long ran, bad;

static void child(void *arg) {
    const block *b = arg;
    unsigned char want = (unsigned char)(b->index % 251);
    for (size_t i = 0; i < sizeof b->fill; i++)
        if (b->fill[i] != want) {
            atomic_fetch_add(&bad, 1);
            break;
        }
    atomic_fetch_add(&ran, 1);
    gocc_wg_done(&wg);
}

static int run(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    block b;
    gocc_wg_add(&wg, n);
    for (long i = 0; i < n; i++) {
        b.index = i;
        memset(b.fill, (int)(i % 251), sizeof b.fill);
        gocc_go_copy(child, &b, sizeof b);
    }
    gocc_wg_wait(&wg);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("ran=%ld bad=%ld maxrss_kb=%ld\n", atomic_load(&ran),
           atomic_load(&bad), ru.ru_maxrss);
    return 0;
}

GOCC_MAIN(run)
