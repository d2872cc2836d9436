/*
 * context_x86_64.S - goroutine context switch for x86-64 System V.
 *
 * A saved context is a stack pointer; the stack holds, from low to high:
 *   mxcsr (4 bytes), x87 control word (2 bytes, padded to 8),
 *   r15 r14 r13 r12 rbx rbp, return address.
 * The return address is popped into r8 and jumped to, not `ret`urned to:
 * a `ret` to another stack mispredicts in the return-stack buffer.
 * New contexts start in gocc_ctx_entry with r12 = entry, r13 = arg.
 */
        .text
        .globl  gocc_ctx_switch
        .hidden gocc_ctx_switch
        .type   gocc_ctx_switch, @function
        .p2align 4
/* void gocc_ctx_switch(gocc_ctx *from (rdi), gocc_ctx *to (rsi)) */
gocc_ctx_switch:
        .cfi_startproc
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        subq    $8, %rsp
        stmxcsr (%rsp)
        fnstcw  4(%rsp)
        movq    %rsp, (%rdi)
        movq    (%rsi), %rsp
        ldmxcsr (%rsp)
        fldcw   4(%rsp)
        addq    $8, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        popq    %r8
        jmp     *%r8
        .cfi_endproc
        .size   gocc_ctx_switch, .-gocc_ctx_switch

        .globl  gocc_ctx_entry
        .hidden gocc_ctx_entry
        .type   gocc_ctx_entry, @function
        .p2align 4
/* First code of a new context.  The return address is undefined, so
 * debuggers and unwinders stop here instead of walking into garbage. */
gocc_ctx_entry:
        .cfi_startproc
        .cfi_undefined rip
        movq    %r13, %rdi
        callq   *%r12
        ud2
        .cfi_endproc
        .size   gocc_ctx_entry, .-gocc_ctx_entry

        .section .note.GNU-stack,"",@progbits
