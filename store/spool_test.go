package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// spoolFix is one test's spool.db in its own directory, on the test clock.
type spoolFix struct {
	t     *testing.T
	dir   string
	clock *clock
	opt   store.SpoolOptions
	sp    *store.Spool
}

// newSpool opens a fresh spool; sync says whether commits reach the disk.
func newSpool(t *testing.T, sync bool) *spoolFix {
	t.Helper()
	f := &spoolFix{t: t, dir: t.TempDir(), clock: &clock{now: epoch}}
	f.opt = store.SpoolOptions{Now: f.clock.Now, Rand: newSeeded(), NoSync: !sync}
	f.open()
	return f
}

func (f *spoolFix) path() string { return filepath.Join(f.dir, store.SpoolFile) }

func (f *spoolFix) open() {
	f.t.Helper()
	sp, err := store.OpenSpool(f.path(), f.opt)
	if err != nil {
		f.t.Fatalf("open the spool: %v", err)
	}
	f.sp = sp
	f.t.Cleanup(func() { sp.Close() })
}

// reopen closes the file and opens it again, as a restart does.
func (f *spoolFix) reopen() {
	f.t.Helper()
	if err := f.sp.Close(); err != nil {
		f.t.Fatalf("close the spool: %v", err)
	}
	f.open()
}

// msg is a message from wangwei to the given recipients.
func msg(status store.MessageStatus, subject string) *store.QueueMessage {
	return &store.QueueMessage{Door: "submission", Account: "wangwei@example.com", From: "wangwei@example.com",
		Direction: "out", Subject: subject, Status: status}
}

func rcptsOf(addrs ...string) []store.QueueRcpt {
	out := make([]store.QueueRcpt, len(addrs))
	for i, a := range addrs {
		out[i] = store.QueueRcpt{Addr: model.Address(a), Local: strings.HasSuffix(a, "@example.com")}
	}
	return out
}

func (f *spoolFix) enqueue(m *store.QueueMessage, body string, addrs ...string) *store.QueueMessage {
	f.t.Helper()
	if err := f.sp.Enqueue(m, rcptsOf(addrs...), []byte(body)); err != nil {
		f.t.Fatalf("enqueue %q: %v", m.Subject, err)
	}
	return m
}

func (f *spoolFix) message(id string) *store.QueueMessage {
	f.t.Helper()
	m, err := f.sp.Message(id)
	if err != nil {
		f.t.Fatalf("message %s: %v", id, err)
	}
	return m
}

// logOf is the mail-log record of one message.
func (f *spoolFix) logOf(id string) store.MailRecord {
	f.t.Helper()
	recs, err := f.sp.SearchLog(store.LogFilter{Limit: 100000})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, r := range recs {
		if r.ID == id {
			return r
		}
	}
	f.t.Fatalf("no mail-log record for %s", id)
	return store.MailRecord{}
}

func (f *spoolFix) dueIDs(at time.Time) []string {
	f.t.Helper()
	ms, err := f.sp.Due(at, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return ids
}

// TestSpoolLifecycle: a message goes from queued through a delivery with a
// success, a temporary and a permanent failure, to bounced; another is
// delivered to everyone and is done by itself.
func TestSpoolLifecycle(t *testing.T) {
	f := newSpool(t, false)
	m := f.enqueue(msg(store.MsgQueued, "周报"), "Subject: x\r\n\r\nbody\r\n", "liuyang@example.com", "zhangsan@example.com", "li@customer.cn")
	if len(m.ID) != 20 || m.Rcpts != 3 || m.Pending != 3 || m.Size != int64(len("Subject: x\r\n\r\nbody\r\n")) || !m.NextAttempt.Equal(epoch) {
		t.Fatalf("after Enqueue the message is %+v", m)
	}
	if !m.Expires.Equal(epoch.Add(store.DefaultLifetime)) {
		t.Errorf("Expires %v, want the received time plus %v", m.Expires, store.DefaultLifetime)
	}
	if got := f.dueIDs(epoch); !slices.Equal(got, []string{m.ID}) {
		t.Fatalf("Due(now) = %v, want [%s]", got, m.ID)
	}
	if got := f.dueIDs(epoch.Add(-time.Second)); len(got) != 0 {
		t.Errorf("Due before the message was received = %v", got)
	}
	if body, err := f.sp.Body(m.ID); err != nil || string(body) != "Subject: x\r\n\r\nbody\r\n" {
		t.Errorf("Body = %q, %v", body, err)
	}
	rs, err := f.sp.Rcpts(m.ID)
	if err != nil || len(rs) != 3 || rs[2].Addr != "li@customer.cn" || rs[2].Index != 2 || rs[2].Status != store.RcptPending {
		t.Fatalf("Rcpts = %+v, %v", rs, err)
	}
	if rec := f.logOf(m.ID); rec.Status != "queued" || rec.Direction != "out" || rec.Count != 3 || len(rec.To) != 3 || rec.Subject != "周报" {
		t.Errorf("the mail log says %+v after Enqueue", rec)
	}

	// One round: delivered, temporary failure, permanent failure.
	f.clock.Advance(time.Minute)
	retry := epoch.Add(11 * time.Minute)
	got, err := f.sp.Record(m.ID, []store.RcptResult{
		{Index: 0, Delivered: true},
		{Index: 1, Error: "451 4.3.0 try later", Retry: retry},
		{Index: 2, Permanent: true, Error: "550 5.1.1 no such user"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.MsgQueued || got.Pending != 1 || got.Delivered != 1 || got.Failed != 1 || got.Attempts != 1 || !got.NextAttempt.Equal(retry) {
		t.Fatalf("after the first round the message is %+v", got)
	}
	if ids := f.dueIDs(f.clock.Now()); len(ids) != 0 {
		t.Errorf("Due right after a temporary failure = %v, want nothing until %v", ids, retry)
	}
	if ids := f.dueIDs(retry); !slices.Equal(ids, []string{m.ID}) {
		t.Errorf("Due at the retry time = %v", ids)
	}
	if next, ok, _ := f.sp.NextDue(); !ok || !next.Equal(retry) {
		t.Errorf("NextDue = %v %v, want %v", next, ok, retry)
	}
	rs, _ = f.sp.Rcpts(m.ID)
	if rs[0].Status != store.RcptDelivered || rs[1].Status != store.RcptPending || rs[1].Attempts != 1 || rs[1].LastError != "451 4.3.0 try later" ||
		!rs[1].NextAttempt.Equal(retry) || rs[2].Status != store.RcptFailed || rs[2].Done.IsZero() {
		t.Errorf("after the first round the recipients are %+v", rs)
	}
	if rec := f.logOf(m.ID); rec.Status != "deferred" || rec.Reason != "451 4.3.0 try later" {
		t.Errorf("the mail log says %q (%q) after a temporary failure, want deferred with the error", rec.Status, rec.Reason)
	}
	if due, _ := f.sp.DueRcpts(m.ID, f.clock.Now(), 0); len(due) != 0 {
		t.Errorf("DueRcpts before the retry = %+v", due)
	}
	if due, _ := f.sp.DueRcpts(m.ID, retry, 0); len(due) != 1 || due[0].Index != 1 {
		t.Errorf("DueRcpts at the retry = %+v, want recipient 1", due)
	}

	// The last pending recipient is delivered: nothing pending, one failed.
	f.clock.Advance(10 * time.Minute)
	got, err = f.sp.Record(m.ID, []store.RcptResult{{Index: 1, Delivered: true}, {Index: 0, Permanent: true, Error: "ignored"}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.MsgQueued || got.Pending != 0 || got.Delivered != 2 || got.Failed != 1 || !got.NextAttempt.IsZero() {
		t.Fatalf("with nothing pending and one failure the message is %+v, want queued until Finish", got)
	}
	if rec := f.logOf(m.ID); rec.Status != "bounced" || !strings.Contains(rec.Reason, "550 5.1.1") {
		t.Errorf("the mail log says %q (%q), want bounced with the failure", rec.Status, rec.Reason)
	}
	if ids := f.dueIDs(epoch.Add(time.Hour)); len(ids) != 0 {
		t.Errorf("Due with nothing pending = %v", ids)
	}
	if err := f.sp.Finish(m.ID, store.MsgBounced, "a DSN went to the sender"); err != nil {
		t.Fatal(err)
	}
	if err := f.sp.Finish(m.ID, store.MsgDropped, "again"); err != nil {
		t.Errorf("a second Finish: %v", err)
	}
	fin := f.message(m.ID)
	if fin.Status != store.MsgBounced || fin.Finished.IsZero() || !slices.Contains(fin.Reasons, "a DSN went to the sender") {
		t.Errorf("after Finish the message is %+v", fin)
	}
	if _, err := f.sp.Body(m.ID); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("Body of a finished message: %v, want not found", err)
	}
	if _, err := f.sp.Record(m.ID, []store.RcptResult{{Index: 1, Delivered: true}}); !errors.Is(err, model.ErrConflict) {
		t.Errorf("Record on a finished message: %v, want a conflict", err)
	}
	if rec := f.logOf(m.ID); rec.Status != "bounced" || len(rec.History) < 2 {
		t.Errorf("the final mail log record is %+v", rec)
	}

	// Delivered to everyone: done without Finish, body gone.
	m2 := f.enqueue(msg(store.MsgQueued, "通知"), "b", "liuyang@example.com", "zhangsan@example.com")
	got, err = f.sp.Record(m2.ID, []store.RcptResult{{Index: 0, Delivered: true}, {Index: 1, Delivered: true}})
	if err != nil || got.Status != store.MsgDone || got.Finished.IsZero() {
		t.Fatalf("all delivered: %+v, %v", got, err)
	}
	if rec := f.logOf(m2.ID); rec.Status != "delivered" {
		t.Errorf("the mail log says %q, want delivered", rec.Status)
	}
	if _, err := f.sp.Body(m2.ID); err == nil {
		t.Errorf("a delivered message still has its body")
	}
	if _, err := f.sp.Message("0123456789abcdef0123"); !errors.Is(err, model.ErrNotFound) || !model.IsUserError(err) {
		t.Errorf("an unknown id: %v, want a not-found user error", err)
	}
}

// TestSpoolRecordPages: a message with 1,000 recipients delivered in
// rounds of 100 is due until the last round, and each round changes only
// its recipients.
func TestSpoolRecordPages(t *testing.T) {
	f := newSpool(t, false)
	addrs := make([]string, 1000)
	for i := range addrs {
		addrs[i] = fmt.Sprintf("r%04d@example.com", i)
	}
	m := f.enqueue(msg(store.MsgQueued, "全员"), "x", addrs...)
	for round := 0; round < 10; round++ {
		due, err := f.sp.DueRcpts(m.ID, f.clock.Now(), 100)
		if err != nil || len(due) != 100 || due[0].Index != round*100 {
			t.Fatalf("round %d: DueRcpts gives %d from %d, %v", round, len(due), due[0].Index, err)
		}
		var res []store.RcptResult
		for _, r := range due {
			res = append(res, store.RcptResult{Index: r.Index, Delivered: true})
		}
		got, err := f.sp.Record(m.ID, res)
		if err != nil {
			t.Fatal(err)
		}
		if round < 9 && (got.Status != store.MsgQueued || got.Pending != 1000-100*(round+1) || len(f.dueIDs(f.clock.Now())) != 1) {
			t.Fatalf("round %d: %+v, due %v", round, got, f.dueIDs(f.clock.Now()))
		}
		if round == 9 && got.Status != store.MsgDone {
			t.Fatalf("after the last round the status is %s", got.Status)
		}
	}
}

// TestSpoolReleaseExactlyOnce: many people release a held message at once;
// one succeeds, the others are told who released it and when.
func TestSpoolReleaseExactlyOnce(t *testing.T) {
	f := newSpool(t, false)
	m := msg(store.MsgHeld, "日计划")
	m.Approver, m.Reasons, m.Rules = "liuyang@example.com", []string{"daily plans to the whole company need approval"}, []string{"content:daily"}
	f.enqueue(m, "x", "all@example.com")
	if m.Pending != 1 || !m.NextAttempt.IsZero() {
		t.Fatalf("a held message: %+v", m)
	}
	if ids := f.dueIDs(epoch.Add(24 * time.Hour)); len(ids) != 0 {
		t.Fatalf("a held message is due: %v", ids)
	}
	if rec := f.logOf(m.ID); rec.Status != "held" || !strings.Contains(rec.Reason, "daily plans") {
		t.Errorf("the mail log says %+v for a held message", rec)
	}
	f.clock.Advance(time.Hour)
	now := f.clock.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var wins int
	var errs []error
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			by := model.Address(fmt.Sprintf("p%d@example.com", i))
			_, err := f.sp.Release(m.ID, by, now)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else {
				errs = append(errs, err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || len(errs) != 19 {
		t.Fatalf("%d releases succeeded and %d failed, want 1 and 19", wins, len(errs))
	}
	got := f.message(m.ID)
	for _, err := range errs {
		if !errors.Is(err, model.ErrConflict) || !model.IsUserError(err) || !strings.Contains(err.Error(), "already released by "+string(got.DecidedBy)+" at ") {
			t.Errorf("a second release says %v", err)
		}
	}
	if got.Status != store.MsgQueued || got.Decision != "released" || !got.Decided.Equal(now) || !got.NextAttempt.Equal(now) {
		t.Errorf("after release the message is %+v", got)
	}
	if ids := f.dueIDs(now); !slices.Equal(ids, []string{m.ID}) {
		t.Errorf("a released message is not due now: %v", ids)
	}
	if due, _ := f.sp.DueRcpts(m.ID, now, 0); len(due) != 1 {
		t.Errorf("DueRcpts of the released message = %+v", due)
	}
	if rec := f.logOf(m.ID); rec.Status != "released" || !strings.Contains(rec.Reason, string(got.DecidedBy)) || len(rec.History) != 1 || !strings.HasPrefix(rec.History[0], "held: ") {
		t.Errorf("the mail log says %+v after release", rec)
	}
	if _, err := f.sp.Reject(m.ID, "liuyang@example.com", "no", now); !errors.Is(err, model.ErrConflict) {
		t.Errorf("reject after release: %v, want a conflict", err)
	}

	// A rejection is exactly once too, and finishes the message.
	m2 := msg(store.MsgHeld, "周结果")
	m2.Approver = "liuyang@example.com"
	f.enqueue(m2, "x", "all@example.com")
	r, err := f.sp.Reject(m2.ID, "liuyang@example.com", "请按部门发送", now)
	if err != nil || r.Status != store.MsgRejected || r.Comment != "请按部门发送" || r.Finished.IsZero() {
		t.Fatalf("reject: %+v, %v", r, err)
	}
	if _, err := f.sp.Release(m2.ID, "it.admin@example.com", now); !errors.Is(err, model.ErrConflict) || !strings.Contains(err.Error(), "already rejected by liuyang@example.com") {
		t.Errorf("release after reject: %v", err)
	}
	if rec := f.logOf(m2.ID); rec.Status != "rejected" || !strings.Contains(rec.Reason, "请按部门发送") {
		t.Errorf("the mail log says %+v after reject", rec)
	}
	// A message that was never held is not released.
	m3 := f.enqueue(msg(store.MsgQueued, "普通"), "x", "a@example.com")
	if _, err := f.sp.Release(m3.ID, "it.admin@example.com", now); !errors.Is(err, model.ErrConflict) || !strings.Contains(err.Error(), "not held") {
		t.Errorf("release of a queued message: %v", err)
	}
}

// TestSpoolDecidedInChinese: the refusal of a second decision names the
// first one and the message's state in the reader's language, and every
// state and decision has its Chinese word.
func TestSpoolDecidedInChinese(t *testing.T) {
	f := newSpool(t, false)
	now := f.clock.Now()
	released := f.enqueue(msg(store.MsgHeld, "日计划"), "x", "all@example.com")
	rejected := f.enqueue(msg(store.MsgHeld, "周结果"), "x", "all@example.com")
	queued := f.enqueue(msg(store.MsgQueued, "普通"), "x", "a@example.com")
	if _, err := f.sp.Release(released.ID, "liuyang@example.com", now); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sp.Reject(rejected.ID, "liuyang@example.com", "请按部门发送", now); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		err  func() error
		want string
	}{
		{"released twice", func() error { _, err := f.sp.Release(released.ID, "it.admin@example.com", now); return err }, "（已放行）"},
		{"rejected, then released", func() error { _, err := f.sp.Release(rejected.ID, "it.admin@example.com", now); return err }, "（已退回）"},
		{"queued, never held", func() error { _, err := f.sp.Reject(queued.ID, "it.admin@example.com", "", now); return err }, "“排队中”"},
		{"retry of rejected mail", func() error { return f.sp.Retry(rejected.ID, now) }, "“已退回”"},
	} {
		err := c.err()
		if !errors.Is(err, model.ErrConflict) {
			t.Fatalf("%s: %v, want a conflict", c.name, err)
		}
		zh := model.Localize(err, "zh-CN")
		if !strings.Contains(zh, c.want) {
			t.Errorf("%s: %q, want %q in it", c.name, zh, c.want)
		}
		for _, w := range []string{"released", "rejected", "queued"} {
			if strings.Contains(zh, "（"+w) || strings.Contains(zh, "“"+w) {
				t.Errorf("%s: %q leaves %q in English", c.name, zh, w)
			}
		}
	}
	for _, w := range []store.MessageStatus{store.MsgQueued, store.MsgHeld, store.MsgDone, store.MsgBounced, store.MsgRejected, store.MsgDropped, "released"} {
		if _, ok := assets.ErrorWord(string(w)); !ok {
			t.Errorf("%q has no Chinese word in assets.ErrorWord", w)
		}
	}
}

// TestSpoolConcurrentEnqueue: 50 goroutines enqueue at once, some batches
// failing because of a duplicate id (so bbolt runs the others' functions
// again); after a reopen every accepted message is there exactly once,
// with its recipients and body.
func TestSpoolConcurrentEnqueue(t *testing.T) {
	f := newSpool(t, true)
	dup := f.enqueue(msg(store.MsgQueued, "first"), "first", "a@example.com")
	const workers, each = 50, 10
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := map[string]string{}
	dupErrs := 0
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				m := msg(store.MsgQueued, fmt.Sprintf("w%d-%d", w, i))
				if i == 3 {
					m.ID = dup.ID // fails inside the batch
				}
				body := fmt.Sprintf("body %d %d", w, i)
				err := f.sp.Enqueue(m, rcptsOf(fmt.Sprintf("w%d@example.com", w), "x@customer.cn"), []byte(body))
				mu.Lock()
				switch {
				case i == 3 && err != nil:
					dupErrs++
				case err != nil:
					t.Errorf("enqueue %s: %v", m.Subject, err)
				default:
					if _, seen := accepted[m.ID]; seen {
						t.Errorf("id %s given twice", m.ID)
					}
					accepted[m.ID] = body
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if dupErrs != workers {
		t.Errorf("%d enqueues with a taken id failed, want %d", dupErrs, workers)
	}
	f.reopen()
	all, err := f.sp.List(store.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(accepted)+1 {
		t.Fatalf("after reopen the spool holds %d messages, want %d", len(all), len(accepted)+1)
	}
	seen := map[string]bool{}
	for _, m := range all {
		if seen[m.ID] {
			t.Errorf("message %s listed twice", m.ID)
		}
		seen[m.ID] = true
		if m.ID == dup.ID {
			continue
		}
		body, err := f.sp.Body(m.ID)
		if err != nil || string(body) != accepted[m.ID] {
			t.Errorf("message %s: body %q, %v, want %q", m.ID, body, err, accepted[m.ID])
		}
		if rs, _ := f.sp.Rcpts(m.ID); len(rs) != 2 {
			t.Errorf("message %s has %d recipients", m.ID, len(rs))
		}
	}
	if ids := f.dueIDs(epoch); len(ids) != len(all) {
		t.Errorf("%d messages due, want %d", len(ids), len(all))
	}
	recs, _ := f.sp.SearchLog(store.LogFilter{Limit: 10000})
	if len(recs) != len(all) {
		t.Errorf("the mail log has %d records, want %d", len(recs), len(all))
	}
	if body, _ := f.sp.Body(dup.ID); string(body) != "first" {
		t.Errorf("the first message's body became %q", body)
	}
}

// TestSpoolReopen: queued, deferred and held messages survive a restart.
func TestSpoolReopen(t *testing.T) {
	f := newSpool(t, true)
	q := f.enqueue(msg(store.MsgQueued, "queued"), "q", "a@example.com")
	d := f.enqueue(msg(store.MsgQueued, "deferred"), "d", "b@customer.cn")
	h := msg(store.MsgHeld, "held")
	h.Approver = "liuyang@example.com"
	f.enqueue(h, "h", "all@example.com")
	retry := epoch.Add(time.Hour)
	if _, err := f.sp.Record(d.ID, []store.RcptResult{{Index: 0, Error: "421 busy", Retry: retry}}); err != nil {
		t.Fatal(err)
	}
	f.reopen()
	if ids := f.dueIDs(epoch); !slices.Equal(ids, []string{q.ID}) {
		t.Errorf("due now after reopen: %v, want [%s]", ids, q.ID)
	}
	if ids := f.dueIDs(retry); !slices.Equal(ids, []string{q.ID, d.ID}) {
		t.Errorf("due at the retry after reopen: %v", ids)
	}
	if got := f.message(h.ID); got.Status != store.MsgHeld || got.Approver != "liuyang@example.com" {
		t.Errorf("the held message after reopen: %+v", got)
	}
	if got := f.message(d.ID); got.Pending != 1 || got.Attempts != 1 {
		t.Errorf("the deferred message after reopen: %+v", got)
	}
}

// TestSpoolRetry: retry brings waiting recipients forward, one message or all.
func TestSpoolRetry(t *testing.T) {
	f := newSpool(t, false)
	a := f.enqueue(msg(store.MsgQueued, "a"), "a", "x@customer.cn", "y@customer.cn")
	b := f.enqueue(msg(store.MsgQueued, "b"), "b", "z@customer.cn")
	later := epoch.Add(2 * time.Hour)
	f.sp.Record(a.ID, []store.RcptResult{{Index: 0, Error: "421", Retry: later}, {Index: 1, Error: "421", Retry: later}})
	f.sp.Record(b.ID, []store.RcptResult{{Index: 0, Error: "421", Retry: later}})
	now := epoch.Add(time.Minute)
	if ids := f.dueIDs(now); len(ids) != 0 {
		t.Fatalf("due before retry: %v", ids)
	}
	if err := f.sp.Retry(a.ID, now); err != nil {
		t.Fatal(err)
	}
	if ids := f.dueIDs(now); !slices.Equal(ids, []string{a.ID}) {
		t.Errorf("due after Retry: %v", ids)
	}
	if due, _ := f.sp.DueRcpts(a.ID, now, 0); len(due) != 2 || !due[0].NextAttempt.Equal(now) {
		t.Errorf("DueRcpts after Retry: %+v", due)
	}
	n, err := f.sp.RetryAll(now)
	if err != nil || n != 1 {
		t.Errorf("RetryAll = %d, %v, want the one message still waiting", n, err)
	}
	if ids := f.dueIDs(now); len(ids) != 2 {
		t.Errorf("due after RetryAll: %v", ids)
	}
	h := msg(store.MsgHeld, "h")
	f.enqueue(h, "h", "all@example.com")
	if err := f.sp.Retry(h.ID, now); !errors.Is(err, model.ErrConflict) {
		t.Errorf("retry of a held message: %v", err)
	}
}

// TestSpoolExpireHeldAndPurge: held mail past its limit is listed for the
// sweeper; finished messages are purged after their time, the log stays.
func TestSpoolExpireHeldAndPurge(t *testing.T) {
	f := newSpool(t, false)
	h1 := msg(store.MsgHeld, "two hours")
	h1.HoldUntil, h1.OnExpiry = epoch.Add(2*time.Hour), "release"
	f.enqueue(h1, "x", "all@example.com")
	h2 := msg(store.MsgHeld, "no limit")
	f.enqueue(h2, "x", "all@example.com")
	if got, _ := f.sp.ExpireHeld(epoch.Add(time.Hour), 0); len(got) != 0 {
		t.Errorf("expired before the limit: %v", got)
	}
	got, _ := f.sp.ExpireHeld(epoch.Add(3*time.Hour), 0)
	if len(got) != 1 || got[0].ID != h1.ID || got[0].OnExpiry != "release" {
		t.Fatalf("ExpireHeld = %+v", got)
	}
	if _, err := f.sp.Release(h1.ID, "", epoch.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.sp.ExpireHeld(epoch.Add(3*time.Hour), 0); len(got) != 0 {
		t.Errorf("a released message still expires: %v", got)
	}
	if err := f.sp.Finish(h2.ID, store.MsgDropped, "spam"); err != nil {
		t.Fatal(err)
	}
	n, err := f.sp.Purge(epoch.Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("Purge = %d, %v", n, err)
	}
	if _, err := f.sp.Message(h2.ID); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a purged message: %v", err)
	}
	if rec := f.logOf(h2.ID); rec.Status != "dropped" {
		t.Errorf("the purged message's log record: %+v", rec)
	}
}

// TestSpoolReleaseRenewsLifetime: a held message's lifetime starts when it
// is released, by a person or by the sweeper at the end of hold_for, so
// mail held longer than the queue lifetime does not bounce at its first
// temporary failure.
func TestSpoolReleaseRenewsLifetime(t *testing.T) {
	f := newSpool(t, false)
	const life, holdFor = 120 * time.Hour, 168 * time.Hour
	for _, c := range []struct {
		name    string
		expires time.Time // given to Enqueue
		release time.Time
		want    time.Time
	}{
		{"released by the sweeper when hold_for ends", epoch.Add(life), epoch.Add(holdFor), epoch.Add(holdFor + life)},
		{"released by a person after an hour", epoch.Add(life), epoch.Add(time.Hour), epoch.Add(time.Hour + life)},
		{"no lifetime given", time.Time{}, epoch.Add(holdFor), epoch.Add(holdFor + store.DefaultLifetime)},
	} {
		m := msg(store.MsgHeld, c.name)
		m.Received, m.Expires = epoch, c.expires
		m.HoldUntil, m.OnExpiry = epoch.Add(holdFor), "release"
		f.enqueue(m, "x", "buyer@customer.cn")
		got, err := f.sp.Release(m.ID, "", c.release)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !got.Expires.Equal(c.want) || !f.message(m.ID).Expires.Equal(c.want) {
			t.Errorf("%s: Expires %v (stored %v), want %v", c.name, got.Expires, f.message(m.ID).Expires, c.want)
		}
		if !got.Expires.After(c.release) {
			t.Errorf("%s: released mail expires at %v, no later than its release at %v", c.name, got.Expires, c.release)
		}
	}
}

// Test50000Recipients: one message to 50,000 recipients is on disk (fsync)
// well within a second; its log record names the first 1000.
func Test50000Recipients(t *testing.T) {
	f := newSpool(t, true)
	addrs := make([]string, 50000)
	for i := range addrs {
		addrs[i] = fmt.Sprintf("user%05d@example.com", i)
	}
	rs := rcptsOf(addrs...)
	body := bytes.Repeat([]byte("x"), 4096)
	// The best of two tries, so that a busy machine does not fail the test.
	var m *store.QueueMessage
	took := time.Hour
	for range 2 {
		m = msg(store.MsgQueued, "全员通知")
		start := time.Now()
		if err := f.sp.Enqueue(m, rs, body); err != nil {
			t.Fatal(err)
		}
		took = min(took, time.Since(start))
	}
	t.Logf("50,000 recipients enqueued in %v", took)
	if limit := time.Second; took > limit && !raceBuild() {
		t.Errorf("enqueue of 50,000 recipients took %v, want well under %v", took, limit)
	}
	if m.Pending != 50000 {
		t.Errorf("Pending = %d", m.Pending)
	}
	got, err := f.sp.RcptRange(m.ID, 49990, 0)
	if err != nil || len(got) != 10 || got[9].Addr != "user49999@example.com" {
		t.Errorf("the last recipients: %+v, %v", got, err)
	}
	rec := f.logOf(m.ID)
	if rec.Count != 50000 || len(rec.To) != 1000 {
		t.Errorf("the log record names %d of %d recipients, want 1000 of 50000", len(rec.To), rec.Count)
	}
	if recs, _ := f.sp.SearchLog(store.LogFilter{Account: "user00999@example.com"}); len(recs) != 2 {
		t.Errorf("the 1000th recipient finds %d records, want 2 (the two tries)", len(recs))
	}
	if recs, _ := f.sp.SearchLog(store.LogFilter{Account: "user01000@example.com"}); len(recs) != 0 {
		t.Errorf("the 1001st recipient finds %d records, want 0 (the index stops at 1000)", len(recs))
	}
	start := time.Now()
	if _, err := f.sp.Record(m.ID, []store.RcptResult{{Index: 40000, Delivered: true}, {Index: 7, Error: "421", Retry: epoch.Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	t.Logf("a Record of 2 of the 50,000 recipients took %v", time.Since(start))
	if m := f.message(m.ID); m.Pending != 49999 || m.Delivered != 1 || !m.NextAttempt.Equal(epoch) {
		t.Errorf("after one round: %+v", m)
	}
}

// raceBuild reports whether the race detector is on: it slows bbolt's
// page work tenfold, so timings are only logged.
func raceBuild() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// TestSearchLog: by account (sender or recipient), subject, kind, time
// range and limit, newest first.
func TestSearchLog(t *testing.T) {
	f := newSpool(t, false)
	add := func(at time.Duration, dir, status, from, subject string, to ...string) string {
		t.Helper()
		rec := store.MailRecord{ID: f.sp.NewID(), Time: epoch.Add(at), Direction: dir, Status: status, From: from, To: to, Subject: subject}
		if strings.HasSuffix(from, "@example.com") {
			rec.Account = model.Address(from)
		}
		if err := f.sp.Log(rec); err != nil {
			t.Fatal(err)
		}
		return rec.ID
	}
	a := add(1*time.Hour, "out", "delivered", "wangwei@example.com", "报价单 Q3", "buyer@customer.cn")
	b := add(2*time.Hour, "in", "delivered", "buyer@customer.cn", "RE: 报价单 Q3", "wangwei@example.com")
	c := add(3*time.Hour, "internal", "held", "zhangsan@example.com", "日计划", "all@example.com")
	d := add(4*time.Hour, "out", "refused", "wangwei@example.com", "合同草稿", "x@other.cn")
	e := add(5*time.Hour, "internal", "delivered", "liuyang@example.com", "Weekly", "wangwei@example.com", "zhangsan@example.com")
	cases := []struct {
		name string
		f    store.LogFilter
		want []string
	}{
		{"all, newest first", store.LogFilter{}, []string{e, d, c, b, a}},
		{"account as sender or recipient", store.LogFilter{Account: "wangwei@example.com"}, []string{e, d, b, a}},
		{"account in any case", store.LogFilter{Account: "WangWei@Example.com"}, []string{e, d, b, a}},
		{"external address", store.LogFilter{Account: "buyer@customer.cn"}, []string{b, a}},
		{"subject substring", store.LogFilter{Subject: "报价"}, []string{b, a}},
		{"subject, case-insensitive", store.LogFilter{Subject: "weekly"}, []string{e}},
		{"kind: direction", store.LogFilter{Kind: "internal"}, []string{e, c}},
		{"kind: status", store.LogFilter{Kind: "refused"}, []string{d}},
		{"since inclusive, until exclusive", store.LogFilter{Since: epoch.Add(2 * time.Hour), Until: epoch.Add(4 * time.Hour)}, []string{c, b}},
		{"account and range", store.LogFilter{Account: "wangwei@example.com", Since: epoch.Add(90 * time.Minute), Until: epoch.Add(4*time.Hour + time.Second)}, []string{d, b}},
		{"account, until only", store.LogFilter{Account: "wangwei@example.com", Until: epoch.Add(2 * time.Hour)}, []string{a}},
		{"limit", store.LogFilter{Limit: 2}, []string{e, d}},
		{"nobody", store.LogFilter{Account: "nobody@example.com"}, nil},
	}
	for _, tc := range cases {
		recs, err := f.sp.SearchLog(tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range recs {
			got = append(got, r.ID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	// Replacing a record moves its index entries with it.
	if err := f.sp.Log(store.MailRecord{ID: a, Time: epoch.Add(6 * time.Hour), Direction: "out", Status: "delivered", From: "wangwei@example.com", To: []string{"other@customer.cn"}}); err != nil {
		t.Fatal(err)
	}
	if recs, _ := f.sp.SearchLog(store.LogFilter{Account: "buyer@customer.cn"}); len(recs) != 1 || recs[0].ID != b {
		t.Errorf("after replacing a record its old recipient still finds it: %+v", recs)
	}
	if recs, _ := f.sp.SearchLog(store.LogFilter{Limit: 1}); len(recs) != 1 || recs[0].ID != a {
		t.Errorf("the replaced record is not the newest: %+v", recs)
	}
	if recs, _ := f.sp.SearchLog(store.LogFilter{}); len(recs) != 5 {
		t.Errorf("after a replacement the log has %d records, want 5", len(recs))
	}
}

// TestTop: the busiest senders and receivers per domain in a range, the
// company's domains only with TopFor; refused mail counts for nobody.
func TestTop(t *testing.T) {
	f := newSpool(t, false)
	add := func(at time.Duration, status, account, from string, to ...string) {
		t.Helper()
		if err := f.sp.Log(store.MailRecord{Time: epoch.Add(at), Status: status, Account: model.Address(account), From: from, To: to}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		add(time.Duration(i)*time.Minute, "delivered", "wangwei@example.com", "wangwei@example.com", "buyer@customer.cn", "liuyang@example.com")
	}
	add(10*time.Minute, "delivered", "liuyang@example.com", "liuyang@example.com", "wangwei@example.com")
	add(11*time.Minute, "delivered", "", "buyer@customer.cn", "wangwei@example.com")
	add(12*time.Minute, "refused", "zhangsan@example.com", "zhangsan@example.com", "x@customer.cn", "y@customer.cn")
	add(13*time.Minute, "delivered", "a@example.org", "a@example.org", "b@example.org")
	add(2*time.Hour, "delivered", "late@example.com", "late@example.com", "wangwei@example.com")

	tops, err := f.sp.Top(epoch, epoch.Add(time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	var domains []string
	for _, d := range tops {
		domains = append(domains, d.Domain)
	}
	if !slices.Equal(domains, []string{"customer.cn", "example.com", "example.org"}) {
		t.Fatalf("Top lists the domains %v", domains)
	}
	ex := tops[1]
	wantSenders := []store.TopEntry{{Address: "wangwei@example.com", Count: 3}, {Address: "liuyang@example.com", Count: 1}}
	wantReceivers := []store.TopEntry{{Address: "liuyang@example.com", Count: 3}, {Address: "wangwei@example.com", Count: 2}}
	if !slices.Equal(ex.Senders, wantSenders) || !slices.Equal(ex.Receivers, wantReceivers) {
		t.Errorf("example.com: senders %v receivers %v, want %v and %v", ex.Senders, ex.Receivers, wantSenders, wantReceivers)
	}
	if cu := tops[0]; len(cu.Senders) != 1 || cu.Senders[0].Address != "buyer@customer.cn" || len(cu.Receivers) != 1 || cu.Receivers[0].Count != 3 {
		t.Errorf("customer.cn: %+v (the refused mail must not count)", cu)
	}
	local, err := f.sp.TopFor(epoch, epoch.Add(time.Hour), 1, func(d string) bool { return d == "example.com" })
	if err != nil || len(local) != 1 || local[0].Domain != "example.com" || len(local[0].Senders) != 1 || local[0].Senders[0].Address != "wangwei@example.com" {
		t.Errorf("TopFor example.com, n 1: %+v, %v", local, err)
	}
}

// TestViolations: a held message and a refused one are violations of their
// sender (SEND-9), newest first.
func TestViolations(t *testing.T) {
	f := newSpool(t, false)
	h := msg(store.MsgHeld, "日计划")
	h.Reasons, h.Rules = []string{"daily plans need approval"}, []string{"content:daily"}
	f.enqueue(h, "x", "all@example.com")
	f.clock.Advance(time.Minute)
	if err := f.sp.Log(store.MailRecord{Status: "refused", Account: "wangwei@example.com", From: "wangwei@example.com", To: []string{"x@rival.cn"},
		Subject: "报价", Reason: "external mail is not allowed for you", Rules: []string{"external"}}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	if err := f.sp.AddViolation(store.Violation{Member: "zhangsan@example.com", Action: "refuse", Rules: []string{"broadcast"}, Reason: "r"}); err != nil {
		t.Fatal(err)
	}
	// Queued mail and refusals without an account are no violations.
	f.enqueue(msg(store.MsgQueued, "ok"), "x", "a@example.com")
	f.sp.Log(store.MailRecord{Status: "refused", From: "spam@bad.cn", To: []string{"wangwei@example.com"}})

	vs, err := f.sp.Violations("wangwei@example.com", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Action != "refuse" || vs[0].Rules[0] != "external" || vs[1].Action != "hold" || vs[1].MessageID != h.ID ||
		vs[1].Reason != "daily plans need approval" || vs[1].Subject != "日计划" {
		t.Fatalf("wangwei's violations: %+v", vs)
	}
	if vs, _ := f.sp.Violations("wangwei@example.com", 1); len(vs) != 1 || vs[0].Action != "refuse" {
		t.Errorf("limit 1: %+v", vs)
	}
	if all, _ := f.sp.Violations("", 0); len(all) != 3 || all[0].Member != "zhangsan@example.com" {
		t.Errorf("everyone's violations: %+v", all)
	}
	if none, _ := f.sp.Violations("liuyang@example.com", 0); len(none) != 0 {
		t.Errorf("liuyang has violations: %+v", none)
	}
}

// TestSpoolFull: past MaxSize Enqueue says ErrSpoolFull and the spool
// keeps working.
func TestSpoolFull(t *testing.T) {
	f := &spoolFix{t: t, dir: t.TempDir(), clock: &clock{now: epoch}}
	f.opt = store.SpoolOptions{Now: f.clock.Now, Rand: newSeeded(), NoSync: true, MaxSize: 2 << 20}
	f.open()
	body := bytes.Repeat([]byte("x"), 64<<10)
	var full error
	var ids []string
	for i := 0; i < 200 && full == nil; i++ {
		m := msg(store.MsgQueued, "big")
		if err := f.sp.Enqueue(m, rcptsOf("a@example.com"), body); err != nil {
			full = err
		} else {
			ids = append(ids, m.ID)
		}
	}
	if !errors.Is(full, store.ErrSpoolFull) {
		t.Fatalf("after %d messages of 64 KiB in a 2 MiB spool: %v, want ErrSpoolFull", len(ids), full)
	}
	if len(ids) < 5 {
		t.Errorf("only %d messages fit in 2 MiB", len(ids))
	}
	if fi, err := os.Stat(f.path()); err != nil || fi.Size() > 2<<20 {
		t.Errorf("spool.db grew to %d bytes", fi.Size())
	}
	for _, id := range ids[:len(ids)/2] {
		if err := f.sp.Finish(id, store.MsgDropped, "room"); err != nil {
			t.Fatalf("Finish in a full spool: %v", err)
		}
	}
	if err := f.sp.Enqueue(msg(store.MsgQueued, "again"), rcptsOf("a@example.com"), body); err != nil {
		t.Errorf("after freeing room: %v", err)
	}
	// A body file counts against the limit too.
	f.reopen()
	huge := bytes.Repeat([]byte("y"), 3<<20)
	if err := f.sp.Enqueue(msg(store.MsgQueued, "huge"), rcptsOf("a@example.com"), huge); !errors.Is(err, store.ErrSpoolFull) {
		t.Errorf("a 3 MiB body in a 2 MiB spool: %v", err)
	}
}

// TestSpoolBodyParts: bodies of every size come back byte for byte.
func TestSpoolBodyParts(t *testing.T) {
	f := newSpool(t, false)
	for _, n := range []int{0, 1, 1999, 2000, 2001, 4000, 100000} {
		body := make([]byte, n)
		for i := range body {
			body[i] = byte(i * 7)
		}
		m := msg(store.MsgQueued, fmt.Sprint(n))
		if err := f.sp.Enqueue(m, rcptsOf("a@example.com"), body); err != nil {
			t.Fatal(err)
		}
		got, err := f.sp.Body(m.ID)
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("a body of %d bytes comes back as %d bytes, %v", n, len(got), err)
		}
		if err := f.sp.Finish(m.ID, store.MsgDone, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.sp.Body(m.ID); err == nil {
			t.Errorf("the %d-byte body survived Finish", n)
		}
	}
}

// TestSpoolLocked: a second open of the same file waits the timeout and
// says the file is in use.
func TestSpoolLocked(t *testing.T) {
	f := newSpool(t, false)
	opt := f.opt
	opt.Timeout = 50 * time.Millisecond
	if _, err := store.OpenSpool(f.path(), opt); !errors.Is(err, store.ErrLocked) {
		t.Errorf("a second open: %v, want ErrLocked", err)
	}
}

// TestSpoolBodyFiles: a body over FileBody is a file under DIR/spool/,
// gone after Finish; a file no message owns is removed at the next open.
func TestSpoolBodyFiles(t *testing.T) {
	f := &spoolFix{t: t, dir: t.TempDir(), clock: &clock{now: epoch}}
	f.opt = store.SpoolOptions{Now: f.clock.Now, Rand: newSeeded(), FileBody: 1024}
	f.open()
	big := bytes.Repeat([]byte("z"), 4096)
	m := msg(store.MsgQueued, "big")
	if err := f.sp.Enqueue(m, rcptsOf("a@example.com"), big); err != nil {
		t.Fatal(err)
	}
	small := f.enqueue(msg(store.MsgQueued, "small"), "tiny", "a@example.com")
	file := filepath.Join(f.dir, "spool", m.ID)
	if b, err := os.ReadFile(file); err != nil || !bytes.Equal(b, big) || !m.BodyFile {
		t.Fatalf("the big body's file: %d bytes, %v (BodyFile %v)", len(b), err, m.BodyFile)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "spool", small.ID)); err == nil {
		t.Errorf("a small body became a file")
	}
	if b, err := f.sp.Body(m.ID); err != nil || !bytes.Equal(b, big) {
		t.Errorf("Body of the big message: %d bytes, %v", len(b), err)
	}
	orphan := filepath.Join(f.dir, "spool", "00000000000000000000")
	os.WriteFile(orphan, []byte("half"), 0o600)
	f.reopen()
	if _, err := os.Stat(orphan); err == nil {
		t.Errorf("a body file without its message survived a reopen")
	}
	if _, err := os.Stat(file); err != nil {
		t.Errorf("the queued message's body file went at reopen: %v", err)
	}
	if err := f.sp.Finish(m.ID, store.MsgDone, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); err == nil {
		t.Errorf("the body file is still there after Finish")
	}
}
