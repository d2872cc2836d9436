/*
 * context.h - saving and switching goroutine register contexts.
 *
 * Two back ends, chosen at configure time (GOCC_CONTEXT):
 *   asm       hand-written switch for x86-64 SysV and AAPCS64 (context_*.S):
 *             callee-saved registers, the FP control words, SP, and an
 *             indirect jump instead of `ret` (NOTES.md: ret mispredicts in
 *             the return-stack buffer; 3 ns vs 8 ns a switch).
 *   ucontext  getcontext/makecontext/swapcontext: portable, about 230 ns a
 *             switch, the back end the sanitizers understand.
 */
#ifndef GOCC_CONTEXT_H
#define GOCC_CONTEXT_H

#include <stddef.h>

#if defined(GOCC_CONTEXT_UCONTEXT)
#include <ucontext.h>
typedef struct gocc_ctx {
    ucontext_t uc;
} gocc_ctx;
#else
typedef struct gocc_ctx {
    void *sp;                   /* everything else is saved on the stack */
} gocc_ctx;
#endif

/* Prepare ctx so that switching to it calls entry(arg) on the stack
 * [lo, hi).  entry must never return. */
void gocc_ctx_make(gocc_ctx *ctx, char *lo, char *hi, void (*entry)(void *),
                   void *arg);

/* Save the running context into from and resume to.  Returns when something
 * switches back to from. */
void gocc_ctx_switch(gocc_ctx *from, gocc_ctx *to);

/* The signal mask a switch leaves on the thread (signals 1-64 as bits
 * signo-1), once gocc_ctx_set_sigmask has been called: swapcontext
 * installs the mask stored in the context it resumes, so without this a
 * switch would bring back whatever mask that context was saved with, and
 * a mask shared by all workers (signal.c) would not hold.  The asm back end
 * leaves the mask alone and ignores it. */
void gocc_ctx_set_sigmask(unsigned long long bits);

#endif
