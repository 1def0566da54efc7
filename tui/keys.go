package tui

import (
	"charm.land/bubbles/v2/key"

	"postroom/assets"
)

// KeyMap holds every key binding of a session. Panes enable and disable
// bindings so the help bar shows only what works now. Each session has its
// own KeyMap: nothing is shared between sessions.
type KeyMap struct {
	Up, Down, Left, Right key.Binding
	PageUp, PageDown      key.Binding
	Top, Bottom           key.Binding
	Enter, Back           key.Binding
	NextPane, PrevPane    key.Binding
	Tab, ShiftTab         key.Binding
	Filter, Refresh       key.Binding
	Help, Quit            key.Binding

	// Actions; panes enable the ones they offer.
	New, Edit, Delete, Move, Rename key.Binding
	Disable, Enable, Reset, Unlock  key.Binding
	Alias, Role, SSHKey, Members    key.Binding
	Export, Verify, Save, Toggle    key.Binding
	NextView                        key.Binding
	Retry, Release, Reject, Explain key.Binding
	Warn                            key.Binding
}

// NewKeyMap builds the bindings: vim keys and arrows both work.
func NewKeyMap(t assets.KeysText) *KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return &KeyMap{
		Up:       b([]string{"up", "k"}, "↑/k", t.Up),
		Down:     b([]string{"down", "j"}, "↓/j", t.Down),
		Left:     b([]string{"left", "h"}, "←/h", t.Left),
		Right:    b([]string{"right", "l"}, "→/l", t.Right),
		PageUp:   b([]string{"pgup", "ctrl+b"}, "pgup", t.PageUp),
		PageDown: b([]string{"pgdown", "ctrl+f"}, "pgdn", t.PageDown),
		Top:      b([]string{"home", "g"}, "g", t.Top),
		Bottom:   b([]string{"end", "G"}, "G", t.Bottom),
		Enter:    b([]string{"enter"}, "enter", t.Enter),
		Back:     b([]string{"esc"}, "esc", t.Back),
		NextPane: b([]string{"]"}, "]", t.NextPane),
		PrevPane: b([]string{"["}, "[", t.PrevPane),
		Tab:      b([]string{"tab"}, "tab", t.Tab),
		ShiftTab: b([]string{"shift+tab"}, "shift+tab", t.ShiftTab),
		Filter:   b([]string{"/"}, "/", t.Filter),
		Refresh:  b([]string{"ctrl+r"}, "ctrl+r", t.Refresh),
		Help:     b([]string{"?"}, "?", t.Help),
		Quit:     b([]string{"q", "ctrl+c"}, "q", t.Quit),
		New:      b([]string{"n"}, "n", t.New),
		Edit:     b([]string{"e"}, "e", t.Edit),
		Delete:   b([]string{"D"}, "D", t.Delete),
		Move:     b([]string{"m"}, "m", t.Move),
		Rename:   b([]string{"R"}, "R", t.Rename),
		Disable:  b([]string{"x"}, "x", t.Disable),
		Enable:   b([]string{"X"}, "X", t.Enable),
		Reset:    b([]string{"p"}, "p", t.Reset),
		Unlock:   b([]string{"u"}, "u", t.Unlock),
		Alias:    b([]string{"a"}, "a", t.Alias),
		Role:     b([]string{"o"}, "o", t.Role),
		SSHKey:   b([]string{"K"}, "K", t.SSHKey),
		Members:  b([]string{"M"}, "M", t.Members),
		Export:   b([]string{"E"}, "E", t.Export),
		Verify:   b([]string{"V"}, "V", t.Verify),
		Save:     b([]string{"ctrl+s"}, "ctrl+s", t.Save),
		Toggle:   b([]string{"space"}, "space", t.Toggle),
		NextView: b([]string{"v"}, "v", t.NextView),
		Retry:    b([]string{"r"}, "r", t.Retry),
		Release:  b([]string{"a"}, "a", t.Release),
		Reject:   b([]string{"x"}, "x", t.Reject),
		Explain:  b([]string{"w"}, "w", t.Explain),
		Warn:     b([]string{"W"}, "W", t.Warn),
	}
}
