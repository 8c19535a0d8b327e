package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"time"
)

func work(ch chan int, i int) { <-ch }

type Srv struct{ n int }

func (s *Srv) handle(ch chan int, i int) { <-ch }

func gstart[T any](n int, v T) {
	for i := 0; i < n; i++ {
		go func(x T) {
			time.Sleep(time.Hour)
		}(v)
	}
}

func (s *Srv) Start(n int) {
	go func() {
		for i := 0; i < n; i++ {
			go work(make(chan int), i)
			go s.handle(make(chan int), i)
			go func(i int) {
				work(make(chan int), i)
			}(i)
		}
	}()
}

func spawn(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	s := &Srv{}
	s.Start(n)
	gstart(n, "x")
	gstart(n, 3)
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
