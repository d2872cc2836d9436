/* squares.h - shared by main.gc and squares.gc (a header change makes
 * both translate again: gocc -T -MMD lists it in their .d files). */
#ifndef SQUARES_H
#define SQUARES_H

#define SQUARES_WORKERS 4

/* sum_of_squares: 1*1 + ... + n*n, computed by SQUARES_WORKERS goroutines. */
long sum_of_squares(int n);

#endif
