package tui

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"golang.org/x/crypto/ssh"

	"postroom/model"
	"postroom/store"
)

// orgUI is the UI with the Org pane first, for a demo role in a language.
func orgUI(t *testing.T, st *store.Store, role, lang string) (*Session, *App) {
	t.Helper()
	s := sessionAs(t, st, role, lang)
	return s, newAppWith(s, "", []Pane{newOrgPane(s), newHomePane(s)})
}

// orgType types text one character at a time, as a person (or an input
// method committing characters) would.
func orgType(tm *teatest.TestModel, text string) {
	for _, r := range text {
		tm.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// orgTypeAtOnce types text in one key press, as an input method commits a
// word: the screen changes once (a wait for the text cannot miss it the way
// it can miss a frame drawn character by character).
func orgTypeAtOnce(tm *teatest.TestModel, text string) {
	tm.Send(tea.KeyPressMsg{Code: []rune(text)[0], Text: text})
}

// orgClearField empties the focused text field (ctrl+u deletes to its start).
func orgClearField(tm *teatest.TestModel) {
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnd})
	tm.Send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
}

// orgFindAndOpen filters for a query, moves to the table and opens the first
// member found.
func orgFindAndOpen(t *testing.T, tm *teatest.TestModel, s *Session, query, name string) {
	t.Helper()
	press(tm, "/")
	// Pasted: one search, so the count is drawn whole, never "2" turned "1".
	tm.Send(tea.PasteMsg{Content: query})
	waitFor(t, tm, s.Sprintf(s.T.Org.Found, 1))
	press(tm, "enter")
	press(tm, "enter")
	waitFor(t, tm, s.T.Fields.Created)
}

// orgMemberOf reads one member from the store.
func orgMemberOf(t *testing.T, st *store.Store, a string) *model.Member {
	t.Helper()
	var m *model.Member
	if err := st.Read(func(r *store.Reader) (err error) {
		m, err = r.Member(model.Address(a))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestOrgGolden: the tree beside the table, a member's detail, and the
// edit form with a refusal under its field, at both sizes in both languages.
func TestOrgGolden(t *testing.T) {
	for _, lang := range goldenLangs {
		for _, sz := range goldenSizes {
			name := fmt.Sprintf("%s_%dx%d", lang, sz.w, sz.h)
			t.Run("tree/"+name, func(t *testing.T) {
				st := demoStore(t)
				s, app := orgUI(t, st, "admin", lang)
				out := runUI(t, app, sz.w, sz.h, func(tm *teatest.TestModel) {
					waitFor(t, tm, "177")
					for range 4 { // root, 财务部, 技术部, 人力资源部, 销售部
						press(tm, "j")
					}
					press(tm, "l")
					waitFor(t, tm, "华北大区")
					press(tm, "tab")
					waitFor(t, tm, s.Sprintf(s.T.Org.DeptCount, "销售部", 177))
				})
				requireGolden(t, out)
			})
			t.Run("detail/"+name, func(t *testing.T) {
				st := demoStore(t)
				s, app := orgUI(t, st, "admin", lang)
				out := runUI(t, app, sz.w, sz.h, func(tm *teatest.TestModel) {
					waitFor(t, tm, "177")
					orgFindAndOpen(t, tm, s, "ouyang", "欧阳明远")
				})
				requireGolden(t, out)
			})
			t.Run("form_error/"+name, func(t *testing.T) {
				st := demoStore(t)
				s, app := orgUI(t, st, "admin", lang)
				out := runUI(t, app, sz.w, sz.h, func(tm *teatest.TestModel) {
					waitFor(t, tm, "177")
					orgFindAndOpen(t, tm, s, "caosiqin", "曹思琴")
					press(tm, "e")
					waitFor(t, tm, s.Sprintf(s.T.Org.EditMember, "曹思琴", "caosiqin@example.com"))
					for range 4 { // name, depts, title, position, employee id
						press(tm, "tab")
					}
					orgClearField(tm)
					orgType(tm, "E00050") // 高江's
					press(tm, "ctrl+s")
					waitFor(t, tm, map[string]string{"zh-CN": "已属于", "en": "already belongs"}[lang])
				})
				requireGolden(t, out)
			})
		}
	}
}

// TestOrgCreateMember: a new member through the form lands in the store,
// in the department typed.
func TestOrgCreateMember(t *testing.T) {
	st := demoStore(t)
	s, app := orgUI(t, st, "admin", "zh-CN")
	runUI(t, app, 100, 30, func(tm *teatest.TestModel) {
		waitFor(t, tm, "177")
		press(tm, "tab")
		press(tm, "n")
		waitFor(t, tm, s.T.Org.AddressHint)
		orgType(tm, "ce.shi@example.com")
		press(tm, "tab")
		orgType(tm, "测试")
		press(tm, "tab")
		orgType(tm, "销售部/华北大区")
		press(tm, "tab")
		orgType(tm, "实习生")
		press(tm, "ctrl+s")
		waitFor(t, tm, s.Sprintf(s.T.Org.Added, "ce.shi@example.com"))
	})
	m := orgMemberOf(t, st, "ce.shi@example.com")
	var path string
	st.Read(func(r *store.Reader) error { path = r.DeptPath(m.Depts[0]); return nil })
	if m.Name != "测试" || m.Title != "实习生" || path != "销售部/华北大区" || m.Status != model.StatusActive {
		t.Fatalf("created %+v in %s", m, path)
	}
}

// TestOrgEditTitle: the edit form changes the title, and only the title.
func TestOrgEditTitle(t *testing.T) {
	st := demoStore(t)
	before := orgMemberOf(t, st, "caosiqin@example.com")
	s, app := orgUI(t, st, "admin", "en")
	runUI(t, app, 100, 30, func(tm *teatest.TestModel) {
		waitFor(t, tm, "177")
		orgFindAndOpen(t, tm, s, "caosiqin", "曹思琴")
		press(tm, "e")
		waitFor(t, tm, s.Sprintf(s.T.Org.EditMember, "曹思琴", "caosiqin@example.com"))
		press(tm, "tab")
		press(tm, "tab")
		orgClearField(tm)
		orgType(tm, "高级会计")
		press(tm, "ctrl+s")
		waitFor(t, tm, s.Sprintf(s.T.Org.Saved, "caosiqin@example.com"))
	})
	after := orgMemberOf(t, st, "caosiqin@example.com")
	if after.Title != "高级会计" {
		t.Fatalf("title %q", after.Title)
	}
	after.Title, after.Updated = before.Title, before.Updated
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("more than the title changed:\n%+v\n%+v", before, after)
	}
}

// TestOrgDisableEnable: disable with a reason (asked y/n), then enable.
func TestOrgDisableEnable(t *testing.T) {
	st := demoStore(t)
	s, app := orgUI(t, st, "admin", "zh-CN")
	var disabled *model.Member
	runUI(t, app, 100, 30, func(tm *teatest.TestModel) {
		waitFor(t, tm, "177")
		orgFindAndOpen(t, tm, s, "caosiqin", "曹思琴")
		press(tm, "x")
		waitFor(t, tm, s.T.Org.DisableHint)
		orgType(tm, "离职交接")
		press(tm, "enter")
		waitFor(t, tm, s.T.Org.YesNo)
		press(tm, "y")
		waitFor(t, tm, s.Sprintf(s.T.Org.Because, "离职交接"))
		disabled = orgMemberOf(t, st, "caosiqin@example.com")
		press(tm, "X")
		waitFor(t, tm, s.Sprintf(s.T.Org.ConfirmEnable, "曹思琴", "caosiqin@example.com"))
		press(tm, "y")
		waitFor(t, tm, s.Sprintf(s.T.Org.Enabled, "caosiqin@example.com"))
	})
	if disabled.Status != model.StatusDisabled || disabled.Reason != "离职交接" {
		t.Fatalf("after disable: %s %q", disabled.Status, disabled.Reason)
	}
	if m := orgMemberOf(t, st, "caosiqin@example.com"); m.Status != model.StatusActive || m.Reason != "" {
		t.Fatalf("after enable: %s %q", m.Status, m.Reason)
	}
}

// TestOrgWarn: from a member's detail W asks why and records a warning;
// the one that blocks the mailbox is asked y/n first; the detail then
// shows the count against the limit and each warning, and offers neither
// W nor enable (only an unblock request lifts the block). Both languages,
// at 80×24.
func TestOrgWarn(t *testing.T) {
	for _, lang := range []string{"zh-CN", "en"} {
		t.Run(lang, func(t *testing.T) {
			st := demoStore(t)
			s, app := orgUI(t, st, "admin", lang)
			const who = "caosiqin@example.com"
			runUI(t, app, 80, 24, func(tm *teatest.TestModel) {
				waitFor(t, tm, "177")
				orgFindAndOpen(t, tm, s, "caosiqin", "曹思琴")
				for i, reason := range []string{"群发广告", "超大附件", "再次群发"} {
					press(tm, "W")
					waitFor(t, tm, s.Sprintf(s.T.Org.WarnTitle, "曹思琴", who))
					orgType(tm, reason)
					press(tm, "enter")
					if i == 2 {
						waitFor(t, tm, s.T.Org.YesNo)
						press(tm, "y")
					}
					// The screen redraws only what changed: the store says when
					// the warning is in, then the pane gets the answer, closes
					// the form and reads the member again.
					for end := time.Now().Add(5 * time.Second); len(orgMemberOf(t, st, who).Warnings) != i+1 && time.Now().Before(end); {
						time.Sleep(10 * time.Millisecond)
					}
					time.Sleep(300 * time.Millisecond)
				}
			})
			m := orgMemberOf(t, st, who)
			if !m.WarnBlocked() || len(m.Warnings) != 3 || m.Warnings[1].Reason != "超大附件" {
				t.Fatalf("after three warnings: %s, %+v", m.Status, m.Warnings)
			}
			_, p := orgOpen(t, st, "admin", lang, 80, 24)
			orgDrive(t, p, orgKeys("/", "caosiqin", "enter", "enter")...)
			view := orgPlain(p.View())
			for _, want := range []string{s.T.Org.Warnings, "群发广告", "超大附件"} {
				if !strings.Contains(view, want) {
					t.Errorf("the detail lacks %q:\n%s", want, view)
				}
			}
			for i, line := range strings.Split(view, "\n") {
				if w := ansi.StringWidth(line); w > 80 {
					t.Errorf("line %d is %d cells wide: %q", i, w, line)
				}
			}
			for _, b := range p.ShortHelp() {
				if k := b.Help().Key; k == s.Keys.Warn.Help().Key || k == s.Keys.Enable.Help().Key {
					t.Errorf("a blocked mailbox offers %s", b.Help().Desc)
				}
			}
		})
	}
}

// orgDrive feeds messages to a pane one by one, and after each runs the
// commands it answers with, feeding their messages back, until nothing is
// left; it returns the flashes shown on the way. The Org pane returns no
// ticking commands, so this ends.
func orgDrive(t *testing.T, p Pane, msgs ...tea.Msg) []flashMsg {
	t.Helper()
	var flashes []flashMsg
	for _, msg := range msgs {
		// Each message settles before the next, as a person waits for the screen.
		queue := []tea.Msg{msg}
		for steps := 0; len(queue) > 0; steps++ {
			if steps > 1000 {
				t.Fatal("the pane does not settle")
			}
			msg := queue[0]
			queue = queue[1:]
			var cmd tea.Cmd
			p, cmd = p.Update(msg)
			for _, m := range orgRunCmd(cmd) {
				if f, ok := m.(flashMsg); ok {
					flashes = append(flashes, f)
				} else {
					queue = append(queue, m)
				}
			}
		}
	}
	return flashes
}

// orgRunCmd runs a command and the commands of a batch, and returns their
// messages.
func orgRunCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, orgRunCmd(c)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

// orgKeys turns key names into key presses (see press).
func orgKeys(names ...string) []tea.Msg {
	var out []tea.Msg
	for _, k := range names {
		switch k {
		case "enter":
			out = append(out, tea.KeyPressMsg{Code: tea.KeyEnter})
		case "esc":
			out = append(out, tea.KeyPressMsg{Code: tea.KeyEscape})
		case "tab":
			out = append(out, tea.KeyPressMsg{Code: tea.KeyTab})
		case "ctrl+s":
			out = append(out, tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
		case "shift+tab":
			out = append(out, tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
		default:
			for _, r := range k {
				out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
			}
		}
	}
	return out
}

// orgOpen builds the Org pane for a role, sized, loaded.
func orgOpen(t *testing.T, st *store.Store, role, lang string, w, h int) (*Session, *orgPane) {
	t.Helper()
	s := sessionAs(t, st, role, lang)
	p := newOrgPane(s).(*orgPane)
	p.SetSize(w, h)
	orgDrive(t, p, p.Init()())
	if p.tree == nil {
		t.Fatalf("the tree did not load: %s", p.err)
	}
	return s, p
}

func orgPlain(s string) string { return ansi.Strip(s) }

// TestOrgResetPassword: the one-time password shows once, in a box, until
// a key; it is the member's new password and must change at next login.
func TestOrgResetPassword(t *testing.T) {
	st := demoStore(t)
	s, p := orgOpen(t, st, "admin", "zh-CN", 100, 30)
	orgDrive(t, p, orgKeys("/", "caosiqin", "enter", "enter")...)
	if p.mode != orgDetail {
		t.Fatalf("mode %d, want the detail", p.mode)
	}
	orgDrive(t, p, orgKeys("p", "工单 4711", "enter", "工号与手机已核对", "enter")...)
	if p.confirm == nil || !strings.Contains(p.confirm.text, "曹思琴") {
		t.Fatalf("no confirmation: %+v", p.confirm)
	}
	flashes := orgDrive(t, p, orgKeys("y")...)
	otp := p.otp
	if otp == "" {
		t.Fatalf("no one-time password; flashes %v", flashes)
	}
	screen := orgPlain(p.View())
	if !strings.Contains(screen, otp) || !strings.Contains(screen, s.T.Org.AnyKey) {
		t.Fatalf("the one-time password is not on screen:\n%s", screen)
	}
	if !p.Capturing() {
		t.Fatal("the box must take the next key (q must not quit past it)")
	}
	m := orgMemberOf(t, st, "caosiqin@example.com")
	if !m.Password.MustChange {
		t.Fatal("must_change not set")
	}
	if ok, _, err := model.VerifyPassword(m.Password.Hash, otp, fastArgon); err != nil || !ok {
		t.Fatalf("the shown password is not the member's: %v", err)
	}
	orgDrive(t, p, orgKeys("q")...)
	if p.otp != "" || strings.Contains(orgPlain(p.View()), otp) {
		t.Fatal("the one-time password is still held after a key")
	}
	for _, f := range flashes {
		if strings.Contains(f.text, otp) {
			t.Fatalf("the one-time password went to the status line: %q", f.text)
		}
	}
	if p.mode != orgDetail {
		t.Fatalf("after the box: mode %d, want the detail", p.mode)
	}
}

// TestOrgDepartments: create a department below the selected one, rename
// it, then delete it; with a member in it, the members move up.
func TestOrgDepartments(t *testing.T) {
	st := demoStore(t)
	s, p := orgOpen(t, st, "admin", "en", 100, 30)
	exists := func(path string) bool {
		return st.Read(func(r *store.Reader) error { _, err := r.DeptByPath(path); return err }) == nil
	}
	// The root is selected: n makes a top-level department.
	orgDrive(t, p, orgKeys("n", "测试部", "enter")...)
	if !exists("测试部") {
		t.Fatal("测试部 was not created")
	}
	if n := p.tree.nodes[p.view.selected()]; n == nil || n.path != "测试部" {
		t.Fatalf("the new department is not selected: %+v", n)
	}
	// A department inside it.
	orgDrive(t, p, orgKeys("n", "小组", "enter")...)
	if !exists("测试部/小组") {
		t.Fatal("测试部/小组 was not created")
	}
	// Rename the inner one.
	orgDrive(t, p, orgKeys("R")...)
	orgDrive(t, p, tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	orgDrive(t, p, orgKeys("质量组", "enter")...)
	if !exists("测试部/质量组") || exists("测试部/小组") {
		t.Fatal("the rename did not happen")
	}
	// A member in it: deleting asks to move them up.
	if err := st.Apply(s.Actor, &model.AddMember{Address: "zhi.liang@example.com", Fields: model.MemberFields{Name: "质量", Depts: []string{"测试部/质量组"}}}); err != nil {
		t.Fatal(err)
	}
	orgDrive(t, p, storeChangedMsg{})
	orgDrive(t, p, orgKeys("D")...)
	if p.confirm == nil || !strings.Contains(p.confirm.text, "still has 1 member: ") {
		t.Fatalf("no move-up question: %+v", p.confirm)
	}
	orgDrive(t, p, orgKeys("y")...)
	if exists("测试部/质量组") {
		t.Fatal("测试部/质量组 was not deleted")
	}
	var path string
	st.Read(func(r *store.Reader) error {
		m, _ := r.Member("zhi.liang@example.com")
		path = r.DeptPath(m.Depts[0])
		return nil
	})
	if path != "测试部" {
		t.Fatalf("the member went to %s, want 测试部", path)
	}
	// 测试部 is selected again (the parent): it still has the member; n says no.
	if n := p.tree.nodes[p.view.selected()]; n == nil || n.path != "测试部" {
		t.Fatalf("selected %+v after the delete", n)
	}
	orgDrive(t, p, orgKeys("D", "n")...)
	if !exists("测试部") {
		t.Fatal("n deleted the department")
	}
}

// TestOrgSubadminScope: a sub-admin of 销售部 sees the path down to it and
// its subtree, never 技术部 (not even as a second department of a member).
func TestOrgSubadminScope(t *testing.T) {
	st := demoStore(t)
	_, p := orgOpen(t, st, "subadmin", "zh-CN", 120, 40)
	if sel := p.tree.nodes[p.view.selected()]; sel.path != "销售部" {
		t.Fatalf("the sub-admin starts at %s", sel.path)
	}
	for _, n := range p.tree.nodes {
		if strings.HasPrefix(n.path, "技术部") || n.path == "财务部" {
			t.Fatalf("the sub-admin sees %s", n.path)
		}
	}
	screen := orgPlain(p.View())
	if strings.Contains(screen, "技术部") || !strings.Contains(screen, "华北大区") {
		t.Fatalf("the sub-admin's screen:\n%s", screen)
	}
	// 唐子涵 is in 销售部/华东大区/上海一组 and 技术部/产品组.
	orgDrive(t, p, orgKeys("/", "tangzihan", "enter", "enter")...)
	if p.mode != orgDetail {
		t.Fatal("the detail did not open")
	}
	if screen := orgPlain(p.View()); strings.Contains(screen, "技术部") || !strings.Contains(screen, "上海一组") {
		t.Fatalf("the detail shows another subtree:\n%s", screen)
	}
	// The root is only the way down: the sub-admin adds no department there.
	orgDrive(t, p, orgKeys("esc", "esc", "tab", "g")...)
	if p.view.selected() != model.RootDept || slices.ContainsFunc(p.ShortHelp(), func(b key.Binding) bool { return b.Help().Key == "n" }) {
		t.Fatal("the sub-admin is offered a new department at the root")
	}
}

// TestOrgAuditorReadOnly: an auditor sees everything, read-only: no action
// keys, the marker, and a forced edit is refused by the store naming the
// right it needs.
func TestOrgAuditorReadOnly(t *testing.T) {
	st := demoStore(t)
	s, p := orgOpen(t, st, "auditor", "zh-CN", 100, 30)
	if !strings.Contains(orgPlain(p.View()), "["+s.T.Common.ReadOnly+"]") {
		t.Fatal("no read-only marker")
	}
	if p.nodeByPath("技术部") == nil {
		t.Fatal("the auditor does not see 技术部")
	}
	orgDrive(t, p, orgKeys("/", "caosiqin", "enter")...)
	actions := []key.Binding{s.Keys.New, s.Keys.Edit, s.Keys.Move, s.Keys.Disable, s.Keys.Enable, s.Keys.Reset,
		s.Keys.Alias, s.Keys.Role, s.Keys.SSHKey, s.Keys.Delete, s.Keys.Rename, s.Keys.Warn}
	for _, focus := range []string{"table", "tree"} {
		for _, b := range p.ShortHelp() {
			for _, a := range actions {
				if b.Help().Key == a.Help().Key {
					t.Fatalf("%s: the auditor is offered %s", focus, b.Help().Desc)
				}
			}
		}
		orgDrive(t, p, orgKeys("e", "x", "p", "n", "tab")...)
		if p.mode != orgBrowse || p.confirm != nil {
			t.Fatalf("%s: a hidden action opened (mode %d)", focus, p.mode)
		}
	}
	orgDrive(t, p, orgKeys("enter")...)
	if p.mode != orgDetail {
		t.Fatal("the auditor cannot open the detail")
	}
	// Force the edit form open, as if the pane had offered it.
	p.openMemberForm(p.detail.m, orgDetail)
	orgDrive(t, p, orgKeys("tab", "tab")...)
	orgDrive(t, p, tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	orgDrive(t, p, orgKeys("审计改的", "ctrl+s")...)
	if p.mode != orgForm || !strings.Contains(p.form.err, string(model.RightMemberManage)) {
		t.Fatalf("the forced edit was not refused with the right named: %q", p.form.err)
	}
	if m := orgMemberOf(t, st, "caosiqin@example.com"); m.Title == "审计改的" {
		t.Fatal("the store took the auditor's edit")
	}
}

// TestOrgFilterStale: an answer to a query typed past is dropped.
func TestOrgFilterStale(t *testing.T) {
	st := demoStore(t)
	_, p := orgOpen(t, st, "admin", "en", 100, 30)
	p.Update(orgKeys("/")[0])
	_, c1 := p.Update(orgKeys("c")[0])
	_, c2 := p.Update(orgKeys("a")[0])
	stale, fresh := orgRunCmd(c1), orgRunCmd(c2)
	orgDrive(t, p, append(fresh, stale...)...) // the older answer lands last
	for _, m := range p.found {
		if !slices.ContainsFunc(model.SearchKeys(m), func(k string) bool { return strings.HasPrefix(k, "ca") }) {
			t.Fatalf("a result of the stale query %q stayed: %s", "c", m.Address)
		}
	}
	if len(p.found) == 0 {
		t.Fatal("the fresh answer was dropped")
	}
}

// TestOrgFilterCursor: the terminal's cursor stands right after what was
// typed in the filter, Chinese characters counted two cells wide, so an
// input method's window opens there.
func TestOrgFilterCursor(t *testing.T) {
	st := demoStore(t)
	_, app := orgUI(t, st, "admin", "zh-CN")
	var final tea.Model
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(80, 24))
	waitFor(t, tm, "177")
	press(tm, "/")
	orgTypeAtOnce(tm, "欧阳")
	waitFor(t, tm, "欧阳")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final = tm.FinalModel(t)
	v := final.(*App).View()
	if v.Cursor == nil {
		t.Fatal("no cursor while the filter has the keys")
	}
	lines := strings.Split(ansi.Strip(v.Content), "\n")
	line := lines[v.Cursor.Y]
	i := strings.Index(line, "欧阳")
	if i < 0 {
		t.Fatalf("the cursor is on line %d: %q", v.Cursor.Y, line)
	}
	if want := ansi.StringWidth(line[:i] + "欧阳"); v.Cursor.X != want {
		t.Fatalf("cursor at column %d, want %d (right after 欧阳) in %q", v.Cursor.X, want, line)
	}
}

// TestOrgFormCursor: in the member form too, the cursor follows Chinese
// text by cells.
func TestOrgFormCursor(t *testing.T) {
	st := demoStore(t)
	_, app := orgUI(t, st, "admin", "zh-CN")
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(80, 24))
	waitFor(t, tm, "177")
	press(tm, "tab")
	press(tm, "n")
	press(tm, "tab")
	orgTypeAtOnce(tm, "测试员")
	waitFor(t, tm, "测试员")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	v := tm.FinalModel(t).(*App).View()
	if v.Cursor == nil {
		t.Fatal("no cursor in the form")
	}
	line := strings.Split(ansi.Strip(v.Content), "\n")[v.Cursor.Y]
	i := strings.Index(line, "测试员")
	if i < 0 {
		t.Fatalf("the cursor is on %q", line)
	}
	if want := ansi.StringWidth(line[:i] + "测试员"); v.Cursor.X != want {
		t.Fatalf("cursor at column %d, want %d in %q", v.Cursor.X, want, line)
	}
}

// TestOrgMoveRoleKey: move a member through the department picker, grant
// a role (a mistake lands under its field first), add a pasted SSH key.
func TestOrgMoveRoleKey(t *testing.T) {
	st := demoStore(t)
	_, p := orgOpen(t, st, "admin", "en", 100, 30)
	orgDrive(t, p, orgKeys("/", "caosiqin", "enter", "enter")...)
	if p.mode != orgDetail {
		t.Fatal("the detail did not open")
	}
	orgDrive(t, p, orgKeys("m", "上海二", "enter")...)
	var path string
	st.Read(func(r *store.Reader) error {
		m, _ := r.Member("caosiqin@example.com")
		path = r.DeptPath(m.Depts[0])
		return nil
	})
	if path != "销售部/华东大区/上海二组" {
		t.Fatalf("moved to %s", path)
	}

	orgDrive(t, p, orgKeys("o", "boss", "ctrl+s")...)
	if p.mode != orgForm || p.form.fields[0].err == "" {
		t.Fatalf("an unknown role was not refused under its field: %+v", p.form)
	}
	orgDrive(t, p, tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	orgDrive(t, p, orgKeys("subadmin", "tab", "销售部/不存在", "tab", "members", "ctrl+s")...)
	if p.mode != orgForm || p.form.fields[1].err == "" {
		t.Fatalf("the store's refusal of the scope is not under the scope: %q %q", p.form.err, p.form.fields[1].err)
	}
	orgDrive(t, p, orgKeys("shift+tab")...)
	p.form.focusOn(1)
	orgDrive(t, p, tea.KeyPressMsg{Code: tea.KeyEnd}, tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	orgDrive(t, p, orgKeys("销售部/华东大区", "ctrl+s")...)
	if p.mode != orgDetail {
		t.Fatalf("the role form stayed open: %q", p.form.err)
	}
	m := orgMemberOf(t, st, "caosiqin@example.com")
	if len(m.Roles) != 1 || m.Roles[0].Role != model.RoleSubadmin || len(m.Roles[0].Rights) != 1 {
		t.Fatalf("roles %+v", m.Roles)
	}

	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	sp, _ := ssh.NewPublicKey(pub)
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))) + " cao@laptop"
	orgDrive(t, p, orgKeys("K")...)
	orgDrive(t, p, tea.PasteMsg{Content: line})
	orgDrive(t, p, orgKeys("enter")...)
	m = orgMemberOf(t, st, "caosiqin@example.com")
	if len(m.Keys) != 1 || m.Keys[0].Fingerprint != model.KeyFingerprint(sp) {
		t.Fatalf("keys %+v", m.Keys)
	}
	if !strings.Contains(orgPlain(p.View()), m.Keys[0].Fingerprint) {
		t.Fatal("the detail does not show the key's fingerprint")
	}
}
