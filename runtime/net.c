/*
 * net.c - gocc_listen and gocc_dial: Go's net.Listen and net.DialTimeout
 * for C.
 *
 * Addresses are Go's: "host:port", "[v6 host]:port", an empty host for
 * every local address; "unix" takes a path ("@name": abstract).  Host
 * names and service names go to getaddrinfo, which blocks: it runs on a
 * helper thread that sends its answer on a channel, so a goroutine parks
 * meanwhile (and a dial's timeout covers the lookup).  Numeric hosts need
 * no thread.  Sockets are made close-on-exec; the descriptor returned is
 * in blocking mode, which is what the parking calls of iohook.c serve.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum net_kind { NET_TCP, NET_TCP4, NET_TCP6, NET_UNIX, NET_BAD };

static enum net_kind net_parse(const char *network) {
    if (!network)
        return NET_BAD;
    if (!strcmp(network, "tcp"))
        return NET_TCP;
    if (!strcmp(network, "tcp4"))
        return NET_TCP4;
    if (!strcmp(network, "tcp6"))
        return NET_TCP6;
    if (!strcmp(network, "unix"))
        return NET_UNIX;
    return NET_BAD;
}

/* Split "host:port" as Go's net.SplitHostPort: the port after the last
 * colon; a host with colons must be bracketed.  host and port receive
 * copies (at most 255 and 63 bytes).  False if malformed. */
static bool split_host_port(const char *a, char *host, char *port) {
    const char *colon = strrchr(a, ':');
    if (!colon)
        return false;
    const char *h = a, *he = colon;
    if (*a == '[') {
        const char *rb = strchr(a, ']');
        if (!rb || rb + 1 != colon)
            return false;
        h = a + 1;
        he = rb;
    } else if (memchr(a, ':', (size_t)(colon - a)) || strchr(a, '[') ||
               strchr(a, ']')) {
        return false;           /* "::1:80": too many colons */
    }
    size_t hl = (size_t)(he - h), pl = strlen(colon + 1);
    if (hl > 255 || pl == 0 || pl > 63)
        return false;
    memcpy(host, h, hl);
    host[hl] = 0;
    memcpy(port, colon + 1, pl + 1);
    return true;
}

/* getaddrinfo's failure as an errno (gocc.h documents the mapping). */
static int gai_errno(int gai, int sys) {
    switch (gai) {
    case EAI_NONAME: case EAI_NODATA: case EAI_ADDRFAMILY: case EAI_FAIL:
        return ENXIO;
    case EAI_AGAIN: return EAGAIN;
    case EAI_MEMORY: return ENOMEM;
    case EAI_SYSTEM: return sys ? sys : EIO;
    default: return EINVAL;    /* EAI_SERVICE, EAI_BADFLAGS ... */
    }
}

/* ------------------------------------------------------------- resolving */

/* One lookup, shared by the helper thread and the caller; the last of
 * the two to let go frees it (a caller that timed out leaves first). */
typedef struct lookup {
    _Atomic int refs;
    char host[256], port[64];
    struct addrinfo hints;
    struct addrinfo *res;
    int gai, sys;
    gocc_hchan *done;           /* chan<int>, capacity 1 */
} lookup;

static void lookup_unref(lookup *l) {
    if (atomic_fetch_sub(&l->refs, 1) != 1)
        return;
    if (l->res)
        freeaddrinfo(l->res);
    gocc_chan_free_(l->done);
    free(l);
}

static void *lookup_thread(void *p) {
    lookup *l = p;
    l->gai = getaddrinfo(l->host[0] ? l->host : NULL, l->port, &l->hints,
                         &l->res);
    l->sys = gocc_errno_get();
    int one = 1;
    chan_offer(l->done, &one);
    lookup_unref(l);
    return NULL;
}

/* Resolve host and port for hints, by deadline (ns; -1: none).  0 and
 * *res (free with freeaddrinfo), or an errno (ETIMEDOUT: the deadline
 * passed first). */
static int resolve(const char *host, const char *port,
                   const struct addrinfo *hints, int64_t deadline,
                   struct addrinfo **res) {
    struct addrinfo h = *hints;
    unsigned char buf[sizeof(struct in6_addr)];
    bool numeric = !*host || inet_pton(AF_INET, host, buf) == 1 ||
                   inet_pton(AF_INET6, host, buf) == 1;
    char *end;
    long pn = strtol(port, &end, 10);
    bool numport = !*end;
    if (numport && (pn < 0 || pn > 65535))
        return EINVAL;
    /* a service name is letters, digits and - _ . + (RFC 6335 and
     * /etc/services): anything else is malformed, not worth a lookup that
     * could outlast a short deadline */
    for (const char *c = port; !numport && *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || strchr("-_.+", *c)))
            return EINVAL;
    if (numport)
        h.ai_flags |= AI_NUMERICSERV;
    if (numeric && numport) {   /* nothing to look up: no thread */
        h.ai_flags |= AI_NUMERICHOST;
        int gai = getaddrinfo(*host ? host : NULL, port, &h, res);
        return gai ? gai_errno(gai, gocc_errno_get()) : 0;
    }
    lookup *l = calloc(1, sizeof *l);
    if (!l)
        return ENOMEM;
    strcpy(l->host, host);
    strcpy(l->port, port);
    l->hints = h;
    l->done = gocc_chan_make_(sizeof(int), _Alignof(int), 1);
    atomic_init(&l->refs, 2);
    pthread_t t;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &a, lookup_thread, l) != 0)
        lookup_thread(l);       /* no thread: look up here */
    pthread_attr_destroy(&a);
    int v = 0;
    int fired = 0;
    if (deadline < 0) {
        gocc_chan_recv_(l->done, &v);
    } else {
        int64_t left = deadline - nanotime();
        gocc_select_case cs[2] = {
            {l->done, &v, GOCC_CASE_RECV, 0, false},
            {gocc_after_(left > 0 ? (left + 999999) / 1000000 : 0), NULL,
             GOCC_CASE_RECV, GOCC_CASE_RELEASE, false}};
        fired = gocc_select(cs, 2, false);
    }
    int err = 0;
    if (fired == 1) {
        err = ETIMEDOUT;
    } else if (l->gai) {
        err = gai_errno(l->gai, l->sys);
    } else {
        *res = l->res;
        l->res = NULL;
    }
    lookup_unref(l);
    return err;
}

/* ------------------------------------------------------------- sockets */

static int unix_addr(const char *path, struct sockaddr_un *sa, socklen_t *len) {
    size_t n = strlen(path);
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    if (n == 0 || n >= sizeof sa->sun_path)
        return EINVAL;
    memcpy(sa->sun_path, path, n);
    if (path[0] == '@')
        sa->sun_path[0] = 0;    /* abstract: no terminating NUL counted */
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
                       (path[0] == '@' ? 0 : 1));
    return 0;
}

static int fail(int err, int fd) {
    if (fd >= 0)
        close(fd);
    gocc_errno_set(err);
    return -1;
}

/* Socket, options, bind, listen for one address. */
static int listen_on(int family, const struct sockaddr *sa, socklen_t len,
                     bool v6only) {
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1, v6 = v6only;
    if (family != AF_UNIX)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6, sizeof v6);
    if (bind(fd, sa, len) < 0 || listen(fd, 65535) < 0)
        return fail(gocc_errno_get(), fd);
    return fd;
}

int gocc_listen(const char *network, const char *address) {
    enum net_kind k = net_parse(network);
    if (k == NET_BAD || !address)
        return fail(EINVAL, -1);
    if (k == NET_UNIX) {
        struct sockaddr_un sa;
        socklen_t len;
        int err = unix_addr(address, &sa, &len);
        return err ? fail(err, -1)
                   : listen_on(AF_UNIX, (struct sockaddr *)&sa, len, false);
    }
    char host[256], port[64];
    if (!split_host_port(address, host, port))
        return fail(EINVAL, -1);
    if (!*host && k != NET_TCP4) {
        /* every address: dual-stack "::" (only IPv6 for tcp6), or
         * 0.0.0.0 where the kernel has no IPv6 */
        struct addrinfo hints = {.ai_family = AF_INET6,
                                 .ai_socktype = SOCK_STREAM,
                                 .ai_flags = AI_PASSIVE};
        struct addrinfo *res = NULL;
        int err = resolve("", port, &hints, -1, &res);
        if (err)
            return fail(err, -1);
        int fd = listen_on(AF_INET6, res->ai_addr, res->ai_addrlen,
                           k == NET_TCP6);
        freeaddrinfo(res);
        if (fd >= 0 || gocc_errno_get() != EAFNOSUPPORT || k == NET_TCP6)
            return fd;
    }
    struct addrinfo hints = {
        .ai_family = k == NET_TCP6 ? AF_INET6 : k == NET_TCP4 ? AF_INET
                                                              : AF_UNSPEC,
        .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *res = NULL;
    int err = resolve(host, port, &hints, -1, &res);
    if (err)
        return fail(err, -1);
    /* as Go: the first IPv4 address for "tcp", else the first one */
    struct addrinfo *pick = res;
    for (struct addrinfo *r = res; k == NET_TCP && r; r = r->ai_next)
        if (r->ai_family == AF_INET) {
            pick = r;
            break;
        }
    int fd = listen_on(pick->ai_family, pick->ai_addr, pick->ai_addrlen,
                       pick->ai_family == AF_INET6);
    err = gocc_errno_get();
    freeaddrinfo(res);
    gocc_errno_set(err);
    return fd;
}

/* Connect a new socket to one address by deadline (ns; -1 none).  The
 * descriptor, or -1 with errno. */
static int dial_one(int family, const struct sockaddr *sa, socklen_t len,
                    int64_t deadline) {
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    for (int64_t pause = 100000;;) {
        if (connect(fd, sa, len) == 0)
            break;
        int e = gocc_errno_get();
        if (e == EAGAIN && family == AF_UNIX) {
            /* the listener's backlog is full: nothing to poll for */
            if (deadline >= 0 && nanotime() >= deadline)
                return fail(ETIMEDOUT, fd);
            gocc_sleep_ns(pause);
            if (pause < 10000000)
                pause *= 2;
            continue;
        }
        if (e != EINPROGRESS)
            return fail(e, fd);
        int64_t left = deadline < 0 ? -1 : deadline - nanotime();
        if (deadline >= 0 && left <= 0)
            return fail(ETIMEDOUT, fd);
        int r = gocc_fd_wait(fd, GOCC_WRITE,
                             left < 0 ? -1 : (left + 999999) / 1000000);
        if (r < 0)
            return fail(gocc_errno_get(), fd);
        if (r == 0)
            return fail(ETIMEDOUT, fd);
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
            return fail(gocc_errno_get(), fd);
        if (soerr)
            return fail(soerr, fd);
        break;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
        return fail(gocc_errno_get(), fd);
    return fd;
}

int gocc_dial(const char *network, const char *address, int64_t timeout_ms) {
    enum net_kind k = net_parse(network);
    if (k == NET_BAD || !address)
        return fail(EINVAL, -1);
    int64_t deadline = -1;
    if (timeout_ms > 0)
        deadline = nanotime() + (timeout_ms > INT64_MAX / 4000000
                                     ? INT64_MAX / 4
                                     : timeout_ms * 1000000);
    if (k == NET_UNIX) {
        struct sockaddr_un sa;
        socklen_t len;
        int err = unix_addr(address, &sa, &len);
        return err ? fail(err, -1)
                   : dial_one(AF_UNIX, (struct sockaddr *)&sa, len, deadline);
    }
    char host[256], port[64];
    if (!split_host_port(address, host, port))
        return fail(EINVAL, -1);
    struct addrinfo hints = {
        .ai_family = k == NET_TCP6 ? AF_INET6 : k == NET_TCP4 ? AF_INET
                                                              : AF_UNSPEC,
        .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    /* an empty host dials the local system, as Go's */
    int err = resolve(*host ? host : (k == NET_TCP6 ? "::1" : "127.0.0.1"),
                      port, &hints, deadline, &res);
    if (err)
        return fail(err, -1);
    int n = 0;
    for (struct addrinfo *r = res; r; r = r->ai_next)
        n++;
    int fd = -1, first = 0;
    for (struct addrinfo *r = res; r && fd < 0; r = r->ai_next, n--) {
        /* Go's partialDeadline: an equal share of the time left for each
         * address still to try, but at least 2 s */
        int64_t d = deadline;
        if (deadline >= 0 && n > 1) {
            int64_t left = deadline - nanotime(), share = left / n;
            if (share < 2000000000)
                share = left < 2000000000 ? left : 2000000000;
            d = nanotime() + share;
        }
        fd = dial_one(r->ai_family, r->ai_addr, r->ai_addrlen, d);
        if (fd < 0 && !first)
            first = gocc_errno_get();      /* Go reports the first error */
        if (fd < 0 && deadline >= 0 && nanotime() >= deadline)
            break;
    }
    freeaddrinfo(res);
    if (fd < 0)
        gocc_errno_set(first ? first : ETIMEDOUT);
    return fd;
}
