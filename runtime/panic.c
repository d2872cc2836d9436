/*
 * panic.c - runtime panics and fatal errors.
 *
 * gocc_panic prints Go's shape to stderr:
 *     panic: <message>
 *
 *     goroutine <id> [running]:
 *     <backtrace>
 * and exits with status 2 (exit(), so buffered stdout is flushed, as Go's
 * unbuffered output would already be on the terminal).  Fatal runtime
 * errors (deadlock, stack overflow) print "fatal error: <message>".  The
 * stack-overflow path runs in a signal handler and uses write()/_exit()
 * only.
 */
#include "internal.h"

#include <execinfo.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

void panic_write(const char *s) {
    size_t n = strlen(s);
    while (n > 0) {
        /* the system call itself: write() is the runtime's own hook
         * (iohook.c), which this may not enter from a signal handler */
        ssize_t w = syscall(SYS_write, 2, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* The first thread to die reports; any other that fails at the same time
 * (two idle workers both seeing the deadlock, a panic racing a fatal error)
 * waits for the exit instead of interleaving its own report. */
static atomic_int dying;

static void die_once(void) {
    if (atomic_exchange(&dying, 1))
        for (;;)
            pause();
}

/* After a fatal message: the goroutines GOCC_TRACEBACK asks for, after a
 * blank line (none; with "single" and !all the current one; else every
 * goroutine), then the end: SIGABRT with "crash" (signal handler reset,
 * for a core dump), else exit 2. */
_Noreturn static void dump_and_die(bool all) {
    int level = traceback_level();
    if (level >= 1) {
        panic_write("\n");
        gocc_g *g = g_current();
        if (all || level >= 2) {
            traceback_all();
        } else if (g && g->kind == G_GOROUTINE) {
            traceback_g(g);
        } else {
            panic_write("thread (not a goroutine) [running]:\n");
            void *pcs[64];
            int n = backtrace(pcs, 64);
            if (n > 1)
                backtrace_symbols_fd(pcs + 1, n - 1, 2);
        }
    }
    if (level >= 3) {
        signal(SIGABRT, SIG_DFL);
        abort();
    }
    exit(2);
}

_Noreturn void gocc_panic(const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    die_once();
    fflush(stdout);
    char head[1200];
    snprintf(head, sizeof head, "panic: %s\n", msg);
    panic_write(head);
    dump_and_die(false);
}

_Noreturn void gocc_fatal_deadlock(void) {
    die_once();
    fflush(stdout);
    panic_write("fatal error: all goroutines are asleep - deadlock!\n");
    dump_and_die(true);
}

_Noreturn void gocc_fatal_sigquit(void) {
    die_once();
    fflush(stdout);
    panic_write("SIGQUIT: quit\n\n");
    traceback_all();
    exit(2);
}

_Noreturn void gocc_throw(const char *msg) {
    die_once();
    fflush(stdout);
    panic_write("fatal error: ");
    panic_write(msg);
    panic_write("\n");
    exit(2);
}

_Noreturn void gocc_fatal_stack_overflow(int64_t goid) {
    char buf[80], num[24];
    int i = 0;
    uint64_t v = (uint64_t)goid;
    die_once();   /* async-signal-safe: an atomic and pause() */
    do
        num[i++] = (char)('0' + v % 10);
    while ((v /= 10) && i < 23);
    char *p = buf;
    const char *pre = "fatal error: stack overflow in goroutine ";
    memcpy(p, pre, strlen(pre));
    p += strlen(pre);
    while (i)
        *p++ = num[--i];
    *p++ = '\n';
    *p = 0;
    panic_write(buf);
    _exit(2);
}
