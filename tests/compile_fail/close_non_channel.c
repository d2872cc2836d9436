// gocc_close on an int (a file descriptor, say) must not compile.
// expect: (called object|not a function)
#include <gocc.h>
int main(void) {
#ifdef GOCC_GOOD
    gocc_chan(int) fd = gocc_make(int, 1);
#else
    int fd = 3;
#endif
    gocc_close(fd);
    return 0;
}
