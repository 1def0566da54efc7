//go:build bench

// The spool under the relay's load (docs/BENCHMARKS.md "Relay"): sessions
// enqueue 4 KiB messages to one remote recipient while delivery workers
// record each one delivered, the two sharing the group commit as in the
// running server. Besides the rate it reports what the disk sees per
// message: write transactions, page writes (one pwrite each) and the
// pages allocated, the figures the layout of spool.db decides.
//
//	go test -tags bench -run XXX -bench SpoolRelay -benchtime 20000x ./store/
package store

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"postroom/model"
)

func BenchmarkSpoolRelay(b *testing.B) {
	body := bytes.Repeat([]byte("0123456789abcde\n"), 256)
	for _, sessions := range []int{1, 20} {
		b.Run(fmt.Sprintf("sessions=%d", sessions), func(b *testing.B) {
			sp, err := OpenSpool(filepath.Join(b.TempDir(), SpoolFile), SpoolOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer sp.Close()
			ids := make(chan string, 1024)
			var workers sync.WaitGroup
			for range 8 {
				workers.Go(func() {
					for id := range ids {
						if _, err := sp.Record(id, []RcptResult{{Index: 0, Delivered: true}}); err != nil {
							b.Error(err)
						}
					}
				})
			}
			before := sp.db.Stats()
			var next atomic.Int64
			var sessionsDone sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for range sessions {
				sessionsDone.Go(func() {
					for next.Add(1) <= int64(b.N) {
						m := &QueueMessage{Door: "trusted", System: "bench", From: "bench@example.com",
							Direction: "out", Subject: "load", Status: MsgQueued}
						rc := []QueueRcpt{{Addr: model.Address("rcpt@outside.test")}}
						if err := sp.Enqueue(m, rc, body); err != nil {
							b.Error(err)
							return
						}
						ids <- m.ID
					}
				})
			}
			sessionsDone.Wait()
			close(ids)
			workers.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			after := sp.db.Stats()
			d := after.Sub(&before)
			n := float64(b.N)
			b.ReportMetric(n/elapsed.Seconds(), "msgs/s")
			b.ReportMetric(float64(d.TxN)/n, "commits/msg")
			b.ReportMetric(float64(d.TxStats.GetWrite())/n, "pagewrites/msg")
			b.ReportMetric(float64(d.TxStats.GetPageCount())/n, "pagesalloc/msg")
			b.ReportMetric(float64(d.TxStats.GetSpill())/n, "spills/msg")
		})
	}
}
