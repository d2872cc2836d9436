/* A channel of function pointers carries exactly that signature: sending a
 * function of another signature is a diagnostic. */
// expect: incompatible
// expect: long
#include <gocc.h>

typedef int (*binop)(int, int);

static int add(int a, int b) { return a + b; }
static long negate(long a) { return -a; }

void f(gocc_chan(binop) c) {
#ifdef GOCC_GOOD
    gocc_send(c, add);
    (void)negate;
#else
    gocc_send(c, negate);
    (void)add;
#endif
}
