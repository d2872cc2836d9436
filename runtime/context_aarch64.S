/*
 * context_aarch64.S - goroutine context switch for AAPCS64.
 *
 * A saved context is a stack pointer; the 176-byte frame below it holds
 * x19-x30 (x30 = resume address), d8-d15 and FPCR.  Resumption is `br x30`
 * after restoring.  New contexts start in gocc_ctx_entry with x19 = entry,
 * x20 = arg.
 */
        .text
        .globl  gocc_ctx_switch
        .hidden gocc_ctx_switch
        .type   gocc_ctx_switch, %function
        .p2align 4
/* void gocc_ctx_switch(gocc_ctx *from (x0), gocc_ctx *to (x1)) */
gocc_ctx_switch:
        .cfi_startproc
        sub     sp, sp, #176
        stp     x19, x20, [sp, #0]
        stp     x21, x22, [sp, #16]
        stp     x23, x24, [sp, #32]
        stp     x25, x26, [sp, #48]
        stp     x27, x28, [sp, #64]
        stp     x29, x30, [sp, #80]
        stp     d8, d9, [sp, #96]
        stp     d10, d11, [sp, #112]
        stp     d12, d13, [sp, #128]
        stp     d14, d15, [sp, #144]
        mrs     x9, fpcr
        str     x9, [sp, #160]
        mov     x9, sp
        str     x9, [x0]
        ldr     x9, [x1]
        mov     sp, x9
        ldp     x19, x20, [sp, #0]
        ldp     x21, x22, [sp, #16]
        ldp     x23, x24, [sp, #32]
        ldp     x25, x26, [sp, #48]
        ldp     x27, x28, [sp, #64]
        ldp     x29, x30, [sp, #80]
        ldp     d8, d9, [sp, #96]
        ldp     d10, d11, [sp, #112]
        ldp     d12, d13, [sp, #128]
        ldp     d14, d15, [sp, #144]
        ldr     x9, [sp, #160]
        msr     fpcr, x9
        add     sp, sp, #176
        br      x30
        .cfi_endproc
        .size   gocc_ctx_switch, .-gocc_ctx_switch

        .globl  gocc_ctx_entry
        .hidden gocc_ctx_entry
        .type   gocc_ctx_entry, %function
        .p2align 4
gocc_ctx_entry:
        .cfi_startproc
        .cfi_undefined x30
        mov     x29, #0
        mov     x0, x20
        blr     x19
        brk     #0
        .cfi_endproc
        .size   gocc_ctx_entry, .-gocc_ctx_entry

        .section .note.GNU-stack,"",%progbits
