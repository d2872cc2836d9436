/*
 * sched.c - the M:N scheduler: workers, parking and readying goroutines,
 * spawning, idling, deadlock detection.
 *
 * Design (after Go's proc.go; see docs/runtime.md):
 *
 *   - GOCC_MAXPROCS workers (M), each with a lock-free ring of 256 runnable
 *     Gs (runq.c) and a runnext slot.  A G readied by a channel operation
 *     goes to runnext if it is free, so it runs next on the waker's thread:
 *     a ping-pong never leaves one thread and never touches a shared
 *     structure.  A spawned G takes runnext, kicking its occupant to the
 *     ring; a G spawned with no free stack at hand is "pending" and gets
 *     its stack when it first runs (g_materialize).
 *   - A parking G switches directly to the next G of its worker when there
 *     is one, and to the worker's scheduler context (g0) otherwise.  g0 looks
 *     at the global queue, the timers, steals from other workers, spins a
 *     bounded while, and finally sleeps on a futex until a wakeup or the
 *     next timer.
 *   - The "after switch" hand-off: a G that parks holds the lock that guards
 *     its wait queue until its registers are saved.  It stores the unlock in
 *     its M (after_fn) and whatever context runs next on that M calls
 *     post_switch() first thing, which releases it.  The same hook requeues a
 *     yielding G and recycles an exiting one.
 *   - Spinning: at most one worker is woken per new work item (wakep: only
 *     when some worker is idle and none is spinning; a G readied or spawned
 *     into runnext wakes nobody unless the ring has a stealable backlog,
 *     the watcher covers a waker that then computes).  A spinning worker
 *     that finds nothing decrements nspinning and rechecks every queue before
 *     sleeping, so no item is left behind (the Dekker pair is: producer
 *     publishes the item, fence, reads nidle/nspinning; consumer publishes
 *     nidle/nspinning, then rereads the queues; both sides seq_cst).
 *   - The poller (netpoll.c): a worker out of work polls without blocking
 *     before it steals (and a busy one at most every ms, at its every-61st
 *     visit to g0); the watcher sleeps in epoll_wait instead of its futex
 *     once the poller exists, and m_wake breaks that sleep through the
 *     poller's eventfd.
 *   - Slots (Go's P without the queue): GOCC_MAXPROCS of them; an M runs
 *     goroutines only while it holds one (nidle counts the free ones).
 *     sysmon.c hands the slot of an M stuck in one goroutine to another M
 *     (idle or new, up to GOCC_MAXTHREADS) and its queue to the global
 *     queue; the stuck M takes a slot again at its next switch, or sleeps
 *     as a spare (m_exitblocked).
 *   - Deadlock: the last worker to go idle, with empty queues and no timer,
 *     and no goroutine waiting on a descriptor,
 *     checks whether any thread outside the runtime could still act
 *     (live threads, from /proc, minus workers, minus foreign threads parked
 *     in the runtime); if none can, the program is deadlocked.
 *
 * TLS: tls_m is read only through m_current()/g_current(), non-inlined
 * behind an asm barrier, so no caller caches it across a switch.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct gocc_sched sched;

static __thread gocc_m *tls_m;
static __thread gocc_g *tls_foreign;
static __thread uint64_t tls_rng;
static pthread_key_t foreign_key;
static pthread_once_t start_once = PTHREAD_ONCE_INIT;

/* runq.c */
void runq_put(gocc_m *m, gocc_g *g, bool next);
void runq_put_ready(gocc_m *m, gocc_g *g);
gocc_g *runq_get(gocc_m *m);
bool runq_empty(gocc_m *m);
uint32_t runq_ring_len(gocc_m *m);
gocc_g *runq_steal(gocc_m *m, gocc_m *victim, uint32_t min);
void global_put(gocc_g *g);
gocc_g *global_get(gocc_m *m, int max);
gocc_g *global_get_locked(gocc_m *m, int max);
int runq_drain_global(gocc_m *victim);

/* Steal from a busy worker only when it has this many Gs queued. */
#define STEAL_MIN 4
/* spawn yields once its worker has this many goroutines queued */
#define SPAWN_BACKLOG (RUNQ_SIZE / 2)

/* ------------------------------------------------------------ errno, TLS */

/* errno through a volatile function pointer: every access is a fresh call
 * of __errno_location() on the current thread (NOTES.md: compilers cache
 * the address otherwise). */
static int *(*volatile errno_loc)(void) = __errno_location;
int *gocc_errno_location(void) { return errno_loc(); }
int gocc_errno_get(void) { return *errno_loc(); }
void gocc_errno_set(int v) { *errno_loc() = v; }

GOCC_NOINLINE gocc_m *m_current(void) {
    gocc_m *m = tls_m;
    __asm__ volatile("" : "+r"(m));
    return m;
}

GOCC_NOINLINE gocc_g *g_current(void) {
    gocc_m *m = tls_m;
    __asm__ volatile("" : "+r"(m));
    return m ? m->curg : NULL;
}

static void foreign_destroy(void *p) { free(p); }

static pthread_once_t foreign_key_once = PTHREAD_ONCE_INIT;
static void foreign_key_create(void) {
    pthread_key_create(&foreign_key, foreign_destroy);
}

static gocc_g *foreign_g(void) {
    gocc_g *g = tls_foreign;
    if (!g) {
        pthread_once(&foreign_key_once, foreign_key_create);
        g = calloc(1, sizeof *g);
        if (!g)
            gocc_throw("out of memory");
        g->kind = G_FOREIGN;
        g->id = 0;
        tls_foreign = g;
        pthread_setspecific(foreign_key, g);
    }
    return g;
}

gocc_g *g_self(void) {
    gocc_g *g = g_current();
    return g ? g : foreign_g();
}

int64_t gocc_goid(void) {
    gocc_g *g = g_current();
    return g ? g->id : 0;
}

int gocc_maxprocs(void) {
    sched_ensure_started();
    return sched.nm;
}

/* ------------------------------------------------------------------ random */

static uint64_t rng_next(uint64_t *s) {
    /* wyrand */
    *s += 0xa0761d6478bd642full;
    __uint128_t t = (__uint128_t)*s * (*s ^ 0xe7037ed1a0b428dbull);
    return (uint64_t)(t >> 64) ^ (uint64_t)t;
}

uint32_t sched_rand(void) {
    gocc_m *m = m_current();
    if (m)
        return (uint32_t)rng_next(&m->rng);
    if (!tls_rng)
        tls_rng = sched.seed ^ (uint64_t)(uintptr_t)&tls_rng ^
                  (uint64_t)nanotime();
    return (uint32_t)rng_next(&tls_rng);
}

/* ------------------------------------------------------------ switching */

static void wakep(void);
static inline bool g_is_pending(gocc_g *g);
static gocc_g *g_materialize(gocc_m *m, gocc_g *p);

/* Finish what the context that switched to us left pending on m.  Must run
 * first thing after every resume, before any lock is taken. */
static void post_switch(gocc_m *m) {
    if (m->after_fn) {
        void (*f)(void *) = m->after_fn;
        m->after_fn = NULL;
        f(m->after_arg);
    }
    if (m->after_g) {
        gocc_g *g = m->after_g;
        m->after_g = NULL;
        global_put(g);
        wakep();
    }
    if (m->dead_g) {
        gocc_g *g = m->dead_g;
        m->dead_g = NULL;
        stack_free_g(m, g);
    }
}

static void switch_ctx(gocc_g *from, gocc_g *to, bool dying) {
    fiber_start_switch(from, to, dying);
    gocc_ctx_switch(&from->ctx, &to->ctx);
    fiber_finish_switch(from);
}

/* Switch away from the running G g on m: to the next local G if there is
 * one (and this is not the periodic visit to g0), else to g0. */
static void switch_out(gocc_m *m, gocc_g *g, bool dying) {
    gocc_g *next = NULL;
    stack_check(g);
    uint32_t tick = m->schedtick + 1;
    store_relaxed(&m->schedtick, tick);
    /* A blocked M (its slot handed off by sysmon) finds out on g0, at
     * the latest 61 switches on: sysmon emptied its queue, so until then
     * it runs only what its own goroutines ready (a check here cost every
     * switch 3 instructions, 1% of a ping-pong). */
    if (tick % 61 != 0)
        next = runq_get(m);
    if (next && GOCC_UNLIKELY(g_is_pending(next))) {
        if (m->gfree) {
            next = g_materialize(m, next);
        } else {
            /* A fresh stack takes system calls, and g may hold a channel
             * lock until post_switch: make the stack on g0, after the
             * lock is released (100,000 goroutines parking on one channel
             * from two workers spent 10% in that lock).  Back into
             * runnext, where it came from or where the ring's head would
             * have been taken next anyway. */
            runq_put(m, next, true);
            next = NULL;
        }
    }
    if (!next)
        next = &m->g0;
    else
        next->m = m;
    m->curg = next == &m->g0 ? NULL : next;
    switch_ctx(g, next, dying);
}

/* Switch the running G g away from m (its after_* hand-off already set)
 * and return when something resumes it, on whatever worker: finish that
 * worker's hand-off, and carry g's errno across. */
static inline void switch_away(gocc_m *m, gocc_g *g) {
    g->saved_errno = *m->errno_p;
    switch_out(m, g, false);
    m = g->m;                   /* perhaps another worker now */
    post_switch(m);
    *m->errno_p = g->saved_errno;
}

void g_park(void (*unlockf)(void *), void *arg, int reason) {
    gocc_g *g = g_current();
    if (!g) {
        /* a foreign thread blocks as a whole; the workers must exist, to
         * run what could wake it or else to report the deadlock */
        sched_ensure_started();
        gocc_g *fg = foreign_g();
        store_relaxed(&fg->park_word, 1);
        atomic_fetch_add(&sched.foreign_parked, 1);
        if (unlockf)
            unlockf(arg);
        if (atomic_load(&sched.nidle) == sched.nm)
            sched_wake_idle();  /* let an idle worker re-check for deadlock */
        while (load_acq(&fg->park_word) == 1)
            futex_wait(&fg->park_word, 1, -1);
        return;   /* the waker took us off foreign_parked */
    }
#ifdef GOCC_DEBUG
    /* before unlockf can run (after the switch): no waker sees g earlier */
    atomic_store(&g->dbg_waiting, 1);
#endif
    gocc_m *m = g->m;
    m->after_fn = unlockf;
    m->after_arg = arg;
    g->wait_reason = (uint8_t)reason;
    g->wait_since = traceback_now();
    switch_away(m, g);
    /* wait_reason is left as it was: a dump tells a running goroutine by
     * its worker's curg, not by its reason */
}

/* Start loading what resuming g will touch: its G and the frames its
 * context switch, g_park and the channel operation pop on the way back.
 * g_ready(next) runs a whole channel operation (the waker's own receive or
 * send, then its park) before g resumes on this worker; with many
 * goroutines (3,000 in the prime sieve) g's lines have left the L1 and
 * often the L2 by then; loading them during that work instead of at the
 * switch took the sieve from 0.70 s to 0.65 s (means of 8 runs). */
static inline void g_prefetch(gocc_g *g) {
    __builtin_prefetch(g, 1);
#ifndef GOCC_CONTEXT_UCONTEXT
    char *sp = g->ctx.sp;
    if (sp)
        for (int i = 0; i < 6; i++)
            __builtin_prefetch(sp + 64 * i);
#endif
}

void g_ready(gocc_g *g, bool next) {
#ifdef GOCC_DEBUG
    /* only a waiting goroutine may be readied, and only once: a second
     * ready would run it on two threads at once */
    if (g->kind == G_FOREIGN ? load_acq(&g->park_word) != 1
                             : atomic_exchange(&g->dbg_waiting, 0) != 1)
        gocc_throw("bad g->status in ready");
#endif
    if (g->kind == G_FOREIGN) {
        /* The waker, not the woken thread, leaves foreign_parked: between
         * the wake and the thread running again the deadlock check must
         * already count it as able to act. */
        atomic_fetch_sub(&sched.foreign_parked, 1);
        store_rel(&g->park_word, 0);
        /* the thread may already have seen 0, returned and exited, freeing
         * g: FUTEX_WAKE on that address reads no memory, and a spurious
         * wake of whatever waits there now is harmless (every futex wait
         * here rechecks its condition) */
        futex_wake(&g->park_word, 1);
        return;
    }
    g->wait_reason = WR_RUNNABLE;  /* dumps: readied, not yet running */
    gocc_m *m = m_current();
    if (!m) {
        global_put(g);
        wakep();
        return;
    }
    if (next) {
        g_prefetch(g);          /* before g is published to thieves */
        runq_put_ready(m, g);
    } else {
        runq_put(m, g, false);
    }
    /* A G readied by a channel operation runs on this worker as soon as the
     * waker blocks, which in a channel exchange is within ~100 ns; and a
     * thief would not take it, nor the few that found runnext taken and
     * went to the ring, from a busy worker (steal_from).  Waking a worker for
     * them costs the waker a futex syscall and the woken worker a useless
     * spin.  If the waker keeps computing instead, the watcher
     * (find_runnable) takes them within ~1 ms.  A real backlog is worth a
     * wakeup. */
    if (!next || runq_ring_len(m) >= STEAL_MIN)
        wakep();
}

void gocc_yield(void) {
    gocc_g *g = g_current();
    if (!g) {
        sched_yield();
        return;
    }
    gocc_m *m = g->m;
    m->after_g = g;
    switch_away(m, g);
}

/* ------------------------------------------------------------- goroutines */

_Noreturn static void g_exit(gocc_g *g) {
    gocc_m *m = g->m;
    g->live = false;
    m->dead_g = g;
    switch_out(m, g, true);
    __builtin_unreachable();
}

static void g_entry(void *p) {
    gocc_g *g = p;
    fiber_finish_switch(g);
    post_switch(g->m);
    gocc_errno_set(0);   /* not the errno of whatever ran before on this thread */
    g->fn(g->arg);
    g_exit(g);
}

/* An argument block too big for the goroutine's stack: a heap copy with
 * the function in front, freed when the function returns. */
typedef struct heap_arg {
    void (*fn)(void *);
    _Alignas(16) unsigned char data[];
} heap_arg;

static void heap_entry(void *p) {
    heap_arg *h = p;
    h->fn(h->data);
    free(h);
}

/* Give g a stack and a context that enters g_entry with the argument
 * block (copied to the stack top when argsize > 0). */
static void g_prepare(gocc_g *g, void (*fn)(void *), const void *arg,
                      size_t argsize) {
    fiber_create(g);   /* first: under ASan it unpoisons the reused stack */
    char *top = g->stack_hi;
    g->fn = fn;
    if (argsize) {
        top -= (argsize + 15) & ~(size_t)15;
        memcpy(top, arg, argsize);
        g->arg = top;
    } else {
        g->arg = (void *)arg;
    }
    g->saved_errno = 0;
    g->live = true;
    g->wait_reason = WR_RUNNABLE;   /* dumps show no wait time for it */
    gocc_ctx_make(&g->ctx, g->stack_lo, top, g_entry, g);
}

/* A pending G: a goroutine spawned while its worker had no free stack at
 * hand.  It waits in the run queues as a small heap block (a G with no
 * stack, its argument block after it) and gets a stack from
 * g_materialize when it first runs.  A fresh stack costs ~6 us here
 * (populating its top page, then the first touch: stack.c) and a resident
 * page; a program that spawns far ahead of what runs (skynet's tree, a
 * spawning loop) would otherwise hold a page for every goroutine not yet
 * started. */
typedef struct pending_g {
    gocc_g g;                   /* stack_hi == NULL marks it pending */
    _Alignas(16) unsigned char data[];
} pending_g;

static inline bool g_is_pending(gocc_g *g) { return g->stack_hi == NULL; }

/* Turn pending p into a runnable G with a stack; frees p.  Runs on the
 * worker that is about to switch to it. */
static GOCC_NOINLINE gocc_g *g_materialize(gocc_m *m, gocc_g *p) {
    pending_g *pg = (pending_g *)p;
    gocc_g *g = stack_alloc_g(m);
    g->id = p->id;
    g->created_pc = p->created_pc;
    g->parent_id = p->parent_id;
    g_prepare(g, p->fn, p->argsize ? (void *)pg->data : p->arg, p->argsize);
    free(pg);
    return g;
}

static void spawn(void (*fn)(void *), const void *arg, size_t size,
                  bool copy, void *pc) {
    if (copy && size > GOCC_GO_COPY_MAX) {
        heap_arg *h = malloc(sizeof *h + size);
        if (!h)
            gocc_panic("gocc_go_copy: out of memory for %zu bytes", size);
        h->fn = fn;
        memcpy(h->data, arg, size);
        fn = heap_entry;
        arg = h;
        copy = false;
    }
    size_t argsize = copy ? size : 0;
    sched_ensure_started();
    gocc_m *m = m_current();
    gocc_g *g;
    if (m && m->gfree) {
        g = stack_alloc_g(m);           /* a warm stack: use it now */
        g_prepare(g, fn, arg, argsize);
    } else {
        pending_g *pg = malloc(sizeof *pg + argsize);
        if (!pg)
            gocc_throw("out of memory spawning a goroutine");
        memset(&pg->g, 0, sizeof pg->g);
        pg->g.kind = G_GOROUTINE;
        pg->g.fn = fn;
        pg->g.arg = (void *)arg;
        pg->g.argsize = argsize;
        if (argsize)
            memcpy(pg->data, arg, argsize);
        g = &pg->g;
    }
    g->id = atomic_fetch_add(&sched.next_goid, 1);
    g->created_pc = pc;
    gocc_g *parent = g_current();
    g->parent_id = parent ? parent->id : 0;
    if (!m) {
        global_put(g);
        wakep();
        return;
    }
    /* As Go's newproc: the child takes runnext (it runs when the spawner
     * blocks, while its arguments are still in cache), kicking the previous
     * occupant into the ring. */
    runq_put(m, g, true);
    /* Wake another worker only for a backlog, as g_ready does: the child
     * in runnext runs here as soon as the spawner blocks, and a woken
     * worker would find nothing it may steal (100,000 spawns that park at
     * once made 88,000 futex wakeups that way).  A spawner that computes
     * instead is found by the watcher within ~1 ms. */
    if (runq_ring_len(m) >= STEAL_MIN)
        wakep();
    /* Nothing preempts a goroutine here, so one that spawns in a loop
     * would queue every child before any ran.  Once this worker's ring
     * holds SPAWN_BACKLOG goroutines, the spawner yields and lets them
     * run: memory stays bounded, and the reused stacks stay in cache.
     * This makes `go` a switch point (documented in gocc.h): a spawner
     * may resume on another thread, and must not hold a pthread mutex
     * its children take. */
    if (GOCC_UNLIKELY(runq_ring_len(m) >= SPAWN_BACKLOG) && g_current())
        gocc_yield();
}

void gocc_go(void (*fn)(void *), void *arg) {
    spawn(fn, arg, 0, false, __builtin_return_address(0));
}

void gocc_go_copy(void (*fn)(void *), const void *arg, size_t size) {
    spawn(fn, arg, size, true, __builtin_return_address(0));
}

/* ------------------------------------------------------------ idle workers */

/* Wake m from its idle futex sleep (or make its next sleep return at
 * once). */
static void m_wake(gocc_m *m) {
    /* Dekker with m_sleep: we publish the word, then look whether m sleeps
     * in the poller; m publishes that, then looks at the word. */
    atomic_store(AT(&m->sleep_word), 1);
    if (atomic_load(&sched.poll_m) == m)
        netpoll_break();
    else
        futex_wake(&m->sleep_word, 1);
}

/* Sleep until m_wake(m) or timeout (ns, -1: none).  The watcher sleeps in
 * the poller once it exists, so that descriptor events wake it and it
 * readies their goroutines (on m's own queue: m runs them when it comes
 * back from idling). */
static void m_sleep(gocc_m *m, int64_t timeout, bool watcher) {
    if (watcher && netpoll_inited()) {
        atomic_store(&sched.poll_m, m);
        if (atomic_load(AT(&m->sleep_word)) == 0)
            netpoll(timeout);
        store_relaxed(&sched.last_poll, nanotime());
        atomic_store(&sched.poll_m, NULL);
        return;
    }
    futex_wait(&m->sleep_word, 0, timeout);
}

/* A non-blocking look at the poller, when goroutines wait on descriptors
 * and no worker sleeps in it: their Gs go on the calling worker's queue.
 * True if any. */
static bool poll_now(void) {
    if (!netpoll_waiting() || atomic_load(&sched.poll_m))
        return false;
    store_relaxed(&sched.last_poll, nanotime());
    return netpoll(0) > 0;
}

static void m_spawn(bool spinning);

/* Take a free slot (caller holds sched.lock, and has seen nidle > 0).
 * True if every slot was free before: then, once the lock is released,
 * sysmon must be woken (sysmon_wake), as it sleeps while all are free. */
static bool slot_take_locked(void) {
    return atomic_fetch_sub(&sched.nidle, 1) == sched.nm;
}

/* Take a free slot for the caller, release sched.lock, wake sysmon if it
 * was the first slot taken. */
static void slot_take_unlock(void) {
    bool all_idle = slot_take_locked();
    lock_release(&sched.lock);
    if (all_idle)
        sysmon_wake();
}

/* Take a free slot and give it to an idle M (not the watcher, if another
 * is idle), waking it, or to a new M if none is idle (after a handoff:
 * every M runs or is blocked).  spinning: the M starts as a spinner (the
 * caller has counted it in nspinning).  False if no slot is free. */
static bool wake_one(bool spinning) {
    lock_acquire(&sched.lock);
    if (atomic_load(&sched.nidle) == 0) {
        lock_release(&sched.lock);
        return false;
    }
    /* not the watcher, if another is idle: it keeps watching the timers */
    gocc_m **pp = &sched.idle_ms;
    if (*pp && *pp == atomic_load(&sched.watcher) && (*pp)->idle_next)
        pp = &(*pp)->idle_next;
    gocc_m *m = *pp;
    if (m) {
        *pp = m->idle_next;
        atomic_store_explicit(&m->idle, false, memory_order_relaxed);
        m->spinning = spinning;
    }
    bool all_idle = slot_take_locked();
    lock_release(&sched.lock);
    if (all_idle)
        sysmon_wake();
    if (!m) {
        m_spawn(spinning);
        return true;
    }
    m_wake(m);
    /* Every worker was idle, so the watcher may be asleep until a far
     * timer (its 1 ms limit applies only while some worker is busy): wake
     * it to re-arm, or a goroutine this worker readies and then sits on
     * while computing (a spawn, a channel hand-off: neither wakes anyone
     * for one G) would wait for that timer. */
    gocc_m *w = atomic_load(&sched.watcher);
    if (all_idle && w && w != m)
        m_wake(w);
    return true;
}

/* m is on the idle list and woke up (a timeout, a spurious wake): leave
 * the list with a free slot, or, if none is free (another M took the one
 * m left), sleep on until wake_one hands m one. */
static void m_unidle(gocc_m *m) {
    for (;;) {
        sched_apply_sigmask(m);
        lock_acquire(&sched.lock);
        if (!atomic_load_explicit(&m->idle, memory_order_relaxed)) {
            lock_release(&sched.lock);   /* wake_one gave us a slot */
            return;
        }
        int free = atomic_load(&sched.nidle);
        if (free > 0) {
            gocc_m **pp = &sched.idle_ms;
            while (*pp != m)
                pp = &(*pp)->idle_next;
            *pp = m->idle_next;
            atomic_store_explicit(&m->idle, false, memory_order_relaxed);
            slot_take_unlock();
            return;
        }
        /* reset under the lock: a wake_one after it sets the word again */
        store_relaxed(&m->sleep_word, 0);
        lock_release(&sched.lock);
        /* what the poller or the timers readied onto m while it watched
         * goes to an M with a slot */
        if (runq_drain_global(m))
            wakep();
        futex_wait(&m->sleep_word, 0, -1);
    }
}

/* m comes back to the scheduler after sysmon handed its slot to another
 * M: it takes a free slot if there is one; else its queue goes to the
 * global queue (the Ms with slots run it) and m sleeps on the idle list,
 * a spare, until wake_one gives it a slot (Go's exitsyscall: no P, so
 * the G goes to the global queue and the M stops). */
static GOCC_NOINLINE void m_exitblocked(gocc_m *m) {
    lock_acquire(&sched.lock);
    atomic_store_explicit(&m->blocked, false, memory_order_relaxed);
    atomic_fetch_sub(&sched.nblocked, 1);
    if (atomic_load(&sched.nidle) > 0) {
        slot_take_unlock();
        return;
    }
    /* on the idle list without a slot: m_unidle hands its queue to the
     * global queue and sleeps until a slot is free or given */
    atomic_store_explicit(&m->idle, true, memory_order_relaxed);
    m->idle_next = sched.idle_ms;
    sched.idle_ms = m;
    bool was_spinning = m->spinning;
    m->spinning = false;
    lock_release(&sched.lock);
    if (was_spinning)
        atomic_fetch_sub(&sched.nspinning, 1);
    m_unidle(m);
}

/* sysmon: give m's slot to another M, and m's queue to the global queue,
 * if m is still running the goroutine it ran at tick (it has not come
 * back to the scheduler since) and holds a slot. */
bool sched_handoff(gocc_m *m, uint32_t tick) {
    lock_acquire(&sched.lock);
    if (atomic_load_explicit(&m->idle, memory_order_relaxed) ||
        atomic_load_explicit(&m->blocked, memory_order_relaxed) ||
        load_relaxed(&m->schedtick) != tick) {
        lock_release(&sched.lock);
        return false;
    }
    atomic_store_explicit(&m->blocked, true, memory_order_relaxed);
    atomic_fetch_add(&sched.nblocked, 1);
    atomic_fetch_add(&sched.nidle, 1);
    lock_release(&sched.lock);
    runq_drain_global(m);
    wake_one(false);
    return true;
}

/* Does anything wait that a worker must run: Gs queued on m or the global
 * queue, a due timer, goroutines parked on descriptors that no worker has
 * polled for in the last millisecond (a timer due later, or a descriptor
 * a worker watches, needs nobody now)? */
bool sched_work_waits(gocc_m *m, int64_t now) {
    if (!runq_empty(m) || atomic_load(&sched.gq_size) > 0)
        return true;
    int64_t next = timers_next();
    if (next >= 0 && next <= now)
        return true;
    return netpoll_waiting() && !atomic_load(&sched.poll_m) &&
           now - load_relaxed(&sched.last_poll) > 1000000;
}

/* There is new work: make sure some worker will look for it. */
static void wakep(void) {
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load(&sched.nidle) == 0 || atomic_load(&sched.nspinning) != 0)
        return;
    int z = 0;
    if (!atomic_compare_exchange_strong(&sched.nspinning, &z, 1))
        return;
    if (!wake_one(true))
        atomic_fetch_sub(&sched.nspinning, 1);
}

void sched_wake_idle(void) { wake_one(false); }

void sched_wake_all_idle(void) {
    int n = atomic_load_explicit(&sched.nthreads, memory_order_acquire);
    gocc_m **list = malloc((size_t)n * sizeof *list);
    if (!list)
        return;
    int k = 0;
    lock_acquire(&sched.lock);
    for (gocc_m *m = sched.idle_ms; m && k < n; m = m->idle_next)
        list[k++] = m;
    lock_release(&sched.lock);
    /* an M that left the idle list meanwhile just sleeps once for nothing
     * less: its next sleep returns at once */
    for (int i = 0; i < k; i++)
        m_wake(list[i]);
    free(list);
}

/* A timer became the earliest (caller holds the timers lock): the watcher
 * must re-arm its sleep; with no watcher, an idle worker becomes one.  A
 * wake that reaches the watcher after it woke anyway is a harmless
 * spurious return from its next sleep. */
void sched_wake_for_timer(void) {
    gocc_m *w = atomic_load(&sched.watcher);
    if (w) {
        m_wake(w);
    } else if (atomic_load(&sched.nidle) > 0) {
        wake_one(false);
    }
}

/* A spinning worker found work: stop spinning, and if it was the last
 * spinner, wake another so that remaining work keeps being looked for. */
static void reset_spinning(gocc_m *m) {
    if (!m->spinning)
        return;
    m->spinning = false;
    if (atomic_fetch_sub(&sched.nspinning, 1) == 1)
        wakep();
}

static int count_threads(void) {
    FILE *f = fopen("/proc/self/stat", "r");
    if (!f)
        return -1;
    char buf[1024];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    /* fields after the command: state ppid pgrp session tty_nr tpgid flags
     * minflt cminflt majflt cmajflt utime stime cutime cstime priority nice
     * num_threads */
    int field = 2;
    for (p++; *p && field < 20; p++)
        if (*p == ' ')
            field++;
    return atoi(p);
}

/* Could a thread outside the runtime still wake a goroutine?  Every live
 * thread that is not a worker, not a tool's helper, and not blocked in the
 * runtime might. */
static bool foreign_could_act(void) {
    if (!atomic_load_explicit(&sched.started, memory_order_acquire))
        return true;   /* still starting: sys_threads not known yet */
    int n = count_threads();
    if (n < 0)
        return false;
    /* fewer threads than our own workers: the count is not real (qemu-user
     * fakes /proc/self/stat with 0); never report a deadlock on it */
    int ours = atomic_load(&sched.nthreads) + sched.nsysmon;
    if (n < ours)
        return true;
    return n - sched.sys_threads - ours -
               atomic_load(&sched.foreign_parked) > 0;
}

/* Does some worker hold enough queued Gs that a thief may take them
 * (STEAL_MIN or more in its ring)? */
static bool stealable_backlog(void) {
    int n = atomic_load_explicit(&sched.nthreads, memory_order_acquire);
    for (int i = 0; i < n; i++) {
        if (runq_ring_len(sched.ms[i]) >= STEAL_MIN)
            return true;
    }
    return false;
}

static bool all_runqs_empty(void) {
    int n = atomic_load_explicit(&sched.nthreads, memory_order_acquire);
    for (int i = 0; i < n; i++)
        if (!runq_empty(sched.ms[i]))
            return false;
    return true;
}

/* Has worker v gone ~3 us without switching?  A worker in a channel
 * exchange switches every ~100 ns and will run its queued Gs itself within
 * microseconds; one stuck in a long computation will not.  Waits without
 * touching v's cache lines, which v is busy writing.  (Go waits ~3 us the
 * same way before stealing runnext.) */
static bool worker_stuck(gocc_m *v) {
    uint32_t tick = load_relaxed(&v->schedtick);
    int64_t t0 = nanotime();
    while (nanotime() - t0 < 3000)
        ;
    return load_relaxed(&v->schedtick) == tick;
}

/* Steal from v.  From a busy worker, only when it has a real backlog
 * (STEAL_MIN Gs or more in its ring); a few Gs, or the one in runnext, only
 * from a stuck worker.  Taking them from a busy one moves chatty goroutines
 * to another core on every exchange, and their G, stack and channels with
 * them: a select over 4 producers ran 4x slower on 2 workers that way. */
static gocc_g *steal_from(gocc_m *m, gocc_m *v, bool last_pass) {
    gocc_g *g = runq_steal(m, v, STEAL_MIN);
    if (g || !last_pass)
        return g;
    if (!atomic_load(&v->runnext) && runq_empty(v))
        return NULL;
    if (!worker_stuck(v))
        return NULL;
    if ((g = runq_steal(m, v, 1)))
        return g;
    g = atomic_load(&v->runnext);
    if (g && atomic_compare_exchange_strong(&v->runnext, &g, NULL))
        return g;
    return NULL;
}

static gocc_g *steal_work(gocc_m *m) {
    int n = atomic_load_explicit(&sched.nthreads, memory_order_acquire);
    for (int pass = 0; pass < 4; pass++) {
        uint32_t start = (uint32_t)rng_next(&m->rng) % (uint32_t)n;
        for (int i = 0; i < n; i++) {
            gocc_m *v = sched.ms[(start + (uint32_t)i) % (uint32_t)n];
            if (v == m)
                continue;
            gocc_g *g = steal_from(m, v, pass == 3);
            if (g)
                return g;
        }
    }
    return NULL;
}

/* Find a G to run on m; sleeps while there is none.  Runs on g0. */
static gocc_g *find_runnable(gocc_m *m) {
    for (;;) {
        gocc_g *g;
        if (GOCC_UNLIKELY(atomic_load_explicit(&m->blocked,
                                               memory_order_relaxed)))
            m_exitblocked(m);
        sched_apply_sigmask(m);
        /* due timers first: a busy worker comes here at least every 61
         * switches, and an idle one sleeps only until the next deadline */
        if (timers_pending())
            timers_run(nanotime());
        if (m->schedtick % 61 == 0) {
            /* Fairness, every 61st switch.  A ping-pong refills runnext
             * forever, so its G goes to the ring's tail and the ring's head
             * runs next; and one G from the global queue goes first. */
            if ((g = atomic_exchange(&m->runnext, NULL)))
                runq_put(m, g, false);
            if (atomic_load(&sched.gq_size) > 0 && (g = global_get(m, 1)))
                return g;
            /* and the poller, at most every ms, in case every worker
             * stays busy (Go's sysmon polls every 10 ms) */
            if (netpoll_waiting() &&
                nanotime() - load_relaxed(&sched.last_poll) > 1000000)
                poll_now();
        }
        if ((g = runq_get(m)))
            return g;
        if (atomic_load(&sched.gq_size) > 0 && (g = global_get(m, 0)))
            return g;
        /* descriptors ready for goroutines parked on them (Go's
         * findrunnable does this before stealing) */
        if (poll_now() && (g = runq_get(m)))
            return g;
        /* spin: steal from other workers */
        if (!m->spinning && sched.nm > 1 &&
            2 * atomic_load(&sched.nspinning) <
                sched.nm - atomic_load(&sched.nidle)) {
            m->spinning = true;
            atomic_fetch_add(&sched.nspinning, 1);
        }
        if (m->spinning) {
            /* spin ~30 us: a futex wake costs the waker microseconds, so a
             * spinner that stays around a little absorbs bursts of work.
             * The watcher's periodic look (below) makes one pass only. */
            int64_t t0 = nanotime(), spin = m->polled ? 0 : 30000;
            m->polled = false;
            do {
                if ((g = steal_work(m)))
                    return g;
                if (atomic_load(&sched.gq_size) > 0 &&
                    (g = global_get(m, 0)))
                    return g;
            } while (nanotime() - t0 < spin);
        }
        /* nothing: go idle */
        lock_acquire(&sched.lock);
        if (atomic_load(&sched.gq_size) > 0) {
            g = global_get_locked(m, 0);
            lock_release(&sched.lock);
            if (g)
                return g;
            continue;
        }
        store_relaxed(&m->sleep_word, 0);
        atomic_store_explicit(&m->idle, true, memory_order_relaxed);
        m->idle_next = sched.idle_ms;
        sched.idle_ms = m;
        int nidle = atomic_fetch_add(&sched.nidle, 1) + 1;
        bool was_spinning = m->spinning;
        m->spinning = false;
        lock_release(&sched.lock);
        if (was_spinning)
            atomic_fetch_sub(&sched.nspinning, 1);
        atomic_thread_fence(memory_order_seq_cst);

        int64_t timeout = -1;
        /* after leaving the spinners, look again at every queue: a
         * producer that saw us spinning did not wake anyone */
        bool recheck = stealable_backlog() || atomic_load(&sched.gq_size) > 0;
        /* The watcher: one idle worker sleeps with a timeout, until the
         * next timer and, while some worker is busy, at most 1 ms, to find
         * a worker stuck in a computation with Gs queued (a lone runnext G
         * wakes nobody, see g_ready; a few ring Gs are stolen only from a
         * stuck worker, see steal_from).  The other idle workers sleep
         * until woken, so a timer's expiry wakes one worker, not all.  The
         * role is taken before the timers are read: a timer added after
         * that read wakes the watcher (sched_wake_for_timer). */
        bool watcher = false;
        if (!recheck) {
            gocc_m *none = NULL;
            watcher = atomic_compare_exchange_strong(&sched.watcher, &none, m);
            int64_t next = timers_run(nanotime());
            if (!runq_empty(m)) {
                recheck = true;
            } else if (watcher) {
                if (next >= 0) {
                    timeout = next - nanotime();
                    if (timeout < 0)
                        timeout = 0;
                }
                if (nidle < sched.nm && (timeout < 0 || timeout > 1000000))
                    timeout = 1000000;
            }
            if (recheck || timeout >= 0 || netpoll_waiting()) {
                /* not idle for good: goroutines wait on descriptors, and
                 * the watcher sleeps in the poller */
            } else if (nidle == sched.nm &&
                       atomic_load(&sched.gq_size) == 0) {
                if (!foreign_could_act() &&
                    atomic_load(&sched.nblocked) == 0 && all_runqs_empty() &&
                    atomic_load(&sched.nidle) == sched.nm &&
                    !timers_pending() && !netpoll_waiting())
                    gocc_fatal_deadlock();
                timeout = 50 * 1000 * 1000;  /* poll the foreign threads */
            }
        }
        if (!recheck) {
            m_sleep(m, timeout, watcher);
            traceback_clock_set(nanotime());   /* sysmon may still sleep */
        }
        if (watcher) {
            atomic_store(&sched.watcher, NULL);
            m->polled = true;
            m->was_watcher = true;   /* hand the role on if we find work */
        }
        /* a timeout, or we take ourselves back: with a slot, or not at
         * all until one is free */
        m_unidle(m);
    }
}

static void schedule(gocc_m *m) {
    for (;;) {
        post_switch(m);
        gocc_g *g = find_runnable(m);
        if (GOCC_UNLIKELY(atomic_load_explicit(&m->blocked,
                                               memory_order_relaxed))) {
            /* sysmon gave our slot away while we searched (a slow
             * timer callback or poll): g is not ours to run */
            global_put(g);
            continue;
        }
        /* whatever the source of g, this worker is no longer looking for
         * work: let wakep wake another if more is queued */
        reset_spinning(m);
        /* a watcher that found work leaves the role vacant while other
         * workers may sleep without a timeout: wake one to take it */
        if (m->was_watcher) {
            m->was_watcher = false;
            if (!atomic_load(&sched.watcher) && atomic_load(&sched.nidle) > 0)
                sched_wake_idle();
        }
        store_relaxed(&m->schedtick, m->schedtick + 1);
        if (GOCC_UNLIKELY(g_is_pending(g)))
            g = g_materialize(m, g);
        g->m = m;
        m->curg = g;
        switch_ctx(&m->g0, g, false);
        m->curg = NULL;
    }
}

/* -------------------------------------------------------------- start-up */

static void m_init(gocc_m *m, int id) {
    memset(m, 0, sizeof *m);
    m->id = id;
    m->g0.kind = G_G0;
    m->g0.m = m;
    m->rng = sched.seed * 0x9e3779b97f4a7c15ull + (uint64_t)id + 1;
}

static void m_thread_setup(gocc_m *m) {
    tls_m = m;
    store_relaxed(&m->tid, (int)syscall(SYS_gettid));
    /* a worker is one thread for life: its errno's address is fixed, and
     * a G saves and restores errno across a park through the worker it
     * is on at that moment (g->m, read afresh after the switch) */
    m->errno_p = errno_loc();
    fiber_g0_init(&m->g0);
    stack_thread_init(m);
}

static void *m_start(void *p) {
    gocc_m *m = p;
    sched_apply_sigmask(m);
    m_thread_setup(m);
    schedule(m);
    return NULL;
}

/* Start a thread running fn(arg), detached, with every signal blocked
 * until fn sets its own mask (so that none lands on a thread that is not
 * set up yet).  False if the system refused. */
bool sched_thread_start(void *(*fn)(void *), void *arg) {
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t t;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    int err = pthread_create(&t, &a, fn, arg);
    pthread_attr_destroy(&a);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return err == 0;
}

/* A new M, registered in sched.ms (without a thread yet).  Past
 * GOCC_MAXTHREADS (Ms plus sysmon) the program dies, as Go's does. */
static gocc_m *m_new(void) {
    gocc_m *m = aligned_alloc(64, (sizeof(gocc_m) + 63) & ~(size_t)63);
    if (!m)
        gocc_throw("out of memory");
    lock_acquire(&sched.lock);
    int id = atomic_load_explicit(&sched.nthreads, memory_order_relaxed);
    if (id + 1 >= sched.maxthreads) {
        lock_release(&sched.lock);
        gocc_throw("thread exhaustion");
    }
    m_init(m, id);
    sched.ms[id] = m;
    atomic_store_explicit(&sched.nthreads, id + 1, memory_order_release);
    lock_release(&sched.lock);
    return m;
}

/* A new M and its thread, holding the slot its caller took for it
 * (wake_one): after a handoff, when no idle M is left to take it. */
static void m_spawn(bool spinning) {
    gocc_m *m = m_new();
    m->spinning = spinning;
    if (!sched_thread_start(m_start, m))
        gocc_throw("cannot create worker thread");
}

static bool main_as_worker;

/* ------------------------------------------------------------------ fork */

/* Before fork: hold the runtime's global locks (in lock order), so that no
 * other thread is inside them when the child's copy is made. */
static void fork_prepare(void) {
    timers_atfork(FORK_PREPARE);
    lock_acquire(&sched.lock);
    stack_atfork(FORK_PREPARE);
    quarantine_atfork(FORK_PREPARE);
}

static void fork_parent(void) {
    quarantine_atfork(FORK_PARENT);
    stack_atfork(FORK_PARENT);
    lock_release(&sched.lock);
    timers_atfork(FORK_PARENT);
}

/* The child has one thread, the one that forked.  It keeps none of the
 * parent's goroutines (LANGUAGE.md 12): every queue is emptied, the
 * parent's timers and descriptor waiters are forgotten, and the forking
 * thread's M, if it is one, becomes the only M with the only slot.  So the
 * forking goroutine goes on; goroutines it starts run; if it blocks with
 * nothing else to run, that is a deadlock, reported as such (no other
 * thread can wake it).  Locks other threads held at the fork on channels
 * or descriptors stay held in the child: such a channel is unusable
 * there. */
static void fork_child(void) {
    gocc_m *m = m_current();
    sched.gq_head = sched.gq_tail = NULL;
    atomic_store(&sched.gq_size, 0);
    sched.idle_ms = NULL;
    atomic_store(&sched.nspinning, 0);
    atomic_store(&sched.nblocked, 0);
    atomic_store(&sched.watcher, NULL);
    atomic_store(&sched.poll_m, NULL);
    atomic_store(&sched.foreign_parked, 0);
    atomic_store(&sched.sysmon_idle, 0);
    sched.sys_threads = 0;
    sched.nsysmon = 0;
    sched.nm = 1;
    if (m) {
        atomic_store(&m->runqhead, atomic_load(&m->runqtail));
        atomic_store(&m->runnext, NULL);
        atomic_store(&m->blocked, false);
        atomic_store(&m->idle, false);
        m->spinning = false;
        sched.ms[0] = m;
        atomic_store(&sched.nthreads, 1);
        atomic_store(&sched.nidle, 0);
    } else {
        atomic_store(&sched.nthreads, 0);
        atomic_store(&sched.nidle, 1);
    }
    netpoll_atfork(FORK_CHILD);
    quarantine_atfork(FORK_CHILD);
    stack_atfork(FORK_CHILD);
    lock_release(&sched.lock);
    timers_atfork(FORK_CHILD);
}

static void start(void) {
    /* the CPUs this process may run on, as Go's default GOMAXPROCS */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        ncpu = CPU_COUNT(&set);
    /* as Go's GOMAXPROCS: 0 or an invalid value gives the default (with a
     * warning for the invalid one); the limit is 1024 */
    if (ncpu < 1)
        ncpu = 1;
    if (ncpu > 1024)
        ncpu = 1024;
#ifdef GOCC_TSAN
    /* TSan sees goroutines run in turn on one worker as ordered
     * (fiber.c's synchronising switch): with one worker no race would ever
     * be reported, so -race defaults to two (docs/debugging.md) */
    if (ncpu < 2)
        ncpu = 2;
#endif
    sched.nm = (int)env_uint("GOCC_MAXPROCS", 1, 1024, (uint64_t)ncpu,
                             ENV_WARN | ENV_ZERO_DEFAULT);
    /* read before anything starts: a bad value exits here, before main */
    uint64_t maxt = env_uint("GOCC_MAXTHREADS", 1, 1000000, 10000, 0);
    stack_env();
    const char *seed = getenv("GOCC_SEED");
    if (seed && *seed) {
        sched.seed = env_uint("GOCC_SEED", 0, UINT64_MAX, 0, 0);
        /* a repeatable run: sysmon leaves computations alone */
        sched.repeatable = sched.nm == 1;
    }
    else
        sched.seed = (uint64_t)nanotime() ^ ((uint64_t)getpid() << 32);
    atomic_store(&sched.next_goid, 1);
    /* Go's default limit; Ms plus sysmon, and at least enough for them */
    sched.maxthreads = (int)maxt;
    if (sched.maxthreads < sched.nm + 1)
        gocc_throw("thread exhaustion");
    /* the workers take the mask of the thread that starts the runtime */
    pthread_sigmask(SIG_BLOCK, NULL, &sched.sigmask);
    iohook_init();
    pthread_atfork(fork_prepare, fork_parent, fork_child);
    sched.nsysmon = 1;
    int t0 = count_threads();
    stack_init();
    sched.ms = calloc((size_t)sched.maxthreads, sizeof *sched.ms);
    if (!sched.ms)
        gocc_throw("out of memory");
    for (int i = 0; i < sched.nm; i++)
        m_new();
    int first = 0;
    if (main_as_worker) {
        m_thread_setup(sched.ms[0]);
        first = 1;
    }
    for (int i = first; i < sched.nm; i++)
        if (!sched_thread_start(m_start, sched.ms[i]))
            gocc_throw("cannot create worker thread");
    traceback_init();
    sysmon_start();
    /* Threads that appeared while we created ours, beyond ours, are helper
     * threads of a tool (TSan's background thread): they never act.
     * Threads that existed before are the program's and might. */
    int t1 = count_threads();
    int made = sched.nm - first + 1;   /* workers and sysmon */
    if (t0 > 0 && t1 > 0 && t1 - t0 - made > 0)
        sched.sys_threads = t1 - t0 - made;
    atomic_store_explicit(&sched.started, 1, memory_order_release);
}

void sched_ensure_started(void) {
    if (GOCC_LIKELY(atomic_load_explicit(&sched.started,
                                         memory_order_acquire)))
        return;
    pthread_once(&start_once, start);
}

struct main_args {
    int (*fn)(int, char **);
    int argc;
    char **argv;
};

static void main_entry(void *p) {
    struct main_args *a = p;
    int status = a->fn(a->argc, a->argv);
    exit(status);
}

_Noreturn int gocc_main(int (*fn)(int, char **), int argc, char **argv) {
    if (atomic_load(&sched.started))
        gocc_throw("gocc_main: the runtime is already running");
    static struct main_args a;
    a.fn = fn;
    a.argc = argc;
    a.argv = argv;
    main_as_worker = true;
    sched_ensure_started();
    /* goroutine 1 gets the stack a C program's main gets (stack.c), not a
     * pool unit; it is queued before any other goroutine exists, so it
     * runs first */
    gocc_g *g = stack_alloc_main();
    g_prepare(g, main_entry, &a, 0);
    g->id = atomic_fetch_add(&sched.next_goid, 1);
    runq_put(sched.ms[0], g, true);
    schedule(sched.ms[0]);
    abort();
}
