/*
 * stress.c - a randomized channel stress test for the gocc runtime.
 *
 * Usage: stress [seed [total-messages [rounds]]]   (defaults 1, 2000000, 24)
 *
 * Each round builds a random topology from the seed (so a failing seed can
 * be replayed): 3-12 channels of random capacity (unbuffered, 1, 2, 5, 32,
 * 128), producers and consumers wired to them, and pushes its share of the
 * messages through.  The goroutine kinds cover every way the API moves a
 * value:
 *   producers  plain gocc_send; gocc_try_send (falling back to a blocking
 *              send after a few misses); select over 1-3 send cases, with
 *              and without default;
 *   consumers  gocc_recv (the zero value means closed: ids are never 0);
 *              gocc_recv_ok; gocc_try_recv; select over 1-4 receive cases,
 *              with and without default, dropping closed channels (nil);
 *   hybrids    consumers that are also producers: one select mixes their
 *              receive cases with send cases on other channels, sometimes
 *              with a default.
 * One round in four is "hot": 1-3 channels shared by up to 30 extra
 * producers and 20 extra consumers.  Some plain producers run on plain
 * pthreads rather than goroutines (LANGUAGE.md 9: a foreign thread blocks
 * as a whole), which exercises the runtime's foreign park and wake paths.
 * A channel is closed by its last sender: either the sender that brings an
 * atomic count of live senders to zero, or a closer goroutine waiting on a
 * per-channel waitgroup.  Consumers run until all their inputs are closed.
 *
 * Every message is {id, tag}: id = (producer + 1) << 32 | seq, tag a hash
 * of id (catches torn or misdirected copies).  A consumer checks the tag,
 * that the producer really sends on that channel, sets the id's bit in a
 * shared bitmap with atomic fetch_or (a bit already set is a duplicate),
 * and checks per-(producer, channel) FIFO: a receiver sees one sender's
 * values on one channel in the order sent (LANGUAGE.md 4).  At the end of a
 * round every bit must be set.  A watchdog thread reports a stall (lost
 * wakeup, hang) with the round's state instead of letting it time out mute.
 *
 * Prints "stress: OK ..." and exits 0, or prints the failures and exits 1.
 */
#define _GNU_SOURCE
#include <gocc.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct msg {
    uint64_t id;
    uint64_t tag;
} msg;
typedef gocc_chan(msg) mchan;

enum { MAX_CH = 13, MAX_FAN = 4, MAX_PROD = 64, MAX_RECV = 40, MISSES = 4 };
/* Limits of build_topology: MAX_CH channels; at most 12 + 4 receivers and
 * 12 + 16 + 6 senders in a normal round, 3 + 20 and 3 + 23 + 30 in a hot
 * one (senders: one per channel, hybrids, extras). */

enum pkind { P_SEND, P_TRYSEND, P_SELECT, P_SELECT_DEFAULT, P_NKINDS };
enum rkind {
    R_RECV, R_RECV_OK, R_TRYRECV, R_SELECT, R_SELECT_DEFAULT, R_HYBRID,
    R_HYBRID_DEFAULT, R_NKINDS
};

/* The sending side of a producer or hybrid. */
typedef struct sender {
    int id;                 /* producer index */
    int kind;               /* enum pkind (hybrids: unused) */
    int nout, out[MAX_FAN]; /* channels it may send on */
    uint32_t count, next;   /* messages to send, next seq */
    bool foreign;           /* runs on a plain pthread, not a goroutine */
} sender;

typedef struct receiver {
    int kind;              /* enum rkind */
    int nin, in[MAX_FAN];  /* channels it receives from */
    int prod;              /* hybrids: its producer index, else -1 */
    uint32_t *last;        /* [nprod * nch]: seq + 1 of the last id seen */
    uint64_t received;
} receiver;

typedef struct round {
    int index, nch, nprod, nrecv;
    mchan ch[MAX_CH];
    int cap[MAX_CH];
    bool close_by_wg[MAX_CH];
    atomic_int senders_left[MAX_CH];
    gocc_waitgroup chwg[MAX_CH];
    int nsenders[MAX_CH];
    sender prod[MAX_PROD];
    receiver recv[MAX_RECV];
    uint64_t base[MAX_PROD]; /* first bit of each producer in the bitmap */
    uint64_t total;
    _Atomic uint64_t *bitmap;
    gocc_waitgroup done;
} round;

static atomic_ullong g_failures;
static atomic_ullong g_progress;       /* messages received so far */
static round *_Atomic g_current;       /* for the watchdog's report */

/* ----------------------------------------------------------- utilities */

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...) {
    if (atomic_fetch_add(&g_failures, 1) >= 20)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("stress: FAIL: ");
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    va_end(ap);
}

static uint64_t rnd(uint64_t *s) {   /* splitmix64 */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int rnd_n(uint64_t *s, int n) { return (int)(rnd(s) % (uint64_t)n); }

static uint64_t tag_of(uint64_t id) {
    return (id * 0x9e3779b97f4a7c15ull) ^ 0x5bd1e995deadbeefull;
}

static msg make_msg(int prod, uint32_t seq) {
    uint64_t id = ((uint64_t)(prod + 1) << 32) | seq;
    return (msg){id, tag_of(id)};
}

static bool contains(const int *a, int n, int x) {
    for (int i = 0; i < n; i++)
        if (a[i] == x)
            return true;
    return false;
}

/* ------------------------------------------------------------ checking */

/* Record message m, received by r on channel c. */
static void deliver(round *rd, receiver *r, int c, msg m) {
    int p = (int)(m.id >> 32) - 1;
    uint32_t seq = (uint32_t)m.id;
    if (m.tag != tag_of(m.id) || p < 0 || p >= rd->nprod) {
        fail("round %d: corrupt message {%#llx, %#llx} on channel %d",
             rd->index, (unsigned long long)m.id, (unsigned long long)m.tag,
             c);
        return;
    }
    sender *s = &rd->prod[p];
    if (seq >= s->count || !contains(s->out, s->nout, c)) {
        fail("round %d: message %d:%u on channel %d, which producer %d "
             "does not send (count %u)",
             rd->index, p, seq, c, p, s->count);
        return;
    }
    uint64_t bit = rd->base[p] + seq;
    uint64_t mask = 1ull << (bit % 64);
    if (atomic_fetch_or(&rd->bitmap[bit / 64], mask) & mask)
        fail("round %d: duplicate message %d:%u on channel %d", rd->index, p,
             seq, c);
    uint32_t *last = &r->last[p * rd->nch + c];
    if (seq + 1 <= *last)
        fail("round %d: FIFO broken on channel %d: producer %d's seq %u "
             "after %u",
             rd->index, c, p, seq, *last - 1);
    *last = seq + 1;
    r->received++;
    atomic_fetch_add_explicit(&g_progress, 1, memory_order_relaxed);
}

/* A closed, drained channel must stay so: zero values at once. */
static void check_stays_closed(round *rd, int c) {
    msg z = gocc_recv(rd->ch[c]);
    bool ok = true, done;
    if (z.id || z.tag || gocc_recv_ok(rd->ch[c], &z) || z.id)
        fail("round %d: channel %d yielded a value after its close",
             rd->index, c);
    done = gocc_try_recv(rd->ch[c], &z, &ok);
    if (!done || ok)
        fail("round %d: try_recv on closed channel %d: done %d ok %d",
             rd->index, c, done, ok);
}

/* ------------------------------------------------------------- senders */

/* s will send no more: release its hold on each of its channels. */
static void sender_finish(round *rd, sender *s) {
    for (int i = 0; i < s->nout; i++) {
        int c = s->out[i];
        if (rd->close_by_wg[c])
            gocc_wg_done(&rd->chwg[c]);
        else if (atomic_fetch_sub(&rd->senders_left[c], 1) == 1)
            gocc_close(rd->ch[c]);
    }
}

static void send_plain(round *rd, sender *s) {
    mchan ch = rd->ch[s->out[0]];
    for (; s->next < s->count; s->next++)
        gocc_send(ch, make_msg(s->id, s->next));
}

static void send_try(round *rd, sender *s) {
    mchan ch = rd->ch[s->out[0]];
    for (; s->next < s->count; s->next++) {
        msg m = make_msg(s->id, s->next);
        int misses = 0;
        while (!gocc_try_send(ch, &m)) {
            if (++misses == MISSES) {
                gocc_send(ch, m);
                break;
            }
            gocc_yield();
        }
    }
}

/* Send each message on whichever of s's channels is ready first. */
static void send_select(round *rd, sender *s, bool with_default) {
    gocc_select_case cases[MAX_FAN];
    msg m;
    int misses = 0;
    for (int i = 0; i < s->nout; i++)
        cases[i] = gocc_case_send(rd->ch[s->out[i]], &m);
    while (s->next < s->count) {
        m = make_msg(s->id, s->next);
        bool def = with_default && misses < MISSES;
        int k = gocc_select(cases, s->nout, def);
        if (k < 0) {
            misses++;
            gocc_yield();
            continue;
        }
        if (k >= s->nout || cases[k].dir != GOCC_CASE_SEND)
            fail("round %d: send select returned %d", rd->index, k);
        misses = 0;
        s->next++;
    }
}

typedef struct job {
    round *rd;
    int index;
} job;

static void producer_main(void *arg) {
    job *j = arg;
    round *rd = j->rd;
    sender *s = &rd->prod[j->index];
    switch (s->kind) {
    case P_SEND: send_plain(rd, s); break;
    case P_TRYSEND: send_try(rd, s); break;
    case P_SELECT: send_select(rd, s, false); break;
    default: send_select(rd, s, true); break;
    }
    sender_finish(rd, s);
    gocc_wg_done(&rd->done);
}

/* ----------------------------------------------------------- receivers */

static void recv_plain(round *rd, receiver *r) {
    int c = r->in[0];
    for (;;) {
        msg m = gocc_recv(rd->ch[c]);
        if (m.id == 0 && m.tag == 0)
            break;
        deliver(rd, r, c, m);
    }
}

static void recv_ok(round *rd, receiver *r) {
    int c = r->in[0];
    msg m;
    while (gocc_recv_ok(rd->ch[c], &m))
        deliver(rd, r, c, m);
    if (m.id || m.tag)
        fail("round %d: recv_ok false but value not zeroed", rd->index);
}

static void recv_try(round *rd, receiver *r) {
    int c = r->in[0], misses = 0;
    for (;;) {
        msg m;
        bool ok;
        if (gocc_try_recv(rd->ch[c], &m, &ok)) {
            if (!ok)
                break;
            deliver(rd, r, c, m);
            misses = 0;
        } else if (++misses == MISSES) {
            if (!gocc_recv_ok(rd->ch[c], &m))
                break;
            deliver(rd, r, c, m);
            misses = 0;
        } else {
            gocc_yield();
        }
    }
}

/* The select loop shared by select consumers and hybrids: receive from
 * r's inputs until all are closed and, if s is not NULL, send s's messages
 * on its channels in the same select. */
static void select_loop(round *rd, receiver *r, sender *s, bool with_default) {
    gocc_select_case cases[2 * MAX_FAN];
    msg in[MAX_FAN], out;
    int open = r->nin, nout = s ? s->nout : 0, misses = 0;
    for (int i = 0; i < r->nin; i++)
        cases[i] = gocc_case_recv(rd->ch[r->in[i]], &in[i]);
    for (int i = 0; i < nout; i++)
        cases[r->nin + i] = gocc_case_send(rd->ch[s->out[i]], &out);
    if (s && s->count == 0) {
        sender_finish(rd, s);
        s = NULL;
    }
    while (open > 0 || s) {
        int n = r->nin + (s ? nout : 0);
        if (s)
            out = make_msg(s->id, s->next);
        bool def = with_default && misses < MISSES;
        int k = gocc_select(cases, n, def);
        if (k < 0) {
            misses++;
            gocc_yield();
            continue;
        }
        misses = 0;
        if (k >= r->nin) {
            if (++s->next == s->count) {
                sender_finish(rd, s);   /* now: others may wait for it */
                s = NULL;
            }
        } else if (cases[k].ok) {
            deliver(rd, r, r->in[k], in[k]);
        } else {
            if (in[k].id || in[k].tag)
                fail("round %d: select saw close but value not zeroed",
                     rd->index);
            cases[k].chan = NULL;   /* a closed input: never ready again */
            open--;
        }
    }
}

static void receiver_main(void *arg) {
    job *j = arg;
    round *rd = j->rd;
    receiver *r = &rd->recv[j->index];
    sender *s = r->prod >= 0 ? &rd->prod[r->prod] : NULL;
    switch (r->kind) {
    case R_RECV: recv_plain(rd, r); break;
    case R_RECV_OK: recv_ok(rd, r); break;
    case R_TRYRECV: recv_try(rd, r); break;
    case R_SELECT: select_loop(rd, r, NULL, false); break;
    case R_SELECT_DEFAULT: select_loop(rd, r, NULL, true); break;
    case R_HYBRID: select_loop(rd, r, s, false); break;
    default: select_loop(rd, r, s, true); break;
    }
    if (r->kind <= R_TRYRECV)
        check_stays_closed(rd, r->in[0]);
    gocc_wg_done(&rd->done);
}

static void *producer_thread(void *arg) {
    producer_main(arg);
    return NULL;
}

static void start_foreign(job *j) {
    pthread_t t;
    if (pthread_create(&t, NULL, producer_thread, j) != 0) {
        fail("pthread_create failed");
        exit(1);
    }
    pthread_detach(t);
}

static void closer_main(void *arg) {
    job *j = arg;
    gocc_wg_wait(&j->rd->chwg[j->index]);
    gocc_close(j->rd->ch[j->index]);
    gocc_wg_done(&j->rd->done);
}

/* ------------------------------------------------------------ topology */

/* Fill a[0..n) with n distinct channels, a[0] = first. */
static int pick_channels(uint64_t *rs, int nch, int first, int n, int *a) {
    a[0] = first;
    int k = 1;
    for (int tries = 0; k < n && tries < 32; tries++) {
        int c = rnd_n(rs, nch);
        if (!contains(a, k, c))
            a[k++] = c;
    }
    return k;
}

static void add_sender(round *rd, int kind, const int *out, int nout) {
    sender *s = &rd->prod[rd->nprod];
    s->id = rd->nprod++;
    s->kind = kind;
    s->nout = nout;
    memcpy(s->out, out, sizeof(int) * (size_t)nout);
    for (int i = 0; i < nout; i++)
        rd->nsenders[out[i]]++;
}

static void add_producer(round *rd, uint64_t *rs, int first) {
    int kind = rnd_n(rs, P_NKINDS), out[MAX_FAN];
    int n = kind >= P_SELECT ? 1 + rnd_n(rs, 3) : 1;
    n = pick_channels(rs, rd->nch, first, n, out);
    add_sender(rd, kind, out, n);
    rd->prod[rd->nprod - 1].foreign = rnd_n(rs, 8) == 0;
}

/* A hybrid sends on 1-2 channels that are not among its inputs (a channel
 * whose only receiver is its only sender could never move a value). */
static bool add_hybrid_outputs(round *rd, uint64_t *rs, receiver *r) {
    int out[MAX_FAN], n = 0, want = 1 + rnd_n(rs, 2);
    for (int tries = 0; n < want && tries < 32; tries++) {
        int c = rnd_n(rs, rd->nch);
        if (!contains(r->in, r->nin, c) && !contains(out, n, c))
            out[n++] = c;
    }
    if (n == 0)
        return false;
    r->prod = rd->nprod;
    add_sender(rd, P_SELECT, out, n);
    return true;
}

static void add_receiver(round *rd, uint64_t *rs, int first) {
    receiver *r = &rd->recv[rd->nrecv++];
    r->kind = rnd_n(rs, R_NKINDS);
    r->prod = -1;
    int n = r->kind >= R_SELECT ? 1 + rnd_n(rs, MAX_FAN) : 1;
    r->nin = pick_channels(rs, rd->nch, first, n, r->in);
    if (r->kind >= R_HYBRID && !add_hybrid_outputs(rd, rs, r))
        r->kind = R_SELECT;
}

static const int caps[] = {0, 0, 0, 1, 2, 5, 32, 128};

static void build_topology(round *rd, uint64_t *rs) {
    bool hot = rnd_n(rs, 4) == 0;
    rd->nch = hot ? 1 + rnd_n(rs, 3) : 3 + rnd_n(rs, MAX_CH - 3);
    for (int c = 0; c < rd->nch; c++) {
        rd->cap[c] = caps[rnd_n(rs, (int)(sizeof caps / sizeof caps[0]))];
        rd->close_by_wg[c] = rnd_n(rs, 3) == 0;
    }
    for (int c = 0; c < rd->nch; c++)   /* every channel has a receiver */
        add_receiver(rd, rs, c);
    for (int i = hot ? 5 + rnd_n(rs, 16) : rnd_n(rs, 5); i > 0; i--)
        add_receiver(rd, rs, rnd_n(rs, rd->nch));
    for (int c = 0; c < rd->nch; c++)   /* and, mostly, a producer */
        if (rnd_n(rs, 10) != 0)
            add_producer(rd, rs, c);
    for (int i = hot ? 10 + rnd_n(rs, 21) : 1 + rnd_n(rs, 6); i > 0; i--)
        add_producer(rd, rs, rnd_n(rs, rd->nch));
}

/* Split the round's messages among the senders, by random weights. */
static void assign_counts(round *rd, uint64_t *rs, uint64_t total) {
    int w[MAX_PROD], sum = 0;
    for (int p = 0; p < rd->nprod; p++)
        sum += w[p] = 1 + rnd_n(rs, 4);
    uint64_t given = 0;
    for (int p = 0; p < rd->nprod; p++) {
        uint64_t n = p == rd->nprod - 1 ? total - given : total * w[p] / sum;
        rd->prod[p].count = (uint32_t)n;
        rd->base[p] = given;
        given += n;
    }
    rd->total = total;
}

/* ------------------------------------------------------------- a round */

static void start_round(round *rd, job *jobs) {
    int nj = 0;
    for (int c = 0; c < rd->nch; c++) {
        rd->ch[c] = gocc_make(msg, rd->cap[c]);
        atomic_init(&rd->senders_left[c], rd->nsenders[c]);
        rd->chwg[c] = (gocc_waitgroup)GOCC_WAITGROUP_INIT;
        gocc_wg_add(&rd->chwg[c], rd->nsenders[c]);
    }
    for (int c = 0; c < rd->nch; c++) {
        if (rd->close_by_wg[c]) {
            jobs[nj] = (job){rd, c};
            gocc_wg_add(&rd->done, 1);
            gocc_go(closer_main, &jobs[nj++]);
        } else if (rd->nsenders[c] == 0) {
            gocc_close(rd->ch[c]);
        }
    }
    for (int i = 0; i < rd->nrecv; i++) {
        rd->recv[i].last = calloc((size_t)(rd->nprod * rd->nch), 4);
        jobs[nj] = (job){rd, i};
        gocc_wg_add(&rd->done, 1);
        gocc_go(receiver_main, &jobs[nj++]);
    }
    for (int p = 0; p < rd->nprod; p++) {
        bool hybrid = false;
        for (int i = 0; i < rd->nrecv; i++)
            hybrid |= rd->recv[i].prod == p;
        if (hybrid)
            continue;
        jobs[nj] = (job){rd, p};
        gocc_wg_add(&rd->done, 1);
        if (rd->prod[p].foreign)
            start_foreign(&jobs[nj++]);
        else
            gocc_go(producer_main, &jobs[nj++]);
    }
}

/* After the round: every message received once, every sender done. */
static void check_round(round *rd) {
    uint64_t missing = 0, got = 0;
    for (uint64_t b = 0; b < rd->total; b++) {
        if (!(atomic_load(&rd->bitmap[b / 64]) & (1ull << (b % 64))) &&
            missing++ < 5)
            fail("round %d: message bit %llu never received", rd->index,
                 (unsigned long long)b);
    }
    for (int i = 0; i < rd->nrecv; i++)
        got += rd->recv[i].received;
    for (int p = 0; p < rd->nprod; p++)
        if (rd->prod[p].next != rd->prod[p].count)
            fail("round %d: producer %d sent %u of %u", rd->index, p,
                 rd->prod[p].next, rd->prod[p].count);
    if (missing || got != rd->total)
        fail("round %d: %llu missing, %llu received of %llu", rd->index,
             (unsigned long long)missing, (unsigned long long)got,
             (unsigned long long)rd->total);
    for (int c = 0; c < rd->nch; c++)
        if (gocc_len(rd->ch[c]) != 0)
            fail("round %d: channel %d still holds %d", rd->index, c,
                 gocc_len(rd->ch[c]));
}

static void free_round(round *rd) {
    for (int c = 0; c < rd->nch; c++)
        gocc_chan_free(rd->ch[c]);
    for (int i = 0; i < rd->nrecv; i++)
        free(rd->recv[i].last);
    free(rd->bitmap);
}

static void run_round(int index, uint64_t seed, uint64_t total, int *stats) {
    round *rd = calloc(1, sizeof *rd);
    job *jobs = calloc(MAX_CH + MAX_RECV + MAX_PROD, sizeof *jobs);
    uint64_t rs = seed * 0x100000001b3ull + (uint64_t)index;
    rd->index = index;
    rd->done = (gocc_waitgroup)GOCC_WAITGROUP_INIT;
    build_topology(rd, &rs);
    assign_counts(rd, &rs, total);
    rd->bitmap = calloc(total / 64 + 1, sizeof *rd->bitmap);
    atomic_store(&g_current, rd);
    start_round(rd, jobs);
    gocc_wg_wait(&rd->done);
    check_round(rd);
    stats[0] += rd->nch;
    stats[1] += rd->nprod;
    stats[2] += rd->nrecv;
    for (int c = 0; c < rd->nch; c++)
        stats[3] += rd->cap[c] == 0;
    for (int p = 0; p < rd->nprod; p++)
        stats[4] += rd->prod[p].foreign;
    atomic_store(&g_current, NULL);
    free_round(rd);
    free(rd);
    free(jobs);
}

/* ------------------------------------------------------------ watchdog */

static void dump_round(round *rd) {
    printf("stress: round %d state:\n", rd->index);
    for (int c = 0; c < rd->nch; c++)
        printf("  channel %d cap %d len %d senders_left %d%s\n", c,
               rd->cap[c], gocc_len(rd->ch[c]),
               atomic_load(&rd->senders_left[c]),
               rd->close_by_wg[c] ? " (closed via waitgroup)" : "");
    for (int p = 0; p < rd->nprod; p++)
        printf("  producer %d kind %d sent %u/%u\n", p, rd->prod[p].kind,
               rd->prod[p].next, rd->prod[p].count);
    for (int i = 0; i < rd->nrecv; i++)
        printf("  receiver %d kind %d inputs %d received %llu\n", i,
               rd->recv[i].kind, rd->recv[i].nin,
               (unsigned long long)rd->recv[i].received);
}

/* A plain thread: reports and exits if no message moves for 30 s. */
static void *watchdog(void *arg) {
    (void)arg;
    unsigned long long last = (unsigned long long)-1;
    int still = 0;
    for (;;) {
        sleep(1);
        unsigned long long now = atomic_load(&g_progress);
        still = now == last ? still + 1 : 0;
        last = now;
        if (still < 30)
            continue;
        printf("stress: FAIL: no progress for 30 s (%llu received)\n", now);
        round *rd = atomic_load(&g_current);
        if (rd)
            dump_round(rd);
        fflush(stdout);
        _exit(1);
    }
    return NULL;
}

/* ---------------------------------------------------------------- main */

static int stress_main(int argc, char **argv) {
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
    uint64_t total = argc > 2 ? strtoull(argv[2], NULL, 0) : 2000000;
    int rounds = argc > 3 ? atoi(argv[3]) : 24;
    if (rounds < 1)
        rounds = 1;
    pthread_t wd;
    pthread_create(&wd, NULL, watchdog, NULL);
    pthread_detach(wd);
    int64_t t0 = gocc_nanotime();
    int stats[5] = {0};
    for (int i = 0; i < rounds; i++)
        run_round(i, seed, total / (uint64_t)rounds, stats);
    double secs = (double)(gocc_nanotime() - t0) / 1e9;
    unsigned long long failures = atomic_load(&g_failures);
    unsigned long long moved = atomic_load(&g_progress);
    if (failures) {
        printf("stress: FAILED: %llu failures (seed %llu, procs %d)\n",
               failures, (unsigned long long)seed, gocc_maxprocs());
        return 1;
    }
    printf("stress: OK seed=%llu procs=%d rounds=%d messages=%llu "
           "channels=%d (unbuffered %d) producers=%d (on pthreads %d) "
           "consumers=%d time=%.2fs\n",
           (unsigned long long)seed, gocc_maxprocs(), rounds, moved, stats[0],
           stats[3], stats[1], stats[4], stats[2], secs);
    return 0;
}

GOCC_MAIN(stress_main)
