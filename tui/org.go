package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"postroom/model"
	"postroom/store"
)

// The Org pane never holds the whole directory: it lists at most
// orgPageLimit members of the selected department's subtree, and at most
// orgSearchLimit members found by the filter.
const (
	orgPageLimit   = 300
	orgSearchLimit = 200
)

// orgMode is what fills the Org pane.
type orgMode int

const (
	orgBrowse  orgMode = iota // the tree beside the member table
	orgDetail                 // one member, every field
	orgAliases                // one member's aliases
	orgForm                   // a form: member, department, reason, role, key, alias
	orgPick                   // a department picker: move a member or a department
)

// orgFocus is the half of the browse view that has the keys.
type orgFocus int

const (
	orgFocusTree orgFocus = iota
	orgFocusTable
)

// orgPane is the Org pane: the department tree with member counts beside a
// table of the selected department's members, a filter as you type, a
// member's detail, and the forms and confirmations of every directory
// action. It reads the store only in commands and writes only through
// Session.apply; the store decides, the pane only hides what it would refuse.
type orgPane struct {
	s             *Session
	width, height int
	mode          orgMode
	focus         orgFocus
	err           string // the last load's failure

	// The tree: a snapshot per load, and what the person did to it.
	tree    *orgTree
	view    orgTreeView
	loading bool // a tree load is in flight
	dirty   bool // the store changed while it was

	// The table: the selected department's members, or what the filter found.
	page     []*model.Member
	pageDept model.DeptID
	pageMore bool // the department has more members than the page holds
	pageSeq  int  // answers to an older request are dropped
	row      int
	rowTop   int

	filter    textinput.Model
	filtering bool   // the filter has the keys
	query     string // the query the table shows results for
	found     []*model.Member
	searching bool
	searchSeq int

	// The detail and alias views.
	detail    *orgMember
	detailTop int
	aliasRow  int

	// Forms, pickers, confirmations.
	form       *form
	formKind   string
	formMember *model.Member
	formDept   *orgNode
	formOrig   map[string]string
	formReturn orgMode
	busy       bool // a form's change is being applied
	picker     *orgPicker
	pickKind   string
	confirm    *orgConfirm

	// otp is a one-time password on screen until the next key; otpWho whose.
	otp, otpWho string

	// selectPath is a department to select once the next load brings it
	// (one just created, or the parent of one just deleted).
	selectPath string
}

// orgConfirm is a y/n question; yes runs on y.
type orgConfirm struct {
	text string
	yes  func() tea.Cmd
}

// orgMember is one member as the detail view shows them.
type orgMember struct {
	m     *model.Member
	depts []string // paths of the departments the person sees
	roles []string // granted and derived, in words
	limit int      // the warnings that block a mailbox; 0 until read
}

// orgLoadedMsg brings a fresh tree and the page of its selected department.
type orgLoadedMsg struct {
	tree *orgTree
	sel  model.DeptID
	seq  int
	page []*model.Member
	more bool
	err  error
}

// orgPageMsg brings the members of a department's subtree.
type orgPageMsg struct {
	seq  int
	dept model.DeptID
	page []*model.Member
	more bool
	err  error
}

// orgSearchMsg brings what a filter query found.
type orgSearchMsg struct {
	seq   int
	found []*model.Member
	err   error
}

// orgDetailMsg brings one member with department paths and roles.
type orgDetailMsg struct {
	addr   model.Address
	detail *orgMember
	err    error
}

// newOrgPane builds the Org pane.
func newOrgPane(s *Session) Pane {
	in := newInput("", 64)
	in.Placeholder = s.T.Org.FilterHint
	return &orgPane{s: s, filter: in, view: orgTreeView{open: map[model.DeptID]bool{model.RootDept: true}}}
}

// ID names the pane for background results.
func (p *orgPane) ID() string { return "org" }

// Title is the pane's name on the rail.
func (p *orgPane) Title() string { return p.s.T.Nav.Org }

// Init loads the tree and the first page.
func (p *orgPane) Init() tea.Cmd {
	p.loading = true
	return p.load()
}

// SetSize fits the pane, its forms and its inputs.
func (p *orgPane) SetSize(w, h int) {
	p.width, p.height = w, h
	p.filter.SetWidth(max(8, w-lipgloss.Width(p.titleText())-lipgloss.Width(p.s.T.Org.Filter)-8))
	if p.form != nil {
		p.form.SetSize(w, h)
	}
	if p.picker != nil {
		p.picker.SetSize(w, h)
	}
}

// Capturing is true while a text field or a question has the keys.
func (p *orgPane) Capturing() bool {
	return p.filtering || p.mode == orgForm || p.mode == orgPick || p.confirm != nil || p.otp != ""
}

// readOnly reports whether the person may change nothing here (auditors).
func (p *orgPane) readOnly() bool {
	s := p.s
	return !s.Can(model.RightMemberManage) && !s.Can(model.RightDeptManage) &&
		!s.Can(model.RightPasswordReset) && !s.Can(model.RightRoleManage)
}

// load reads the tree and the selected department's page in a command.
func (p *orgPane) load() tea.Cmd {
	s := p.s
	actor := s.Actor
	sel := p.view.selected()
	p.pageSeq++
	seq := p.pageSeq
	return func() tea.Msg {
		msg := orgLoadedMsg{seq: seq}
		msg.err = s.Store.Read(func(r *store.Reader) error {
			t, err := buildOrgTree(r, actor)
			if err != nil {
				return err
			}
			msg.tree = t
			if _, ok := t.nodes[sel]; !ok {
				sel = t.firstReadable()
			}
			msg.sel = sel
			msg.page, msg.more, err = readOrgPage(r, t.subtree(sel))
			return err
		})
		return msg
	}
}

// readOrgPage lists the members placed in the departments, in order, each
// once, at most orgPageLimit of them.
func readOrgPage(r *store.Reader, depts []model.DeptID) ([]*model.Member, bool, error) {
	var out []*model.Member
	seen := map[model.Address]bool{}
	for _, id := range depts {
		addrs, err := r.DeptMembers(id)
		if err != nil {
			return nil, false, err
		}
		for _, a := range addrs {
			if seen[a] {
				continue
			}
			seen[a] = true
			if len(out) == orgPageLimit {
				return out, true, nil
			}
			m, err := r.Member(a)
			if err != nil {
				return nil, false, err
			}
			out = append(out, m)
		}
	}
	return out, false, nil
}

// loadPage reads the page of the department under the tree cursor.
func (p *orgPane) loadPage() tea.Cmd {
	if p.tree == nil {
		return nil
	}
	s := p.s
	sel := p.view.selected()
	depts := p.tree.subtree(sel)
	p.pageSeq++
	seq := p.pageSeq
	return func() tea.Msg {
		msg := orgPageMsg{seq: seq, dept: sel}
		msg.err = s.Store.Read(func(r *store.Reader) error {
			var err error
			msg.page, msg.more, err = readOrgPage(r, depts)
			return err
		})
		return msg
	}
}

// search runs the filter query in a command.
func (p *orgPane) search(q string, seq int) tea.Cmd {
	s := p.s
	actor := s.Actor
	return func() tea.Msg {
		msg := orgSearchMsg{seq: seq}
		msg.err = s.Store.Read(func(r *store.Reader) error {
			var err error
			msg.found, err = r.Search(q, orgSearchLimit, func(m *model.Member) bool { return model.CanSee(actor, m, r) })
			return err
		})
		return msg
	}
}

// loadDetail reads one member, their department paths and their roles
// (granted, and derived from the departments they head or sign for).
func (p *orgPane) loadDetail(a model.Address) tea.Cmd {
	s := p.s
	actor := s.Actor
	return func() tea.Msg {
		msg := orgDetailMsg{addr: a}
		msg.err = s.Store.Read(func(r *store.Reader) error {
			m, err := r.Member(a)
			if err != nil {
				return err
			}
			d := &orgMember{m: m}
			for _, id := range m.Depts {
				// Only the departments the person sees (a sub-admin's subtree).
				if model.Can(actor, model.RightMemberRead, model.Scope{id}, r) {
					d.depts = append(d.depts, r.DeptPath(id))
				}
			}
			act, err := r.Actor(a, model.DoorTUI, "")
			if err != nil {
				return err
			}
			for _, g := range act.Roles {
				d.roles = append(d.roles, orgRoleText(g, r))
			}
			e, err := r.Enterprise()
			if err != nil {
				return err
			}
			d.limit = e.WarnLimit()
			msg.detail = d
			return nil
		})
		return msg
	}
}

// orgRoleText is a role grant in words: "subadmin (销售部: members, groups)".
func orgRoleText(g model.RoleGrant, tree model.DeptNamer) string {
	var parts []string
	if g.Scope != 0 {
		parts = append(parts, tree.DeptPath(g.Scope))
	}
	if len(g.Rights) > 0 {
		rs := make([]string, len(g.Rights))
		for i, r := range g.Rights {
			rs[i] = string(r)
		}
		parts = append(parts, strings.Join(rs, ", "))
	}
	if len(parts) == 0 {
		return g.Role.String()
	}
	return g.Role.String() + " (" + strings.Join(parts, ": ") + ")"
}

// rows are what the table shows: what the filter found, or the page.
func (p *orgPane) rows() []*model.Member {
	if p.query != "" {
		return p.found
	}
	return p.page
}

// current is the member under the table cursor.
func (p *orgPane) current() *model.Member {
	rows := p.rows()
	if p.row < 0 || p.row >= len(rows) {
		return nil
	}
	return rows[p.row]
}

// keepRow puts the table cursor back on a member after the rows changed.
func (p *orgPane) keepRow(a model.Address) {
	rows := p.rows()
	if a != "" {
		for i, m := range rows {
			if m.Address == a {
				p.row = i
				return
			}
		}
	}
	p.row = max(0, min(p.row, len(rows)-1))
}

// currentAddr is the address under the table cursor, "" for none.
func (p *orgPane) currentAddr() model.Address {
	if m := p.current(); m != nil {
		return m.Address
	}
	return ""
}

// Update handles loads, answers to changes and keys.
func (p *orgPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case orgLoadedMsg:
		return p, p.loaded(msg)
	case orgPageMsg:
		if msg.seq != p.pageSeq {
			return p, nil
		}
		if msg.err != nil {
			return p, flash(p.s.ErrText(msg.err), true)
		}
		keep := p.currentAddr()
		if msg.dept != p.pageDept {
			keep, p.row, p.rowTop = "", 0, 0 // another department: from its top
		}
		p.page, p.pageDept, p.pageMore = msg.page, msg.dept, msg.more
		if p.query == "" {
			p.keepRow(keep)
		}
		return p, nil
	case orgSearchMsg:
		if msg.seq != p.searchSeq {
			return p, nil // an answer to a query the person has typed past
		}
		p.searching = false
		if msg.err != nil {
			return p, flash(p.s.ErrText(msg.err), true)
		}
		// The cursor stays on the member it was on, if found again.
		keep := p.currentAddr()
		p.found = msg.found
		p.row = 0
		for i, m := range p.found {
			if m.Address == keep {
				p.row = i
				break
			}
		}
		return p, nil
	case orgDetailMsg:
		if p.detail == nil || msg.addr != p.detail.m.Address {
			return p, nil
		}
		if msg.err != nil {
			// Gone (deleted in another session, say): back to the list.
			if p.mode == orgDetail || p.mode == orgAliases {
				p.mode = orgBrowse
			}
			p.detail = nil
			return p, flash(p.s.ErrText(msg.err), true)
		}
		p.detail = msg.detail
		p.aliasRow = max(0, min(p.aliasRow, len(p.detail.m.Aliases)-1))
		return p, nil
	case storeChangedMsg:
		if msg.onlyLogins() {
			return p, nil // nothing here shows logins
		}
		return p, p.reload()
	case appliedMsg:
		if msg.pane != p.ID() {
			return p, nil
		}
		return p, p.applied(msg)
	case tea.KeyPressMsg:
		return p, p.key(msg)
	case tea.PasteMsg:
		return p, p.paste(msg)
	}
	return p, nil
}

// loaded takes a fresh tree.
func (p *orgPane) loaded(msg orgLoadedMsg) tea.Cmd {
	p.loading = false
	var cmds []tea.Cmd
	if msg.err != nil {
		p.err = p.s.ErrText(msg.err)
	} else {
		first := p.tree == nil
		p.tree, p.err = msg.tree, ""
		sel := p.view.selected()
		if _, ok := p.tree.nodes[sel]; !ok || first {
			sel = msg.sel
		}
		if first {
			// A sub-admin starts at their own subtree, opened down to it.
			p.view.reveal(p.tree, sel)
			p.view.open[sel] = true
		}
		if p.selectPath != "" {
			if n := p.nodeByPath(p.selectPath); n != nil {
				p.view.reveal(p.tree, n.id)
				sel = n.id
			}
			p.selectPath = ""
		}
		p.view.reflow(p.tree, sel)
		if msg.seq == p.pageSeq {
			if p.view.selected() == msg.sel {
				keep := p.currentAddr()
				p.page, p.pageDept, p.pageMore = msg.page, msg.sel, msg.more
				if p.query == "" {
					p.keepRow(keep)
				}
			} else {
				cmds = append(cmds, p.loadPage())
			}
		}
	}
	if p.dirty {
		p.dirty = false
		p.loading = true
		cmds = append(cmds, p.load())
	}
	return tea.Batch(cmds...)
}

// reload refreshes what the pane shows after the data changed: the tree
// (coalesced while a load is in flight), the filter's results and the
// open member.
func (p *orgPane) reload() tea.Cmd {
	var cmds []tea.Cmd
	if p.loading {
		p.dirty = true
	} else {
		p.loading = true
		cmds = append(cmds, p.load())
	}
	if p.query != "" {
		p.searchSeq++
		cmds = append(cmds, p.search(p.query, p.searchSeq))
	}
	if p.detail != nil && (p.mode == orgDetail || p.mode == orgAliases || p.formReturn == orgDetail || p.formReturn == orgAliases) {
		cmds = append(cmds, p.loadDetail(p.detail.m.Address))
	}
	return tea.Batch(cmds...)
}

// setQuery runs the filter for a new query; an empty one shows the page.
func (p *orgPane) setQuery(q string) tea.Cmd {
	q = strings.TrimSpace(q)
	if q == p.query {
		return nil
	}
	keep := p.currentAddr()
	p.searchSeq++
	p.query = q
	if q == "" {
		p.found = nil
		p.searching = false
		p.keepRow(keep)
		return nil
	}
	// What the last query found stays until this one's answer lands.
	p.searching = true
	return p.search(q, p.searchSeq)
}

// clearFilter leaves the filter and shows the department again.
func (p *orgPane) clearFilter() tea.Cmd {
	p.filtering = false
	p.filter.Blur()
	p.filter.SetValue("")
	return p.setQuery("")
}

// paste puts pasted text (an SSH key, an address) into what has the keys.
func (p *orgPane) paste(msg tea.PasteMsg) tea.Cmd {
	switch {
	case p.mode == orgForm && p.form != nil && !p.busy && p.confirm == nil:
		_, cmd := p.form.Update(msg)
		return cmd
	case p.mode == orgPick && p.picker != nil:
		_, _, cmd := p.picker.Update(msg)
		return cmd
	case p.filtering:
		var cmd tea.Cmd
		p.filter, cmd = p.filter.Update(msg)
		return tea.Batch(cmd, p.setQuery(p.filter.Value()))
	}
	return nil
}

// key routes a key press by what has the keys.
func (p *orgPane) key(msg tea.KeyPressMsg) tea.Cmd {
	if p.otp != "" {
		// Any key closes the one-time password; the pane forgets it.
		p.otp, p.otpWho = "", ""
		return nil
	}
	if c := p.confirm; c != nil {
		p.confirm = nil
		if s := msg.String(); s == "y" || s == "Y" {
			return c.yes()
		}
		return nil
	}
	switch p.mode {
	case orgForm:
		return p.formKey(msg)
	case orgPick:
		return p.pickKey(msg)
	case orgDetail:
		return p.detailKey(msg)
	case orgAliases:
		return p.aliasKey(msg)
	}
	if p.filtering {
		return p.filterKey(msg)
	}
	k := p.s.Keys
	switch {
	case key.Matches(msg, k.Tab, k.ShiftTab):
		if p.focus == orgFocusTree {
			p.focus = orgFocusTable
		} else {
			p.focus = orgFocusTree
		}
		return nil
	case key.Matches(msg, k.Filter):
		p.filtering = true
		p.filter.SetValue(p.query)
		p.filter.CursorEnd()
		p.filter.Focus() // the real cursor shows; no blinking to drive
		return nil
	case key.Matches(msg, k.Refresh):
		return p.reload()
	case key.Matches(msg, k.Back) && p.query != "":
		return p.clearFilter()
	}
	if p.tree == nil {
		return nil
	}
	if p.focus == orgFocusTree {
		return p.treeKey(msg)
	}
	return p.tableKey(msg)
}

// filterKey handles a key while the filter has the keys: it types, and
// every change of the query starts a search.
func (p *orgPane) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.s.Keys
	switch {
	case key.Matches(msg, k.Back):
		return p.clearFilter()
	case key.Matches(msg, k.Enter):
		p.filtering = false
		p.filter.Blur()
		p.focus = orgFocusTable
		return nil
	case msg.String() == "up":
		p.row = max(0, p.row-1)
		return nil
	case msg.String() == "down":
		p.row = max(0, min(p.row+1, len(p.rows())-1))
		return nil
	}
	var cmd tea.Cmd
	p.filter, cmd = p.filter.Update(msg)
	return tea.Batch(cmd, p.setQuery(p.filter.Value()))
}

// moveCursor moves a cursor over n rows by a navigation key; ok is false
// for any other key.
func (p *orgPane) moveCursor(msg tea.KeyPressMsg, cur, n, pageRows int) (int, bool) {
	k := p.s.Keys
	switch {
	case key.Matches(msg, k.Up):
		cur--
	case key.Matches(msg, k.Down):
		cur++
	case key.Matches(msg, k.PageUp):
		cur -= max(1, pageRows)
	case key.Matches(msg, k.PageDown):
		cur += max(1, pageRows)
	case key.Matches(msg, k.Top):
		cur = 0
	case key.Matches(msg, k.Bottom):
		cur = n - 1
	default:
		return cur, false
	}
	return max(0, min(cur, n-1)), true
}

// bodyRows is how many rows the tree and the table show.
func (p *orgPane) bodyRows() int { return max(1, p.height-3) }

// treeKey handles a key while the tree has the focus: moving, opening and
// closing departments, and the department actions.
func (p *orgPane) treeKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.s.Keys
	t, v := p.tree, &p.view
	if cur, ok := p.moveCursor(msg, v.cur, len(v.rows), p.bodyRows()); ok {
		if cur == v.cur {
			return nil
		}
		v.cur = cur
		return p.loadPage()
	}
	sel := v.selected()
	n := t.nodes[sel]
	if n == nil {
		return nil
	}
	switch {
	case key.Matches(msg, k.Right):
		if len(n.kids) == 0 {
			return nil
		}
		if !v.open[sel] {
			v.open[sel] = true
			v.reflow(t, sel)
			return nil
		}
		v.cur++
		return p.loadPage()
	case key.Matches(msg, k.Left):
		if v.open[sel] && len(n.kids) > 0 {
			v.open[sel] = false
			v.reflow(t, sel)
			return nil
		}
		if _, ok := t.nodes[n.parent]; ok && sel != model.RootDept {
			v.reflow(t, n.parent)
			return p.loadPage()
		}
	case key.Matches(msg, k.Toggle):
		if len(n.kids) > 0 {
			v.open[sel] = !v.open[sel]
			v.reflow(t, sel)
		}
	case key.Matches(msg, k.Enter):
		p.focus = orgFocusTable
	case key.Matches(msg, k.New) && p.canDept(sel):
		return p.openDeptNew(n)
	case key.Matches(msg, k.Rename) && p.canDeptEdit(n):
		return p.openDeptRename(n)
	case key.Matches(msg, k.Move) && p.canDeptEdit(n):
		return p.openDeptMove(n)
	case key.Matches(msg, k.Delete) && p.canDeptDelete(n):
		p.askDeptDelete(n, n.direct > 0)
	}
	return nil
}

// tableKey handles a key while the table has the focus: moving, opening a
// member, and the member actions.
func (p *orgPane) tableKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.s.Keys
	rows := p.rows()
	if cur, ok := p.moveCursor(msg, p.row, len(rows), p.bodyRows()-1); ok {
		p.row = cur
		return nil
	}
	if key.Matches(msg, k.New) && p.canNewMember() {
		return p.openMemberForm(nil, orgBrowse)
	}
	m := p.current()
	if m == nil {
		return nil
	}
	if key.Matches(msg, k.Enter) {
		return p.openDetail(m)
	}
	return p.memberAction(msg, m, orgBrowse)
}

// openDetail shows a member, and reads them fresh.
func (p *orgPane) openDetail(m *model.Member) tea.Cmd {
	p.mode = orgDetail
	p.detailTop = 0
	p.aliasRow = 0
	d := &orgMember{m: m}
	for _, id := range m.Depts {
		if _, ok := p.tree.nodes[id]; ok {
			d.depts = append(d.depts, p.tree.DeptPath(id))
		}
	}
	for _, g := range m.Roles {
		d.roles = append(d.roles, orgRoleText(g, p.tree))
	}
	p.detail = d
	return p.loadDetail(m.Address)
}

// detailKey handles a key in a member's detail.
func (p *orgPane) detailKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.s.Keys
	switch {
	case key.Matches(msg, k.Back):
		p.mode = orgBrowse
		p.detail = nil
		return nil
	case key.Matches(msg, k.Up):
		p.detailTop = max(0, p.detailTop-1)
		return nil
	case key.Matches(msg, k.Down):
		p.detailTop = min(p.detailTop+1, p.detailOverflow())
		return nil
	}
	return p.memberAction(msg, p.detail.m, orgDetail)
}

// aliasKey handles a key in a member's alias list.
func (p *orgPane) aliasKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.s.Keys
	m := p.detail.m
	switch {
	case key.Matches(msg, k.Back):
		p.mode = orgDetail
	case key.Matches(msg, k.Up):
		p.aliasRow = max(0, p.aliasRow-1)
	case key.Matches(msg, k.Down):
		p.aliasRow = max(0, min(p.aliasRow+1, len(m.Aliases)-1))
	case key.Matches(msg, k.New) && p.canManage(m):
		return p.openAliasForm(m)
	case key.Matches(msg, k.Delete) && p.canManage(m) && len(m.Aliases) > 0:
		p.askAliasRemove(m, m.Aliases[p.aliasRow])
	}
	return nil
}

// memberAction runs an action key on a member; from says where to come
// back to.
func (p *orgPane) memberAction(msg tea.KeyPressMsg, m *model.Member, from orgMode) tea.Cmd {
	k := p.s.Keys
	switch {
	case key.Matches(msg, k.Edit) && p.canManage(m):
		return p.openMemberForm(m, from)
	case key.Matches(msg, k.Move) && p.canManage(m):
		return p.openMemberMove(m, from)
	case key.Matches(msg, k.Disable) && p.canManage(m) && m.Status != model.StatusDisabled && m.Status != model.StatusReclaimed:
		return p.openDisable(m, from)
	case key.Matches(msg, k.Enable) && p.canManage(m) && m.Status == model.StatusDisabled && !m.WarnBlocked():
		p.askEnable(m)
	case key.Matches(msg, k.Warn) && p.canWarn(m):
		if from == orgBrowse {
			// The detail reads the limit the form's question needs.
			cmd := p.openDetail(m)
			return tea.Batch(cmd, p.openWarn(m, orgDetail))
		}
		return p.openWarn(m, from)
	case key.Matches(msg, k.Alias) && p.canManage(m):
		if from == orgBrowse {
			cmd := p.openDetail(m)
			p.mode = orgAliases
			return cmd
		}
		p.mode = orgAliases
	case key.Matches(msg, k.Reset) && p.canReset(m):
		return p.openReset(m, from)
	case key.Matches(msg, k.Role) && p.canGrant():
		return p.openRole(m, from)
	case key.Matches(msg, k.SSHKey) && (p.canManage(m) || m.Address == p.s.Actor.Address):
		return p.openKeyForm(m, from)
	}
	return nil
}

// What the model would refuse is hidden; these ask the model, over the
// tree snapshot, without reading the store.

// canDept reports whether the person may manage departments at id.
func (p *orgPane) canDept(id model.DeptID) bool {
	return p.tree != nil && model.Can(p.s.Actor, model.RightDeptManage, model.Scope{id}, p.tree)
}

// canDeptEdit reports whether the person may rename or move a department
// (never the root; a move also needs the new parent, which the picker asks).
func (p *orgPane) canDeptEdit(n *orgNode) bool {
	return n.id != model.RootDept && p.canDept(n.id)
}

// canDeptDelete reports whether the person may delete a department: the
// model asks for the department and its parent.
func (p *orgPane) canDeptDelete(n *orgNode) bool {
	return p.canDeptEdit(n) && p.canDept(n.parent)
}

// canNewMember reports whether the person may add a member to the
// selected department.
func (p *orgPane) canNewMember() bool {
	sel := p.view.selected()
	return p.tree != nil && sel != 0 && model.Can(p.s.Actor, model.RightMemberManage, model.Scope{sel}, p.tree)
}

// guarded reports whether a member's account is one only a company-wide
// admin may change (the holder of a privileged role), as the model rules.
func (p *orgPane) guarded(m *model.Member) bool {
	if m.Address == p.s.Actor.Address {
		return false
	}
	top := model.RoleMember
	for _, g := range m.Roles {
		top = max(top, g.Role)
	}
	if top < model.RoleAuditor {
		return false
	}
	for _, g := range p.s.Actor.Roles {
		if g.Role == model.RoleAdmin && g.Scope == 0 {
			return false
		}
	}
	return true
}

// canManage reports whether the person may change a member.
func (p *orgPane) canManage(m *model.Member) bool {
	return p.tree != nil && model.Can(p.s.Actor, model.RightMemberManage, model.Scope(m.Depts), p.tree) && !p.guarded(m)
}

// canReset reports whether the person may reset a member's password.
func (p *orgPane) canReset(m *model.Member) bool {
	return p.tree != nil && model.Can(p.s.Actor, model.RightPasswordReset, model.Scope(m.Depts), p.tree) && !p.guarded(m) &&
		m.Status != model.StatusDisabled && m.Status != model.StatusReclaimed
}

// canWarn reports whether the person may warn a member (ACC-7): never
// themself, a leaver, or a mailbox the warnings already blocked.
func (p *orgPane) canWarn(m *model.Member) bool {
	return p.canManage(m) && m.Address != p.s.Actor.Address && m.Status != model.StatusReclaimed && !m.WarnBlocked()
}

// canGrant reports whether the person may grant roles (admins only).
func (p *orgPane) canGrant() bool {
	return p.tree != nil && model.Can(p.s.Actor, model.RightRoleManage, nil, p.tree)
}

// applied takes the answer to a change the pane asked for.
func (p *orgPane) applied(msg appliedMsg) tea.Cmd {
	p.busy = false
	t := p.s.T.Org
	if msg.err != nil {
		if p.mode == orgForm && p.form != nil && p.formKind == msg.tag {
			p.form.setError(orgErrField(msg.tag, msg.err), p.s.ErrText(msg.err))
			return nil
		}
		if dd, ok := msg.change.(*model.DeleteDept); ok && !dd.MoveMembersUp && strings.Contains(msg.err.Error(), "members") {
			if n := p.nodeByPath(dd.Path); n != nil {
				p.askDeptDelete(n, true)
				return nil
			}
		}
		return flash(p.s.ErrText(msg.err), true)
	}
	var note string
	switch c := msg.change.(type) {
	case *model.AddMember:
		note = p.s.Sprintf(t.Added, c.Address)
	case *model.SetMember:
		if c.Op() == "member.move" {
			note = p.s.Sprintf(t.Moved, c.Address, strings.Join(c.Fields.Depts, "; "))
		} else {
			note = p.s.Sprintf(t.Saved, c.Address)
		}
	case *model.DisableMember:
		note = p.s.Sprintf(t.Disabled, c.Address)
	case *model.EnableMember:
		note = p.s.Sprintf(t.Enabled, c.Address)
	case *model.WarnMember:
		note = p.s.Sprintf(t.Warned, c.Address, c.Count, c.Limit)
		if c.Blocked {
			note = p.s.Sprintf(t.WarnBlocked, c.Address, c.Count, c.Limit)
		}
	case *model.AddAlias:
		note = p.s.Sprintf(t.AliasAdded, c.Alias)
	case *model.RemoveAlias:
		note = p.s.Sprintf(t.AliasRemoved, c.Alias)
		p.aliasRow = max(0, p.aliasRow-1)
	case *model.ResetPassword:
		// Shown once, then forgotten: the change loses it too.
		p.otp, p.otpWho = c.OneTime, string(c.Address)
		if p.formMember != nil && p.formMember.Address == c.Address {
			p.otpWho = p.formMember.Name + " <" + string(c.Address) + ">"
		}
		c.OneTime = ""
		note = p.s.Sprintf(t.ResetDone, c.Address)
	case *model.GrantRole:
		note = p.s.Sprintf(t.RoleGranted, c.Role.String(), c.Address)
	case *model.AddKey:
		note = p.s.Sprintf(t.KeyAdded, c.Fingerprint)
	case *model.AddDept:
		note = p.s.Sprintf(t.DeptAdded, c.Path)
		p.selectPath = c.Path
	case *model.RenameDept:
		note = p.s.Sprintf(t.DeptRenamed, c.Name)
	case *model.MoveDept:
		note = p.s.Sprintf(t.DeptMoved, c.Path, c.Parent)
	case *model.DeleteDept:
		note = p.s.Sprintf(t.DeptDeleted, c.Path)
		p.selectPath = "/"
		if i := strings.LastIndex(c.Path, "/"); i > 0 {
			p.selectPath = c.Path[:i]
		}
	}
	if p.mode == orgForm && p.formKind == msg.tag {
		p.closeForm()
	}
	return tea.Batch(flash(note, false), p.reload())
}

// nodeByPath finds a department of the snapshot by path.
func (p *orgPane) nodeByPath(path string) *orgNode {
	if p.tree == nil {
		return nil
	}
	for _, n := range p.tree.nodes {
		if n.path == path {
			return n
		}
	}
	return nil
}
