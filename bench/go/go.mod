module gocc/bench

go 1.19
