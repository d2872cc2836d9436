/*
 * test_chan.c - channels (LANGUAGE.md sections 2-5): unbuffered rendezvous,
 * buffered FIFO order and capacity, the non-blocking forms, first come first
 * served service of blocked senders and receivers, close (waking blocked
 * receivers with zero values, draining buffered values first), len and cap,
 * the nil channel, every kind of element type (large and over-aligned
 * structs, pointers, function pointers, channels of channels, double,
 * char), conversion of the sent value, single evaluation of macro
 * arguments, and many producers with many consumers losing or duplicating
 * nothing.
 *
 * Most checks are written once as a "body" and run twice: inside a
 * goroutine (a blocking call parks only the goroutine) and on a plain
 * pthread the runtime did not create (a blocking call blocks the thread).
 * Bodies report failures with CHECK (cmocka's asserts longjmp, which is
 * not allowed off the test's own thread and stack); the test function then
 * fails with the recorded message.  A body that hangs fails its test after
 * BODY_TIMEOUT_MS instead of blocking ctest.
 *
 * The panics of section 5 (close of nil / closed channel, send on a closed
 * channel, also for a sender already blocked) and of makechan are checked
 * in child processes (tests/progs/chan_panic.c), as is first come first
 * served order with one worker thread, where it is deterministic
 * (tests/progs/chan_fcfs.c).
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

/* A goroutine that sends one int, announcing itself before and after. */
typedef struct send_job {
    ichan c;
    int value;
    atomic_int *before, *after;
} send_job;

static void send_one(void *p) {
    send_job *j = p;
    atomic_fetch_add(j->before, 1);
    gocc_send(j->c, j->value);
    atomic_fetch_add(j->after, 1);
}

/* A goroutine that receives one int into *out, announcing itself. */
typedef struct recv_job {
    ichan c;
    int *out;
    bool *ok;
    atomic_int *before, *after;
} recv_job;

static void recv_one(void *p) {
    recv_job *j = p;
    atomic_fetch_add(j->before, 1);
    bool ok = gocc_recv_ok(j->c, j->out);
    if (j->ok)
        *j->ok = ok;
    atomic_fetch_add(j->after, 1);
}

/* Wait (in a body) until *flag >= v, with no settling. */
static void wait_count(atomic_int *flag, int v) {
    while (atomic_load(flag) < v)
        gocc_sleep_ms(1);
}

/* ----------------------------------------------------- unbuffered */

/* The receiver stores a marker just before receiving: the send can only
 * complete after the receive, so the sender must see the marker. */
typedef struct rendezvous {
    ichan c;
    atomic_int marker;
    atomic_int seen_by_sender;
    atomic_int sender_done;
} rendezvous;

static void rendezvous_sender(void *p) {
    rendezvous *r = p;
    gocc_send(r->c, 42);
    atomic_store(&r->seen_by_sender, atomic_load(&r->marker));
    atomic_store(&r->sender_done, 1);
}

static void unbuffered_send_waits_for_receiver(void) {
    rendezvous r = {.c = gocc_make(int, 0)};
    gocc_go(rendezvous_sender, &r);
    gocc_sleep_ms(30);
    CHECK_EQ(atomic_load(&r.sender_done), 0);
    atomic_store(&r.marker, 1);
    CHECK_EQ(gocc_recv(r.c), 42);
    wait_count(&r.sender_done, 1);
    CHECK_EQ(atomic_load(&r.seen_by_sender), 1);
    gocc_chan_free(r.c);
}
TEST_BOTH(unbuffered_send_waits_for_receiver)

static void unbuffered_recv_waits_for_sender(void) {
    ichan c = gocc_make(int, 0);
    atomic_int before = 0, after = 0;
    int got = -1;
    bool ok = false;
    recv_job j = {c, &got, &ok, &before, &after};
    gocc_go(recv_one, &j);
    wait_then_settle(&before, 1);
    gocc_sleep_ms(20);
    CHECK_EQ(atomic_load(&after), 0);
    gocc_send(c, 7);
    wait_count(&after, 1);
    CHECK_EQ(got, 7);
    CHECK(ok);
    gocc_chan_free(c);
}
TEST_BOTH(unbuffered_recv_waits_for_sender)

static void unbuffered_try_ops_need_a_partner(void) {
    ichan c = gocc_make(int, 0);
    int v = 5;
    bool ok = true;
    CHECK(!gocc_try_send(c, &v));
    CHECK(!gocc_try_recv(c, &v, &ok));
    CHECK_EQ(v, 5);

    /* a blocked receiver: try_send hands it the value */
    atomic_int before = 0, after = 0;
    int got = -1;
    recv_job rj = {c, &got, NULL, &before, &after};
    gocc_go(recv_one, &rj);
    wait_then_settle(&before, 1);
    v = 11;
    CHECK(gocc_try_send(c, &v));
    wait_count(&after, 1);
    CHECK_EQ(got, 11);

    /* a blocked sender: try_recv takes its value */
    atomic_int sb = 0, sa = 0;
    send_job sj = {c, 12, &sb, &sa};
    gocc_go(send_one, &sj);
    wait_then_settle(&sb, 1);
    v = 0;
    ok = false;
    CHECK(gocc_try_recv(c, &v, &ok));
    CHECK_EQ(v, 12);
    CHECK(ok);
    wait_count(&sa, 1);
    CHECK(!gocc_try_recv(c, &v, NULL));
    gocc_chan_free(c);
}
TEST_BOTH(unbuffered_try_ops_need_a_partner)

/* ------------------------------------------------------- buffered */

static void buffered_fifo_order(void) {
    ichan c = gocc_make(int, 8);
    for (int i = 0; i < 8; i++)
        gocc_send(c, 100 + i);
    CHECK_EQ(gocc_len(c), 8);
    for (int i = 0; i < 8; i++)
        CHECK_EQ(gocc_recv(c), 100 + i);
    CHECK_EQ(gocc_len(c), 0);
    gocc_chan_free(c);
}
TEST_BOTH(buffered_fifo_order)

/* Interleaved sends and receives move the ring's indices round many times. */
static void buffered_ring_wraps_around(void) {
    ichan c = gocc_make(int, 5);
    int next_send = 0, next_recv = 0;
    for (int round = 0; round < 200; round++) {
        int ns = 1 + round % 5, nr = 1 + (round * 3) % 5;
        for (int i = 0; i < ns && gocc_len(c) < 5; i++)
            gocc_send(c, next_send++);
        for (int i = 0; i < nr && gocc_len(c) > 0; i++)
            CHECK_EQ(gocc_recv(c), next_recv++);
    }
    while (gocc_len(c) > 0)
        CHECK_EQ(gocc_recv(c), next_recv++);
    CHECK_EQ(next_recv, next_send);
    CHECK(next_send > 200);
    gocc_chan_free(c);
}
TEST_BOTH(buffered_ring_wraps_around)

typedef struct counted_sender {
    ichan c;
    int n, base;
    atomic_int done;
} counted_sender;

static void send_sequence(void *p) {
    counted_sender *s = p;
    for (int i = 0; i < s->n; i++)
        gocc_send(s->c, s->base + i);
    atomic_store(&s->done, 1); /* last touch of *s */
}

/* One sender, one receiver, a small buffer that is often full and often
 * empty: received in the order sent. */
static void buffered_order_kept_under_blocking(void) {
    ichan c = gocc_make(int, 3);
    counted_sender s = {c, 3000, 0, 0};
    gocc_go(send_sequence, &s);
    for (int i = 0; i < 3000; i++) {
        CHECK_EQ(gocc_recv(c), i);
        if (i % 500 == 0)
            gocc_sleep_ms(1); /* let the buffer fill and the sender block */
    }
    wait_count(&s.done, 1);
    CHECK_EQ(gocc_len(c), 0);
    gocc_chan_free(c);
}
TEST_BOTH(buffered_order_kept_under_blocking)

static void full_buffer_blocks_sender(void) {
    ichan c = gocc_make(int, 2);
    gocc_send(c, 1);
    gocc_send(c, 2);
    CHECK_EQ(gocc_len(c), 2);
    CHECK_EQ(gocc_cap(c), 2);
    atomic_int before = 0, after = 0;
    send_job j = {c, 3, &before, &after};
    gocc_go(send_one, &j);
    wait_then_settle(&before, 1);
    gocc_sleep_ms(20);
    CHECK_EQ(atomic_load(&after), 0);
    CHECK_EQ(gocc_len(c), 2);
    CHECK_EQ(gocc_recv(c), 1);
    wait_count(&after, 1);
    CHECK_EQ(gocc_len(c), 2);
    CHECK_EQ(gocc_recv(c), 2);
    CHECK_EQ(gocc_recv(c), 3);
    CHECK_EQ(gocc_len(c), 0);
    gocc_chan_free(c);
}
TEST_BOTH(full_buffer_blocks_sender)

static void try_send_fails_only_when_full(void) {
    ichan c = gocc_make(int, 3);
    for (int i = 0; i < 3; i++)
        CHECK(gocc_try_send(c, &i));
    int x = 99;
    CHECK(!gocc_try_send(c, &x));
    CHECK_EQ(gocc_len(c), 3);
    int v = -1;
    bool ok = false;
    CHECK(gocc_try_recv(c, &v, &ok));
    CHECK(ok);
    CHECK_EQ(v, 0);
    CHECK(gocc_try_send(c, &x));
    CHECK(!gocc_try_send(c, &x));
    for (int want = 1; want <= 2; want++)
        CHECK_EQ(gocc_recv(c), want);
    CHECK_EQ(gocc_recv(c), 99);
    CHECK(!gocc_try_recv(c, &v, &ok));
    gocc_chan_free(c);
}
TEST_BOTH(try_send_fails_only_when_full)

/* --------------------------------------------------- first come first served */

enum { NQ = 5 };

/* Start NQ senders of 0..NQ-1, each blocked before the next starts. */
static void start_blocked_senders(ichan c, send_job jobs[NQ], atomic_int *before,
                                  atomic_int *after) {
    for (int i = 0; i < NQ; i++) {
        jobs[i] = (send_job){c, i, before, after};
        gocc_go(send_one, &jobs[i]);
        wait_then_settle(before, i + 1);
    }
}

static void blocked_senders_served_in_order(void) {
    ichan c = gocc_make(int, 0);
    send_job jobs[NQ];
    atomic_int before = 0, after = 0;
    start_blocked_senders(c, jobs, &before, &after);
    CHECK_EQ(atomic_load(&after), 0);
    for (int i = 0; i < NQ; i++)
        CHECK_EQ(gocc_recv(c), i);
    wait_count(&after, NQ);
    gocc_chan_free(c);
}
TEST_BOTH(blocked_senders_served_in_order)

/* Full buffer: buffered values first, then the blocked senders' in order. */
static void blocked_senders_on_full_buffer_in_order(void) {
    ichan c = gocc_make(int, 2);
    gocc_send(c, 100);
    gocc_send(c, 101);
    send_job jobs[NQ];
    atomic_int before = 0, after = 0;
    start_blocked_senders(c, jobs, &before, &after);
    CHECK_EQ(gocc_recv(c), 100);
    CHECK_EQ(gocc_recv(c), 101);
    for (int i = 0; i < NQ; i++)
        CHECK_EQ(gocc_recv(c), i);
    wait_count(&after, NQ);
    CHECK_EQ(gocc_len(c), 0);
    gocc_chan_free(c);
}
TEST_BOTH(blocked_senders_on_full_buffer_in_order)

static void blocked_receivers_served_in_order(void) {
    for (int cap = 0; cap <= 2; cap += 2) {
        ichan c = gocc_make(int, cap);
        recv_job jobs[NQ];
        int got[NQ];
        atomic_int before = 0, after = 0;
        for (int i = 0; i < NQ; i++) {
            got[i] = -1;
            jobs[i] = (recv_job){c, &got[i], NULL, &before, &after};
            gocc_go(recv_one, &jobs[i]);
            wait_then_settle(&before, i + 1);
        }
        for (int i = 0; i < NQ; i++)
            gocc_send(c, i);
        wait_count(&after, NQ);
        for (int i = 0; i < NQ; i++)
            CHECK_EQ(got[i], i);
        gocc_chan_free(c);
    }
}
TEST_BOTH(blocked_receivers_served_in_order)

/* ------------------------------------------------------------ close */

static void close_wakes_all_blocked_receivers(void) {
    enum { N = 4 };
    ichan c = gocc_make(int, 0);
    recv_job jobs[N];
    int got[N];
    bool ok[N];
    atomic_int before = 0, after = 0;
    for (int i = 0; i < N; i++) {
        got[i] = 1234;
        ok[i] = true;
        jobs[i] = (recv_job){c, &got[i], &ok[i], &before, &after};
        gocc_go(recv_one, &jobs[i]);
    }
    wait_then_settle(&before, N);
    CHECK_EQ(atomic_load(&after), 0);
    gocc_close(c);
    wait_count(&after, N);
    for (int i = 0; i < N; i++) {
        CHECK_EQ(got[i], 0);
        CHECK(!ok[i]);
    }
    gocc_chan_free(c);
}
TEST_BOTH(close_wakes_all_blocked_receivers)

static void closed_channel_drains_then_yields_zero(void) {
    ichan c = gocc_make(int, 3);
    gocc_send(c, 1);
    gocc_send(c, 2);
    gocc_send(c, 3);
    gocc_close(c);
    CHECK_EQ(gocc_len(c), 3);
    CHECK_EQ(gocc_cap(c), 3);
    int v = 0;
    for (int want = 1; want <= 3; want++) {
        CHECK(gocc_recv_ok(c, &v));
        CHECK_EQ(v, want);
    }
    CHECK_EQ(gocc_len(c), 0);
    v = 77;
    CHECK(!gocc_recv_ok(c, &v));
    CHECK_EQ(v, 0);
    CHECK_EQ(gocc_recv(c), 0);
    CHECK_EQ(gocc_recv(c), 0);
    bool ok = true;
    v = 77;
    CHECK(gocc_try_recv(c, &v, &ok)); /* completes at once, like a receive */
    CHECK(!ok);
    CHECK_EQ(v, 0);
    gocc_chan_free(c);
}
TEST_BOTH(closed_channel_drains_then_yields_zero)

typedef struct big {
    char tag[72];
    int64_t a, b;
    double d;
    void *p;
} big;
/* no padding: whole structs compare with memcmp */
_Static_assert(sizeof(big) == 72 + 4 * 8, "big has padding");

static void receive_on_closed_zeroes_a_struct(void) {
    gocc_chan(big) c = gocc_make(big, 0);
    gocc_close(c);
    big b;
    memset(&b, 0xab, sizeof b);
    CHECK(!gocc_recv_ok(c, &b));
    big zero;
    memset(&zero, 0, sizeof zero);
    CHECK(memcmp(&b, &zero, sizeof b) == 0);
    big r = gocc_recv(c);
    CHECK(memcmp(&r, &zero, sizeof r) == 0);
    gocc_chan_free(c);
}
TEST_BOTH(receive_on_closed_zeroes_a_struct)

/* --------------------------------------------------------- len, cap, nil */

static void len_and_cap(void) {
    ichan u = gocc_make(int, 0), b = gocc_make(int, 5), nil = 0;
    CHECK_EQ(gocc_len(u), 0);
    CHECK_EQ(gocc_cap(u), 0);
    CHECK_EQ(gocc_len(b), 0);
    CHECK_EQ(gocc_cap(b), 5);
    for (int i = 0; i < 3; i++)
        gocc_send(b, i);
    CHECK_EQ(gocc_len(b), 3);
    CHECK_EQ(gocc_cap(b), 5);
    (void)gocc_recv(b);
    CHECK_EQ(gocc_len(b), 2);
    CHECK_EQ(gocc_len(nil), 0);
    CHECK_EQ(gocc_cap(nil), 0);
    gocc_chan_free(u);
    gocc_chan_free(b);
}
TEST_BOTH(len_and_cap)

static ichan static_nil;

static void nil_channel_never_ready(void) {
    ichan a = 0, b = {0};
    CHECK(a == b);
    CHECK(a == static_nil);
    CHECK(gocc_chan_ptr_(a) == NULL);
    int v = 3;
    bool ok = true;
    for (int i = 0; i < 100; i++) {
        CHECK(!gocc_try_send(a, &v));
        CHECK(!gocc_try_recv(b, &v, &ok));
    }
    CHECK(!ok);
    CHECK_EQ(v, 3);
    gocc_chan_free(a);
    gocc_chan_free(static_nil);
    ichan c = gocc_make(int, 1), d = c;
    CHECK(c == d);
    CHECK(c != a);
    gocc_chan_free(c);
}
TEST_BOTH(nil_channel_never_ready)

/* Send and receive on the nil channel block forever (the goroutines are
 * left behind, parked). */
static void nil_channel_blocks_forever(void) {
    ichan nil = 0;
    static atomic_int before, after;
    static int got;
    static send_job sj;
    static recv_job rj;
    sj = (send_job){nil, 1, &before, &after};
    rj = (recv_job){nil, &got, NULL, &before, &after};
    gocc_go(send_one, &sj);
    gocc_go(recv_one, &rj);
    wait_then_settle(&before, 2);
    gocc_sleep_ms(30);
    CHECK_EQ(atomic_load(&after), 0);
}
TEST_IN_GOROUTINE(nil_channel_blocks_forever)

/* ------------------------------------------------------ element types */

static big make_big(int seed) {
    big b;
    memset(&b, 0, sizeof b);
    for (size_t i = 0; i < sizeof b.tag; i++)
        b.tag[i] = (char)(seed + (int)i);
    b.a = seed * 1000003LL;
    b.b = -b.a;
    b.d = seed / 3.0;
    b.p = (void *)(uintptr_t)(16 * (seed + 1));
    return b;
}

static void big_sender(void *p) {
    gocc_chan(big) c = *(gocc_chan(big) *)p;
    for (int i = 0; i < 50; i++)
        gocc_send(c, make_big(i));
}

static void elem_struct_larger_than_64_bytes(void) {
    CHECK(sizeof(big) > 64);
    for (int cap = 0; cap <= 3; cap += 3) {
        gocc_chan(big) c = gocc_make(big, cap);
        gocc_go_copy(big_sender, &c, sizeof c);
        for (int i = 0; i < 50; i++) {
            big want = make_big(i), got = gocc_recv(c);
            CHECK(memcmp(&got, &want, sizeof got) == 0);
        }
        gocc_chan_free(c);
    }
}
TEST_BOTH(elem_struct_larger_than_64_bytes)

typedef struct wide {
    _Alignas(64) double v[3];
} wide;

static void elem_overaligned_struct(void) {
    gocc_chan(wide) c = gocc_make(wide, 4);
    for (int i = 0; i < 4; i++)
        gocc_send(c, ((wide){{i, i + 0.5, -i}}));
    for (int i = 0; i < 4; i++) {
        wide w = gocc_recv(c);
        CHECK(w.v[0] == i && w.v[1] == i + 0.5 && w.v[2] == -i);
    }
    gocc_chan_free(c);
}
TEST_BOTH(elem_overaligned_struct)

static void elem_pointer(void) {
    static int cells[4];
    gocc_chan(int *) c = gocc_make(int *, 5);
    for (int i = 0; i < 4; i++)
        gocc_send(c, &cells[i]);
    gocc_send(c, NULL);
    CHECK_EQ(gocc_len(c), 5);
    for (int i = 0; i < 4; i++)
        CHECK(gocc_recv(c) == &cells[i]);
    CHECK(gocc_recv(c) == NULL);
    gocc_chan_free(c);
}
TEST_BOTH(elem_pointer)

static int twice(int x) { return 2 * x; }
static int square(int x) { return x * x; }

static void elem_function_pointer(void) {
    gocc_chan(int (*)(int)) c = gocc_make(int (*)(int), 2);
    gocc_send(c, twice);
    gocc_send(c, &square);
    int (*f)(int) = gocc_recv(c);
    CHECK(f == twice);
    CHECK_EQ(f(21), 42);
    CHECK_EQ(gocc_recv(c)(9), 81);
    gocc_chan_free(c);
}
TEST_BOTH(elem_function_pointer)

typedef struct nested_job {
    gocc_chan(ichan) cc;
} nested_job;

/* Receives a channel over cc, then answers twice on it. */
static void nested_echo(void *p) {
    nested_job *j = p;
    ichan reply = gocc_recv(j->cc);
    gocc_send(reply, 314);
    gocc_send(reply, 315);
}

static void elem_nested_channel(void) {
    gocc_chan(ichan) cc = gocc_make(ichan, 0);
    nested_job j = {cc};
    gocc_go_copy(nested_echo, &j, sizeof j);
    ichan reply = gocc_make(int, 0);
    gocc_send(cc, reply);
    CHECK_EQ(gocc_recv(reply), 314);
    CHECK_EQ(gocc_recv(reply), 315);

    /* <-<-cc: receive a channel, then receive from it */
    gocc_chan(ichan) cc2 = gocc_make(ichan, 1);
    ichan inner = gocc_make(int, 1);
    gocc_send(inner, 27);
    gocc_send(cc2, inner);
    CHECK_EQ(gocc_recv(gocc_recv(cc2)), 27);

    /* a nil channel travels as a value too */
    gocc_send(cc2, (ichan)0);
    CHECK(gocc_recv(cc2) == 0);
    gocc_chan_free(reply);
    gocc_chan_free(inner);
    gocc_chan_free(cc);
    gocc_chan_free(cc2);
}
TEST_BOTH(elem_nested_channel)

static void elem_double_and_char(void) {
    gocc_chan(double) dc = gocc_make(double, 0);
    gocc_chan(char) cc = gocc_make(char, 3);
    gocc_send(cc, 'x');
    gocc_send(cc, '\0');
    gocc_send(cc, (char)-7);
    CHECK_EQ(gocc_recv(cc), 'x');
    CHECK_EQ(gocc_recv(cc), 0);
    CHECK_EQ(gocc_recv(cc), (char)-7);
    double v = 0.1 + 0.2;
    CHECK(gocc_try_send(dc, &v) == false);
    gocc_close(dc);
    double z = 5;
    CHECK(!gocc_recv_ok(dc, &z));
    CHECK(z == 0.0);
    gocc_chan(double) db = gocc_make(double, 2);
    gocc_send(db, v);
    gocc_send(db, -1e300);
    CHECK(gocc_recv(db) == 0.1 + 0.2);
    CHECK(gocc_recv(db) == -1e300);
    gocc_chan_free(dc);
    gocc_chan_free(cc);
    gocc_chan_free(db);
}
TEST_BOTH(elem_double_and_char)

static void sent_value_is_converted_to_element_type(void) {
    gocc_chan(long) lc = gocc_make(long, 1);
    gocc_send(lc, 5);
    long l = gocc_recv(lc);
    CHECK_EQ(l, 5);
    gocc_chan(double) dc = gocc_make(double, 1);
    gocc_send(dc, 3);
    CHECK(gocc_recv(dc) == 3.0);
    gocc_chan(int) ic = gocc_make(int, 1);
    double d = 7.9;
    gocc_send(ic, d); /* truncates, as by assignment */
    CHECK_EQ(gocc_recv(ic), 7);
    gocc_chan(unsigned char) uc = gocc_make(unsigned char, 1);
    int minus_one = -1;
    gocc_send(uc, minus_one);
    CHECK_EQ(gocc_recv(uc), 255);
    gocc_chan(int64_t) wc = gocc_make(int64_t, 1);
    gocc_send(wc, 1u << 31);
    CHECK_EQ(gocc_recv(wc), 2147483648LL);
    gocc_chan_free(lc);
    gocc_chan_free(dc);
    gocc_chan_free(ic);
    gocc_chan_free(uc);
    gocc_chan_free(wc);
}
TEST_BOTH(sent_value_is_converted_to_element_type)

static void macro_arguments_evaluated_once(void) {
    ichan cs[8];
    for (int i = 0; i < 8; i++)
        cs[i] = gocc_make(int, 2);
    int i = 0, n = 0;
    gocc_send(cs[i++], n++);
    CHECK_EQ(i, 1);
    CHECK_EQ(n, 1);
    i = 0;
    CHECK_EQ(gocc_recv(cs[i++]), 0);
    CHECK_EQ(i, 1);
    int v = 9, w = 0;
    CHECK(gocc_try_send(cs[i++], &v));
    CHECK_EQ(i, 2);
    i = 1;
    CHECK(gocc_try_recv(cs[i++], &w, NULL));
    CHECK_EQ(i, 2);
    CHECK_EQ(w, 9);
    gocc_send(cs[2], 4);
    CHECK(gocc_recv_ok(cs[i++], &w));
    CHECK_EQ(i, 3);
    CHECK_EQ(w, 4);
    CHECK_EQ(gocc_len(cs[i++]), 0);
    CHECK_EQ(gocc_cap(cs[i++]), 2);
    CHECK_EQ(i, 5);
    gocc_close(cs[i++]);
    CHECK_EQ(i, 6);
    CHECK(!gocc_recv_ok(cs[5], &w));
    for (int k = 0; k < 8; k++)
        gocc_chan_free(cs[k]);
}
TEST_BOTH(macro_arguments_evaluated_once)

/* ---------------------------------------- many producers, many consumers */

enum { NPROD = 4, NCONS = 4, PER_PROD = 2000 };

typedef struct mpmc {
    ichan c;
    atomic_int seen[NPROD * PER_PROD];
    atomic_int bad;
    atomic_int producers_left;
    atomic_int consumers_done;
    int last[NCONS][NPROD]; /* per consumer: last value from each producer */
} mpmc;

typedef struct mpmc_role {
    mpmc *m;
    int id;
} mpmc_role;

static void mpmc_produce(void *p) {
    mpmc_role *r = p;
    for (int i = 0; i < PER_PROD; i++)
        gocc_send(r->m->c, r->id * PER_PROD + i);
    if (atomic_fetch_sub(&r->m->producers_left, 1) == 1)
        gocc_close(r->m->c);
}

static void mpmc_consume(void *p) {
    mpmc_role *r = p;
    mpmc *m = r->m;
    int v;
    for (int k = 0; k < NPROD; k++)
        m->last[r->id][k] = -1;
    while (gocc_recv_ok(m->c, &v)) {
        if (v < 0 || v >= NPROD * PER_PROD) {
            atomic_fetch_add(&m->bad, 1);
            continue;
        }
        atomic_fetch_add(&m->seen[v], 1);
        /* one producer's values arrive in the order sent */
        int prod = v / PER_PROD;
        if (v <= m->last[r->id][prod])
            atomic_fetch_add(&m->bad, 1);
        m->last[r->id][prod] = v;
    }
    atomic_fetch_add(&m->consumers_done, 1);
}

static void mpmc_run(int cap) {
    mpmc *m = calloc(1, sizeof *m);
    REQUIRE(m != NULL);
    m->c = gocc_make(int, cap);
    atomic_store(&m->producers_left, NPROD);
    mpmc_role prod[NPROD], cons[NCONS];
    for (int i = 0; i < NCONS; i++) {
        cons[i] = (mpmc_role){m, i};
        gocc_go(mpmc_consume, &cons[i]);
    }
    for (int i = 0; i < NPROD; i++) {
        prod[i] = (mpmc_role){m, i};
        gocc_go(mpmc_produce, &prod[i]);
    }
    wait_count(&m->consumers_done, NCONS);
    CHECK_EQ(atomic_load(&m->bad), 0);
    for (int v = 0; v < NPROD * PER_PROD; v++)
        CHECK_EQ(atomic_load(&m->seen[v]), 1);
    gocc_chan_free(m->c);
    free(m);
}

static void many_producers_many_consumers_unbuffered(void) { mpmc_run(0); }
TEST_BOTH(many_producers_many_consumers_unbuffered)

static void many_producers_many_consumers_buffered(void) { mpmc_run(7); }
TEST_BOTH(many_producers_many_consumers_buffered)

/* ----------------------------------------------------------- child runs */


/* A runtime panic: "panic: <msg>", then the goroutine line, status 2. */
static void expect_panic(const char *mode, const char *msg) {
    char want[256];
    snprintf(want, sizeof want, "panic: %s\n", msg);
    child_expect("chan_panic", mode, NULL, 2, want);
    child_expect("chan_panic", mode, NULL, 2, "goroutine ");
}

static void test_makechan_negative_size_panics(void **s) {
    (void)s;
    expect_panic("make_negative", "makechan: size out of range");
}
static void test_makechan_huge_size_panics(void **s) {
    (void)s;
    expect_panic("make_huge", "makechan: size out of range");
}
static void test_close_of_nil_channel_panics(void **s) {
    (void)s;
    expect_panic("close_nil", "close of nil channel");
}
static void test_close_of_closed_channel_panics(void **s) {
    (void)s;
    expect_panic("close_closed", "close of closed channel");
}
static void test_send_on_closed_channel_panics(void **s) {
    (void)s;
    expect_panic("send_closed", "send on closed channel");
}
static void test_try_send_on_closed_channel_panics(void **s) {
    (void)s;
    expect_panic("try_send_closed", "send on closed channel");
}
static void test_blocked_sender_panics_when_closed(void **s) {
    (void)s;
    expect_panic("blocked_send_closed", "send on closed channel");
}
static void test_blocked_sender_on_full_buffer_panics_when_closed(void **s) {
    (void)s;
    expect_panic("blocked_buffered_send_closed", "send on closed channel");
}
static void test_free_with_blocked_goroutine_panics(void **s) {
    (void)s;
    child_expect("chan_panic", "free_busy", NULL, 2, "panic: ");
}
static void test_nil_channel_recv_blocks_forever(void **s) {
    (void)s;
    child_expect("chan_panic", "recv_nil", NULL, 2,
                 "fatal error: all goroutines are asleep - deadlock!");
}
static void test_nil_channel_send_blocks_forever(void **s) {
    (void)s;
    child_expect("chan_panic", "send_nil", NULL, 2,
                 "fatal error: all goroutines are asleep - deadlock!");
}

/* With one worker, blocking order is deterministic. */
static void test_fcfs_with_one_worker(void **s) {
    (void)s;
    char path[] = GOCC_PROGS_DIR "/chan_fcfs";
    char *argv[] = {path, NULL};
    char *env[] = {"GOCC_MAXPROCS=1", NULL};
    child_result *r = run_child(argv, env, 20);
    if (r->timed_out || !r->exited || r->status != 0)
        print_error("stdout:\n%s\nstderr:\n%s\n", r->out, r->err);
    assert_false(r->timed_out);
    assert_int_equal(r->exited, 1);
    assert_int_equal(r->status, 0);
    assert_string_equal(r->out,
                        "senders: 0 1 2 3 4 5 6 7\n"
                        "buffered senders: 100 101 0 1 2 3 4 5 6 7\n"
                        "receivers: 0 1 2 3 4 5 6 7\n"
                        "close: 0/0 0/0 0/0 0/0 0/0 0/0 0/0 0/0\n");
    free(r);
}

int main(void) {
    signal(SIGALRM, on_alarm);
    gocc_maxprocs(); /* start the runtime from the main thread */
    const struct CMUnitTest tests[] = {
        BOTH(unbuffered_send_waits_for_receiver),
        BOTH(unbuffered_recv_waits_for_sender),
        BOTH(unbuffered_try_ops_need_a_partner),
        BOTH(buffered_fifo_order),
        BOTH(buffered_ring_wraps_around),
        BOTH(buffered_order_kept_under_blocking),
        BOTH(full_buffer_blocks_sender),
        BOTH(try_send_fails_only_when_full),
        BOTH(blocked_senders_served_in_order),
        BOTH(blocked_senders_on_full_buffer_in_order),
        BOTH(blocked_receivers_served_in_order),
        BOTH(close_wakes_all_blocked_receivers),
        BOTH(closed_channel_drains_then_yields_zero),
        BOTH(receive_on_closed_zeroes_a_struct),
        BOTH(len_and_cap),
        BOTH(nil_channel_never_ready),
        cmocka_unit_test(test_nil_channel_blocks_forever_in_goroutine),
        BOTH(elem_struct_larger_than_64_bytes),
        BOTH(elem_overaligned_struct),
        BOTH(elem_pointer),
        BOTH(elem_function_pointer),
        BOTH(elem_nested_channel),
        BOTH(elem_double_and_char),
        BOTH(sent_value_is_converted_to_element_type),
        BOTH(macro_arguments_evaluated_once),
        BOTH(many_producers_many_consumers_unbuffered),
        BOTH(many_producers_many_consumers_buffered),
        cmocka_unit_test(test_makechan_negative_size_panics),
        cmocka_unit_test(test_makechan_huge_size_panics),
        cmocka_unit_test(test_close_of_nil_channel_panics),
        cmocka_unit_test(test_close_of_closed_channel_panics),
        cmocka_unit_test(test_send_on_closed_channel_panics),
        cmocka_unit_test(test_try_send_on_closed_channel_panics),
        cmocka_unit_test(test_blocked_sender_panics_when_closed),
        cmocka_unit_test(test_blocked_sender_on_full_buffer_panics_when_closed),
        cmocka_unit_test(test_free_with_blocked_goroutine_panics),
        cmocka_unit_test(test_nil_channel_recv_blocks_forever),
        cmocka_unit_test(test_nil_channel_send_blocks_forever),
        cmocka_unit_test(test_fcfs_with_one_worker),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
