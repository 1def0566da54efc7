//go:build bench

package mail

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"postroom/model"
	"postroom/store"
	"postroom/testdata/benchgen"
)

// TestFiftyThousandGroup measures what issue 4 names: expanding and queueing
// one message to a 50,000-member group, through the real submission door
// with the spool syncing to disk. It reports the time from the end of DATA
// to the 250, and how long the spool's write transaction took.
//
//	go test -tags bench -run TestFiftyThousandGroup -v ./mail/
func TestFiftyThousandGroup(t *testing.T) {
	co := benchgen.Generate(benchgen.Default())
	dir := t.TempDir()
	cached := filepath.Join(os.TempDir(), "postroom-mail-bench-50k-v1.db")
	if _, err := os.Stat(cached); err != nil {
		buildFiftyThousand(t, co, cached)
	}
	raw, err := os.ReadFile(cached)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "postroom.db"), raw, 0o600)
	st, err := store.Open(filepath.Join(dir, "postroom.db"), store.Options{Argon: fastArgon})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	group := model.Address("everyone@" + co.Config.Domain)
	sp, err := store.OpenSpool(filepath.Join(dir, store.SpoolFile), store.SpoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	cfg := DefaultConfig()
	cfg.Trusted = []Trusted{{Name: "bench", Networks: []string{"127.0.0.1/32"}, Sender: "notice@" + co.Config.Domain, Broadcast: true}}
	r, err := New(Options{DataDir: dir, Config: cfg, Store: st, Spool: sp, Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go r.ServeSubmission(l)
	defer r.Shutdown(context.Background())
	for round := 0; round < 3; round++ {
		c, err := smtp.Dial(l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.Hello("bench")
		c.Mail(string(cfg.Trusted[0].Sender), nil)
		if err := c.Rcpt(string(group), nil); err != nil {
			t.Fatal(err)
		}
		w, _ := c.Data()
		io.WriteString(w, message(cfg.Trusted[0].Sender, string(group), fmt.Sprintf("会议安排 %d", round), strings.Repeat("全体同事请注意。\r\n", 100)))
		start := time.Now()
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		c.Close()
		ms, _ := sp.List(store.QueueFilter{Limit: 1})
		t.Logf("round %d: 250 after %s for %d recipients", round+1, took.Round(time.Millisecond), ms[0].Rcpts)
		if took > 2*time.Second {
			t.Errorf("queueing to 50,000 took %s, over the 2 s target", took)
		}
	}
	start := time.Now()
	var rec model.Address
	st.Read(func(rd *store.Reader) error {
		pol, _ := rd.MailPolicy()
		res, err := model.ResolveRecipients(rd, pol, []model.Address{group})
		if err == nil {
			rec = res.Local[0].Address
			t.Logf("expansion alone: %d mailboxes in %s", len(res.Local), time.Since(start).Round(time.Millisecond))
		}
		return err
	})
	_ = rec
}

// buildFiftyThousand makes the 50,000-member directory with a group of
// everyone, as `import members --create-depts` would, and caches it.
func buildFiftyThousand(t *testing.T, co *benchgen.Company, path string) {
	tmp := path + ".building"
	os.Remove(tmp)
	st, err := store.Open(tmp, store.Options{NoSync: true, Argon: fastArgon})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	admin := model.Address("admin@" + co.Config.Domain)
	if err := st.Apply(model.System(model.DoorCLI), &model.InitEnterprise{Name: "示例集团", Domain: co.Config.Domain, Admin: admin, AdminName: "管理员"}); err != nil {
		t.Fatal(err)
	}
	var act model.Actor
	st.Read(func(r *store.Reader) (err error) { act, err = r.Actor(admin, model.DoorCLI, "bench"); return })
	file, err := model.ReadMembersCSV(bytes.NewReader(co.MembersCSV()), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	var plan *model.ImportPlan
	st.Read(func(r *store.Reader) error { plan = model.PlanMemberImport(r, file, true); return nil })
	changes := append(plan.Changes, &model.ImportSummary{File: "members.csv", Encoding: file.Encoding, Added: plan.Adds, Updated: plan.Updates, Depts: len(plan.Depts)})
	if _, err := st.ApplyAll(act, changes, store.ApplyOptions{KeepGoing: true}); err != nil {
		t.Fatal(err)
	}
	group := model.Address("everyone@" + co.Config.Domain)
	if err := st.Apply(act, &model.AddGroup{Address: group, Name: "全体", Post: "anyone"}, &model.GroupMember{Group: group, Dept: "/"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}
