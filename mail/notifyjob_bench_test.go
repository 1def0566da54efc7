//go:build bench

package mail

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// TestNotifyThousandTiming measures a day's quota of notification mail
// (MAILFX-3): 1,000 rows of a 1,200-row list rendered and queued by one
// pass, with the store and the spool syncing to disk as in production.
// It reports the wall time and the process's CPU time of the pass.
//
//	go test -tags bench -run TestNotifyThousandTiming -v ./mail/
func TestNotifyThousandTiming(t *testing.T) {
	dir := demoDB(t)
	st, err := store.Open(filepath.Join(dir, cmd.DBFile), store.Options{Argon: fastArgon})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sp, err := store.OpenSpool(filepath.Join(dir, "spool.db"), store.SpoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	cfg := DefaultConfig()
	cfg.Hostname = "mx.example.com"
	r, err := New(Options{DataDir: dir, Config: cfg, Store: st, Spool: sp, Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("address,姓名,金额\n")
	for i := 1; i <= 1200; i++ {
		fmt.Fprintf(&csv, "c%04d@ext.example,客户%d,%d.00\n", i, i, i)
	}
	list, err := model.ReadNotifyCSV([]byte(csv.String()))
	if err != nil {
		t.Fatal(err)
	}
	var actor model.Actor
	st.Read(func(rd *store.Reader) error {
		actor, err = rd.Actor(model.Address(demoLogin(t, "admin").Address), model.DoorSSH, "192.0.2.1")
		return err
	})
	job, err := st.StartNotify(actor, model.NotifyTemplate{Subject: "{{.姓名}}：本月账单", Body: "{{.姓名}}您好：\n本月金额 {{.金额}} 元。\n"}, list)
	if err != nil {
		t.Fatal(err)
	}
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	c0, t0 := cpu(), time.Now()
	r.NotifyPass()
	wall, used := time.Since(t0), cpu()-c0
	var j *model.NotifyJob
	st.Read(func(rd *store.Reader) error { j, err = rd.NotifyJob(job.ID); return err })
	if j.Queued != 1000 || j.State != model.NotifyWaiting {
		t.Fatalf("job %+v", j)
	}
	t.Logf("1,000 notification messages queued in %v (%.2f ms each), CPU %v (%.2f ms each)", wall.Round(time.Millisecond),
		float64(wall.Microseconds())/1000/1000, used.Round(time.Millisecond), float64(used.Microseconds())/1000/1000)
}
