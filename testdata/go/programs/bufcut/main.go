// Logs runtime.Stack(all) into a fixed-size buffer (as many programs do),
// so a full buffer cuts the dump; then goes on logging.
package main

import (
	"fmt"
	"log"
	"os"
	"runtime"
	"strconv"
	"time"
)

func worker(ch chan int) { <-ch }
func sleeper()           { time.Sleep(time.Hour) }

func main() {
	size, _ := strconv.Atoi(os.Args[1])
	style := os.Args[2]
	for i := 0; i < 6; i++ {
		go worker(make(chan int))
		go sleeper()
	}
	time.Sleep(100 * time.Millisecond)
	log.SetOutput(os.Stdout)
	log.Printf("watchdog: dumping goroutines")
	buf := make([]byte, size)
	n := runtime.Stack(buf, true)
	switch style {
	case "println": // fmt.Println(string(buf[:n]))
		fmt.Println(string(buf[:n]))
	case "write": // raw write then a log line
		os.Stdout.Write(buf[:n])
		log.Printf("watchdog: done")
	case "writenl": // write, newline, then a log line
		os.Stdout.Write(buf[:n])
		fmt.Println()
		log.Printf("watchdog: done")
	}
	log.Printf("watchdog: continuing")
}
