// svc3: a service whose stderr log carries recovered-panic stacks before the SIGQUIT dump.
package main

import (
	"bytes"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
)

var block = make(chan int)

type Session struct{ in chan string }

func (s *Session) pump() {
	for m := range s.in {
		_ = m
	}
}

func boom(w http.ResponseWriter, r *http.Request) {
	panic("boom") // net/http recovers it and logs the stack (runtime.Stack, this goroutine)
}

func recovered(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if e := recover(); e != nil {
			log.Printf("recovered: %v\n%s", e, debug.Stack())
		}
	}()
	var m map[string]int
	m["x"] = 1
}

func dumpAll(w http.ResponseWriter, r *http.Request) {
	size := 1 << 20
	if v := r.URL.Query().Get("size"); v != "" {
		fmt.Sscan(v, &size)
	}
	buf := make([]byte, size)
	n := runtime.Stack(buf, true)
	log.Printf("=== goroutine dump requested ===\n%s", buf[:n])
	fmt.Fprintln(w, "dumped")
}

func dump1(w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&b, 1)
	log.Printf("=== goroutine profile ===\n%s", b.String())
	fmt.Fprintln(w, "dumped")
}

func leak(w http.ResponseWriter, r *http.Request) {
	s := &Session{in: make(chan string)}
	go s.pump()
	fmt.Fprintln(w, "ok")
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintln(os.Stdout, "LISTEN", ln.Addr().String())
	http.HandleFunc("/boom", boom)
	http.HandleFunc("/recovered", recovered)
	http.HandleFunc("/dumpall", dumpAll)
	http.HandleFunc("/leak", leak)
	http.HandleFunc("/dump1", dump1)
	log.Fatal(http.Serve(ln, nil))
}
