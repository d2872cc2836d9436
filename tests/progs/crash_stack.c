/*
 * crash_stack.c - goroutine stack overflow, for test_crash.c.
 *   crash_stack guarded     a goroutine recurses without bound
 *   crash_stack unguarded   the same, after N goroutines (argv[2], default
 *                           max_map_count / 16 + 618: 4,713 on Debian) are
 *                           parked first, so that the new goroutine's stack
 *                           is past the runtime's budget of guarded stacks
 *                           (max_map_count / 16)
 * The recursing goroutine prints "goid=N" (flushed) first.  Expected:
 * "fatal error: stack overflow in goroutine N" on stderr, exit 2.
 */
#include <gocc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gocc_chan(int) never, started;

/* Each frame holds a volatile array, so neither the frame nor the
 * recursion can be optimised away.  keep_going is always 1: it only hides
 * the infinite recursion from the compiler's warning. */
static volatile int keep_going = 1;

static int recurse(int depth) {
    volatile char pad[256];
    pad[depth & 255] = (char)depth;
    int r = keep_going ? recurse(depth + 1) : 0;
    return r + pad[(depth * 7) & 255];
}

static void overflow(void *arg) {
    (void)arg;
    printf("goid=%lld\n", (long long)gocc_goid());
    fflush(stdout);
    printf("%d\n", recurse(0));
}

static void parked(void *arg) {
    (void)arg;
    gocc_send(started, 1);
    (void)gocc_recv(never);
}

/* The runtime guards the first max_map_count / 16 stacks. */
static long guard_budget(void) {
    long maps = 65530;
    FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
    if (f) {
        if (fscanf(f, "%ld", &maps) != 1)
            maps = 65530;
        fclose(f);
    }
    return maps / 16;
}

static int run(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "";
    never = gocc_make(int, 0);
    started = gocc_make(int, 0);
    if (!strcmp(m, "unguarded")) {
        long n = argc > 2 ? atol(argv[2]) : guard_budget() + 618;
        for (long i = 0; i < n; i++)
            gocc_go(parked, NULL);
        for (long i = 0; i < n; i++)   /* all of them are running */
            (void)gocc_recv(started);
        /* ... and let each finish parking on `never`: the overflow below
         * runs through its slab neighbours' stacks (an unguarded stack's
         * overflow is caught only when it reaches the slab's guard), and
         * a neighbour still runnable on another worker would crash there
         * first, on its smashed context, instead of the overflow being
         * reported */
        gocc_sleep_ms(200);
        printf("parked=%ld\n", n);
    } else if (strcmp(m, "guarded")) {
        fprintf(stderr, "crash_stack: unknown case '%s'\n", m);
        return 100;
    }
    gocc_go(overflow, NULL);
    (void)gocc_recv(never);
    return 0;
}

GOCC_MAIN(run)
