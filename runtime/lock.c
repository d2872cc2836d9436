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

void futex_wait(uint32_t *addr, uint32_t val, int64_t timeout_ns) {
    struct timespec ts, *tp = NULL;
    int saved = gocc_errno_get();
    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / 1000000000;
        ts.tv_nsec = timeout_ns % 1000000000;
        tp = &ts;
    }
    syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, tp, NULL, 0);
    gocc_errno_set(saved);
}

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
