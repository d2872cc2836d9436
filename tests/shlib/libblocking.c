/*
 * libblocking.c - a stand-in for a blocking client library (libpq,
 * hiredis): a shared library of its own whose functions make plain
 * blocking libc calls.  io_shlib calls it from goroutines.
 */
#include <poll.h>
#include <unistd.h>

int lib_read_byte(int fd) {
    unsigned char b;
    return read(fd, &b, 1) == 1 ? b : -1;
}

int lib_poll_in(int fd, int ms) {
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, ms);
}

void lib_sleep_ms(int ms) { usleep((useconds_t)ms * 1000); }
