/*
 * dump_internals.c - goroutine dumps' details that a program cannot reach
 * in a test's time, set up through the runtime's internal functions, for
 * test_crash.c:
 *   wait_minutes  goroutine 2 waits on a channel; its park stamp is moved
 *                 back three minutes; then main panics: run with
 *                 GOCC_TRACEBACK=all, the dump must say "goroutine 2
 *                 [chan receive, 3 minutes]:".  (A panic, not a deadlock:
 *                 under qemu-user, tests/run-aarch64-qemu, the deadlock
 *                 check counts qemu's threads as the program's and never
 *                 fires.)
 */
#include "../../runtime/internal.h"

#include <stdio.h>
#include <string.h>

static gocc_chan(int) never;

static void waiter(void *arg) {
    (void)arg;
    (void)gocc_recv(never);
}

static int run(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "";
    if (strcmp(m, "wait_minutes") != 0) {
        printf("unknown case %s\n", m);
        return 1;
    }
    never = gocc_make(int, 0);
    gocc_go(waiter, NULL);
    gocc_sleep_ms(20);                  /* waiter parks */
    gocc_g *gs[8];
    int n = stack_live_gs(gs, 8);
    for (int i = 0; i < n; i++)
        if (gs[i]->id == 2)
            gs[i]->wait_since -= 3 * 60 * 1000000000LL + 1000000000LL;
    gocc_panic("dumped");
}

GOCC_MAIN(run)
