// spin: a healthy compute pool (CPU-bound workers) that then crashes (panic) or is dumped.
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

var sink uint64

//go:noinline
func crunch(x uint64) uint64 {
	for i := 0; i < 1<<30; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

var big = make([]byte, 256<<20)

func worker(id int) {
	for {
		if *hash {
			s := sha256.Sum256(big) // long assembly block loop
			sink += uint64(s[0])
		} else {
			sink += crunch(uint64(id))
		}
	}
}

var hash = flag.Bool("hash", false, "workers hash a big buffer")

func main() {
	n := flag.Int("n", 8, "workers")
	mode := flag.String("mode", "panic", "panic|dump")
	flag.Parse()
	for i := 0; i < *n; i++ {
		go worker(i)
	}
	time.Sleep(300 * time.Millisecond)
	if *mode == "wait" {
		fmt.Println("ready")
		select {}
	}
	if *mode == "dump" {
		buf := make([]byte, 1<<20)
		os.Stdout.Write(buf[:runtime.Stack(buf, true)])
		os.Exit(0)
	}
	panic(fmt.Sprintf("config reload failed: %d workers", *n))
}
