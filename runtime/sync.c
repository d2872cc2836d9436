/*
 * sync.c - gocc_mutex, gocc_waitgroup, gocc_once.
 *
 * Mutex: state word 0 free, 1 locked, 2 locked with (possible) waiters.
 * The uncontended paths are one CAS.  A contended unlock hands the mutex
 * straight to the first waiter (state stays locked), so waiters are served
 * first come first served and cannot starve; waiters queue under m->lock and
 * park with it, which the park releases once they are switched out.
 * Invariant (under m->lock): waiters non-empty implies state == 2.
 *
 * WaitGroup (after Go's): one 64-bit word holds the counter (high half)
 * and the number of waiters (low half), so Add and Done are one atomic add.
 * Waiters count themselves in with a CAS and queue, both under wg->lock;
 * the Add that brings the counter to zero with waiters takes the lock,
 * readies every queued waiter and resets the word.
 *
 * Once: a done flag read with acquire; the slow path serialises on a mutex,
 * so concurrent callers wait until fn has returned.
 */
#include "internal.h"

static inline bool cas_u32(uint32_t *p, uint32_t old, uint32_t new_) {
    return atomic_compare_exchange_strong_explicit(
        AT(p), &old, new_, memory_order_acq_rel, memory_order_relaxed);
}

static void unlock_cb(void *l) { lock_release(l); }

bool gocc_mutex_trylock(gocc_mutex *m) { return cas_u32(&m->state, 0, 1); }

void gocc_mutex_lock(gocc_mutex *m) {
    if (GOCC_LIKELY(cas_u32(&m->state, 0, 1)))
        return;
    lock_acquire(&m->lock);
    for (;;) {
        uint32_t s = load_acq(&m->state);
        if (s == 0) {
            if (cas_u32(&m->state, 0, 1)) {
                lock_release(&m->lock);
                return;
            }
        } else if (s == 2 || cas_u32(&m->state, s, 2)) {
            break;
        }
    }
    gocc_waiter w = {.g = g_self()};
    waitq_push(&m->waiters, &w);
    g_park(unlock_cb, &m->lock, WR_MUTEX);
    /* ownership was handed to us */
}

void gocc_mutex_unlock(gocc_mutex *m) {
    if (GOCC_LIKELY(cas_u32(&m->state, 1, 0)))
        return;
    lock_acquire(&m->lock);
    uint32_t s = load_acq(&m->state);
    if (s == 0) {
        lock_release(&m->lock);
        gocc_throw("sync: unlock of unlocked mutex");
    }
    gocc_waiter *w = waitq_dequeue(&m->waiters);
    if (!w) {
        store_rel(&m->state, 0);
    } else if (!m->waiters.first) {
        store_rel(&m->state, 1);
    }
    lock_release(&m->lock);
    if (w)
        g_ready(w->g, false);
}

void gocc_wg_add(gocc_waitgroup *wg, int64_t n) {
    if (n > INT32_MAX || n < INT32_MIN)
        gocc_panic("sync: WaitGroup counter overflow");
    uint64_t s = atomic_fetch_add_explicit(AT(&wg->state),
                                           (uint64_t)n << 32,
                                           memory_order_acq_rel) +
                 ((uint64_t)n << 32);
    int32_t v = (int32_t)(s >> 32);
    uint32_t w = (uint32_t)s;
    if (v < 0)
        gocc_panic("sync: negative WaitGroup counter");
    if (v > 0 || w == 0)
        return;
    /* counter reached zero with waiters: release them all */
    lock_acquire(&wg->lock);
    gocc_waiter *list = wg->waiters.first;
    wg->waiters.first = wg->waiters.last = NULL;
    store_rel(&wg->state, 0);
    lock_release(&wg->lock);
    while (list) {
        gocc_waiter *x = list;
        list = x->next;   /* read before x's goroutine can run and return */
        g_ready(x->g, false);
    }
}

void gocc_wg_done(gocc_waitgroup *wg) { gocc_wg_add(wg, -1); }

void gocc_wg_wait(gocc_waitgroup *wg) {
    if ((load_acq(&wg->state) >> 32) == 0)
        return;
    /* Count ourselves as a waiter and enqueue under the lock: an Add that
     * sees the count reach zero with waiters takes the lock too, so it
     * finds us queued. */
    lock_acquire(&wg->lock);
    uint64_t s = load_acq(&wg->state);
    for (;;) {
        if ((s >> 32) == 0) {
            lock_release(&wg->lock);
            return;
        }
        if (atomic_compare_exchange_weak_explicit(AT(&wg->state), &s, s + 1,
                                                  memory_order_acq_rel,
                                                  memory_order_acquire))
            break;
    }
    gocc_waiter w = {.g = g_self()};
    waitq_push(&wg->waiters, &w);
    g_park(unlock_cb, &wg->lock, WR_WAITGROUP);
}

void gocc_once_do(gocc_once *o, void (*fn)(void)) {
    if (load_acq(&o->done))
        return;
    gocc_mutex_lock(&o->m);
    if (!o->done) {
        fn();
        store_rel(&o->done, 1);
    }
    gocc_mutex_unlock(&o->m);
}
