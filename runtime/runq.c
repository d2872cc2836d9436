/*
 * runq.c - run queues: each worker's lock-free ring plus runnext slot, and
 * the global queue.
 *
 * The ring (after Go's runqput/runqget/runqgrab): a single producer, the
 * owning worker, appends at tail; consumers - the owner and thieves - take
 * from head with a CAS.  Slots are atomics so that a thief's speculative
 * read of a slot the owner is rewriting is not a data race; the CAS on head
 * decides who really got it.  runnext is a one-G slot that the owner fills
 * with a G it spawns (kicking the previous one to the ring) or, if the slot
 * is free, with a G a channel operation readies, and empties before the
 * ring; thieves take it (or a lone G in the ring) only when the owner has
 * not switched for a while.
 *
 * The global queue is a mutex-protected list: new work from foreign threads,
 * yielded Gs, and the overflow of full rings.
 */
#include "internal.h"

void global_put(gocc_g *g);
static void global_put_list(gocc_g *first, gocc_g *last, int n);

static inline uint32_t ld_acq(_Atomic uint32_t *p) {
    return atomic_load_explicit(p, memory_order_acquire);
}

/* Ring full: move half of it, plus g, to the global queue in one batch.
 * Returns false if thieves raced us (the ring is no longer full). */
static bool runq_put_slow(gocc_m *m, gocc_g *g, uint32_t h, uint32_t t) {
    enum { N = RUNQ_SIZE / 2 };
    gocc_g *batch[N + 1];
    for (uint32_t i = 0; i < N; i++)
        batch[i] = atomic_load_explicit(&m->runq[(h + i) % RUNQ_SIZE],
                                        memory_order_relaxed);
    if (!atomic_compare_exchange_strong_explicit(&m->runqhead, &h, h + N,
                                                 memory_order_release,
                                                 memory_order_relaxed))
        return false;
    (void)t;
    batch[N] = g;
    for (int i = 0; i < N; i++)
        batch[i]->schedlink = batch[i + 1];
    batch[N]->schedlink = NULL;
    global_put_list(batch[0], batch[N], N + 1);
    return true;
}

/* Append g to m's queue (owner only).  next: put it in runnext, kicking the
 * previous runnext G to the tail. */
void runq_put(gocc_m *m, gocc_g *g, bool next) {
    if (next) {
        g = atomic_exchange_explicit(&m->runnext, g, memory_order_acq_rel);
        if (!g)
            return;
    }
    for (;;) {
        uint32_t h = ld_acq(&m->runqhead);
        uint32_t t = atomic_load_explicit(&m->runqtail, memory_order_relaxed);
        if (t - h < RUNQ_SIZE) {
            atomic_store_explicit(&m->runq[t % RUNQ_SIZE], g,
                                  memory_order_relaxed);
            atomic_store_explicit(&m->runqtail, t + 1, memory_order_release);
            return;
        }
        if (runq_put_slow(m, g, h, t))
            return;
    }
}

/* Put g in m's runnext if that is free, else at the ring's tail (owner
 * only).  For a G readied by a channel operation.  Unlike Go, which kicks
 * the previous runnext G to the tail, the G readied first keeps the slot:
 * in a pipeline it holds the value handed on most recently downstream,
 * and kicking it made the prime sieve (3,000 filters) switch 1.4 times a
 * message; keeping it took the sieve from 0.52 s to 0.36 s (means of 5
 * runs), and changed nothing measurable elsewhere.  Spawns still kick
 * (runq_put), as Go's newproc does: there the newest child running next
 * is what keeps skynet's tree and a spawning loop's memory small. */
void runq_put_ready(gocc_m *m, gocc_g *g) {
    gocc_g *none = NULL;
    if (!atomic_compare_exchange_strong_explicit(&m->runnext, &none, g,
                                                 memory_order_acq_rel,
                                                 memory_order_relaxed))
        runq_put(m, g, false);
}

/* Take the next G from m's queue (owner only): runnext first. */
gocc_g *runq_get(gocc_m *m) {
    gocc_g *g = atomic_load_explicit(&m->runnext, memory_order_relaxed);
    if (g && atomic_compare_exchange_strong_explicit(
                 &m->runnext, &g, NULL, memory_order_acquire,
                 memory_order_relaxed))
        return g;
    for (;;) {
        uint32_t h = ld_acq(&m->runqhead);
        uint32_t t = atomic_load_explicit(&m->runqtail, memory_order_relaxed);
        if (t == h)
            return NULL;
        g = atomic_load_explicit(&m->runq[h % RUNQ_SIZE],
                                 memory_order_relaxed);
        if (atomic_compare_exchange_strong_explicit(&m->runqhead, &h, h + 1,
                                                    memory_order_release,
                                                    memory_order_relaxed))
            return g;
    }
}

uint32_t runq_ring_len(gocc_m *m) {
    return ld_acq(&m->runqtail) - ld_acq(&m->runqhead);
}

bool runq_empty(gocc_m *m) {
    return ld_acq(&m->runqhead) == ld_acq(&m->runqtail) &&
           atomic_load(&m->runnext) == NULL;
}

/* Steal half of victim's ring into m's (which must be empty), returning one
 * G to run now; nothing if the ring holds fewer than min Gs.  (runnext is
 * taken separately, see steal_from in sched.c.) */
gocc_g *runq_steal(gocc_m *m, gocc_m *victim, uint32_t min) {
    uint32_t mt = atomic_load_explicit(&m->runqtail, memory_order_relaxed);
    for (;;) {
        uint32_t h = ld_acq(&victim->runqhead);
        uint32_t t = ld_acq(&victim->runqtail);
        uint32_t n = t - h;
        if (n < min || n == 0)
            return NULL;
        n = n - n / 2;
        if (n > RUNQ_SIZE / 2)
            continue;   /* inconsistent h/t snapshot: retry */
        for (uint32_t i = 0; i < n; i++) {
            gocc_g *g = atomic_load_explicit(
                &victim->runq[(h + i) % RUNQ_SIZE], memory_order_relaxed);
            atomic_store_explicit(&m->runq[(mt + i) % RUNQ_SIZE], g,
                                  memory_order_relaxed);
        }
        if (atomic_compare_exchange_strong_explicit(
                &victim->runqhead, &h, h + n, memory_order_acq_rel,
                memory_order_relaxed)) {
            n--;
            gocc_g *g = atomic_load_explicit(&m->runq[(mt + n) % RUNQ_SIZE],
                                             memory_order_relaxed);
            if (n)
                atomic_store_explicit(&m->runqtail, mt + n,
                                      memory_order_release);
            return g;
        }
    }
}

/* Move everything queued on victim (ring and runnext) to the global queue;
 * returns how many.  Any thread may call it: it takes from the ring as a
 * thief does (CAS on head), so victim may go on appending meanwhile.  For
 * an M whose slot was handed off (sysmon) or that comes back without one. */
int runq_drain_global(gocc_m *victim) {
    gocc_g *first = NULL, *last = NULL;
    int n = 0;
    for (;;) {
        uint32_t h = ld_acq(&victim->runqhead);
        uint32_t t = ld_acq(&victim->runqtail);
        uint32_t k = t - h;
        if (k == 0)
            break;
        if (k > RUNQ_SIZE)
            continue;   /* inconsistent h/t snapshot: retry */
        gocc_g *batch[RUNQ_SIZE];
        for (uint32_t i = 0; i < k; i++)
            batch[i] = atomic_load_explicit(&victim->runq[(h + i) % RUNQ_SIZE],
                                            memory_order_relaxed);
        if (!atomic_compare_exchange_strong_explicit(
                &victim->runqhead, &h, h + k, memory_order_acq_rel,
                memory_order_relaxed))
            continue;
        for (uint32_t i = 0; i < k; i++) {
            batch[i]->schedlink = NULL;
            if (last)
                last->schedlink = batch[i];
            else
                first = batch[i];
            last = batch[i];
        }
        n += (int)k;
    }
    gocc_g *g = atomic_exchange(&victim->runnext, NULL);
    if (g) {
        g->schedlink = NULL;
        if (last)
            last->schedlink = g;
        else
            first = g;
        last = g;
        n++;
    }
    if (n)
        global_put_list(first, last, n);
    return n;
}

/* Append the n Gs first..last (linked by schedlink, last's NULL) to the
 * global queue. */
static void global_put_list(gocc_g *first, gocc_g *last, int n) {
    lock_acquire(&sched.lock);
    if (sched.gq_tail)
        sched.gq_tail->schedlink = first;
    else
        sched.gq_head = first;
    sched.gq_tail = last;
    atomic_fetch_add(&sched.gq_size, n);
    lock_release(&sched.lock);
}

void global_put(gocc_g *g) {
    g->schedlink = NULL;
    global_put_list(g, g, 1);
}

/* Take a batch from the global queue (caller holds sched.lock): one G to
 * return, and up to max-1 more (max 0: a fair share) into m's ring. */
gocc_g *global_get_locked(gocc_m *m, int max) {
    int size = atomic_load(&sched.gq_size);
    if (size == 0)
        return NULL;
    int n = size / sched.nm + 1;
    if (n > size)
        n = size;
    if (max > 0 && n > max)
        n = max;
    if (n > RUNQ_SIZE / 2)
        n = RUNQ_SIZE / 2;
    gocc_g *g = sched.gq_head;
    sched.gq_head = g->schedlink;
    for (int i = 1; i < n; i++) {
        gocc_g *x = sched.gq_head;
        sched.gq_head = x->schedlink;
        runq_put(m, x, false);
    }
    if (!sched.gq_head)
        sched.gq_tail = NULL;
    atomic_fetch_sub(&sched.gq_size, n);
    return g;
}

gocc_g *global_get(gocc_m *m, int max) {
    lock_acquire(&sched.lock);
    gocc_g *g = global_get_locked(m, max);
    lock_release(&sched.lock);
    return g;
}
