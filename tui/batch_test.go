package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// seedBatches records two tasks in st: a member import that failed on one
// line of three, and a mailbox migration still running (4 of 10 members).
func seedBatches(t testing.TB, st *store.Store, admin model.Actor) (imp, mig uint64) {
	t.Helper()
	imp, err := st.RecordBatch(admin, model.BatchImportMembers, model.BatchFailed, "新员工.csv: 1 problem; nothing was imported", []model.BatchRow{
		{Key: "line 2 zhangsan@example.com", Outcome: model.OutcomeSkipped, Reason: "not imported: other rows have problems"},
		{Key: "line 3 lisi@example.com", Outcome: model.OutcomeFailed, Reason: `department "没有这个部门": no such department: create it first with dept add, or import with --create-depts`},
		{Key: "line 4 wangwu@example.com", Outcome: model.OutcomeSkipped, Reason: "not imported: other rows have problems"},
	})
	if err != nil {
		t.Fatal(err)
	}
	mig, err = st.BeginBatch(admin, model.BatchMigrate, 10, "imap.old.example.com:993")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		row := model.BatchRow{Key: fmt.Sprintf("user%d@example.com", i), Outcome: model.OutcomeOK, Reason: "120 messages, 3 folders, 2.4 MiB"}
		if i == 2 {
			row.Outcome, row.Reason = model.OutcomeFailed, "login refused by the old server: wrong password"
		}
		if err := st.AddBatchRows(mig, row); err != nil {
			t.Fatal(err)
		}
	}
	return imp, mig
}

// TestBatchGolden: an admin's Batch tasks pane lists the tasks with their
// progress, and opens the failed import with its failed row, then all
// rows (v), in both languages at 80×24 and 200×50.
func TestBatchGolden(t *testing.T) {
	for _, lang := range goldenLangs {
		for _, size := range []struct{ w, h int }{{80, 24}, {200, 50}} {
			for _, view := range []string{"list", "detail"} {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", view, lang, size.w, size.h), func(t *testing.T) {
					st := demoStore(t)
					s := sessionAs(t, st, "admin", lang)
					seedBatches(t, st, s.Actor)
					bt := assets.BatchCatalog(lang)
					app := newAppWith(s, "", []Pane{newBatchPane(s)})
					out := runUI(t, app, size.w, size.h, func(tm *teatest.TestModel) {
						waitFor(t, tm, "4/10")
						if view == "detail" {
							press(tm, "j")
							press(tm, "enter")
							waitFor(t, tm, "lisi@")
							press(tm, "v")
							waitFor(t, tm, "wangwu@")
						}
					})
					want := []string{bt.Nav, "4/10", bt.KindMigrate, bt.StateRunning}
					if view == "detail" {
						want = []string{"zhangsan@", "lisi@", "wangwu@", bt.ResultsAll, bt.OutcomeSkipped}
					}
					for _, w := range want {
						if !strings.Contains(out, w) {
							t.Errorf("the screen does not show %q:\n%s", w, out)
						}
					}
					requireGolden(t, out)
				})
			}
		}
	}
}

// TestBatchLive: rows recorded while the pane is on screen show at once
// (the store's batch events), in the list and in the open detail.
func TestBatchLive(t *testing.T) {
	st := demoStore(t)
	s := sessionAs(t, st, "auditor", "en")
	_, mig := seedBatches(t, st, s.Actor)
	app := newAppWith(s, "", []Pane{newBatchPane(s)})
	runUI(t, app, 120, 30, func(tm *teatest.TestModel) {
		waitFor(t, tm, "4/10")
		st.AddBatchRows(mig, model.BatchRow{Key: "late@example.com", Outcome: model.OutcomeOK}, model.BatchRow{Key: "later@example.com", Outcome: model.OutcomeFailed, Reason: "mailbox full"})
		waitFor(t, tm, "6/10")
		press(tm, "enter")
		waitFor(t, tm, "later@example.com")
		st.AddBatchRows(mig, model.BatchRow{Key: "last@example.com", Outcome: model.OutcomeFailed, Reason: "timed out"})
		waitFor(t, tm, "last@example.com")
		st.FinishBatch(mig, model.BatchDone, "7 members")
		waitFor(t, tm, "7 members")
	})
}

// TestBatchScroll: a task of 1,200 failed rows is read a page at a time
// as the detail scrolls, to the last row.
func TestBatchScroll(t *testing.T) {
	st := demoStore(t)
	s := sessionAs(t, st, "admin", "en")
	rows := make([]model.BatchRow, 1200)
	for i := range rows {
		rows[i] = model.BatchRow{Key: fmt.Sprintf("m%04d@example.com", i), Outcome: model.OutcomeFailed, Reason: "bad"}
	}
	if _, err := st.RecordBatch(s.Actor, model.BatchNotify, model.BatchFailed, "", rows); err != nil {
		t.Fatal(err)
	}
	p := newBatchPane(s)
	p.SetSize(70, 20)
	drive(p, p.Init())
	keys(p, "enter")
	if p.detail == nil || len(p.detail.rows) != batchPage {
		t.Fatalf("the detail read %d rows first, want %d", len(p.detail.rows), batchPage)
	}
	for range 3 {
		keys(p, "G")
	}
	if d := p.detail; len(d.rows) != 1200 || d.next != 0 {
		t.Fatalf("after scrolling to the end the detail has %d rows (next %d)", len(d.rows), d.next)
	}
	if v := p.View(); !strings.Contains(v, "m1199@example.com") {
		t.Errorf("the last row is not on screen:\n%s", v)
	}
	keys(p, "esc")
	if p.detail != nil {
		t.Error("esc did not close the detail")
	}
}

// TestBatchPaneRoles: admins and auditors have the pane; nobody else does.
func TestBatchPaneRoles(t *testing.T) {
	st := demoStore(t)
	for _, c := range []struct {
		role string
		has  bool
	}{{"admin", true}, {"auditor", true}, {"subadmin", false}, {"helpdesk", false}, {"hr", false}, {"head", false}, {"member", false}} {
		s := sessionAs(t, st, c.role, "en")
		has := false
		for _, p := range panesFor(s, false) {
			if _, ok := p.(*batchPane); ok {
				has = true
			}
		}
		if has != c.has {
			t.Errorf("%s has the Batch tasks pane: %v, want %v", c.role, has, c.has)
		}
	}
	// A member's own session still cannot read another's task.
	admin := sessionAs(t, st, "admin", "en")
	imp, _ := seedBatches(t, st, admin.Actor)
	m := sessionAs(t, st, "member", "en")
	p := newBatchPane(m)
	p.SetSize(80, 20)
	drive(p, p.Init())
	if len(p.batches) != 0 {
		t.Errorf("a member's pane lists %d tasks of others", len(p.batches))
	}
	msg := p.loadRows(imp, true, 0, 10, false)().(batchRowsMsg)
	if msg.err == nil {
		t.Error("a member read another's task")
	}
}

// TestBatchCancelKey (LOG-5): in the Batch tasks pane, c on a running
// task asks first (any key but y leaves it running), y cancels it; the
// auditor, who sees every task, is refused with the right batch.manage
// named and the task goes on; a finished task offers no cancel. Both
// languages; the question fits 80 columns.
func TestBatchCancelKey(t *testing.T) {
	for _, lang := range goldenLangs {
		t.Run(lang, func(t *testing.T) {
			st := demoStore(t)
			admin := sessionAs(t, st, "admin", lang)
			_, mig := seedBatches(t, st, admin.Actor)
			bt := assets.BatchCatalog(lang)
			state := func() *model.Batch {
				var b *model.Batch
				st.Read(func(r *store.Reader) error {
					b, _ = r.Batch(mig)
					return nil
				})
				return b
			}

			aud := newBatchPane(sessionAs(t, st, "auditor", lang))
			aud.SetSize(80, 24)
			drive(aud, aud.Init())
			keys(aud, "c", "y")
			if v := aud.View(); !strings.Contains(v, "batch.manage") {
				t.Errorf("the auditor's refusal does not name batch.manage:\n%s", v)
			}
			if b := state(); b.State != model.BatchRunning || b.CancelRequested() {
				t.Fatalf("a refused cancel changed the task: %+v", b)
			}

			p := newBatchPane(admin)
			p.SetSize(80, 24)
			drive(p, p.Init())
			if p.batches[0].ID != mig {
				t.Fatalf("the cursor is not on the migration: %+v", p.batches[0])
			}
			keys(p, "c")
			if v := p.View(); !strings.Contains(v, fmt.Sprint(mig)) || !strings.Contains(v, "y/n") {
				t.Errorf("no question on screen:\n%s", v)
			}
			keys(p, "n")
			if b := state(); b.CancelRequested() {
				t.Fatal("n cancelled the task")
			}
			keys(p, "c", "y")
			b := state()
			if b.State != model.BatchCancelled || b.CancelledBy != admin.Actor.Address {
				t.Fatalf("after c y: %+v", b)
			}
			v := p.View()
			if !strings.Contains(v, fmt.Sprintf(bt.DidCancel, mig)) || !strings.Contains(v, bt.StateCancelled) {
				t.Errorf("the screen after the cancel:\n%s", v)
			}
			for _, line := range strings.Split(v, "\n") {
				if w := cellWidth(line); w > 80 {
					t.Errorf("a line is %d cells wide: %q", w, line)
				}
			}
			keys(p, "enter")
			if v := p.View(); !strings.Contains(v, bt.CancelledBy) || !strings.Contains(v, string(admin.Actor.Address)) {
				t.Errorf("the detail does not say who cancelled it:\n%s", v)
			}
			for _, k := range p.ShortHelp() {
				if k.Help().Key == "c" {
					t.Error("a cancelled task still offers c")
				}
			}
		})
	}
}
