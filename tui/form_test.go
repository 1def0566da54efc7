package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// TestFormErrorClearsOnEdit: a field's error is about what it held; once
// the person edits that field the error goes, and other fields keep theirs.
func TestFormErrorClearsOnEdit(t *testing.T) {
	s := sessionAs(t, demoStore(t), "member", "en")
	f := newForm(s, "form")
	f.add("a", "A", "", false, "")
	f.add("b", "B", "", false, "")
	f.SetSize(80, 24)
	f.setError("a", "too short")
	f.setError("b", "does not match")
	f.focusOn(0)
	f.Update(tea.KeyPressMsg{Code: 'x', Text: "x"})
	if f.fields[0].err != "" || f.fields[1].err == "" {
		t.Errorf("after typing in A: errors %q and %q", f.fields[0].err, f.fields[1].err)
	}
	f.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	if f.fields[1].err == "" {
		t.Error("moving to B cleared its error")
	}
}

// TestMarkOverflow: a pane line wider than the pane ends with an ellipsis
// at the edge; lines that fit are untouched.
func TestMarkOverflow(t *testing.T) {
	st := sessionAs(t, demoStore(t), "member", "en").Styles
	got := strings.Split(markOverflow(st, "short\n这是一行很长很长的中文文字", 12), "\n")
	if got[0] != "short" || lipgloss.Width(got[1]) > 12 || !strings.HasSuffix(got[1], st.Ellipsis) {
		t.Errorf("marked %q", got)
	}
}
