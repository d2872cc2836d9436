/* Translated by gocc from go_block_local_types.gc: edit that file, not this one. */
#line 1 "@SRC@/go_block_local_types.gc"
/* Golden: a go block that names types and constants declared in the
 * enclosing function.  Its function starts with copies of those
 * declarations (each at its own line, with what they name in turn), and
 * the capture struct is declared inside both functions, where the local
 * names are seen. */
#include <stdio.h>

#include <gocc.h>
#line 13 "@SRC@/go_block_local_types.gc"
static void gocc_run_go1(void *gocc_p);
#line 8 "@SRC@/go_block_local_types.gc"
void run(void) {
    enum { N = 2 };
    typedef struct point { int x, y; } point;
    struct seg { point a, b; } s = {{0, 1}, {N, 3}};
    gocc_chan(int) done = gocc_make(int, 0);
    { struct gocc_run_go1 { struct seg s; gocc_chan(int) done; }; struct gocc_run_go1 gocc_a1 = { .s = s, .done = done, }; gocc_go_copy(gocc_run_go1, &gocc_a1, sizeof gocc_a1); }
#line 17 "@SRC@/go_block_local_types.gc"
    printf("%d\n", gocc_recv(done));
}
#line 13 "@SRC@/go_block_local_types.gc"
static void gocc_run_go1(void *gocc_p)
{
#line 9 "@SRC@/go_block_local_types.gc"
    enum { N = 2 };
#line 10 "@SRC@/go_block_local_types.gc"
    typedef struct point { int x, y; } point;
#line 11 "@SRC@/go_block_local_types.gc"
    struct seg { point a, b; };
#line 13 "@SRC@/go_block_local_types.gc"
struct gocc_run_go1 { struct seg s; gocc_chan(int) done; };
    struct gocc_run_go1 *gocc_a = gocc_p;
    struct seg s = gocc_a->s;
    gocc_chan(int) done = gocc_a->done;
#line 13 "@SRC@/go_block_local_types.gc"
       {
        point p = s.b;
        gocc_send(done, p.x + N);
    }
}

