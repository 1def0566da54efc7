package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

// TestBatchLifecycle: a task is begun, gains rows (numbered in order, its
// totals kept in step), is read back page by page and by outcome,
// finishes, and refuses rows after that; every write is published.
func TestBatchLifecycle(t *testing.T) {
	f := newCompany(t)
	events, stop := f.s.Subscribe()
	defer stop()

	id, err := f.s.BeginBatch(f.admin, model.BatchImportMembers, 5, "people.csv")
	if err != nil {
		t.Fatal(err)
	}
	if e := <-events; e.Kind != "batch" || e.Key != fmt.Sprint(id) {
		t.Errorf("begin published %+v, want batch %d", e, id)
	}
	rows := []model.BatchRow{
		{Key: "line 2 a@example.com", Outcome: model.OutcomeOK, Reason: "added"},
		{Key: "line 3 b@example.com", Outcome: model.OutcomeFailed, Reason: "no such department"},
		{Key: "line 4 c@example.com", Outcome: model.OutcomeSkipped, Reason: "not imported"},
	}
	if err := f.s.AddBatchRows(id, rows...); err != nil {
		t.Fatal(err)
	}
	if err := f.s.AddBatchRows(id, model.BatchRow{Key: "line 5", Outcome: model.OutcomeOK}, model.BatchRow{Key: "line 6", Outcome: model.OutcomeFailed}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.AddBatchRows(id, model.BatchRow{Key: "x", Outcome: "maybe"}); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("a row with an unknown outcome: %v, want invalid", err)
	}
	f.clock.Advance(time.Minute)
	if err := f.s.FinishBatch(id, model.BatchDone, "5 rows"); err != nil {
		t.Fatal(err)
	}
	if err := f.s.AddBatchRows(id, model.BatchRow{Key: "late", Outcome: model.OutcomeOK}); !errors.Is(err, model.ErrConflict) {
		t.Errorf("a row after the end: %v, want a conflict", err)
	}
	if err := f.s.FinishBatch(id, model.BatchFailed, ""); !errors.Is(err, model.ErrConflict) {
		t.Errorf("finishing twice: %v, want a conflict", err)
	}

	f.s.Read(func(r *store.Reader) error {
		b, err := r.Batch(id)
		if err != nil {
			t.Fatal(err)
		}
		if b.Rows != 5 || b.OK != 2 || b.Failed != 2 || b.Skipped != 1 || b.State != model.BatchDone || b.By != adminAddr ||
			b.Summary != "5 rows" || !b.Finished.Equal(epoch.Add(time.Minute)) || b.Progress() != 1 {
			t.Errorf("batch = %+v", b)
		}
		page, next, err := r.BatchRows(id, "", 0, 2)
		if err != nil || len(page) != 2 || page[0].N != 1 || page[1].N != 2 || next != 2 {
			t.Errorf("first page = %+v next %d (%v)", page, next, err)
		}
		page, next, _ = r.BatchRows(id, "", next, 2)
		if len(page) != 2 || page[0].N != 3 || next != 4 {
			t.Errorf("second page = %+v next %d", page, next)
		}
		page, next, _ = r.BatchRows(id, "", next, 2)
		if len(page) != 1 || page[0].N != 5 || next != 0 {
			t.Errorf("last page = %+v next %d", page, next)
		}
		failed, _, _ := r.BatchRows(id, model.OutcomeFailed, 0, 0)
		if len(failed) != 2 || failed[0].Key != "line 3 b@example.com" || failed[1].N != 5 {
			t.Errorf("failed rows = %+v", failed)
		}
		if _, err := r.Batch(id + 1); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("a missing task: %v", err)
		}
		return nil
	})
}

// TestBatchListAndKinds: the list is newest first, narrowed by kind and by
// who started it; a bad kind is refused before anything is written.
func TestBatchListAndKinds(t *testing.T) {
	f := newCompany(t)
	other := model.Actor{Address: "someone@example.com", Door: model.DoorSSH}
	a, _ := f.s.RecordBatch(f.admin, model.BatchExport, model.BatchDone, "export", nil)
	b, _ := f.s.RecordBatch(other, model.BatchImportContacts, model.BatchFailed, "contacts.csv", []model.BatchRow{{Key: "row 2", Outcome: model.OutcomeFailed, Reason: "no name"}})
	c, err := f.s.BeginBatch(f.admin, "announce-fanout", 0, "")
	if err != nil {
		t.Fatalf("a kind of another job: %v", err)
	}
	if _, err := f.s.BeginBatch(f.admin, "Bad Kind", 0, ""); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("a bad kind: %v", err)
	}
	f.s.Read(func(r *store.Reader) error {
		all, _ := r.Batches(store.BatchFilter{})
		if len(all) != 3 || all[0].ID != c || all[2].ID != a {
			t.Errorf("list = %v, want %d %d %d newest first", ids(all), c, b, a)
		}
		exports, _ := r.Batches(store.BatchFilter{Kind: model.BatchExport})
		if len(exports) != 1 || exports[0].ID != a {
			t.Errorf("exports = %v", ids(exports))
		}
		mine, _ := r.Batches(store.BatchFilter{By: other.Address})
		if len(mine) != 1 || mine[0].ID != b || mine[0].Door != model.DoorSSH || mine[0].Failed != 1 {
			t.Errorf("someone's = %+v", mine)
		}
		if p := all[0].Progress(); p != -1 {
			t.Errorf("progress of an open task with no total = %v, want -1", p)
		}
		return nil
	})
	if err := f.s.SetBatch(c, model.BatchWaiting, "quota used up until tomorrow", 10); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetBatch(c, model.BatchDone, "", -1); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("SetBatch to a final state: %v", err)
	}
	f.s.Read(func(r *store.Reader) error {
		x, _ := r.Batch(c)
		if x.State != model.BatchWaiting || x.Expected != 10 || x.Summary != "quota used up until tomorrow" || x.Progress() != 0 {
			t.Errorf("after SetBatch: %+v", x)
		}
		return nil
	})
}

func ids(bs []*model.Batch) []uint64 {
	var out []uint64
	for _, b := range bs {
		out = append(out, b.ID)
	}
	return out
}

// TestBatchInterruptedOnReopen: a task still running when the process
// stopped is marked failed when the file is opened again, its rows kept;
// a waiting one stays waiting.
func TestBatchInterruptedOnReopen(t *testing.T) {
	f := newCompany(t)
	id, _ := f.s.BeginBatch(f.admin, model.BatchMigrate, 3, "imap.old.example:993")
	f.s.AddBatchRows(id, model.BatchRow{Key: "a@example.com", Outcome: model.OutcomeOK})
	waiting, _ := f.s.BeginBatch(f.admin, model.BatchNotify, 3, "")
	f.s.SetBatch(waiting, model.BatchWaiting, "the next day's quota", -1)
	f.close()
	f.open(f.options())
	f.s.Read(func(r *store.Reader) error {
		b, _ := r.Batch(id)
		if b.State != model.BatchFailed || b.Rows != 1 || b.Finished.IsZero() || !strings.HasPrefix(b.Summary, "interrupted") {
			t.Errorf("after reopening: %+v", b)
		}
		w, _ := r.Batch(waiting)
		if w.State != model.BatchWaiting || !w.Finished.IsZero() {
			t.Errorf("the waiting task after reopening: %+v", w)
		}
		return nil
	})
}

// TestBatch50000Rows: a task of 50,000 rows is written in a few
// transactions, and its last page reads as fast as its first.
func TestBatch50000Rows(t *testing.T) {
	if testing.Short() {
		t.Skip("50,000 rows")
	}
	f := newCompany(t)
	rows := make([]model.BatchRow, 50000)
	for i := range rows {
		rows[i] = model.BatchRow{Key: fmt.Sprintf("member%05d@example.com", i), Outcome: model.OutcomeOK, Reason: "exported"}
	}
	rows[49999].Outcome = model.OutcomeFailed
	start := time.Now()
	id, err := f.s.RecordBatch(f.admin, model.BatchExport, model.BatchDone, "export", rows)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	f.s.Read(func(r *store.Reader) error {
		b, _ := r.Batch(id)
		if b.Rows != 50000 || b.Failed != 1 {
			t.Errorf("totals %+v", b)
		}
		page, next, _ := r.BatchRows(id, "", 49990, 100)
		if len(page) != 10 || page[9].N != 50000 || next != 0 {
			t.Errorf("last page: %d rows, next %d", len(page), next)
		}
		failed, _, _ := r.BatchRows(id, model.OutcomeFailed, 0, 0)
		if len(failed) != 1 || failed[0].N != 50000 {
			t.Errorf("failed = %+v", failed)
		}
		return nil
	})
	if took > 20*time.Second {
		t.Errorf("recording 50,000 rows took %v", took)
	}
	t.Logf("50,000 rows recorded in %v", took)
}
