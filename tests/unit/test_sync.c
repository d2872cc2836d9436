/*
 * test_sync.c - gocc_mutex, gocc_waitgroup and gocc_once (LANGUAGE.md 9, 10).
 *
 * Mutex: mutual exclusion of a plain int incremented by many goroutines
 * that hold the lock across a switch (so the unprotected version loses
 * updates even on one worker, and really races on two); a contended lock
 * parks the goroutine rather than its thread (goroutines on the same
 * workers keep running while the holder sleeps); trylock; goroutines and
 * plain pthreads sharing one mutex.
 * WaitGroup: wait returns only after every done; wait on zero returns at
 * once; several waiters (goroutines and a pthread) are all released;
 * a wait group is reusable.
 * Once: fn runs exactly once under concurrency, and no caller returns
 * before fn has finished.
 *
 * The test's own main thread is a foreign thread: it blocks as a whole in
 * channel and wait-group calls.  Goroutines never call cmocka asserts (a
 * failed assert longjmps); they record what they saw in atomics that the
 * main thread checks.  An alarm turns a hang into a failure.
 */
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <gocc.h>
#include <pthread.h>
#include <stdatomic.h>

/* ------------------------------------------------------------- helpers */

static int64_t now_ms(void) { return gocc_nanotime() / 1000000; }

/* Receive n values from ch within ms milliseconds (from any thread);
 * returns how many arrived. */
static int recv_n_within(gocc_chan(int) ch, int n, int ms) {
    gocc_chan(int64_t) t = gocc_after(ms);
    int got = 0;
    while (got < n) {
        int v;
        gocc_select_case cs[2] = {gocc_case_recv(ch, &v),
                                  gocc_case_recv_drop(t)};
        if (gocc_select(cs, 2, false) == 1)
            break;
        got++;
    }
    gocc_chan_free(t);
    return got;
}

/* ------------------------------------------------- mutex: exclusion */

enum { MX_G = 8, MX_ITERS = 20000 };

static gocc_mutex mx = GOCC_MUTEX_INIT;
static volatile int mx_counter;       /* plain int: only mx protects it */
static atomic_int mx_inside, mx_overlap;
static gocc_chan(int) mx_done;

static void mx_worker(void *arg) {
    (void)arg;
    for (int i = 0; i < MX_ITERS; i++) {
        gocc_mutex_lock(&mx);
        if (atomic_fetch_add(&mx_inside, 1) != 0)
            atomic_fetch_add(&mx_overlap, 1);
        int v = mx_counter;
        if (i % 64 == 0)
            gocc_yield();   /* hold the lock across a switch */
        mx_counter = v + 1;
        atomic_fetch_sub(&mx_inside, 1);
        gocc_mutex_unlock(&mx);
    }
    gocc_send(mx_done, 1);
}

static void test_mutex_exclusion(void **state) {
    (void)state;
    mx_done = gocc_make(int, MX_G);
    for (int i = 0; i < MX_G; i++)
        gocc_go(mx_worker, NULL);
    assert_int_equal(recv_n_within(mx_done, MX_G, 20000), MX_G);
    assert_int_equal(atomic_load(&mx_overlap), 0);
    assert_int_equal(mx_counter, MX_G * MX_ITERS);
    assert_true(gocc_mutex_trylock(&mx));   /* left unlocked */
    gocc_mutex_unlock(&mx);
    gocc_chan_free(mx_done);
}

/* ------------------------------------------ mutex: contended lock parks */

/* A holder keeps the lock for 50 ms (and then until progress is seen, up
 * to 5 s).  More waiters than workers pile onto the lock.  If a waiter
 * blocked its thread, every worker would be blocked and the progress
 * goroutine could not run until the holder unlocks. */
enum { PK_PROGRESS = 10 };

static gocc_mutex pk_mx = GOCC_MUTEX_INIT;
static atomic_int pk_announced, pk_progress, pk_progress_at_unlock,
    pk_waiters_got_lock;
static int pk_nwaiters;
static gocc_chan(int) pk_locked, pk_done;

static void pk_holder(void *arg) {
    (void)arg;
    gocc_mutex_lock(&pk_mx);
    gocc_send(pk_locked, 1);
    gocc_sleep_ms(50);
    int64_t deadline = now_ms() + 5000;
    while (atomic_load(&pk_progress) < PK_PROGRESS && now_ms() < deadline)
        gocc_sleep_ms(5);
    atomic_store(&pk_progress_at_unlock, atomic_load(&pk_progress));
    gocc_mutex_unlock(&pk_mx);
    gocc_send(pk_done, 1);
}

static void pk_waiter(void *arg) {
    (void)arg;
    atomic_fetch_add(&pk_announced, 1);
    gocc_mutex_lock(&pk_mx);
    atomic_fetch_add(&pk_waiters_got_lock, 1);
    gocc_mutex_unlock(&pk_mx);
    gocc_send(pk_done, 1);
}

static void pk_progressor(void *arg) {
    (void)arg;
    while (atomic_load(&pk_announced) < pk_nwaiters)
        gocc_yield();
    for (int i = 0; i < PK_PROGRESS; i++) {
        gocc_sleep_ms(1);
        atomic_fetch_add(&pk_progress, 1);
    }
    gocc_send(pk_done, 1);
}

static void test_mutex_contended_parks(void **state) {
    (void)state;
    pk_nwaiters = 2 * gocc_maxprocs() + 2;
    pk_locked = gocc_make(int, 1);
    pk_done = gocc_make(int, pk_nwaiters + 2);
    gocc_go(pk_holder, NULL);
    assert_int_equal(recv_n_within(pk_locked, 1, 5000), 1);
    for (int i = 0; i < pk_nwaiters; i++)
        gocc_go(pk_waiter, NULL);
    gocc_go(pk_progressor, NULL);
    assert_int_equal(recv_n_within(pk_done, pk_nwaiters + 2, 15000),
                     pk_nwaiters + 2);
    /* the progress goroutine completed while the lock was held */
    assert_int_equal(atomic_load(&pk_progress_at_unlock), PK_PROGRESS);
    assert_int_equal(atomic_load(&pk_waiters_got_lock), pk_nwaiters);
}

/* ------------------------------------------------------- mutex: trylock */

static gocc_mutex tl_mx = GOCC_MUTEX_INIT;
static gocc_chan(int) tl_req, tl_res;

/* Answers each request with the result of a trylock (unlocking at once
 * if it succeeded). */
static void tl_prober(void *arg) {
    (void)arg;
    int v;
    while (gocc_recv_ok(tl_req, &v)) {
        bool ok = gocc_mutex_trylock(&tl_mx);
        if (ok)
            gocc_mutex_unlock(&tl_mx);
        gocc_send(tl_res, ok ? 1 : 0);
    }
}

static int tl_probe(void) {
    gocc_send(tl_req, 1);
    return gocc_recv(tl_res);
}

static void test_mutex_trylock(void **state) {
    (void)state;
    assert_true(gocc_mutex_trylock(&tl_mx));
    assert_false(gocc_mutex_trylock(&tl_mx));   /* not recursive */
    gocc_mutex_unlock(&tl_mx);
    assert_true(gocc_mutex_trylock(&tl_mx));
    gocc_mutex_unlock(&tl_mx);

    tl_req = gocc_make(int, 0);
    tl_res = gocc_make(int, 0);
    gocc_go(tl_prober, NULL);
    assert_int_equal(tl_probe(), 1);            /* free: a goroutine gets it */
    gocc_mutex_lock(&tl_mx);
    assert_int_equal(tl_probe(), 0);            /* held by this thread */
    gocc_mutex_unlock(&tl_mx);
    assert_int_equal(tl_probe(), 1);
    gocc_close(tl_req);
}

/* --------------------------------- mutex: pthreads and goroutines share */

enum { MIX_G = 4, MIX_T = 3, MIX_ITERS = 5000 };

static gocc_mutex mix_mx = GOCC_MUTEX_INIT;
static volatile int mix_counter;
static atomic_int mix_inside, mix_overlap;
static gocc_chan(int) mix_done;

static void mix_body(bool goroutine) {
    for (int i = 0; i < MIX_ITERS; i++) {
        gocc_mutex_lock(&mix_mx);
        if (atomic_fetch_add(&mix_inside, 1) != 0)
            atomic_fetch_add(&mix_overlap, 1);
        int v = mix_counter;
        if (i % 50 == 0) {
            if (goroutine)
                gocc_yield();
            else
                sched_yield();
        }
        mix_counter = v + 1;
        atomic_fetch_sub(&mix_inside, 1);
        gocc_mutex_unlock(&mix_mx);
    }
}

static void mix_goroutine(void *arg) {
    (void)arg;
    mix_body(true);
    gocc_send(mix_done, 1);
}

static void *mix_thread(void *arg) {
    (void)arg;
    mix_body(false);
    return NULL;
}

static void test_mutex_foreign_and_goroutines(void **state) {
    (void)state;
    mix_done = gocc_make(int, MIX_G);
    pthread_t t[MIX_T];
    for (int i = 0; i < MIX_G; i++)
        gocc_go(mix_goroutine, NULL);
    for (int i = 0; i < MIX_T; i++)
        assert_int_equal(pthread_create(&t[i], NULL, mix_thread, NULL), 0);
    for (int i = 0; i < MIX_T; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(recv_n_within(mix_done, MIX_G, 20000), MIX_G);
    assert_int_equal(atomic_load(&mix_overlap), 0);
    assert_int_equal(mix_counter, (MIX_G + MIX_T) * MIX_ITERS);
}

/* --------------------------------------------- waitgroup: wait after done */

enum { WG_N = 50 };

static gocc_waitgroup wg_a = GOCC_WAITGROUP_INIT;
static atomic_int wg_a_count, wg_a_seen_by_goroutine;
static gocc_chan(int) wg_a_done;

static void wg_a_worker(void *arg) {
    gocc_sleep_ms((int)(intptr_t)arg % 7);
    atomic_fetch_add(&wg_a_count, 1);
    gocc_wg_done(&wg_a);
}

static void wg_a_waiter(void *arg) {
    (void)arg;
    gocc_wg_wait(&wg_a);
    atomic_store(&wg_a_seen_by_goroutine, atomic_load(&wg_a_count));
    gocc_send(wg_a_done, 1);
}

static void test_wg_wait_after_all_done(void **state) {
    (void)state;
    wg_a_done = gocc_make(int, 1);
    gocc_wg_add(&wg_a, WG_N);
    gocc_go(wg_a_waiter, NULL);
    for (int i = 0; i < WG_N; i++)
        gocc_go(wg_a_worker, (void *)(intptr_t)i);
    gocc_wg_wait(&wg_a);   /* this (foreign) thread blocks */
    assert_int_equal(atomic_load(&wg_a_count), WG_N);
    assert_int_equal(recv_n_within(wg_a_done, 1, 5000), 1);
    assert_int_equal(atomic_load(&wg_a_seen_by_goroutine), WG_N);
}

/* ------------------------------------------------ waitgroup: zero count */

static gocc_waitgroup wg_z = GOCC_WAITGROUP_INIT;
static gocc_chan(int) wg_z_done;

static void wg_z_waiter(void *arg) {
    (void)arg;
    gocc_wg_wait(&wg_z);
    gocc_send(wg_z_done, 1);
}

static void test_wg_wait_on_zero(void **state) {
    (void)state;
    int64_t t0 = now_ms();
    gocc_wg_wait(&wg_z);               /* never added to */
    gocc_wg_add(&wg_z, 3);
    gocc_wg_add(&wg_z, -3);
    gocc_wg_wait(&wg_z);               /* back to zero */
    assert_true(now_ms() - t0 < 1000);
    wg_z_done = gocc_make(int, 1);
    gocc_go(wg_z_waiter, NULL);
    assert_int_equal(recv_n_within(wg_z_done, 1, 2000), 1);
}

/* ----------------------------------------- waitgroup: multiple waiters */

enum { MW_G = 6 };

static gocc_waitgroup wg_m = GOCC_WAITGROUP_INIT;
static atomic_int mw_flag, mw_released, mw_early, mw_waiting;
static gocc_chan(int) mw_done;

static void mw_check(void) {
    if (!atomic_load(&mw_flag))
        atomic_fetch_add(&mw_early, 1);
    atomic_fetch_add(&mw_released, 1);
}

static void mw_goroutine(void *arg) {
    (void)arg;
    atomic_fetch_add(&mw_waiting, 1);
    gocc_wg_wait(&wg_m);
    mw_check();
    gocc_send(mw_done, 1);
}

static void *mw_thread(void *arg) {
    (void)arg;
    atomic_fetch_add(&mw_waiting, 1);
    gocc_wg_wait(&wg_m);
    mw_check();
    return NULL;
}

static void test_wg_multiple_waiters(void **state) {
    (void)state;
    mw_done = gocc_make(int, MW_G);
    gocc_wg_add(&wg_m, 1);
    for (int i = 0; i < MW_G; i++)
        gocc_go(mw_goroutine, NULL);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, mw_thread, NULL), 0);
    while (atomic_load(&mw_waiting) < MW_G + 1)
        sched_yield();
    gocc_sleep_ms(30);
    assert_int_equal(atomic_load(&mw_released), 0);
    atomic_store(&mw_flag, 1);
    gocc_wg_done(&wg_m);
    assert_int_equal(recv_n_within(mw_done, MW_G, 5000), MW_G);
    pthread_join(t, NULL);
    assert_int_equal(atomic_load(&mw_released), MW_G + 1);
    assert_int_equal(atomic_load(&mw_early), 0);
}

/* ------------------------------------------------------ waitgroup: reuse */

enum { RU_ROUNDS = 5, RU_N = 10 };

static gocc_waitgroup wg_r = GOCC_WAITGROUP_INIT;
static atomic_int ru_count;

static void ru_worker(void *arg) {
    (void)arg;
    gocc_yield();
    atomic_fetch_add(&ru_count, 1);
    gocc_wg_done(&wg_r);
}

static void test_wg_reuse(void **state) {
    (void)state;
    for (int r = 0; r < RU_ROUNDS; r++) {
        gocc_wg_add(&wg_r, RU_N);
        for (int i = 0; i < RU_N; i++)
            gocc_go(ru_worker, NULL);
        gocc_wg_wait(&wg_r);
        assert_int_equal(atomic_load(&ru_count), (r + 1) * RU_N);
    }
}

/* ----------------------------------------------------------------- once */

enum { ON_G = 16 };

static gocc_once once = GOCC_ONCE_INIT;
static atomic_int on_calls, on_flag, on_early, on_returned;
static gocc_chan(int) on_gate, on_done;

static void on_fn(void) {
    atomic_fetch_add(&on_calls, 1);
    gocc_sleep_ms(20);
    atomic_store(&on_flag, 1);
}

static void on_call(void) {
    gocc_once_do(&once, on_fn);
    if (!atomic_load(&on_flag))
        atomic_fetch_add(&on_early, 1);
    atomic_fetch_add(&on_returned, 1);
}

static void on_goroutine(void *arg) {
    (void)arg;
    (void)gocc_recv(on_gate);   /* all start together */
    on_call();
    gocc_send(on_done, 1);
}

static void test_once_exactly_once(void **state) {
    (void)state;
    on_gate = gocc_make(int, 0);
    on_done = gocc_make(int, ON_G);
    for (int i = 0; i < ON_G; i++)
        gocc_go(on_goroutine, NULL);
    gocc_close(on_gate);
    on_call();            /* this thread races them too */
    assert_int_equal(recv_n_within(on_done, ON_G, 5000), ON_G);
    assert_int_equal(atomic_load(&on_calls), 1);
    assert_int_equal(atomic_load(&on_early), 0);
    assert_int_equal(atomic_load(&on_returned), ON_G + 1);
    on_call();            /* later calls do nothing */
    assert_int_equal(atomic_load(&on_calls), 1);
}

/* ------------------------------------------------------------------ main */

static void on_alarm(int sig) {
    (void)sig;
    static const char msg[] = "test_sync: timed out (a hang)\n";
    if (write(2, msg, sizeof msg - 1) < 0) {
    }
    _exit(1);
}

int main(void) {
    signal(SIGALRM, on_alarm);
    alarm(60);
    if (getenv("GOCC_TEST_SKIP"))   /* debugging aid: cmocka skip pattern */
        cmocka_set_skip_filter(getenv("GOCC_TEST_SKIP"));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mutex_exclusion),
        cmocka_unit_test(test_mutex_contended_parks),
        cmocka_unit_test(test_mutex_trylock),
        cmocka_unit_test(test_mutex_foreign_and_goroutines),
        cmocka_unit_test(test_wg_wait_after_all_done),
        cmocka_unit_test(test_wg_wait_on_zero),
        cmocka_unit_test(test_wg_multiple_waiters),
        cmocka_unit_test(test_wg_reuse),
        cmocka_unit_test(test_once_exactly_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
