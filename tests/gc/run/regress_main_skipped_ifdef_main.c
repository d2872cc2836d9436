/* The main of regress_main_skipped_ifdef.gc's program. */
#include <stdio.h>

int helper(void);

int main(void) {
    printf("helper %d\n", helper());
    return 0;
}
