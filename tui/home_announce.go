package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// annReaderKey opens the live announcements' full text over Home.
func annReaderKey(s *Session) key.Binding {
	return key.NewBinding(key.WithKeys("a"), key.WithHelp("a", s.T.Home.Announcements))
}

// annReaderLines are the live announcements that reach the person, whole:
// title, when and by whom, the text.
func (p *homePane) annReaderLines() []string {
	st := p.s.Styles
	w := max(10, p.width-1)
	var out []string
	for i, a := range p.data.anns {
		if i > 0 {
			out = append(out, "")
		}
		who := a.AuthorName
		if who == "" {
			who = string(a.Author)
		}
		out = append(out, st.Label.Render(logClean(a.Title)), st.Subtle.Render(a.Published.Local().Format("2006-01-02 15:04")+"  "+logClean(who)))
		for _, para := range strings.Split(a.Body, "\n") {
			out = append(out, wrapText(logClean(para), w)...)
		}
	}
	return out
}

// updateReader gives the open reader its keys (a opens it while there are
// announcements); done reports that Home has nothing more to do with the
// message.
func (p *homePane) updateReader(msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	if !p.reading {
		if key.Matches(k, annReaderKey(p.s)) && p.book == nil && p.data != nil && len(p.data.anns) > 0 {
			p.reading, p.readTop = true, 0
			return nil, true
		}
		return nil, false
	}
	keys := p.s.Keys
	if key.Matches(k, keys.Back) || key.Matches(k, keys.Enter) || key.Matches(k, annReaderKey(p.s)) || p.data == nil || len(p.data.anns) == 0 {
		p.reading = false
		return nil, true
	}
	lines, rows := len(p.annReaderLines()), max(1, p.height-3)
	if top, ok := scrollKey(keys, k, p.readTop, lines, rows); ok {
		p.readTop = top
	}
	p.readTop = clampTop(p.readTop, lines, rows)
	return nil, true
}

// readerView draws the open reader.
func (p *homePane) readerView() string {
	if p.data == nil || len(p.data.anns) == 0 {
		p.reading = false
		return ""
	}
	return scrollView(p.s, p.s.T.Home.Announcements, p.annReaderLines(), p.readTop, p.width, p.height, nil)
}

// readerHelp is the reader's keys.
func (p *homePane) readerHelp() []key.Binding {
	k := p.s.Keys
	return []key.Binding{k.Back, k.Down, k.Up, k.PageDown, k.PageUp}
}
