/*
 * errno_migrate.c - errno is per goroutine, for test_errno.c.
 *
 *   errno_migrate migrate    (GOCC_MAXPROCS=2) several victim goroutines
 *       each set a unique errno, park on their own channel and resume,
 *       many times; a hog goroutine that finds itself on the thread a
 *       victim parked on wakes it (the victim goes to this worker's
 *       runnext) and busy-spins without yielding until the victim says it
 *       resumed, so the victim must resume on the other worker.  When the
 *       hog lands elsewhere it just wakes the victim (no forced migration:
 *       that iteration is a retry).  Prints
 *       "iterations=I migrations=M forced=F errno_bad=E stuck=S".
 *   errno_migrate isolation  (GOCC_MAXPROCS=1) two goroutines on the one
 *       thread ping-pong, each with its own errno; a goroutine started
 *       after another set errno sees 0.  Prints
 *       "pingpong_bad=B fresh_errno=V".
 *
 * errno is read and written through a volatile pointer to
 * __errno_location: NOTES.md ("Thread migration") explains that compilers
 * cache errno's address across calls, which a test must not confuse with
 * the runtime's save/restore.  pthread_self() is declared const, so it is
 * called through a volatile pointer too, or the compiler reuses the
 * thread id from before a park.
 */
#define _GNU_SOURCE
#include <gocc.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int *(*volatile errno_loc)(void) = __errno_location;
static int get_errno(void) { return *errno_loc(); }
static void set_errno(int v) { *errno_loc() = v; }
static pthread_t (*volatile self_loc)(void) = pthread_self;
static pthread_t self(void) { return self_loc(); }

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

/* ------------------------------------------------------------ migrate */

enum { NVICTIMS = 4, ITERS = 250, NOT_FORCED = 1, FORCED = 2 };

static gocc_chan(int) req;                 /* victim index, to the hog */
static gocc_chan(int) wake[NVICTIMS];      /* hog -> victim */
static gocc_chan(int) done;
static pthread_t park_thread[NVICTIMS];
static atomic_int park_seq[NVICTIMS], resumed_seq[NVICTIMS];
static atomic_int migrations, forced, errno_bad, stuck;

static void check_errno(int want) {
    if (get_errno() != want)
        atomic_fetch_add(&errno_bad, 1);
}

static void victim(void *arg) {
    int v = (int)(long)arg;
    for (int it = 0; it < ITERS; it++) {
        int val = 1000 + v * 10000 + it;   /* unique per goroutine/round */
        set_errno(val);
        gocc_send(req, v);                 /* may park */
        check_errno(val);
        park_thread[v] = self();
        atomic_store_explicit(&park_seq[v], it + 1, memory_order_release);
        int how = gocc_recv(wake[v]);      /* parks until the hog wakes us */
        check_errno(val);
        if (!pthread_equal(self(), park_thread[v]))
            atomic_fetch_add(&migrations, 1);
        if (how == FORCED)
            atomic_fetch_add(&forced, 1);
        atomic_store_explicit(&resumed_seq[v], it + 1, memory_order_release);
        gocc_yield();
        check_errno(val);
    }
    gocc_send(done, 1);
}

static void hog(void *arg) {
    (void)arg;
    int seen[NVICTIMS] = {0};
    int v;
    while (gocc_recv_ok(req, &v)) {
        /* wait (yielding: the victim may be queued on this worker) until
         * the victim has recorded its thread and is about to park */
        while (atomic_load_explicit(&park_seq[v], memory_order_acquire) ==
               seen[v])
            gocc_yield();
        int it = ++seen[v];
        /* on the victim's thread, the victim is parked in its receive: it
         * switched out of this thread, and it parks nowhere else */
        if (!pthread_equal(self(), park_thread[v]) || atomic_load(&stuck)) {
            gocc_send(wake[v], NOT_FORCED);
            continue;
        }
        gocc_send(wake[v], FORCED);   /* victim -> this worker's runnext */
        /* the idle worker must steal it; after one failure (reported as
         * stuck) stop forcing, so the run ends quickly */
        int64_t deadline = gocc_nanotime() + 2000000000LL;
        while (atomic_load_explicit(&resumed_seq[v], memory_order_acquire) <
               it) {
            if (gocc_nanotime() > deadline) {
                atomic_fetch_add(&stuck, 1);
                break;
            }
            cpu_relax();
        }
    }
}

static int migrate(void) {
    req = gocc_make(int, 0);
    done = gocc_make(int, NVICTIMS);
    for (int v = 0; v < NVICTIMS; v++)
        wake[v] = gocc_make(int, 0);
    set_errno(77);
    gocc_go(hog, NULL);
    for (long v = 0; v < NVICTIMS; v++)
        gocc_go(victim, (void *)v);
    for (int v = 0; v < NVICTIMS; v++)
        (void)gocc_recv(done);
    gocc_close(req);
    check_errno(77);   /* main's own errno survived its parks */
    printf("iterations=%d migrations=%d forced=%d errno_bad=%d stuck=%d\n",
           NVICTIMS * ITERS, atomic_load(&migrations), atomic_load(&forced),
           atomic_load(&errno_bad), atomic_load(&stuck));
    return 0;
}

/* ---------------------------------------------------------- isolation */

enum { PINGS = 1000 };

static gocc_chan(int) ping, pong, result;
static atomic_int pingpong_bad;

static void player(void *arg) {
    int me = (int)(long)arg;   /* 0: starts by sending on ping */
    for (int i = 0; i < PINGS; i++) {
        int mine = 500 + me * 100000 + i;
        set_errno(mine);
        if (me == 0) {
            gocc_send(ping, i);
            if (get_errno() != mine)
                atomic_fetch_add(&pingpong_bad, 1);
            (void)gocc_recv(pong);
        } else {
            (void)gocc_recv(ping);
            if (get_errno() != mine)
                atomic_fetch_add(&pingpong_bad, 1);
            gocc_send(pong, i);
        }
        if (get_errno() != mine)
            atomic_fetch_add(&pingpong_bad, 1);
    }
    gocc_send(result, 0);
}

static void fresh(void *arg) {
    (void)arg;
    gocc_send(result, get_errno());
}

static int isolation(void) {
    ping = gocc_make(int, 0);
    pong = gocc_make(int, 0);
    result = gocc_make(int, 2);
    gocc_go(player, (void *)0L);
    gocc_go(player, (void *)1L);
    (void)gocc_recv(result);
    (void)gocc_recv(result);
    set_errno(333);          /* then park: fresh runs on this thread */
    gocc_go(fresh, NULL);
    int seen = gocc_recv(result);
    if (get_errno() != 333)
        atomic_fetch_add(&pingpong_bad, 1);
    printf("pingpong_bad=%d fresh_errno=%d\n", atomic_load(&pingpong_bad),
           seen);
    return 0;
}

static int run(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "";
    if (!strcmp(m, "migrate"))
        return migrate();
    if (!strcmp(m, "isolation"))
        return isolation();
    fprintf(stderr, "errno_migrate: unknown case '%s'\n", m);
    return 100;
}

GOCC_MAIN(run)
