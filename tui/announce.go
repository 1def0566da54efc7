package tui

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// announcePane is announcements for those who publish them (ANN-1, ANN-2):
// the list of what they may recall (live or recalled, mail copies queued,
// what the recall found), a composer (title, text with a live character
// count against the limit, all staff or departments picked from the tree),
// a preview before publishing, and a recall asked for with y and answered
// with the counts measured in the mailboxes. Admins get it, and
// sub-admins holding the announcements right; the model refuses anything
// beyond their scope anyway.
type announcePane struct {
	s             *Session
	t             assets.AnnounceText
	width, height int

	newKey, recallKey, pickKey, clearKey, yesKey key.Binding

	rows    []cmd.AnnouncementJSON
	loaded  bool
	loading bool
	dirty   bool
	err     string
	status  string // what the last publish or recall did
	queue   bool   // the mail queue is open here

	cursor, top int
	mode        annMode
	detailTop   int
	confirm     uint64 // the announcement a recall waits a y for
	busy        bool

	// The composer.
	title   textinput.Model
	body    textarea.Model
	targets []string // department paths; none: all staff
	focus   int      // 0 title, 1 text, 2 targets
	formErr string
	paths   []string // the departments the person may announce to
	root    string   // the enterprise's name
	picker  *orgPicker
}

type annMode int

const (
	annList annMode = iota
	annDetail
	annCompose
	annPreview
)

type annLoadedMsg struct {
	pane   *announcePane
	rows   []cmd.AnnouncementJSON
	paths  []string
	root   string
	queue  bool
	err    error
	reload bool
}

type annPublishedMsg struct {
	pane *announcePane
	id   uint64
	err  error
}

type annRecalledMsg struct {
	pane   *announcePane
	id     uint64
	counts model.RecallCounts
	err    error
}

func newAnnouncePane(s *Session) *announcePane {
	t := assets.AnnounceCatalog(s.T.Lang)
	b := func(k, help string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, help)) }
	p := &announcePane{s: s, t: t, newKey: b("n", t.KeyNew), recallKey: b("r", t.KeyRecall), pickKey: b("a", t.KeyPick),
		clearKey: b("c", t.KeyClear), yesKey: b("y", t.KeyYes)}
	p.title = newInput("", model.MaxAnnouncementTitle)
	p.body = textarea.New()
	p.body.ShowLineNumbers = false
	p.body.Prompt = ""
	p.body.CharLimit = 0
	p.body.MaxHeight = 0
	p.body.SetVirtualCursor(false)
	return p
}

// announces reports whether the session may publish announcements
// anywhere: admins, and sub-admins with the announcements right.
func announces(s *Session) bool { return model.HoldsAnywhere(s.Actor, model.RightAnnounce) }

func (p *announcePane) ID() string    { return "announce" }
func (p *announcePane) Title() string { return p.t.Nav }
func (p *announcePane) Init() tea.Cmd { return p.reload() }

// Capturing: the composer and the picker take every key.
func (p *announcePane) Capturing() bool { return p.mode == annCompose || p.picker != nil }

func (p *announcePane) SetSize(w, h int) {
	p.width, p.height = w, h
	p.layout()
	if p.picker != nil {
		p.picker.SetSize(w, h)
	}
	p.clamp()
}

// labelWidth is the width of the composer's labels.
func (p *announcePane) labelWidth() int {
	return max(lipgloss.Width(p.t.FieldTitle), lipgloss.Width(p.t.FieldBody), lipgloss.Width(p.t.FieldTo)) + 2
}

// bodyRows is how many lines the text area gets: what the frame leaves.
func (p *announcePane) bodyRows() int { return max(3, min(20, p.height-9)) }

func (p *announcePane) layout() {
	// A cell of margin: inputs may draw one past their width with Chinese.
	p.title.SetWidth(max(8, p.width-p.labelWidth()-3))
	p.body.SetWidth(max(10, p.width-3))
	p.body.SetHeight(p.bodyRows())
}

func (p *announcePane) reload() tea.Cmd {
	if p.loading {
		p.dirty = true
		return nil
	}
	p.loading = true
	return p.load()
}

func (p *announcePane) load() tea.Cmd {
	st, sp, actor := p.s.Store, p.s.Spool, p.s.Actor
	return func() tea.Msg {
		msg := annLoadedMsg{pane: p, queue: sp != nil}
		var anns []*model.Announcement
		msg.err = st.Read(func(r *store.Reader) error {
			var err error
			if anns, err = cmd.VisibleAnnouncements(r, actor); err != nil {
				return err
			}
			e, _ := r.Enterprise()
			msg.root = e.Name
			depts, err := r.Depts()
			if err != nil {
				return err
			}
			if model.Can(actor, model.RightAnnounce, nil, r) {
				msg.paths = append(msg.paths, "/")
			}
			for _, d := range depts {
				if d.ID != model.RootDept && model.Can(actor, model.RightAnnounce, model.Scope{d.ID}, r) {
					msg.paths = append(msg.paths, d.Path)
				}
			}
			for _, a := range anns {
				copies := -1
				if sp != nil {
					if copies, err = cmd.AnnouncementCopies(sp, a.ID); err != nil {
						return err
					}
				}
				msg.rows = append(msg.rows, cmd.ToAnnouncementJSON(r, a, copies))
			}
			return nil
		})
		return msg
	}
}

// announceEvents reports whether a change touches announcements.
func announceEvents(m storeChangedMsg) bool {
	return slices.ContainsFunc(m.events, func(e store.Event) bool { return e.Kind == "announce" })
}

func (p *announcePane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case annLoadedMsg:
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
		if p.cursor < len(p.rows) {
			sel = p.rows[p.cursor].ID
		}
		p.rows, p.paths, p.root, p.queue, p.loaded, p.err = msg.rows, msg.paths, msg.root, msg.queue, true, ""
		for i, r := range p.rows {
			if r.ID == sel {
				p.cursor = i
			}
		}
		p.clamp()
		return p, nil
	case annPublishedMsg:
		if msg.pane != p {
			return p, nil
		}
		p.busy = false
		if msg.err != nil {
			p.mode, p.formErr = annCompose, p.s.ErrText(msg.err)
			return p, p.focusOn(p.focus)
		}
		p.mode, p.status, p.cursor, p.top = annList, p.s.Sprintf(p.t.Published, msg.id), 0, 0
		p.resetComposer()
		return p, p.reload()
	case annRecalledMsg:
		if msg.pane != p {
			return p, nil
		}
		p.busy = false
		p.status = p.s.Sprintf(p.t.RecallDone, msg.id, msg.counts.Recalled, msg.counts.Fetched)
		if msg.counts.Cancelled > 0 {
			p.status += "; " + p.s.Sprintf(p.t.RecallCancelled, msg.counts.Cancelled)
		}
		if msg.err != nil {
			p.status = p.s.ErrText(msg.err)
		}
		return p, p.reload()
	case storeChangedMsg:
		if announceEvents(msg) {
			return p, p.reload()
		}
		return p, nil
	case tea.KeyPressMsg:
		switch {
		case p.picker != nil:
			return p.pickerKey(msg)
		case p.confirm != 0:
			return p.confirmKey(msg)
		}
		switch p.mode {
		case annCompose:
			return p.composeKey(msg)
		case annPreview:
			return p.previewKey(msg)
		case annDetail:
			return p.detailKey(msg)
		}
		return p.listKey(msg)
	}
	if p.mode == annCompose && p.picker == nil {
		return p, p.updateField(msg)
	}
	return p, nil
}

func (p *announcePane) listKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	n := len(p.rows)
	page := max(1, p.listRows())
	switch {
	case key.Matches(msg, k.Refresh):
		return p, p.reload()
	case key.Matches(msg, p.newKey):
		p.mode, p.status = annCompose, ""
		return p, p.focusOn(0)
	case key.Matches(msg, k.Enter) && n > 0:
		p.mode, p.detailTop = annDetail, 0
		return p, nil
	case key.Matches(msg, p.recallKey) && n > 0 && p.rows[p.cursor].Status == "live" && !p.busy:
		p.confirm = p.rows[p.cursor].ID
		return p, nil
	case cursorKey(k, msg, &p.cursor, &p.top, n, page):
	}
	p.clamp()
	return p, nil
}

func (p *announcePane) confirmKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	id := p.confirm
	p.confirm = 0
	if !key.Matches(msg, p.yesKey) {
		return p, nil
	}
	p.busy, p.status = true, p.t.Recalling
	st, actor, sp, recall := p.s.Store, p.s.Actor, p.s.Spool, p.s.Recall
	return p, func() tea.Msg {
		counts, err := cmd.RecallAnnouncement(st, actor, sp, recall, id)
		return annRecalledMsg{pane: p, id: id, counts: counts, err: err}
	}
}

func (p *announcePane) detailKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Enter):
		p.mode = annList
		return p, nil
	case key.Matches(msg, p.recallKey) && p.cursor < len(p.rows) && p.rows[p.cursor].Status == "live" && !p.busy:
		p.mode, p.confirm = annList, p.rows[p.cursor].ID
		return p, nil
	}
	lines := len(p.detailLines())
	if top, ok := scrollKey(k, msg, p.detailTop, lines, p.detailRows()); ok {
		p.detailTop = top
	}
	p.detailTop = clampTop(p.detailTop, lines, p.detailRows())
	return p, nil
}

// focusOn moves the composer's focus to field i.
func (p *announcePane) focusOn(i int) tea.Cmd {
	p.focus = (i + 3) % 3
	p.title.Blur()
	p.body.Blur()
	switch p.focus {
	case 0:
		return p.title.Focus()
	case 1:
		return p.body.Focus()
	}
	return nil
}

func (p *announcePane) resetComposer() {
	p.title.SetValue("")
	p.body.Reset()
	p.targets, p.formErr, p.focus = nil, "", 0
}

func (p *announcePane) composeKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	switch {
	case key.Matches(msg, k.Back):
		p.mode = annList
		p.title.Blur()
		p.body.Blur()
		return p, nil
	case key.Matches(msg, k.Save):
		return p, p.toPreview()
	case msg.String() == "tab":
		return p, p.focusOn(p.focus + 1)
	case msg.String() == "shift+tab":
		return p, p.focusOn(p.focus - 1)
	case msg.String() == "enter" && p.focus == 0:
		return p, p.focusOn(1)
	}
	if p.focus == 2 {
		switch {
		case key.Matches(msg, p.pickKey), msg.String() == "enter":
			paths := slices.DeleteFunc(slices.Clone(p.paths), func(s string) bool { return slices.Contains(p.targets, s) })
			p.picker = newOrgPicker(p.s, p.t.PickTitle, paths, p.root)
			p.picker.SetSize(p.width, p.height)
			p.picker.Focus()
		case key.Matches(msg, p.clearKey):
			p.targets = nil
		case msg.String() == "backspace" && len(p.targets) > 0:
			p.targets = p.targets[:len(p.targets)-1]
		}
		return p, nil
	}
	return p, p.updateField(msg)
}

// updateField gives a message to the focused input.
func (p *announcePane) updateField(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch p.focus {
	case 0:
		p.title, cmd = p.title.Update(msg)
	case 1:
		p.body, cmd = p.body.Update(msg)
	}
	return cmd
}

func (p *announcePane) pickerKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	res, path, cmd := p.picker.Update(msg)
	switch res {
	case orgPickChosen:
		if path == "/" {
			p.targets = nil // the root is all staff
		} else if !slices.Contains(p.targets, path) {
			p.targets = append(p.targets, path)
		}
		p.picker = nil
	case orgPickCancelled:
		p.picker = nil
	}
	return p, cmd
}

// toPreview checks the text as the model will and shows the preview.
func (p *announcePane) toPreview() tea.Cmd {
	p.formErr = ""
	if strings.TrimSpace(p.title.Value()) == "" {
		p.formErr = p.t.NoTitle
		return p.focusOn(0)
	}
	if strings.TrimSpace(p.body.Value()) == "" {
		p.formErr = p.t.NoBody
		return p.focusOn(1)
	}
	if _, _, err := model.CleanAnnouncement(p.title.Value(), p.body.Value()); err != nil {
		p.formErr = p.s.ErrText(err)
		return nil
	}
	p.mode, p.detailTop = annPreview, 0
	p.title.Blur()
	p.body.Blur()
	return nil
}

func (p *announcePane) previewKey(msg tea.KeyPressMsg) (Pane, tea.Cmd) {
	k := p.s.Keys
	switch {
	case key.Matches(msg, k.Back):
		p.mode = annCompose
		return p, p.focusOn(p.focus)
	case key.Matches(msg, k.Enter) && !p.busy:
		p.busy = true
		ch := &model.PublishAnnouncement{Title: p.title.Value(), Body: p.body.Value(), Depts: slices.Clone(p.targets)}
		st, actor := p.s.Store, p.s.Actor
		return p, func() tea.Msg {
			err := st.Apply(actor, ch)
			return annPublishedMsg{pane: p, id: ch.ID, err: err}
		}
	}
	lines := len(p.previewLines())
	if top, ok := scrollKey(k, msg, p.detailTop, lines, p.detailRows()); ok {
		p.detailTop = top
	}
	p.detailTop = clampTop(p.detailTop, lines, p.detailRows())
	return p, nil
}

func (p *announcePane) clamp() {
	p.cursor, p.top = inSight(p.cursor, p.top, len(p.rows), max(1, p.listRows()))
}

// listRows is how many announcements fit under the title, the status,
// the table header and the question.
func (p *announcePane) listRows() int { return p.height - 4 }

func (p *announcePane) detailRows() int { return max(1, p.height-4) }

// toText names an announcement's targets.
func (p *announcePane) toText(depts []string) string {
	if len(depts) == 0 {
		return p.t.AllStaff
	}
	return strings.Join(depts, ", ")
}

func (p *announcePane) statusText(r cmd.AnnouncementJSON) string {
	if r.Status == "live" {
		return p.t.Live
	}
	return p.t.Recalled
}

func (p *announcePane) resultText(r cmd.AnnouncementJSON) string {
	if r.Recall == nil {
		return ""
	}
	return p.s.Sprintf(p.t.ResultFmt, r.Recall.Recalled, r.Recall.Fetched)
}

// published is an announcement's time as the mail panes show times.
func published(s string, narrow bool) string {
	t, err := time.Parse("2006-01-02T15:04:05Z", s)
	if err != nil {
		return s
	}
	return mailTime(t, narrow)
}

func (p *announcePane) narrow() bool { return p.width < 120 }

func (p *announcePane) columns() (heads []string, mins, soft []int) {
	t := p.t
	if p.narrow() {
		return []string{t.ColID, t.ColStatus, t.ColTitle, t.ColTo, t.ColCopies},
			[]int{2, 4, 10, 6, 3}, []int{0, 0, 0, 16, 0}
	}
	tw := cellWidth(mailTime(time.Unix(0, 0), false))
	return []string{t.ColID, t.ColStatus, t.ColPublished, t.ColTitle, t.ColTo, t.ColCopies, t.ColResult},
		[]int{2, 4, tw, 16, 10, 3, 10}, []int{0, 0, 0, 0, 40, 0, 0}
}

func (p *announcePane) cells(r cmd.AnnouncementJSON) []string {
	copies := "-"
	if r.Copies >= 0 {
		copies = strconv.Itoa(r.Copies)
	}
	id := strconv.FormatUint(r.ID, 10)
	if p.narrow() {
		return logCleanAll(id, p.statusText(r), r.Title, p.toText(r.Depts), copies)
	}
	return logCleanAll(id, p.statusText(r), published(r.Published, false), r.Title, p.toText(r.Depts), copies, p.resultText(r))
}

func (p *announcePane) View() string {
	if p.picker != nil {
		return p.picker.View()
	}
	switch p.mode {
	case annCompose:
		return p.composeView()
	case annPreview:
		return scrollView(p.s, p.t.Preview, p.previewLines(), p.detailTop, p.width, p.height,
			[]string{p.s.Styles.Subtle.Render(truncate(p.t.PreviewHint, p.width))})
	case annDetail:
		if p.cursor < len(p.rows) {
			r := p.rows[p.cursor]
			return scrollView(p.s, "#"+strconv.FormatUint(r.ID, 10)+" "+r.Title, p.detailLines(), p.detailTop, p.width, p.height, nil)
		}
	}
	st := p.s.Styles
	out := []string{st.Title.Render(ellipsize(st, p.Title(), p.width))}
	if p.status != "" {
		out = append(out, wrapStyled(st.Warn, p.status, max(10, p.width-1))...)
	} else if p.loaded && !p.queue {
		out = append(out, wrapStyled(st.Subtle, p.t.NoQueue, max(10, p.width-1))...)
	}
	switch {
	case p.err != "":
		out = append(out, wrapStyled(st.Error, p.err, max(10, p.width-1))...)
	case !p.loaded:
		out = append(out, st.Subtle.Render(p.t.Loading))
	case len(p.rows) == 0:
		out = append(out, wrapStyled(st.Subtle, p.t.None, max(10, p.width-1))...)
	default:
		out = append(out, p.table(p.height-len(out)-1)...)
	}
	if p.confirm != 0 {
		title := ""
		for _, r := range p.rows {
			if r.ID == p.confirm {
				title = r.Title
			}
		}
		q := wrapStyled(st.Warn, p.s.Sprintf(p.t.ConfirmRecall, p.confirm, logClean(title)), max(10, p.width-1))
		out = append(out[:min(len(out), max(1, p.height-len(q)))], q...)
	}
	return strings.Join(out, "\n")
}

func (p *announcePane) table(rows int) []string {
	st := p.s.Styles
	heads, mins, soft := p.columns()
	rows = max(1, rows)
	p.cursor, p.top = inSight(p.cursor, p.top, len(p.rows), rows)
	end := min(len(p.rows), p.top+rows)
	cells := make([][]string, 0, end-p.top)
	for i := p.top; i < end; i++ {
		cells = append(cells, p.cells(p.rows[i]))
	}
	out := cursorTable(st, p.width, p.narrow(), heads, mins, soft, cells, p.top, p.cursor)
	return out
}

// detailLines are the open announcement: who, when, to whom, the recall
// and its counts, then the text.
func (p *announcePane) detailLines() []string {
	if p.cursor >= len(p.rows) {
		return nil
	}
	r := p.rows[p.cursor]
	st := p.s.Styles
	w := max(10, p.width-1)
	out := []string{
		st.Label.Render(p.t.By) + "  " + r.Author,
		st.Label.Render(p.t.At) + "  " + published(r.Published, false),
		st.Label.Render(p.t.FieldTo) + "  " + logClean(p.toText(r.Depts)),
		st.Label.Render(p.t.ColStatus) + "  " + p.statusText(r),
	}
	if r.Status != "live" {
		out = append(out, "  "+p.s.Sprintf(p.t.RecalledBy, r.RecalledBy, published(r.Recalled, false)))
		if res := p.resultText(r); res != "" {
			out = append(out, "  "+res)
		}
	}
	out = append(out, "")
	for _, para := range strings.Split(r.Body, "\n") {
		out = append(out, wrapText(logClean(para), w)...)
	}
	return out
}

// previewLines are the composed announcement as it will be published.
func (p *announcePane) previewLines() []string {
	st := p.s.Styles
	w := max(10, p.width-1)
	n := model.AnnouncementLength(p.body.Value())
	out := []string{
		st.Label.Render(p.t.FieldTitle) + "  " + logClean(strings.TrimSpace(p.title.Value())),
		st.Label.Render(p.t.FieldTo) + "  " + logClean(p.toText(p.targets)),
		st.Subtle.Render(p.s.Sprintf(p.t.Count, n, model.MaxAnnouncementRunes)),
		"",
	}
	for _, para := range strings.Split(strings.ReplaceAll(p.body.Value(), "\r\n", "\n"), "\n") {
		out = append(out, wrapText(logClean(para), w)...)
	}
	return out
}

// composeLines are the composer's lines above and below the text area.
func (p *announcePane) composeHead() []string {
	st := p.s.Styles
	lw := p.labelWidth()
	label := func(i int, s string) string {
		s += strings.Repeat(" ", lw-lipgloss.Width(s))
		if p.focus == i {
			return st.Cursor.Render(s)
		}
		return st.Label.Render(s)
	}
	n := model.AnnouncementLength(p.body.Value())
	count := p.s.Sprintf(p.t.Count, n, model.MaxAnnouncementRunes)
	if n > model.MaxAnnouncementRunes {
		count = st.Error.Render(count + "  " + p.s.Sprintf(p.t.TooLong, n-model.MaxAnnouncementRunes))
	} else {
		count = st.Subtle.Render(count)
	}
	return []string{
		st.Title.Render(ellipsize(st, p.t.Compose, p.width)),
		label(0, p.t.FieldTitle) + p.title.View(),
		label(1, p.t.FieldBody) + count,
	}
}

func (p *announcePane) composeView() string {
	st := p.s.Styles
	lw := p.labelWidth()
	out := p.composeHead()
	for _, l := range strings.Split(p.body.View(), "\n") {
		out = append(out, " "+l)
	}
	to := st.Label.Render(p.t.FieldTo + strings.Repeat(" ", lw-lipgloss.Width(p.t.FieldTo)))
	if p.focus == 2 {
		to = st.Cursor.Render(p.t.FieldTo + strings.Repeat(" ", lw-lipgloss.Width(p.t.FieldTo)))
	}
	out = append(out, ellipsize(st, to+logClean(p.toText(p.targets)), p.width))
	if p.focus == 2 {
		out = append(out, wrapStyled(st.Subtle, p.t.ToHint, max(10, p.width-1))...)
	}
	if p.formErr != "" {
		out = append(out, wrapStyled(st.Error, p.formErr, max(10, p.width-1))...)
	}
	return strings.Join(out, "\n")
}

// Cursor is the real cursor of the focused field, for input methods.
func (p *announcePane) Cursor() *tea.Cursor {
	if p.picker != nil {
		return p.picker.Cursor()
	}
	if p.mode != annCompose {
		return nil
	}
	switch p.focus {
	case 0:
		c := orgInputCursor(p.title)
		if c == nil {
			return nil
		}
		c.X += p.labelWidth()
		c.Y = 1
		return c
	case 1:
		c := p.body.Cursor()
		if c == nil {
			return nil
		}
		c.X++
		c.Y += len(p.composeHead())
		return c
	}
	return nil
}

func (p *announcePane) ShortHelp() []key.Binding {
	k := p.s.Keys
	if p.picker != nil {
		return []key.Binding{k.Up, k.Down, k.Enter, k.Back}
	}
	if p.confirm != 0 {
		return []key.Binding{p.yesKey}
	}
	switch p.mode {
	case annCompose:
		save := key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", p.t.KeyPreview))
		if p.focus == 2 {
			return []key.Binding{k.Tab, p.pickKey, p.clearKey, save, k.Back}
		}
		return []key.Binding{k.Tab, save, k.Back}
	case annPreview:
		publish := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", p.t.KeyPublish))
		edit := key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", p.t.KeyEdit))
		return []key.Binding{publish, edit, k.Down, k.Up}
	case annDetail:
		if p.cursor < len(p.rows) && p.rows[p.cursor].Status == "live" {
			return []key.Binding{k.Back, p.recallKey, k.Down, k.Up}
		}
		return []key.Binding{k.Back, k.Down, k.Up}
	}
	out := []key.Binding{p.newKey}
	if len(p.rows) > 0 {
		open := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", p.t.KeyOpen))
		out = append(out, open)
		if p.rows[p.cursor].Status == "live" {
			out = append(out, p.recallKey)
		}
		out = append(out, k.Down, k.Up)
	}
	return append(out, k.Refresh)
}

func (p *announcePane) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
