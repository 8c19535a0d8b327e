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

var block = make(chan int)

// --- closure value created in one function, started in another ---
//go:noinline
func mkWorker() func(int) {
	return func(x int) {
		<-block
	}
}
//go:noinline
func mkWorker0() func() {
	return func() {
		<-block
	}
}
func startVarArgs(n int) { // go fn(x), fn a closure of mkWorker
	fn := mkWorker()
	for i := 0; i < n; i++ {
		go fn(i)
	}
}
func startVar0(n int) { // go fn(), fn a closure of mkWorker0
	fn := mkWorker0()
	for i := 0; i < n; i++ {
		go fn()
	}
}

// --- methods ---
type S struct{}

func (s *S) run()        { <-block }
func (s *S) runx(x int)  { <-block }
func startMethod0(n int) {
	s := &S{}
	for i := 0; i < n; i++ {
		go s.run()
	}
}
func startMethod1(n int) {
	s := &S{}
	for i := 0; i < n; i++ {
		go s.runx(i)
	}
}
func startMValue(n int) {
	s := &S{}
	f := s.run
	for i := 0; i < n; i++ {
		go f()
	}
}
func startMValue1(n int) {
	s := &S{}
	f := s.runx
	for i := 0; i < n; i++ {
		go f(i)
	}
}

// --- go time.Sleep (no closure of our own) vs closures in other functions ---
func startSleepDirect(n int) {
	for i := 0; i < n; i++ {
		go time.Sleep(time.Hour)
	}
}
func startSleepClosA(n int) {
	for i := 0; i < n; i++ {
		go func() { time.Sleep(time.Hour) }()
	}
}
func startSleepClosC(n int) {
	for i := 0; i < n; i++ {
		go func() { time.Sleep(time.Hour) }()
	}
}
func startSleepClosB(n int) {
	for i := 0; i < n; i++ {
		go func() {
			time.Sleep(time.Hour)
		}()
	}
}

// --- defer with arguments in a goroutine function that blocks in the deferred closure ---
func deferArgs(i int) {
	defer func(x int) {
		<-block
	}(i)
	fmt.Sprint(i)
}
func startDeferArgs(n int) {
	for i := 0; i < n; i++ {
		go deferArgs(i)
	}
}
func deferNoArgs(i int) {
	defer func() {
		<-block
	}()
	fmt.Sprint(i)
}
func startDeferNoArgs(n int) {
	for i := 0; i < n; i++ {
		go deferNoArgs(i)
	}
}

// --- panic path: deferred closure (with args) blocks while panicking ---
func boom(i int) { panic(i) }
func panicArgs(i int) {
	defer func(x int) {
		recover()
		<-block
	}(i)
	boom(i)
}
func startPanicArgs(n int) {
	for i := 0; i < n; i++ {
		go panicArgs(i)
	}
}
func panicNoArgs(i int) {
	defer func() {
		recover()
		<-block
	}()
	boom(i)
}
func startPanicNoArgs(n int) {
	for i := 0; i < n; i++ {
		go panicNoArgs(i)
	}
}

// --- closures inside closures inside closures ---
func startNested(n int) {
	go func() {
		for i := 0; i < n; i++ {
			go func(i int) {
				func() {
					<-block
				}()
			}(i)
		}
	}()
}

// --- generic with closures ---
func gstart[T any](n int, v T) {
	for i := 0; i < n; i++ {
		go func(x T) {
			<-block
		}(v)
	}
}

// --- multi-line closure with args ---
func startMulti(n int) {
	for i := 0; i < n; i++ {
		go func(i int) {
			<-block
		}(i)
	}
}


// --- sibling closures in one function, same leaf ---
func siblings(n int, leak bool) {
	for i := 0; i < n; i++ {
		if !leak {
			go func() {
				<-block
			}()
		} else {
			go func() {
				fmt.Sprint("other site")
				<-block
			}()
		}
	}
}

// --- creator's closure calling another creator's closure (stacked at outer end) ---
func stacked(n int) {
	inner := func() {
		<-block
	}
	for i := 0; i < n; i++ {
		go func() {
			inner()
		}()
	}
}
func single(n int) {
	for i := 0; i < n; i++ {
		go func() {
			<-block
		}()
	}
}

// --- goroutine body is a closure that defers a closure with args ---
func startClosDefer(n int) {
	for i := 0; i < n; i++ {
		go func() {
			defer func(x int) {
				<-block
			}(i)
			fmt.Sprint(i)
		}()
	}
}
// deferred closure (no args) that blocks, in a goroutine closure
func startClosDefer0(n int) {
	for i := 0; i < n; i++ {
		go func() {
			defer func() {
				<-block
			}()
			fmt.Sprint(i)
		}()
	}
}
// immediately invoked closure with args inside goroutine function
func iife(i int) {
	func(x int) {
		<-block
	}(i)
}
func startIIFE(n int) {
	for i := 0; i < n; i++ {
		go iife(i)
	}
}
// closure variable created in one function and go'd with args from a closure of another
func startVarArgsInClos(n int) {
	fn := mkWorker()
	go func() {
		for i := 0; i < n; i++ {
			go fn(i)
		}
	}()
}

func spawn(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	switch r.URL.Query().Get("shape") {
	case "varargs":
		startVarArgs(n)
	case "var0":
		startVar0(n)
	case "method0":
		startMethod0(n)
	case "method1":
		startMethod1(n)
	case "mvalue":
		startMValue(n)
	case "mvalue1":
		startMValue1(n)
	case "sleepdirect":
		startSleepDirect(n)
	case "sleepA":
		startSleepClosA(n)
	case "sleepC":
		startSleepClosC(n)
	case "sleepB":
		startSleepClosB(n)
	case "deferargs":
		startDeferArgs(n)
	case "defernoargs":
		startDeferNoArgs(n)
	case "panicargs":
		startPanicArgs(n)
	case "panicnoargs":
		startPanicNoArgs(n)
	case "nested":
		startNested(n)
	case "gen":
		gstart(n, "x")
	case "sib":
		siblings(n, false)
	case "sibleak":
		siblings(n, true)
	case "stacked":
		stacked(n)
	case "single":
		single(n)
	case "closdefer":
		startClosDefer(n)
	case "closdefer0":
		startClosDefer0(n)
	case "iife":
		startIIFE(n)
	case "varargsclos":
		startVarArgsInClos(n)
	case "multi":
		startMulti(n)
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
