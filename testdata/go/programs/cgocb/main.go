// cgocb: C threads (pthread) calling back into Go, where the callback blocks (a leak per call).
package main

/*
#cgo LDFLAGS: -lpthread
#include <pthread.h>
extern void goBlock(int);
static void* run(void* arg) { goBlock((int)(long)arg); return 0; }
static void spawn(int n) {
	for (int i = 0; i < n; i++) {
		pthread_t t;
		pthread_create(&t, 0, run, (void*)(long)i);
		pthread_detach(t);
	}
}
*/
import "C"

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"time"
)

var never = make(chan int)

//export goBlock
func goBlock(i C.int) {
	handle(int(i))
}

//go:noinline
func handle(i int) { <-never }

func main() {
	n := flag.Int("n", 2, "C threads")
	flag.Parse()
	C.spawn(C.int(*n))
	time.Sleep(200 * time.Millisecond)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	fmt.Fprintln(os.Stdout, "LISTEN", ln.Addr().String())
	http.Serve(ln, nil)
}
