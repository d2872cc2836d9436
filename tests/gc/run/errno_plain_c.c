/* errno_plain_c.c - for errno_after_migration.gc: plain C that includes
 * <gocc.h> gets the same fresh errno as .gc code.  Built at -O2. */
#include <gocc.h>

#include <errno.h>
#include <unistd.h>

/* One round: yield (perhaps changing threads), a failing close(-1); then
 * again with read(-1).  Returns how many errno values were wrong. */
int errno_plain_c_round(void) {
    char c;
    int bad = 0;
    errno = 0;
    gocc_yield();
    int r = close(-1);
    bad += r != -1 || errno != EBADF;
    errno = 0;
    gocc_yield();
    r = (int)read(-1, &c, 1);
    bad += r != -1 || errno != EBADF;
    return bad;
}
