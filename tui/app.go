package tui

import (
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// IdleLimit is how long a session may go without a key press or click
// before it ends. Keepalives and redraws do not count: only input does.
const IdleLimit = 15 * time.Minute

// App is the root of the UI: header, navigation rail, the active pane, the
// status line and the help bar. It routes messages; panes do the work.
type App struct {
	s      *Session
	panes  []Pane
	active int
	help   help.Model

	width, height int
	fullHelp      bool
	lastInput     time.Time
	flash         string
	flashErr      bool
	flashUntil    time.Time
	enterprise    string
	quitting      string

	// gate is the forced password change; while set nothing else shows.
	gate *passwordForm

	events <-chan store.Event
	stop   func()
}

// tickMsg drives the clock and the idle check.
type tickMsg time.Time

func tick() tea.Cmd {
	return tea.Tick(15*time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// NewApp builds the UI for a session. passwordDue, when not empty, is why
// the person must change their password before anything else.
func NewApp(s *Session, passwordDue string) *App {
	s.deputy = !approves(s.Actor) && handedTo(s.Store, s.Actor, s.Now())
	return newAppWith(s, passwordDue, panesFor(s, holdsHeldMail(s.Spool, s.Actor.Address)))
}

// newAppWith builds the UI with the given panes (tests pick them).
func newAppWith(s *Session, passwordDue string, panes []Pane) *App {
	a := &App{s: s, help: help.New(), lastInput: s.Now()}
	a.help.Styles.ShortKey = s.Styles.Help.Bold(true)
	a.help.Styles.ShortDesc = s.Styles.Help
	a.help.Styles.FullKey = s.Styles.Help.Bold(true)
	a.help.Styles.FullDesc = s.Styles.Help
	a.help.Styles.ShortSeparator = s.Styles.Help
	a.help.Styles.FullSeparator = s.Styles.Help
	if passwordDue != "" {
		a.gate = newPasswordForm(s, "gate", passwordDue)
	}
	a.panes = panes
	s.Store.Read(func(r *store.Reader) error {
		if e, err := r.Enterprise(); err == nil {
			a.enterprise = e.Name
		}
		return nil
	})
	return a
}

// panesFor shapes the UI by role: the model still refuses what is hidden.
// Admins run everything, sub-admins the directory of their subtrees;
// auditors read the directory and the logs;
// the helpdesk gets the reset desk and nothing else; everyone else their
// Home and their account.
//
// Admins also run the mail queue and the mail policy; auditors read both.
// Anyone else who is the approver of held mail (a department head) gets
// Held mail, the queue narrowed to what waits for them (held says there is
// some) — except the helpdesk, whose UI is the reset desk alone.
//
// Admins and auditors get Batch tasks (LOG-5), last on the rail; admins
// and sub-admins with the announcements right get Announcements (ANN-1).
//
// Those who may read the user and permission list (heads, officers, unit
// officers, auditors, admins) get Permissions (PERM-4).
//
// Everyone follows the requests they filed in My requests; those who
// decide steps of requests (officers, heads, unit officers, and admins,
// who apply them) or held mail get Approvals, their inbox.
func panesFor(s *Session, held bool) []Pane {
	act := s.Actor
	switch {
	case act.Has(model.RoleAdmin):
		// My requests last: an admin rarely files one, and My account
		// keeps a digit key.
		return []Pane{newHomePane(s), newApprovalsPane(s), newOrgPane(s), newGroupsPane(s), newQueuePane(s), newPoliciesPane(s), newLogsPane(s),
			newSettingsPane(s), newAccountPane(s), newMyRequestsPane(s), newPermsPane(s), newBatchPane(s), newAnnouncePane(s)}
	case act.Has(model.RoleAuditor):
		return withDeputy(s, []Pane{newHomePane(s), newOrgPane(s), newQueuePane(s), newPoliciesPane(s), newLogsPane(s), newPermsPane(s), newMyRequestsPane(s), newAccountPane(s), newBatchPane(s)})
	case act.Has(model.RoleHelpdesk):
		return withDeputy(s, withMyMail(s, []Pane{newDeskPane(s), newMyRequestsPane(s), newAccountPane(s)}))
	}
	var panes []Pane
	if act.Has(model.RoleSubadmin) {
		panes = []Pane{newHomePane(s), newOrgPane(s), newGroupsPane(s)}
		if announces(s) {
			panes = append(panes, newAnnouncePane(s))
		}
	} else {
		panes = []Pane{newHomePane(s)}
	}
	if held || s.deputy || approves(act) {
		panes = append(panes, newApprovalsPane(s))
	}
	if held {
		panes = append(panes, newHeldPane(s))
	}
	if readsPerms(s) {
		panes = append(panes, newPermsPane(s))
	}
	return withMyMail(s, append(panes, newMyRequestsPane(s), newAccountPane(s)))
}

// withMyMail puts My mail before My requests for those who get it.
func withMyMail(s *Session, panes []Pane) []Pane {
	if !showsMyMail(s) {
		return panes
	}
	i := slices.IndexFunc(panes, func(p Pane) bool { _, ok := p.(*myRequestsPane); return ok })
	return slices.Insert(panes, max(0, i), Pane(newMyMailPane(s)))
}

// withDeputy puts Approvals second on the rail of someone a step was
// handed to.
func withDeputy(s *Session, panes []Pane) []Pane {
	if !s.deputy {
		return panes
	}
	return slices.Insert(panes, 1, Pane(newApprovalsPane(s)))
}

// approves reports whether the person signs steps of requests: as a
// department head, a permission officer, a unit permission officer, or as
// IT, who applies them.
func approves(a model.Actor) bool {
	return a.Has(model.RoleHead) || a.Has(model.RoleOfficer) || a.Has(model.RoleUnitOfficer) ||
		model.HoldsAnywhere(a, model.RightRequestApply)
}

// holdsHeldMail reports whether any held message waits for the person's
// decision: one read of the held mail, before the rail is built (never in
// Update).
func holdsHeldMail(sp *store.Spool, addr model.Address) bool {
	if sp == nil {
		return false
	}
	ms, err := sp.List(store.QueueFilter{Status: store.MsgHeld, Approver: addr, Limit: 1})
	return err == nil && len(ms) > 0
}

// shownPane is a pane that works only while it is on screen (a live
// reload): the App tells it when it comes and goes.
type shownPane interface {
	Shown(on bool) tea.Cmd
}

// tickedPane is a pane that the clock concerns while it is on screen
// (what it shows lapses with time): the App tells it the time at each tick.
type tickedPane interface {
	Tick(now time.Time) tea.Cmd
}

// show makes pane i the active one, telling the panes that come and go.
func (a *App) show(i int) tea.Cmd {
	if i == a.active {
		return nil
	}
	var cmds []tea.Cmd
	if sp, ok := a.current().(shownPane); ok {
		cmds = append(cmds, sp.Shown(false))
	}
	a.active = i
	if sp, ok := a.current().(shownPane); ok {
		cmds = append(cmds, sp.Shown(true))
	}
	return tea.Batch(cmds...)
}

// Init starts the clock, the store subscription and every pane.
func (a *App) Init() tea.Cmd {
	a.events, a.stop = a.s.Store.Subscribe()
	cmds := []tea.Cmd{tick(), a.waitEvents(), a.waitShutdown()}
	if a.gate != nil {
		cmds = append(cmds, a.gate.Init())
	}
	for _, p := range a.panes {
		cmds = append(cmds, p.Init())
	}
	if sp, ok := a.current().(shownPane); ok {
		cmds = append(cmds, sp.Shown(true))
	}
	return tea.Batch(cmds...)
}

// waitEvents turns store events into one storeChangedMsg per burst.
func (a *App) waitEvents() tea.Cmd {
	ch := a.events
	return func() tea.Msg {
		e, ok := <-ch
		if !ok {
			return nil
		}
		evs := []store.Event{e}
		for {
			select {
			case e, ok := <-ch:
				if !ok {
					return storeChangedMsg{events: evs}
				}
				evs = append(evs, e)
			default:
				return storeChangedMsg{events: evs}
			}
		}
	}
}

type shutdownMsg struct{}

func (a *App) waitShutdown() tea.Cmd {
	ctx := a.s.Ctx
	return func() tea.Msg {
		<-ctx.Done()
		return shutdownMsg{}
	}
}

func (a *App) current() Pane { return a.panes[a.active] }

// Update routes a message.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		a.resize()
		return a, nil
	case tickMsg:
		if a.s.Now().Sub(a.lastInput) >= IdleLimit {
			return a.quit(a.s.T.Common.IdleLogout)
		}
		if tp, ok := a.current().(tickedPane); ok {
			return a, tea.Batch(tick(), tp.Tick(a.s.Now()))
		}
		return a, tick()
	case shutdownMsg:
		return a.quit(a.s.T.Common.ShuttingDown)
	case storeChangedMsg:
		cmds := []tea.Cmd{a.waitEvents()}
		if touchesActor(a.s.Actor, msg.events) {
			cmds = append(cmds, a.reloadActor())
		}
		if touchesRequests(msg) && !a.has(func(p Pane) bool { _, ok := p.(*approvalsPane); return ok }) {
			cmds = append(cmds, a.checkHanded())
		}
		for i, p := range a.panes {
			if _, ok := p.(*batchPane); !ok && msg.onlyBatches() {
				continue // batch progress: only the Batch tasks pane reads it
			}
			var c tea.Cmd
			a.panes[i], c = p.Update(msg)
			cmds = append(cmds, c)
		}
		return a, tea.Batch(cmds...)
	case actorMsg:
		return a.setActor(msg)
	case handedMsg:
		// A step was handed to the person while they were here: the rail
		// gains Approvals.
		if !msg.handed || a.s.deputy {
			return a, nil
		}
		a.s.deputy = true
		return a, a.rebuild(a.has(func(p Pane) bool { q, ok := p.(*queuePane); return ok && q.approver }))
	case flashMsg:
		a.flash, a.flashErr, a.flashUntil = msg.text, msg.err, a.s.Now().Add(8*time.Second)
		return a, nil
	case gateDoneMsg:
		a.gate = nil
		return a, flash(a.s.T.Account.Changed, false)
	case tea.KeyPressMsg:
		a.lastInput = a.s.Now()
		return a.key(msg)
	case tea.MouseClickMsg:
		a.lastInput = a.s.Now()
		return a.click(msg)
	case tea.MouseWheelMsg:
		// The wheel scrolls like the arrow keys, in whatever list has focus.
		a.lastInput = a.s.Now()
		if a.gate != nil || a.current().Capturing() {
			return a, nil
		}
		k := tea.KeyPressMsg{Code: tea.KeyDown}
		if msg.Mouse().Button == tea.MouseWheelUp {
			k = tea.KeyPressMsg{Code: tea.KeyUp}
		}
		np, cmd := a.current().Update(k)
		a.panes[a.active] = np
		return a, cmd
	case tea.PasteMsg:
		// Input goes to what is on screen, never to a pane in the background.
		a.lastInput = a.s.Now()
		if a.gate != nil {
			g, cmd := a.gate.Update(msg)
			a.gate = g
			return a, cmd
		}
		np, cmd := a.current().Update(msg)
		a.panes[a.active] = np
		return a, cmd
	}
	if a.gate != nil {
		g, cmd := a.gate.Update(msg)
		a.gate = g
		return a, cmd
	}
	// Background results go to every pane; each takes its own.
	cmds := make([]tea.Cmd, 0, len(a.panes)+1)
	if a.heldArrived(msg) {
		cmds = append(cmds, a.rebuild(true))
	}
	for i, p := range a.panes {
		var c tea.Cmd
		a.panes[i], c = p.Update(msg)
		cmds = append(cmds, c)
	}
	return a, tea.Batch(cmds...)
}

// actorMsg carries the person's roles and state as they are now.
type actorMsg struct {
	actor  model.Actor
	active bool
	held   bool // held mail waits for the person's decision
}

// handedMsg says whether a step of a pending request waits for the
// person as a deputy.
type handedMsg struct{ handed bool }

// checkHanded asks, in the background, whether a step was handed to the
// person (a look at the waiting index).
func (a *App) checkHanded() tea.Cmd {
	st, actor, now := a.s.Store, a.s.Actor, a.s.Now()
	return func() tea.Msg { return handedMsg{handed: handedTo(st, actor, now)} }
}

// has reports whether a pane on the rail is of the kind is asks about.
func (a *App) has(is func(Pane) bool) bool {
	return slices.ContainsFunc(a.panes, is)
}

// touchesActor reports whether events may change the person's roles.
func touchesActor(a model.Actor, events []store.Event) bool {
	for _, e := range events {
		if (e.Kind == "member" && e.Key == string(a.Address)) || e.Kind == "dept" {
			return true
		}
	}
	return false
}

// reloadActor reads the person's roles again, in the background.
func (a *App) reloadActor() tea.Cmd {
	s := a.s
	addr, door, src, sp := s.Actor.Address, s.Actor.Door, s.Actor.Source, s.Spool
	return func() tea.Msg {
		msg := actorMsg{held: holdsHeldMail(sp, addr)}
		s.Store.Read(func(r *store.Reader) error {
			m, err := r.Member(addr)
			if err != nil {
				return err
			}
			msg.active = m.Status == model.StatusActive || m.Status == model.StatusLocked
			msg.actor, err = r.Actor(addr, door, src)
			return err
		})
		return msg
	}
}

// setActor applies new roles: the rail is rebuilt for them, and a session
// whose account was disabled or removed ends.
func (a *App) setActor(msg actorMsg) (tea.Model, tea.Cmd) {
	if !msg.active {
		return a.quit(a.s.ErrText(model.Authf("the account %s is no longer active", a.s.Actor.Address)))
	}
	if rolesKey(msg.actor) == rolesKey(a.s.Actor) {
		return a, nil
	}
	a.s.Actor = msg.actor
	return a, a.rebuild(msg.held)
}

// rebuild builds the rail again for the person's roles, and for whether
// held mail waits for them, staying on the pane that was on screen.
func (a *App) rebuild(held bool) tea.Cmd {
	name := a.current().Title()
	a.panes = panesFor(a.s, held)
	a.active = 0
	var cmds []tea.Cmd
	for i, p := range a.panes {
		if p.Title() == name {
			a.active = i
		}
		cmds = append(cmds, p.Init())
	}
	if sp, ok := a.current().(shownPane); ok {
		cmds = append(cmds, sp.Shown(true))
	}
	a.resize()
	return tea.Batch(cmds...)
}

// heldArrived reports whether Home has just counted held mail waiting for
// the person, who has no Held mail pane yet (it was held after they
// logged in): Home says to see that pane, so the rail must have it.
func (a *App) heldArrived(msg tea.Msg) bool {
	m, ok := msg.(homeLoadedMsg)
	if !ok || m.data == nil || m.data.heldForMe == 0 {
		return false
	}
	for _, p := range a.panes {
		if q, ok := p.(*queuePane); ok && q.approver {
			return false
		}
	}
	return len(panesFor(a.s, true)) > len(a.panes)
}

func rolesKey(a model.Actor) string {
	var b strings.Builder
	for _, g := range a.Roles {
		b.WriteString(g.Role.String())
		b.WriteByte(byte(g.Scope))
	}
	return b.String()
}

func (a *App) quit(why string) (tea.Model, tea.Cmd) {
	a.quitting = why
	return a, tea.Quit
}

func (a *App) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := a.s.Keys
	if msg.String() == "ctrl+c" {
		return a.quit("")
	}
	if a.gate != nil {
		g, cmd := a.gate.Update(msg)
		a.gate = g
		return a, cmd
	}
	p := a.current()
	if !p.Capturing() {
		switch {
		case key.Matches(msg, k.Quit):
			return a.quit("")
		case key.Matches(msg, k.Help):
			a.fullHelp = !a.fullHelp
			return a, nil
		case key.Matches(msg, k.NextPane):
			return a, a.show((a.active + 1) % len(a.panes))
		case key.Matches(msg, k.PrevPane):
			return a, a.show((a.active + len(a.panes) - 1) % len(a.panes))
		case len(msg.Text) == 1 && msg.Text[0] >= '1' && msg.Text[0] <= '9':
			if i := int(msg.Text[0] - '1'); i < len(a.panes) {
				return a, a.show(i)
			}
		}
	}
	np, cmd := p.Update(msg)
	a.panes[a.active] = np
	return a, cmd
}

// railWidth is the width of the navigation rail, border included.
func (a *App) railWidth() int {
	w := 0
	for _, p := range a.panes {
		w = max(w, lipgloss.Width(p.Title())+len(itoa(len(a.panes)))+2)
	}
	return w + 3
}

func (a *App) click(msg tea.MouseClickMsg) (tea.Model, tea.Cmd) {
	m := msg.Mouse()
	if a.gate == nil && m.X < a.railWidth() && m.Y >= 1 {
		if i := m.Y - 1; i < len(a.panes) {
			return a, a.show(i)
		}
	}
	if a.gate != nil {
		return a, nil
	}
	np, cmd := a.current().Update(msg)
	a.panes[a.active] = np
	return a, cmd
}

// bodySize is the space a pane gets.
func (a *App) bodySize() (int, int) {
	return max(10, a.width-a.railWidth()-1), max(3, a.height-3)
}

func (a *App) resize() {
	w, h := a.bodySize()
	for _, p := range a.panes {
		p.SetSize(w, h)
	}
	if a.gate != nil {
		a.gate.SetSize(a.width, max(3, a.height-3))
	}
	a.help.SetWidth(a.width)
}

// View draws the screen.
func (a *App) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "postroom"
	if a.quitting != "" {
		v.AltScreen = false
		v.SetContent(a.quitting + "\n")
		return v
	}
	if a.width == 0 {
		v.SetContent(a.s.T.Common.Loading)
		return v
	}
	st := a.s.Styles
	header := a.header()
	var body string
	var helpLine string
	var cur *tea.Cursor
	if a.gate != nil {
		body = a.gate.View()
		helpLine = a.help.ShortHelpView(a.gate.ShortHelp())
		if c := a.gate.Cursor(); c != nil {
			c.Y += 1
			cur = c
		}
	} else {
		p := a.current()
		rail := a.rail()
		w, h := a.bodySize()
		pane := lipgloss.NewStyle().MaxHeight(h).Height(h).PaddingLeft(1).Render(markOverflow(st, p.View(), w))
		if a.fullHelp {
			pane = lipgloss.NewStyle().MaxHeight(h).Height(h).PaddingLeft(1).Render(a.help.FullHelpView(append(p.FullHelp(), a.globalKeys())))
		}
		body = lipgloss.JoinHorizontal(lipgloss.Top, rail, pane)
		keys := p.ShortHelp()
		if !p.Capturing() {
			keys = append(keys, a.s.Keys.Help, a.s.Keys.Quit)
		}
		helpLine = a.help.ShortHelpView(keys)
		if cp, ok := p.(cursorPane); ok && !a.fullHelp {
			if c := cp.Cursor(); c != nil {
				c.X += a.railWidth() + 1
				c.Y += 1
				cur = c
			}
		}
	}
	status, bottom := "", truncate(helpLine, a.width)
	if a.flash != "" && a.s.Now().Before(a.flashUntil) {
		style := st.OK
		if a.flashErr {
			style = st.Error
		}
		// A message too long for its line takes the help line too, for
		// the seconds it shows: the end of an error is often what to do.
		lines := wrapText(a.flash, max(1, a.width))
		if len(lines) > 2 {
			lines = lines[:2]
			lines[1] = markCut(st, lines[1], a.width)
		}
		status = style.Render(lines[0])
		if len(lines) > 1 {
			bottom = style.Render(lines[1])
		}
	}
	body = lipgloss.NewStyle().Height(a.height - 3).MaxHeight(a.height - 3).Render(body)
	v.SetContent(lipgloss.JoinVertical(lipgloss.Left, header, body, status, bottom))
	v.Cursor = cur
	return v
}

func (a *App) globalKeys() []key.Binding {
	k := a.s.Keys
	return []key.Binding{k.NextPane, k.PrevPane, k.Help, k.Quit}
}

func (a *App) header() string {
	st := a.s.Styles
	t := a.s.T
	left := st.Header.Render(a.enterprise)
	who := st.HeaderDim.Render(a.s.Sprintf(t.Common.You, a.s.Actor.Name, roleLabel(a.s)))
	clock := st.HeaderDim.Render(a.s.Now().Local().Format("2006-01-02 15:04"))
	used := lipgloss.Width(left) + lipgloss.Width(who) + lipgloss.Width(clock)
	fill := st.HeaderDim.Render(strings.Repeat(" ", max(0, a.width-used-2)))
	line := left + who + fill + clock
	if lipgloss.Width(line) > a.width {
		line = left + who
	}
	return lipgloss.NewStyle().MaxWidth(a.width).Render(line)
}

func roleLabel(s *Session) string {
	return roleName(s, s.Actor.Top())
}

// roleNames are all the person's roles in their language, each once,
// highest first.
func roleNames(s *Session) string {
	var roles []model.Role
	for _, g := range s.Actor.Roles {
		if !slices.Contains(roles, g.Role) {
			roles = append(roles, g.Role)
		}
	}
	if len(roles) == 0 {
		roles = []model.Role{model.RoleMember}
	}
	slices.SortFunc(roles, func(a, b model.Role) int { return int(b) - int(a) })
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = roleName(s, r)
	}
	sep := ", "
	if assets.IsChinese(s.T.Lang) {
		sep = "、"
	}
	return strings.Join(names, sep)
}

// roleName is a role's name in the person's language.
func roleName(s *Session, r model.Role) string {
	f := s.T.Fields
	names := []string{f.RoleMember, f.RoleHead, f.RoleOfficer, f.RoleUnitOfficer, f.RoleHR, f.RoleAuditor, f.RoleHelpdesk, f.RoleSubadmin, f.RoleAdmin}
	if int(r) >= 0 && int(r) < len(names) {
		return names[r]
	}
	return r.String()
}

func (a *App) rail() string {
	st := a.s.Styles
	_, h := a.bodySize()
	var lines []string
	nw := len(itoa(len(a.panes))) // numbers right-aligned: " 9", "10"
	for i, p := range a.panes {
		label := padLeft(itoa(i+1), nw) + " " + p.Title()
		switch {
		case i == a.active:
			lines = append(lines, st.RailActive.Render(st.Bullet+label))
		default:
			lines = append(lines, st.RailItem.Render(" "+label))
		}
	}
	return st.Rail.Height(h).Width(a.railWidth()).Render(strings.Join(lines, "\n"))
}

// markOverflow ends each line wider than w cells with an ellipsis at the
// edge, so a pane that draws past its width shows that text was cut
// rather than losing it silently at the screen's edge.
func markOverflow(st *Styles, view string, w int) string {
	lines := strings.Split(view, "\n")
	cut := false
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			lines[i], cut = markCut(st, l, w), true
		}
	}
	if !cut {
		return view
	}
	return strings.Join(lines, "\n")
}

// Quitting is the message the session ends with, if any.
func (a *App) Quitting() string { return a.quitting }

// Close ends the store subscription.
func (a *App) Close() {
	if a.stop != nil {
		a.stop()
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// truncate cuts s to w cells, with an ellipsis.
func truncate(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	return lipgloss.NewStyle().MaxWidth(w).Render(s)
}
