package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"sync"
	"time"
)

// healthy: a pool of pollers, each a closure that sleeps between polls
func startPollers(n int) {
	for i := 0; i < n; i++ {
		go func() {
			for {
				time.Sleep(time.Hour)
				fmt.Sprint("poll")
			}
		}()
	}
}

// the leak: a handler that fires a closure waiting on a WaitGroup nobody finishes,
// and a closure that sleeps "to retry later" forever
var never sync.WaitGroup

func leakyHandler(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	for i := 0; i < n; i++ {
		go func() {
			time.Sleep(time.Hour)
			fmt.Sprint("retry")
		}()
	}
	fmt.Fprintln(w, "ok")
}

func main() {
	never.Add(1)
	startPollers(100)
	http.HandleFunc("/leak", leakyHandler)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("LISTEN", ln.Addr().String())
	log.Fatal(http.Serve(ln, nil))
}
