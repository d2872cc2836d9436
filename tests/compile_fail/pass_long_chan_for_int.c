/* Passing a gocc_chan(long) where a gocc_chan(int) is expected is an
 * incompatible-pointer diagnostic (LANGUAGE.md 2). */
// expect: incompatible
// expect: long
#include <gocc.h>

void take_ints(gocc_chan(int) c);

#ifdef GOCC_GOOD
void f(gocc_chan(int) c) { take_ints(c); }
#else
void f(gocc_chan(long) c) { take_ints(c); }
#endif
