// select.go - twin of select.gc: 4 producers each sending 250,000 values on
// its own unbuffered channel and closing it; one consumer selects over all
// four with the ok form, dropping (setting to nil) a closed channel.
// Prints the count and the sum received.
package main

import "fmt"

const (
	producers = 4
	per       = 250000
)

func produce(out chan<- int64, base int64) {
	for i := int64(0); i < per; i++ {
		out <- base + i
	}
	close(out)
}

func main() {
	c0, c1 := make(chan int64), make(chan int64)
	c2, c3 := make(chan int64), make(chan int64)
	go produce(c0, 0*per)
	go produce(c1, 1*per)
	go produce(c2, 2*per)
	go produce(c3, 3*per)
	var sum, count, v int64
	var ok bool
	for live := producers; live > 0; {
		select {
		case v, ok = <-c0:
			if !ok {
				c0 = nil
				live--
			} else {
				sum += v
				count++
			}
		case v, ok = <-c1:
			if !ok {
				c1 = nil
				live--
			} else {
				sum += v
				count++
			}
		case v, ok = <-c2:
			if !ok {
				c2 = nil
				live--
			} else {
				sum += v
				count++
			}
		case v, ok = <-c3:
			if !ok {
				c3 = nil
				live--
			} else {
				sum += v
				count++
			}
		}
	}
	fmt.Println(count, sum)
}
