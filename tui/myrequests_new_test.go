package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"postroom/model"
	"postroom/store"
)

// filingPane is My requests for a person, loaded at 80×24.
func filingPane(t *testing.T, f *reqFix, who model.Actor, lang string) *myRequestsPane {
	t.Helper()
	p := newMyRequestsPane(f.sessionOf(who, lang))
	p.SetSize(64, 21)
	p.Shown(true)
	drive(p, p.Init())
	return p
}

// chooseKind opens the list of kinds and the form of one.
func chooseKind(t *testing.T, p *myRequestsPane, kind model.RequestKind, urgent bool) {
	t.Helper()
	pressKeys(p, "n")
	if p.filing == nil {
		t.Fatal("n opened no list of kinds")
	}
	i := slices.Index(p.filing.kinds, fileKind{kind: kind, urgent: urgent})
	if i < 0 {
		t.Fatalf("%s (urgent %v) is not offered: %v", kind, urgent, p.filing.kinds)
	}
	for range i {
		pressKeys(p, "down")
	}
	pressKeys(p, "enter")
	if p.filing.form == nil {
		t.Fatal("enter opened no form")
	}
}

// fill types values into the form's fields by key, replacing what is there.
func fill(t *testing.T, p *myRequestsPane, values map[string]string) {
	t.Helper()
	f := p.filing.form
	for i, fl := range f.fields {
		v, ok := values[fl.key]
		if !ok {
			continue
		}
		f.focusOn(i)
		pressKeys(p, "ctrl+u", v)
	}
}

// TestFileKindsByRole: a member is offered what they may ask about
// themselves; HR also joiners, leavers, dismissals and unblocking; resets
// appear only when the policy routes them through approval.
func TestFileKindsByRole(t *testing.T) {
	f := newReqFix(t)
	has := func(who model.Actor, k fileKind) bool {
		return slices.Contains(fileKinds(f.sessionOf(who, "en"), false), k)
	}
	hr := f.actor(loginOf(t, "hr").Address)
	helpdesk := f.actor(loginOf(t, "helpdesk").Address)
	for _, c := range []struct {
		name string
		who  model.Actor
		kind fileKind
		want bool
	}{
		{"member grant", f.member, fileKind{kind: model.RequestGrant}, true},
		{"member delegate", f.member, fileKind{kind: model.RequestDelegate}, true},
		{"member handover", f.member, fileKind{kind: model.RequestHandover}, true},
		{"member join", f.member, fileKind{kind: model.RequestJoin}, false},
		{"member leave", f.member, fileKind{kind: model.RequestLeave}, false},
		{"member dismissal", f.member, fileKind{kind: model.RequestLeave, urgent: true}, false},
		{"member unblock", f.member, fileKind{kind: model.RequestUnblock}, false},
		{"hr join", hr, fileKind{kind: model.RequestJoin}, true},
		{"hr leave", hr, fileKind{kind: model.RequestLeave}, true},
		{"hr dismissal", hr, fileKind{kind: model.RequestLeave, urgent: true}, true},
		{"hr unblock", hr, fileKind{kind: model.RequestUnblock}, true},
		{"helpdesk reset, resets direct", helpdesk, fileKind{kind: model.RequestReset}, false},
	} {
		if got := has(c.who, c.kind); got != c.want {
			t.Errorf("%s: offered %v, want %v", c.name, got, c.want)
		}
	}
	var pol model.RequestPolicy
	f.st.Read(func(r *store.Reader) error { var err error; pol, err = r.RequestPolicy(); return err })
	pol.Resets = true
	f.apply(f.admin, &model.SetRequestPolicy{Policy: pol})
	// The pane reads the policy with its list.
	for _, c := range []struct {
		who  model.Actor
		want bool
	}{{helpdesk, true}, {f.member, false}} {
		p := filingPane(t, f, c.who, "en")
		pressKeys(p, "n")
		if got := slices.Contains(p.filing.kinds, fileKind{kind: model.RequestReset}); got != c.want {
			t.Errorf("with resets through approval, %s is offered a reset: %v", c.who.Address, got)
		}
	}
}

// TestFileJoinerInTUI: HR files a joiner from My requests in Chinese: a
// department named by a part that finds several is refused on its field,
// saying which it found; a unique part is taken; the request is filed with
// the department's path and opens in the detail with its chain.
func TestFileJoinerInTUI(t *testing.T) {
	f := newReqFix(t)
	hr := f.actor(loginOf(t, "hr").Address)
	p := filingPane(t, f, hr, "zh-CN")
	chooseKind(t, p, model.RequestJoin, false)
	fill(t, p, map[string]string{"name": "林小雨", "dept": "北京", "address": "linxiaoyu@example.com", "title": "销售代表", "start": "2026-12-07", "reason": "新员工"})
	pressKeys(p, "ctrl+s")
	dept := p.filing.form.fields[1]
	if p.filing.form.fields[p.filing.form.focus] != dept || !strings.Contains(dept.err, "北京一组") {
		t.Fatalf("an ambiguous department: focus %d, error %q", p.filing.form.focus, dept.err)
	}
	fill(t, p, map[string]string{"dept": "华北"})
	pressKeys(p, "ctrl+s")
	if p.filing != nil {
		t.Fatalf("not filed: %q %q", p.filing.form.err, p.filing.form.fields[1].err)
	}
	if p.detail == nil || p.detail.req == nil {
		t.Fatal("the new request is not open")
	}
	q := f.request(p.detail.id)
	if q.Kind != model.RequestJoin || q.Join == nil || q.Join.Name != "林小雨" || q.Requester != hr.Address || q.Join.Start.IsZero() {
		t.Errorf("filed %+v", q)
	}
	var path string
	f.st.Read(func(r *store.Reader) error { path = r.DeptPath(q.Join.Dept); return nil })
	if path != "销售部/华北大区" {
		t.Errorf("the joiner's department: %q", path)
	}
	v := ansi.Strip(p.View())
	if !strings.Contains(v, p.s.T.Requests.Chain) || !strings.Contains(v, "林小雨") {
		t.Errorf("the detail:\n%s", v)
	}
}

// TestFileGrantInTUI: a member asks for a permission by its Chinese name;
// a grant for another person is refused with the missing right, on the
// form; a person named by a query that finds several is listed.
func TestFileGrantInTUI(t *testing.T) {
	f := newReqFix(t)
	p := filingPane(t, f, f.member, "zh-CN")
	chooseKind(t, p, model.RequestGrant, false)
	if got := p.filing.form.value("member"); got != string(f.member.Address) {
		t.Errorf("the member field starts as %q", got)
	}
	fill(t, p, map[string]string{"member": string(f.head.Address), "perm": "对外发信", "reason": "报价"})
	pressKeys(p, "ctrl+s")
	if p.filing == nil || !strings.Contains(p.filing.form.err, "request.file") {
		t.Fatalf("a grant for another person: %+v", p.filing)
	}
	fill(t, p, map[string]string{"member": "wang"})
	pressKeys(p, "ctrl+s")
	if e := p.filing.form.fields[0].err; !strings.Contains(e, "王") {
		t.Errorf("a query that finds several: %q", e)
	}
	// Two 王伟 share the name; "wangwei" is the one whose address it is.
	local, _, _ := strings.Cut(string(f.member.Address), "@")
	fill(t, p, map[string]string{"member": local, "until": "2027-01-31"})
	pressKeys(p, "ctrl+s")
	if p.filing != nil {
		t.Fatalf("not filed: %q", p.filing.form.err)
	}
	q := f.request(p.detail.id)
	if q.Kind != model.RequestGrant || q.Perm != model.PermExternal || q.Subject != f.member.Address || q.Until.Format("2006-01-02 15:04") != "2027-02-01 00:00" {
		t.Errorf("filed %+v", q)
	}
}

// TestHomeSaysRequestsWait: the officer whose signature a request waits
// for is told on Home, with the count; the member who filed it is not.
func TestHomeSaysRequestsWait(t *testing.T) {
	f := newReqFix(t)
	f.file(model.PermExternal, "报价")
	for _, c := range []struct {
		who  model.Actor
		want bool
	}{{f.head, true}, {f.member, false}} {
		s := f.sessionOf(c.who, "en")
		p := newHomePane(s)
		p.SetSize(80, 24)
		drive(p, p.Init())
		if got := strings.Contains(ansi.Strip(p.View()), s.Sprintf(s.T.Home.RequestsForYouOne, 1)); got != c.want {
			t.Errorf("%s: Home tells of the request: %v, want %v\n%s", c.who.Address, got, c.want, ansi.Strip(p.View()))
		}
	}
}

// TestFileDismissalInTUI: HR files a dismissal from My requests; the
// leaver's login is blocked on filing, and the request is marked urgent.
func TestFileDismissalInTUI(t *testing.T) {
	f := newReqFix(t)
	hr := f.actor(loginOf(t, "hr").Address)
	p := filingPane(t, f, hr, "en")
	chooseKind(t, p, model.RequestLeave, true)
	fill(t, p, map[string]string{"member": string(f.member.Address), "successor": string(f.head.Address), "reason": "misconduct"})
	pressKeys(p, "ctrl+s")
	if p.filing != nil {
		t.Fatalf("not filed: %q %+v", p.filing.form.err, p.filing.form.fields)
	}
	q := f.request(p.detail.id)
	if q.Kind != model.RequestLeave || !q.Urgent || q.Successor != f.head.Address {
		t.Errorf("filed %+v", q)
	}
	var m *model.Member
	f.st.Read(func(r *store.Reader) error { var err error; m, err = r.Member(f.member.Address); return err })
	if m.Status == model.StatusActive {
		t.Errorf("the dismissed member is still %s", m.Status)
	}
}

// TestFiledViewBeforeDetailLoads: the screen drawn between filing and the
// new request's detail arriving shows it loading (it used to crash the
// session on a request not read yet).
func TestFiledViewBeforeDetailLoads(t *testing.T) {
	f := newReqFix(t)
	hr := f.actor(loginOf(t, "hr").Address)
	p := filingPane(t, f, hr, "en")
	chooseKind(t, p, model.RequestJoin, false)
	p.Update(requestFiledMsg{pane: p, id: 42}) // the detail's load is not run
	v := ansi.Strip(p.View())
	if p.detail == nil || !strings.Contains(v, "42") || !strings.Contains(v, p.s.T.Common.Loading) {
		t.Errorf("between filing and the detail:\n%s", v)
	}
	p.ShortHelp()
}

// TestFileThroughTheProgram: a member files a permission request with the
// keyboard through the running program, every screen drawn on the way,
// and sees it open with its chain; at 80×24 in both languages.
func TestFileThroughTheProgram(t *testing.T) {
	for _, lang := range goldenLangs {
		f := newReqFix(t)
		s := f.sessionOf(f.member, lang)
		app := newAppWith(s, "", []Pane{newMyRequestsPane(s), newAccountPane(s)})
		runUI(t, app, 80, 24, func(tm *teatest.TestModel) {
			waitFor(t, tm, s.Sprintf(s.T.Requests.MineEmpty, "n"))
			press(tm, "n")
			waitFor(t, tm, s.T.Requests.NewChoose)
			press(tm, "enter") // a permission, the first kind
			waitFor(t, tm, s.T.Requests.FPerm)
			tm.Type("external")
			press(tm, "tab")
			press(tm, "tab")
			tm.Type("quotes to customers")
			press(tm, "ctrl+s")
			waitFor(t, tm, s.T.Requests.Chain)
		})
		var qs []*model.Request
		f.st.Read(func(r *store.Reader) error {
			var err error
			qs, err = r.Requests(store.RequestFilter{})
			return err
		})
		if len(qs) != 1 || qs[0].Perm != model.PermExternal || qs[0].Reason != "quotes to customers" {
			t.Errorf("%s: filed %+v", lang, qs)
		}
	}
}
