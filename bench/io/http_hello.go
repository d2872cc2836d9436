// http_hello.go - the Go twin of samples/http_hello.gc for bench/run-io:
// net/http's hello world (HTTP/1.1, keep-alive).
//
//	http_hello -l 127.0.0.1:8080
package main

import (
	"flag"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("l", "127.0.0.1:8080", "listen address")
	flag.Parse()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("Hello, World!"))
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
