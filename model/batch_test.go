package model

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseBatchKind(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"import-members", true}, {"migrate", true}, {"announce-fanout2", true}, {" export ", true},
		{"", false}, {"Import", false}, {"bulk change", false}, {"批量", false}, {strings.Repeat("a", 33), false},
	} {
		_, err := ParseBatchKind(c.in)
		if (err == nil) != c.ok {
			t.Errorf("ParseBatchKind(%q) = %v, want ok %v", c.in, err, c.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseBatchKind(%q): %v is not an invalid-input error", c.in, err)
		}
	}
}

func TestBatchRowsAndProgress(t *testing.T) {
	for _, c := range []struct {
		row  BatchRow
		ok   bool
		want string
	}{
		{BatchRow{Key: "a", Outcome: OutcomeOK}, true, "a"},
		{BatchRow{Key: "b", Outcome: OutcomeSkipped}, true, "b"},
		{BatchRow{Key: strings.Repeat("长", 300), Outcome: OutcomeFailed}, true, strings.Repeat("长", MaxBatchKey-3) + "..."},
		{BatchRow{Key: "c", Outcome: "done"}, false, ""},
		{BatchRow{Key: "d"}, false, ""},
	} {
		got, err := CheckBatchRow(c.row)
		if (err == nil) != c.ok || (c.ok && got.Key != c.want) {
			t.Errorf("CheckBatchRow(%.20q) = %.20q, %v", c.row.Key, got.Key, err)
		}
	}
	var b Batch
	for _, o := range []Outcome{OutcomeOK, OutcomeOK, OutcomeFailed, OutcomeSkipped} {
		b.Count(o)
	}
	if b.Rows != 4 || b.OK != 2 || b.Failed != 1 || b.Skipped != 1 {
		t.Errorf("counts %+v", b)
	}
	for _, c := range []struct {
		state    BatchState
		expected int
		want     float64
	}{
		{BatchRunning, 0, -1}, {BatchRunning, 8, 0.5}, {BatchWaiting, 2, 1}, {BatchDone, 0, 1}, {BatchFailed, 100, 1},
	} {
		b.State, b.Expected = c.state, c.expected
		if got := b.Progress(); got != c.want {
			t.Errorf("Progress(%s, %d of %d) = %v, want %v", c.state, b.Rows, c.expected, got, c.want)
		}
	}
	for _, c := range []struct {
		in   string
		want Outcome
		ok   bool
	}{{"failed", OutcomeFailed, true}, {"all", "", true}, {"", "", true}, {"ok", OutcomeOK, true}, {"bad", "", false}} {
		got, err := ParseBatchRowFilter(c.in)
		if got != c.want || (err == nil) != c.ok {
			t.Errorf("ParseBatchRowFilter(%q) = %q, %v", c.in, got, err)
		}
	}
}

// TestCanSeeBatch: admins and auditors read every task; anyone else only
// the tasks they started; postroom's own tasks only the first two.
func TestCanSeeBatch(t *testing.T) {
	own := &Batch{ID: 1, By: who.helpdesk.Address}
	sys := &Batch{ID: 2}
	for _, c := range []struct {
		name       string
		actor      Actor
		own, other bool
	}{
		{"admin", who.admin, true, true},
		{"auditor", who.auditor, true, true},
		{"helpdesk, the starter", who.helpdesk, true, false},
		{"sub-admin", who.salesAdmin, false, false},
		{"hr", who.hr, false, false},
		{"head", who.salesHead, false, false},
		{"member", who.plain, false, false},
	} {
		if got := CanSeeBatch(c.actor, own, orgTree); got != c.own {
			t.Errorf("%s sees the helpdesk's task: %v, want %v", c.name, got, c.own)
		}
		if got := CanSeeBatch(c.actor, sys, orgTree); got != c.other {
			t.Errorf("%s sees postroom's task: %v, want %v", c.name, got, c.other)
		}
		if err := AuthorizeBatch(c.actor, sys, orgTree); (err == nil) != c.other || (err != nil && !errors.Is(err, ErrNotFound)) {
			t.Errorf("AuthorizeBatch(%s, postroom's task) = %v", c.name, err)
		}
	}
}

// TestAuthorizeBatchCancel: the starter of a task and admins may cancel
// it; everyone else, the auditor who may read it included, is refused
// with the right batch.manage named.
func TestAuthorizeBatchCancel(t *testing.T) {
	own := &Batch{ID: 1, By: who.helpdesk.Address}
	sys := &Batch{ID: 2}
	for _, c := range []struct {
		name       string
		actor      Actor
		own, other bool
	}{
		{"admin", who.admin, true, true},
		{"auditor", who.auditor, false, false},
		{"helpdesk, the starter", who.helpdesk, true, false},
		{"sub-admin", who.salesAdmin, false, false},
		{"hr", who.hr, false, false},
		{"head", who.salesHead, false, false},
		{"member", who.plain, false, false},
	} {
		for _, b := range []struct {
			batch *Batch
			want  bool
		}{{own, c.own}, {sys, c.other}} {
			err := AuthorizeBatchCancel(c.actor, b.batch, orgTree)
			if (err == nil) != b.want {
				t.Errorf("%s cancels task %d: %v, want allowed %v", c.name, b.batch.ID, err, b.want)
			}
			if err != nil && (!errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), string(RightBatchManage))) {
				t.Errorf("%s's refusal does not name %s: %v", c.name, RightBatchManage, err)
			}
		}
	}
}

// TestCheckBatchCancel: only a running or waiting task nobody asked to
// stop can be cancelled; the error says why not.
func TestCheckBatchCancel(t *testing.T) {
	at := time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		b    Batch
		want string // "" allowed
	}{
		{Batch{ID: 1, State: BatchRunning}, ""},
		{Batch{ID: 2, State: BatchWaiting}, ""},
		{Batch{ID: 3, State: BatchDone, Finished: at}, "is done already (it ended at 2026-12-03T09:30:00Z)"},
		{Batch{ID: 4, State: BatchFailed, Finished: at}, "is failed already"},
		{Batch{ID: 5, State: BatchCancelled, Finished: at, CancelledBy: "a@example.com", CancelledAt: at}, "is cancelled already"},
		{Batch{ID: 6, State: BatchRunning, CancelledBy: "a@example.com", CancelledAt: at}, "being cancelled already (by a@example.com at 2026-12-03T09:30:00Z)"},
		{Batch{ID: 7, State: BatchRunning, CancelledAt: at}, "by postroom at"},
	} {
		err := CheckBatchCancel(&c.b)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("task %d: %v", c.b.ID, err)
		case c.want != "" && (err == nil || !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("task %d: %v, want %q", c.b.ID, err, c.want)
		}
	}
	b := Batch{CancelledBy: "a@example.com", CancelledAt: at}
	if got := b.CancelNote(); got != "cancelled by a@example.com at 2026-12-03T09:30:00Z" {
		t.Errorf("CancelNote = %q", got)
	}
	if !BatchMigrate.Resumable() || BatchNotify.Resumable() || BatchImportMembers.Resumable() {
		t.Error("only a migration resumes")
	}
}
