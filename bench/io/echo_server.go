// echo_server.go - the Go twin of samples/echo_server.gc for bench/run-io:
// a goroutine per connection, each echoing with a 4096-byte buffer.
//
//	echo_server -l 127.0.0.1:7000
package main

import (
	"flag"
	"log"
	"net"
)

func serve(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		if _, err := c.Write(buf[:n]); err != nil {
			return
		}
	}
}

func main() {
	addr := flag.String("l", "127.0.0.1:7000", "listen address")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			continue
		}
		go serve(c)
	}
}
