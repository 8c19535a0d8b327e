// oddsvc: goroutines with odd pprof labels and one-line go closures, all healthy and fixed.
// Serves net/http/pprof on 127.0.0.1 only.
package main

import (
	"context"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime/pprof"
	"sync"
	"time"
)

var (
	mu    sync.Mutex
	block = make(chan struct{})
)

func park(ctx context.Context) { <-block }

type Box[T any] struct{ ch chan T }

func (b *Box[T]) recv() { <-b.ch }

func main() {
	addr := os.Args[1]
	mu.Lock()
	for i := 0; i < 6; i++ {
		go func() { mu.Lock() }() // one-line closure: mutex waiter
	}
	for i := 0; i < 6; i++ {
		go func() { time.Sleep(time.Hour) }() // one-line closure: sleeper
	}
	b := &Box[int]{ch: make(chan int)}
	for i := 0; i < 6; i++ {
		go b.recv()
	}
	odd := []pprof.LabelSet{
		pprof.Labels("quote", `a"b`),
		pprof.Labels("newline", "x\ny"),
		pprof.Labels("utf8", "café ☕"),
		pprof.Labels("comma", "a, \"b\":\"c"),
		pprof.Labels("empty", ""),
		pprof.Labels("tab", "a\tb", "backslash", `c:\dir`),
		pprof.Labels("invalid", "\xff\xfe"),
		pprof.Labels("z", "1", "a", "2", "m", "3"),
		pprof.Labels("zwsp", "a\u200bb"),
		pprof.Labels("ctrl", "a\x01b"),
		pprof.Labels("nbsp", "a\u00a0b"),
	}
	for _, ls := range odd {
		pprof.Do(context.Background(), ls, func(ctx context.Context) {
			for i := 0; i < 6; i++ {
				go park(ctx)
			}
		})
	}
	if err := http.ListenAndServe(addr, nil); err != nil {
		panic(err)
	}
}
