package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"postroom/model"
	"postroom/store"
)

// probedApp is the App with probe messages answered inside the program's
// own goroutine, so a test can wait for a pane's state without racing it.
type probedApp struct{ *App }

// appProbeMsg asks the running program whether look holds.
type appProbeMsg struct {
	look  func() bool
	reply chan bool
}

func (p probedApp) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if pm, ok := msg.(appProbeMsg); ok {
		pm.reply <- pm.look()
		return p, nil
	}
	m, cmd := p.App.Update(msg)
	return probedApp{m.(*App)}, cmd
}

// untilFunc waits until look holds in the running program.
type untilFunc func(what string, look func() bool)

// runProbed runs an App like runUI, with a way to wait for a state, and
// returns the final screen as plain text.
func runProbed(t *testing.T, app *App, w, h int, steps func(tm *teatest.TestModel, until untilFunc)) string {
	t.Helper()
	tm := teatest.NewTestModel(t, probedApp{app}, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	until := func(what string, look func() bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			reply := make(chan bool, 1)
			tm.Send(appProbeMsg{look: look, reply: reply})
			select {
			case ok := <-reply:
				if ok {
					return
				}
			case <-time.After(time.Second):
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("timed out waiting for %s", what)
	}
	steps(tm, until)
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	return screenText(final.(probedApp).App)
}

// groupsType types text into the UI one key at a time.
func groupsType(tm *teatest.TestModel, text string) {
	for _, r := range text {
		tm.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// groupsEffective counts a group's people straight from the store: listed
// members and everyone in its departments' subtrees, each once.
func groupsEffective(t *testing.T, st *store.Store, addr model.Address) int {
	t.Helper()
	seen := map[model.Address]bool{}
	if err := st.Read(func(r *store.Reader) error {
		g, err := r.Group(addr)
		if err != nil {
			return err
		}
		for _, m := range g.Members {
			seen[m] = true
		}
		ms, err := r.Members(store.MemberFilter{Keep: func(m *model.Member) bool {
			for _, d := range m.Depts {
				for _, gd := range g.Depts {
					if r.Within(d, gd) {
						return true
					}
				}
			}
			return false
		}})
		for _, m := range ms {
			seen[m.Address] = true
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return len(seen)
}

// groupsSelected reports whether the pane shows a group, loaded, with its
// effective count known.
func groupsSelected(p *groupsPane, addr model.Address) bool {
	g := p.current()
	if g == nil || g.addr != addr {
		return false
	}
	_, counted := p.effective[addr]
	return counted
}

// TestGroupsGolden: the list of groups beside the 管理层 group's members,
// at both sizes in both languages.
func TestGroupsGolden(t *testing.T) {
	for _, lang := range goldenLangs {
		for _, sz := range goldenSizes {
			t.Run(fmt.Sprintf("%s_%dx%d", lang, sz.w, sz.h), func(t *testing.T) {
				st := demoStore(t)
				s := sessionAs(t, st, "admin", lang)
				p := newGroupsPane(s).(*groupsPane)
				app := newAppWith(s, "", []Pane{p})
				out := runProbed(t, app, sz.w, sz.h, func(tm *teatest.TestModel, until untilFunc) {
					until("the groups", func() bool { return len(p.groups) > 0 })
					for range 5 {
						press(tm, "j")
					}
					until("管理层 counted", func() bool { return groupsSelected(p, "managers@example.com") })
					press(tm, "tab")
					press(tm, "j")
				})
				requireGolden(t, out)
			})
		}
	}
}

// TestGroupsCreateAndFill creates a group, adds a member found by pinyin
// and a whole department, takes the member out and puts them back by
// address, and sees the effective count.
func TestGroupsCreateAndFill(t *testing.T) {
	st := demoStore(t)
	s := sessionAs(t, st, "admin", "en")
	const projects = model.Address("projects@example.com")
	var ouyang model.Address
	st.Read(func(r *store.Reader) error {
		ms, _ := r.Search("ouyangmingyuan", 1, nil)
		ouyang = ms[0].Address
		return nil
	})
	inGroup := func() (members []model.Address, depts []string) {
		st.Read(func(r *store.Reader) error {
			g, err := r.Group(projects)
			if err != nil {
				return nil
			}
			members = g.Members
			for _, d := range g.Depts {
				depts = append(depts, r.DeptPath(d))
			}
			return nil
		})
		return
	}
	p := newGroupsPane(s).(*groupsPane)
	app := newAppWith(s, "", []Pane{p})
	var view string
	runProbed(t, app, 120, 40, func(tm *teatest.TestModel, until untilFunc) {
		until("the groups", func() bool { return len(p.groups) > 0 })
		press(tm, "n")
		groupsType(tm, "projects@example.com")
		press(tm, "tab")
		groupsType(tm, "项目组")
		press(tm, "tab")
		press(tm, "tab")
		press(tm, "enter")
		until("the new group selected", func() bool { return p.form == nil && groupsSelected(p, projects) })

		press(tm, "a")
		groupsType(tm, "ouyangm")
		until("search results", func() bool { return p.adder != nil && len(p.adder.hits) > 0 })
		press(tm, "down")
		press(tm, "enter")
		until("the member added", func() bool { m, _ := inGroup(); return slices.Contains(m, ouyang) })

		press(tm, "tab")
		groupsType(tm, "华北大区")
		press(tm, "down")
		press(tm, "enter")
		until("the department added", func() bool { _, d := inGroup(); return slices.Equal(d, []string{"销售部/华北大区"}) })
		press(tm, "esc")

		// Take the member out (the department is listed first), and put
		// them back by typing the address.
		until("the pane reloaded", func() bool { return len(p.current().entries) == 2 })
		press(tm, "j")
		press(tm, "D")
		until("the question", func() bool { return p.confirm != nil })
		press(tm, "y")
		until("the member removed", func() bool { m, _ := inGroup(); return len(m) == 0 })
		press(tm, "a")
		groupsType(tm, string(ouyang))
		press(tm, "enter")
		until("the member back", func() bool { m, _ := inGroup(); return slices.Contains(m, ouyang) })
		press(tm, "esc")

		n := groupsEffective(t, st, projects)
		until("the count", func() bool {
			view = p.View()
			return p.effective[projects] == n && len(p.current().entries) == 2
		})
	})
	members, depts := inGroup()
	if !slices.Equal(members, []model.Address{ouyang}) || !slices.Equal(depts, []string{"销售部/华北大区"}) {
		t.Errorf("group members %v, departments %v", members, depts)
	}
	st.Read(func(r *store.Reader) error {
		g, _ := r.Group(projects)
		if g.Name != "项目组" || g.Post != model.PostMembers {
			t.Errorf("group = %+v", g)
		}
		return nil
	})
	n := groupsEffective(t, st, projects)
	if n < 3 {
		t.Fatalf("effective count %d: the department is empty?", n)
	}
	if !strings.Contains(view, fmt.Sprintf(s.T.Groups.EffectiveValue, n)) {
		t.Errorf("the view does not show the count %d:\n%s", n, view)
	}
}

// groupsDrive runs a command and feeds what it returns back to the pane
// until nothing more comes (flash messages and batches are followed too).
func groupsDrive(p Pane, cmd tea.Cmd) []tea.Msg {
	var seen []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if b, ok := msg.(tea.BatchMsg); ok {
			queue = append(queue, b...)
			continue
		}
		if msg == nil {
			continue
		}
		seen = append(seen, msg)
		_, next := p.Update(msg)
		queue = append(queue, next)
	}
	return seen
}

// TestGroupsAliasRefused: adding an alias shows the store's refusal, which
// says to add the member, and changes nothing.
func TestGroupsAliasRefused(t *testing.T) {
	st := demoStore(t)
	admin := sessionAs(t, st, "admin", "en")
	member := model.Address(loginOf(t, "member").Address)
	alias := model.Address("alias." + string(member))
	if err := st.Apply(admin.Actor, &model.AddAlias{Address: member, Alias: alias}); err != nil {
		t.Fatal(err)
	}
	s := sessionAs(t, st, "admin", "en")
	p := newGroupsPane(s).(*groupsPane)
	app := newAppWith(s, "", []Pane{p})
	var shown string
	out := runProbed(t, app, 120, 40, func(tm *teatest.TestModel, until untilFunc) {
		until("the groups", func() bool { return len(p.groups) > 0 })
		press(tm, "a")
		groupsType(tm, string(alias))
		press(tm, "enter")
		until("the refusal", func() bool {
			if p.adder != nil {
				shown = p.adder.err
			}
			return shown != ""
		})
	})
	want := fmt.Sprintf("%s is an alias of %s; aliases cannot be group members, add %s instead", alias, member, member)
	if shown != want {
		t.Errorf("the adder shows %q, want the store's message %q", shown, want)
	}
	if !strings.Contains(out, "aliases cannot be group members") {
		t.Errorf("the store's message is not on the screen:\n%s", out)
	}
	st.Read(func(r *store.Reader) error {
		g, _ := r.Group("admin-all@example.com")
		if slices.Contains(g.Members, alias) || slices.Contains(g.Members, member) {
			t.Errorf("the group changed: %v", g.Members)
		}
		return nil
	})
}

// TestGroupsReadOnly: the auditor and a sub-admin outside a group's
// department see no actions; forced, the store refuses and the refusal shows.
func TestGroupsReadOnly(t *testing.T) {
	st := demoStore(t)
	for _, role := range []string{"auditor", "subadmin"} {
		s := sessionAs(t, st, role, "en")
		p := newGroupsPane(s).(*groupsPane)
		p.SetSize(100, 30)
		groupsDrive(p, p.Init())
		if len(p.groups) == 0 {
			t.Fatalf("%s sees no groups", role)
		}
		for _, g := range p.groups {
			if g.canManage {
				t.Errorf("%s may manage %s", role, g.addr)
			}
		}
		for _, b := range p.ShortHelp() {
			if d := b.Help().Desc; d == s.T.Keys.Edit || d == s.T.Keys.Delete || d == s.T.Groups.KeyAdd {
				t.Errorf("%s is offered %q", role, d)
			}
		}
		for _, k := range []string{"e", "D", "a"} {
			groupsDrive(p, func() tea.Msg { return tea.KeyPressMsg{Code: rune(k[0]), Text: k} })
			if p.Capturing() {
				t.Fatalf("%s: %s opened something", role, k)
			}
		}
		if !strings.Contains(p.View(), s.T.Groups.ReadOnly) {
			t.Errorf("%s: the view does not say read-only", role)
		}
		// Forced: the store refuses, and the refusal is shown.
		g := p.groups[0]
		seen := groupsDrive(p, s.apply(p.ID(), "remove", &model.GroupMember{Group: g.addr, Dept: "/", Remove: true}))
		var shown string
		for _, m := range seen {
			if f, ok := m.(flashMsg); ok && f.err {
				shown = f.text
			}
		}
		if !strings.Contains(shown, "may not do this") {
			t.Errorf("%s: refusal shown as %q", role, shown)
		}
	}
	// The auditor may not even create a group; the sub-admin may, in 销售部.
	s := sessionAs(t, st, "auditor", "en")
	p := newGroupsPane(s).(*groupsPane)
	groupsDrive(p, p.Init())
	groupsDrive(p, func() tea.Msg { return tea.KeyPressMsg{Code: 'n', Text: "n"} })
	if p.form != nil {
		t.Error("the auditor got the new-group form")
	}
	s = sessionAs(t, st, "subadmin", "en")
	p = newGroupsPane(s).(*groupsPane)
	groupsDrive(p, p.Init())
	groupsDrive(p, func() tea.Msg { return tea.KeyPressMsg{Code: 'n', Text: "n"} })
	if p.form == nil || p.form.value("owner") != "销售部" {
		t.Fatalf("the sub-admin's new group form: %+v", p.form)
	}
}

// TestGroupsEdit renames a group and changes who may post, typing the rule
// in the person's language, then deletes it after the question.
func TestGroupsEdit(t *testing.T) {
	st := demoStore(t)
	s := sessionAs(t, st, "admin", "zh-CN")
	p := newGroupsPane(s).(*groupsPane)
	app := newAppWith(s, "", []Pane{p})
	groupOf := func() (*model.Group, error) {
		var g *model.Group
		err := st.Read(func(r *store.Reader) error {
			var err error
			g, err = r.Group("admin-all@example.com")
			return err
		})
		return g, err
	}
	runProbed(t, app, 80, 24, func(tm *teatest.TestModel, until untilFunc) {
		until("the groups", func() bool { return len(p.groups) > 0 })
		press(tm, "e")
		settingsClearField(tm)
		groupsType(tm, "行政部同事")
		press(tm, "tab")
		settingsClearField(tm)
		groupsType(tm, s.T.Groups.PostAnyone)
		press(tm, "enter")
		until("saved", func() bool { return p.form == nil && p.current().name == "行政部同事" })
		if g, err := groupOf(); err != nil || g.Post != model.PostAnyone {
			t.Errorf("stored %+v, %v", g, err)
		}
		press(tm, "D")
		press(tm, "n") // anything but y keeps the group
		press(tm, "D")
		press(tm, "y")
		until("deleted", func() bool { _, err := groupOf(); return err != nil && p.current().addr != "admin-all@example.com" })
	})
}
