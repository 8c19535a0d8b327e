package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"runtime/pprof"
	"strconv"
)

var block = make(chan int)

//go:noinline
func worker(i int) { <-block }

// c1: one-line closure calling worker
func f1c(n int) {
	for i := 0; i < n; i++ {
		go func() { worker(0) }()
	}
}
func f1(n int) {
	for i := 0; i < n; i++ {
		go worker(i)
	}
}
func f2(n int) {
	for i := 0; i < n; i++ {
		go worker(i)
	}
}
func f3(n int) {
	for i := 0; i < n; i++ {
		go worker(i)
	}
}
func f4(n int) {
	for i := 0; i < n; i++ {
		go worker(i)
	}
}
func f5(n int) {
	for i := 0; i < n; i++ {
		go worker(i)
	}
}

// closure-only goroutines: only frame is a closure
func o1(n int) {
	for i := 0; i < n; i++ {
		go func() { <-block }()
	}
}
func o2(n int) {
	for i := 0; i < n; i++ {
		go func() { <-block }()
	}
}
func o3(n int) {
	for i := 0; i < n; i++ {
		go func(x int) { <-block }(i)
	}
}

type Pool struct{}

//go:noinline
func (p *Pool) Put(id int) { <-block }

var pool = &Pool{}

//go:noinline
func job(i int) {
	defer pool.Put(i)
}
func j1(n int) {
	for i := 0; i < n; i++ {
		go job(i)
	}
}

// labelled
func lab(n int, l string) {
	for i := 0; i < n; i++ {
		go pprof.Do(context.Background(), pprof.Labels("req", l), func(ctx context.Context) { <-block })
	}
}
func labw(n int, l string) {
	for i := 0; i < n; i++ {
		go func() {
			pprof.Do(context.Background(), pprof.Labels("req", l), func(ctx context.Context) { worker(0) })
		}()
	}
}
func labd(n int, l string) {
	for i := 0; i < n; i++ {
		go pprof.Do(context.Background(), pprof.Labels("req", l), func(ctx context.Context) { worker(0) })
	}
}

func spawn(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	switch r.URL.Query().Get("shape") {
	case "c1":
		f1c(n)
	case "d1":
		f1(n)
	case "d2":
		f2(n)
	case "d3":
		f3(n)
	case "d4":
		f4(n)
	case "d5":
		f5(n)
	case "o1":
		o1(n)
	case "o2":
		o2(n)
	case "o3":
		o3(n)
	case "j1":
		j1(n)
	case "lA":
		lab(n, "A")
	case "lB":
		lab(n, "B")
	case "lwA":
		labw(n, "A")
	case "ldA":
		labd(n, "A")
	}
	fmt.Fprintln(w, "ok")
}

func main() {
	http.HandleFunc("/spawn", spawn)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("LISTEN", ln.Addr().String())
	log.Fatal(http.Serve(ln, nil))
}
