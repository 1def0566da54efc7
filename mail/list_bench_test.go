//go:build bench

package mail

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// TestFiftyThousandSubscribers measures a post to a mailing list of 50,000
// subscribed outside addresses (LIST-2), through the real submission door,
// with the store and the spool on disk and fsync on, delivered to a fake
// next hop on loopback (the smarthost):
//
//	go test -tags bench -run TestFiftyThousandSubscribers -v ./mail/
//
// It logs, per round, the time from the end of DATA to the 250 (the
// subscribers read, the 50,000 recipients written to the spool), the time
// from the 250 until every copy is delivered, the connections the next hop
// saw, and the peak Go heap during the round above what was live before
// it; at the end the process's peak RSS (VmHWM).
func TestFiftyThousandSubscribers(t *testing.T) {
	const n = 50000
	dir := demoDB(t)
	st, err := store.Open(filepath.Join(dir, cmd.DBFile), store.Options{Argon: fastArgon})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sender := demoLogin(t, "member")
	list := model.Address("news@example.com")
	start := time.Now()
	if err := st.Apply(model.System(model.DoorCLI), &model.AddList{Address: list, Name: "产品通讯", Senders: []model.Address{model.Address(sender.Address)}}); err != nil {
		t.Fatal(err)
	}
	for b := 0; b < n/1000; b++ {
		addrs := make([]string, 1000)
		for i := range addrs {
			k := b*1000 + i
			addrs[i] = fmt.Sprintf("reader%05d@customer%02d.example", k, k%40)
		}
		if err := st.Apply(model.System(model.DoorCLI), &model.AddSubscribers{List: list, Addresses: addrs}); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("setup: %d subscribers added in %s", n, time.Since(start).Round(time.Millisecond))

	sp, err := store.OpenSpool(filepath.Join(dir, store.SpoolFile), store.SpoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	hop := newFakeHop(t, fakeHopOptions{bodiless: true})
	cfg := DefaultConfig()
	cfg.Hostname = "mx.example.com"
	cfg.Smarthost.Addr = hop.addr
	r, err := New(Options{DataDir: dir, Config: cfg, Store: st, Spool: sp, Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go r.ServeSubmission(l)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	defer func() { cancel(); <-done; r.Shutdown(context.Background()) }()

	body := strings.Repeat("本月新品：全系列产品八折优惠，欢迎垂询。\r\n", 60)
	for round := 1; round <= 3; round++ {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		var peak atomic.Uint64
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			var m runtime.MemStats
			for {
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > peak.Load() {
					peak.Store(m.HeapAlloc)
				}
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
		}()
		conns0, _ := hop.stats()
		got0 := len(hop.received())

		c, err := smtp.Dial(l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.Hello("bench")
		if err := c.Auth(sasl.NewPlainClient("", sender.Address, sender.Password)); err != nil {
			t.Fatal(err)
		}
		if err := c.Mail(sender.Address, nil); err != nil {
			t.Fatal(err)
		}
		if err := c.Rcpt(string(list), nil); err != nil {
			t.Fatal(err)
		}
		w, err := c.Data()
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, message(sender.Address, string(list), fmt.Sprintf("产品通讯 第%d期", round), body))
		t0 := time.Now()
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		queued := time.Since(t0)
		c.Close()
		m, _ := sp.List(store.QueueFilter{Account: model.Address(sender.Address), Limit: 1})
		id := m[0].ID
		for {
			got, err := sp.Message(id)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status.Finished() {
				if got.Status != store.MsgDone || got.Delivered != n {
					t.Fatalf("round %d: %s, %d of %d delivered", round, got.Status, got.Delivered, n)
				}
				break
			}
			if time.Since(t0) > 10*time.Minute {
				t.Fatalf("round %d: not drained after 10 minutes (%d delivered)", round, got.Delivered)
			}
			time.Sleep(10 * time.Millisecond)
		}
		drained := time.Since(t0) - queued
		close(stop)
		<-sampled
		conns, maxActive := hop.stats()
		hopMsgs := len(hop.received()) - got0
		t.Logf("round %d: 250 after %s; all %d copies at the next hop %s later (%d transactions on %d new connections, at most %d at once); peak heap %.1f MB above the %.1f MB live before",
			round, queued.Round(time.Millisecond), n, drained.Round(time.Millisecond), hopMsgs, conns-conns0, maxActive,
			float64(peak.Load()-min(base, peak.Load()))/(1<<20), float64(base)/(1<<20))
		if queued > 2*time.Second {
			t.Errorf("queueing a post to %d subscribers took %s, over the 2 s target", n, queued)
		}
	}
	var day model.ListDay
	st.Read(func(rd *store.Reader) error {
		days, err := rd.ListDays(list, model.DayOf(time.Now()), model.DayOf(time.Now()))
		if len(days) == 1 {
			day = days[0]
		}
		return err
	})
	t.Logf("statistics of the day: %d posts, %d delivered, %d bounced", day.Posts, day.Delivered, day.Bounced)
	if raw, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(line, "VmHWM:") {
				t.Logf("process peak RSS (setup included): %s", strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")))
			}
		}
	}
}

// TestListInvitesFiftyThousand measures how long the running relay takes
// to queue the confirmation mails of an import of 50,000 addresses
// without --confirmed (list-invite), store and spool on disk with fsync on:
//
//	go test -tags bench -run TestListInvitesFiftyThousand -v ./mail/
func TestListInvitesFiftyThousand(t *testing.T) {
	n := 50000
	if s := os.Getenv("POSTROOM_BENCH_N"); s != "" {
		fmt.Sscan(s, &n)
	}
	dir := demoDB(t)
	st, err := store.Open(filepath.Join(dir, cmd.DBFile), store.Options{Argon: fastArgon})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	list := model.Address("news@example.com")
	if err := st.Apply(model.System(model.DoorCLI), &model.AddList{Address: list, Name: "产品通讯"}); err != nil {
		t.Fatal(err)
	}
	sp, err := store.OpenSpool(filepath.Join(dir, store.SpoolFile), store.SpoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	cfg := DefaultConfig()
	cfg.Hostname = "mx.example.com"
	cfg.Smarthost.Addr = "127.0.0.1:1" // nothing delivered: the queueing is measured
	r, err := New(Options{DataDir: dir, Config: cfg, Store: st, Spool: sp, Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]model.SubscriberRow, n)
	for i := range rows {
		rows[i] = model.SubscriberRow{Line: i + 2, Address: fmt.Sprintf("reader%05d@customer%02d.example", i, i%40)}
	}
	var changes []model.Change
	for i := 0; i < n; i += 1000 {
		changes = append(changes, &model.ImportSubscribers{List: list, Rows: rows[i:min(n, i+1000)], File: "bench.csv"})
	}
	start := time.Now()
	if _, err := st.ApplyAll(model.System(model.DoorCLI), changes, store.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("import of %d unconfirmed: %s", n, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	r.ListConfirmationPass()
	took := time.Since(start)
	if p, _ := st.PendingConfirmations(1); len(p) != 0 {
		t.Fatal("confirmations still pending")
	}
	ms, _ := sp.List(store.QueueFilter{Limit: n + 10})
	t.Logf("%d confirmation mails queued in %s (%.0f a second); %d messages in the spool", n, took.Round(time.Millisecond), float64(n)/took.Seconds(), len(ms))
}
