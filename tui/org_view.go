package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"postroom/model"
)

// The Org pane's drawing, its cursor and its key help.

// titleText is the pane's first line: its name, what is open, and the
// read-only marker.
func (p *orgPane) titleText(open ...string) string {
	t := strings.Join(append([]string{p.s.T.Org.Title}, open...), " / ")
	if p.readOnly() {
		t += " [" + p.s.T.Common.ReadOnly + "]"
	}
	return t
}

// View draws the pane.
func (p *orgPane) View() string {
	var v string
	switch {
	case p.otp != "":
		return p.otpView()
	case p.mode == orgForm && p.form != nil:
		v = p.form.View()
		if p.busy {
			v += "\n\n" + p.s.Styles.Subtle.Render(p.s.T.Common.Loading)
		}
	case p.mode == orgPick && p.picker != nil:
		v = p.picker.View()
	case p.mode == orgDetail && p.detail != nil:
		v = p.detailView()
	case p.mode == orgAliases && p.detail != nil:
		v = p.aliasView()
	default:
		v = p.browseView()
	}
	if p.confirm != nil {
		lines := strings.Split(v, "\n")
		keep := max(0, p.height-2)
		if len(lines) > keep {
			lines = lines[:keep]
		}
		for len(lines) < keep {
			lines = append(lines, "")
		}
		lines = append(lines, "", p.s.Styles.Warn.Render(truncate(p.confirm.text, p.width)))
		v = strings.Join(lines, "\n")
	}
	return v
}

// treeWidth is the width of the tree beside the table.
func (p *orgPane) treeWidth() int {
	return max(16, min(36, max(22, p.width*3/10), p.width/2))
}

// browseView is the tree beside the table, the filter above, a status
// line below.
func (p *orgPane) browseView() string {
	st := p.s.Styles
	t := p.s.T.Org
	title := st.Title.Render(p.titleText())
	if p.filtering || p.query != "" {
		title += "  " + st.Label.Render("/ "+t.Filter) + p.filter.View()
	}
	out := []string{truncate(title, p.width)}
	if p.err != "" && p.tree == nil {
		return strings.Join(append(out, st.Error.Render(p.err)), "\n")
	}
	if p.tree == nil {
		return strings.Join(append(out, st.Subtle.Render(p.s.T.Common.Loading)), "\n")
	}
	tw := p.treeWidth()
	sep := " " + st.Subtle.Render(st.Border.Left) + " "
	tabW := max(10, p.width-tw-3)
	body := max(2, p.height-2)
	left := append([]string{st.TableHead.Render(padRight(truncate(t.Depts, tw), tw))},
		p.view.render(p.s, p.tree, tw, body-1, p.focus == orgFocusTree && !p.filtering)...)
	right := p.renderTable(tabW, body, p.focus == orgFocusTable || p.filtering)
	for i := 0; i < body; i++ {
		l, r := strings.Repeat(" ", tw), ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		out = append(out, l+sep+r)
	}
	out = append(out, p.statusLine())
	return strings.Join(out, "\n")
}

// statusLine says what the table shows.
func (p *orgPane) statusLine() string {
	st := p.s.Styles
	t := p.s.T.Org
	var line string
	switch {
	case p.err != "":
		return st.Error.Render(truncate(p.err, p.width))
	case p.query != "" && p.searching:
		line = t.Searching
	case p.query != "":
		line = p.s.Sprintf(t.Found, len(p.found))
		if len(p.found) >= orgSearchLimit {
			line += p.s.Sprintf(t.FoundMore, orgSearchLimit)
		}
	default:
		n, ok := p.tree.nodes[p.pageDept]
		if !ok {
			return ""
		}
		name := n.path
		if n.id == model.RootDept {
			name = n.name
		}
		line = p.s.Sprintf(plural(n.total, t.DeptCountOne, t.DeptCount), name, n.total)
		if p.pageMore {
			line += p.s.Sprintf(t.FirstRows, orgPageLimit)
		}
	}
	return st.Subtle.Render(truncate(line, p.width))
}

// detailLines are the detail view's lines below the title.
func (p *orgPane) detailLines() []string {
	f := p.s.T.Fields
	d := p.detail
	m := d.m
	none := p.s.T.Common.None
	or := func(s string) string {
		if s == "" {
			return none
		}
		return s
	}
	status := statusText(p.s, m.Status)
	if m.Reason != "" {
		status += p.s.Sprintf(p.s.T.Org.Because, m.Reason)
	}
	gender := ""
	switch m.Gender {
	case "male":
		gender = f.Male
	case "female":
		gender = f.Female
	}
	aliases := make([]string, len(m.Aliases))
	for i, a := range m.Aliases {
		aliases[i] = string(a)
	}
	rows := [][2]string{
		{f.Address, string(m.Address)},
		{f.Name, m.Name},
		{f.Departments, or(strings.Join(d.depts, "; "))},
		{f.Title, or(m.Title)},
		{f.Position, p.positionText(m.Position)},
		{f.EmployeeID, or(m.EmployeeID)},
		{f.Mobile, or(m.Mobile)},
		{f.Phone, or(m.Phone)},
		{f.Gender, or(gender)},
		{f.Birthday, or(m.Birthday)},
		{f.Status, status},
	}
	rows = append(rows, p.warningRows(d)...)
	rows = append(rows,
		[2]string{f.Aliases, or(strings.Join(aliases, ", "))},
		[2]string{f.Roles, or(strings.Join(d.roles, "; "))},
	)
	if len(m.Keys) == 0 {
		rows = append(rows, [2]string{f.Keys, none})
	}
	for i, k := range m.Keys {
		label := ""
		if i == 0 {
			label = f.Keys
		}
		line := k.Fingerprint
		if c := keyComment(k.Line); c != "" {
			line += "  " + c
		}
		rows = append(rows, [2]string{label, line})
	}
	rows = append(rows, [2]string{f.Password, p.passwordText(m)}, [2]string{f.Created, m.Created.Local().Format("2006-01-02 15:04")})
	out := labelled(p.s, rows)
	for i := range out {
		out[i] = truncate(out[i], p.width)
	}
	return out
}

// warningRows are a member's warnings (ACC-7): how many count against the
// limit, then each with when, who and why; none when there are none.
func (p *orgPane) warningRows(d *orgMember) [][2]string {
	m := d.m
	if len(m.Warnings) == 0 {
		return nil
	}
	t := p.s.T.Org
	limit := d.limit
	if limit == 0 {
		limit = model.DefaultWarnLimit
	}
	count := p.s.Sprintf(t.WarnCount, m.ActiveWarnings(), limit)
	if m.WarnBlocked() {
		count = p.s.Sprintf(t.WarnCountBlock, m.ActiveWarnings(), limit)
	}
	rows := [][2]string{{t.Warnings, count}}
	for _, w := range m.Warnings {
		line := w.Time.Local().Format("2006-01-02 15:04") + "  " + string(w.By) + "  " + w.Reason
		if !w.Cleared.IsZero() {
			line += t.WarnCleared
		}
		rows = append(rows, [2]string{"", line})
	}
	return rows
}

// positionText names a position class in the person's language.
func (p *orgPane) positionText(pos model.Position) string {
	if p.s.T.Lang == "zh-CN" && pos.ZH() != "" {
		return pos.ZH()
	}
	return string(pos)
}

// passwordText is a member's password state: set or not, when changed,
// whether it must change, failed attempts.
func (p *orgPane) passwordText(m *model.Member) string {
	f := p.s.T.Fields
	if m.Password.Hash == "" {
		return f.NoPassword
	}
	parts := []string{f.PasswordSet}
	if !m.Password.Changed.IsZero() {
		parts = append(parts, p.s.Sprintf(p.s.T.Org.ChangedOn, m.Password.Changed.Local().Format("2006-01-02")))
	}
	if m.Password.MustChange {
		parts = append(parts, f.MustChange)
	}
	if m.Password.Failures > 0 {
		parts = append(parts, p.s.Sprintf(plural(m.Password.Failures, p.s.T.Org.FailuresOne, p.s.T.Org.Failures), m.Password.Failures))
	}
	return strings.Join(parts, p.s.T.Org.ListSep)
}

// detailOverflow is how many lines the detail has beyond the pane.
func (p *orgPane) detailOverflow() int {
	if p.detail == nil {
		return 0
	}
	return max(0, len(p.detailLines())-(p.height-2))
}

// detailView is one member, every field, scrolled when taller than the pane.
func (p *orgPane) detailView() string {
	st := p.s.Styles
	out := []string{truncate(st.Title.Render(p.titleText(p.detail.m.Name)), p.width), ""}
	lines := p.detailLines()
	top := min(p.detailTop, p.detailOverflow())
	lines = lines[top:]
	return strings.Join(append(out, lines...), "\n")
}

// aliasView lists a member's aliases with a cursor.
func (p *orgPane) aliasView() string {
	st := p.s.Styles
	m := p.detail.m
	out := []string{truncate(st.Title.Render(p.s.Sprintf(p.s.T.Org.AliasesOf, m.Name)), p.width), ""}
	if len(m.Aliases) == 0 {
		out = append(out, "  "+st.Subtle.Render(p.s.T.Common.None))
	}
	for i, a := range m.Aliases {
		line := "  " + string(a)
		if i == p.aliasRow {
			line = st.Selected.Render(st.Bullet + " " + string(a))
		}
		out = append(out, truncate(line, p.width))
	}
	if len(m.Aliases) >= model.MaxAliases {
		out = append(out, "", st.Subtle.Render(p.s.Sprintf(p.s.T.Org.AliasLimit, model.MaxAliases)))
	}
	return strings.Join(out, "\n")
}

// otpView shows a one-time password in a box until the next key.
func (p *orgPane) otpView() string {
	st := p.s.Styles
	t := p.s.T.Org
	box := st.FocusBox.Render(st.Secret.Render(p.otp))
	out := []string{st.Title.Render(p.titleText()), "", st.Label.Render(truncate(p.s.Sprintf(t.OneTime, p.otpWho), p.width)), box,
		lipgloss.NewStyle().Width(max(10, p.width-1)).Render(t.OneTimeNote), "", st.Subtle.Render(t.AnyKey)}
	return strings.Join(out, "\n")
}

// Cursor puts the terminal's cursor in the field that has the keys.
func (p *orgPane) Cursor() *tea.Cursor {
	if p.otp != "" || p.confirm != nil {
		return nil
	}
	var c *tea.Cursor
	switch {
	case p.mode == orgForm && p.form != nil:
		c = p.form.Cursor()
		if c != nil && len(p.form.fields) > 0 {
			// The form counts characters; Chinese ones are two cells wide.
			if ic := orgInputCursor(p.form.fields[p.form.focus].input); ic != nil {
				c.X = p.form.labelWidth() + ic.X
			}
		}
	case p.mode == orgPick && p.picker != nil:
		c = p.picker.Cursor()
	case p.mode == orgBrowse && p.filtering:
		c = orgInputCursor(p.filter)
		if c != nil {
			c.X += lipgloss.Width(p.titleText() + "  / " + p.s.T.Org.Filter)
		}
	}
	return c
}

// orgInputCursor is where a focused text input's cursor stands, counting
// cells, not characters: a Chinese character is two cells wide, and an
// input method's candidate window must open beside it. (An input scrolled
// sideways puts the cursor at its right edge.)
func orgInputCursor(in textinput.Model) *tea.Cursor {
	c := in.Cursor()
	if c == nil {
		return nil
	}
	v := []rune(in.Value())
	pos := max(0, min(in.Position(), len(v)))
	c.X = min(lipgloss.Width(string(v[:pos])), max(0, in.Width()))
	return c
}

// orgHelpAs is a session binding with a description for this place.
func orgHelpAs(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// orgArrowOnly is a binding shown as its arrow alone, where the letter types.
func orgArrowOnly(b key.Binding, arrow string) key.Binding {
	b.SetKeys(arrow)
	b.SetHelp(map[string]string{"up": "↑", "down": "↓"}[arrow], b.Help().Desc)
	return b
}

// memberKeys lists the actions that work on a member now.
func (p *orgPane) memberKeys(m *model.Member) []key.Binding {
	k := p.s.Keys
	if m == nil {
		return nil
	}
	var out []key.Binding
	if p.canManage(m) {
		out = append(out, k.Edit, k.Move)
		switch {
		case m.WarnBlocked():
		case m.Status == model.StatusDisabled:
			out = append(out, k.Enable)
		case m.Status == model.StatusReclaimed:
		default:
			out = append(out, k.Disable)
		}
	}
	if p.canReset(m) {
		out = append(out, k.Reset)
	}
	if p.canManage(m) {
		out = append(out, k.Alias)
	}
	if p.canGrant() {
		out = append(out, k.Role)
	}
	if p.canManage(m) || m.Address == p.s.Actor.Address {
		out = append(out, k.SSHKey)
	}
	if p.canWarn(m) {
		out = append(out, k.Warn)
	}
	return out
}

// deptKeys lists the actions that work on the selected department now.
func (p *orgPane) deptKeys() []key.Binding {
	k := p.s.Keys
	t := p.s.T.Org
	if p.tree == nil {
		return nil
	}
	n := p.tree.nodes[p.view.selected()]
	if n == nil {
		return nil
	}
	var out []key.Binding
	if p.canDept(n.id) {
		out = append(out, orgHelpAs(k.New, t.NewDeptKey))
	}
	if p.canDeptEdit(n) {
		out = append(out, k.Rename, k.Move)
	}
	if p.canDeptDelete(n) {
		out = append(out, k.Delete)
	}
	return out
}

// ShortHelp lists the keys that work now.
func (p *orgPane) ShortHelp() []key.Binding {
	k := p.s.Keys
	t := p.s.T.Org
	switch {
	case p.otp != "" || p.confirm != nil:
		return nil
	case p.mode == orgForm && p.form != nil:
		return p.form.ShortHelp()
	case p.mode == orgPick:
		return []key.Binding{orgArrowOnly(k.Up, "up"), orgArrowOnly(k.Down, "down"), k.Enter, k.Back}
	case p.mode == orgDetail && p.detail != nil:
		out := []key.Binding{k.Back}
		if p.detailOverflow() > 0 {
			out = append(out, k.Up, k.Down)
		}
		return append(out, p.memberKeys(p.detail.m)...)
	case p.mode == orgAliases && p.detail != nil:
		out := []key.Binding{k.Back}
		m := p.detail.m
		if len(m.Aliases) > 1 {
			out = append(out, k.Up, k.Down)
		}
		if p.canManage(m) {
			if len(m.Aliases) < model.MaxAliases {
				out = append(out, orgHelpAs(k.New, t.NewAliasKey))
			}
			if len(m.Aliases) > 0 {
				out = append(out, k.Delete)
			}
		}
		return out
	case p.filtering:
		return []key.Binding{orgHelpAs(k.Enter, t.ToTable), orgHelpAs(k.Back, t.ClearFilter), orgArrowOnly(k.Up, "up"), orgArrowOnly(k.Down, "down")}
	case p.focus == orgFocusTree:
		out := []key.Binding{orgHelpAs(k.Tab, t.FocusKey), k.Up, k.Down, k.Right, k.Left, k.Filter}
		return append(out, p.deptKeys()...)
	}
	out := []key.Binding{orgHelpAs(k.Tab, t.FocusKey), k.Up, k.Down}
	if p.current() != nil {
		out = append(out, k.Enter)
	}
	out = append(out, k.Filter)
	if p.query != "" {
		out = append(out, orgHelpAs(k.Back, t.ClearFilter))
	}
	if p.canNewMember() {
		out = append(out, orgHelpAs(k.New, t.NewMemberKey))
	}
	return append(out, p.memberKeys(p.current())...)
}

// FullHelp lists the keys that work now, navigation apart from actions.
func (p *orgPane) FullHelp() [][]key.Binding {
	short := p.ShortHelp()
	var nav, act []key.Binding
	for _, b := range short {
		switch b.Help().Key {
		case p.s.Keys.New.Help().Key, p.s.Keys.Edit.Help().Key, p.s.Keys.Move.Help().Key, p.s.Keys.Rename.Help().Key,
			p.s.Keys.Delete.Help().Key, p.s.Keys.Disable.Help().Key, p.s.Keys.Enable.Help().Key, p.s.Keys.Reset.Help().Key,
			p.s.Keys.Alias.Help().Key, p.s.Keys.Role.Help().Key, p.s.Keys.SSHKey.Help().Key, p.s.Keys.Warn.Help().Key:
			act = append(act, b)
		default:
			nav = append(nav, b)
		}
	}
	if p.mode == orgBrowse && !p.filtering && p.otp == "" && p.confirm == nil {
		k := p.s.Keys
		nav = append(nav, k.PageUp, k.PageDown, k.Top, k.Bottom)
		if p.focus == orgFocusTree {
			nav = append(nav, k.Toggle)
		}
		nav = append(nav, k.Refresh)
	}
	if len(act) == 0 {
		return [][]key.Binding{nav}
	}
	return [][]key.Binding{nav, act}
}
