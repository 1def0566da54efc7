package tui

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"postroom/model"
	"postroom/store"
)

// groupsPane is the Groups pane (LIST-1): the mail groups on the left, the
// selected group's listed members and whole departments on the right, with
// the count of people the group really reaches. Those who may manage a group
// create, rename, delete and fill it here; everyone else reads.
type groupsPane struct {
	s             *Session
	width, height int

	groups       []groupRow
	depts        []string // every department path, for the department picker
	defaultOwner string   // where a new group belongs by default
	err          string
	loading      bool
	dirty        bool // the data changed while a load was in flight
	gen          int  // counts loads: effective counts of older data are dropped

	sel   int // the selected group
	focus int // 0: the list of groups, 1: the selected group's entries
	entry int // the selected entry of the group
	want  model.Address

	effective  map[model.Address]int
	deptCounts map[model.Address]map[string]int // group → department path → people in its subtree
	counting   model.Address                    // the group whose count is being computed

	lists *listsView // the mailing lists, while that view is shown (groups_lists.go)

	form     *form
	formKind string // "new" or "edit"
	busy     bool   // a form's change is running
	adder    *groupAdder
	confirm  *groupConfirm
}

// groupRow is one group as the pane shows it.
type groupRow struct {
	addr      model.Address
	name      string
	post      model.PostRule
	owner     string // department path
	entries   []groupEntry
	members   int
	depts     int
	canManage bool
	senders   []string // the listed rule's senders
	positions []string // the permitted rule's own position classes
}

// groupEntry is one listed member or whole department of a group.
type groupEntry struct {
	dept  bool
	value string // the member's address or the department's path
	name  string // the member's name, when the person may see it
}

// groupAdder is the box that adds a member or a whole department.
type groupAdder struct {
	group model.Address
	dept  bool // adding a department rather than a member
	input textinput.Model
	hits  []groupHit
	sel   int // -1: the text as typed
	seq   int // the newest search; older answers are dropped
	err   string
	busy  bool
}

// groupHit is one suggestion of the adder: a person or a department.
type groupHit struct {
	value string // address or department path
	label string
}

// groupConfirm is a destructive change waiting for y.
type groupConfirm struct {
	text   string
	tag    string
	change model.Change
}

// groupsLoadedMsg carries the groups as they are now.
type groupsLoadedMsg struct {
	groups       []groupRow
	depts        []string
	defaultOwner string
	err          error
}

// groupCountMsg carries a group's effective member count.
type groupCountMsg struct {
	gen   int
	group model.Address
	n     int
	depts map[string]int // department path → people in its subtree
	err   error
}

// groupSearchMsg carries the people a query of the adder found.
type groupSearchMsg struct {
	seq  int
	hits []groupHit
	err  error
}

// maxGroupHits is how many suggestions the adder shows.
const maxGroupHits = 6

// newGroupsPane builds the Groups pane for a session.
func newGroupsPane(s *Session) Pane {
	return &groupsPane{s: s, effective: map[model.Address]int{}, deptCounts: map[model.Address]map[string]int{}}
}

func (p *groupsPane) ID() string    { return "groups" }
func (p *groupsPane) Title() string { return p.s.T.Nav.Groups }

func (p *groupsPane) Init() tea.Cmd {
	p.loading = true
	return p.load()
}

// load reads every group with its entries, and the department paths.
func (p *groupsPane) load() tea.Cmd {
	s := p.s
	actor := s.Actor
	return func() tea.Msg {
		var msg groupsLoadedMsg
		msg.err = s.Store.Read(func(r *store.Reader) error {
			if !model.HoldsAnywhere(actor, model.RightMemberRead) {
				return model.Authorize(actor, model.RightMemberRead, nil, r)
			}
			gs, err := r.Groups()
			if err != nil {
				return err
			}
			for _, g := range gs {
				row := groupRow{addr: g.Address, name: g.Name, post: g.Post, owner: r.DeptPath(g.Owner),
					members: len(g.Members), depts: len(g.Depts),
					canManage: model.Can(actor, model.RightGroupManage, model.Scope{g.Owner}, r)}
				for _, a := range g.Senders {
					row.senders = append(row.senders, string(a))
				}
				for _, c := range g.Positions {
					row.positions = append(row.positions, string(c))
				}
				for _, d := range g.Depts {
					row.entries = append(row.entries, groupEntry{dept: true, value: r.DeptPath(d)})
				}
				for _, a := range g.Members {
					e := groupEntry{value: string(a)}
					if m, err := r.Member(a); err == nil && model.CanSee(actor, m, r) {
						e.name = m.Name
					}
					row.entries = append(row.entries, e)
				}
				msg.groups = append(msg.groups, row)
			}
			ds, err := r.Depts()
			if err != nil {
				return err
			}
			for _, d := range ds {
				msg.depts = append(msg.depts, d.Path)
			}
			// A sub-admin's new groups belong to their own subtree by default.
			if !model.Can(actor, model.RightGroupManage, nil, r) {
				for _, g := range actor.Roles {
					if g.Scope != 0 && slices.Contains(g.Rights, model.SubGroups) {
						msg.defaultOwner = r.DeptPath(g.Scope)
						break
					}
				}
			}
			return nil
		})
		return msg
	}
}

// countMembers counts the people a group reaches: its listed members and
// everyone placed in its departments or below them, each person once.
func (p *groupsPane) countMembers(addr model.Address) tea.Cmd {
	s, gen := p.s, p.gen
	p.counting = addr
	return func() tea.Msg {
		msg := groupCountMsg{gen: gen, group: addr}
		msg.err = s.Store.Read(func(r *store.Reader) error {
			g, err := r.Group(addr)
			if err != nil {
				return err
			}
			seen := make(map[model.Address]bool, len(g.Members))
			for _, m := range g.Members {
				seen[m] = true
			}
			// Each whole department is counted on its own too (a person in
			// two of them counts in each, once in the total).
			msg.depts = map[string]int{}
			for _, top := range g.Depts {
				inDept := map[model.Address]bool{}
				done := map[model.DeptID]bool{}
				queue := []model.DeptID{top}
				for len(queue) > 0 {
					d := queue[0]
					queue = queue[1:]
					if done[d] {
						continue
					}
					done[d] = true
					ms, err := r.DeptMembers(d)
					if err != nil {
						return err
					}
					for _, m := range ms {
						seen[m], inDept[m] = true, true
					}
					kids, err := r.DeptChildren(d)
					if err != nil {
						return err
					}
					queue = append(queue, kids...)
				}
				msg.depts[r.DeptPath(top)] = len(inDept)
			}
			msg.n = len(seen)
			return nil
		})
		return msg
	}
}

// search finds people for the adder by name, pinyin, initials or address.
func (p *groupsPane) search(query string, seq int) tea.Cmd {
	s := p.s
	actor := s.Actor
	return func() tea.Msg {
		msg := groupSearchMsg{seq: seq}
		msg.err = s.Store.Read(func(r *store.Reader) error {
			ms, err := r.Search(query, maxGroupHits, func(m *model.Member) bool { return model.CanSee(actor, m, r) })
			if err != nil {
				return err
			}
			for _, m := range ms {
				label := m.Name + "  " + string(m.Address)
				if len(m.Depts) > 0 {
					label += "  " + r.DeptPath(m.Depts[0])
				}
				msg.hits = append(msg.hits, groupHit{value: string(m.Address), label: label})
			}
			return nil
		})
		return msg
	}
}

// SetSize fits the pane, and any open field, to its space.
func (p *groupsPane) SetSize(w, h int) {
	p.width, p.height = w, h
	if p.form != nil {
		p.form.SetSize(w, h)
	}
	if p.adder != nil {
		p.adder.input.SetWidth(p.adderInputWidth())
	}
}

// Capturing is true while a field or a question has the keyboard.
func (p *groupsPane) Capturing() bool { return p.form != nil || p.adder != nil || p.confirm != nil }

// current is the selected group, or nil.
func (p *groupsPane) current() *groupRow {
	if p.sel < 0 || p.sel >= len(p.groups) {
		return nil
	}
	return &p.groups[p.sel]
}

// reload loads again, or marks the data dirty while a load is in flight.
func (p *groupsPane) reload() tea.Cmd {
	if p.loading {
		p.dirty = true
		return nil
	}
	p.loading = true
	return p.load()
}

// ensureCount starts counting the selected group if its count is unknown.
func (p *groupsPane) ensureCount() tea.Cmd {
	g := p.current()
	if g == nil || p.counting != "" {
		return nil
	}
	if _, ok := p.effective[g.addr]; ok {
		return nil
	}
	return p.countMembers(g.addr)
}

// Update takes loads, counts, search results and answers to changes, and keys.
func (p *groupsPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case groupsLoadedMsg:
		p.loading = false
		if msg.err != nil {
			p.err = p.s.ErrText(msg.err)
		} else {
			p.err = ""
			keep := p.want
			if keep == "" {
				if g := p.current(); g != nil {
					keep = g.addr
				}
			}
			p.groups, p.depts, p.defaultOwner = msg.groups, msg.depts, msg.defaultOwner
			p.sel = min(p.sel, max(0, len(p.groups)-1))
			found := false
			for i, g := range p.groups {
				if g.addr == keep {
					p.sel, found = i, true
				}
			}
			// A group just created may only be in the load still to come.
			if found || !p.dirty {
				p.want = ""
			}
			if g := p.current(); g != nil {
				p.entry = min(p.entry, max(0, len(g.entries)-1))
			}
			p.gen++
			p.effective = map[model.Address]int{}
			p.deptCounts = map[model.Address]map[string]int{}
			p.counting = ""
		}
		if p.dirty {
			p.dirty = false
			p.loading = true
			return p, p.load()
		}
		return p, p.ensureCount()
	case storeChangedMsg:
		if msg.onlyLogins() {
			return p, nil // nothing here shows logins
		}
		if p.lists != nil {
			return p, tea.Batch(p.reload(), p.reloadLists())
		}
		return p, p.reload()
	case listsLoadedMsg:
		return p, p.listsLoaded(msg)
	case groupCountMsg:
		if msg.gen != p.gen {
			return p, nil
		}
		p.counting = ""
		if msg.err == nil {
			p.effective[msg.group] = msg.n
			p.deptCounts[msg.group] = msg.depts
		} else {
			p.effective[msg.group] = -1
		}
		return p, p.ensureCount()
	case groupSearchMsg:
		if p.adder == nil || p.adder.dept || msg.seq != p.adder.seq {
			return p, nil
		}
		if msg.err != nil {
			p.adder.err = p.s.ErrText(msg.err)
			return p, nil
		}
		p.adder.hits, p.adder.sel = msg.hits, -1
		return p, nil
	case appliedMsg:
		if msg.pane != p.ID() {
			return p, nil
		}
		return p.applied(msg)
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	// Pastes and the like go to the field being typed into.
	switch {
	case p.form != nil && !p.busy:
		_, cmd := p.form.Update(msg)
		return p, cmd
	case p.adder != nil && !p.adder.busy:
		return p, p.adderInput(msg)
	}
	return p, nil
}

// applied takes the answer to a change this pane asked for.
func (p *groupsPane) applied(msg appliedMsg) (Pane, tea.Cmd) {
	t := p.s.T.Groups
	switch msg.tag {
	case "new", "edit":
		p.busy = false
		if p.form == nil {
			return p, nil
		}
		if msg.err != nil {
			switch {
			case errors.Is(msg.err, model.ErrExists) && msg.tag == "new":
				p.form.setError("address", p.s.ErrText(msg.err))
			case (errors.Is(msg.err, model.ErrNotFound) || errors.Is(msg.err, model.ErrForbidden)) && msg.tag == "new":
				p.form.setError("owner", p.s.ErrText(msg.err))
			default:
				p.form.setError("", p.s.ErrText(msg.err))
			}
			return p, nil
		}
		var addr model.Address
		switch c := msg.change.(type) {
		case *model.AddGroup:
			addr = c.Address
		case *model.SetGroup:
			addr = c.Address
		}
		p.form = nil
		p.want = addr
		text := t.Saved
		if msg.tag == "new" {
			text = t.Created
			p.focus = 0
		}
		return p, tea.Batch(flash(p.s.Sprintf(text, addr), false), p.reload())
	case "add":
		if p.adder == nil {
			return p, nil
		}
		p.adder.busy = false
		if msg.err != nil {
			p.adder.err = p.s.ErrText(msg.err)
			return p, nil
		}
		what := ""
		if c, ok := msg.change.(*model.GroupMember); ok {
			what = string(c.Member) + c.Dept
		}
		p.adder.err = ""
		p.adder.input.SetValue("")
		p.adder.hits, p.adder.sel = nil, -1
		return p, tea.Batch(flash(p.s.Sprintf(t.Added, what), false), p.reload())
	case "delete", "remove":
		if msg.err != nil {
			return p, flash(p.s.ErrText(msg.err), true)
		}
		var text string
		switch c := msg.change.(type) {
		case *model.DeleteGroup:
			text = p.s.Sprintf(t.Deleted, c.Address)
			p.focus = 0
		case *model.GroupMember:
			text = p.s.Sprintf(t.Removed, string(c.Member)+c.Dept)
		}
		return p, tea.Batch(flash(text, false), p.reload())
	}
	return p, nil
}

// key handles a key press in whatever state the pane is in.
func (p *groupsPane) key(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	switch {
	case p.form != nil:
		if p.busy {
			return p, nil
		}
		res, cmd := p.form.Update(msg)
		switch res {
		case formCancelled:
			p.form = nil
			return p, nil
		case formSubmitted:
			return p, p.submitForm()
		}
		return p, cmd
	case p.adder != nil:
		return p, p.adderKey(msg)
	case p.confirm != nil:
		c := p.confirm
		p.confirm = nil
		if msg.Text == "y" || msg.Text == "Y" {
			return p, p.s.apply(p.ID(), c.tag, c.change)
		}
		return p, nil
	case p.lists != nil:
		return p.listsKey(msg)
	}
	g := p.current()
	switch {
	case key.Matches(msg, k.NextView) && p.s.Can(model.RightListManage):
		return p, p.openLists()
	case key.Matches(msg, k.Refresh):
		return p, p.reload()
	case key.Matches(msg, k.Tab, k.ShiftTab):
		if g != nil {
			p.focus = 1 - p.focus
		}
	case key.Matches(msg, k.Right) && p.focus == 0 && g != nil:
		p.focus = 1
	case key.Matches(msg, k.Left, k.Back) && p.focus == 1:
		p.focus = 0
	case key.Matches(msg, k.Down):
		p.move(1)
	case key.Matches(msg, k.Up):
		p.move(-1)
	case key.Matches(msg, k.PageDown):
		p.move(max(1, p.height-6))
	case key.Matches(msg, k.PageUp):
		p.move(-max(1, p.height-6))
	case key.Matches(msg, k.Top):
		p.move(-1 << 30)
	case key.Matches(msg, k.Bottom):
		p.move(1 << 30)
	case key.Matches(msg, k.New) && p.focus == 0 && p.s.Can(model.RightGroupManage):
		p.openNew()
	case key.Matches(msg, k.Edit) && p.focus == 0 && g != nil && g.canManage:
		p.openEdit(g)
	case key.Matches(msg, k.Delete) && p.focus == 0 && g != nil && g.canManage:
		p.confirm = &groupConfirm{text: p.s.Sprintf(p.s.T.Groups.ConfirmDelete, g.addr), tag: "delete",
			change: &model.DeleteGroup{Address: g.addr}}
	case key.Matches(msg, k.Delete) && p.focus == 1 && g != nil && g.canManage && p.entry < len(g.entries):
		e := g.entries[p.entry]
		ch := &model.GroupMember{Group: g.addr, Remove: true}
		if e.dept {
			ch.Dept = e.value
		} else {
			ch.Member = model.Address(e.value)
		}
		p.confirm = &groupConfirm{text: p.s.Sprintf(p.s.T.Groups.ConfirmRemove, e.value, g.addr), tag: "remove", change: ch}
	case key.Matches(msg, k.Alias) && g != nil && g.canManage:
		return p, p.openAdder(g)
	}
	return p, p.ensureCount()
}

// move moves the selection in the focused column.
func (p *groupsPane) move(d int) {
	if p.focus == 0 {
		n := max(0, min(len(p.groups)-1, p.sel+d))
		if n != p.sel {
			p.sel, p.entry = n, 0
		}
		return
	}
	if g := p.current(); g != nil {
		p.entry = max(0, min(len(g.entries)-1, p.entry+d))
	}
}

// postRuleOf reads a posting rule as typed: the rule's own name or its
// name in the person's language.
func (p *groupsPane) postRuleOf(s string) string {
	t := p.s.T.Groups
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case strings.ToLower(t.PostAnyone):
		return string(model.PostAnyone)
	case strings.ToLower(t.PostMembers):
		return string(model.PostMembers)
	case strings.ToLower(t.PostPermitted):
		return string(model.PostPermitted)
	}
	return strings.ToLower(s)
}

// postLabel names a posting rule in the person's language.
func (p *groupsPane) postLabel(r model.PostRule) string {
	t := p.s.T.Groups
	switch r {
	case model.PostAnyone:
		return t.PostAnyone
	case model.PostMembers:
		return t.PostMembers
	case model.PostPermitted:
		return t.PostPermitted
	case model.PostListed:
		return t.PostListed
	}
	return string(r)
}

// deptLabel names a department path for display: the root as the whole company.
func (p *groupsPane) deptLabel(path string) string {
	if path == "/" || path == "" {
		return "/ " + p.s.T.Groups.WholeCompany
	}
	return path
}

func (p *groupsPane) openNew() {
	t := p.s.T.Groups
	f := newForm(p.s, t.NewGroup)
	f.add("address", t.Address, "", false, "")
	f.add("name", t.ColName, "", false, "")
	f.add("post", t.Post, p.postLabel(model.PostMembers), false, t.PostHint)
	f.add("owner", t.Owner, p.defaultOwner, false, t.OwnerHint)
	f.SetSize(p.width, p.height)
	p.form, p.formKind = f, "new"
}

func (p *groupsPane) openEdit(g *groupRow) {
	t := p.s.T.Groups
	f := newForm(p.s, p.s.Sprintf(t.EditGroup, g.addr))
	f.add("name", t.ColName, g.name, false, "")
	f.add("post", t.Post, p.postLabel(g.post), false, t.PostHint)
	f.SetSize(p.width, p.height)
	p.form, p.formKind = f, "edit"
}

// submitForm checks the form's fields the way the model will, so mistakes
// show under their field, then sends the change.
func (p *groupsPane) submitForm() tea.Cmd {
	f := p.form
	f.clearErrors()
	name := f.value("name")
	post := p.postRuleOf(f.value("post"))
	if _, err := model.CleanName("group name", name, 64); err != nil {
		f.setError("name", p.s.ErrText(err))
		return nil
	}
	if _, err := model.ParsePostRule(post); err != nil {
		f.setError("post", p.s.ErrText(err))
		return nil
	}
	if p.formKind == "edit" {
		g := p.current()
		if g == nil {
			p.form = nil
			return nil
		}
		p.busy = true
		return p.s.apply(p.ID(), "edit", &model.SetGroup{Address: g.addr, Name: &name, Post: &post})
	}
	addr, err := model.ParseAddress(f.value("address"))
	if err != nil {
		f.setError("address", p.s.ErrText(err))
		return nil
	}
	p.busy = true
	return p.s.apply(p.ID(), "new", &model.AddGroup{Address: addr, Name: name, Post: post, Owner: f.value("owner")})
}

func (p *groupsPane) adderInputWidth() int {
	_, rw := p.columnWidths()
	return max(8, rw-3)
}

func (p *groupsPane) openAdder(g *groupRow) tea.Cmd {
	in := newInput("> ", 300)
	p.adder = &groupAdder{group: g.addr, input: in, sel: -1}
	p.adder.input.SetWidth(p.adderInputWidth())
	p.focus = 1
	return p.adder.input.Focus()
}

// adderKey handles a key while the adder is open: arrows pick, tab switches
// between a member and a department, enter adds, esc closes.
func (p *groupsPane) adderKey(msg tea.KeyPressMsg) tea.Cmd {
	a := p.adder
	if a.busy {
		return nil
	}
	switch msg.Code {
	case tea.KeyEscape:
		p.adder = nil
		return nil
	case tea.KeyTab:
		a.dept = !a.dept
		a.input.SetValue("")
		a.hits, a.sel, a.err = nil, -1, ""
		if a.dept {
			a.hits = p.deptHits("")
		}
		return nil
	case tea.KeyDown:
		if len(a.hits) > 0 {
			a.sel = min(len(a.hits)-1, a.sel+1)
		}
		return nil
	case tea.KeyUp:
		a.sel = max(-1, a.sel-1)
		return nil
	case tea.KeyEnter:
		return p.submitAdder()
	}
	return p.adderInput(msg)
}

// adderInput types into the adder and refreshes its suggestions.
func (p *groupsPane) adderInput(msg tea.Msg) tea.Cmd {
	a := p.adder
	before := a.input.Value()
	var cmd tea.Cmd
	a.input, cmd = a.input.Update(msg)
	text := a.input.Value()
	if text == before {
		return cmd
	}
	a.err, a.sel = "", -1
	if a.dept {
		a.hits = p.deptHits(text)
		return cmd
	}
	a.seq++
	if model.NormalizeQuery(text) == "" {
		a.hits = nil
		return cmd
	}
	return tea.Batch(cmd, p.search(text, a.seq))
}

// deptHits suggests departments whose path holds the text.
func (p *groupsPane) deptHits(text string) []groupHit {
	q := strings.ToLower(strings.TrimSpace(text))
	var out []groupHit
	for _, d := range p.depts {
		if q == "" || strings.Contains(strings.ToLower(d), q) {
			out = append(out, groupHit{value: d, label: p.deptLabel(d)})
			if len(out) == maxGroupHits {
				break
			}
		}
	}
	return out
}

// submitAdder adds the picked person or department, or what was typed.
func (p *groupsPane) submitAdder() tea.Cmd {
	a := p.adder
	text := strings.TrimSpace(a.input.Value())
	ch := &model.GroupMember{Group: a.group}
	var value string
	switch {
	case a.sel >= 0 && a.sel < len(a.hits):
		value = a.hits[a.sel].value
	case a.dept && text != "":
		value = text
	case !a.dept && strings.Contains(text, "@"):
		value = text
	case !a.dept && len(a.hits) > 0:
		value = a.hits[0].value
	}
	if value == "" {
		if a.dept {
			a.err = p.s.T.Groups.DeptPrompt
		} else {
			a.err = p.s.T.Groups.NeedPick
		}
		return nil
	}
	if a.dept {
		ch.Dept = value
	} else {
		ch.Member = model.Address(value)
	}
	a.busy, a.err = true, ""
	return p.s.apply(p.ID(), "add", ch)
}

// columnWidths splits the width between the list and the group's contents.
func (p *groupsPane) columnWidths() (left, right int) {
	cols := p.listColumns()
	left = cols.total
	return left, max(10, p.width-left-3)
}

// groupColumns are the list's column widths: the name always, then the
// counts, the address and the posting rule while there is room (the
// selected group's details show them all in any case).
type groupColumns struct {
	name, addr, post, count       int
	showCount, showAddr, showPost bool
	total                         int
}

func (p *groupsPane) listColumns() groupColumns {
	t := p.s.T.Groups
	c := groupColumns{name: lipgloss.Width(t.ColName), addr: lipgloss.Width(t.ColAddress), post: lipgloss.Width(t.ColPost), count: lipgloss.Width(t.ColCounts)}
	for _, g := range p.groups {
		c.name = max(c.name, lipgloss.Width(g.name))
		c.addr = max(c.addr, lipgloss.Width(string(g.addr)))
		c.post = max(c.post, lipgloss.Width(p.postLabel(g.post)))
		c.count = max(c.count, lipgloss.Width(p.countText(g)))
	}
	c.name = min(c.name, 20)
	c.addr = min(c.addr, 30)
	const minRight = 40
	avail := max(16, p.width-3-minRight)
	c.total = 2 + c.name
	if c.total > avail {
		c.name, c.total = max(4, avail-2), avail
	}
	fits := func(w int) bool {
		if c.total+2+w > avail {
			return false
		}
		c.total += 2 + w
		return true
	}
	c.showCount = fits(c.count)
	c.showAddr = c.showCount && fits(c.addr)
	c.showPost = c.showAddr && fits(c.post)
	return c
}

func (p *groupsPane) countText(g groupRow) string {
	return strconv.Itoa(g.members) + "/" + strconv.Itoa(g.depts)
}

// View draws the list beside the selected group, or the open form.
func (p *groupsPane) View() string {
	st := p.s.Styles
	t := p.s.T.Groups
	out := []string{st.Title.Render(t.Title)}
	switch {
	case p.err != "":
		return strings.Join(append(out, st.Error.Render(p.err)), "\n")
	case p.groups == nil && p.loading:
		return strings.Join(append(out, st.Subtle.Render(p.s.T.Common.Loading)), "\n")
	case p.form != nil:
		v := p.form.View()
		if p.busy {
			v += "\n\n" + st.Subtle.Render(p.s.T.Common.Loading)
		}
		return strings.Join(append(out, "", v), "\n")
	case p.lists != nil:
		return p.listsViewText()
	}
	h := max(3, p.height-2)
	left := p.listLines(h)
	right, _ := p.rightLines(h)
	cols := p.listColumns()
	rw := max(10, p.width-cols.total-3)
	sep := st.Subtle.Render(" " + st.Border.Left + " ")
	out = append(out, "")
	for i := 0; i < h; i++ {
		var l, r string
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = ellipsize(st, right[i], rw)
		}
		out = append(out, padRight(truncate(l, cols.total), cols.total)+sep+r)
	}
	return strings.Join(out, "\n")
}

// listLines draws the list of groups, scrolled to the selection.
func (p *groupsPane) listLines(h int) []string {
	st := p.s.Styles
	t := p.s.T.Groups
	c := p.listColumns()
	cell := func(s string, w int) string { return padRight(truncate(s, w), w) }
	row := func(name, addr, post, count string) string {
		var parts []string
		if c.showAddr {
			parts = append(parts, cell(addr, c.addr))
		}
		parts = append(parts, cell(name, c.name))
		if c.showPost {
			parts = append(parts, cell(post, c.post))
		}
		if c.showCount {
			parts = append(parts, count)
		}
		return strings.Join(parts, "  ")
	}
	out := []string{"  " + st.TableHead.Render(row(t.ColName, t.ColAddress, t.ColPost, t.ColCounts))}
	if len(p.groups) == 0 {
		return append(out, "  "+st.Subtle.Render(t.NoGroups))
	}
	rows := h - 1
	start := 0
	if p.sel >= rows {
		start = p.sel - rows + 1
	}
	for i := start; i < len(p.groups) && i < start+rows; i++ {
		g := p.groups[i]
		line := row(g.name, string(g.addr), p.postLabel(g.post), p.countText(g))
		switch {
		case i == p.sel && p.focus == 0:
			line = st.Selected.Render(padRight(st.Bullet+" "+line, c.total))
		case i == p.sel:
			line = st.Cursor.Render(st.Bullet) + " " + line
		default:
			line = "  " + line
		}
		out = append(out, line)
	}
	return out
}

// rightLines draws the selected group: its details, its entries and, at
// the bottom, the adder or a question. It also says on which line the
// adder's input stands (-1 when none).
func (p *groupsPane) rightLines(h int) ([]string, int) {
	st := p.s.Styles
	t := p.s.T.Groups
	g := p.current()
	if g == nil {
		return nil, -1
	}
	_, rw := p.columnWidths()
	title := st.Title.Render(g.name)
	out := []string{title}
	eff := st.Subtle.Render(t.Counting)
	if n, ok := p.effective[g.addr]; ok && n >= 0 {
		eff = p.s.Sprintf(plural(n, t.EffectiveValueOne, t.EffectiveValue), n)
	}
	details := [][2]string{
		{t.Address, string(g.addr)},
		{t.Post, p.postLabel(g.post)},
	}
	switch {
	case g.post == model.PostListed:
		details = append(details, [2]string{t.MayPost, strings.Join(g.senders, ", ")})
	case g.post == model.PostPermitted && len(g.positions) > 0:
		details = append(details, [2]string{t.MayPost, strings.Join(g.positions, ", ")})
	case g.post == model.PostPermitted:
		details = append(details, [2]string{t.MayPost, t.PolicyClasses})
	}
	details = append(details, [][2]string{
		{t.Owner, p.deptLabel(g.owner)},
		{t.Listed, p.s.Sprintf(t.ListedValue, g.members, g.depts)},
		{t.Effective, eff},
	}...)
	out = append(out, labelledWrap(p.s, details, rw)...)
	if !g.canManage {
		out = append(out, st.Subtle.Render(t.ReadOnly))
	}
	out = append(out, "", st.Label.Render(p.s.Sprintf(t.Contents, len(g.entries))))

	// The bottom box: the adder or a question.
	var box []string
	inputLine := -1
	switch {
	case p.adder != nil:
		a := p.adder
		mode := func(name string, on bool) string {
			if on {
				return st.Selected.Render(" " + name + " ")
			}
			return st.Subtle.Render(" " + name + " ")
		}
		box = append(box, "", st.Title.Render(p.s.Sprintf(t.AddTitle, a.group)), mode(t.ModeMember, !a.dept)+" "+mode(t.ModeDept, a.dept))
		inputLine = len(box)
		box = append(box, a.input.View())
		switch {
		case a.err != "":
			box = append(box, wrapStyled(st.Error, a.err, rw)...)
		case a.dept:
			box = append(box, wrapStyled(st.Subtle, t.DeptPrompt, rw)...)
		default:
			box = append(box, wrapStyled(st.Subtle, t.MemberPrompt, rw)...)
		}
		if a.busy {
			box = append(box, st.Subtle.Render(p.s.T.Common.Loading))
		}
		for i, hit := range a.hits {
			if i == a.sel {
				box = append(box, st.Selected.Render(st.Bullet+" "+truncate(hit.label, rw-2)))
			} else {
				box = append(box, "  "+hit.label)
			}
		}
	case p.confirm != nil:
		box = append(box, "")
		box = append(box, wrapStyled(st.Warn, p.confirm.text, rw)...)
	}

	rows := max(1, h-len(out)-len(box))
	if len(g.entries) == 0 {
		out = append(out, "  "+st.Subtle.Render(t.Empty))
	} else {
		start := 0
		if p.focus == 1 && p.entry >= rows {
			start = p.entry - rows + 1
		}
		for i := start; i < len(g.entries) && i < start+rows; i++ {
			e := g.entries[i]
			var plain, line string
			switch {
			case e.dept:
				count := ""
				if n, ok := p.deptCounts[g.addr][e.value]; ok {
					count = "  " + p.s.Sprintf(t.DeptCount, n)
				}
				plain = t.DeptTag + " " + p.deptLabel(e.value) + t.Subtree + count
				line = st.Label.Render(t.DeptTag) + " " + p.deptLabel(e.value) + st.Subtle.Render(t.Subtree) + count
			case e.name != "":
				plain = padRight(e.name, 8) + "  " + e.value
				line = plain
			default:
				plain, line = e.value, e.value
			}
			if i == p.entry && p.focus == 1 {
				line = st.Selected.Render(st.Bullet + " " + truncate(plain, rw-2))
			} else {
				line = "  " + line
			}
			out = append(out, line)
		}
	}
	if len(box) > 0 {
		for len(out) < h-len(box) {
			out = append(out, "")
		}
		if inputLine >= 0 {
			inputLine += len(out)
		}
		out = append(out, box...)
	}
	return out, inputLine
}

// wrapStyled wraps text to a width in a style, as separate lines. It breaks
// at spaces (and inside long words only when it must), never at the hyphen
// of an address.
func wrapStyled(style lipgloss.Style, text string, w int) []string {
	lines := wrapText(text, max(10, w))
	for i, l := range lines {
		lines[i] = style.Render(strings.TrimRight(l, " "))
	}
	return lines
}

// Cursor puts the terminal's cursor in the field being typed into.
func (p *groupsPane) Cursor() *tea.Cursor {
	switch {
	case p.form != nil:
		c := p.form.Cursor()
		if c != nil {
			c.Y += 2
		}
		return c
	case p.adder != nil:
		_, line := p.rightLines(max(3, p.height-2))
		if line < 0 {
			return nil
		}
		c := inputCursorCells(p.adder.input)
		if c == nil {
			return nil
		}
		left, _ := p.columnWidths()
		c.X += left + 3
		c.Y += 2 + line
		return c
	}
	return nil
}

// ShortHelp lists the keys that work now.
func (p *groupsPane) ShortHelp() []key.Binding {
	k := p.s.Keys
	t := p.s.T.Groups
	switch {
	case p.form != nil:
		return p.form.ShortHelp()
	case p.adder != nil:
		// While typing, only the arrows pick (j and k type).
		return []key.Binding{relabelKey(k.Tab, "", t.KeyMode), relabelKey(k.Down, "↑/↓", t.KeyPick), relabelKey(k.Enter, "", t.KeyAdd), k.Back}
	case p.confirm != nil:
		return []key.Binding{k.Back}
	case p.lists != nil:
		return p.listsHelp()
	}
	g := p.current()
	var out []key.Binding
	if p.s.Can(model.RightListManage) {
		out = append(out, relabelKey(k.NextView, "", t.KeyLists))
	}
	if g != nil {
		out = append(out, relabelKey(k.Tab, "", t.KeySide))
	}
	if p.focus == 0 {
		if p.s.Can(model.RightGroupManage) {
			out = append(out, k.New)
		}
		if g != nil && g.canManage {
			out = append(out, k.Edit, k.Delete)
		}
	}
	if g != nil && g.canManage {
		out = append(out, relabelKey(k.Alias, "", t.KeyAdd))
		if p.focus == 1 && len(g.entries) > 0 {
			out = append(out, relabelKey(k.Delete, "", t.KeyRemove))
		}
	}
	if p.focus == 1 {
		out = append(out, k.Back)
	}
	return out
}

// FullHelp adds the movement keys.
func (p *groupsPane) FullHelp() [][]key.Binding {
	k := p.s.Keys
	short := p.ShortHelp()
	if p.Capturing() {
		return [][]key.Binding{short}
	}
	return [][]key.Binding{short, {k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Left, k.Right, k.Refresh}}
}

// relabelKey is a binding with the same keys and another description (and,
// when helpKey is not empty, another key label), for a pane that gives a
// shared key a meaning of its own.
func relabelKey(b key.Binding, helpKey, desc string) key.Binding {
	if helpKey == "" {
		helpKey = b.Help().Key
	}
	b.SetHelp(helpKey, desc)
	return b
}

// inputCursorCells is a text input's real cursor, measured in cells so it
// stands right after Chinese text too.
func inputCursorCells(in textinput.Model) *tea.Cursor {
	c := in.Cursor()
	if c == nil {
		return nil
	}
	runes := []rune(in.Value())
	pos := min(in.Position(), len(runes))
	x := lipgloss.Width(in.Prompt) + min(lipgloss.Width(string(runes[:pos])), in.Width())
	c.X = x
	return c
}
