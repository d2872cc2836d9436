/*
 * handoff_exhaust.c - GOCC_MAXTHREADS, for test_handoff.c.  One worker
 * (GOCC_MAXPROCS=1, set here).
 *
 *   handoff_exhaust start   starts the runtime: with GOCC_MAXTHREADS below
 *       the workers plus sysmon that is "fatal error: thread exhaustion".
 *   handoff_exhaust stuck   four goroutines wait on a pthread mutex the
 *       main thread holds for 500 ms, beside a ticker goroutine: each
 *       stuck worker's slot goes to a new thread, so the program needs
 *       six threads (five workers and sysmon).  Exits 0 once all are done,
 *       or dies of thread exhaustion under a lower GOCC_MAXTHREADS.
 */
#define _GNU_SOURCE
#include <gocc.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { NSTUCK = 4 };

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_int done, stop;

static void stuck(void *p) {
    (void)p;
    pthread_mutex_lock(&mu);
    pthread_mutex_unlock(&mu);
    atomic_fetch_add(&done, 1);
}

static void ticker(void *p) {
    (void)p;
    while (!atomic_load(&stop))
        gocc_sleep_ms(5);
    atomic_fetch_add(&done, 1);
}

int main(int argc, char **argv) {
    setenv("GOCC_MAXPROCS", "1", 1);
    if (argc > 1 && !strcmp(argv[1], "start")) {
        gocc_maxprocs();
        puts("started");
        return 0;
    }
    pthread_mutex_lock(&mu);
    gocc_go(ticker, NULL);
    for (int i = 0; i < NSTUCK; i++)
        gocc_go(stuck, NULL);
    usleep(500000);
    pthread_mutex_unlock(&mu);
    while (atomic_load(&done) < NSTUCK)
        usleep(1000);
    atomic_store(&stop, 1);
    while (atomic_load(&done) < NSTUCK + 1)
        usleep(1000);
    return 0;
}
