package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"postroom/model"
	"postroom/store"
)

// queueOf is the queue pane of a finished UI.
func queueOf(t *testing.T, m tea.Model) *queuePane {
	t.Helper()
	for _, p := range m.(*App).panes {
		if qp, ok := p.(*queuePane); ok {
			return qp
		}
	}
	t.Fatal("no queue pane")
	return nil
}

// TestQueueGolden: the admin's queue (every message), the held tab, one
// message's detail, and a head's Held mail, at both sizes and in both
// languages.
func TestQueueGolden(t *testing.T) {
	for _, view := range []string{"all", "held", "detail", "head"} {
		for _, lang := range goldenLangs {
			for _, sz := range goldenSizes {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", view, lang, sz.w, sz.h), func(t *testing.T) {
					f := newMailFix(t)
					role := "admin"
					if view == "head" {
						role = "head"
					}
					s := f.session(role, lang)
					pane := newQueuePane(s)
					if view == "head" {
						pane = newHeldPane(s)
					}
					app := newAppWith(s, "", []Pane{pane, newAccountPane(s)})
					out := runUI(t, app, sz.w, sz.h, func(tm *teatest.TestModel) {
						waitFor(t, tm, "日计划 11-28")
						switch view {
						case "held":
							press(tm, "tab")
							press(tm, "tab")
							waitFor(t, tm, s.Sprintf(s.T.Queue.Rows, 1, 2, 2))
						case "detail":
							press(tm, "j")
							press(tm, "j")
							press(tm, "enter")
							// The recipients load after the message: wait
							// for a row under their title.
							title := s.Sprintf(s.T.Queue.RcptTitle, 2)
							teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
								text := ansi.Strip(string(b))
								i := strings.LastIndex(text, title)
								return i >= 0 && strings.Contains(text[i:], "buyer@customer.cn")
							}, teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
						}
					})
					requireGolden(t, out)
				})
			}
		}
	}
}

// TestQueueAdminReleases: the admin releases a held message once; it is
// queued, due now, the delivery is woken, the sender told, the decision
// is in the operation log; a second release is refused and changes
// nothing.
func TestQueueAdminReleases(t *testing.T) {
	f := newMailFix(t)
	s := f.session("admin", "en")
	p := newQueuePane(s)
	p.SetSize(100, 30)
	drive(p, p.Init())
	p.switchTab(2) // held
	drive(p, p.reload())
	if len(p.msgs) != 2 {
		t.Fatalf("held tab: %d messages, want 2", len(p.msgs))
	}
	for p.selectedID() != f.held1 {
		p.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	}
	if !strings.Contains(p.View(), "a release") && !containsKey(p.ShortHelp(), "a") {
		t.Fatalf("no release key offered: %v", p.ShortHelp())
	}
	p.Update(tea.KeyPressMsg{Code: 'a', Text: "a"})
	if p.confirm == nil || !strings.Contains(p.View(), "日计划") {
		t.Fatalf("no confirmation:\n%s", p.View())
	}
	_, cmd := p.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
	drive(p, cmd)
	m := f.message(f.held1)
	if m.Status != store.MsgQueued || m.Decision != "released" || m.DecidedBy != s.Actor.Address {
		t.Fatalf("after release: %s %s by %s", m.Status, m.Decision, m.DecidedBy)
	}
	if f.kicks != 1 || len(f.notices) != 1 || !strings.HasPrefix(f.notices[0], "released "+f.held1+" "+string(s.Actor.Address)) {
		t.Errorf("kicks %d, notices %q", f.kicks, f.notices)
	}
	if n := opCount(t, f.st, "queue.release"); n != 1 {
		t.Errorf("%d queue.release records in the operation log, want 1", n)
	}
	// The tab reloaded: the message left it, and nothing offers to release it again.
	for _, q := range p.msgs {
		if q.ID == f.held1 {
			t.Errorf("the released message is still listed as held")
		}
	}
	// A second decision (as from a stale screen) is refused and changes nothing.
	msg := p.decide("release", f.held1, "")().(queueDecidedMsg)
	if msg.err == nil || !strings.Contains(msg.err.Error(), "already released") {
		t.Errorf("second release: %v", msg.err)
	}
	if f.kicks != 1 || len(f.notices) != 1 || opCount(t, f.st, "queue.release") != 1 {
		t.Errorf("the second release did something: kicks %d, notices %d", f.kicks, len(f.notices))
	}
}

// TestQueueHeadReleases: a head who has held mail to decide gets Held
// mail on the rail; it lists only what waits for them; they release it,
// and may not retry, drop, or decide another head's mail.
func TestQueueHeadReleases(t *testing.T) {
	f := newMailFix(t)
	s := f.session("head", "zh-CN")
	var held *queuePane
	for _, p := range panesFor(s, holdsHeldMail(s.Spool, s.Actor.Address)) {
		if qp, ok := p.(*queuePane); ok {
			held = qp
		}
		if _, ok := p.(*policiesPane); ok {
			t.Errorf("a head sees the Policies pane")
		}
	}
	if held == nil || !held.approver || held.Title() != s.T.Nav.Held {
		t.Fatalf("no Held mail pane for the head")
	}
	held.SetSize(80, 21)
	drive(held, held.Init())
	if len(held.msgs) != 1 || held.msgs[0].ID != f.held1 {
		t.Fatalf("held for the head: %d messages", len(held.msgs))
	}
	m := held.msgs[0]
	if held.may("retry", m) || held.may("drop", m) || !held.may("release", m) || !held.may("reject", m) {
		t.Errorf("the head's actions are wrong")
	}
	held.Update(tea.KeyPressMsg{Code: 'D', Text: "D"})
	held.Update(tea.KeyPressMsg{Code: 'r', Text: "r"})
	if held.confirm != nil {
		t.Fatalf("a head was asked to %s", held.confirm.action)
	}
	held.Update(tea.KeyPressMsg{Code: 'a', Text: "a"})
	_, cmd := held.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
	drive(held, cmd)
	if got := f.message(f.held1); got.Status != store.MsgQueued || got.DecidedBy != s.Actor.Address {
		t.Errorf("after the head's release: %s by %s", got.Status, got.DecidedBy)
	}
	if len(held.msgs) != 0 {
		t.Errorf("the waiting tab still lists %d messages", len(held.msgs))
	}
	// Another head's message: refused by the model, even asked directly.
	msg := held.decide("release", f.held2, "")().(queueDecidedMsg)
	if msg.err == nil || f.message(f.held2).Status != store.MsgHeld {
		t.Errorf("the head released another head's mail: %v", msg.err)
	}
	d := held.loadDetail(f.held2)().(queueDetailMsg)
	if d.err == nil {
		t.Errorf("the head read another head's held mail")
	}
}

// TestQueueReject: rejecting needs a comment; the sender is told it.
func TestQueueReject(t *testing.T) {
	f := newMailFix(t)
	s := f.session("head", "en")
	p := newHeldPane(s)
	p.SetSize(100, 30)
	drive(p, p.Init())
	p.Update(tea.KeyPressMsg{Code: 'x', Text: "x"})
	if p.form == nil {
		t.Fatalf("no reject form:\n%s", p.View())
	}
	p.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if p.form == nil || !strings.Contains(p.View(), s.T.Queue.CommentNeeded) {
		t.Fatalf("an empty comment was taken:\n%s", p.View())
	}
	for _, r := range "please send it to your team only" {
		p.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	_, cmd := p.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	drive(p, cmd)
	m := f.message(f.held1)
	if m.Status != store.MsgRejected || m.Comment != "please send it to your team only" {
		t.Fatalf("after reject: %s %q", m.Status, m.Comment)
	}
	if len(f.notices) != 1 || !strings.HasPrefix(f.notices[0], "rejected ") || f.kicks != 0 {
		t.Errorf("notices %q, kicks %d", f.notices, f.kicks)
	}
}

// TestQueueAdminRetryDrop: the admin retries a waiting message (due now,
// the delivery woken) and drops another.
func TestQueueAdminRetryDrop(t *testing.T) {
	f := newMailFix(t)
	s := f.session("admin", "en")
	p := newQueuePane(s)
	p.SetSize(100, 30)
	drive(p, p.Init())
	drive(p, p.decide("retry", f.queued1, ""))
	if m := f.message(f.queued1); m.NextAttempt.After(testNow) || f.kicks != 1 {
		t.Errorf("after retry: next %s, kicks %d", m.NextAttempt, f.kicks)
	}
	drive(p, p.decide("drop", f.queued1, "a test"))
	if m := f.message(f.queued1); m.Status != store.MsgDropped {
		t.Errorf("after drop: %s", m.Status)
	}
	if opCount(t, f.st, "queue.retry") != 1 || opCount(t, f.st, "queue.drop") != 1 {
		t.Errorf("the operation log misses the retry or the drop")
	}
}

// TestQueueRoles: the Queue and Policies panes are the admin's; the
// auditor reads them (no action keys, and the model refuses anyway); the
// helpdesk and a member without held mail never see them.
func TestQueueRoles(t *testing.T) {
	f := newMailFix(t)
	has := func(s *Session) (queue, policies bool) {
		for _, p := range panesFor(s, holdsHeldMail(s.Spool, s.Actor.Address)) {
			switch p.(type) {
			case *queuePane:
				queue = true
			case *policiesPane:
				policies = true
			}
		}
		return
	}
	for _, tt := range []struct {
		role            string
		queue, policies bool
	}{
		{"admin", true, true}, {"auditor", true, true}, {"helpdesk", false, false}, {"member", false, false},
		{"hr", false, false}, {"subadmin", false, false},
	} {
		q, pol := has(f.session(tt.role, "en"))
		if q != tt.queue || pol != tt.policies {
			t.Errorf("%s: queue %v policies %v, want %v %v", tt.role, q, pol, tt.queue, tt.policies)
		}
	}
	// Without the spool (the local tui) nobody gets Held mail, and the
	// panes say where the queue is.
	s := sessionAs(t, f.st, "head", "en")
	if q, _ := has(s); q {
		t.Errorf("Held mail without a spool")
	}
	admin := sessionAs(t, f.st, "admin", "zh-CN")
	qp := newQueuePane(admin)
	qp.SetSize(80, 20)
	drive(qp, qp.Init())
	if !strings.Contains(qp.View(), "postroom serve") {
		t.Errorf("no spool, and the queue does not say so:\n%s", qp.View())
	}

	// The auditor reads the queue and acts on nothing.
	aud := f.session("auditor", "en")
	p := newQueuePane(aud)
	p.SetSize(100, 30)
	drive(p, p.Init())
	if len(p.msgs) == 0 {
		t.Fatalf("the auditor sees no mail")
	}
	for i := range p.msgs {
		p.cursor = i
		for _, k := range []string{"a", "x", "r", "D"} {
			p.Update(tea.KeyPressMsg{Code: rune(k[0]), Text: k})
			if p.confirm != nil || p.form != nil {
				t.Fatalf("the auditor was offered %q", k)
			}
		}
		if len(p.actionKeys(p.msgs[i])) != 0 {
			t.Errorf("the help offers the auditor actions")
		}
	}
	msg := p.decide("release", f.held1, "")().(queueDecidedMsg)
	if msg.err == nil || f.message(f.held1).Status != store.MsgHeld {
		t.Errorf("the auditor released mail: %v", msg.err)
	}
}

// containsKey reports whether a help list offers a key.
func containsKey(bs []key.Binding, k string) bool {
	for _, b := range bs {
		for _, x := range b.Keys() {
			if x == k {
				return true
			}
		}
	}
	return false
}

// opCount counts the operation-log records of an operation.
func opCount(t *testing.T, st *store.Store, op string) int {
	t.Helper()
	n := 0
	if err := st.Read(func(r *store.Reader) error {
		recs, err := r.OpLog(store.OpFilter{})
		for _, rec := range recs {
			if rec.Op == op {
				n++
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestQueueLive: the queue reads the spool again on a timer while it is on
// screen, and lets the timer stop when another pane is shown.
func TestQueueLive(t *testing.T) {
	f := newMailFix(t)
	s := f.session("admin", "en")
	q := newQueuePane(s)
	app := newAppWith(s, "", []Pane{newAccountPane(s), q})
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	drive(q, q.Init())
	before := len(q.msgs)
	if app.show(1) == nil || !q.shown || !q.ticking || !q.loading {
		t.Fatalf("shown %v ticking %v loading %v", q.shown, q.ticking, q.loading)
	}
	q.Update(q.load()()) // the read the showing started
	// A message arrives through the relay, which tells nobody.
	f.enqueue(&store.QueueMessage{Account: "zhangsan@example.com", From: "zhangsan@example.com", Direction: "internal",
		Subject: "新到的邮件", Status: store.MsgQueued}, "liuyang@example.com")
	_, cmd := q.Update(queueTickMsg{pane: q, gen: q.tickGen})
	if cmd == nil || !q.loading {
		t.Fatalf("the tick did not reload")
	}
	q.Update(q.load()())
	if len(q.msgs) != before+1 || q.msgs[0].Subject != "新到的邮件" {
		t.Fatalf("after the tick: %d messages", len(q.msgs))
	}
	// Another pane: the next tick ends the timer and reads nothing.
	app.show(0)
	if _, cmd := q.Update(queueTickMsg{pane: q, gen: q.tickGen}); cmd != nil || q.ticking {
		t.Errorf("the timer goes on while the pane is hidden")
	}
	// A tick for another pane is not this one's.
	app.show(1)
	other := newQueuePane(s)
	if _, cmd := q.Update(queueTickMsg{pane: other, gen: q.tickGen}); cmd != nil {
		t.Errorf("a tick for another pane reloaded this one")
	}
}

// TestQueueHeldDetail: a held message's recipients wait for a decision,
// not for a time: the detail names no next attempt for them, and no
// lifetime's end (it starts when the message is released).
func TestQueueHeldDetail(t *testing.T) {
	f := newMailFix(t)
	// A recipient that carries a next attempt (one queued by an older
	// relay, which gave every new recipient one) while its mail is held.
	m := &store.QueueMessage{Account: "wangwei@example.com", From: "wangwei@example.com", Door: "submission", Direction: "internal",
		Subject: "周末聚餐", Status: store.MsgHeld, Approver: model.Address(loginOf(t, "head").Address)}
	if err := f.sp.Enqueue(m, []store.QueueRcpt{{Addr: "chenyang@example.com", Local: true, Status: store.RcptPending, NextAttempt: f.clock}},
		[]byte("Subject: x\r\n\r\nbody\r\n")); err != nil {
		t.Fatal(err)
	}
	s := f.session("head", "en")
	p := newHeldPane(s)
	p.SetSize(100, 40)
	drive(p, p.Init())
	if p.selectedID() != m.ID {
		t.Fatalf("the new held message is not first")
	}
	drive(p, keyPress(p, "enter"))
	if p.detail == nil || p.detail.msg == nil || len(p.detail.rcpts) == 0 {
		t.Fatalf("no detail:\n%s", p.View())
	}
	v := ansi.Strip(p.View())
	if strings.Contains(v, s.T.Queue.Expires) {
		t.Errorf("held mail shows when its lifetime ends:\n%s", v)
	}
	i := strings.Index(v, s.T.Queue.ColRcpt+" ")
	if i < 0 {
		t.Fatalf("no recipient table:\n%s", v)
	}
	for _, l := range strings.Split(v[i:], "\n")[1:] {
		if strings.Contains(l, "@") && strings.Contains(l, testNow.Local().Format("01-02")) {
			t.Errorf("a held recipient shows a next attempt: %q", l)
		}
	}
}

// TestQueueLongFlash: the refusal of a decision someone else made first
// is longer than an 80-column line; its end (who decided, when) shows on
// the help line's place instead of being cut.
func TestQueueLongFlash(t *testing.T) {
	f := newMailFix(t)
	if msg := newHeldPane(f.session("head", "zh-CN")).decide("release", f.held1, "")().(queueDecidedMsg); msg.err != nil {
		t.Fatal(msg.err)
	}
	s := f.session("admin", "zh-CN")
	q := newQueuePane(s)
	app := newAppWith(s, "", []Pane{q, newAccountPane(s)})
	app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	msg := q.decide("release", f.held1, "")().(queueDecidedMsg)
	if msg.err == nil {
		t.Fatal("a second release was taken")
	}
	text := s.ErrText(msg.err)
	if lipgloss.Width(text) <= 80 {
		t.Fatalf("the refusal fits one line; the test needs a longer one: %q", text)
	}
	app.Update(flashMsg{text: text, err: true})
	screen := screenText(app)
	lines := strings.Split(screen, "\n")
	if len(lines) != 24 {
		t.Fatalf("%d lines for 24", len(lines))
	}
	tail := strings.ReplaceAll(lines[22]+lines[23], " ", "")
	if !strings.HasSuffix(tail, strings.ReplaceAll(text[len(text)-16:], " ", "")) {
		t.Errorf("the end of the refusal is not on screen:\n%s", screen)
	}
	for _, l := range lines {
		if lipgloss.Width(l) > 80 {
			t.Errorf("wider than the screen: %q", l)
		}
	}
}

// TestQueueWideAddresses: on a wide screen a long subject no longer takes
// the room the addresses need: they show whole, the subject after them.
func TestQueueWideAddresses(t *testing.T) {
	f := newMailFix(t)
	long := strings.Repeat("下周三部门例会改到下午三点，请大家互相转告。", 4)
	f.enqueue(&store.QueueMessage{Account: "wangwei@example.com", From: "wangwei@example.com", Direction: "internal",
		Subject: long, Status: store.MsgQueued}, "yangjianjun@example.com")
	s := f.session("admin", "en")
	p := newQueuePane(s)
	p.SetSize(185, 40)
	drive(p, p.Init())
	v := ansi.Strip(p.View())
	row := ""
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "下周三") {
			row = l
		}
	}
	if !strings.Contains(row, " wangwei@example.com ") || !strings.Contains(row, " yangjianjun@example.com  下周三") {
		t.Errorf("the addresses are cut:\n%s", v)
	}
	// The mail log on a narrow screen has no reason column (the selected
	// message's reason has a line of its own): the subject gets the room.
	lp := mailLogsPane(t, f, "auditor")
	lp.SetSize(65, 21)
	v = ansi.Strip(lp.View())
	if strings.Contains(strings.Split(v, "\n")[2], lp.s.T.Logs.ColReason) || !strings.Contains(v, "报价单（第二版）") {
		t.Errorf("the narrow mail log:\n%s", v)
	}
	// A wide one shows a recipient and the count whole before the reason
	// gets the rest.
	lp.SetSize(185, 30)
	if v = ansi.Strip(lp.View()); !strings.Contains(v, " liuyang@example.com +2 ") {
		t.Errorf("the wide mail log cuts the recipient:\n%s", v)
	}
}

// TestShortAddr: narrow tables drop the company's domain, and mark an
// outside address as such instead of passing it for a colleague's.
func TestShortAddr(t *testing.T) {
	f := newMailFix(t)
	s := f.session("admin", "en")
	for in, want := range map[string]string{
		"wangwei@example.com":   "wangwei",
		"WangWei@Example.COM":   "WangWei",
		"partner@external.test": "partner@" + s.Styles.Ellipsis,
		"postroom":              "postroom",
	} {
		if got := shortAddr(s, in); got != want {
			t.Errorf("shortAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHeldPaneArrives: mail held for a head after they logged in shows
// on Home, and the rail gains Held mail (Home says to look there); the
// person stays on the pane they were on. An admin's rail stays as it is.
func TestHeldPaneArrives(t *testing.T) {
	f := newMailFix(t)
	s := f.session("head", "en")
	app := newAppWith(s, "", panesFor(s, false))
	app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if len(app.panes) != 6 { // Home, Approvals, Permissions, My mail, My requests, My account
		t.Fatalf("the head's rail without held mail: %d panes", len(app.panes))
	}
	home := app.panes[0].(*homePane)
	app.Update(home.load()())
	var held *queuePane
	for _, p := range app.panes {
		if q, ok := p.(*queuePane); ok && q.approver {
			held = q
		}
	}
	if held == nil || app.current().Title() != s.T.Nav.Home {
		t.Fatalf("after Home counted held mail: %d panes, on %s", len(app.panes), app.current().Title())
	}
	if !strings.Contains(screenText(app), s.T.Nav.Held) {
		t.Errorf("the rail does not name Held mail:\n%s", screenText(app))
	}

	admin := f.session("admin", "en")
	aapp := newAppWith(admin, "", panesFor(admin, false))
	n := len(aapp.panes)
	aapp.Update(homeLoadedMsg{data: &homeData{me: &model.Member{Name: "x"}, heldForMe: 1}})
	if len(aapp.panes) != n {
		t.Errorf("the admin's rail changed: %d panes, was %d", len(aapp.panes), n)
	}
}
