//go:build bench

// The spool's benchmarks (docs/MAIL.md, SEND-10): enqueues with fsync on,
// as the relay does before it answers 250.
//
//	go test -tags bench -run XXX -bench Spool -benchtime 3s ./store/
//
// msgs/s is the rate callers see; the files live under $TMPDIR, which must
// be a real disk (fsync on tmpfs costs nothing).
package store_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

func benchSpool(b *testing.B, opt store.SpoolOptions) *store.Spool {
	b.Helper()
	sp, err := store.OpenSpool(filepath.Join(b.TempDir(), store.SpoolFile), opt)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sp.Close() })
	return sp
}

func benchMsg() *store.QueueMessage {
	return &store.QueueMessage{Door: "submission", Account: "wangwei@example.com", From: "wangwei@example.com",
		Direction: "out", Subject: "季度报价", Status: store.MsgQueued}
}

// enqueueFrom enqueues b.N messages from the given number of goroutines.
func enqueueFrom(b *testing.B, sp *store.Spool, workers int, body []byte) {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				rc := []store.QueueRcpt{{Addr: model.Address(fmt.Sprintf("buyer%d@customer.cn", w))}}
				if err := sp.Enqueue(benchMsg(), rc, body); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}

// BenchmarkSpoolEnqueue: a 4 KiB message to one recipient, fsync on, from
// one SMTP session and from 20 at once, at the default 1 ms batch delay and
// at bbolt's own 10 ms.
func BenchmarkSpoolEnqueue(b *testing.B) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 256)
	for _, delay := range []time.Duration{time.Millisecond, 10 * time.Millisecond} {
		for _, workers := range []int{1, 20} {
			b.Run(fmt.Sprintf("4KiB/delay=%v/sessions=%d", delay, workers), func(b *testing.B) {
				sp := benchSpool(b, store.SpoolOptions{BatchDelay: delay})
				enqueueFrom(b, sp, workers, body)
			})
		}
	}
}

// BenchmarkSpoolBodySize: bigger bodies from 20 sessions, inline in
// spool.db and as files under DIR/spool/.
func BenchmarkSpoolBodySize(b *testing.B) {
	for _, size := range []int{64 << 10, 512 << 10, 2 << 20} {
		for _, file := range []bool{false, true} {
			where := "inline"
			fileBody := int64(-1)
			if file {
				where, fileBody = "file", 1
			}
			b.Run(fmt.Sprintf("%dKiB/%s", size>>10, where), func(b *testing.B) {
				sp := benchSpool(b, store.SpoolOptions{FileBody: fileBody})
				b.SetBytes(int64(size))
				enqueueFrom(b, sp, 20, bytes.Repeat([]byte("x"), size))
			})
		}
	}
}

// BenchmarkSpoolEnqueue50000: one message to 50,000 recipients.
func BenchmarkSpoolEnqueue50000(b *testing.B) {
	rcpts := make([]store.QueueRcpt, 50000)
	for i := range rcpts {
		rcpts[i] = store.QueueRcpt{Addr: model.Address(fmt.Sprintf("user%05d@example.com", i)), Local: true}
	}
	body := bytes.Repeat([]byte("0123456789abcdef"), 256)
	sp := benchSpool(b, store.SpoolOptions{})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := sp.Enqueue(benchMsg(), rcpts, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSpoolRecord: one delivery result of a 1-recipient message
// (which makes it done and removes its body), from 20 delivery workers,
// fsync on.
func BenchmarkSpoolRecord(b *testing.B) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 256)
	path := filepath.Join(b.TempDir(), store.SpoolFile)
	fill, err := store.OpenSpool(path, store.SpoolOptions{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]string, b.N)
	for i := range ids {
		m := benchMsg()
		if err := fill.Enqueue(m, []store.QueueRcpt{{Addr: "buyer@customer.cn"}}, body); err != nil {
			b.Fatal(err)
		}
		ids[i] = m.ID
	}
	fill.Close()
	sp, err := store.OpenSpool(path, store.SpoolOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer sp.Close()
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < 20; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				if _, err := sp.Record(ids[i], []store.RcptResult{{Index: 0, Delivered: true}}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}
