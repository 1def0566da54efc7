package tui

import (
	"charm.land/lipgloss/v2"
)

// Styles are every style the UI draws with, for one session. The palette
// uses the 16 basic colours, so it reads the same on any terminal, and the
// meaning of a cell never rests on colour alone (a marker or a word goes with
// it), so it reads with NO_COLOR too. ASCII draws borders and markers with
// plain ASCII for terminals that show ambiguous-width glyphs double wide.
type Styles struct {
	ASCII bool

	Border    lipgloss.Border
	Bullet    string // marks the selected row
	Ellipsis  string
	TreeOpen  string
	TreeShut  string
	TreeLeaf  string
	Separator string

	Header      lipgloss.Style
	HeaderDim   lipgloss.Style
	Badge       lipgloss.Style
	Rail        lipgloss.Style
	RailItem    lipgloss.Style
	RailActive  lipgloss.Style
	RailFocused lipgloss.Style
	Title       lipgloss.Style
	Subtle      lipgloss.Style
	Label       lipgloss.Style
	Value       lipgloss.Style
	Selected    lipgloss.Style
	Cursor      lipgloss.Style
	TableHead   lipgloss.Style
	Box         lipgloss.Style
	FocusBox    lipgloss.Style
	Help        lipgloss.Style
	Error       lipgloss.Style
	OK          lipgloss.Style
	Warn        lipgloss.Style
	Secret      lipgloss.Style
}

// NewStyles builds the styles for a session.
func NewStyles(ascii bool) *Styles {
	s := &Styles{ASCII: ascii}
	if ascii {
		s.Border = lipgloss.ASCIIBorder()
		s.Bullet, s.Ellipsis, s.TreeOpen, s.TreeShut, s.TreeLeaf, s.Separator = ">", "...", "-", "+", " ", "-"
	} else {
		s.Border = lipgloss.RoundedBorder()
		s.Bullet, s.Ellipsis, s.TreeOpen, s.TreeShut, s.TreeLeaf, s.Separator = "▸", "…", "▾", "▸", " ", "─"
	}
	s.Header = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.BrightWhite).Background(lipgloss.Blue).Padding(0, 1)
	s.HeaderDim = lipgloss.NewStyle().Foreground(lipgloss.White).Background(lipgloss.Blue).Padding(0, 1)
	s.Badge = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Black).Background(lipgloss.Yellow).Padding(0, 1)
	s.Rail = lipgloss.NewStyle().PaddingRight(1).BorderStyle(s.Border).BorderRight(true).BorderForeground(lipgloss.BrightBlack)
	s.RailItem = lipgloss.NewStyle().PaddingLeft(1)
	s.RailActive = lipgloss.NewStyle().PaddingLeft(1).Bold(true).Foreground(lipgloss.BrightCyan)
	s.RailFocused = lipgloss.NewStyle().PaddingLeft(1).Bold(true).Reverse(true)
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.BrightCyan)
	s.Subtle = lipgloss.NewStyle().Foreground(lipgloss.BrightBlack)
	s.Label = lipgloss.NewStyle().Foreground(lipgloss.Cyan)
	s.Value = lipgloss.NewStyle()
	s.Selected = lipgloss.NewStyle().Reverse(true)
	s.Cursor = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.BrightYellow)
	s.TableHead = lipgloss.NewStyle().Bold(true).Underline(true)
	s.Box = lipgloss.NewStyle().BorderStyle(s.Border).BorderForeground(lipgloss.BrightBlack).Padding(0, 1)
	s.FocusBox = lipgloss.NewStyle().BorderStyle(s.Border).BorderForeground(lipgloss.BrightCyan).Padding(0, 1)
	s.Help = lipgloss.NewStyle().Foreground(lipgloss.BrightBlack)
	s.Error = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.BrightRed)
	s.OK = lipgloss.NewStyle().Foreground(lipgloss.BrightGreen)
	s.Warn = lipgloss.NewStyle().Foreground(lipgloss.BrightYellow)
	s.Secret = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.BrightWhite).Background(lipgloss.Magenta).Padding(0, 1)
	return s
}
