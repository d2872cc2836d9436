// spawn.go - twin of spawn.gc: 1,000,000 short goroutines, each sending one
// value on a buffered channel (capacity 1,000) that a collector goroutine
// drains while main spawns.  Prints the sum of 0 .. 999,999.
package main

import "fmt"

const (
	n        = 1000000
	capacity = 1000
)

func sendOne(out chan<- int64, i int64) {
	out <- i
}

func collect(in <-chan int64, done chan<- int64) {
	var sum int64
	for i := 0; i < n; i++ {
		sum += <-in
	}
	done <- sum
}

func main() {
	ch := make(chan int64, capacity)
	done := make(chan int64)
	go collect(ch, done)
	for i := int64(0); i < n; i++ {
		go sendOne(ch, i)
	}
	fmt.Println(<-done)
}
