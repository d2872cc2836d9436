/*
 * iohook.c - the libc calls that park a goroutine instead of its thread.
 *
 * The runtime defines read, write, recv, accept, connect, poll, sleep ...
 * (LANGUAGE.md section 12) itself.  A program linked with libgocc.a gets
 * them in its executable, which the dynamic linker searches first, so the
 * program's own calls and those of every shared library it loads (a
 * client library such as libpq or hiredis) come here; -rdynamic, which
 * the gocc driver and the CMake targets pass, exports them to libraries
 * loaded later with dlopen.  A program linked with libgocc.so gets them
 * from that library, which precedes libc in the search order.  Either
 * way the real call is libc's, found with dlsym(RTLD_NEXT) (raw system
 * calls where there is no dynamic linker, in a fully static link).
 * Calls that libc makes internally (stdio's fread, getaddrinfo's sockets)
 * do not come through here.  docs/runtime.md, "I/O", has the decisions.
 *
 * In a goroutine (not on g0, not in a plain pthread, not in a child after
 * fork) a call on a pollable descriptor that would block parks the
 * goroutine on the poller (netpoll.c) and is retried when the descriptor
 * is ready.  The runtime never changes the program's view of its
 * descriptors:
 *   - sockets: each attempt is the call itself with MSG_DONTWAIT (read and
 *     write on a socket are recv and send with no flags, so they go the
 *     same way), the file's flags untouched;
 *   - other pollable descriptors (pipes, FIFOs, terminals, eventfds):
 *     poll(2) with a zero timeout first, then the blocking call, which
 *     then does not block (writes go PIPE_BUF bytes at a time, which one
 *     free pipe slot always takes);
 *   - a listening socket: the runtime sets O_NONBLOCK on it the first time
 *     a goroutine accepts on it, and hides the flag: fcntl(F_GETFL) and
 *     ioctl(FIONBIO) see and set the program's own view, and accept from
 *     a plain thread waits in poll(2) as a blocking accept would;
 *   - connect: O_NONBLOCK for the length of the connect(2) call itself,
 *     then the wait, then SO_ERROR.
 * What a blocking call would do is kept: full writes, SO_RCVTIMEO and
 * SO_SNDTIMEO (EAGAIN, or EINPROGRESS for connect), MSG_WAITALL, the
 * program's O_NONBLOCK (EAGAIN at once), errno left alone on success.
 */
#define _GNU_SOURCE
#undef _FORTIFY_SOURCE  /* this file defines read(), which it would inline */
#include "internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------- libc's calls */

/* Fallbacks for a link without a dynamic linker (dlsym finds nothing):
 * the system calls themselves. */
static ssize_t sys_read(int fd, void *b, size_t n) { return syscall(SYS_read, fd, b, n); }
static ssize_t sys_write(int fd, const void *b, size_t n) { return syscall(SYS_write, fd, b, n); }
static ssize_t sys_readv(int fd, const struct iovec *v, int n) { return syscall(SYS_readv, fd, v, n); }
static ssize_t sys_writev(int fd, const struct iovec *v, int n) { return syscall(SYS_writev, fd, v, n); }
static ssize_t sys_recvmsg(int fd, struct msghdr *m, int f) { return syscall(SYS_recvmsg, fd, m, f); }
static ssize_t sys_sendmsg(int fd, const struct msghdr *m, int f) { return syscall(SYS_sendmsg, fd, m, f); }
static ssize_t sys_recvfrom(int fd, void *b, size_t n, int f, struct sockaddr *a, socklen_t *l) { return syscall(SYS_recvfrom, fd, b, n, f, a, l); }
static ssize_t sys_sendto(int fd, const void *b, size_t n, int f, const struct sockaddr *a, socklen_t l) { return syscall(SYS_sendto, fd, b, n, f, a, l); }
static int sys_accept4(int fd, struct sockaddr *a, socklen_t *l, int f) { return (int)syscall(SYS_accept4, fd, a, l, f); }
static int sys_connect(int fd, const struct sockaddr *a, socklen_t l) { return (int)syscall(SYS_connect, fd, a, l); }
static int sys_ppoll(struct pollfd *p, nfds_t n, const struct timespec *t, const sigset_t *m) { return (int)syscall(SYS_ppoll, p, n, t, m, _NSIG / 8); }
static int sys_pselect(int n, fd_set *r, fd_set *w, fd_set *e, const struct timespec *t, const sigset_t *m) {
    struct { const sigset_t *m; size_t n; } s = {m, _NSIG / 8};
    return (int)syscall(SYS_pselect6, n, r, w, e, t, m ? &s : NULL);
}
static int sys_epoll_pwait(int e, struct epoll_event *v, int n, int t, const sigset_t *m) { return (int)syscall(SYS_epoll_pwait, e, v, n, t, m, _NSIG / 8); }
static int sys_clock_nanosleep(clockid_t c, int f, const struct timespec *t, struct timespec *r) {
    return syscall(SYS_clock_nanosleep, c, f, t, r) < 0 ? gocc_errno_get() : 0;
}
static int sys_close(int fd) { return (int)syscall(SYS_close, fd); }
static int sys_dup3(int a, int b, int f) { return (int)syscall(SYS_dup3, a, b, f); }
static int sys_socket(int d, int t, int p) { return (int)syscall(SYS_socket, d, t, p); }
static int sys_socketpair(int d, int t, int p, int sv[2]) { return (int)syscall(SYS_socketpair, d, t, p, sv); }
static int sys_pipe2(int p[2], int f) { return (int)syscall(SYS_pipe2, p, f); }
static int sys_setsockopt(int fd, int l, int o, const void *v, socklen_t n) { return (int)syscall(SYS_setsockopt, fd, l, o, v, n); }
static int sys_fcntl(int fd, int cmd, ...) {
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    return (int)syscall(SYS_fcntl, fd, cmd, arg);
}
static int sys_ioctl(int fd, unsigned long req, ...) {
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return (int)syscall(SYS_ioctl, fd, req, arg);
}

static struct {
    ssize_t (*read)(int, void *, size_t);
    ssize_t (*write)(int, const void *, size_t);
    ssize_t (*readv)(int, const struct iovec *, int);
    ssize_t (*writev)(int, const struct iovec *, int);
    ssize_t (*recvmsg)(int, struct msghdr *, int);
    ssize_t (*sendmsg)(int, const struct msghdr *, int);
    ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
    ssize_t (*sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
    int (*accept4)(int, struct sockaddr *, socklen_t *, int);
    int (*connect)(int, const struct sockaddr *, socklen_t);
    int (*ppoll)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
    int (*pselect)(int, fd_set *, fd_set *, fd_set *, const struct timespec *, const sigset_t *);
    int (*epoll_pwait)(int, struct epoll_event *, int, int, const sigset_t *);
    int (*clock_nanosleep)(clockid_t, int, const struct timespec *, struct timespec *);
    int (*close)(int);
    int (*dup3)(int, int, int);
    int (*socket)(int, int, int);
    int (*socketpair)(int, int, int, int[2]);
    int (*pipe2)(int[2], int);
    int (*setsockopt)(int, int, int, const void *, socklen_t);
    int (*fcntl)(int, int, ...);
    int (*ioctl)(int, unsigned long, ...);
} real;

static pthread_once_t real_once = PTHREAD_ONCE_INIT;
static _Atomic bool real_ready;     /* set (release) once real is filled */

#define RESOLVE(name, fallback)                                               \
    do {                                                                      \
        void *p_ = dlsym(RTLD_NEXT, #name);                                   \
        real.name = p_ ? (__typeof__(real.name))p_ : fallback;                \
    } while (0)

static void resolve(void) {
    RESOLVE(read, sys_read);
    RESOLVE(write, sys_write);
    RESOLVE(readv, sys_readv);
    RESOLVE(writev, sys_writev);
    RESOLVE(recvmsg, sys_recvmsg);
    RESOLVE(sendmsg, sys_sendmsg);
    RESOLVE(recvfrom, sys_recvfrom);
    RESOLVE(sendto, sys_sendto);
    RESOLVE(accept4, sys_accept4);
    RESOLVE(connect, sys_connect);
    RESOLVE(ppoll, sys_ppoll);
    RESOLVE(pselect, sys_pselect);
    RESOLVE(epoll_pwait, sys_epoll_pwait);
    RESOLVE(clock_nanosleep, sys_clock_nanosleep);
    RESOLVE(close, sys_close);
    RESOLVE(dup3, sys_dup3);
    RESOLVE(socket, sys_socket);
    RESOLVE(socketpair, sys_socketpair);
    RESOLVE(pipe2, sys_pipe2);
    RESOLVE(setsockopt, sys_setsockopt);
    RESOLVE(fcntl, sys_fcntl);
    RESOLVE(ioctl, sys_ioctl);
    atomic_store_explicit(&real_ready, true, memory_order_release);
}

/* The real calls, resolved on first use (a constructor of the program may
 * call write before the runtime starts). */
#define REAL(name)                                                            \
    (GOCC_LIKELY(atomic_load_explicit(&real_ready, memory_order_acquire))     \
         ? real.name                                                          \
         : (pthread_once(&real_once, resolve), real.name))

/* ------------------------------------------------------------- the switch */

static bool forked;     /* in a child after fork: plain libc */

static void atfork_child(void) { forked = true; }

void iohook_init(void) {
    pthread_once(&real_once, resolve);
    pthread_atfork(NULL, NULL, atfork_child);
}

bool iohook_off(void) { return forked || !g_current(); }

/* Goroutine path wanted?  g_current is a call that reads TLS afresh. */
static inline bool hooked(void) { return !forked && g_current(); }

static int64_t deadline_in(int64_t ns) {
    if (ns <= 0)
        return -1;
    int64_t now = nanotime();
    return ns > INT64_MAX - now ? INT64_MAX : now + ns;
}

static int64_t ts_ns(const struct timespec *ts) {
    if (ts->tv_sec >= INT64_MAX / 1000000000)
        return INT64_MAX;
    return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* poll(2) now, without parking: timeout_ns 0 looks, -1 blocks the thread. */
int iohook_poll_now(struct pollfd *p, unsigned long n, int64_t timeout_ns) {
    struct timespec ts = {timeout_ns / 1000000000, timeout_ns % 1000000000};
    return REAL(ppoll)(p, n, timeout_ns < 0 ? NULL : &ts, NULL);
}

static bool timeo_seen;   /* a hooked setsockopt set SO_RCV/SNDTIMEO */

static int64_t tv_ns(const struct timeval *tv) {
    return (int64_t)tv->tv_sec * 1000000000 + (int64_t)tv->tv_usec * 1000;
}

void iohook_read_timeouts(pdesc *pd) {
    if (!load_relaxed(&timeo_seen))
        return;
    struct timeval tv;
    socklen_t len = sizeof tv;
    if (getsockopt(pd->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) == 0)
        pd->rcvtimeo = tv_ns(&tv);
    len = sizeof tv;
    if (getsockopt(pd->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, &len) == 0)
        pd->sndtimeo = tv_ns(&tv);
}

static bool would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK; }

/* fd's number now names a new open file (a hooked socket(), accept(),
 * pipe() ...): forget what was known of the old one. */
static void fresh_fd(int fd) {
    if (fd >= 0 && !forked)
        pd_close(fd);
}

/* ---------------------------------------------------------------- input */

/* One input call: read/readv (on any descriptor) or recv/recvfrom/recvmsg
 * (sockets only), as a msghdr so that one attempt serves all. */
typedef struct io_in {
    int fd;
    int flags;                  /* the program's recv flags */
    bool sock_only;             /* recv family: ENOTSOCK is the answer */
    struct msghdr *msg;
} io_in;

/* The blocking call as the program made it (not pollable, or ready). */
static ssize_t in_plain(io_in *c) {
    struct msghdr *m = c->msg;
    if (c->sock_only)
        return REAL(recvmsg)(c->fd, m, c->flags);
    if (m->msg_iovlen == 1)
        return REAL(read)(c->fd, m->msg_iov[0].iov_base, m->msg_iov[0].iov_len);
    return REAL(readv)(c->fd, m->msg_iov, (int)m->msg_iovlen);
}

/* Park until the descriptor has input, then make the call.  Goroutines
 * only.  SO_RCVTIMEO ends the wait with EAGAIN. */
static ssize_t io_input(io_in *c) {
    pdesc *pd = pd_get(c->fd);
    if (!pd)
        return in_plain(c);
    int saved = gocc_errno_get();
    int64_t deadline = -2;      /* -2: not yet computed */
    for (;;) {
        uint8_t kind = pd->kind;
        if (kind == PD_NOPOLL)
            return in_plain(c);
        uint32_t seq = atomic_load(&pd->seq[IO_RD]);
        if (kind != PD_OTHER) {
            ssize_t r = REAL(recvmsg)(c->fd, c->msg, c->flags | MSG_DONTWAIT);
            if (r >= 0) {
                if (kind == PD_UNKNOWN)
                    pd->kind = PD_SOCKET;
                gocc_errno_set(saved);
                return r;
            }
            int e = gocc_errno_get();
            if (e == ENOTSOCK && !c->sock_only) {
                pd->kind = PD_OTHER;
                continue;
            }
            if (!would_block(e) || (c->flags & MSG_DONTWAIT))
                return r;
            if (kind == PD_UNKNOWN)
                pd->kind = PD_SOCKET;
        } else {
            if (pd_register(pd) != 0 || pd->user_nb)
                return in_plain(c);     /* can't poll, or EAGAIN at once */
            struct pollfd p = {c->fd, POLLIN, 0};
            if (iohook_poll_now(&p, 1, 0) != 0)
                return in_plain(c);     /* ready, or its error */
        }
        if (pd_register(pd) != 0)
            return in_plain(c);
        if (pd->user_nb) {              /* the program's O_NONBLOCK */
            gocc_errno_set(EAGAIN);
            return -1;
        }
        if (deadline == -2)
            deadline = pd->kind == PD_SOCKET ? deadline_in(pd->rcvtimeo) : -1;
        int err = pd_wait(pd, IO_RD, seq, deadline);
        if (err) {
            gocc_errno_set(err == ETIMEDOUT ? EAGAIN : err);
            return -1;
        }
    }
}

/* MSG_WAITALL on a stream socket: a blocking recv returns only with the
 * whole length, at EOF, or on an error or timeout (then what it has). */
static bool stream_socket(int fd) {
    int type = 0;
    socklen_t len = sizeof type;
    return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
           type == SOCK_STREAM;
}

static ssize_t io_input_all(io_in *c) {
    if (!(c->flags & MSG_WAITALL) || (c->flags & MSG_DONTWAIT) ||
        c->msg->msg_iovlen != 1 || !stream_socket(c->fd))
        return io_input(c);
    /* a private msghdr and iovec: the program's are not moved along */
    struct msghdr *um = c->msg, m = *um;
    struct iovec v = um->msg_iov[0];
    m.msg_iov = &v;
    io_in part = {c->fd, c->flags & ~MSG_WAITALL, c->sock_only, &m};
    char *base = v.iov_base;
    size_t want = v.iov_len, got = 0;
    while (got < want) {
        v.iov_base = base + got;
        v.iov_len = want - got;
        ssize_t r = io_input(&part);
        if (r <= 0 && got)
            break;
        if (got == 0) {
            /* the first read's address, ancillary data and flags are the
             * call's; later reads bring only bytes */
            um->msg_namelen = m.msg_namelen;
            um->msg_controllen = m.msg_controllen;
            um->msg_flags = m.msg_flags;
            m.msg_name = NULL;
            m.msg_namelen = 0;
            m.msg_control = NULL;
            m.msg_controllen = 0;
        }
        if (r <= 0)
            return r;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

GOCC_LIBC_HOOK
ssize_t read(int fd, void *buf, size_t n) {
    if (!hooked())
        return REAL(read)(fd, buf, n);
    struct iovec v = {buf, n};
    struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1};
    return io_input(&(io_in){fd, 0, false, &m});
}

GOCC_LIBC_HOOK
ssize_t readv(int fd, const struct iovec *iov, int cnt) {
    if (!hooked() || cnt < 0 || cnt > IOV_MAX)
        return REAL(readv)(fd, iov, cnt);
    struct msghdr m = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)cnt};
    return io_input(&(io_in){fd, 0, false, &m});
}

GOCC_LIBC_HOOK
ssize_t recv(int fd, void *buf, size_t n, int flags) {
    if (!hooked())
        return REAL(recvfrom)(fd, buf, n, flags, NULL, NULL);
    struct iovec v = {buf, n};
    struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1};
    return io_input_all(&(io_in){fd, flags, true, &m});
}

GOCC_LIBC_HOOK
ssize_t recvfrom(int fd, void *buf, size_t n, int flags, __SOCKADDR_ARG sa,
                 socklen_t *alen) {
    struct sockaddr *addr = sa.__sockaddr__;
    if (!hooked())
        return REAL(recvfrom)(fd, buf, n, flags, addr, alen);
    struct iovec v = {buf, n};
    struct msghdr m = {.msg_name = addr, .msg_namelen = addr && alen ? *alen : 0,
                       .msg_iov = &v, .msg_iovlen = 1};
    ssize_t r = io_input_all(&(io_in){fd, flags, true, &m});
    if (r >= 0 && addr && alen)
        *alen = m.msg_namelen;
    return r;
}

GOCC_LIBC_HOOK
ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
    if (!hooked())
        return REAL(recvmsg)(fd, msg, flags);
    return io_input_all(&(io_in){fd, flags, true, msg});
}

/* ---------------------------------------------------------------- output */

typedef struct io_out {
    int fd;
    int flags;
    bool sock_only;             /* send family */
    struct msghdr msg;          /* msg_iov: a copy the loop may advance */
} io_out;

static size_t iov_total(const struct iovec *v, size_t n) {
    size_t t = 0;
    for (size_t i = 0; i < n; i++)
        t += v[i].iov_len;
    return t;
}

/* Drop the first n bytes of m's iovecs. */
static void iov_advance(struct msghdr *m, size_t n) {
    while (m->msg_iovlen > 0 && n >= m->msg_iov[0].iov_len) {
        n -= m->msg_iov[0].iov_len;
        m->msg_iov++;
        m->msg_iovlen--;
    }
    if (n) {
        m->msg_iov[0].iov_base = (char *)m->msg_iov[0].iov_base + n;
        m->msg_iov[0].iov_len -= n;
    }
}

/* The blocking call on what is left, at most max bytes of it. */
static ssize_t out_plain(io_out *c, size_t max) {
    struct msghdr *m = &c->msg;
    if (c->sock_only)
        return REAL(sendmsg)(c->fd, m, c->flags);
    if (m->msg_iovlen == 0)
        return REAL(write)(c->fd, NULL, 0);
    if (m->msg_iovlen == 1 || m->msg_iov[0].iov_len >= max) {
        size_t n = m->msg_iov[0].iov_len < max ? m->msg_iov[0].iov_len : max;
        return REAL(write)(c->fd, m->msg_iov[0].iov_base, n);
    }
    /* the iovecs that fit in max, the last one cut */
    size_t cnt = 0, sum = 0;
    while (cnt < m->msg_iovlen && sum < max && cnt < IOV_MAX) {
        sum += m->msg_iov[cnt].iov_len;
        cnt++;
    }
    size_t over = sum > max ? sum - max : 0;
    m->msg_iov[cnt - 1].iov_len -= over;
    ssize_t r = REAL(writev)(c->fd, m->msg_iov, (int)cnt);
    m->msg_iov[cnt - 1].iov_len += over;
    return r;
}

/* Write everything, parking whenever the descriptor is full, as a
 * blocking write does; with the program's O_NONBLOCK (or MSG_DONTWAIT),
 * one attempt.  Returns the bytes written if any, else -1 and errno. */
static ssize_t io_output(io_out *c) {
    pdesc *pd = pd_get(c->fd);
    if (!pd)
        return out_plain(c, SIZE_MAX);
    int saved = gocc_errno_get();
    size_t left = iov_total(c->msg.msg_iov, c->msg.msg_iovlen), done = 0;
    int64_t deadline = -2;
    for (;;) {
        uint8_t kind = pd->kind;
        if (kind == PD_NOPOLL)
            goto plain_rest;
        uint32_t seq = atomic_load(&pd->seq[IO_WR]);
        ssize_t r;
        if (kind != PD_OTHER) {
            r = REAL(sendmsg)(c->fd, &c->msg, c->flags | MSG_DONTWAIT);
            if (r < 0 && gocc_errno_get() == ENOTSOCK && !c->sock_only) {
                pd->kind = PD_OTHER;
                continue;
            }
            if (r >= 0 && kind == PD_UNKNOWN)
                pd->kind = PD_SOCKET;
        } else {
            if (pd_register(pd) != 0 || pd->user_nb)
                goto plain_rest;
            struct pollfd p = {c->fd, POLLOUT, 0};
            r = iohook_poll_now(&p, 1, 0) != 0 ? out_plain(c, PIPE_BUF) : -2;
        }
        if (r >= 0) {
            done += (size_t)r;
            left -= (size_t)r;
            iov_advance(&c->msg, (size_t)r);
            if (r > 0) {
                /* ancillary data (SCM_RIGHTS ...) went with the first
                 * bytes: the rest is plain data, as a blocking sendmsg
                 * sends it */
                c->msg.msg_control = NULL;
                c->msg.msg_controllen = 0;
            }
            if (left == 0 || (c->flags & MSG_DONTWAIT))
                goto out;
            if (pd->kind == PD_SOCKET && pd_register(pd) == 0 && pd->user_nb)
                goto out;       /* the program's O_NONBLOCK: partial */
            continue;
        }
        if (r == -1) {
            if (!would_block(gocc_errno_get()) || (c->flags & MSG_DONTWAIT))
                goto fail;
            pd->kind = kind == PD_UNKNOWN ? PD_SOCKET : kind;
        }
        if (pd_register(pd) != 0)
            goto plain_rest;
        if (pd->user_nb) {
            gocc_errno_set(EAGAIN);
            goto fail;
        }
        if (deadline == -2)
            deadline = pd->kind == PD_SOCKET ? deadline_in(pd->sndtimeo) : -1;
        int err = pd_wait(pd, IO_WR, seq, deadline);
        if (err) {
            gocc_errno_set(err == ETIMEDOUT ? EAGAIN : err);
            goto fail;
        }
    }
plain_rest: {
        ssize_t r = out_plain(c, SIZE_MAX);
        if (r < 0)
            goto fail;
        done += (size_t)r;
    }
out:
    gocc_errno_set(saved);
    return (ssize_t)done;
fail:
    if (done) {
        gocc_errno_set(saved);
        return (ssize_t)done;
    }
    return -1;
}

/* Run c over a private copy of the program's iovecs. */
static ssize_t io_output_iov(io_out *c, const struct iovec *iov, size_t cnt) {
    struct iovec local[16];
    struct iovec *v = cnt <= 16 ? local : malloc(cnt * sizeof *v);
    if (!v)
        return out_plain(c, SIZE_MAX);
    memcpy(v, iov, cnt * sizeof *v);
    c->msg.msg_iov = v;
    c->msg.msg_iovlen = cnt;
    ssize_t r = io_output(c);
    if (v != local) {
        int e = gocc_errno_get();
        free(v);
        gocc_errno_set(e);
    }
    return r;
}

GOCC_LIBC_HOOK
ssize_t write(int fd, const void *buf, size_t n) {
    if (!hooked())
        return REAL(write)(fd, buf, n);
    struct iovec v = {(void *)buf, n};
    io_out c = {fd, 0, false, {.msg_iov = &v, .msg_iovlen = 1}};
    return io_output(&c);
}

GOCC_LIBC_HOOK
ssize_t writev(int fd, const struct iovec *iov, int cnt) {
    if (!hooked() || cnt < 0 || cnt > IOV_MAX)
        return REAL(writev)(fd, iov, cnt);
    io_out c = {fd, 0, false, {0}};
    return io_output_iov(&c, iov, (size_t)cnt);
}

GOCC_LIBC_HOOK
ssize_t send(int fd, const void *buf, size_t n, int flags) {
    if (!hooked())
        return REAL(sendto)(fd, buf, n, flags, NULL, 0);
    struct iovec v = {(void *)buf, n};
    io_out c = {fd, flags, true, {.msg_iov = &v, .msg_iovlen = 1}};
    return io_output(&c);
}

GOCC_LIBC_HOOK
ssize_t sendto(int fd, const void *buf, size_t n, int flags,
               __CONST_SOCKADDR_ARG sa, socklen_t alen) {
    const struct sockaddr *addr = sa.__sockaddr__;
    if (!hooked())
        return REAL(sendto)(fd, buf, n, flags, addr, alen);
    struct iovec v = {(void *)buf, n};
    io_out c = {fd, flags, true,
                {.msg_name = (void *)addr, .msg_namelen = addr ? alen : 0,
                 .msg_iov = &v, .msg_iovlen = 1}};
    return io_output(&c);
}

GOCC_LIBC_HOOK
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
    if (!hooked() || msg->msg_iovlen > IOV_MAX)
        return REAL(sendmsg)(fd, msg, flags);
    io_out c = {fd, flags, true, *msg};
    return io_output_iov(&c, msg->msg_iov, msg->msg_iovlen);
}

/* ---------------------------------------------------------------- accept */

/* A listening socket on which the runtime set O_NONBLOCK.  Returns its
 * pdesc or NULL. */
static pdesc *rt_nonblocking(int fd) {
    pdesc *pd = pd_lookup(fd);
    return pd && pd->rt_nb ? pd : NULL;
}

/* A plain thread accepting on a socket the runtime made non-blocking:
 * what the blocking accept would have done. */
static int accept_blocking(int fd, pdesc *pd, struct sockaddr *a,
                           socklen_t *l, int flags) {
    int64_t deadline = deadline_in(pd->rcvtimeo);
    for (;;) {
        int r = REAL(accept4)(fd, a, l, flags);
        if (r >= 0 || !would_block(gocc_errno_get()) || pd->user_nb)
            return r;
        struct pollfd p = {fd, POLLIN, 0};
        int64_t left = deadline < 0 ? -1 : deadline - nanotime();
        if (deadline >= 0 && left <= 0) {
            gocc_errno_set(EAGAIN);
            return -1;
        }
        int saved = gocc_errno_get();
        if (iohook_poll_now(&p, 1, left) < 0 && gocc_errno_get() != EINTR)
            return -1;
        gocc_errno_set(saved);
    }
}

static int io_accept(int fd, struct sockaddr *a, socklen_t *l, int flags) {
    pdesc *pd = pd_get(fd);
    if (!pd)
        return REAL(accept4)(fd, a, l, flags);
    int saved = gocc_errno_get();
    if (!pd->rt_nb) {
        pd->kind = PD_SOCKET;
        if (pd_register(pd) != 0)
            return REAL(accept4)(fd, a, l, flags);
        /* only a listening socket: accept on anything else fails at once
         * (EINVAL), and its flags are none of the runtime's business */
        int listening = 0;
        socklen_t len = sizeof listening;
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0)
            listening = 0;
        lock_acquire(&pd->lock);
        if (listening && !pd->rt_nb && !pd->user_nb) {
            int fl = (int)syscall(SYS_fcntl, fd, F_GETFL);
            if (fl >= 0 && syscall(SYS_fcntl, fd, F_SETFL, fl | O_NONBLOCK) == 0)
                pd->rt_nb = true;
        }
        lock_release(&pd->lock);
        if (!pd->rt_nb && !pd->user_nb)
            return REAL(accept4)(fd, a, l, flags);
    }
    int64_t deadline = -2;
    for (;;) {
        uint32_t seq = atomic_load(&pd->seq[IO_RD]);
        int r = REAL(accept4)(fd, a, l, flags);
        if (r >= 0) {
            fresh_fd(r);
            gocc_errno_set(saved);
            return r;
        }
        if (!would_block(gocc_errno_get()) || pd->user_nb)
            return r;
        if (deadline == -2)
            deadline = deadline_in(pd->rcvtimeo);
        int err = pd_wait(pd, IO_RD, seq, deadline);
        if (err) {
            gocc_errno_set(err == ETIMEDOUT ? EAGAIN : err);
            return -1;
        }
    }
}

GOCC_LIBC_HOOK
int accept4(int fd, __SOCKADDR_ARG sa, socklen_t *l, int flags) {
    struct sockaddr *a = sa.__sockaddr__;
    if (!hooked()) {
        pdesc *pd = rt_nonblocking(fd);
        int r = pd ? accept_blocking(fd, pd, a, l, flags)
                   : REAL(accept4)(fd, a, l, flags);
        fresh_fd(r);
        return r;
    }
    return io_accept(fd, a, l, flags);
}

GOCC_LIBC_HOOK
int accept(int fd, __SOCKADDR_ARG sa, socklen_t *l) {
    return accept4(fd, sa, l, 0);
}

/* --------------------------------------------------------------- connect */

static int io_connect(int fd, const struct sockaddr *a, socklen_t l) {
    int fl = (int)syscall(SYS_fcntl, fd, F_GETFL);
    pdesc *pd = pd_get(fd);
    if (fl < 0 || (fl & O_NONBLOCK) || !pd)
        return REAL(connect)(fd, a, l);
    int saved = gocc_errno_get();
    /* non-blocking for the call only: the socket is not connected yet,
     * so nothing else is using it */
    if (syscall(SYS_fcntl, fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return REAL(connect)(fd, a, l);
    int r, e;
    for (int64_t pause = 100000;; pause *= 2) {
        r = REAL(connect)(fd, a, l);
        e = gocc_errno_get();
        /* a unix socket whose listener's backlog is full says EAGAIN and
         * has nothing to poll for: retry after a pause, as the blocking
         * connect waits */
        if (r == 0 || e != EAGAIN || a->sa_family != AF_UNIX)
            break;
        gocc_sleep_ns(pause < 10000000 ? pause : 10000000);
    }
    syscall(SYS_fcntl, fd, F_SETFL, fl);
    if (r == 0) {
        gocc_errno_set(saved);
        return 0;
    }
    if (e != EINPROGRESS) {
        gocc_errno_set(e);
        return -1;
    }
    pd->kind = PD_SOCKET;
    if (pd_register(pd) != 0) {
        /* cannot park: wait for it the blocking way */
        struct pollfd p = {fd, POLLOUT, 0};
        iohook_poll_now(&p, 1, -1);
    } else {
        int64_t deadline = deadline_in(pd->sndtimeo);
        for (;;) {
            uint32_t seq = atomic_load(&pd->seq[IO_WR]);
            struct pollfd p = {fd, POLLOUT, 0};
            if (iohook_poll_now(&p, 1, 0) != 0)
                break;
            int err = pd_wait(pd, IO_WR, seq, deadline);
            if (err) {
                /* a blocking connect that times out says EINPROGRESS */
                gocc_errno_set(err == ETIMEDOUT ? EINPROGRESS : err);
                return -1;
            }
        }
    }
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
        return -1;
    if (soerr) {
        gocc_errno_set(soerr);
        return -1;
    }
    gocc_errno_set(saved);
    return 0;
}

GOCC_LIBC_HOOK
int connect(int fd, __CONST_SOCKADDR_ARG sa, socklen_t l) {
    const struct sockaddr *a = sa.__sockaddr__;
    if (!hooked())
        return REAL(connect)(fd, a, l);
    return io_connect(fd, a, l);
}

/* ------------------------------------------------- poll, select, epoll */

/* A set of (descriptor, direction) waits for poll, select and epoll_wait. */
typedef struct fd_waits {
    io_waiter *w;
    int n, cap;
    io_waiter local[32];
} fd_waits;

static void fw_init(fd_waits *fw) {
    fw->w = fw->local;
    fw->n = 0;
    fw->cap = 32;
}

static void fw_free(fd_waits *fw) {
    if (fw->w != fw->local)
        free(fw->w);
}

/* Add fd's direction dir; false if the goroutine cannot park on it. */
static bool fw_add(fd_waits *fw, int fd, int dir) {
    pdesc *pd = pd_get(fd);
    if (!pd || pd_register(pd) != 0)
        return false;
    if (fw->n == fw->cap) {
        io_waiter *w = malloc(2 * (size_t)fw->cap * sizeof *w);
        if (!w)
            return false;
        memcpy(w, fw->w, (size_t)fw->n * sizeof *w);
        if (fw->w != fw->local)
            free(fw->w);
        fw->w = w;
        fw->cap *= 2;
    }
    fw->w[fw->n++] = (io_waiter){.pd = pd, .dir = (uint8_t)dir};
    return true;
}

static void fw_capture(fd_waits *fw) {
    for (int i = 0; i < fw->n; i++)
        fw->w[i].seq = atomic_load(&fw->w[i].pd->seq[fw->w[i].dir]);
}

static bool fw_add_poll(fd_waits *fw, const struct pollfd *p, nfds_t n) {
    for (nfds_t i = 0; i < n; i++) {
        if (p[i].fd < 0)
            continue;
        if ((p[i].events & (POLLIN | POLLPRI | POLLRDHUP)) &&
            !fw_add(fw, p[i].fd, IO_RD))
            return false;
        if ((p[i].events & POLLOUT) && !fw_add(fw, p[i].fd, IO_WR))
            return false;
        if (!(p[i].events & (POLLIN | POLLPRI | POLLRDHUP | POLLOUT)) &&
            !fw_add(fw, p[i].fd, IO_RD))
            return false;       /* only HUP/ERR asked: both come as edges */
    }
    return true;
}

/* A readiness call (ppoll, pselect, epoll_pwait) in a goroutine: look
 * with a zero timeout; while nothing is ready, park on fw's descriptors
 * until an edge or the deadline, then look again.  With can_park false
 * (a descriptor the poller cannot watch) it is the call itself, with the
 * time left.  look(ctx, ts) makes the call with timeout ts (NULL: none).
 * Frees fw. */
typedef int (*look_fn)(void *ctx, const struct timespec *ts);

static int wait_ready(fd_waits *fw, bool can_park, int64_t deadline,
                      look_fn look, void *ctx) {
    static const struct timespec zero = {0, 0};
    int r;
    for (;;) {
        fw_capture(fw);
        int64_t left = deadline < 0 ? -1 : deadline - nanotime();
        if (deadline >= 0 && left < 0)
            left = 0;
        if (!can_park) {
            struct timespec ts = {left / 1000000000, left % 1000000000};
            r = look(ctx, left < 0 ? NULL : &ts);
            break;
        }
        r = look(ctx, &zero);
        if (r != 0 || left == 0)
            break;
        if (pd_wait_group(fw->w, fw->n, deadline) == ETIMEDOUT) {
            r = look(ctx, &zero);       /* the last look, as poll's */
            break;
        }
    }
    int e = gocc_errno_get();
    fw_free(fw);
    gocc_errno_set(e);
    return r;
}

typedef struct ppoll_call {
    struct pollfd *p;
    nfds_t n;
    const sigset_t *mask;
} ppoll_call;

static int ppoll_look(void *ctx, const struct timespec *ts) {
    ppoll_call *c = ctx;
    return REAL(ppoll)(c->p, c->n, ts, c->mask);
}

static int io_ppoll(struct pollfd *p, nfds_t n, int64_t deadline,
                    const sigset_t *mask) {
    fd_waits fw;
    fw_init(&fw);
    bool can_park = fw_add_poll(&fw, p, n);
    ppoll_call c = {p, n, mask};
    return wait_ready(&fw, can_park, deadline, ppoll_look, &c);
}

GOCC_LIBC_HOOK
int poll(struct pollfd *p, nfds_t n, int timeout_ms) {
    if (!hooked() || timeout_ms == 0) {
        struct timespec ts = {timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};
        return REAL(ppoll)(p, n, timeout_ms < 0 ? NULL : &ts, NULL);
    }
    return io_ppoll(p, n, timeout_ms < 0 ? -1 : deadline_in((int64_t)timeout_ms * 1000000), NULL);
}

GOCC_LIBC_HOOK
int ppoll(struct pollfd *p, nfds_t n, const struct timespec *t,
          const sigset_t *mask) {
    if (!hooked() || (t && t->tv_sec == 0 && t->tv_nsec == 0))
        return REAL(ppoll)(p, n, t, mask);
    if (t && (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000)) {
        gocc_errno_set(EINVAL);
        return -1;
    }
    return io_ppoll(p, n, t ? deadline_in(ts_ns(t)) : -1, mask);
}

/* pselect's sets are results too: each look starts from the program's. */
typedef struct pselect_call {
    int nfds;
    fd_set *rd, *wr, *ex;
    fd_set r0, w0, e0;
    const sigset_t *mask;
} pselect_call;

static int pselect_look(void *ctx, const struct timespec *ts) {
    pselect_call *c = ctx;
    if (c->rd)
        *c->rd = c->r0;
    if (c->wr)
        *c->wr = c->w0;
    if (c->ex)
        *c->ex = c->e0;
    return REAL(pselect)(c->nfds, c->rd, c->wr, c->ex, ts, c->mask);
}

static int io_pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
                      int64_t deadline, const sigset_t *mask) {
    fd_waits fw;
    fw_init(&fw);
    bool can_park = nfds >= 0 && nfds <= FD_SETSIZE;
    for (int fd = 0; can_park && fd < nfds; fd++) {
        if (((rd && FD_ISSET(fd, rd)) || (ex && FD_ISSET(fd, ex))) &&
            !fw_add(&fw, fd, IO_RD))
            can_park = false;
        if (wr && FD_ISSET(fd, wr) && !fw_add(&fw, fd, IO_WR))
            can_park = false;
    }
    pselect_call c = {.nfds = nfds, .rd = rd, .wr = wr, .ex = ex, .mask = mask};
    if (rd)
        c.r0 = *rd;
    if (wr)
        c.w0 = *wr;
    if (ex)
        c.e0 = *ex;
    return wait_ready(&fw, can_park, deadline, pselect_look, &c);
}

GOCC_LIBC_HOOK
int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv) {
    if (tv && (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)) {
        gocc_errno_set(EINVAL);
        return -1;
    }
    int64_t ns = tv ? tv_ns(tv) : -1;
    if (!hooked() || ns == 0) {
        struct timespec ts = {ns / 1000000000, ns % 1000000000};
        return REAL(pselect)(nfds, rd, wr, ex, tv ? &ts : NULL, NULL);
    }
    int64_t deadline = tv ? deadline_in(ns) : -1;
    int r = io_pselect(nfds, rd, wr, ex, deadline, NULL);
    if (tv) {   /* Linux's select leaves the time not slept in *tv */
        int64_t left = deadline - nanotime();
        if (left < 0 || r == 0)
            left = 0;
        tv->tv_sec = left / 1000000000;
        tv->tv_usec = left % 1000000000 / 1000;
    }
    return r;
}

GOCC_LIBC_HOOK
int pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
            const struct timespec *t, const sigset_t *mask) {
    if (!hooked() || (t && t->tv_sec == 0 && t->tv_nsec == 0))
        return REAL(pselect)(nfds, rd, wr, ex, t, mask);
    if (t && (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000)) {
        gocc_errno_set(EINVAL);
        return -1;
    }
    return io_pselect(nfds, rd, wr, ex, t ? deadline_in(ts_ns(t)) : -1, mask);
}

typedef struct epoll_call {
    int epfd, max;
    struct epoll_event *ev;
    const sigset_t *mask;
} epoll_call;

static int epoll_look(void *ctx, const struct timespec *ts) {
    epoll_call *c = ctx;
    int64_t ms = ts ? (ts_ns(ts) + 999999) / 1000000 : -1;
    return REAL(epoll_pwait)(c->epfd, c->ev, c->max,
                             ms > INT_MAX ? INT_MAX : (int)ms, c->mask);
}

/* epoll_wait on the program's own epoll instance: the instance is itself
 * a pollable descriptor, readable while it has events. */
GOCC_LIBC_HOOK
int epoll_pwait(int epfd, struct epoll_event *ev, int max, int timeout_ms,
                const sigset_t *mask) {
    if (!hooked() || timeout_ms == 0)
        return REAL(epoll_pwait)(epfd, ev, max, timeout_ms, mask);
    fd_waits fw;
    fw_init(&fw);
    bool can_park = fw_add(&fw, epfd, IO_RD);
    int64_t deadline = timeout_ms < 0 ? -1 : deadline_in((int64_t)timeout_ms * 1000000);
    epoll_call c = {epfd, max, ev, mask};
    return wait_ready(&fw, can_park, deadline, epoll_look, &c);
}

GOCC_LIBC_HOOK
int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout_ms) {
    return epoll_pwait(epfd, ev, max, timeout_ms, NULL);
}

/* ---------------------------------------------------------------- sleeps */

GOCC_LIBC_HOOK
int clock_nanosleep(clockid_t clk, int flags, const struct timespec *t,
                    struct timespec *rem) {
    if (!hooked() || (clk != CLOCK_MONOTONIC && clk != CLOCK_REALTIME &&
                      clk != CLOCK_BOOTTIME))
        return REAL(clock_nanosleep)(clk, flags, t, rem);
    if (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000)
        return EINVAL;
    int64_t ns = ts_ns(t);
    if (flags & TIMER_ABSTIME) {
        struct timespec now;
        clock_gettime(clk, &now);
        ns -= ts_ns(&now);
    }
    gocc_sleep_ns(ns);
    return 0;
}

GOCC_LIBC_HOOK
int nanosleep(const struct timespec *t, struct timespec *rem) {
    int r = clock_nanosleep(CLOCK_REALTIME, 0, t, rem);
    if (r) {
        gocc_errno_set(r);
        return -1;
    }
    return 0;
}

GOCC_LIBC_HOOK
int usleep(useconds_t us) {
    struct timespec t = {us / 1000000, (long)(us % 1000000) * 1000};
    return nanosleep(&t, NULL);
}

GOCC_LIBC_HOOK
unsigned int sleep(unsigned int s) {
    struct timespec t = {s, 0}, rem = {0, 0};
    if (nanosleep(&t, &rem) < 0)
        return (unsigned)rem.tv_sec + (rem.tv_nsec > 0);
    return 0;
}

/* ------------------------------------------- descriptors' life and flags */

GOCC_LIBC_HOOK
int close(int fd) {
    /* a child after fork: plain libc (a runtime lock may have been held
     * by a thread that does not exist here) */
    if (forked)
        return REAL(close)(fd);
    if (netpoll_owns(fd)) {     /* the runtime's: not the program's to close */
        gocc_errno_set(EBADF);
        return -1;
    }
    pd_close(fd);   /* waiters first: they get EBADF, not the next file */
    return REAL(close)(fd);
}

GOCC_LIBC_HOOK
int dup3(int old, int new, int flags) {
    if (forked)
        return REAL(dup3)(old, new, flags);
    if (netpoll_owns(new)) {
        gocc_errno_set(EBADF);
        return -1;
    }
    if (old != new)
        pd_close(new);
    return REAL(dup3)(old, new, flags);
}

GOCC_LIBC_HOOK
int dup2(int old, int new) {
    if (old == new)     /* dup2's own rule: new, if old is valid */
        return (int)syscall(SYS_fcntl, old, F_GETFD) < 0 ? -1 : new;
    return dup3(old, new, 0);
}

GOCC_LIBC_HOOK
int socket(int domain, int type, int proto) {
    int fd = REAL(socket)(domain, type, proto);
    fresh_fd(fd);
    return fd;
}

GOCC_LIBC_HOOK
int socketpair(int domain, int type, int proto, int sv[2]) {
    int r = REAL(socketpair)(domain, type, proto, sv);
    if (r == 0) {
        fresh_fd(sv[0]);
        fresh_fd(sv[1]);
    }
    return r;
}

GOCC_LIBC_HOOK
int pipe2(int p[2], int flags) {
    int r = REAL(pipe2)(p, flags);
    if (r == 0) {
        fresh_fd(p[0]);
        fresh_fd(p[1]);
    }
    return r;
}

GOCC_LIBC_HOOK
int pipe(int p[2]) { return pipe2(p, 0); }

GOCC_LIBC_HOOK
int setsockopt(int fd, int level, int opt, const void *v, socklen_t len) {
    int r = REAL(setsockopt)(fd, level, opt, v, len);
    if (r == 0 && level == SOL_SOCKET &&
        (opt == SO_RCVTIMEO || opt == SO_SNDTIMEO) && len >= sizeof(struct timeval)) {
        store_relaxed(&timeo_seen, true);
        pdesc *pd = pd_lookup(fd);
        if (pd) {
            int64_t ns = tv_ns(v);
            if (opt == SO_RCVTIMEO)
                pd->rcvtimeo = ns;
            else
                pd->sndtimeo = ns;
        }
    }
    return r;
}

/* fcntl: the program's view of O_NONBLOCK where the runtime set it. */
int iohook_fcntl(int fd, int cmd, long arg) {
    pdesc *pd = pd_lookup(fd);
    long r;
    if (cmd == F_GETFL && pd && pd->rt_nb) {
        r = syscall(SYS_fcntl, fd, F_GETFL);
        if (r >= 0 && !pd->user_nb)
            r &= ~(long)O_NONBLOCK;
        return (int)r;
    }
    if (cmd == F_SETFL && pd && pd->rt_nb) {
        r = syscall(SYS_fcntl, fd, F_SETFL, arg | O_NONBLOCK);
        if (r == 0)
            pd->user_nb = (arg & O_NONBLOCK) != 0;
        return (int)r;
    }
    r = REAL(fcntl)(fd, cmd, arg);
    if (r >= 0 && cmd == F_SETFL && pd)
        pd->user_nb = (arg & O_NONBLOCK) != 0;
    if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
        fresh_fd((int)r);
    return (int)r;
}

GOCC_LIBC_HOOK
int fcntl(int fd, int cmd, ...) {
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    return iohook_fcntl(fd, cmd, arg);
}

/* the same function under the name _FILE_OFFSET_BITS=64 code calls */
GOCC_LIBC_HOOK
int fcntl64(int fd, int cmd, ...) __attribute__((alias("fcntl")));

GOCC_LIBC_HOOK
int ioctl(int fd, unsigned long req, ...) {
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    if (req == FIONBIO) {
        pdesc *pd = pd_lookup(fd);
        if (pd && pd->rt_nb) {
            if (syscall(SYS_fcntl, fd, F_GETFL) < 0)
                return -1;      /* EBADF */
            pd->user_nb = *(int *)arg != 0;
            return 0;
        }
        int r = REAL(ioctl)(fd, req, arg);
        if (r == 0 && pd)
            pd->user_nb = *(int *)arg != 0;
        return r;
    }
    return REAL(ioctl)(fd, req, arg);
}

/* -------------------------------------- _FORTIFY_SOURCE's checked forms */

void __chk_fail(void) __attribute__((noreturn));

GOCC_LIBC_HOOK
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen) {
    if (n > buflen)
        __chk_fail();
    return read(fd, buf, n);
}

GOCC_LIBC_HOOK
ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags) {
    if (n > buflen)
        __chk_fail();
    return recv(fd, buf, n, flags);
}

GOCC_LIBC_HOOK
ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags,
                       __SOCKADDR_ARG a, socklen_t *l) {
    if (n > buflen)
        __chk_fail();
    return recvfrom(fd, buf, n, flags, a, l);
}

GOCC_LIBC_HOOK
int __poll_chk(struct pollfd *p, nfds_t n, int timeout, size_t plen) {
    if (plen / sizeof *p < n)
        __chk_fail();
    return poll(p, n, timeout);
}

GOCC_LIBC_HOOK
int __ppoll_chk(struct pollfd *p, nfds_t n, const struct timespec *t,
                const sigset_t *m, size_t plen) {
    if (plen / sizeof *p < n)
        __chk_fail();
    return ppoll(p, n, t, m);
}
