/*
 * sel_panic.c - selects that must panic or block forever, one per mode,
 * for test_select.c.  Usage: sel_panic MODE.  If the runtime lets the
 * program go on, it prints "no panic" and exits 0.
 *   send_closed          send case on a closed channel (no default)
 *   send_closed_default  the same with a default
 *   blocked_send_closed  a goroutine blocked in a select with a send case;
 *                        main closes that channel
 *   empty                select {} in main, nothing else can run
 *   nil_only             a select of nil-channel cases in main
 */
#include <gocc.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef gocc_chan(int) ichan;

static atomic_int started;

static void select_sender(void *p) {
    ichan c = *(ichan *)p;
    ichan never = gocc_make(int, 0);
    int v = 1, x;
    gocc_select_case cs[] = {gocc_case_recv(never, &x), gocc_case_send(c, &v)};
    atomic_store(&started, 1);
    int k = gocc_select(cs, 2, false);
    printf("blocked select returned %d\n", k);
}

static int run(int argc, char **argv) {
    if (argc < 2) {
        fputs("usage: sel_panic MODE\n", stderr);
        return 64;
    }
    const char *mode = argv[1];
    int v = 1, x;
    if (!strcmp(mode, "send_closed") || !strcmp(mode, "send_closed_default")) {
        ichan c = gocc_make(int, 1), never = gocc_make(int, 0);
        gocc_close(c);
        gocc_select_case cs[] = {gocc_case_recv(never, &x),
                                 gocc_case_send(c, &v)};
        int k = gocc_select(cs, 2, !strcmp(mode, "send_closed_default"));
        printf("select returned %d\n", k);
    } else if (!strcmp(mode, "blocked_send_closed")) {
        ichan c = gocc_make(int, 0);
        gocc_go_copy(select_sender, &c, sizeof c);
        while (!atomic_load(&started))
            gocc_sleep_ms(1);
        gocc_sleep_ms(20);
        gocc_close(c);
        gocc_sleep_ms(3000);
    } else if (!strcmp(mode, "empty")) {
        gocc_select(NULL, 0, false);
        puts("select {} returned");
    } else if (!strcmp(mode, "nil_only")) {
        ichan nil = 0;
        gocc_select_case cs[] = {gocc_case_recv(nil, &x),
                                 gocc_case_send(nil, &v)};
        gocc_select(cs, 2, false);
        puts("nil select returned");
    } else {
        fprintf(stderr, "sel_panic: unknown mode %s\n", mode);
        return 64;
    }
    puts("no panic");
    return 0;
}

GOCC_MAIN(run)
