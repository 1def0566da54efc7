package mail

import (
	"strings"
	"testing"

	"postroom/model"
	"postroom/store"
)

// headerValue is the value of a header field of a raw message ("" when absent).
func headerValue(raw, name string) string {
	head, _, _ := strings.Cut(raw, "\r\n\r\n")
	for l := range strings.SplitSeq(head, "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// noticesOf lists the decoded subject and text of a mailbox's notices of
// one kind (X-Postroom-Notice).
func (ts *testServer) noticesOf(t *testing.T, a model.Address, kind string) [][2]string {
	var out [][2]string
	for _, raw := range ts.maildirFiles(a, "") {
		if headerValue(raw, "X-Postroom-Notice") == kind {
			s, txt := noticeText(t, raw)
			out = append(out, [2]string{s, txt})
		}
	}
	return out
}

// holdSkipLevel sends a skip-level message from the member to
// huanghai@ (held for liuyang@, the member's head) and returns its id.
func (ts *testServer) holdSkipLevel(t *testing.T, subject string) string {
	t.Helper()
	c, from := ts.login("member")
	defer c.Close()
	if err := send(c, string(from), []string{"huanghai@example.com"}, message(string(from), "huanghai@example.com", subject, "请审阅")); err != nil {
		t.Fatal(err)
	}
	held, err := ts.spool.List(store.QueueFilter{Status: store.MsgHeld})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range held {
		if m.Subject == subject {
			return m.ID
		}
	}
	t.Fatalf("%q is not held: %+v", subject, held)
	return ""
}

// TestReplyDecidesHeldMail: the approval notice of held mail carries a
// reply address bound to the message and its approver; the approver's
// reply through submission releases (同意) or rejects (驳回 and a reason)
// it, once, logged as queue.release / queue.reject through the smtp door;
// another member's login cannot use it; the approver gets a mail back
// saying what was recorded or why nothing was, and the mail log keeps
// each reply with its outcome.
func TestReplyDecidesHeldMail(t *testing.T) {
	ts := newTestServer(t, nil)
	head := model.Address("liuyang@example.com")
	member := model.Address(demoLogin(t, "member").Address)
	runRelay(t, ts.relay)
	id := ts.holdSkipLevel(t, "越级汇报")
	var reply string
	waitFor(t, "the approval notice", func() bool {
		for _, raw := range ts.maildirFiles(head, "") {
			if headerValue(raw, "X-Postroom-Notice") == NoticeApproval {
				reply = headerValue(raw, "Reply-To")
			}
		}
		return reply != ""
	})
	if !strings.HasPrefix(reply, "postroom-reply+h"+id+"-") || !strings.HasSuffix(reply, "@example.com") {
		t.Fatalf("the approval notice's Reply-To %q", reply)
	}
	_, txt := noticeText(t, ts.maildirFiles(head, "")[0])
	contains(t, "the approval notice", txt, "也可以直接回复本邮件")

	other, from := ts.login("member")
	if err := send(other, string(from), []string{reply}, message(string(from), reply, "Re", "同意")); code(err) != 550 {
		t.Fatalf("the sender's own reply: %v, want 550", err)
	}
	c, _ := ts.login("head")
	if err := send(c, string(head), []string{reply}, message(string(head), reply, "Re: 越级汇报", "同意，可以")); err != nil {
		t.Fatalf("the approver's reply: %v", err)
	}
	waitFor(t, "the released message", func() bool { return len(ts.maildirFiles("huanghai@example.com", "")) == 1 })
	if m, _ := ts.spool.Message(id); m.DecidedBy != head || m.Decision != "released" {
		t.Errorf("the message after the reply: %+v", m)
	}
	c.Reset()
	if err := send(c, string(head), []string{reply}, message(string(head), reply, "Re: 越级汇报", "同意")); code(err) != 550 || !strings.Contains(err.Error(), "already released") {
		t.Fatalf("the same reply again: %v, want 550 already released", err)
	}
	waitFor(t, "two mails back", func() bool { return len(ts.noticesOf(t, head, NoticeReply)) == 2 })
	var got []string
	for _, n := range ts.noticesOf(t, head, NoticeReply) {
		got = append(got, n[0]+" | "+n[1])
	}
	all := strings.Join(got, "\n")
	contains(t, "the mails back", all, "已记录：您对待审邮件 "+id+" 的同意", "邮件已放行", "未处理：您对待审邮件 "+id+" 的回复", "处理人 "+string(head))

	recs, err := ts.spool.SearchLog(store.LogFilter{Account: head, Kind: "reply"})
	if err != nil || len(recs) != 2 {
		t.Fatalf("the mail log's replies: %v %+v", err, recs)
	}
	for _, r := range recs {
		if r.To[0] != reply || r.Door != "submission" || r.Account != head {
			t.Errorf("a reply's record: %+v", r)
		}
	}
	if !strings.Contains(recs[0].Reason+recs[1].Reason, "decided by reply: the message was released") ||
		!strings.Contains(recs[0].ReasonZH+recs[1].ReasonZH, "回复审批未生效") {
		t.Errorf("the replies' reasons: %q %q / %q %q", recs[0].Reason, recs[1].Reason, recs[0].ReasonZH, recs[1].ReasonZH)
	}
	if vs, _ := ts.spool.Violations(head, 10); len(vs) != 0 {
		t.Errorf("a refused reply is a violation of the approver: %+v", vs)
	}
	var op store.OpRecord
	ts.store.Read(func(r *store.Reader) error {
		ops, err := r.OpLog(store.OpFilter{Op: "queue.", Limit: 1})
		if len(ops) == 1 {
			op = ops[0]
		}
		return err
	})
	if op.Op != "queue.release" || op.Actor != head || op.Door != model.DoorSMTP || op.Target != id {
		t.Errorf("the operation log: %+v", op)
	}

	// A rejection, with its reason; the sender is told.
	id2 := ts.holdSkipLevel(t, "第二封越级")
	var reply2 string
	waitFor(t, "the second approval notice", func() bool {
		for _, raw := range ts.maildirFiles(head, "") {
			if v := headerValue(raw, "Reply-To"); strings.Contains(v, id2) {
				reply2 = v
			}
		}
		return reply2 != ""
	})
	c.Reset()
	if err := send(c, string(head), []string{reply2}, message(string(head), reply2, "Re", "驳回")); code(err) != 550 {
		t.Fatalf("a rejection without a reason: %v, want 550", err)
	}
	c.Reset()
	if err := send(c, string(head), []string{reply2}, message(string(head), reply2, "Re", "驳回：请先发给我")); err != nil {
		t.Fatalf("the rejection: %v", err)
	}
	if m, _ := ts.spool.Message(id2); m.Status != store.MsgRejected || m.Comment != "请先发给我" {
		t.Errorf("the message after the rejection: %+v", m)
	}
	waitFor(t, "the sender's rejected notice", func() bool { return len(ts.noticesOf(t, member, NoticeRejected)) == 1 })
}

func TestHeldReplyAddressRoundTrip(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	msg := "019ae0f1c2d3e4f5a6b7"
	mac := heldReplyMAC(key, msg, "LiuYang@example.com")
	local := heldReplyLocal + msg + "-" + mac
	if len(local) > 64 {
		t.Fatalf("the local part %q has %d bytes, more than SMTP allows", local, len(local))
	}
	got, gotMAC, ok := parseHeldReplyLocal(strings.ToUpper(local))
	if !ok || got != msg || gotMAC != heldReplyMAC(key, msg, "liuyang@example.com") {
		t.Fatalf("%s read back as %s %s %v", local, got, gotMAC, ok)
	}
	if heldReplyMAC(key, msg, "liuyang@example.com") == heldReplyMAC(key, msg, "wangwei@example.com") {
		t.Error("the MAC does not depend on the approver")
	}
	for _, bad := range []string{"postroom-reply+h" + msg, "postroom-reply+h" + msg[:19] + "-" + mac, "postroom-reply+hx19ae0f1c2d3e4f5a6b7-" + mac, "postroom-reply+1-0-" + mac} {
		if _, _, ok := parseHeldReplyLocal(bad); ok {
			t.Errorf("%q read as a held-mail reply address", bad)
		}
	}
	if _, _, _, ok := parseReplyLocal(local); ok {
		t.Errorf("%q read as a request's reply address", local)
	}
}
