/*
 * crash_exit.c - how the program ends, for test_crash.c.
 *   crash_exit main_returns   main returns 3 while other goroutines are
 *                             blocked, yielding in a loop, or spinning
 *                             without ever yielding: exit status 3 at once
 *   crash_exit goroutine_exit a goroutine other than main calls exit(4)
 *                             while main is blocked: exit status 4
 */
#include <gocc.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gocc_chan(int) never, started;
static atomic_int stop, spinning;

static void blocked(void *arg) {
    (void)arg;
    gocc_send(started, 1);
    (void)gocc_recv(never);
}

static void yielder(void *arg) {
    (void)arg;
    gocc_send(started, 1);
    while (!atomic_load(&stop))
        gocc_yield();
}

static void spinner(void *arg) {
    (void)arg;
    atomic_store(&spinning, 1);
    while (!atomic_load(&stop))
        ;
}

static void exiter(void *arg) {
    (void)arg;
    fflush(stdout);
    exit(4);
}

static int run(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "";
    never = gocc_make(int, 0);
    started = gocc_make(int, 16);
    if (!strcmp(m, "main_returns")) {
        /* Scheduling is cooperative: once the spinner runs, its worker is
         * gone for good, so main waits for it by yielding (through the
         * global queue, which the other worker serves), never by parking
         * (a wakeup could put main in the spinner's local queue). */
        for (int i = 0; i < 3; i++)
            gocc_go(yielder, NULL);
        for (int i = 0; i < 3; i++)
            gocc_go(blocked, NULL);
        for (int i = 0; i < 6; i++)
            (void)gocc_recv(started);
        gocc_go(spinner, NULL);
        while (!atomic_load(&spinning))
            gocc_yield();
        puts("returning 3");
        return 3;
    }
    if (!strcmp(m, "goroutine_exit")) {
        gocc_go(exiter, NULL);
        (void)gocc_recv(never);
        puts("main was woken");
        return 0;
    }
    fprintf(stderr, "crash_exit: unknown case '%s'\n", m);
    return 100;
}

GOCC_MAIN(run)
