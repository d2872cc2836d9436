// bench.go - the Go twin of ../bench.c: the same four micro-benchmarks,
// the same channel kinds, capacities and iteration counts, the same
// untimed warm-up of a tenth, and the same output lines
//
//	<name> <ns per operation> ns/op
//
// so that bench/run-runtime can set gocc and Go side by side.  GOMAXPROCS
// picks the worker count.  Usage: bench [name...] (default: all).
//
//	pingpong  unbuffered round trip: main sends on ping, a partner
//	          goroutine receives and answers on pong.
//	spawn     batches of spawnBatch goroutines that each call wg.Done,
//	          one wg.Wait per batch; ns per goroutine.
//	buffered  one producer goroutine, main consuming, capacity 128.
//	select4   four producers, each on its own unbuffered channel; main
//	          selects over the four; ns per received item.
package main

import (
	"fmt"
	"os"
	"sync"
	"time"
)

const (
	pingpongN   = 1000000
	spawnN      = 1000000
	spawnBatch  = 1000
	bufferedN   = 10000000
	bufferedCap = 128
	selectN     = 2000000 // items in all, selectN / 4 per producer
)

func ppPartner(ping, pong chan int64, n int64) {
	for i := int64(0); i < n; i++ {
		pong <- (<-ping) + 1
	}
}

func benchPingpong(n int64) time.Duration {
	ping, pong := make(chan int64), make(chan int64)
	var sum int64
	go ppPartner(ping, pong, n)
	t0 := time.Now()
	for i := int64(0); i < n; i++ {
		ping <- i
		sum += <-pong
	}
	t := time.Since(t0)
	if sum != n*(n-1)/2+n {
		panic("pingpong: wrong sum")
	}
	return t
}

func spawnChild(wg *sync.WaitGroup) { wg.Done() }

func benchSpawn(n int64) time.Duration {
	var wg sync.WaitGroup
	t0 := time.Now()
	for done := int64(0); done < n; done += spawnBatch {
		wg.Add(spawnBatch)
		for i := 0; i < spawnBatch; i++ {
			go spawnChild(&wg)
		}
		wg.Wait()
	}
	return time.Since(t0)
}

func producer(ch chan int64, n int64) {
	for i := int64(0); i < n; i++ {
		ch <- i
	}
}

func benchBuffered(n int64) time.Duration {
	ch := make(chan int64, bufferedCap)
	var sum int64
	t0 := time.Now()
	go producer(ch, n)
	for i := int64(0); i < n; i++ {
		sum += <-ch
	}
	t := time.Since(t0)
	if sum != n*(n-1)/2 {
		panic("buffered: wrong sum")
	}
	return t
}

func benchSelect4(n int64) time.Duration {
	var c [4]chan int64
	var sum int64
	per := n / 4
	for i := range c {
		c[i] = make(chan int64)
		go producer(c[i], per)
	}
	t0 := time.Now()
	for i := int64(0); i < 4*per; i++ {
		select {
		case v := <-c[0]:
			sum += v
		case v := <-c[1]:
			sum += v
		case v := <-c[2]:
			sum += v
		case v := <-c[3]:
			sum += v
		}
	}
	t := time.Since(t0)
	if sum != 4*(per*(per-1)/2) {
		panic("select4: wrong sum")
	}
	return t
}

type bench struct {
	name string
	fn   func(int64) time.Duration
	n    int64
}

var benches = []bench{
	{"pingpong", benchPingpong, pingpongN},
	{"spawn", benchSpawn, spawnN},
	{"buffered", benchBuffered, bufferedN},
	{"select4", benchSelect4, selectN},
}

// warmN is a tenth of n, a multiple of the spawn batch (and so of 4).
func warmN(n int64) int64 { return n / 10 / spawnBatch * spawnBatch }

func runOne(b bench) {
	b.fn(warmN(b.n))
	t := b.fn(b.n)
	fmt.Printf("%-10s %10.1f ns/op\n", b.name, float64(t.Nanoseconds())/float64(b.n))
}

func wanted(name string) bool {
	if len(os.Args) < 2 {
		return true
	}
	for _, a := range os.Args[1:] {
		if a == name {
			return true
		}
	}
	return false
}

func main() {
	for _, b := range benches {
		if wanted(b.name) {
			runOne(b)
		}
	}
}
