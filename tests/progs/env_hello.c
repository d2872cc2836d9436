/*
 * env_hello.c - a trivial program for test_env.c: main spawns a goroutine,
 * receives its answer and prints "main ran 42".  The test runs it with
 * good and bad settings in the environment.
 */
#include <gocc.h>

#include <stdio.h>

static void answer(void *p) {
    gocc_chan(int) *ch = p;
    gocc_send(*ch, 42);
}

static int prog_main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    gocc_chan(int) ch = gocc_make(int, 0);
    gocc_go(answer, &ch);
    printf("main ran %d\n", gocc_recv(ch));
    gocc_chan_free(ch);
    return 0;
}

GOCC_MAIN(prog_main)
