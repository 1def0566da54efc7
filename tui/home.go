package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// homePane is what needs the person now: for those who administer, the
// directory's state and the accounts waiting for help; for everyone, their
// own account and the announcements.
type homePane struct {
	s             *Session
	width, height int
	data          *homeData
	loading       bool
	dirty         bool
	scheduled     bool      // a delayed reload is on its way
	loadedAt      time.Time // when the data last arrived
	err           string
	// book is the address book while it is open over Home (b).
	book *bookView
	// reading says the announcements' full text is open over Home (a,
	// home_announce.go), scrolled to readTop.
	reading bool
	readTop int
	// inactive is the list of long-unused accounts while it is open over
	// Home (i; admins and sub-admins, inactive.go).
	inactive *inactiveView
}

type homeData struct {
	me                                *model.Member
	policy                            model.PasswordPolicy
	lastLogin                         *store.LoginRecord
	admin                             bool
	members, active, disabled, locked int
	noPassword, failed24h             int
	depts, groups, shared, ops        int

	// From the mail spool, when it is open: the person's violations
	// (SEND-9), the newest few and how many in all, and how much held
	// mail waits for their decision.
	mail       bool
	violations []store.Violation
	violCount  int
	heldForMe  int
	// requestsForMe is how many requests wait for the person's decision.
	requestsForMe int
	// manage says the person manages members (admins, sub-admins), who
	// see the long-unused accounts: inactive of them, unused for limit.
	manage      bool
	inactive    int
	inactiveFor string
	// outcome is what became of each listed held message, by id: "held"
	// while it waits, else the decision ("released" or "rejected"); none
	// once it has left the queue.
	outcome map[string]string

	// anns are the live announcements that reach the person, newest first.
	anns []*model.Announcement

	// notify: the person holds the notify permission; notifyLeft of
	// notifyQuota notification messages may still go today (MAILFX-3).
	notify                  bool
	notifyLeft, notifyQuota int
}

// homeAnnsMsg carries the announcements again after an announcement
// changed: they leave every Home at once when recalled.
type homeAnnsMsg struct {
	anns []*model.Announcement
	err  error
}

// loadAnns reads the live announcements that reach the person.
func (p *homePane) loadAnns() tea.Cmd {
	s := p.s
	return func() tea.Msg {
		var msg homeAnnsMsg
		msg.err = s.Store.Read(func(r *store.Reader) error {
			me, err := r.Member(s.Actor.Address)
			if err != nil {
				return err
			}
			msg.anns, err = r.AnnouncementsFor(me)
			return err
		})
		return msg
	}
}

// homeReasonLines is how many lines a violation's reason may take.
const homeReasonLines = 2

// homeViolations is how many of the person's violations Home lists.
const homeViolations = 3

// homeReloadGap is the least time between two reloads caused by changes.
const homeReloadGap = 10 * time.Second

// homeReloadMsg is a delayed reload coming due.
type homeReloadMsg struct{}

type homeLoadedMsg struct {
	data *homeData
	err  error
}

func newHomePane(s *Session) *homePane { return &homePane{s: s} }

func (p *homePane) ID() string    { return "home" }
func (p *homePane) Title() string { return p.s.T.Nav.Home }

func (p *homePane) Init() tea.Cmd {
	p.loading = true
	return p.load()
}

func (p *homePane) load() tea.Cmd {
	s := p.s
	return func() tea.Msg {
		d := &homeData{admin: s.Can(model.RightMemberRead) && (s.Actor.Has(model.RoleAdmin) || s.Actor.Has(model.RoleSubadmin) || s.Actor.Has(model.RoleAuditor))}
		if s.Spool != nil {
			if err := homeMail(s, d); err != nil {
				return homeLoadedMsg{err: err}
			}
		}
		err := s.Store.Read(func(r *store.Reader) error {
			var err error
			if d.me, err = r.Member(s.Actor.Address); err != nil {
				return err
			}
			if d.policy, err = r.Policy(); err != nil {
				return err
			}
			if _, d.requestsForMe, err = r.Inbox(s.Actor, s.Now(), 1); err != nil {
				return err
			}
			if d.anns, err = r.AnnouncementsFor(d.me); err != nil {
				return err
			}
			logins, err := r.LoginLog(store.LoginFilter{Address: s.Actor.Address, Limit: 2})
			if err != nil {
				return err
			}
			// The newest is this very login; the one before is the last.
			if len(logins) > 1 {
				d.lastLogin = &logins[1]
			}
			if now := s.Now(); model.MayNotify(r, s.Actor, now) == nil {
				e, err := r.Enterprise()
				if err != nil {
					return err
				}
				d.notify, d.notifyQuota = true, e.NotifyLimit()
				d.notifyLeft = max(0, d.notifyQuota-r.NotifyUsed(model.NotifyDay(now, time.Local)))
			}
			if !d.admin {
				return nil
			}
			var st store.MemberStats
			if model.Can(s.Actor, model.RightMemberRead, nil, r) {
				// The whole company: the counts the store keeps.
				if st, err = r.MemberStats(); err != nil {
					return err
				}
			} else {
				// A subtree: count what the actor sees.
				ms, err := r.Members(store.MemberFilter{Keep: func(m *model.Member) bool { return model.CanSee(s.Actor, m, r) }})
				if err != nil {
					return err
				}
				for _, m := range ms {
					st.Add(m)
				}
			}
			d.members, d.active, d.disabled, d.locked, d.noPassword = st.Members, st.Active, st.Disabled, st.Locked, st.NoLogin
			failed, err := r.LoginLog(store.LoginFilter{Failed: true, Since: s.Now().Add(-24 * time.Hour)})
			if err != nil {
				return err
			}
			d.failed24h = len(failed)
			c := r.Count()
			d.depts, d.groups, d.shared, d.ops = c.Depts, c.Groups, c.Shared, c.OpLog
			return nil
		})
		if err == nil && d.admin && (s.Can(model.RightMemberManage) || s.Actor.Has(model.RoleSubadmin)) {
			d.manage = true
			in := loadInactive(s, s.Now())
			if err = in.err; in.on {
				d.inactive, d.inactiveFor = len(in.list), model.FormatInactiveAfter(in.limit, true)
			}
		}
		return homeLoadedMsg{data: d, err: err}
	}
}

// homeMail reads the person's violations and the held mail waiting for
// them from the spool.
func homeMail(s *Session, d *homeData) error {
	vs, err := s.Spool.Violations(s.Actor.Address, 0)
	if err != nil {
		return err
	}
	d.mail, d.violCount = true, len(vs)
	d.violations = vs[:min(len(vs), homeViolations)]
	d.outcome = map[string]string{}
	for _, v := range d.violations {
		if v.Action != "hold" || v.MessageID == "" {
			continue
		}
		// A message that has left the queue has no state to tell.
		if m, err := s.Spool.Message(v.MessageID); err == nil {
			switch {
			case m.Status == store.MsgHeld:
				d.outcome[v.MessageID] = string(store.MsgHeld)
			case m.Decision != "":
				d.outcome[v.MessageID] = m.Decision
			}
		}
	}
	held, err := s.Spool.List(store.QueueFilter{Status: store.MsgHeld, Approver: s.Actor.Address})
	d.heldForMe = len(held)
	return err
}

func (p *homePane) SetSize(w, h int) {
	p.width, p.height = w, h
	if p.inactive != nil {
		p.inactive.SetSize(w, h)
	}
	if p.book != nil {
		p.book.SetSize(w, h)
	}
}

func (p *homePane) Capturing() bool {
	return p.inactive != nil || (p.book != nil && p.book.Capturing())
}

// Cursor is the address book's cursor while it is open.
func (p *homePane) Cursor() *tea.Cursor {
	if p.book == nil {
		return nil
	}
	return p.book.Cursor()
}

func (p *homePane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	if cmd, done := p.updateInactive(msg); done {
		return p, cmd
	}
	if cmd, done := p.updateReader(msg); done {
		return p, cmd
	}
	bookCmd, done := p.updateBook(msg)
	if done {
		return p, bookCmd
	}
	var annCmd tea.Cmd
	switch m := msg.(type) {
	case storeChangedMsg:
		if announceEvents(m) {
			annCmd = p.loadAnns()
		}
	case homeAnnsMsg:
		if m.err == nil && p.data != nil {
			p.data.anns = m.anns
		}
		return p, bookCmd
	}
	np, cmd := p.update(msg)
	return np, tea.Batch(bookCmd, annCmd, cmd)
}

func (p *homePane) update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case homeLoadedMsg:
		p.loading = false
		p.loadedAt = p.s.Now()
		if msg.err != nil {
			p.err = p.s.ErrText(msg.err)
		} else {
			p.data, p.err = msg.data, ""
		}
		if p.dirty {
			p.dirty = false
			p.loading = true
			return p, p.load()
		}
	case queueDecidedMsg:
		// A decision on held mail made in this session: the count of held
		// mail waiting changes, and the directory tells nobody of it.
		if msg.err != nil {
			return p, nil
		}
		return p, p.reload()
	case storeChangedMsg:
		// Counting a large directory costs: logins alone never reload it,
		// and other changes at most every homeReloadGap.
		if msg.onlyLogins() {
			return p, nil
		}
		if p.loading {
			p.dirty = true
			return p, nil
		}
		if wait := homeReloadGap - p.s.Now().Sub(p.loadedAt); wait > 0 {
			if p.scheduled {
				return p, nil
			}
			p.scheduled = true
			return p, tea.Tick(wait, func(time.Time) tea.Msg { return homeReloadMsg{} })
		}
		p.loading = true
		return p, p.load()
	case homeReloadMsg:
		p.scheduled = false
		if p.loading {
			p.dirty = true
			return p, nil
		}
		p.loading = true
		return p, p.load()
	case tea.KeyPressMsg:
		if key.Matches(msg, p.s.Keys.Refresh) && !p.loading {
			p.loading = true
			return p, p.load()
		}
	}
	return p, nil
}

// reload reads everything again now, or once more after the read under way.
// updateBook gives the open address book its messages (keys only to it,
// anything else to Home too); b opens it. done reports that Home has
// nothing more to do with the message.
func (p *homePane) updateBook(msg tea.Msg) (tea.Cmd, bool) {
	if p.book == nil {
		if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, bookOpenKey(assets.BookCatalog(p.s.T.Lang))) {
			p.book = newBookView(p.s)
			p.book.SetSize(p.width, p.height)
			return p.book.Init(), true
		}
		return nil, false
	}
	cmd := p.book.Update(msg)
	if p.book.closed {
		p.book = nil
	}
	switch msg.(type) {
	case tea.KeyPressMsg, bookLoadedMsg, appliedMsg:
		return cmd, true
	}
	return cmd, false
}

// updateInactive gives the open list of long-unused accounts its messages
// (keys only to it); i opens it. done reports that Home has nothing more
// to do with the message.
func (p *homePane) updateInactive(msg tea.Msg) (tea.Cmd, bool) {
	if p.inactive == nil {
		if k, ok := msg.(tea.KeyPressMsg); ok && p.book == nil && p.data != nil && p.data.manage && key.Matches(k, inactiveOpenKey(p.s)) {
			p.inactive = newInactiveView(p.s)
			p.inactive.SetSize(p.width, p.height)
			return p.inactive.Init(), true
		}
		return nil, false
	}
	cmd := p.inactive.Update(msg)
	if p.inactive.closed {
		p.inactive = nil
		return tea.Batch(cmd, p.reload()), true
	}
	switch msg.(type) {
	case tea.KeyPressMsg, inactiveLoadedMsg, inactiveDisabledMsg:
		return cmd, true
	}
	return cmd, false
}

func (p *homePane) reload() tea.Cmd {
	if p.loading {
		p.dirty = true
		return nil
	}
	p.loading = true
	return p.load()
}

// Shown reads again when Home comes back on screen after homeReloadGap:
// held mail, decisions and violations change in the spool, which tells
// no one.
func (p *homePane) Shown(on bool) tea.Cmd {
	if !on || p.loading || p.s.Now().Sub(p.loadedAt) < homeReloadGap {
		return nil
	}
	return p.reload()
}

func (p *homePane) View() string {
	if p.inactive != nil {
		return p.inactive.View()
	}
	if p.reading {
		if v := p.readerView(); v != "" {
			return v
		}
	}
	if p.book != nil {
		return p.book.View()
	}
	st := p.s.Styles
	t := p.s.T.Home
	out := []string{st.Title.Render(t.Title)}
	if p.err != "" {
		return strings.Join(append(out, st.Error.Render(p.err)), "\n")
	}
	d := p.data
	if d == nil {
		return strings.Join(append(out, st.Subtle.Render(p.s.T.Common.Loading)), "\n")
	}
	out = append(out, p.s.Sprintf(t.Welcome, d.me.Name), "")
	waiting := ""
	if d.requestsForMe > 0 {
		waiting = st.Warn.Render("! ") + p.s.Sprintf(plural(d.requestsForMe, t.RequestsForYouOne, t.RequestsForYou), d.requestsForMe)
		if !d.admin {
			out = append(out, "  "+waiting, "")
		}
	}
	if len(d.anns) > 0 {
		out = append(append(out, p.announcementLines(d.anns)...), "")
	}
	if d.admin {
		out = append(out, st.Label.Render(t.Directory),
			"  "+p.s.Sprintf(t.Members, d.members, d.active, d.disabled, d.locked),
			"  "+p.s.Sprintf(t.Depts, d.depts, d.groups, d.shared),
			"  "+p.s.Sprintf(plural(d.ops, t.AuditHeadOne, t.AuditHead), d.ops), "")
		// Only those who manage members are asked to act; an auditor is
		// shown what is worth a look.
		head, nothing := t.NeedsYou, t.Nothing
		if !d.manage {
			head, nothing = t.Watch, t.NothingToWatch
		}
		out = append(out, st.Label.Render(head))
		var needs []string
		if d.locked > 0 {
			needs = append(needs, st.Warn.Render("! ")+p.s.Sprintf(plural(d.locked, t.LockedOne, t.Locked), d.locked))
		}
		if d.failed24h > 0 {
			needs = append(needs, st.Warn.Render("! ")+p.s.Sprintf(plural(d.failed24h, t.FailedLoginsOne, t.FailedLogins), d.failed24h))
		}
		if d.noPassword > 0 && d.manage {
			needs = append(needs, "- "+p.s.Sprintf(plural(d.noPassword, t.NoPasswordOne, t.NoPassword), d.noPassword))
		}
		if waiting != "" {
			needs = append(needs, waiting)
		}
		if d.inactive > 0 {
			needs = append(needs, st.Warn.Render("! ")+p.s.Sprintf(p.s.T.Governance.InactiveNeeds, d.inactive, d.inactiveFor))
		}
		if len(needs) == 0 {
			needs = append(needs, st.Subtle.Render(nothing))
		}
		for _, n := range needs {
			out = append(out, "  "+n)
		}
		out = append(out, "")
	}
	out = append(out, st.Label.Render(t.YourAccount))
	if !d.me.Password.Changed.IsZero() {
		out = append(out, "  "+p.s.Sprintf(t.PasswordAge, d.me.Password.Changed.Local().Format("2006-01-02")))
		if at, ok := d.policy.ExpiresAt(d.me.Password.Changed); ok {
			out = append(out, "  "+p.s.Sprintf(t.PasswordDue, at.Local().Format("2006-01-02")))
		} else {
			out = append(out, "  "+t.PasswordNever)
		}
	}
	if d.lastLogin != nil {
		out = append(out, "  "+p.s.Sprintf(t.LastLogin, d.lastLogin.Time.Local().Format("2006-01-02 15:04"), d.lastLogin.Source))
	}
	if d.notify {
		out = append(out, "  "+p.s.Sprintf(t.NotifyLeft, d.notifyLeft, d.notifyQuota))
	}
	if d.mail {
		out = append(out, "", st.Label.Render(t.YourMail))
		w := max(10, p.width-4)
		if d.heldForMe > 0 {
			held := plural(d.heldForMe, t.HeldForYouOne, t.HeldForYou)
			for i, l := range wrapText(p.s.Sprintf(held, d.heldForMe), w) {
				lead := "    "
				if i == 0 {
					lead = "  " + st.Warn.Render("! ")
				}
				out = append(out, lead+l)
			}
		}
		if d.violCount == 0 {
			out = append(out, "  "+st.Subtle.Render(t.NoViolations))
		} else {
			for _, l := range wrapText(p.s.Sprintf(plural(d.violCount, t.ViolationsOne, t.Violations), d.violCount), max(10, p.width-2)) {
				out = append(out, "  "+l)
			}
		}
		// Each reason gets its own lines, as many as the pane has room
		// for (up to homeReasonLines), under the announcements' three.
		reasons := 0
		if n := len(d.violations); n > 0 {
			reasons = min(homeReasonLines, (p.height-len(out)-n-3)/n)
		}
		for _, v := range d.violations {
			act := p.s.T.Mail.ActHold
			if v.Action == "refuse" {
				act = p.s.T.Mail.ActRefuse
			}
			line := logClean(v.Time.Local().Format("01-02 15:04") + "  " + act + "  " + quoteSubject(p.s, v.Subject))
			// What became of it stays when the subject is cut.
			outcome := ""
			if o := d.outcome[v.MessageID]; o != "" {
				outcome = "  [" + mailStatus(p.s, o) + "]"
			}
			out = append(out, "  - "+strings.TrimRight(fitKeepTail(st, line, outcome, w), " "))
			if v.Reason == "" || reasons <= 0 {
				continue
			}
			lines := wrapText(logClean(v.ReasonText(p.s.Chinese())), w)
			if len(lines) > reasons {
				lines = lines[:reasons]
				lines[reasons-1] = markCut(st, lines[reasons-1], w)
			}
			for _, l := range lines {
				out = append(out, "    "+st.Subtle.Render(l))
			}
		}
	}
	if len(d.anns) == 0 {
		out = append(out, "", st.Label.Render(t.Announcements), "  "+st.Subtle.Render(t.NoAnnounce))
	}
	return strings.Join(out, "\n")
}

// announcementLines are the live announcements at the top of Home (ANN-1):
// each title with when and by whom, and the first lines of its text; a
// taller pane shows more of each.
func (p *homePane) announcementLines(anns []*model.Announcement) []string {
	st := p.s.Styles
	at := assets.AnnounceCatalog(p.s.T.Lang)
	w := max(10, p.width-4)
	shown, lines := 2, 2
	if p.height >= 40 {
		shown, lines = 3, 6
	}
	out := []string{st.Label.Render(p.s.T.Home.Announcements)}
	for _, a := range anns[:min(len(anns), shown)] {
		who := a.AuthorName
		if who == "" {
			who = string(a.Author)
		}
		meta := "  (" + a.Published.Local().Format("01-02 15:04") + ", " + logClean(who) + ")"
		out = append(out, "  "+st.Bullet+" "+strings.TrimRight(fitKeepTail(st, logClean(a.Title), meta, w), " "))
		var text []string
		for _, para := range strings.Split(a.Body, "\n") {
			text = append(text, wrapText(logClean(para), w)...)
			if len(text) > lines {
				break
			}
		}
		if len(text) > lines {
			text = text[:lines]
			text[lines-1] = markCut(st, text[lines-1], w)
		}
		for _, l := range text {
			out = append(out, "    "+l)
		}
	}
	if n := len(anns) - shown; n > 0 {
		out = append(out, "  "+st.Subtle.Render(p.s.Sprintf(at.HomeMore, n)))
	}
	return out
}

func (p *homePane) ShortHelp() []key.Binding {
	if p.inactive != nil {
		return p.inactive.ShortHelp()
	}
	if p.book != nil {
		return p.book.ShortHelp()
	}
	if p.reading {
		return p.readerHelp()
	}
	k := p.s.Keys
	var ann []key.Binding
	if p.data != nil && len(p.data.anns) > 0 {
		ann = []key.Binding{annReaderKey(p.s)}
	}
	if p.data != nil && p.data.manage {
		return append(ann, bookOpenKey(assets.BookCatalog(p.s.T.Lang)), inactiveOpenKey(p.s), k.Refresh)
	}
	return append(ann, bookOpenKey(assets.BookCatalog(p.s.T.Lang)), k.Refresh)
}

func (p *homePane) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
