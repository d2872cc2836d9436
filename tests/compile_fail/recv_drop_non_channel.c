// Dropping a receive from something that is not a channel (here a plain
// struct pointer) must not compile: gocc_recv_drop has no element type to
// check otherwise, and the runtime would take the struct for a channel.
// expect: (called object|not a function)
#include <gocc.h>
struct conn { int fd; };
int main(void) {
#ifdef GOCC_GOOD
    gocc_chan(int) p = gocc_make(int, 1);
#else
    struct conn c = {0}, *p = &c;
#endif
    gocc_recv_drop(p);
    return 0;
}
