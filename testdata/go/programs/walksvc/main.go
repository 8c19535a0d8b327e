// walksvc: a handler that leaks a filepath.WalkDir goroutine per request, blocked sending to
// a channel its caller stopped reading, at a recursion depth that varies with the page size.
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

var root string

// listFiles streams every path under root; the caller is expected to drain the channel.
func listFiles(root string) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			out <- p
			return nil
		})
	}()
	return out
}

// firstN is the leak: it stops reading after n entries and the walker blocks forever.
func firstN(n int) []string {
	var res []string
	for p := range listFiles(root) {
		res = append(res, p)
		if len(res) == n {
			break
		}
	}
	return res
}

func mkTree(dir string, depth int) {
	if depth == 0 {
		return
	}
	for i := 0; i < 2; i++ {
		d := filepath.Join(dir, "d"+strconv.Itoa(i))
		os.MkdirAll(d, 0755)
		os.WriteFile(filepath.Join(d, "f.txt"), []byte("x"), 0644)
		mkTree(d, depth-1)
	}
}

var mu sync.Mutex
var calls int

func main() {
	addrFile := flag.String("addrfile", "", "")
	flag.Parse()
	root, _ = os.MkdirTemp("", "walktree")
	mkTree(root, 5)
	http.HandleFunc("/leak", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		mu.Lock()
		defer mu.Unlock()
		for i := 0; i < n; i++ {
			calls++
			firstN(1 + (calls*17)%50) // a "page" of results: page size varies per request
		}
		fmt.Fprintln(w, "ok")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	os.WriteFile(*addrFile+".tmp", []byte(ln.Addr().String()), 0644)
	os.Rename(*addrFile+".tmp", *addrFile)
	log.Fatal(http.Serve(ln, nil))
}
