/*
 * test_select.c - gocc_select (LANGUAGE.md section 7): a ready case is
 * taken; with a default and nothing ready the default (-1) is; without one
 * the caller blocks until a case can proceed (woken by a send, a receive or
 * a close); send cases; receive with status on a closed channel; cases on
 * the nil channel never fire; the choice among ready cases is uniformly
 * random (counts and a chi-square bound); the same channel in several
 * cases, also for sending and receiving at once; two selects pairing up on
 * one channel; the losing cases of a select that fired are dequeued (a
 * later send is not swallowed by a finished select); GOCC_CASE_RELEASE with
 * gocc_after (timeouts, and release when another case wins); more than 16
 * cases (the runtime's heap-allocated path); 100,000 cases (the lock
 * order's heapsort), two such selects at once; selects made by a plain
 * thread, including the test's main thread.
 *
 * As in test_chan.c, most checks are bodies run both inside a goroutine and
 * on a plain pthread, reporting with CHECK.  Panics (a send case on a closed
 * channel) and blocking forever (select {} and nil-only selects) are checked
 * in child processes (tests/progs/sel_panic.c), and GOCC_SEED
 * repeatability with one worker in tests/progs/sel_seed.c.
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

typedef struct send_job {
    ichan c;
    int value;
    int delay_ms;
    atomic_int *before, *after;
} send_job;

/* Announce, optionally sleep, send one value, announce. */
static void send_one(void *p) {
    send_job *j = p;
    atomic_fetch_add(j->before, 1);
    if (j->delay_ms)
        gocc_sleep_ms(j->delay_ms);
    gocc_send(j->c, j->value);
    atomic_fetch_add(j->after, 1);
}

typedef struct recv_job {
    ichan c;
    int *out;
    int delay_ms;
    atomic_int *before, *after;
} recv_job;

static void recv_one(void *p) {
    recv_job *j = p;
    atomic_fetch_add(j->before, 1);
    if (j->delay_ms)
        gocc_sleep_ms(j->delay_ms);
    *j->out = gocc_recv(j->c);
    atomic_fetch_add(j->after, 1);
}

static void wait_count(atomic_int *flag, int v) {
    while (atomic_load(flag) < v)
        gocc_sleep_ms(1);
}

/* Pearson's chi-square statistic of counts against a uniform spread. */
static double chi_square(const long *counts, int k) {
    long total = 0;
    for (int i = 0; i < k; i++)
        total += counts[i];
    double e = (double)total / k, x = 0;
    for (int i = 0; i < k; i++)
        x += (counts[i] - e) * (counts[i] - e) / e;
    return x;
}

/* ------------------------------------------------- readiness, default */

static void select_takes_the_ready_case(void) {
    ichan empty = gocc_make(int, 0), ready = gocc_make(int, 1),
          full = gocc_make(int, 1), nil = 0;
    gocc_send(full, 1);
    for (int round = 0; round < 50; round++) {
        gocc_send(ready, round);
        int a = -1, b = -1, c = -1, out = 5;
        gocc_select_case cs[] = {
            gocc_case_recv(empty, &a), gocc_case_send(full, &out),
            gocc_case_recv(nil, &c), gocc_case_recv(ready, &b),
            gocc_case_send(empty, &out),
        };
        CHECK_EQ(gocc_select(cs, 5, false), 3);
        CHECK_EQ(b, round);
        CHECK(cs[3].ok);
        CHECK_EQ(a, -1);
        CHECK_EQ(c, -1);
        CHECK_EQ(gocc_len(full), 1);
    }
    gocc_chan_free(empty);
    gocc_chan_free(ready);
    gocc_chan_free(full);
}
TEST_BOTH(select_takes_the_ready_case)

static void default_taken_when_nothing_ready(void) {
    ichan empty = gocc_make(int, 0), full = gocc_make(int, 1);
    gocc_send(full, 8);
    int x = 77, out = 3;
    for (int i = 0; i < 100; i++) {
        gocc_select_case cs[] = {gocc_case_recv(empty, &x),
                                 gocc_case_send(full, &out),
                                 gocc_case_send(empty, &out)};
        CHECK_EQ(gocc_select(cs, 3, true), -1);
    }
    CHECK_EQ(x, 77);
    CHECK_EQ(gocc_len(full), 1);
    CHECK_EQ(gocc_recv(full), 8);
    /* and a ready case beats the default */
    gocc_send(full, 9);
    gocc_select_case cs[] = {gocc_case_recv(empty, &x),
                             gocc_case_recv(full, &x)};
    CHECK_EQ(gocc_select(cs, 2, true), 1);
    CHECK_EQ(x, 9);
    gocc_chan_free(empty);
    gocc_chan_free(full);
}
TEST_BOTH(default_taken_when_nothing_ready)

static void zero_cases_with_default(void) {
    CHECK_EQ(gocc_select(NULL, 0, true), -1);
    gocc_select_case nils[3] = {gocc_case_recv_drop((ichan)0),
                                gocc_case_recv_drop((ichan)0),
                                gocc_case_recv_drop((ichan)0)};
    CHECK_EQ(gocc_select(nils, 3, true), -1);
}
TEST_BOTH(zero_cases_with_default)

static void nil_cases_never_fire(void) {
    ichan nil = 0, ready = gocc_make(int, 1);
    int x = 0, out = 1;
    for (int i = 0; i < 1000; i++) {
        gocc_select_case cs[] = {gocc_case_recv(nil, &x),
                                 gocc_case_send(nil, &out)};
        CHECK_EQ(gocc_select(cs, 2, true), -1);
    }
    for (int i = 0; i < 1000; i++) {
        gocc_send(ready, i);
        gocc_select_case cs[] = {gocc_case_recv(nil, &x),
                                 gocc_case_send(nil, &out),
                                 gocc_case_recv(ready, &x),
                                 gocc_case_recv(nil, &x)};
        CHECK_EQ(gocc_select(cs, 4, false), 2);
        CHECK_EQ(x, i);
    }
    gocc_chan_free(ready);
}
TEST_BOTH(nil_cases_never_fire)

static void recv_case_value_can_be_dropped(void) {
    ichan c = gocc_make(int, 2);
    gocc_send(c, 1);
    gocc_send(c, 2);
    gocc_select_case cs[] = {gocc_case_recv_drop(c)};
    CHECK_EQ(gocc_select(cs, 1, false), 0);
    CHECK(cs[0].ok);
    CHECK_EQ(gocc_len(c), 1);
    CHECK_EQ(gocc_recv(c), 2);
    gocc_chan_free(c);
}
TEST_BOTH(recv_case_value_can_be_dropped)

/* ----------------------------------------------------------- blocking */

static void blocks_until_a_send_arrives(void) {
    ichan a = gocc_make(int, 0), b = gocc_make(int, 0);
    atomic_int before = 0, after = 0;
    send_job j = {b, 99, 20, &before, &after};
    int64_t t0 = gocc_nanotime();
    gocc_go(send_one, &j);
    int x = -1, y = -1;
    gocc_select_case cs[] = {gocc_case_recv(a, &x), gocc_case_recv(b, &y)};
    CHECK_EQ(gocc_select(cs, 2, false), 1);
    CHECK(gocc_nanotime() - t0 >= 20 * 1000000LL);
    CHECK_EQ(y, 99);
    CHECK(cs[1].ok);
    CHECK_EQ(x, -1);
    wait_count(&after, 1);
    gocc_chan_free(a);
    gocc_chan_free(b);
}
TEST_BOTH(blocks_until_a_send_arrives)

static void send_case_to_buffer_with_room(void) {
    ichan c = gocc_make(int, 1), never = gocc_make(int, 0);
    int v = 17, x;
    gocc_select_case cs[] = {gocc_case_recv(never, &x),
                             gocc_case_send(c, &v)};
    CHECK_EQ(gocc_select(cs, 2, false), 1);
    CHECK_EQ(gocc_len(c), 1);
    CHECK_EQ(gocc_recv(c), 17);
    gocc_chan_free(c);
    gocc_chan_free(never);
}
TEST_BOTH(send_case_to_buffer_with_room)

static void send_case_to_blocked_receiver(void) {
    ichan c = gocc_make(int, 0), never = gocc_make(int, 0);
    atomic_int before = 0, after = 0;
    int got = -1, x;
    recv_job j = {c, &got, 0, &before, &after};
    gocc_go(recv_one, &j);
    wait_then_settle(&before, 1);
    int v = 23;
    gocc_select_case cs[] = {gocc_case_recv(never, &x),
                             gocc_case_send(c, &v)};
    CHECK_EQ(gocc_select(cs, 2, true), 1); /* ready now: not the default */
    wait_count(&after, 1);
    CHECK_EQ(got, 23);
    gocc_chan_free(c);
    gocc_chan_free(never);
}
TEST_BOTH(send_case_to_blocked_receiver)

static void blocked_send_case_woken_by_receiver(void) {
    ichan c = gocc_make(int, 0), never = gocc_make(int, 0);
    atomic_int before = 0, after = 0;
    int got = -1, x;
    recv_job j = {c, &got, 20, &before, &after};
    int64_t t0 = gocc_nanotime();
    gocc_go(recv_one, &j);
    int v = 31;
    gocc_select_case cs[] = {gocc_case_send(c, &v),
                             gocc_case_recv(never, &x)};
    CHECK_EQ(gocc_select(cs, 2, false), 0);
    CHECK(gocc_nanotime() - t0 >= 20 * 1000000LL);
    wait_count(&after, 1);
    CHECK_EQ(got, 31);
    gocc_chan_free(c);
    gocc_chan_free(never);
}
TEST_BOTH(blocked_send_case_woken_by_receiver)

static void recv_ok_false_on_closed_channel(void) {
    ichan c = gocc_make(int, 2), never = gocc_make(int, 0);
    gocc_send(c, 4);
    gocc_close(c);
    int x = -1, y = -1;
    gocc_select_case cs[] = {gocc_case_recv(never, &y),
                             gocc_case_recv(c, &x)};
    CHECK_EQ(gocc_select(cs, 2, false), 1);
    CHECK(cs[1].ok);
    CHECK_EQ(x, 4);
    for (int i = 0; i < 3; i++) {
        x = 1234;
        cs[1].ok = true;
        CHECK_EQ(gocc_select(cs, 2, true), 1);
        CHECK(!cs[1].ok);
        CHECK_EQ(x, 0);
    }
    CHECK_EQ(y, -1);
    gocc_chan_free(c);
    gocc_chan_free(never);
}
TEST_BOTH(recv_ok_false_on_closed_channel)

typedef struct closer_job {
    ichan c;
    atomic_int done;
} closer_job;

static void close_later(void *p) {
    closer_job *j = p;
    gocc_sleep_ms(20);
    gocc_close(j->c);
    atomic_store(&j->done, 1);
}

static void blocked_select_woken_by_close(void) {
    ichan a = gocc_make(int, 0), b = gocc_make(int, 0);
    closer_job j = {b, 0};
    gocc_go(close_later, &j);
    int x = -1, y = 555;
    gocc_select_case cs[] = {gocc_case_recv(a, &x), gocc_case_recv(b, &y)};
    CHECK_EQ(gocc_select(cs, 2, false), 1);
    CHECK(!cs[1].ok);
    CHECK_EQ(y, 0);
    CHECK_EQ(x, -1);
    wait_count(&j.done, 1);
    gocc_chan_free(a);
    gocc_chan_free(b);
}
TEST_BOTH(blocked_select_woken_by_close)

/* --------------------------------------------------- uniform choice */

/* 4 always-ready receive cases, 40000 selects: ~10000 each. */
static void choice_among_ready_cases_is_uniform(void) {
    enum { K = 4, N = 40000 };
    ichan c[K];
    for (int i = 0; i < K; i++) {
        c[i] = gocc_make(int, 1);
        gocc_send(c[i], i);
    }
    long counts[K] = {0};
    for (int n = 0; n < N; n++) {
        int v = -1;
        gocc_select_case cs[K];
        for (int i = 0; i < K; i++)
            cs[i] = gocc_case_recv(c[i], &v);
        int k = gocc_select(cs, K, false);
        REQUIRE(k >= 0 && k < K);
        CHECK_EQ(v, k);
        counts[k]++;
        gocc_send(c[k], k);
    }
    for (int i = 0; i < K; i++) {
        if (counts[i] < 9000 || counts[i] > 11000)
            note_failure(__FILE__, __LINE__, "case %d chosen %ld times of %d",
                         i, counts[i], N);
        gocc_chan_free(c[i]);
    }
    double x = chi_square(counts, K);
    if (x > 30.0) /* 3 degrees of freedom: p < 1e-6 */
        note_failure(__FILE__, __LINE__, "chi-square %.1f: %ld %ld %ld %ld",
                     x, counts[0], counts[1], counts[2], counts[3]);
}
TEST_BOTH(choice_among_ready_cases_is_uniform)

/* Two ready receives and two ready sends, in mixed order. */
static void choice_uniform_over_sends_and_receives(void) {
    enum { K = 4, N = 20000 };
    ichan in0 = gocc_make(int, 1), in1 = gocc_make(int, 1);
    ichan out0 = gocc_make(int, 1), out1 = gocc_make(int, 1);
    gocc_send(in0, 0);
    gocc_send(in1, 1);
    long counts[K] = {0};
    for (int n = 0; n < N; n++) {
        int v = -1, o = 7;
        gocc_select_case cs[K] = {
            gocc_case_send(out0, &o), gocc_case_recv(in0, &v),
            gocc_case_send(out1, &o), gocc_case_recv(in1, &v)};
        int k = gocc_select(cs, K, false);
        REQUIRE(k >= 0 && k < K);
        counts[k]++;
        switch (k) {
        case 0: (void)gocc_recv(out0); break;
        case 1: gocc_send(in0, 0); break;
        case 2: (void)gocc_recv(out1); break;
        default: gocc_send(in1, 1); break;
        }
    }
    for (int i = 0; i < K; i++)
        if (counts[i] < 4500 || counts[i] > 5500)
            note_failure(__FILE__, __LINE__, "case %d chosen %ld times of %d",
                         i, counts[i], N);
    double x = chi_square(counts, K);
    if (x > 30.0)
        note_failure(__FILE__, __LINE__, "chi-square %.1f", x);
    gocc_chan_free(in0);
    gocc_chan_free(in1);
    gocc_chan_free(out0);
    gocc_chan_free(out1);
}
TEST_BOTH(choice_uniform_over_sends_and_receives)

/* ---------------------------------------------- one channel, many cases */

static void same_channel_in_two_ready_cases(void) {
    ichan c = gocc_make(int, 1);
    long counts[2] = {0};
    for (int n = 0; n < 4000; n++) {
        gocc_send(c, n);
        int x = -1, y = -1;
        gocc_select_case cs[] = {gocc_case_recv(c, &x), gocc_case_recv(c, &y)};
        int k = gocc_select(cs, 2, false);
        REQUIRE(k == 0 || k == 1);
        CHECK_EQ(k == 0 ? x : y, n);
        CHECK_EQ(k == 0 ? y : x, -1);
        CHECK_EQ(gocc_len(c), 0);
        counts[k]++;
    }
    if (counts[0] < 1700 || counts[1] < 1700)
        note_failure(__FILE__, __LINE__, "biased: %ld / %ld", counts[0],
                     counts[1]);
    gocc_chan_free(c);
}
TEST_BOTH(same_channel_in_two_ready_cases)

/* A blocked select with one channel in two receive cases takes one value;
 * no waiter is left behind on the channel afterwards. */
static void same_channel_twice_blocked_fires_once(void) {
    ichan c = gocc_make(int, 0);
    atomic_int before = 0, after = 0;
    send_job j = {c, 41, 20, &before, &after};
    gocc_go(send_one, &j);
    int x = -1, y = -1;
    gocc_select_case cs[] = {gocc_case_recv(c, &x), gocc_case_recv(c, &y)};
    int k = gocc_select(cs, 2, false);
    CHECK(k == 0 || k == 1);
    CHECK_EQ(k == 0 ? x : y, 41);
    CHECK_EQ(k == 0 ? y : x, -1);
    wait_count(&after, 1);
    int v = 42;
    CHECK(!gocc_try_send(c, &v)); /* nobody is receiving any more */
    gocc_chan_free(c);            /* panics if a waiter were left */
}
TEST_BOTH(same_channel_twice_blocked_fires_once)

/* Send and receive cases on one unbuffered channel in one select: a
 * select cannot pair with itself, so it waits; then a receiver takes the
 * send case, or a sender the receive case. */
static void send_and_recv_on_one_channel_in_one_select(void) {
    ichan c = gocc_make(int, 0);
    for (int round = 0; round < 2; round++) {
        atomic_int before = 0, after = 0;
        int got = -1, x = -1, out = 7;
        recv_job rj = {c, &got, 20, &before, &after};
        send_job sj = {c, 9, 20, &before, &after};
        gocc_select_case cs[] = {gocc_case_send(c, &out),
                                 gocc_case_recv(c, &x)};
        CHECK_EQ(gocc_select(cs, 2, true), -1); /* no partner yet */
        if (round == 0)
            gocc_go(recv_one, &rj);
        else
            gocc_go(send_one, &sj);
        int k = gocc_select(cs, 2, false);
        wait_count(&after, 1);
        if (round == 0) {
            CHECK_EQ(k, 0);
            CHECK_EQ(got, 7);
            CHECK_EQ(x, -1);
        } else {
            CHECK_EQ(k, 1);
            CHECK_EQ(x, 9);
            CHECK(cs[1].ok);
        }
    }
    gocc_chan_free(c);
}
TEST_BOTH(send_and_recv_on_one_channel_in_one_select)

/* Two goroutines each select {send mine; receive} on one unbuffered
 * channel, 500 times: every round one sends and the other receives. */
enum { PAIR_ROUNDS = 500 };

typedef struct pairer {
    ichan c;
    int id;
    int sent[PAIR_ROUNDS]; /* -1: received in that round */
    int got[PAIR_ROUNDS];
    atomic_int *done;
} pairer;

static void pair_up(void *p) {
    pairer *s = p;
    for (int r = 0; r < PAIR_ROUNDS; r++) {
        int mine = s->id * 100000 + r, x = -1;
        gocc_select_case cs[] = {gocc_case_send(s->c, &mine),
                                 gocc_case_recv(s->c, &x)};
        int k = gocc_select(cs, 2, false);
        s->sent[r] = k == 0 ? mine : -1;
        s->got[r] = k == 1 ? x : -1;
    }
    atomic_fetch_add(s->done, 1);
}

static void two_selects_pair_up_on_one_channel(void) {
    ichan c = gocc_make(int, 0);
    atomic_int done = 0;
    pairer *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    REQUIRE(a && b);
    *a = (pairer){.c = c, .id = 1, .done = &done};
    *b = (pairer){.c = c, .id = 2, .done = &done};
    gocc_go(pair_up, a);
    gocc_go(pair_up, b);
    wait_count(&done, 2);
    for (int r = 0; r < PAIR_ROUNDS; r++) {
        bool a_sent = a->sent[r] >= 0, b_sent = b->sent[r] >= 0;
        CHECK(a_sent != b_sent);
        CHECK_EQ(a_sent ? b->got[r] : a->got[r],
                 a_sent ? a->sent[r] : b->sent[r]);
    }
    free(a);
    free(b);
    gocc_chan_free(c);
}
TEST_BOTH(two_selects_pair_up_on_one_channel)

/* ------------------------------------------------- losers are dequeued */

/* Senders race on A and B; the select takes one; the other value is still
 * there for a later receive, and no stale waiter accepts a send. */
static void losing_cases_are_dequeued(void) {
    for (int round = 0; round < 300; round++) {
        ichan a = gocc_make(int, 0), b = gocc_make(int, 0);
        atomic_int before = 0, after = 0;
        send_job ja = {a, 2 * round, 0, &before, &after};
        send_job jb = {b, 2 * round + 1, 0, &before, &after};
        gocc_go(send_one, &ja);
        gocc_go(send_one, &jb);
        int x = -1, y = -1;
        gocc_select_case cs[] = {gocc_case_recv(a, &x), gocc_case_recv(b, &y)};
        int k = gocc_select(cs, 2, false);
        CHECK(k == 0 || k == 1);
        CHECK_EQ(k == 0 ? x : y, 2 * round + k);
        CHECK_EQ(k == 0 ? y : x, -1);
        ichan other = k == 0 ? b : a;
        int v = -5;
        CHECK(!gocc_try_send(other, &v));   /* no receiver left on it */
        CHECK_EQ(gocc_recv(other), 2 * round + 1 - k);
        wait_count(&after, 2);
        CHECK_EQ(k == 0 ? y : x, -1);       /* the select's slot untouched */
        gocc_chan_free(a);
        gocc_chan_free(b);
    }
}
TEST_BOTH(losing_cases_are_dequeued)

/* After a blocked select fired on A, a value sent to buffered B stays in
 * B's buffer for the next receiver. */
static void later_send_not_taken_by_finished_select(void) {
    ichan a = gocc_make(int, 0), b = gocc_make(int, 1);
    atomic_int before = 0, after = 0;
    send_job ja = {a, 1, 20, &before, &after};
    gocc_go(send_one, &ja);
    int x = -1, y = -1;
    gocc_select_case cs[] = {gocc_case_recv(a, &x), gocc_case_recv(b, &y)};
    CHECK_EQ(gocc_select(cs, 2, false), 0);
    wait_count(&after, 1);
    gocc_send(b, 2);
    CHECK_EQ(gocc_len(b), 1);
    CHECK_EQ(y, -1);
    CHECK_EQ(gocc_recv(b), 2);
    gocc_chan_free(a);
    gocc_chan_free(b);
}
TEST_BOTH(later_send_not_taken_by_finished_select)

/* ------------------------------------------------------- release flag */

static gocc_select_case release_case(gocc_chan(int64_t) c, int64_t *p) {
    gocc_select_case k = gocc_case_recv(c, p);
    k.flags = GOCC_CASE_RELEASE;
    return k;
}

static void timeout_case_fires_after_its_time(void) {
    ichan never = gocc_make(int, 0);
    int x = -1;
    int64_t ts = 0, t0 = gocc_nanotime();
    gocc_select_case cs[] = {gocc_case_recv(never, &x),
                             release_case(gocc_after(30), &ts)};
    CHECK_EQ(gocc_select(cs, 2, false), 1);
    int64_t t1 = gocc_nanotime();
    CHECK(cs[1].ok);
    CHECK(t1 - t0 >= 30 * 1000000LL);
    CHECK(t1 - t0 < 230 * 1000000LL);
    CHECK(ts >= t0 + 30 * 1000000LL);
    CHECK(ts <= t1);
    CHECK_EQ(x, -1);
    gocc_chan_free(never); /* no waiter may be left on it */
}
TEST_BOTH(timeout_case_fires_after_its_time)

/* The other case wins: the gocc_after channel is released anyway (its
 * timer stopped: sleeping past the deadline must not touch freed memory). */
static void released_timeout_when_another_case_wins(void) {
    ichan ready = gocc_make(int, 1);
    for (int i = 0; i < 20; i++) {
        gocc_send(ready, i);
        int x = -1;
        int64_t ts = 0;
        gocc_select_case cs[] = {gocc_case_recv(ready, &x),
                                 release_case(gocc_after(200), &ts)};
        CHECK_EQ(gocc_select(cs, 2, false), 0);
        CHECK_EQ(x, i);
        CHECK_EQ(ts, 0);
    }
    gocc_sleep_ms(250); /* past every released timer's deadline */
    gocc_chan_free(ready);
}
TEST_BOTH(released_timeout_when_another_case_wins)

/* The same released channel in two cases is freed once. */
static void released_channel_in_two_cases(void) {
    gocc_chan(int64_t) t = gocc_after(10);
    int64_t a = 0, b = 0;
    gocc_select_case cs[] = {release_case(t, &a), release_case(t, &b)};
    int k = gocc_select(cs, 2, false);
    CHECK(k == 0 || k == 1);
    CHECK((k == 0 ? a : b) > 0);
    CHECK_EQ(k == 0 ? b : a, 0);
}
TEST_BOTH(released_channel_in_two_cases)

/* ----------------------------------------------------- many cases */

enum { MANY = 40 };

static void more_than_16_cases_one_ready(void) {
    ichan c[MANY];
    int vals[MANY];
    gocc_select_case cs[MANY];
    for (int i = 0; i < MANY; i++) {
        c[i] = gocc_make(int, 1);
        vals[i] = -1;
        cs[i] = gocc_case_recv(c[i], &vals[i]);
    }
    gocc_send(c[33], 333);
    CHECK_EQ(gocc_select(cs, MANY, false), 33);
    CHECK_EQ(vals[33], 333);
    CHECK_EQ(gocc_select(cs, MANY, true), -1);
    for (int i = 0; i < MANY; i++)
        gocc_chan_free(c[i]);
}
TEST_BOTH(more_than_16_cases_one_ready)

static void more_than_16_cases_blocking(void) {
    ichan c[MANY];
    int vals[MANY];
    gocc_select_case cs[MANY];
    for (int i = 0; i < MANY; i++) {
        c[i] = gocc_make(int, 0);
        vals[i] = -1;
        cs[i] = gocc_case_recv(c[i], &vals[i]);
    }
    atomic_int before = 0, after = 0;
    send_job j = {c[37], 3737, 20, &before, &after};
    gocc_go(send_one, &j);
    CHECK_EQ(gocc_select(cs, MANY, false), 37);
    CHECK_EQ(vals[37], 3737);
    wait_count(&after, 1);
    for (int i = 0; i < MANY; i++) {
        int v = 0;
        CHECK(!gocc_try_send(c[i], &v)); /* every waiter was dequeued */
        gocc_chan_free(c[i]);
    }
}
TEST_BOTH(more_than_16_cases_blocking)

/* 40 cases, the 20 even ones ready: uniform over those 20. */
static void more_than_16_cases_uniform(void) {
    enum { N = 20000 };
    ichan c[MANY];
    gocc_select_case cs[MANY];
    int v = -1;
    for (int i = 0; i < MANY; i++) {
        c[i] = gocc_make(int, 1);
        if (i % 2 == 0)
            gocc_send(c[i], i);
        cs[i] = gocc_case_recv(c[i], &v);
    }
    long counts[MANY / 2] = {0};
    for (int n = 0; n < N; n++) {
        int k = gocc_select(cs, MANY, false);
        REQUIRE(k >= 0 && k % 2 == 0);
        CHECK_EQ(v, k);
        counts[k / 2]++;
        gocc_send(c[k], k);
    }
    for (int i = 0; i < MANY / 2; i++)
        if (counts[i] < 800 || counts[i] > 1200)
            note_failure(__FILE__, __LINE__, "case %d chosen %ld of %d times",
                         2 * i, counts[i], N);
    double x = chi_square(counts, MANY / 2);
    if (x > 60.0) /* 19 degrees of freedom: p < 1e-5 */
        note_failure(__FILE__, __LINE__, "chi-square %.1f", x);
    for (int i = 0; i < MANY; i++)
        gocc_chan_free(c[i]);
}
TEST_BOTH(more_than_16_cases_uniform)

/* ------------------------------------------------ 100,000 cases */

/* Selects of 100,000 cases (the lock order is sorted in O(n log n), as
 * Go's heapsort: insertion sort took 1.5 s a select there).  Channels are
 * made in an order unlike their addresses' only by chance, so the cases
 * are also listed in a scrambled order. */
enum { HUGE = 100000, HCHANS = HUGE / 2 };

/* A permutation of 0..n-1 from a fixed LCG (reproducible). */
static int *scrambled(int n) {
    int *p = malloc((size_t)n * sizeof *p);
    if (!p)
        return NULL;
    uint64_t x = 12345;
    for (int i = 0; i < n; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        int j = (int)((x >> 33) % (uint64_t)(i + 1));
        p[i] = p[j];
        p[j] = i;
    }
    return p;
}

typedef struct huge_sel {
    gocc_select_case *cs;
    int chosen, value;
    atomic_int *done;
} huge_sel;

static void huge_select(void *p) {
    huge_sel *h = p;
    h->chosen = gocc_select(h->cs, HUGE, false);
    atomic_fetch_add(h->done, 1);
}

static void select_with_100000_cases(void) {
    ichan *c = malloc(HUGE * sizeof *c);
    int *vals = malloc(HUGE * sizeof *vals);
    int *perm = scrambled(HUGE);
    gocc_select_case *cs = malloc(HUGE * sizeof *cs);
    gocc_select_case *cs2 = malloc(HUGE * sizeof *cs2);
    REQUIRE(c && vals && perm && cs && cs2);

    /* 1. buffered channels, one ready receive among 100,000 cases; then
     *    none (the default); then a send case, all others full */
    for (int i = 0; i < HUGE; i++)
        c[i] = gocc_make(int, 1);
    for (int i = 0; i < HUGE; i++) {
        vals[i] = -1;
        cs[i] = gocc_case_recv(c[perm[i]], &vals[i]);
    }
    gocc_send(c[perm[77777]], 7);
    CHECK_EQ(gocc_select(cs, HUGE, false), 77777);
    CHECK_EQ(vals[77777], 7);
    CHECK(cs[77777].ok);
    CHECK_EQ(gocc_select(cs, HUGE, true), -1);
    int one = 1;
    for (int i = 0; i < HUGE; i++)
        if (i != 4242)
            gocc_send(c[i], i);
    for (int i = 0; i < HUGE; i++)
        cs[i] = gocc_case_send(c[perm[i]], &one);
    int k = gocc_select(cs, HUGE, false);
    CHECK_EQ(k >= 0 && k < HUGE ? perm[k] : -1, 4242);
    for (int i = 0; i < HUGE; i++)
        gocc_chan_free(c[i]);

    /* 2. unbuffered, blocking: a goroutine sends on one channel; every
     *    losing waiter is dequeued afterwards (no send finds a receiver) */
    for (int i = 0; i < HUGE; i++)
        c[i] = gocc_make(int, 0);
    for (int i = 0; i < HUGE; i++) {
        vals[i] = -1;
        cs[i] = gocc_case_recv(c[perm[i]], &vals[i]);
    }
    atomic_int before = 0, after = 0;
    send_job j = {c[perm[31337]], 424242, 0, &before, &after};
    gocc_go(send_one, &j);
    CHECK_EQ(gocc_select(cs, HUGE, false), 31337);
    CHECK_EQ(vals[31337], 424242);
    wait_count(&after, 1);
    for (int i = 0; i < HUGE; i++) {
        int v = 0;
        CHECK(!gocc_try_send(c[i], &v));
    }

    /* 3. two selects at once over the same 50,000 channels, each channel
     *    in two cases, listed in opposite orders (each locks them all, in
     *    address order, or the two would deadlock); two sends wake one
     *    select each */
    for (int i = 0; i < HUGE; i++) {
        ichan ch = c[perm[i] % HCHANS];
        cs[i] = gocc_case_recv(ch, &vals[0]);
        cs2[HUGE - 1 - i] = gocc_case_recv(ch, &vals[1]);
    }
    atomic_int done = 0;
    huge_sel a = {cs, -1, 0, &done}, b = {cs2, -1, 0, &done};
    gocc_go(huge_select, &a);
    gocc_go(huge_select, &b);
    gocc_send(c[123], 1);
    gocc_send(c[45678], 2);
    wait_count(&done, 2);
    REQUIRE(a.chosen >= 0 && a.chosen < HUGE && b.chosen >= 0 &&
            b.chosen < HUGE);
    gocc_hchan *ca = cs[a.chosen].chan, *cb = cs2[b.chosen].chan;
    gocc_hchan *c1 = gocc_chan_ptr_(c[123]), *c2 = gocc_chan_ptr_(c[45678]);
    CHECK((ca == c1 && cb == c2) || (ca == c2 && cb == c1));
    CHECK_EQ(vals[0] + vals[1], 3);
    CHECK(vals[0] != vals[1]);
    for (int i = 0; i < HUGE; i++) {
        int v = 0;
        CHECK(!gocc_try_send(c[i], &v));
        gocc_chan_free(c[i]);
    }
    free(c);
    free(vals);
    free(perm);
    free(cs);
    free(cs2);
}
TEST_IN_GOROUTINE(select_with_100000_cases)

/* ------------------------------------------- blocking forever, main thread */

typedef struct forever_job {
    int n;
    atomic_int before, after;
} forever_job;

static void select_forever(void *p) {
    forever_job *j = p;
    atomic_fetch_add(&j->before, 1);
    if (j->n == 0) {
        gocc_select(NULL, 0, false);
    } else {
        gocc_select_case cs[] = {gocc_case_recv_drop((ichan)0)};
        gocc_select(cs, 1, false);
    }
    atomic_fetch_add(&j->after, 1);
}

/* select {} and a select of nil cases park for good (the goroutines are
 * left behind). */
static void empty_select_blocks_forever(void) {
    static forever_job j0 = {0, 0, 0}, j1 = {1, 0, 0};
    gocc_go(select_forever, &j0);
    gocc_go(select_forever, &j1);
    wait_count(&j0.before, 1);
    wait_count(&j1.before, 1);
    gocc_sleep_ms(30);
    CHECK_EQ(atomic_load(&j0.after) + atomic_load(&j1.after), 0);
}
TEST_IN_GOROUTINE(empty_select_blocks_forever)

/* The test's own main thread selects, blocking until a goroutine sends
 * (then until it receives). */
static void test_select_on_main_thread(void **state) {
    (void)state;
    begin(__func__);
    ichan a = gocc_make(int, 0), b = gocc_make(int, 0);
    atomic_int before = 0, after = 0;
    send_job j = {b, 64, 20, &before, &after};
    gocc_go(send_one, &j);
    int x = -1, y = -1;
    gocc_select_case cs[] = {gocc_case_recv(a, &x), gocc_case_recv(b, &y)};
    assert_int_equal(gocc_select(cs, 2, false), 1);
    assert_int_equal(y, 64);
    assert_true(wait_flag_for(&after, 1, 5000));

    int got = -1;
    recv_job rj = {a, &got, 20, &before, &after};
    gocc_go(recv_one, &rj);
    int out = 65;
    gocc_select_case cs2[] = {gocc_case_send(a, &out), gocc_case_recv(b, &y)};
    assert_int_equal(gocc_select(cs2, 2, false), 0);
    assert_true(wait_flag_for(&after, 2, 5000));
    assert_int_equal(got, 65);
    gocc_chan_free(a);
    gocc_chan_free(b);
    finish();
}

/* ----------------------------------------------------------- child runs */


static void test_send_case_on_closed_channel_panics(void **s) {
    (void)s;
    child_expect("sel_panic", "send_closed", NULL, 2,
                 "panic: send on closed channel\n");
}
static void test_send_case_with_default_on_closed_channel_panics(void **s) {
    (void)s;
    child_expect("sel_panic", "send_closed_default", NULL, 2,
                 "panic: send on closed channel\n");
}
static void test_blocked_send_case_panics_when_closed(void **s) {
    (void)s;
    child_expect("sel_panic", "blocked_send_closed", NULL, 2,
                 "panic: send on closed channel\n");
}
static void test_empty_select_deadlocks(void **s) {
    (void)s;
    child_expect("sel_panic", "empty", NULL, 2,
                 "fatal error: all goroutines are asleep - deadlock!");
}
static void test_nil_only_select_deadlocks(void **s) {
    (void)s;
    child_expect("sel_panic", "nil_only", NULL, 2,
                 "fatal error: all goroutines are asleep - deadlock!");
}

static child_result *run_seeded(const char *seed) {
    char path[] = GOCC_PROGS_DIR "/sel_seed";
    char *argv[] = {path, NULL};
    char seed_env[64];
    snprintf(seed_env, sizeof seed_env, "GOCC_SEED=%s", seed);
    char *env[] = {"GOCC_MAXPROCS=1", seed_env, NULL};
    child_result *r = run_child(argv, env, 20);
    assert_false(r->timed_out);
    assert_int_equal(r->exited, 1);
    assert_int_equal(r->status, 0);
    assert_true(strlen(r->out) > 200);
    return r;
}

/* GOCC_MAXPROCS=1 and GOCC_SEED=s: the same select choices every run. */
static void test_seeded_one_worker_choices_repeat(void **s) {
    (void)s;
    child_result *a = run_seeded("12345"), *b = run_seeded("12345"),
                 *c = run_seeded("999");
    assert_string_equal(a->out, b->out);
    assert_string_not_equal(a->out, c->out);
    free(a);
    free(b);
    free(c);
}

int main(void) {
    signal(SIGALRM, on_alarm);
    gocc_maxprocs(); /* start the runtime from the main thread */
    const struct CMUnitTest tests[] = {
        BOTH(select_takes_the_ready_case),
        BOTH(default_taken_when_nothing_ready),
        BOTH(zero_cases_with_default),
        BOTH(nil_cases_never_fire),
        BOTH(recv_case_value_can_be_dropped),
        BOTH(blocks_until_a_send_arrives),
        BOTH(send_case_to_buffer_with_room),
        BOTH(send_case_to_blocked_receiver),
        BOTH(blocked_send_case_woken_by_receiver),
        BOTH(recv_ok_false_on_closed_channel),
        BOTH(blocked_select_woken_by_close),
        BOTH(choice_among_ready_cases_is_uniform),
        BOTH(choice_uniform_over_sends_and_receives),
        BOTH(same_channel_in_two_ready_cases),
        BOTH(same_channel_twice_blocked_fires_once),
        BOTH(send_and_recv_on_one_channel_in_one_select),
        BOTH(two_selects_pair_up_on_one_channel),
        BOTH(losing_cases_are_dequeued),
        BOTH(later_send_not_taken_by_finished_select),
        BOTH(timeout_case_fires_after_its_time),
        BOTH(released_timeout_when_another_case_wins),
        BOTH(released_channel_in_two_cases),
        BOTH(more_than_16_cases_one_ready),
        BOTH(more_than_16_cases_blocking),
        BOTH(more_than_16_cases_uniform),
        cmocka_unit_test(test_empty_select_blocks_forever_in_goroutine),
        cmocka_unit_test(test_select_with_100000_cases_in_goroutine),
        cmocka_unit_test(test_select_on_main_thread),
        cmocka_unit_test(test_send_case_on_closed_channel_panics),
        cmocka_unit_test(test_send_case_with_default_on_closed_channel_panics),
        cmocka_unit_test(test_blocked_send_case_panics_when_closed),
        cmocka_unit_test(test_empty_select_deadlocks),
        cmocka_unit_test(test_nil_only_select_deadlocks),
        cmocka_unit_test(test_seeded_one_worker_choices_repeat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
