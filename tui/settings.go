package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"postroom/model"
	"postroom/store"
)

// The Settings pane's sections, in the order tab visits them.
const (
	secEnterprise = iota
	secDomains
	secPolicy
	secLogin
	secAppearance
	secCount
)

// settingsPane is the Settings pane: the enterprise profile, the mail
// domains, the password policy and the login rules, which only holders of
// org.manage change (everyone else reads them), and the person's own
// language and borders. Each editable section is a column of rows: the
// person changes a draft and saves it whole with ctrl+s, so the model sees
// one change and its refusal shows next to the rows.
type settingsPane struct {
	s             *Session
	width, height int
	section       int

	data    *settingsData
	loading bool
	dirty   bool // the data changed while a load was in flight
	err     string

	secs [secCount]*rowSection // nil for the domains

	input   textinput.Model // the one field being typed into
	editing bool            // a row's value is being typed

	domRow    int
	domAdding bool
	domErr    string
	domRemove *domainRemoval
	domNote   string // where the last removal's backup went
	busy      bool   // a change is running
}

// settingsData is what the pane shows, read in one transaction.
type settingsData struct {
	enterprise  model.Enterprise
	domains     []settingsDomain
	policy      model.PasswordPolicy
	rules       model.LoginRules
	exemptDepts []string // the rules' exempt departments as paths
	prefs       model.Prefs
}

// settingsDomain is one mail domain with how many addresses it holds.
type settingsDomain struct {
	name      string
	primary   bool
	addresses int
	added     time.Time
}

// domainRemoval is a domain on its way out: first what goes, then the name
// typed again.
type domainRemoval struct {
	name     string
	contents *model.DomainContents // nil while counting
	err      string
}

// setRowKind says how a row is changed.
type setRowKind int

const (
	rowText   setRowKind = iota // typed
	rowNumber                   // typed, a whole number
	rowBool                     // toggled
	rowChoice                   // cycled through choices
)

// setRow is one setting in a section's draft.
type setRow struct {
	key, label, hint string
	kind             setRowKind
	text             string   // rowText and rowNumber
	on               bool     // rowBool
	yes, no          string   // how a rowBool reads
	choice           int      // rowChoice
	values, labels   []string // rowChoice
	err              string
}

// value is the row's value as shown.
func (r *setRow) value(none string) string {
	switch r.kind {
	case rowBool:
		if r.on {
			return r.yes
		}
		return r.no
	case rowChoice:
		return r.labels[r.choice]
	}
	if r.text == "" {
		return none
	}
	return r.text
}

// rowSection is an editable section: its rows, the selected one, and
// whether the draft differs from what is stored.
type rowSection struct {
	rows  []setRow
	row   int
	dirty bool
	err   string
}

func (sec *rowSection) find(key string) *setRow {
	for i := range sec.rows {
		if sec.rows[i].key == key {
			return &sec.rows[i]
		}
	}
	return nil
}

func (sec *rowSection) text(key string) string { return strings.TrimSpace(sec.find(key).text) }
func (sec *rowSection) on(key string) bool     { return sec.find(key).on }

func (sec *rowSection) clearErrors() {
	sec.err = ""
	for i := range sec.rows {
		sec.rows[i].err = ""
	}
}

// settingsLoadedMsg carries the settings as they are now.
type settingsLoadedMsg struct {
	data *settingsData
	err  error
}

// domainContentsMsg says what removing a domain would take away.
type domainContentsMsg struct {
	name     string
	contents model.DomainContents
	err      error
}

// domainRemovedMsg reports a removal: where the backup went, and the mail.
type domainRemovedMsg struct {
	name    string
	backup  string
	mail    string
	removed model.DomainContents
	err     error
}

// newSettingsPane builds the Settings pane for a session.
func newSettingsPane(s *Session) Pane {
	in := newInput("", 2000)
	return &settingsPane{s: s, input: in}
}

func (p *settingsPane) ID() string    { return "settings" }
func (p *settingsPane) Title() string { return p.s.T.Nav.Settings }

func (p *settingsPane) Init() tea.Cmd {
	p.loading = true
	return p.load()
}

func (p *settingsPane) load() tea.Cmd {
	s := p.s
	addr := s.Actor.Address
	return func() tea.Msg {
		d := &settingsData{}
		err := s.Store.Read(func(r *store.Reader) error {
			var err error
			if d.enterprise, err = r.Enterprise(); err != nil {
				return err
			}
			ds, err := r.Domains()
			if err != nil {
				return err
			}
			for _, dm := range ds {
				as, err := r.Addresses(dm.Name)
				if err != nil {
					return err
				}
				d.domains = append(d.domains, settingsDomain{name: dm.Name, primary: dm.Primary, addresses: len(as), added: dm.Added})
			}
			if d.policy, err = r.Policy(); err != nil {
				return err
			}
			if d.rules, err = r.LoginRules(); err != nil {
				return err
			}
			for _, id := range d.rules.ExemptDepts {
				d.exemptDepts = append(d.exemptDepts, r.DeptPath(id))
			}
			if m, err := r.Member(addr); err == nil {
				d.prefs = m.Prefs
			}
			return nil
		})
		return settingsLoadedMsg{data: d, err: err}
	}
}

// reload loads again, or marks the data dirty while a load is in flight.
func (p *settingsPane) reload() tea.Cmd {
	if p.loading {
		p.dirty = true
		return nil
	}
	p.loading = true
	return p.load()
}

// SetSize fits the pane and its field to its space.
func (p *settingsPane) SetSize(w, h int) {
	p.width, p.height = w, h
	p.input.SetWidth(max(8, w-p.labelWidth()-5))
}

// Capturing is true while a field has the keyboard.
func (p *settingsPane) Capturing() bool {
	return p.editing || p.domAdding || p.domRemove != nil
}

// mayChange reports whether the person may change a section: their own
// appearance always, the company's settings only with org.manage.
func (p *settingsPane) mayChange(section int) bool {
	return section == secAppearance || p.s.Can(model.RightOrgManage)
}

func (p *settingsPane) sectionNames() []string {
	t := p.s.T.Settings
	return []string{t.Enterprise, t.Domains, t.Policy, t.Login, t.Appearance}
}

// rebuild makes the sections' rows from the stored data, keeping drafts
// the person has not saved yet.
func (p *settingsPane) rebuild() {
	d := p.data
	build := [secCount]func() []setRow{
		secEnterprise: func() []setRow { return p.enterpriseRows(d.enterprise) },
		secPolicy:     func() []setRow { return p.policyRows(d.policy) },
		secLogin:      func() []setRow { return p.loginRows(d.rules, d.exemptDepts) },
		secAppearance: func() []setRow { return p.appearanceRows(d.prefs) },
	}
	for i, f := range build {
		if f == nil {
			continue
		}
		if p.secs[i] == nil {
			p.secs[i] = &rowSection{}
		}
		if sec := p.secs[i]; !sec.dirty {
			sec.rows = f()
			sec.row = min(sec.row, len(sec.rows)-1)
		}
	}
	p.domRow = min(p.domRow, max(0, len(d.domains)-1))
}

func (p *settingsPane) yesNo(r setRow) setRow {
	r.kind, r.yes, r.no = rowBool, p.s.T.Common.Yes, p.s.T.Common.No
	return r
}

func (p *settingsPane) enterpriseRows(e model.Enterprise) []setRow {
	t := p.s.T.Settings
	book := p.yesNo(setRow{key: "book", label: t.AddressBook, hint: t.AddressBookHint, on: e.AddressBookShared})
	return []setRow{
		{key: "name", label: t.Name, text: e.Name},
		{key: "address", label: t.Address, text: e.Address},
		{key: "contact", label: t.Contact, text: e.Contact},
		{key: "phone", label: t.Phone, text: e.Phone},
		{key: "description", label: t.Description, text: e.Description},
		book,
	}
}

func (p *settingsPane) policyRows(pol model.PasswordPolicy) []setRow {
	t := p.s.T.Settings
	choice := 2
	switch pol.Preset {
	case model.PresetNIST:
		choice = 0
	case model.PresetSeed:
		choice = 1
	}
	num := func(key, label, hint string, v int) setRow {
		return setRow{key: key, label: label, hint: hint, kind: rowNumber, text: strconv.Itoa(v)}
	}
	return []setRow{
		{key: "preset", label: t.Preset, hint: t.PresetHint, kind: rowChoice, choice: choice,
			values: []string{model.PresetNIST, model.PresetSeed, model.PresetCustom}, labels: []string{t.PresetNIST, t.PresetSeed, t.PresetCustom}},
		num("min", t.MinLength, "", pol.MinLength),
		p.yesNo(setRow{key: "letter", label: t.NeedLetter, on: pol.NeedLetter}),
		p.yesNo(setRow{key: "digit", label: t.NeedDigit, on: pol.NeedDigit}),
		p.yesNo(setRow{key: "case", label: t.NeedCase, on: pol.NeedUpperLower}),
		p.yesNo(setRow{key: "symbol", label: t.NeedSymbol, on: pol.NeedSymbol}),
		num("maxage", t.MaxAge, t.MaxAgeHint, int(pol.MaxAge/(24*time.Hour))),
		num("history", t.History, "", pol.History),
		p.yesNo(setRow{key: "blocklist", label: t.Blocklist, on: pol.Blocklist}),
		p.yesNo(setRow{key: "personal", label: t.Personal, on: pol.Personal}),
		num("lockafter", t.LockAfter, t.LockAfterHint, pol.LockAfter),
		num("lockfor", t.LockFor, t.LockForHint, int(pol.LockFor/time.Minute)),
	}
}

func (p *settingsPane) loginRows(rules model.LoginRules, depts []string) []setRow {
	t := p.s.T.Settings
	var members, sites []string
	for _, m := range rules.ExemptMembers {
		members = append(members, string(m))
	}
	for _, s := range rules.Sites {
		sites = append(sites, s.Name+"="+s.Net)
	}
	return []setRow{
		{key: "restrict", label: t.Restrict, kind: rowBool, on: rules.Restrict, yes: t.On, no: t.Off},
		{key: "allowed", label: t.Allowed, hint: t.AllowedHint, text: strings.Join(rules.Allowed, ", ")},
		{key: "members", label: t.ExemptMembers, hint: t.MembersHint, text: strings.Join(members, ", ")},
		{key: "depts", label: t.ExemptDepts, hint: t.DeptsHint, text: strings.Join(depts, "; ")},
		{key: "sites", label: t.Sites, hint: t.SitesHint, text: strings.Join(sites, ", ")},
	}
}

func (p *settingsPane) appearanceRows(prefs model.Prefs) []setRow {
	t := p.s.T.Settings
	lang := prefs.Lang
	if lang == "" {
		lang = p.s.T.Lang
	}
	choice := 0
	if lang == "en" {
		choice = 1
	}
	return []setRow{
		{key: "lang", label: t.Language, kind: rowChoice, choice: choice, values: []string{"zh-CN", "en"}, labels: []string{t.LangZH, t.LangEN}},
		p.yesNo(setRow{key: "ascii", label: t.ASCII, on: prefs.ASCII}),
	}
}

// Update takes loads and answers to changes, and keys.
func (p *settingsPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case settingsLoadedMsg:
		p.loading = false
		if msg.err != nil {
			p.err = p.s.ErrText(msg.err)
		} else {
			p.data, p.err = msg.data, ""
			p.rebuild()
		}
		if p.dirty {
			p.dirty = false
			p.loading = true
			return p, p.load()
		}
		return p, nil
	case storeChangedMsg:
		if msg.onlyLogins() {
			return p, nil // nothing here shows logins
		}
		return p, p.reload()
	case appliedMsg:
		if msg.pane != p.ID() {
			return p, nil
		}
		return p.applied(msg)
	case domainContentsMsg:
		if p.domRemove == nil || p.domRemove.name != msg.name {
			return p, nil
		}
		if msg.err != nil {
			p.domRemove = nil
			return p, flash(p.s.ErrText(msg.err), true)
		}
		p.domRemove.contents = &msg.contents
		return p, p.input.Focus()
	case domainRemovedMsg:
		return p.removed(msg)
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	// Pastes and the like go to the field being typed into.
	if p.Capturing() && !p.busy {
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		return p, cmd
	}
	return p, nil
}

// applied takes the answer to a change this pane asked for.
func (p *settingsPane) applied(msg appliedMsg) (Pane, tea.Cmd) {
	t := p.s.T.Settings
	p.busy = false
	switch msg.tag {
	case "enterprise", "policy", "login":
		sec := p.secs[map[string]int{"enterprise": secEnterprise, "policy": secPolicy, "login": secLogin}[msg.tag]]
		if msg.err != nil {
			sec.err = p.s.ErrText(msg.err)
			return p, nil
		}
		sec.dirty, sec.err = false, ""
		return p, tea.Batch(flash(t.Saved, false), p.reload())
	case "login-depts":
		p.secs[secLogin].find("depts").err = p.s.ErrText(msg.err)
		return p, nil
	case "domain-add":
		if msg.err != nil {
			p.domErr = p.s.ErrText(msg.err)
			return p, nil
		}
		name := ""
		if c, ok := msg.change.(*model.AddDomain); ok {
			name = c.Name
		}
		p.domAdding, p.domErr = false, ""
		p.input.Blur()
		return p, tea.Batch(flash(p.s.Sprintf(t.DomainAdded, name), false), p.reload())
	case "prefs":
		if msg.err != nil {
			// Show what is stored again, not the refused toggle.
			p.secs[secAppearance].rows = p.appearanceRows(p.data.prefs)
			return p, flash(p.s.ErrText(msg.err), true)
		}
		return p, tea.Batch(flash(t.AppearanceSaved, false), p.reload())
	}
	return p, nil
}

// removed takes the answer to a domain removal.
func (p *settingsPane) removed(msg domainRemovedMsg) (Pane, tea.Cmd) {
	t := p.s.T.Settings
	p.busy = false
	if msg.err != nil {
		if p.domRemove != nil {
			p.domRemove.err = p.s.ErrText(msg.err)
			return p, nil
		}
		return p, flash(p.s.ErrText(msg.err), true)
	}
	p.domRemove = nil
	p.input.Blur()
	p.domNote = p.s.Sprintf(t.DomainRemoved, msg.name, msg.backup)
	if msg.mail != "" {
		p.domNote += "\n" + p.s.Sprintf(t.MailMoved, msg.mail)
	}
	return p, tea.Batch(flash(p.s.Sprintf(t.DomainRemoved, msg.name, msg.backup), false), p.reload())
}

// key handles a key press in whatever state the pane is in.
func (p *settingsPane) key(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	if p.busy {
		return p, nil
	}
	switch {
	case p.editing:
		return p, p.editKey(msg)
	case p.domAdding:
		switch msg.Code {
		case tea.KeyEscape:
			p.domAdding, p.domErr = false, ""
			p.input.Blur()
			return p, nil
		case tea.KeyEnter:
			name := strings.TrimSpace(p.input.Value())
			if _, err := model.ParseDomain(name); err != nil {
				p.domErr = p.s.ErrText(err)
				return p, nil
			}
			p.busy, p.domErr = true, ""
			return p, p.s.apply(p.ID(), "domain-add", &model.AddDomain{Name: name})
		}
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		return p, cmd
	case p.domRemove != nil:
		switch msg.Code {
		case tea.KeyEscape:
			p.domRemove = nil
			p.input.Blur()
			return p, nil
		case tea.KeyEnter:
			r := p.domRemove
			if r.contents == nil {
				return p, nil
			}
			if strings.ToLower(strings.TrimSpace(p.input.Value())) != r.name {
				r.err = p.s.T.Settings.Mismatch
				return p, nil
			}
			p.busy, r.err = true, ""
			return p, p.removeDomain(r.name)
		}
		if p.domRemove.contents == nil {
			return p, nil
		}
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		return p, cmd
	}
	switch {
	case key.Matches(msg, k.Tab):
		p.section = (p.section + 1) % secCount
		return p, nil
	case key.Matches(msg, k.ShiftTab):
		p.section = (p.section + secCount - 1) % secCount
		return p, nil
	case key.Matches(msg, k.Refresh):
		return p, p.reload()
	}
	if p.data == nil || !p.mayChange(p.section) {
		return p, nil
	}
	if p.section == secDomains {
		return p, p.domainKey(msg)
	}
	return p, p.rowKey(msg)
}

// domainKey handles the domain list's keys.
func (p *settingsPane) domainKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.s.Keys
	n := len(p.data.domains)
	switch {
	case key.Matches(msg, k.Down):
		p.domRow = min(max(0, n-1), p.domRow+1)
	case key.Matches(msg, k.Up):
		p.domRow = max(0, p.domRow-1)
	case key.Matches(msg, k.New):
		p.domAdding, p.domErr = true, ""
		p.input.Prompt = "> "
		p.input.SetValue("")
		return p.input.Focus()
	case key.Matches(msg, k.Delete) && p.domRow < n:
		name := p.data.domains[p.domRow].name
		p.domRemove = &domainRemoval{name: name}
		p.input.Prompt = "> "
		p.input.SetValue("")
		return p.domainContents(name)
	}
	return nil
}

// domainContents reads what removing a domain would take away.
func (p *settingsPane) domainContents(name string) tea.Cmd {
	s := p.s
	return func() tea.Msg {
		msg := domainContentsMsg{name: name}
		msg.err = s.Store.Read(func(r *store.Reader) error {
			var err error
			msg.contents, err = model.ContentsOf(r, r, name)
			return err
		})
		return msg
	}
}

// removeDomain removes a domain the way the CLI does: a dry run first (so
// nothing is backed up for a removal the store refuses), then a backup into
// the data directory's backups folder, then the removal; the domain's mail
// is moved aside next to the backup.
func (p *settingsPane) removeDomain(name string) tea.Cmd {
	s := p.s
	actor := s.Actor
	return func() tea.Msg {
		msg := domainRemovedMsg{name: name}
		dry := &model.RemoveDomain{Name: name, Confirm: name}
		failed, err := s.Store.ApplyAll(actor, []model.Change{dry}, store.ApplyOptions{DryRun: true})
		if err == nil && len(failed) > 0 {
			err = failed[0].Err
		}
		if err != nil {
			msg.err = err
			return msg
		}
		dataDir := filepath.Dir(s.Store.Path())
		dir := filepath.Join(dataDir, "backups")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			msg.err = fmt.Errorf("backup before removing %s: %w", name, err)
			return msg
		}
		msg.backup = filepath.Join(dir, fmt.Sprintf("%s-domain-rm-%s.db", s.Store.Now().UTC().Format("20060102T150405Z"), name))
		if _, err := s.Store.BackupFile(msg.backup); err != nil {
			msg.err = err
			return msg
		}
		ch := &model.RemoveDomain{Name: name, Confirm: name}
		if err := s.Store.Apply(actor, ch); err != nil {
			msg.err = err
			return msg
		}
		msg.removed = ch.Removed
		mail := filepath.Join(dataDir, "mail", name)
		if _, err := os.Stat(mail); err == nil {
			kept := strings.TrimSuffix(msg.backup, ".db") + "-mail"
			if err := os.Rename(mail, kept); err != nil {
				msg.err = fmt.Errorf("the domain is removed, but its mail could not be moved aside: %w", err)
				return msg
			}
			msg.mail = kept
		}
		return msg
	}
}

// rowKey handles an editable section's keys.
func (p *settingsPane) rowKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.s.Keys
	sec := p.secs[p.section]
	if sec == nil || len(sec.rows) == 0 {
		return nil
	}
	r := &sec.rows[sec.row]
	switch {
	case key.Matches(msg, k.Down):
		sec.row = min(len(sec.rows)-1, sec.row+1)
	case key.Matches(msg, k.Up):
		sec.row = max(0, sec.row-1)
	case key.Matches(msg, k.Save) && sec.dirty:
		return p.save()
	case key.Matches(msg, k.Back) && sec.dirty:
		sec.dirty = false
		sec.clearErrors()
		p.rebuild()
	case key.Matches(msg, k.Enter) && (r.kind == rowText || r.kind == rowNumber):
		p.editing = true
		p.input.Prompt = ""
		p.input.SetValue(r.text)
		p.input.CursorEnd()
		p.input.SetWidth(max(8, p.width-p.labelWidth()-5))
		return p.input.Focus()
	case key.Matches(msg, k.Toggle, k.Enter) && (r.kind == rowBool || r.kind == rowChoice):
		return p.toggle(sec, r)
	}
	return nil
}

// toggle flips a yes/no row or moves a choice on. The appearance applies at
// once; elsewhere the draft changes.
func (p *settingsPane) toggle(sec *rowSection, r *setRow) tea.Cmd {
	if r.kind == rowBool {
		r.on = !r.on
	} else {
		r.choice = (r.choice + 1) % len(r.values)
	}
	r.err = ""
	if p.section == secAppearance {
		prefs := p.data.prefs
		prefs.Lang = sec.find("lang").values[sec.find("lang").choice]
		prefs.ASCII = sec.on("ascii")
		p.busy = true
		return p.s.apply(p.ID(), "prefs", &model.SetPrefs{Address: p.s.Actor.Address, Prefs: prefs})
	}
	if p.section == secPolicy {
		if r.key == "preset" {
			p.applyPreset(sec, r.values[r.choice])
		} else {
			sec.find("preset").choice = 2
		}
	}
	sec.dirty = true
	return nil
}

// applyPreset fills the policy's rows with a preset's rules.
func (p *settingsPane) applyPreset(sec *rowSection, name string) {
	pol, err := model.PolicyPreset(name)
	if err != nil {
		sec.err = p.s.ErrText(err)
		return
	}
	row := sec.row
	sec.rows = p.policyRows(pol)
	sec.row = row
}

// editKey types into a row's value: enter keeps it, esc drops it.
func (p *settingsPane) editKey(msg tea.KeyPressMsg) tea.Cmd {
	sec := p.secs[p.section]
	r := &sec.rows[sec.row]
	switch msg.Code {
	case tea.KeyEscape:
		p.editing = false
		p.input.Blur()
		return nil
	case tea.KeyEnter:
		v := strings.TrimSpace(p.input.Value())
		p.editing = false
		p.input.Blur()
		if v == r.text {
			return nil
		}
		r.text, r.err = v, ""
		if r.kind == rowNumber {
			if _, err := strconv.Atoi(v); err != nil {
				r.err = p.s.Sprintf(p.s.T.Settings.WholeNum, r.label)
			}
		}
		if p.section == secPolicy {
			sec.find("preset").choice = 2
		}
		sec.dirty = true
		return nil
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd
}

// save checks the section's draft the way the model will, so mistakes show
// next to their row, and sends it as one change.
func (p *settingsPane) save() tea.Cmd {
	sec := p.secs[p.section]
	sec.clearErrors()
	switch p.section {
	case secEnterprise:
		return p.saveEnterprise(sec)
	case secPolicy:
		return p.savePolicy(sec)
	case secLogin:
		return p.saveLogin(sec)
	}
	return nil
}

func (p *settingsPane) saveEnterprise(sec *rowSection) tea.Cmd {
	name := sec.text("name")
	if _, err := model.CleanName("enterprise name", name, 128); err != nil {
		sec.find("name").err = p.s.ErrText(err)
		return nil
	}
	addr, contact, phone, desc := sec.text("address"), sec.text("contact"), sec.text("phone"), sec.text("description")
	book := sec.on("book")
	p.busy = true
	return p.s.apply(p.ID(), "enterprise", &model.SetEnterprise{Name: &name, Address: &addr, Contact: &contact, Phone: &phone,
		Description: &desc, AddressBookShared: &book})
}

func (p *settingsPane) savePolicy(sec *rowSection) tea.Cmd {
	pol := p.data.policy
	preset := sec.find("preset")
	pol.Preset = preset.values[preset.choice]
	if pol.Preset != model.PresetCustom {
		// A preset is its rules exactly, the maximum length included.
		pol, _ = model.PolicyPreset(pol.Preset)
	}
	nums := map[string]int{}
	bad := false
	for _, k := range []string{"min", "maxage", "history", "lockafter", "lockfor"} {
		r := sec.find(k)
		n, err := strconv.Atoi(strings.TrimSpace(r.text))
		if err != nil {
			r.err = p.s.Sprintf(p.s.T.Settings.WholeNum, r.label)
			bad = true
		}
		nums[k] = n
	}
	if bad {
		return nil
	}
	pol.MinLength = nums["min"]
	pol.MaxAge = time.Duration(nums["maxage"]) * 24 * time.Hour
	pol.History = nums["history"]
	pol.LockAfter = nums["lockafter"]
	pol.LockFor = time.Duration(nums["lockfor"]) * time.Minute
	pol.NeedLetter, pol.NeedDigit = sec.on("letter"), sec.on("digit")
	pol.NeedUpperLower, pol.NeedSymbol = sec.on("case"), sec.on("symbol")
	pol.Blocklist, pol.Personal = sec.on("blocklist"), sec.on("personal")
	if err := pol.Validate(); err != nil {
		sec.err = p.s.ErrText(err)
		return nil
	}
	p.busy = true
	return p.s.apply(p.ID(), "policy", &model.SetPasswordPolicy{Policy: pol})
}

// splitTyped splits a typed list at commas (either width) and line breaks.
func splitTyped(s string, seps string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) || r == '\n' }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func (p *settingsPane) saveLogin(sec *rowSection) tea.Cmd {
	t := p.s.T.Settings
	rules := model.LoginRules{Restrict: sec.on("restrict")}
	for _, n := range splitTyped(sec.text("allowed"), ",，") {
		if _, err := model.ParseNet(n); err != nil && sec.find("allowed").err == "" {
			sec.find("allowed").err = p.s.ErrText(err)
		}
		rules.Allowed = append(rules.Allowed, n)
	}
	for _, m := range splitTyped(sec.text("members"), ",，") {
		a, err := model.ParseAddress(m)
		if err != nil && sec.find("members").err == "" {
			sec.find("members").err = p.s.ErrText(err)
		}
		rules.ExemptMembers = append(rules.ExemptMembers, a)
	}
	for _, site := range splitTyped(sec.text("sites"), ",，") {
		name, nt, ok := strings.Cut(site, "=")
		sr := sec.find("sites")
		switch {
		case !ok:
			if sr.err == "" {
				sr.err = p.s.Sprintf(t.SiteFormat, site)
			}
			continue
		case sr.err != "":
		default:
			if _, err := model.CleanName("site name", name, 64); err != nil {
				sr.err = p.s.ErrText(err)
			} else if _, err := model.ParseNet(nt); err != nil {
				sr.err = p.s.ErrText(err)
			}
		}
		rules.Sites = append(rules.Sites, model.Site{Name: strings.TrimSpace(name), Net: strings.TrimSpace(nt)})
	}
	for _, r := range sec.rows {
		if r.err != "" {
			return nil
		}
	}
	if err := rules.Validate(); err != nil {
		sec.find("allowed").err = p.s.ErrText(err)
		return nil
	}
	paths := splitTyped(sec.text("depts"), ";；")
	s := p.s
	actor := s.Actor
	p.busy = true
	return func() tea.Msg {
		// Department paths become ids as they are now, then the rules go
		// through the write path as one change.
		err := s.Store.Read(func(r *store.Reader) error {
			for _, path := range paths {
				d, err := r.DeptByPath(path)
				if err != nil {
					return err
				}
				rules.ExemptDepts = append(rules.ExemptDepts, d.ID)
			}
			return nil
		})
		if err != nil {
			return appliedMsg{pane: "settings", tag: "login-depts", err: err}
		}
		ch := &model.SetLoginRules{Rules: rules}
		return appliedMsg{pane: "settings", tag: "login", err: s.Store.Apply(actor, ch), change: ch}
	}
}

// labelWidth is the width of the current section's label column.
func (p *settingsPane) labelWidth() int {
	w := 0
	if sec := p.secs[p.section]; sec != nil {
		for _, r := range sec.rows {
			w = max(w, lipgloss.Width(r.label))
		}
	}
	return w + 2
}

func (p *settingsPane) tabs() string {
	return fitTabs(p.s.Styles, p.sectionNames(), p.section, max(10, p.width-1))
}

// View draws the section tabs and the current section.
func (p *settingsPane) View() string {
	lines, _, _ := p.render()
	return strings.Join(lines, "\n")
}

// render draws the pane and says where the field being typed into stands
// (line and column), or -1.
func (p *settingsPane) render() ([]string, int, int) {
	st := p.s.Styles
	out := []string{st.Title.Render(p.s.T.Settings.Title), p.tabs(), ""}
	switch {
	case p.err != "":
		return append(out, st.Error.Render(p.err)), -1, 0
	case p.data == nil:
		return append(out, st.Subtle.Render(p.s.T.Common.Loading)), -1, 0
	}
	var body []string
	line, col := -1, 0
	if p.section == secDomains {
		body, line = p.domainLines()
	} else {
		body, line, col = p.rowLines()
	}
	if line >= 0 {
		line += len(out)
	}
	return append(out, body...), line, col
}

// rowLines draws an editable section.
func (p *settingsPane) rowLines() ([]string, int, int) {
	st := p.s.Styles
	t := p.s.T.Settings
	sec := p.secs[p.section]
	may := p.mayChange(p.section)
	lw := p.labelWidth()
	vw := max(10, p.width-lw-3)
	var out []string
	line := -1
	for i := range sec.rows {
		r := &sec.rows[i]
		selected := may && i == sec.row
		label := padRight(r.label, lw)
		val := truncate(r.value(p.s.T.Common.None), vw)
		switch {
		case selected && p.editing:
			line = len(out)
			out = append(out, st.Cursor.Render(st.Bullet)+" "+st.Cursor.Render(label)+p.input.View())
		case selected:
			out = append(out, st.Selected.Render(st.Bullet+" "+label+val))
		default:
			out = append(out, "  "+st.Label.Render(label)+val)
		}
		switch {
		case r.err != "":
			for _, l := range wrapStyled(st.Error, r.err, vw) {
				out = append(out, strings.Repeat(" ", lw+2)+l)
			}
		case selected && r.hint != "":
			for _, l := range wrapStyled(st.Subtle, r.hint, vw) {
				out = append(out, strings.Repeat(" ", lw+2)+l)
			}
		}
	}
	out = append(out, "")
	if sec.err != "" {
		out = append(out, wrapStyled(st.Error, sec.err, p.width-1)...)
	}
	switch {
	case !may:
		out = append(out, st.Subtle.Render(truncate(t.ReadOnly, p.width-1)))
	case sec.dirty:
		out = append(out, st.Warn.Render(truncate(t.Unsaved, p.width-1)))
	case p.section == secAppearance:
		out = append(out, wrapStyled(st.Subtle, t.AppearanceNote, p.width-1)...)
	}
	return out, line, lw + 2
}

// domainLines draws the domains with, below them, the box to add one, the
// removal in progress, or where the last removal's backup went.
func (p *settingsPane) domainLines() ([]string, int) {
	st := p.s.Styles
	t := p.s.T.Settings
	may := p.mayChange(secDomains)
	w := max(20, p.width-1)
	nameW := lipgloss.Width(t.ColDomain)
	for _, d := range p.data.domains {
		nameW = max(nameW, lipgloss.Width(d.name))
	}
	nameW = min(nameW, 40)
	primW, addrW := lipgloss.Width(t.ColPrimary), lipgloss.Width(t.ColAddresses)
	row := func(name, prim, addrs, added string) string {
		return padRight(truncate(name, nameW), nameW) + "  " + padRight(prim, primW) + "  " +
			strings.Repeat(" ", max(0, addrW-lipgloss.Width(addrs))) + addrs + "  " + added
	}
	out := []string{"  " + st.TableHead.Render(row(t.ColDomain, t.ColPrimary, t.ColAddresses, t.ColAdded))}
	if len(p.data.domains) == 0 {
		out = append(out, "  "+st.Subtle.Render(t.NoDomains))
	}
	for i, d := range p.data.domains {
		prim := ""
		if d.primary {
			prim = p.s.T.Common.Yes
		}
		l := row(d.name, prim, strconv.Itoa(d.addresses), d.added.Local().Format("2006-01-02"))
		if may && i == p.domRow {
			out = append(out, st.Selected.Render(st.Bullet+" "+l))
		} else {
			out = append(out, "  "+l)
		}
	}
	out = append(out, "")
	line := -1
	switch {
	case p.domAdding:
		out = append(out, st.Title.Render(t.AddDomain))
		line = len(out)
		out = append(out, p.input.View())
		if p.domErr != "" {
			out = append(out, wrapStyled(st.Error, p.domErr, w)...)
		}
	case p.domRemove != nil:
		r := p.domRemove
		if r.contents == nil {
			out = append(out, st.Subtle.Render(t.Counting))
			break
		}
		c := r.contents
		out = append(out, wrapStyled(st.Warn, p.s.Sprintf(t.WillRemove, r.name, len(c.Members), len(c.Aliases), len(c.Groups), len(c.Shared), len(c.Depts)), w)...)
		out = append(out, wrapStyled(lipgloss.NewStyle(), p.s.Sprintf(t.TypeToConfirm, r.name), w)...)
		line = len(out)
		out = append(out, p.input.View())
		if r.err != "" {
			out = append(out, wrapStyled(st.Error, r.err, w)...)
		}
		if p.busy {
			out = append(out, st.Subtle.Render(p.s.T.Common.Loading))
		}
	case !may:
		out = append(out, st.Subtle.Render(truncate(t.ReadOnly, w)))
	case p.domNote != "":
		for _, l := range strings.Split(p.domNote, "\n") {
			out = append(out, wrapStyled(st.OK, l, w)...)
		}
	}
	return out, line
}

// Cursor puts the terminal's cursor in the field being typed into.
func (p *settingsPane) Cursor() *tea.Cursor {
	if !p.Capturing() {
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

// ShortHelp lists the keys that work now.
func (p *settingsPane) ShortHelp() []key.Binding {
	k := p.s.Keys
	t := p.s.T.Settings
	switch {
	case p.editing:
		return []key.Binding{relabelKey(k.Enter, "", t.KeyDone), relabelKey(k.Back, "", p.s.T.Common.Cancel)}
	case p.domAdding:
		return []key.Binding{relabelKey(k.Enter, "", t.KeyAddDomain), relabelKey(k.Back, "", p.s.T.Common.Cancel)}
	case p.domRemove != nil:
		if p.domRemove.contents == nil {
			return []key.Binding{relabelKey(k.Back, "", p.s.T.Common.Cancel)}
		}
		return []key.Binding{relabelKey(k.Enter, "", t.KeyRemoveDomain), relabelKey(k.Back, "", p.s.T.Common.Cancel)}
	}
	out := []key.Binding{relabelKey(k.Tab, "", t.KeyTab)}
	if p.data == nil || !p.mayChange(p.section) {
		return out
	}
	if p.section == secDomains {
		out = append(out, relabelKey(k.New, "", t.KeyAddDomain))
		if len(p.data.domains) > 0 {
			out = append(out, relabelKey(k.Delete, "", t.KeyRemoveDomain))
		}
		return out
	}
	sec := p.secs[p.section]
	if sec == nil || len(sec.rows) == 0 {
		return out
	}
	switch sec.rows[sec.row].kind {
	case rowText, rowNumber:
		out = append(out, relabelKey(k.Enter, "", t.KeyEdit))
	default:
		out = append(out, relabelKey(k.Toggle, "", t.KeyToggle))
	}
	if sec.dirty {
		out = append(out, k.Save, relabelKey(k.Back, "", t.KeyUndo))
	}
	return out
}

// FullHelp adds the movement keys.
func (p *settingsPane) FullHelp() [][]key.Binding {
	k := p.s.Keys
	short := p.ShortHelp()
	if p.Capturing() {
		return [][]key.Binding{short}
	}
	return [][]key.Binding{short, {k.ShiftTab, k.Up, k.Down, k.Refresh}}
}
