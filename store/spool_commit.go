package store

import (
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// groupCommit is the spool's group commit: a write asked for while no
// commit is under way is committed at once; writes asked for during a
// commit wait for it and share the next one. So one session pays one
// commit per message and no timer, and many sessions share their fsyncs.
// (bbolt's DB.Batch starts a timer for every batch instead: a single
// writer waits MaxBatchDelay before each commit; docs/BENCHMARKS.md,
// "Relay".)
//
// As with DB.Batch, the functions may run more than once: when one of a
// group fails, the transaction is rolled back, that function gets its
// error and the others run again together. A function must compute from
// the transaction and assign its results last.
type groupCommit struct {
	db    *bolt.DB
	delay time.Duration // wait this long before a commit to gather more writes; 0: none
	max   int           // functions per transaction

	mu      sync.Mutex
	pending []groupCall
	lazy    []groupCall // ride along with the next commit (doLazy)
	running bool
	armed   bool // a timer will commit lazy if nothing else does
}

type groupCall struct {
	fn   func(*bolt.Tx) error
	done chan error
}

// do runs fn in a write transaction and returns when that transaction is
// durable (or has failed).
func (g *groupCommit) do(fn func(*bolt.Tx) error) error {
	c := groupCall{fn, make(chan error, 1)}
	g.mu.Lock()
	g.pending = append(g.pending, c)
	if !g.running {
		g.running = true
		go g.loop()
	}
	g.mu.Unlock()
	return <-c.done
}

// doLazy is do for a write that may wait up to wait for a commit to share:
// it goes with the next commit that starts for any other write, or on its
// own once wait has passed. The deliverer's results use it, so that one
// sender's enqueue and the delivery of its previous message share an
// fsync.
func (g *groupCommit) doLazy(fn func(*bolt.Tx) error, wait time.Duration) error {
	c := groupCall{fn, make(chan error, 1)}
	g.mu.Lock()
	g.lazy = append(g.lazy, c)
	if !g.running && !g.armed {
		g.armed = true
		time.AfterFunc(wait, g.fire)
	}
	g.mu.Unlock()
	return <-c.done
}

// fire commits the lazy writes nobody took along.
func (g *groupCommit) fire() {
	g.mu.Lock()
	g.armed = false
	if !g.running && len(g.lazy) > 0 {
		g.running = true
		go g.loop()
	}
	g.mu.Unlock()
}

// loop commits what is pending (and the lazy writes with it) until
// nothing is; then it ends, and the next do starts it again.
func (g *groupCommit) loop() {
	for {
		if g.delay > 0 {
			time.Sleep(g.delay)
		}
		g.mu.Lock()
		n := min(len(g.pending)+len(g.lazy), g.max)
		if n == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		calls := make([]groupCall, 0, n)
		k := min(len(g.pending), n)
		calls = append(calls, g.pending[:k]...)
		g.pending = append([]groupCall(nil), g.pending[k:]...)
		k = min(len(g.lazy), n-len(calls))
		calls = append(calls, g.lazy[:k]...)
		g.lazy = append([]groupCall(nil), g.lazy[k:]...)
		g.mu.Unlock()
		g.commit(calls)
	}
}

// commit runs calls in one transaction. When one fails, the transaction
// is rolled back, that call alone gets the error, and the rest run again
// together.
func (g *groupCommit) commit(calls []groupCall) {
	for len(calls) > 0 {
		failed := -1
		err := g.db.Update(func(tx *bolt.Tx) error {
			for i, c := range calls {
				if err := safeCall(c.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			// Success, or the commit itself failed: all share the fate.
			for _, c := range calls {
				c.done <- err
			}
			return
		}
		calls[failed].done <- err
		calls = append(calls[:failed:failed], calls[failed+1:]...)
	}
}

// safeCall runs fn, turning a panic into an error: the committer runs on
// its own goroutine and must not take the process down with one bad call.
func safeCall(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("spool write panicked: %v", p)
		}
	}()
	return fn(tx)
}
