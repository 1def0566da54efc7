package tui

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"postroom/store"
)

// fitColumns shares a table's width among its columns. Each column gets at
// least its minimum (or less, if nothing in it is wider). The room left
// goes, a cell at a time so that they are cut about alike, to the columns
// before the last, up to their soft limits (0: none); then to the last
// column, up to its widest cell; then to the columns before the last again,
// up to their widest cells; what is still left goes to the last column.
// want holds each column's widest cell, heading included.
func fitColumns(width, sep int, heads []string, mins, soft, want []int) []int {
	room := width - sep*(len(heads)-1)
	w := make([]int, len(heads))
	for i := range w {
		w[i] = min(want[i], max(mins[i], lipgloss.Width(heads[i])))
		room -= w[i]
	}
	last := len(w) - 1
	share := func(limit func(i int) int) {
		for grew := true; room > 0 && grew; {
			grew = false
			for i := range last {
				if room > 0 && w[i] < limit(i) {
					w[i]++
					room--
					grew = true
				}
			}
		}
	}
	share(func(i int) int {
		if soft[i] > 0 {
			return min(want[i], soft[i])
		}
		return want[i]
	})
	if add := max(0, min(room, want[last]-w[last])); add > 0 {
		w[last] += add
		room -= add
	}
	share(func(i int) int { return want[i] })
	w[last] += max(0, room)
	return w
}

// widest measures each column's widest cell, heading included.
func widest(heads []string, cells [][]string) []int {
	want := make([]int, len(heads))
	for i, h := range heads {
		want[i] = lipgloss.Width(h)
	}
	for _, row := range cells {
		for i, c := range row {
			want[i] = max(want[i], lipgloss.Width(c))
		}
	}
	return want
}

// fitCell pads or cuts a cell to exactly w cells, with an ellipsis where it
// was cut.
func fitCell(st *Styles, s string, w int) string {
	if lipgloss.Width(s) <= w {
		return padRight(s, w)
	}
	if ew := lipgloss.Width(st.Ellipsis); w > ew {
		return padRight(truncate(s, w-ew)+st.Ellipsis, w)
	}
	return padRight(truncate(s, w), w)
}

// ellipsize cuts s to w cells, with an ellipsis where it was cut, and
// never pads it.
func ellipsize(st *Styles, s string, w int) string {
	return strings.TrimRight(fitCell(st, s, w), " ")
}

// markCut ends s with an ellipsis, to say that more followed, within w
// cells.
func markCut(st *Styles, s string, w int) string {
	if ew := lipgloss.Width(st.Ellipsis); lipgloss.Width(s)+ew > w {
		s = truncate(s, max(0, w-ew))
	}
	return s + st.Ellipsis
}

// fitKeepTail fits a cell of a head and a tail (a recipient and "+3") to
// exactly w cells, cutting the head, not the tail.
func fitKeepTail(st *Styles, head, tail string, w int) string {
	if tail == "" || lipgloss.Width(head)+lipgloss.Width(tail) <= w {
		return fitCell(st, head+tail, w)
	}
	hw := w - lipgloss.Width(tail)
	if hw < lipgloss.Width(st.Ellipsis)+2 {
		return fitCell(st, head+tail, w)
	}
	return fitCell(st, head, hw) + tail
}

// rcptTail is what follows the first recipient in a table cell: how many
// there are in all, or how many more (as the language says it).
func rcptTail(s *Session, count int) string {
	if count > 1 {
		return s.Sprintf(s.T.Mail.More, count, count-1)
	}
	return ""
}

// tableRow lays cells out in columns of the given widths.
func tableRow(st *Styles, cells []string, widths []int, gap string) string {
	parts := make([]string, len(cells))
	for i, c := range cells {
		parts[i] = fitCell(st, c, widths[i])
	}
	return strings.Join(parts, gap)
}

// mailStatus names a message's or a mail-log record's status in the
// person's language.
func mailStatus(s *Session, status string) string {
	t := s.T.Mail
	switch status {
	case string(store.MsgQueued):
		return t.Queued
	case string(store.MsgHeld):
		return t.Held
	case string(store.MsgDone), "delivered":
		return t.Delivered
	case string(store.MsgBounced):
		return t.Bounced
	case string(store.MsgRejected):
		return t.Rejected
	case string(store.MsgDropped):
		return t.Dropped
	case "refused":
		return t.Refused
	case "deferred":
		return t.Deferred
	case "released":
		return t.Released
	case "reply":
		return t.Reply
	}
	return status
}

// rcptStatus names a recipient's state in the person's language.
func rcptStatus(s *Session, st store.RcptStatus) string {
	t := s.T.Mail
	switch st {
	case store.RcptPending:
		return t.Pending
	case store.RcptDelivered:
		return t.Delivered
	case store.RcptFailed:
		return t.Failed
	}
	return string(st)
}

// mailDirection names a mail-log record's kind in the person's language.
func mailDirection(s *Session, d string) string {
	t := s.T.Mail
	switch d {
	case "in":
		return t.DirIn
	case "out":
		return t.DirOut
	case "internal":
		return t.DirInternal
	}
	return d
}

// mailTime is a time in the server's zone: without the year where room is
// short; "-" for none.
func mailTime(t time.Time, narrow bool) string {
	if t.IsZero() {
		return "-"
	}
	if narrow {
		return t.Local().Format("01-02 15:04")
	}
	return t.Local().Format("2006-01-02 15:04")
}

// shortAddr is an address in a narrow table: its local part, and for a
// domain other than the person's own (the company's) an @ and an
// ellipsis after it, so that mail from or to outside reads as such. The
// detail shows every address whole.
func shortAddr(s *Session, a string) string {
	local, domain, ok := strings.Cut(a, "@")
	if !ok {
		return a
	}
	if _, mine, _ := strings.Cut(string(s.Actor.Address), "@"); strings.EqualFold(domain, mine) {
		return local
	}
	return local + "@" + s.Styles.Ellipsis
}

// toText is a recipient list in a table cell: the first, and how many more.
func toText(s *Session, first string, count int) string {
	if first == "" {
		return ""
	}
	return first + rcptTail(s, count)
}

// cursorTable draws a list's header and its rows in sight, cells[j] being
// row top+j, with the cursor's row marked and highlighted; columns are
// fitted to width, one space apart on a narrow screen, two otherwise.
func cursorTable(st *Styles, width int, narrow bool, heads []string, mins, soft []int, cells [][]string, top, cursor int) []string {
	sep := 2
	if narrow {
		sep = 1
	}
	gap := strings.Repeat(" ", sep)
	widths := fitColumns(width-2, sep, heads, mins, soft, widest(heads, cells))
	out := []string{"  " + st.TableHead.Render(strings.TrimRight(tableRow(st, heads, widths, gap), " "))}
	for j, c := range cells {
		mark := "  "
		if top+j == cursor {
			mark = st.Bullet + " "
		}
		line := ellipsize(st, mark+tableRow(st, c, widths, gap), width)
		if top+j == cursor {
			line = st.Selected.Render(padRight(line, width))
		}
		out = append(out, line)
	}
	return out
}
