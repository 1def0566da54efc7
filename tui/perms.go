package tui

import (
	"bytes"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// permsMine is the permission filter that keeps the permissions the
// officer's departments own (the spot-check of seed part 5 1.2).
const permsMine = "\x00mine"

// permsPane is the user and permission list (用户及权限清单, PERM-4): who
// holds which permission now and from where, computed when it is read
// (model.EffectivePerms through cmd.PermList, the list perm list prints)
// over the members the person may see. It narrows by department (with the
// departments below it), by permission and by a search of names and
// addresses; E exports what is in sight as CSV. An officer starts on the
// permissions their departments own, with direct grants and delegations
// marked for the spot-check. It changes nothing.
type permsPane struct {
	s             *Session
	width, height int

	rows  []cmd.PermRow
	mine  []bool // the row's permission is owned by one of the officer's departments
	asOf  time.Time
	depts []string // department paths, for the picker

	// The list is computed a page of members at a time (permsPage), each
	// page in a read of its own: the first rows show while the rest are
	// computed. gen tells one computation from the next; pending holds a
	// computation's rows until it is complete (the first one shows as it
	// comes).
	gen                    int
	page                   int // members a page reads (permsPage)
	pending                []cmd.PermRow
	pendingMine            []bool
	loaded, loading, dirty bool
	complete               bool
	// lapse is the first moment after asOf when a right listed ends (zero:
	// none ends): the list is computed again once the clock passes it.
	lapse, pendingLapse time.Time
	err                 string

	// The filters: a department path ("" every one), a permission (""
	// every one, permsMine the officer's), a search query and what it
	// found (nil: no search).
	dept, perm string
	query      string
	hits       map[model.Address]bool
	searchSeq  int
	search     textinput.Model
	searching  bool
	picker     *orgPicker
	// officer says the person signs for departments that own permissions:
	// the list starts on those (set once, with the first list).
	officer, chosen bool

	shown       []int // indices into rows that pass the filters
	cursor, top int
	detail      bool
	detailTop   int
	exporting   bool

	keys permsKeys
	// onScreen says the pane is in sight; stale that a change came while
	// it was not, to be read when it comes back.
	onScreen, stale bool
}

// permsKeys are the pane's own bindings, in the person's language.
type permsKeys struct {
	dept, perm, search, detail key.Binding
}

// permsPage is how many members one page of the computation reads.
const permsPage = 4000

// permsLoadedMsg carries one page of the list as computed at asOf; next is
// where the following page starts ("" after the last); the first page
// says whether the person signs for a department that owns a permission.
type permsLoadedMsg struct {
	pane    *permsPane
	gen     int
	rows    []cmd.PermRow
	mine    []bool
	officer bool
	asOf    time.Time
	next    model.Address
	err     error
}

// permsDeptsMsg carries the department paths for the picker.
type permsDeptsMsg struct {
	pane  *permsPane
	depts []string
	err   error
}

// permsFoundMsg carries the members a search found.
type permsFoundMsg struct {
	pane *permsPane
	seq  int
	hits map[model.Address]bool
	err  error
}

// permsExportedMsg reports an export.
type permsExportedMsg struct {
	pane  *permsPane
	rows  int
	where string
	err   error
}

func newPermsPane(s *Session) *permsPane {
	t := s.T.Perms
	in := newInput(t.Search, 100)
	in.Placeholder = t.SearchHint
	return &permsPane{s: s, search: in, page: permsPage, keys: permsKeys{
		dept:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", t.KeyDept)),
		perm:   key.NewBinding(key.WithKeys("f"), key.WithHelp("f", t.KeyPerm)),
		search: relabelKey(s.Keys.Filter, "", t.KeySearch),
		detail: relabelKey(s.Keys.Enter, "", t.KeyDetail),
	}}
}

// readsPerms reports whether the person may read the user and permission
// list anywhere: admins, auditors, department heads, permission officers
// and unit officers (model.RightPermRead).
func readsPerms(s *Session) bool { return s.Can(model.RightPermRead) }

func (p *permsPane) ID() string    { return "perms" }
func (p *permsPane) Title() string { return p.s.T.Perms.Nav }

// Init reads nothing: the list is computed when the pane comes in sight.
func (p *permsPane) Init() tea.Cmd { return nil }

// Shown computes the list each time the pane comes in sight: rights lapse
// by the clock with no event (a grant's or a delegation's end), so what
// was computed before may be out of date.
func (p *permsPane) Shown(on bool) tea.Cmd {
	p.onScreen = on
	if !on {
		return nil
	}
	p.stale = false
	return p.reload()
}

// Tick computes the list again when a right it lists has ended since it
// was computed (a grant's or a delegation's window), while it is on screen.
func (p *permsPane) Tick(now time.Time) tea.Cmd {
	if !p.onScreen || !p.complete || p.lapse.IsZero() || now.Before(p.lapse) {
		return nil
	}
	p.lapse = time.Time{}
	return p.reload()
}

// touchesPerms reports whether a change may change who holds what: a
// member (grants, delegations, position, roles, status), a department
// (paths, officers), the catalogue or a request (an applied one grants).
func touchesPerms(m storeChangedMsg) bool {
	for _, e := range m.events {
		switch e.Kind {
		case "member", "dept", "perm", "request":
			return true
		}
	}
	return false
}

// reload computes the list again at this moment, or marks that one more
// computation is needed once the one under way is complete.
func (p *permsPane) reload() tea.Cmd {
	if p.loading {
		p.dirty = true
		return nil
	}
	p.loading = true
	p.gen++
	p.pending, p.pendingMine, p.pendingLapse = nil, nil, time.Time{}
	return p.load(p.gen, "", p.s.Now())
}

// load computes a page of the list at now, from the member after after,
// in the background.
func (p *permsPane) load(gen int, after model.Address, now time.Time) tea.Cmd {
	st, actor, limit := p.s.Store, p.s.Actor, p.page
	return func() tea.Msg {
		msg := permsLoadedMsg{pane: p, gen: gen, asOf: now}
		msg.err = st.Read(func(r *store.Reader) error {
			var err error
			msg.rows, msg.next, err = cmd.PermListPage(r, actor, now, cmd.PermQuery{After: after, Limit: limit})
			if err != nil {
				return err
			}
			msg.mine = make([]bool, len(msg.rows))
			owned := map[model.DeptID]bool{}
			for i, x := range msg.rows {
				if x.OwnerID == 0 {
					continue
				}
				v, ok := owned[x.OwnerID]
				if !ok {
					v = signsFor(actor, x.OwnerID, r)
					owned[x.OwnerID] = v
				}
				msg.mine[i] = v
			}
			if after != "" {
				return nil
			}
			cat, err := model.Catalogue(r)
			if err != nil {
				return err
			}
			msg.officer = slices.ContainsFunc(cat, func(c model.Permission) bool { return c.Owner != 0 && signsFor(actor, c.Owner, r) })
			return nil
		})
		return msg
	}
}

// loadDepts reads the department paths the picker offers: the root and
// those the person may read the permissions of.
func (p *permsPane) loadDepts() tea.Cmd {
	st, actor := p.s.Store, p.s.Actor
	return func() tea.Msg {
		msg := permsDeptsMsg{pane: p}
		msg.err = st.Read(func(r *store.Reader) error {
			ds, err := r.Depts()
			if err != nil {
				return err
			}
			for _, d := range ds {
				if d.ID == model.RootDept || model.Can(actor, model.RightPermRead, model.Scope{d.ID}, r) {
					msg.depts = append(msg.depts, deptPathOf(d.Path))
				}
			}
			return nil
		})
		return msg
	}
}

// signsFor reports whether the actor is the permission officer (or a unit
// officer) over a department that owns a permission.
func signsFor(a model.Actor, owner model.DeptID, tree model.Ancestry) bool {
	for _, g := range a.Roles {
		if (g.Role == model.RoleOfficer || g.Role == model.RoleUnitOfficer) && (g.Scope == 0 || tree.Within(owner, g.Scope)) {
			return true
		}
	}
	return false
}

// deptPathOf is a department's path as filters write it: the root is "/".
func deptPathOf(path string) string {
	if path == "" {
		return "/"
	}
	return path
}

// find looks the query up in the members' search keys (name, pinyin,
// initials, address), in the background.
func (p *permsPane) find(q string) tea.Cmd {
	p.searchSeq++
	seq, st := p.searchSeq, p.s.Store
	return func() tea.Msg {
		msg := permsFoundMsg{pane: p, seq: seq, hits: map[model.Address]bool{}}
		msg.err = st.Read(func(r *store.Reader) error {
			ms, err := r.Search(q, 0, nil)
			for _, m := range ms {
				msg.hits[m.Address] = true
			}
			return err
		})
		return msg
	}
}

// export writes the rows in sight as CSV, as perm list --csv writes them,
// through the session's Export, in the background.
func (p *permsPane) export() tea.Cmd {
	rows := make([]cmd.PermRow, len(p.shown))
	for i, j := range p.shown {
		rows[i] = p.rows[j]
	}
	save := p.s.Export
	return func() tea.Msg {
		var b bytes.Buffer
		if err := cmd.WritePermCSV(&b, rows); err != nil {
			return permsExportedMsg{pane: p, err: err}
		}
		where, err := save("permissions.csv", b.Bytes())
		return permsExportedMsg{pane: p, rows: len(rows), where: where, err: err}
	}
}

func (p *permsPane) SetSize(w, h int) {
	p.width, p.height = w, h
	p.search.SetWidth(max(8, w-lipgloss.Width(p.search.Prompt)-2))
	if p.picker != nil {
		p.picker.SetSize(w, h)
	}
	p.clamp()
}

func (p *permsPane) Capturing() bool { return p.searching || p.picker != nil }

func (p *permsPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case permsLoadedMsg:
		return p, p.loadedPage(msg)
	case permsDeptsMsg:
		if msg.pane != p {
			return p, nil
		}
		if msg.err != nil {
			return p, flash(p.s.ErrText(msg.err), true)
		}
		p.depts = msg.depts
		p.openPicker()
		return p, nil
	case permsFoundMsg:
		if msg.pane != p || msg.seq != p.searchSeq {
			return p, nil
		}
		if msg.err != nil {
			return p, flash(p.s.ErrText(msg.err), true)
		}
		p.hits = msg.hits
		p.cursor, p.top = 0, 0
		p.refilter()
		return p, nil
	case permsExportedMsg:
		if msg.pane != p {
			return p, nil
		}
		p.exporting = false
		if msg.err != nil {
			return p, flash(p.s.ErrText(msg.err), true)
		}
		return p, flash(p.s.Sprintf(p.s.T.Perms.Exported, msg.rows, msg.where), false)
	case storeChangedMsg:
		switch {
		case !touchesPerms(msg):
			return p, nil
		case !p.onScreen:
			p.stale = true
			return p, nil
		}
		return p, p.reload()
	case tea.KeyPressMsg:
		switch {
		case p.picker != nil:
			return p.pickKey(msg)
		case p.searching:
			return p.searchKey(msg)
		case p.detail:
			return p.detailKey(msg)
		}
		return p.listKey(msg)
	case tea.PasteMsg:
		if p.searching {
			return p.searchKey(msg)
		}
		if p.picker != nil {
			return p.pickKey(msg)
		}
	}
	return p, nil
}

// loadedPage takes a page of the computation: the first computation
// shows as it comes; later ones replace the list when complete. Each page
// asks for the next.
func (p *permsPane) loadedPage(msg permsLoadedMsg) tea.Cmd {
	if msg.pane != p || msg.gen != p.gen {
		return nil
	}
	if msg.err != nil {
		p.loading, p.dirty = false, false
		p.err = p.s.ErrText(msg.err)
		return nil
	}
	p.pending = append(p.pending, msg.rows...)
	for _, x := range msg.rows {
		if x.Until != nil && x.Until.After(msg.asOf) && (p.pendingLapse.IsZero() || x.Until.Before(p.pendingLapse)) {
			p.pendingLapse = *x.Until
		}
	}
	p.pendingMine = append(p.pendingMine, msg.mine...)
	if !p.chosen {
		p.chosen = true
		if msg.officer {
			p.officer, p.perm = true, permsMine
		}
	}
	done := msg.next == ""
	if done || !p.loaded {
		p.install(msg.asOf, done)
	}
	if !done {
		return p.load(p.gen, msg.next, msg.asOf)
	}
	p.loading = false
	if p.dirty {
		p.dirty = false
		return p.reload()
	}
	return nil
}

// install shows the computation's rows, the cursor kept on the row it was
// on.
func (p *permsPane) install(asOf time.Time, done bool) {
	var sel *cmd.PermRow
	if p.cursor < len(p.shown) {
		x := p.rows[p.shown[p.cursor]]
		sel = &x
	}
	p.rows, p.mine, p.asOf, p.err = p.pending, p.pendingMine, asOf, ""
	p.depts = nil // read again when the picker opens: departments may have changed
	p.loaded, p.complete = true, done
	if done {
		p.lapse = p.pendingLapse
	}
	p.refilter()
	if sel != nil {
		for i, j := range p.shown {
			if x := p.rows[j]; x.Address == sel.Address && x.Perm == sel.Perm && x.Source == sel.Source && x.Lender == sel.Lender {
				p.top += i - p.cursor
				p.cursor = i
				break
			}
		}
	}
	p.clamp()
}

func (p *permsPane) listKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	n := len(p.shown)
	page := max(1, p.listRows())
	switch {
	case key.Matches(msg, k.Refresh):
		return p, p.reload()
	case key.Matches(msg, p.keys.search):
		p.searching = true
		p.search.SetValue(p.query)
		p.search.CursorEnd()
		return p, p.search.Focus()
	case key.Matches(msg, p.keys.dept) && p.loaded:
		if p.depts == nil {
			return p, p.loadDepts()
		}
		p.openPicker()
		return p, nil
	case key.Matches(msg, p.keys.perm) && p.loaded:
		p.perm = p.nextPerm()
		p.cursor, p.top = 0, 0
		p.refilter()
		return p, nil
	case key.Matches(msg, k.Export) && p.loaded:
		if p.s.Export == nil {
			return p, flash(p.s.T.Perms.NoExport, true)
		}
		if !p.complete {
			return p, flash(p.s.T.Perms.ExportWait, true)
		}
		if p.exporting {
			return p, nil
		}
		p.exporting = true
		return p, tea.Sequence(flash(p.s.T.Perms.Exporting, false), p.export())
	case key.Matches(msg, k.Back) && p.filtered():
		p.dept, p.perm, p.query, p.hits = "", "", "", nil
		p.searchSeq++
		p.cursor, p.top = 0, 0
		p.refilter()
		return p, nil
	case key.Matches(msg, p.keys.detail) && n > 0:
		p.detail, p.detailTop = true, 0
		return p, nil
	case cursorKey(k, msg, &p.cursor, &p.top, n, page):
	}
	p.clamp()
	return p, nil
}

// openPicker opens the department picker over the paths read.
func (p *permsPane) openPicker() {
	p.picker = newOrgPicker(p.s, p.s.T.Perms.PickDept, p.depts, "")
	p.picker.SetSize(p.width, p.height)
	p.picker.Focus()
}

// filtered reports whether any filter narrows the list.
func (p *permsPane) filtered() bool { return p.dept != "" || p.perm != "" || p.query != "" }

// nextPerm is the permission filter after the current one: the officer's
// own, every permission, then each permission listed, by name.
func (p *permsPane) nextPerm() string {
	var order []string
	if p.officer {
		order = append(order, permsMine)
	}
	order = append(order, "")
	var names []string
	for _, x := range p.rows {
		if !slices.Contains(names, x.Perm) {
			names = append(names, x.Perm)
		}
	}
	slices.Sort(names)
	order = append(order, names...)
	i := slices.Index(order, p.perm)
	return order[(i+1)%len(order)]
}

func (p *permsPane) searchKey(msg tea.Msg) (Pane, tea.Cmd) {
	k := p.s.Keys
	if kp, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(kp, k.Back):
			p.searching = false
			p.search.Blur()
			return p, nil
		case key.Matches(kp, k.Enter):
			p.searching = false
			p.search.Blur()
			return p, nil
		}
	}
	var c tea.Cmd
	p.search, c = p.search.Update(msg)
	q := strings.TrimSpace(p.search.Value())
	if q == p.query {
		return p, c
	}
	p.query = q
	p.cursor, p.top = 0, 0
	if q == "" {
		p.hits = nil
		p.searchSeq++
		p.refilter()
		return p, c
	}
	return p, tea.Batch(c, p.find(q))
}

func (p *permsPane) pickKey(msg tea.Msg) (Pane, tea.Cmd) {
	res, path, c := p.picker.Update(msg)
	switch res {
	case orgPickChosen:
		p.picker = nil
		p.dept = path
		if path == "/" {
			p.dept = ""
		}
		p.cursor, p.top = 0, 0
		p.refilter()
		return p, nil
	case orgPickCancelled:
		p.picker = nil
		return p, nil
	}
	return p, c
}

func (p *permsPane) detailKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	lines := len(p.detailLines())
	rows := max(1, p.height-3)
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Enter):
		p.detail = false
		return p, nil
	case key.Matches(msg, k.Refresh):
		return p, p.reload()
	}
	if top, ok := scrollKey(k, msg, p.detailTop, lines, rows); ok {
		p.detailTop = top
	}
	p.detailTop = clampTop(p.detailTop, lines, rows)
	return p, nil
}

// refilter picks the rows that pass the filters.
func (p *permsPane) refilter() {
	p.shown = p.shown[:0]
	for i, x := range p.rows {
		if p.keeps(i, x) {
			p.shown = append(p.shown, i)
		}
	}
	if len(p.shown) == 0 {
		p.detail = false
	}
	p.clamp()
}

// keeps reports whether a row passes the filters.
func (p *permsPane) keeps(i int, x cmd.PermRow) bool {
	switch p.perm {
	case "":
	case permsMine:
		if !p.mine[i] {
			return false
		}
	default:
		if x.Perm != p.perm {
			return false
		}
	}
	if p.dept != "" && !slices.ContainsFunc(x.Departments, func(d string) bool {
		return d == p.dept || strings.HasPrefix(d, p.dept+"/")
	}) {
		return false
	}
	if p.query != "" {
		if p.hits != nil && p.hits[x.Address] {
			return true
		}
		q := model.NormalizeQuery(p.query)
		return strings.Contains(strings.ToLower(string(x.Address)), q) || strings.Contains(model.NormalizeQuery(x.Name), q)
	}
	return true
}

// spot reports whether a row is one the officer spot-checks: a direct
// grant or a delegation.
func spot(x cmd.PermRow) bool {
	return x.Source == model.SourceDirect || x.Source == model.SourceDelegation
}

func (p *permsPane) clamp() {
	p.cursor, p.top = inSight(p.cursor, p.top, len(p.shown), max(1, p.listRows()))
}

// listRows is how many rows fit under the title, the filter line, the
// table header and the footer.
func (p *permsPane) listRows() int { return p.height - 4 }

func (p *permsPane) narrow() bool { return p.width < 100 }

// source says where a row's permission comes from, in the person's words.
func (p *permsPane) source(x cmd.PermRow) string {
	t := p.s.T.Perms
	var s string
	switch x.Source {
	case model.SourcePosition:
		s = p.s.Sprintf(t.Position, x.Detail)
	case model.SourceRole:
		s = p.s.Sprintf(t.Role, roleNameOf(p.s, x.Detail))
	case model.SourceDelegation:
		s = p.s.Sprintf(t.Delegation, x.Lender)
	default:
		s = t.Direct
	}
	if x.Request != 0 {
		s += " · " + p.s.Sprintf(t.Request, x.Request)
	}
	return s
}

// roleNameOf is a role, as model spells it, in the person's language.
func roleNameOf(s *Session, name string) string {
	r, err := model.ParseRole(name)
	if err != nil {
		return name
	}
	return roleName(s, r)
}

// until is a row's end, or that it has none.
func (p *permsPane) until(x cmd.PermRow) string {
	if x.Until == nil {
		return p.s.T.Perms.NoEnd
	}
	return x.Until.Local().Format("2006-01-02 15:04")
}

func (p *permsPane) columns() (heads []string, mins, soft []int) {
	t := p.s.T.Perms
	if p.narrow() {
		return []string{t.ColName, t.ColPerm, t.ColSource, t.ColUntil}, []int{6, 8, 10, 16}, []int{14, 16, 30, 0}
	}
	return []string{t.ColAddress, t.ColName, t.ColDept, t.ColPerm, t.ColSource, t.ColUntil, t.ColOwner},
		[]int{12, 6, 8, 8, 12, 16, 6}, []int{30, 12, 26, 24, 44, 16, 0}
}

// cells are one row's cells.
func (p *permsPane) cells(x cmd.PermRow) []string {
	name := x.Name
	if name == "" {
		name = string(x.Address)
	}
	if p.narrow() {
		return logCleanAll(name, permName(p.s, x.Perm), p.source(x), p.until(x))
	}
	owner := x.Owner
	if owner == "" {
		owner = "-"
	}
	return logCleanAll(string(x.Address), name, strings.Join(x.Departments, "; "), permName(p.s, x.Perm), p.source(x), p.until(x), owner)
}

func (p *permsPane) View() string {
	st := p.s.Styles
	t := p.s.T.Perms
	if p.picker != nil {
		return p.picker.View()
	}
	if p.detail && len(p.shown) > 0 {
		x := p.rows[p.shown[p.cursor]]
		name := x.Name
		if name == "" {
			name = string(x.Address)
		}
		return scrollView(p.s, p.s.Sprintf(t.Title, name, permName(p.s, x.Perm)), p.detailLines(), p.detailTop, p.width, p.height, nil)
	}
	out := []string{st.Title.Render(ellipsize(st, p.Title(), p.width))}
	if p.loaded {
		out[0] = ellipsize(st, st.Title.Render(p.Title())+"  "+st.Subtle.Render(p.s.Sprintf(t.AsOf, p.asOf.Local().Format("2006-01-02 15:04:05"))), p.width)
	}
	out = append(out, p.filterLine())
	switch {
	case p.err != "":
		out = append(out, wrapStyled(st.Error, p.err, max(10, p.width-1))...)
	case !p.loaded:
		out = append(out, st.Subtle.Render(p.s.T.Common.Loading))
	case len(p.rows) == 0 && !p.complete:
		out = append(out, st.Subtle.Render(t.Computing))
	case len(p.rows) == 0:
		out = append(out, wrapStyled(st.Subtle, t.Empty, max(10, p.width-1))...)
	case len(p.shown) == 0:
		out = append(out, wrapStyled(st.Subtle, t.EmptyFiltered, max(10, p.width-1))...)
	default:
		out = append(out, p.table()...)
	}
	return strings.Join(out, "\n")
}

// filterLine says what the list is narrowed to; while searching it is
// the search field.
func (p *permsPane) filterLine() string {
	st := p.s.Styles
	t := p.s.T.Perms
	if p.searching {
		return st.Cursor.Render("> ") + p.search.View()
	}
	dept := t.AllDepts
	if p.dept != "" {
		dept = p.dept
	}
	perm := t.AllPerms
	switch p.perm {
	case "":
	case permsMine:
		perm = t.Mine
	default:
		perm = permName(p.s, p.perm)
	}
	parts := []string{p.s.Sprintf(t.FilterDept, dept), p.s.Sprintf(t.FilterPerm, perm)}
	if p.query != "" {
		parts = append(parts, p.s.Sprintf(t.FilterSearch, p.query))
	}
	return st.Subtle.Render(ellipsize(st, strings.Join(parts, "  "), p.width))
}

func (p *permsPane) table() []string {
	st := p.s.Styles
	sep := 2
	if p.narrow() {
		sep = 1
	}
	gap := strings.Repeat(" ", sep)
	heads, mins, soft := p.columns()
	rows := max(1, p.listRows())
	end := min(len(p.shown), p.top+rows)
	cells := make([][]string, 0, end-p.top)
	for i := p.top; i < end; i++ {
		cells = append(cells, p.cells(p.rows[p.shown[i]]))
	}
	// Two cells for the cursor, one for the spot-check mark.
	widths := fitColumns(p.width-3, sep, heads, mins, soft, widest(heads, cells))
	out := []string{"   " + st.TableHead.Render(strings.TrimRight(tableRow(st, heads, widths, gap), " "))}
	for j, c := range cells {
		i := p.top + j
		x := p.rows[p.shown[i]]
		mark := "  "
		if i == p.cursor {
			mark = st.Bullet + " "
		}
		flag := " "
		if spot(x) {
			flag = "*"
		}
		line := ellipsize(st, mark+flag+tableRow(st, c, widths, gap), p.width)
		switch {
		case i == p.cursor:
			line = st.Selected.Render(padRight(line, p.width))
		case spot(x) && p.perm == permsMine:
			line = st.Warn.Render(line)
		}
		out = append(out, line)
	}
	foot := p.s.Sprintf(p.s.T.Perms.Rows, p.top+1, end, len(p.shown)) + "  " + p.s.T.Perms.Legend
	if !p.complete {
		foot = p.s.Sprintf(p.s.T.Perms.Rows, p.top+1, end, len(p.shown)) + "  " + p.s.T.Perms.Computing
	}
	return append(out, st.Subtle.Render(ellipsize(st, foot, p.width)))
}

// detailLines are the row under the cursor in full.
func (p *permsPane) detailLines() []string {
	st := p.s.Styles
	t := p.s.T.Perms
	if len(p.shown) == 0 {
		return nil
	}
	x := p.rows[p.shown[p.cursor]]
	w := max(20, p.width)
	var out []string
	field := func(label, value string) {
		out = append(out, wrapText(label+"："+value, w-1)...)
	}
	if !p.s.Chinese() {
		field = func(label, value string) { out = append(out, wrapText(label+": "+value, w-1)...) }
	}
	name := x.Name
	if name != "" {
		name += " "
	}
	field(t.Member, name+"<"+string(x.Address)+">")
	field(t.Depts, strings.Join(x.Departments, "; "))
	field(t.Perm, permName(p.s, x.Perm)+" ("+x.Perm+")")
	field(t.Source, p.source(x))
	if x.Source == model.SourceDelegation && x.LenderSource != "" {
		field(t.LenderHolds, p.source(cmd.PermRow{Source: x.LenderSource, Detail: x.Detail}))
	}
	if x.By != "" {
		field(t.By, string(x.By))
	}
	if x.From != nil {
		field(t.From, x.From.Local().Format("2006-01-02 15:04"))
	}
	field(t.Until, p.until(x))
	owner := x.Owner
	if owner == "" {
		owner = t.NoOwner
	}
	field(t.Owner, owner)
	if spot(x) {
		out = append(out, "")
		out = append(out, wrapStyled(st.Warn, t.SpotCheck, w-1)...)
	}
	return out
}

// Cursor is where the search field's or the picker's cursor stands.
func (p *permsPane) Cursor() *tea.Cursor {
	switch {
	case p.picker != nil:
		return p.picker.Cursor()
	case p.searching:
		c := orgInputCursor(p.search)
		if c == nil {
			return nil
		}
		c.X += lipgloss.Width("> ")
		c.Y++
		return c
	}
	return nil
}

func (p *permsPane) ShortHelp() []key.Binding {
	k := p.s.Keys
	switch {
	case p.picker != nil:
		return []key.Binding{k.Enter, k.Back}
	case p.searching:
		return []key.Binding{k.Enter, k.Back}
	case p.detail:
		return []key.Binding{k.Back, k.Down, k.Up}
	case !p.loaded:
		return []key.Binding{k.Refresh}
	}
	keys := []key.Binding{p.keys.dept, p.keys.perm, p.keys.search}
	if len(p.shown) > 0 {
		keys = append(keys, p.keys.detail)
	}
	if p.s.Export != nil && p.complete {
		keys = append(keys, k.Export)
	}
	return keys
}

func (p *permsPane) FullHelp() [][]key.Binding {
	k := p.s.Keys
	more := []key.Binding{k.Down, k.Up, k.PageDown, k.PageUp, k.Top, k.Bottom, k.Refresh}
	if p.filtered() {
		more = append(more, relabelKey(k.Back, "", p.s.T.Perms.KeyClear))
	}
	return [][]key.Binding{p.ShortHelp(), more}
}
