/* Translated by gocc from go_call_variadic.gc: edit that file, not this one. */
#line 1 "@SRC@/go_call_variadic.gc"
/* Golden: go with a variadic callee (default argument promotions). */
#include <stdio.h>

#include <gocc.h>
#line 5 "@SRC@/go_call_variadic.gc"
struct gocc_spawn_printf_go1 {
    int (*fn)(const char *, ...);
    const char *a0;
    int a1;
    double a2;
    int a3;
};
#line 5 "@SRC@/go_call_variadic.gc"
static void gocc_spawn_printf_go1(void *gocc_p) { struct gocc_spawn_printf_go1 *gocc_a = gocc_p; gocc_a->fn(gocc_a->a0, gocc_a->a1, gocc_a->a2, gocc_a->a3); }
#line 4 "@SRC@/go_call_variadic.gc"
void spawn_printf(char c, float f, short s) {
    { struct gocc_spawn_printf_go1 gocc_a1; gocc_a1.fn = printf; gocc_a1.a0 = "%c %f %d\n"; gocc_a1.a1 = c; gocc_a1.a2 = f; gocc_a1.a3 = s; gocc_go_copy(gocc_spawn_printf_go1, &gocc_a1, sizeof gocc_a1); }
}
