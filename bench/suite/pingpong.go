// pingpong.go - twin of pingpong.gc: two goroutines, 1,000,000 round trips
// over two unbuffered channels.  Prints the sum of the replies.
package main

import "fmt"

const N = 1000000

func pong(in <-chan int64, out chan<- int64) {
	for i := 0; i < N; i++ {
		v := <-in
		out <- v + 1
	}
}

func main() {
	ping := make(chan int64)
	back := make(chan int64)
	go pong(ping, back)
	var sum int64
	for i := int64(0); i < N; i++ {
		ping <- i
		sum += <-back
	}
	fmt.Println(sum)
}
