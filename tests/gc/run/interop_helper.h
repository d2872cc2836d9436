/* interop_helper.h - a plain C header shared by interop.gc and
 * interop_helper.c: channels spelled gocc_chan(T). */
#ifndef INTEROP_HELPER_H
#define INTEROP_HELPER_H

#include <gocc.h>

/* Start a goroutine (from C, with gocc_go) that sends 10 * v on out for
 * every v received on in, then closes out once in is closed. */
void helper_start(gocc_chan(int) in, gocc_chan(int) out);

/* A channel made in C holding 1..n, closed. */
gocc_chan(int) helper_make(int n);

/* Sum what a channel holds until it is closed (plain C receive). */
int helper_sum(gocc_chan(int) c);

#endif
