/*
 * timer.c - timers: gocc_sleep_ms and gocc_after.
 *
 * One binary min-heap of deadlines under one lock.  Timers are not a hot
 * path; workers run due timers from their scheduler loop (every visit to
 * g0, which a busy worker makes at least every 61 switches), and idle
 * workers sleep on their futex until the earliest deadline.  Adding a timer
 * that becomes the earliest wakes an idle worker to re-arm its sleep.
 *
 * Timer callbacks run with timers.lock held (lock order: timers -> channel
 * -> sched), so a timer cannot fire while timer_del is removing it: after
 * timer_del returns, its callback has run or never will.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <stdlib.h>
#include <time.h>

static struct {
    gocc_lock_t lock;
    gocc_timer **heap;
    int n, cap;
} timers;

int64_t nanotime(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t gocc_nanotime(void) { return nanotime(); }

void timers_lock(void) { lock_acquire(&timers.lock); }
void timers_unlock(void) { lock_release(&timers.lock); }

bool timers_pending(void) { return load_relaxed(&timers.n) > 0; }

/* Around fork: hold the heap's lock so no other thread is inside it; the
 * child keeps none of the parent's timers (their goroutines do not exist
 * there). */
void timers_atfork(int phase) {
    if (phase == FORK_PREPARE) {
        lock_acquire(&timers.lock);
        return;
    }
    if (phase == FORK_CHILD) {
        for (int i = 0; i < timers.n; i++)
            timers.heap[i]->index = -1;
        timers.n = 0;
    }
    lock_release(&timers.lock);
}

int64_t timers_next(void) {
    if (!timers_pending())
        return -1;
    lock_acquire(&timers.lock);
    int64_t when = timers.n > 0 ? timers.heap[0]->when : -1;
    lock_release(&timers.lock);
    return when;
}

static void heap_set(int i, gocc_timer *t) {
    timers.heap[i] = t;
    t->index = i;
}

static void sift_up(int i) {
    gocc_timer *t = timers.heap[i];
    while (i > 0) {
        int p = (i - 1) / 2;
        if (timers.heap[p]->when <= t->when)
            break;
        heap_set(i, timers.heap[p]);
        i = p;
    }
    heap_set(i, t);
}

static void sift_down(int i) {
    gocc_timer *t = timers.heap[i];
    for (;;) {
        int c = 2 * i + 1;
        if (c >= timers.n)
            break;
        if (c + 1 < timers.n && timers.heap[c + 1]->when < timers.heap[c]->when)
            c++;
        if (t->when <= timers.heap[c]->when)
            break;
        heap_set(i, timers.heap[c]);
        i = c;
    }
    heap_set(i, t);
}

void timer_add(gocc_timer *t) {
    if (timers.n == timers.cap) {
        int cap = timers.cap ? 2 * timers.cap : 64;
        gocc_timer **h = realloc(timers.heap, (size_t)cap * sizeof *h);
        if (!h)
            gocc_throw("out of memory adding a timer");
        timers.heap = h;
        timers.cap = cap;
    }
    heap_set(timers.n, t);
    store_relaxed(&timers.n, timers.n + 1);
    sift_up(t->index);
    if (t->index == 0)
        sched_wake_for_timer();
}

bool timer_del(gocc_timer *t) {
    int i = t->index;
    if (i < 0)
        return false;
    t->index = -1;
    store_relaxed(&timers.n, timers.n - 1);
    if (i == timers.n)
        return true;
    heap_set(i, timers.heap[timers.n]);
    sift_down(i);
    sift_up(timers.heap[i]->index);
    return true;
}

int64_t timers_run(int64_t now) {
    int64_t next = -1;
    lock_acquire(&timers.lock);
    while (timers.n > 0) {
        gocc_timer *t = timers.heap[0];
        if (t->when > now) {
            next = t->when;
            break;
        }
        timer_del(t);
        t->fn(t);
    }
    lock_release(&timers.lock);
    return next;
}

/* ------------------------------------------------------------------ sleep */

static void sleep_wake(gocc_timer *t) { g_ready(t->arg, false); }

static void timers_unlock_cb(void *p) {
    (void)p;
    timers_unlock();
}

void gocc_sleep_ns(int64_t ns) {
    if (ns <= 0)
        return;
    gocc_g *g = g_current();
    if (!g) {
        struct timespec ts = {ns / 1000000000, ns % 1000000000};
        while (nanosleep(&ts, &ts) != 0)
            ;
        return;
    }
    int64_t now = nanotime();
    gocc_timer t = {.when = ns > INT64_MAX - now ? INT64_MAX : now + ns,
                    .index = -1, .fn = sleep_wake, .arg = g};
    timers_lock();
    timer_add(&t);
    g_park(timers_unlock_cb, NULL, WR_SLEEP);
}

void gocc_sleep_ms(int64_t ms) {
    if (ms > INT64_MAX / 1000000)
        ms = INT64_MAX / 1000000;
    gocc_sleep_ns(ms * 1000000);
}
