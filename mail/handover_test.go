package mail

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

// listBox lists the file names in a Maildir's new/ and cur/, "new/NAME" or
// "cur/NAME", sorted.
func listBox(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, sub := range []string{"new", "cur"} {
		es, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, e := range es {
			out = append(out, sub+"/"+e.Name())
		}
	}
	slices.Sort(out)
	return out
}

// TestMaildirHandOver: a leaver's inbox (new/ and cur/, flags kept) and
// folders are copied into one folder of the successor's mailbox, folders
// below it, names in modified UTF-7 as a mail client reads them; the
// leaver's mailbox stays as it was; a second run, or one after a copy cut
// short, copies only what is missing and counts the same.
func TestMaildirHandOver(t *testing.T) {
	root := t.TempDir()
	md := NewMaildir(root, "mx.example.com", func() time.Time { return time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC) })
	var bytes int64
	deliver := func(folder, body string) string {
		p, err := md.Deliver("ww@example.com", folder, "a@example.com", []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(p)
		bytes += fi.Size()
		return p
	}
	deliver("", "Subject: one\r\n\r\nunread\r\n")
	read := deliver("", "Subject: two\r\n\r\nread\r\n")
	// A client read it: moved to cur/ with the Seen flag.
	if err := os.Rename(read, filepath.Join(filepath.Dir(filepath.Dir(read)), "cur", filepath.Base(read)+":2,S")); err != nil {
		t.Fatal(err)
	}
	deliver("已发送", "Subject: sent\r\n\r\nsent\r\n")
	deliver("客户 A&B", "Subject: c\r\n\r\nc\r\n")
	leaverDir, _ := md.MailboxDir("ww@example.com", "")
	before := listBox(t, leaverDir)

	res, err := md.HandOver("ww@example.com", "li@example.com", "交接-王伟")
	if err != nil {
		t.Fatal(err)
	}
	if res.Messages != 4 || res.Copied != 4 || res.Bytes != bytes {
		t.Errorf("handed %+v, want 4 messages, 4 copied, %d bytes", res, bytes)
	}
	top, _ := md.MailboxDir("li@example.com", "交接-王伟")
	if got := listBox(t, top); !slices.Equal(got, before) {
		t.Errorf("the folder holds %v, want the leaver's inbox %v", got, before)
	}
	if _, err := os.Stat(filepath.Join(top, "maildirfolder")); err != nil {
		t.Errorf("the folder has no maildirfolder marker: %v", err)
	}
	// The folders, as a Maildir++ reader names them: "交接-王伟.已发送".
	succDir, _ := md.MailboxDir("li@example.com", "")
	es, _ := os.ReadDir(succDir)
	var names []string
	for _, e := range es {
		if strings.HasPrefix(e.Name(), ".") {
			n, err := DecodeMUTF7(e.Name()[1:])
			if err != nil {
				t.Errorf("folder %q: %v", e.Name(), err)
			}
			names = append(names, n)
			if len(listBox(t, filepath.Join(succDir, e.Name()))) != map[bool]int{true: 2, false: 1}[n == "交接-王伟"] {
				t.Errorf("folder %s holds %v", n, listBox(t, filepath.Join(succDir, e.Name())))
			}
		}
	}
	slices.Sort(names)
	if want := []string{"交接-王伟", "交接-王伟.客户 A&B", "交接-王伟.已发送"}; !slices.Equal(names, want) {
		t.Errorf("folders %q, want %q", names, want)
	}
	if got := listBox(t, leaverDir); !slices.Equal(got, before) {
		t.Errorf("the leaver's mailbox changed: %v, was %v", got, before)
	}

	// Again: nothing copied twice. After a client read the copy (new/ →
	// cur/) and a crash lost one copy, only that one is copied.
	copied := listBox(t, top)
	var unread string
	for _, c := range copied {
		if strings.HasPrefix(c, "new/") {
			unread = strings.TrimPrefix(c, "new/")
		}
	}
	if err := os.Rename(filepath.Join(top, "new", unread), filepath.Join(top, "cur", unread+":2,S")); err != nil {
		t.Fatal(err)
	}
	sent, _ := md.MailboxDir("li@example.com", "交接-王伟")
	sentDir := sent + "." + EncodeMUTF7("已发送")
	lost := listBox(t, sentDir)[0]
	os.Remove(filepath.Join(sentDir, lost))
	res, err = md.HandOver("ww@example.com", "li@example.com", "交接-王伟")
	if err != nil {
		t.Fatal(err)
	}
	if res.Messages != 4 || res.Copied != 1 || res.Bytes != bytes {
		t.Errorf("the second run handed %+v, want 4 messages, 1 copied", res)
	}
	if n := len(listBox(t, top)); n != 2 {
		t.Errorf("the folder holds %d messages after the second run, want 2", n)
	}
	if got := listBox(t, sentDir); len(got) != 1 || got[0] != lost {
		t.Errorf("the lost copy: %v, want %s", got, lost)
	}
	tmp, _ := os.ReadDir(filepath.Join(top, "tmp"))
	if len(tmp) != 0 {
		t.Errorf("tmp/ keeps %d files", len(tmp))
	}

	// A leaver who never received mail: an empty folder.
	res, err = md.HandOver("never@example.com", "li@example.com", "交接-新人")
	if err != nil || res.Messages != 0 {
		t.Errorf("an empty mailbox: %+v, %v", res, err)
	}
}

// TestHandoverCopiedByTheRelay: through the running relay, a leaver's mail
// reaches the successor's folder once the handover is applied, the counts
// are recorded on the request, and the leave request is finished only then.
func TestHandoverCopiedByTheRelay(t *testing.T) {
	ts := newTestServer(t, nil)
	runRelay(t, ts.relay)
	leaver := model.Address(demoLogin(t, "member").Address)
	succ := model.Address("liuyang@example.com")
	admin := model.Address(demoLogin(t, "admin").Address)
	c, from := ts.login("head")
	if err := send(c, string(from), []string{string(leaver)}, message(string(from), string(leaver), "客户资料", "请查收")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the leaver's mail", func() bool { return len(ts.maildirFiles(leaver, "")) == 1 })
	approveAll := func(id uint64) {
		for range 6 {
			q := ts.request(t, id)
			if q.State != model.RequestPending {
				return
			}
			who := q.Steps[q.Current()].Approver
			if who == "" {
				who = admin
			}
			ts.as(t, who, &model.DecideRequest{ID: id, Approve: true})
		}
		t.Fatalf("request %d never finished", id)
	}
	leave := &model.FileRequest{Kind: model.RequestLeave, Subject: leaver, Successor: succ}
	ts.as(t, admin, leave)
	approveAll(leave.ID)
	hand := &model.FileRequest{Kind: model.RequestHandover, Subject: leaver}
	ts.as(t, succ, hand)
	approveAll(hand.ID)
	waitFor(t, "the handover's record", func() bool { return ts.request(t, hand.ID).Handed != nil })
	h := ts.request(t, hand.ID).Handed
	// The leaver's mailbox also holds the notices about the leave request
	// that reached it before it closed: as many as were there.
	if h.Messages < 1 || h.Bytes == 0 || h.Folder != "交接-王伟" {
		t.Errorf("recorded %+v", h)
	}
	got := ts.maildirFiles(succ, h.Folder)
	found := false
	for _, m := range got {
		found = found || strings.Contains(m, "请查收")
	}
	if len(got) != h.Messages || !found {
		t.Errorf("the successor's folder holds %d messages (the leaver's mail among them: %v), recorded %d", len(got), found, h.Messages)
	}
	var done bool
	ts.store.Read(func(rd *store.Reader) error {
		q, _ := rd.Request(leave.ID)
		done = q.Finished(rd, ts.clock.Now())
		return nil
	})
	if !done {
		t.Error("the leave request is not finished after the handover")
	}
}
