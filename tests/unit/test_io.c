/*
 * test_io.c - I/O in goroutines (LANGUAGE.md section 12): the libc calls
 * that park the goroutine instead of its worker, the program's flags and
 * timeouts kept, close waking waiters, plain threads untouched, and the
 * explicit calls (gocc_fd_wait, gocc_ready, gocc_listen, gocc_dial).
 *
 * ctest runs this program twice: with GOCC_MAXPROCS=1 (test_io), where a
 * call that blocked its worker would stall every other goroutine and the
 * body would hang (a failure after BODY_TIMEOUT_MS), and with two workers
 * (test_io_procs2).  Bodies that need "something else keeps running" run a
 * ticker goroutine beside the blocking call and check that it ticked.
 * Every network address is loopback; every wait is bounded.  Signals
 * the program handles do not interrupt parked calls.
 */
#include "support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <cmocka.h>

#include <gocc.h>

#include "harness.h"

enum { MS = 1000000 };

/* errno looked up afresh: a goroutine may resume on another thread, and at
 * -O2 the compiler keeps errno's address from before the call (the
 * caveat of docs/runtime.md that issue 12 removes). */
static int errno_now(void) {
    int *(*volatile loc)(void) = __errno_location;
    return *loc();
}

static void set_errno(int v) {
    int *(*volatile loc)(void) = __errno_location;
    *loc() = v;
}

static int64_t ms_since(int64_t t0) { return (gocc_nanotime() - t0) / MS; }

/* ------------------------------------------------------------- helpers */

/* Wait until *flag is set: a goroutine parks, a thread sleeps. */
static void wait_for(atomic_int *flag) {
    while (!atomic_load(flag))
        gocc_sleep_ms(1);
}

/* A goroutine that counts until *stop: proof that the worker is free. */
typedef struct ticker {
    atomic_int stop, ticks, done;
} ticker;

static void tick_run(void *p) {
    ticker *t = p;
    while (!atomic_load(&t->stop)) {
        atomic_fetch_add(&t->ticks, 1);
        gocc_sleep_ms(1);
    }
    atomic_store(&t->done, 1);
}

static void ticker_start(ticker *t) {
    memset(t, 0, sizeof *t);
    gocc_go(tick_run, t);
}

static int ticker_stop(ticker *t) {
    atomic_store(&t->stop, 1);
    wait_for(&t->done);
    return atomic_load(&t->ticks);
}

/* A TCP listener on 127.0.0.1, port chosen by the kernel; its address
 * "127.0.0.1:port" in addr. */
static int listen_local(char *addr, size_t n) {
    int l = gocc_listen("tcp", "127.0.0.1:0");
    if (l < 0)
        return -1;
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    getsockname(l, (struct sockaddr *)&sa, &sl);
    snprintf(addr, n, "127.0.0.1:%d", ntohs(sa.sin_port));
    return l;
}

static bool read_full(int fd, void *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}

/* ------------------------------------------- pipes, sleeps: one worker */

typedef struct bounce_arg {
    int in, out, n;
    atomic_int done;
} bounce_arg;

static void bounce(void *p) {
    bounce_arg *b = p;
    for (int i = 0; i < b->n; i++) {
        int v;
        if (read(b->in, &v, sizeof v) != sizeof v)
            break;
        v++;
        if (write(b->out, &v, sizeof v) != sizeof v)
            break;
    }
    atomic_store(&b->done, 1);
}

/* Two goroutines bounce a counter through two pipes: on one worker this
 * hangs unless read parks only the goroutine. */
static void pipe_pingpong(void) {
    int a[2], b[2];
    REQUIRE(pipe(a) == 0 && pipe(b) == 0);
    bounce_arg arg = {.in = a[0], .out = b[1], .n = 2000};
    gocc_go(bounce, &arg);
    int v = 0;
    for (int i = 0; i < 2000; i++) {
        CHECK_EQ(write(a[1], &v, sizeof v), sizeof v);
        CHECK_EQ(read(b[0], &v, sizeof v), sizeof v);
        v++;
    }
    CHECK_EQ(v, 4000);
    wait_for(&arg.done);
    close(a[0]); close(a[1]); close(b[0]); close(b[1]);
}
TEST_IN_GOROUTINE(pipe_pingpong)

static atomic_int sleepers;
static void sleeper(void *p) {
    switch ((int)(intptr_t)p % 4) {
    case 0: usleep(200000); break;
    case 1: {
        struct timespec t = {0, 200 * MS};
        nanosleep(&t, NULL);
        break;
    }
    case 2: {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        t.tv_nsec += 200 * MS;
        if (t.tv_nsec >= 1000000000) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
        break;
    }
    default: {
        struct timespec t = {0, 200 * MS};
        clock_nanosleep(CLOCK_REALTIME, 0, &t, NULL);
    }
    }
    atomic_fetch_add(&sleepers, 1);
}

/* Ten goroutines that each sleep 200 ms with the libc calls: together
 * 0.2 s, not 2 s (the worker runs the others meanwhile). */
static void sleeps_park(void) {
    atomic_store(&sleepers, 0);
    int64_t t0 = gocc_nanotime();
    for (intptr_t i = 0; i < 10; i++)
        gocc_go(sleeper, (void *)i);
    while (atomic_load(&sleepers) < 10)
        gocc_sleep_ms(1);
    int64_t dt = ms_since(t0);
    CHECK(dt >= 199);
    CHECK(dt < 1000);
    t0 = gocc_nanotime();
    CHECK_EQ(sleep(1), 0);
    CHECK(ms_since(t0) >= 999);
}
TEST_IN_GOROUTINE(sleeps_park)

/* ----------------------------------------------------------- TCP echo */

static void echo_conn(void *p) {
    int c = (int)(intptr_t)p;
    char buf[2048];
    for (;;) {
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0)
            break;
        if (write(c, buf, (size_t)n) != n)
            break;
    }
    close(c);
}

typedef struct server {
    int l;
    atomic_int accepted, stopped;
} server;

static void accept_loop(void *p) {
    server *s = p;
    for (;;) {
        int c = accept(s->l, NULL, NULL);
        if (c < 0) {
            if (errno_now() == EMFILE || errno_now() == ENFILE || errno_now() == ECONNABORTED)
                continue;
            break;          /* EBADF: the listener was closed */
        }
        atomic_fetch_add(&s->accepted, 1);
        gocc_go(echo_conn, (void *)(intptr_t)c);
    }
    atomic_fetch_add(&s->stopped, 1);
}

static void server_stop(server *s, int acceptors) {
    close(s->l);
    while (atomic_load(&s->stopped) < acceptors)
        gocc_sleep_ms(1);
}

typedef struct client_arg {
    const char *addr;
    int rounds;
    atomic_int *ok, *done;
} client_arg;

static void echo_client(void *p) {
    client_arg *a = p;
    int fd = gocc_dial("tcp", a->addr, 5000);
    if (fd >= 0) {
        char msg[512], back[512];
        int good = 0;
        for (int i = 0; i < a->rounds; i++) {
            memset(msg, 'a' + i % 26, sizeof msg);
            if (send(fd, msg, sizeof msg, 0) != (ssize_t)sizeof msg ||
                !read_full(fd, back, sizeof back) || memcmp(msg, back, sizeof msg))
                break;
            good++;
        }
        if (good == a->rounds)
            atomic_fetch_add(a->ok, 1);
        close(fd);
    }
    atomic_fetch_add(a->done, 1);
}

/* A goroutine per connection: 50 active clients while 200 idle
 * connections stay open; two accept loops share the listener. */
static void echo_with_idle(void) {
    char addr[64];
    server s = {.l = listen_local(addr, sizeof addr)};
    REQUIRE(s.l >= 0);
    gocc_go(accept_loop, &s);
    gocc_go(accept_loop, &s);
    enum { IDLE = 200, ACTIVE = 50 };
    int idle[IDLE];
    for (int i = 0; i < IDLE; i++) {
        idle[i] = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET,
                                 .sin_port = htons((uint16_t)atoi(strchr(addr, ':') + 1)),
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        CHECK_EQ(connect(idle[i], (struct sockaddr *)&sa, sizeof sa), 0);
    }
    atomic_int ok = 0, done = 0;
    client_arg a = {addr, 100, &ok, &done};
    for (int i = 0; i < ACTIVE; i++)
        gocc_go(echo_client, &a);
    while (atomic_load(&done) < ACTIVE)
        gocc_sleep_ms(1);
    CHECK_EQ(atomic_load(&ok), ACTIVE);
    CHECK_EQ(atomic_load(&s.accepted), IDLE + ACTIVE);
    for (int i = 0; i < IDLE; i++)
        close(idle[i]);
    server_stop(&s, 2);
}
TEST_IN_GOROUTINE(echo_with_idle)

/* Thousands of connections open at once in one process, each echoing
 * one message once all are connected. */
typedef struct many_arg {
    const char *addr;
    atomic_int *connected, *ok, *done;
    int n;
} many_arg;

static void many_client(void *p) {
    many_arg *a = p;
    int fd = gocc_dial("tcp", a->addr, 10000);
    atomic_fetch_add(a->connected, 1);
    while (fd >= 0 && atomic_load(a->connected) < a->n)
        gocc_sleep_ms(5);
    char b = 'x', back = 0;
    if (fd >= 0 && write(fd, &b, 1) == 1 && read(fd, &back, 1) == 1 && back == 'x')
        atomic_fetch_add(a->ok, 1);
    if (fd >= 0)
        close(fd);
    atomic_fetch_add(a->done, 1);
}

static void thousands_of_connections(void) {
#ifdef GOCC_TEST_TSAN
    int n = 500;    /* TSan's fibers are large: fewer goroutines */
#else
    int n = 3000;
#endif
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < (rlim_t)(2 * n + 64)) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur < (rlim_t)(2 * n + 64))
        n = (int)(rl.rlim_cur - 64) / 2;
    REQUIRE(n >= 400);
    char addr[64];
    server s = {.l = listen_local(addr, sizeof addr)};
    REQUIRE(s.l >= 0);
    gocc_go(accept_loop, &s);
    atomic_int connected = 0, ok = 0, done = 0;
    many_arg a = {addr, &connected, &ok, &done, n};
    for (int i = 0; i < n; i++)
        gocc_go(many_client, &a);
    while (atomic_load(&done) < n)
        gocc_sleep_ms(5);
    CHECK_EQ(atomic_load(&ok), n);
    server_stop(&s, 1);
}
TEST_IN_GOROUTINE(thousands_of_connections)

/* ------------------------------------------------ close wakes waiters */

typedef struct parked_call {
    int fd;
    int what;           /* 0 read, 1 accept, 2 gocc_fd_wait, 3 poll */
    ssize_t ret;
    int err;
    atomic_int started, done;
} parked_call;

static void parked_run(void *p) {
    parked_call *c = p;
    atomic_store(&c->started, 1);
    char b;
    struct pollfd pf = {c->fd, POLLIN, 0};
    switch (c->what) {
    case 0: c->ret = read(c->fd, &b, 1); break;
    case 1: c->ret = accept(c->fd, NULL, NULL); break;
    case 2: c->ret = gocc_fd_wait(c->fd, GOCC_READ, -1); break;
    default: c->ret = poll(&pf, 1, -1); if (c->ret == 1) c->ret = pf.revents; break;
    }
    c->err = errno_now();
    atomic_store(&c->done, 1);
}

/* close(fd) while another goroutine is parked on fd: its call returns -1
 * with EBADF at once (poll: POLLNVAL for the descriptor). */
static void close_wakes_parked(void) {
    for (int what = 0; what < 4; what++) {
        int fds[2];
        char addr[64];
        int fd;
        if (what == 1) {
            fd = listen_local(addr, sizeof addr);
        } else {
            REQUIRE(pipe(fds) == 0);
            fd = fds[0];
        }
        REQUIRE(fd >= 0);
        parked_call c = {.fd = fd, .what = what};
        gocc_go(parked_run, &c);
        wait_then_settle(&c.started, 1);
        CHECK_EQ(atomic_load(&c.done), 0);
        int64_t t0 = gocc_nanotime();
        close(fd);
        while (!atomic_load(&c.done) && ms_since(t0) < 2000)
            gocc_sleep_ms(1);
        REQUIRE(atomic_load(&c.done));
        CHECK(ms_since(t0) < 1000);
        if (what == 3) {
            CHECK_EQ(c.ret, POLLNVAL);
        } else {
            CHECK_EQ(c.ret, -1);
            CHECK_EQ(c.err, EBADF);
        }
        if (what != 1)
            close(fds[1]);
    }
}
TEST_IN_GOROUTINE(close_wakes_parked)

/* ------------------------------------------- the program's O_NONBLOCK */

/* A goroutine accepts one connection on listener l (at addr), which makes
 * the runtime set O_NONBLOCK on l; from a goroutine or a thread. */
static void accept_once_in_goroutine(int l, const char *addr) {
    parked_call c = {.fd = l, .what = 1};
    gocc_go(parked_run, &c);
    int fd = gocc_dial("tcp", addr, 2000);
    CHECK(fd >= 0);
    wait_for(&c.done);
    CHECK(c.ret >= 0);
    close((int)c.ret);
    close(fd);
}

static void user_nonblock(void) {
    /* a pipe the program set O_NONBLOCK: EAGAIN at once, flags as set */
    int p[2];
    REQUIRE(pipe(p) == 0);
    CHECK_EQ(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
    char b;
    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
    CHECK_EQ(fcntl(p[0], F_GETFL) & O_NONBLOCK, O_NONBLOCK);
    int64_t t0 = gocc_nanotime();
    CHECK_EQ(read(p[0], &b, 1), -1);
    CHECK_EQ(errno_now(), EAGAIN);
    CHECK(ms_since(t0) < 1000);     /* at once, not after a wait */
    close(p[0]);
    close(p[1]);

    /* a socket made with SOCK_NONBLOCK, and one switched with FIONBIO */
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
    CHECK_EQ(recv(sv[0], &b, 1, 0), -1);
    CHECK_EQ(errno_now(), EAGAIN);
    int off = 0;
    CHECK_EQ(ioctl(sv[0], FIONBIO, &off), 0);
    CHECK_EQ(fcntl(sv[0], F_GETFL) & O_NONBLOCK, 0);
    CHECK_EQ(write(sv[1], "z", 1), 1);
    CHECK_EQ(read(sv[0], &b, 1), 1);
    close(sv[0]);
    close(sv[1]);

    /* a listener: accepting in a goroutine makes the runtime set
     * O_NONBLOCK on it, which F_GETFL does not show; the program's own
     * O_NONBLOCK then gives EAGAIN, and clearing it parks again */
    char addr[64];
    int l = listen_local(addr, sizeof addr);
    REQUIRE(l >= 0);
    accept_once_in_goroutine(l, addr);
    CHECK_EQ(fcntl(l, F_GETFL) & O_NONBLOCK, 0);
    int on = 1;
    CHECK_EQ(ioctl(l, FIONBIO, &on), 0);
    CHECK_EQ(fcntl(l, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
    CHECK_EQ(accept(l, NULL, NULL), -1);
    CHECK_EQ(errno_now(), EAGAIN);
    CHECK_EQ(fcntl(l, F_SETFL, fcntl(l, F_GETFL) & ~O_NONBLOCK), 0);
    CHECK_EQ(fcntl(l, F_GETFL) & O_NONBLOCK, 0);
    close(l);

    /* accept on a socket that does not listen: EINVAL at once, and the
     * runtime leaves its flags alone (a plain thread's recv on it would
     * otherwise say EAGAIN) */
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_EQ(accept(sv[0], NULL, NULL), -1);
    CHECK_EQ(errno_now(), EINVAL);
    CHECK_EQ((int)syscall(SYS_fcntl, sv[0], F_GETFL) & O_NONBLOCK, 0);
    close(sv[0]);
    close(sv[1]);
}
TEST_IN_GOROUTINE(user_nonblock)

/* --------------------------------------------------------- full writes */

typedef struct drain_arg {
    int fd;
    size_t want;
    size_t got;
    bool pattern_ok;
    atomic_int done;
} drain_arg;

static void drain(void *p) {
    drain_arg *d = p;
    static char buf[65536];
    d->pattern_ok = true;
    while (d->got < d->want) {
        ssize_t n = read(d->fd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            if ((unsigned char)buf[i] != (unsigned char)((d->got + (size_t)i) % 251))
                d->pattern_ok = false;
        d->got += (size_t)n;
        gocc_yield();
    }
    atomic_store(&d->done, 1);
}

/* One write of 16 MiB on a socket, one writev of 8 MiB, one write of
 * 4 MiB on a pipe: each returns the whole length, as a blocking write
 * does, while the reader (on the same worker) drains. */
static void full_writes(void) {
    size_t big = 16u << 20;
    unsigned char *buf = malloc(big);
    REQUIRE(buf);
    for (size_t i = 0; i < big; i++)
        buf[i] = (unsigned char)(i % 251);
    for (int kind = 0; kind < 3; kind++) {
        int fds[2];
        if (kind < 2)
            REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
        else
            REQUIRE(pipe(fds) == 0);
        size_t len = kind == 0 ? big : kind == 1 ? big / 2 : big / 4;
        drain_arg d = {.fd = fds[0], .want = len};
        gocc_go(drain, &d);
        ssize_t w;
        if (kind == 1) {
            struct iovec v[4];
            for (int i = 0; i < 4; i++)
                v[i] = (struct iovec){buf + i * len / 4, len / 4};
            w = writev(fds[1], v, 4);
        } else {
            w = write(fds[1], buf, len);
        }
        CHECK_EQ(w, (ssize_t)len);
        wait_for(&d.done);
        CHECK_EQ(d.got, len);
        CHECK(d.pattern_ok);
        close(fds[0]);
        close(fds[1]);
    }
    free(buf);
}
TEST_IN_GOROUTINE(full_writes)

/* A blocking sendmsg of 8 MiB carrying one descriptor (SCM_RIGHTS) on a
 * unix stream socket: everything arrives, and the descriptor once, with
 * the first bytes, however many times the sender had to park. */
typedef struct rights_reader {
    int fd;
    size_t got;
    int fds;
    atomic_int done;
} rights_reader;

static void read_rights(void *p) {
    rights_reader *rr = p;
    static char buf[65536];
    for (;;) {
        union {
            struct cmsghdr h;
            char b[CMSG_SPACE(4 * sizeof(int))];
        } ctl;
        struct iovec v = {buf, sizeof buf};
        struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1,
                           .msg_control = ctl.b, .msg_controllen = sizeof ctl.b};
        ssize_t n = recvmsg(rr->fd, &m, 0);
        if (n <= 0)
            break;
        rr->got += (size_t)n;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                continue;
            int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            for (int i = 0; i < k; i++) {
                int fd;
                memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                close(fd);
                rr->fds++;
            }
        }
        gocc_yield();
    }
    atomic_store(&rr->done, 1);
}

static void sendmsg_rights_once(void) {
    int sv[2], p[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(p) == 0);
    size_t len = 8u << 20;
    char *buf = calloc(1, len);
    REQUIRE(buf);
    union {
        struct cmsghdr h;
        char b[CMSG_SPACE(sizeof(int))];
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct iovec v = {buf, len};
    struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1,
                       .msg_control = ctl.b, .msg_controllen = sizeof ctl.b};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &p[0], sizeof(int));
    rights_reader rr = {.fd = sv[0]};
    gocc_go(read_rights, &rr);
    CHECK_EQ(sendmsg(sv[1], &m, 0), (ssize_t)len);
    close(sv[1]);
    wait_for(&rr.done);
    CHECK_EQ(rr.got, len);
    CHECK_EQ(rr.fds, 1);
    free(buf);
    close(sv[0]);
    close(p[0]);
    close(p[1]);
}
TEST_IN_GOROUTINE(sendmsg_rights_once)

/* MSG_WAITALL waits for the whole length on a stream socket (recv and
 * recvmsg; the program's iovec is left as it was), and takes one
 * datagram on a datagram socket. */
typedef struct chunk_writer {
    int fd;
    atomic_int done;
} chunk_writer;

static void write_chunks(void *p) {
    chunk_writer *w = p;
    char chunk[1000];
    for (int i = 0; i < 4; i++) {
        memset(chunk, 'a' + i, sizeof chunk);
        gocc_sleep_ms(10);
        if (write(w->fd, chunk, sizeof chunk) != (ssize_t)sizeof chunk)
            break;
    }
    atomic_store(&w->done, 1);
}

static void recv_waitall(void) {
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    static char buf[4000];
    chunk_writer w = {.fd = sv[1]};
    gocc_go(write_chunks, &w);
    CHECK_EQ(recv(sv[0], buf, sizeof buf, MSG_WAITALL), 4000);
    CHECK(buf[0] == 'a' && buf[3999] == 'd');
    wait_for(&w.done);
    atomic_store(&w.done, 0);
    gocc_go(write_chunks, &w);
    struct iovec v = {buf, sizeof buf};
    struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1};
    CHECK_EQ(recvmsg(sv[0], &m, MSG_WAITALL), 4000);
    CHECK(v.iov_base == buf && v.iov_len == sizeof buf);
    wait_for(&w.done);
    close(sv[0]);
    close(sv[1]);
    REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    atomic_store(&w.done, 0);
    w.fd = sv[1];
    gocc_go(write_chunks, &w);
    CHECK_EQ(recv(sv[0], buf, sizeof buf, MSG_WAITALL), 1000);
    wait_for(&w.done);
    close(sv[0]);
    close(sv[1]);
}
TEST_IN_GOROUTINE(recv_waitall)

/* ------------------------------------------------------------ timeouts */

static void timeouts(void) {
    ticker t;
    ticker_start(&t);
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    char b;
    /* SO_RCVTIMEO: EAGAIN after the time */
    struct timeval tv = {0, 100000};
    CHECK_EQ(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    int64_t t0 = gocc_nanotime();
    CHECK_EQ(recv(sv[0], &b, 1, 0), -1);
    CHECK_EQ(errno_now(), EAGAIN);
    CHECK(ms_since(t0) >= 99);
    CHECK(ms_since(t0) < 2000);
    /* SO_SNDTIMEO: a write into a full socket returns what it wrote */
    CHECK_EQ(setsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), 0);
    size_t big = 8u << 20;
    char *buf = calloc(1, big);
    REQUIRE(buf);
    t0 = gocc_nanotime();
    ssize_t w = write(sv[1], buf, big);
    CHECK(w > 0 && w < (ssize_t)big);
    CHECK(ms_since(t0) >= 99);
    t0 = gocc_nanotime();
    CHECK_EQ(send(sv[1], buf, big, 0), -1);   /* still full: nothing */
    CHECK_EQ(errno_now(), EAGAIN);
    CHECK(ms_since(t0) >= 99);
    free(buf);
    /* poll, select, epoll_wait, gocc_fd_wait: 0 after their timeout */
    int p[2];
    REQUIRE(pipe(p) == 0);
    struct pollfd pf = {p[0], POLLIN, 0};
    t0 = gocc_nanotime();
    CHECK_EQ(poll(&pf, 1, 100), 0);
    CHECK(ms_since(t0) >= 99);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    struct timeval stv = {0, 100000};
    t0 = gocc_nanotime();
    CHECK_EQ(select(p[0] + 1, &rs, NULL, NULL, &stv), 0);
    CHECK(ms_since(t0) >= 99);
    CHECK(!FD_ISSET(p[0], &rs));
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = p[0]};
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
    t0 = gocc_nanotime();
    CHECK_EQ(epoll_wait(ep, &ev, 1, 100), 0);
    CHECK(ms_since(t0) >= 99);
    t0 = gocc_nanotime();
    CHECK_EQ(gocc_fd_wait(p[0], GOCC_READ, 100), 0);
    CHECK(ms_since(t0) >= 99);
    /* and the ticker ran all along (one worker: it shares it; ~700 ticks
     * on a quiet machine, none if a wait held the worker) */
    CHECK(ticker_stop(&t) >= 50);
    close(ep);
    close(p[0]);
    close(p[1]);
    close(sv[0]);
    close(sv[1]);
}
TEST_IN_GOROUTINE(timeouts)

/* ------------------------------------- poll, select, epoll_wait park */

typedef struct late_writer {
    int fd;
    int ms;
} late_writer;

static void write_later(void *p) {
    late_writer *w = p;
    gocc_sleep_ms(w->ms);
    if (write(w->fd, "!", 1) != 1)
        abort();
}

static void readiness_calls_park(void) {
    int p[2];
    REQUIRE(pipe(p) == 0);
    char b;
    late_writer lw = {p[1], 30};
    /* poll */
    gocc_go(write_later, &lw);
    struct pollfd pf = {p[0], POLLIN, 0};
    CHECK_EQ(poll(&pf, 1, 5000), 1);
    CHECK(pf.revents & POLLIN);
    CHECK_EQ(read(p[0], &b, 1), 1);
    /* select */
    gocc_go(write_later, &lw);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    CHECK_EQ(select(p[0] + 1, &rs, NULL, NULL, NULL), 1);
    CHECK(FD_ISSET(p[0], &rs));
    CHECK_EQ(read(p[0], &b, 1), 1);
    /* epoll_wait on the program's own epoll instance */
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = p[0]};
    CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
    gocc_go(write_later, &lw);
    memset(&ev, 0, sizeof ev);
    CHECK_EQ(epoll_wait(ep, &ev, 1, 5000), 1);
    CHECK_EQ(ev.data.fd, p[0]);
    CHECK_EQ(read(p[0], &b, 1), 1);
    /* gocc_fd_wait */
    gocc_go(write_later, &lw);
    CHECK_EQ(gocc_fd_wait(p[0], GOCC_READ | GOCC_WRITE, 5000), GOCC_READ);
    CHECK_EQ(read(p[0], &b, 1), 1);
    CHECK_EQ(gocc_fd_wait(p[1], GOCC_WRITE, 0), GOCC_WRITE);
    CHECK_EQ(gocc_fd_wait(p[0], 0, 0), -1);
    CHECK_EQ(errno_now(), EINVAL);
    close(ep);
    close(p[0]);
    close(p[1]);
    CHECK_EQ(gocc_fd_wait(p[0], GOCC_READ, 0), -1);
    CHECK_EQ(errno_now(), EBADF);
}
TEST_IN_GOROUTINE(readiness_calls_park)

/* gocc_ready in a select, with a timeout beside it, from plain C. */
static void ready_in_select(void) {
    int p[2];
    REQUIRE(pipe(p) == 0);
    late_writer lw = {p[1], 30};
    gocc_go(write_later, &lw);
    int ev = 0;
    gocc_select_case cs[2] = {
        gocc_case_recv(gocc_ready(p[0], GOCC_READ), &ev),
        gocc_case_recv_drop(gocc_after(5000))};
    cs[0].flags = cs[1].flags = GOCC_CASE_RELEASE;
    CHECK_EQ(gocc_select(cs, 2, false), 0);
    CHECK_EQ(ev, GOCC_READ);
    char b;
    CHECK_EQ(read(p[0], &b, 1), 1);
    /* nothing to read: the timeout wins, and the watch goes with its
     * channel (a later write must not touch the freed channel) */
    gocc_select_case ct[2] = {
        gocc_case_recv(gocc_ready(p[0], GOCC_READ), &ev),
        gocc_case_recv_drop(gocc_after(50))};
    ct[0].flags = ct[1].flags = GOCC_CASE_RELEASE;
    CHECK_EQ(gocc_select(ct, 2, false), 1);
    CHECK_EQ(write(p[1], "x", 1), 1);
    gocc_sleep_ms(20);
    /* ready already: the bits arrive at once */
    gocc_chan(int) r = gocc_ready(p[0], GOCC_READ);
    CHECK_EQ(gocc_recv(r), GOCC_READ);
    gocc_chan_free(r);
    close(p[0]);
    close(p[1]);
}
TEST_BOTH(ready_in_select)

/* ------------------------------------------------------------- connect */

/* A listener whose accept queue is full: the kernel drops new SYNs, so a
 * connect waits (for the SYN to be sent again, after ~1 s). */
static int full_listener(char *addr, size_t n, int *conns, int *nconns) {
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(l, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(l, 0) < 0)
        return -1;
    socklen_t sl = sizeof sa;
    getsockname(l, (struct sockaddr *)&sa, &sl);
    snprintf(addr, n, "127.0.0.1:%d", ntohs(sa.sin_port));
    *nconns = 0;
    for (int i = 0; i < 4; i++) {
        int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        connect(c, (struct sockaddr *)&sa, sizeof sa);
        conns[(*nconns)++] = c;
    }
    gocc_sleep_ms(50);
    return l;
}

typedef struct conn_call {
    const char *addr;
    int ret, err;
    atomic_int done;
} conn_call;

static void blocking_connect(void *p) {
    conn_call *c = p;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)atoi(strchr(c->addr, ':') + 1)),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    c->ret = connect(fd, (struct sockaddr *)&sa, sizeof sa);
    c->err = errno_now();
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (fl & O_NONBLOCK))
        c->ret = -2;            /* the runtime's flag must not show */
    close(fd);
    atomic_store(&c->done, 1);
}

/* A blocking connect parks the goroutine (the ticker keeps running) and
 * completes as soon as the listener has room; SO_SNDTIMEO ends a connect
 * with EINPROGRESS, and gocc_dial's timeout with ETIMEDOUT. */
static void connect_parks(void) {
    char addr[64];
    int conns[8], nconns;
    int l = full_listener(addr, sizeof addr, conns, &nconns);
    REQUIRE(l >= 0);
    /* gocc_dial's own timeout */
    int64_t t0 = gocc_nanotime();
    CHECK_EQ(gocc_dial("tcp", addr, 150), -1);
    CHECK_EQ(errno_now(), ETIMEDOUT);
    CHECK(ms_since(t0) >= 149);
    CHECK(ms_since(t0) < 1000);
    /* SO_SNDTIMEO on a blocking connect */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {0, 150000};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)atoi(strchr(addr, ':') + 1)),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    t0 = gocc_nanotime();
    CHECK_EQ(connect(fd, (struct sockaddr *)&sa, sizeof sa), -1);
    CHECK_EQ(errno_now(), EINPROGRESS);
    CHECK(ms_since(t0) >= 149);
    close(fd);
    /* a blocking connect with no limit: parks, then completes */
    ticker t;
    ticker_start(&t);
    conn_call c = {.addr = addr};
    gocc_go(blocking_connect, &c);
    gocc_sleep_ms(200);
    CHECK_EQ(atomic_load(&c.done), 0);
    /* make room in the queue, as long as SYNs sent again keep filling
     * it (the earlier connects retry too) */
    fcntl(l, F_SETFL, O_NONBLOCK);
    t0 = gocc_nanotime();
    while (!atomic_load(&c.done) && ms_since(t0) < 6000) {
        int a = accept(l, NULL, NULL);
        if (a >= 0)
            close(a);
        else
            gocc_sleep_ms(5);
    }
    CHECK(atomic_load(&c.done));
    CHECK_EQ(c.ret, 0);
    CHECK(ticker_stop(&t) >= 50);
    for (int i = 0; i < nconns; i++)
        close(conns[i]);
    close(l);
}
TEST_IN_GOROUTINE(connect_parks)

/* ------------------------------------------------ listen and dial */

static void dial_listen_errors(void) {
    /* refused: a port nobody listens on any more */
    char addr[64];
    int l = listen_local(addr, sizeof addr);
    REQUIRE(l >= 0);
    close(l);
    CHECK_EQ(gocc_dial("tcp", addr, 1000), -1);
    CHECK_EQ(errno_now(), ECONNREFUSED);
    /* malformed addresses and unknown networks */
    static const char *bad[] = {"127.0.0.1", "::1:80", "[::1:80", "[::1]80",
                                "127.0.0.1:", "127.0.0.1:99999", "1.2.3.4:x y"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        set_errno(0);
        CHECK_EQ(gocc_dial("tcp", bad[i], 100), -1);
        CHECK_EQ(errno_now(), EINVAL);
        set_errno(0);
        CHECK_EQ(gocc_listen("tcp", bad[i]), -1);
        CHECK(errno_now() == EINVAL);
    }
    CHECK_EQ(gocc_dial("udp9", "127.0.0.1:80", 100), -1);
    CHECK_EQ(errno_now(), EINVAL);
    CHECK_EQ(gocc_listen(NULL, "127.0.0.1:0"), -1);
    CHECK_EQ(errno_now(), EINVAL);
    /* a name that cannot resolve (rejected by the resolver itself, so no
     * query leaves the machine) */
    CHECK_EQ(gocc_dial("tcp", "no..such..host:80", 2000), -1);
    CHECK_EQ(errno_now(), ENXIO);
    /* an address in use */
    l = listen_local(addr, sizeof addr);
    CHECK_EQ(gocc_listen("tcp4", addr), -1);
    CHECK_EQ(errno_now(), EADDRINUSE);
    close(l);
}
TEST_BOTH(dial_listen_errors)

static void echo_once(int l, const char *network, const char *addr) {
    server s = {.l = l};
    gocc_go(accept_loop, &s);
    int fd = gocc_dial(network, addr, 2000);
    CHECK(fd >= 0);
    if (fd >= 0) {
        char back[6] = {0};
        CHECK_EQ(write(fd, "hello", 5), 5);
        CHECK(read_full(fd, back, 5));
        CHECK(!strcmp(back, "hello"));
        CHECK_EQ(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
        CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        close(fd);
    }
    server_stop(&s, 1);
}

/* IPv4, IPv6 (where the kernel has ::1), names, unix paths, abstract. */
static void dial_listen_families(void) {
    char addr[128];
    int l = listen_local(addr, sizeof addr);
    REQUIRE(l >= 0);
    CHECK(fcntl(l, F_GETFD) & FD_CLOEXEC);
    const char *port = strchr(addr, ':') + 1;
    char named[64];
    snprintf(named, sizeof named, "localhost:%s", port);
    int l2 = dup(l);
    echo_once(l, "tcp4", named);
    (void)l2;
    close(l2);
    int l6 = gocc_listen("tcp6", "[::1]:0");
    if (l6 >= 0) {
        struct sockaddr_in6 sa;
        socklen_t sl = sizeof sa;
        getsockname(l6, (struct sockaddr *)&sa, &sl);
        snprintf(addr, sizeof addr, "[::1]:%d", ntohs(sa.sin6_port));
        echo_once(l6, "tcp", addr);
    }
    /* an empty host listens everywhere; dialing it reaches loopback */
    int la = gocc_listen("tcp", ":0");
    REQUIRE(la >= 0);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(la, (struct sockaddr *)&ss, &sl);
    int pn = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                      : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    snprintf(addr, sizeof addr, "127.0.0.1:%d", pn);
    echo_once(la, "tcp", addr);
    snprintf(addr, sizeof addr, "/tmp/gocc-test-io-%d.sock", (int)getpid());
    unlink(addr);
    int lu = gocc_listen("unix", addr);
    REQUIRE(lu >= 0);
    echo_once(lu, "unix", addr);
    unlink(addr);
    snprintf(addr, sizeof addr, "@gocc-test-io-%d", (int)getpid());
    int lb = gocc_listen("unix", addr);
    REQUIRE(lb >= 0);
    echo_once(lb, "unix", addr);
}
TEST_IN_GOROUTINE(dial_listen_families)

/* ------------------------------------------------------- plain threads */

typedef struct thread_accept {
    int l;
    int ret, err;
    atomic_int done;
} thread_accept;

static void *accept_on_thread(void *p) {
    thread_accept *t = p;
    t->ret = accept(t->l, NULL, NULL);
    t->err = errno_now();
    atomic_store(&t->done, 1);
    return NULL;
}

/* A plain pthread's calls are plain libc: its blocking read blocks the
 * thread and returns the data, its sleep sleeps; and its accept on a
 * listener the runtime made non-blocking still blocks until a client
 * comes, instead of failing with EAGAIN. */
static void plain_thread_calls(void) {
    int p[2];
    REQUIRE(pipe(p) == 0);
    late_writer lw = {p[1], 50};
    gocc_go(write_later, &lw);
    char b = 0;
    int64_t t0 = gocc_nanotime();
    CHECK_EQ(read(p[0], &b, 1), 1);
    CHECK_EQ(b, '!');
    CHECK(ms_since(t0) >= 40);
    close(p[0]);
    close(p[1]);

    char addr[64];
    int l = listen_local(addr, sizeof addr);
    REQUIRE(l >= 0);
    accept_once_in_goroutine(l, addr);    /* the runtime's O_NONBLOCK */
    int fd;
    /* now this thread */
    thread_accept ta = {.l = l};
    pthread_t th;
    REQUIRE(pthread_create(&th, NULL, accept_on_thread, &ta) == 0);
    usleep(100000);
    CHECK_EQ(atomic_load(&ta.done), 0);
    fd = gocc_dial("tcp", addr, 2000);
    pthread_join(th, NULL);
    CHECK(ta.ret >= 0);
    close(ta.ret);
    close(fd);
    close(l);
}
TEST_ON_THREAD(plain_thread_calls)

/* ------------------------------------------------------------- signals */

static atomic_int usr1_count;
static void on_usr1(int sig) {
    (void)sig;
    atomic_fetch_add(&usr1_count, 1);
}

static atomic_int stop_signals;
static void *signal_storm(void *p) {
    (void)p;
    while (!atomic_load(&stop_signals)) {
        kill(getpid(), SIGUSR1);
        struct timespec t = {0, 1000000};
        nanosleep(&t, NULL);
    }
    return NULL;
}

typedef struct sleep_call {
    int ret;
    int64_t ms;
    atomic_int done;
} sleep_call;

static void sleep_through(void *p) {
    sleep_call *c = p;
    int64_t t0 = gocc_nanotime();
    c->ret = usleep(200000);
    c->ms = ms_since(t0);
    atomic_store(&c->done, 1);
}

/* Signals the program handles (without SA_RESTART) land on the workers
 * while goroutines are parked in read and usleep: the calls complete as
 * if nothing happened, never with an EINTR the runtime let through. */
static void signals_do_not_interrupt(void) {
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;            /* no SA_RESTART */
    REQUIRE(sigaction(SIGUSR1, &sa, NULL) == 0);
    atomic_store(&usr1_count, 0);
    atomic_store(&stop_signals, 0);
    pthread_t storm;
    REQUIRE(pthread_create(&storm, NULL, signal_storm, NULL) == 0);
    int p[2];
    REQUIRE(pipe(p) == 0);
    late_writer lw = {p[1], 200};
    gocc_go(write_later, &lw);
    sleep_call sc = {0};
    gocc_go(sleep_through, &sc);
    char b = 0;
    CHECK_EQ(read(p[0], &b, 1), 1);
    CHECK_EQ(b, '!');
    wait_for(&sc.done);
    CHECK_EQ(sc.ret, 0);
    CHECK(sc.ms >= 199);
    atomic_store(&stop_signals, 1);
    pthread_join(storm, NULL);
    CHECK(atomic_load(&usr1_count) >= 10);
    /* the handler stays: a signal sent just before the storm stopped may
     * still be pending, and the default action would end the process */
    close(p[0]);
    close(p[1]);
}
TEST_IN_GOROUTINE(signals_do_not_interrupt)

/* ---------------------------------------------------------------- fork */

/* A child forked by a goroutine gets plain libc: its blocking read of an
 * empty pipe blocks (and is woken by the parent's write), its close and
 * dup2 work, and the parent's goroutine parks as usual meanwhile. */
static void fork_child_plain(void) {
    int to_child[2], to_parent[2];
    REQUIRE(pipe(to_child) == 0 && pipe(to_parent) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        char b = 0;
        close(to_child[1]);
        close(to_parent[0]);
        if (dup2(to_parent[1], 100) != 100)
            _exit(3);
        ssize_t r = read(to_child[0], &b, 1);   /* blocks: plain libc */
        char reply = r == 1 && b == 'q' ? 'a' : 'e';
        _exit(write(100, &reply, 1) == 1 ? 0 : 4);
    }
    REQUIRE(pid > 0);
    close(to_child[0]);
    close(to_parent[1]);
    gocc_sleep_ms(50);          /* the child is blocked in its read */
    CHECK_EQ(write(to_child[1], "q", 1), 1);
    char reply = 0;
    CHECK_EQ(read(to_parent[0], &reply, 1), 1);    /* parks */
    CHECK_EQ(reply, 'a');
    int status = -1;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(to_child[1]);
    close(to_parent[0]);
}
TEST_IN_GOROUTINE(fork_child_plain)

/* ------------------------------------------------------------ deadlock */

/* Goroutines waiting on descriptors wait on the outside world: no
 * deadlock report while they do, and the usual one after. */
static void test_no_false_deadlock(void **state) {
    (void)state;
    child_expect("io_deadlock", "timerfd", "GOCC_MAXPROCS=1", 0, "");
    child_expect("io_deadlock", "timerfd", "GOCC_MAXPROCS=2", 0, "");
    child_expect("io_deadlock", "after_io", "GOCC_MAXPROCS=1", 2,
                 "fatal error: all goroutines are asleep - deadlock!");
}

/* A daemon closing every descriptor it did not open keeps the poller. */
static void test_close_everything(void **state) {
    (void)state;
    child_expect("io_closeall", "", "GOCC_MAXPROCS=1", 0, "");
}

int main(void) {
    signal(SIGALRM, on_alarm);
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipe_pingpong_in_goroutine),
        cmocka_unit_test(test_sleeps_park_in_goroutine),
        cmocka_unit_test(test_echo_with_idle_in_goroutine),
        cmocka_unit_test(test_thousands_of_connections_in_goroutine),
        cmocka_unit_test(test_close_wakes_parked_in_goroutine),
        cmocka_unit_test(test_user_nonblock_in_goroutine),
        cmocka_unit_test(test_full_writes_in_goroutine),
        cmocka_unit_test(test_sendmsg_rights_once_in_goroutine),
        cmocka_unit_test(test_recv_waitall_in_goroutine),
        cmocka_unit_test(test_timeouts_in_goroutine),
        cmocka_unit_test(test_readiness_calls_park_in_goroutine),
        BOTH(ready_in_select),
        cmocka_unit_test(test_connect_parks_in_goroutine),
        BOTH(dial_listen_errors),
        cmocka_unit_test(test_dial_listen_families_in_goroutine),
        cmocka_unit_test(test_plain_thread_calls_on_thread),
        cmocka_unit_test(test_signals_do_not_interrupt_in_goroutine),
        cmocka_unit_test(test_fork_child_plain_in_goroutine),
        cmocka_unit_test(test_no_false_deadlock),
        cmocka_unit_test(test_close_everything),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
