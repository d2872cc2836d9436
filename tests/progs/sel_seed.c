/*
 * sel_seed.c - select choices under GOCC_MAXPROCS=1 and GOCC_SEED, for
 * test_select.c: prints the case chosen by 400 selects over four ready
 * channels (from main), then by 200 selects made in goroutines that race
 * on two channels.  With the same seed two runs print the same.
 */
#include <gocc.h>
#include <stdbool.h>
#include <stdio.h>

typedef gocc_chan(int) ichan;

static ichan results;

static void chooser(void *p) {
    ichan *c = p;
    int x;
    gocc_select_case cs[] = {gocc_case_recv(c[0], &x),
                             gocc_case_recv(c[1], &x)};
    gocc_send(results, gocc_select(cs, 2, false));
}

static int run(int argc, char **argv) {
    (void)argc;
    (void)argv;
    ichan c[4];
    for (int i = 0; i < 4; i++) {
        c[i] = gocc_make(int, 1);
        gocc_send(c[i], i);
    }
    for (int n = 0; n < 400; n++) {
        int x;
        gocc_select_case cs[4];
        for (int i = 0; i < 4; i++)
            cs[i] = gocc_case_recv(c[i], &x);
        int k = gocc_select(cs, 4, false);
        printf("%d", k);
        gocc_send(c[k], k);
    }
    printf("\n");
    results = gocc_make(int, 0);
    ichan two[2] = {gocc_make(int, 200), gocc_make(int, 200)};
    for (int i = 0; i < 200; i++) {
        gocc_send(two[0], 0);
        gocc_send(two[1], 1);
    }
    for (int n = 0; n < 200; n++)
        gocc_go(chooser, two);
    for (int n = 0; n < 200; n++)
        printf("%d", gocc_recv(results));
    printf("\n");
    for (int i = 0; i < 4; i++)
        gocc_chan_free(c[i]);
    gocc_chan_free(two[0]);
    gocc_chan_free(two[1]);
    gocc_chan_free(results);
    return 0;
}

GOCC_MAIN(run)
