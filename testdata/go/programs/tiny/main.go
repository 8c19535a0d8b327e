// tiny: small reproducers for taskdiff. Usage: tiny -mode M -o debug2.txt
// (writes runtime.Stack(all) = the debug=2 format, prints "ready", then waits for SIGQUIT).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"time"

	"example.com/workq"
)

func wait(gate chan struct{}) { <-gate }

func helper() { exec.Command("sleep", "600").Run() }

var backlog = make(chan int) // drained by nobody during the capture: a legitimate, stable backlog

// fanout: closure 1 is the known backlog; closure 2 (candidate only) leaks on an abandoned channel.
func fanout(n, m int) {
	for i := 0; i < n; i++ {
		go func() {
			backlog <- 1
		}()
	}
	for i := 0; i < m; i++ {
		abandoned := make(chan int)
		go func() {
			abandoned <- 1
		}()
	}
}

func main() {
	mode := flag.String("mode", "", "wrap | oneline | syscall | pool")
	out := flag.String("o", "", "debug=2 output file")
	flag.Parse()
	gate := make(chan struct{})
	switch *mode {
	case "wrap": // the pre-1.22 loop-variable idiom: a multi-line closure taking an argument
		for i := 0; i < 8; i++ {
			go func(i int) {
				wait(gate)
			}(i)
		}
	case "oneline": // a one-line closure
		for i := 0; i < 8; i++ {
			go func() { wait(gate) }()
		}
	case "syscall": // goroutines in a blocking syscall, each on its own thread
		for i := 0; i < 12; i++ {
			go helper()
		}
	case "merge-base", "merge-cand": // two sibling closures of one function, same wait, same creator
		fanout(40, map[bool]int{false: 0, true: 15}[*mode == "merge-cand"])
	case "pool":
		workq.New(6, func(s string) {})
	}
	time.Sleep(500 * time.Millisecond)
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	os.WriteFile(*out, buf[:n], 0o644)
	fmt.Println("ready")
	for {
		time.Sleep(time.Hour)
	}
}
