package mail

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"postroom/model"
	"postroom/store"
)

// noticeText decodes a delivered notice: its subject and its text.
func noticeText(t *testing.T, raw string) (subject, text string) {
	t.Helper()
	head, body, ok := strings.Cut(raw, "\r\n\r\n")
	if !ok {
		t.Fatalf("no header end in %q", raw)
	}
	var h gomail.Header
	r, err := gomail.CreateReader(strings.NewReader(head + "\r\n\r\n"))
	if err == nil {
		h = r.Header
	}
	subject, _ = h.Subject()
	b, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(body))
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	return subject, string(b)
}

// notices are the request notices in a mailbox: subject and text of each.
func (ts *testServer) notices(t *testing.T, a model.Address) [][2]string {
	var out [][2]string
	for _, raw := range ts.maildirFiles(a, "") {
		if !strings.Contains(raw, "X-Postroom-Notice: request-") {
			continue
		}
		s, txt := noticeText(t, raw)
		out = append(out, [2]string{s, txt})
	}
	return out
}

func (ts *testServer) request(t *testing.T, id uint64) *model.Request {
	t.Helper()
	var q *model.Request
	if err := ts.store.Read(func(rd *store.Reader) error {
		var err error
		q, err = rd.Request(id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return q
}

// as applies a change as the member a.
func (ts *testServer) as(t *testing.T, a model.Address, c model.Change) {
	t.Helper()
	act, err := actorOf(ts, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.store.Apply(act, c); err != nil {
		t.Fatalf("%s as %s: %v", c.Op(), a, err)
	}
}

// runRelay starts r's delivery and notices; the function stops them.
func runRelay(t *testing.T, r *Relay) func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	t.Cleanup(stop)
	return stop
}

// waitNotices waits until each mailbox holds exactly the number of request
// notices given, and a moment more to see that no more come.
func (ts *testServer) waitNotices(t *testing.T, want map[model.Address]int) {
	t.Helper()
	ok := func() bool {
		for a, n := range want {
			if len(ts.notices(t, a)) != n {
				return false
			}
		}
		return true
	}
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end) && !ok(); time.Sleep(20 * time.Millisecond) {
	}
	time.Sleep(100 * time.Millisecond)
	if !ok() {
		for a, n := range want {
			t.Errorf("%s has %d request notices, want %d", a, len(ts.notices(t, a)), n)
			for _, x := range ts.notices(t, a) {
				t.Logf("  %s", x[0])
			}
		}
		t.FailNow()
	}
}

func contains(t *testing.T, what, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

func lacks(t *testing.T, what, text string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(text, w) {
			t.Errorf("%s has %q:\n%s", what, w, text)
		}
	}
}

// TestRequestNoticesAlongTheChain: a request filed through the store mails
// its first approver (in Chinese, the language they prefer) and its
// requester (in English, theirs); each approval mails the next approver and
// tells the requester; a rejection gives the requester the comment; a
// relay started again sends nothing twice.
func TestRequestNoticesAlongTheChain(t *testing.T) {
	ts := newTestServer(t, nil)
	member := model.Address(demoLogin(t, "member").Address)
	officer, owner := model.Address("liuyang@example.com"), model.Address("lujianguo@example.com")
	ts.as(t, member, &model.SetPrefs{Address: member, Prefs: model.Prefs{Lang: "en"}})
	ts.as(t, officer, &model.SetPrefs{Address: officer, Prefs: model.Prefs{Lang: "zh-CN"}})
	stop := runRelay(t, ts.relay)

	fr := &model.FileRequest{Kind: model.RequestGrant, Subject: member, Perm: "external", Reason: "联系客户报价"}
	ts.as(t, member, fr)
	id := strconv.FormatUint(fr.ID, 10)
	ts.waitNotices(t, map[model.Address]int{officer: 1, member: 1, owner: 0})

	subj, text := ts.notices(t, officer)[0][0], ts.notices(t, officer)[0][1]
	contains(t, "the officer's notice", subj, "待您审批：申请 "+id+"（权限申请）")
	contains(t, "the officer's notice", text, "现在等待您审批（第 1 步", "联系客户报价", "审批链：", "权限负责人",
		"获得权限 对外发信", "request approve "+id+" --comment", "request reject "+id+" --comment", "审批”页",
		"ssh -p 2222 liuyang@example.com@mx.example.com")
	lacks(t, "the officer's notice", text, "permission officer", "Waiting")
	subj, text = ts.notices(t, member)[0][0], ts.notices(t, member)[0][1]
	contains(t, "the requester's notice", subj, "Request "+id+" (grant): progress, now waiting on permission officer of")
	contains(t, "the requester's notice", text, "Your request "+id+" (grant) has moved on", "filed on", "Now waiting on: permission officer of",
		"gets the permission mail outside the company (external)", "My requests")

	ts.as(t, officer, &model.DecideRequest{ID: fr.ID, Approve: true, Comment: "同意，业务需要"})
	ts.waitNotices(t, map[model.Address]int{officer: 1, member: 2, owner: 1})
	var progress string
	for _, n := range ts.notices(t, member) {
		if strings.Contains(n[1], "approved by") {
			progress = n[1]
		}
	}
	contains(t, "the requester's progress", progress, "approved by", "at step 1", "同意，业务需要", "Now waiting on: permission officer of", "lujianguo@example.com")
	lacks(t, "the requester's progress", progress, "filed on")
	_, text = ts.notices(t, owner)[0][0], ts.notices(t, owner)[0][1]
	contains(t, "the owner's notice", text, "第 2 步", "已由", "同意，业务需要", "待审批（当前）")

	// Serve stops and starts again: nothing is sent twice.
	stop()
	before, _ := ts.spool.List(store.QueueFilter{})
	again, err := New(Options{DataDir: ts.dir, Config: ts.relay.cfg, Store: ts.store, Spool: ts.spool, Now: ts.clock.Now, Log: &panics})
	if err != nil {
		t.Fatal(err)
	}
	again.sweepRequests()
	again.noticeRequest(fr.ID)
	if after, _ := ts.spool.List(store.QueueFilter{}); len(after) != len(before) {
		t.Fatalf("the relay started again queued %d messages, want none", len(after)-len(before))
	}
	runRelay(t, again)

	ts.as(t, owner, &model.DecideRequest{ID: fr.ID, Approve: false, Comment: "暂不开放对外发信"})
	ts.waitNotices(t, map[model.Address]int{officer: 1, member: 3, owner: 1})
	var outcome [2]string
	for _, n := range ts.notices(t, member) {
		if strings.Contains(n[0], "rejected") {
			outcome = n
		}
	}
	contains(t, "the requester's outcome", outcome[0], "Request "+id+" (grant) rejected")
	contains(t, "the requester's outcome", outcome[1], "was rejected by", "at step 2", "Why: 暂不开放对外发信")
	again.sweepRequests()
	ts.waitNotices(t, map[model.Address]int{officer: 1, member: 3, owner: 1})
}

// TestRequestNoticesToITAndOutcomes: the unit step goes to the unit
// officers, IT's to the admins holding request.apply; the requester and
// the subject (when someone else) are told it was applied; a request nobody
// decides is reported expired by the sweep.
func TestRequestNoticesToITAndOutcomes(t *testing.T) {
	ts := newTestServer(t, nil)
	admin := model.Address(demoLogin(t, "admin").Address)
	hr := model.Address(demoLogin(t, "hr").Address)
	member := model.Address(demoLogin(t, "member").Address)
	officer, owner, unit := model.Address("liuyang@example.com"), model.Address("lujianguo@example.com"), model.Address("simawanqing@example.com")
	ts.as(t, admin, &model.SetPrefs{Address: admin, Prefs: model.Prefs{Lang: "en"}})
	runRelay(t, ts.relay)

	fr := &model.FileRequest{Kind: model.RequestGrant, Subject: member, Perm: "external", Reason: "客户往来"}
	ts.as(t, hr, fr)
	ts.waitNotices(t, map[model.Address]int{officer: 1, hr: 1, member: 1})
	_, text := ts.notices(t, member)[0][0], ts.notices(t, member)[0][1]
	contains(t, "the subject's notice", text, "为您提交的申请")
	ts.as(t, officer, &model.DecideRequest{ID: fr.ID, Approve: true})
	ts.waitNotices(t, map[model.Address]int{officer: 1, owner: 1, hr: 2, member: 2})
	ts.as(t, owner, &model.DecideRequest{ID: fr.ID, Approve: true})
	ts.waitNotices(t, map[model.Address]int{owner: 1, unit: 1, hr: 3, member: 3})
	contains(t, "the unit officer's notice", ts.notices(t, unit)[0][1], "单位权限负责人")
	ts.as(t, unit, &model.DecideRequest{ID: fr.ID, Approve: true})
	ts.waitNotices(t, map[model.Address]int{unit: 1, admin: 1, hr: 4, member: 4})
	subj, text := ts.notices(t, admin)[0][0], ts.notices(t, admin)[0][1]
	contains(t, "the admin's notice", subj, "Waiting for your decision: request")
	contains(t, "the admin's notice", text, "step 4: IT (any admin) applies it", "Approvals pane")
	ts.as(t, admin, &model.DecideRequest{ID: fr.ID, Approve: true})
	ts.waitNotices(t, map[model.Address]int{admin: 1, hr: 5, member: 5})
	last := func(a model.Address) [2]string {
		var out [2]string
		for _, n := range ts.notices(t, a) {
			if strings.Contains(n[1], "已执行") || strings.Contains(n[0], "已批准并执行") {
				out = n
			}
		}
		return out
	}
	contains(t, "the requester's outcome", last(hr)[0], "已批准并执行")
	contains(t, "the subject's outcome", last(member)[1], "为您提交的申请", "获得权限 对外发信")
	if testing.Verbose() {
		for _, a := range []model.Address{admin, hr, member} {
			for _, n := range ts.notices(t, a) {
				t.Logf("to %s: %s\n%s", a, n[0], n[1])
			}
		}
	}

	// Nobody decides the next one: the sweep says it expired.
	fr2 := &model.FileRequest{Kind: model.RequestGrant, Subject: member, Perm: "broadcast"}
	ts.as(t, member, fr2)
	ts.waitNotices(t, map[model.Address]int{member: 6})
	ts.clock.Add(model.DefaultRequestExpiry + time.Hour)
	ts.relay.sweepRequests()
	ts.waitNotices(t, map[model.Address]int{member: 7})
	var expired [2]string
	for _, n := range ts.notices(t, member) {
		if strings.Contains(n[0], "已过期") {
			expired = n
		}
	}
	contains(t, "the expiry notice", expired[1], "无人处理，已过期", "当时等待", "请重新提交")
	ts.relay.sweepRequests()
	ts.waitNotices(t, map[model.Address]int{member: 7})
}

// TestRequestNoticesHandedStep: a step handed to a deputy mails the deputy
// that it waits for them, and tells the requester whom it was handed to.
func TestRequestNoticesHandedStep(t *testing.T) {
	ts := newTestServer(t, nil)
	member := model.Address(demoLogin(t, "member").Address)
	officer := model.Address("liuyang@example.com")
	deputy := model.Address(demoLogin(t, "hr").Address)
	runRelay(t, ts.relay)
	fr := &model.FileRequest{Kind: model.RequestGrant, Subject: member, Perm: "external"}
	ts.as(t, member, fr)
	ts.waitNotices(t, map[model.Address]int{officer: 1, member: 1})
	ts.as(t, officer, &model.HandStep{ID: fr.ID, To: deputy, Comment: "出差一周"})
	ts.waitNotices(t, map[model.Address]int{officer: 1, member: 2, deputy: 1})
	contains(t, "the deputy's notice", ts.notices(t, deputy)[0][1], "现在等待您审批（第 1 步", "已转交")
	var handed string
	for _, n := range ts.notices(t, member) {
		if strings.Contains(n[1], "转交给") {
			handed = n[1]
		}
	}
	contains(t, "the requester's notice", handed, "第 1 步", "已转交给", string(deputy), "现在等待")
	ts.relay.sweepRequests()
	ts.waitNotices(t, map[model.Address]int{officer: 1, member: 2, deputy: 1})
}

func TestBuildRequestNoticeRefuses(t *testing.T) {
	d := RequestNoticeData{To: "a@example.com", From: "postmaster@example.com", Date: time.Now(), ID: 1}
	if _, err := BuildRequestNotice("held", "en", d); err == nil {
		t.Error("a held notice was built from request data")
	}
	d.From = ""
	if _, err := BuildRequestNotice(NoticeRequestTurn, "en", d); err == nil {
		t.Error("a notice without From was built")
	}
	d.From, d.Reason, d.Comment = "postmaster@example.com", "a\r\nBcc: x@evil.example", "ok"
	for _, kind := range []string{NoticeRequestTurn, NoticeRequestProgress, NoticeRequestOutcome} {
		for _, lang := range []string{"en", "zh-CN"} {
			msg, err := BuildRequestNotice(kind, lang, d)
			if err != nil {
				t.Fatalf("%s %s: %v", kind, lang, err)
			}
			if strings.Contains(string(msg), "\r\nBcc:") {
				t.Errorf("%s %s: a line break in the reason made a header", kind, lang)
			}
		}
	}
}

// TestRequestNoticesWithdrawn: the approver a withdrawn request waited on
// hears it was withdrawn, with who withdrew it and why; the requester who
// withdrew it is not mailed about their own act; when an admin withdraws
// it, the requester and the subject are told; an approver who was never
// told it waited for them hears nothing; the sweep sends nothing twice.
func TestRequestNoticesWithdrawn(t *testing.T) {
	ts := newTestServer(t, nil)
	admin := model.Address(demoLogin(t, "admin").Address)
	hr := model.Address(demoLogin(t, "hr").Address)
	member := model.Address(demoLogin(t, "member").Address)
	officer, owner := model.Address("liuyang@example.com"), model.Address("lujianguo@example.com")
	ts.as(t, officer, &model.SetPrefs{Address: officer, Prefs: model.Prefs{Lang: "en"}})
	runRelay(t, ts.relay)

	fr := &model.FileRequest{Kind: model.RequestGrant, Subject: member, Perm: "external"}
	ts.as(t, member, fr)
	ts.waitNotices(t, map[model.Address]int{officer: 1, member: 1})
	ts.as(t, member, &model.WithdrawRequest{ID: fr.ID, Comment: "客户已取消"})
	ts.waitNotices(t, map[model.Address]int{officer: 2, member: 1, owner: 0})
	var got [2]string
	for _, n := range ts.notices(t, officer) {
		if strings.Contains(n[0], "withdrawn") {
			got = n
		}
	}
	contains(t, "the approver's notice", got[0], "Request "+strconv.FormatUint(fr.ID, 10), "withdrawn")
	contains(t, "the approver's notice", got[1], "waited for your decision at step 1", "was withdrawn by", string(member),
		"nothing for you to decide", "Why: 客户已取消")

	// An admin withdraws what HR filed: HR and the subject are told, in
	// Chinese, and so is the approver.
	fr2 := &model.FileRequest{Kind: model.RequestGrant, Subject: member, Perm: "external"}
	ts.as(t, hr, fr2)
	ts.waitNotices(t, map[model.Address]int{officer: 3, hr: 1, member: 2})
	ts.as(t, admin, &model.WithdrawRequest{ID: fr2.ID})
	ts.waitNotices(t, map[model.Address]int{officer: 4, hr: 2, member: 3, admin: 0})
	var hrs [2]string
	for _, n := range ts.notices(t, hr) {
		if strings.Contains(n[0], "已撤回") {
			hrs = n
		}
	}
	contains(t, "the requester's notice", hrs[1], "您提交的申请", "撤回", string(admin), "不再审批")
	lacks(t, "the requester's notice", hrs[1], "撤回理由")
	ts.relay.sweepRequests()
	ts.waitNotices(t, map[model.Address]int{officer: 4, hr: 2, member: 3, admin: 0, owner: 0})
}
