package mail

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

// TestMigrateCancelAndResume (LOG-5): an admin cancels a running
// migration after the sixth message of the first mailbox. The runner
// stops right there: six whole messages in the Maildir, nothing half
// written, the mailbox's row says how far it got, the second mailbox was
// not begun, and the task is cancelled with who and when. Started again
// with the same list, it goes on: the first mailbox gets only the
// fourteen messages it lacks, the second all of its own.
func TestMigrateCancelAndResume(t *testing.T) {
	o := newOldServer(t)
	f := newMigrationFixture(t)
	u := o.user(t, "zs", "pw", "Archive")
	for i := range 10 {
		put(t, u, "INBOX", oldMessage("inbox", i), day)
		put(t, u, "Archive", oldMessage("archive", i), day)
	}
	v := o.user(t, "ly", "pw2")
	for i := range 5 {
		put(t, v, "INBOX", oldMessage("ly", i), day)
	}
	rows := []model.MigrationRow{{Line: 2, Address: zhangsan, Login: "zs", Password: "pw"}, {Line: 3, Address: lisi, Login: "ly", Password: "pw2"}}

	id, err := f.st.BeginBatch(f.admin, model.BatchMigrate, len(rows), o.addr)
	if err != nil {
		t.Fatal(err)
	}
	var cancelErr error
	f.g.afterMessage = func(n int) {
		if n == 6 {
			_, cancelErr = f.st.CancelBatch(f.admin, id)
		}
	}
	job := model.MigrationJob{Server: o.addr, Security: SecurityPlain, Batch: id, Rows: rows}
	if err := f.g.Run(context.Background(), f.admin, job, nil); err != nil {
		t.Fatal(err)
	}
	f.g.afterMessage = nil
	if cancelErr != nil {
		t.Fatalf("cancel: %v", cancelErr)
	}
	var b *model.Batch
	f.st.Read(func(r *store.Reader) error {
		b, err = r.Batch(id)
		return err
	})
	if b.State != model.BatchCancelled || b.CancelledBy != f.admin.Address || b.Rows != 1 || b.Skipped != 1 {
		t.Fatalf("the cancelled task: %+v", b)
	}
	if !strings.Contains(b.Summary, "0 of 2 mailboxes migrated") ||
		!strings.Contains(b.Summary, "6 messages") || !strings.Contains(b.Summary, "cancelled by "+string(f.admin.Address)+" at ") {
		t.Errorf("summary: %s", b.Summary)
	}
	got := f.rows(t, id)
	if len(got) != 1 || got[0].Key != zhangsan || got[0].Outcome != model.OutcomeSkipped || !strings.Contains(got[0].Reason, "stopped by the cancel after 6 messages") {
		t.Errorf("rows: %+v", got)
	}
	if n := len(f.files(t, zhangsan, "")) + len(f.files(t, zhangsan, ".Archive")); n != 6 {
		t.Errorf("%d messages written before the stop, want 6", n)
	}
	if n := len(f.files(t, lisi, "")); n != 0 {
		t.Errorf("the mailbox not begun has %d messages", n)
	}
	local, _, _ := strings.Cut(zhangsan, "@")
	for _, dir := range []string{"", ".Archive"} {
		if left, _ := os.ReadDir(filepath.Join(f.dir, "mail", "example.com", local, dir, "tmp")); len(left) != 0 {
			t.Errorf("half-written files in %s/tmp: %v", dir, left)
		}
	}
	var ops []store.OpRecord
	f.st.Read(func(r *store.Reader) error {
		ops, _ = r.OpLog(store.OpFilter{Op: "batch.cancel"})
		return nil
	})
	if len(ops) != 1 || ops[0].Actor != f.admin.Address || !strings.Contains(fmt.Sprint(ops[0].Notes), fmt.Sprint(id)) {
		t.Errorf("the operation log: %+v", ops)
	}

	again := f.run(t, o, f.admin, rows...)
	if again.State != model.BatchDone || again.OK != 2 {
		t.Fatalf("the second run: %+v", again)
	}
	got = f.rows(t, again.ID)
	if !strings.HasPrefix(got[0].Reason, "14 messages") || strings.Contains(got[0].Reason, "already there") {
		t.Errorf("the first mailbox did not go on where it stopped: %+v", got[0])
	}
	if in, ar, ly := len(f.files(t, zhangsan, "")), len(f.files(t, zhangsan, ".Archive")), len(f.files(t, lisi, "")); in != 10 || ar != 10 || ly != 5 {
		t.Errorf("after the second run: inbox %d, archive %d, the second mailbox %d; want 10, 10 and 5", in, ar, ly)
	}
	if _, err := f.st.CancelBatch(f.admin, again.ID); err == nil || !strings.Contains(err.Error(), "is done already") {
		t.Errorf("cancelling a finished task: %v", err)
	}
}

// TestNotifyCancelBetweenChunks (LOG-5): a notification job cancelled
// through its batch task while a chunk of rows is being queued records
// that chunk and stops there: the rows after it stay unsent, the job and
// its task are cancelled, and the task says who cancelled it.
func TestNotifyCancelBetweenChunks(t *testing.T) {
	ts := newTestServer(t, nil)
	var csv strings.Builder
	csv.WriteString("邮箱,姓名\r\n")
	for i := 1; i <= 3*notifyChunk; i++ {
		fmt.Fprintf(&csv, "c%04d@ext.example,客户%d\r\n", i, i)
	}
	job, err := startNotify(t, ts, "admin", model.NotifyTemplate{Subject: "通知 {{.姓名}}", Body: "您好 {{.姓名}}\n"}, csv.String())
	if err != nil {
		t.Fatal(err)
	}
	var admin model.Actor
	ts.store.Read(func(r *store.Reader) error {
		admin, err = r.Actor(model.Address(demoLogin(t, "admin").Address), model.DoorSSH, "192.0.2.1")
		return err
	})
	var cancelled *model.Batch
	ts.relay.notifyQueued = func(j *model.NotifyJob) {
		if cancelled == nil {
			cancelled, err = ts.store.CancelBatch(admin, j.Batch)
			if err != nil {
				t.Errorf("cancel: %v", err)
			}
		}
	}
	ts.relay.NotifyPass()
	if cancelled == nil {
		t.Fatal("no chunk was queued")
	}
	if cancelled.State.Finished() || !cancelled.CancelRequested() {
		t.Errorf("while its chunk was queued the task was %+v; it should wait for the chunk", cancelled)
	}
	var j *model.NotifyJob
	var b *model.Batch
	ts.store.Read(func(r *store.Reader) error {
		j, _ = r.NotifyJob(job.ID)
		b, _ = r.Batch(j.Batch)
		return nil
	})
	if j.State != model.NotifyCancelled || j.Queued != notifyChunk || j.Waiting() != 2*notifyChunk {
		t.Errorf("the job: %+v", j)
	}
	if b.State != model.BatchCancelled || b.Rows != notifyChunk || b.OK != notifyChunk || !strings.Contains(b.Summary, "cancelled by "+string(admin.Address)) {
		t.Errorf("the task: %+v", b)
	}
	if queued, _ := ts.spool.List(store.QueueFilter{}); len(queued) != notifyChunk {
		t.Errorf("%d messages queued, want %d", len(queued), notifyChunk)
	}
	ts.relay.NotifyPass()
	if queued, _ := ts.spool.List(store.QueueFilter{}); len(queued) != notifyChunk {
		t.Errorf("after another pass %d messages are queued, want still %d", len(queued), notifyChunk)
	}
}

// TestNotifyCancelWaiting (LOG-5): a notification job waiting for the
// next day's quota is cancelled through its batch task at once, nobody
// being at work on it: the task ends cancelled with who did it, the job
// too, and the next day's pass sends nothing more.
func TestNotifyCancelWaiting(t *testing.T) {
	ts := newTestServer(t, nil)
	var admin model.Actor
	var err error
	ts.store.Read(func(r *store.Reader) error {
		admin, err = r.Actor(model.Address(demoLogin(t, "admin").Address), model.DoorSSH, "192.0.2.1")
		return err
	})
	quota := 3
	if err := ts.store.Apply(admin, &model.SetEnterprise{NotifyQuota: &quota}); err != nil {
		t.Fatal(err)
	}
	job, err := startNotify(t, ts, "admin", model.NotifyTemplate{Subject: "通知 {{.姓名}}", Body: "您好\n"},
		"邮箱,姓名\r\na1@ext.example,甲\r\na2@ext.example,乙\r\na3@ext.example,丙\r\na4@ext.example,丁\r\na5@ext.example,戊\r\n")
	if err != nil {
		t.Fatal(err)
	}
	ts.relay.NotifyPass()
	var j *model.NotifyJob
	ts.store.Read(func(r *store.Reader) error {
		j, _ = r.NotifyJob(job.ID)
		return nil
	})
	if j.State != model.NotifyWaiting || j.Queued != 3 {
		t.Fatalf("after the first day: %+v", j)
	}
	b, err := ts.store.CancelBatch(admin, j.Batch)
	if err != nil {
		t.Fatal(err)
	}
	if b.State != model.BatchCancelled || b.Rows != 3 || !strings.Contains(b.Summary, "3 of 5 queued") || !strings.Contains(b.Summary, "2 not sent") ||
		!strings.Contains(b.Summary, "cancelled by "+string(admin.Address)) {
		t.Errorf("the task: %+v", b)
	}
	ts.clock.Add(24 * time.Hour)
	ts.relay.NotifyPass()
	ts.store.Read(func(r *store.Reader) error {
		j, _ = r.NotifyJob(job.ID)
		return nil
	})
	if j.State != model.NotifyCancelled || j.Queued != 3 {
		t.Errorf("the next day: %+v", j)
	}
	if queued, _ := ts.spool.List(store.QueueFilter{}); len(queued) != 3 {
		t.Errorf("%d messages queued, want 3", len(queued))
	}
}
