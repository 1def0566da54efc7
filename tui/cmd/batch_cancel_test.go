package cmd_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"postroom/mail"
	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// actorOf is a demo person as the SSH door sees them.
func actorOf(t testing.TB, as string) model.Actor {
	t.Helper()
	var a model.Actor
	err := fx(t).s.Read(func(r *store.Reader) error {
		var err error
		a, err = r.Actor(who(t, as), model.DoorSSH, "192.0.2.1")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// beginMigration starts a migration task as a demo person, as migrate
// imap does, with 2 of its 5 mailboxes recorded.
func beginMigration(t testing.TB, as string) uint64 {
	t.Helper()
	s := fx(t).s
	id, err := s.BeginBatch(actorOf(t, as), model.BatchMigrate, 5, "old.example.com:993 (tls): 5 mailboxes")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddBatchRows(id, model.BatchRow{Key: "wangwei@example.com", Outcome: model.OutcomeOK, Reason: "12 messages"},
		model.BatchRow{Key: "liuyang@example.com", Outcome: model.OutcomeOK, Reason: "3 messages"}); err != nil {
		t.Fatal(err)
	}
	return id
}

// batchCancelJSON is what batch cancel --json prints.
type batchCancelJSON struct {
	batchJSON
	CancelledBy string `json:"cancelled_by"`
	CancelledAt string `json:"cancelled_at"`
	Resumable   bool   `json:"resumable"`
}

// TestBatchCancelRoles (LOG-5): the owner of a task may cancel it, and an
// admin anyone's; the auditor, who sees every task, the sub-admin, the
// helpdesk, the head and another member are refused with the right
// batch.manage named, and the task goes on. A task nobody is running
// ends at once, cancelled, saying who cancelled it and how far it got;
// cancelling it again, or a finished one, is a clear error.
func TestBatchCancelRoles(t *testing.T) {
	own := beginMigration(t, "member")
	var j batchCancelJSON
	decode(t, ok(t, "member", "", "batch", "cancel", fmt.Sprint(own), "--json"), &j)
	member := string(who(t, "member"))
	if j.State != "cancelled" || j.CancelledBy != member || j.CancelledAt == "" || !j.Resumable || j.Rows != 2 ||
		!strings.Contains(j.Summary, "cancelled by "+member+" at ") || j.Finished == "" {
		t.Errorf("the owner's cancel: %+v", j)
	}
	refused(t, "member", "", []string{"batch", "cancel", fmt.Sprint(own)}, "is cancelled already", "only a running or waiting task")
	if s := batchShow(t, "member", own); s.State != "cancelled" || !strings.Contains(s.Summary, "cancelled by") {
		t.Errorf("batch show after the cancel: %+v", s)
	}

	other := beginMigration(t, "member")
	for _, as := range []string{"auditor", "subadmin", "helpdesk", "head", "hr"} {
		refused(t, as, "", []string{"batch", "cancel", fmt.Sprint(other)}, "batch.manage")
	}
	if s := batchShow(t, "admin", other); s.State != "running" {
		t.Fatalf("a refused cancel changed the task: %+v", s)
	}
	out := ok(t, "admin", "", "batch", "cancel", fmt.Sprint(other))
	if !strings.Contains(out, fmt.Sprintf("Batch task %d cancelled", other)) || !strings.Contains(out, "migrate imap again") {
		t.Errorf("the admin's cancel says:\n%s", out)
	}
	if s := batchShow(t, "admin", other); s.State != "cancelled" || !strings.Contains(s.Summary, "cancelled by "+string(who(t, "admin"))) {
		t.Errorf("after the admin's cancel: %+v", s)
	}

	done, err := fx(t).s.RecordBatch(actorOf(t, "admin"), model.BatchImportMembers, model.BatchDone, "new.csv: 1 member", []model.BatchRow{{Key: "line 2", Outcome: model.OutcomeOK}})
	if err != nil {
		t.Fatal(err)
	}
	refused(t, "admin", "", []string{"batch", "cancel", fmt.Sprint(done)}, "is done already", "only a running or waiting task")
	refused(t, "admin", "", []string{"batch", "cancel", "999"}, "no batch task 999")
	refused(t, "admin", "", []string{"batch", "cancel", "x"}, "not a batch task id")

	var ops []store.OpRecord
	fx(t).s.Read(func(r *store.Reader) error {
		ops, _ = r.OpLog(store.OpFilter{Op: "batch.cancel"})
		return nil
	})
	if len(ops) != 2 {
		t.Fatalf("%d batch.cancel records, want 2 (refusals write none)", len(ops))
	}
}

// TestBatchCancelRunning: a task whose runner listens is asked to stop
// and stops at its next safe point: batch cancel says so, batch show
// says it is stopping, the runner's context ends, and the runner finishes
// it as cancelled with who cancelled it. A second cancel meanwhile is
// refused.
func TestBatchCancelRunning(t *testing.T) {
	s := fx(t).s
	id := beginMigration(t, "admin")
	ctx, release := s.BatchContext(context.Background(), id)
	defer release()
	out := ok(t, "admin", "", "batch", "cancel", fmt.Sprint(id))
	if !strings.Contains(out, "stops at its next safe point") {
		t.Errorf("batch cancel says:\n%s", out)
	}
	select {
	case <-ctx.Done():
	default:
		t.Fatal("the runner's context was not cancelled")
	}
	if show := ok(t, "admin", "", "batch", "show", fmt.Sprint(id)); !strings.Contains(show, "stopping: cancelled by") || !strings.Contains(show, "running") {
		t.Errorf("batch show while it stops:\n%s", show)
	}
	refused(t, "admin", "", []string{"batch", "cancel", fmt.Sprint(id)}, "being cancelled already")
	if err := s.FinishBatch(id, model.BatchCancelled, "old.example.com:993: 2 of 5 mailboxes migrated"); err != nil {
		t.Fatal(err)
	}
	if b := batchShow(t, "admin", id); b.State != "cancelled" || !strings.HasPrefix(b.Summary, "old.example.com:993: 2 of 5 mailboxes migrated; cancelled by") {
		t.Errorf("the finished task: %+v", b)
	}
}

// TestBatchCancelChinese: the refusal and the answer in Chinese.
func TestBatchCancelChinese(t *testing.T) {
	id := beginMigration(t, "member")
	_, errs, code := runLang(t, "zh-CN", "auditor", "", "batch", "cancel", fmt.Sprint(id))
	if code != 1 || !strings.Contains(errs, "只有发起人或拥有 batch.manage 权限的人可以取消") {
		t.Errorf("exit %d, %s", code, errs)
	}
	out, errs, code := runLang(t, "zh-CN", "member", "", "batch", "cancel", fmt.Sprint(id))
	if code != 0 || !strings.Contains(out, fmt.Sprintf("批量任务 %d 已取消", id)) || !strings.Contains(out, "从停止处继续") {
		t.Errorf("exit %d, %s%s", code, out, errs)
	}
	_, errs, _ = runLang(t, "zh-CN", "member", "", "batch", "cancel", fmt.Sprint(id))
	if !strings.Contains(errs, "只能取消进行中或等待中的任务") {
		t.Errorf("the second cancel: %s", errs)
	}
}

// TestMigrateCancelledFromAnotherSession (LOG-5): while an admin's
// migrate imap runs over SSH, another session's batch cancel stops it
// after the mailbox being copied: the second mailbox is not begun,
// migrate imap ends with exit 1 saying who cancelled it and how to go on,
// and running it again copies the second mailbox only.
func TestMigrateCancelledFromAnotherSession(t *testing.T) {
	srv := oldIMAP(t, map[string]string{"ww": "pw-ww", "ly": "pw-ly"})
	csv := "邮箱,登录名,密码\r\nwangwei@example.com,ww,pw-ww\r\nliuyang@example.com,ly,pw-ly\r\n"
	f := fx(t)
	g := &mail.IMAPMigration{Store: f.s, Maildir: mail.NewMaildir(filepath.Join(f.dir, "mail"), "mx.example.com", nil)}
	migrate := func(cancelAfterFirst bool, cancelFirst ...bool) (string, string, int) {
		var out, errb bytes.Buffer
		env := &cmd.Env{Actor: actorOf(t, "admin"), Store: f.s, Stdin: strings.NewReader(csv), Stdout: &out, Stderr: &errb,
			MigrateIMAP: func(a model.Actor, job model.MigrationJob, progress func(model.BatchRow)) error {
				if len(cancelFirst) > 0 {
					ok(t, "admin", "", "batch", "cancel", fmt.Sprint(job.Batch))
				}
				return g.Run(context.Background(), a, job, func(row model.BatchRow) {
					progress(row)
					if cancelAfterFirst {
						cancelAfterFirst = false
						ok(t, "admin", "", "batch", "cancel", fmt.Sprint(job.Batch))
					}
				})
			}}
		code := cmd.Run(env, []string{"migrate", "imap", "--server", srv, "--insecure-plain-for-tests", "--csv", "-", "--json"})
		return out.String(), errb.String(), code
	}
	// Cancelled before the runner starts: nothing is copied.
	out, errs, code := migrate(false, true)
	var b batchJSON
	decode(t, out, &b)
	if code != 1 || b.State != "cancelled" || b.Rows != 0 || !strings.Contains(errs, "was cancelled by") {
		t.Fatalf("cancelled at once: exit %d, %+v\n%s", code, b, errs)
	}

	out, errs, code = migrate(true)
	if code != 1 || !strings.Contains(errs, "was cancelled by "+string(who(t, "admin"))) || !strings.Contains(errs, "run the same migrate imap again") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	decode(t, out, &b)
	if b.State != "cancelled" || b.Rows != 1 || b.OK != 1 || b.Results[0].Key != "wangwei@example.com" || !strings.Contains(b.Summary, "cancelled by") {
		t.Fatalf("the cancelled migration: %+v", b)
	}
	out, errs, code = migrate(false)
	if code != 0 {
		t.Fatalf("the second run: exit %d\n%s", code, errs)
	}
	decode(t, out, &b)
	if b.State != "done" || b.OK != 2 || !strings.HasPrefix(b.Results[0].Reason, "0 messages") || !strings.HasPrefix(b.Results[1].Reason, "3 messages") {
		t.Errorf("the second run: %+v", b)
	}
}
