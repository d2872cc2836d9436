/*
 * lock.c - the runtime's internal lock and futex wrappers.
 *
 * Channel, mutex and wait-group state is guarded by a spin lock with
 * backoff (0 free, 1 locked): critical sections are a few dozen
 * instructions, at most a futex wake (the timers lock, while an expired
 * timer readies its goroutine), so nobody sleeps on one; a waiter yields
 * its CPU after ~25 us, in case the holder's thread was preempted.
 * These locks block threads, never park goroutines; a goroutine that must
 * wait hands its lock to g_park().  The futex wrappers serve the workers'
 * idle sleep and foreign threads' parking.
 */
#include "internal.h"

#include <errno.h>
#include <sched.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

static void futex_wait_raw(uint32_t *addr, uint32_t val, int64_t timeout_ns) {
    struct timespec ts, *tp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / 1000000000;
        ts.tv_nsec = timeout_ns % 1000000000;
        tp = &ts;
    }
    syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, tp, NULL, 0);
}

#ifdef GOCC_TSAN
/* Under TSan a signal that arrives while its thread is outside an
 * intercepted call is only queued, and runs at that thread's (fiber's)
 * next intercepted call: see fiber_run_queued_signals.  A worker asleep
 * in a raw futex wait makes none, so a signal the kernel gave it waited
 * until something woke that worker, maybe forever (gc_signal_notify hung
 * about 1 run in 50).  So the wait is cut into 2 ms slices with the queue
 * run between them.  Rejected: waiting in an intercepted call instead
 * (sem_timedwait, a condition variable), which would give the futex word
 * another meaning in this build only. */
void futex_wait(uint32_t *addr, uint32_t val, int64_t timeout_ns) {
    enum { SLICE = 2000000 };
    int saved = gocc_errno_get();
    int64_t until = timeout_ns >= 0 ? nanotime() + timeout_ns : -1;
    for (;;) {
        int64_t left = until < 0 ? SLICE : until - nanotime();
        if (left <= 0)
            break;
        futex_wait_raw(addr, val, left < SLICE ? left : SLICE);
        if (atomic_load_explicit(AT(addr), memory_order_relaxed) != val)
            break;      /* woken (a spurious return looks the same) */
        fiber_run_queued_signals();
    }
    gocc_errno_set(saved);
}
#else
void futex_wait(uint32_t *addr, uint32_t val, int64_t timeout_ns) {
    int saved = gocc_errno_get();
    futex_wait_raw(addr, val, timeout_ns);
    gocc_errno_set(saved);
}
#endif

void futex_wake(uint32_t *addr, int n) {
    int saved = gocc_errno_get();
    syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
    gocc_errno_set(saved);
}

/* The fast path (one CAS) is inline in internal.h.  Contended: spin with
 * exponential backoff (1, 2, 4 ... 256 pauses between looks, ~25 us for
 * the first 14 looks), then also yield the CPU between looks, in case the
 * holder's thread waits for it.  Looking at the lock every pause kept the
 * line bouncing between the cores: 4 producers and 4 consumers on one
 * channel with two workers took 0.72 s that way and 0.30 s with the
 * backoff (bench/RESULTS.md, mpmc).  No thread ever sleeps on the lock, so
 * releasing it is a plain store, not an atomic exchange that checks for
 * sleepers: two fewer locked instructions in every channel exchange. */
void lock_acquire_slow(gocc_lock_t *l) {
    for (unsigned i = 0, n = 1;; i++) {
        for (unsigned k = 0; k < n; k++)
            cpu_relax();
        if (n < 256)
            n *= 2;
        uint32_t c = 0;
        if (load_relaxed(&l->v) == 0 &&
            atomic_compare_exchange_weak_explicit(AT(&l->v), &c, 1,
                                                  memory_order_acquire,
                                                  memory_order_relaxed))
            return;
        if (i >= 14)
            sched_yield();
    }
}
