package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
)

type Pool struct{ ch chan int }

// Put blocks when the pool is full (nobody takes).
func (p *Pool) Put(c int) { p.ch <- c }

var pool = &Pool{ch: make(chan int)}

func worker(id int) {
	defer pool.Put(id)
	fmt.Sprint(id)
}

func spawn(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	for i := 0; i < n; i++ {
		go worker(i)
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
