/*
 * io_deadlock.c - deadlock detection with goroutines waiting on
 * descriptors (LANGUAGE.md section 12, "Deadlock"), run by test_io:
 *   timerfd   every goroutine waits on a timerfd (no timer of the runtime,
 *             no other thread): not a deadlock; prints "ok", exits 0
 *   after_io  the same wait, then main blocks on a channel nobody sends
 *             on: that is a deadlock (exit 2), so the wait was counted
 *             and uncounted
 */
#include <gocc.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

static int wait_timerfd(int ms) {
    int t = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = {{0, 0}, {ms / 1000, (ms % 1000) * 1000000L}};
    if (t < 0 || timerfd_settime(t, 0, &its, NULL) < 0)
        return -1;
    uint64_t n = 0;
    ssize_t r = read(t, &n, sizeof n);   /* parks: the runtime's read */
    close(t);
    return r == sizeof n && n == 1 ? 0 : -1;
}

static void helper(void *p) {
    *(int *)p = wait_timerfd(200);
}

static int body(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    int helper_ok = -1;
    gocc_go(helper, &helper_ok);
    if (wait_timerfd(300) < 0 || helper_ok != 0) {
        printf("timerfd wait failed\n");
        return 1;
    }
    if (!strcmp(mode, "after_io")) {
        gocc_chan(int) c = gocc_make(int, 0);
        printf("%d\n", gocc_recv(c));
    }
    printf("ok\n");
    return 0;
}

GOCC_MAIN(body)
