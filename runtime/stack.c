/*
 * stack.c - goroutine stacks: allocation, pooling, guard pages, overflow.
 *
 * A G and its stack are one unit: the G struct sits at the top of its stack
 * mapping, so a spawn allocates nothing once the pool is warm, and the pair
 * is recycled together (per-worker cache of up to 64, then a global list).
 *
 * Guard pages cost a second kernel mapping per stack, and Debian's
 * vm.max_map_count of 65530 would stop guarded stacks near 32,700.  So the
 * first stacks (max_map_count / 16 of them, in whole batches of 64: 4,032
 * on Debian, an eighth of the map entries) each get a PROT_NONE guard
 * region of their own below them; past that budget, stacks are carved
 * from 64-stack slabs with one guard region under the whole slab (two map
 * entries per 64 stacks).  The budget is a trade: a guarded stack costs
 * ~5 us more to make than a slab stack (the mprotect that splits the
 * mapping, under the address space's write lock, and its share of the
 * teardown at exit), ~8 us with two workers making stacks at once; with
 * the budget before, max_map_count / 4, that was 0.135 s of the 1.05 s
 * that 100,000 parked goroutines took (bench/RESULTS.md).
 *
 * A slab stack's canary is the word just below its stack, the top word of
 * the unit below (whose G page is resident anyway: a canary in the stack's
 * own bottom page would double the RSS of a parked goroutine); it is
 * checked every time the goroutine switches out.  An overflow that runs
 * down through its slab neighbours faults at the slab's guard, where the
 * SIGSEGV handler sees the stack pointer below the running goroutine's
 * stack.  A fault on a guard page is caught by a SIGSEGV handler on each
 * worker's signal stack.  Either way an overflow reports "fatal error:
 * stack overflow in goroutine N", exit 2.
 *
 * Fresh units come in batches of 64 from one mmap each (new_unit, where
 * the order in which their pages come in is explained).
 *
 * Goroutine 1 (main) is the exception: its unit is a mapping of its own,
 * as large as a C program's main stack, with a 1 MiB guard region below
 * (stack_alloc_main).  Invariant: such a unit is marked solo and never
 * enters a free list, so the pool and the scavenger only ever hold units
 * of pool.unit bytes.
 *
 * RSS: a parked goroutine costs one page (its G and top frames share the
 * unit's top page), which is prefaulted with MADV_POPULATE_WRITE, 16 pages
 * to a system call.
 * Memory goes back after a spike (stack_scavenge, called by sysmon): a
 * unit that has sat in the global pool for a second, beyond the 256 most
 * recently pooled, is released whole with MADV_DONTNEED (its G too) and
 * remembered by address in `released`, to be laid out again (unit_reinit)
 * when the pool runs dry, before any fresh batch is mapped.  A pooled
 * stack is reused at ~0.15 us where a fresh one costs ~8.7 us (NOTES.md),
 * a released one somewhere between (a page fault or two).
 *
 * The canary of a slab unit lives in the unit below, so a unit is released
 * only when the unit above it cannot be running: it has a guard region of
 * its own (nothing above shares its page), or the unit right above it is
 * in the same scavenging pass, i.e. in the global pool.  The units of a
 * pass leave the pool while their pages are released (no lock held) and
 * come back after, so none of them can be handed out meanwhile.  A unit
 * handed out from the pool rewrites its own canary (stack_alloc_g): the
 * unit below it may have been released while it sat there.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND 1
#endif
#endif

#define CANARY 0x5ca1ab1e0ddba11ull
#define BATCH 64        /* units mapped at once (gocc-gdb.py: G_BATCH) */
#define PREFAULT 16     /* top pages prefaulted at once */
#define MCACHE 64
/* Guard region below a guarded stack: 64 KiB of PROT_NONE address space
 * (no memory), so a large frame cannot step over it into the mapping
 * below. */
#define GUARD_PAGES 16
/* Goroutine 1 (main): the stack a C program's main gets, RLIMIT_STACK's
 * soft limit; MAIN_STACK_UNLIMITED when that is unlimited (Go's limit on
 * a goroutine stack, 1 GB on 64-bit systems: address space only, pages
 * come as they are touched), MAIN_STACK_FALLBACK when the system refuses
 * to reserve the size asked.  Below it a guard region of MAIN_GUARD, as
 * Linux leaves below a thread's main stack (stack_guard_gap), so that a
 * frame of up to a megabyte cannot step over it. */
#define MAIN_STACK_FALLBACK ((size_t)8 << 20)
#define MAIN_STACK_UNLIMITED                                                  \
    (sizeof(void *) >= 8 ? (size_t)1 << 30 : (size_t)64 << 20)
#define MAIN_GUARD ((size_t)1 << 20)

/* A batch of BATCH fresh units, handed out bottom up.  step is the
 * distance between units (the unit, plus its guard in a guarded batch). */
struct batch {
    char *base;                 /* the first unit (a slab's is above its
                                   guard region) */
    size_t step;
    int left;                   /* units not yet handed out */
    bool guarded;               /* a guard region under every unit */
    bool bottom_guarded;        /* a slab whose guard region is in place */
};

static struct {
    gocc_lock_t lock;
    gocc_g *free;               /* global free list */
    size_t page;
    size_t guard;               /* bytes of PROT_NONE below a guarded stack */
    size_t unit;                /* bytes per G+stack (multiple of page) */
    size_t stacksize;           /* GOCC_STACKSIZE, or 64 KiB */
    long guard_budget;          /* guarded stacks we may still create */
    struct batch batch;         /* the units being handed out */
    struct batch spare;         /* the next batch, if two workers mapped
                                   one at once */
    int mappers;                /* workers mapping a batch (at most 2) */
    int nfree;                  /* units on the free list */
    uintptr_t *released;        /* released units: stack_lo | guarded */
    int nreleased, capreleased;
    /* every batch ever mapped (never unmapped), and goroutine 1's G: where
     * goroutine dumps look for Gs (stack_live_gs) */
    struct batch *batches;
    int nbatches, capbatches;
    gocc_g *main_g;
} pool;

/* Around fork: hold the pool's lock so no other thread is inside it. */
void stack_atfork(int phase) {
    if (phase == FORK_PREPARE)
        lock_acquire(&pool.lock);
    else
        lock_release(&pool.lock);
}

/* Bytes at the top of a unit: the G, then (highest) the canary word of the
 * unit above it in a slab, which sits just below that unit's stack_lo. */
static size_t g_size(void) {
    return (sizeof(gocc_g) + 8 + 63) & ~(size_t)63;
}

/* GOCC_STACKSIZE: bytes, from 16 KiB to 1 GiB (Go's largest goroutine
 * stack on 64-bit systems); anything else exits 2 (env.c).  Called by
 * start() before stack_init, with the other settings. */
void stack_env(void) {
    pool.stacksize = (size_t)env_uint("GOCC_STACKSIZE", STACK_MIN, STACK_MAX,
                                      64 * 1024, 0);
}

void stack_init(void) {
    pool.page = (size_t)sysconf(_SC_PAGESIZE);
    pool.guard = GUARD_PAGES * pool.page;
    size_t size = pool.stacksize;
    pool.unit = (size + g_size() + pool.page - 1) & ~(pool.page - 1);
    long maps = 65530;
    FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
    if (f) {
        if (fscanf(f, "%ld", &maps) != 1)
            maps = 65530;
        fclose(f);
    }
    pool.guard_budget = maps / 16;
}

/* Lay out a unit [base, base + len): the stack, the G above it.  A unit
 * with a PROT_NONE region right below it (its own guard, or the slab's
 * guard for a slab's bottom unit) is "guarded"; any other slab unit has its
 * canary in the last word of the unit below, which is the top of that
 * unit's G page: resident anyway, so a parked goroutine costs one page of
 * RSS (G and top frames), not two.  The top page has usually been
 * prefaulted (prefault_tops). */
static gocc_g *unit_init(char *base, size_t len, size_t guard, bool guarded) {
    gocc_g *g = (gocc_g *)(base + len - g_size());
    memset(g, 0, sizeof *g);
    g->kind = G_GOROUTINE;
    g->stack_hi = (char *)g;
    g->stack_lo = base + guard;
    g->guarded = guarded;
    g->own_guard = guard > 0;
    g->guard_len = pool.guard;
    if (!guarded)
        memcpy(g->stack_lo - 8, &(uint64_t){CANARY}, 8);
#ifdef HAVE_VALGRIND
    VALGRIND_STACK_REGISTER(g->stack_lo, g->stack_hi);
#endif
    return g;
}

/* madvise(advice) on the n ranges of v in one system call: the bytes
 * advised, or -1 with errno set.  process_madvise takes any advice for the
 * calling process from Linux 6.13; earlier kernels fail it (EINVAL, EPERM,
 * or ENOSYS before 5.10). */
static long self_madvise(struct iovec *v, int n, int advice) {
#if defined(SYS_process_madvise) && defined(SYS_pidfd_open)
#ifdef HAVE_VALGRIND
    if (RUNNING_ON_VALGRIND) {  /* 3.19 warns of both calls as unknown */
        errno = ENOSYS;
        return -1;
    }
#endif
    int fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    if (fd < 0)
        return -1;
    long r = syscall(SYS_process_madvise, fd, v, (size_t)n, advice, 0);
    int e = errno;
    close(fd);
    errno = e;
    return r;
#else
    (void)v, (void)n, (void)advice;
    errno = ENOSYS;
    return -1;
#endif
}

/* Prefault the top pages of n consecutive units, the first ending at
 * first_end, each step bytes above the one before: the pages their G and
 * first frames will be written to.  A page fault costs ~11 us on this kind
 * of VM and a one-page MADV_POPULATE_WRITE ~2.5 us, most of it the system
 * call; one process_madvise for 16 pages costs ~0.9 us a page
 * (bench/RESULTS.md).  Where that fails we fall back to one madvise per
 * page (Linux 5.14), and failing that to plain page faults.  Populating a
 * page that is present already does nothing, so a racing first write by
 * the unit's owner is harmless. */
static void prefault_tops(char *first_end, size_t step, int n) {
#ifdef MADV_POPULATE_WRITE
    static _Atomic bool single;         /* process_madvise failed */
    struct iovec v[PREFAULT];
    for (int i = 0; i < n; i++) {
        v[i].iov_base = first_end + (size_t)i * step - pool.page;
        v[i].iov_len = pool.page;
    }
    if (!atomic_load_explicit(&single, memory_order_relaxed)) {
        long r = self_madvise(v, n, MADV_POPULATE_WRITE);
        if (r == (long)(n * pool.page))
            return;
        if (r < 0 && errno != ENOMEM && errno != EAGAIN && errno != EINTR &&
            errno != EMFILE && errno != ENFILE)
            atomic_store_explicit(&single, true, memory_order_relaxed);
    }
    for (int i = 0; i < n; i++)
        madvise(v[i].iov_base, pool.page, MADV_POPULATE_WRITE);
#else
    (void)first_end, (void)step, (void)n;
#endif
}

/* Map a new batch of BATCH units.  Called without pool.lock; returns the
 * batch for the caller to install.  While the budget of map entries lasts
 * the batch is guarded: each unit has its own PROT_NONE region below it
 * (two map entries per unit).  Past it the batch is a slab: one guard
 * region under all BATCH units (two map entries per BATCH units); only the
 * bottom unit counts as guarded, the others have a canary.  Nothing is
 * touched here: see new_unit for when the pages come in.  (Linux 6.13's
 * guard markers, MADV_GUARD_INSTALL, would guard every unit without map
 * entries; on this kind of VM they made 100,000 parked goroutines take
 * ~1.5 s instead of ~1.0 s, so they are not used.) */
/* Remember batch b for stack_live_gs (a failed realloc only hides its
 * goroutines from dumps). */
static struct batch remember(struct batch b) {
    lock_acquire(&pool.lock);
    if (pool.nbatches == pool.capbatches) {
        int c = pool.capbatches ? 2 * pool.capbatches : 16;
        struct batch *r = realloc(pool.batches, (size_t)c * sizeof *r);
        if (r) {
            pool.batches = r;
            pool.capbatches = c;
        }
    }
    if (pool.nbatches < pool.capbatches)
        pool.batches[pool.nbatches++] = b;
    lock_release(&pool.lock);
    return b;
}

static struct batch map_batch(void) {
    lock_acquire(&pool.lock);
    bool guarded = pool.guard_budget >= BATCH;
    if (guarded)
        pool.guard_budget -= BATCH;
    lock_release(&pool.lock);
    if (guarded) {
        size_t step = pool.guard + pool.unit;
        char *p = mmap(NULL, step * BATCH, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        int i = 0;
        if (p != MAP_FAILED)
            while (i < BATCH && mprotect(p + i * step, pool.guard,
                                         PROT_NONE) == 0)
                i++;
        if (i == BATCH)
            return remember((struct batch){p, step, BATCH, true, true});
        if (p != MAP_FAILED)
            munmap(p, step * BATCH);
        lock_acquire(&pool.lock);
        pool.guard_budget = 0;   /* out of map entries: stop guarding */
        lock_release(&pool.lock);
    }
    /* one guard region under the whole slab: an overflow running down
     * through the slab stops at its bottom instead of in some other
     * mapping */
    size_t len = pool.guard + pool.unit * BATCH;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        gocc_throw("out of memory allocating goroutine stacks");
    bool bottom = mprotect(p, pool.guard, PROT_NONE) == 0;
    return remember((struct batch){p + pool.guard, pool.unit, BATCH, false,
                                   bottom});
}

/* A fresh unit, carved from the current batch.  pool.lock is held only to
 * carve a unit or install a batch: the system calls and the first touch of
 * the page (~10 us in all here) run unlocked, so two workers spawning at
 * once do not queue behind each other.  Up to two workers map batches at
 * once, for the two slots (the batch, when it is used up, and the spare);
 * a third waits for them.  So no batch is ever mapped in vain: none is
 * unmapped, and no guard budget is spent on one.
 *
 * Units are laid out one at a time, upwards, as they are needed (a slab
 * unit's canary goes into the last word of the unit below, already in
 * use), and their top pages are prefaulted PREFAULT at a time: group 0 by
 * the taker of unit 0, each later group by the taker of the unit half a
 * group before it, so that another worker seldom reaches a unit whose
 * page is not in yet (and takes a page fault).  So at most 1.5 * PREFAULT
 * pages are resident before they are used.  Measured on this kind of VM
 * (bench/RESULTS.md): prefaulting a group when the batch is mapped, before
 * it is visible, made the wakeup of 100,000 parked goroutines with two
 * workers take 0.3-0.5 s instead of 0.05 s (their pages faulted again). */
static gocc_g *new_unit(void) {
    _Static_assert(BATCH % PREFAULT == 0 && BATCH >= PREFAULT,
                   "prefault groups must tile a batch");
    lock_acquire(&pool.lock);
    while (pool.batch.left == 0) {
        if (pool.spare.base) {
            pool.batch = pool.spare;
            pool.spare.base = NULL;
        } else if (pool.mappers < 2) {
            /* invariant: mappers <= free slots, so this batch has one */
            pool.mappers++;
            lock_release(&pool.lock);
            struct batch fresh = map_batch();
            lock_acquire(&pool.lock);
            pool.mappers--;
            if (pool.batch.left == 0)
                pool.batch = fresh;
            else
                pool.spare = fresh;
        } else {
            lock_release(&pool.lock);
            sched_yield();
            lock_acquire(&pool.lock);
        }
    }
    struct batch *b = &pool.batch;
    int i = BATCH - b->left--;
    char *base = b->base + (size_t)i * b->step;
    size_t step = b->step;
    bool guarded = b->guarded || (i == 0 && b->bottom_guarded);
    bool slab = !b->guarded;
    lock_release(&pool.lock);
    int ahead = i + PREFAULT / 2;
    if (i == 0)
        prefault_tops(base + step, step, PREFAULT);
    if (ahead % PREFAULT == 0 && ahead < BATCH)
        prefault_tops(base + (size_t)(ahead - i + 1) * step, step, PREFAULT);
    return unit_init(base, step, slab ? 0 : pool.guard, guarded);
}

/* A unit leaves the global pool: the unit below it, whose top word holds
 * its canary, may have been released meanwhile. */
static void rearm_canary(gocc_g *g) {
    if (!g->guarded)
        memcpy(g->stack_lo - 8, &(uint64_t){CANARY}, 8);
}

/* A released unit, remembered by its stack_lo (page-aligned) and two
 * flags in the low bits. */
enum { REC_GUARDED = 1, REC_OWN_GUARD = 2 };

static uintptr_t unit_record(gocc_g *g) {
    return (uintptr_t)g->stack_lo | (g->guarded ? REC_GUARDED : 0) |
           (g->own_guard ? REC_OWN_GUARD : 0);
}

/* Lay a released unit out again ([lo, lo + pool.unit), zero pages now). */
static gocc_g *unit_reinit(uintptr_t rec) {
    char *lo = (char *)(rec & ~(uintptr_t)3);
    size_t guard = rec & REC_OWN_GUARD ? pool.guard : 0;
    return unit_init(lo - guard, pool.unit + guard, guard, rec & REC_GUARDED);
}

/* The size of goroutine 1's stack: RLIMIT_STACK's soft limit, as a C
 * program's main thread gets (MAIN_STACK_UNLIMITED if it is unlimited),
 * but at least the goroutines' size (GOCC_STACKSIZE or 64 KiB), so that
 * GOCC_STACKSIZE can also make main's stack larger. */
static size_t main_stack_size(void) {
    struct rlimit rl;
    size_t size = MAIN_STACK_FALLBACK;
    if (getrlimit(RLIMIT_STACK, &rl) == 0) {
        if (rl.rlim_cur == RLIM_INFINITY ||
            rl.rlim_cur > (rlim_t)MAIN_STACK_UNLIMITED)
            size = MAIN_STACK_UNLIMITED;
        else
            size = (size_t)rl.rlim_cur;
    }
    return size > pool.stacksize ? size : pool.stacksize;
}

/* Reserve main's unit: [guard | stack | G], the stack and G rounded up
 * to pages.  Nothing is committed but the top page (the G): MAP_NORESERVE
 * takes no swap reservation, and MADV_NOHUGEPAGE keeps a touch of the top
 * from bringing in a 2 MiB huge page (THP "always").  NULL if the system
 * refuses the address space. */
static char *map_main(size_t len) {
    char *p = mmap(NULL, MAIN_GUARD + len, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    if (mprotect(p + MAIN_GUARD, len, PROT_READ | PROT_WRITE) != 0) {
        munmap(p, MAIN_GUARD + len);
        return NULL;
    }
#ifdef MADV_NOHUGEPAGE
    madvise(p + MAIN_GUARD, len, MADV_NOHUGEPAGE);
#endif
    return p;
}

gocc_g *stack_alloc_main(void) {
    size_t size = main_stack_size();
    size_t len = (size + g_size() + pool.page - 1) & ~(pool.page - 1);
    char *p = map_main(len);
    if (!p && size > MAIN_STACK_FALLBACK) {
        size = MAIN_STACK_FALLBACK;
        len = (size + g_size() + pool.page - 1) & ~(pool.page - 1);
        p = map_main(len);
    }
    if (!p)
        gocc_throw("out of memory allocating the main goroutine's stack");
    gocc_g *g = unit_init(p, MAIN_GUARD + len, MAIN_GUARD, true);
    g->solo = true;
    g->guard_len = MAIN_GUARD;
    pool.main_g = g;
    return g;
}

int stack_live_gs(gocc_g **out, int cap) {
    int n = 0;
    if (pool.main_g && pool.main_g->live && n < cap)
        out[n++] = pool.main_g;
    lock_acquire(&pool.lock);
    for (int b = 0; b < pool.nbatches; b++) {
        struct batch *bt = &pool.batches[b];
        for (int i = 0; i < BATCH && n < cap; i++) {
            gocc_g *g = (gocc_g *)(bt->base + (size_t)(i + 1) * bt->step -
                                   g_size());
            if (g->live && g->kind == G_GOROUTINE)
                out[n++] = g;
        }
    }
    lock_release(&pool.lock);
    return n;
}

static void nfree_add(int d) {
    store_relaxed(&pool.nfree, pool.nfree + d);
}

gocc_g *stack_alloc_g(gocc_m *m) {
    gocc_g *g;
    if (m && m->gfree) {
        g = m->gfree;
        m->gfree = g->schedlink;
        m->ngfree--;
        return g;
    }
    lock_acquire(&pool.lock);
    g = pool.free;
    if (g) {
        pool.free = g->schedlink;
        nfree_add(-1);
        rearm_canary(g);
        /* refill the worker's cache while we hold the lock */
        while (m && pool.free && m->ngfree < MCACHE / 2) {
            gocc_g *x = pool.free;
            pool.free = x->schedlink;
            nfree_add(-1);
            rearm_canary(x);
            x->schedlink = m->gfree;
            m->gfree = x;
            m->ngfree++;
        }
        lock_release(&pool.lock);
        return g;
    }
    uintptr_t rec = pool.nreleased ? pool.released[--pool.nreleased] : 0;
    lock_release(&pool.lock);
    return rec ? unit_reinit(rec) : new_unit();
}

void stack_free_g(gocc_m *m, gocc_g *g) {
    fiber_destroy(g);   /* a fresh TSan fiber per goroutine: see fiber.c */
    if (GOCC_UNLIKELY(g->solo))
        return;         /* main's unit is no pool unit; main's return exits
                           the process, so it is never freed in practice */
    g->schedlink = m->gfree;
    m->gfree = g;
    if (++m->ngfree <= MCACHE)
        return;
    /* move half to the global list */
    int64_t now = nanotime();
    lock_acquire(&pool.lock);
    while (m->ngfree > MCACHE / 2) {
        gocc_g *x = m->gfree;
        m->gfree = x->schedlink;
        m->ngfree--;
        x->pooled_at = now;
        x->schedlink = pool.free;
        pool.free = x;
        nfree_add(1);
    }
    lock_release(&pool.lock);
}

/* ------------------------------------------------------------- scavenger */

static int by_address(const void *a, const void *b) {
    uintptr_t x = (uintptr_t)*(gocc_g *const *)a;
    uintptr_t y = (uintptr_t)*(gocc_g *const *)b;
    return x < y ? -1 : x > y;
}

int stack_pooled(void) { return load_relaxed(&pool.nfree); }

size_t stack_scavenge(int64_t now, int64_t min_age_ns, int keep, int *young) {
    *young = 0;
    if (stack_pooled() <= keep)
        return 0;
    /* take every unit past the keep most recent out of the pool */
    int cap = load_relaxed(&pool.nfree);
    gocc_g **a = malloc((size_t)cap * sizeof *a);
    uintptr_t *recs = malloc((size_t)cap * sizeof *recs);
    if (!a || !recs) {
        free(a);
        free(recs);
        return 0;
    }
    int n = 0;
    lock_acquire(&pool.lock);
    gocc_g **pp = &pool.free;
    for (int i = 0; *pp && i < keep; i++)
        pp = &(*pp)->schedlink;
    while (*pp && n < cap) {
        a[n++] = *pp;
        *pp = (*pp)->schedlink;
    }
    nfree_add(-n);
    lock_release(&pool.lock);

    /* release, a run of adjacent units at a time, those whose upper
     * neighbour is in this pass or that have a guard of their own */
    qsort(a, (size_t)n, sizeof *a, by_address);
    int nrel = 0;
    size_t bytes = 0;
    char *run = NULL;
    size_t runlen = 0;
    for (int i = 0; i < n; i++) {
        gocc_g *g = a[i];
        bool above_free = i + 1 < n && a[i + 1]->stack_lo ==
                                          g->stack_lo + pool.unit;
        if (now - g->pooled_at < min_age_ns) {
            ++*young;
            continue;
        }
        if (!(g->own_guard || above_free))
            continue;
        recs[nrel++] = unit_record(g);
        a[i] = NULL;
        if (run && run + runlen == g->stack_lo) {
            runlen += pool.unit;
        } else {
            if (run)
                madvise(run, runlen, MADV_DONTNEED);
            run = g->stack_lo;
            runlen = pool.unit;
        }
        bytes += pool.unit;
    }
    if (run)
        madvise(run, runlen, MADV_DONTNEED);

    /* the rest back to the pool; the released ones to `released` */
    lock_acquire(&pool.lock);
    for (int i = 0; i < n; i++) {
        if (!a[i])
            continue;
        a[i]->schedlink = pool.free;
        pool.free = a[i];
        nfree_add(1);
    }
    if (pool.nreleased + nrel > pool.capreleased) {
        int c = pool.capreleased ? pool.capreleased : 1024;
        while (c < pool.nreleased + nrel)
            c *= 2;
        uintptr_t *r = realloc(pool.released, (size_t)c * sizeof *r);
        if (r) {
            pool.released = r;
            pool.capreleased = c;
        }
    }
    int room = pool.capreleased - pool.nreleased;
    for (int i = 0; i < nrel && i < room; i++)
        pool.released[pool.nreleased++] = recs[i];
    lock_release(&pool.lock);
    /* (no room: those units are lost to the process, never reused; only
     * when realloc failed) */
    free(a);
    free(recs);
    return bytes;
}

void stack_check_slow(gocc_g *g) {
    uint64_t v;
    memcpy(&v, g->stack_lo - 8, 8);
    char *sp = __builtin_frame_address(0);
    if (GOCC_UNLIKELY(v != CANARY || sp < g->stack_lo + 256))
        gocc_fatal_stack_overflow(g->id);
}

/* SIGSEGV: if the fault is in the guard region of the running goroutine (or
 * within a page above it: a frame that straddles it), report an overflow;
 * otherwise restore the previous action and return so the fault recurs. */
static struct sigaction old_segv, old_bus;

static char *fault_sp(void *ucv) {
    ucontext_t *uc = ucv;
#if defined(__x86_64__)
    return (char *)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
    return (char *)uc->uc_mcontext.sp;
#else
    (void)uc;
    return NULL;
#endif
}

static void segv_handler(int sig, siginfo_t *si, void *uc) {
    gocc_m *m = m_current();
    gocc_g *g = m ? m->curg : NULL;
    char *a = si->si_addr;
    char *sp = fault_sp(uc);
    if (g && g->kind == G_GOROUTINE &&
        ((a >= g->stack_lo - g->guard_len && a < g->stack_lo + pool.page) ||
         (sp && sp < g->stack_lo + 256)))
        gocc_fatal_stack_overflow(g->id);
    /* not ours: put back whatever handled it before (a sanitizer's, the
     * default) and return; the fault recurs and that handler reports it */
    sigaction(sig, sig == SIGBUS ? &old_bus : &old_segv, NULL);
}

static void install_handler(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = segv_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
}

void stack_thread_init(gocc_m *m) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    long min = sysconf(_SC_SIGSTKSZ);
    size_t size = 64 * 1024;
    if (min > 0 && (size_t)min > size)
        size = (size_t)min;
    stack_t ss = {0};
    ss.ss_sp = malloc(size);
    ss.ss_size = size;
    if (ss.ss_sp && sigaltstack(&ss, NULL) == 0)
        m->sigstack = ss.ss_sp;
    else
        free(ss.ss_sp);
    pthread_once(&once, install_handler);
}
