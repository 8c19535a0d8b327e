package main

import (
	"flag"
	"fmt"
	"net/http"
	_ "net/http/pprof"
	"os"
	"time"
)

var ch = make(chan int)
var ch2 = make(chan int)
var ch3 = make(chan int)
var c1 = flag.Int("c1", 3, "")
var c2 = flag.Int("c2", 0, "")

//go:noinline
func Drain(c chan int) {
	for range c {
	}
}

func leak(n, extra int) {
	for i := 0; i < n; i++ {
		go Drain(ch)
	}
	for i := 0; i < *c1; i++ {
		go func() { Drain(ch2) }()
	}
	for i := 0; i < *c2; i++ {
		go func() { Drain(ch) }()
	}
	for i := 0; i < extra; i++ {
		go Drain(ch3)
	}
}

func main() {
	n := flag.Int("n", 3, "")
	extra := flag.Int("extra", 0, "")
	port := flag.Int("port", 0, "")
	flag.Parse()
	leak(*n, *extra)
	if *port != 0 {
		go http.ListenAndServe(fmt.Sprintf("127.0.0.1:%d", *port), nil)
	}
	fmt.Fprintln(os.Stderr, "ready")
	time.Sleep(time.Hour)
}
