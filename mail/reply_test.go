package mail

import (
	"strconv"
	"strings"
	"testing"

	"postroom/model"
	"postroom/store"
)

func TestReplyDecision(t *testing.T) {
	for _, c := range []struct {
		text    string
		ok      bool
		approve bool
		comment string
	}{
		{"同意", true, true, ""},
		{"  同意，业务需要\r\n\r\n> 原邮件", true, true, "业务需要"},
		{"批准。\n第二行也是意见\n\n签名", true, true, "第二行也是意见"},
		{"Approve - fine by me\n> quoted", true, true, "fine by me"},
		{"approve", true, true, ""},
		{"驳回：请补充客户名称", true, false, "请补充客户名称"},
		{"拒绝", true, false, ""},
		{"REJECT: not now", true, false, "not now"},
		{"approved", false, false, ""},
		{"rejection", false, false, ""},
		{"我同意", false, false, ""},
		{"", false, false, ""},
		{"> 同意", false, false, ""},
	} {
		approve, comment, ok := replyDecision(c.text)
		if ok != c.ok || approve != c.approve || comment != c.comment {
			t.Errorf("replyDecision(%q) = %v %q %v, want %v %q %v", c.text, approve, comment, ok, c.approve, c.comment, c.ok)
		}
	}
}

// replyAddressIn reads the Reply-To address of the notice about request
// id in a mailbox.
func (ts *testServer) replyAddressIn(t *testing.T, a model.Address, id uint64) string {
	t.Helper()
	var addr string
	prefix := "Reply-To: postroom-reply+" + strconv.FormatUint(id, 10) + "-"
	for _, raw := range ts.maildirFiles(a, "") {
		for l := range strings.SplitSeq(raw, "\r\n") {
			if strings.HasPrefix(l, prefix) {
				addr = strings.TrimPrefix(l, "Reply-To: ")
			}
		}
	}
	if addr == "" {
		t.Fatalf("no Reply-To for request %d in %s's notices", id, a)
	}
	return addr
}

// TestReplyDecidesTheStep: the approver replies to the notice from their
// own mailbox and the step is decided with the comment; the same reply
// again, someone else's login, the inbound door and a reply without a
// decision word decide nothing.
func TestReplyDecidesTheStep(t *testing.T) {
	ts := newTestServer(t, nil)
	member := model.Address(demoLogin(t, "member").Address)
	officer := model.Address(demoLogin(t, "head").Address)
	owner := model.Address("lujianguo@example.com")
	runRelay(t, ts.relay)
	fr := &model.FileRequest{Kind: model.RequestGrant, Subject: member, Perm: "external", Reason: "客户往来"}
	ts.as(t, member, fr)
	ts.waitNotices(t, map[model.Address]int{officer: 1, member: 1})
	reply := ts.replyAddressIn(t, officer, fr.ID)
	if !strings.HasPrefix(reply, "postroom-reply+1-0-") || !strings.HasSuffix(reply, "@example.com") {
		t.Fatalf("reply address %q", reply)
	}
	contains(t, "the officer's notice", ts.notices(t, officer)[0][1], "也可以直接回复本邮件")

	// Someone else's mailbox, and mail from outside, cannot use it.
	other, from := ts.login("member")
	if err := send(other, string(from), []string{reply}, message(string(from), reply, "Re: request", "同意")); code(err) != 550 {
		t.Fatalf("another member's reply: %v, want 550", err)
	}
	in := ts.dial(ts.inbound)
	if err := send(in, "someone@outside.example", []string{reply}, message("someone@outside.example", reply, "Re: request", "同意")); code(err) != 550 {
		t.Fatalf("a reply from outside: %v, want 550", err)
	}
	c, _ := ts.login("head")
	if err := send(c, string(officer), []string{reply}, message(string(officer), reply, "Re: request", "好的，我看看")); code(err) != 550 {
		t.Fatalf("a reply without a decision: %v, want 550", err)
	}
	c.Reset()
	if err := send(c, string(officer), []string{reply, string(owner)}, message(string(officer), reply, "Re: request", "同意")); code(err) != 550 {
		t.Fatalf("a reply to the reply address and someone else: %v, want 550", err)
	}
	c.Reset()
	if q := ts.request(t, fr.ID); q.Current() != 0 {
		t.Fatalf("the refused replies decided step 1: %+v", q.Steps[0])
	}
	if err := send(c, string(officer), []string{reply}, message(string(officer), reply, "Re: request", "同意，业务需要\r\n\r\n> 原邮件")); err != nil {
		t.Fatalf("the approver's reply: %v", err)
	}
	q := ts.request(t, fr.ID)
	if s := q.Steps[0]; s.Verdict != model.VerdictApproved || s.By != officer || s.Comment != "业务需要" {
		t.Fatalf("step 1 after the reply: %+v", s)
	}
	c.Reset()
	if err := send(c, string(officer), []string{reply}, message(string(officer), reply, "Re: request", "同意")); code(err) != 550 {
		t.Fatalf("the same reply again: %v, want 550", err)
	}
	ts.waitNotices(t, map[model.Address]int{officer: 1, member: 2, owner: 1})

	// A rejection needs its reason.
	fr2 := &model.FileRequest{Kind: model.RequestGrant, Subject: member, Perm: "broadcast"}
	ts.as(t, member, fr2)
	ts.waitNotices(t, map[model.Address]int{officer: 2})
	reply2 := ts.replyAddressIn(t, officer, fr2.ID)
	if reply2 == reply {
		t.Fatal("two requests share a reply address")
	}
	c.Reset()
	if err := send(c, string(officer), []string{reply2}, message(string(officer), reply2, "Re: request", "驳回")); code(err) != 550 {
		t.Fatalf("a rejection without a reason: %v, want 550", err)
	}
	c.Reset()
	if err := send(c, string(officer), []string{reply2}, message(string(officer), reply2, "Re: request", "驳回：全员群发请走总经办")); err != nil {
		t.Fatalf("the rejection: %v", err)
	}
	if q := ts.request(t, fr2.ID); q.State != model.RequestRejected || q.Steps[0].Comment != "全员群发请走总经办" || q.Steps[0].By != officer {
		t.Fatalf("after the rejection: %s %+v", q.State, q.Steps[0])
	}

	// Each reply that reached DATA got a mail back, and a line in the
	// mail log: three that decided nothing, two that were recorded.
	waitFor(t, "the mails back", func() bool { return len(ts.noticesOf(t, officer, NoticeReply)) == 5 })
	var subjects []string
	for _, n := range ts.noticesOf(t, officer, NoticeReply) {
		subjects = append(subjects, n[0])
	}
	all := strings.Join(subjects, "\n")
	contains(t, "the mails back", all, "已记录：您对申请 1 的同意", "已记录：您对申请 2 的驳回", "未处理：您对申请 1 的回复", "未处理：您对申请 2 的回复")
	recs, err := ts.spool.SearchLog(store.LogFilter{Account: officer, Kind: "reply"})
	if err != nil || len(recs) != 5 {
		t.Fatalf("the mail log's replies: %v, %d records", err, len(recs))
	}
}

// FuzzReplyDecision: any reply text and any local part are read without a
// panic, the comment stays within its bound.
func FuzzReplyDecision(f *testing.F) {
	for _, s := range []string{"同意，好", "驳回：不行\n> x", "approve", "Reject - no", "\ufeff 批准", "postroom-reply+12-0-00112233445566778899aabbccddeeff", "postroom-reply+h019ae0f1c2d3e4f5a6b7-abcdefghijklmnopqrstuvwxyz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, comment, ok := replyDecision(s)
		if !ok && comment != "" {
			t.Fatalf("no decision but a comment %q", comment)
		}
		if n := len([]rune(comment)); n > maxReplyComment {
			t.Fatalf("comment of %d characters", n)
		}
		if _, step, mac, ok := parseReplyLocal(s); ok && (step < 0 || len(mac) != 32) {
			t.Fatalf("%q read as step %d, MAC %q", s, step, mac)
		}
		if msg, mac, ok := parseHeldReplyLocal(s); ok && (len(msg) != 20 || len(mac) != heldMACLen) {
			t.Fatalf("%q read as message %q, MAC %q", s, msg, mac)
		}
	})
}

func TestReplyAddressRoundTrip(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	a := replyAddress(key, "example.com", 42, 2, "LiuYang@example.com")
	local, _, _ := strings.Cut(string(a), "@")
	id, step, mac, ok := parseReplyLocal(strings.ToUpper(local))
	if !ok || id != 42 || step != 2 || mac != replyMAC(key, 42, 2, "liuyang@example.com") {
		t.Fatalf("%s read back as %d %d %s %v", a, id, step, mac, ok)
	}
	if replyMAC(key, 42, 2, "liuyang@example.com") == replyMAC(key, 42, 2, "wangwei@example.com") ||
		replyMAC(key, 42, 2, "liuyang@example.com") == replyMAC(key, 42, 3, "liuyang@example.com") {
		t.Fatal("the MAC does not bind the approver and the step")
	}
	for _, bad := range []string{"postroom-reply+", "postroom-reply+1-2", "postroom-reply+x-0-00112233445566778899aabbccddeeff", "postroom-reply+1--1-00112233445566778899aabbccddeeff", "liuyang"} {
		if _, _, _, ok := parseReplyLocal(bad); ok {
			t.Errorf("%q read as a reply address", bad)
		}
	}
	join := &model.Request{Kind: model.RequestJoin, Steps: []model.Step{{Role: model.StepOfficer}, {Role: model.StepIT}}}
	grant := &model.Request{Kind: model.RequestGrant, Steps: []model.Step{{Role: model.StepOfficer}, {Role: model.StepIT}}}
	if !replyable(join, 0) || replyable(join, 1) || !replyable(grant, 1) || replyable(grant, 2) {
		t.Error("replyable: a joiner's IT step makes a one-time password and is decided in the UI only")
	}
}
