/* Sending a char * string on a gocc_chan(int) is a compile-time diagnostic
 * (LANGUAGE.md 2), not a silent conversion. */
// expect: int-conversion
#include <gocc.h>

void f(gocc_chan(int) c) {
#ifdef GOCC_GOOD
    gocc_send(c, 42);
#else
    gocc_send(c, "forty-two");
#endif
}
