/*
 * context.c - preparing new goroutine contexts (both back ends) and the
 * ucontext switch.
 *
 * For the asm back end a new context is a hand-built frame at the top of the
 * stack, shaped exactly like the one gocc_ctx_switch saves, whose resume
 * address is gocc_ctx_entry; the first switch to it "returns" there and
 * calls entry(arg).  The FP control state is copied from the creating
 * thread, as a fresh thread would inherit it.
 */
#include "context.h"

#include <stdint.h>
#include <string.h>

#if defined(GOCC_CONTEXT_UCONTEXT)

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>

/* makecontext passes int arguments only: split the two pointers. */
static void ctx_trampoline(unsigned fhi, unsigned flo, unsigned ahi,
                           unsigned alo) {
    void (*entry)(void *) =
        (void (*)(void *))(((uintptr_t)fhi << 32) | (uintptr_t)flo);
    void *arg = (void *)(((uintptr_t)ahi << 32) | (uintptr_t)alo);
    entry(arg);
    abort();
}

void gocc_ctx_make(gocc_ctx *ctx, char *lo, char *hi, void (*entry)(void *),
                   void *arg) {
    uintptr_t f = (uintptr_t)entry, a = (uintptr_t)arg;
    getcontext(&ctx->uc);
    ctx->uc.uc_stack.ss_sp = lo;
    ctx->uc.uc_stack.ss_size = (size_t)(hi - lo);
    ctx->uc.uc_link = NULL;
    makecontext(&ctx->uc, (void (*)(void))ctx_trampoline, 4,
                (unsigned)(f >> 32), (unsigned)f, (unsigned)(a >> 32),
                (unsigned)a);
}

static _Atomic unsigned long long ctx_mask;
static _Atomic _Bool ctx_mask_on;

void gocc_ctx_set_sigmask(unsigned long long bits) {
    atomic_store_explicit(&ctx_mask, bits, memory_order_relaxed);
    atomic_store_explicit(&ctx_mask_on, 1, memory_order_release);
}

void gocc_ctx_switch(gocc_ctx *from, gocc_ctx *to) {
    if (atomic_load_explicit(&ctx_mask_on, memory_order_acquire)) {
        unsigned long long bits =
            atomic_load_explicit(&ctx_mask, memory_order_relaxed);
        sigemptyset(&to->uc.uc_sigmask);
        for (int s = 1; s <= 64; s++)
            if (bits & (1ull << (s - 1)))
                sigaddset(&to->uc.uc_sigmask, s);
    }
    swapcontext(&from->uc, &to->uc);
}

#elif defined(__x86_64__)

void gocc_ctx_entry(void);

void gocc_ctx_make(gocc_ctx *ctx, char *lo, char *hi, void (*entry)(void *),
                   void *arg) {
    (void)lo;
    /* After the pops, rsp = top; the call in gocc_ctx_entry needs it 16-byte
     * aligned. */
    uintptr_t top = ((uintptr_t)hi & ~(uintptr_t)15);
    uint64_t *sp = (uint64_t *)top - 8;
    uint32_t mxcsr;
    uint16_t fpcw;
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    __asm__ volatile("fnstcw %0" : "=m"(fpcw));
    memset(sp, 0, 8 * sizeof *sp);
    memcpy(&sp[0], &mxcsr, 4);
    memcpy((char *)&sp[0] + 4, &fpcw, 2);
    /* sp[1..6] = r15 r14 r13 r12 rbx rbp */
    sp[3] = (uint64_t)(uintptr_t)arg;   /* r13 */
    sp[4] = (uint64_t)(uintptr_t)entry; /* r12 */
    sp[7] = (uint64_t)(uintptr_t)gocc_ctx_entry;
    ctx->sp = sp;
}

#elif defined(__aarch64__)

void gocc_ctx_entry(void);

void gocc_ctx_make(gocc_ctx *ctx, char *lo, char *hi, void (*entry)(void *),
                   void *arg) {
    (void)lo;
    uintptr_t top = ((uintptr_t)hi & ~(uintptr_t)15);
    uint64_t *sp = (uint64_t *)(top - 176);
    uint64_t fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    memset(sp, 0, 176);
    sp[0] = (uint64_t)(uintptr_t)entry;           /* x19 */
    sp[1] = (uint64_t)(uintptr_t)arg;             /* x20 */
    sp[11] = (uint64_t)(uintptr_t)gocc_ctx_entry; /* x30 */
    sp[20] = fpcr;
    ctx->sp = sp;
}

#else
#error "no asm context switch for this architecture: configure with -DGOCC_CONTEXT=ucontext"
#endif

#if !defined(GOCC_CONTEXT_UCONTEXT)
void gocc_ctx_set_sigmask(unsigned long long bits) { (void)bits; }
#endif
