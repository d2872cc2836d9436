/* gocc_recv_ok(ch, &v) checks that &v points at the element type: an int
 * channel received into a long is a diagnostic. */
// expect: incompatible
// expect: long
#include <gocc.h>

#include <stdbool.h>

bool f(gocc_chan(int) c) {
#ifdef GOCC_GOOD
    int v;
#else
    long v;
#endif
    return gocc_recv_ok(c, &v);
}
