/* gocc_case_send(ch, p) and gocc_try_send(ch, p) check that p points at
 * the element type: a channel of short sent from a float is a diagnostic. */
// expect: incompatible
// expect: float
#include <gocc.h>

#include <stdbool.h>

int f(gocc_chan(short) c) {
#ifdef GOCC_GOOD
    short v = 1;
#else
    float v = 1;
#endif
    if (gocc_try_send(c, &v))
        return -1;
    gocc_select_case k[1] = {gocc_case_send(c, &v)};
    return gocc_select(k, 1, false);
}
