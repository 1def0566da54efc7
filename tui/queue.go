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

// queueEvery is how often the queue is read again while it is on screen:
// the relay changes it without telling the directory.
const queueEvery = 3 * time.Second

// queueLimit is how many messages one tab lists, newest first.
const queueLimit = 500

// queueFirstTo is how many recipients a row reads to name the first.
const queueFirstTo = 1

// queueDetailRcpts is how many recipients the detail lists.
const queueDetailRcpts = 500

// queueTab is one tab of the queue: a status and how it is named.
type queueTab struct {
	name   string
	status store.MessageStatus
}

// queuePane is the mail queue. Those who manage it (admins) and those who
// read the mail log (auditors, read-only) see every message; a department
// head who has held mail to decide sees the same pane as "Held mail",
// narrowed to what waits for them. It lists messages by status, shows one
// with its recipients and why it is held or failed, and lets the person
// retry, release, reject (with a comment the sender reads) or drop, each
// after a confirmation. It reads the spool in tea.Cmds, every queueEvery
// while it is on screen and when the directory tells of a decision.
type queuePane struct {
	s             *Session
	width, height int

	approver bool // narrowed to the mail held for the person
	tab      int

	msgs    []*store.QueueMessage
	firstTo map[string]string // message id → its first recipient
	loaded  bool
	loading bool
	dirty   bool
	err     string

	cursor, top int

	shown   bool // on screen
	ticking bool // a reload tick is on its way
	tickGen int

	detail  *queueDetail
	confirm *queueConfirm
	form    *form // the reject comment
	target  *store.QueueMessage
	busy    bool
}

// queueDetail is the message open in the detail view.
type queueDetail struct {
	id    string
	msg   *store.QueueMessage
	rcpts []store.QueueRcpt
	err   string
	top   int
}

// queueConfirm is an action waiting for y or n.
type queueConfirm struct {
	action string
	msg    *store.QueueMessage
	text   string
}

// queueLoadedMsg carries one tab's messages.
type queueLoadedMsg struct {
	tab     int
	msgs    []*store.QueueMessage
	firstTo map[string]string
	err     error
}

// queueDetailMsg carries one message with its recipients.
type queueDetailMsg struct {
	id    string
	msg   *store.QueueMessage
	rcpts []store.QueueRcpt
	err   error
}

// queueDecidedMsg reports an action on the queue.
type queueDecidedMsg struct {
	action string
	id     string
	err    error
}

// queueTickMsg is the live reload coming due, for the pane that asked.
type queueTickMsg struct {
	pane *queuePane
	gen  int
}

// newQueuePane builds the Queue pane for those who manage or read the
// whole queue.
func newQueuePane(s *Session) *queuePane { return &queuePane{s: s} }

// newHeldPane builds the Held mail pane: the queue narrowed to the mail
// held for the person to decide.
func newHeldPane(s *Session) *queuePane { return &queuePane{s: s, approver: true} }

func (p *queuePane) ID() string { return "queue" }

func (p *queuePane) Title() string {
	if p.approver {
		return p.s.T.Nav.Held
	}
	return p.s.T.Nav.Queue
}

// full reports whether the person reads the whole queue.
func (p *queuePane) full() bool {
	return !p.approver && (p.s.Can(model.RightQueueManage) || p.s.Can(model.RightMailLogRead))
}

// manages reports whether the person may act on any message.
func (p *queuePane) manages() bool { return !p.approver && p.s.Can(model.RightQueueManage) }

// allowed reports whether there is anything here for the person.
func (p *queuePane) allowed() bool { return p.approver || p.full() }

func (p *queuePane) tabs() []queueTab {
	t := p.s.T.Queue
	if p.approver {
		return []queueTab{{t.TabWaiting, store.MsgHeld}, {t.TabAll, ""}}
	}
	return []queueTab{{t.TabAll, ""}, {t.TabQueued, store.MsgQueued}, {t.TabHeld, store.MsgHeld}, {t.TabBounced, store.MsgBounced}}
}

// filter is the spool's filter for a tab.
func (p *queuePane) filter(tab int) store.QueueFilter {
	f := store.QueueFilter{Status: p.tabs()[tab].status, Limit: queueLimit}
	if p.approver {
		f.Approver = p.s.Actor.Address
	}
	return f
}

func (p *queuePane) Init() tea.Cmd { return p.reload() }

// Shown starts the live reload when the pane comes on screen and lets it
// stop when it goes.
func (p *queuePane) Shown(on bool) tea.Cmd {
	p.shown = on
	if !on || p.ticking || p.s.Spool == nil || !p.allowed() {
		return nil
	}
	p.ticking = true
	p.tickGen++
	return tea.Batch(p.reload(), p.tick())
}

func (p *queuePane) tick() tea.Cmd {
	gen := p.tickGen
	return tea.Tick(queueEvery, func(time.Time) tea.Msg { return queueTickMsg{pane: p, gen: gen} })
}

// reload reads the current tab again, or marks that one more read is
// needed once the one under way lands.
func (p *queuePane) reload() tea.Cmd {
	if p.s.Spool == nil || !p.allowed() {
		return nil
	}
	if p.loading {
		p.dirty = true
		return nil
	}
	p.loading = true
	cmds := []tea.Cmd{p.load()}
	if p.detail != nil {
		cmds = append(cmds, p.loadDetail(p.detail.id))
	}
	return tea.Batch(cmds...)
}

// load reads the current tab's messages and the first recipient of each.
func (p *queuePane) load() tea.Cmd {
	sp, tab, f := p.s.Spool, p.tab, p.filter(p.tab)
	full, refused := p.full(), p.s.T.Queue.Refused
	me := p.s.Actor.Address
	return func() tea.Msg {
		msg := queueLoadedMsg{tab: tab, firstTo: map[string]string{}}
		if !full && f.Approver != me {
			msg.err = model.Forbiddenf("%s", refused)
			return msg
		}
		msg.msgs, msg.err = sp.List(f)
		if msg.err != nil {
			return msg
		}
		for _, m := range msg.msgs {
			rs, err := sp.RcptRange(m.ID, 0, queueFirstTo)
			if err != nil {
				msg.err = err
				return msg
			}
			if len(rs) > 0 {
				msg.firstTo[m.ID] = string(rs[0].Addr)
			}
		}
		return msg
	}
}

// loadDetail reads one message and its recipients.
func (p *queuePane) loadDetail(id string) tea.Cmd {
	sp, full, me := p.s.Spool, p.full(), p.s.Actor.Address
	refused := p.s.T.Queue.Refused
	return func() tea.Msg {
		msg := queueDetailMsg{id: id}
		m, err := sp.Message(id)
		if err != nil {
			msg.err = err
			return msg
		}
		if !full && m.Approver != me && m.DecidedBy != me {
			msg.err = model.Forbiddenf("%s", refused)
			return msg
		}
		msg.msg = m
		msg.rcpts, msg.err = sp.RcptRange(id, 0, queueDetailRcpts)
		return msg
	}
}

// decide authorises an action the way the queue commands do (the held
// message's approver may release or reject it; everything else needs
// queue.manage), acts on the spool, writes the decision to the operation
// log, then wakes the delivery or tells the sender.
func (p *queuePane) decide(action string, id, comment string) tea.Cmd {
	s := p.s
	sp, actor := s.Spool, s.Actor
	kick, notify := s.Kick, s.Notify
	return func() tea.Msg {
		msg := queueDecidedMsg{action: action, id: id}
		m, err := sp.Message(id)
		if err != nil {
			msg.err = err
			return msg
		}
		d := &store.QueueDecision{Action: action, ID: m.ID, Approver: m.Approver, From: m.From, Subject: m.Subject, Comment: comment}
		if msg.err = s.Store.Read(func(r *store.Reader) error { return d.Authorize(r, actor) }); msg.err != nil {
			return msg
		}
		var out *store.QueueMessage
		now := sp.Now()
		switch action {
		case "retry":
			err = sp.Retry(m.ID, now)
		case "release":
			out, err = sp.Release(m.ID, actor.Address, now)
		case "reject":
			out, err = sp.Reject(m.ID, actor.Address, comment, now)
		case "drop":
			if m.Status.Finished() {
				err = model.Conflictf("message %s is already %s; there is nothing to drop", m.ID, model.Word(m.Status))
				break
			}
			why := "dropped by " + string(actor.Address)
			if comment != "" {
				why += ": " + comment
			}
			err = sp.Finish(m.ID, store.MsgDropped, why)
		}
		if err != nil {
			msg.err = err
			return msg
		}
		if msg.err = s.Store.Apply(actor, d); msg.err != nil {
			return msg
		}
		switch action {
		case "retry", "release":
			if kick != nil {
				kick()
			}
		}
		if notify != nil && out != nil {
			switch action {
			case "release":
				notify("released", out, actor.Address, comment)
			case "reject":
				notify("rejected", out, actor.Address, comment)
			}
		}
		return msg
	}
}

func (p *queuePane) SetSize(w, h int) {
	p.width, p.height = w, h
	if p.form != nil {
		p.form.SetSize(w, h)
	}
	p.clamp()
}

func (p *queuePane) Capturing() bool { return p.form != nil || p.confirm != nil }

func (p *queuePane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case queueLoadedMsg:
		p.loading = false
		if p.dirty || msg.tab != p.tab {
			p.dirty = false
			return p, p.reload()
		}
		if msg.err != nil {
			p.err = p.s.ErrText(msg.err)
			return p, nil
		}
		sel := p.selectedID()
		p.msgs, p.firstTo, p.loaded, p.err = msg.msgs, msg.firstTo, true, ""
		p.reselect(sel)
		return p, nil
	case queueDetailMsg:
		if p.detail == nil || p.detail.id != msg.id {
			return p, nil
		}
		if msg.err != nil {
			p.detail.err = p.s.ErrText(msg.err)
			return p, nil
		}
		p.detail.msg, p.detail.rcpts, p.detail.err = msg.msg, msg.rcpts, ""
		return p, nil
	case queueDecidedMsg:
		p.busy = false
		if msg.err != nil {
			return p, tea.Batch(flash(p.s.ErrText(msg.err), true), p.reload())
		}
		t := p.s.T.Queue
		done := map[string]string{"retry": t.Retried, "release": t.Released, "reject": t.Rejected, "drop": t.Dropped}[msg.action]
		return p, tea.Batch(flash(p.s.Sprintf(done, msg.id), false), p.reload())
	case queueTickMsg:
		if msg.pane != p {
			return p, nil
		}
		if msg.gen != p.tickGen || !p.shown {
			p.ticking = false
			return p, nil
		}
		return p, tea.Batch(p.reload(), p.tick())
	case storeChangedMsg:
		if msg.onlyLogins() {
			return p, nil
		}
		return p, p.reload()
	case tea.KeyPressMsg:
		if !p.allowed() || p.s.Spool == nil {
			return p, nil
		}
		switch {
		case p.form != nil:
			return p.formKey(msg)
		case p.confirm != nil:
			return p.confirmKey(msg)
		case p.detail != nil:
			return p.detailKey(msg)
		}
		return p.listKey(msg)
	}
	if p.form != nil {
		_, cmd := p.form.Update(msg)
		return p, cmd
	}
	return p, nil
}

// selectedID is the id of the message under the cursor, "" if none.
func (p *queuePane) selectedID() string {
	if p.cursor < len(p.msgs) {
		return p.msgs[p.cursor].ID
	}
	return ""
}

// reselect keeps the cursor on the message it was on.
func (p *queuePane) reselect(id string) {
	if id != "" {
		for i, m := range p.msgs {
			if m.ID == id {
				p.top += i - p.cursor
				p.cursor = i
				break
			}
		}
	}
	p.clamp()
}

// selected is the message under the cursor (the open one in the detail).
func (p *queuePane) selected() *store.QueueMessage {
	if p.detail != nil {
		return p.detail.msg
	}
	if p.cursor < len(p.msgs) {
		return p.msgs[p.cursor]
	}
	return nil
}

// may reports whether the person may take an action on a message now.
func (p *queuePane) may(action string, m *store.QueueMessage) bool {
	if m == nil || p.busy {
		return false
	}
	mine := m.Approver != "" && m.Approver == p.s.Actor.Address
	switch action {
	case "retry":
		return p.manages() && m.Status == store.MsgQueued
	case "release", "reject":
		return (p.manages() || mine) && m.Status == store.MsgHeld
	case "drop":
		return p.manages() && !m.Status.Finished()
	}
	return false
}

// actionKey starts an action: a confirmation, or the reject form.
func (p *queuePane) actionKey(msg tea.KeyPressMsg) (bool, tea.Cmd) {
	k := p.s.Keys
	t := p.s.T.Queue
	m := p.selected()
	ask := func(action, text string) {
		p.confirm = &queueConfirm{action: action, msg: m, text: text}
	}
	switch {
	case key.Matches(msg, k.Retry) && p.may("retry", m):
		ask("retry", p.s.Sprintf(t.ConfirmRetry, m.ID))
	case key.Matches(msg, k.Release) && p.may("release", m):
		ask("release", p.s.Sprintf(t.ConfirmRelease, queueSender(m), quoteSubject(p.s, m.Subject)))
	case key.Matches(msg, k.Delete) && p.may("drop", m):
		ask("drop", p.s.Sprintf(t.ConfirmDrop, m.ID, quoteSubject(p.s, m.Subject)))
	case key.Matches(msg, k.Reject) && p.may("reject", m):
		f := newForm(p.s, t.RejectTitle)
		f.intro = p.s.Sprintf(t.RejectIntro, queueSender(m), quoteSubject(p.s, m.Subject))
		f.add("comment", t.Comment, "", false, t.CommentHint)
		f.SetSize(p.width, p.height)
		p.form, p.target = f, m
		return true, nil
	default:
		return false, nil
	}
	return true, nil
}

func (p *queuePane) confirmKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	c := p.confirm
	p.confirm = nil
	if msg.Text == "y" || msg.Text == "Y" {
		p.busy = true
		return p, p.decide(c.action, c.msg.ID, "")
	}
	return p, nil
}

func (p *queuePane) formKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	if p.busy {
		return p, nil
	}
	res, cmd := p.form.Update(msg)
	switch res {
	case formCancelled:
		p.form, p.target = nil, nil
	case formSubmitted:
		p.form.clearErrors()
		comment := p.form.value("comment")
		if comment == "" {
			p.form.setError("comment", p.s.T.Queue.CommentNeeded)
			return p, nil
		}
		id := p.target.ID
		p.form, p.target, p.busy = nil, nil, true
		return p, p.decide("reject", id, comment)
	}
	return p, cmd
}

func (p *queuePane) listKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	n := len(p.msgs)
	page := max(1, p.listRows())
	if ok, cmd := p.actionKey(msg); ok {
		return p, cmd
	}
	switch {
	case key.Matches(msg, k.Tab), key.Matches(msg, k.NextView):
		p.switchTab((p.tab + 1) % len(p.tabs()))
		return p, p.reload()
	case key.Matches(msg, k.ShiftTab):
		p.switchTab((p.tab + len(p.tabs()) - 1) % len(p.tabs()))
		return p, p.reload()
	case key.Matches(msg, k.Refresh):
		return p, p.reload()
	case cursorKey(k, msg, &p.cursor, &p.top, n, page):
	case key.Matches(msg, k.Enter) && n > 0:
		m := p.msgs[p.cursor]
		p.detail = &queueDetail{id: m.ID, msg: m}
		return p, p.loadDetail(m.ID)
	}
	p.clamp()
	return p, nil
}

// switchTab shows another tab, empty until its messages arrive.
func (p *queuePane) switchTab(tab int) {
	p.tab = tab
	p.msgs, p.firstTo, p.loaded = nil, nil, false
	p.cursor, p.top = 0, 0
}

func (p *queuePane) detailKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	d := p.detail
	if ok, cmd := p.actionKey(msg); ok {
		return p, cmd
	}
	lines := len(p.detailLines())
	page := p.detailRows()
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Enter):
		p.detail = nil
		return p, nil
	case key.Matches(msg, k.Refresh):
		return p, p.reload()
	}
	if top, ok := scrollKey(k, msg, d.top, lines, page); ok {
		d.top = top
	}
	d.top = max(0, min(d.top, lines-page))
	return p, nil
}

// clamp keeps the cursor on a message and in sight.
func (p *queuePane) clamp() {
	p.cursor, p.top = inSight(p.cursor, p.top, len(p.msgs), max(1, p.listRows()))
}

// narrow reports whether the table must save room.
func (p *queuePane) narrow() bool { return p.width < 100 }

// head is the pane's first lines: its name and the tabs.
func (p *queuePane) head() []string {
	names := make([]string, 0, 4)
	for _, tb := range p.tabs() {
		names = append(names, tb.name)
	}
	out := []string{truncate(p.s.Styles.Title.Render(p.Title())+"  "+tabs(p.s.Styles, names, p.tab), p.width)}
	note := p.s.T.Queue.Live
	if !p.manages() && !p.approver {
		note = p.s.T.Queue.ReadOnly + "  " + note
	}
	return append(out, p.s.Styles.Subtle.Render(truncate(note, p.width)))
}

// listRows is how many messages fit under the head, the table header and
// the footer (and the confirmation, while one is asked).
func (p *queuePane) listRows() int {
	n := p.height - len(p.head()) - 2
	if p.confirm != nil {
		n -= 1 + len(wrapStyled(p.s.Styles.Warn, p.confirm.text, max(10, p.width-1)))
	}
	return n
}

// columns are the table's headings with each column's narrowest and soft
// widths.
func (p *queuePane) columns() (heads []string, mins, soft []int) {
	t := p.s.T.Queue
	tw := lipgloss.Width(mailTime(time.Unix(0, 0), true))
	if p.narrow() {
		return []string{t.ColReceived, t.ColFrom, t.ColTo, t.ColSubject, t.ColStatus, t.ColAttempts},
			[]int{tw, 8, 8, 8, 4, 2}, []int{0, 12, 14, 0, 0, 0}
	}
	// The subject stops at 40 cells until the addresses are whole: on a
	// wide screen a long subject took all the room and cut them.
	return []string{t.ColID, t.ColReceived, t.ColFrom, t.ColTo, t.ColSubject, t.ColStatus, t.ColAttempts, t.ColNext},
		[]int{8, tw, 10, 10, 8, 4, 2, 5}, []int{8, 0, 20, 22, 40, 0, 0, 0}
}

// cells are one message's cells, in the order of columns.
func (p *queuePane) cells(m *store.QueueMessage) []string {
	narrow := p.narrow()
	from, first := queueSender(m), p.firstTo[m.ID]
	if narrow {
		from, first = shortAddr(p.s, from), shortAddr(p.s, first)
	}
	to := toText(p.s, logClean(first), m.Rcpts)
	status := mailStatus(p.s, string(m.Status))
	attempts := strconv.Itoa(m.Attempts)
	subject := logClean(m.Subject)
	if narrow {
		return logCleanAll(mailTime(m.Received, true), from, to, subject, status, attempts)
	}
	next := "-"
	if !m.NextAttempt.IsZero() {
		next = m.NextAttempt.Local().Format("15:04")
		if m.NextAttempt.Local().YearDay() != p.s.Now().Local().YearDay() {
			next = m.NextAttempt.Local().Format("01-02 15:04")
		}
	}
	return logCleanAll(m.ID[max(0, len(m.ID)-8):], mailTime(m.Received, true), from, to, subject, status, attempts, next)
}

// queueSender is who sent a message: the account, else the envelope
// sender, else the system (a bounce has none).
func queueSender(m *store.QueueMessage) string {
	switch {
	case m.Account != "":
		return string(m.Account)
	case m.From != "":
		return m.From
	}
	return m.System
}

// quoteSubject is a subject in quotation marks, or "(no subject)".
func quoteSubject(s *Session, subject string) string {
	if strings.TrimSpace(subject) == "" {
		return s.T.Mail.NoSubject
	}
	return s.Sprintf(s.T.Mail.Quoted, logClean(subject))
}

func (p *queuePane) View() string {
	st := p.s.Styles
	t := p.s.T.Queue
	wrap := func(style lipgloss.Style, text string) string {
		return strings.Join(wrapStyled(style, text, max(10, p.width-1)), "\n")
	}
	switch {
	case !p.allowed():
		return st.Title.Render(p.Title()) + "\n\n" + wrap(st.Error, t.Refused)
	case p.s.Spool == nil:
		return st.Title.Render(p.Title()) + "\n\n" + wrap(st.Warn, p.s.T.Mail.NoSpool)
	case p.form != nil:
		v := p.form.View()
		if p.busy {
			v += "\n\n" + st.Subtle.Render(p.s.T.Common.Loading)
		}
		return v
	case p.detail != nil:
		return p.detailView()
	}
	out := p.head()
	switch {
	case p.err != "":
		out = append(out, wrap(st.Error, p.err))
	case !p.loaded:
		out = append(out, st.Subtle.Render(p.s.T.Common.Loading))
	case len(p.msgs) == 0:
		empty := t.Empty
		if p.approver {
			empty = t.EmptyHeld
		}
		out = append(out, st.Subtle.Render(empty))
	default:
		out = append(out, p.table()...)
	}
	return strings.Join(append(out, p.confirmLines()...), "\n")
}

// confirmLines is the question of an action waiting for y or n.
func (p *queuePane) confirmLines() []string {
	switch {
	case p.confirm != nil:
		return append([]string{""}, wrapStyled(p.s.Styles.Warn, p.confirm.text, max(10, p.width-1))...)
	case p.busy:
		return []string{"", p.s.Styles.Subtle.Render(p.s.T.Queue.Working)}
	}
	return nil
}

// table draws the header, the rows in sight and the footer.
func (p *queuePane) table() []string {
	st := p.s.Styles
	sep := 2
	if p.narrow() {
		sep = 1
	}
	gap := strings.Repeat(" ", sep)
	heads, mins, soft := p.columns()
	cells := make([][]string, len(p.msgs))
	for i, m := range p.msgs {
		cells[i] = p.cells(m)
	}
	widths := fitColumns(p.width-2, sep, heads, mins, soft, widest(heads, cells))
	out := []string{"  " + st.TableHead.Render(strings.TrimRight(tableRow(st, heads, widths, gap), " "))}
	rows := max(1, p.listRows())
	end := min(len(cells), p.top+rows)
	to := slices.Index(heads, p.s.T.Queue.ColTo)
	for i := p.top; i < end; i++ {
		// The count of recipients stays when the first one is cut.
		m := p.msgs[i]
		first := p.firstTo[m.ID]
		if p.narrow() {
			first = shortAddr(p.s, first)
		}
		cells[i][to] = fitKeepTail(st, logClean(first), rcptTail(p.s, m.Rcpts), widths[to])
		mark := "  "
		if i == p.cursor {
			mark = st.Bullet + " "
		}
		line := truncate(mark+tableRow(st, cells[i], widths, gap), p.width)
		if i == p.cursor {
			line = st.Selected.Render(padRight(line, p.width))
		}
		out = append(out, line)
	}
	foot := p.s.Sprintf(p.s.T.Queue.Rows, p.top+1, end, len(cells))
	if len(cells) >= queueLimit {
		foot = p.s.Sprintf(p.s.T.Queue.RowsCapped, p.top+1, end, len(cells))
	}
	return append(out, st.Subtle.Render(truncate(foot, p.width)))
}

// detailRows is how many lines of the detail fit under its title and
// above the footer.
func (p *queuePane) detailRows() int {
	n := p.height - 3
	if p.confirm != nil || p.busy {
		n -= len(p.confirmLines())
	}
	return max(1, n)
}

func (p *queuePane) detailView() string {
	st := p.s.Styles
	t := p.s.T.Queue
	d := p.detail
	lines := p.detailLines()
	rows := p.detailRows()
	top := max(0, min(d.top, len(lines)-rows))
	end := min(len(lines), top+rows)
	out := []string{st.Title.Render(truncate(p.s.Sprintf(t.DetailTitle, d.id), p.width)), ""}
	out = append(out, lines[top:end]...)
	for len(out) < rows+2 {
		out = append(out, "")
	}
	out = append(out, st.Subtle.Render(truncate(p.s.Sprintf(p.s.T.Logs.Lines, top+1, end, len(lines)), p.width)))
	return strings.Join(append(out, p.confirmLines()...), "\n")
}

// detailLines are the open message's lines, wrapped to the pane.
func (p *queuePane) detailLines() []string {
	st := p.s.Styles
	t := p.s.T.Queue
	d := p.detail
	w := max(20, p.width)
	if d.err != "" {
		return wrapStyled(st.Error, d.err, w-1)
	}
	m := d.msg
	if m == nil {
		return []string{st.Subtle.Render(p.s.T.Common.Loading)}
	}
	none := p.s.T.Common.None
	or := func(s string) string {
		if s == "" {
			return none
		}
		return s
	}
	rows := [][2]string{
		{t.Status, mailStatus(p.s, string(m.Status))},
		{t.Received, mailTime(m.Received, false)},
		{t.From, queueSender(m)},
	}
	if m.HeaderFrom != "" && m.HeaderFrom != m.From {
		rows = append(rows, [2]string{t.HeaderFrom, m.HeaderFrom})
	}
	rows = append(rows,
		[2]string{t.Subject, or(m.Subject)},
		[2]string{t.Door, strings.TrimSpace(or(m.Door) + " " + m.Source)},
		[2]string{t.Size, strconv.FormatInt(m.Size, 10)},
		[2]string{t.Recipients, p.s.Sprintf(t.Counts, m.Rcpts, m.Pending, m.Delivered, m.Failed)},
		[2]string{t.Attempts, strconv.Itoa(m.Attempts)},
		[2]string{t.Next, mailTime(m.NextAttempt, false)},
	)
	if m.Status != store.MsgHeld {
		// Held mail's lifetime starts when it is released.
		rows = append(rows, [2]string{t.Expires, mailTime(m.Expires, false)})
	}
	if m.Approver != "" {
		rows = append(rows, [2]string{t.Approver, string(m.Approver)})
	}
	if m.Status == store.MsgHeld && !m.HoldUntil.IsZero() {
		then := t.ThenRelease
		if m.OnExpiry == "reject" {
			then = t.ThenReject
		}
		rows = append(rows, [2]string{t.HoldUntil, p.s.Sprintf(then, mailTime(m.HoldUntil, false))})
	}
	if m.Decision != "" {
		dec := p.s.Sprintf(t.DecidedBy, mailStatus(p.s, m.Decision), decider(m.DecidedBy), mailTime(m.Decided, false))
		if m.Comment != "" {
			dec += ": " + m.Comment
		}
		rows = append(rows, [2]string{t.Decision, dec})
	}
	if len(m.Rules) > 0 {
		rows = append(rows, [2]string{t.Rules, strings.Join(m.Rules, ", ")})
	}
	if m.LastError != "" {
		rows = append(rows, [2]string{t.LastError, m.LastError})
	}
	lp := &logsPane{s: p.s}
	out := lp.fields(w, rows)
	out = append(out, "", st.Label.Render(t.Reasons))
	if len(m.Reasons) == 0 {
		out = append(out, "  "+st.Subtle.Render(none))
	}
	for _, r := range m.ReasonsText(p.s.Chinese()) {
		out = append(out, logWrapIndent(logClean("- "+r), 2, w)...)
	}
	out = append(out, "", st.Label.Render(p.s.Sprintf(t.RcptTitle, m.Rcpts)))
	out = append(out, p.rcptTable(d.rcpts, m.Status == store.MsgHeld, w)...)
	if len(d.rcpts) < m.Rcpts {
		out = append(out, st.Subtle.Render(p.s.Sprintf(t.RcptMore, len(d.rcpts), m.Rcpts)))
	}
	return out
}

// rcptTable lists recipients with their states, one line each. Held
// mail has no next attempt: it waits for a decision, not for a time.
func (p *queuePane) rcptTable(rs []store.QueueRcpt, held bool, w int) []string {
	st := p.s.Styles
	t := p.s.T.Queue
	heads := []string{t.ColRcpt, t.ColStatus, t.ColAttempts, t.ColNext, t.ColError}
	cells := make([][]string, len(rs))
	for i, r := range rs {
		addr := string(r.Addr)
		if r.Folder != "" {
			addr += " (" + r.Folder + ")"
		}
		next := "-"
		if r.Status == store.RcptPending && !r.NextAttempt.IsZero() && !held {
			next = mailTime(r.NextAttempt, true)
		}
		cells[i] = logCleanAll(addr, rcptStatus(p.s, r.Status), strconv.Itoa(r.Attempts), next, r.LastError)
	}
	widths := fitColumns(w-2, 1, heads, []int{12, 4, 2, 5, 6}, []int{30, 0, 0, 0, 0}, widest(heads, cells))
	out := []string{"  " + st.TableHead.Render(strings.TrimRight(tableRow(st, heads, widths, " "), " "))}
	for _, c := range cells {
		out = append(out, "  "+tableRow(st, c, widths, " "))
	}
	return out
}

// decider names who decided a held message; the sweeper has no address.
func decider(a model.Address) string {
	if a == "" {
		return "postroom"
	}
	return string(a)
}

func (p *queuePane) Cursor() *tea.Cursor {
	if p.form == nil {
		return nil
	}
	c := p.form.Cursor()
	return c
}

// actionKeys are the actions that work on a message now.
func (p *queuePane) actionKeys(m *store.QueueMessage) []key.Binding {
	k := p.s.Keys
	t := p.s.T.Queue
	var out []key.Binding
	if p.may("release", m) {
		out = append(out, k.Release, k.Reject)
	}
	if p.may("retry", m) {
		out = append(out, k.Retry)
	}
	if p.may("drop", m) {
		out = append(out, relabelKey(k.Delete, "", t.KeyDrop))
	}
	return out
}

func (p *queuePane) ShortHelp() []key.Binding {
	k := p.s.Keys
	switch {
	case !p.allowed() || p.s.Spool == nil:
		return nil
	case p.form != nil:
		return p.form.ShortHelp()
	case p.confirm != nil:
		return []key.Binding{relabelKey(k.Enter, "y/n", p.s.T.Common.Confirm)}
	case p.detail != nil:
		return append(p.actionKeys(p.selected()), k.Back, k.Down, k.Up)
	}
	out := []key.Binding{relabelKey(k.Tab, "", p.s.T.Queue.KeyTab)}
	if len(p.msgs) > 0 {
		out = append(out, k.Enter)
	}
	return append(append(out, p.actionKeys(p.selected())...), k.Down, k.Up)
}

func (p *queuePane) FullHelp() [][]key.Binding {
	k := p.s.Keys
	short := p.ShortHelp()
	if p.Capturing() || short == nil {
		return [][]key.Binding{short}
	}
	return [][]key.Binding{short, {k.PageDown, k.PageUp, k.Top, k.Bottom, k.Refresh}}
}
