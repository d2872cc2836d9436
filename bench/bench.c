/*
 * bench.c - micro-benchmarks of the gocc runtime, the twin of go/bench.go.
 *
 * Usage: gocc_bench [name...]      (default: every benchmark)
 *
 * Each benchmark runs a fixed number of iterations (chosen so that one run
 * takes roughly 0.2-1 s on the reference machine, NOTES.md), after an
 * untimed warm-up of a tenth of that, and prints one line:
 *     <name> <ns per operation> ns/op
 * The Go program runs the same loops over the same channel kinds,
 * capacities and counts and prints the same lines, so bench/run-runtime can
 * set the two side by side.  GOCC_MAXPROCS picks the worker count.
 *
 *   pingpong  unbuffered round trip: main sends on ping, a partner goroutine
 *             receives and answers on pong (two unbuffered channels).
 *   spawn     spawn + exit: batches of SPAWN_BATCH goroutines that each call
 *             wg_done, one wg_wait per batch; ns per goroutine.  (Batches
 *             bound the live goroutines: a million at once would be GBs.)
 *   buffered  one producer goroutine, main consuming, capacity 128;
 *             ns per item.
 *   select4   four producers, each sending on its own unbuffered channel;
 *             main selects over the four; ns per received item.
 */
#include <gocc.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum {
    PINGPONG_N = 1000000,
    SPAWN_N = 1000000,
    SPAWN_BATCH = 1000,
    BUFFERED_N = 10000000,
    BUFFERED_CAP = 128,
    SELECT_N = 2000000,   /* items in all, SELECT_N / 4 per producer */
};

typedef gocc_chan(int64_t) ichan;

/* --------------------------------------------------------------- pingpong */

typedef struct pp_args {
    ichan ping, pong;
    int64_t n;
} pp_args;

static void pp_partner(void *p) {
    pp_args *a = p;
    for (int64_t i = 0; i < a->n; i++)
        gocc_send(a->pong, gocc_recv(a->ping) + 1);
}

static int64_t bench_pingpong(int64_t n) {
    pp_args a = {gocc_make(int64_t, 0), gocc_make(int64_t, 0), n};
    int64_t sum = 0;
    gocc_go_copy(pp_partner, &a, sizeof a);
    int64_t t0 = gocc_nanotime();
    for (int64_t i = 0; i < n; i++) {
        gocc_send(a.ping, i);
        sum += gocc_recv(a.pong);
    }
    int64_t t = gocc_nanotime() - t0;
    if (sum != n * (n - 1) / 2 + n)
        gocc_panic("pingpong: wrong sum %lld", (long long)sum);
    gocc_chan_free(a.ping);
    gocc_chan_free(a.pong);
    return t;
}

/* ------------------------------------------------------------------ spawn */

static void spawn_child(void *wg) { gocc_wg_done(wg); }

static int64_t bench_spawn(int64_t n) {
    gocc_waitgroup wg = GOCC_WAITGROUP_INIT;
    int64_t t0 = gocc_nanotime();
    for (int64_t done = 0; done < n; done += SPAWN_BATCH) {
        gocc_wg_add(&wg, SPAWN_BATCH);
        for (int i = 0; i < SPAWN_BATCH; i++)
            gocc_go(spawn_child, &wg);
        gocc_wg_wait(&wg);
    }
    return gocc_nanotime() - t0;
}

/* --------------------------------------------------------------- buffered */

typedef struct prod_args {
    ichan ch;
    int64_t n;
} prod_args;

static void producer(void *p) {
    prod_args *a = p;
    for (int64_t i = 0; i < a->n; i++)
        gocc_send(a->ch, i);
}

static int64_t bench_buffered(int64_t n) {
    prod_args a = {gocc_make(int64_t, BUFFERED_CAP), n};
    int64_t sum = 0;
    int64_t t0 = gocc_nanotime();
    gocc_go_copy(producer, &a, sizeof a);
    for (int64_t i = 0; i < n; i++)
        sum += gocc_recv(a.ch);
    int64_t t = gocc_nanotime() - t0;
    if (sum != n * (n - 1) / 2)
        gocc_panic("buffered: wrong sum %lld", (long long)sum);
    gocc_chan_free(a.ch);
    return t;
}

/* ---------------------------------------------------------------- select4 */

static int64_t bench_select4(int64_t n) {
    prod_args a[4];
    int64_t v[4], sum = 0, per = n / 4;
    for (int i = 0; i < 4; i++) {
        a[i] = (prod_args){gocc_make(int64_t, 0), per};
        gocc_go_copy(producer, &a[i], sizeof a[i]);
    }
    int64_t t0 = gocc_nanotime();
    for (int64_t i = 0; i < 4 * per; i++) {
        gocc_select_case cases[4] = {
            gocc_case_recv(a[0].ch, &v[0]), gocc_case_recv(a[1].ch, &v[1]),
            gocc_case_recv(a[2].ch, &v[2]), gocc_case_recv(a[3].ch, &v[3]),
        };
        sum += v[gocc_select(cases, 4, false)];
    }
    int64_t t = gocc_nanotime() - t0;
    if (sum != 4 * (per * (per - 1) / 2))
        gocc_panic("select4: wrong sum %lld", (long long)sum);
    for (int i = 0; i < 4; i++)
        gocc_chan_free(a[i].ch);
    return t;
}

/* ------------------------------------------------------------------- main */

typedef struct bench {
    const char *name;
    int64_t (*fn)(int64_t n);
    int64_t n;
} bench;

static const bench benches[] = {
    {"pingpong", bench_pingpong, PINGPONG_N},
    {"spawn", bench_spawn, SPAWN_N},
    {"buffered", bench_buffered, BUFFERED_N},
    {"select4", bench_select4, SELECT_N},
};
enum { NBENCH = sizeof benches / sizeof benches[0] };

/* Warm-up size: a tenth, a multiple of the spawn batch (and so of 4). */
static int64_t warm_n(int64_t n) { return n / 10 / SPAWN_BATCH * SPAWN_BATCH; }

static void run_one(const bench *b) {
    b->fn(warm_n(b->n));
    int64_t t = b->fn(b->n);
    printf("%-10s %10.1f ns/op\n", b->name, (double)t / (double)b->n);
    fflush(stdout);
}

static bool wanted(const char *name, int argc, char **argv) {
    if (argc < 2)
        return true;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return true;
    return false;
}

static int bench_main(int argc, char **argv) {
    for (int i = 0; i < NBENCH; i++)
        if (wanted(benches[i].name, argc, argv))
            run_one(&benches[i]);
    return 0;
}

GOCC_MAIN(bench_main)
