/* Translated by gocc from chan_types.gc: edit that file, not this one. */
#line 1 "@SRC@/chan_types.gc"
/* Golden: chan<T> in every type position. */
#include <stddef.h>

#include <gocc.h>
#line 4 "@SRC@/chan_types.gc"
struct job {
    int id;
};

typedef gocc_chan(int) ichan;

struct pipe {
    gocc_chan(int) in, out;
    gocc_chan(gocc_chan(int)) ctl;
    gocc_chan(int (*)(int)) fns;
    gocc_chan(struct job *) jobs;
};

static gocc_chan(int) gnil;

gocc_chan(long) give(gocc_chan(int) c, gocc_chan(gocc_chan(gocc_chan(int))) deep);

size_t sizes(void) {
    gocc_chan(int) a = {0}, b = 0;
    gocc_chan(int) arr[2];
    gocc_chan(double) *p = NULL;
    (void)arr;
    (void)p;
    return sizeof(gocc_chan(int)) + sizeof(ichan) + (a == b) + (gnil != (gocc_chan(int))0) +
           sizeof((gocc_chan(int)){0});
}
