/* report.c - a plain C source in the same target as pipeline.gc: it sees
 * <gocc.h> through gocc::rt and could use channels through gocc_chan(T). */
#include <gocc.h>
#include <stdio.h>

#include "stages.h"

void report(int stages) {
    /* main runs as goroutine 1 */
    printf("pipeline of %d stages done (goroutine %lld)\n", stages,
           (long long)gocc_goid());
}
