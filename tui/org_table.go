package tui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"postroom/model"
)

// orgColumn is one column of the member table.
type orgColumn struct {
	title string
	min   int // cells
	cell  func(m *model.Member) string
	path  bool // a department path: cut from the left
}

// columns picks the member table's columns for a width. The steps below
// run in order, each taken as far as the cells left allow: a column joins
// at its minimum width only when that fits; a column grows up to a width.
// So the name, address, status and title come first, the address gets
// room before the department, employee id and mobile join, and what is
// left widens the longest texts. Columns are drawn in a fixed order.
func (p *orgPane) columns(width int) ([]orgColumn, []int) {
	f := p.s.T.Fields
	t := p.s.T.Org
	const (
		cAddr = iota
		cName
		cDept
		cTitle
		cStatus
		cEmpID
		cMobile
	)
	all := []orgColumn{
		cAddr:   {f.Address, 14, func(m *model.Member) string { return string(m.Address) }, false},
		cName:   {f.Name, 6, func(m *model.Member) string { return m.Name }, false},
		cDept:   {t.Dept, 10, p.deptCell, true},
		cTitle:  {f.Title, 8, func(m *model.Member) string { return m.Title }, false},
		cStatus: {f.Status, 4, func(m *model.Member) string { return statusText(p.s, m.Status) }, false},
		cEmpID:  {t.EmpID, 6, func(m *model.Member) string { return m.EmployeeID }, false},
		cMobile: {f.Mobile, 11, func(m *model.Member) string { return m.Mobile }, false},
	}
	for i := range all {
		all[i].min = max(all[i].min, lipgloss.Width(all[i].title))
	}
	type step struct {
		col  int
		grow int // 0: join at the minimum; else grow up to this width
	}
	steps := []step{
		{cName, 0}, {cAddr, 0}, {cStatus, 0}, {cTitle, 0}, {cAddr, 22}, {cTitle, 10},
		{cDept, 0}, {cEmpID, 0}, {cMobile, 0},
		{cAddr, 26}, {cTitle, 14}, {cDept, 18}, {cName, 8}, {cStatus, 9}, {cTitle, 18}, {cAddr, 30}, {cDept, 30}, {cName, 10}, {cEmpID, 10},
	}
	widths := make([]int, len(all))
	avail := width - 2 // the cursor mark and a space
	joined := 0
	for _, st := range steps {
		c := st.col
		switch {
		case st.grow == 0 && widths[c] == 0:
			need := all[c].min
			if joined > 0 {
				need++ // the gap before it
			}
			if avail >= need {
				widths[c] = all[c].min
				avail -= need
				joined++
			}
		case st.grow > 0 && widths[c] > 0:
			add := max(0, min(avail, st.grow-widths[c]))
			widths[c] += add
			avail -= add
		}
	}
	var cols []orgColumn
	var ws []int
	for i, c := range all {
		if widths[i] > 0 {
			cols = append(cols, c)
			ws = append(ws, widths[i])
		}
	}
	return cols, ws
}

// deptCell names a member's first department (of those the person sees),
// with "+N" for the others.
func (p *orgPane) deptCell(m *model.Member) string {
	var paths []string
	for _, d := range m.Depts {
		if n, ok := p.tree.nodes[d]; ok {
			paths = append(paths, n.path)
		}
	}
	if len(paths) == 0 {
		return ""
	}
	if len(paths) > 1 {
		return paths[0] + " +" + itoa(len(paths)-1)
	}
	return paths[0]
}

// orgTailFit fits a department path into w cells, dropping leading levels
// first (…/华北大区/北京一组), so that the most specific part stays.
func orgTailFit(s *Session, path string, w int) string {
	if lipgloss.Width(path) <= w {
		return path
	}
	suffix := ""
	if i := strings.LastIndex(path, " +"); i > 0 {
		path, suffix = path[:i], path[i:]
	}
	parts := strings.Split(path, "/")
	for i := 1; i < len(parts); i++ {
		cand := s.Styles.Ellipsis + "/" + strings.Join(parts[i:], "/") + suffix
		if lipgloss.Width(cand) <= w {
			return cand
		}
	}
	return truncate(parts[len(parts)-1], max(1, w-lipgloss.Width(suffix))) + suffix
}

// renderTable draws the member table's header and the visible window of
// rows, width cells wide and height lines high (header included).
func (p *orgPane) renderTable(width, height int, focused bool) []string {
	st := p.s.Styles
	cols, ws := p.columns(width)
	cells := func(get func(i int) string) string {
		var b strings.Builder
		for i := range cols {
			if i > 0 {
				b.WriteByte(' ')
			}
			v := get(i)
			if i < len(cols)-1 {
				v = padRight(v, ws[i])
			}
			b.WriteString(v)
		}
		return b.String()
	}
	head := "  " + cells(func(i int) string { return truncate(cols[i].title, ws[i]) })
	out := []string{st.TableHead.Render(padRight(truncate(head, width), width))}
	rows := p.rows()
	body := height - 1
	if body <= 0 {
		return out[:min(len(out), height)]
	}
	if len(rows) == 0 {
		msg := p.s.T.Org.NoMembers
		switch {
		case p.tree == nil || (p.query != "" && p.searching):
			msg = p.s.T.Common.Loading
		case p.query != "":
			msg = p.s.Sprintf(p.s.T.Org.NoMatch, p.query)
		}
		return append(out, "  "+st.Subtle.Render(truncate(msg, width-2)))
	}
	if p.row < p.rowTop {
		p.rowTop = p.row
	}
	if p.row >= p.rowTop+body {
		p.rowTop = p.row - body + 1
	}
	p.rowTop = max(0, min(p.rowTop, len(rows)-body))
	for i := p.rowTop; i < len(rows) && len(out) < height; i++ {
		m := rows[i]
		lead := "  "
		if i == p.row {
			lead = st.Bullet + " "
		}
		line := lead + cells(func(c int) string {
			v := cols[c].cell(m)
			if cols[c].path {
				return orgTailFit(p.s, v, ws[c])
			}
			return truncate(v, ws[c])
		})
		line = padRight(truncate(line, width), width)
		switch {
		case i == p.row && focused:
			line = st.Selected.Render(line)
		case m.Status != model.StatusActive:
			line = st.Subtle.Render(line)
		}
		out = append(out, line)
	}
	return out
}
