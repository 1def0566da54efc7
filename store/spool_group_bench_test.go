//go:build bench

// Group commit for the relay's writes (docs/BENCHMARKS.md "Relay"): bbolt's
// DB.Batch, which starts a timer per batch (MaxBatchDelay) and commits when
// it fires, against a leader/follower group commit that commits at once
// when no commit is under way and gives everything that arrives during a
// commit to the next one. On a bare bbolt file with the spool's write
// shape: per message a 4 KiB body, the message and recipient records, the
// due and mail-log index keys (enqueue); per delivery the recipient and
// message updated, the due keys and the body deleted (record).
//
//	go test -tags bench -run XXX -bench GroupCommit -benchtime 3000x ./store/
//
// "enqueue" is sessions enqueuing alone; "relay" adds 8 delivery workers
// that record a result for each enqueued message through the same
// committer, as the relay's Deliverer does. msgs/s counts enqueues; p50-ms
// and p99-ms are an enqueue's latency; commits/msg is write transactions
// per enqueued message. fsync is on: $TMPDIR must be a real disk.
package store_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// committer runs fn in a write transaction that is durable when it returns.
type committer interface {
	do(fn func(*bolt.Tx) error) error
	commits() int64
}

// batchCommitter is bbolt's DB.Batch with a given MaxBatchDelay; it counts
// the distinct write transactions its calls ran in.
type batchCommitter struct {
	db   *bolt.DB
	mu   sync.Mutex
	seen map[int]bool
}

func (b *batchCommitter) do(fn func(*bolt.Tx) error) error {
	return b.db.Batch(func(tx *bolt.Tx) error {
		b.mu.Lock()
		b.seen[tx.ID()] = true
		b.mu.Unlock()
		return fn(tx)
	})
}

func (b *batchCommitter) commits() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return int64(len(b.seen))
}

// groupCommitter: the first caller with no commit under way starts one at
// once; callers that arrive while it runs wait and share the next.
type groupCommitter struct {
	db      *bolt.DB
	mu      sync.Mutex
	pending []groupCall
	running bool
	n       atomic.Int64
}

type groupCall struct {
	fn   func(*bolt.Tx) error
	done chan error
}

func (g *groupCommitter) do(fn func(*bolt.Tx) error) error {
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

func (g *groupCommitter) loop() {
	for {
		g.mu.Lock()
		calls := g.pending
		g.pending = nil
		if len(calls) == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		g.n.Add(1)
		failed := -1
		err := g.db.Update(func(tx *bolt.Tx) error {
			for i, c := range calls {
				if err := c.fn(tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if err == nil {
			for _, c := range calls {
				c.done <- nil
			}
			continue
		}
		// One call failed: it gets its error, the others run again alone
		// (as DB.Batch does).
		for i, c := range calls {
			if i == failed {
				c.done <- err
				continue
			}
			g.n.Add(1)
			c.done <- g.db.Update(c.fn)
		}
	}
}

func (g *groupCommitter) commits() int64 { return g.n.Load() }

var groupBuckets = []string{"msgs", "rcpts", "rcptdue", "bodies", "due", "maillog", "logtime", "logacct"}

func openGroupDB(b *testing.B) *bolt.DB {
	b.Helper()
	db, err := bolt.Open(filepath.Join(b.TempDir(), "group.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	db.MaxBatchSize = 200
	if err := db.Update(func(tx *bolt.Tx) error {
		for _, n := range groupBuckets {
			if _, err := tx.CreateBucketIfNotExists([]byte(n)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	return db
}

// groupKeys are one message's keys, made once (Batch may run a function twice).
type groupKeys struct {
	id, rcpt, rcptDue, body, due, logTime, logAcct []byte
}

func newGroupKeys(seq int64) groupKeys {
	t := make([]byte, 8)
	binary.BigEndian.PutUint64(t, uint64(time.Now().UnixNano()))
	id := []byte(fmt.Sprintf("%012x%08x", time.Now().UnixMilli(), seq))
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	return groupKeys{
		id:      id,
		rcpt:    cat(id, []byte{0, 0, 0, 0, 0}),
		rcptDue: cat(t, id, []byte{0, 0, 0, 0}),
		body:    cat(id, []byte{0, 0}),
		due:     cat(t, id),
		logTime: cat(t, id),
		logAcct: cat([]byte("bench@example.com\x00"), t, id),
	}
}

var (
	groupMsg  = bytes.Repeat([]byte("m"), 420)
	groupRcpt = bytes.Repeat([]byte("r"), 180)
	groupLog  = bytes.Repeat([]byte("l"), 380)
	groupBody = bytes.Repeat([]byte("0123456789abcdef"), 256)
)

func enqueueFn(k groupKeys) func(*bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		puts := []struct {
			bucket string
			k, v   []byte
		}{
			{"msgs", k.id, groupMsg}, {"rcpts", k.rcpt, groupRcpt}, {"rcptdue", k.rcptDue, nil},
			{"bodies", k.body, groupBody}, {"due", k.due, nil}, {"maillog", k.id, groupLog},
			{"logtime", k.logTime, nil}, {"logacct", k.logAcct, nil},
		}
		for _, p := range puts {
			if err := tx.Bucket([]byte(p.bucket)).Put(p.k, p.v); err != nil {
				return err
			}
		}
		return nil
	}
}

func recordFn(k groupKeys) func(*bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		for _, d := range []struct {
			bucket string
			k      []byte
		}{{"rcptdue", k.rcptDue}, {"due", k.due}, {"bodies", k.body}} {
			if err := tx.Bucket([]byte(d.bucket)).Delete(d.k); err != nil {
				return err
			}
		}
		for _, p := range []struct {
			bucket string
			k, v   []byte
		}{{"rcpts", k.rcpt, groupRcpt}, {"msgs", k.id, groupMsg}, {"maillog", k.id, groupLog}} {
			if err := tx.Bucket([]byte(p.bucket)).Put(p.k, p.v); err != nil {
				return err
			}
		}
		return nil
	}
}

func BenchmarkGroupCommit(b *testing.B) {
	modes := []struct {
		name  string
		delay time.Duration // 0: group commit
	}{{"batch-10ms", 10 * time.Millisecond}, {"batch-1ms", time.Millisecond}, {"batch-50us", 50 * time.Microsecond}, {"group", 0}}
	for _, load := range []string{"enqueue", "relay"} {
		for _, sessions := range []int{1, 20} {
			for _, mode := range modes {
				b.Run(fmt.Sprintf("%s/sessions=%d/%s", load, sessions, mode.name), func(b *testing.B) {
					db := openGroupDB(b)
					var c committer
					if mode.delay > 0 {
						db.MaxBatchDelay = mode.delay
						c = &batchCommitter{db: db, seen: map[int]bool{}}
					} else {
						c = &groupCommitter{db: db}
					}
					runGroupLoad(b, c, sessions, load == "relay")
				})
			}
		}
	}
}

func runGroupLoad(b *testing.B, c committer, sessions int, deliver bool) {
	var next, seq atomic.Int64
	lat := make([][]time.Duration, sessions)
	queue := make(chan groupKeys, 4096)
	var workers sync.WaitGroup
	if deliver {
		for range 8 {
			workers.Go(func() {
				for k := range queue {
					if err := c.do(recordFn(k)); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
	}
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for s := 0; s < sessions; s++ {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				k := newGroupKeys(seq.Add(1))
				t := time.Now()
				if err := c.do(enqueueFn(k)); err != nil {
					b.Error(err)
					return
				}
				lat[s] = append(lat[s], time.Since(t))
				if deliver {
					queue <- k
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(queue)
	workers.Wait()
	b.StopTimer()
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) == 0 {
		return
	}
	pct := func(p float64) float64 {
		i := min(len(all)-1, max(0, int(p*float64(len(all))+0.5)-1))
		return float64(all[i].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(c.commits())/float64(b.N), "commits/msg")
}
