package mail

import (
	"strings"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

// blockNotices are the notices of a block in a mailbox: subject and text.
func (ts *testServer) blockNotices(t *testing.T, a model.Address) [][2]string {
	var out [][2]string
	for _, raw := range ts.maildirFiles(a, "") {
		if strings.Contains(raw, "X-Postroom-Notice: blocked") {
			s, txt := noticeText(t, raw)
			out = append(out, [2]string{s, txt})
		}
	}
	return out
}

// waitBlockNotices waits until each mailbox holds the number of block
// notices given, and a moment more to see that no more come.
func (ts *testServer) waitBlockNotices(t *testing.T, want map[model.Address]int) {
	t.Helper()
	ok := func() bool {
		for a, n := range want {
			if len(ts.blockNotices(t, a)) != n {
				return false
			}
		}
		return true
	}
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end) && !ok(); time.Sleep(20 * time.Millisecond) {
	}
	time.Sleep(100 * time.Millisecond)
	for a, n := range want {
		if got := len(ts.blockNotices(t, a)); got != n {
			t.Fatalf("%s has %d block notices, want %d", a, got, n)
		}
	}
}

// TestBlockNotices: the third warning tells the person (in Chinese, their
// language) and their head (in English, theirs) once each: a block made
// while serve was stopped by the sweep at start, a block made while it runs
// by the member's event; a relay started again sends nothing twice, and a
// new block after an unblock is told again.
func TestBlockNotices(t *testing.T) {
	ts := newTestServer(t, nil)
	member, head := model.Address("wangwei@example.com"), model.Address("liuyang@example.com")
	admin := model.Address(demoLogin(t, "admin").Address)
	ts.as(t, head, &model.SetPrefs{Address: head, Prefs: model.Prefs{Lang: "en"}})
	warn := func(reason string) {
		for i := range 3 {
			ts.as(t, admin, &model.WarnMember{Address: member, Reason: reason + string(rune('1'+i))})
		}
	}
	warn("群发广告")
	stop := runRelay(t, ts.relay)
	ts.waitBlockNotices(t, map[model.Address]int{member: 1, head: 1, admin: 0})

	subj, text := ts.blockNotices(t, member)[0][0], ts.blockNotices(t, member)[0][1]
	contains(t, "the person's notice", subj, "您的邮箱 wangwei@example.com 因 3 次警告已被屏蔽")
	contains(t, "the person's notice", text, "群发广告1", "群发广告3", "不能登录和发信", "照常保留", "解除屏蔽申请", "刘洋")
	subj, text = ts.blockNotices(t, head)[0][0], ts.blockNotices(t, head)[0][1]
	contains(t, "the head's notice", subj, "The mailbox of", "wangwei@example.com", "blocked after 3 warnings")
	contains(t, "the head's notice", text, "your department", "群发广告2", "request file unblock --member wangwei@example.com --reason TEXT",
		"ssh -p 2222 liuyang@example.com@mx.example.com", "mail sent to them is kept")

	stop()
	before, _ := ts.spool.List(store.QueueFilter{})
	again, err := New(Options{DataDir: ts.dir, Config: ts.relay.cfg, Store: ts.store, Spool: ts.spool, Now: ts.clock.Now, Log: &panics})
	if err != nil {
		t.Fatal(err)
	}
	again.sweepBlocked()
	again.noticeBlocked(member)
	if after, _ := ts.spool.List(store.QueueFilter{}); len(after) != len(before) {
		t.Fatalf("the relay started again queued %d messages, want none", len(after)-len(before))
	}
	runRelay(t, again)

	fr := &model.FileRequest{Kind: model.RequestUnblock, Subject: member, Reason: "已整改"}
	ts.as(t, head, fr)
	for range 4 {
		q := ts.request(t, fr.ID)
		if q.State != model.RequestPending {
			break
		}
		by := admin
		if s := q.Steps[q.Current()]; s.Approver != "" {
			by = s.Approver
		}
		ts.as(t, by, &model.DecideRequest{ID: fr.ID, Approve: true})
	}
	if q := ts.request(t, fr.ID); q.State != model.RequestApplied {
		t.Fatalf("the unblock request is %s", q.State)
	}
	ts.clock.Add(time.Minute)
	warn("超大附件")
	ts.waitBlockNotices(t, map[model.Address]int{member: 2, head: 2})
}
