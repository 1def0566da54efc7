package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"postroom/model"
	"postroom/store"
)

// myRequestsFix files two requests as the member: one the head approved
// (it waits for 信息部's officer), one the head rejected with a comment.
func myRequestsFix(t *testing.T) (f *reqFix, pending, rejected uint64) {
	f = newReqFix(t)
	pending = f.file(model.PermExternal, "给客户发报价单")
	rejected = f.file(model.PermBroadcast, "部门活动通知")
	f.apply(f.head, &model.DecideRequest{ID: pending, Approve: true, Comment: "同意"},
		&model.DecideRequest{ID: rejected, Comment: "请用部门邮箱发通知"})
	return f, pending, rejected
}

// TestMyRequestsGolden: the member's requests with where each stands and
// whom it waits for, and one's detail with the chain, at 80×24 and
// 200×50 in both languages.
func TestMyRequestsGolden(t *testing.T) {
	for _, view := range []string{"list", "detail"} {
		for _, lang := range goldenLangs {
			for _, sz := range []struct{ w, h int }{{80, 24}, {200, 50}} {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", view, lang, sz.w, sz.h), func(t *testing.T) {
					f, _, _ := myRequestsFix(t)
					s := f.sessionOf(f.member, lang)
					app := newAppWith(s, "", []Pane{newMyRequestsPane(s), newAccountPane(s)})
					out := runUI(t, app, sz.w, sz.h, func(tm *teatest.TestModel) {
						waitFor(t, tm, s.Sprintf(s.T.Requests.Rows, 1, 2, 2))
						if view == "detail" {
							press(tm, "j")
							press(tm, "enter")
							waitFor(t, tm, s.T.Requests.Chain)
						}
					})
					requireGolden(t, out)
				})
			}
		}
	}
}

// TestMyRequests: the member sees their own requests only, each one's
// state and whom it waits for; the detail has every step's decision and
// comment; another person's approval shows after the store's event.
func TestMyRequests(t *testing.T) {
	f, pending, rejected := myRequestsFix(t)
	s := f.sessionOf(f.member, "en")
	p := newMyRequestsPane(s)
	p.SetSize(120, 30)
	p.Shown(true)
	drive(p, p.Init())
	if len(p.reqs) != 2 || p.reqs[0].ID != rejected || p.reqs[1].ID != pending {
		t.Fatalf("my requests: %d", len(p.reqs))
	}
	owner := f.request(pending).Steps[1].Approver
	v := p.View()
	for _, want := range []string{"rejected", "pending", "step 2 of 4", string(owner)} {
		if !strings.Contains(v, want) {
			t.Errorf("the list lacks %q:\n%s", want, v)
		}
	}
	pressKeys(p, "enter")
	if v := p.View(); !strings.Contains(v, "“请用部门邮箱发通知”") || !strings.Contains(v, "rejected by 刘洋") {
		t.Errorf("the rejected request's detail:\n%s", v)
	}
	pressKeys(p, "esc")

	// Someone else's requests are not listed; the head's approval of the
	// next step shows after the event.
	hp := newMyRequestsPane(f.sessionOf(f.head, "en"))
	drive(hp, hp.Init())
	if len(hp.reqs) != 0 {
		t.Errorf("the head sees %d requests they did not file", len(hp.reqs))
	}
	f.apply(f.actor(string(owner)), &model.DecideRequest{ID: pending, Approve: true})
	drive(p, func() tea.Msg {
		return storeChangedMsg{events: []store.Event{{Kind: "request", Key: fmt.Sprint(pending)}}}
	})
	if v := p.View(); !strings.Contains(v, "step 3 of 4") {
		t.Errorf("after the owner's approval:\n%s", v)
	}

	// A change to someone else's request reads nothing; out of sight, a
	// change to one's own is read when the pane comes back.
	other := f.file(model.PermNotify, "")
	if _, cmd := p.Update(storeChangedMsg{events: []store.Event{{Kind: "request", Key: "1"}}}); cmd == nil {
		t.Errorf("a change to the member's request 1 read nothing")
	}
	p.loading = false
	// (An id below the newest listed that is not listed is someone else's.)
	if p.concerns(storeChangedMsg{events: []store.Event{{Kind: "request", Key: "0"}, {Kind: "member", Key: "x@example.com"}}}) {
		t.Errorf("a change to another's request concerns the member")
	}
	p.Shown(false)
	if _, cmd := p.Update(storeChangedMsg{events: []store.Event{{Kind: "request", Key: fmt.Sprint(other)}}}); cmd != nil || !p.stale {
		t.Errorf("out of sight the pane read at once (stale %v)", p.stale)
	}
	drive(p, p.Shown(true))
	if len(p.reqs) != 3 || p.stale {
		t.Errorf("back in sight: %d requests, stale %v", len(p.reqs), p.stale)
	}
}

// TestMyRequestsWithdraw: w on a pending request asks, y withdraws it
// through the write path, any other key keeps it; a request that is not
// pending offers no w; the list and the detail then show it withdrawn.
func TestMyRequestsWithdraw(t *testing.T) {
	f, pending, rejected := myRequestsFix(t)
	s := f.sessionOf(f.member, "en")
	p := newMyRequestsPane(s)
	p.SetSize(120, 30)
	p.Shown(true)
	drive(p, p.Init())
	offers := func() bool {
		return slices.ContainsFunc(p.ShortHelp(), func(b key.Binding) bool { return b.Help().Key == "w" })
	}

	// The cursor is on the rejected request: nothing to withdraw.
	if p.reqs[p.cursor].ID != rejected || offers() {
		t.Fatalf("the rejected request offers w")
	}
	pressKeys(p, "w")
	if p.confirm != nil {
		t.Fatal("w on the rejected request asked to withdraw it")
	}

	pressKeys(p, "j")
	if !offers() {
		t.Error("the pending request does not offer w")
	}
	pressKeys(p, "w")
	if v := p.View(); p.confirm == nil || !p.Capturing() || !strings.Contains(v, fmt.Sprintf("withdraw request %d (", pending)) {
		t.Fatalf("w asked nothing:\n%s", v)
	}
	pressKeys(p, "n")
	if p.confirm != nil || f.request(pending).State != model.RequestPending {
		t.Fatal("n withdrew the request")
	}

	pressKeys(p, "enter", "w", "y")
	q := f.request(pending)
	if q.State != model.RequestWithdrawn || q.WithdrawnBy != f.member.Address {
		t.Fatalf("after y: %s by %s", q.State, q.WithdrawnBy)
	}
	v := p.View()
	if !strings.Contains(v, "withdrawn") || !strings.Contains(v, "Withdrawn by") || offers() {
		t.Errorf("the detail after withdrawing:\n%s", v)
	}
	// Twice is refused by the write path, and said plainly.
	_, cmd := p.Update(appliedMsg{pane: p.ID(), tag: "withdraw", change: &model.WithdrawRequest{ID: pending},
		err: f.st.Apply(f.member, &model.WithdrawRequest{ID: pending})})
	if m, ok := cmd().(flashMsg); !ok || !m.err || !strings.Contains(m.text, "already withdrawn") {
		t.Errorf("a second withdrawal: %#v", cmd())
	}
	pressKeys(p, "esc")
	if v := p.View(); !strings.Contains(v, "withdrawn") {
		t.Errorf("the list after withdrawing:\n%s", v)
	}
}

// TestMyRequestsWithdrawUI: the same in the running program, in Chinese:
// the question, the answer, and the state word.
func TestMyRequestsWithdrawUI(t *testing.T) {
	f, pending, _ := myRequestsFix(t)
	s := f.sessionOf(f.member, "zh-CN")
	app := newAppWith(s, "", []Pane{newMyRequestsPane(s), newAccountPane(s)})
	out := runUI(t, app, 120, 24, func(tm *teatest.TestModel) {
		waitFor(t, tm, s.Sprintf(s.T.Requests.Rows, 1, 2, 2))
		press(tm, "j")
		press(tm, "w")
		waitFor(t, tm, fmt.Sprintf("撤回申请 %d", pending))
		press(tm, "y")
		waitFor(t, tm, s.Sprintf(s.T.Requests.DidWithdraw, pending))
	})
	if !strings.Contains(out, "已撤回") {
		t.Errorf("the list does not say 已撤回:\n%s", out)
	}
	if q := f.request(pending); q.State != model.RequestWithdrawn {
		t.Errorf("the request is %s", q.State)
	}
}
