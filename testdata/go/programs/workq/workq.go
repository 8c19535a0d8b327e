// Package workq is a tiny generic worker pool (a local module, vendored in some builds).
package workq

import "sync"

// Pool runs fn on every submitted value with a fixed number of workers.
type Pool[T any] struct {
	ch chan T
	wg sync.WaitGroup
	fn func(T)
}

// New starts n workers.
func New[T any](n int, fn func(T)) *Pool[T] {
	p := &Pool[T]{ch: make(chan T), fn: fn}
	for i := 0; i < n; i++ {
		p.wg.Add(1)
		go run(p, i)
	}
	return p
}

// run is the generic worker loop.
func run[T any](p *Pool[T], id int) {
	defer p.wg.Done()
	for v := range p.ch {
		p.fn(v)
	}
}

// Submit hands v to a worker.
func (p *Pool[T]) Submit(v T) { p.ch <- v }

// Wait waits for every worker to exit.
func (p *Pool[T]) Wait() { p.wg.Wait() }
