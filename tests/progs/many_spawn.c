/*
 * many_spawn.c - N goroutines (argv[1], default 1000000) spawned over time
 * in batches of 1000, each batch finishing before the next starts, for
 * test_many.c.  Stacks must be reused from the pool: the process's
 * virtual size after the first 10 batches and at the end are printed
 * (KiB), and must be close.  Prints "ran=N vm_early=A vm_end=B".
 */
#include <gocc.h>

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BATCH = 1000 };

static gocc_waitgroup wg = GOCC_WAITGROUP_INIT;
static atomic_long ran;

static void work(void *arg) {
    atomic_fetch_add(&ran, (long)(intptr_t)arg);
    gocc_wg_done(&wg);
}

/* VmSize from /proc/self/status, in KiB. */
static long vm_size_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmSize:", 7))
            kb = atol(line + 7);
    if (f)
        fclose(f);
    return kb;
}

static int run(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    long vm_early = -1;
    for (long done = 0, b = 0; done < n; done += BATCH, b++) {
        gocc_wg_add(&wg, BATCH);
        for (int i = 0; i < BATCH; i++)
            gocc_go(work, (void *)(intptr_t)1);
        gocc_wg_wait(&wg);
        if (b == 9)
            vm_early = vm_size_kb();
    }
    printf("ran=%ld vm_early=%ld vm_end=%ld\n", atomic_load(&ran), vm_early,
           vm_size_kb());
    return 0;
}

GOCC_MAIN(run)
