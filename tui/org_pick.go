package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// orgPickResult says what a key did to a picker.
type orgPickResult int

const (
	orgPickEditing orgPickResult = iota
	orgPickChosen
	orgPickCancelled
)

// orgPicker picks a department path from a list: typing narrows it (any
// part of the path), the arrows move, enter picks, esc leaves.
type orgPicker struct {
	s     *Session
	title string
	root  string // the enterprise's name, shown beside "/"
	input textinput.Model
	all   []string
	shown []string
	cur   int
	top   int

	width, height int
}

// newOrgPicker builds a picker over department paths; root is the
// enterprise's name, shown beside "/".
func newOrgPicker(s *Session, title string, paths []string, root string) *orgPicker {
	in := newInput("", 200)
	in.Placeholder = s.T.Org.PickHint
	d := &orgPicker{s: s, title: title, root: root, input: in, all: paths}
	d.narrow()
	return d
}

// Focus gives the picker's input the keys (the real cursor shows; there is
// no blinking to drive).
func (d *orgPicker) Focus() { d.input.Focus() }

// SetSize fits the picker.
func (d *orgPicker) SetSize(w, h int) {
	d.width, d.height = w, h
	d.input.SetWidth(max(8, w-4))
}

// narrow keeps the paths that hold what was typed.
func (d *orgPicker) narrow() {
	q := strings.ToLower(strings.TrimSpace(d.input.Value()))
	d.shown = d.shown[:0]
	for _, p := range d.all {
		if q == "" || strings.Contains(strings.ToLower(p), q) || (p == "/" && strings.Contains(strings.ToLower(d.root), q)) {
			d.shown = append(d.shown, p)
		}
	}
	d.cur = max(0, min(d.cur, len(d.shown)-1))
}

// Update handles a key; on orgPickChosen path is the department picked.
func (d *orgPicker) Update(msg tea.Msg) (orgPickResult, string, tea.Cmd) {
	k := d.s.Keys
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, k.Back):
			return orgPickCancelled, "", nil
		case key.Matches(msg, k.Enter):
			if len(d.shown) == 0 {
				return orgPickEditing, "", nil
			}
			return orgPickChosen, d.shown[d.cur], nil
		case msg.String() == "up":
			d.cur = max(0, d.cur-1)
			return orgPickEditing, "", nil
		case msg.String() == "down":
			d.cur = max(0, min(d.cur+1, len(d.shown)-1))
			return orgPickEditing, "", nil
		}
	}
	var cmd tea.Cmd
	before := d.input.Value()
	d.input, cmd = d.input.Update(msg)
	if d.input.Value() != before {
		d.cur, d.top = 0, 0
		d.narrow()
	}
	return orgPickEditing, "", cmd
}

// label is how a path shows: the root with the enterprise's name.
func (d *orgPicker) label(p string) string {
	if p == "/" && d.root != "" {
		return "/ (" + d.root + ")"
	}
	return p
}

// listRows is how many paths fit below the title and the input.
func (d *orgPicker) listRows() int { return max(1, d.height-4) }

// View draws the picker.
func (d *orgPicker) View() string {
	st := d.s.Styles
	out := []string{st.Title.Render(truncate(d.title, d.width)), st.Cursor.Render("> ") + d.input.View(), ""}
	if len(d.shown) == 0 {
		return strings.Join(append(out, "  "+st.Subtle.Render(d.s.T.Org.NoDepts)), "\n")
	}
	n := d.listRows()
	if d.cur < d.top {
		d.top = d.cur
	}
	if d.cur >= d.top+n {
		d.top = d.cur - n + 1
	}
	for i := d.top; i < len(d.shown) && i < d.top+n; i++ {
		line := "  " + d.label(d.shown[i])
		if i == d.cur {
			line = st.Selected.Render(padRight(truncate(st.Bullet+" "+d.label(d.shown[i]), d.width-1), d.width-1))
		} else {
			line = truncate(line, d.width-1)
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// Cursor is where the input's cursor stands, relative to the picker.
func (d *orgPicker) Cursor() *tea.Cursor {
	c := orgInputCursor(d.input)
	if c == nil {
		return nil
	}
	c.X += lipgloss.Width("> ")
	c.Y++
	return c
}
