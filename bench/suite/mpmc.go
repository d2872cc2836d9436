// mpmc.go - twin of mpmc.gc: 4 producers and 4 consumers, 4,000,000 items
// through one channel of capacity 128; producers joined with a wait group,
// then the channel is closed; each consumer sends its sum on a result
// channel.  Prints the sum of 0 .. 3,999,999.
package main

import (
	"fmt"
	"sync"
)

const (
	producers = 4
	consumers = 4
	items     = 4000000
	capacity  = 128
)

func produce(out chan<- int64, from, to int64, wg *sync.WaitGroup) {
	for i := from; i < to; i++ {
		out <- i
	}
	wg.Done()
}

func consume(in <-chan int64, result chan<- int64) {
	var sum int64
	for v := range in {
		sum += v
	}
	result <- sum
}

func main() {
	ch := make(chan int64, capacity)
	result := make(chan int64, consumers)
	var wg sync.WaitGroup
	per := int64(items / producers)
	wg.Add(producers)
	for p := int64(0); p < producers; p++ {
		go produce(ch, p*per, (p+1)*per, &wg)
	}
	for c := 0; c < consumers; c++ {
		go consume(ch, result)
	}
	wg.Wait()
	close(ch)
	var sum int64
	for c := 0; c < consumers; c++ {
		sum += <-result
	}
	fmt.Println(sum)
}
