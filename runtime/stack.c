/*
 * stack.c - goroutine stacks: allocation, pooling, guard pages, overflow.
 *
 * A G and its stack are one unit: the G struct sits at the top of its stack
 * mapping, so a spawn allocates nothing once the pool is warm, and the pair
 * is recycled together (per-worker cache of up to 64, then a global list).
 *
 * Guard pages cost a second kernel mapping per stack, and Debian's
 * vm.max_map_count of 65530 would stop guarded stacks near 32,700.  So the
 * first stacks (up to a quarter of max_map_count) each get their own mapping
 * with a PROT_NONE guard region below; past that budget, stacks are carved
 * from 64-stack slabs with one guard region under the whole slab (two map
 * entries per 64 stacks).  A slab stack's canary is the word just below its
 * stack, the top word of the unit below (whose G page is resident anyway:
 * a canary in the stack's own bottom page would double the RSS of a parked
 * goroutine); it is checked every time the goroutine switches out.  An
 * overflow that runs down through its slab neighbours faults at the slab's
 * guard, where the SIGSEGV handler sees the stack pointer below the running
 * goroutine's stack.  A fault on a guard page is caught by a SIGSEGV handler
 * on each worker's signal stack.  Either way an overflow reports "fatal
 * error: stack overflow in goroutine N", exit 2.
 *
 * RSS: a parked goroutine costs one page (its G and top frames share the
 * unit's top page), which is prefaulted with MADV_POPULATE_WRITE.
 * Memory is never returned to the kernel: a pooled stack is reused at
 * ~0.15 us where a fresh one costs ~8.7 us (NOTES.md).
 */
#define _GNU_SOURCE
#include "internal.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND 1
#endif
#endif

#define CANARY 0x5ca1ab1e0ddba11ull
#define SLAB 64
#define MCACHE 64
/* Guard region below a guarded stack: 64 KiB of PROT_NONE address space
 * (no memory), so a large frame cannot step over it into the mapping
 * below. */
#define GUARD_PAGES 16

static struct {
    gocc_lock_t lock;
    gocc_g *free;               /* global free list */
    size_t page;
    size_t guard;               /* bytes of PROT_NONE below a guarded stack */
    size_t unit;                /* bytes per G+stack (multiple of page) */
    long guard_budget;          /* guarded stacks we may still create */
    char *slab_next;            /* next unit of the current slab */
    int slab_left;              /* units not yet laid out in it */
} pool;

/* Bytes at the top of a unit: the G, then (highest) the canary word of the
 * unit above it in a slab, which sits just below that unit's stack_lo. */
static size_t g_size(void) {
    return (sizeof(gocc_g) + 8 + 63) & ~(size_t)63;
}

void stack_init(void) {
    pool.page = (size_t)sysconf(_SC_PAGESIZE);
    pool.guard = GUARD_PAGES * pool.page;
    const char *s = getenv("GOCC_STACKSIZE");
    size_t size = 64 * 1024;
    if (s && *s) {
        char *end;
        unsigned long long v = strtoull(s, &end, 10);
        if (*end || v < 16 * 1024)
            fprintf(stderr, "gocc: ignoring GOCC_STACKSIZE=%s (need bytes, "
                            "at least 16384)\n", s);
        else
            size = (size_t)v;
    }
    pool.unit = (size + g_size() + pool.page - 1) & ~(pool.page - 1);
    long maps = 65530;
    FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
    if (f) {
        if (fscanf(f, "%ld", &maps) != 1)
            maps = 65530;
        fclose(f);
    }
    pool.guard_budget = maps / 4;
}

/* Lay out a unit [base, base + len): the stack, the G above it.  A unit
 * with a PROT_NONE region right below it (its own guard, or the slab's
 * guard for a slab's bottom unit) is "guarded"; any other slab unit has its
 * canary in the last word of the unit below, which is the top of that
 * unit's G page: resident anyway, so a parked goroutine costs one page of
 * RSS (G and top frames), not two. */
static gocc_g *unit_init(char *base, size_t len, size_t guard, bool guarded) {
    gocc_g *g = (gocc_g *)(base + len - g_size());
#ifdef MADV_POPULATE_WRITE
    /* The top page is about to be written (the G, then the first frames).
     * Prefaulting it in one call costs less than the page fault: 2.0 s ->
     * 1.55 s for 100,000 fresh stacks here (see bench/RESULTS.md).  Kernels
     * before 5.14 fail the call, and the page faults in as before. */
    madvise(base + len - pool.page, pool.page, MADV_POPULATE_WRITE);
#endif
    memset(g, 0, sizeof *g);
    g->kind = G_GOROUTINE;
    g->stack_hi = (char *)g;
    g->stack_lo = base + guard;
    g->guarded = guarded;
    if (!guarded)
        memcpy(g->stack_lo - 8, &(uint64_t){CANARY}, 8);
#ifdef HAVE_VALGRIND
    VALGRIND_STACK_REGISTER(g->stack_lo, g->stack_hi);
#endif
    return g;
}

/* A fresh unit.  Called without pool.lock, which is taken only to reserve
 * a guard or carve a slab unit: the system calls and the first touch of
 * the page (~10 us in all here) run unlocked, so two workers spawning at
 * once do not queue behind each other (100,000 parked goroutines on two
 * workers: 2.4 s -> 1.4 s). */
static gocc_g *new_unit(void) {
    lock_acquire(&pool.lock);
    bool guarded = pool.guard_budget > 0;
    if (guarded)
        pool.guard_budget--;
    lock_release(&pool.lock);
    if (guarded) {
        size_t len = pool.unit + pool.guard;
        char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p != MAP_FAILED) {
            if (mprotect(p, pool.guard, PROT_NONE) == 0)
                return unit_init(p, len, pool.guard, true);
            munmap(p, len);
        }
        lock_acquire(&pool.lock);
        pool.guard_budget = 0;   /* out of map entries: stop guarding */
        lock_release(&pool.lock);
    }
    char *fresh = NULL;
    size_t len = pool.guard + pool.unit * SLAB;
    for (;;) {
        lock_acquire(&pool.lock);
        if (pool.slab_left == 0 && fresh) {
            pool.slab_next = fresh + pool.guard;
            pool.slab_left = SLAB;
            fresh = NULL;
        }
        if (pool.slab_left > 0)
            break;
        lock_release(&pool.lock);
        /* one guard region under the whole slab: two map entries per 64
         * stacks, and an overflow running down through the slab stops at
         * its bottom instead of in some other mapping */
        fresh = mmap(NULL, len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (fresh == MAP_FAILED)
            gocc_throw("out of memory allocating goroutine stacks");
        mprotect(fresh, pool.guard, PROT_NONE);
    }
    /* Units are laid out one at a time, upwards, as they are needed: an
     * unused unit costs no memory, and a unit's canary goes into the last
     * word of the unit below, which is already in use. */
    bool bottom = pool.slab_left == SLAB;
    char *base = pool.slab_next;
    pool.slab_next += pool.unit;
    pool.slab_left--;
    lock_release(&pool.lock);
    if (fresh)
        munmap(fresh, len);     /* another worker installed a slab first */
    return unit_init(base, pool.unit, 0, bottom);
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
        /* refill the worker's cache while we hold the lock */
        while (m && pool.free && m->ngfree < MCACHE / 2) {
            gocc_g *x = pool.free;
            pool.free = x->schedlink;
            x->schedlink = m->gfree;
            m->gfree = x;
            m->ngfree++;
        }
    }
    lock_release(&pool.lock);
    return g ? g : new_unit();
}

void stack_free_g(gocc_m *m, gocc_g *g) {
    fiber_destroy(g);   /* a fresh TSan fiber per goroutine: see fiber.c */
    g->schedlink = m->gfree;
    m->gfree = g;
    if (++m->ngfree <= MCACHE)
        return;
    /* move half to the global list */
    lock_acquire(&pool.lock);
    while (m->ngfree > MCACHE / 2) {
        gocc_g *x = m->gfree;
        m->gfree = x->schedlink;
        m->ngfree--;
        x->schedlink = pool.free;
        pool.free = x;
    }
    lock_release(&pool.lock);
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
        ((a >= g->stack_lo - pool.guard && a < g->stack_lo + pool.page) ||
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
