package store_test

import (
	"errors"
	"strings"
	"testing"

	"postroom/model"
	"postroom/store"
)

// TestSpoolRecordAfterOtherWrites: Record reads back what Enqueue and an
// earlier Record wrote without decoding it again, but never a stale copy:
// a message another write changed in between is read from the file.
func TestSpoolRecordAfterOtherWrites(t *testing.T) {
	f := newSpool(t, false)
	a := f.enqueue(msg(store.MsgQueued, "deferred, then delivered"), "body", "x@far.example", "y@far.example")
	if _, err := f.sp.Record(a.ID, []store.RcptResult{{Index: 0, Delivered: true}, {Index: 1, Error: "451 busy"}}); err != nil {
		t.Fatal(err)
	}
	got, err := f.sp.Record(a.ID, []store.RcptResult{{Index: 1, Delivered: true}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.MsgDone || got.Delivered != 2 || got.Attempts != 2 {
		t.Errorf("after two rounds: %+v", got)
	}
	rec := f.logOf(a.ID)
	if rec.Status != "delivered" || len(rec.History) != 2 || !strings.HasPrefix(rec.History[1], "deferred: 451 busy") {
		t.Errorf("log record %q, history %q", rec.Status, rec.History)
	}

	// Dropped by an administrator between the enqueue and the delivery's
	// record: the record is refused, not applied to the old copy.
	b := f.enqueue(msg(store.MsgQueued, "dropped meanwhile"), "body", "x@far.example")
	if err := f.sp.Finish(b.ID, store.MsgDropped, "dropped by admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sp.Record(b.ID, []store.RcptResult{{Index: 0, Delivered: true}}); !errors.Is(err, model.ErrConflict) {
		t.Errorf("record of a dropped message: %v, want a conflict", err)
	}
	if m := f.message(b.ID); m.Status != store.MsgDropped || m.Delivered != 0 {
		t.Errorf("dropped message now %+v", m)
	}

	// After a restart nothing is remembered, and the same works from the file.
	c := f.enqueue(msg(store.MsgQueued, "across a restart"), "body", "x@far.example")
	f.reopen()
	if got, err := f.sp.Record(c.ID, []store.RcptResult{{Index: 0, Delivered: true}}); err != nil || got.Status != store.MsgDone {
		t.Errorf("after reopen: %+v, %v", got, err)
	}
	if rec := f.logOf(c.ID); rec.Status != "delivered" || len(rec.History) != 1 {
		t.Errorf("after reopen, log %q history %q", rec.Status, rec.History)
	}
}
