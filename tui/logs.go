package tui

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// logsPage is how many records one load adds to a list.
const logsPage = 200

// The views of the pane: the three lists, then the top senders and
// receivers.
const (
	logsOps    = 0
	logsLogins = 1
	logsMail   = 2
	logsTop    = 3
	logsViews  = 4
)

// logDoors are the doors the operation log's door filter accepts.
var logDoors = []model.Door{model.DoorCLI, model.DoorSSH, model.DoorTUI, model.DoorSMTP, model.DoorSystem}

// logsFilter is one view's filter: the text as the person typed it, and
// what it means.
type logsFilter struct {
	person, since, until, door string
	subject, kind              string
	failed                     bool

	addr         model.Address
	from, before time.Time // before is exclusive
}

// opFilter is the store's filter for the operation log.
func (f logsFilter) opFilter(limit int) store.OpFilter {
	return store.OpFilter{Actor: f.addr, Door: model.Door(f.door), Since: f.from, Until: f.before, Limit: limit}
}

// loginFilter is the store's filter for the login log.
func (f logsFilter) loginFilter(limit int) store.LoginFilter {
	return store.LoginFilter{Address: f.addr, Failed: f.failed, Since: f.from, Until: f.before, Limit: limit}
}

// mailFilter is the spool's filter for the mail log.
func (f logsFilter) mailFilter(limit int) store.LogFilter {
	return store.LogFilter{Account: f.addr, Subject: f.subject, Kind: f.kind, Since: f.from, Until: f.before, Limit: limit}
}

// empty reports whether the filter lets everything through.
func (f logsFilter) empty() bool {
	return f.person == "" && f.since == "" && f.until == "" && f.door == "" && !f.failed && f.subject == "" && f.kind == ""
}

// logsList is the state of one view's list.
type logsList struct {
	filter      logsFilter
	limit       int  // how many records the loads ask for
	more        bool // the last load filled its limit: older records follow
	cursor, top int
	cells       [][]string // the rows' cells, built when records arrive
	want        []int      // each column's widest cell, heading included
}

// logsDetail is the record open in the detail view.
type logsDetail struct {
	op    *store.OpRecord
	login *store.LoginRecord
	mail  *store.MailRecord
	top   int // first line shown
}

// logsPane is the Logs pane: the operation log (LOG-1) and the login log
// (LOG-2), newest first and a page at a time, for those who hold the right
// to read them (administrators and auditors); filters by person, time
// range, door and result; a record's full detail with every before and
// after; CSV export; and the check of the operation log's hash chain.
// Everything it reads, it reads in a tea.Cmd; it never writes.
type logsPane struct {
	s             *Session
	width, height int

	view   int // logsOps, logsLogins, logsMail or logsTop
	lists  [3]logsList
	ops    []store.OpRecord
	logins []store.LoginRecord
	loaded bool

	mail logsMailState
	top  logsTopState

	loading, dirty bool
	err            string

	form   *form       // the filter form, while open
	detail *logsDetail // the record open, if any

	verifying bool
	verified  *store.VerifyReport
	exporting bool
}

// logsLoadedMsg carries both lists, as their filters and limits asked.
type logsLoadedMsg struct {
	ops                []store.OpRecord
	logins             []store.LoginRecord
	opsMore, loginMore bool
	err                error
}

// logsVerifiedMsg carries the result of the chain check.
type logsVerifiedMsg struct {
	report store.VerifyReport
	err    error
}

// logsExportedMsg says where an export went.
type logsExportedMsg struct {
	rows  int
	where string
	err   error
}

// newLogsPane builds the Logs pane for a session.
func newLogsPane(s *Session) Pane {
	p := &logsPane{s: s}
	for i := range p.lists {
		p.lists[i].limit = logsPage
	}
	return p
}

func (p *logsPane) ID() string    { return "logs" }
func (p *logsPane) Title() string { return p.s.T.Nav.Logs }

// allowed reports whether the person may read the logs at all.
func (p *logsPane) allowed() bool { return p.s.Can(model.RightLogRead) }

func (p *logsPane) Init() tea.Cmd {
	if !p.allowed() {
		return nil
	}
	return tea.Batch(p.reload(), p.reloadMail())
}

// reload loads both lists again, or, while a load is under way, marks that
// one more is needed once it lands.
func (p *logsPane) reload() tea.Cmd {
	if !p.allowed() {
		return nil
	}
	if p.loading {
		p.dirty = true
		return nil
	}
	p.loading = true
	return p.load()
}

// load reads both lists in the background. It asks for one record more than
// each limit to learn whether older records follow.
func (p *logsPane) load() tea.Cmd {
	st, actor := p.s.Store, p.s.Actor
	of := p.lists[logsOps].filter.opFilter(p.lists[logsOps].limit + 1)
	lf := p.lists[logsLogins].filter.loginFilter(p.lists[logsLogins].limit + 1)
	refused := p.s.T.Logs.Refused
	return func() tea.Msg {
		var msg logsLoadedMsg
		if !model.HoldsAnywhere(actor, model.RightLogRead) {
			msg.err = model.Forbiddenf("%s", refused)
			return msg
		}
		msg.err = st.Read(func(r *store.Reader) error {
			var err error
			if msg.ops, err = r.OpLog(of); err != nil {
				return err
			}
			if len(msg.ops) == of.Limit {
				msg.ops, msg.opsMore = msg.ops[:of.Limit-1], true
			}
			if msg.logins, err = r.LoginLog(lf); err != nil {
				return err
			}
			if len(msg.logins) == lf.Limit {
				msg.logins, msg.loginMore = msg.logins[:lf.Limit-1], true
			}
			return nil
		})
		return msg
	}
}

// verify checks the operation log's chain in the background.
func (p *logsPane) verify() tea.Cmd {
	st, actor := p.s.Store, p.s.Actor
	return func() tea.Msg {
		if !model.HoldsAnywhere(actor, model.RightAuditVerify) {
			return logsVerifiedMsg{err: model.Forbiddenf("%s may not verify the operation log: it needs the right %s", actor.Address, model.RightAuditVerify)}
		}
		rep, err := st.VerifyAudit()
		return logsVerifiedMsg{report: rep, err: err}
	}
}

// export writes every record of the current view that passes its filter as
// CSV, through the session's Export, in the background.
func (p *logsPane) export() tea.Cmd {
	st, actor, view, save, t := p.s.Store, p.s.Actor, p.view, p.s.Export, p.s.T.Logs
	flt := p.lists[view].filter
	kind := "oplog"
	switch view {
	case logsLogins:
		kind = "loginlog"
	case logsMail:
		kind = "maillog"
	}
	// The session's Export puts the time before the name.
	name := kind + ".csv"
	if view == logsMail {
		return p.exportMail(name)
	}
	return func() tea.Msg {
		if !model.HoldsAnywhere(actor, model.RightLogRead) {
			return logsExportedMsg{err: model.Forbiddenf("%s", t.Refused)}
		}
		var rows [][]string
		err := st.Read(func(r *store.Reader) error {
			if view == logsOps {
				recs, err := r.OpLog(flt.opFilter(0))
				rows = opLogCSV(t, recs)
				return err
			}
			recs, err := r.LoginLog(flt.loginFilter(0))
			rows = loginLogCSV(t, recs)
			return err
		})
		if err != nil {
			return logsExportedMsg{err: err}
		}
		where, err := save(name, logsCSV(rows))
		return logsExportedMsg{rows: len(rows) - 1, where: where, err: err}
	}
}

func (p *logsPane) SetSize(w, h int) {
	p.width, p.height = w, h
	if p.form != nil {
		p.form.SetSize(w, h)
	}
	p.rebuild()
}

func (p *logsPane) Capturing() bool { return p.form != nil }

func (p *logsPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case logsLoadedMsg:
		p.loading = false
		if p.dirty {
			// What landed is already stale: read again.
			p.dirty = false
			return p, p.reload()
		}
		if msg.err != nil {
			p.err = p.s.ErrText(msg.err)
			return p, nil
		}
		p.err = ""
		opSeq, loginSeq := p.selectedKey(logsOps), p.selectedKey(logsLogins)
		p.ops, p.logins, p.loaded = msg.ops, msg.logins, true
		p.lists[logsOps].more, p.lists[logsLogins].more = msg.opsMore, msg.loginMore
		p.rebuild()
		p.reselect(logsOps, opSeq)
		p.reselect(logsLogins, loginSeq)
		return p, nil
	case logsMailLoadedMsg:
		return p, p.mailLoaded(msg)
	case logsTopLoadedMsg:
		return p, p.topLoaded(msg)
	case logsVerifiedMsg:
		p.verifying = false
		if msg.err != nil {
			return p, flash(p.s.ErrText(msg.err), true)
		}
		p.verified = &msg.report
		p.clamp(p.view)
		return p, nil
	case logsExportedMsg:
		p.exporting = false
		if msg.err != nil {
			return p, flash(p.s.ErrText(msg.err), true)
		}
		return p, flash(p.s.Sprintf(plural(msg.rows, p.s.T.Common.ExportedOne, p.s.T.Common.Exported), msg.rows, msg.where), false)
	case storeChangedMsg:
		cmds := []tea.Cmd{p.reload()}
		if !msg.onlyLogins() {
			cmds = append(cmds, p.reloadMailViews())
		}
		return p, tea.Batch(cmds...)
	case queueDecidedMsg:
		// A decision made in this session's queue: it is in the operation
		// log and the mail log, and the directory tells no one of it.
		if msg.err != nil {
			return p, nil
		}
		return p, tea.Batch(p.reload(), p.reloadMailViews())
	case tea.KeyPressMsg:
		if !p.allowed() {
			return p, nil
		}
		switch {
		case p.form != nil:
			return p.formKey(msg)
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

// reloadMailViews reads the mail views again where they were read: queue
// decisions and policy changes show in them.
func (p *logsPane) reloadMailViews() tea.Cmd {
	var cmds []tea.Cmd
	if p.mail.loaded {
		cmds = append(cmds, p.reloadMail())
	}
	if p.top.loaded && p.view == logsTop {
		cmds = append(cmds, p.reloadTop())
	}
	return tea.Batch(cmds...)
}

// count is how many records a list view holds.
func (p *logsPane) count(view int) int {
	switch view {
	case logsOps:
		return len(p.ops)
	case logsLogins:
		return len(p.logins)
	case logsMail:
		return len(p.mail.recs)
	}
	return 0
}

// keyAt names a list view's record at a row: its number, or a message id.
func (p *logsPane) keyAt(view, i int) string {
	switch view {
	case logsOps:
		return strconv.FormatUint(p.ops[i].Seq, 10)
	case logsLogins:
		return strconv.FormatUint(p.logins[i].Seq, 10)
	}
	return p.mail.recs[i].ID
}

// selectedKey names the record under a view's cursor, "" if none.
func (p *logsPane) selectedKey(view int) string {
	if c := p.lists[view].cursor; c < p.count(view) {
		return p.keyAt(view, c)
	}
	return ""
}

// reselect puts a view's cursor back on the record it was on, which new
// records above it may have moved down.
func (p *logsPane) reselect(view int, seq string) {
	l := &p.lists[view]
	if seq != "" {
		for i := range p.count(view) {
			if p.keyAt(view, i) == seq {
				l.top += i - l.cursor
				l.cursor = i
				break
			}
		}
	}
	p.clamp(view)
}

func (p *logsPane) listKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	switch {
	case key.Matches(msg, k.NextView):
		return p, p.nextView()
	case p.view == logsTop:
		return p, p.topKey(msg)
	case p.view == logsMail && !p.mailReady():
		return p, nil
	}
	l := &p.lists[p.view]
	n := p.count(p.view)
	page := max(1, p.listRows())
	switch {
	case key.Matches(msg, k.Down):
		l.cursor++
	case key.Matches(msg, k.Up):
		l.cursor--
	case key.Matches(msg, k.PageDown):
		l.cursor += page
		l.top += page
	case key.Matches(msg, k.PageUp):
		l.cursor -= page
		l.top -= page
	case key.Matches(msg, k.Top):
		l.cursor = 0
	case key.Matches(msg, k.Bottom):
		l.cursor = n - 1
	case key.Matches(msg, k.Enter):
		if n > 0 {
			p.openDetail()
		}
		return p, nil
	case key.Matches(msg, k.Filter):
		p.openForm()
		return p, nil
	case key.Matches(msg, k.Refresh):
		if p.view == logsMail {
			return p, p.reloadMail()
		}
		return p, p.reload()
	case key.Matches(msg, k.Verify) && p.s.Can(model.RightAuditVerify):
		if p.verifying {
			return p, nil
		}
		p.verifying, p.verified = true, nil
		return p, p.verify()
	case key.Matches(msg, k.Export):
		if p.s.Export == nil {
			return p, flash(p.s.T.Logs.NoExport, true)
		}
		if p.exporting {
			return p, nil
		}
		p.exporting = true
		// In order: "exporting" must not land after "exported".
		return p, tea.Sequence(flash(p.s.T.Logs.Exporting, false), p.export())
	case key.Matches(msg, k.Back) && p.verified != nil:
		p.verified = nil
		p.clamp(p.view)
		return p, nil
	default:
		return p, nil
	}
	p.clamp(p.view)
	// At the end of what is loaded, load the next page.
	if p.view == logsMail {
		if n > 0 && l.cursor >= n-1 && l.more && !p.mail.loading {
			l.limit += logsPage
			return p, p.reloadMail()
		}
		return p, nil
	}
	if n > 0 && l.cursor >= n-1 && l.more && !p.loading {
		l.limit += logsPage
		return p, p.reload()
	}
	return p, nil
}

// nextView shows the next view, reading the mail log or the top senders
// the first time they are shown.
func (p *logsPane) nextView() tea.Cmd {
	p.view = (p.view + 1) % logsViews
	switch p.view {
	case logsMail:
		p.clamp(p.view)
		if !p.mail.loaded {
			return p.reloadMail()
		}
	case logsTop:
		if !p.top.loaded {
			return p.reloadTop()
		}
	default:
		p.clamp(p.view)
	}
	return nil
}

// clamp keeps a view's cursor on a record and in sight.
func (p *logsPane) clamp(view int) {
	if view >= len(p.lists) {
		return
	}
	l := &p.lists[view]
	n := p.count(view)
	rows := max(1, p.listRows())
	l.cursor = max(0, min(l.cursor, n-1))
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.cursor >= l.top+rows {
		l.top = l.cursor - rows + 1
	}
	l.top = max(0, min(l.top, n-rows))
}

// openForm opens the filter form for the current view, filled with its
// filter.
func (p *logsPane) openForm() {
	t := p.s.T.Logs
	f := p.lists[p.view].filter
	title := t.FilterTitle + " - " + t.OpView
	switch p.view {
	case logsLogins:
		title = t.FilterTitle + " - " + t.LoginView
	case logsMail:
		title = t.FilterTitle + " - " + t.MailView
	}
	fm := newForm(p.s, title)
	if p.view == logsMail {
		fm.add("person", t.FilterAccount, f.person, false, t.HintMailAccount)
		fm.add("subject", t.FilterSubject, f.subject, false, t.HintSubject)
		fm.add("kind", t.FilterKind, f.kind, false, t.HintKind)
		fm.add("since", t.FilterSince, f.since, false, t.HintSince)
		fm.add("until", t.FilterUntil, f.until, false, t.HintUntil)
		fm.SetSize(p.width, p.height)
		p.form = fm
		return
	}
	if p.view == logsOps {
		fm.add("person", t.FilterPerson, f.person, false, t.HintPerson)
	} else {
		fm.add("person", t.FilterAccount, f.person, false, t.HintPerson)
	}
	fm.add("since", t.FilterSince, f.since, false, t.HintSince)
	fm.add("until", t.FilterUntil, f.until, false, t.HintUntil)
	if p.view == logsOps {
		fm.add("door", t.FilterDoor, f.door, false, t.HintDoor)
	} else {
		fm.add("failed", t.FilterFailed, p.yesNo(f.failed), false, t.HintFailed)
	}
	fm.SetSize(p.width, p.height)
	p.form = fm
}

func (p *logsPane) yesNo(b bool) string {
	if b {
		return p.s.T.Common.Yes
	}
	return p.s.T.Common.No
}

func (p *logsPane) formKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	// "Failed only" is a switch: space (or y, n) sets it, nothing types.
	if fl := p.form.fields[p.form.focus]; fl.key == "failed" {
		switch msg.String() {
		case "space":
			fl.input.SetValue(p.yesNo(fl.input.Value() != p.s.T.Common.Yes))
			return p, nil
		case "y", "Y":
			fl.input.SetValue(p.s.T.Common.Yes)
			return p, nil
		case "n", "N":
			fl.input.SetValue(p.s.T.Common.No)
			return p, nil
		}
		if msg.Text != "" || msg.String() == "backspace" || msg.String() == "delete" {
			return p, nil
		}
	}
	res, cmd := p.form.Update(msg)
	switch res {
	case formCancelled:
		p.form = nil
	case formSubmitted:
		return p, p.submitFilter()
	}
	return p, cmd
}

// submitFilter reads the form; with a mistake the form stays open and says
// what is wrong under the field, else the view is read again with the filter.
func (p *logsPane) submitFilter() tea.Cmd {
	t := p.s.T.Logs
	fm := p.form
	fm.clearErrors()
	f := logsFilter{
		person: strings.ToLower(fm.value("person")), since: fm.value("since"), until: fm.value("until"),
		door: strings.ToLower(fm.value("door")), failed: fm.value("failed") == p.s.T.Common.Yes,
		subject: fm.value("subject"), kind: mailKind(p.s, fm.value("kind")),
	}
	bad := false
	fail := func(field, msg string) {
		// Under the field there is one line: keep the message to it.
		msg = p.fitCell(msg, max(10, p.width-fm.labelWidth()-1))
		if !bad {
			fm.setError(field, msg)
		} else {
			for _, fl := range fm.fields {
				if fl.key == field {
					fl.err = msg
				}
			}
		}
		bad = true
	}
	if f.person != "" {
		a, err := model.ParseAddress(f.person)
		if err != nil {
			fail("person", p.s.Sprintf(t.BadAddress, f.person))
		}
		f.addr = a
	}
	var err error
	if f.from, err = parseLogTime(f.since, false); err != nil {
		fail("since", p.s.Sprintf(t.BadTime, f.since))
	}
	if f.before, err = parseLogTime(f.until, true); err != nil {
		fail("until", p.s.Sprintf(t.BadTime, f.until))
	}
	if !f.from.IsZero() && !f.before.IsZero() && !f.before.After(f.from) {
		fail("until", t.BadRange)
	}
	if f.door != "" && !slices.Contains(logDoors, model.Door(f.door)) {
		fail("door", p.s.Sprintf(t.BadDoor, f.door))
	}
	if f.kind != "" && !slices.Contains(mailKinds, f.kind) {
		fail("kind", p.s.Sprintf(t.BadKind, fm.value("kind")))
	}
	if bad {
		return nil
	}
	p.form = nil
	p.lists[p.view] = logsList{filter: f, limit: logsPage}
	p.detail = nil
	// Show nothing stale while the filtered list loads.
	switch p.view {
	case logsOps:
		p.ops = nil
	case logsLogins:
		p.logins = nil
	case logsMail:
		p.mail.recs = nil
		p.rebuild()
		return p.reloadMail()
	}
	p.rebuild()
	return p.reload()
}

// parseLogTime reads a time as a person writes it: 2026-11-28,
// 2026-11-28 09:30, 2026-11-28 09:30:15 or RFC 3339, in the server's zone
// unless it says its own. For the end of a range (end) the time means the
// end of what was written: a date alone takes in that whole day, a minute
// that whole minute. Empty is the zero time.
func parseLogTime(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		if end {
			t = t.Add(time.Second)
		}
		return t, nil
	}
	for _, l := range []struct {
		layout string
		span   time.Duration
	}{
		{"2006-01-02 15:04:05", time.Second}, {"2006-01-02T15:04:05", time.Second},
		{"2006-01-02 15:04", time.Minute}, {"2006-01-02T15:04", time.Minute},
	} {
		if t, err := time.ParseInLocation(l.layout, s, time.Local); err == nil {
			if end {
				t = t.Add(l.span)
			}
			return t, nil
		}
	}
	t, err := time.ParseInLocation("2006-01-02", s, time.Local)
	if err != nil {
		return time.Time{}, model.Invalidf("time %q: write it as 2026-11-28, 2026-11-28 09:30 or RFC 3339", s)
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

func (p *logsPane) openDetail() {
	c := p.lists[p.view].cursor
	switch p.view {
	case logsOps:
		rec := p.ops[c]
		p.detail = &logsDetail{op: &rec}
	case logsLogins:
		rec := p.logins[c]
		p.detail = &logsDetail{login: &rec}
	case logsMail:
		rec := p.mail.recs[c]
		p.detail = &logsDetail{mail: &rec}
	}
}

func (p *logsPane) detailKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	d := p.detail
	lines := len(p.detailLines())
	page := p.detailRows()
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Enter):
		p.detail = nil
		return p, nil
	}
	if top, ok := scrollKey(k, msg, d.top, lines, page); ok {
		d.top = top
	}
	d.top = max(0, min(d.top, lines-page))
	return p, nil
}

// rebuild turns the records into cells for the table and measures them
// (what the cells hold depends on the width, so a resize builds them again).
func (p *logsPane) rebuild() {
	layout := p.timeLayout()
	cells := make([][]string, len(p.ops))
	for i, r := range p.ops {
		// The list shows the notes' values (a reason, a ticket); the
		// detail shows them with their keys.
		var notes []string
		for _, n := range r.Notes {
			notes = append(notes, n.Value)
		}
		actor := logActor(r)
		if p.narrow() {
			// The full address is in the detail; here the name before
			// the @ leaves room for the rest.
			actor, _, _ = strings.Cut(actor, "@")
		}
		cells[i] = logCleanAll(r.Time.Local().Format(layout), actor, string(r.Door), r.Op, r.Target, strings.Join(notes, "; "))
	}
	p.lists[logsOps].cells = cells
	cells = make([][]string, len(p.logins))
	for i, r := range p.logins {
		result := p.resultText(r)
		if p.narrow() {
			result = p.resultTextShort(r) // the reason would not fit
		}
		cells[i] = logCleanAll(r.Time.Local().Format(layout), string(r.Address), logSource(r), p.methodText(r.Method), result)
	}
	p.lists[logsLogins].cells = cells
	p.lists[logsMail].cells = p.mailCells(layout)
	for view := range p.lists {
		l := &p.lists[view]
		heads, _, _ := p.columns(view)
		l.want = widest(heads, l.cells)
		p.clamp(view)
	}
}

// narrow reports whether the table must save room: times without the
// year, actors without their domain, login results without the reason,
// one space between columns.
func (p *logsPane) narrow() bool { return p.width < 100 }

// timeLayout shows the year only where there is room for it.
func (p *logsPane) timeLayout() string {
	if p.narrow() {
		return "01-02 15:04"
	}
	return "2006-01-02 15:04"
}

func logActor(r store.OpRecord) string {
	if r.Actor != "" {
		return string(r.Actor)
	}
	return r.Name
}

func logSource(r store.LoginRecord) string {
	if r.Site != "" {
		return r.Source + " (" + r.Site + ")"
	}
	return r.Source
}

// methodText names a login method in the person's language.
func (p *logsPane) methodText(m model.LoginMethod) string {
	t := p.s.T.Logs
	switch m {
	case model.LoginSSHKey:
		return t.MethodSSHKey
	case model.LoginSSHPassword:
		return t.MethodSSHPassword
	case model.LoginSMTP:
		return t.MethodSMTP
	case model.LoginLocal:
		return t.MethodLocal
	}
	return string(m)
}

// resultText is a login's result: ok, or refused and why.
func (p *logsPane) resultText(r store.LoginRecord) string {
	t := p.s.T.Logs
	switch {
	case r.OK:
		return t.ResultOK
	case r.Reason != "":
		return p.s.Sprintf(t.ResultRefusedWhy, r.Reason)
	}
	return t.ResultRefused
}

// logClean makes text from a record safe to draw: control characters (which
// a failed login's user name may carry to move the cursor or recolour the
// screen) become spaces.
func logClean(s string) string {
	if !strings.ContainsFunc(s, logIsControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if logIsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// logIsControl reports C0 and C1 control characters, and the marks that
// reorder text (which could make a name read as another).
func logIsControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r < 0xa0) || r == '\u200e' || r == '\u200f' ||
		(r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

func logCleanAll(cells ...string) []string {
	for i, c := range cells {
		cells[i] = logClean(c)
	}
	return cells
}

// columns are a view's headings and, for each, the narrowest it may get
// and the width beyond which it only grows once the last column has all it
// needs (0: no such limit).
func (p *logsPane) columns(view int) (heads []string, mins, soft []int) {
	t := p.s.T.Logs
	tw := lipgloss.Width(time.Time{}.Format(p.timeLayout()))
	switch view {
	case logsOps:
		return []string{t.ColTime, t.ColActor, t.ColDoor, t.ColOp, t.ColTarget, t.ColNotes}, []int{tw, 8, 4, 10, 10, 4}, []int{0, 0, 0, 0, 20, 0}
	case logsMail:
		if p.narrow() {
			// No room for a reason worth reading: the selected message's
			// has a line of its own under the list.
			return []string{t.ColTime, t.ColFrom, t.ColTo, t.ColSubject, t.ColStatus}, []int{tw, 8, 8, 6, 9}, []int{0, 20, 24, 16, 0}
		}
		return []string{t.ColTime, t.ColFrom, t.ColTo, t.ColSubject, t.ColStatus, t.ColReason}, []int{tw, 8, 8, 6, 9, 4}, []int{0, 22, 30, 30, 0, 0}
	}
	return []string{t.ColTime, t.ColAccount, t.ColSource, t.ColMethod, t.ColResult}, []int{tw, 12, 12, 8, 8}, []int{0, 0, 0, 0, 0}
}

// colWidths fits a view's columns into the pane. Each column gets at
// least its minimum (or less, if nothing in it is wider). The room left
// goes, a cell at a time so that they are cut about alike, to the columns
// before the last, up to their soft limits; then to the last column (notes,
// or a login's result), up to its widest cell; then to the columns before
// the last again, up to their widest cells; what is still left goes to the
// last column.
func (p *logsPane) colWidths(view int, sep int) []int {
	heads, mins, soft := p.columns(view)
	return fitColumns(p.width-2, sep, heads, mins, soft, p.lists[view].want)
}

// fitCell pads or cuts a cell to exactly w cells, with an ellipsis where
// it was cut.
func (p *logsPane) fitCell(s string, w int) string {
	return fitCell(p.s.Styles, s, w)
}

// head is the pane's first lines: the views, the filter, the chain check.
func (p *logsPane) head() []string {
	st := p.s.Styles
	t := p.s.T.Logs
	var tabs []string
	for i, name := range []string{t.OpView, t.LoginView, t.MailView, t.TopView} {
		if i == p.view {
			tabs = append(tabs, st.Selected.Render("["+name+"]"))
		} else {
			tabs = append(tabs, st.Subtle.Render(" "+name+" "))
		}
	}
	out := []string{truncate(st.Title.Render(p.Title())+"  "+strings.Join(tabs, " "), p.width)}
	if p.view == logsTop {
		return append(out, truncate(p.rangeText(), p.width))
	}
	out = append(out, truncate(p.filterText(), p.width))
	out = append(out, p.verifyBox()...)
	return out
}

// filterText says what the current view's filter lets through.
func (p *logsPane) filterText() string {
	st := p.s.Styles
	t := p.s.T.Logs
	f := p.lists[p.view].filter
	if f.empty() {
		return st.Subtle.Render(t.NoFilter)
	}
	var parts []string
	if f.person != "" {
		parts = append(parts, p.s.Sprintf(t.ShowPerson, f.person))
	}
	if f.subject != "" && p.view == logsMail {
		parts = append(parts, p.s.Sprintf(t.ShowSubject, f.subject))
	}
	if f.kind != "" && p.view == logsMail {
		parts = append(parts, p.s.Sprintf(t.ShowKind, mailKindText(p.s, f.kind)))
	}
	if f.since != "" {
		parts = append(parts, p.s.Sprintf(t.ShowSince, f.since))
	}
	if f.until != "" {
		parts = append(parts, p.s.Sprintf(t.ShowUntil, f.until))
	}
	if f.door != "" && p.view == logsOps {
		parts = append(parts, p.s.Sprintf(t.ShowDoor, f.door))
	}
	if f.failed && p.view == logsLogins {
		parts = append(parts, t.ShowFailed)
	}
	return st.Warn.Render(t.FilterLead + strings.Join(parts, "  "))
}

// verifyBox shows the chain check's result between two rules, so it
// cannot be missed; the head hash has a line of its own, whole, to be
// copied and kept.
func (p *logsPane) verifyBox() []string {
	st := p.s.Styles
	t := p.s.T.Logs
	wrap := func(s string) string { return strings.Join(wrapText(s, max(10, p.width)), "\n") }
	switch {
	case p.verifying:
		return []string{st.Subtle.Render(t.Verifying)}
	case p.verified == nil:
		return nil
	}
	r := p.verified
	rule := st.Separator
	if rule == "" {
		rule = "-"
	}
	line := strings.Repeat(rule, max(1, p.width/lipgloss.Width(rule)))
	var body []string
	if r.OK {
		body = []string{
			st.OK.Render(line),
			st.OK.Bold(true).Render(wrap(p.s.Sprintf(plural(int(min(r.Records, 2)), t.VerifyOKOne, t.VerifyOK), r.Records))),
			wrap(t.VerifyHead),
			ansi.Hardwrap(r.Head, max(10, p.width), false),
			st.OK.Render(line),
		}
	} else {
		body = []string{
			st.Error.Render(line),
			st.Error.Render(wrap(p.s.Sprintf(t.VerifyBad, r.BadSeq))),
			wrap(p.s.Sprintf(t.VerifyWhy, logClean(r.Reason))),
			st.Error.Render(line),
		}
	}
	return strings.Split(strings.Join(body, "\n"), "\n")
}

// listRows is how many records fit under the head, the table header and
// the footer.
func (p *logsPane) listRows() int {
	if p.view == logsMail {
		// The selected message's reason has a line of its own.
		return p.height - len(p.head()) - 3
	}
	return p.height - len(p.head()) - 2
}

func (p *logsPane) View() string {
	st := p.s.Styles
	if !p.allowed() {
		return st.Title.Render(p.Title()) + "\n\n" + strings.Join(wrapStyled(st.Error, p.s.T.Logs.Refused, p.width), "\n")
	}
	if p.form != nil {
		return p.form.View()
	}
	if p.detail != nil {
		return p.detailView()
	}
	out := p.head()
	switch p.view {
	case logsMail:
		if body, ok := p.mailBlocked(); ok {
			return strings.Join(append(out, body...), "\n")
		}
		m := &p.mail
		switch {
		case m.err != "":
			return strings.Join(append(out, strings.Join(wrapStyled(st.Error, m.err, p.width), "\n")), "\n")
		case !m.loaded || (m.loading && len(m.recs) == 0):
			return strings.Join(append(out, st.Subtle.Render(p.s.T.Common.Loading)), "\n")
		case len(m.recs) == 0:
			return strings.Join(append(out, st.Subtle.Render(p.s.T.Logs.Empty)), "\n")
		}
		return strings.Join(append(out, p.table()...), "\n")
	case logsTop:
		return strings.Join(append(out, p.topView()...), "\n")
	}
	switch {
	case p.err != "":
		return strings.Join(append(out, strings.Join(wrapStyled(st.Error, p.err, p.width), "\n")), "\n")
	case !p.loaded || (p.loading && p.count(p.view) == 0):
		return strings.Join(append(out, st.Subtle.Render(p.s.T.Common.Loading)), "\n")
	case p.count(p.view) == 0:
		return strings.Join(append(out, st.Subtle.Render(p.s.T.Logs.Empty)), "\n")
	}
	return strings.Join(append(out, p.table()...), "\n")
}

// table draws the header, the rows in sight and the footer.
func (p *logsPane) table() []string {
	st := p.s.Styles
	t := p.s.T.Logs
	l := &p.lists[p.view]
	sep := 2
	if p.narrow() {
		sep = 1
	}
	gap := strings.Repeat(" ", sep)
	widths := p.colWidths(p.view, sep)
	heads, _, _ := p.columns(p.view)
	row := func(cells []string) string {
		parts := make([]string, len(cells))
		for i, c := range cells {
			parts[i] = p.fitCell(c, widths[i])
		}
		return strings.Join(parts, gap)
	}
	out := []string{"  " + st.TableHead.Render(strings.TrimRight(row(heads), " "))}
	rows := max(1, p.listRows())
	end := min(len(l.cells), l.top+rows)
	for i := l.top; i < end; i++ {
		mark, bad := " ", p.view == logsOps && p.verified != nil && !p.verified.OK && p.ops[i].Seq == p.verified.BadSeq
		if i == l.cursor {
			mark = st.Bullet
		}
		flag := " "
		if bad {
			flag = "!"
		}
		cells := l.cells[i]
		if p.view == logsMail {
			// The count of recipients stays when the first one is cut.
			r := p.mail.recs[i]
			first := ""
			if len(r.To) > 0 {
				first = r.To[0]
			}
			if p.narrow() {
				first = shortAddr(p.s, first)
			}
			cells = slices.Clone(cells)
			cells[2] = fitKeepTail(st, logClean(first), rcptTail(p.s, r.Count), widths[2])
		}
		line := truncate(mark+flag+row(cells), p.width)
		switch {
		case i == l.cursor:
			line = st.Selected.Render(padRight(line, p.width))
		case bad:
			line = st.Error.Render(line)
		}
		out = append(out, line)
	}
	if p.view == logsMail {
		reason := ""
		if l.cursor < len(p.mail.recs) {
			reason = p.mail.recs[l.cursor].ReasonText(p.s.Chinese())
		}
		if reason == "" {
			out = append(out, "")
		} else {
			out = append(out, st.Warn.Render(ellipsize(st, logClean(p.s.Sprintf(t.ReasonLine, reason)), p.width)))
		}
	}
	foot := t.Rows
	if l.more {
		foot = t.RowsMore
	}
	footer := p.s.Sprintf(foot, l.top+1, end, len(l.cells))
	if (p.view == logsMail && p.mail.loading) || (p.view != logsMail && p.loading) {
		footer += "  " + t.LoadingMore
	}
	return append(out, st.Subtle.Render(truncate(footer, p.width)))
}

// detailRows is how many lines of a record fit under its title and above
// the footer.
func (p *logsPane) detailRows() int { return max(1, p.height-3) }

// detailView draws the open record.
func (p *logsPane) detailView() string {
	st := p.s.Styles
	t := p.s.T.Logs
	d := p.detail
	var title string
	switch {
	case d.op != nil:
		title = p.s.Sprintf(t.DetailOp, logSeq(d))
	case d.login != nil:
		title = p.s.Sprintf(t.DetailLogin, logSeq(d))
	default:
		title = p.s.Sprintf(t.DetailMail, d.mail.ID)
	}
	lines := p.detailLines()
	rows := p.detailRows()
	top := max(0, min(d.top, len(lines)-rows))
	end := min(len(lines), top+rows)
	out := []string{st.Title.Render(title), ""}
	out = append(out, lines[top:end]...)
	for len(out) < rows+2 {
		out = append(out, "")
	}
	out = append(out, st.Subtle.Render(p.s.Sprintf(t.Lines, top+1, end, len(lines))))
	return strings.Join(out, "\n")
}

func logSeq(d *logsDetail) uint64 {
	if d.op != nil {
		return d.op.Seq
	}
	return d.login.Seq
}

// detailLines are the open record's lines, wrapped to the pane.
func (p *logsPane) detailLines() []string {
	st := p.s.Styles
	t := p.s.T.Logs
	d := p.detail
	w := max(20, p.width)
	if d.mail != nil {
		return p.mailDetailLines(w)
	}
	if d.login != nil {
		r := d.login
		return p.fields(w, [][2]string{
			{t.ColSeq, strconv.FormatUint(r.Seq, 10)},
			{t.ColTime, r.Time.Local().Format(time.RFC3339)},
			{t.ColAccount, string(r.Address)},
			{t.ColSource, r.Source},
			{t.ColSite, logOrNone(p.s, r.Site)},
			{t.ColMethod, p.methodText(r.Method) + " (" + string(r.Method) + ")"},
			{t.ColResult, p.resultTextShort(*r)},
			{t.ColReason, logOrNone(p.s, r.Reason)},
		})
	}
	r := d.op
	who := string(r.Actor)
	if r.Name != "" && who != "" {
		who = r.Name + " <" + who + ">"
	} else if who == "" {
		who = r.Name
	}
	out := p.fields(w, [][2]string{
		{t.ColTime, r.Time.Local().Format(time.RFC3339)},
		{t.ColActor, who},
		{t.ColRoles, logOrNone(p.s, r.Roles)},
		{t.ColDoor, string(r.Door)},
		{t.ColSource, logOrNone(p.s, r.Source)},
		{t.ColOp, r.Op},
		{t.ColTarget, r.Target},
		{t.ColHash, r.Hash},
		{t.Prev, r.Prev},
	})
	out = append(out, "", st.Label.Render(t.ColNotes))
	if len(r.Notes) == 0 {
		out = append(out, "  "+st.Subtle.Render(t.NoNotes))
	}
	for _, n := range r.Notes {
		out = append(out, logWrapIndent(logClean(n.Key+": "+n.Value), 2, w)...)
	}
	out = append(out, "", st.Label.Render(p.s.Sprintf(t.Changes, len(r.Changes))))
	for i, c := range r.Changes {
		if i > 0 {
			out = append(out, "")
		}
		out = append(out, logWrapIndent(st.Value.Bold(true).Render(logClean(c.Kind+" "+c.Key)), 2, w)...)
		if f := logChangedFields(c.Before, c.After); len(f) > 0 {
			out = append(out, logWrapIndent(p.s.Sprintf(t.Fields, strings.Join(f, ", ")), 2, w)...)
		}
		out = append(out, "  "+st.Label.Render(t.Before))
		out = append(out, p.jsonLines(c.Before, t.Created, w)...)
		out = append(out, "  "+st.Label.Render(t.After))
		out = append(out, p.jsonLines(c.After, t.Deleted, w)...)
	}
	return out
}

// resultTextShort is a login's result without the reason (which has its
// own line in the detail).
func (p *logsPane) resultTextShort(r store.LoginRecord) string {
	if r.OK {
		return p.s.T.Logs.ResultOK
	}
	return p.s.T.Logs.ResultRefused
}

func logOrNone(s *Session, v string) string {
	if v == "" {
		return s.T.Common.None
	}
	return v
}

// fields lays out label/value rows (values plain text from the record),
// each value wrapped beside its label, or under it when it is one long
// word.
func (p *logsPane) fields(w int, rows [][2]string) []string {
	lw := 0
	for _, r := range rows {
		lw = max(lw, lipgloss.Width(r[0]))
	}
	lw += 2
	var out []string
	for _, r := range rows {
		v := logClean(r[1])
		// A long word (a hash) that fits on a line of its own goes there,
		// whole, so it can be read and copied in one piece.
		if vw := lipgloss.Width(v); vw > w-lw && vw <= w && !strings.Contains(v, " ") && !hasWide(v) {
			out = append(out, p.s.Styles.Label.Render(r[0]), strings.Repeat(" ", min(2, w-vw))+v)
			continue
		}
		for i, line := range wrapText(v, max(8, w-lw)) {
			label := strings.Repeat(" ", lw)
			if i == 0 {
				label = p.s.Styles.Label.Render(padRight(r[0], lw))
			}
			out = append(out, label+line)
		}
	}
	return out
}

// jsonLines pretty-prints one side of a change, indented under its label;
// null is "none" and says whether the thing was created or deleted.
func (p *logsPane) jsonLines(raw json.RawMessage, none string, w int) []string {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return []string{"    " + p.s.Styles.Subtle.Render(none)}
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, trimmed, "", "  "); err != nil {
		buf.Reset()
		buf.Write(trimmed)
	}
	var out []string
	for _, line := range strings.Split(buf.String(), "\n") {
		lead := len(line) - len(strings.TrimLeft(line, " "))
		out = append(out, logWrapIndent(logClean(line[lead:]), 4+lead, w)...)
	}
	return out
}

// logWrapIndent wraps a line to width w with every piece indented by n.
func logWrapIndent(s string, n, w int) []string {
	pad := strings.Repeat(" ", n)
	lines := wrapText(s, max(8, w-n))
	for i, l := range lines {
		lines[i] = pad + l
	}
	return lines
}

// logChangedFields names the top-level fields a change altered, when both
// sides are JSON objects.
func logChangedFields(before, after json.RawMessage) []string {
	var b, a map[string]any
	if json.Unmarshal(before, &b) != nil || json.Unmarshal(after, &a) != nil || b == nil || a == nil {
		return nil
	}
	var out []string
	for k, v := range a {
		if !reflect.DeepEqual(b[k], v) {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func (p *logsPane) Cursor() *tea.Cursor {
	if p.form == nil {
		return nil
	}
	c := p.form.Cursor()
	return c
}

func (p *logsPane) ShortHelp() []key.Binding {
	k := p.s.Keys
	switch {
	case !p.allowed():
		return nil
	case p.form != nil:
		return p.form.ShortHelp()
	case p.detail != nil:
		return []key.Binding{k.Back, k.Down, k.Up, k.PageDown, k.PageUp}
	case p.view == logsTop:
		return p.topHelp()
	case p.view == logsMail:
		if _, blocked := p.mailBlocked(); blocked {
			return []key.Binding{k.NextView}
		}
	}
	out := []key.Binding{k.NextView, k.Filter}
	if p.count(p.view) > 0 {
		out = append(out, k.Enter)
	}
	if p.s.Can(model.RightAuditVerify) {
		out = append(out, k.Verify)
	}
	if p.s.Export != nil {
		out = append(out, k.Export)
	}
	if p.verified != nil {
		out = append(out, k.Back)
	}
	return append(out, k.Down, k.Up)
}

func (p *logsPane) FullHelp() [][]key.Binding {
	k := p.s.Keys
	switch {
	case !p.allowed():
		return nil
	case p.form != nil:
		return [][]key.Binding{p.form.ShortHelp()}
	case p.detail != nil:
		return [][]key.Binding{{k.Down, k.Up, k.PageDown, k.PageUp, k.Top, k.Bottom}, {k.Back}}
	case p.view == logsTop:
		return [][]key.Binding{append(p.topHelp(), k.Refresh)}
	case p.view == logsMail:
		if _, blocked := p.mailBlocked(); blocked {
			return [][]key.Binding{{k.NextView}}
		}
	}
	actions := []key.Binding{k.NextView, k.Filter, k.Refresh}
	if p.count(p.view) > 0 {
		actions = append(actions, k.Enter)
	}
	if p.s.Can(model.RightAuditVerify) {
		actions = append(actions, k.Verify)
	}
	if p.s.Export != nil {
		actions = append(actions, k.Export)
	}
	if p.verified != nil {
		actions = append(actions, k.Back)
	}
	return [][]key.Binding{{k.Down, k.Up, k.PageDown, k.PageUp, k.Top, k.Bottom}, actions}
}

// opLogCSV is the operation log as CSV rows, header first.
func opLogCSV(t assets.LogsText, recs []store.OpRecord) [][]string {
	rows := [][]string{{t.ColSeq, t.ColTime, t.ColActor, t.ColName, t.ColRoles, t.ColDoor, t.ColSource, t.ColOp, t.ColTarget, t.ColNotes, t.ColHash}}
	for _, r := range recs {
		var notes []string
		for _, n := range r.Notes {
			notes = append(notes, n.Key+": "+n.Value)
		}
		rows = append(rows, []string{strconv.FormatUint(r.Seq, 10), r.Time.Local().Format(time.RFC3339), string(r.Actor), r.Name, r.Roles,
			string(r.Door), r.Source, r.Op, r.Target, strings.Join(notes, "; "), r.Hash})
	}
	return rows
}

// loginLogCSV is the login log as CSV rows, header first.
func loginLogCSV(t assets.LogsText, recs []store.LoginRecord) [][]string {
	rows := [][]string{{t.ColSeq, t.ColTime, t.ColAccount, t.ColSource, t.ColSite, t.ColMethod, t.ColResult, t.ColReason}}
	for _, r := range recs {
		res := t.ResultOK
		if !r.OK {
			res = t.ResultRefused
		}
		rows = append(rows, []string{strconv.FormatUint(r.Seq, 10), r.Time.Local().Format(time.RFC3339), string(r.Address), r.Source, r.Site,
			string(r.Method), res, r.Reason})
	}
	return rows
}

// logsCSV writes rows as CSV for spreadsheets: UTF-8 with a byte-order
// mark (so Excel reads Chinese right), CRLF line ends, and every cell that
// starts with = + - @ (or a tab or carriage return) behind an apostrophe,
// so a spreadsheet shows it instead of running it as a formula.
func logsCSV(rows [][]string) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	for _, row := range rows {
		safe := make([]string, len(row))
		for i, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				c = "'" + c
			}
			safe[i] = c
		}
		w.Write(safe) // a bytes.Buffer does not fail
	}
	w.Flush()
	return b.Bytes()
}
