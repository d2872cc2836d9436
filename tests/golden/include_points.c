/* Translated by gocc from include_points.gc: edit that file, not this one. */
#line 1 "@SRC@/include_points.gc"
/* Golden: where #include <gocc.h> goes.  First right before the first
 * declaration, inside the include guard and after its feature-test macro
 * and #includes; again before the next declaration each time the branch
 * holding the last one has ended (#elif, #else, #endif), since that branch
 * may be the one skipped.  gocc.h's include guard makes repeats empty. */
#ifndef INCLUDE_POINTS_H
#define INCLUDE_POINTS_H
#define _GNU_SOURCE
#include <stdio.h>
#  ifdef FIRST
#include <gocc.h>
#line 11 "@SRC@/include_points.gc"
int first;
#  elif defined(SECOND)
#include <gocc.h>
#line 13 "@SRC@/include_points.gc"
int second;
#  else
#include <gocc.h>
#line 15 "@SRC@/include_points.gc"
int third;
#  endif
#line 17 "@SRC@/include_points.gc"
#  if 1
#include <gocc.h>
#line 18 "@SRC@/include_points.gc"
int nested;   /* the branch of `third` has ended: again */
#  endif
#include <gocc.h>
#line 20 "@SRC@/include_points.gc"
int guarded;  /* the branch of `nested` has ended: again */
#  ifdef X
int x;        /* inside the branch of `guarded`: none */
#  endif
#endif
#include <gocc.h>
#line 25 "@SRC@/include_points.gc"
int after_guard;   /* the guard has ended: again */

#line 27 "@SRC@/include_points.gc"
int gocc_main_user(void);
#line 27 "@SRC@/include_points.gc"
int gocc_main_user(void) {
    gocc_chan(int) c = gocc_make(int, 1);
    gocc_send(c, 1);
    return gocc_recv(c) - 1;
return 0; }
#line 27 "@SRC@/include_points.gc"
static int gocc_main_args(int argc, char **argv) { (void)argc; (void)argv; return gocc_main_user(); } GOCC_MAIN(gocc_main_args)
