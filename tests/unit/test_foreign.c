/*
 * test_foreign.c - the runtime used from threads it did not create
 * (LANGUAGE.md section 9): plain pthreads and the test's main thread send,
 * receive, select, wait on wait groups and lock mutexes, exchanging values
 * with goroutines in both directions; several pthreads and goroutines share
 * one channel; blocked pthreads are served first come first served and are
 * woken by close; goroutines started from a pthread run; gocc_goid is 0
 * off goroutines.  Child processes (tests/progs/chan_foreign.c) check that
 * a pthread busy outside the runtime never lets the runtime declare a
 * deadlock (also when the runtime was started by a pthread that has since
 * exited), and that a real deadlock involving a blocked main thread is
 * reported.
 *
 * A blocking call on a foreign thread blocks the whole thread, so the
 * threads here are joined with a deadline: a hang fails its test instead
 * of blocking ctest.
 */
#include "support.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gocc.h>

#include "harness.h"

/* ------------------------------------------------------- small helpers */

typedef gocc_chan(int) ichan;

static void wait_count(atomic_int *flag, int v) {
    while (atomic_load(flag) < v)
        gocc_sleep_ms(1);
}

static pthread_t start_thread(void *(*fn)(void *), void *arg) {
    pthread_t t;
    if (pthread_create(&t, NULL, fn, arg) != 0)
        abort();
    return t;
}

/* Join t within ms; on timeout record a failure and leave it running. */
static bool join_within(pthread_t t, int ms) {
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += ms / 1000;
    dl.tv_nsec += (long)(ms % 1000) * 1000000;
    if (dl.tv_nsec >= 1000000000) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000;
    }
    if (pthread_timedjoin_np(t, NULL, &dl) == 0)
        return true;
    note_failure(__FILE__, __LINE__, "thread not finished after %d ms", ms);
    pthread_detach(t);
    return false;
}

/* ------------------------------------------------------------ exchange */

enum { ROUNDS = 2000 };

typedef struct duo {
    ichan to_g, to_t;
    atomic_int done;
} duo;

/* Goroutine side: answer every value with value + 1 until to_g closes. */
static void echo_plus_one(void *p) {
    duo *d = p;
    int v;
    while (gocc_recv_ok(d->to_g, &v))
        gocc_send(d->to_t, v + 1);
    atomic_store(&d->done, 1);
}

/* Thread side: ROUNDS round trips over unbuffered channels. */
static void ping_pong_with_goroutine(void) {
    duo d = {gocc_make(int, 0), gocc_make(int, 0), 0};
    gocc_go(echo_plus_one, &d);
    for (int i = 0; i < ROUNDS; i++) {
        gocc_send(d.to_g, 2 * i);
        CHECK_EQ(gocc_recv(d.to_t), 2 * i + 1);
    }
    gocc_close(d.to_g);
    wait_count(&d.done, 1);
    gocc_chan_free(d.to_g);
    gocc_chan_free(d.to_t);
}
TEST_ON_THREAD(ping_pong_with_goroutine)

static void test_ping_pong_on_main_thread(void **state) {
    (void)state;
    begin(__func__);
    ping_pong_with_goroutine();
    finish();
}

/* The reverse roles: the goroutine drives, a pthread echoes. */
static void *thread_echo_plus_one(void *p) {
    echo_plus_one(p);
    return NULL;
}

typedef struct drive {
    duo *d;
    atomic_int ok;
} drive;

static void goroutine_drives(void *p) {
    drive *dr = p;
    for (int i = 0; i < ROUNDS; i++) {
        gocc_send(dr->d->to_g, i);
        if (gocc_recv(dr->d->to_t) != i + 1)
            return;
    }
    gocc_close(dr->d->to_g);
    atomic_store(&dr->ok, 1);
}

static void test_goroutine_ping_pongs_with_pthread(void **state) {
    (void)state;
    begin(__func__);
    duo d = {gocc_make(int, 0), gocc_make(int, 0), 0};
    drive dr = {&d, 0};
    pthread_t t = start_thread(thread_echo_plus_one, &d);
    gocc_go(goroutine_drives, &dr);
    bool joined = join_within(t, 10000);
    /* the goroutine sets ok after its close, which may be after the
     * pthread saw the close and exited */
    bool driven = wait_flag_for(&dr.ok, 1, 5000);
    finish();
    assert_true(joined);
    assert_true(driven);
    gocc_chan_free(d.to_g);
    gocc_chan_free(d.to_t);
}

/* -------------------------------------------------------------- select */

typedef struct delayed {
    ichan c;
    int value, delay_ms;
    int got;
    atomic_int done;
} delayed;

static void send_after_delay(void *p) {
    delayed *d = p;
    gocc_sleep_ms(d->delay_ms);
    gocc_send(d->c, d->value);
    atomic_store(&d->done, 1);
}

static void recv_after_delay(void *p) {
    delayed *d = p;
    gocc_sleep_ms(d->delay_ms);
    d->got = gocc_recv(d->c);
    atomic_store(&d->done, 1);
}

static void select_waits_for_goroutines(void) {
    ichan a = gocc_make(int, 0), b = gocc_make(int, 0);
    delayed s = {b, 5, 20, 0, 0};
    gocc_go(send_after_delay, &s);
    int x = -1, y = -1;
    gocc_select_case cs[] = {gocc_case_recv(a, &x), gocc_case_recv(b, &y)};
    CHECK_EQ(gocc_select(cs, 2, false), 1);
    CHECK_EQ(y, 5);
    wait_count(&s.done, 1);

    delayed r = {a, 0, 20, -1, 0};
    gocc_go(recv_after_delay, &r);
    int out = 6;
    gocc_select_case cs2[] = {gocc_case_send(a, &out), gocc_case_recv(b, &y)};
    CHECK_EQ(gocc_select(cs2, 2, false), 0);
    wait_count(&r.done, 1);
    CHECK_EQ(r.got, 6);

    int64_t ts = 0;
    gocc_select_case cs3[] = {gocc_case_recv(a, &x),
                              gocc_case_recv(gocc_after(10), &ts)};
    cs3[1].flags = GOCC_CASE_RELEASE;
    CHECK_EQ(gocc_select(cs3, 2, false), 1);
    CHECK(ts > 0);
    gocc_chan_free(a);
    gocc_chan_free(b);
}
TEST_ON_THREAD(select_waits_for_goroutines)

static void test_select_on_main_thread(void **state) {
    (void)state;
    begin(__func__);
    select_waits_for_goroutines();
    finish();
}

/* A goroutine's select is woken by a pthread's send. */
typedef struct sel_job {
    ichan a, b;
    int idx, val;
    atomic_int done;
} sel_job;

static void goroutine_selects(void *p) {
    sel_job *j = p;
    int x = -1, y = -1;
    gocc_select_case cs[] = {gocc_case_recv(j->a, &x),
                             gocc_case_recv(j->b, &y)};
    j->idx = gocc_select(cs, 2, false);
    j->val = j->idx == 0 ? x : y;
    atomic_store(&j->done, 1);
}

static void *send_7_on_b(void *p) {
    sel_job *j = p;
    struct timespec ts = {0, 20 * 1000000};
    nanosleep(&ts, NULL);
    gocc_send(j->b, 7);
    return NULL;
}

static void test_goroutine_select_woken_by_pthread(void **state) {
    (void)state;
    begin(__func__);
    sel_job j = {gocc_make(int, 0), gocc_make(int, 0), -1, -1, 0};
    gocc_go(goroutine_selects, &j);
    pthread_t t = start_thread(send_7_on_b, &j);
    bool joined = join_within(t, 5000);
    bool done = wait_flag_for(&j.done, 1, 5000);
    finish();
    assert_true(joined && done);
    assert_int_equal(j.idx, 1);
    assert_int_equal(j.val, 7);
    gocc_chan_free(j.a);
    gocc_chan_free(j.b);
}

/* ---------------------------------------------------------- wait groups */

typedef struct work {
    gocc_waitgroup *wg;
    atomic_int *count;
} work;

static void do_work(void *p) {
    work *w = p;
    gocc_sleep_ms(5);
    atomic_fetch_add(w->count, 1);
    gocc_wg_done(w->wg);
}

/* A pthread starts goroutines (gocc_go from a foreign thread) and waits. */
static void wait_group_for_goroutines(void) {
    enum { N = 50 };
    gocc_waitgroup wg = GOCC_WAITGROUP_INIT;
    atomic_int count = 0;
    work w = {&wg, &count};
    for (int round = 0; round < 5; round++) {
        gocc_wg_add(&wg, N);
        for (int i = 0; i < N; i++)
            gocc_go(do_work, &w);
        gocc_wg_wait(&wg);
        CHECK_EQ(atomic_load(&count), N * (round + 1));
    }
}
TEST_ON_THREAD(wait_group_for_goroutines)

static void test_wait_group_on_main_thread(void **state) {
    (void)state;
    begin(__func__);
    wait_group_for_goroutines();
    finish();
}

static void *thread_work(void *p) {
    work *w = p;
    struct timespec ts = {0, 10 * 1000000};
    nanosleep(&ts, NULL);
    atomic_fetch_add(w->count, 1);
    gocc_wg_done(w->wg);
    return NULL;
}

typedef struct waiter_job {
    gocc_waitgroup *wg;
    atomic_int *count;
    int seen;
    atomic_int done;
} waiter_job;

static void goroutine_waits(void *p) {
    waiter_job *j = p;
    gocc_wg_wait(j->wg);
    j->seen = atomic_load(j->count);
    atomic_store(&j->done, 1);
}

static void test_goroutine_waits_for_pthreads(void **state) {
    (void)state;
    begin(__func__);
    enum { N = 4 };
    gocc_waitgroup wg = GOCC_WAITGROUP_INIT;
    atomic_int count = 0;
    work w = {&wg, &count};
    waiter_job j = {&wg, &count, -1, 0};
    gocc_wg_add(&wg, N);
    gocc_go(goroutine_waits, &j);
    pthread_t t[N];
    for (int i = 0; i < N; i++)
        t[i] = start_thread(thread_work, &w);
    for (int i = 0; i < N; i++)
        join_within(t[i], 5000);
    bool done = wait_flag_for(&j.done, 1, 5000);
    finish();
    assert_true(done);
    assert_int_equal(j.seen, N);
}

/* -------------------------------------------------------------- mutex */

enum { LOCKERS = 4, INCREMENTS = 3000 };

typedef struct shared {
    gocc_mutex m;
    long counter;    /* plain: only under m */
    int inside;      /* plain: only under m */
    atomic_int overlaps;
    atomic_int done;
} shared;

static void add_many(shared *s) {
    for (int i = 0; i < INCREMENTS; i++) {
        gocc_mutex_lock(&s->m);
        if (s->inside++)
            atomic_fetch_add(&s->overlaps, 1);
        s->counter++;
        if (i % 64 == 0)
            gocc_yield(); /* hold the lock across a switch now and then */
        s->inside--;
        gocc_mutex_unlock(&s->m);
    }
    atomic_fetch_add(&s->done, 1);
}

static void goroutine_add(void *p) { add_many(p); }
static void *thread_add(void *p) {
    add_many(p);
    return NULL;
}

static void test_mutex_shared_by_pthreads_and_goroutines(void **state) {
    (void)state;
    begin(__func__);
    shared *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->m = (gocc_mutex)GOCC_MUTEX_INIT;
    pthread_t t[LOCKERS];
    for (int i = 0; i < LOCKERS; i++) {
        gocc_go(goroutine_add, s);
        t[i] = start_thread(thread_add, s);
    }
    for (int i = 0; i < LOCKERS; i++)
        join_within(t[i], 20000);
    bool done = wait_flag_for(&s->done, 2 * LOCKERS, 20000);
    finish();
    assert_true(done);
    assert_int_equal(atomic_load(&s->overlaps), 0);
    assert_int_equal(s->counter, 2 * LOCKERS * INCREMENTS);
    free(s);
}

typedef struct handover {
    gocc_mutex m;
    atomic_int locked, released, saw_release;
    atomic_int goroutine_done; /* the goroutine no longer touches m */
} handover;

static void hold_then_release(void *p) {
    handover *h = p;
    gocc_mutex_lock(&h->m);
    atomic_store(&h->locked, 1);
    gocc_sleep_ms(30);
    atomic_store(&h->released, 1);
    gocc_mutex_unlock(&h->m);
    atomic_store(&h->goroutine_done, 1);
}

static void *thread_lock(void *p) {
    handover *h = p;
    gocc_mutex_lock(&h->m);
    atomic_store(&h->saw_release, atomic_load(&h->released));
    gocc_mutex_unlock(&h->m);
    return NULL;
}

/* A pthread blocked in gocc_mutex_lock gets the mutex when a goroutine
 * releases it, not before. */
static void test_pthread_blocks_on_mutex_held_by_goroutine(void **state) {
    (void)state;
    begin(__func__);
    handover h = {GOCC_MUTEX_INIT, 0, 0, 0, 0};
    gocc_go(hold_then_release, &h);
    assert_true(wait_flag_for(&h.locked, 1, 5000));
    pthread_t t = start_thread(thread_lock, &h);
    bool joined = join_within(t, 5000);
    bool done = wait_flag_for(&h.goroutine_done, 1, 5000);
    finish();
    assert_true(joined && done);
    assert_int_equal(atomic_load(&h.saw_release), 1);
}

static void *thread_hold_then_release(void *p) {
    handover *h = p;
    gocc_mutex_lock(&h->m);
    atomic_store(&h->locked, 1);
    struct timespec ts = {0, 30 * 1000000};
    nanosleep(&ts, NULL);
    atomic_store(&h->released, 1);
    gocc_mutex_unlock(&h->m);
    return NULL;
}

static void goroutine_lock(void *p) {
    handover *h = p;
    gocc_mutex_lock(&h->m);
    atomic_store(&h->saw_release, 1 + atomic_load(&h->released));
    gocc_mutex_unlock(&h->m);
    atomic_store(&h->goroutine_done, 1);
}

static void test_goroutine_blocks_on_mutex_held_by_pthread(void **state) {
    (void)state;
    begin(__func__);
    handover h = {GOCC_MUTEX_INIT, 0, 0, 0, 0};
    pthread_t t = start_thread(thread_hold_then_release, &h);
    assert_true(wait_flag_for(&h.locked, 1, 5000));
    gocc_go(goroutine_lock, &h);
    bool joined = join_within(t, 5000);
    bool done = wait_flag_for(&h.goroutine_done, 1, 5000);
    finish();
    assert_true(joined && done);
    assert_int_equal(atomic_load(&h.saw_release), 2);
}

/* ------------------------------------------- many parties, one channel */

enum { PT_PROD = 3, G_PROD = 3, PT_CONS = 2, G_CONS = 2, PER = 1500 };
enum { TOTAL = (PT_PROD + G_PROD) * PER };

typedef struct crowd {
    ichan c;
    atomic_int seen[TOTAL];
    atomic_int bad, producers_left, consumers_done;
} crowd;

typedef struct crowd_role {
    crowd *k;
    int id;
} crowd_role;

static void crowd_produce(crowd_role *r) {
    for (int i = 0; i < PER; i++)
        gocc_send(r->k->c, r->id * PER + i);
    if (atomic_fetch_sub(&r->k->producers_left, 1) == 1)
        gocc_close(r->k->c);
}

static void crowd_consume(crowd_role *r) {
    crowd *k = r->k;
    int v;
    while (gocc_recv_ok(k->c, &v)) {
        if (v < 0 || v >= TOTAL)
            atomic_fetch_add(&k->bad, 1);
        else
            atomic_fetch_add(&k->seen[v], 1);
    }
    atomic_fetch_add(&k->consumers_done, 1);
}

static void g_produce(void *p) { crowd_produce(p); }
static void g_consume(void *p) { crowd_consume(p); }
static void *t_produce(void *p) {
    crowd_produce(p);
    return NULL;
}
static void *t_consume(void *p) {
    crowd_consume(p);
    return NULL;
}

static void run_crowd(int cap) {
    crowd *k = calloc(1, sizeof *k);
    assert_non_null(k);
    k->c = gocc_make(int, cap);
    atomic_store(&k->producers_left, PT_PROD + G_PROD);
    crowd_role prod[PT_PROD + G_PROD], cons[PT_CONS + G_CONS];
    pthread_t t[PT_PROD + PT_CONS];
    int nt = 0;
    for (int i = 0; i < PT_CONS + G_CONS; i++) {
        cons[i] = (crowd_role){k, i};
        if (i < PT_CONS)
            t[nt++] = start_thread(t_consume, &cons[i]);
        else
            gocc_go(g_consume, &cons[i]);
    }
    for (int i = 0; i < PT_PROD + G_PROD; i++) {
        prod[i] = (crowd_role){k, i};
        if (i < PT_PROD)
            t[nt++] = start_thread(t_produce, &prod[i]);
        else
            gocc_go(g_produce, &prod[i]);
    }
    bool joined = true;
    for (int i = 0; i < nt; i++)
        joined &= join_within(t[i], 15000);
    bool done = wait_flag_for(&k->consumers_done, PT_CONS + G_CONS, 15000);
    finish();
    assert_true(joined && done);
    assert_int_equal(atomic_load(&k->bad), 0);
    for (int v = 0; v < TOTAL; v++)
        if (atomic_load(&k->seen[v]) != 1)
            fail_msg("value %d received %d times", v, atomic_load(&k->seen[v]));
    gocc_chan_free(k->c);
    free(k);
}

static void test_pthreads_and_goroutines_share_unbuffered_channel(void **s) {
    (void)s;
    begin(__func__);
    run_crowd(0);
}

static void test_pthreads_and_goroutines_share_buffered_channel(void **s) {
    (void)s;
    begin(__func__);
    run_crowd(4);
}

/* ----------------------------------------------- blocked pthreads: order */

typedef struct tsend {
    ichan c;
    int value;
    atomic_int *before;
} tsend;

static void *thread_send(void *p) {
    tsend *j = p;
    atomic_fetch_add(j->before, 1);
    gocc_send(j->c, j->value);
    return NULL;
}

typedef struct relay {
    ichan in, out;
    int n;
} relay;

/* Receive n values from in, forward them to out. */
static void relay_values(void *p) {
    relay *r = p;
    for (int i = 0; i < r->n; i++)
        gocc_send(r->out, gocc_recv(r->in));
}

/* pthreads blocked in send, in a known order, are served in that order
 * by a receiving goroutine. */
static void test_blocked_pthreads_served_in_order(void **state) {
    (void)state;
    begin(__func__);
    enum { N = 4 };
    ichan c = gocc_make(int, 0), out = gocc_make(int, N);
    atomic_int before = 0;
    tsend jobs[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (tsend){c, i, &before};
        t[i] = start_thread(thread_send, &jobs[i]);
        assert_true(wait_flag_for(&before, i + 1, 5000));
        struct timespec ts = {0, 10 * 1000000};
        nanosleep(&ts, NULL); /* let it reach its send */
    }
    relay r = {c, out, N};
    gocc_go_copy(relay_values, &r, sizeof r);
    bool joined = true;
    for (int i = 0; i < N; i++)
        joined &= join_within(t[i], 5000);
    finish();
    assert_true(joined);
    for (int i = 0; i < N; i++)
        assert_int_equal(gocc_recv(out), i);
    gocc_chan_free(c);
    gocc_chan_free(out);
}

/* ------------------------------------------------------- close wakes */

typedef struct closed_wait {
    ichan c;
    atomic_int before;
    int got;
    bool ok;
} closed_wait;

static void *thread_recv_until_closed(void *p) {
    closed_wait *w = p;
    w->got = 99;
    w->ok = true;
    atomic_store(&w->before, 1);
    w->ok = gocc_recv_ok(w->c, &w->got);
    return NULL;
}

static void close_after_20(void *p) {
    gocc_sleep_ms(20);
    gocc_close(*(ichan *)p);
}

static void test_pthread_blocked_in_recv_woken_by_close(void **state) {
    (void)state;
    begin(__func__);
    closed_wait w = {gocc_make(int, 0), 0, 0, true};
    pthread_t t = start_thread(thread_recv_until_closed, &w);
    assert_true(wait_flag_for(&w.before, 1, 5000));
    gocc_go_copy(close_after_20, &w.c, sizeof w.c);
    bool joined = join_within(t, 5000);
    finish();
    assert_true(joined);
    assert_false(w.ok);
    assert_int_equal(w.got, 0);
    gocc_chan_free(w.c);
}

static void test_main_thread_blocked_in_recv_woken_by_close(void **state) {
    (void)state;
    begin(__func__);
    ichan c = gocc_make(int, 0);
    gocc_go_copy(close_after_20, &c, sizeof c);
    int v = 5;
    assert_false(gocc_recv_ok(c, &v));
    assert_int_equal(v, 0);
    finish();
    gocc_chan_free(c);
}

static void *close_from_thread(void *p) {
    struct timespec ts = {0, 20 * 1000000};
    nanosleep(&ts, NULL);
    gocc_close(*(ichan *)p);
    return NULL;
}

static void goroutine_recv_until_closed(void *p) {
    closed_wait *w = p;
    atomic_store(&w->before, 1);
    w->ok = gocc_recv_ok(w->c, &w->got);
    atomic_store(&w->before, 2);
}

static void test_goroutine_woken_by_close_on_pthread(void **state) {
    (void)state;
    begin(__func__);
    closed_wait w = {gocc_make(int, 0), 0, 99, true};
    gocc_go(goroutine_recv_until_closed, &w);
    pthread_t t = start_thread(close_from_thread, &w.c);
    bool joined = join_within(t, 5000);
    bool done = wait_flag_for(&w.before, 2, 5000);
    finish();
    assert_true(joined && done);
    assert_false(w.ok);
    assert_int_equal(w.got, 0);
    gocc_chan_free(w.c);
}

/* ---------------------------------------------------------------- goid */

typedef struct goid_probe {
    int64_t id;
    atomic_int done;
} goid_probe;

static void record_goid(void *p) {
    goid_probe *g = p;
    g->id = gocc_goid();
    atomic_store(&g->done, 1);
}

static void *thread_goid(void *p) {
    *(int64_t *)p = gocc_goid();
    return NULL;
}

static void test_goid_is_zero_off_goroutines(void **state) {
    (void)state;
    begin(__func__);
    assert_int_equal(gocc_goid(), 0);
    int64_t from_thread = -1;
    pthread_t t = start_thread(thread_goid, &from_thread);
    assert_true(join_within(t, 5000));
    assert_int_equal(from_thread, 0);
    goid_probe a = {-1, 0}, b = {-1, 0};
    gocc_go(record_goid, &a);
    gocc_go(record_goid, &b);
    assert_true(wait_flag_for(&a.done, 1, 5000));
    assert_true(wait_flag_for(&b.done, 1, 5000));
    assert_true(a.id > 1);
    assert_true(b.id > 1);
    assert_true(a.id != b.id);
    finish();
}

/* ----------------------------------------------------------- child runs */

static void expect_child(const char *mode, int status, const char *out,
                         const char *err_substr) {
    char path[] = GOCC_PROGS_DIR "/chan_foreign";
    char *argv[] = {path, (char *)mode, NULL};
    child_result *r = run_child(argv, NULL, 20);
    if (r->timed_out || !r->exited || r->status != status ||
        (out && strcmp(r->out, out)) ||
        (err_substr && !strstr(r->err, err_substr))) {
        print_error("chan_foreign %s: timed_out=%d exited=%d status=%d "
                    "(want %d)\nstdout:\n%s\nstderr:\n%s\n",
                    mode, r->timed_out, r->exited, r->status, status, r->out,
                    r->err);
        free(r);
        fail_msg("chan_foreign %s: unexpected result", mode);
    }
    free(r);
}

static void test_no_false_deadlock_while_pthread_sleeps(void **s) {
    (void)s;
    expect_child("sleeping_pthread", 0, "ok\n", NULL);
}

static void test_no_false_deadlock_after_pthread_started_runtime(void **s) {
    (void)s;
    expect_child("started_by_pthread", 0, "ok\n", NULL);
}

static void test_deadlock_with_main_thread_blocked_is_reported(void **s) {
    (void)s;
    expect_child("deadlock", 2, "",
                 "fatal error: all goroutines are asleep - deadlock!");
}

int main(void) {
    signal(SIGALRM, on_alarm);
    gocc_maxprocs(); /* start the runtime from the main thread */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ping_pong_with_goroutine_on_thread),
        cmocka_unit_test(test_ping_pong_on_main_thread),
        cmocka_unit_test(test_goroutine_ping_pongs_with_pthread),
        cmocka_unit_test(test_select_waits_for_goroutines_on_thread),
        cmocka_unit_test(test_select_on_main_thread),
        cmocka_unit_test(test_goroutine_select_woken_by_pthread),
        cmocka_unit_test(test_wait_group_for_goroutines_on_thread),
        cmocka_unit_test(test_wait_group_on_main_thread),
        cmocka_unit_test(test_goroutine_waits_for_pthreads),
        cmocka_unit_test(test_mutex_shared_by_pthreads_and_goroutines),
        cmocka_unit_test(test_pthread_blocks_on_mutex_held_by_goroutine),
        cmocka_unit_test(test_goroutine_blocks_on_mutex_held_by_pthread),
        cmocka_unit_test(test_pthreads_and_goroutines_share_unbuffered_channel),
        cmocka_unit_test(test_pthreads_and_goroutines_share_buffered_channel),
        cmocka_unit_test(test_blocked_pthreads_served_in_order),
        cmocka_unit_test(test_pthread_blocked_in_recv_woken_by_close),
        cmocka_unit_test(test_main_thread_blocked_in_recv_woken_by_close),
        cmocka_unit_test(test_goroutine_woken_by_close_on_pthread),
        cmocka_unit_test(test_goid_is_zero_off_goroutines),
        cmocka_unit_test(test_no_false_deadlock_while_pthread_sleeps),
        cmocka_unit_test(test_no_false_deadlock_after_pthread_started_runtime),
        cmocka_unit_test(test_deadlock_with_main_thread_blocked_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
