package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os/exec"
	"runtime/pprof"
	"time"
)

var block = make(chan struct{})

func handleDo(w http.ResponseWriter, r *http.Request) {
	pprof.Do(r.Context(), pprof.Labels("handler", "do"), func(ctx context.Context) {
		<-block
	})
}

func handleExec(w http.ResponseWriter, r *http.Request) {
	cmd := exec.Command("sleep", "300")
	if err := cmd.Start(); err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	go cmd.Wait()
	fmt.Fprintln(w, "started")
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("LISTEN", ln.Addr().String())
	go func() {
		for {
			time.Sleep(time.Second)
		}
	}()
	http.HandleFunc("/do", handleDo)
	http.HandleFunc("/exec", handleExec)
	log.Fatal(http.Serve(ln, nil))
}
