/* Translated by gocc from go_call.gc: edit that file, not this one. */
#line 1 "@SRC@/go_call.gc"
/* Golden: go with a function, a function pointer and a struct argument. */
#include <gocc.h>
#line 2 "@SRC@/go_call.gc"
struct pair {
    int a, b;
};

static void work(int id, gocc_chan(int) out) { gocc_send(out, id); }
static void pairwork(struct pair p) { (void)p; }

#line 11 "@SRC@/go_call.gc"
struct gocc_spawn_go1 {
    void (*fn)(int, gocc_chan(int));
    int a0;
    gocc_chan(int) a1;
};
#line 11 "@SRC@/go_call.gc"
static void gocc_spawn_go1(void *gocc_p) { struct gocc_spawn_go1 *gocc_a = gocc_p; gocc_a->fn(gocc_a->a0, gocc_a->a1); }
#line 12 "@SRC@/go_call.gc"
struct gocc_spawn_go2 {
    void (*fn)(int, gocc_chan(int));
    int a0;
    gocc_chan(int) a1;
};
#line 12 "@SRC@/go_call.gc"
static void gocc_spawn_go2(void *gocc_p) { struct gocc_spawn_go2 *gocc_a = gocc_p; gocc_a->fn(gocc_a->a0, gocc_a->a1); }
#line 14 "@SRC@/go_call.gc"
struct gocc_spawn_go3 {
    void (*fn)(struct pair);
    struct pair a0;
};
#line 14 "@SRC@/go_call.gc"
static void gocc_spawn_go3(void *gocc_p) { struct gocc_spawn_go3 *gocc_a = gocc_p; gocc_a->fn(gocc_a->a0); }
#line 9 "@SRC@/go_call.gc"
void spawn(gocc_chan(int) out) {
    void (*fp)(int, gocc_chan(int)) = work;
    { struct gocc_spawn_go1 gocc_a1; gocc_a1.fn = work; gocc_a1.a0 = 1; gocc_a1.a1 = out; gocc_go_copy(gocc_spawn_go1, &gocc_a1, sizeof gocc_a1); }
    { struct gocc_spawn_go2 gocc_a2; gocc_a2.fn = fp; gocc_a2.a0 = 2; gocc_a2.a1 = out; gocc_go_copy(gocc_spawn_go2, &gocc_a2, sizeof gocc_a2); }
    struct pair p = {1, 2};
    { struct gocc_spawn_go3 gocc_a3; gocc_a3.fn = pairwork; gocc_a3.a0 = p; gocc_go_copy(gocc_spawn_go3, &gocc_a3, sizeof gocc_a3); }
}
