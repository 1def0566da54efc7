package mail

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// annDept is a demo department of seven people.
const annDept = "技术部/研发中心/平台组/存储小组"

// lateClock moves the test clock a month past now, so the demo's
// accounts (opened when the demo was built) are old: no welcome letters,
// and announcements reach them.
func (ts *testServer) lateClock() {
	ts.clock.mu.Lock()
	ts.clock.t = time.Now().Add(30 * 24 * time.Hour).Truncate(time.Second)
	ts.clock.mu.Unlock()
}

// mailboxDir is a directory of a mailbox: new, cur or tmp.
func (ts *testServer) mailboxDir(a model.Address, sub string) string {
	local, domain, _ := strings.Cut(string(a), "@")
	return filepath.Join(ts.dir, "mail", domain, local, sub)
}

// announcementFiles lists the files in a mailbox's new/ that are copies of
// announcement id.
func (ts *testServer) announcementFiles(a model.Address, id uint64) []string {
	dir := ts.mailboxDir(a, "new")
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		if headerHas(filepath.Join(dir, e.Name()), []byte("X-Postroom-Announcement: "+strconv.FormatUint(id, 10))) {
			out = append(out, e.Name())
		}
	}
	return out
}

func deptID(t *testing.T, rd *store.Reader, path string) model.DeptID {
	t.Helper()
	d, err := rd.DeptByPath(path)
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

func (ts *testServer) recipients(t *testing.T, id uint64) []model.Address {
	t.Helper()
	var out []model.Address
	if err := ts.store.Read(func(rd *store.Reader) error {
		a, err := rd.Announcement(id)
		if err != nil {
			return err
		}
		out, err = rd.AnnouncementRecipients(a)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAnnouncementMailAndRecall (ANN-1, ANN-2): a published announcement
// reaches each member of the department once, by mail in their language
// and at their Home; one recipient's mail program fetches it (new/ → cur/);
// the recall takes it from every Home and every new/, and counts the
// fetched copy instead of guessing.
func TestAnnouncementMailAndRecall(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.lateClock()
	admin := model.Address(demoLogin(t, "admin").Address)
	act, err := actorOf(ts, admin)
	if err != nil {
		t.Fatal(err)
	}
	var dept []model.Address
	ts.store.Read(func(rd *store.Reader) error {
		dept, err = rd.AnnouncementRecipients(&model.Announcement{Depts: []model.DeptID{deptID(t, rd, annDept)}})
		return err
	})
	english := dept[1]
	ts.as(t, english, &model.SetPrefs{Address: english, Prefs: model.Prefs{Lang: "en"}})
	ts.run()
	pub := &model.PublishAnnouncement{Title: "存储扩容停机通知", Body: "本周六 22:00 至 24:00 存储扩容，期间服务暂停。", Depts: []string{annDept}}
	if err := ts.store.Apply(act, pub); err != nil {
		t.Fatal(err)
	}
	rcpts := ts.recipients(t, pub.ID)
	if len(rcpts) != 7 {
		t.Fatalf("%d recipients in %s, want 7", len(rcpts), annDept)
	}
	waitFor(t, "a copy in each mailbox", func() bool {
		for _, a := range rcpts {
			if len(ts.announcementFiles(a, pub.ID)) != 1 {
				return false
			}
		}
		return true
	})
	// The mail says it in the member's language; the Home shows it.
	for i, a := range rcpts[:2] {
		raw := ""
		for _, f := range ts.maildirFiles(a, "") {
			if strings.Contains(f, "X-Postroom-Announcement") {
				raw = f
			}
		}
		subject, text := noticeText(t, raw)
		want := "[公告] 存储扩容停机通知"
		if i == 1 {
			want = "[Announcement] 存储扩容停机通知"
		}
		if subject != want {
			t.Errorf("%s: subject %q, want %q", a, subject, want)
		}
		contains(t, "announcement", text, "本周六 22:00 至 24:00 存储扩容")
	}
	var home []*model.Announcement
	ts.store.Read(func(rd *store.Reader) error {
		m, _ := rd.Member(rcpts[0])
		home, err = rd.AnnouncementsFor(m)
		return err
	})
	if len(home) != 1 || home[0].ID != pub.ID {
		t.Fatalf("Home of %s shows %v", rcpts[0], home)
	}
	// A sweep queues nothing twice.
	if n, err := ts.relay.fanOut(pub.ID); err != nil || n != 0 {
		t.Fatalf("a second fan-out queued %d (%v)", n, err)
	}
	// One recipient's mail program fetches it.
	fetched := rcpts[3]
	name := ts.announcementFiles(fetched, pub.ID)[0]
	if err := os.MkdirAll(ts.mailboxDir(fetched, "cur"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(ts.mailboxDir(fetched, "new"), name), filepath.Join(ts.mailboxDir(fetched, "cur"), name+":2,S")); err != nil {
		t.Fatal(err)
	}
	counts, err := cmd.RecallAnnouncement(ts.store, act, ts.spool, ts.relay.Recall, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Recalled != 6 || counts.Fetched != 1 || counts.Failed != 0 {
		t.Fatalf("recall counted %+v, want recalled 6, fetched 1", counts)
	}
	for _, a := range rcpts {
		if n := len(ts.announcementFiles(a, pub.ID)); n != 0 {
			t.Errorf("%s still has %d copies in new/", a, n)
		}
	}
	if _, err := os.Stat(filepath.Join(ts.mailboxDir(fetched, "cur"), name+":2,S")); err != nil {
		t.Errorf("the fetched copy was touched: %v", err)
	}
	ts.store.Read(func(rd *store.Reader) error {
		m, _ := rd.Member(rcpts[0])
		home, err = rd.AnnouncementsFor(m)
		a, _ := rd.Announcement(pub.ID)
		if a.Recall == nil || *a.Recall != counts {
			t.Errorf("recorded counts %+v, want %+v", a.Recall, counts)
		}
		return err
	})
	if len(home) != 0 {
		t.Errorf("Home still shows %d announcements after the recall", len(home))
	}
	// Both ways are in the operation log.
	var ops []string
	ts.store.Read(func(rd *store.Reader) error {
		recs, err := rd.OpLog(store.OpFilter{})
		for _, r := range recs {
			if strings.HasPrefix(r.Op, "announce.") {
				ops = append(ops, r.Op)
			}
		}
		return err
	})
	if strings.Join(ops, " ") != "announce.publish announce.recall announce.recall.result" &&
		strings.Join(ops, " ") != "announce.recall.result announce.recall announce.publish" {
		t.Errorf("operation log has %v", ops)
	}
	// A second recall is refused and says when it was.
	if _, err := cmd.RecallAnnouncement(ts.store, act, ts.spool, ts.relay.Recall, pub.ID); err == nil || !strings.Contains(err.Error(), "already recalled") {
		t.Errorf("second recall: %v", err)
	}
}

// TestAnnouncementRecallQueued: copies still in the queue are cancelled,
// not delivered later, and counted as recalled.
func TestAnnouncementRecallQueued(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.lateClock()
	act, err := actorOf(ts, model.Address(demoLogin(t, "admin").Address))
	if err != nil {
		t.Fatal(err)
	}
	pub := &model.PublishAnnouncement{Title: "Notice", Body: "Queued only.", Depts: []string{annDept}}
	if err := ts.store.Apply(act, pub); err != nil {
		t.Fatal(err)
	}
	// The relay queues the copies but does not deliver (not running).
	n, err := ts.relay.fanOut(pub.ID)
	if err != nil || n != 7 {
		t.Fatalf("fan-out queued %d (%v), want 7", n, err)
	}
	counts, err := cmd.RecallAnnouncement(ts.store, act, ts.spool, ts.relay.Recall, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if counts != (model.RecallCounts{Recalled: 7, Cancelled: 7}) {
		t.Fatalf("counts %+v, want 7 recalled, all cancelled", counts)
	}
	active, err := ts.spool.List(store.QueueFilter{Active: true})
	if err != nil || len(active) != 0 {
		t.Fatalf("%d messages left in the queue (%v)", len(active), err)
	}
	// A relay started later queues nothing of a recalled announcement.
	if n, _ := ts.relay.fanOut(pub.ID); n != 0 {
		t.Errorf("fan-out after the recall queued %d", n)
	}
}

// TestRecallCopyRaces: a copy whose delivery the queue has not recorded
// yet is counted by where it is: still in new/ (removed, recalled), already
// fetched into cur/ (fetched, left alone), or nowhere (cancelled).
func TestRecallCopyRaces(t *testing.T) {
	for _, c := range []struct {
		where, want string
	}{{"new", "recalled"}, {"cur", "fetched"}, {"", "cancelled"}} {
		dir := t.TempDir()
		sp, err := store.OpenSpool(filepath.Join(dir, store.SpoolFile), store.SpoolOptions{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer sp.Close()
		to := model.Address("wangwei@example.com")
		m := &store.QueueMessage{Door: "system", From: "postmaster@example.com", Direction: "internal", Subject: "公告", Status: store.MsgQueued}
		if err := sp.Enqueue(m, []store.QueueRcpt{{Addr: to, Local: true}}, []byte("Subject: x\r\n\r\nbody\r\n")); err != nil {
			t.Fatal(err)
		}
		md := NewMaildir(filepath.Join(dir, "mail"), "mx.example.com", nil)
		box, err := md.MailboxDir(to, "")
		if err != nil {
			t.Fatal(err)
		}
		var file string
		if c.where != "" {
			if err := os.MkdirAll(filepath.Join(box, c.where), 0o700); err != nil {
				t.Fatal(err)
			}
			file = filepath.Join(box, c.where, "1700000000.M1P1.mx")
			if err := os.WriteFile(file, []byte(announceHeader+": 7\r\nSubject: 公告\r\n\r\nbody\r\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		got, err := recallCopy(sp, md, 7, to, m.ID)
		if err != nil || got != c.want {
			t.Errorf("a copy in %q: %q, %v; want %q", c.where, got, err, c.want)
		}
		_, statErr := os.Stat(file)
		if c.where == "new" && statErr == nil {
			t.Error("the copy in new/ is still there")
		}
		if c.where == "cur" && statErr != nil {
			t.Errorf("the fetched copy was touched: %v", statErr)
		}
	}
}
