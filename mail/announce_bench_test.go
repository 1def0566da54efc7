//go:build bench

// Announcements to 50,000 members (docs/BENCHMARKS.md, "Announcements"):
//
//	go test -tags bench -run XXX -bench Announce -benchtime 1x -timeout 30m ./mail/
//
// The store (50,000 members in 2,000 departments from testdata/benchgen,
// imported as `import members --create-depts` does) is built once and
// cached in $TMPDIR/postroom-mail-bench-…/store.db; set
// POSTROOM_BENCH_REBUILD=1 to build it again. The spool and the Maildir
// are new in each run, with fsync on, as serve runs them.
package mail

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
	"postroom/testdata/benchgen"
)

const annBenchAdmin = model.Address("admin@corp.example.cn")

var (
	annBenchOnce sync.Once
	annBenchPath string
	annBenchErr  error
)

// annBenchStore returns the path of the cached 50,000-member store.
func annBenchStore(b *testing.B) string {
	b.Helper()
	annBenchOnce.Do(func() {
		dir := filepath.Join(os.TempDir(), fmt.Sprintf("postroom-mail-bench-g%s-s%d", benchgen.Version, store.SchemaVersion))
		annBenchPath = filepath.Join(dir, "store.db")
		if _, err := os.Stat(annBenchPath); err == nil && os.Getenv("POSTROOM_BENCH_REBUILD") == "" {
			return
		}
		if annBenchErr = os.MkdirAll(dir, 0o700); annBenchErr != nil {
			return
		}
		start := time.Now()
		annBenchErr = annBuildStore(annBenchPath)
		b.Logf("built %s in %s", annBenchPath, time.Since(start).Round(time.Millisecond))
	})
	if annBenchErr != nil {
		b.Fatal(annBenchErr)
	}
	return annBenchPath
}

// annBuildStore makes the store: init, then the 50,000-row import that
// creates the 2,000 departments.
func annBuildStore(path string) error {
	tmp := path + ".building"
	os.Remove(tmp)
	s, err := store.Open(tmp, store.Options{NoSync: true, Argon: fastArgon})
	if err != nil {
		return err
	}
	defer s.Close()
	co := benchgen.Generate(benchgen.Default())
	if err := s.Apply(model.System(model.DoorCLI), &model.InitEnterprise{Name: "示例集团", Domain: co.Config.Domain, Admin: annBenchAdmin, AdminName: "管理员"}); err != nil {
		return err
	}
	admin, err := annActor(s)
	if err != nil {
		return err
	}
	file, err := model.ReadMembersCSV(bytes.NewReader(co.MembersCSV()), 64<<20)
	if err != nil {
		return err
	}
	var plan *model.ImportPlan
	s.Read(func(r *store.Reader) error { plan = model.PlanMemberImport(r, file, true); return nil })
	if len(plan.Errors) > 0 {
		return fmt.Errorf("members.csv: %d plan errors, first %s", len(plan.Errors), plan.Errors[0])
	}
	failed, err := s.ApplyAll(admin, plan.Changes, store.ApplyOptions{KeepGoing: true})
	if err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("import: %d changes failed, first: %v", len(failed), failed[0].Err)
	}
	if err := s.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func annActor(s *store.Store) (model.Actor, error) {
	var act model.Actor
	err := s.Read(func(r *store.Reader) (err error) {
		act, err = r.Actor(annBenchAdmin, model.DoorCLI, "bench")
		return err
	})
	return act, err
}

// BenchmarkAnnounce50000 publishes to all staff of the 50,000-member
// company and measures: the fan-out (one message per member queued in the
// spool), the recall of copies still queued (all cancelled), and, after
// the relay delivered a second announcement into the Maildir and a tenth
// of the recipients' mail programs fetched it (new/ → cur/), the recall
// that removes the rest from new/ and counts the fetched ones.
func BenchmarkAnnounce50000(b *testing.B) {
	src := annBenchStore(b)
	for b.Loop() {
		dir := b.TempDir()
		raw, err := os.ReadFile(src)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "postroom.db"), raw, 0o600); err != nil {
			b.Fatal(err)
		}
		raw = nil
		st, err := store.Open(filepath.Join(dir, "postroom.db"), store.Options{Argon: fastArgon})
		if err != nil {
			b.Fatal(err)
		}
		sp, err := store.OpenSpool(filepath.Join(dir, store.SpoolFile), store.SpoolOptions{})
		if err != nil {
			b.Fatal(err)
		}
		del, err := NewDeliverer(DeliveryConfig{DataDir: dir, Hostname: "mail.corp.example.cn", PrimaryDomain: "corp.example.cn", Workers: 8,
			LocalMailbox: func(a model.Address) (model.Address, bool) { return a, true }, Logf: b.Logf}, sp)
		if err != nil {
			b.Fatal(err)
		}
		admin, err := annActor(st)
		if err != nil {
			b.Fatal(err)
		}
		body := strings.Repeat("各位同事：年终总结会定于十二月二十八日举行，请各部门提前准备。\n", 20)
		publish := func(title string) uint64 {
			pub := &model.PublishAnnouncement{Title: title, Body: body}
			if err := st.Apply(admin, pub); err != nil {
				b.Fatal(err)
			}
			return pub.ID
		}

		// 1. Publish and queue every copy; recall them while still queued.
		id := publish("年终总结会通知")
		start, cpu0 := time.Now(), cpuTime()
		n, complete, err := FanOut(st, sp, del, id, "mail.corp.example.cn", nil)
		queue, queueCPU := time.Since(start), cpuTime()-cpu0
		if err != nil || !complete || n < 50000 {
			b.Fatalf("fan-out: %d queued, complete %v, %v", n, complete, err)
		}
		start, cpu0 = time.Now(), cpuTime()
		rec := mustRecall(b, st, sp, del, admin, id)
		recallQueued, recallQueuedCPU := time.Since(start), cpuTime()-cpu0
		if rec.Cancelled != n {
			b.Fatalf("recall of queued copies: %+v, want %d cancelled", rec, n)
		}

		// 2. Publish again, deliver into the Maildir, a tenth fetched, recall.
		id = publish("年终总结会通知（更正）")
		if n, _, err = FanOut(st, sp, del, id, "mail.corp.example.cn", nil); err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { del.Run(ctx); close(done) }()
		for {
			time.Sleep(200 * time.Millisecond)
			if _, due, err := sp.NextDue(); err == nil && !due {
				break
			}
		}
		cancel()
		<-done
		deliver := time.Since(start)
		fetched := fetchEvery(b, filepath.Join(dir, "mail"), 10)
		start, cpu0 = time.Now(), cpuTime()
		rec = mustRecall(b, st, sp, del, admin, id)
		recallDelivered, recallDeliveredCPU := time.Since(start), cpuTime()-cpu0
		if rec.Fetched != fetched || rec.Recalled != n-fetched {
			b.Fatalf("recall after delivery: %+v, want recalled %d, fetched %d", rec, n-fetched, fetched)
		}
		b.ReportMetric(queue.Seconds(), "s-queue")
		b.ReportMetric(float64(n)/queue.Seconds(), "queued/s")
		b.ReportMetric(recallQueued.Seconds(), "s-recall-queued")
		b.ReportMetric(deliver.Seconds(), "s-deliver")
		b.ReportMetric(recallDelivered.Seconds(), "s-recall-maildir")
		b.ReportMetric(queueCPU.Seconds(), "cpu-s-queue")
		b.ReportMetric(recallQueuedCPU.Seconds(), "cpu-s-recall-queued")
		b.ReportMetric(recallDeliveredCPU.Seconds(), "cpu-s-recall-maildir")
		b.Logf("%d copies: queued in %s (CPU %s), recalled while queued in %s (CPU %s); delivered in %s; recall: %+v in %s (CPU %s)",
			n, queue.Round(time.Millisecond), queueCPU.Round(time.Millisecond), recallQueued.Round(time.Millisecond), recallQueuedCPU.Round(time.Millisecond),
			deliver.Round(time.Millisecond), rec, recallDelivered.Round(time.Millisecond), recallDeliveredCPU.Round(time.Millisecond))
		sp.Close()
		st.Close()
	}
}

// cpuTime is the CPU time (user and system) the process has used: on a
// machine others load, it says more than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func mustRecall(b *testing.B, st *store.Store, sp *store.Spool, del *Deliverer, admin model.Actor, id uint64) model.RecallCounts {
	b.Helper()
	if err := st.Apply(admin, &model.RecallAnnouncement{ID: id}); err != nil {
		b.Fatal(err)
	}
	c, err := RecallCopies(sp, del.maildir, id)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// fetchEvery moves the message in new/ of every nth mailbox under root to
// cur/, as a mail program does when it fetches it, and says how many.
func fetchEvery(b *testing.B, root string, nth int) int {
	b.Helper()
	boxes, err := filepath.Glob(filepath.Join(root, "*", "*"))
	if err != nil {
		b.Fatal(err)
	}
	moved := 0
	for i, box := range boxes {
		if i%nth != 0 {
			continue
		}
		ents, _ := os.ReadDir(filepath.Join(box, "new"))
		for _, e := range ents {
			if err := os.MkdirAll(filepath.Join(box, "cur"), 0o700); err != nil {
				b.Fatal(err)
			}
			if err := os.Rename(filepath.Join(box, "new", e.Name()), filepath.Join(box, "cur", e.Name()+":2,S")); err != nil {
				b.Fatal(err)
			}
			moved++
		}
	}
	return moved
}
