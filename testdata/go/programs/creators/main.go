package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"runtime/debug"
	"time"
)

var block = make(chan int)

//go:noinline
func worker(i int) {
	<-block
}

// startA: `go worker(i)` (direct, wrapper at level 2) or a goroutine closure calling worker.
func startA(n int, clos bool) {
	for i := 0; i < n; i++ {
		if !clos {
			go worker(i)
		} else {
			go func() {
				worker(0)
			}()
		}
	}
}

//go:noinline
func mkW() func() {
	return func() { worker(0) }
}

// startM: a closure made elsewhere, started with no arguments (no wrapper), and `go worker(i)`.
func startM(n int, mk bool) {
	fn := mkW()
	for i := 0; i < n; i++ {
		if mk {
			go fn()
		} else {
			go worker(i)
		}
	}
}

// startB: `go worker(i)` from a second function.
func startB(n int) {
	for i := 0; i < n; i++ {
		go worker(i)
	}
}

type Pool struct{}

//go:noinline
func (p *Pool) Put(id int) { <-block }

var pool = &Pool{}

// job: blocks in a deferred call; either `defer pool.Put(i)` (defer wrapper at level 2) or a
// deferred closure calling it.
//go:noinline
func job(i int, clos bool) {
	if !clos {
		defer pool.Put(i)
	} else {
		defer func() {
			pool.Put(i)
		}()
	}
	fmt.Sprint(i)
}

func startJob(n int, clos bool) {
	for i := 0; i < n; i++ {
		go job(i, clos)
	}
}

//go:noinline
func recurse(d int) int {
	var buf [16 << 10]byte
	buf[d%len(buf)] = byte(d)
	return recurse(d+1) + int(buf[(d*7)%len(buf)])
}

func spawn(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	switch r.URL.Query().Get("shape") {
	case "a":
		startA(n, false)
	case "ac":
		startA(n, true)
	case "m":
		startM(n, false)
	case "mk":
		startM(n, true)
	case "panic":
		go func() {
			time.Sleep(200 * time.Millisecond)
			panic("boom")
		}()
	case "overflow":
		debug.SetMaxStack(1 << 20)
		go func() {
			time.Sleep(200 * time.Millisecond)
			recurse(0)
		}()
	case "b":
		startB(n)
	case "job":
		startJob(n, false)
	case "jobc":
		startJob(n, true)
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
