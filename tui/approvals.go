package tui

import (
	"cmp"
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

// apprHeldLimit is how many held messages the inbox lists, newest first.
const apprHeldLimit = 500

// apprItem is one thing in the Approvals inbox: a request whose current
// step the person may decide, or a message held for their decision.
type apprItem struct {
	req  *model.Request
	held *store.QueueMessage
}

// apprKey names an item within the inbox: a request's id, or a held
// message's.
type apprKey struct {
	req uint64
	msg string
}

// key names the item.
func (it apprItem) key() apprKey {
	if it.req != nil {
		return apprKey{req: it.req.ID}
	}
	return apprKey{msg: it.held.ID}
}

// kind is the item's request kind, or heldKind.
func (it apprItem) kind() string {
	if it.req != nil {
		return string(it.req.Kind)
	}
	return heldKind
}

// when is when it was filed or received.
func (it apprItem) when() time.Time {
	if it.req != nil {
		return it.req.Filed
	}
	return it.held.Received
}

// label names the item in results: "#12" or the message id.
func (it apprItem) label() string {
	if it.req != nil {
		return "#" + strconv.FormatUint(it.req.ID, 10)
	}
	return it.held.ID
}

// approvalsPane is the approval inbox (REQ-3): the requests whose current
// step waits for the person (as officer, head, unit officer, deputy, or
// IT for the applying step) and the mail held for their decision, with
// counts per kind, sorted newest or oldest first, filtered by kind. The
// detail shows the whole chain and what approving changes; the person
// approves or rejects (with a comment, which a rejection needs), hands a
// step to a deputy, or selects several and decides them all, each one
// reported. Every decision goes through the model (requests) or the
// spool's path (held mail), which refuse what the person may not do.
type approvalsPane struct {
	s             *Session
	width, height int

	all     []apprItem // everything waiting, as loaded
	items   []apprItem // filtered and sorted
	counts  map[string]int
	loaded  bool
	loading bool
	dirty   bool
	err     string

	oldest   bool   // sort oldest first
	kind     string // "" all kinds
	selected map[apprKey]bool

	cursor, top int

	detail  *apprDetail
	form    *form
	action  string    // what the form does: approve, reject, hand
	targets []apprKey // the keys the form acts on
	busy    bool
	results []apprResult
	// otps are the one-time passwords of joiners whose accounts the
	// decisions opened: on screen until the next key, never again.
	otps []apprResult

	keys apprKeys
	// onScreen says the pane is in sight: out of sight it reads nothing
	// on changes, and reads the inbox again when it comes back.
	onScreen bool
}

// apprKeys are the pane's own bindings, in the person's language.
type apprKeys struct {
	approve, reject, hand, sel, all, sort, kind, close key.Binding
}

func newApprKeys(s *Session) apprKeys {
	t := s.T.Requests
	k := s.Keys
	return apprKeys{
		approve: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", t.KeyApprove)),
		reject:  key.NewBinding(key.WithKeys("x"), key.WithHelp("x", t.KeyReject)),
		hand:    key.NewBinding(key.WithKeys("d"), key.WithHelp("d", t.KeyHand)),
		sel:     relabelKey(k.Toggle, "", t.KeySelect),
		all:     key.NewBinding(key.WithKeys("A"), key.WithHelp("A", t.KeyAll)),
		sort:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", t.KeySort)),
		kind:    key.NewBinding(key.WithKeys("f", "/"), key.WithHelp("f", t.KeyKind)),
		close:   relabelKey(k.Back, "", t.KeyClose),
	}
}

// apprDetail is the item open in the detail view, read fresh.
type apprDetail struct {
	item  apprItem
	names requestNames
	ready bool
	err   string
	top   int
}

// apprResult is what became of one item of a decision.
type apprResult struct {
	label string
	ok    bool
	text  string
	// A joiner's account opened: its one-time password, whose it is, and
	// what became of mailing it to the heads.
	otp, otpWho, otpMail string
}

// apprLoadedMsg carries the inbox.
type apprLoadedMsg struct {
	pane  *approvalsPane
	items []apprItem
	err   error
}

// apprDetailMsg carries one item read fresh, with the names it shows.
type apprDetailMsg struct {
	pane  *approvalsPane
	key   apprKey
	item  apprItem
	names requestNames
	err   error
}

// apprDoneMsg reports a decision on one or more items.
type apprDoneMsg struct {
	pane    *approvalsPane
	results []apprResult
}

func newApprovalsPane(s *Session) *approvalsPane {
	return &approvalsPane{s: s, selected: map[apprKey]bool{}, counts: map[string]int{}, keys: newApprKeys(s)}
}

func (p *approvalsPane) ID() string    { return "approvals" }
func (p *approvalsPane) Title() string { return p.s.T.Requests.NavApprovals }

func (p *approvalsPane) Init() tea.Cmd { return p.reload() }

// Shown reads the inbox again when the pane comes on screen: the relay
// holds mail without telling the directory, and changes that came while
// it was away were not read (a big inbox is read only while in sight).
func (p *approvalsPane) Shown(on bool) tea.Cmd {
	p.onScreen = on
	if !on || !p.loaded {
		return nil
	}
	return p.reload()
}

// touchesRequests reports whether a change may change an inbox or a list
// of requests: a request filed or decided, a decision on held mail. Other
// changes leave them as they are (a big inbox is not read again for
// every change to the directory).
func touchesRequests(m storeChangedMsg) bool {
	for _, e := range m.events {
		if e.Kind == "request" || e.Kind == "queue" {
			return true
		}
	}
	return false
}

// reload reads the inbox again, or marks that one more read is needed once
// the one under way lands.
func (p *approvalsPane) reload() tea.Cmd {
	if p.loading {
		p.dirty = true
		return nil
	}
	p.loading = true
	cmds := []tea.Cmd{p.load()}
	if p.detail != nil {
		cmds = append(cmds, p.loadDetail(p.detail.item.key()))
	}
	return tea.Batch(cmds...)
}

// waitingFor lists the pending requests whose current step the actor may
// decide, newest first: all of them, since the inbox counts them per kind
// and sorts and filters them (the waiting index reads only those).
func waitingFor(r *store.Reader, actor model.Actor, now time.Time) ([]*model.Request, error) {
	qs, _, err := r.Inbox(actor, now, 0)
	return qs, err
}

// handedTo reports whether a pending request waits for the person as the
// deputy its current step was handed to: one read, before the rail is
// built (never in Update).
//
// It is asked only for people without an approver's role, for whom the
// waiting index holds nothing else.
func handedTo(st *store.Store, actor model.Actor, now time.Time) bool {
	found := false
	st.Read(func(r *store.Reader) error {
		_, n, err := r.Inbox(actor, now, 1)
		found = err == nil && n > 0
		return err
	})
	return found
}

// load reads the requests waiting for the person and the mail held for
// them.
func (p *approvalsPane) load() tea.Cmd {
	st, sp, actor, now := p.s.Store, p.s.Spool, p.s.Actor, p.s.Now()
	return func() tea.Msg {
		msg := apprLoadedMsg{pane: p}
		var reqs []*model.Request
		msg.err = st.Read(func(r *store.Reader) error {
			var err error
			reqs, err = waitingFor(r, actor, now)
			return err
		})
		if msg.err != nil {
			return msg
		}
		var held []*store.QueueMessage
		if sp != nil {
			if held, msg.err = sp.List(store.QueueFilter{Status: store.MsgHeld, Approver: actor.Address, Limit: apprHeldLimit}); msg.err != nil {
				return msg
			}
		}
		msg.items = make([]apprItem, 0, len(reqs)+len(held))
		for _, q := range reqs {
			msg.items = append(msg.items, apprItem{req: q})
		}
		for _, m := range held {
			msg.items = append(msg.items, apprItem{held: m})
		}
		return msg
	}
}

// loadDetail reads one item again, with the names its detail shows.
func (p *approvalsPane) loadDetail(k apprKey) tea.Cmd {
	st, sp, now := p.s.Store, p.s.Spool, p.s.Now()
	return func() tea.Msg {
		msg := apprDetailMsg{pane: p, key: k}
		switch {
		case k.req != 0:
			msg.err = st.Read(func(r *store.Reader) error {
				q, err := r.Request(k.req)
				if err != nil {
					return err
				}
				msg.item, msg.names = apprItem{req: q}, readRequestNames(r, q, now)
				return nil
			})
		case sp != nil:
			m, err := sp.Message(k.msg)
			msg.item, msg.err = apprItem{held: m}, err
		}
		return msg
	}
}

// decide acts on items one by one and reports each: requests through the
// model's DecideRequest or HandStep, held mail through the spool's path
// (the Queue pane's, which authorises, decides, logs, wakes the delivery
// and tells the sender).
func (p *approvalsPane) decide(action string, items []apprItem, comment string, deputy model.Address) tea.Cmd {
	// The decisions run in the background with the session as it is now:
	// a copy, since the App may take new roles meanwhile.
	cs := *p.s
	s := &cs
	qp := &queuePane{s: s}
	t := s.T.Requests
	return func() tea.Msg {
		out := apprDoneMsg{pane: p}
		for _, it := range items {
			res := apprResult{label: it.label()}
			var err error
			switch {
			case it.held != nil && action == "hand":
				continue
			case it.held != nil:
				act := "release"
				if action == "reject" {
					act = "reject"
				}
				err = qp.decide(act, it.held.ID, comment)().(queueDecidedMsg).err
				res.text = s.Sprintf(t.HeldReleased, it.held.ID)
				if act == "reject" {
					res.text = s.Sprintf(t.HeldRejected, it.held.ID)
				}
			case action == "hand":
				err = s.Store.Apply(s.Actor, &model.HandStep{ID: it.req.ID, To: deputy, Comment: comment})
				res.text = s.Sprintf(t.DidHand, it.req.ID, string(deputy))
			default:
				c := &model.DecideRequest{ID: it.req.ID, Approve: action == "approve", Comment: comment}
				err = s.Store.Apply(s.Actor, c)
				if err == nil && c.OneTime != "" {
					res.otp, res.otpWho = c.OneTime, string(it.req.Subject)
					if c.Result != nil && c.Result.Join != nil {
						res.otpWho = c.Result.Join.Name + " <" + string(c.Result.Subject) + ">"
					}
					res.otpMail = s.mailOneTime(c.Result, c.OneTime)
				}
				switch {
				case action == "reject":
					res.text = s.Sprintf(t.DidReject, it.req.ID)
				case c.Result != nil && c.Result.State == model.RequestApplied:
					res.text = s.Sprintf(t.DidApply, it.req.ID)
				default:
					res.text = s.Sprintf(t.DidApprove, it.req.ID)
				}
			}
			if err != nil {
				res.text = it.label() + " " + s.ErrText(err)
			}
			res.ok = err == nil
			out.results = append(out.results, res)
		}
		return out
	}
}

func (p *approvalsPane) SetSize(w, h int) {
	p.width, p.height = w, h
	if p.form != nil {
		p.form.SetSize(w, h)
	}
	p.clamp()
}

func (p *approvalsPane) Capturing() bool { return p.form != nil || len(p.otps) > 0 }

func (p *approvalsPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case apprLoadedMsg:
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
		p.setItems(msg.items)
		return p, nil
	case apprDetailMsg:
		if msg.pane != p || p.detail == nil || p.detail.item.key() != msg.key {
			return p, nil
		}
		if msg.err != nil {
			p.detail.err = p.s.ErrText(msg.err)
			return p, nil
		}
		p.detail.item, p.detail.names, p.detail.ready, p.detail.err = msg.item, msg.names, true, ""
		return p, nil
	case apprDoneMsg:
		if msg.pane != p {
			return p, nil
		}
		return p, p.done(msg.results)
	case storeChangedMsg:
		if !touchesRequests(msg) || (!p.onScreen && p.loaded) {
			return p, nil
		}
		return p, p.reload()
	case tea.KeyPressMsg:
		switch {
		case len(p.otps) > 0:
			p.otps = nil // any key: shown once
			return p, nil
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

// setItems takes a new inbox: counts per kind, the filter and the order
// applied, the selection kept to what is still there, the cursor on the
// item it was on.
func (p *approvalsPane) setItems(items []apprItem) {
	sel := p.selectedKey()
	p.all, p.loaded, p.err = items, true, ""
	p.counts = map[string]int{}
	present := map[apprKey]bool{}
	for _, it := range items {
		p.counts[it.kind()]++
		present[it.key()] = true
	}
	for k := range p.selected {
		if !present[k] {
			delete(p.selected, k)
		}
	}
	p.arrange()
	p.reselect(sel)
}

// arrange filters the inbox by kind and sorts it.
func (p *approvalsPane) arrange() {
	p.items = p.items[:0]
	for _, it := range p.all {
		if p.kind == "" || it.kind() == p.kind {
			p.items = append(p.items, it)
		}
	}
	slices.SortStableFunc(p.items, func(a, b apprItem) int {
		c := a.when().Compare(b.when())
		switch {
		case c != 0:
		case a.req != nil && b.req != nil:
			c = cmp.Compare(a.req.ID, b.req.ID)
		default:
			c = strings.Compare(a.key().msg, b.key().msg)
		}
		if p.oldest {
			return c
		}
		return -c
	})
}

// done shows what became of a decision: a line in the status bar, and
// the list of results when there were several or one was refused; then
// the inbox is read again.
func (p *approvalsPane) done(results []apprResult) tea.Cmd {
	p.busy = false
	failed := 0
	for _, r := range results {
		if !r.ok {
			failed++
		}
	}
	p.selected = map[apprKey]bool{}
	for _, r := range results {
		if r.otp != "" {
			p.otps = append(p.otps, r)
		}
	}
	var fl tea.Cmd
	switch {
	case len(results) == 1:
		fl = flash(results[0].text, failed > 0)
		p.results = nil
		if failed > 0 {
			p.results = results
		}
	default:
		fl = flash(p.s.Sprintf(p.s.T.Requests.Summary, len(results)-failed, failed), failed > 0)
		// The refusals first: they are what the person must read.
		slices.SortStableFunc(results, func(a, b apprResult) int {
			switch {
			case a.ok == b.ok:
				return 0
			case !a.ok:
				return -1
			}
			return 1
		})
		p.results = results
	}
	if failed == 0 && p.detail != nil {
		p.detail = nil
	}
	return tea.Batch(fl, p.reload())
}

// selectedKey is the key of the item under the cursor, "" if none.
func (p *approvalsPane) selectedKey() apprKey {
	if p.cursor < len(p.items) {
		return p.items[p.cursor].key()
	}
	return apprKey{}
}

// reselect keeps the cursor on the item it was on.
func (p *approvalsPane) reselect(k apprKey) {
	if k != (apprKey{}) {
		for i, it := range p.items {
			if it.key() == k {
				p.top += i - p.cursor
				p.cursor = i
				break
			}
		}
	}
	p.clamp()
}

// current is the item the keys act on: the open one, else the one under
// the cursor.
func (p *approvalsPane) current() (apprItem, bool) {
	if p.detail != nil {
		return p.detail.item, p.detail.item.req != nil || p.detail.item.held != nil
	}
	if p.cursor < len(p.items) {
		return p.items[p.cursor], true
	}
	return apprItem{}, false
}

// targetsOf are the items an action takes: the selection, or the current
// item.
func (p *approvalsPane) targetsOf() []apprItem {
	if p.detail == nil && len(p.selected) > 0 {
		var out []apprItem
		for _, it := range p.items {
			if p.selected[it.key()] {
				out = append(out, it)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	if it, ok := p.current(); ok {
		return []apprItem{it}
	}
	return nil
}

// mayHand reports whether the person may hand the item's step on: they
// are the step's named approver, or IT, who may hand any step on
// (HandStep's rule).
func (p *approvalsPane) mayHand(it apprItem) bool {
	if it.req == nil || p.busy {
		return false
	}
	i := it.req.Current()
	if i >= len(it.req.Steps) {
		return false
	}
	return it.req.Steps[i].Approver == p.s.Actor.Address || model.Can(p.s.Actor, model.RightRequestApply, nil, nil)
}

// openForm asks for the comment (approve, reject) or the deputy (hand).
func (p *approvalsPane) openForm(action string, items []apprItem) {
	t := p.s.T.Requests
	var title string
	one := len(items) == 1
	switch {
	case action == "approve" && one:
		title = p.s.Sprintf(t.ApproveTitle, items[0].label())
	case action == "approve":
		title = p.s.Sprintf(t.ApproveMany, len(items))
	case action == "reject" && one:
		title = p.s.Sprintf(t.RejectTitle, items[0].label())
	case action == "reject":
		title = p.s.Sprintf(t.RejectMany, len(items))
	case action == "hand":
		r := items[0].req
		title = p.s.Sprintf(t.HandTitle, r.ID, r.Current()+1)
	}
	f := newForm(p.s, title)
	switch {
	case one:
		f.intro = p.itemLine(items[0])
	default:
		f.intro = p.s.Sprintf(t.ManyIntro, len(items))
	}
	switch action {
	case "hand":
		f.add("deputy", t.Deputy, "", false, t.DeputyHint)
		f.add("comment", t.Comment, "", false, t.CommentHint)
	case "reject":
		f.add("comment", t.Comment, "", false, t.RejectHint)
	default:
		f.add("comment", t.Comment, "", false, t.CommentHint)
	}
	f.SetSize(p.width, p.height)
	p.form, p.action = f, action
	p.targets = p.targets[:0]
	for _, it := range items {
		p.targets = append(p.targets, it.key())
	}
}

// itemLine says in a line what an item is.
func (p *approvalsPane) itemLine(it apprItem) string {
	if it.req != nil {
		return it.label() + " " + kindName(p.s, string(it.req.Kind)) + " · " + logClean(requestAbout(p.s, it.req, false))
	}
	return kindName(p.s, heldKind) + " · " + logClean(heldAbout(p.s, it.held, false))
}

// actionKey starts an action on the selection or the current item.
func (p *approvalsPane) actionKey(msg tea.KeyPressMsg) (bool, tea.Cmd) {
	if p.busy {
		return false, nil
	}
	k := p.keys
	switch {
	case key.Matches(msg, k.approve):
		if items := p.targetsOf(); len(items) > 0 {
			p.openForm("approve", items)
			return true, nil
		}
	case key.Matches(msg, k.reject):
		if items := p.targetsOf(); len(items) > 0 {
			p.openForm("reject", items)
			return true, nil
		}
	case key.Matches(msg, k.hand):
		if it, ok := p.current(); ok && p.mayHand(it) {
			p.openForm("hand", []apprItem{it})
			return true, nil
		}
	}
	return false, nil
}

func (p *approvalsPane) formKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	if p.busy {
		return p, nil
	}
	t := p.s.T.Requests
	res, cmd := p.form.Update(msg)
	switch res {
	case formCancelled:
		p.form = nil
	case formSubmitted:
		p.form.clearErrors()
		comment := p.form.value("comment")
		deputy := p.form.value("deputy")
		switch {
		case p.action == "reject" && comment == "":
			p.form.setError("comment", t.CommentNeeded)
			return p, nil
		case p.action == "hand" && deputy == "":
			p.form.setError("deputy", t.DeputyNeeded)
			return p, nil
		}
		// An item that left the inbox while the form was open (someone
		// else decided it) is still sent: the refusal says what became
		// of it.
		var items []apprItem
		for _, k := range p.targets {
			it, ok := p.find(k)
			switch {
			case ok:
			case k.req != 0:
				it = apprItem{req: &model.Request{ID: k.req}}
			default:
				it = apprItem{held: &store.QueueMessage{ID: k.msg}}
			}
			items = append(items, it)
		}
		action := p.action
		p.form, p.busy, p.results = nil, true, nil
		return p, p.decide(action, items, comment, model.Address(strings.ToLower(deputy)))
	}
	return p, cmd
}

// find is an item by key: the open one, or one in the inbox.
func (p *approvalsPane) find(k apprKey) (apprItem, bool) {
	if p.detail != nil && p.detail.item.key() == k {
		return p.detail.item, true
	}
	for _, it := range p.all {
		if it.key() == k {
			return it, true
		}
	}
	return apprItem{}, false
}

func (p *approvalsPane) listKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	n := len(p.items)
	page := max(1, p.listRows())
	if ok, cmd := p.actionKey(msg); ok {
		return p, cmd
	}
	switch {
	case p.results != nil && key.Matches(msg, p.keys.close):
		p.results = nil
	case key.Matches(msg, p.keys.sort):
		p.oldest = !p.oldest
		sel := p.selectedKey()
		p.arrange()
		p.reselect(sel)
	case key.Matches(msg, p.keys.kind):
		p.nextKind()
	case key.Matches(msg, p.keys.sel) && n > 0:
		it := p.items[p.cursor]
		if p.selected[it.key()] {
			delete(p.selected, it.key())
		} else {
			p.selected[it.key()] = true
		}
		p.cursor++
	case key.Matches(msg, p.keys.all) && n > 0:
		if len(p.selected) == n {
			p.selected = map[apprKey]bool{}
		} else {
			for _, it := range p.items {
				p.selected[it.key()] = true
			}
		}
	case key.Matches(msg, k.Back) && len(p.selected) > 0:
		p.selected = map[apprKey]bool{}
	case key.Matches(msg, k.Refresh):
		return p, p.reload()
	case cursorKey(k, msg, &p.cursor, &p.top, n, page):
	case key.Matches(msg, k.Enter) && n > 0:
		it := p.items[p.cursor]
		p.detail = &apprDetail{item: it}
		return p, p.loadDetail(it.key())
	}
	p.clamp()
	return p, nil
}

// nextKind filters on the next kind that has items, then on all again.
func (p *approvalsPane) nextKind() {
	kinds := []string{""}
	for _, k := range requestKinds {
		if p.counts[k] > 0 {
			kinds = append(kinds, k)
		}
	}
	i := slices.Index(kinds, p.kind)
	p.kind = kinds[(i+1)%len(kinds)]
	// What is selected must be in sight: a decision takes the selection.
	p.selected = map[apprKey]bool{}
	p.arrange()
	p.cursor, p.top = 0, 0
}

func (p *approvalsPane) detailKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	d := p.detail
	if ok, cmd := p.actionKey(msg); ok {
		return p, cmd
	}
	lines := len(p.detailLines())
	rows := p.detailRows()
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

// clamp keeps the cursor on an item and in sight.
func (p *approvalsPane) clamp() {
	p.cursor, p.top = inSight(p.cursor, p.top, len(p.items), max(1, p.listRows()))
}

// narrow reports whether the table must save room.
func (p *approvalsPane) narrow() bool { return p.width < 100 }

// head is the pane's first lines: its name with how many wait, the
// counts per kind, the order and the filter.
func (p *approvalsPane) head() []string {
	st := p.s.Styles
	t := p.s.T.Requests
	n := len(p.all)
	title := st.Title.Render(p.Title()) + "  " + p.s.Sprintf(plural(n, t.CountOne, t.Count), n)
	var parts []string
	for _, k := range requestKinds {
		if c := p.counts[k]; c > 0 {
			part := p.s.Sprintf(t.KindCount, kindName(p.s, k), c)
			if k == p.kind {
				part = st.Selected.Render(part)
			}
			parts = append(parts, part)
		}
	}
	order := t.Newest
	if p.oldest {
		order = t.Oldest
	}
	kind := t.AllKinds
	if p.kind != "" {
		kind = kindName(p.s, p.kind)
	}
	line := order + " · " + kind
	if len(p.selected) > 0 {
		line += " · " + p.s.Sprintf(t.Selected, len(p.selected))
	}
	out := []string{ellipsize(st, title, p.width)}
	if len(parts) > 0 {
		out = append(out, ellipsize(st, strings.Join(parts, "  "), p.width))
	}
	return append(out, st.Subtle.Render(ellipsize(st, line, p.width)))
}

// listRows is how many items fit under the head, the table header, the
// footer and the results.
func (p *approvalsPane) listRows() int {
	return p.height - len(p.head()) - 2 - len(p.resultLines())
}

// columns are the table's headings with each column's narrowest and soft
// widths.
func (p *approvalsPane) columns() (heads []string, mins, soft []int) {
	t := p.s.T.Requests
	tw := cellWidth(mailTime(time.Unix(0, 0), true))
	if p.narrow() {
		return []string{t.ColID, t.ColKind, t.ColAbout, t.ColFiled}, []int{3, 4, 10, tw}, []int{8, 10, 0, 0}
	}
	return []string{t.ColID, t.ColFiled, t.ColKind, t.ColAbout, t.ColRequester, t.ColStep, t.ColWaitingOn},
		[]int{3, tw, 4, 12, 8, 6, 8}, []int{8, 0, 12, 48, 24, 0, 0}
}

// cells are one item's cells, in the order of columns.
func (p *approvalsPane) cells(it apprItem) []string {
	t := p.s.T.Requests
	kind := kindName(p.s, it.kind())
	var id, about, requester, step, on string
	if it.req != nil {
		r := it.req
		id = strconv.FormatUint(r.ID, 10)
		about = requestAbout(p.s, r, p.narrow())
		if r.Urgent {
			about = t.Urgent + " " + about
		}
		requester = string(r.Requester)
		i := r.Current()
		step = p.s.Sprintf(t.StepOf, i+1, len(r.Steps))
		if i < len(r.Steps) {
			on = stepShort(p.s, r.Steps[i], p.narrow())
		}
	} else {
		m := it.held
		// A held message's id is long and means little: the detail has it.
		id = "-"
		about = heldAbout(p.s, m, p.narrow())
		requester = queueSender(m)
		step = p.s.Sprintf(t.StepOf, 1, 1)
		on = string(m.Approver)
	}
	if p.narrow() {
		return logCleanAll(id, kind, about, mailTime(it.when(), true))
	}
	return logCleanAll(id, mailTime(it.when(), true), kind, about, requester, step, on)
}

func (p *approvalsPane) View() string {
	st := p.s.Styles
	t := p.s.T.Requests
	wrap := func(text string) []string { return wrapStyled(st.Error, text, max(10, p.width-1)) }
	switch {
	case len(p.otps) > 0:
		return p.otpView()
	case p.form != nil:
		v := p.form.View()
		if p.busy {
			v += "\n\n" + st.Subtle.Render(t.Working)
		}
		return v
	case p.detail != nil:
		return p.detailView()
	}
	out := p.head()
	switch {
	case p.err != "":
		out = append(out, wrap(p.err)...)
	case !p.loaded:
		out = append(out, st.Subtle.Render(p.s.T.Common.Loading))
	case len(p.items) == 0 && p.kind != "":
		out = append(out, st.Subtle.Render(ellipsize(st, t.EmptyKind, p.width)))
	case len(p.items) == 0:
		out = append(out, st.Subtle.Render(ellipsize(st, t.Empty, p.width)))
	default:
		out = append(out, p.table()...)
	}
	return strings.Join(append(out, p.resultLines()...), "\n")
}

// resultLines list what became of each item of the last decision, while
// they are shown (or say the decision is under way).
func (p *approvalsPane) resultLines() []string {
	st := p.s.Styles
	t := p.s.T.Requests
	switch {
	case p.busy:
		return []string{"", st.Subtle.Render(t.Working)}
	case len(p.results) == 0:
		return nil
	}
	// Each result wraps (a refusal's reason ends with what to do); the
	// list takes at most a third of the pane, and says when it goes on.
	room := max(4, p.height/3)
	var lines []string
	shown := 0
	for _, r := range p.results {
		if len(lines) >= room-1 && shown < len(p.results) {
			break
		}
		shown++
		word, style := t.ResultOK, st.OK
		if !r.ok {
			word, style = t.ResultRefused, st.Error
		}
		lead := word + " "
		for i, l := range wrapText(logClean(r.text), max(10, p.width-cellWidth(lead)-1)) {
			if i == 0 {
				lines = append(lines, style.Render(word)+" "+l)
			} else {
				lines = append(lines, strings.Repeat(" ", cellWidth(lead))+l)
			}
		}
	}
	if shown < len(p.results) {
		lines = append(lines, st.Subtle.Render(ellipsize(st, p.s.Sprintf(t.ResultsMore, len(p.results)-shown), p.width)))
	}
	return append([]string{"", st.Label.Render(t.ResultsTitle)}, lines...)
}

// table draws the header, the rows in sight and the footer. Only the rows
// in sight are laid out: the inbox may hold thousands.
func (p *approvalsPane) table() []string {
	st := p.s.Styles
	sep := 2
	if p.narrow() {
		sep = 1
	}
	gap := strings.Repeat(" ", sep)
	heads, mins, soft := p.columns()
	rows := max(1, p.listRows())
	end := min(len(p.items), p.top+rows)
	cells := make([][]string, 0, end-p.top)
	for i := p.top; i < end; i++ {
		cells = append(cells, p.cells(p.items[i]))
	}
	widths := fitColumns(p.width-4, sep, heads, mins, soft, widest(heads, cells))
	out := []string{"    " + st.TableHead.Render(strings.TrimRight(tableRow(st, heads, widths, gap), " "))}
	for j, c := range cells {
		i := p.top + j
		mark := "  "
		if i == p.cursor {
			mark = st.Bullet + " "
		}
		box := "  "
		if p.selected[p.items[i].key()] {
			box = "* "
		}
		line := ellipsize(st, mark+box+tableRow(st, c, widths, gap), p.width)
		if i == p.cursor {
			line = st.Selected.Render(padRight(line, p.width))
		}
		out = append(out, line)
	}
	foot := p.s.Sprintf(p.s.T.Requests.Rows, p.top+1, end, len(p.items))
	return append(out, st.Subtle.Render(ellipsize(st, foot, p.width)))
}

// detailRows is how many lines of the detail fit under its title and
// above the footer.
func (p *approvalsPane) detailRows() int {
	return max(1, p.height-3-len(p.resultLines()))
}

func (p *approvalsPane) detailTitle() string {
	t := p.s.T.Requests
	it := p.detail.item
	if it.req != nil {
		return p.s.Sprintf(t.DetailTitle, it.req.ID, kindName(p.s, string(it.req.Kind)))
	}
	return p.s.Sprintf(t.HeldTitle, it.held.ID)
}

func (p *approvalsPane) detailView() string {
	return scrollView(p.s, p.detailTitle(), p.detailLines(), p.detail.top, p.width, p.height, p.resultLines())
}

// detailLines are the open item's lines, wrapped to the pane.
func (p *approvalsPane) detailLines() []string {
	st := p.s.Styles
	d := p.detail
	w := max(20, p.width)
	switch {
	case d.err != "":
		return wrapStyled(st.Error, d.err, w-1)
	case !d.ready:
		return []string{st.Subtle.Render(p.s.T.Common.Loading)}
	case d.item.req != nil:
		return requestDetailLines(p.s, d.names, d.item.req, w)
	}
	return heldDetailLines(p.s, d.item.held, w)
}

func (p *approvalsPane) Cursor() *tea.Cursor {
	if p.form == nil {
		return nil
	}
	return p.form.Cursor()
}

// actionKeys are the actions that work now.
func (p *approvalsPane) actionKeys() []key.Binding {
	it, ok := p.current()
	if !ok || p.busy {
		return nil
	}
	if p.detail != nil && !p.detail.ready {
		return nil
	}
	out := []key.Binding{p.keys.approve, p.keys.reject}
	if p.mayHand(it) && (p.detail != nil || len(p.selected) == 0) {
		out = append(out, p.keys.hand)
	}
	return out
}

func (p *approvalsPane) ShortHelp() []key.Binding {
	k := p.s.Keys
	switch {
	case p.form != nil:
		return p.form.ShortHelp()
	case p.detail != nil:
		return append(p.actionKeys(), k.Back, k.Down, k.Up)
	}
	// The list's line keeps to what fits 80 columns; ? shows the rest.
	var out []key.Binding
	if len(p.items) > 0 {
		out = append(out, k.Enter)
	}
	if len(p.items) > 0 && !p.busy {
		out = append(out, p.keys.approve, p.keys.reject, p.keys.sel)
	}
	if p.results != nil {
		out = append(out, p.keys.close)
	}
	return append(out, p.keys.sort, p.keys.kind)
}

func (p *approvalsPane) FullHelp() [][]key.Binding {
	k := p.s.Keys
	if p.form != nil || p.detail != nil {
		return [][]key.Binding{p.ShortHelp()}
	}
	var acts []key.Binding
	if len(p.items) > 0 {
		acts = append(acts, k.Enter)
	}
	acts = append(acts, p.actionKeys()...)
	if len(p.items) > 0 {
		acts = append(acts, p.keys.sel, p.keys.all)
	}
	if p.results != nil {
		acts = append(acts, p.keys.close)
	}
	return [][]key.Binding{acts, {p.keys.sort, p.keys.kind, k.Down, k.Up, k.PageDown, k.PageUp, k.Top, k.Bottom, k.Refresh}}
}

// mailOneTime mails a joiner's one-time password to their heads where the
// relay runs, and says in the reader's language what became of it.
func (s *Session) mailOneTime(q *model.Request, otp string) string {
	if s.OneTime == nil {
		return ""
	}
	t := s.T.Requests
	to, err := s.OneTime(q, otp)
	if err != nil {
		return s.Sprintf(t.OneTimeNotMailed, s.ErrText(err))
	}
	names := make([]string, len(to))
	for i, a := range to {
		names[i] = string(a)
	}
	return s.Sprintf(t.OneTimeMailed, strings.Join(names, ", "))
}

// otpView shows the one-time passwords of the accounts just opened, each
// in a box, until the next key.
func (p *approvalsPane) otpView() string {
	st := p.s.Styles
	t := p.s.T.Requests
	note := lipgloss.NewStyle().Width(max(10, p.width-1))
	out := []string{st.Title.Render(p.s.T.Requests.NavApprovals), ""}
	for _, r := range p.otps {
		out = append(out, st.Label.Render(truncate(p.s.Sprintf(t.OneTime, r.otpWho), p.width)), st.FocusBox.Render(st.Secret.Render(r.otp)))
		if r.otpMail != "" {
			out = append(out, note.Render(r.otpMail))
		}
		out = append(out, "")
	}
	return strings.Join(append(out, note.Render(t.OneTimeNote), "", st.Subtle.Render(t.OneTimeAnyKey)), "\n")
}
