/*
 * support.h - helpers shared by the unit tests: running a test program as
 * a child process with extra environment, capturing its stdout, stderr and
 * exit status, with a time limit (a hang fails the test, it never blocks
 * ctest).
 */
#ifndef GOCC_TEST_SUPPORT_H
#define GOCC_TEST_SUPPORT_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct child_result {
    int exited;        /* 1 if it exited normally */
    int status;        /* exit status, or the signal number */
    int timed_out;
    char out[1 << 16]; /* stdout, NUL-terminated (truncated if longer) */
    char err[1 << 16]; /* stderr */
} child_result;

/* Remove from err every line of ASan's notice about makecontext and
 * swapcontext (the runtime annotates every switch, so it is only a notice,
 * not the program's output: tests/gc/run.cmake drops it too). */
static inline void drop_asan_notice(char *err) {
    static const char tail[] = "WARNING: ASan doesn't fully support "
                               "makecontext/swapcontext functions";
    char *p = err;
    while ((p = strstr(p, "==")) != NULL) {
        char *eol = strchr(p, '\n');
        char *hit = strstr(p, tail);
        if (hit && (!eol || hit < eol) && (p == err || p[-1] == '\n')) {
            size_t cut = eol ? (size_t)(eol + 1 - p) : strlen(p);
            memmove(p, p + cut, strlen(p + cut) + 1);
        } else {
            p += 2;
        }
    }
}

/* Run argv[0] (a path) with argv, adding the NULL-terminated list of
 * "NAME=value" strings in env to the environment.  Kills it after
 * timeout_s seconds.  Returns a malloc'ed result (free it); ASan's
 * makecontext notice is dropped from its stderr. */
static inline child_result *run_child(char *const argv[], char *const env[],
                                      int timeout_s) {
    child_result *r = calloc(1, sizeof *r);
    int po[2], pe[2];
    if (!r || pipe(po) || pipe(pe))
        abort();
    pid_t pid = fork();
    if (pid == 0) {
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]); close(pe[0]); close(po[1]); close(pe[1]);
        for (int i = 0; env && env[i]; i++)
            putenv(env[i]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    size_t no = 0, ne = 0;
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int open_fds = 2;
    while (open_fds > 0) {
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long left = timeout_s * 1000L - ((t1.tv_sec - t0.tv_sec) * 1000L +
                                         (t1.tv_nsec - t0.tv_nsec) / 1000000);
        if (left <= 0) {
            r->timed_out = 1;
            kill(pid, SIGKILL);
            break;
        }
        if (poll(fds, 2, (int)left) <= 0)
            continue;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            char *buf = i == 0 ? r->out : r->err;
            size_t *n = i == 0 ? &no : &ne;
            char tmp[4096];
            ssize_t k = read(fds[i].fd, tmp, sizeof tmp);
            if (k <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
                continue;
            }
            size_t room = sizeof r->out - 1 - *n;
            size_t take = (size_t)k < room ? (size_t)k : room;
            memcpy(buf + *n, tmp, take);
            *n += take;
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    int st;
    waitpid(pid, &st, 0);
    if (WIFEXITED(st)) {
        r->exited = 1;
        r->status = WEXITSTATUS(st);
    } else {
        r->status = WTERMSIG(st);
    }
    drop_asan_notice(r->err);
    return r;
}

/* TSan gives every goroutine a fiber of its own: a ThreadState of about
 * 260 KiB in its own mapping.  Tens of thousands of live goroutines exceed
 * vm.max_map_count under TSan ("ThreadSanitizer failed to allocate"), so
 * the tests that need them skip themselves in TSan builds (they run in
 * every other configuration). */
#ifdef GOCC_TEST_TSAN
#define SKIP_UNDER_TSAN(why)                                                  \
    do {                                                                      \
        print_message("skipped under TSan: %s\n", why);                        \
        skip();                                                               \
    } while (0)
#else
#define SKIP_UNDER_TSAN(why) ((void)0)
#endif

/* Print a child's status and output (for a failing test's log). */
static inline void print_child(const child_result *r) {
    fprintf(stderr, "exited=%d status=%d timed_out=%d\n--- stdout:\n%s\n"
                    "--- stderr:\n%s\n",
            r->exited, r->status, r->timed_out, r->out, r->err);
}

/* The integer after "name=" in the child's stdout, into *v; false (and
 * the child's output printed) if there is none. */
static inline bool child_field(const child_result *r, const char *name,
                               long *v) {
    char key[64];
    snprintf(key, sizeof key, "%s=", name);
    const char *p = strstr(r->out, key);
    if (!p) {
        print_child(r);
        return false;
    }
    *v = atol(p + strlen(key));
    return true;
}

/* Path of a test program built from tests/progs/<name>.c. */
#define PROG(name) GOCC_PROGS_DIR "/" name

#endif
