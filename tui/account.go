package tui

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"postroom/model"
	"postroom/store"
)

// passwordForm changes the person's own password: the forced change before
// anything else (gate), and the form in My account.
type passwordForm struct {
	s    *Session
	id   string
	f    *form
	busy bool
}

// gateDoneMsg says the forced change is done.
type gateDoneMsg struct{}

func newPasswordForm(s *Session, id, intro string) *passwordForm {
	t := s.T.Account
	var min int
	s.Store.Read(func(r *store.Reader) error {
		if p, err := r.Policy(); err == nil {
			min = p.MinLength
		}
		return nil
	})
	f := newForm(s, t.ChangePassword)
	if id == "gate" {
		switch intro {
		case model.DueSetByAdmin:
			intro = t.DueSetByAdmin
		case model.DueExpired:
			intro = t.DueExpired
		}
		sep := " "
		if s.Chinese() {
			sep = ""
		}
		f.intro = strings.TrimSpace(intro + sep + t.MustChange)
	}
	f.add("current", t.Current, "", true, "")
	f.add("new", t.New, "", true, s.Sprintf(t.Policy, min))
	f.add("repeat", t.Repeat, "", true, "")
	return &passwordForm{s: s, id: id, f: f}
}

func (p *passwordForm) Init() tea.Cmd { return nil }

func (p *passwordForm) SetSize(w, h int) { p.f.SetSize(w, h) }

func (p *passwordForm) Update(msg tea.Msg) (*passwordForm, tea.Cmd) {
	switch msg := msg.(type) {
	case appliedMsg:
		if msg.pane != p.id {
			return p, nil
		}
		p.busy = false
		if msg.err != nil {
			switch {
			case errors.Is(msg.err, model.ErrAuth):
				p.f.setError("current", p.s.ErrText(msg.err))
			case errors.Is(msg.err, model.ErrInvalid):
				p.f.setError("new", p.s.ErrText(msg.err))
			default:
				p.f.setError("", p.s.ErrText(msg.err))
			}
			return p, nil
		}
		for _, fl := range p.f.fields {
			fl.input.SetValue("")
		}
		p.f.focusOn(0)
		if p.id == "gate" {
			return p, func() tea.Msg { return gateDoneMsg{} }
		}
		return p, flash(p.s.T.Account.Changed, false)
	}
	if p.busy {
		return p, nil
	}
	res, cmd := p.f.Update(msg)
	if res == formSubmitted {
		p.f.clearErrors()
		if p.f.value("new") != p.f.value("repeat") {
			p.f.setError("repeat", p.s.T.Account.Mismatch)
			return p, nil
		}
		p.busy = true
		return p, p.s.apply(p.id, "password", &model.ChangePassword{Address: p.s.Actor.Address, Old: p.f.value("current"), New: p.f.value("new")})
	}
	return p, cmd
}

func (p *passwordForm) View() string {
	v := p.f.View()
	if p.busy {
		v += "\n\n" + p.s.Styles.Subtle.Render(p.s.T.Common.Loading)
	}
	return v
}

func (p *passwordForm) Cursor() *tea.Cursor { return p.f.Cursor() }

func (p *passwordForm) ShortHelp() []key.Binding { return p.f.ShortHelp() }

// accountPane is My account: the person's details, password, SSH keys,
// logins and preferences. Everyone has it.
type accountPane struct {
	s      *Session
	width  int
	height int

	section int // 0 details, 1 password, 2 keys, 3 logins, 4 preferences
	member  *model.Member
	depts   []string
	logins  []store.LoginRecord
	keyRow  int

	pw       *passwordForm
	keyInput textinput.Model
	adding   bool
	confirm  string // fingerprint awaiting y/n
	err      string
}

type accountLoadedMsg struct {
	member *model.Member
	depts  []string
	logins []store.LoginRecord
	err    error
}

func newAccountPane(s *Session) *accountPane {
	in := newInput("> ", 16<<10)
	return &accountPane{s: s, pw: newPasswordForm(s, "account", ""), keyInput: in}
}

func (p *accountPane) ID() string    { return "account" }
func (p *accountPane) Title() string { return p.s.T.Nav.Account }

func (p *accountPane) Init() tea.Cmd { return p.load() }

func (p *accountPane) load() tea.Cmd {
	s := p.s
	return func() tea.Msg {
		var msg accountLoadedMsg
		msg.err = s.Store.Read(func(r *store.Reader) error {
			var err error
			if msg.member, err = r.Member(s.Actor.Address); err != nil {
				return err
			}
			for _, d := range msg.member.Depts {
				msg.depts = append(msg.depts, r.DeptPath(d))
			}
			msg.logins, err = r.LoginLog(store.LoginFilter{Address: s.Actor.Address, Limit: 10})
			return err
		})
		return msg
	}
}

func (p *accountPane) SetSize(w, h int) {
	p.width, p.height = w, h
	p.pw.SetSize(w, h)
	p.keyInput.SetWidth(max(10, w-4))
}

func (p *accountPane) sections() []string {
	t := p.s.T.Account
	return []string{t.Details, t.ChangePassword, t.Keys, t.Logins, t.Prefs}
}

func (p *accountPane) Capturing() bool { return p.section == 1 || p.adding || p.confirm != "" }

func (p *accountPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	k := p.s.Keys
	switch msg := msg.(type) {
	case accountLoadedMsg:
		if msg.err != nil {
			p.err = p.s.ErrText(msg.err)
			return p, nil
		}
		p.member, p.depts, p.logins, p.err = msg.member, msg.depts, msg.logins, ""
		p.keyRow = min(p.keyRow, max(0, len(p.member.Keys)-1))
		return p, nil
	case storeChangedMsg:
		if msg.onlyLogins() && !p.touchesMe(msg) {
			return p, nil
		}
		return p, p.load()
	case appliedMsg:
		if msg.pane == "account" && msg.tag == "password" {
			var cmd tea.Cmd
			p.pw, cmd = p.pw.Update(msg)
			if msg.err == nil {
				p.section = 0
			}
			return p, cmd
		}
		if msg.pane != p.ID() {
			return p, nil
		}
		if msg.err != nil {
			return p, flash(p.s.ErrText(msg.err), true)
		}
		switch c := msg.change.(type) {
		case *model.AddKey:
			return p, tea.Batch(flash(p.s.Sprintf(p.s.T.Account.KeyAdded, c.Fingerprint), false), p.load())
		case *model.RemoveKey:
			return p, tea.Batch(flash(p.s.Sprintf(p.s.T.Account.KeyRemoved, c.Fingerprint), false), p.load())
		case *model.SetPrefs:
			return p, tea.Batch(flash(p.s.T.Account.PrefsSaved, false), p.load())
		}
		return p, p.load()
	case tea.KeyPressMsg:
		switch {
		case p.section == 1:
			if key.Matches(msg, k.Back) {
				p.section = 0
				return p, nil
			}
			var cmd tea.Cmd
			p.pw, cmd = p.pw.Update(msg)
			return p, cmd
		case p.adding:
			switch msg.String() {
			case "esc":
				p.adding = false
				p.keyInput.Blur()
				return p, nil
			case "enter":
				line := strings.TrimSpace(p.keyInput.Value())
				p.adding = false
				p.keyInput.Blur()
				p.keyInput.SetValue("")
				return p, p.s.apply(p.ID(), "key", &model.AddKey{Address: p.s.Actor.Address, Line: line})
			}
			var cmd tea.Cmd
			p.keyInput, cmd = p.keyInput.Update(msg)
			return p, cmd
		case p.confirm != "":
			fp := p.confirm
			p.confirm = ""
			if msg.String() == "y" || msg.String() == "Y" {
				return p, p.s.apply(p.ID(), "key", &model.RemoveKey{Address: p.s.Actor.Address, Fingerprint: fp})
			}
			return p, nil
		}
		switch {
		case key.Matches(msg, k.Tab), key.Matches(msg, k.Right):
			p.section = p.step(1)
		case key.Matches(msg, k.ShiftTab), key.Matches(msg, k.Left):
			p.section = p.step(-1)
		case key.Matches(msg, k.Enter) && p.section == 0:
			p.section = 1
		case p.section == 2 && key.Matches(msg, k.New):
			p.adding = true
			return p, p.keyInput.Focus()
		case p.section == 2 && key.Matches(msg, k.Delete) && p.member != nil && len(p.member.Keys) > 0:
			p.confirm = p.member.Keys[p.keyRow].Fingerprint
		case p.section == 2 && key.Matches(msg, k.Down) && p.member != nil:
			p.keyRow = min(p.keyRow+1, max(0, len(p.member.Keys)-1))
		case p.section == 2 && key.Matches(msg, k.Up):
			p.keyRow = max(0, p.keyRow-1)
		case p.section == 4 && p.member != nil && key.Matches(msg, k.Toggle, k.Enter):
			prefs := p.member.Prefs
			if prefs.Lang == "zh-CN" || (prefs.Lang == "" && p.s.T.Lang == "zh-CN") {
				prefs.Lang = "en"
			} else {
				prefs.Lang = "zh-CN"
			}
			return p, p.s.apply(p.ID(), "prefs", &model.SetPrefs{Address: p.s.Actor.Address, Prefs: prefs})
		case p.section == 4 && p.member != nil && msg.String() == "b":
			prefs := p.member.Prefs
			prefs.ASCII = !prefs.ASCII
			return p, p.s.apply(p.ID(), "prefs", &model.SetPrefs{Address: p.s.Actor.Address, Prefs: prefs})
		}
		return p, nil
	}
	if p.section == 1 {
		var cmd tea.Cmd
		p.pw, cmd = p.pw.Update(msg)
		return p, cmd
	}
	return p, nil
}

// step is the section d away from this one, past Change password: its
// form takes every key, Tab included, so a Tab into it never got further
// (the keys, logins and preferences were out of reach); it opens with
// enter on the details, as they say.
func (p *accountPane) step(d int) int {
	n := len(p.sections())
	next := (p.section + d + n) % n
	if next == 1 {
		next = (next + d + n) % n
	}
	return next
}

func (p *accountPane) tabs() string {
	return fitTabs(p.s.Styles, p.sections(), p.section, max(10, p.width-1))
}

func (p *accountPane) View() string {
	st := p.s.Styles
	t := p.s.T.Account
	out := []string{st.Title.Render(p.Title()), p.tabs(), ""}
	if p.err != "" {
		return strings.Join(append(out, st.Error.Render(p.err)), "\n")
	}
	if p.member == nil {
		return strings.Join(append(out, st.Subtle.Render(p.s.T.Common.Loading)), "\n")
	}
	m := p.member
	switch p.section {
	case 0:
		f := p.s.T.Fields
		rows := [][2]string{
			{f.Address, string(m.Address)}, {f.Name, m.Name}, {f.Departments, strings.Join(p.depts, "; ")},
			{f.Title, m.Title}, {f.Roles, roleNames(p.s)}, {f.Status, statusText(p.s, m.Status)},
		}
		out = append(out, labelled(p.s, rows)...)
		out = append(out, "", st.Subtle.Render(p.s.T.Account.ChangePassword+": enter"))
	case 1:
		out = append(out, p.pw.View())
	case 2:
		if len(m.Keys) == 0 {
			out = append(out, st.Subtle.Render(t.NoKeys))
		}
		for i, kk := range m.Keys {
			line := fmt.Sprintf("%s  %s", kk.Fingerprint, kk.Added.Local().Format("2006-01-02"))
			if c := keyComment(kk.Line); c != "" {
				line += "  " + c
			}
			if i == p.keyRow {
				line = st.Selected.Render(st.Bullet + " " + line)
			} else {
				line = "  " + line
			}
			out = append(out, truncate(line, p.width-1))
		}
		if p.adding {
			out = append(out, "", st.Subtle.Render(t.KeyPrompt), p.keyInput.View())
		} else if p.confirm != "" {
			out = append(out, "", st.Warn.Render(p.s.Sprintf(t.ConfirmRemove, p.confirm)))
		} else {
			out = append(out, "", st.Subtle.Render("n: "+t.AddKey+"   D: "+p.s.T.Keys.Delete))
		}
	case 3:
		if len(p.logins) == 0 {
			out = append(out, st.Subtle.Render(t.NoLogins))
		}
		for _, l := range p.logins {
			res := st.OK.Render(t.OK)
			if !l.OK {
				res = st.Error.Render(t.Refused)
			}
			src := l.Source
			if l.Site != "" {
				src += " (" + l.Site + ")"
			}
			out = append(out, truncate(fmt.Sprintf("%s  %-12s  %s  %s", l.Time.Local().Format("2006-01-02 15:04"), l.Method, res, src), p.width-1))
		}
	case 4:
		lang := m.Prefs.Lang
		if lang == "" {
			lang = p.s.T.Lang
		}
		ascii := p.s.T.Common.No
		if m.Prefs.ASCII {
			ascii = p.s.T.Common.Yes
		}
		out = append(out, st.Label.Render(t.Language)+"  "+lang+st.Subtle.Render("   (space)"),
			st.Label.Render(t.ASCII)+"  "+ascii+st.Subtle.Render("   (b)"))
	}
	return strings.Join(out, "\n")
}

func keyComment(line string) string {
	parts := strings.Fields(line)
	if len(parts) > 2 {
		return strings.Join(parts[2:], " ")
	}
	return ""
}

func padRight(s string, w int) string {
	if d := w - lipgloss.Width(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

func (p *accountPane) Cursor() *tea.Cursor {
	switch {
	case p.section == 1:
		if c := p.pw.Cursor(); c != nil {
			c.Y += 3
			return c
		}
	case p.adding:
		if c := p.keyInput.Cursor(); c != nil {
			n := 3 + 2 + max(1, len(p.member.Keys))
			c.Y += n
			return c
		}
	}
	return nil
}

func (p *accountPane) ShortHelp() []key.Binding {
	k := p.s.Keys
	switch {
	case p.section == 1:
		return p.pw.ShortHelp()
	case p.adding:
		return []key.Binding{k.Enter, k.Back}
	case p.section == 2:
		return []key.Binding{k.Tab, k.New, k.Delete, k.Up, k.Down}
	case p.section == 4:
		return []key.Binding{k.Tab, k.Toggle}
	}
	return []key.Binding{k.Tab, k.Enter}
}

func (p *accountPane) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// statusText is an account state in the person's language.
func statusText(s *Session, st model.Status) string {
	f := s.T.Fields
	switch st {
	case model.StatusActive:
		return f.Active
	case model.StatusDisabled:
		return f.Disabled
	case model.StatusLocked:
		return f.Locked
	case model.StatusReclaimed:
		return f.Reclaimed
	}
	return string(st)
}

// labelled lays out label/value rows with the labels in one column.
func labelled(s *Session, rows [][2]string) []string {
	w := 0
	for _, r := range rows {
		w = max(w, lipgloss.Width(r[0]))
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, s.Styles.Label.Render(padRight(r[0], w+2))+r[1])
	}
	return out
}

// labelledWrap is labelled within w cells: a long value wraps under
// itself instead of running off the pane.
func labelledWrap(s *Session, rows [][2]string, w int) []string {
	lw := 0
	for _, r := range rows {
		lw = max(lw, lipgloss.Width(r[0]))
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		for i, l := range wrapText(r[1], max(8, w-lw-2)) {
			label := strings.Repeat(" ", lw+2)
			if i == 0 {
				label = s.Styles.Label.Render(padRight(r[0], lw+2))
			}
			out = append(out, label+l)
		}
	}
	return out
}

// touchesMe reports whether a change concerns the person's own account.
func (p *accountPane) touchesMe(msg storeChangedMsg) bool {
	for _, e := range msg.events {
		if e.Key == string(p.s.Actor.Address) {
			return true
		}
	}
	return false
}
