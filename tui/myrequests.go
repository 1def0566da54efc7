package tui

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"postroom/model"
	"postroom/store"
)

// myRequestsPane lists the requests the person filed, newest first, with
// where each stands and whom it waits for (REQ-4); the detail shows the
// whole chain with every step's decision and comment. The person files a
// new request here (n, myrequests_new.go) and withdraws a pending one (w,
// then y to confirm).
type myRequestsPane struct {
	s             *Session
	width, height int

	// withdraw and yes are the pane's own keys: w asks, y confirms; file
	// opens a new request.
	withdraw, yes, file key.Binding
	// filing is the new request being filed, while it is; resets says
	// the request policy routes password resets through approval.
	filing *requestFiling
	resets bool
	// confirm is the request waiting for y to be withdrawn.
	confirm *model.Request

	reqs    []*model.Request
	loaded  bool
	loading bool
	dirty   bool
	err     string

	cursor, top int
	detail      *myRequestDetail

	// onScreen says the pane is in sight; stale that a change to the
	// person's requests came while it was not, to be read when it comes
	// back. Everyone has this pane: out of sight it reads nothing.
	onScreen, stale bool
}

// myRequestDetail is the request open in the detail, read fresh.
type myRequestDetail struct {
	id    uint64
	req   *model.Request
	names requestNames
	err   string
	top   int
}

// myRequestsLoadedMsg carries the person's requests.
type myRequestsLoadedMsg struct {
	pane   *myRequestsPane
	reqs   []*model.Request
	resets bool
	err    error
}

// myRequestDetailMsg carries one request with the names it shows.
type myRequestDetailMsg struct {
	pane  *myRequestsPane
	id    uint64
	req   *model.Request
	names requestNames
	err   error
}

func newMyRequestsPane(s *Session) *myRequestsPane {
	t := s.T.Requests
	return &myRequestsPane{s: s,
		withdraw: key.NewBinding(key.WithKeys("w"), key.WithHelp("w", t.KeyWithdraw)),
		yes:      key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", t.KeyYes)),
		file:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", t.KeyNew)),
	}
}

func (p *myRequestsPane) ID() string    { return "myrequests" }
func (p *myRequestsPane) Title() string { return p.s.T.Requests.NavMine }

func (p *myRequestsPane) Init() tea.Cmd { return p.reload() }

// Shown reads the requests again when the pane comes back on screen after
// a change to them.
func (p *myRequestsPane) Shown(on bool) tea.Cmd {
	p.onScreen = on
	if !on || !p.stale {
		return nil
	}
	p.stale = false
	return p.reload()
}

// concerns reports whether a change may touch the person's requests: one
// of those listed, or one filed since (a higher id), or a change that
// names none.
func (p *myRequestsPane) concerns(m storeChangedMsg) bool {
	var newest uint64
	for _, q := range p.reqs {
		newest = max(newest, q.ID)
	}
	for _, e := range m.events {
		if e.Kind != "request" && e.Kind != "queue" {
			continue
		}
		id, err := strconv.ParseUint(e.Key, 10, 64)
		if e.Kind == "queue" || err != nil || id > newest || !p.loaded {
			return true
		}
		if slices.ContainsFunc(p.reqs, func(q *model.Request) bool { return q.ID == id }) {
			return true
		}
	}
	return false
}

func (p *myRequestsPane) reload() tea.Cmd {
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

// load reads the requests the person filed.
func (p *myRequestsPane) load() tea.Cmd {
	st, me := p.s.Store, p.s.Actor.Address
	return func() tea.Msg {
		msg := myRequestsLoadedMsg{pane: p}
		msg.err = st.Read(func(r *store.Reader) error {
			var err error
			msg.reqs, err = r.Requests(store.RequestFilter{Keep: func(q *model.Request) bool { return q.Requester == me }})
			if err != nil {
				return err
			}
			pol, err := r.RequestPolicy()
			msg.resets = pol.Resets
			return err
		})
		return msg
	}
}

// loadDetail reads one of the person's requests again, with names.
func (p *myRequestsPane) loadDetail(id uint64) tea.Cmd {
	st, me, now := p.s.Store, p.s.Actor.Address, p.s.Now()
	return func() tea.Msg {
		msg := myRequestDetailMsg{pane: p, id: id}
		msg.err = st.Read(func(r *store.Reader) error {
			q, err := r.Request(id)
			if err != nil {
				return err
			}
			if q.Requester != me {
				return model.NotFoundf("no request %d: request list shows the requests you may see", id)
			}
			msg.req, msg.names = q, readRequestNames(r, q, now)
			return nil
		})
		return msg
	}
}

func (p *myRequestsPane) SetSize(w, h int) {
	p.width, p.height = w, h
	if p.filing != nil && p.filing.form != nil {
		p.filing.form.SetSize(w, h)
	}
	p.clamp()
}

func (p *myRequestsPane) Capturing() bool { return p.confirm != nil || p.filing != nil }

// Cursor is the form's text cursor while a request is being filed.
func (p *myRequestsPane) Cursor() *tea.Cursor {
	if p.filing != nil && p.filing.form != nil {
		return p.filing.form.Cursor()
	}
	return nil
}

// selected is the request under the cursor, or open in the detail.
func (p *myRequestsPane) selected() *model.Request {
	if p.detail != nil {
		return p.detail.req
	}
	if p.cursor < len(p.reqs) {
		return p.reqs[p.cursor]
	}
	return nil
}

// canWithdraw reports whether the selected request may be withdrawn now:
// it is still pending (it is the person's own, as every one listed is).
func (p *myRequestsPane) canWithdraw() bool {
	q := p.selected()
	return q != nil && q.StateAt(p.s.Now()) == model.RequestPending
}

// confirmKey answers the withdrawal question: y withdraws, anything else
// keeps the request.
func (p *myRequestsPane) confirmKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	q := p.confirm
	p.confirm = nil
	if !key.Matches(msg, p.yes) {
		return p, nil
	}
	return p, p.s.apply(p.ID(), "withdraw", &model.WithdrawRequest{ID: q.ID})
}

func (p *myRequestsPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case myRequestsLoadedMsg:
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
		var sel uint64
		if p.cursor < len(p.reqs) {
			sel = p.reqs[p.cursor].ID
		}
		p.reqs, p.loaded, p.err, p.resets = msg.reqs, true, "", msg.resets
		for i, q := range p.reqs {
			if q.ID == sel {
				p.top += i - p.cursor
				p.cursor = i
			}
		}
		p.clamp()
		return p, nil
	case requestFiledMsg:
		if msg.pane != p {
			return p, nil
		}
		return p.filed(msg)
	case myRequestDetailMsg:
		if msg.pane != p || p.detail == nil || p.detail.id != msg.id {
			return p, nil
		}
		if msg.err != nil {
			p.detail.err = p.s.ErrText(msg.err)
			return p, nil
		}
		p.detail.req, p.detail.names, p.detail.err = msg.req, msg.names, ""
		return p, nil
	case storeChangedMsg:
		switch {
		case !p.concerns(msg):
			return p, nil
		case !p.onScreen:
			p.stale = true
			return p, nil
		}
		return p, p.reload()
	case appliedMsg:
		if msg.pane != p.ID() || msg.tag != "withdraw" {
			return p, nil
		}
		if msg.err != nil {
			return p, flash(p.s.ErrText(msg.err), true)
		}
		var id uint64
		if c, ok := msg.change.(*model.WithdrawRequest); ok {
			id = c.ID
		}
		return p, tea.Batch(flash(p.s.Sprintf(p.s.T.Requests.DidWithdraw, id), false), p.reload())
	case tea.KeyPressMsg:
		switch {
		case p.filing != nil:
			return p.filingKey(msg)
		case p.confirm != nil:
			return p.confirmKey(msg)
		case key.Matches(msg, p.file):
			p.startFiling()
			return p, nil
		case key.Matches(msg, p.withdraw) && p.canWithdraw():
			p.confirm = p.selected()
			return p, nil
		case p.detail != nil:
			return p.detailKey(msg)
		}
		return p.listKey(msg)
	}
	return p, nil
}

func (p *myRequestsPane) listKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	n := len(p.reqs)
	page := max(1, p.listRows())
	switch {
	case key.Matches(msg, k.Refresh):
		return p, p.reload()
	case cursorKey(k, msg, &p.cursor, &p.top, n, page):
	case key.Matches(msg, k.Enter) && n > 0:
		q := p.reqs[p.cursor]
		p.detail = &myRequestDetail{id: q.ID, req: q}
		return p, p.loadDetail(q.ID)
	}
	p.clamp()
	return p, nil
}

func (p *myRequestsPane) detailKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	d := p.detail
	lines := len(p.detailLines())
	rows := max(1, p.height-3)
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Enter):
		p.detail = nil
		return p, nil
	case key.Matches(msg, k.Refresh):
		return p, p.reload()
	}
	if top, ok := scrollKey(k, msg, d.top, lines, rows); ok {
		d.top = top
	}
	d.top = clampTop(d.top, lines, rows)
	return p, nil
}

func (p *myRequestsPane) clamp() {
	p.cursor, p.top = inSight(p.cursor, p.top, len(p.reqs), max(1, p.listRows()))
}

// listRows is how many requests fit under the title, the table header and
// the footer.
func (p *myRequestsPane) listRows() int { return p.height - 3 }

func (p *myRequestsPane) narrow() bool { return p.width < 100 }

func (p *myRequestsPane) columns() (heads []string, mins, soft []int) {
	t := p.s.T.Requests
	tw := cellWidth(mailTime(time.Unix(0, 0), true))
	if p.narrow() {
		return []string{t.ColID, t.ColKind, t.ColAbout, t.ColState, t.ColWaitingOn}, []int{3, 4, 8, 4, 8}, []int{6, 10, 24, 0, 0}
	}
	return []string{t.ColID, t.ColFiled, t.ColKind, t.ColAbout, t.ColState, t.ColStep, t.ColWaitingOn},
		[]int{3, tw, 4, 12, 4, 6, 8}, []int{8, 0, 12, 44, 0, 0, 0}
}

// cells are one request's cells: where it stands, and whom it waits for
// while it is pending.
func (p *myRequestsPane) cells(q *model.Request) []string {
	t := p.s.T.Requests
	state := q.StateAt(p.s.Now())
	on, step := "-", "-"
	if i := q.Current(); state == model.RequestPending && i < len(q.Steps) {
		on = stepShort(p.s, q.Steps[i], p.narrow())
		step = p.s.Sprintf(t.StepOf, i+1, len(q.Steps))
	}
	about := requestAbout(p.s, q, p.narrow())
	if p.narrow() {
		return logCleanAll(strconv.FormatUint(q.ID, 10), kindName(p.s, string(q.Kind)), about, stateName(p.s, state), on)
	}
	return logCleanAll(strconv.FormatUint(q.ID, 10), mailTime(q.Filed, true), kindName(p.s, string(q.Kind)), about,
		stateName(p.s, state), step, on)
}

func (p *myRequestsPane) View() string {
	st := p.s.Styles
	t := p.s.T.Requests
	if p.filing != nil {
		return p.filingView()
	}
	if p.detail != nil {
		title := p.s.Sprintf(t.DetailTitle, p.detail.id, kindName(p.s, string(p.detail.req.Kind)))
		return scrollView(p.s, title, p.detailLines(), p.detail.top, p.width, p.height, p.question())
	}
	out := []string{st.Title.Render(ellipsize(st, p.Title(), p.width))}
	switch {
	case p.err != "":
		out = append(out, wrapStyled(st.Error, p.err, max(10, p.width-1))...)
	case !p.loaded:
		out = append(out, st.Subtle.Render(p.s.T.Common.Loading))
	case len(p.reqs) == 0:
		out = append(out, wrapStyled(st.Subtle, p.s.Sprintf(t.MineEmpty, p.file.Help().Key), max(10, p.width-1))...)
	default:
		out = append(out, p.table()...)
	}
	return strings.Join(out, "\n")
}

func (p *myRequestsPane) table() []string {
	st := p.s.Styles
	heads, mins, soft := p.columns()
	rows := max(1, p.listRows())
	end := min(len(p.reqs), p.top+rows)
	cells := make([][]string, 0, end-p.top)
	for i := p.top; i < end; i++ {
		cells = append(cells, p.cells(p.reqs[i]))
	}
	out := cursorTable(st, p.width, p.narrow(), heads, mins, soft, cells, p.top, p.cursor)
	if q := p.question(); q != nil {
		return append(out, q...)
	}
	foot := p.s.Sprintf(p.s.T.Requests.Rows, p.top+1, end, len(p.reqs))
	return append(out, st.Subtle.Render(ellipsize(st, foot, p.width)))
}

// question is the withdrawal question on one line, while it waits.
func (p *myRequestsPane) question() []string {
	if p.confirm == nil {
		return nil
	}
	st := p.s.Styles
	text := p.s.Sprintf(p.s.T.Requests.ConfirmWithdraw, p.confirm.ID, requestAbout(p.s, p.confirm, true))
	return []string{st.Warn.Render(ellipsize(st, text, p.width))}
}

func (p *myRequestsPane) detailLines() []string {
	st := p.s.Styles
	d := p.detail
	w := max(20, p.width)
	switch {
	case d.err != "":
		return wrapStyled(st.Error, d.err, w-1)
	case d.names.people == nil:
		return []string{st.Subtle.Render(p.s.T.Common.Loading)}
	}
	return requestDetailLines(p.s, d.names, d.req, w)
}

func (p *myRequestsPane) ShortHelp() []key.Binding {
	k := p.s.Keys
	var out []key.Binding
	switch {
	case p.filing != nil:
		return p.filingHelp()
	case p.confirm != nil:
		return []key.Binding{p.yes, k.Back}
	case p.detail != nil:
		out = []key.Binding{k.Back, k.Down, k.Up}
	case len(p.reqs) == 0:
		return []key.Binding{p.file, k.Refresh}
	default:
		out = []key.Binding{k.Enter, k.Down, k.Up, p.file}
	}
	if p.canWithdraw() {
		out = append(out, p.withdraw)
	}
	return out
}

func (p *myRequestsPane) FullHelp() [][]key.Binding {
	k := p.s.Keys
	return [][]key.Binding{p.ShortHelp(), {k.PageDown, k.PageUp, k.Top, k.Bottom, k.Refresh}}
}
