// skynet.go - twin of skynet.gc: 1,000,000 leaf goroutines, 10 children
// per node, each node sums its children over a buffered channel of
// capacity 10.  Prints 499999500000.
package main

import "fmt"

const (
	leaves = 1000000
	div    = 10
)

func skynet(up chan<- int64, num, size int64) {
	if size == 1 {
		up <- num
		return
	}
	rc := make(chan int64, div)
	for i := int64(0); i < div; i++ {
		go skynet(rc, num+i*(size/div), size/div)
	}
	var sum int64
	for i := 0; i < div; i++ {
		sum += <-rc
	}
	up <- sum
}

func main() {
	c := make(chan int64, 1)
	go skynet(c, 0, leaves)
	fmt.Println(<-c)
}
