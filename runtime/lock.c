/*
 * lock.c - the runtime's internal lock and futex wrappers.
 *
 * Channel, mutex and wait-group state is guarded by a three-state futex
 * mutex (Drepper, "Futexes are tricky"): 0 free, 1 locked, 2 locked with
 * sleepers.  Critical sections are a few dozen instructions, so a contender
 * spins briefly before sleeping.  These locks block threads, never park
 * goroutines; a goroutine that must wait hands its lock to g_park().
 */
#include "internal.h"

#include <errno.h>
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

void lock_acquire(gocc_lock_t *l) {
    uint32_t c = 0;
    if (GOCC_LIKELY(atomic_compare_exchange_strong_explicit(
            AT(&l->v), &c, 1, memory_order_acquire, memory_order_relaxed)))
        return;
    /* Contended: spin with exponential backoff (1, 2, 4 ... 256 pauses
     * between looks, ~25 us in all) before sleeping.  Looking at the lock
     * every pause kept the line bouncing between the cores: 4 producers
     * and 4 consumers on one channel with two workers took 0.72 s that
     * way and 0.30 s with the backoff (bench/RESULTS.md, mpmc). */
    for (int i = 0, n = 1; i < 14; i++) {
        for (int k = 0; k < n; k++)
            cpu_relax();
        if (n < 256)
            n *= 2;
        c = 0;
        if (load_relaxed(&l->v) == 0 &&
            atomic_compare_exchange_weak_explicit(AT(&l->v), &c, 1,
                                                  memory_order_acquire,
                                                  memory_order_relaxed))
            return;
    }
    c = atomic_exchange_explicit(AT(&l->v), 2, memory_order_acquire);
    while (c != 0) {
        futex_wait(&l->v, 2, -1);
        c = atomic_exchange_explicit(AT(&l->v), 2, memory_order_acquire);
    }
}

void lock_release(gocc_lock_t *l) {
    if (atomic_exchange_explicit(AT(&l->v), 0, memory_order_release) == 2)
        futex_wake(&l->v, 1);
}
