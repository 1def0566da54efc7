package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// batchPane lists batch tasks (LOG-5) newest first, with how far each is
// and its totals; Enter opens one with its results row by row (the failed
// ones first; v switches to every row), read a page at a time as the
// person scrolls. Batch events from the store refresh what is on screen,
// so a running import or migration is seen moving. Admins and auditors
// see every task; the model refuses anyone else the tasks of others. c
// cancels the task under the cursor (or the one open) after a y: its
// owner may, and admins (batch.manage); the store refuses anyone else,
// naming the right.
type batchPane struct {
	s             *Session
	t             assets.BatchText
	width, height int

	rowsKey, cancelKey, yesKey key.Binding

	confirm uint64 // the task a cancel waits a y for
	busy    bool   // a cancel is being recorded
	status  string // what the last cancel did
	failed  bool   // status is a refusal

	batches []*model.Batch
	loaded  bool
	loading bool
	dirty   bool
	err     string

	cursor, top int
	detail      *batchDetail

	onScreen, stale bool
}

// batchDetail is the task open in the detail with the rows read so far.
type batchDetail struct {
	id      uint64
	batch   *model.Batch
	all     bool // every row, or only the failed ones
	rows    []model.BatchRow
	next    int  // the row number to read after; 0 when all are read
	reading bool // a page is being read
	err     string
	top     int
}

// batchPage is how many rows the detail reads at a time.
const batchPage = 500

// batchesLoadedMsg carries the tasks the person may see.
type batchesLoadedMsg struct {
	pane    *batchPane
	batches []*model.Batch
	err     error
}

// batchRowsMsg carries a task and a page of its rows.
type batchRowsMsg struct {
	pane   *batchPane
	id     uint64
	all    bool
	after  int // the page follows this row number (0: the first page)
	batch  *model.Batch
	rows   []model.BatchRow
	next   int
	err    error
	reread bool // a refresh of the rows already shown
}

func newBatchPane(s *Session) *batchPane {
	t := assets.BatchCatalog(s.T.Lang)
	return &batchPane{s: s, t: t, rowsKey: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", t.KeyRows)),
		cancelKey: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", t.KeyCancel)),
		yesKey:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", t.KeyYes))}
}

// batchCancelledMsg is what a cancel did: the task as it was left, or why
// it was refused.
type batchCancelledMsg struct {
	pane  *batchPane
	batch *model.Batch
	err   error
}

// selected is the task the keys act on: the one open, or the one under
// the cursor.
func (p *batchPane) selected() *model.Batch {
	if p.detail != nil {
		return p.detail.batch
	}
	if p.cursor < len(p.batches) {
		return p.batches[p.cursor]
	}
	return nil
}

// cancellable reports whether the selected task can still be cancelled.
func (p *batchPane) cancellable() bool {
	b := p.selected()
	return b != nil && !b.State.Finished() && !b.CancelRequested() && !p.busy
}

func (p *batchPane) confirmKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	id := p.confirm
	p.confirm = 0
	if !key.Matches(msg, p.yesKey) {
		return p, nil
	}
	p.busy, p.status, p.failed = true, "", false
	st, actor := p.s.Store, p.s.Actor
	return p, func() tea.Msg {
		b, err := st.CancelBatch(actor, id)
		return batchCancelledMsg{pane: p, batch: b, err: err}
	}
}

func (p *batchPane) ID() string      { return "batch" }
func (p *batchPane) Title() string   { return p.t.Nav }
func (p *batchPane) Init() tea.Cmd   { return p.reload() }
func (p *batchPane) Capturing() bool { return false }

func (p *batchPane) SetSize(w, h int) {
	p.width, p.height = w, h
	p.clamp()
}

// Shown reads the tasks again when the pane comes back on screen after a
// change to them.
func (p *batchPane) Shown(on bool) tea.Cmd {
	p.onScreen = on
	if !on || !p.stale {
		return nil
	}
	p.stale = false
	return p.reload()
}

func (p *batchPane) reload() tea.Cmd {
	if p.loading {
		p.dirty = true
		return nil
	}
	p.loading = true
	cmds := []tea.Cmd{p.load()}
	if d := p.detail; d != nil {
		cmds = append(cmds, p.loadRows(d.id, d.all, 0, max(batchPage, len(d.rows)), true))
	}
	return tea.Batch(cmds...)
}

func (p *batchPane) load() tea.Cmd {
	st, actor := p.s.Store, p.s.Actor
	return func() tea.Msg {
		msg := batchesLoadedMsg{pane: p}
		msg.err = st.Read(func(r *store.Reader) error {
			var err error
			msg.batches, err = r.Batches(store.BatchFilter{Keep: func(b *model.Batch) bool { return model.CanSeeBatch(actor, b, r) }})
			return err
		})
		return msg
	}
}

// loadRows reads a task and a page of its rows after a row number.
func (p *batchPane) loadRows(id uint64, all bool, after, limit int, reread bool) tea.Cmd {
	st, actor := p.s.Store, p.s.Actor
	outcome := model.OutcomeFailed
	if all {
		outcome = ""
	}
	return func() tea.Msg {
		msg := batchRowsMsg{pane: p, id: id, all: all, after: after, reread: reread}
		msg.err = st.Read(func(r *store.Reader) error {
			b, err := r.Batch(id)
			if err != nil {
				return err
			}
			if err := model.AuthorizeBatch(actor, b, r); err != nil {
				return err
			}
			msg.batch = b
			msg.rows, msg.next, err = r.BatchRows(id, outcome, after, limit)
			return err
		})
		return msg
	}
}

// batchEvents reports whether a change touches batch tasks.
func batchEvents(m storeChangedMsg) bool {
	for _, e := range m.events {
		if e.Kind == "batch" {
			return true
		}
	}
	return false
}

// onlyBatches reports whether a change is nothing but batch-task progress,
// which only the Batch tasks pane reads.
func (m storeChangedMsg) onlyBatches() bool {
	for _, e := range m.events {
		if e.Kind != "batch" {
			return false
		}
	}
	return len(m.events) > 0
}

func (p *batchPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case batchesLoadedMsg:
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
		if p.cursor < len(p.batches) {
			sel = p.batches[p.cursor].ID
		}
		p.batches, p.loaded, p.err = msg.batches, true, ""
		for i, b := range p.batches {
			if b.ID == sel {
				p.top += i - p.cursor
				p.cursor = i
			}
		}
		p.clamp()
		return p, nil
	case batchRowsMsg:
		d := p.detail
		if msg.pane != p || d == nil || d.id != msg.id || d.all != msg.all {
			return p, nil
		}
		d.reading = false
		if msg.err != nil {
			d.err = p.s.ErrText(msg.err)
			return p, nil
		}
		d.batch, d.err = msg.batch, ""
		if msg.after == 0 {
			d.rows = msg.rows
		} else {
			d.rows = append(d.rows, msg.rows...)
		}
		d.next = msg.next
		return p, p.readMore()
	case batchCancelledMsg:
		if msg.pane != p {
			return p, nil
		}
		p.busy = false
		if msg.err != nil {
			p.status, p.failed = p.s.ErrText(msg.err), true
			return p, nil
		}
		b := msg.batch
		p.status, p.failed = p.s.Sprintf(p.t.Stopping, b.ID), false
		if b.State.Finished() {
			p.status = p.s.Sprintf(p.t.DidCancel, b.ID)
		}
		if b.Kind.Resumable() {
			sep := " "
			if assets.IsChinese(p.s.T.Lang) {
				sep = ""
			}
			p.status += sep + p.t.ResumeHint
		}
		return p, p.reload()
	case storeChangedMsg:
		switch {
		case !batchEvents(msg):
			return p, nil
		case !p.onScreen:
			p.stale = true
			return p, nil
		}
		return p, p.reload()
	case tea.KeyPressMsg:
		if p.confirm != 0 {
			return p.confirmKey(msg)
		}
		if key.Matches(msg, p.cancelKey) && p.cancellable() {
			p.confirm, p.status = p.selected().ID, ""
			return p, nil
		}
		if p.detail != nil {
			return p.detailKey(msg)
		}
		return p.listKey(msg)
	}
	return p, nil
}

func (p *batchPane) listKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	n := len(p.batches)
	page := max(1, p.listRows())
	switch {
	case key.Matches(msg, k.Refresh):
		return p, p.reload()
	case cursorKey(k, msg, &p.cursor, &p.top, n, page):
	case key.Matches(msg, k.Enter) && n > 0:
		b := p.batches[p.cursor]
		p.detail = &batchDetail{id: b.ID, batch: b, reading: true}
		return p, p.loadRows(b.ID, false, 0, batchPage, false)
	}
	p.clamp()
	return p, nil
}

func (p *batchPane) detailKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	d := p.detail
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Enter):
		p.detail = nil
		return p, nil
	case key.Matches(msg, k.Refresh):
		return p, p.reload()
	case key.Matches(msg, p.rowsKey):
		p.detail = &batchDetail{id: d.id, batch: d.batch, all: !d.all, reading: true}
		return p, p.loadRows(d.id, !d.all, 0, batchPage, false)
	}
	lines := len(p.detailLines())
	rows := p.detailRows()
	if top, ok := scrollKey(k, msg, d.top, lines, rows); ok {
		d.top = top
	}
	d.top = clampTop(d.top, lines, rows)
	return p, p.readMore()
}

// readMore reads the next page of rows when the detail has scrolled near
// the end of those read.
func (p *batchPane) readMore() tea.Cmd {
	d := p.detail
	if d == nil || d.reading || d.next == 0 {
		return nil
	}
	if d.top+2*p.detailRows() < len(p.detailLines()) {
		return nil
	}
	d.reading = true
	return p.loadRows(d.id, d.all, d.next, batchPage, false)
}

func (p *batchPane) clamp() {
	p.cursor, p.top = inSight(p.cursor, p.top, len(p.batches), max(1, p.listRows()))
}

// listRows is how many tasks fit under the title, the table header and
// the footer.
func (p *batchPane) listRows() int { return p.height - 3 - len(p.notice()) }

// detailRows is how many lines of the detail fit (scrollView's frame).
func (p *batchPane) detailRows() int { return max(1, p.height-3-len(p.notice())) }

// notice is the cancel's question or what the last cancel did, wrapped,
// shown under the list or the detail.
func (p *batchPane) notice() []string {
	st := p.s.Styles
	w := max(10, p.width-1)
	switch {
	case p.confirm != 0:
		kind := ""
		if b := p.selected(); b != nil && b.ID == p.confirm {
			kind = p.kindName(b.Kind)
		}
		return wrapStyled(st.Warn, p.s.Sprintf(p.t.ConfirmCancel, p.confirm, kind), w)
	case p.status != "" && p.failed:
		return wrapStyled(st.Error, p.status, w)
	case p.status != "":
		return wrapStyled(st.Subtle, p.status, w)
	}
	return nil
}

func (p *batchPane) narrow() bool { return p.width < 140 }

// kindName is a task's kind in the person's language; a kind postroom
// does not know is shown as it is.
func (p *batchPane) kindName(k model.BatchKind) string {
	switch k {
	case model.BatchImportMembers:
		return p.t.KindImportMembers
	case model.BatchImportContacts:
		return p.t.KindImportContacts
	case model.BatchExport:
		return p.t.KindExport
	case model.BatchBulk:
		return p.t.KindBulk
	case model.BatchNotify:
		return p.t.KindNotify
	case model.BatchMigrate:
		return p.t.KindMigrate
	case model.BatchImportGroups:
		return p.t.KindImportGroups
	case model.BatchImportSubscribers:
		return p.t.KindImportSubscribers
	}
	return string(k)
}

func (p *batchPane) stateName(s model.BatchState) string {
	switch s {
	case model.BatchRunning:
		return p.t.StateRunning
	case model.BatchWaiting:
		return p.t.StateWaiting
	case model.BatchDone:
		return p.t.StateDone
	case model.BatchFailed:
		return p.t.StateFailed
	case model.BatchCancelled:
		return p.t.StateCancelled
	}
	return string(s)
}

func (p *batchPane) outcomeName(o model.Outcome) string {
	switch o {
	case model.OutcomeOK:
		return p.t.OutcomeOK
	case model.OutcomeFailed:
		return p.t.OutcomeFailed
	case model.OutcomeSkipped:
		return p.t.OutcomeSkipped
	}
	return string(o)
}

func (p *batchPane) who(b *model.Batch) string {
	if b.By == "" {
		return p.t.System
	}
	return string(b.By)
}

// progress says how far a task is: rows of the total (or the rows alone),
// and while it runs with a known total the share done, after a bar of
// ASCII cells when bar is more than 0.
func progress(b *model.Batch, bar int) string {
	count := strconv.Itoa(b.Rows)
	if b.Expected > 0 {
		count = fmt.Sprintf("%d/%d", b.Rows, b.Expected)
	}
	f := b.Progress()
	if b.State.Finished() || f < 0 {
		return count
	}
	count += fmt.Sprintf(" %d%%", int(f*100))
	if bar <= 0 {
		return count
	}
	n := int(f * float64(bar))
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", bar-n) + "] " + count
}

func (p *batchPane) columns() (heads []string, mins, soft []int) {
	t := p.t
	tw := cellWidth(mailTime(time.Unix(0, 0), true))
	if p.narrow() {
		return []string{t.ColID, t.ColKind, t.ColState, t.ColProgress, t.ColFailed, t.ColSummary},
			[]int{2, 8, 4, 9, 3, 8}, []int{0, 0, 0, 0, 0, 0}
	}
	return []string{t.ColID, t.ColKind, t.ColState, t.ColProgress, t.ColOK, t.ColFailed, t.ColSkipped, t.ColBy, t.ColStarted, t.ColSummary},
		[]int{2, 8, 4, 9, 2, 3, 3, 8, tw, 10}, []int{0, 0, 0, 0, 0, 0, 0, 32, 0, 0}
}

func (p *batchPane) cells(b *model.Batch) []string {
	id := strconv.FormatUint(b.ID, 10)
	if p.narrow() {
		return logCleanAll(id, p.kindName(b.Kind), p.stateName(b.State), progress(b, 0), strconv.Itoa(b.Failed), model.BatchSummaryIn(b.Summary, p.s.T.Lang))
	}
	return logCleanAll(id, p.kindName(b.Kind), p.stateName(b.State), progress(b, 0), strconv.Itoa(b.OK), strconv.Itoa(b.Failed),
		strconv.Itoa(b.Skipped), p.who(b), mailTime(b.Started, true), model.BatchSummaryIn(b.Summary, p.s.T.Lang))
}

func (p *batchPane) View() string {
	st := p.s.Styles
	notice := p.notice()
	if d := p.detail; d != nil {
		title := p.s.Sprintf(p.t.DetailTitle, d.id, p.kindName(d.batch.Kind))
		view := scrollView(p.s, title, p.detailLines(), d.top, p.width, p.height-len(notice), nil)
		if len(notice) == 0 {
			return view
		}
		return view + "\n" + strings.Join(notice, "\n")
	}
	out := []string{st.Title.Render(ellipsize(st, p.Title(), p.width))}
	switch {
	case p.err != "":
		out = append(out, wrapStyled(st.Error, p.err, max(10, p.width-1))...)
	case !p.loaded:
		out = append(out, st.Subtle.Render(p.s.T.Common.Loading))
	case len(p.batches) == 0:
		out = append(out, wrapStyled(st.Subtle, p.t.Empty, max(10, p.width-1))...)
	default:
		out = append(out, p.table()...)
	}
	out = append(out, notice...)
	return strings.Join(out, "\n")
}

func (p *batchPane) table() []string {
	st := p.s.Styles
	heads, mins, soft := p.columns()
	rows := max(1, p.listRows())
	end := min(len(p.batches), p.top+rows)
	cells := make([][]string, 0, end-p.top)
	for i := p.top; i < end; i++ {
		cells = append(cells, p.cells(p.batches[i]))
	}
	out := cursorTable(st, p.width, p.narrow(), heads, mins, soft, cells, p.top, p.cursor)
	foot := p.s.Sprintf(p.t.Rows, p.top+1, end, len(p.batches))
	return append(out, st.Subtle.Render(ellipsize(st, foot, p.width)))
}

// detailLines are the task's facts, then its rows as a table.
func (p *batchPane) detailLines() []string {
	st := p.s.Styles
	d := p.detail
	t := p.t
	w := max(20, p.width)
	if d.err != "" {
		return wrapStyled(st.Error, d.err, w-1)
	}
	b := d.batch
	label := func(l, v string) string { return st.Label.Render(l+": ") + logClean(v) }
	out := []string{
		label(t.ColState, p.stateName(b.State)) + "   " + label(t.ColProgress, progress(b, 20)),
		label(t.By, p.who(b)) + "   " + label(t.Door, string(b.Door)),
		label(t.Started, mailTime(b.Started, false)) + "   " + label(t.Finished, mailTime(b.Finished, false)),
		p.s.Sprintf(t.Totals, b.Rows, b.OK, b.Failed, b.Skipped),
	}
	if b.CancelRequested() {
		who, _ := b.CancelWhoWhen()
		out = append(out, label(t.CancelledBy, who+"  "+mailTime(b.CancelledAt, false)))
	}
	if b.Summary != "" {
		sep := ": "
		if p.s.Chinese() {
			sep = "："
		}
		out = append(out, wrapText(t.Summary+sep+logClean(model.BatchSummaryIn(b.Summary, p.s.T.Lang)), w-1)...)
	}
	heading := t.ResultsFailed
	if d.all {
		heading = t.ResultsAll
	}
	out = append(out, "", st.Title.Render(heading))
	switch {
	case d.rows == nil && d.reading:
		return append(out, st.Subtle.Render(p.s.T.Common.Loading))
	case len(d.rows) == 0:
		return append(out, st.Subtle.Render(t.NoRows))
	}
	// Narrow: the reason goes under its row, wrapped, so none is cut.
	narrow := p.width < 100
	heads := []string{t.ColRow, t.ColOutcome, t.ColKey, t.ColReason}
	if narrow {
		heads = heads[:3]
	}
	cells := make([][]string, len(d.rows))
	reasons := make([]string, len(d.rows)) // kept in English, told in the person's language
	for i, r := range d.rows {
		reasons[i] = r.ReasonIn(p.s.T.Lang)
		cells[i] = logCleanAll(strconv.Itoa(r.N), p.outcomeName(r.Outcome), r.Key, reasons[i])[:len(heads)]
	}
	mins, soft := []int{3, 4, 10, 10}, []int{0, 0, 36, 0}
	widths := fitColumns(w-1, 1, heads, mins[:len(heads)], soft[:len(heads)], widest(heads, cells))
	out = append(out, st.TableHead.Render(strings.TrimRight(tableRow(st, heads, widths, " "), " ")))
	for i, c := range cells {
		style := st.Value
		if d.rows[i].Outcome == model.OutcomeFailed {
			style = st.Error
		}
		out = append(out, style.Render(strings.TrimRight(tableRow(st, c, widths, " "), " ")))
		if reason := logClean(reasons[i]); narrow && reason != "" {
			for _, l := range wrapText(reason, max(10, w-5)) {
				out = append(out, "    "+st.Subtle.Render(l))
			}
		}
	}
	if d.next != 0 {
		out = append(out, st.Subtle.Render(t.LoadingMore))
	}
	return out
}

func (p *batchPane) ShortHelp() []key.Binding {
	k := p.s.Keys
	var keys []key.Binding
	switch {
	case p.confirm != 0:
		return []key.Binding{p.yesKey}
	case p.detail != nil:
		keys = []key.Binding{k.Back, k.Down, k.Up, p.rowsKey}
	case len(p.batches) == 0:
		return []key.Binding{k.Refresh}
	default:
		keys = []key.Binding{k.Enter, k.Down, k.Up}
	}
	if p.cancellable() {
		keys = append(keys, p.cancelKey)
	}
	return keys
}

func (p *batchPane) FullHelp() [][]key.Binding {
	k := p.s.Keys
	return [][]key.Binding{p.ShortHelp(), {k.PageDown, k.PageUp, k.Top, k.Bottom, k.Refresh}}
}
