package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// run starts the delivery workers for the test's lifetime.
func (ts *testServer) run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ts.relay.Run(ctx); close(done) }()
	ts.t.Cleanup(func() { cancel(); <-done })
}

// maildirFiles lists the messages in a mailbox's new/ (or a folder's).
func (ts *testServer) maildirFiles(addr model.Address, folder string) []string {
	local, domain, _ := strings.Cut(string(addr), "@")
	dir := filepath.Join(ts.dir, "mail", domain, local)
	if folder != "" {
		name, err := FolderDirName(folder)
		if err != nil {
			ts.t.Fatal(err)
		}
		dir = filepath.Join(dir, name)
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "new"))
	var out []string
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(dir, "new", e.Name()))
		out = append(out, string(b))
	}
	return out
}

// waitFor polls cond until it holds. The limit is generous: it costs
// nothing when the condition comes, and a 2-core machine busy with other
// builds can take seconds to deliver the demo company's mail.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestSubmitDeliversToMaildir(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.run()
	c, from := ts.login("member")
	to := "liuyang@example.com"
	if err := send(c, string(from), []string{to}, message(string(from), to, "=?UTF-8?B?5ZGo5Lya?=", "明天十点开会")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delivery", func() bool { return len(ts.maildirFiles("liuyang@example.com", "")) == 1 })
	got := ts.maildirFiles("liuyang@example.com", "")[0]
	for _, want := range []string{"Delivered-To: liuyang@example.com", "Received: from client.test", "by mx.example.com (postroom)"} {
		if !strings.Contains(got, want) {
			t.Errorf("delivered message lacks %q:\n%s", want, got)
		}
	}
	// The result is recorded after the delivery, in a commit of its own.
	var recs []store.MailRecord
	var err error
	waitFor(t, "the mail log's delivered", func() bool {
		recs, err = ts.spool.SearchLog(store.LogFilter{Account: from})
		return err != nil || len(recs) == 1 && recs[0].Status == "delivered"
	})
	if err != nil || len(recs) != 1 || recs[0].Subject != "周会" || recs[0].Status != "delivered" {
		t.Fatalf("mail log: %v %+v", err, recs)
	}
}

func TestAllStaffHeldThenReleasedOnce(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.run()
	r := submitRaw(t, ts, "member")
	from := model.Address(demoLogin(t, "member").Address)
	r.expectCmd("MAIL FROM:<"+string(from)+">", "250")
	r.expectCmd("RCPT TO:<all@example.com>", "250")
	r.expectCmd("DATA", "354")
	r.send(message(string(from), "all@example.com", "周末聚餐", "大家好") + ".\r\n")
	reply := r.expect("250 2.0.0 Message held for approval: request ")
	held, lerr := ts.spool.List(store.QueueFilter{Status: store.MsgHeld})
	if lerr != nil || len(held) != 1 || !strings.Contains(reply, held[0].ID) {
		t.Fatalf("held messages: %v %+v (reply %q)", lerr, held, reply)
	}
	m := held[0]
	if m.Approver == "" || m.Approver == from {
		t.Fatalf("approver %q", m.Approver)
	}
	// Never tried: no recipient has a next attempt (zero is due with its
	// message, whenever that is released).
	rs, err := ts.spool.Rcpts(m.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, rc := range rs {
		if !rc.NextAttempt.IsZero() {
			t.Fatalf("recipient %s of new mail has a next attempt %v; want none until a temporary failure", rc.Addr, rc.NextAttempt)
		}
	}
	vs, _ := ts.spool.Violations(from, 10)
	if len(vs) != 1 || vs[0].Action != "hold" {
		t.Fatalf("violations: %+v", vs)
	}
	// The sender and the approver are told.
	waitFor(t, "held notice", func() bool { return len(ts.maildirFiles(from, "")) == 1 })
	if _, err := ts.spool.Release(m.ID, m.Approver, ts.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.spool.Release(m.ID, m.Approver, ts.clock.Now()); err == nil {
		t.Fatal("a second release went through")
	}
	ts.relay.Kick()
	waitFor(t, "delivery to all staff", func() bool {
		got, _ := ts.spool.Message(m.ID)
		return got != nil && got.Status == store.MsgDone
	})
	done, _ := ts.spool.Message(m.ID)
	if done.Delivered < 300 {
		t.Fatalf("delivered to %d mailboxes, want the whole company", done.Delivered)
	}
}

func TestInboundCatchAll(t *testing.T) {
	ts := newTestServer(t, nil)
	admin := demoLogin(t, "admin")
	act, err := cmd.LocalActor(ts.store, admin.Address)
	if err != nil {
		t.Fatal(err)
	}
	var pol model.MailPolicy
	ts.store.Read(func(r *store.Reader) error { pol, err = r.MailPolicy(); return err })
	pol.UnknownLocal, pol.CatchAll = model.UnknownCatchAll, "it.admin@example.com"
	if err := ts.store.Apply(act, &model.SetMailPolicy{Policy: pol}); err != nil {
		t.Fatal(err)
	}
	ts.run()
	c := ts.dial(ts.inbound)
	if err := send(c, "customer@outside.test", []string{"sales-old@example.com"}, message("customer@outside.test", "sales-old@example.com", "询价", "请报价")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "catch-all delivery", func() bool { return len(ts.maildirFiles("it.admin@example.com", "邮件转移")) == 1 })
}

func TestLapsedHoldIsRejectedAndTold(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.Queue.HoldFor = Duration(time.Hour) })
	ts.run()
	c, from := ts.login("member")
	send(c, string(from), []string{"all@example.com"}, message(string(from), "all@example.com", "团建", "周六"))
	held, _ := ts.spool.List(store.QueueFilter{Status: store.MsgHeld})
	if len(held) != 1 {
		t.Fatalf("held: %+v", held)
	}
	waitFor(t, "held notice", func() bool { return len(ts.maildirFiles(from, "")) == 1 })
	ts.relay.sweep()
	if m, _ := ts.spool.Message(held[0].ID); m.Status != store.MsgHeld {
		t.Fatalf("swept before its time: %s", m.Status)
	}
	ts.clock.Add(2 * time.Hour)
	ts.relay.sweep()
	if m, _ := ts.spool.Message(held[0].ID); m.Status != store.MsgRejected {
		t.Fatalf("after the hold lapsed: %s, want rejected", m.Status)
	}
	waitFor(t, "rejected notice", func() bool { return len(ts.maildirFiles(from, "")) == 2 })
	// Both notices list ten of the whole company and say how many more
	// (in the sender's language: "and N more" or "等 N 人").
	n := held[0].Rcpts
	if n <= 10 {
		t.Fatalf("all@ expanded to %d recipients; the test needs more than ten", n)
	}
	for _, raw := range ts.maildirFiles(from, "") {
		_, text := readNotice(t, []byte(raw))
		if !strings.Contains(text, fmt.Sprintf(" and %d more", n-10)) && !strings.Contains(text, fmt.Sprintf(" 等 %d 人", n)) {
			t.Errorf("the notice does not say how many recipients are not listed (%d in all):\n%s", n, text)
		}
	}
}

// grantChange gives a member a permission grant directly, as the relay's
// tests need it (the perm and request commands have their own tests).
type grantChange struct {
	who   model.Address
	grant model.Grant
}

func (g grantChange) Op() string                              { return "test.grant" }
func (g grantChange) Target() string                          { return string(g.who) }
func (g grantChange) Authorize(model.View, model.Actor) error { return nil }
func (g grantChange) Apply(tx model.Tx, env model.Env) error {
	m, err := tx.Member(g.who)
	if err != nil {
		return err
	}
	m = m.Clone()
	m.Grants = append(m.Grants, g.grant)
	return tx.PutMember(m)
}

func TestSharedMailboxSendAs(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.run()
	c, from := ts.login("hr")
	to := "wangwei@example.com"
	msg := message("hr@example.com", to, "放假通知", "元旦放假三天。")
	if err := send(c, string(from), []string{to}, msg); code(err) != 550 {
		t.Fatalf("From hr@ without a grant: %v, want 550", err)
	}
	c.Reset()
	now := ts.clock.Now()
	if err := ts.store.Apply(model.System(model.DoorCLI), grantChange{from, model.Grant{Perm: "sendas:hr@example.com", Source: "direct", Until: now.Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if err := send(c, string(from), []string{to}, msg); err != nil {
		t.Fatalf("From hr@ with a grant: %v", err)
	}
	waitFor(t, "delivery", func() bool { return len(ts.maildirFiles(model.Address(to), "")) == 1 })
	got := ts.maildirFiles(model.Address(to), "")[0]
	if !strings.Contains(got, "Sender: ") || !strings.Contains(got, string(from)) {
		t.Errorf("the real sender is not named:\n%s", got)
	}
	// The grant ends: the same mail is refused again.
	ts.clock.Add(2 * time.Hour)
	c.Reset()
	if err := send(c, string(from), []string{to}, msg); code(err) != 550 {
		t.Fatalf("From hr@ after the grant ended: %v, want 550", err)
	}
}

// TestDelegatedSendAsIsLogged: a member who borrows sendas:hr@ through an
// applied delegation sends as hr@; the mail log records the use as a
// delegation, naming the lender and the request; once the lender is marked
// back the same mail is refused (PERM-3).
func TestDelegatedSendAsIsLogged(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.run()
	lender := demoLogin(t, "hr").Address
	c, from := ts.login("member")
	now := ts.clock.Now()
	sys := model.System(model.DoorCLI)
	if err := ts.store.Apply(sys, grantChange{model.Address(lender), model.Grant{Perm: "sendas:hr@example.com", Source: "direct"}}); err != nil {
		t.Fatal(err)
	}
	file := &model.FileRequest{Kind: model.RequestDelegate, Subject: model.Address(lender), To: from, Until: now.Add(time.Hour)}
	if err := ts.store.Apply(sys, file); err != nil {
		t.Fatal(err)
	}
	for range 4 { // the chain's signatures, then IT: postroom signs every step here
		var r *model.Request
		ts.store.Read(func(rd *store.Reader) error { r, _ = rd.Request(file.ID); return nil })
		if r.State == model.RequestApplied {
			break
		}
		i := r.Current()
		act := sys
		if r.Steps[i].Approver != "" {
			a, err := actorOf(ts, r.Steps[i].Approver)
			if err != nil {
				t.Fatal(err)
			}
			act = a
		}
		if err := ts.store.Apply(act, &model.DecideRequest{ID: file.ID, Approve: true}); err != nil {
			t.Fatal(err)
		}
	}
	to := "wangwei@example.com"
	msg := message("hr@example.com", to, "通知", "请查收。")
	if err := send(c, string(from), []string{to}, msg); err != nil {
		t.Fatalf("From hr@ on a delegation: %v", err)
	}
	// The request's notices are in the queue too: take the member's message.
	list, err := ts.spool.List(store.QueueFilter{Account: from})
	if err != nil || len(list) == 0 {
		t.Fatalf("queue: %v %v", list, err)
	}
	m := list[0]
	if !slices.Contains(m.Rules, model.RuleDelegation) || !strings.Contains(strings.Join(m.Reasons, " "), "lent by "+lender) {
		t.Errorf("the mail log does not record the delegated use: rules %v, reasons %v", m.Rules, m.Reasons)
	}
	if len(m.ReasonsZH) != len(m.Reasons) || !strings.Contains(strings.Join(m.ReasonsZH, " "), "临时授予") {
		t.Errorf("the Chinese reasons do not match the English: %v / %v", m.ReasonsZH, m.Reasons)
	}
	if err := ts.store.Apply(sys, &model.MarkBack{Address: model.Address(lender)}); err != nil {
		t.Fatal(err)
	}
	c.Reset()
	if err := send(c, string(from), []string{to}, msg); code(err) != 550 {
		t.Fatalf("From hr@ after the lender is back: %v, want 550", err)
	}
}

func actorOf(ts *testServer, a model.Address) (model.Actor, error) {
	var act model.Actor
	err := ts.store.Read(func(r *store.Reader) error {
		var err error
		act, err = r.Actor(a, model.DoorCLI, "test")
		return err
	})
	return act, err
}

// TestHeldMailEvents: held mail arriving through the relay and a hold the
// sweeper decides each publish a "queue" event, so other sessions' queue
// and Home reload (they stayed stale until reloaded by hand).
func TestHeldMailEvents(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.Queue.HoldFor = Duration(time.Hour) })
	ts.run()
	events, stop := ts.store.Subscribe()
	defer stop()
	next := func(what, id string) {
		t.Helper()
		for {
			select {
			case e := <-events:
				if e.Kind == "queue" && e.Key == id {
					return
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%s: no queue event for %s", what, id)
			}
		}
	}
	c, from := ts.login("member")
	if err := send(c, string(from), []string{"all@example.com"}, message(string(from), "all@example.com", "团建", "周六")); err != nil {
		t.Fatal(err)
	}
	held, _ := ts.spool.List(store.QueueFilter{Status: store.MsgHeld})
	if len(held) != 1 {
		t.Fatalf("held: %+v", held)
	}
	next("held mail arrived", held[0].ID)
	ts.clock.Add(2 * time.Hour)
	ts.relay.sweep()
	next("the sweeper rejected it", held[0].ID)
}

// TestReasonsInBothLanguages: the relay keeps a policy's reasons in
// English (the fields scripts read: reasons, reason, history) and in
// Chinese beside them, for held mail (the message, its mail-log record and
// history, the violation) and refused mail (record and violation).
func TestReasonsInBothLanguages(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.run()
	c, from := ts.login("member")
	if err := send(c, string(from), []string{"all@example.com"}, message(string(from), "all@example.com", "周末聚餐", "大家好")); err != nil {
		t.Fatal(err)
	}
	held, _ := ts.spool.List(store.QueueFilter{Status: store.MsgHeld})
	if len(held) != 1 {
		t.Fatalf("held: %+v", held)
	}
	m := held[0]
	han := func(s string) bool {
		return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
	}
	english := func(s string) bool { return s != "" && !han(s) }
	if len(m.Reasons) == 0 || len(m.ReasonsZH) != len(m.Reasons) {
		t.Fatalf("reasons %q, in Chinese %q", m.Reasons, m.ReasonsZH)
	}
	for i := range m.Reasons {
		if !english(m.Reasons[i]) || !han(m.ReasonsZH[i]) {
			t.Errorf("reason %d: %q / %q", i, m.Reasons[i], m.ReasonsZH[i])
		}
	}
	recs, _ := ts.spool.SearchLog(store.LogFilter{Account: from, Kind: "held"})
	if len(recs) != 1 || !english(recs[0].Reason) || !han(recs[0].ReasonZH) {
		t.Fatalf("mail log: %+v", recs)
	}
	vs, _ := ts.spool.Violations(from, 10)
	if len(vs) != 1 || !english(vs[0].Reason) || !han(vs[0].ReasonZH) {
		t.Fatalf("violations: %+v", vs)
	}
	if _, err := ts.spool.Release(m.ID, m.Approver, ts.clock.Now()); err != nil {
		t.Fatal(err)
	}
	recs, _ = ts.spool.SearchLog(store.LogFilter{Account: from, Kind: "released"})
	if len(recs) != 1 {
		t.Fatalf("released: %+v", recs)
	}
	r := recs[0]
	if len(r.History) != 1 || r.History[0] != "held: "+strings.Join(m.Reasons, "; ") {
		t.Errorf("history %q", r.History)
	}
	if len(r.HistoryZH) != 1 || r.HistoryZH[0] != "held: "+strings.Join(m.ReasonsZH, "; ") || r.ReasonZH != "" {
		t.Errorf("history in Chinese %q, reason in Chinese %q (the release has none)", r.HistoryZH, r.ReasonZH)
	}
	raw, _ := json.Marshal(r)
	if !strings.Contains(string(raw), `"reason":"released by `) || !strings.Contains(string(raw), `"history":["held: `+m.Reasons[0]) {
		t.Errorf("the JSON's English fields changed: %s", raw)
	}

	// Refused: the member writes as hr@ without the right.
	c.Reset()
	to := "liuyang@example.com"
	if err := send(c, string(from), []string{to}, message("hr@example.com", to, "放假通知", "元旦放假三天。")); code(err) != 550 {
		t.Fatalf("From hr@: %v, want 550", err)
	}
	recs, _ = ts.spool.SearchLog(store.LogFilter{Account: from, Kind: "refused"})
	if len(recs) != 1 || recs[0].Reason == "" || han(recs[0].Reason) || !han(recs[0].ReasonZH) {
		t.Fatalf("refused: %+v", recs)
	}
	vs, _ = ts.spool.Violations(from, 10)
	if len(vs) != 2 || vs[0].Action != "refuse" || vs[0].Reason != recs[0].Reason || vs[0].ReasonZH != recs[0].ReasonZH {
		t.Fatalf("violations: %+v", vs)
	}
}

// TestBackupRuleCopies: with a backup rule for a sender, their mail also
// reaches the backup mailbox (MAILFX-2); mail of others does not.
func TestBackupRuleCopies(t *testing.T) {
	ts := newTestServer(t, nil)
	from := model.Address(demoLogin(t, "member").Address)
	backup := model.Address(demoLogin(t, "auditor").Address)
	var pol model.MailPolicy
	ts.store.Read(func(r *store.Reader) error { var err error; pol, err = r.MailPolicy(); return err })
	pol.Backup = []model.BackupRule{{Name: "watch", Mailbox: backup, Senders: []model.Address{from}}}
	if err := ts.store.Apply(model.System(model.DoorCLI), &model.SetMailPolicy{Policy: pol}); err != nil {
		t.Fatal(err)
	}
	ts.run()
	c, _ := ts.login("member")
	if err := send(c, string(from), []string{"liuyang@example.com"}, message(string(from), "liuyang@example.com", "周报", "本周进展")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delivery and its backup copy", func() bool {
		return len(ts.maildirFiles("liuyang@example.com", "")) == 1 && len(ts.maildirFiles(backup, "")) == 1
	})
	if got := ts.maildirFiles(backup, "")[0]; !strings.Contains(got, "Subject: 周报") || !strings.Contains(got, "Delivered-To: "+string(backup)) {
		t.Errorf("backup copy:\n%s", got)
	}
	other, otherFrom := ts.login("helpdesk")
	if err := send(other, string(otherFrom), []string{"liuyang@example.com"}, message(string(otherFrom), "liuyang@example.com", "别的", "x")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the second delivery", func() bool { return len(ts.maildirFiles("liuyang@example.com", "")) == 2 })
	if n := len(ts.maildirFiles(backup, "")); n != 1 {
		t.Errorf("the backup mailbox has %d messages, want 1 (only the watched sender's)", n)
	}
}

// TestDepartmentGroupSkipsLeaver: mail to a group defined by a whole
// department reaches everyone working there but a colleague reclaimed as a
// leaver (ACC-5), whose record still names the department; the successor
// gets nothing extra from it.
func TestDepartmentGroupSkipsLeaver(t *testing.T) {
	ts := newTestServer(t, nil)
	admin := model.Address(demoLogin(t, "admin").Address)
	leaver, successor := model.Address("chenyang@example.com"), model.Address(demoLogin(t, "hr").Address)
	ts.as(t, admin, &model.AddGroup{Address: "bj1@example.com", Name: "北京一组全体", Post: string(model.PostAnyone)})
	ts.as(t, admin, &model.GroupMember{Group: "bj1@example.com", Dept: "销售部/华北大区/北京一组"})
	var staff []model.Address
	ts.store.Read(func(r *store.Reader) error {
		d, err := r.DeptByPath("销售部/华北大区/北京一组")
		if err != nil {
			t.Fatal(err)
		}
		staff, _ = r.DeptMembers(d.ID)
		return nil
	})
	if !slices.Contains(staff, leaver) || len(staff) < 3 {
		t.Fatalf("北京一组: %v", staff)
	}
	leave := &model.FileRequest{Kind: model.RequestLeave, Subject: leaver, Successor: successor}
	ts.as(t, admin, leave)
	for q := ts.request(t, leave.ID); q.State == model.RequestPending; q = ts.request(t, leave.ID) {
		by := admin
		if s := q.Steps[q.Current()]; s.Approver != "" {
			by = s.Approver
		}
		ts.as(t, by, &model.DecideRequest{ID: leave.ID, Approve: true})
	}
	ts.run()
	c, from := ts.login("member")
	if err := send(c, string(from), []string{"bj1@example.com"}, message(string(from), "bj1@example.com", "=?UTF-8?B?5ZGo5Lya?=", "明天十点开会")); err != nil {
		t.Fatal(err)
	}
	for _, a := range staff {
		if a == leaver {
			continue
		}
		waitFor(t, "delivery to "+string(a), func() bool { return len(ts.maildirFiles(a, "")) == 1 })
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(ts.maildirFiles(leaver, "")); n != 0 {
		t.Errorf("the leaver's mailbox got %d messages", n)
	}
	for _, m := range ts.maildirFiles(successor, "") {
		if strings.Contains(m, "bj1@example.com") {
			t.Errorf("the successor got the group's mail")
		}
	}
}
