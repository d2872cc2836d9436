/* gocc_case_recv(ch, p) checks that p points at the element type. */
// expect: incompatible
// expect: double
#include <gocc.h>

#include <stdbool.h>

int f(gocc_chan(int) c) {
#ifdef GOCC_GOOD
    int v;
#else
    double v;
#endif
    gocc_select_case k[1] = {gocc_case_recv(c, &v)};
    return gocc_select(k, 1, false);
}
