// echo_load.go - the load generator of bench/run-io's echo scenarios.
//
// Opens -idle connections that stay silent, then -conns active ones, each
// a goroutine that sends -size bytes and reads them back, over and over,
// for -d; then opens and closes -churn connections one after another
// (one byte echoed on each).  Prints one line:
//
//	echoes N per_s R p99_us P idle I churn C
//
// Latency is measured per echo (write to full read-back), p99 over all.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7000", "server")
	conns := flag.Int("conns", 100, "active connections")
	idle := flag.Int("idle", 0, "idle connections held open")
	size := flag.Int("size", 512, "message size")
	dur := flag.Duration("d", 5*time.Second, "duration of the active phase")
	churn := flag.Int("churn", 0, "connections opened and closed after the active phase")
	flag.Parse()

	var held []net.Conn
	for i := 0; i < *idle; i++ {
		c, err := net.Dial("tcp", *addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "idle dial:", err)
			os.Exit(1)
		}
		held = append(held, c)
	}

	var mu sync.Mutex
	var lat []time.Duration
	var total int64
	var wg sync.WaitGroup
	start := time.Now()
	stop := start.Add(*dur)
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", *addr)
			if err != nil {
				fmt.Fprintln(os.Stderr, "dial:", err)
				os.Exit(1)
			}
			defer c.Close()
			msg := make([]byte, *size)
			back := make([]byte, *size)
			var mine []time.Duration
			for n := 0; ; n++ {
				t0 := time.Now()
				if t0.After(stop) {
					break
				}
				if _, err := c.Write(msg); err != nil {
					fmt.Fprintln(os.Stderr, "write:", err)
					os.Exit(1)
				}
				if _, err := io.ReadFull(c, back); err != nil {
					fmt.Fprintln(os.Stderr, "read:", err)
					os.Exit(1)
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			total += int64(len(mine))
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p99 := time.Duration(0)
	if len(lat) > 0 {
		p99 = lat[len(lat)*99/100]
	}
	one := []byte{1}
	for i := 0; i < *churn; i++ {
		c, err := net.Dial("tcp", *addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "churn dial:", err)
			os.Exit(1)
		}
		if _, err := c.Write(one); err != nil {
			os.Exit(1)
		}
		if _, err := io.ReadFull(c, one); err != nil {
			os.Exit(1)
		}
		c.Close()
	}
	for _, c := range held {
		c.Close()
	}
	fmt.Printf("echoes %d per_s %.0f p99_us %.1f idle %d churn %d\n", total,
		float64(total)/elapsed.Seconds(), float64(p99.Nanoseconds())/1000, *idle, *churn)
}
