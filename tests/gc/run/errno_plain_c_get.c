/* errno_plain_c_get.c - for errno_after_migration.gc: plain C that keeps
 * libc's errno macro (GOCC_NO_FRESH_ERRNO) reads errno after a switch
 * point with gocc_errno_get().  Built at -O2. */
#define GOCC_NO_FRESH_ERRNO
#include <gocc.h>

#include <errno.h>
#include <unistd.h>

/* As errno_plain_c_round, through gocc_errno_get/_set. */
int errno_plain_c_get_round(void) {
    char c;
    int bad = 0;
    gocc_errno_set(0);
    gocc_yield();
    int r = close(-1);
    bad += r != -1 || gocc_errno_get() != EBADF;
    gocc_errno_set(0);
    gocc_yield();
    r = (int)read(-1, &c, 1);
    bad += r != -1 || gocc_errno_get() != EBADF;
    return bad;
}
