package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// form is a column of labelled text fields with inline errors: tab, shift+tab
// and the arrows move between fields, enter on the last field (or ctrl+s
// anywhere) submits, esc cancels. It draws the terminal's real cursor, so a
// Chinese input method's candidate window opens where the person types.
type form struct {
	s      *Session
	title  string
	intro  string
	fields []*field
	focus  int
	err    string
	width  int
}

type field struct {
	key   string
	label string
	hint  string
	err   string
	input textinput.Model
}

// formResult says what a key did to the form.
type formResult int

const (
	formEditing formResult = iota
	formSubmitted
	formCancelled
)

func newForm(s *Session, title string) *form {
	return &form{s: s, title: title, width: 60}
}

// add appends a field.
func (f *form) add(key, label, value string, secret bool, hint string) *form {
	in := newInput("", 2000)
	if secret {
		in.EchoMode = textinput.EchoPassword
		in.EchoCharacter = '*'
	}
	in.SetValue(value)
	f.fields = append(f.fields, &field{key: key, label: label, hint: hint, input: in})
	if len(f.fields) == 1 {
		f.fields[0].input.Focus()
	}
	f.layout()
	return f
}

// value returns a field's text, trimmed (secrets are returned as typed).
func (f *form) value(key string) string {
	for _, fl := range f.fields {
		if fl.key == key {
			if fl.input.EchoMode == textinput.EchoPassword {
				return fl.input.Value()
			}
			return strings.TrimSpace(fl.input.Value())
		}
	}
	return ""
}

// setError puts a message under a field, or over the form for key "".
func (f *form) setError(key, msg string) {
	if key == "" {
		f.err = msg
		return
	}
	for i, fl := range f.fields {
		if fl.key == key {
			fl.err = msg
			f.focusOn(i)
			return
		}
	}
	f.err = msg
}

func (f *form) clearErrors() {
	f.err = ""
	for _, fl := range f.fields {
		fl.err = ""
	}
}

func (f *form) focusOn(i int) {
	if i < 0 || i >= len(f.fields) {
		return
	}
	f.fields[f.focus].input.Blur()
	f.focus = i
	f.fields[i].input.Focus()
}

func (f *form) labelWidth() int {
	w := 0
	for _, fl := range f.fields {
		w = max(w, lipgloss.Width(fl.label))
	}
	return w + 2
}

// SetSize fits the inputs to the width (a cell of margin: an input may draw
// one cell past its width with Chinese text).
func (f *form) SetSize(w, h int) {
	f.width = w
	f.layout()
}

func (f *form) layout() {
	iw := max(8, min(60, f.width-f.labelWidth()-3))
	for _, fl := range f.fields {
		fl.input.SetWidth(iw)
	}
}

// Update handles a message; it reports when the form was submitted or left.
func (f *form) Update(msg tea.Msg) (formResult, tea.Cmd) {
	k := f.s.Keys
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, k.Back):
			return formCancelled, nil
		case key.Matches(msg, k.Save):
			return formSubmitted, nil
		case msg.String() == "enter":
			if f.focus == len(f.fields)-1 {
				return formSubmitted, nil
			}
			f.focusOn(f.focus + 1)
			return formEditing, nil
		case msg.String() == "tab" || msg.String() == "down":
			f.focusOn((f.focus + 1) % len(f.fields))
			return formEditing, nil
		case msg.String() == "shift+tab" || msg.String() == "up":
			f.focusOn((f.focus + len(f.fields) - 1) % len(f.fields))
			return formEditing, nil
		}
	}
	if len(f.fields) == 0 {
		return formEditing, nil
	}
	var cmd tea.Cmd
	fl := f.fields[f.focus]
	before := fl.input.Value()
	fl.input, cmd = fl.input.Update(msg)
	if fl.input.Value() != before {
		fl.err = "" // said of what was there before
	}
	return formEditing, cmd
}

// header lines above the first field.
func (f *form) headLines() []string {
	st := f.s.Styles
	var out []string
	if f.title != "" {
		out = append(out, st.Title.Render(f.title))
	}
	if f.intro != "" {
		out = append(out, wrapText(f.intro, max(10, f.width-2))...)
	}
	if f.err != "" {
		out = append(out, wrapStyled(st.Error, f.err, max(10, f.width-2))...)
	}
	if len(out) > 0 {
		out = append(out, "")
	}
	return out
}

// View draws the form.
func (f *form) View() string {
	st := f.s.Styles
	lines := f.headLines()
	lw := f.labelWidth()
	for i, fl := range f.fields {
		label := fl.label + strings.Repeat(" ", lw-lipgloss.Width(fl.label))
		if i == f.focus {
			label = st.Cursor.Render(label)
		} else {
			label = st.Label.Render(label)
		}
		lines = append(lines, label+fl.input.View())
		switch {
		case fl.err != "":
			for _, l := range f.noteLines(st.Error, fl.err) {
				lines = append(lines, strings.Repeat(" ", lw)+l)
			}
		case fl.hint != "" && i == f.focus:
			for _, l := range f.noteLines(st.Subtle, fl.hint) {
				lines = append(lines, strings.Repeat(" ", lw)+l)
			}
		}
	}
	return strings.Join(lines, "\n")
}

// noteLines are a field's error or hint, wrapped under its input.
func (f *form) noteLines(style lipgloss.Style, text string) []string {
	return wrapStyled(style, text, max(10, f.width-f.labelWidth()-1))
}

// Cursor is where the focused input's cursor stands, relative to the form.
func (f *form) Cursor() *tea.Cursor {
	if len(f.fields) == 0 {
		return nil
	}
	in := f.fields[f.focus].input
	c := in.Cursor()
	if c == nil {
		return nil
	}
	// The input counts characters; the screen counts cells, and Chinese
	// takes two. Place the cursor after the cells before it.
	if in.EchoMode == textinput.EchoNormal {
		runes := []rune(in.Value())
		if w := lipgloss.Width(string(runes[:min(in.Position(), len(runes))])); w <= in.Width() {
			c.X = w
		}
	}
	y := lipgloss.Height(strings.Join(f.headLines(), "\n"))
	if len(f.headLines()) == 0 {
		y = 0
	}
	for i := 0; i < f.focus; i++ {
		y++
		if f.fields[i].err != "" {
			y += len(f.noteLines(f.s.Styles.Error, f.fields[i].err))
		}
	}
	c.X += f.labelWidth()
	c.Y += y
	return c
}

// ShortHelp lists the form's keys.
func (f *form) ShortHelp() []key.Binding {
	k := f.s.Keys
	submit := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", f.s.T.Common.Submit))
	return []key.Binding{k.Tab, submit, k.Save, k.Back}
}
