/* A gocc_chan(gocc_chan(int)) carries channels of int: sending a
 * gocc_chan(long) on it is a diagnostic. */
// expect: incompatible
// expect: long
#include <gocc.h>

void f(gocc_chan(gocc_chan(int)) cc) {
#ifdef GOCC_GOOD
    gocc_chan(int) inner = gocc_make(int, 1);
#else
    gocc_chan(long) inner = gocc_make(long, 1);
#endif
    gocc_send(cc, inner);
}
