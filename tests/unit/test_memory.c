/*
 * test_memory.c - memory goes back after a spike (issue 12, LANGUAGE.md
 * section 12): the stacks of goroutines that exited are given back to the
 * system by the scavenger (stack.c, run by sysmon), and units given back
 * are laid out again when goroutines come back, their overflow canaries
 * intact.
 *
 * The RSS check is skipped under the sanitizers (their shadow memory for
 * the stacks stays resident whatever the runtime does); the reuse checks
 * run everywhere.
 */
#include "support.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <gocc.h>

#include "harness.h"

#if defined(__SANITIZE_ADDRESS__) || defined(GOCC_TEST_TSAN)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif

#ifdef GOCC_TEST_TSAN
enum { NSPIKE = 300 };  /* TSan: ~260 KiB of fiber state per goroutine */
#else
enum { NSPIKE = 20000 };
#endif

/* Resident set size of this process, in KiB. */
static long rss_kib(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

typedef struct spike {
    gocc_chan(int) release;
    atomic_int parked, exited;
} spike;

/* Touch 8 KiB of stack (two more pages), park until released, exit. */
static void spiker(void *p) {
    spike *s = p;
    volatile char buf[8192];
    for (size_t i = 0; i < sizeof buf; i += 512)
        buf[i] = (char)i;
    atomic_fetch_add(&s->parked, 1);
    (void)gocc_recv(s->release);
    buf[0] = buf[4096];
    atomic_fetch_add(&s->exited, 1);
}

/* Park NSPIKE goroutines, then let them all exit. */
static void run_spike(spike *s) {
    memset(s, 0, sizeof *s);
    s->release = gocc_make(int, 0);
    for (int i = 0; i < NSPIKE; i++)
        gocc_go(spiker, s);
    assert_true(wait_flag_for(&s->parked, NSPIKE, 60000));
}

static void end_spike(spike *s) {
    gocc_close(s->release);
    assert_true(wait_flag_for(&s->exited, NSPIKE, 60000));
    gocc_chan_free(s->release);
}

/* After NSPIKE parked goroutines (a page or three of stack each) exit, RSS falls
 * back to within a quarter of the spike above where it started. */
static void test_rss_returns_after_spike(void **state) {
    (void)state;
    begin(__func__);
    gocc_sleep_ms(0);
    long base = rss_kib();
    spike s;
    run_spike(&s);
    long peak = rss_kib();
    end_spike(&s);
    /* the scavenger gives back units pooled for 1 s, looking every 0.5 s
     * while the program runs and once more after it goes idle */
    long after = rss_kib();
    for (int i = 0; i < 60 && after - base > (peak - base) / 4; i++) {
        sleep_thread_us(100000);
        after = rss_kib();
    }
    finish();
    print_message("RSS: %ld KiB before, %ld KiB with %d parked, %ld KiB "
                  "after they exited\n", base, peak, NSPIKE, after);
#ifdef SANITIZED
    (void)after;
#else
    /* the spike was real: most of a page per goroutine at least (measured:
     * 12 KiB a goroutine built with gcc, 4 KiB with clang) */
    assert_true(peak - base > NSPIKE * 3);
    if (after - base > (peak - base) / 4)
        fail_msg("RSS stayed at %ld KiB (base %ld, peak %ld)", after, base,
                 peak);
#endif
}

/* Spikes again after the memory went back: released units are laid out
 * anew, every goroutine runs, parks and exits (a wrong canary would be
 * reported as a stack overflow and kill the test). */
static void test_released_units_reused(void **state) {
    (void)state;
    begin(__func__);
    for (int round = 0; round < 3; round++) {
        spike s;
        run_spike(&s);
        end_spike(&s);
        sleep_thread_us(1600000);   /* released by now */
    }
    finish();
}

int main(void) {
    signal(SIGALRM, on_alarm);
    gocc_maxprocs();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rss_returns_after_spike),
        cmocka_unit_test(test_released_units_reused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
