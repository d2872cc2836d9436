/*
 * debug_checks.c - the runtime's internal invariant checks (GOCC_DEBUG,
 * builds without NDEBUG), for test_crash.c.  Each case breaks an
 * invariant on purpose, through the runtime's internal functions, and
 * must end in "fatal error: <message>", exit 2:
 *   ready_running    g_ready on the running goroutine (not waiting: a
 *                    second ready would run it on two threads at once)
 *                    -> "bad g->status in ready"
 *   ready_foreign    g_ready on a foreign thread's G that is not parked
 *                    -> "bad g->status in ready"
 *   unlock_unlocked  lock_release of a free lock -> "unlock of unlocked lock"
 * In a build with NDEBUG the checks are compiled out (and the cases would
 * corrupt the runtime): it prints "no debug checks" and exits 0 at once.
 */
#include "../../runtime/internal.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifdef GOCC_DEBUG
static void *foreign_ready(void *p) {
    (void)p;
    /* a plain thread's pseudo-goroutine, made by a blocking call */
    gocc_chan(int) c = gocc_make(int, 1);
    gocc_send(c, 1);
    gocc_recv_drop(c);
    gocc_g *g = g_self();
    printf("broken\n");
    fflush(stdout);
    g_ready(g, false);
    return NULL;
}
#endif

static int run(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "";
#ifndef GOCC_DEBUG
    (void)m;
    printf("no debug checks\n");
    return 0;
#else
    if (!strcmp(m, "ready_running")) {
        printf("broken\n");
        fflush(stdout);
        g_ready(g_current(), false);
    } else if (!strcmp(m, "ready_foreign")) {
        pthread_t t;
        pthread_create(&t, NULL, foreign_ready, NULL);
        pthread_join(t, NULL);
    } else if (!strcmp(m, "unlock_unlocked")) {
        gocc_lock_t l = {0};
        printf("broken\n");
        fflush(stdout);
        lock_release(&l);
    } else {
        printf("unknown case %s\n", m);
        return 1;
    }
    printf("not caught\n");
    return 0;
#endif
}

GOCC_MAIN(run)
