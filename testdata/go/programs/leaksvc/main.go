package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var fixed = flag.Bool("fixed", false, "fix the leaks")

// 1. send on unbuffered channel whose receiver timed out
func fetchQuote(ch chan<- int) {
	time.Sleep(5 * time.Millisecond)
	ch <- 42
}

func handleSend(w http.ResponseWriter, r *http.Request) {
	var ch chan int
	if *fixed {
		ch = make(chan int, 1)
	} else {
		ch = make(chan int)
	}
	go fetchQuote(ch)
	select {
	case v := <-ch:
		fmt.Fprintln(w, v)
	case <-time.After(1 * time.Millisecond):
		fmt.Fprintln(w, "timeout")
	}
}

// 2. for range over a channel nobody closes
func consume(ch <-chan string) {
	for s := range ch {
		_ = s
	}
}

func handleRange(w http.ResponseWriter, r *http.Request) {
	ch := make(chan string)
	go consume(ch)
	ch <- "x"
	if *fixed {
		close(ch)
	}
	fmt.Fprintln(w, "ok")
}

// 3. sync primitives
var (
	heldMu   sync.Mutex
	heldRW   sync.RWMutex
	foreverW sync.WaitGroup
	condMu   sync.Mutex
	cond     = sync.NewCond(&condMu)
)

func lockMutex() {
	heldMu.Lock()
	heldMu.Unlock()
}

func rlockRW() {
	heldRW.RLock()
	heldRW.RUnlock()
}

func waitGroup() {
	foreverW.Wait()
}

func waitCond() {
	condMu.Lock()
	cond.Wait()
	condMu.Unlock()
}

func handleSync(w http.ResponseWriter, r *http.Request) {
	if *fixed {
		fmt.Fprintln(w, "ok")
		return
	}
	go lockMutex()
	go rlockRW()
	go waitGroup()
	go waitCond()
	fmt.Fprintln(w, "ok")
}

// 4. fire-and-forget http.Get to a server that never answers
var blackhole string

func handleHTTP(w http.ResponseWriter, r *http.Request) {
	if !*fixed {
		go func() {
			resp, err := http.Get(blackhole)
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	fmt.Fprintln(w, "ok")
}

// 6. select {} and nil channel
func blockForever() {
	select {}
}

func nilRecv() {
	var ch chan int
	<-ch
}

func handleNil(w http.ResponseWriter, r *http.Request) {
	if !*fixed {
		go blockForever()
		go nilRecv()
	}
	fmt.Fprintln(w, "ok")
}

// 7. closures, nested closures, methods, generics
type Cache struct{ ch chan int }

func (c *Cache) watch() {
	<-c.ch
}

func drain[T any](ch chan T) {
	<-ch
}

func handleShapes(w http.ResponseWriter, r *http.Request) {
	if !*fixed {
		done := make(chan struct{})
		go func() {
			go func() {
				<-done
			}()
			<-done
		}()
		c := &Cache{ch: make(chan int)}
		go c.watch()
		go drain(make(chan string))
	}
	fmt.Fprintln(w, "ok")
}

// 8. LockOSThread
func pinned(ch chan int) {
	runtime.LockOSThread()
	<-ch
}

func handleLocked(w http.ResponseWriter, r *http.Request) {
	if !*fixed {
		go pinned(make(chan int))
	}
	fmt.Fprintln(w, "ok")
}

// 9. labels
func labelled(ctx context.Context, ch chan int) {
	<-ch
}

func handleLabels(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	pprof.Do(r.Context(), pprof.Labels("handler", "labels", "req", id), func(ctx context.Context) {
		if !*fixed {
			go labelled(ctx, make(chan int))
		}
	})
	fmt.Fprintln(w, "ok")
}

// 10. panic in a goroutine
func explode() {
	var m map[string]int
	m["x"] = 1
}

func handlePanic(w http.ResponseWriter, r *http.Request) {
	go explode()
	time.Sleep(time.Second)
}

// 5. healthy background goroutines
func sleeper() {
	for {
		time.Sleep(100 * time.Millisecond)
	}
}

func ticker() {
	t := time.NewTicker(50 * time.Millisecond)
	for range t.C {
	}
}

type Pool struct{ jobs chan func() }

func (p *Pool) worker() {
	for j := range p.jobs {
		j()
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()

	// a server that accepts and never answers
	bh, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	blackhole = "http://" + bh.Addr().String() + "/"
	go func() {
		var conns []net.Conn
		for {
			c, err := bh.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()

	for i := 0; i < 3; i++ {
		go sleeper()
	}
	go ticker()
	p := &Pool{jobs: make(chan func())}
	for i := 0; i < 4; i++ {
		go p.worker()
	}

	http.HandleFunc("/send", handleSend)
	http.HandleFunc("/range", handleRange)
	http.HandleFunc("/sync", handleSync)
	http.HandleFunc("/http", handleHTTP)
	http.HandleFunc("/nil", handleNil)
	http.HandleFunc("/shapes", handleShapes)
	http.HandleFunc("/locked", handleLocked)
	http.HandleFunc("/labels", handleLabels)
	http.HandleFunc("/panic", handlePanic)

	heldMu.Lock()
	heldRW.Lock()
	foreverW.Add(1)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintln(os.Stdout, "LISTEN", ln.Addr().String())
	log.Fatal(http.Serve(ln, nil))
}
