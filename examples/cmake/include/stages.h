/* stages.h - the pipeline's shape (STAGES comes from CMakeLists.txt). */
#ifndef STAGES_H
#define STAGES_H

#ifndef STAGES
#error "STAGES is not defined: the compile definitions did not reach gocc"
/* report.c, plain C */
void report(int stages);

#endif
#define ITEMS 5

/* report.c, plain C */
void report(int stages);

#endif
