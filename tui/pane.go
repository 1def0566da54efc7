package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Pane is one screen of the UI: Home, Org, Logs … Each lives in its own
// file behind this interface. Only the App returns a tea.View.
type Pane interface {
	// ID names the pane for background results.
	ID() string
	// Title is the pane's name on the navigation rail.
	Title() string
	Init() tea.Cmd
	Update(msg tea.Msg) (Pane, tea.Cmd)
	View() string
	SetSize(width, height int)
	// ShortHelp and FullHelp list the bindings that work now.
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	// Capturing reports whether a text field has the keyboard, so the App
	// passes every key to the pane instead of acting on q, ?, [ and ].
	Capturing() bool
}

// cursorPane is a pane that shows the terminal's real cursor (for IME
// candidate windows) at a position within the pane.
type cursorPane interface {
	Cursor() *tea.Cursor
}
