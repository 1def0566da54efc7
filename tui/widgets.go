package tui

import (
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// newInput makes a text input that draws the terminal's real cursor (so a
// Chinese input method's candidate window opens where the person types).
func newInput(prompt string, limit int) textinput.Model {
	in := textinput.New()
	in.Prompt = prompt
	in.SetVirtualCursor(false)
	in.CharLimit = limit
	return in
}

// tabs draws a row of section names with the active one marked (by reverse
// video, and readable without colour).
func tabs(st *Styles, names []string, active int) string {
	parts := make([]string, 0, len(names))
	for i, name := range names {
		if i == active {
			parts = append(parts, st.Selected.Render(" "+name+" "))
		} else {
			parts = append(parts, st.Subtle.Render(" "+name+" "))
		}
	}
	return strings.Join(parts, " ")
}

// fitTabs draws tabs within w cells: as tabs does where they fit, else
// closer together (the active one still marked), else cut with an
// ellipsis.
func fitTabs(st *Styles, names []string, active, w int) string {
	if line := tabs(st, names, active); lipgloss.Width(line) <= w {
		return line
	}
	parts := make([]string, 0, len(names))
	for i, name := range names {
		if i == active {
			parts = append(parts, st.Selected.Render(" "+name+" "))
		} else {
			parts = append(parts, st.Subtle.Render(name))
		}
	}
	return ellipsize(st, strings.Join(parts, "  "), w)
}

// wrapText wraps plain text to w cells a line, at spaces and between
// Chinese (wide) characters, which need no space to break: a Chinese
// sentence fills the line it starts on instead of jumping to the next
// whole. Closing punctuation (，。）and the like) never starts a line and
// opening punctuation (（「) never ends one. A word wider than a line is
// cut where the line ends. Newlines in the text start new lines; spaces
// at the start of a paragraph stay, spaces at a break go.
func wrapText(text string, w int) []string {
	w = max(1, w)
	var out []string
	for _, para := range strings.Split(text, "\n") {
		out = append(out, wrapParagraph(para, w)...)
	}
	return out
}

// wrapUnit is a piece of text no line break may split (a word, or one
// wide character with the punctuation bound to it), with the spaces that
// stood before it.
type wrapUnit struct {
	space, text string
	width       int
}

func wrapParagraph(para string, w int) []string {
	indent := para[:len(para)-len(strings.TrimLeft(para, " "))]
	units := wrapUnits(para[len(indent):])
	var lines []string
	line, lw := indent, lipgloss.Width(indent)
	empty := true // nothing but the indent on the line yet
	flush := func() {
		lines = append(lines, strings.TrimRight(line, " "))
		line, lw, empty = "", 0, true
	}
	for _, u := range units {
		sw := len(u.space)
		if empty {
			sw = 0
		}
		if !empty && lw+sw+u.width > w {
			flush()
			sw = 0
		}
		if !empty {
			line += u.space
			lw += sw
		}
		if lw+u.width <= w {
			line += u.text
			lw += u.width
			empty = false
			continue
		}
		// Wider than what is left of an empty line: cut it, cell by cell.
		for _, r := range u.text {
			rw := lipgloss.Width(string(r))
			if lw+rw > w && !empty {
				flush()
			}
			line += string(r)
			lw += rw
			empty = false
		}
	}
	if !empty || len(lines) == 0 {
		flush()
	}
	return lines
}

// wrapUnits cuts text into the pieces wrapText may put on different
// lines: at spaces, and where breakBetween allows.
func wrapUnits(text string) []wrapUnit {
	var units []wrapUnit
	var space strings.Builder
	var prev rune
	fresh := true // the next character starts a unit (text start, or after spaces)
	for _, r := range text {
		if r == ' ' {
			space.WriteRune(r)
			fresh = true
			continue
		}
		s := string(r)
		rw := lipgloss.Width(s)
		breaks := fresh || (rw > 0 && breakBetween(prev, r))
		if breaks {
			units = append(units, wrapUnit{space: space.String(), text: s, width: rw})
		} else {
			u := &units[len(units)-1]
			u.text += s
			u.width += rw
		}
		space.Reset()
		prev, fresh = r, false
	}
	return units
}

// hasWide reports whether text holds a wide (Chinese) character.
func hasWide(text string) bool {
	for _, r := range text {
		if lipgloss.Width(string(r)) > 1 {
			return true
		}
	}
	return false
}

// breakBetween reports whether a line may break between two characters
// with no space between them: between two wide ones, or a wide one and a
// letter or digit (not in 销售部/华北大区, not before ， or after （).
func breakBetween(a, b rune) bool {
	wa, wb := lipgloss.Width(string(a)) > 1, lipgloss.Width(string(b)) > 1
	switch {
	case opening(a) || closing(b):
		return false
	case wa && wb:
		return true
	case wa:
		return unicode.IsLetter(b) || unicode.IsDigit(b)
	case wb:
		return unicode.IsLetter(a) || unicode.IsDigit(a)
	}
	return false
}

// closing reports punctuation that may not start a line.
func closing(r rune) bool {
	return strings.ContainsRune("，。、；：！？）」』”’》〉】〕…—,.;:!?)]}%", r)
}

// opening reports punctuation that may not end a line.
func opening(r rune) bool {
	return strings.ContainsRune("（「『“‘《〈【〔([{", r)
}

// scrollKey moves a scroll offset for the keys every scrolled text shares:
// a line down or up, a page of rows, the top or the bottom of lines. It
// returns the new offset, not yet clamped, and whether msg was one of
// them.
func scrollKey(k *KeyMap, msg tea.KeyPressMsg, top, lines, rows int) (int, bool) {
	switch {
	case key.Matches(msg, k.Down):
		return top + 1, true
	case key.Matches(msg, k.Up):
		return top - 1, true
	case key.Matches(msg, k.PageDown):
		return top + rows, true
	case key.Matches(msg, k.PageUp):
		return top - rows, true
	case key.Matches(msg, k.Top):
		return 0, true
	case key.Matches(msg, k.Bottom):
		return lines, true
	}
	return top, false
}

// cursorKey moves a list's cursor (and, a page at a time, its window) for
// the movement keys, over n items with page rows in sight, and reports
// whether msg was one of them; the caller keeps both in range (inSight).
func cursorKey(k *KeyMap, msg tea.KeyPressMsg, cursor, top *int, n, page int) bool {
	switch {
	case key.Matches(msg, k.Down):
		*cursor++
	case key.Matches(msg, k.Up):
		*cursor--
	case key.Matches(msg, k.PageDown):
		*cursor += page
		*top += page
	case key.Matches(msg, k.PageUp):
		*cursor -= page
		*top -= page
	case key.Matches(msg, k.Top):
		*cursor = 0
	case key.Matches(msg, k.Bottom):
		*cursor = n - 1
	default:
		return false
	}
	return true
}

// inSight keeps a list's cursor on one of its n items and in the window of
// rows (at least 1) that starts at top; it returns both.
func inSight(cursor, top, n, rows int) (int, int) {
	cursor = max(0, min(cursor, n-1))
	if cursor < top {
		top = cursor
	}
	if cursor >= top+rows {
		top = cursor - rows + 1
	}
	return cursor, max(0, min(top, n-rows))
}
