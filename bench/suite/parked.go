// parked.go - twin of parked.gc: 100,000 goroutines blocked at once on one
// unbuffered channel, all released by closing it; ready and done wait
// groups.  Prints the number released.
package main

import (
	"fmt"
	"sync"
)

const n = 100000

func waitOn(gate <-chan int, ready, done *sync.WaitGroup) {
	ready.Done()
	<-gate
	done.Done()
}

func main() {
	gate := make(chan int)
	var ready, done sync.WaitGroup
	ready.Add(n)
	done.Add(n)
	for i := 0; i < n; i++ {
		go waitOn(gate, &ready, &done)
	}
	ready.Wait()
	close(gate)
	done.Wait()
	fmt.Println(n)
}
