/* gocc_recv on a channel of struct a has type struct a: assigning it to a
 * struct b variable is an error, even though the two have the same
 * layout. */
// expect: incompatible
// expect: struct (a|b)
#include <gocc.h>

struct a { int x, y; };
struct b { int x, y; };

int f(gocc_chan(struct a) c) {
#ifdef GOCC_GOOD
    struct a v;
#else
    struct b v;
#endif
    v = gocc_recv(c);
    return v.x + v.y;
}
