/* Translated by gocc from main_rename.gc: edit that file, not this one. */
#line 1 "@SRC@/main_rename.gc"
/* Golden: main is renamed and run as goroutine 1. */
#include <stdio.h>

#include <gocc.h>
#line 4 "@SRC@/main_rename.gc"
int gocc_main_user(int argc, char **argv);
#line 4 "@SRC@/main_rename.gc"
int gocc_main_user(int argc, char **argv) {
    gocc_chan(int) c = gocc_make(int, 1);
    gocc_send(c, argc);
    printf("%s %d\n", argv[0], gocc_recv(c));
    return 0;
return 0; }
#line 4 "@SRC@/main_rename.gc"
GOCC_MAIN(gocc_main_user)
