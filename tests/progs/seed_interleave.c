/*
 * seed_interleave.c - a run that depends on every scheduling decision, for
 * test_seed.c (run with GOCC_MAXPROCS=1 and GOCC_SEED=s).  Four producers
 * send tagged values on their own buffered channels, yielding now and
 * then; a consumer selects over all four (several cases ready at once:
 * the runtime's random choice decides), and two goroutines exchange values
 * through selects that can both send and receive.  Every event is printed
 * in the order it happens: the select choices and the interleaving of the
 * goroutines.  The same seed must give byte-identical output.
 */
#include <gocc.h>

#include <stdbool.h>
#include <stdio.h>

enum { NPROD = 4, PER = 25, ROUNDS = 40 };

static gocc_chan(int) prod[NPROD], pa, pb, done;

static void producer(void *arg) {
    int k = (int)(long)arg;
    for (int i = 0; i < PER; i++) {
        gocc_send(prod[k], k * 1000 + i);
        printf("p%d:%d ", k, i);
        if ((i + k) % 3 == 0)
            gocc_yield();
    }
    gocc_close(prod[k]);
    gocc_send(done, 1);
}

static void consumer(void *arg) {
    (void)arg;
    int open = NPROD;
    gocc_chan(int) ch[NPROD];
    for (int k = 0; k < NPROD; k++)
        ch[k] = prod[k];
    while (open > 0) {
        gocc_yield();   /* let the producers fill their buffers */
        int v[NPROD];
        gocc_select_case c[NPROD];
        for (int k = 0; k < NPROD; k++)
            c[k] = gocc_case_recv(ch[k], &v[k]);
        int i = gocc_select(c, NPROD, false);
        if (!c[i].ok) {
            ch[i] = 0;   /* closed: never ready again */
            open--;
            printf("\nclosed%d\n", i);
        } else {
            printf("c%d=%d ", i, v[i]);
        }
    }
    gocc_send(done, 1);
}

/* Two goroutines; each round both offer to send and to receive on the
 * pair of channels, and the choice decides who sends. */
static void swapper(void *arg) {
    int me = (int)(long)arg;
    gocc_chan(int) out = me ? pb : pa, in = me ? pa : pb;
    for (int r = 0; r < ROUNDS; r++) {
        int send = me * 100 + r, got = -1;
        gocc_select_case c[2] = {gocc_case_send(out, &send),
                                 gocc_case_recv(in, &got)};
        int i = gocc_select(c, 2, false);
        printf("s%d:%s%d ", me, i == 0 ? "sent" : "got", i == 0 ? send : got);
        if (r % 4 == me)
            gocc_yield();
    }
    gocc_send(done, 1);
}

static int run(int argc, char **argv) {
    (void)argc;
    (void)argv;
    for (int k = 0; k < NPROD; k++)
        prod[k] = gocc_make(int, 4);
    pa = gocc_make(int, 1);
    pb = gocc_make(int, 1);
    done = gocc_make(int, NPROD + 3);
    for (long k = 0; k < NPROD; k++)
        gocc_go(producer, (void *)k);
    gocc_go(consumer, NULL);
    gocc_go(swapper, (void *)0L);
    gocc_go(swapper, (void *)1L);
    for (int i = 0; i < NPROD + 3; i++)
        (void)gocc_recv(done);
    printf("\nend\n");
    return 0;
}

GOCC_MAIN(run)
