/*
 * pingpong.c - the runtime from plain C: two goroutines bounce a counter
 * over two unbuffered channels while a third producer fills a buffered
 * channel that main drains; a wait group joins them.
 */
#include <gocc.h>
#include <stdio.h>

typedef struct {
    gocc_chan(int) in, out;
    int rounds;
    gocc_waitgroup *wg;
} player;

static void play(void *p) {
    player *pl = p;
    for (int i = 0; i < pl->rounds; i++) {
        int v = gocc_recv(pl->in);
        gocc_send(pl->out, v + 1);
    }
    gocc_wg_done(pl->wg);
}

static void produce(void *p) {
    gocc_chan(int) ch = *(gocc_chan(int) *)p;
    for (int i = 1; i <= 10; i++)
        gocc_send(ch, i * i);
    gocc_close(ch);
}

static int real_main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    gocc_chan(int) ping = gocc_make(int, 0), pong = gocc_make(int, 0);
    gocc_waitgroup wg = GOCC_WAITGROUP_INIT;
    player a = {ping, pong, 1000, &wg};
    gocc_wg_add(&wg, 1);
    gocc_go(play, &a);
    int v = 0;
    for (int i = 0; i < 1000; i++) {
        gocc_send(ping, v);
        v = gocc_recv(pong) + 1;
    }
    gocc_wg_wait(&wg);
    printf("pingpong: %d\n", v);

    gocc_chan(int) squares = gocc_make(int, 4);
    gocc_go_copy(produce, &squares, sizeof squares);
    int sum = 0, x;
    while (gocc_recv_ok(squares, &x))
        sum += x;
    printf("sum of squares: %d\n", sum);
    gocc_chan_free(ping);
    gocc_chan_free(pong);
    gocc_chan_free(squares);
    return 0;
}

GOCC_MAIN(real_main)
