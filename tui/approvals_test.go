package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"postroom/model"
	"postroom/store"
)

// reqFix is the demo company with a spool (mailFix: the plain member's
// mail held for their head) and requests: the permission external owned by
// 信息部, so that a member's grant request goes to their department's
// officer (the demo head, who is also its officer), 信息部's officer, the
// unit officer, then IT.
type reqFix struct {
	*mailFix
	admin, head, member model.Actor
}

func newReqFix(t *testing.T) *reqFix {
	t.Helper()
	f := &reqFix{mailFix: newMailFix(t)}
	f.admin = f.actor(loginOf(t, "admin").Address)
	f.head = f.actor(loginOf(t, "head").Address)
	f.member = f.actor(loginOf(t, "member").Address)
	f.apply(f.admin, &model.SetPermission{Name: model.PermExternal, Owner: "信息部"}, &model.SetPermission{Name: model.PermBroadcast, Owner: "总经办"})
	return f
}

func (f *reqFix) actor(addr string) model.Actor {
	f.t.Helper()
	var a model.Actor
	if err := f.st.Read(func(r *store.Reader) error {
		var err error
		a, err = r.Actor(model.Address(addr), model.DoorTUI, "192.0.2.10")
		return err
	}); err != nil {
		f.t.Fatal(err)
	}
	return a
}

func (f *reqFix) apply(as model.Actor, changes ...model.Change) {
	f.t.Helper()
	if err := f.st.Apply(as, changes...); err != nil {
		f.t.Fatal(err)
	}
}

// file files a grant request as the member, about themself.
func (f *reqFix) file(perm, reason string) uint64 {
	f.t.Helper()
	c := &model.FileRequest{Kind: model.RequestGrant, Subject: f.member.Address, Perm: perm, Reason: reason}
	f.apply(f.member, c)
	return c.ID
}

func (f *reqFix) request(id uint64) *model.Request {
	f.t.Helper()
	var q *model.Request
	if err := f.st.Read(func(r *store.Reader) error {
		var err error
		q, err = r.Request(id)
		return err
	}); err != nil {
		f.t.Fatal(err)
	}
	return q
}

// sessionOf is a session for any member, with the spool and the hooks.
func (f *reqFix) sessionOf(a model.Actor, lang string) *Session {
	s := f.session("member", lang)
	s.Actor = a
	return s
}

// approvalsOf is an Approvals pane loaded at a size.
func approvalsOf(s *Session, w, h int) *approvalsPane {
	p := newApprovalsPane(s)
	p.SetSize(w, h)
	p.Shown(true)
	drive(p, p.Init())
	return p
}

// pressKeys sends key presses to a pane and runs what they lead to.
func pressKeys(p Pane, ks ...string) {
	for _, k := range ks {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "space":
			msg = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
		case "ctrl+s":
			msg = tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "ctrl+u":
			msg = tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
		default:
			for _, r := range k {
				_, cmd := p.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
				drive(p, cmd)
			}
			continue
		}
		_, cmd := p.Update(msg)
		drive(p, cmd)
	}
}

// TestApprovalsGolden: the head's inbox (two grant requests and the held
// message, counted per kind) and one request's detail with its whole
// chain, at 80×24 and 200×50 in both languages.
func TestApprovalsGolden(t *testing.T) {
	for _, view := range []string{"inbox", "detail"} {
		for _, lang := range goldenLangs {
			for _, sz := range []struct{ w, h int }{{80, 24}, {200, 50}} {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", view, lang, sz.w, sz.h), func(t *testing.T) {
					f := newReqFix(t)
					f.file(model.PermExternal, "给客户发报价单和合同（华北区大客户项目）")
					f.file(model.PermBroadcast, "")
					s := f.sessionOf(f.head, lang)
					p := newApprovalsPane(s)
					app := newAppWith(s, "", []Pane{p, newMyRequestsPane(s), newAccountPane(s)})
					out := runUI(t, app, sz.w, sz.h, func(tm *teatest.TestModel) {
						waitFor(t, tm, s.Sprintf(s.T.Requests.Rows, 1, 3, 3))
						if view == "detail" {
							press(tm, "j")
							press(tm, "enter")
							waitFor(t, tm, s.T.Requests.Current)
						}
					})
					requireGolden(t, out)
				})
			}
		}
	}
}

// TestApprovalsApproveAndReject: the officer approves a request with a
// comment (it moves to the next step and leaves the inbox) and rejects
// another, which needs a comment; the chain records who, when and why,
// and another session's inbox follows through the store's events.
func TestApprovalsApproveAndReject(t *testing.T) {
	f := newReqFix(t)
	a := f.file(model.PermExternal, "客户邮件")
	b := f.file(model.PermBroadcast, "")
	s := f.sessionOf(f.head, "en")
	p := approvalsOf(s, 100, 30)
	other := approvalsOf(f.sessionOf(f.head, "zh-CN"), 80, 24)
	if len(p.items) != 3 || p.counts[string(model.RequestGrant)] != 2 || p.counts[heldKind] != 1 {
		t.Fatalf("inbox: %d items, counts %v", len(p.items), p.counts)
	}
	if !strings.Contains(p.View(), "grant 2") || !strings.Contains(p.View(), "held mail 1") {
		t.Errorf("the head does not count per kind:\n%s", p.View())
	}
	// Newest first: request b, then a, then the held message (received earlier).
	if p.items[0].req == nil || p.items[0].req.ID != b || p.items[1].req.ID != a {
		t.Fatalf("order: %v %v", p.items[0].key(), p.items[1].key())
	}
	pressKeys(p, "j", "a")
	if p.form == nil || !strings.Contains(p.form.View(), fmt.Sprintf("Approve #%d", a)) {
		t.Fatalf("no approve form for #%d:\n%s", a, p.View())
	}
	pressKeys(p, "同意，限本项目", "enter")
	q := f.request(a)
	if q.Steps[0].Verdict != model.VerdictApproved || q.Steps[0].By != f.head.Address || q.Steps[0].Comment != "同意，限本项目" || q.Current() != 1 {
		t.Fatalf("after approving: %+v", q.Steps)
	}
	if len(p.items) != 2 || p.busy || p.form != nil {
		t.Fatalf("the inbox did not follow: %d items", len(p.items))
	}

	// Rejecting needs a comment.
	pressKeys(p, "g", "x")
	if p.form == nil {
		t.Fatalf("no reject form:\n%s", p.View())
	}
	pressKeys(p, "enter")
	if p.form == nil || !strings.Contains(p.form.View(), s.T.Requests.CommentNeeded) {
		t.Fatalf("a rejection without a comment was not stopped:\n%s", p.View())
	}
	pressKeys(p, "not for this team", "enter")
	if q := f.request(b); q.State != model.RequestRejected || q.Steps[0].Comment != "not for this team" {
		t.Fatalf("after rejecting: %s %+v", q.State, q.Steps)
	}
	if len(p.items) != 1 || p.items[0].held == nil {
		t.Fatalf("left in the inbox: %d", len(p.items))
	}

	// The other session reloads on a request's event, and only on events
	// that may change what it shows.
	if _, cmd := other.Update(storeChangedMsg{events: []store.Event{{Kind: "member", Key: "x@example.com"}}}); cmd != nil {
		t.Errorf("a member's change reloads the inbox")
	}
	drive(other, func() tea.Msg { return storeChangedMsg{events: []store.Event{{Kind: "request", Key: "1"}}} })
	if len(other.items) != 1 {
		t.Errorf("the other session's inbox holds %d items, want 1", len(other.items))
	}
}

// TestApprovalsDetail: the detail shows the requester, the reason, what
// approving changes and the whole chain, the current step marked; the
// person acts from it and it closes.
func TestApprovalsDetail(t *testing.T) {
	f := newReqFix(t)
	id := f.file(model.PermExternal, "客户邮件")
	f.apply(f.head, &model.DecideRequest{ID: id, Approve: true, Comment: "同意"})
	owner := f.request(id).Steps[1].Approver
	s := f.sessionOf(f.actor(string(owner)), "zh-CN")
	p := approvalsOf(s, 80, 40)
	if len(p.items) != 1 {
		t.Fatalf("the owner's officer has %d items", len(p.items))
	}
	pressKeys(p, "enter")
	v := p.View()
	for _, want := range []string{"申请 " + fmt.Sprint(id), "客户邮件", "获得权限 对外发信 (external)", "已同意：", "“同意”", "← 当前", "未轮到",
		"信息部（任一管理员）执行", string(f.member.Address)} {
		if !strings.Contains(v, want) {
			t.Errorf("the detail lacks %q:\n%s", want, v)
		}
	}
	pressKeys(p, "a", "enter")
	if p.detail != nil || f.request(id).Current() != 2 {
		t.Errorf("after approving from the detail: open %v, step %d", p.detail != nil, f.request(id).Current())
	}
}

// TestApprovalsBulkHeld: held mail and requests selected together are
// approved at once, each reported; one that someone else decided in the
// meantime is reported refused with the reason, and the rest go through.
func TestApprovalsBulkHeld(t *testing.T) {
	f := newReqFix(t)
	a := f.file(model.PermExternal, "")
	b := f.file(model.PermBroadcast, "")
	s := f.sessionOf(f.head, "en")
	p := approvalsOf(s, 120, 40)
	pressKeys(p, "A")
	if len(p.selected) != 3 || !strings.Contains(p.View(), "3 selected") {
		t.Fatalf("select all: %d selected", len(p.selected))
	}
	// Someone decides request b from another door before the bulk runs.
	f.apply(f.head, &model.DecideRequest{ID: b, Approve: true})
	pressKeys(p, "a")
	if p.form == nil || !strings.Contains(p.form.View(), "Approve the 3 selected") {
		t.Fatalf("no bulk form:\n%s", p.View())
	}
	pressKeys(p, "enter")
	if len(p.results) != 3 {
		t.Fatalf("%d results, want 3:\n%s", len(p.results), p.View())
	}
	v := p.View()
	for _, want := range []string{fmt.Sprintf("request %d approved", a), "message " + f.held1 + " released",
		fmt.Sprintf("step 1 of request %d was already decided", b), "refused"} {
		if !strings.Contains(strings.ReplaceAll(v, "\n", " "), want) {
			t.Errorf("the results lack %q:\n%s", want, v)
		}
	}
	if m := f.message(f.held1); m.Status != store.MsgQueued || m.DecidedBy != f.head.Address {
		t.Errorf("held message after the bulk release: %s by %s", m.Status, m.DecidedBy)
	}
	if f.kicks != 1 || len(f.notices) != 1 || opCount(t, f.st, "queue.release") != 1 {
		t.Errorf("the release did not go the spool's path: kicks %d notices %d", f.kicks, len(f.notices))
	}
	if len(p.items) != 0 || len(p.selected) != 0 {
		t.Errorf("after the bulk: %d items, %d selected", len(p.items), len(p.selected))
	}

	// A request decided elsewhere while the form is open, and gone from
	// the inbox when it is sent, is still sent: the refusal says why.
	c := f.file(model.PermExternal, "")
	drive(p, p.reload())
	pressKeys(p, "a")
	f.apply(f.head, &model.DecideRequest{ID: c, Comment: "no", Approve: false})
	drive(p, p.reload())
	pressKeys(p, "enter")
	if len(p.results) != 1 || p.results[0].ok || !strings.Contains(p.results[0].text, "already decided") {
		t.Errorf("the vanished request's result: %+v", p.results)
	}
	pressKeys(p, "esc")
	if p.results != nil {
		t.Errorf("esc did not close the results")
	}
}

// TestApprovalsNotYours: a member may not decide a step that is not
// theirs: the model refuses, and the pane shows why (who the step is
// for). The member has no Approvals pane, but has My requests.
func TestApprovalsNotYours(t *testing.T) {
	f := newReqFix(t)
	id := f.file(model.PermExternal, "")
	s := f.sessionOf(f.member, "en")
	for _, pane := range panesFor(s, holdsHeldMail(s.Spool, s.Actor.Address)) {
		if _, ok := pane.(*approvalsPane); ok {
			t.Errorf("a plain member has the Approvals pane")
		}
	}
	p := approvalsOf(s, 100, 30)
	if len(p.items) != 0 {
		t.Fatalf("the member's inbox holds %d items", len(p.items))
	}
	// As from a stale or forged screen: the member approves the head's step.
	drive(p, p.decide("approve", []apprItem{{req: f.request(id)}}, "", ""))
	v := strings.ReplaceAll(p.View(), "\n", " ")
	if len(p.results) != 1 || p.results[0].ok || !strings.Contains(v, "may not decide request") ||
		!strings.Contains(v, string(f.head.Address)) {
		t.Errorf("the refusal does not say why:\n%s", p.View())
	}
	if q := f.request(id); q.Current() != 0 {
		t.Errorf("the member's approval counted: step %d", q.Current())
	}
}

// TestApprovalsRoles: who gets Approvals and My requests on the rail.
func TestApprovalsRoles(t *testing.T) {
	f := newReqFix(t)
	for _, tt := range []struct {
		role            string
		approvals, mine bool
	}{
		{"admin", true, true}, {"head", true, true}, {"member", false, true}, {"hr", false, true},
		{"auditor", false, true}, {"helpdesk", false, true}, {"subadmin", false, true},
	} {
		s := f.session(tt.role, "en")
		var appr, mine bool
		for _, p := range panesFor(s, false) {
			switch p.(type) {
			case *approvalsPane:
				appr = true
			case *myRequestsPane:
				mine = true
			}
		}
		if appr != tt.approvals || mine != tt.mine {
			t.Errorf("%s: approvals %v, my requests %v; want %v %v", tt.role, appr, mine, tt.approvals, tt.mine)
		}
	}
	// A member with held mail to decide gets the inbox.
	s := f.session("member", "en")
	found := false
	for _, p := range panesFor(s, true) {
		_, ok := p.(*approvalsPane)
		found = found || ok
	}
	if !found {
		t.Errorf("held mail to decide does not bring the inbox")
	}
}

// TestApprovalsHandAndIT: the officer hands a step to a deputy, whose
// inbox then lists it and who decides it; the later steps go to the unit
// officer and then to IT (any admin), whose approval applies the grant.
func TestApprovalsHandAndIT(t *testing.T) {
	f := newReqFix(t)
	id := f.file(model.PermExternal, "")
	p := approvalsOf(f.sessionOf(f.head, "en"), 100, 30)
	pressKeys(p, "g", "d")
	if p.form == nil {
		t.Fatalf("no hand form:\n%s", p.View())
	}
	deputy := f.actor(loginOf(t, "hr").Address)
	pressKeys(p, string(deputy.Address), "enter", "on leave this week", "enter")
	if q := f.request(id); q.Steps[0].Deputy != deputy.Address {
		t.Fatalf("not handed: %+v", q.Steps[0])
	}
	// The deputy, HR without an approver's role, gets the inbox at login.
	ds := f.sessionOf(deputy, "en")
	if app := NewApp(ds, ""); !slices.ContainsFunc(app.panes, func(p Pane) bool { _, ok := p.(*approvalsPane); return ok }) {
		t.Errorf("the deputy has no Approvals pane")
	}
	if app := NewApp(f.session("auditor", "en"), ""); slices.ContainsFunc(app.panes, func(p Pane) bool { _, ok := p.(*approvalsPane); return ok }) {
		t.Errorf("the auditor has an Approvals pane")
	}
	dp := approvalsOf(ds, 100, 30)

	// Someone logged in when a step is handed to them gains the inbox.
	other := f.actor(loginOf(t, "auditor").Address)
	os := f.sessionOf(other, "en")
	oapp := newAppWith(os, "", panesFor(os, false))
	oapp.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	closed := make(chan store.Event)
	close(closed)
	oapp.events = closed // the wait for the next event returns at once
	id2 := f.file(model.PermBroadcast, "")
	f.apply(f.head, &model.HandStep{ID: id2, To: other.Address})
	_, cmd := oapp.Update(storeChangedMsg{events: []store.Event{{Kind: "request", Key: fmt.Sprint(id2)}}})
	for _, m := range collect(cmd) {
		if h, ok := m.(handedMsg); ok {
			oapp.Update(h)
		}
	}
	if !slices.ContainsFunc(oapp.panes, func(p Pane) bool { _, ok := p.(*approvalsPane); return ok }) {
		t.Errorf("the rail did not gain Approvals when a step was handed to the auditor")
	}
	if len(dp.items) != 1 || dp.items[0].req.ID != id {
		t.Fatalf("the deputy's inbox: %d items", len(dp.items))
	}
	pressKeys(dp, "a", "enter")
	q := f.request(id)
	if q.Steps[0].By != deputy.Address {
		t.Fatalf("the deputy's decision: %+v", q.Steps[0])
	}
	for i := 1; i < len(q.Steps)-1; i++ {
		signer := q.Steps[i].Approver
		sp := approvalsOf(f.sessionOf(f.actor(string(signer)), "en"), 100, 30)
		pressKeys(sp, "a", "enter")
	}
	ap := approvalsOf(f.sessionOf(f.admin, "en"), 100, 30)
	if len(ap.items) != 1 {
		t.Fatalf("IT's inbox: %d items\n%s", len(ap.items), ap.View())
	}
	pressKeys(ap, "a", "enter")
	if q := f.request(id); q.State != model.RequestApplied {
		t.Fatalf("not applied: %s %+v", q.State, q.Steps)
	}
}

// TestApprovalsSortAndFilter: s turns the order, f filters by kind and
// back to all.
func TestApprovalsSortAndFilter(t *testing.T) {
	f := newReqFix(t)
	a := f.file(model.PermExternal, "")
	f.file(model.PermBroadcast, "")
	p := approvalsOf(f.sessionOf(f.head, "en"), 100, 30)
	pressKeys(p, "s")
	if p.items[0].held == nil || p.items[1].req.ID != a {
		t.Errorf("oldest first: %v %v", p.items[0].key(), p.items[1].key())
	}
	pressKeys(p, "f")
	if p.kind != string(model.RequestGrant) || len(p.items) != 2 {
		t.Errorf("filter: kind %q, %d items", p.kind, len(p.items))
	}
	pressKeys(p, "f")
	if p.kind != heldKind || len(p.items) != 1 {
		t.Errorf("filter: kind %q, %d items", p.kind, len(p.items))
	}
	pressKeys(p, "f")
	if p.kind != "" || len(p.items) != 3 {
		t.Errorf("filter: kind %q, %d items", p.kind, len(p.items))
	}
}

// TestApprovalsFit: every screen of the inbox fits 80×24 and 200×50 in
// both languages: the list with a selection, the detail, the forms, the
// results of a bulk decision with a refusal, and My requests.
func TestApprovalsFit(t *testing.T) {
	for _, lang := range goldenLangs {
		for _, sz := range []struct{ w, h int }{{80, 24}, {200, 50}} {
			f := newReqFix(t)
			a := f.file(model.PermExternal, "给客户发报价单和合同，客户是华北区最大的经销商，这段理由写得很长，要能折行而不被截断。")
			b := f.file(model.PermBroadcast, "")
			s := f.sessionOf(f.head, lang)
			p := newApprovalsPane(s)
			mine := newMyRequestsPane(f.sessionOf(f.member, lang))
			app := newAppWith(s, "", []Pane{p, mine, newAccountPane(s)})
			app.Update(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
			drive(p, p.Init())
			drive(mine, mine.Init())
			check := func(what string) {
				t.Helper()
				for _, l := range strings.Split(screenText(app), "\n") {
					if w := cellWidth(l); w > sz.w {
						t.Errorf("%s %dx%d %s: a line of %d cells: %q", lang, sz.w, sz.h, what, w, l)
					}
				}
				if n := len(strings.Split(screenText(app), "\n")); n > sz.h {
					t.Errorf("%s %dx%d %s: %d lines", lang, sz.w, sz.h, what, n)
				}
			}
			check("list")
			pressKeys(p, "space")
			check("selection")
			pressKeys(p, "esc", "enter")
			check("detail")
			pressKeys(p, "x")
			check("reject form")
			pressKeys(p, "enter")
			check("reject form with its error")
			pressKeys(p, "esc", "d")
			check("hand form")
			pressKeys(p, "esc", "esc", "A")
			f.apply(f.head, &model.DecideRequest{ID: b, Approve: true})
			pressKeys(p, "a", "enter")
			check("results")
			if len(p.results) != 3 {
				t.Errorf("%d results", len(p.results))
			}
			app.show(1)
			check("my requests")
			pressKeys(mine, "G", "enter")
			check("my request's detail")
			_ = a
		}
	}
}

// TestApprovalsJoinLeave: HR's joiner and urgent leaver requests reach the
// department's officer, counted per kind; the details say whom the
// account is opened for, in which department, and who receives the
// leaver's mail.
func TestApprovalsJoinLeave(t *testing.T) {
	f := newReqFix(t)
	hr := f.actor(loginOf(t, "hr").Address)
	join := &model.FileRequest{Kind: model.RequestJoin, JoinDept: "销售部/华北大区/北京一组",
		Join: &model.JoinForm{Name: "赵新", Address: "zhaoxin@example.com", Title: "销售代表", Position: "staff"}}
	leave := &model.FileRequest{Kind: model.RequestLeave, Subject: f.member.Address, Successor: f.head.Address, Urgent: true, Reason: "合同到期"}
	f.apply(hr, join, leave)
	p := approvalsOf(f.sessionOf(f.head, "zh-CN"), 100, 30)
	if p.counts[string(model.RequestJoin)] != 1 || p.counts[string(model.RequestLeave)] != 1 || !strings.Contains(p.View(), "入职开户 1  离职销户 1") {
		t.Fatalf("counts %v:\n%s", p.counts, p.View())
	}
	pressKeys(p, "enter")
	if v := p.View(); !strings.Contains(v, "紧急") || !strings.Contains(v, "关闭 王伟 "+string(f.member.Address)+" 的账号，邮件转给 刘洋") {
		t.Errorf("the leaver's detail:\n%s", v)
	}
	pressKeys(p, "esc", "j", "enter")
	if v := p.View(); !strings.Contains(v, "为 赵新 开通邮箱 zhaoxin@example.com，部门 销售部/华北大区/北京一组 · 销售代表") {
		t.Errorf("the joiner's detail:\n%s", v)
	}
	pressKeys(p, "a", "enter")
	if q := f.request(join.ID); q.Current() != 1 || q.Steps[1].Role != model.StepIT {
		t.Errorf("after approving the joiner: step %d of %+v", q.Current(), q.Steps)
	}

	// IT applies it in the pane: the account opens, its one-time password
	// is shown this once (and handed to the relay to mail to the heads),
	// and it logs in, to be changed.
	is := f.sessionOf(f.admin, "zh-CN")
	var mailed string
	is.OneTime = func(q *model.Request, otp string) ([]model.Address, error) {
		mailed = otp
		return []model.Address{f.head.Address}, nil
	}
	ip := approvalsOf(is, 100, 30)
	pressKeys(ip, "a", "enter")
	if len(ip.otps) != 1 {
		t.Fatalf("no one-time password on screen:\n%s", ip.View())
	}
	otp := ip.otps[0].otp
	v := ip.View()
	for _, want := range []string{"赵新 <zhaoxin@example.com> 的一次性密码", otp, "已同时发信告知部门负责人：" + string(f.head.Address), "只显示这一次"} {
		if !strings.Contains(v, want) {
			t.Errorf("the one-time password screen lacks %q:\n%s", want, v)
		}
	}
	if mailed != otp {
		t.Errorf("the relay was given %q, want the password shown", mailed)
	}
	pressKeys(ip, "j")
	if v := ip.View(); strings.Contains(v, otp) || len(ip.otps) != 0 {
		t.Errorf("the password is still on screen after a key:\n%s", v)
	}
	m, err := f.st.Login("zhaoxin@example.com", store.Credentials{Password: otp}, model.LoginSMTP, "192.0.2.1", "")
	if err != nil || !m.Password.MustChange {
		t.Errorf("login with the one-time password: %v; want it accepted, to be changed", err)
	}
}

// collect runs a command and the batches it holds, and returns their
// messages (the store's event wait, which blocks, is left out).
func collect(cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch m := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, m...)
		default:
			out = append(out, m)
		}
	}
	return out
}

// TestApprovalsUnblock: an unblock request (ACC-7) waits in the officer's
// inbox, counted as its kind, and says what approving changes in the
// reader's language; the officer's and IT's approvals in the pane lift the
// block.
func TestApprovalsUnblock(t *testing.T) {
	f := newReqFix(t)
	for _, r := range []string{"群发广告", "超大附件", "再次群发"} {
		f.apply(f.admin, &model.WarnMember{Address: f.member.Address, Reason: r})
	}
	c := &model.FileRequest{Kind: model.RequestUnblock, Subject: f.member.Address, Reason: "已整改"}
	f.apply(f.head, c)
	p := approvalsOf(f.sessionOf(f.head, "zh-CN"), 100, 30)
	if p.counts[string(model.RequestUnblock)] != 1 || !strings.Contains(p.View(), "解除屏蔽 1") {
		t.Fatalf("counts %v:\n%s", p.counts, p.View())
	}
	pressKeys(p, "enter")
	if v := p.View(); !strings.Contains(v, "解除 王伟 "+string(f.member.Address)+" 邮箱因警告而设的屏蔽") {
		t.Errorf("the unblock's detail:\n%s", v)
	}
	pressKeys(p, "esc", "a", "enter")
	if q := f.request(c.ID); q.Current() != 1 || q.Steps[1].Role != model.StepIT {
		t.Fatalf("after the officer's approval: step %d of %+v", q.Current(), q.Steps)
	}
	it := approvalsOf(f.sessionOf(f.admin, "en"), 100, 30)
	pressKeys(it, "enter")
	if v := it.View(); !strings.Contains(v, "blocked by warnings, is unblocked") {
		t.Errorf("IT's detail of the unblock:\n%s", v)
	}
	pressKeys(it, "esc", "a", "enter")
	if q := f.request(c.ID); q.State != model.RequestApplied {
		t.Fatalf("after IT's approval: %s", q.State)
	}
	f.st.Read(func(r *store.Reader) error {
		if m, err := r.Member(f.member.Address); err != nil || m.Status != model.StatusActive || m.ActiveWarnings() != 0 {
			t.Errorf("after the unblock: %v %+v", err, m)
		}
		return nil
	})
}

// TestApprovalsChange: a dangerous change filed for a second admin shows in
// the other admin's inbox, counted as its kind, with its readable before
// and after in both languages and at 80×24; the filer does not see it to
// decide; the second admin's approval applies it.
func TestApprovalsChange(t *testing.T) {
	f := newReqFix(t)
	f.apply(f.admin, &model.GrantRole{Address: f.head.Address, Role: model.RoleAdmin})
	second := f.actor(string(f.head.Address))
	err := f.st.Apply(f.admin, &model.GrantPerm{Address: f.member.Address, Perm: model.PermBroadcast})
	var pend *model.ApprovalPending
	if !errors.As(err, &pend) {
		t.Fatalf("the grant was not filed for approval: %v", err)
	}
	if own := approvalsOf(f.sessionOf(f.admin, "en"), 100, 30); own.counts[string(model.RequestChange)] != 0 {
		t.Errorf("the filer's inbox counts their own change: %v", own.counts)
	}
	for _, lang := range []string{"zh-CN", "en"} {
		p := approvalsOf(f.sessionOf(second, lang), 80, 24)
		kind := map[string]string{"zh-CN": "待复核变更 1", "en": "change for review 1"}[lang]
		if p.counts[string(model.RequestChange)] != 1 || !strings.Contains(p.View(), kind) {
			t.Fatalf("%s counts %v:\n%s", lang, p.counts, p.View())
		}
		pressKeys(p, "enter")
		v := p.View()
		before := map[string]string{"zh-CN": "变更前 → 变更后", "en": "before → after"}[lang]
		if !strings.Contains(v, "perm.grant") || !strings.Contains(v, before) {
			t.Errorf("%s detail of the change:\n%s", lang, v)
		}
		for _, l := range strings.Split(v, "\n") {
			if w := lipgloss.Width(l); w > 80 {
				t.Errorf("%s: a line is %d cells wide at 80×24: %q", lang, w, l)
			}
		}
	}
	p := approvalsOf(f.sessionOf(second, "en"), 100, 30)
	pressKeys(p, "a", "enter")
	if q := f.request(pend.ID); q.State != model.RequestApplied || q.Steps[0].By != second.Address {
		t.Fatalf("after the second admin's approval: %s %+v", q.State, q.Steps)
	}
	f.st.Read(func(r *store.Reader) error {
		if m, err := r.Member(f.member.Address); err != nil || len(m.Grants) != 1 || m.Grants[0].Perm != model.PermBroadcast {
			t.Errorf("after approval: %v %+v", err, m)
		}
		return nil
	})
}
