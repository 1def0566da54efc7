package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

// TestCancelBatchStates (LOG-5): a task with a runner listening is only
// asked to stop (its context ends, it stays running until the runner
// finishes it, and the summary then names who cancelled it and when); one
// that nobody runs ends at once; a finished task, or one cancelled
// already, is refused; a runner that starts on a finished task is stopped
// at once; a task asked to stop and cut off by a restart is cancelled,
// not failed, when the file is opened again.
func TestCancelBatchStates(t *testing.T) {
	f := newCompany(t)
	listened, _ := f.s.BeginBatch(f.admin, model.BatchMigrate, 4, "old.example.com:993")
	ctx, release := f.s.BatchContext(context.Background(), listened)
	b, err := f.s.CancelBatch(f.admin, listened)
	if err != nil {
		t.Fatal(err)
	}
	if b.State != model.BatchRunning || b.CancelledBy != adminAddr || !b.CancelledAt.Equal(epoch) {
		t.Errorf("asked to stop: %+v", b)
	}
	if ctx.Err() == nil {
		t.Error("the runner's context goes on")
	}
	if _, err := f.s.CancelBatch(f.admin, listened); !errors.Is(err, model.ErrConflict) || !strings.Contains(err.Error(), "being cancelled already") {
		t.Errorf("a second cancel: %v", err)
	}
	f.clock.Advance(time.Minute)
	if err := f.s.FinishBatch(listened, model.BatchCancelled, "1 of 4 mailboxes"); err != nil {
		t.Fatal(err)
	}
	release()
	f.s.Read(func(r *store.Reader) error {
		b, _ = r.Batch(listened)
		return nil
	})
	if want := "1 of 4 mailboxes; cancelled by " + string(adminAddr) + " at " + epoch.UTC().Format(time.RFC3339); b.Summary != want || b.State != model.BatchCancelled {
		t.Errorf("finished: %q, want %q", b.Summary, want)
	}
	if _, err := f.s.CancelBatch(f.admin, listened); !errors.Is(err, model.ErrConflict) || !strings.Contains(err.Error(), "is cancelled already") {
		t.Errorf("cancelling a cancelled task: %v", err)
	}

	idle, _ := f.s.BeginBatch(f.admin, model.BatchMigrate, 4, "old.example.com:993")
	if b, err = f.s.CancelBatch(f.admin, idle); err != nil || b.State != model.BatchCancelled || b.Finished.IsZero() ||
		!strings.HasSuffix(b.Summary, "cancelled by "+string(adminAddr)+" at "+f.clock.Now().UTC().Format(time.RFC3339)) {
		t.Errorf("a task nobody runs: %+v, %v", b, err)
	}
	late, release2 := f.s.BatchContext(context.Background(), idle)
	defer release2()
	if late.Err() == nil {
		t.Error("a runner starting on a cancelled task is not stopped")
	}
	if err := f.s.AddBatchRows(idle, model.BatchRow{Key: "x", Outcome: model.OutcomeOK}); !errors.Is(err, model.ErrConflict) {
		t.Errorf("rows after the cancel: %v", err)
	}

	cut, _ := f.s.BeginBatch(f.admin, model.BatchMigrate, 4, "old.example.com:993")
	_, release3 := f.s.BatchContext(context.Background(), cut)
	if _, err := f.s.CancelBatch(f.admin, cut); err != nil {
		t.Fatal(err)
	}
	release3()
	f.close()
	f.open(f.options())
	f.s.Read(func(r *store.Reader) error {
		b, _ = r.Batch(cut)
		return nil
	})
	if b.State != model.BatchCancelled || !strings.Contains(b.Summary, "interrupted") || !strings.Contains(b.Summary, "cancelled by") {
		t.Errorf("asked to stop, then cut off: %+v", b)
	}
}

// TestCancelBatchRights: the owner may cancel their task, an admin
// anyone's; an auditor (who sees every task) and another member are
// refused, the right batch.manage named, and nothing is logged for them.
func TestCancelBatchRights(t *testing.T) {
	f := newCompany(t)
	f.addMember("a@example.com", "甲")
	f.addMember("b@example.com", "乙")
	f.addMember("c@example.com", "丙")
	a, other := f.actor("a@example.com"), f.actor("c@example.com")
	auditor := f.grant("b@example.com", model.RoleAuditor, "")
	mine, _ := f.s.BeginBatch(a, model.BatchMigrate, 2, "")
	for _, who := range []model.Actor{other, auditor} {
		if _, err := f.s.CancelBatch(who, mine); !errors.Is(err, model.ErrForbidden) || !strings.Contains(err.Error(), "batch.manage") {
			t.Errorf("%s: %v", who.Address, err)
		}
	}
	before := len(f.ops())
	if _, err := f.s.CancelBatch(a, mine); err != nil {
		t.Errorf("the owner: %v", err)
	}
	theirs, _ := f.s.BeginBatch(a, model.BatchMigrate, 2, "")
	if _, err := f.s.CancelBatch(f.admin, theirs); err != nil {
		t.Errorf("the admin: %v", err)
	}
	ops := f.ops()
	if len(ops) != before+2 {
		t.Fatalf("%d records for two cancels", len(ops)-before)
	}
	last := f.lastOp()
	if last.Op != "batch.cancel" || last.Actor != adminAddr || last.Target != "a@example.com" {
		t.Errorf("the record: %+v", last)
	}
}
