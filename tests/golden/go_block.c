/* Translated by gocc from go_block.gc: edit that file, not this one. */
#line 1 "@SRC@/go_block.gc"
/* Golden: go { } capturing a scalar, an array, a channel, a parameter;
 * a block-scope static is shared; return; inside the block. */
#include <gocc.h>
#line 7 "@SRC@/go_block.gc"
struct gocc_spawn_block_go1 {
    int n;
    int *shared;
    gocc_chan(int) out;
    int x;
    int arr[3];
};
static void gocc_spawn_block_go1(void *gocc_p);
#line 3 "@SRC@/go_block.gc"
void spawn_block(int n, gocc_chan(int) out) {
    int x = 1;
    int arr[3] = {1, 2, 3};
    static int shared;
    { struct gocc_spawn_block_go1 gocc_a1 = { .n = n, .shared = &shared, .out = out, .x = x, }; __builtin_memcpy(gocc_a1.arr, arr, sizeof gocc_a1.arr); gocc_go_copy(gocc_spawn_block_go1, &gocc_a1, sizeof gocc_a1); }
#line 13 "@SRC@/go_block.gc"
}
#line 7 "@SRC@/go_block.gc"
static void gocc_spawn_block_go1(void *gocc_p)
{
    struct gocc_spawn_block_go1 *gocc_a = gocc_p;
    int n = gocc_a->n;
    gocc_chan(int) out = gocc_a->out;
    int x = gocc_a->x;
    int arr[3]; __builtin_memcpy(arr, gocc_a->arr, sizeof arr);
#line 7 "@SRC@/go_block.gc"
       {
        if (n < 0)
            return;
        (*gocc_a->shared)++;
        gocc_send(out, x + arr[2] + n);
    }
}

