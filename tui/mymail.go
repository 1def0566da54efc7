package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"postroom/model"
	"postroom/store"
)

// myMailPane is My mail: what became of the mail the person sent, newest
// first — delivered, held for a head, refused by a rule, bounced by the
// far side — with the reason and the record's history, from the mail log
// (LOG-3) narrowed to their own account. It answers "did my mail get
// there, and if not why" without a call to IT. Mail they received is not
// listed: a record names every recipient, Bcc included, which only the
// sender may see. Those who read the whole mail log have the Logs pane.
type myMailPane struct {
	s             *Session
	width, height int

	recs        []store.MailRecord
	more        bool // the log holds older mail than the page shows
	loaded      bool
	loading     bool
	dirty       bool
	err         string
	cursor, top int
	detail      *store.MailRecord
	detailTop   int
}

// myMailPage is how many of the person's newest messages the pane reads.
const myMailPage = 200

// myMailLoadedMsg carries the person's sent mail.
type myMailLoadedMsg struct {
	pane *myMailPane
	recs []store.MailRecord
	more bool
	err  error
}

func newMyMailPane(s *Session) *myMailPane { return &myMailPane{s: s} }

// showsMyMail reports whether the person gets My mail: anyone whose mail
// the relay carries, unless they read the whole mail log in Logs.
func showsMyMail(s *Session) bool {
	return s.Spool != nil && !s.Can(model.RightMailLogRead)
}

func (p *myMailPane) ID() string    { return "mymail" }
func (p *myMailPane) Title() string { return p.s.T.Logs.MyMail }

func (p *myMailPane) Init() tea.Cmd { return nil }

// Shown reads the mail again each time the pane comes in sight: the
// relay's decisions reach the log without a directory event.
func (p *myMailPane) Shown(on bool) tea.Cmd {
	if !on {
		return nil
	}
	return p.reload()
}

func (p *myMailPane) SetSize(w, h int) {
	p.width, p.height = w, h
	p.clamp()
}

func (p *myMailPane) Capturing() bool { return false }

func (p *myMailPane) reload() tea.Cmd {
	if p.s.Spool == nil {
		return nil
	}
	if p.loading {
		p.dirty = true
		return nil
	}
	p.loading = true
	sp, me := p.s.Spool, p.s.Actor.Address
	return func() tea.Msg {
		msg := myMailLoadedMsg{pane: p}
		// The account's index holds what they sent and what they got;
		// a page of theirs may take more than a page of the index.
		recs, err := sp.SearchLog(store.LogFilter{Account: me, Limit: 4 * myMailPage})
		if err != nil {
			msg.err = err
			return msg
		}
		for _, r := range recs {
			if r.Account == me {
				msg.recs = append(msg.recs, ownRecord(r))
			}
		}
		if len(msg.recs) > myMailPage {
			msg.recs, msg.more = msg.recs[:myMailPage], true
		}
		msg.more = msg.more || len(recs) == 4*myMailPage
		return msg
	}
}

// ownRecord is a record as its sender sees it: a post to a mailing list
// names the list, not its outside subscribers (the list's owners and the
// mail log's readers see those).
func ownRecord(r store.MailRecord) store.MailRecord {
	local, domain, _ := strings.Cut(r.From, "@")
	if base, tag, _, ok := model.ListTagOf(local); ok && tag == model.ListTagBounces {
		r.To = []string{base + "@" + domain}
	}
	return r
}

func (p *myMailPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case myMailLoadedMsg:
		if msg.pane != p {
			return p, nil
		}
		p.loading = false
		if p.dirty {
			p.dirty = false
			return p, p.reload()
		}
		if msg.err != nil {
			p.err = p.s.ErrText(msg.err)
			return p, nil
		}
		var sel string
		if p.cursor < len(p.recs) {
			sel = p.recs[p.cursor].ID
		}
		p.recs, p.more, p.loaded, p.err = msg.recs, msg.more, true, ""
		for i, r := range p.recs {
			if r.ID == sel {
				p.top += i - p.cursor
				p.cursor = i
			}
		}
		p.clamp()
		return p, nil
	case tea.KeyPressMsg:
		k := p.s.Keys
		if p.detail != nil {
			lines, rows := len(p.detailLines()), max(1, p.height-3)
			switch {
			case key.Matches(msg, k.Back), key.Matches(msg, k.Enter):
				p.detail = nil
			default:
				if top, ok := scrollKey(k, msg, p.detailTop, lines, rows); ok {
					p.detailTop = clampTop(top, lines, rows)
				}
			}
			return p, nil
		}
		switch {
		case key.Matches(msg, k.Refresh):
			return p, p.reload()
		case cursorKey(k, msg, &p.cursor, &p.top, len(p.recs), max(1, p.listRows())):
		case key.Matches(msg, k.Enter) && p.cursor < len(p.recs):
			r := p.recs[p.cursor]
			p.detail, p.detailTop = &r, 0
		}
		p.clamp()
	}
	return p, nil
}

func (p *myMailPane) clamp() {
	p.cursor, p.top = inSight(p.cursor, p.top, len(p.recs), max(1, p.listRows()))
}

// listRows is how many messages the list shows: the pane less its title,
// intro, table head and footer.
func (p *myMailPane) listRows() int { return p.height - 5 }

func (p *myMailPane) narrow() bool { return p.width < 100 }

func (p *myMailPane) View() string {
	st, t := p.s.Styles, p.s.T.Logs
	if p.detail != nil {
		title := p.s.Sprintf(t.MyMailDetail, p.detail.Time.Local().Format("2006-01-02 15:04"))
		return scrollView(p.s, title, p.detailLines(), p.detailTop, p.width, p.height, nil)
	}
	w := max(10, p.width-1)
	out := []string{st.Title.Render(ellipsize(st, t.MyMail, p.width)), st.Subtle.Render(ellipsize(st, t.MyMailIntro, w))}
	switch {
	case p.s.Spool == nil:
		return strings.Join(append(out, wrapStyled(st.Warn, p.s.T.Mail.NoSpool, w)...), "\n")
	case p.err != "":
		return strings.Join(append(out, wrapStyled(st.Error, p.err, w)...), "\n")
	case !p.loaded:
		return strings.Join(append(out, st.Subtle.Render(p.s.T.Common.Loading)), "\n")
	case len(p.recs) == 0:
		return strings.Join(append(out, wrapStyled(st.Subtle, t.MyMailEmpty, w)...), "\n")
	}
	heads := []string{t.ColTime, t.ColTo, t.ColSubject, t.ColStatus, t.ColReason}
	mins, soft := []int{11, 8, 8, 6, 8}, []int{0, 24, 30, 0, 0}
	if p.narrow() {
		heads, mins, soft = heads[:4], mins[:4], soft[:4]
	}
	rows := max(1, p.listRows())
	end := min(len(p.recs), p.top+rows)
	cells := make([][]string, 0, end-p.top)
	for _, r := range p.recs[p.top:end] {
		first := ""
		if len(r.To) > 0 {
			first = r.To[0]
		}
		if p.narrow() {
			first = shortAddr(p.s, first)
		}
		c := logCleanAll(mailTime(r.Time, true), toText(p.s, first, r.Count), r.Subject, mailStatus(p.s, r.Status), r.ReasonText(p.s.Chinese()))
		cells = append(cells, c[:len(heads)])
	}
	out = append(out, cursorTable(st, p.width, p.narrow(), heads, mins, soft, cells, p.top, p.cursor)...)
	foot := p.s.Sprintf(p.s.T.Requests.Rows, p.top+1, end, len(p.recs))
	if p.more {
		foot += "  " + p.s.Sprintf(t.MyMailNewest, len(p.recs))
	}
	return strings.Join(append(out, st.Subtle.Render(ellipsize(st, foot, p.width))), "\n")
}

// detailLines are the open message's record, as the Logs pane shows one.
func (p *myMailPane) detailLines() []string {
	lp := &logsPane{s: p.s, detail: &logsDetail{mail: p.detail}}
	return lp.mailDetailLines(max(20, p.width-1))
}

func (p *myMailPane) ShortHelp() []key.Binding {
	k := p.s.Keys
	switch {
	case p.detail != nil:
		return []key.Binding{k.Back, k.Down, k.Up}
	case len(p.recs) == 0:
		return []key.Binding{k.Refresh}
	}
	return []key.Binding{k.Enter, k.Down, k.Up, k.Refresh}
}

func (p *myMailPane) FullHelp() [][]key.Binding {
	k := p.s.Keys
	return [][]key.Binding{p.ShortHelp(), {k.PageDown, k.PageUp, k.Top, k.Bottom}}
}
