/*
 * fiber.c - telling ASan, TSan and Valgrind about goroutine stacks.
 *
 * ASan must be told of every stack switch, or reused stacks give false
 * stack-buffer-underflow reports (NOTES.md): start_switch_fiber before,
 * finish_switch_fiber after, with a NULL save slot when the goroutine that
 * leaves is exiting.  A recycled stack is unpoisoned before reuse, since an
 * exited goroutine leaves its last frames' redzones behind.
 * TSan models each goroutine as a fiber, switched to just before each
 * context switch.  This file and the switch routine are built without TSan
 * instrumentation: a function entered before __tsan_switch_to_fiber and
 * left after it would pop the target fiber's shadow call stack.  A goroutine's fiber is destroyed when
 * it exits and a new one made for the next goroutine on that stack: an
 * exited goroutine never returns from its last frames, and a reused fiber
 * would accumulate them until its shadow stack overflowed.
 * Without a sanitizer everything here compiles to nothing.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <pthread.h>

#ifdef GOCC_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef GOCC_TSAN
#include <sanitizer/tsan_interface.h>
#endif

void fiber_g0_init(gocc_g *g0) {
#ifdef GOCC_ASAN
    pthread_attr_t a;
    void *addr;
    size_t size;
    if (pthread_getattr_np(pthread_self(), &a) == 0) {
        pthread_attr_getstack(&a, &addr, &size);
        g0->stack_lo = addr;
        g0->stack_hi = (char *)addr + size;
        pthread_attr_destroy(&a);
    }
#endif
#ifdef GOCC_TSAN
    g0->tsan_fiber = __tsan_get_current_fiber();
#endif
    (void)g0;
}

void fiber_create(gocc_g *g) {
#ifdef GOCC_ASAN
    /* Not main's unit: it is fresh (its shadow is zero, nothing to
     * unpoison), and the unpoisoning writes the shadow of the whole range,
     * which would make an eighth of main's 8 MiB (or 1 GiB) resident. */
    if (!g->solo)
        ASAN_UNPOISON_MEMORY_REGION(g->stack_lo,
                                    (size_t)(g->stack_hi - g->stack_lo));
    g->asan_fake_stack = NULL;
#endif
#ifdef GOCC_TSAN
    g->tsan_fiber = __tsan_create_fiber(0);
#endif
    (void)g;
}

void fiber_destroy(gocc_g *g) {
#ifdef GOCC_TSAN
    if (g->tsan_fiber)
        __tsan_destroy_fiber(g->tsan_fiber);
    g->tsan_fiber = NULL;
#endif
    (void)g;
}

#if defined(GOCC_ASAN) || defined(GOCC_TSAN)
void fiber_start_switch(gocc_g *from, gocc_g *to, bool from_dying) {
#ifdef GOCC_ASAN
    __sanitizer_start_switch_fiber(from_dying ? NULL : &from->asan_fake_stack,
                                   to->stack_lo,
                                   (size_t)(to->stack_hi - to->stack_lo));
#endif
#ifdef GOCC_TSAN
    __tsan_switch_to_fiber(to->tsan_fiber, 0);
#endif
    (void)from;
    (void)to;
    (void)from_dying;
}

void fiber_finish_switch(gocc_g *g) {
#ifdef GOCC_ASAN
    __sanitizer_finish_switch_fiber(g->asan_fake_stack, NULL, NULL);
#endif
    (void)g;
}
#endif
