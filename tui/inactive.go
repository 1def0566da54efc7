package tui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"postroom/model"
	"postroom/store"
)

// inactiveView is the list of long-unused accounts (ACC-6), opened over
// Home by admins and sub-admins (i): each account with its department, its
// heads, when it was last used and for how long not; D disables every
// account listed, after a y/n question, in one change (all or none, each
// account logged).
type inactiveView struct {
	s             *Session
	width, height int
	list          []store.InactiveAccount
	limit         time.Duration
	on            bool
	loaded        bool
	err, note     string
	top           int
	confirming    bool
	closed        bool
	open, disable key.Binding
}

// inactiveLoadedMsg carries the list.
type inactiveLoadedMsg struct {
	list  []store.InactiveAccount
	limit time.Duration
	on    bool
	err   error
}

// inactiveDisabledMsg is the outcome of the bulk disable.
type inactiveDisabledMsg struct {
	n   int
	err error
}

// inactiveOpenKey opens the list over Home.
func inactiveOpenKey(s *Session) key.Binding {
	return key.NewBinding(key.WithKeys("i"), key.WithHelp("i", s.T.Governance.KeyInactive))
}

func newInactiveView(s *Session) *inactiveView {
	return &inactiveView{s: s, open: inactiveOpenKey(s),
		disable: key.NewBinding(key.WithKeys("D"), key.WithHelp("D", s.T.Governance.KeyDisableAll))}
}

func (v *inactiveView) Init() tea.Cmd { return v.load() }

func (v *inactiveView) SetSize(w, h int) { v.width, v.height = w, h }

// loadInactive reads the long-unused accounts the actor may manage.
func loadInactive(s *Session, now time.Time) inactiveLoadedMsg {
	var msg inactiveLoadedMsg
	msg.err = s.Store.Read(func(r *store.Reader) error {
		e, err := r.Enterprise()
		if err != nil {
			return err
		}
		if msg.limit, msg.on = e.InactiveLimit(); !msg.on {
			return nil
		}
		all, err := r.Inactive(now, msg.limit, 0)
		if err != nil {
			return err
		}
		for _, a := range all {
			if model.Can(s.Actor, model.RightMemberManage, model.Scope{a.DeptID}, r) {
				msg.list = append(msg.list, a)
			}
		}
		return nil
	})
	return msg
}

func (v *inactiveView) load() tea.Cmd {
	s := v.s
	return func() tea.Msg { return loadInactive(s, s.Now()) }
}

// Update handles the view's messages and keys.
func (v *inactiveView) Update(msg tea.Msg) tea.Cmd {
	k := v.s.Keys
	switch msg := msg.(type) {
	case inactiveLoadedMsg:
		v.loaded = true
		v.err = ""
		if msg.err != nil {
			v.err = v.s.ErrText(msg.err)
		}
		v.list, v.limit, v.on = msg.list, msg.limit, msg.on
		v.top = min(v.top, max(0, len(v.list)-1))
	case inactiveDisabledMsg:
		if msg.err != nil {
			v.err = v.s.ErrText(msg.err)
			return v.load()
		}
		v.note = v.s.Sprintf(v.s.T.Governance.DisabledN, msg.n)
		return v.load()
	case tea.KeyPressMsg:
		if v.confirming {
			switch msg.String() {
			case "y", "Y":
				v.confirming = false
				return v.disableAll()
			case "n", "N", "esc":
				v.confirming = false
			}
			return nil
		}
		switch {
		case key.Matches(msg, k.Back):
			v.closed = true
		case key.Matches(msg, k.Down):
			v.top = min(v.top+1, max(0, len(v.list)-1))
		case key.Matches(msg, k.Up):
			v.top = max(0, v.top-1)
		case key.Matches(msg, k.Refresh):
			return v.load()
		case key.Matches(msg, v.disable) && len(v.targets()) > 0:
			v.confirming, v.note, v.err = true, "", ""
		}
	}
	return nil
}

// targets are the listed accounts a bulk disable disables: all but the
// person's own.
func (v *inactiveView) targets() []model.Address {
	var out []model.Address
	for _, a := range v.list {
		if a.Address != v.s.Actor.Address {
			out = append(out, a.Address)
		}
	}
	return out
}

// disableAll disables every listed account (but the person's own) in one
// change.
func (v *inactiveView) disableAll() tea.Cmd {
	s := v.s
	var changes []model.Change
	for _, a := range v.targets() {
		changes = append(changes, &model.DisableInactive{Address: a})
	}
	return func() tea.Msg {
		return inactiveDisabledMsg{n: len(changes), err: s.Store.Apply(s.Actor, changes...)}
	}
}

// View draws the list to the view's size.
func (v *inactiveView) View() string {
	st := v.s.Styles
	t := v.s.T.Governance
	w := max(20, v.width)
	if !v.loaded {
		return st.Subtle.Render(v.s.T.Common.Loading)
	}
	out := []string{st.Title.Render(ellipsize(st, v.s.Sprintf(t.InactiveTitle, model.FormatInactiveAfter(v.limit, v.on)), w))}
	switch {
	case !v.on:
		out = append(out, st.Subtle.Render(ellipsize(st, t.InactiveOff, w)))
	case len(v.list) == 0:
		out = append(out, st.Subtle.Render(ellipsize(st, t.NoneInactive, w)))
	default:
		heads := []string{t.ColMember, t.ColDept, t.ColHead, t.ColLastUse, t.ColUnused}
		cells := make([][]string, len(v.list))
		for i, a := range v.list {
			last := t.Never
			if a.LastLogin != nil {
				last = a.LastLogin.Local().Format("2006-01-02")
			}
			hs := make([]string, len(a.Heads))
			for j, h := range a.Heads {
				hs[j] = shortAddr(v.s, string(h))
			}
			name := a.Name + " " + shortAddr(v.s, string(a.Address))
			cells[i] = []string{name, a.Dept, strings.Join(hs, ","), last, v.s.Sprintf(t.Days, a.Days)}
		}
		ws := fitColumns(w, 2, heads, []int{8, 6, 6, 10, 6}, []int{24, 20, 14, 0, 0}, widest(heads, cells))
		row := func(cs []string) string {
			parts := make([]string, len(cs))
			for i, c := range cs {
				parts[i] = fitCell(st, c, ws[i])
			}
			return strings.TrimRight(strings.Join(parts, "  "), " ")
		}
		out = append(out, st.Label.Render(row(heads)))
		rows := max(1, v.height-len(out)-2)
		end := min(len(cells), v.top+rows)
		for _, c := range cells[v.top:end] {
			out = append(out, row(c))
		}
		out = append(out, st.Subtle.Render(strconv.Itoa(v.top+1)+"-"+strconv.Itoa(end)+" / "+strconv.Itoa(len(cells))))
	}
	switch {
	case v.confirming:
		out = append(out, st.Warn.Render(ellipsize(st, v.s.Sprintf(t.ConfirmDisable, len(v.targets())), w)))
	case v.err != "":
		out = append(out, st.Error.Render(ellipsize(st, v.err, w)))
	case v.note != "":
		out = append(out, st.OK.Render(ellipsize(st, v.note, w)))
	}
	return strings.Join(out, "\n")
}

// ShortHelp lists the keys that work now.
func (v *inactiveView) ShortHelp() []key.Binding {
	k := v.s.Keys
	out := []key.Binding{k.Up, k.Down, k.Back, k.Refresh}
	if len(v.targets()) > 0 {
		out = append(out, v.disable)
	}
	return out
}
