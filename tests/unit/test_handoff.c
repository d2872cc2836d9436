/*
 * test_handoff.c - calls the runtime cannot park keep the program running
 * (LANGUAGE.md section 12, "Everything else"): a goroutine stuck in a
 * pthread mutex, a waitpid, a long computation, regular-file I/O or
 * getaddrinfo loses its worker's slot to another thread (sysmon.c), so a
 * ticker goroutine queued behind it keeps ticking; and GOCC_MAXTHREADS
 * bounds the threads that takes.
 *
 * ctest runs this program with GOCC_MAXPROCS=1 (test_handoff) and 2
 * (test_handoff_procs2); each stall test stalls every worker at once.  A
 * stall lasts STALL_MS; the ticker (a 10 ms sleep loop) must never wait
 * more than half of that, which without the handoff it would (it waits
 * for the whole stall).
 */
#include "support.h"

#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <gocc.h>

#include "harness.h"

enum { MS = 1000000, STALL_MS = 800, TICK_MS = 10 };

/* ------------------------------------------------------------ the ticker */

typedef struct ticker {
    atomic_int stop, done, ticks;
    int64_t worst_ns;   /* longest wait for one 10 ms tick */
} ticker;

static void tick_loop(void *p) {
    ticker *t = p;
    int64_t last = gocc_nanotime();
    while (!atomic_load(&t->stop)) {
        gocc_sleep_ms(TICK_MS);
        int64_t now = gocc_nanotime();
        if (now - last > t->worst_ns)
            t->worst_ns = now - last;
        last = now;
        atomic_fetch_add(&t->ticks, 1);
    }
    atomic_store(&t->done, 1);
}

static ticker *ticker_start(void) {
    ticker *t = calloc(1, sizeof *t);
    assert_non_null(t);
    gocc_go(tick_loop, t);
    assert_true(wait_flag_for(&t->ticks, 2, 5000));
    return t;
}

/* Stop t; fail if it ever waited more than half a stall for a tick. */
static void ticker_check(ticker *t, const char *what) {
    atomic_store(&t->stop, 1);
    assert_true(wait_flag_for(&t->done, 1, 5000));
    int64_t worst = t->worst_ns;
    free(t);
    if (worst > STALL_MS / 2 * (int64_t)MS)
        fail_msg("%s: a %d ms ticker waited %.1f ms for a tick", what,
                 TICK_MS, worst / 1e6);
}

/* Run nm copies of fn (one per worker) beside a ticker; wait for them. */
typedef struct stall {
    void (*fn)(struct stall *);
    atomic_int started, finished, held;
    pthread_mutex_t mu;
} stall;

static void stall_entry(void *p) {
    stall *s = p;
    atomic_fetch_add(&s->started, 1);
    s->fn(s);
    atomic_fetch_add(&s->finished, 1);
}

static void run_stalls(void (*fn)(stall *), stall *s, const char *what) {
    int nm = gocc_maxprocs();
    ticker *t = ticker_start();
    s->fn = fn;
    for (int i = 0; i < nm; i++)
        gocc_go(stall_entry, s);
    bool ok = wait_flag_for(&s->finished, nm, 4 * STALL_MS + 5000);
    ticker_check(t, what);
    assert_true(ok);
}

/* --------------------------------------------------- a pthread mutex */

static void *hold_mutex(void *p) {
    stall *s = p;
    pthread_mutex_lock(&s->mu);
    atomic_store(&s->held, 1);
    sleep_thread_us(STALL_MS * 1000L);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static void lock_it(stall *s) {
    pthread_mutex_lock(&s->mu);
    pthread_mutex_unlock(&s->mu);
}

/* Every worker's goroutine waits on a pthread mutex a plain thread holds
 * for STALL_MS. */
static void test_stuck_in_pthread_mutex(void **state) {
    (void)state;
    begin(__func__);
    stall s = {0};
    pthread_mutex_init(&s.mu, NULL);
    pthread_t h;
    assert_int_equal(pthread_create(&h, NULL, hold_mutex, &s), 0);
    assert_true(wait_flag_for(&s.held, 1, 5000));
    run_stalls(lock_it, &s, "pthread_mutex_lock");
    pthread_join(h, NULL);
    finish();
}

/* ------------------------------------------------------------ waitpid */

static void wait_child(stall *s) {
    (void)s;
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = {STALL_MS / 1000, (STALL_MS % 1000) * MS};
        syscall(SYS_nanosleep, &ts, NULL);   /* no libc: a forked child */
        _exit(7);
    }
    int status = 0;
    CHECK(pid > 0);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
}

/* Every worker's goroutine waits in waitpid for a child that lives
 * STALL_MS. */
static void test_stuck_in_waitpid(void **state) {
    (void)state;
    begin(__func__);
    stall s = {0};
    run_stalls(wait_child, &s, "waitpid");
    finish();
}

/* ------------------------------------------------------- computation */

static void compute(stall *s) {
    (void)s;
    int64_t t0 = gocc_nanotime();
    volatile uint64_t x = 0;
    while (gocc_nanotime() - t0 < STALL_MS * (int64_t)MS)
        x = x * 6364136223846793005ull + 1;
}

/* Every worker's goroutine computes for STALL_MS without a switch. */
static void test_stuck_in_computation(void **state) {
    (void)state;
    begin(__func__);
    stall s = {0};
    run_stalls(compute, &s, "computation");
    finish();
}

/* ---------------------------------------------------- a raw system call */

static void raw_sleep(stall *s) {
    (void)s;
    struct timespec ts = {STALL_MS / 1000, (STALL_MS % 1000) * MS};
    syscall(SYS_nanosleep, &ts, NULL);
}

/* Every worker's goroutine sleeps in a system call made around libc (as
 * a library's own blocking call would). */
static void test_stuck_in_raw_syscall(void **state) {
    (void)state;
    begin(__func__);
    stall s = {0};
    run_stalls(raw_sleep, &s, "syscall(SYS_nanosleep)");
    finish();
}

/* ------------------------------------------- regular files, many at once */

enum { NFILES = 48, FILE_BYTES = 256 * 1024 };

typedef struct file_job {
    char path[256];
    int index;
    atomic_int *done;
    atomic_int *bad;
} file_job;

/* Write a file with its own pattern, fsync it, read it back. */
static void file_roundtrip(void *p) {
    file_job *j = p;
    unsigned char *buf = malloc(FILE_BYTES), *back = malloc(FILE_BYTES);
    int fd = -1;
    bool ok = buf && back;
    if (ok) {
        for (int i = 0; i < FILE_BYTES; i++)
            buf[i] = (unsigned char)(i * 7 + j->index);
        fd = open(j->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
        ok = fd >= 0;
    }
    if (ok)
        ok = write(fd, buf, FILE_BYTES) == FILE_BYTES && fsync(fd) == 0 &&
             lseek(fd, 0, SEEK_SET) == 0;
    size_t got = 0;
    while (ok && got < FILE_BYTES) {
        ssize_t n = read(fd, back + got, FILE_BYTES - got);
        if (n <= 0)
            ok = false;
        else
            got += (size_t)n;
        gocc_yield();
    }
    if (ok)
        ok = memcmp(buf, back, FILE_BYTES) == 0;
    if (fd >= 0)
        close(fd);
    unlink(j->path);
    free(buf);
    free(back);
    if (!ok)
        atomic_fetch_add(j->bad, 1);
    atomic_fetch_add(j->done, 1);
}

/* NFILES goroutines write, fsync and read back their own regular file at
 * once (blocking calls, never parked); all data comes back whole. */
static void test_regular_files_from_many_goroutines(void **state) {
    (void)state;
    begin(__func__);
    static file_job jobs[NFILES];
    atomic_int done = 0, bad = 0;
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    for (int i = 0; i < NFILES; i++) {
        snprintf(jobs[i].path, sizeof jobs[i].path, "%s/gocc_handoff_%d_%d",
                 dir, (int)getpid(), i);
        jobs[i].index = i;
        jobs[i].done = &done;
        jobs[i].bad = &bad;
        gocc_go(file_roundtrip, &jobs[i]);
    }
    assert_true(wait_flag_for(&done, NFILES, 60000));
    assert_int_equal(atomic_load(&bad), 0);
    finish();
}

/* ---------------------------------------------------------- getaddrinfo */

enum { NLOOKUPS = 32 };

typedef struct lookup {
    atomic_int done, ok;
} lookup;

static void resolve_localhost(void *p) {
    lookup *l = p;
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo("localhost", "80", &hints, &res) == 0 && res) {
        atomic_fetch_add(&l->ok, 1);
        freeaddrinfo(res);
    }
    atomic_fetch_add(&l->done, 1);
}

/* NLOOKUPS goroutines call getaddrinfo at once (answered from /etc/hosts:
 * no network needed); every one gets an answer. */
static void test_getaddrinfo_from_many_goroutines(void **state) {
    (void)state;
    begin(__func__);
    lookup l = {0};
    for (int i = 0; i < NLOOKUPS; i++)
        gocc_go(resolve_localhost, &l);
    assert_true(wait_flag_for(&l.done, NLOOKUPS, 30000));
    assert_int_equal(atomic_load(&l.ok), NLOOKUPS);
    finish();
}

/* ------------------------------------------------------ GOCC_MAXTHREADS */

/* Four goroutines stuck on one worker need more threads than
 * GOCC_MAXTHREADS=3 (the worker, sysmon, one more) allows. */
static void test_thread_exhaustion(void **state) {
    (void)state;
    child_expect("handoff_exhaust", "stuck", "GOCC_MAXTHREADS=3", 2,
                 "fatal error: thread exhaustion");
}

/* A limit below the workers plus sysmon fails at start-up. */
static void test_thread_limit_below_workers(void **state) {
    (void)state;
    child_expect("handoff_exhaust", "start", "GOCC_MAXTHREADS=1", 2,
                 "fatal error: thread exhaustion");
}

/* Under the limit, the same program runs to completion. */
static void test_thread_limit_enough(void **state) {
    (void)state;
    child_expect("handoff_exhaust", "stuck", "GOCC_MAXTHREADS=16", 0,
                 "");
}

int main(void) {
    signal(SIGALRM, on_alarm);
    gocc_maxprocs(); /* start the runtime from the main thread */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stuck_in_pthread_mutex),
        cmocka_unit_test(test_stuck_in_waitpid),
        cmocka_unit_test(test_stuck_in_computation),
        cmocka_unit_test(test_stuck_in_raw_syscall),
        cmocka_unit_test(test_regular_files_from_many_goroutines),
        cmocka_unit_test(test_getaddrinfo_from_many_goroutines),
        cmocka_unit_test(test_thread_exhaustion),
        cmocka_unit_test(test_thread_limit_below_workers),
        cmocka_unit_test(test_thread_limit_enough),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
