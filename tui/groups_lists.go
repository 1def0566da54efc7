package tui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"postroom/model"
	"postroom/store"
)

// The Groups pane's second view (v): the mailing lists for outside
// subscribers (LIST-2), for those who hold list.manage. Each list with its
// counts of subscribed, unconfirmed and unsubscribed addresses; the
// selected one with its subscribe and unsubscribe addresses, its senders
// and its statistics of the last days. Lists are changed with the list
// commands; this view reads.

// listDays is how many days of statistics the view shows.
const listDays = 7

// listsView is the state of the mailing-lists view.
type listsView struct {
	rows    []listRow
	sel     int
	loading bool
	dirty   bool
	err     string
}

// listRow is one mailing list as the view shows it.
type listRow struct {
	list *model.MailingList
	days []model.ListDay // the last listDays days, oldest first, empty days included
}

// listsLoadedMsg carries the mailing lists as they are now.
type listsLoadedMsg struct {
	rows []listRow
	err  error
}

// openLists shows the mailing lists.
func (p *groupsPane) openLists() tea.Cmd {
	p.lists = &listsView{loading: true}
	return p.loadLists()
}

// loadLists reads every list with its last days' statistics.
func (p *groupsPane) loadLists() tea.Cmd {
	s := p.s
	actor := s.Actor
	today := s.Store.Now()
	return func() tea.Msg {
		var msg listsLoadedMsg
		msg.err = s.Store.Read(func(r *store.Reader) error {
			if err := model.Authorize(actor, model.RightListManage, nil, r); err != nil {
				return err
			}
			ls, err := r.MailingLists()
			if err != nil {
				return err
			}
			first := today.AddDate(0, 0, -(listDays - 1))
			for _, l := range ls {
				got, err := r.ListDays(l.Address, model.DayOf(first), model.DayOf(today))
				if err != nil {
					return err
				}
				row := listRow{list: l}
				for i := range listDays {
					day := model.DayOf(first.AddDate(0, 0, i))
					d := model.ListDay{Day: day}
					for _, x := range got {
						if x.Day == day {
							d = x
						}
					}
					row.days = append(row.days, d)
				}
				msg.rows = append(msg.rows, row)
			}
			return nil
		})
		return msg
	}
}

// reloadLists loads again, or marks the lists dirty while a load runs.
func (p *groupsPane) reloadLists() tea.Cmd {
	if p.lists.loading {
		p.lists.dirty = true
		return nil
	}
	p.lists.loading = true
	return p.loadLists()
}

// listsLoaded takes a load of the lists.
func (p *groupsPane) listsLoaded(msg listsLoadedMsg) tea.Cmd {
	v := p.lists
	if v == nil {
		return nil
	}
	v.loading = false
	if msg.err != nil {
		v.err = p.s.ErrText(msg.err)
	} else {
		v.err, v.rows = "", msg.rows
		v.sel = min(v.sel, max(0, len(v.rows)-1))
	}
	if v.dirty {
		v.dirty = false
		v.loading = true
		return p.loadLists()
	}
	return nil
}

// listsKey handles a key while the lists are shown.
func (p *groupsPane) listsKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	v := p.lists
	switch {
	case key.Matches(msg, k.NextView, k.Back):
		p.lists = nil
		return p, p.ensureCount()
	case key.Matches(msg, k.Refresh):
		return p, p.reloadLists()
	case key.Matches(msg, k.Down):
		v.sel = min(len(v.rows)-1, v.sel+1)
	case key.Matches(msg, k.Up):
		v.sel = max(0, v.sel-1)
	case key.Matches(msg, k.Top):
		v.sel = 0
	case key.Matches(msg, k.Bottom):
		v.sel = max(0, len(v.rows)-1)
	}
	return p, nil
}

// listsHelp is the help bar of the lists view.
func (p *groupsPane) listsHelp() []key.Binding {
	k := p.s.Keys
	return []key.Binding{relabelKey(k.NextView, "", p.s.T.Groups.KeyGroups), k.Up, k.Down, k.Refresh}
}

// listsViewText draws the lists beside the selected list's details.
func (p *groupsPane) listsViewText() string {
	st := p.s.Styles
	t := p.s.T.Groups
	v := p.lists
	out := []string{st.Title.Render(t.ListsTitle)}
	switch {
	case v.err != "":
		return strings.Join(append(out, st.Error.Render(v.err)), "\n")
	case v.rows == nil && v.loading:
		return strings.Join(append(out, st.Subtle.Render(p.s.T.Common.Loading)), "\n")
	case len(v.rows) == 0:
		return strings.Join(append(out, "", st.Subtle.Render(t.NoLists)), "\n")
	}
	h := max(3, p.height-2)
	// The left column: each list's name and its subscribed count.
	countW := lipgloss.Width(t.ColSubscribed)
	nameW := 4
	for _, r := range v.rows {
		nameW = max(nameW, lipgloss.Width(r.list.Name))
		countW = max(countW, len(strconv.Itoa(r.list.Counts.Subscribed)))
	}
	nameW = min(nameW, 20)
	leftW := 2 + nameW + 2 + countW
	if p.width < 100 { // at 80 columns the details need the room
		leftW = min(leftW, 2+12+2+countW)
		nameW = leftW - 4 - countW
	}
	left := []string{"  " + st.TableHead.Render(padRight(truncate(t.ColName, nameW), nameW)+"  "+padLeft(t.ColSubscribed, countW))}
	start := 0
	if v.sel >= h-1 {
		start = v.sel - (h - 1) + 1
	}
	for i := start; i < len(v.rows) && len(left) < h; i++ {
		l := v.rows[i].list
		line := padRight(truncate(l.Name, nameW), nameW) + "  " + padLeft(strconv.Itoa(l.Counts.Subscribed), countW)
		if i == v.sel {
			line = st.Selected.Render(padRight(st.Bullet+" "+line, leftW))
		} else {
			line = "  " + line
		}
		left = append(left, line)
	}
	rw := max(10, p.width-leftW-3)
	right := p.listDetail(v.rows[v.sel], rw, h)
	sep := st.Subtle.Render(" " + st.Border.Left + " ")
	out = append(out, "")
	for i := 0; i < h; i++ {
		var l, r string
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = truncate(right[i], rw)
		}
		out = append(out, padRight(truncate(l, leftW), leftW)+sep+r)
	}
	return strings.Join(out, "\n")
}

// listDetail draws one list: addresses, counts, senders, the last days.
func (p *groupsPane) listDetail(r listRow, w, h int) []string {
	st := p.s.Styles
	t := p.s.T.Groups
	l := r.list
	senders := t.NoSenders
	if len(l.Senders) > 0 {
		var ss []string
		for _, a := range l.Senders {
			ss = append(ss, string(a))
		}
		senders = strings.Join(ss, ", ")
	}
	limit, days := l.BounceRule()
	out := []string{st.Title.Render(l.Name)}
	out = append(out, labelled(p.s, [][2]string{
		{t.Address, string(l.Address)},
		{t.Subscribe, model.ListTagAddress(l.Address, model.ListTagSubscribe)},
		{t.Unsubscribe, model.ListTagAddress(l.Address, model.ListTagUnsubscribe)},
		{t.ColSubscribed, strconv.Itoa(l.Counts.Subscribed)},
		{t.ColUnconfirmed, strconv.Itoa(l.Counts.Unconfirmed)},
		{t.ColOut, strconv.Itoa(l.Counts.Unsubscribed)},
		{t.ColBouncing, strconv.Itoa(l.Counts.Bouncing) + " (" + p.s.Sprintf(t.BounceRule, limit, days) + ")"},
		{t.Senders, senders},
	})...)
	out = append(out, st.Label.Render(p.s.Sprintf(t.Recent, listDays)))
	heads := []string{t.ColDay, t.ColPosts, t.ColDelivered, t.ColBounced, t.ColJoined, t.ColLeft, t.ColRemoved}
	widths := make([]int, len(heads))
	for i, h := range heads {
		widths[i] = max(lipgloss.Width(h), 5)
	}
	widths[0] = max(widths[0], len("12-03"))
	// The last column (removed after bouncing) only when it fits; the
	// Bouncing count above says the same in total.
	if total := len(widths) - 1; sumInts(widths)+total > w {
		heads, widths = heads[:len(heads)-1], widths[:len(widths)-1]
	}
	cells := func(vals []string) string {
		var parts []string
		for i, v := range vals {
			if i == 0 {
				parts = append(parts, padRight(v, widths[i]))
			} else {
				parts = append(parts, padLeft(v, widths[i]))
			}
		}
		return strings.Join(parts, " ")
	}
	out = append(out, st.TableHead.Render(cells(heads)))
	active := false
	for _, d := range r.days {
		day := d.Day
		if tm, err := time.Parse(time.DateOnly, d.Day); err == nil {
			day = tm.Format("01-02")
		}
		out = append(out, cells([]string{day, strconv.Itoa(d.Posts), strconv.Itoa(d.Delivered), strconv.Itoa(d.Bounced),
			strconv.Itoa(d.Subscribed), strconv.Itoa(d.Unsubscribed), strconv.Itoa(d.Removed)}[:len(heads)]))
		active = active || d != (model.ListDay{Day: d.Day})
	}
	if !active {
		out = append(out, st.Subtle.Render(t.NoActivity))
	}
	if hint := wrapStyled(st.Subtle, t.ListsHint, w); len(out)+1+len(hint) <= h {
		out = append(out, "")
		out = append(out, hint...)
	}
	return out
}

// padLeft right-aligns s in w cells.
func padLeft(s string, w int) string {
	if d := w - lipgloss.Width(s); d > 0 {
		return strings.Repeat(" ", d) + s
	}
	return s
}

func sumInts(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
