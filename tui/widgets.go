package tui

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
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
