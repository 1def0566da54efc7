package tui

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"postroom/model"
	"postroom/store"
)

// The Logs pane's mail views: the mail log (LOG-3), searched by account,
// subject, kind and date range, newest first; and the top senders and
// receivers of each company domain (LOG-4) for today, 7 or 30 days. Both
// read the server's spool (Session.Spool), in tea.Cmds, for those who hold
// maillog.read.

// logsTopN is how many senders and receivers the top lists name per domain.
const logsTopN = 15

// logsTopWidth is the widest a top list's column gets.
const logsTopWidth = 50

// logsTopRanges are the top lists' ranges in days, today included.
var logsTopRanges = []int{1, 7, 30}

// mailKinds are the mail log's kinds: a direction or a status.
var mailKinds = []string{"in", "out", "internal", "queued", "held", "refused", "delivered", "bounced", "deferred", "dropped", "released", "rejected", "reply"}

// logsMailState is the mail log as loaded.
type logsMailState struct {
	recs                   []store.MailRecord
	loaded, loading, dirty bool
	err                    string
}

// logsTopState is the top lists as loaded, and the range asked for.
type logsTopState struct {
	tops                   []store.DomainTop
	rng                    int // index into logsTopRanges
	since                  time.Time
	loaded, loading, dirty bool
	err                    string
	scroll                 int
}

type logsMailLoadedMsg struct {
	recs []store.MailRecord
	more bool
	err  error
}

type logsTopLoadedMsg struct {
	tops  []store.DomainTop
	since time.Time
	err   error
}

// mailAllowed reports whether the person may read the mail log.
func (p *logsPane) mailAllowed() bool { return p.s.Can(model.RightMailLogRead) }

// mailReady reports whether the mail views can show anything.
func (p *logsPane) mailReady() bool { return p.mailAllowed() && p.s.Spool != nil }

// mailBlocked is what the mail views say instead of their data when they
// cannot show it: no right, or no spool.
func (p *logsPane) mailBlocked() ([]string, bool) {
	st := p.s.Styles
	w := max(10, p.width-1)
	switch {
	case !p.mailAllowed():
		return wrapStyled(st.Error, p.s.T.Logs.MailRefused, w), true
	case p.s.Spool == nil:
		return wrapStyled(st.Warn, p.s.T.Mail.NoSpool, w), true
	}
	return nil, false
}

// reloadMail reads the mail log again, or marks that one more read is
// needed once the one under way lands.
func (p *logsPane) reloadMail() tea.Cmd {
	if !p.mailReady() {
		return nil
	}
	m := &p.mail
	if m.loading {
		m.dirty = true
		return nil
	}
	m.loading = true
	sp, actor, refused := p.s.Spool, p.s.Actor, p.s.T.Logs.MailRefused
	f := p.lists[logsMail].filter.mailFilter(p.lists[logsMail].limit + 1)
	return func() tea.Msg {
		if !model.HoldsAnywhere(actor, model.RightMailLogRead) {
			return logsMailLoadedMsg{err: model.Forbiddenf("%s", refused)}
		}
		recs, err := sp.SearchLog(f)
		msg := logsMailLoadedMsg{recs: recs, err: err}
		if len(recs) == f.Limit {
			msg.recs, msg.more = recs[:f.Limit-1], true
		}
		return msg
	}
}

func (p *logsPane) mailLoaded(msg logsMailLoadedMsg) tea.Cmd {
	m := &p.mail
	m.loading = false
	if m.dirty {
		m.dirty = false
		return p.reloadMail()
	}
	if msg.err != nil {
		m.err = p.s.ErrText(msg.err)
		return nil
	}
	sel := p.selectedKey(logsMail)
	m.recs, m.loaded, m.err = msg.recs, true, ""
	p.lists[logsMail].more = msg.more
	p.rebuild()
	p.reselect(logsMail, sel)
	return nil
}

// topSince is where the chosen range starts: midnight, days-1 days ago.
func (p *logsPane) topSince() time.Time {
	now := p.s.Now().Local()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local)
	return day.AddDate(0, 0, 1-logsTopRanges[p.top.rng])
}

// reloadTop counts the top senders and receivers of the company's domains
// for the chosen range.
func (p *logsPane) reloadTop() tea.Cmd {
	if !p.mailReady() {
		return nil
	}
	tp := &p.top
	if tp.loading {
		tp.dirty = true
		return nil
	}
	tp.loading = true
	sp, st, actor, refused := p.s.Spool, p.s.Store, p.s.Actor, p.s.T.Logs.MailRefused
	since := p.topSince()
	return func() tea.Msg {
		if !model.HoldsAnywhere(actor, model.RightMailLogRead) {
			return logsTopLoadedMsg{err: model.Forbiddenf("%s", refused)}
		}
		local := map[string]bool{}
		err := st.Read(func(r *store.Reader) error {
			ds, err := r.Domains()
			for _, d := range ds {
				local[d.Name] = true
			}
			return err
		})
		if err != nil {
			return logsTopLoadedMsg{err: err}
		}
		tops, err := sp.TopFor(since, time.Time{}, logsTopN, func(d string) bool { return local[d] })
		return logsTopLoadedMsg{tops: tops, since: since, err: err}
	}
}

func (p *logsPane) topLoaded(msg logsTopLoadedMsg) tea.Cmd {
	tp := &p.top
	tp.loading = false
	if tp.dirty {
		tp.dirty = false
		return p.reloadTop()
	}
	if msg.err != nil {
		tp.err = p.s.ErrText(msg.err)
		return nil
	}
	tp.tops, tp.since, tp.loaded, tp.err = msg.tops, msg.since, true, ""
	return nil
}

// topKey handles the top view's keys: the range, scrolling, reading again.
func (p *logsPane) topKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.s.Keys
	if !p.mailReady() {
		return nil
	}
	tp := &p.top
	page := max(1, p.height-len(p.head())-1)
	switch {
	case key.Matches(msg, k.Toggle):
		tp.rng = (tp.rng + 1) % len(logsTopRanges)
		tp.scroll = 0
		return p.reloadTop()
	case key.Matches(msg, k.Refresh):
		return p.reloadTop()
	case key.Matches(msg, k.Down):
		tp.scroll++
	case key.Matches(msg, k.Up):
		tp.scroll--
	case key.Matches(msg, k.PageDown):
		tp.scroll += page
	case key.Matches(msg, k.PageUp):
		tp.scroll -= page
	case key.Matches(msg, k.Top):
		tp.scroll = 0
	case key.Matches(msg, k.Bottom):
		tp.scroll = 1 << 30
	}
	return nil
}

func (p *logsPane) topHelp() []key.Binding {
	k := p.s.Keys
	if !p.mailReady() {
		return []key.Binding{k.NextView}
	}
	return []key.Binding{k.NextView, relabelKey(k.Toggle, "", p.s.T.Logs.KeyRange), k.Down, k.Up}
}

// rangeText is the top view's second line: the ranges, the chosen one
// marked.
func (p *logsPane) rangeText() string {
	t := p.s.T.Logs
	names := []string{t.RangeToday, p.s.Sprintf(t.RangeDays, 7), p.s.Sprintf(t.RangeDays, 30)}
	line := t.RangeLead + tabs(p.s.Styles, names, p.top.rng)
	if p.top.loaded && p.mailReady() {
		line += "  " + p.s.Styles.Subtle.Render(p.s.Sprintf(t.RangeFrom, p.top.since.Format("2006-01-02")))
	}
	return line
}

// topView draws each domain's top senders and receivers side by side.
func (p *logsPane) topView() []string {
	st := p.s.Styles
	t := p.s.T.Logs
	if body, ok := p.mailBlocked(); ok {
		return body
	}
	tp := &p.top
	switch {
	case tp.err != "":
		return wrapStyled(st.Error, tp.err, max(10, p.width-1))
	case !tp.loaded:
		return []string{st.Subtle.Render(p.s.T.Common.Loading)}
	case len(tp.tops) == 0:
		return []string{st.Subtle.Render(t.TopEmpty)}
	}
	// Half the pane each, but no wider than logsTopWidth: on a wide
	// screen a count stood 90 cells from its address.
	colW := max(20, min(logsTopWidth, (p.width-3)/2))
	column := func(es []store.TopEntry, i int) string {
		if i >= len(es) {
			return strings.Repeat(" ", colW)
		}
		n := strconv.Itoa(es[i].Count)
		rank := padRight(strconv.Itoa(i+1), 3)
		addrW := max(4, colW-3-1-lipgloss.Width(n))
		return rank + fitCell(st, logClean(string(es[i].Address)), addrW) + " " + n
	}
	var lines []string
	for di, d := range tp.tops {
		if di > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, st.Label.Bold(true).Render(d.Domain))
		lines = append(lines, st.TableHead.Render(padRight(t.TopSenders, colW))+"   "+st.TableHead.Render(t.TopReceivers))
		rows := max(len(d.Senders), len(d.Receivers))
		if rows == 0 {
			lines = append(lines, st.Subtle.Render(t.TopEmpty))
		}
		for i := range rows {
			lines = append(lines, truncate(column(d.Senders, i)+"   "+strings.TrimRight(column(d.Receivers, i), " "), p.width))
		}
	}
	room := max(1, p.height-len(p.head())-1)
	tp.scroll = max(0, min(tp.scroll, len(lines)-room))
	end := min(len(lines), tp.scroll+room)
	out := slices.Clone(lines[tp.scroll:end])
	for len(out) < room {
		out = append(out, "")
	}
	return append(out, st.Subtle.Render(truncate(p.s.Sprintf(t.Lines, tp.scroll+1, end, len(lines)), p.width)))
}

// mailCells are the mail log's rows as table cells.
func (p *logsPane) mailCells(layout string) [][]string {
	cells := make([][]string, len(p.mail.recs))
	for i, r := range p.mail.recs {
		from := mailFrom(r)
		first := ""
		if len(r.To) > 0 {
			first = r.To[0]
		}
		if p.narrow() {
			from, first = shortAddr(p.s, from), shortAddr(p.s, first)
		}
		cells[i] = logCleanAll(r.Time.Local().Format(layout), from, toText(p.s, first, r.Count), r.Subject,
			mailStatus(p.s, r.Status), r.ReasonText(p.s.Chinese()))
		if p.narrow() {
			cells[i] = cells[i][:5] // no reason column
		}
	}
	return cells
}

// mailFrom is who sent a logged message: the account, else the envelope
// sender, else the system.
func mailFrom(r store.MailRecord) string {
	switch {
	case r.Account != "":
		return string(r.Account)
	case r.From != "":
		return r.From
	}
	return r.System
}

// mailKind reads a kind as typed: the English word, or its Chinese name.
func mailKind(s *Session, typed string) string {
	typed = strings.TrimSpace(typed)
	low := strings.ToLower(typed)
	if slices.Contains(mailKinds, low) {
		return low
	}
	for _, k := range mailKinds {
		if typed == mailKindText(s, k) {
			return k
		}
	}
	return low
}

// mailKindText names a kind in the person's language.
func mailKindText(s *Session, kind string) string {
	switch kind {
	case "in", "out", "internal":
		return mailDirection(s, kind)
	}
	return mailStatus(s, kind)
}

// mailDetailLines are a mail-log record's lines.
func (p *logsPane) mailDetailLines(w int) []string {
	st := p.s.Styles
	t := p.s.T.Logs
	r := p.detail.mail
	none := func(v string) string { return logOrNone(p.s, v) }
	rows := [][2]string{
		{t.ColTime, r.Time.Local().Format("2006-01-02 15:04:05 -07:00")},
		{t.ColKind, mailDirection(p.s, r.Direction)},
		{t.ColDoor, none(r.Door)},
		{t.ColAccount, none(string(r.Account))},
		{t.ColFrom, none(r.From)},
		{t.ColSubject, none(r.Subject)},
		{t.ColSize, strconv.FormatInt(r.Size, 10)},
		{t.ColStatus, mailStatus(p.s, r.Status)},
		{t.ColReason, none(r.ReasonText(p.s.Chinese()))},
		{t.ColRules, none(strings.Join(r.Rules, ", "))},
	}
	if r.System != "" {
		rows = append(rows, [2]string{t.ColSystem, r.System})
	}
	out := p.fields(w, rows)
	out = append(out, "", st.Label.Render(p.s.Sprintf(t.ToAll, r.Count)))
	for _, a := range r.To {
		out = append(out, logWrapIndent(logClean(a), 2, w)...)
	}
	if len(r.To) < r.Count {
		out = append(out, "  "+st.Subtle.Render(p.s.Sprintf(t.ToMore, len(r.To), r.Count)))
	}
	if len(r.History) > 0 {
		out = append(out, "", st.Label.Render(t.History))
		for _, h := range r.HistoryText(p.s.Chinese()) {
			out = append(out, logWrapIndent(logClean(historyLine(p.s, h)), 2, w)...)
		}
	}
	return out
}

// historyLine is a line of a record's history ("held: why") with its state
// named in the person's language; English keeps the line as stored.
func historyLine(s *Session, line string) string {
	if !s.Chinese() {
		return line
	}
	status, why, ok := strings.Cut(line, ": ")
	if !ok {
		return mailStatus(s, line)
	}
	return mailStatus(s, status) + "：" + why
}

// exportMail writes the mail log that passes the filter as CSV.
func (p *logsPane) exportMail(name string) tea.Cmd {
	sp, actor, save, t := p.s.Spool, p.s.Actor, p.s.Export, p.s.T.Logs
	if sp == nil {
		p.exporting = false
		return flash(p.s.T.Mail.NoSpool, true)
	}
	f := p.lists[logsMail].filter.mailFilter(1 << 30)
	return func() tea.Msg {
		if !model.HoldsAnywhere(actor, model.RightMailLogRead) {
			return logsExportedMsg{err: model.Forbiddenf("%s", t.MailRefused)}
		}
		recs, err := sp.SearchLog(f)
		if err != nil {
			return logsExportedMsg{err: err}
		}
		rows := [][]string{{t.ColTime, "ID", t.ColKind, t.ColAccount, t.ColFrom, t.ColTo, t.ColCount, t.ColSubject, t.ColStatus, t.ColReason, t.ColRules}}
		for _, r := range recs {
			rows = append(rows, []string{r.Time.Local().Format(time.RFC3339), r.ID, r.Direction, string(r.Account), r.From,
				strings.Join(r.To, "; "), strconv.Itoa(r.Count), r.Subject, r.Status, r.Reason, strings.Join(r.Rules, ", ")})
		}
		where, err := save(name, logsCSV(rows))
		return logsExportedMsg{rows: len(rows) - 1, where: where, err: err}
	}
}
