package tui

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// permsFix is the demo company (external owned by 信息部, broadcast by
// 总经办) where IT granted the head external for a month, and the head
// lent it to the plain member for a week through an approved delegation
// request; officer is 信息部's permission officer.
type permsFix struct {
	*reqFix
	officer model.Actor
	deleg   uint64
}

func newPermsFix(t *testing.T) *permsFix {
	t.Helper()
	f := &permsFix{reqFix: newReqFix(t)}
	f.apply(f.admin, &model.GrantPerm{Address: f.head.Address, Perm: model.PermExternal, Until: testNow.Add(30 * 24 * time.Hour), Reason: "客户报价"})
	file := &model.FileRequest{Kind: model.RequestDelegate, Subject: f.head.Address, To: f.member.Address, Until: testNow.Add(7 * 24 * time.Hour), Reason: "出差"}
	f.apply(f.head, file)
	f.deleg = file.ID
	for range 6 {
		q := f.request(file.ID)
		if q.State == model.RequestApplied {
			break
		}
		as := f.admin
		if a := q.Steps[q.Current()].Approver; a != "" {
			as = f.actor(string(a))
		}
		f.apply(as, &model.DecideRequest{ID: file.ID, Approve: true})
	}
	if q := f.request(file.ID); q.State != model.RequestApplied {
		t.Fatalf("the delegation request is %s", q.State)
	}
	if err := f.st.Read(func(r *store.Reader) error {
		d, err := r.DeptByPath("信息部")
		if err != nil {
			return err
		}
		f.officer = f.actor(string(d.Officer))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return f
}

// permsOf is a Permissions pane in sight, loaded at a size.
func permsOf(s *Session, w, h int) *permsPane {
	p := newPermsPane(s)
	p.SetSize(w, h)
	drive(p, p.Init())
	drive(p, p.Shown(true))
	return p
}

// shownRows are the rows in sight, as "address perm source".
func (p *permsPane) shownRows() []string {
	var out []string
	for _, i := range p.shown {
		x := p.rows[i]
		out = append(out, string(x.Address)+" "+x.Perm+" "+x.Source)
	}
	return out
}

// TestPermsGolden: the list as the admin sees it, as 信息部's officer
// sees it (their modules, the direct grant and the delegation marked), and
// the delegation's detail, at 80×24 and 200×50 in both languages.
func TestPermsGolden(t *testing.T) {
	for _, view := range []string{"admin", "officer", "detail"} {
		for _, lang := range goldenLangs {
			for _, sz := range []struct{ w, h int }{{80, 24}, {200, 50}} {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", view, lang, sz.w, sz.h), func(t *testing.T) {
					f := newPermsFix(t)
					who := f.admin
					if view != "admin" {
						who = f.officer
					}
					s := f.sessionOf(who, lang)
					p := newPermsPane(s)
					app := newAppWith(s, "", []Pane{p, newAccountPane(s)})
					out := runUI(t, app, sz.w, sz.h, func(tm *teatest.TestModel) {
						waitFor(t, tm, strings.SplitN(s.T.Perms.Legend, " ", 2)[1])
						if view == "detail" {
							press(tm, "j")
							press(tm, "enter")
							waitFor(t, tm, s.T.Perms.LenderHolds)
						}
					})
					requireGolden(t, out)
				})
			}
		}
	}
}

// TestPermsByRole: the admin sees every holder, as perm list does; 信息部's
// officer starts on the permissions 信息部 owns, wherever their holders
// sit, and may widen to what they may read; a plain member and the
// helpdesk have no Permissions pane.
func TestPermsByRole(t *testing.T) {
	f := newPermsFix(t)
	admin := permsOf(f.sessionOf(f.admin, "en"), 200, 50)
	var want []cmd.PermRow
	f.st.Read(func(r *store.Reader) error {
		var err error
		want, err = cmd.PermList(r, f.admin, testNow, cmd.PermQuery{})
		return err
	})
	if len(admin.rows) != len(want) || len(admin.shown) != len(want) || admin.perm != "" {
		t.Fatalf("the admin sees %d of %d rows (filter %q)", len(admin.shown), len(want), admin.perm)
	}
	rows := admin.shownRows()
	for _, w := range []string{
		string(f.head.Address) + " external direct",
		string(f.member.Address) + " external delegation",
	} {
		if !slices.Contains(rows, w) {
			t.Errorf("the admin's list lacks %q", w)
		}
	}
	if depts := map[string]bool{}; true {
		for _, x := range admin.rows {
			for _, d := range x.Departments {
				depts[strings.SplitN(d, "/", 2)[0]] = true
			}
		}
		if len(depts) < 3 {
			t.Errorf("the admin's list covers %d top departments", len(depts))
		}
	}

	off := permsOf(f.sessionOf(f.officer, "en"), 200, 50)
	if off.perm != permsMine || !off.officer {
		t.Fatalf("the officer starts on %q", off.perm)
	}
	for _, i := range off.shown {
		if x := off.rows[i]; x.Owner != "信息部" {
			t.Errorf("the officer's modules list %s %s owned by %q", x.Address, x.Perm, x.Owner)
		}
	}
	got := off.shownRows()
	for _, w := range []string{
		string(f.head.Address) + " external direct",
		string(f.member.Address) + " external delegation",
	} {
		if !slices.Contains(got, w) {
			t.Errorf("the officer's spot-check lacks %q: %v", w, got)
		}
	}
	v := off.View()
	if !strings.Contains(v, "*") || !strings.Contains(v, "those my departments own") {
		t.Errorf("the officer's view:\n%s", v)
	}
	// Every permission they may read: their own department's holders too.
	pressKeys(off, "f")
	if off.perm != "" || len(off.shown) < len(got) {
		t.Errorf("after f: filter %q, %d rows", off.perm, len(off.shown))
	}

	for _, role := range []string{"member", "helpdesk", "hr"} {
		s := f.session(role, "en")
		for _, p := range panesFor(s, false) {
			if _, ok := p.(*permsPane); ok {
				t.Errorf("the %s has the Permissions pane", role)
			}
		}
	}
	for _, role := range []string{"admin", "auditor", "head"} {
		s := f.session(role, "en")
		if !slices.ContainsFunc(panesFor(s, false), func(p Pane) bool { _, ok := p.(*permsPane); return ok }) {
			t.Errorf("the %s lacks the Permissions pane", role)
		}
	}
}

// TestPermsFilters: by department (with those below it), by permission,
// by a search of names in pinyin; esc clears them all.
func TestPermsFilters(t *testing.T) {
	f := newPermsFix(t)
	p := permsOf(f.sessionOf(f.admin, "en"), 200, 50)
	all := len(p.shown)

	pressKeys(p, "d")
	if p.picker == nil || !p.Capturing() {
		t.Fatal("d opened no department picker")
	}
	pressKeys(p, "北京一组", "enter")
	if p.dept != "销售部/华北大区/北京一组" || len(p.shown) == 0 {
		t.Fatalf("department %q: %d rows", p.dept, len(p.shown))
	}
	for _, i := range p.shown {
		if x := p.rows[i]; x.Address != f.head.Address && x.Address != f.member.Address {
			t.Errorf("北京一组's list holds %s", x.Address)
		}
	}
	pressKeys(p, "esc")
	if p.dept != "" || len(p.shown) != all {
		t.Errorf("esc left %q, %d rows", p.dept, len(p.shown))
	}

	for p.perm != model.PermExternal {
		pressKeys(p, "f")
		if p.perm == "" {
			t.Fatal("f never reached external")
		}
	}
	for _, i := range p.shown {
		if p.rows[i].Perm != model.PermExternal {
			t.Errorf("the external filter shows %s", p.rows[i].Perm)
		}
	}
	pressKeys(p, "esc", "/", "wangwei")
	if !p.searching {
		t.Fatal("/ opened no search")
	}
	pressKeys(p, "enter")
	if len(p.shown) == 0 {
		t.Fatal("wangwei found nobody")
	}
	for _, i := range p.shown {
		if x := p.rows[i]; x.Name != "王伟" {
			t.Errorf("wangwei found %s %s", x.Name, x.Address)
		}
	}
	if !strings.Contains(p.View(), "Search: wangwei") {
		t.Errorf("the filter line:\n%s", p.View())
	}
}

// TestPermsExport: E writes the rows in sight as perm list --csv does
// (BOM, CRLF, the same header), through the session's Export.
func TestPermsExport(t *testing.T) {
	f := newPermsFix(t)
	s := f.sessionOf(f.officer, "en")
	var name string
	var data []byte
	s.Export = func(n string, d []byte) (string, error) { name, data = n, d; return "/exports/" + n, nil }
	p := newPermsPane(s)
	out := runUI(t, newAppWith(s, "", []Pane{p, newAccountPane(s)}), 120, 30, func(tm *teatest.TestModel) {
		waitFor(t, tm, "spot-check")
		press(tm, "E")
		// Not "exported": after "exporting…" the renderer redraws only
		// the cells that changed, so that word never reaches the stream.
		waitFor(t, tm, "permissions.csv")
	})
	if !strings.Contains(out, s.Sprintf(s.T.Perms.Exported, len(p.shown), "/exports/permissions.csv")) {
		t.Errorf("the screen does not say where the export went:\n%s", out)
	}
	if name != "permissions.csv" || !bytes.HasPrefix(data, []byte("\ufeffaddress,name,departments,perm,source")) {
		t.Fatalf("export %q: %q", name, data)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
	if len(lines) != len(p.shown)+1 {
		t.Errorf("%d CSV lines for %d rows", len(lines), len(p.shown))
	}
	var want bytes.Buffer
	rows := []cmd.PermRow{}
	for _, i := range p.shown {
		rows = append(rows, p.rows[i])
	}
	cmd.WritePermCSV(&want, rows)
	if !bytes.Equal(want.Bytes(), data) {
		t.Errorf("the export differs from perm list --csv's writer")
	}
}

// TestPermsLive: on screen the list is computed again on a change to
// members; out of sight a change is noted and the list is computed when
// the pane comes back; changes to other things read nothing.
func TestPermsLive(t *testing.T) {
	f := newPermsFix(t)
	p := permsOf(f.sessionOf(f.admin, "en"), 200, 50)
	n := len(p.rows)
	f.apply(f.admin, &model.GrantPerm{Address: f.member.Address, Perm: model.PermNotify})
	drive(p, func() tea.Msg {
		return storeChangedMsg{events: []store.Event{{Kind: "member", Key: string(f.member.Address)}}}
	})
	if len(p.rows) != n+1 {
		t.Fatalf("after a grant: %d rows, were %d", len(p.rows), n)
	}
	if _, c := p.Update(storeChangedMsg{events: []store.Event{{Kind: "queue", Key: "x"}, {Kind: "login", Key: "y"}}}); c != nil {
		t.Errorf("a change to the queue read the list")
	}
	p.Shown(false)
	f.apply(f.admin, &model.RevokePerm{Address: f.member.Address, Perm: model.PermNotify})
	if _, c := p.Update(storeChangedMsg{events: []store.Event{{Kind: "member", Key: string(f.member.Address)}}}); c != nil || !p.stale {
		t.Errorf("out of sight the pane read at once (stale %v)", p.stale)
	}
	drive(p, p.Shown(true))
	if len(p.rows) != n || p.stale {
		t.Errorf("back in sight: %d rows, stale %v", len(p.rows), p.stale)
	}
}

// TestPermsPages: the list is computed a page of members at a time; the
// first computation shows as it comes (export waits for the end), a later
// one replaces the list only when complete, and the whole equals perm
// list's.
func TestPermsPages(t *testing.T) {
	f := newPermsFix(t)
	s := f.sessionOf(f.admin, "en")
	s.Export = func(string, []byte) (string, error) { return "x", nil }
	p := newPermsPane(s)
	p.page = 10
	p.SetSize(200, 50)
	_, c := p.Update(p.Shown(true)())
	if !p.loaded || p.complete || c == nil || !strings.Contains(p.View(), "computing") {
		t.Fatalf("after the first page: loaded %v complete %v:\n%s", p.loaded, p.complete, p.View())
	}
	if slices.ContainsFunc(p.ShortHelp(), func(b key.Binding) bool { return b.Help().Key == "E" }) {
		t.Errorf("E is offered before the list is complete")
	}
	first := len(p.rows)
	pages := 1
	for c != nil {
		_, c = p.Update(c())
		pages++
	}
	var want []cmd.PermRow
	f.st.Read(func(r *store.Reader) (err error) {
		want, err = cmd.PermList(r, f.admin, testNow, cmd.PermQuery{})
		return err
	})
	if !p.complete || len(p.rows) != len(want) || pages < 3 || first >= len(want) {
		t.Fatalf("%d pages: %d rows (first %d), want %d; complete %v", pages, len(p.rows), first, len(want), p.complete)
	}
	for i := range want {
		if p.rows[i].Address != want[i].Address || p.rows[i].Perm != want[i].Perm {
			t.Fatalf("row %d: %s %s, want %s %s", i, p.rows[i].Address, p.rows[i].Perm, want[i].Address, want[i].Perm)
		}
	}

	// A change while a computation runs: the list on screen stays whole
	// until the next computation is complete, then the change shows.
	_, c = p.Update(storeChangedMsg{events: []store.Event{{Kind: "perm", Key: "notify"}}})
	f.apply(f.admin, &model.GrantPerm{Address: f.member.Address, Perm: model.PermNotify})
	_, c2 := p.Update(c())
	if len(p.rows) != len(want) || !p.complete {
		t.Errorf("mid-computation the list shows %d rows (complete %v)", len(p.rows), p.complete)
	}
	if _, c3 := p.Update(storeChangedMsg{events: []store.Event{{Kind: "member", Key: string(f.member.Address)}}}); c3 != nil || !p.dirty {
		t.Errorf("a change during a computation started another at once")
	}
	drive(p, c2)
	if len(p.rows) != len(want)+1 || p.loading || p.dirty {
		t.Errorf("after the computations: %d rows, loading %v dirty %v", len(p.rows), p.loading, p.dirty)
	}
}

// TestPermsLapse: a right that ends while the list is on screen leaves it
// at the next tick after its end, with no change to the data; out of sight
// the tick reads nothing.
func TestPermsLapse(t *testing.T) {
	f := newPermsFix(t)
	s := f.sessionOf(f.officer, "en")
	now := testNow
	s.Now = func() time.Time { return now }
	p := permsOf(s, 120, 30)
	lent := string(f.member.Address) + " external delegation"
	if !slices.Contains(p.shownRows(), lent) || !p.lapse.Equal(testNow.Add(7*24*time.Hour)) {
		t.Fatalf("before: %v, lapse %v", p.shownRows(), p.lapse)
	}
	now = testNow.Add(time.Hour)
	if c := p.Tick(now); c != nil {
		t.Errorf("a tick before any end read the list")
	}
	now = testNow.Add(7*24*time.Hour + time.Minute)
	p.Shown(false)
	if c := p.Tick(now); c != nil {
		t.Errorf("out of sight a tick read the list")
	}
	p.onScreen = true
	drive(p, p.Tick(now))
	if slices.Contains(p.shownRows(), lent) || !slices.Contains(p.shownRows(), string(f.head.Address)+" external direct") {
		t.Errorf("after the delegation's end: %v", p.shownRows())
	}
	if !p.lapse.Equal(testNow.Add(30 * 24 * time.Hour)) {
		t.Errorf("the next end: %v", p.lapse)
	}
}

// TestPermsFit: the list, the officer's list, the detail, the picker and
// the search fit 80×24 and 200×50 in both languages.
func TestPermsFit(t *testing.T) {
	f := newPermsFix(t)
	for _, lang := range goldenLangs {
		for _, sz := range []struct{ w, h int }{{80, 24}, {200, 50}} {
			for _, who := range []model.Actor{f.admin, f.officer} {
				s := f.sessionOf(who, lang)
				p := newPermsPane(s)
				app := newAppWith(s, "", []Pane{p, newAccountPane(s)})
				app.Update(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
				drive(p, p.Shown(true))
				check := func(what string) {
					t.Helper()
					text := screenText(app)
					for _, l := range strings.Split(text, "\n") {
						if w := cellWidth(l); w > sz.w {
							t.Errorf("%s %dx%d %s %s: a line of %d cells: %q", lang, sz.w, sz.h, who.Address, what, w, l)
						}
					}
					if n := len(strings.Split(text, "\n")); n > sz.h {
						t.Errorf("%s %dx%d %s %s: %d lines", lang, sz.w, sz.h, who.Address, what, n)
					}
				}
				check("list")
				pressKeys(p, "G", "enter")
				check("detail")
				pressKeys(p, "esc", "d")
				check("picker")
				pressKeys(p, "esc", "/", "wang")
				check("search")
				pressKeys(p, "enter", "f", "f")
				check("filtered")
			}
		}
	}
}
