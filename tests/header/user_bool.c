/* user_bool.c - <gocc.h> takes no name from the program: a C89 program
 * that spells its own bool, true and false (and even its own int64_t
 * and uint32_t, which <stdint.h> would clash with) compiles with the
 * header included after its definitions (-DBOOL_FIRST) or before them,
 * for check.cmake. */
#ifndef BOOL_FIRST
#include <gocc.h>
#endif

typedef int bool;
enum { false, true };
typedef double int64_t;
typedef char uint32_t;

#ifdef BOOL_FIRST
#include <gocc.h>
#endif

static bool got(gocc_chan(int) c, int *v) {
    bool ok = gocc_recv_ok(c, v);
    return ok ? true : false;
}

int main(void) {
    gocc_chan(int) c = gocc_make(int, 1);
    int v = 0;
    int64_t d = 1.5;
    uint32_t ch = 'x';
    gocc_send(c, 7);
    if (!got(c, &v))
        return 1;
    gocc_chan_free(c);
    return v == 7 && d > 1 && ch == 'x' ? 0 : 1;
}
