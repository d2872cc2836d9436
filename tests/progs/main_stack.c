/*
 * main_stack.c - goroutine 1's stack, for test_crash.c.
 *   main_stack LIMIT MODE KIB
 * LIMIT is the RLIMIT_STACK soft limit to run under, in KiB, or
 * "unlimited": the program sets it and executes itself again before the
 * runtime starts (as `ulimit -s LIMIT; main_stack ...` would); exit 77 if
 * the hard limit does not allow it, or if the limit is not LIMIT after
 * that one exec (TSan's start-up lowers an unlimited one).  MODE:
 *   deep       main recurses KIB KiB deep, then prints "main KIB KiB ok"
 *   goroutine  a second goroutine does the same, printing "goroutine KIB
 *              KiB ok" (or dying of its stack overflow)
 *   overflow   main recurses without bound, printing "main past N KiB"
 *              (flushed) at every 256 KiB; the runtime must report
 *              "fatal error: stack overflow in goroutine 1", exit 2
 * Depth is measured in bytes of the machine stack (frame addresses), not
 * in frames, so it means the same under ASan (whose frames are larger).
 */
#include <gocc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static volatile int keep_going = 1;
static char *top;
static long want;       /* bytes to recurse; < 0: without bound */
static long milestone;

/* A frame of about a kilobyte that neither the recursion nor the array
 * can be optimised away from: the array is volatile, keep_going is
 * always 1 (it hides the unbounded recursion from the compiler). */
static int recurse(int depth) {
    volatile char pad[1000];
    pad[depth % 1000] = (char)depth;
    long used = top - (char *)__builtin_frame_address(0);
    if (want >= 0 && used >= want)
        return pad[(depth * 7) % 1000];
    if (want < 0 && used >= milestone) {
        printf("main past %ld KiB\n", milestone / 1024);
        fflush(stdout);
        milestone += 256 * 1024;
    }
    int r = keep_going ? recurse(depth + 1) : 0;
    return r + pad[(depth * 7) % 1000];
}

static void run(const char *who) {
    top = __builtin_frame_address(0);
    (void)recurse(0);
    printf("%s %ld KiB ok\n", who, want / 1024);
}

static gocc_chan(int) done;

static void in_goroutine(void *arg) {
    (void)arg;
    run("goroutine");
    gocc_send(done, 1);
}

static int user_main(int argc, char **argv) {
    const char *mode = argv[2];
    want = argc > 3 ? atol(argv[3]) * 1024 : 0;
    if (strcmp(mode, "deep") == 0) {
        run("main");
    } else if (strcmp(mode, "goroutine") == 0) {
        done = gocc_make(int, 0);
        gocc_go(in_goroutine, NULL);
        (void)gocc_recv(done);
    } else if (strcmp(mode, "overflow") == 0) {
        want = -1;
        milestone = 256 * 1024;
        run("main");
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: main_stack LIMIT MODE [KIB]\n");
        return 1;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) != 0)
        return 1;
    rlim_t lim = strcmp(argv[1], "unlimited") == 0
                     ? RLIM_INFINITY
                     : (rlim_t)atol(argv[1]) * 1024;
    if (rl.rlim_cur != lim) {
        /* once only: TSan, for one, executes a program whose limit is
         * unlimited again with 32 MiB, and we would set it back forever */
        if (getenv("MAIN_STACK_EXECED"))
            return 77;
        if (rl.rlim_max != RLIM_INFINITY &&
            (lim == RLIM_INFINITY || lim > rl.rlim_max))
            return 77;          /* the hard limit does not allow it */
        rl.rlim_cur = lim;
        if (setrlimit(RLIMIT_STACK, &rl) != 0 ||
            setenv("MAIN_STACK_EXECED", "1", 1) != 0)
            return 77;
        execv("/proc/self/exe", argv);
        perror("execv");
        return 1;
    }
    return gocc_main(user_main, argc, argv);
}
