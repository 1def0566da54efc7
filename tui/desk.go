package tui

import (
	"net/netip"
	"slices"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// deskHitLimit is how many search hits the Reset desk lists.
const deskHitLimit = 10

// deskStep is where the Reset desk stands in a call.
type deskStep int

const (
	deskFind     deskStep = iota // the search field and its hits
	deskPerson                   // the person's account and the verify fields
	deskOverride                 // the form for an override of the verification
	deskReset                    // the form for the reset's ticket or reason
	deskUnlock                   // the form for the unlock's ticket or reason
	deskOTP                      // the one-time password, shown once
)

// deskPane is the helpdesk's Reset desk (ACC-3, ACC-4), made for a person
// on the phone with a caller: find the caller in a few keystrokes, see their
// account and recent failed logins, check two recorded facts the caller
// tells (the stored values are never drawn), then reset the password with a
// ticket or reason, or lift a lock. The one-time password is shown once and
// forgotten at the next key. esc goes back to Find for the next caller.
type deskPane struct {
	s             *Session
	width, height int
	step          deskStep
	// book is the address book while it is open over the desk (b, when
	// the search field has let go of the keyboard).
	book *bookView

	// Find.
	query       textinput.Model
	hits        []deskHit
	more        bool // the search found more than deskHitLimit
	hit         int
	searchSeq   int // the newest search; older results are dropped
	searching   bool
	searchDirty bool // the data changed while a search ran
	keepHit     bool // a search for changed data keeps the highlighted person
	searchErr   string
	// lockedNow says the hits are the accounts locked now, which the desk
	// lists while the search field is empty, for the helpdesk to see who
	// is shut out before they call.
	lockedNow bool

	// The person.
	addr       model.Address
	person     *deskPersonInfo
	personSeq  int // the newest load; older results are dropped
	loading    bool
	dirty      bool // the data changed while a load ran
	personErr  string
	fields     []*verifyField
	vfocus     int
	editing    bool   // a verify field has the keyboard
	startTyped bool   // begin typing into the first field once the person is loaded
	override   string // how the helpdesk verified the caller instead of two fields

	// The forms and the one-time password.
	form *form
	busy bool
	otp  string

	help deskHelp
}

// deskHelp are bindings of the session's KeyMap with the desk's own words.
type deskHelp struct {
	up, down, pick, override, check, edit, done, submit, anyKey key.Binding
}

// deskHit is one search result.
type deskHit struct {
	addr   model.Address
	name   string
	dept   string
	status model.Status
}

// deskPersonInfo is what the desk knows of the selected person. member holds
// the recorded values the caller is checked against: they stay in memory
// and are never drawn.
type deskPersonInfo struct {
	member *model.Member
	depts  []string
	failed []store.LoginRecord
	// resetErr is why the store would refuse this actor a reset (an
	// admin's account for a helpdesk); unlockOK whether it would allow an unlock.
	resetErr error
	unlockOK bool
}

// deskSearchMsg carries the hits of one search.
type deskSearchMsg struct {
	seq    int
	hits   []deskHit
	more   bool
	locked bool // the accounts locked now, for an empty search
	err    error
}

// deskPersonLoadedMsg carries the selected person.
type deskPersonLoadedMsg struct {
	seq    int
	person *deskPersonInfo
	err    error
}

// newDeskPane builds the Reset desk; its search field has the keyboard.
func newDeskPane(s *Session) Pane {
	q := newInput("> ", 128)
	q.Focus()
	k, t := s.Keys, s.T.Desk
	relabel := func(b key.Binding, desc string) key.Binding {
		b.SetHelp(b.Help().Key, desc)
		return b
	}
	p := &deskPane{s: s, query: q, width: 66, height: 21}
	p.help = deskHelp{
		// In a text field j and k type; only the arrows move.
		up:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", k.Up.Help().Desc)),
		down:     key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", k.Down.Help().Desc)),
		pick:     relabel(k.Enter, t.Select),
		override: relabel(k.Verify, t.Override),
		check:    relabel(k.Enter, t.CheckField),
		edit:     relabel(k.Enter, t.EditField),
		done:     relabel(k.Back, t.Done),
		submit:   relabel(k.Enter, t.Submit),
		anyKey:   key.NewBinding(key.WithKeys(k.Enter.Keys()...), key.WithHelp(t.AnyKey, t.Clear)),
	}
	p.layout()
	return p
}

// ID names the pane for background results.
func (p *deskPane) ID() string { return "desk" }

// Title is the pane's name on the rail.
func (p *deskPane) Title() string { return p.s.T.Nav.Desk }

// Init starts nothing: the desk waits for the first keystroke.
func (p *deskPane) Init() tea.Cmd { return p.search() }

// SetSize fits the inputs and forms to the pane.
func (p *deskPane) SetSize(w, h int) {
	p.width, p.height = w, h
	p.layout()
	if p.book != nil {
		p.book.SetSize(w, h)
	}
}

// Capturing is true whenever a field has the keyboard, and while the
// one-time password is shown (any key clears it, q included).
func (p *deskPane) Capturing() bool {
	if p.book != nil {
		return p.book.Capturing()
	}
	switch p.step {
	case deskFind:
		return p.query.Focused()
	case deskPerson:
		return p.editing
	}
	return true
}

// inner is the width the desk draws in, a cell of margin kept.
func (p *deskPane) inner() int { return max(20, p.width-1) }

func (p *deskPane) layout() {
	p.query.SetWidth(max(8, p.inner()-lipgloss.Width(p.query.Prompt)-2))
	iw := p.verifyInputWidth()
	for _, f := range p.fields {
		f.input.SetWidth(iw)
	}
	if p.form != nil {
		p.form.SetSize(p.inner(), p.height)
	}
}

// Update handles results, store changes and keys.
func (p *deskPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	var bookCmd tea.Cmd
	if p.book != nil {
		bookCmd = p.book.Update(msg)
		if p.book.closed {
			p.book = nil
		}
		switch msg.(type) {
		case tea.KeyPressMsg, bookLoadedMsg, appliedMsg:
			return p, bookCmd
		}
	}
	np, cmd := p.update(msg)
	return np, tea.Batch(bookCmd, cmd)
}

func (p *deskPane) update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case deskSearchMsg:
		return p, p.searched(msg)
	case deskPersonLoadedMsg:
		return p, p.loaded(msg)
	case storeChangedMsg:
		return p, p.reload()
	case appliedMsg:
		if msg.pane != p.ID() {
			return p, nil
		}
		return p, p.applied(msg)
	case tea.KeyPressMsg:
		return p, p.key(msg)
	}
	// Anything else (a paste, say) goes to the field that has the keyboard.
	switch {
	case p.step == deskFind && p.query.Focused():
		return p, p.typeQuery(msg)
	case p.step == deskPerson && p.editing:
		return p, p.typeAnswer(msg)
	case p.form != nil && !p.busy:
		_, cmd := p.form.Update(msg)
		return p, cmd
	}
	return p, nil
}

// ---- Find ----

// search starts a search for the query; the results of any earlier one
// will be dropped.
func (p *deskPane) search() tea.Cmd {
	p.searchSeq++
	p.searchDirty = false
	seq, q := p.searchSeq, p.query.Value()
	empty := strings.TrimSpace(q) == ""
	if empty && !model.HoldsAnywhere(p.s.Actor, model.RightAccountUnlock) {
		p.hits, p.more, p.hit, p.searching, p.searchErr, p.lockedNow = nil, false, 0, false, "", false
		return nil
	}
	p.searching = true
	st, actor := p.s.Store, p.s.Actor
	return func() tea.Msg {
		msg := deskSearchMsg{seq: seq, locked: empty}
		msg.err = st.Read(func(r *store.Reader) error {
			seen := func(m *model.Member) bool { return model.CanSee(actor, m, r) }
			var ms []*model.Member
			var err error
			if empty {
				ms, err = lockedNow(r, seen)
			} else {
				ms, err = r.Search(q, deskHitLimit+1, seen)
			}
			if err != nil {
				return err
			}
			if len(ms) > deskHitLimit {
				ms, msg.more = ms[:deskHitLimit], true
			}
			for _, m := range ms {
				h := deskHit{addr: m.Address, name: m.Name, status: m.Status}
				if len(m.Depts) > 0 {
					h.dept = r.DeptPath(m.Depts[0])
					if len(m.Depts) > 1 {
						h.dept += " +" + itoa(len(m.Depts)-1)
					}
				}
				msg.hits = append(msg.hits, h)
			}
			return nil
		})
		return msg
	}
}

// lockedNow lists the accounts locked now that the helpdesk sees, newest
// lock first; it reads the members only when the counts say some are.
func lockedNow(r *store.Reader, seen func(*model.Member) bool) ([]*model.Member, error) {
	stats, err := r.MemberStats()
	if err != nil || stats.Locked == 0 {
		return nil, err
	}
	ms, err := r.Members(store.MemberFilter{Status: model.StatusLocked, Keep: seen})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(ms, func(a, b *model.Member) int { return b.Password.LockedUntil.Compare(a.Password.LockedUntil) })
	return ms, nil
}

// searched takes the newest search's hits and drops stale ones.
func (p *deskPane) searched(msg deskSearchMsg) tea.Cmd {
	if msg.seq != p.searchSeq {
		return nil
	}
	p.searching = false
	if msg.err != nil {
		p.searchErr = p.s.ErrText(msg.err)
	} else {
		keep := model.Address("")
		if p.keepHit && p.hit < len(p.hits) {
			keep = p.hits[p.hit].addr
		}
		p.hits, p.more, p.searchErr, p.hit, p.lockedNow = msg.hits, msg.more, "", 0, msg.locked
		for i, h := range p.hits {
			if h.addr == keep {
				p.hit = i
			}
		}
	}
	if p.searchDirty {
		return p.search()
	}
	return nil
}

// typeQuery passes a message to the search field and searches again when
// the text changed.
func (p *deskPane) typeQuery(msg tea.Msg) tea.Cmd {
	before := p.query.Value()
	var cmd tea.Cmd
	p.query, cmd = p.query.Update(msg)
	if p.query.Value() != before {
		p.hit, p.keepHit = 0, false
		return tea.Batch(cmd, p.search())
	}
	return cmd
}

func (p *deskPane) findKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.s.Keys
	if !p.query.Focused() {
		// The field let go only when empty, so there are no hits to move in.
		if key.Matches(msg, k.Filter, k.Enter) {
			return p.query.Focus()
		}
		if key.Matches(msg, bookOpenKey(assets.BookCatalog(p.s.T.Lang))) {
			p.book = newBookView(p.s)
			p.book.SetSize(p.width, p.height)
			return p.book.Init()
		}
		return nil
	}
	switch {
	case key.Matches(msg, p.help.up):
		p.hit = max(0, p.hit-1)
	case key.Matches(msg, p.help.down):
		p.hit = min(max(0, len(p.hits)-1), p.hit+1)
	case key.Matches(msg, k.Enter):
		return p.pick()
	case key.Matches(msg, k.Back):
		if p.query.Value() != "" {
			p.query.SetValue("")
			return p.search()
		}
		// An empty search field lets go of the keyboard, so the rail's
		// keys work; / or enter takes it back.
		p.query.Blur()
	default:
		return p.typeQuery(msg)
	}
	return nil
}

// pick selects the highlighted hit and loads the person.
func (p *deskPane) pick() tea.Cmd {
	if p.hit >= len(p.hits) {
		return nil
	}
	p.addr = p.hits[p.hit].addr
	p.step = deskPerson
	p.person, p.personErr, p.fields, p.vfocus, p.editing, p.override = nil, "", nil, 0, false, ""
	p.startTyped = true
	p.query.Blur()
	return p.loadPerson()
}

// toFind leaves the person and makes the desk ready for the next caller.
func (p *deskPane) toFind() tea.Cmd {
	p.step = deskFind
	p.addr, p.person, p.personErr, p.fields, p.editing, p.override, p.form = "", nil, "", nil, false, "", nil
	p.personSeq++ // a load still under way is dropped
	p.loading, p.dirty = false, false
	p.query.SetValue("")
	p.hits, p.more, p.hit, p.searchErr = nil, false, 0, ""
	p.searchSeq++
	p.searching = false
	return tea.Batch(p.query.Focus(), p.search())
}

// ---- The person ----

// loadPerson reads the selected person, their failed logins and what the
// store would allow this actor to do to the account.
func (p *deskPane) loadPerson() tea.Cmd {
	p.personSeq++
	p.loading, p.dirty = true, false
	seq, addr := p.personSeq, p.addr
	st, actor := p.s.Store, p.s.Actor
	return func() tea.Msg {
		d := &deskPersonInfo{}
		err := st.Read(func(r *store.Reader) error {
			m, err := r.Member(addr)
			if err != nil {
				return err
			}
			if !model.CanSee(actor, m, r) {
				return model.Forbiddenf("%s may not see %s", actor.Address, addr)
			}
			d.member = m
			for _, id := range m.Depts {
				d.depts = append(d.depts, r.DeptPath(id))
			}
			if d.failed, err = r.LoginLog(store.LoginFilter{Address: addr, Failed: true, Limit: 5}); err != nil {
				return err
			}
			// Ask the changes themselves, so the desk hides exactly what
			// the store would refuse, and can say why in its own words.
			d.resetErr = (&model.ResetPassword{Address: addr}).Authorize(r, actor)
			d.unlockOK = (&model.Unlock{Address: addr}).Authorize(r, actor) == nil
			return nil
		})
		return deskPersonLoadedMsg{seq: seq, person: d, err: err}
	}
}

// loaded takes the newest load of the person.
func (p *deskPane) loaded(msg deskPersonLoadedMsg) tea.Cmd {
	if msg.seq != p.personSeq || p.step == deskFind {
		return nil
	}
	p.loading = false
	if msg.err != nil {
		p.personErr = p.s.ErrText(msg.err)
	} else {
		p.person, p.personErr = msg.person, ""
		p.rebuildFields()
		if p.startTyped {
			p.startTyped = false
			if p.verifying() {
				p.editing, p.vfocus = true, 0
				return p.fields[0].input.Focus()
			}
		}
	}
	if p.dirty {
		return p.loadPerson()
	}
	return nil
}

// reload shows what changed: the hits again, or the person again (once,
// after a load already under way).
func (p *deskPane) reload() tea.Cmd {
	switch {
	case p.step == deskFind:
		p.keepHit = true
		if p.searching {
			p.searchDirty = true
			return nil
		}
		return p.search()
	case p.step != deskFind && p.addr != "":
		if p.loading {
			p.dirty = true
			return nil
		}
		return p.loadPerson()
	}
	return nil
}

// resetRefusal says why the desk offers no reset for the person, or "".
func (p *deskPane) resetRefusal() string {
	if p.person == nil {
		return ""
	}
	if p.person.resetErr != nil {
		return p.s.ErrText(p.person.resetErr)
	}
	if st := p.person.member.Status; st == model.StatusDisabled || st == model.StatusReclaimed {
		return p.s.Sprintf(p.s.T.Desk.NotActive, statusText(p.s, st))
	}
	return ""
}

// verifying reports whether the verify fields are in play: the person is
// loaded, has facts on record, and a reset would be allowed.
func (p *deskPane) verifying() bool {
	return p.person != nil && len(p.fields) > 0 && p.resetRefusal() == ""
}

// canReset reports whether a reset may be offered now: allowed and verified.
func (p *deskPane) canReset() bool {
	_, ok := p.verified()
	return p.person != nil && p.resetRefusal() == "" && ok
}

// canOverride reports whether the override of the verification is offered.
func (p *deskPane) canOverride() bool {
	_, ok := p.verified()
	return p.person != nil && p.resetRefusal() == "" && !ok
}

// canUnlock reports whether an unlock may be offered: only for a locked
// account, and only when the store would allow it.
func (p *deskPane) canUnlock() bool {
	return p.person != nil && p.person.unlockOK && p.person.member.Status == model.StatusLocked
}

func (p *deskPane) personKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.s.Keys
	if p.editing {
		return p.answerKey(msg)
	}
	switch {
	case key.Matches(msg, k.Back):
		return p.toFind()
	case key.Matches(msg, k.Refresh):
		return p.reload()
	case p.person == nil:
	case key.Matches(msg, k.Up) && p.verifying():
		p.vfocus = max(0, p.vfocus-1)
	case key.Matches(msg, k.Down) && p.verifying():
		p.vfocus = min(max(0, len(p.fields)-1), p.vfocus+1)
	case key.Matches(msg, k.Enter, k.Edit) && p.verifying():
		p.editing = true
		return p.fields[p.vfocus].input.Focus()
	case key.Matches(msg, k.Reset) && p.canReset():
		note, _ := p.verified()
		t := p.s.T.Desk
		f := newForm(p.s, p.s.Sprintf(t.ResetTitle, p.who()))
		f.intro = p.s.Sprintf(t.ResetIntro, note)
		f.add("ticket", t.Ticket, "", false, t.TicketHint)
		p.openForm(deskReset, f)
	case key.Matches(msg, k.Unlock) && p.canUnlock():
		t := p.s.T.Desk
		f := newForm(p.s, p.s.Sprintf(t.UnlockTitle, p.who()))
		f.intro = t.UnlockIntro
		f.add("ticket", t.Ticket, "", false, t.TicketHint)
		p.openForm(deskUnlock, f)
	case key.Matches(msg, k.Verify) && p.canOverride():
		t := p.s.T.Desk
		f := newForm(p.s, t.OverrideTitle)
		f.intro = t.OverrideIntro
		f.add("how", t.OverrideLabel, "", false, t.OverrideHint)
		p.openForm(deskOverride, f)
	}
	return nil
}

// who names the person for titles: name and address.
func (p *deskPane) who() string {
	if p.person == nil {
		return string(p.addr)
	}
	return p.person.member.Name + " <" + string(p.person.member.Address) + ">"
}

// ---- Verification ----

// verifyKind is a recorded fact a caller can be asked for.
type verifyKind int

const (
	verifyEmployeeID verifyKind = iota
	verifyMobile
	verifyPhone
	verifyBirthday
)

var verifyKinds = []verifyKind{verifyEmployeeID, verifyMobile, verifyPhone, verifyBirthday}

// verifyResult is what checking one answer gave.
type verifyResult int

const (
	verifyUnchecked verifyResult = iota
	verifyMatched
	verifyMismatched
)

// verifyField is one recorded fact with what the caller said.
type verifyField struct {
	kind   verifyKind
	input  textinput.Model
	result verifyResult
	last4  bool // a mobile matched by its last four digits only
}

// recordedValue is the member's recorded value of a kind ("" when none).
func recordedValue(m *model.Member, k verifyKind) string {
	switch k {
	case verifyEmployeeID:
		return m.EmployeeID
	case verifyMobile:
		return m.Mobile
	case verifyPhone:
		return m.Phone
	case verifyBirthday:
		return m.Birthday
	}
	return ""
}

func (p *deskPane) verifyLabel(k verifyKind) string {
	t := p.s.T.Desk
	return [...]string{t.VEmployeeID, t.VMobile, t.VPhone, t.VBirthday}[k]
}

// verifyDigits keeps the digits of s, full-width ones folded.
func verifyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, model.NormalizeQuery(s))
}

// verifyDate reads a date written as 1995-11-24, 1995/11/24, 1995.11.24,
// 1995年11月24日 or 19951124 as "19951124"; anything else as "".
func verifyDate(s string) string {
	parts := strings.FieldsFunc(model.NormalizeQuery(s), func(r rune) bool { return !unicode.IsDigit(r) })
	switch {
	case len(parts) == 1 && len(parts[0]) == 8:
		return parts[0]
	case len(parts) == 3 && len(parts[0]) == 4 && len(parts[1]) <= 2 && len(parts[2]) <= 2:
		pad := func(x string) string { return strings.Repeat("0", 2-len(x)) + x }
		return parts[0] + pad(parts[1]) + pad(parts[2])
	}
	return ""
}

// verifyAnswer compares what a caller said with a recorded value: case and
// spaces do not matter, phones compare by their digits, a mobile matches by
// its last four digits too (last4 says so), an office phone without its
// area code, and a birthday in any usual way of writing a date.
func verifyAnswer(k verifyKind, stored, given string) (ok, last4 bool) {
	if strings.TrimSpace(stored) == "" || strings.TrimSpace(given) == "" {
		return false, false
	}
	switch k {
	case verifyMobile:
		want, got := verifyDigits(stored), verifyDigits(given)
		got = strings.TrimPrefix(got, "00")
		switch {
		case got == want, len(got) == len(want)+2 && got == "86"+want:
			return true, false
		case len(got) == 4 && len(want) >= 4 && strings.HasSuffix(want, got):
			return true, true
		}
		return false, false
	case verifyPhone:
		want, got := verifyDigits(stored), verifyDigits(given)
		return got == want || (len(got) >= 7 && strings.HasSuffix(want, got)), false
	case verifyBirthday:
		want, got := verifyDate(stored), verifyDate(given)
		return want != "" && got == want, false
	}
	return model.NormalizeQuery(stored) == model.NormalizeQuery(given), false
}

// rebuildFields lists the facts the person has on record, keeping what was
// already typed and checking it again against the record as it is now.
func (p *deskPane) rebuildFields() {
	old := map[verifyKind]*verifyField{}
	for _, f := range p.fields {
		old[f.kind] = f
	}
	focusKind := verifyKind(-1)
	if p.vfocus < len(p.fields) {
		focusKind = p.fields[p.vfocus].kind
	}
	var fields []*verifyField
	for _, k := range verifyKinds {
		if recordedValue(p.person.member, k) == "" {
			continue
		}
		f := old[k]
		if f == nil {
			in := newInput("", 64)
			f = &verifyField{kind: k, input: in}
		}
		fields = append(fields, f)
	}
	p.fields = fields
	p.vfocus = 0
	kept := false
	for i, f := range fields {
		if f.kind == focusKind {
			p.vfocus, kept = i, true
		}
		if f.result != verifyUnchecked {
			p.check(f)
		}
	}
	if !kept {
		// The field being typed into is no longer on record.
		p.editing = false
	}
	p.layout()
}

// check compares one field's answer with the record.
func (p *deskPane) check(f *verifyField) {
	f.result, f.last4 = verifyUnchecked, false
	if p.person == nil || strings.TrimSpace(f.input.Value()) == "" {
		return
	}
	ok, last4 := verifyAnswer(f.kind, recordedValue(p.person.member, f.kind), f.input.Value())
	f.result, f.last4 = verifyMismatched, false
	if ok {
		f.result, f.last4 = verifyMatched, last4
	}
}

// verified says how the caller was verified, for the record, and whether
// that allows a reset: two fields matched and none failed, or an override.
func (p *deskPane) verified() (string, bool) {
	t := p.s.T.Desk
	if p.override != "" {
		return p.s.Sprintf(t.OverrideNote, p.override), true
	}
	var names []string
	for _, f := range p.fields {
		switch f.result {
		case verifyMismatched:
			return "", false
		case verifyMatched:
			name := [...]string{t.NoteEmployeeID, t.NoteMobile, t.NotePhone, t.NoteBirthday}[f.kind]
			if f.last4 {
				name = t.NoteLast4
			}
			names = append(names, name)
		}
	}
	if len(names) < 2 {
		return "", false
	}
	return p.s.Sprintf(t.VerifiedNote, strings.Join(names, t.Joiner)), true
}

// anyMismatch reports whether an answer did not match.
func (p *deskPane) anyMismatch() bool {
	return slices.ContainsFunc(p.fields, func(f *verifyField) bool { return f.result == verifyMismatched })
}

// focusField moves the keyboard to another verify field.
func (p *deskPane) focusField(i int) tea.Cmd {
	p.fields[p.vfocus].input.Blur()
	p.vfocus = i
	return p.fields[i].input.Focus()
}

// answerKey handles a key while the helpdesk types what the caller said.
func (p *deskPane) answerKey(msg tea.KeyPressMsg) tea.Cmd {
	if p.vfocus >= len(p.fields) {
		p.editing = false
		return nil
	}
	k, h := p.s.Keys, p.help
	cur := p.fields[p.vfocus]
	n := len(p.fields)
	switch {
	case key.Matches(msg, k.Back):
		p.check(cur)
		cur.input.Blur()
		p.editing = false
		return nil
	case key.Matches(msg, k.Enter):
		p.check(cur)
		if _, ok := p.verified(); !ok && !p.anyMismatch() {
			// Go on to the next field not yet answered, if any; after a
			// wrong answer stop, so the helpdesk sees it and decides.
			for i := p.vfocus + 1; i < n; i++ {
				if p.fields[i].result == verifyUnchecked {
					return p.focusField(i)
				}
			}
		}
		cur.input.Blur()
		p.editing = false
		return nil
	case key.Matches(msg, k.Tab, h.down):
		p.check(cur)
		return p.focusField((p.vfocus + 1) % n)
	case key.Matches(msg, k.ShiftTab, h.up):
		p.check(cur)
		return p.focusField((p.vfocus + n - 1) % n)
	}
	return p.typeAnswer(msg)
}

// typeAnswer passes a message to the focused verify field; a changed
// answer must be checked again.
func (p *deskPane) typeAnswer(msg tea.Msg) tea.Cmd {
	if p.vfocus >= len(p.fields) {
		return nil
	}
	f := p.fields[p.vfocus]
	before := f.input.Value()
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	if f.input.Value() != before {
		f.result, f.last4 = verifyUnchecked, false
	}
	return cmd
}

// ---- Forms, the store's answers and the one-time password ----

func (p *deskPane) openForm(step deskStep, f *form) {
	if p.editing && p.vfocus < len(p.fields) {
		p.fields[p.vfocus].input.Blur()
	}
	p.editing = false
	p.step, p.form, p.busy = step, f, false
	p.form.SetSize(p.inner(), p.height)
}

func (p *deskPane) closeForm() {
	p.step, p.form, p.busy = deskPerson, nil, false
}

func (p *deskPane) formKey(msg tea.KeyPressMsg) tea.Cmd {
	if p.busy {
		return nil
	}
	res, cmd := p.form.Update(msg)
	switch res {
	case formCancelled:
		p.closeForm()
		return nil
	case formSubmitted:
	default:
		return cmd
	}
	t := p.s.T.Desk
	p.form.clearErrors()
	switch p.step {
	case deskOverride:
		how := p.form.value("how")
		if how == "" {
			p.form.setError("how", t.OverrideRequired)
			return nil
		}
		p.override = how
		p.closeForm()
	case deskReset:
		ticket := p.form.value("ticket")
		if ticket == "" {
			p.form.setError("ticket", t.TicketRequired)
			return nil
		}
		note, _ := p.verified()
		p.busy = true
		return p.s.apply(p.ID(), "reset", &model.ResetPassword{Address: p.addr, Reason: ticket, Verified: note})
	case deskUnlock:
		ticket := p.form.value("ticket")
		if ticket == "" {
			p.form.setError("ticket", t.TicketRequired)
			return nil
		}
		p.busy = true
		return p.s.apply(p.ID(), "unlock", &model.Unlock{Address: p.addr, Reason: ticket})
	}
	return nil
}

// applied takes the store's answer to a reset or an unlock. A refusal
// stays on the form and in the status line, in the store's words.
func (p *deskPane) applied(msg appliedMsg) tea.Cmd {
	p.busy = false
	t := p.s.T.Desk
	if msg.err != nil {
		text := p.s.ErrText(msg.err)
		if p.form != nil {
			p.form.setError("", text)
		}
		return tea.Batch(flash(text, true), p.reload())
	}
	switch c := msg.change.(type) {
	case *model.ResetPassword:
		// The only copy the desk keeps; the next key wipes it.
		p.otp = c.OneTime
		c.OneTime = ""
		p.step, p.form = deskOTP, nil
		return tea.Batch(flash(p.s.Sprintf(t.ResetDone, c.Address), false), p.reload())
	case *model.Unlock:
		p.closeForm()
		return tea.Batch(flash(p.s.Sprintf(t.Unlocked, c.Address), false), p.reload())
	}
	return p.reload()
}

// key routes a key press by step.
func (p *deskPane) key(msg tea.KeyPressMsg) tea.Cmd {
	switch p.step {
	case deskFind:
		return p.findKey(msg)
	case deskPerson:
		return p.personKey(msg)
	case deskOTP:
		// Any key: the password is read out; forget it.
		p.otp = ""
		p.step = deskPerson
		return nil
	default:
		return p.formKey(msg)
	}
}

// ---- Drawing ----

// View draws the step the desk is at.
func (p *deskPane) View() string {
	if p.book != nil {
		return p.book.View()
	}
	switch p.step {
	case deskFind:
		return strings.Join(p.findLines(), "\n")
	case deskOTP:
		return p.otpView()
	case deskPerson:
		lines, _, _ := p.personLines()
		return strings.Join(lines, "\n")
	}
	return strings.Join(p.formHead(), "\n") + "\n" + p.formView()
}

func (p *deskPane) findLines() []string {
	st, t, f := p.s.Styles, p.s.T.Desk, p.s.T.Fields
	w := p.inner()
	out := []string{st.Title.Render(t.Title), st.Subtle.Render(truncate(t.FindHint, w)), p.query.View(), ""}
	switch {
	case p.searchErr != "":
		return append(out, st.Error.Render(truncate(p.searchErr, w)))
	case strings.TrimSpace(p.query.Value()) == "" && !p.lockedNow:
		return out
	case p.lockedNow && len(p.hits) == 0:
		if p.searching {
			return out
		}
		return append(out, st.Subtle.Render(truncate(t.NoneLocked, w)))
	case len(p.hits) == 0 && p.searching:
		return append(out, st.Subtle.Render(t.Searching))
	case len(p.hits) == 0:
		return append(out, st.Subtle.Render(t.NoHits))
	}
	nameW, addrW, deptW, statW := lipgloss.Width(f.Name), lipgloss.Width(f.Address), lipgloss.Width(f.Departments), lipgloss.Width(f.Status)
	for _, h := range p.hits {
		nameW = max(nameW, lipgloss.Width(h.name))
		addrW = max(addrW, lipgloss.Width(string(h.addr)))
		deptW = max(deptW, lipgloss.Width(h.dept))
		statW = max(statW, lipgloss.Width(statusText(p.s, h.status)))
	}
	nameW, addrW = min(nameW, 12), min(addrW, 28)
	room := w - 2 - nameW - 2 - addrW - 2 - 2 - statW
	if room < 10 {
		addrW = max(10, addrW-(10-room))
		room = max(4, w-2-nameW-2-addrW-2-2-statW)
	}
	deptW = min(deptW, room)
	cell := func(s string, cw int) string { return padRight(truncate(s, cw), cw) }
	if p.lockedNow {
		out = append(out, st.Warn.Render(truncate(p.s.Sprintf(plural(len(p.hits), t.LockedNowOne, t.LockedNow), len(p.hits)), w)))
	}
	head := "  " + cell(f.Name, nameW) + "  " + cell(f.Address, addrW) + "  " + cell(f.Departments, deptW) + "  " + cell(f.Status, statW)
	out = append(out, st.TableHead.Render(strings.TrimRight(head, " ")))
	rows := max(1, p.height-len(out)-2)
	first := max(0, p.hit-rows+1)
	for i := first; i < len(p.hits) && i < first+rows; i++ {
		h := p.hits[i]
		status := statusText(p.s, h.status)
		// A department shows its end: 北京一组 says more than 销售部.
		line := cell(h.name, nameW) + "  " + cell(string(h.addr), addrW) + "  " + padRight(deskTail(h.dept, deptW, p.s.Styles.Ellipsis), deptW) + "  "
		if i == p.hit {
			out = append(out, st.Selected.Render(st.Bullet+" "+line+cell(status, statW)))
			continue
		}
		switch h.status {
		case model.StatusLocked:
			status = st.Warn.Render(status)
		case model.StatusDisabled, model.StatusReclaimed:
			status = st.Subtle.Render(status)
		}
		out = append(out, "  "+line+status)
	}
	if p.more {
		out = append(out, "", st.Subtle.Render(truncate(p.s.Sprintf(t.MoreHits, deskHitLimit), w)))
	}
	return out
}

// deskTail keeps the last w cells of s, marked with the ellipsis when cut.
func deskTail(s string, w int, ellipsis string) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	r := []rune(s)
	for i := range r {
		if rest := string(r[i:]); lipgloss.Width(rest)+lipgloss.Width(ellipsis) <= w {
			return ellipsis + rest
		}
	}
	return ""
}

// deskSourceHost is a login's source without its port: the port says nothing
// to a person.
func deskSourceHost(source string) string {
	if ap, err := netip.ParseAddrPort(source); err == nil {
		return ap.Addr().Unmap().String()
	}
	return source
}

// personHead is the desk's title with the person's name and address.
func (p *deskPane) personHead() string {
	st := p.s.Styles
	return truncate(st.Title.Render(p.s.T.Desk.Title)+"  "+lipgloss.NewStyle().Bold(true).Render(p.who()), p.inner())
}

// statusLine is the account's state with the lock's reason and end.
func (p *deskPane) statusLine(m *model.Member) string {
	t := p.s.T.Desk
	line := statusText(p.s, m.Status)
	if m.Reason != "" && m.Status != model.StatusActive {
		line = p.s.Sprintf(t.StatusReason, line, m.Reason)
	}
	if m.Status == model.StatusLocked {
		if m.Password.LockedUntil.IsZero() {
			line += t.UntilHelpdesk
		} else {
			// A lock lasts minutes: its end reads best as a time of today.
			until, now := m.Password.LockedUntil.Local(), p.s.Now().Local()
			layout := "2006-01-02 15:04"
			if until.Format("2006-01-02") == now.Format("2006-01-02") {
				layout = "15:04"
			}
			line += p.s.Sprintf(t.Until, until.Format(layout))
		}
	}
	if m.Status == model.StatusLocked {
		return p.s.Styles.Warn.Render(line)
	}
	// Failures that have not locked the account yet are worth a word.
	if m.Password.Failures > 0 {
		line += "  " + p.s.Sprintf(plural(m.Password.Failures, t.FailuresOne, t.Failures), m.Password.Failures)
	}
	return line
}

// passwordLine is the password's state: set, must change or not set.
func (p *deskPane) passwordLine(m *model.Member) string {
	f, t := p.s.T.Fields, p.s.T.Desk
	var line string
	switch {
	case m.Password.Hash == "" && len(m.Keys) > 0:
		line = t.PasswordKeyed
	case m.Password.Hash == "":
		line = f.NoPassword
	case m.Password.MustChange:
		line = f.MustChange
	default:
		line = f.PasswordSet
	}
	if m.Password.Hash != "" && !m.Password.Changed.IsZero() {
		line += "  " + p.s.Sprintf(t.LastChanged, m.Password.Changed.Local().Format("2006-01-02 15:04"))
	}
	return line
}

// resultWidth is the width of the widest verify result.
func (p *deskPane) resultWidth() int {
	t := p.s.T.Desk
	return max(lipgloss.Width(t.Match), lipgloss.Width(t.NoMatch), lipgloss.Width(t.NotChecked))
}

// verifyLabelWidth is the width of the verify fields' label column.
func (p *deskPane) verifyLabelWidth() int {
	w := 0
	for _, k := range verifyKinds {
		w = max(w, lipgloss.Width(p.verifyLabel(k)))
	}
	return w
}

// verifyInputWidth leaves room for the marker, label, brackets and result.
func (p *deskPane) verifyInputWidth() int {
	return max(6, min(24, p.inner()-2-p.verifyLabelWidth()-2-2-1-p.resultWidth()-1))
}

// personLines draws the person; fieldY is the line of the focused verify
// field (-1 when none has the keyboard) and fieldX where its text starts.
// Blank lines part the sections only where the height allows them: at
// 80×24 a locked account with five failed logins fills the pane.
func (p *deskPane) personLines() (out []string, fieldY, fieldX int) {
	st := p.s.Styles
	w := p.inner()
	out = []string{p.personHead()}
	switch {
	case p.personErr != "":
		return append(out, "", st.Error.Width(w).Render(p.personErr)), -1, 0
	case p.person == nil:
		return append(out, "", st.Subtle.Render(p.s.T.Common.Loading)), -1, 0
	}
	top := append(out, p.rowLines()...)
	failed := p.failedLines()
	var verify []string
	fieldY = -1
	if p.verifying() {
		verify, fieldY, fieldX = p.verifyLines()
	}
	// No reset for this person: the result lines say why, instead of questions.
	verify = append(verify, strings.Split(strings.Join(p.resultLines(), "\n"), "\n")...)
	sections := [][]string{top, failed, verify}
	gaps := len(top)+len(failed)+len(verify)+len(sections)-1 <= p.height
	out = nil
	for i, sec := range sections {
		if i > 0 && gaps {
			out = append(out, "")
		}
		if i == len(sections)-1 && fieldY >= 0 {
			fieldY += len(out)
		}
		out = append(out, sec...)
	}
	return out, fieldY, fieldX
}

// rowLines are the person's departments, title, account and password,
// long values wrapped under themselves.
func (p *deskPane) rowLines() []string {
	t, fl := p.s.T.Desk, p.s.T.Fields
	m := p.person.member
	title := m.Title
	if title == "" {
		title = t.NoTitle
	}
	rows := [][2]string{
		{fl.Departments, strings.Join(p.person.depts, "; ")},
		{fl.Title, title},
		{fl.Status, p.statusLine(m)},
		{fl.Password, p.passwordLine(m)},
	}
	lw := 0
	for _, r := range rows {
		lw = max(lw, lipgloss.Width(r[0]))
	}
	lw += 2
	vw := max(10, p.inner()-lw)
	var out []string
	for _, r := range rows {
		for i, v := range strings.Split(lipgloss.NewStyle().Width(vw).Render(r[1]), "\n") {
			lead := strings.Repeat(" ", lw)
			if i == 0 {
				lead = p.s.Styles.Label.Render(padRight(r[0], lw))
			}
			out = append(out, strings.TrimRight(lead+v, " "))
		}
	}
	return out
}

// failedLines are the last five failed logins: time, source and site,
// method and reason.
func (p *deskPane) failedLines() []string {
	st, t := p.s.Styles, p.s.T.Desk
	w := p.inner()
	out := []string{st.Label.Render(t.FailedLogins)}
	if len(p.person.failed) == 0 {
		out = append(out, "  "+st.Subtle.Render(t.NoFailed))
	}
	layout := "01-02 15:04"
	if w >= 90 {
		layout = "2006-01-02 15:04"
	}
	for _, l := range p.person.failed {
		src := deskSourceHost(l.Source)
		if l.Site != "" {
			src += " (" + l.Site + ")"
		}
		line := "  " + l.Time.Local().Format(layout) + "  " + src + "  " + string(l.Method) + "  " + l.Reason
		out = append(out, truncate(line, w))
	}
	return out
}

// verifyLines are the verify fields with what the caller said and whether
// it matched; never the recorded values.
func (p *deskPane) verifyLines() (out []string, fieldY, fieldX int) {
	st, t := p.s.Styles, p.s.T.Desk
	fieldY = -1
	for _, l := range wrapText(t.Verify, p.inner()) {
		out = append(out, st.Label.Render(l))
	}
	lw, iw := p.verifyLabelWidth(), p.verifyInputWidth()
	for i, f := range p.fields {
		marker, label := "  ", st.Label.Render(padRight(p.verifyLabel(f.kind), lw))
		if i == p.vfocus {
			marker = st.Cursor.Render(st.Bullet) + " "
			if p.editing {
				label = st.Cursor.Render(padRight(p.verifyLabel(f.kind), lw))
				fieldY, fieldX = len(out), 2+lw+2+1
			}
		}
		in := padRight(truncate(f.input.View(), iw+1), iw+1)
		var res string
		switch f.result {
		case verifyMatched:
			res = st.OK.Render(t.Match)
		case verifyMismatched:
			res = st.Error.Render(t.NoMatch)
		default:
			res = st.Subtle.Render(t.NotChecked)
		}
		out = append(out, marker+label+"  ["+in+"] "+res)
	}
	return out, fieldY, fieldX
}

// resultLines say what the helpdesk can do next: why there is no reset,
// whether the caller is verified, and whether the account can be unlocked.
func (p *deskPane) resultLines() []string {
	st, t, k := p.s.Styles, p.s.T.Desk, p.s.Keys
	w := p.inner()
	var out []string
	wrap := func(style lipgloss.Style, text string) {
		out = append(out, style.Width(w).Render(text))
	}
	if r := p.resetRefusal(); r != "" {
		wrap(st.Error, p.s.Sprintf(t.CannotReset, r))
	} else if note, ok := p.verified(); ok {
		wrap(st.OK, p.s.Sprintf(t.Verified, note)+"  "+p.s.Sprintf(t.ResetReady, k.Reset.Help().Key))
	} else if p.anyMismatch() {
		wrap(st.Warn, p.s.Sprintf(t.Mismatched, k.Verify.Help().Key))
	} else if len(p.fields) < 2 {
		wrap(st.Warn, p.s.Sprintf(t.FewFields, k.Verify.Help().Key))
	} else {
		wrap(st.Subtle, p.s.Sprintf(t.NeedTwo, k.Verify.Help().Key))
	}
	if p.canUnlock() {
		wrap(st.Warn, p.s.Sprintf(t.UnlockReady, k.Unlock.Help().Key))
	}
	return out
}

// formHead is what stands above a form (whose title names the person).
func (p *deskPane) formHead() []string {
	return []string{p.s.Styles.Title.Render(p.s.T.Desk.Title), ""}
}

func (p *deskPane) formView() string {
	if p.form == nil {
		return ""
	}
	v := p.form.View()
	if p.busy {
		v += "\n\n" + p.s.Styles.Subtle.Render(p.s.T.Desk.Working)
	}
	return v
}

// otpView shows the one-time password in a box that stands out.
func (p *deskPane) otpView() string {
	st, t := p.s.Styles, p.s.T.Desk
	bw := min(p.inner(), 64)
	text := lipgloss.NewStyle().Width(bw - 4)
	body := strings.Join([]string{
		st.Title.Render(t.OTPTitle),
		"",
		"  " + st.Secret.Render(p.otp),
		"",
		text.Render(t.OTPRead),
		text.Render(t.OTPChange),
		st.Subtle.Render(t.OTPClear),
	}, "\n")
	return p.personHead() + "\n\n" + st.FocusBox.Width(bw).Render(body)
}

// Cursor puts the terminal's cursor in the field that has the keyboard.
func (p *deskPane) Cursor() *tea.Cursor {
	if p.book != nil {
		return p.book.Cursor()
	}
	switch p.step {
	case deskFind:
		if !p.query.Focused() {
			return nil
		}
		return tea.NewCursor(lipgloss.Width(p.query.Prompt)+inputWidthBefore(p.query), 2)
	case deskPerson:
		if !p.editing || p.vfocus >= len(p.fields) {
			return nil
		}
		_, y, x := p.personLines()
		if y < 0 {
			return nil
		}
		in := p.fields[p.vfocus].input
		return tea.NewCursor(x+min(inputWidthBefore(in), in.Width()), y)
	case deskOverride, deskReset, deskUnlock:
		if p.form == nil || p.busy {
			return nil
		}
		if c := p.form.Cursor(); c != nil {
			// The input counts runes, not cells: place it after Chinese text ourselves.
			in := p.form.fields[p.form.focus].input
			c.X = p.form.labelWidth() + min(inputWidthBefore(in), in.Width())
			c.Y += len(p.formHead())
			return c
		}
	}
	return nil
}

// inputWidthBefore is how many cells of an input's text stand before its cursor
// (Chinese counts two).
func inputWidthBefore(in textinput.Model) int {
	r := []rune(in.Value())
	return lipgloss.Width(string(r[:min(len(r), in.Position())]))
}

// ShortHelp lists the keys that work at this step.
func (p *deskPane) ShortHelp() []key.Binding {
	k, h := p.s.Keys, p.help
	if p.book != nil {
		return p.book.ShortHelp()
	}
	switch p.step {
	case deskFind:
		if !p.query.Focused() {
			return []key.Binding{k.Filter, bookOpenKey(assets.BookCatalog(p.s.T.Lang))}
		}
		if len(p.hits) > 0 {
			return []key.Binding{h.up, h.down, h.pick, k.Back}
		}
		return []key.Binding{k.Back}
	case deskPerson:
		if p.editing {
			return []key.Binding{k.Tab, h.check, h.done}
		}
		out := []key.Binding{}
		if p.verifying() {
			out = append(out, h.edit)
		}
		return append(append(out, p.actionKeys()...), k.Back)
	case deskOTP:
		return []key.Binding{h.anyKey}
	}
	if p.busy {
		return nil
	}
	return []key.Binding{h.submit, k.Back}
}

// actionKeys are the keys for what may be done to the person now.
func (p *deskPane) actionKeys() []key.Binding {
	k := p.s.Keys
	var out []key.Binding
	if p.canReset() {
		out = append(out, k.Reset)
	}
	if p.canOverride() {
		out = append(out, p.help.override)
	}
	if p.canUnlock() {
		out = append(out, k.Unlock)
	}
	return out
}

// FullHelp adds the moves the short help leaves out.
func (p *deskPane) FullHelp() [][]key.Binding {
	k := p.s.Keys
	if p.step == deskPerson && !p.editing {
		var moves []key.Binding
		if p.verifying() {
			moves = append(moves, k.Up, k.Down, p.help.edit)
		}
		return [][]key.Binding{append(moves, p.actionKeys()...), {k.Back, k.Refresh}}
	}
	return [][]key.Binding{p.ShortHelp()}
}
