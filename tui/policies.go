package tui

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"postroom/model"
	"postroom/store"
)

// policiesPane is the mail policy (SEND-2..6, IN-2, IN-3): every rule with
// its action, the whole-company threshold and classes, each group's posting
// rule, notices, skip-level mail, content rules, the external restriction,
// the company's block and allow lists and what becomes of mail for unknown
// local addresses. Holders of policy.manage change a draft (actions cycle,
// numbers and addresses are typed, list entries are added and removed) and
// save it whole: before it is saved the pane shows what the change will do
// (the model's impact, from a dry run) and asks. Everyone who sees the pane
// may ask how a message would be judged (explain), so that no decision is a
// mystery. Auditors read it; the edit keys are not theirs, and the model
// refuses anyway.
type policiesPane struct {
	s             *Session
	width, height int

	data    *policiesData
	loading bool
	dirty   bool // the data changed while a load was in flight
	err     string

	base  model.MailPolicy // the policy the draft was made from
	draft model.MailPolicy

	row, top int

	input   textinput.Model
	editing bool   // a row's value (or a new list entry) is being typed
	editErr string // why the typed value was not taken

	preview *policyPreview
	busy    bool

	explain *policyExplain

	signature *policySignature // the signature preview box (MAILFX-1)
}

// policiesData is what the pane reads in one transaction.
type policiesData struct {
	policy model.MailPolicy
	groups []policyGroup
	depts  map[model.DeptID]string
}

// policyGroup is one group's posting rule.
type policyGroup struct {
	addr     model.Address
	name     string
	post     model.PostRule
	allStaff bool
}

// policyPreview is a save waiting for y or n, with what it will do.
type policyPreview struct {
	impact *model.PolicyImpact // nil while the dry run runs
	err    string
}

// policyExplain is the explain box: the form and the last answer.
type policyExplain struct {
	form   *form
	busy   bool
	result *explainResult
	draft  bool // the answer judged the unsaved draft
	top    int
}

// explainResult is how a message would be judged.
type explainResult struct {
	err      error
	inbound  bool
	from     model.Address
	decision model.Decision
	res      *model.Resolution
	// mailboxes are the inbound checks of the local mailboxes that said
	// more than allow.
	mailboxes []model.Decision
	unknown   model.UnknownLocal
	catchAll  model.Address
}

type policiesLoadedMsg struct {
	data *policiesData
	err  error
}

type policyPreviewMsg struct {
	impact model.PolicyImpact
	err    error
}

type policyExplainedMsg struct{ result *explainResult }

// polKind says what a row is and how it changes.
type polKind int

const (
	polHead   polKind = iota // a section's heading
	polAction                // a rule's action: cycles
	polText                  // typed: a number, classes, an address
	polInfo                  // read only
	polEntry                 // a list entry: removable
	polAdd                   // adds an entry to a list
	polChoice                // cycles through choices
	polRule                  // a rule shown with its value: removable, added elsewhere
)

// polRow is one line of the policy.
type polRow struct {
	kind   polKind
	label  string
	value  string
	note   string // shown after the value, subtle
	hint   string
	text   string                    // polText: the value to edit
	set    func(string) error        // polText and polAdd: take a typed value
	action *model.MailAction         // polAction
	cycle  func(p *model.MailPolicy) // polChoice
	remove func(p *model.MailPolicy) // polEntry
	open   func() tea.Cmd            // enter opens a box (any reader)
}

func newPoliciesPane(s *Session) *policiesPane {
	return &policiesPane{s: s, input: newInput("", 2000)}
}

func (p *policiesPane) ID() string    { return "policies" }
func (p *policiesPane) Title() string { return p.s.T.Nav.Policies }

// mayEdit reports whether the person may change the policy.
func (p *policiesPane) mayEdit() bool { return p.s.Can(model.RightPolicyManage) }

// allowed reports whether the person may read the policy: those who change
// it and those who read the mail log (auditors).
func (p *policiesPane) allowed() bool {
	return p.mayEdit() || p.s.Can(model.RightMailLogRead)
}

func (p *policiesPane) Init() tea.Cmd { return p.reload() }

func (p *policiesPane) reload() tea.Cmd {
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

func (p *policiesPane) load() tea.Cmd {
	st := p.s.Store
	return func() tea.Msg {
		d := &policiesData{depts: map[model.DeptID]string{}}
		err := st.Read(func(r *store.Reader) error {
			var err error
			if d.policy, err = r.MailPolicy(); err != nil {
				return err
			}
			gs, err := r.Groups()
			if err != nil {
				return err
			}
			for _, g := range gs {
				d.groups = append(d.groups, policyGroup{addr: g.Address, name: g.Name, post: g.Post, allStaff: model.GroupCoversAll(r, g)})
			}
			ids := slices.Clone(d.policy.External.Depts)
			for _, c := range d.policy.Content {
				ids = append(ids, c.Depts...)
			}
			for _, id := range ids {
				d.depts[id] = r.DeptPath(id)
			}
			return nil
		})
		return policiesLoadedMsg{data: d, err: err}
	}
}

// clonePolicy is a deep copy, so that the draft never shares a slice with
// the policy it was made from.
func clonePolicy(p model.MailPolicy) model.MailPolicy {
	raw, err := json.Marshal(p)
	if err != nil {
		return p
	}
	var out model.MailPolicy
	if json.Unmarshal(raw, &out) != nil {
		return p
	}
	return out
}

// changed reports whether the draft differs from what it was made from.
func (p *policiesPane) changed() bool {
	if p.data == nil {
		return false
	}
	a, _ := json.Marshal(p.draft)
	b, _ := json.Marshal(p.base)
	return string(a) != string(b)
}

func (p *policiesPane) SetSize(w, h int) {
	p.width, p.height = w, h
	p.input.SetWidth(max(8, w-p.labelWidth()-6))
	if p.explain != nil {
		p.explain.form.SetSize(w, h)
	}
	p.clamp()
}

func (p *policiesPane) Capturing() bool {
	return p.editing || p.preview != nil || p.explain != nil || p.signature != nil
}

func (p *policiesPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case policiesLoadedMsg:
		p.loading = false
		if p.dirty {
			p.dirty = false
			return p, p.reload()
		}
		if msg.err != nil {
			p.err = p.s.ErrText(msg.err)
			return p, nil
		}
		keep := p.changed()
		p.data, p.err = msg.data, ""
		if !keep {
			// A draft in progress stays as it is, on the policy it was
			// made from: saving it over another admin's change is refused.
			p.base, p.draft = clonePolicy(msg.data.policy), clonePolicy(msg.data.policy)
		}
		p.clamp()
		return p, nil
	case policyPreviewMsg:
		if p.preview == nil {
			return p, nil
		}
		if msg.err != nil {
			p.preview.err = p.s.ErrText(msg.err)
			return p, nil
		}
		p.preview.impact = &msg.impact
		return p, nil
	case appliedMsg:
		if msg.pane != p.ID() {
			return p, nil
		}
		p.busy = false
		if msg.err != nil {
			if p.preview == nil {
				p.preview = &policyPreview{}
			}
			p.preview.err = p.s.ErrText(msg.err)
			return p, nil
		}
		p.preview = nil
		p.base = clonePolicy(p.draft)
		return p, tea.Batch(flash(p.s.T.Policies.Saved, false), p.reload())
	case signaturePreviewedMsg:
		if p.signature != nil {
			p.signature.busy, p.signature.result, p.signature.top = false, msg.result, 0
		}
		return p, nil
	case policyExplainedMsg:
		if p.explain == nil {
			return p, nil
		}
		p.explain.busy, p.explain.result, p.explain.top = false, msg.result, 0
		return p, nil
	case storeChangedMsg:
		if msg.onlyLogins() {
			return p, nil
		}
		return p, p.reload()
	case tea.KeyPressMsg:
		if !p.allowed() {
			return p, nil
		}
		return p.key(msg)
	}
	switch {
	case p.signature != nil:
		_, cmd := p.signature.form.Update(msg)
		return p, cmd
	case p.explain != nil:
		_, cmd := p.explain.form.Update(msg)
		return p, cmd
	case p.editing:
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		return p, cmd
	}
	return p, nil
}

func (p *policiesPane) key(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	switch {
	case p.signature != nil:
		return p.signatureKey(msg)
	case p.explain != nil:
		return p.explainKey(msg)
	case p.preview != nil:
		return p.previewKey(msg)
	case p.editing:
		return p.editKey(msg)
	case p.data == nil:
		if key.Matches(msg, k.Refresh) {
			return p, p.reload()
		}
		return p, nil
	}
	rows := p.rows()
	page := max(1, p.listRows())
	switch {
	case key.Matches(msg, k.Down):
		p.move(rows, 1)
	case key.Matches(msg, k.Up):
		p.move(rows, -1)
	case key.Matches(msg, k.PageDown):
		p.move(rows, page)
	case key.Matches(msg, k.PageUp):
		p.move(rows, -page)
	case key.Matches(msg, k.Top):
		p.move(rows, -len(rows))
	case key.Matches(msg, k.Bottom):
		p.move(rows, len(rows))
	case key.Matches(msg, k.Refresh):
		return p, p.reload()
	case key.Matches(msg, k.Explain):
		return p, p.openExplain()
	case key.Matches(msg, k.Enter) && p.row < len(rows) && rows[p.row].open != nil:
		return p, rows[p.row].open()
	}
	if !p.mayEdit() || p.row >= len(rows) {
		return p, nil
	}
	r := rows[p.row]
	switch {
	case key.Matches(msg, k.Save) && p.changed():
		p.preview = &policyPreview{}
		return p, p.dryRun()
	case key.Matches(msg, k.Back) && p.changed():
		p.draft = clonePolicy(p.base)
		p.clamp()
	case key.Matches(msg, k.Toggle, k.Enter) && r.kind == polAction:
		*r.action = nextAction(*r.action)
	case key.Matches(msg, k.Toggle, k.Enter) && r.kind == polChoice:
		r.cycle(&p.draft)
	case key.Matches(msg, k.Enter) && r.kind == polText:
		return p, p.startEdit(r.text)
	case (key.Matches(msg, k.Enter) && r.kind == polAdd) || (key.Matches(msg, k.New) && (r.kind == polAdd || r.kind == polEntry)):
		// n on a list's entry adds to that list: find its add row.
		for i := p.row; i < len(rows); i++ {
			if rows[i].kind == polAdd {
				p.row = i
				break
			}
		}
		p.clamp()
		return p, p.startEdit("")
	case key.Matches(msg, k.Delete) && (r.kind == polEntry || r.kind == polRule):
		r.remove(&p.draft)
		p.clamp()
	}
	return p, nil
}

// nextAction is the action after a, in the order allow, log, hold, refuse.
func nextAction(a model.MailAction) model.MailAction {
	order := []model.MailAction{model.ActionAllow, model.ActionLog, model.ActionHold, model.ActionRefuse}
	i := slices.Index(order, a)
	return order[(i+1)%len(order)]
}

func (p *policiesPane) startEdit(v string) tea.Cmd {
	p.editing, p.editErr = true, ""
	p.input.Prompt = ""
	p.input.SetValue(v)
	p.input.CursorEnd()
	p.input.SetWidth(max(8, p.width-p.labelWidth()-6))
	return p.input.Focus()
}

func (p *policiesPane) editKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	switch msg.Code {
	case tea.KeyEscape:
		p.editing, p.editErr = false, ""
		p.input.Blur()
		return p, nil
	case tea.KeyEnter:
		rows := p.rows()
		if p.row >= len(rows) || rows[p.row].set == nil {
			p.editing = false
			p.input.Blur()
			return p, nil
		}
		v := strings.TrimSpace(p.input.Value())
		if err := rows[p.row].set(v); err != nil {
			p.editErr = p.s.ErrText(err)
			return p, nil
		}
		p.editing, p.editErr = false, ""
		p.input.Blur()
		p.clamp()
		return p, nil
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return p, cmd
}

// dryRun runs the change and rolls it back, to learn what it will do (and
// whether the model takes it) before the person says yes.
func (p *policiesPane) dryRun() tea.Cmd {
	st, actor := p.s.Store, p.s.Actor
	ch := &model.SetMailPolicy{Policy: clonePolicy(p.draft), Base: ptr(clonePolicy(p.base))}
	return func() tea.Msg {
		failed, err := st.ApplyAll(actor, []model.Change{ch}, store.ApplyOptions{DryRun: true})
		if err == nil && len(failed) > 0 {
			err = failed[0].Err
		}
		return policyPreviewMsg{impact: ch.Impact, err: err}
	}
}

func ptr[T any](v T) *T { return &v }

func (p *policiesPane) previewKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	pv := p.preview
	if p.busy {
		return p, nil
	}
	switch {
	case key.Matches(msg, p.s.Keys.Back), msg.Text == "n", msg.Text == "N":
		p.preview = nil
	case pv.impact != nil && pv.err == "" && (msg.Text == "y" || msg.Text == "Y"):
		p.busy = true
		return p, p.s.apply(p.ID(), "policy", &model.SetMailPolicy{Policy: clonePolicy(p.draft), Base: ptr(clonePolicy(p.base))})
	}
	return p, nil
}

// move moves the selection by d rows, over the headings. A move that
// ends on a heading goes on in its direction; past the first or the last
// row (the list starts with a heading), it takes the nearest row the
// other way.
func (p *policiesPane) move(rows []polRow, d int) {
	n := len(rows)
	if n == 0 {
		return
	}
	i := max(0, min(n-1, p.row+d))
	step := 1
	if d < 0 {
		step = -1
	}
	j := i
	for j >= 0 && j < n && rows[j].kind == polHead {
		j += step
	}
	if j < 0 || j >= n {
		j = i
		for j >= 0 && j < n && rows[j].kind == polHead {
			j -= step
		}
	}
	if j < 0 || j >= n {
		return
	}
	p.row = j
	p.clamp()
}

// clamp keeps the selection on a row that is not a heading, and in sight.
func (p *policiesPane) clamp() {
	if p.data == nil {
		return
	}
	rows := p.rows()
	n := len(rows)
	p.row = max(0, min(p.row, n-1))
	for p.row < n-1 && rows[p.row].kind == polHead {
		p.row++
	}
	h := max(1, p.listRows())
	if p.row < p.top+1 {
		// Keep the heading above the first row in sight.
		p.top = max(0, p.row-1)
	}
	if p.row >= p.top+h {
		p.top = p.row - h + 1
	}
	p.top = max(0, min(p.top, n-h))
}

// rows are the draft as lines.
func (p *policiesPane) rows() []polRow {
	if p.data == nil {
		return nil
	}
	t := p.s.T.Policies
	d := &p.draft
	var out []polRow
	head := func(s string) { out = append(out, polRow{kind: polHead, label: s}) }
	act := func(label string, a *model.MailAction, note string) {
		out = append(out, polRow{kind: polAction, label: label, action: a, value: p.actionText(*a), note: note, hint: t.HintAction})
	}
	info := func(label, value string) { out = append(out, polRow{kind: polInfo, label: label, value: value}) }

	head(t.SecBroadcast)
	act(t.Action, &d.Broadcast.Action, t.BroadcastNote)
	out = append(out, polRow{kind: polText, label: t.Threshold, value: p.thresholdText(d.Broadcast.Threshold),
		text: strconv.Itoa(d.Broadcast.Threshold), hint: t.HintThreshold, set: func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return model.Invalidf("%s", t.BadThreshold)
			}
			p.draft.Broadcast.Threshold = n
			return nil
		}})
	out = append(out, p.positionsRow(t.Classes, &d.Broadcast.Positions))

	head(t.SecGroupPost)
	act(t.PartGroups, &d.GroupPost.Action, t.PartGroupsNote)
	act(t.AllGroups, &d.GroupPost.AllStaffAction, t.AllGroupsNote)
	for _, g := range p.data.groups {
		kind := t.PartGroup
		if g.allStaff {
			kind = t.AllGroup
		}
		info(string(g.addr), p.s.Sprintf(t.GroupRule, p.postText(g.post), kind))
	}

	head(t.SecNotices)
	if len(d.Notices) == 0 {
		info(t.NoRules, "")
	}
	for i := range d.Notices {
		n := &d.Notices[i]
		from := t.AnyDeptMailbox
		if n.Sender != "" {
			from = string(n.Sender)
		}
		act(n.Name, &n.Action, p.s.Sprintf(t.NoticeNote, joinWords(n.Subjects), p.scopeText(n.Scope), from))
	}

	head(t.SecSkipLevel)
	act(t.Action, &d.SkipLevel.Action, t.SkipLevelNote)
	out = append(out, p.positionsRow(t.Exempt, &d.SkipLevel.Positions))

	head(t.SecContent)
	if len(d.Content) == 0 {
		info(t.NoRules, "")
	}
	for i := range d.Content {
		c := &d.Content[i]
		note := joinWords(append(slices.Clone(c.Subjects), c.Keywords...)) + " · " + p.scopeText(c.Scope)
		if c.ExternalOnly {
			note += " · " + t.ExternalOnly
		}
		if len(c.Depts)+len(c.Members) > 0 {
			note += " · " + p.s.Sprintf(t.Senders, len(c.Depts), len(c.Members))
		}
		if c.Reviewer != "" {
			note += " · " + p.s.Sprintf(t.Reviewer, c.Reviewer)
		}
		act(c.Name, &c.Action, note)
	}

	head(t.SecExternal)
	act(t.Action, &d.External.Action, t.ExternalNote)
	var members, depts []string
	for _, m := range d.External.Members {
		members = append(members, string(m))
	}
	for _, id := range d.External.Depts {
		depts = append(depts, p.data.depts[id])
	}
	info(t.Members, orNone(p.s, strings.Join(members, ", ")))
	info(t.Depts, orNone(p.s, strings.Join(depts, "; ")))

	p.addListRows(&out, t.SecBlacklist, func(pol *model.MailPolicy) *[]string { return &pol.Blacklist })
	p.addListRows(&out, t.SecWhitelist, func(pol *model.MailPolicy) *[]string { return &pol.Whitelist })

	head(t.SecUnknown)
	unknown := t.UnknownRefuse
	if d.UnknownLocal == model.UnknownCatchAll {
		unknown = p.s.Sprintf(t.UnknownCatchAll, model.CatchAllFolder)
	}
	out = append(out, polRow{kind: polChoice, label: t.Action, value: unknown, hint: t.HintChoice, cycle: func(pol *model.MailPolicy) {
		if pol.UnknownLocal == model.UnknownCatchAll {
			pol.UnknownLocal = model.UnknownRefuse
			pol.CatchAll = ""
		} else {
			pol.UnknownLocal = model.UnknownCatchAll
		}
	}})
	if d.UnknownLocal == model.UnknownCatchAll {
		out = append(out, polRow{kind: polText, label: t.CatchAll, value: orNone(p.s, string(d.CatchAll)), text: string(d.CatchAll),
			hint: t.HintCatchAll, set: func(v string) error {
				if v == "" {
					p.draft.CatchAll = ""
					return nil
				}
				a, err := model.ParseAddress(v)
				if err != nil {
					return err
				}
				p.draft.CatchAll = a
				return nil
			}})
	}

	head(t.SecBackup)
	if len(d.Backup) == 0 {
		info(t.NoRules, "")
	}
	for _, b := range d.Backup {
		out = append(out, polRow{kind: polRule, label: b.Name, value: p.s.Sprintf(t.BackupInto, b.Mailbox), note: p.backupNote(b),
			hint: t.HintBackup, remove: func(pol *model.MailPolicy) {
				pol.Backup = slices.DeleteFunc(slices.Clone(pol.Backup), func(x model.BackupRule) bool { return x.Name == b.Name })
				if len(pol.Backup) == 0 {
					pol.Backup = nil
				}
			}})
	}
	p.signatureRows(&out)
	return out
}

// backupNote says a backup rule's conditions.
func (p *policiesPane) backupNote(b model.BackupRule) string {
	t := p.s.T.Policies
	var parts []string
	addrs := func(as []model.Address) string {
		ws := make([]string, len(as))
		for i, a := range as {
			ws[i] = string(a)
		}
		return strings.Join(ws, t.ListSep)
	}
	if len(b.Senders) > 0 {
		parts = append(parts, p.s.Sprintf(t.BackupFrom, addrs(b.Senders)))
	}
	if len(b.Recipients) > 0 {
		parts = append(parts, p.s.Sprintf(t.BackupTo, addrs(b.Recipients)))
	}
	if len(b.Depts) > 0 {
		var ds []string
		for _, id := range b.Depts {
			ds = append(ds, p.data.depts[id])
		}
		parts = append(parts, p.s.Sprintf(t.BackupDepts, strings.Join(ds, t.ListSep)))
	}
	if b.Direction != "" {
		parts = append(parts, p.s.Sprintf(t.BackupDir, b.Direction))
	}
	return strings.Join(parts, " · ")
}

// addListRows adds a block or allow list: its entries and a row to add one.
func (p *policiesPane) addListRows(out *[]polRow, title string, list func(*model.MailPolicy) *[]string) {
	t := p.s.T.Policies
	*out = append(*out, polRow{kind: polHead, label: title})
	entries := *list(&p.draft)
	for i, e := range entries {
		*out = append(*out, polRow{kind: polEntry, label: e, hint: t.HintEntry, remove: func(pol *model.MailPolicy) {
			l := list(pol)
			*l = slices.Delete(slices.Clone(*l), i, i+1)
			if len(*l) == 0 {
				*l = nil
			}
		}})
	}
	*out = append(*out, polRow{kind: polAdd, label: t.AddEntry, hint: t.HintAdd, set: func(v string) error {
		es, err := model.CleanListEntries([]string{v})
		if err != nil {
			return err
		}
		l := list(&p.draft)
		for _, e := range es {
			if !slices.Contains(*l, e) {
				*l = append(*l, e)
			}
		}
		return nil
	}})
}

// positionsRow is a list of position classes, typed as names or codes.
func (p *policiesPane) positionsRow(label string, ps *[]model.Position) polRow {
	names := make([]string, len(*ps))
	for i, pos := range *ps {
		names[i] = p.positionText(pos)
	}
	return polRow{kind: polText, label: label, value: orNone(p.s, strings.Join(names, p.s.T.Policies.ListSep)),
		text: strings.Join(names, p.s.T.Policies.ListSep), hint: p.s.T.Policies.HintClasses, set: func(v string) error {
			var out []model.Position
			for _, part := range splitTyped(v, ",，、") {
				pos, err := model.ParsePosition(part)
				if err != nil {
					return err
				}
				if !slices.Contains(out, pos) {
					out = append(out, pos)
				}
			}
			*ps = out
			return nil
		}}
}

func (p *policiesPane) positionText(pos model.Position) string {
	if p.s.T.Lang == "zh-CN" && pos.ZH() != "" {
		return pos.ZH()
	}
	return string(pos)
}

func (p *policiesPane) thresholdText(n int) string {
	if n == 0 {
		return p.s.T.Policies.ThresholdOff
	}
	return p.s.Sprintf(p.s.T.Policies.ThresholdN, n)
}

// actionText names a rule's action in the person's language.
func (p *policiesPane) actionText(a model.MailAction) string { return actionText(p.s, a) }

func actionText(s *Session, a model.MailAction) string {
	t := s.T.Mail
	switch a {
	case model.ActionAllow:
		return t.ActAllow
	case model.ActionHold:
		return t.ActHold
	case model.ActionRefuse:
		return t.ActRefuse
	case model.ActionLog:
		return t.ActLog
	}
	return string(a)
}

func (p *policiesPane) scopeText(sc model.RuleScope) string {
	if sc == model.ScopeAllStaff {
		return p.s.T.Policies.ScopeAllStaff
	}
	return p.s.T.Policies.ScopeAny
}

func (p *policiesPane) postText(r model.PostRule) string {
	t := p.s.T.Groups
	switch r {
	case model.PostAnyone:
		return t.PostAnyone
	case model.PostMembers:
		return t.PostMembers
	case model.PostPermitted:
		return t.PostPermitted
	case model.PostListed:
		return p.s.T.Policies.PostListed
	}
	return string(r)
}

func joinWords(ws []string) string { return strings.Join(ws, ", ") }

func orNone(s *Session, v string) string {
	if v == "" {
		return s.T.Common.None
	}
	return v
}

// labelWidth is the width of the label column.
func (p *policiesPane) labelWidth() int {
	w := 8
	for _, r := range p.rows() {
		if r.kind != polHead && r.kind != polEntry && r.kind != polAdd && (r.kind != polInfo || r.value != "") {
			w = max(w, lipgloss.Width(r.label))
		}
	}
	return min(w, max(8, p.width*2/5)) + 2
}

// head is the title line and the state of the draft.
func (p *policiesPane) head() []string {
	st := p.s.Styles
	t := p.s.T.Policies
	title := st.Title.Render(t.Title)
	var state string
	switch {
	case !p.mayEdit():
		state = st.Subtle.Render(t.ReadOnly)
	case p.changed():
		state = st.Warn.Render(t.Unsaved)
	default:
		state = st.Subtle.Render(t.Saved0)
	}
	return []string{truncate(title+"  "+state, p.width)}
}

// policyHintLines is how many lines under the list tell about the
// selected row.
const policyHintLines = 3

// listRows is how many rows fit under the head and above the hint lines
// and the footer.
func (p *policiesPane) listRows() int { return p.height - len(p.head()) - policyHintLines - 1 }

func (p *policiesPane) View() string {
	lines, _, _ := p.render()
	return strings.Join(lines, "\n")
}

// render draws the pane and says where the field being typed into stands
// (line and column), or -1.
func (p *policiesPane) render() ([]string, int, int) {
	st := p.s.Styles
	t := p.s.T.Policies
	w := max(10, p.width-1)
	switch {
	case !p.allowed():
		return append([]string{st.Title.Render(t.Title), ""}, wrapStyled(st.Error, t.Refused, w)...), -1, 0
	case p.signature != nil:
		return p.signatureLines(), -1, 0
	case p.explain != nil:
		return p.explainLines()
	case p.preview != nil:
		return p.previewLines(), -1, 0
	}
	out := p.head()
	switch {
	case p.err != "":
		return append(out, wrapStyled(st.Error, p.err, w)...), -1, 0
	case p.data == nil:
		return append(out, st.Subtle.Render(p.s.T.Common.Loading)), -1, 0
	}
	rows := p.rows()
	lw := p.labelWidth()
	h := max(1, p.listRows())
	end := min(len(rows), p.top+h)
	line, col := -1, 0
	var hint []string
	for i := p.top; i < end; i++ {
		r := rows[i]
		sel := i == p.row
		switch r.kind {
		case polHead:
			out = append(out, st.Label.Bold(true).Render(truncate(r.label, p.width)))
			continue
		case polEntry, polAdd, polInfo, polRule:
			if (r.kind == polInfo || r.kind == polRule) && r.value != "" {
				break
			}
			text := "  " + r.label
			if sel {
				if p.editing && r.kind == polAdd {
					line, col = len(out), 4
					out = append(out, st.Cursor.Render(st.Bullet)+"   "+p.input.View())
				} else {
					out = append(out, st.Selected.Render(padRight(ellipsize(st, st.Bullet+" "+text, p.width), p.width)))
				}
			} else {
				style := st.Value
				if r.kind == polAdd {
					style = st.Subtle
				}
				out = append(out, "  "+style.Render(ellipsize(st, text, p.width-2)))
			}
			if sel {
				hint = p.rowHint(r)
			}
			continue
		}
		label := padRight(truncate(r.label, lw-2), lw)
		if sel && p.editing {
			line, col = len(out), lw+2
			out = append(out, st.Cursor.Render(st.Bullet)+" "+st.Cursor.Render(label)+p.input.View())
			hint = p.rowHint(r)
			continue
		}
		value := r.value
		if r.kind == polAction {
			value = "[" + value + "]"
		}
		body := label + value
		if r.note != "" {
			body += "  " + st.Subtle.Render(r.note)
		}
		if sel {
			plain := label + value
			if r.note != "" {
				plain += "  " + r.note
			}
			out = append(out, st.Selected.Render(padRight(ellipsize(st, st.Bullet+" "+plain, p.width), p.width)))
			hint = p.rowHint(r)
		} else {
			out = append(out, ellipsize(st, "  "+body, p.width))
		}
	}
	for len(out) < h+len(p.head()) {
		out = append(out, "")
	}
	for i := range policyHintLines {
		if i < len(hint) {
			out = append(out, hint[i])
		} else {
			out = append(out, "")
		}
	}
	foot := p.s.Sprintf(p.s.T.Logs.Lines, p.top+1, end, len(rows))
	return append(out, st.Subtle.Render(truncate(foot, p.width))), line, col
}

// rowHint is what the selected row says below the list: a mistake in what
// was typed; else the rule in full (the list may have cut it) and how to
// change it.
func (p *policiesPane) rowHint(r polRow) []string {
	st := p.s.Styles
	w := max(10, p.width-1)
	if p.editing && p.editErr != "" {
		lines := wrapStyled(st.Error, p.editErr, w)
		return lines[:min(len(lines), policyHintLines)]
	}
	var lines []string
	switch {
	case r.note != "":
		lines = wrapStyled(st.Value, r.note, w)
	case r.kind == polText || r.kind == polInfo:
		// The list may have cut a long value: here it is whole.
		lines = wrapStyled(st.Value, r.value, w)
	}
	keep := policyHintLines
	if p.mayEdit() && r.hint != "" {
		keep--
	}
	lines = lines[:min(len(lines), keep)]
	if p.mayEdit() && r.hint != "" {
		lines = append(lines, truncate(st.Subtle.Render(r.hint), w))
	}
	return lines
}

// previewLines is the save's confirmation: what it will do, then y/n.
func (p *policiesPane) previewLines() []string {
	st := p.s.Styles
	t := p.s.T.Policies
	w := max(10, p.width-1)
	pv := p.preview
	out := []string{st.Title.Render(t.PreviewTitle), ""}
	switch {
	case pv.err != "":
		out = append(out, wrapStyled(st.Error, pv.err, w)...)
		return append(out, "", st.Subtle.Render(t.PreviewBack))
	case pv.impact == nil:
		return append(out, st.Subtle.Render(t.Checking))
	}
	out = append(out, wrapStyled(st.Warn, p.s.Sprintf(t.Touches, pv.impact.Members, pv.impact.Groups), w)...)
	out = append(out, "")
	for _, l := range pv.impact.Lines {
		for i, wl := range wrapStyled(st.Value, localizeImpact(p.s, l), w-2) {
			lead := "- "
			if i > 0 {
				lead = "  "
			}
			out = append(out, lead+wl)
		}
	}
	out = append(out, "")
	if p.busy {
		return append(out, st.Subtle.Render(p.s.T.Common.Loading))
	}
	return append(out, wrapStyled(st.Warn, t.SaveYesNo, w)...)
}

// Cursor puts the terminal's cursor in the field being typed into.
func (p *policiesPane) Cursor() *tea.Cursor {
	if p.signature != nil {
		return p.signature.form.Cursor()
	}
	if p.explain != nil {
		c := p.explain.form.Cursor()
		return c
	}
	if !p.editing {
		return nil
	}
	_, line, col := p.render()
	if line < 0 {
		return nil
	}
	c := inputCursorCells(p.input)
	if c == nil {
		return nil
	}
	c.X += col
	c.Y += line
	return c
}

func (p *policiesPane) ShortHelp() []key.Binding {
	k := p.s.Keys
	t := p.s.T.Policies
	switch {
	case !p.allowed():
		return nil
	case p.signature != nil:
		return []key.Binding{relabelKey(k.Enter, "", t.Sig.KeyPreview), k.PageDown, k.PageUp, relabelKey(k.Back, "", p.s.T.Common.Back)}
	case p.explain != nil:
		return []key.Binding{relabelKey(k.Enter, "", t.KeyJudge), k.Tab, k.PageDown, k.PageUp, relabelKey(k.Back, "", p.s.T.Common.Back)}
	case p.preview != nil:
		if p.preview.impact != nil && p.preview.err == "" {
			return []key.Binding{relabelKey(k.Enter, "y/n", t.KeySave)}
		}
		return []key.Binding{k.Back}
	case p.editing:
		return []key.Binding{relabelKey(k.Enter, "", t.KeyDone), relabelKey(k.Back, "", p.s.T.Common.Cancel)}
	}
	out := []key.Binding{k.Explain}
	rows := p.rows()
	if p.row < len(rows) && rows[p.row].open != nil {
		out = append(out, relabelKey(k.Enter, "", t.Sig.KeyPreview))
	}
	if !p.mayEdit() || p.row >= len(rows) {
		return append(out, k.Down, k.Up)
	}
	switch rows[p.row].kind {
	case polAction, polChoice:
		out = append(out, relabelKey(k.Toggle, "", t.KeyCycle))
	case polText:
		out = append(out, relabelKey(k.Enter, "", t.KeyEdit))
	case polAdd:
		out = append(out, relabelKey(k.Enter, "", t.KeyAdd))
	case polEntry:
		out = append(out, relabelKey(k.Delete, "", t.KeyRemove), relabelKey(k.New, "", t.KeyAdd))
	case polRule:
		out = append(out, relabelKey(k.Delete, "", t.KeyRemove))
	}
	if p.changed() {
		out = append(out, relabelKey(k.Save, "", t.KeySave), relabelKey(k.Back, "", t.KeyUndo))
	}
	return append(out, k.Down, k.Up)
}

func (p *policiesPane) FullHelp() [][]key.Binding {
	k := p.s.Keys
	short := p.ShortHelp()
	if p.Capturing() || short == nil {
		return [][]key.Binding{short}
	}
	return [][]key.Binding{short, {k.PageDown, k.PageUp, k.Top, k.Bottom, k.Refresh}}
}
