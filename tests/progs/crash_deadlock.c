/*
 * crash_deadlock.c - deadlocks and non-deadlocks, for test_crash.c.
 * argv[1] names the case.  The deadlock cases must end with
 * "fatal error: all goroutines are asleep - deadlock!" and exit 2; the
 * "live_*" cases look idle for a while but something can still wake main
 * (a timer, a plain pthread), so they must print "done" and exit 0.
 */
#define _GNU_SOURCE
#include <gocc.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static gocc_chan(int) c1, c2, never;
static gocc_waitgroup wg = GOCC_WAITGROUP_INIT;

/* Receives from `from`, then sends on `to`: two of them form a cycle. */
struct hop { gocc_chan(int) from, to; };

static void hop(void *arg) {
    struct hop *h = arg;
    int v = gocc_recv(h->from);
    gocc_send(h->to, v + 1);
    gocc_wg_done(&wg);
}

static void block_forever(void *arg) {
    (void)arg;
    (void)gocc_recv(never);
}

/* Parks several goroutines for good: on a channel, a nil channel, a
 * select {}, a wait group, a locked mutex. */
static gocc_waitgroup never_wg = GOCC_WAITGROUP_INIT;
static gocc_mutex held = GOCC_MUTEX_INIT;

static void wg_forever(void *arg) { (void)arg; gocc_wg_wait(&never_wg); }
static void mutex_forever(void *arg) { (void)arg; gocc_mutex_lock(&held); }
static void nil_forever(void *arg) {
    (void)arg;
    gocc_chan(int) nil = 0;
    (void)gocc_recv(nil);
}

static void park_others(void) {
    gocc_wg_add(&never_wg, 1);
    gocc_mutex_lock(&held);
    for (int i = 0; i < 4; i++)
        gocc_go(block_forever, NULL);
    gocc_go(wg_forever, NULL);
    gocc_go(mutex_forever, NULL);
    gocc_go(nil_forever, NULL);
    gocc_sleep_ms(10);   /* let them park */
}

static void *late_sender(void *arg) {
    (void)arg;
    struct timespec ts = {0, 200 * 1000 * 1000};
    nanosleep(&ts, NULL);
    gocc_send(c1, 42);
    return NULL;
}

static int run(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "";
    c1 = gocc_make(int, 0);
    c2 = gocc_make(int, 0);
    never = gocc_make(int, 0);
    if (!strcmp(m, "recv_nobody")) {
        (void)gocc_recv(c1);
    } else if (!strcmp(m, "recv_nobody_others")) {
        park_others();
        (void)gocc_recv(c1);
    } else if (!strcmp(m, "cycle")) {
        static struct hop a, b;
        a = (struct hop){c1, c2};
        b = (struct hop){c2, c1};
        gocc_wg_add(&wg, 2);
        gocc_go(hop, &a);
        gocc_go(hop, &b);
        gocc_wg_wait(&wg);
    } else if (!strcmp(m, "wg_never_done")) {
        gocc_wg_add(&wg, 1);
        gocc_wg_wait(&wg);
    } else if (!strcmp(m, "nil_chan")) {
        gocc_chan(int) nil = 0;
        (void)gocc_recv(nil);
    } else if (!strcmp(m, "nil_send")) {
        gocc_chan(int) nil = 0;
        gocc_send(nil, 1);
    } else if (!strcmp(m, "select_empty")) {
        gocc_select(NULL, 0, false);
    } else if (!strcmp(m, "select_nil_cases")) {
        gocc_chan(int) nil = 0;
        int v;
        gocc_select_case c[2] = {gocc_case_recv(nil, &v),
                                 gocc_case_send(nil, &v)};
        gocc_select(c, 2, false);
    } else if (!strcmp(m, "mutex_twice")) {
        gocc_mutex m1 = GOCC_MUTEX_INIT;
        gocc_mutex_lock(&m1);
        gocc_mutex_lock(&m1);
    } else if (!strcmp(m, "live_sleep")) {
        park_others();
        gocc_sleep_ms(200);
        puts("done");
        return 0;
    } else if (!strcmp(m, "live_after")) {
        park_others();
        int64_t t0 = gocc_nanotime();
        int64_t t = gocc_recv_release(gocc_after(100));
        printf("%s\n", t - t0 >= 100 * 1000000LL ? "done" : "early");
        return 0;
    } else if (!strcmp(m, "live_pthread")) {
        park_others();
        pthread_t t;
        pthread_create(&t, NULL, late_sender, NULL);
        int v = gocc_recv(c1);
        pthread_join(t, NULL);
        puts(v == 42 ? "done" : "wrong value");
        return 0;
    } else {
        fprintf(stderr, "crash_deadlock: unknown case '%s'\n", m);
        return 100;
    }
    puts("not blocked");
    return 0;
}

GOCC_MAIN(run)
