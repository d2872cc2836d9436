/* main.c - the gocc driver (placeholder, being written). */
#include "translate.h"
int main(void) { return 0; }
