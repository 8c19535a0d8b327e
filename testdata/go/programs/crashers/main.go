package main

import (
	"runtime/debug"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

func stuck(ch chan int, wg *sync.WaitGroup) {
	defer wg.Done()
	<-ch
}

func main() {
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go stuck(make(chan int), &wg)
	}
	switch os.Args[1] {
	case "deadlock":
		wg.Wait()
	case "multiline":
		time.Sleep(10 * time.Millisecond)
		panic(errors.New("config error:\n  field a: bad\n\n  field b: missing"))
	case "repanic":
		time.Sleep(10 * time.Millisecond)
		func() {
			defer func() {
				r := recover()
				panic(fmt.Sprint("second after ", r))
			}()
			panic("first")
		}()
	case "stackmsg", "stackmsg2":
		time.Sleep(10 * time.Millisecond)
		sep := "\n"
		if os.Args[1] == "stackmsg2" {
			sep = "\n\n"
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					panic(fmt.Sprintf("worker failed: %v%s%s", r, sep, debug.Stack()))
				}
			}()
			var m map[string]int
			m["a"] = 1
		}()
	case "mapwrite":
		m := map[int]int{}
		for i := 0; i < 4; i++ {
			go func() {
				for j := 0; ; j++ {
					m[j] = j
				}
			}()
		}
		time.Sleep(5 * time.Second)
	}
}
