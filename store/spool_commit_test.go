package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func openCommitDB(t *testing.T) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "c.db"), 0o600, &bolt.Options{Timeout: time.Second, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte("b"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return db
}

func countKeys(t *testing.T, db *bolt.DB) int {
	t.Helper()
	n := 0
	db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket([]byte("b")).Stats().KeyN
		return nil
	})
	return n
}

// Many writers at once: each write lands exactly once, and they share
// commits.
func TestGroupCommitShares(t *testing.T) {
	db := openCommitDB(t)
	g := &groupCommit{db: db, max: 200}
	before := db.Stats().TxN
	var wg sync.WaitGroup
	for i := range 400 {
		wg.Go(func() {
			err := g.do(func(tx *bolt.Tx) error {
				return tx.Bucket([]byte("b")).Put(fmt.Appendf(nil, "k%04d", i), []byte("v"))
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := countKeys(t, db); n != 400 {
		t.Fatalf("%d keys, want 400", n)
	}
	// Read transactions count too, so this is a loose bound; one commit
	// per write would be 400.
	if commits := db.Stats().TxN - before; commits >= 400 {
		t.Errorf("%d transactions for 400 writes: nothing was shared", commits)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.running || len(g.pending) != 0 {
		t.Errorf("the committer is left running=%v with %d pending", g.running, len(g.pending))
	}
}

// One failing or panicking write among others: it alone gets an error and
// writes nothing; the others commit.
func TestGroupCommitFailureIsolated(t *testing.T) {
	for _, bad := range []string{"error", "panic"} {
		t.Run(bad, func(t *testing.T) {
			db := openCommitDB(t)
			// A delay makes the writes below gather into one group.
			g := &groupCommit{db: db, max: 200, delay: 20 * time.Millisecond}
			boom := errors.New("boom")
			var wg sync.WaitGroup
			errs := make([]error, 10)
			for i := range 10 {
				wg.Go(func() {
					errs[i] = g.do(func(tx *bolt.Tx) error {
						if err := tx.Bucket([]byte("b")).Put(fmt.Appendf(nil, "k%d", i), []byte("v")); err != nil {
							return err
						}
						if i == 3 {
							if bad == "panic" {
								panic("bad write")
							}
							return boom
						}
						return nil
					})
				})
			}
			wg.Wait()
			for i, err := range errs {
				if i == 3 && err == nil {
					t.Errorf("write 3 did not fail")
				}
				if i != 3 && err != nil {
					t.Errorf("write %d: %v", i, err)
				}
			}
			if n := countKeys(t, db); n != 9 {
				t.Errorf("%d keys, want 9 (the failed write's put rolled back)", n)
			}
			db.View(func(tx *bolt.Tx) error {
				if tx.Bucket([]byte("b")).Get([]byte("k3")) != nil {
					t.Error("the failed write's key was committed")
				}
				return nil
			})
		})
	}
}

// Ids made one after another sort in that order, within one millisecond too.
func TestNewIDMonotonic(t *testing.T) {
	fixed := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	sp, err := OpenSpool(filepath.Join(t.TempDir(), SpoolFile), SpoolOptions{Now: func() time.Time { return fixed }, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	prev := ""
	for range 1000 {
		id := sp.NewID()
		if !validID(id) || id <= prev {
			t.Fatalf("id %q after %q", id, prev)
		}
		prev = id
	}
}
