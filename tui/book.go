package tui

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// bookView is the address book, opened from Home (ORG-8, BOOK-1): the
// enterprise address book, which every member searches once it is shared,
// and the customer address book for those it is shared with, who browse and
// search it and, as its editors, add, edit and delete contacts.
type bookView struct {
	s             *Session
	t             assets.BookText
	width, height int

	tab    int // 0: the enterprise address book, 1: the customers
	search textinput.Model
	typing bool // the search field has the keyboard
	seq    int  // the newest load; older answers are dropped

	dir      []model.DirectoryEntry
	dirErr   string
	contacts []*model.Contact
	custErr  string
	access   model.BookAccess
	loaded   bool

	sel, top int

	form     *form
	sharing  bool            // the form is the sharing, not a contact
	shared   [4]string       // viewer depts, viewers, editor depts, editors, for managers
	editing  model.ContactID // the contact the form edits; 0: a new one
	busy     bool
	confirm  *model.Contact // waiting for y to delete
	closed   bool
	open     key.Binding // b on Home
	switchTo key.Binding
	yes      key.Binding
	done     key.Binding // enter in the search field
	share    key.Binding
}

// bookLoadedMsg carries what one load of the address book found.
type bookLoadedMsg struct {
	seq      int
	dir      []model.DirectoryEntry
	dirErr   error
	contacts []*model.Contact
	custErr  error
	access   model.BookAccess
	shared   [4]string
}

// bookPaneID names the view in the messages of its changes.
const bookPaneID = "home.book"

// bookOpenKey is Home's key for the address book.
func bookOpenKey(t assets.BookText) key.Binding {
	return key.NewBinding(key.WithKeys("b"), key.WithHelp("b", t.KeyOpen))
}

func newBookView(s *Session) *bookView {
	t := assets.BookCatalog(s.T.Lang)
	in := newInput(t.Search, 64)
	return &bookView{s: s, t: t, search: in, open: bookOpenKey(t),
		switchTo: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", t.KeySwitch)),
		yes:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", t.KeyYes)),
		done:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", t.KeyDone)),
		share:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", t.KeyShare))}
}

// Init loads the books.
func (v *bookView) Init() tea.Cmd { return v.load() }

func (v *bookView) load() tea.Cmd {
	v.seq++
	seq, q, s := v.seq, v.search.Value(), v.s
	return func() tea.Msg {
		msg := bookLoadedMsg{seq: seq}
		err := s.Store.Read(func(r *store.Reader) error {
			keep, err := model.DirectoryFilter(r, s.Actor)
			if err == nil {
				msg.dir, err = r.Directory(q, keep)
			}
			msg.dirErr = err
			sh, err := r.BookSharing()
			if err != nil {
				return err
			}
			msg.access = model.CustomerBookAccess(r, s.Actor, sh)
			if msg.access == model.BookManage {
				join := func(ids []model.DeptID, as []model.Address) (string, string) {
					var ds, ps []string
					for _, d := range ids {
						ds = append(ds, r.DeptPath(d))
					}
					for _, a := range as {
						ps = append(ps, string(a))
					}
					return strings.Join(ds, "; "), strings.Join(ps, "; ")
				}
				msg.shared[0], msg.shared[1] = join(sh.ViewDepts, sh.ViewMembers)
				msg.shared[2], msg.shared[3] = join(sh.EditDepts, sh.EditMembers)
			}
			if err := model.AuthorizeBook(r, s.Actor, model.BookRead); err != nil {
				msg.custErr = err
				return nil
			}
			msg.contacts, msg.custErr = r.SortedContacts(q)
			return nil
		})
		if err != nil {
			msg.dirErr, msg.custErr = err, err
		}
		return msg
	}
}

// SetSize fits the view to the pane.
func (v *bookView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.search.SetWidth(max(10, w-lipgloss.Width(v.t.Search)-2))
	if v.form != nil {
		v.form.SetSize(w, h)
	}
}

// Capturing reports whether a text field has the keyboard.
func (v *bookView) Capturing() bool { return v.typing || v.form != nil || v.confirm != nil }

// rows is how many entries the list shows.
func (v *bookView) rows() int { return max(1, v.height-7) }

func (v *bookView) count() int {
	if v.tab == 0 {
		return len(v.dir)
	}
	return len(v.contacts)
}

func (v *bookView) canEdit() bool { return v.tab == 1 && v.access >= model.BookEdit && v.custErr == "" }

// Update handles a message; the view reports closed when esc leaves it.
func (v *bookView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case bookLoadedMsg:
		if msg.seq != v.seq {
			return nil
		}
		v.loaded = true
		v.dir, v.contacts, v.access, v.shared = msg.dir, msg.contacts, msg.access, msg.shared
		v.dirErr, v.custErr = "", ""
		if msg.dirErr != nil {
			v.dirErr = v.errText(msg.dirErr, v.t.NotShared)
		}
		if msg.custErr != nil {
			v.custErr = v.errText(msg.custErr, v.t.NoCustomerAccess)
		}
		v.clamp()
		return nil
	case appliedMsg:
		if msg.pane != bookPaneID {
			return nil
		}
		v.busy = false
		if msg.err != nil {
			if v.form != nil {
				v.form.setError("", v.s.ErrText(msg.err))
				return nil
			}
			return flash(v.s.ErrText(msg.err), true)
		}
		v.form = nil
		return tea.Batch(flash(msg.tag, false), v.load())
	case storeChangedMsg:
		if msg.onlyLogins() {
			return nil
		}
		return v.load()
	case tea.KeyPressMsg:
		return v.key(msg)
	}
	if v.form != nil {
		_, cmd := v.form.Update(msg)
		return cmd
	}
	if v.typing {
		var cmd tea.Cmd
		v.search, cmd = v.search.Update(msg)
		return cmd
	}
	return nil
}

// errText is a refusal's plain words for the person, or the error.
func (v *bookView) errText(err error, refused string) string {
	if errors.Is(err, model.ErrForbidden) {
		return refused
	}
	return v.s.ErrText(err)
}

func (v *bookView) key(msg tea.KeyPressMsg) tea.Cmd {
	k := v.s.Keys
	switch {
	case v.form != nil:
		if v.busy {
			return nil
		}
		res, cmd := v.form.Update(msg)
		switch res {
		case formCancelled:
			v.form = nil
		case formSubmitted:
			if v.sharing {
				return v.submitSharing()
			}
			return v.submit()
		}
		return cmd
	case v.confirm != nil:
		c := v.confirm
		v.confirm = nil
		if key.Matches(msg, v.yes) {
			return v.s.apply(bookPaneID, v.s.Sprintf(v.t.Deleted, c.Name), &model.DeleteContact{ID: c.ID})
		}
		return nil
	case v.typing:
		switch {
		case key.Matches(msg, k.Back), msg.String() == "enter":
			v.typing = false
			v.search.Blur()
			return nil
		case key.Matches(msg, k.Up), msg.String() == "up":
			v.move(-1)
			return nil
		case msg.String() == "down":
			v.move(1)
			return nil
		}
		before := v.search.Value()
		var cmd tea.Cmd
		v.search, cmd = v.search.Update(msg)
		if v.search.Value() != before {
			v.sel, v.top = 0, 0
			return tea.Batch(cmd, v.load())
		}
		return cmd
	}
	switch {
	case key.Matches(msg, k.Back):
		if v.search.Value() != "" {
			v.search.SetValue("")
			v.sel, v.top = 0, 0
			return v.load()
		}
		v.closed = true
	case key.Matches(msg, v.switchTo), key.Matches(msg, k.ShiftTab):
		v.tab = 1 - v.tab
		v.sel, v.top = 0, 0
	case key.Matches(msg, k.Filter):
		v.typing = true
		return v.search.Focus()
	case key.Matches(msg, k.Up):
		v.move(-1)
	case key.Matches(msg, k.Down):
		v.move(1)
	case key.Matches(msg, k.PageUp):
		v.move(-v.rows())
	case key.Matches(msg, k.PageDown):
		v.move(v.rows())
	case key.Matches(msg, k.Top):
		v.move(-v.count())
	case key.Matches(msg, k.Bottom):
		v.move(v.count())
	case key.Matches(msg, k.Refresh):
		return v.load()
	case key.Matches(msg, k.Export) && v.loaded && v.count() > 0:
		if v.s.Export == nil {
			return flash(v.t.NoExport, true)
		}
		return v.export()
	case key.Matches(msg, v.share) && v.tab == 1 && v.access == model.BookManage:
		v.openSharing()
	case key.Matches(msg, k.New) && v.canEdit():
		v.openForm(nil)
	case key.Matches(msg, k.Edit) && v.canEdit() && len(v.contacts) > 0:
		v.openForm(v.contacts[v.sel])
	case key.Matches(msg, k.Delete) && v.canEdit() && len(v.contacts) > 0:
		v.confirm = v.contacts[v.sel]
	}
	return nil
}

func (v *bookView) move(d int) {
	v.sel += d
	v.clamp()
}

func (v *bookView) clamp() {
	n := v.count()
	v.sel = max(0, min(v.sel, n-1))
	if v.sel < v.top {
		v.top = v.sel
	}
	if v.sel >= v.top+v.rows() {
		v.top = v.sel - v.rows() + 1
	}
	v.top = max(0, min(v.top, max(0, n-v.rows())))
}

func (v *bookView) openSharing() {
	t := v.t
	f := newForm(v.s, t.ShareTitle)
	f.intro = t.ShareIntro
	f.add("viewdepts", t.FieldViewDepts, v.shared[0], false, "")
	f.add("viewers", t.FieldViewers, v.shared[1], false, "")
	f.add("editdepts", t.FieldEditDepts, v.shared[2], false, "")
	f.add("editors", t.FieldEditors, v.shared[3], false, "")
	f.SetSize(v.width, v.height)
	v.form, v.sharing = f, true
}

// submitSharing saves the sharing; an address that is no address is
// refused under its field before anything runs.
func (v *bookView) submitSharing() tea.Cmd {
	f := v.form
	f.clearErrors()
	addrs := func(key string) ([]model.Address, bool) {
		var out []model.Address
		for _, s := range bookList(f.value(key)) {
			a, err := model.ParseAddress(s)
			if err != nil {
				f.setError(key, v.s.ErrText(err))
				return nil, false
			}
			out = append(out, a)
		}
		return out, true
	}
	viewers, ok1 := addrs("viewers")
	editors, ok2 := addrs("editors")
	if !ok1 || !ok2 {
		return nil
	}
	split := func(key string) []string {
		return strings.FieldsFunc(f.value(key), func(r rune) bool { return r == ';' || r == '；' })
	}
	v.busy = true
	return v.s.apply(bookPaneID, v.t.Shared, &model.ShareBook{ViewDepts: split("viewdepts"), ViewMembers: viewers,
		EditDepts: split("editdepts"), EditMembers: editors})
}

func (v *bookView) openForm(c *model.Contact) {
	t := v.t
	title, cur := t.NewContact, &model.Contact{}
	v.editing = 0
	if c != nil {
		title, cur, v.editing = t.EditContact, c, c.ID
	}
	f := newForm(v.s, title)
	f.add("name", t.FieldName, cur.Name, false, "")
	f.add("emails", t.FieldEmails, strings.Join(cur.Emails, "; "), false, t.ListHint)
	f.add("phones", t.FieldPhones, strings.Join(cur.Phones, "; "), false, t.ListHint)
	f.add("company", t.FieldCompany, cur.Company, false, "")
	f.add("title", t.FieldTitle, cur.Title, false, "")
	f.add("notes", t.FieldNotes, strings.ReplaceAll(cur.Notes, "\n", " "), false, "")
	f.SetSize(v.width, v.height)
	v.form, v.sharing = f, false
}

// bookList splits what a person typed into a list field.
func bookList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' || r == ',' || r == '，' })
}

func (v *bookView) submit() tea.Cmd {
	f := v.form
	f.clearErrors()
	name, emails, phones := f.value("name"), bookList(f.value("emails")), bookList(f.value("phones"))
	company, title, notes := f.value("company"), f.value("title"), f.value("notes")
	v.busy = true
	shown := name
	if shown == "" && len(emails) > 0 {
		shown = emails[0]
	}
	if v.editing == 0 {
		return v.s.apply(bookPaneID, v.s.Sprintf(v.t.Added, shown), &model.AddContact{Fields: model.ContactFields{
			Name: name, Emails: emails, Phones: phones, Company: company, Title: title, Notes: notes}})
	}
	// Notes typed on one line replace the notes only when they changed,
	// so the lines of imported notes stay.
	ch := &model.SetContact{ID: v.editing, Name: &name, Emails: &emails, Phones: &phones, Company: &company, Title: &title}
	for _, c := range v.contacts {
		if c.ID == v.editing && strings.ReplaceAll(c.Notes, "\n", " ") != notes {
			ch.Notes = &notes
		}
	}
	return v.s.apply(bookPaneID, v.s.Sprintf(v.t.Saved, shown), ch)
}

// export writes the entries the tab shows as CSV (Excel-correct) and as
// vCard 4.0, through the session's Export, in the background.
func (v *bookView) export() tea.Cmd {
	save, t, chinese := v.s.Export, v.t, assets.IsChinese(v.s.T.Lang)
	tab, dir, contacts, st := v.tab, v.dir, v.contacts, v.s.Store
	return func() tea.Msg {
		var csv, vcf bytes.Buffer
		name, n := "address-book", len(dir)
		if tab == 0 {
			var company string
			if err := st.Read(func(r *store.Reader) error {
				e, err := r.Enterprise()
				company = e.Name
				return err
			}); err != nil {
				return flashMsg{text: err.Error(), err: true}
			}
			if err := model.WriteDirectoryCSV(&csv, dir, chinese); err != nil {
				return flashMsg{text: err.Error(), err: true}
			}
			if err := model.WriteDirectoryVCards(&vcf, company, dir); err != nil {
				return flashMsg{text: err.Error(), err: true}
			}
		} else {
			name, n = "customers", len(contacts)
			if err := model.WriteContactsCSV(&csv, contacts, chinese); err != nil {
				return flashMsg{text: err.Error(), err: true}
			}
			if err := model.WriteVCards(&vcf, contacts); err != nil {
				return flashMsg{text: err.Error(), err: true}
			}
		}
		w1, err := save(name+".csv", csv.Bytes())
		if err != nil {
			return flashMsg{text: err.Error(), err: true}
		}
		w2, err := save(name+".vcf", vcf.Bytes())
		if err != nil {
			return flashMsg{text: err.Error(), err: true}
		}
		return flashMsg{text: fmt.Sprintf(t.Exported, n, w1, w2)}
	}
}

// Cursor is where the terminal's cursor stands, relative to the view.
func (v *bookView) Cursor() *tea.Cursor {
	if v.form != nil {
		return v.form.Cursor()
	}
	if !v.typing {
		return nil
	}
	c := v.search.Cursor()
	if c == nil {
		return nil
	}
	runes := []rune(v.search.Value())
	c.X = lipgloss.Width(v.t.Search) + lipgloss.Width(string(runes[:min(v.search.Position(), len(runes))]))
	c.Y = 1
	return c
}

// View draws the view.
func (v *bookView) View() string {
	st := v.s.Styles
	t := v.t
	w := max(20, v.width)
	if v.form != nil {
		return v.form.View()
	}
	head := st.Title.Render(t.Title) + "  " + fitTabs(st, []string{t.Enterprise, t.Customers}, v.tab, w-lipgloss.Width(t.Title)-2)
	out := []string{head}
	switch {
	case v.typing || v.search.Value() != "":
		out = append(out, v.search.View())
	case v.tab == 0:
		out = append(out, st.Subtle.Render(ellipsize(st, t.SearchHint, w)))
	default:
		out = append(out, st.Subtle.Render(ellipsize(st, t.CustomerHint, w)))
	}
	if !v.loaded {
		return strings.Join(append(out, "", st.Subtle.Render(v.s.T.Common.Loading)), "\n")
	}
	if v.confirm != nil {
		out = append(out, "")
		for _, l := range wrapText(v.s.Sprintf(t.ConfirmDelete, v.confirm.Name), w) {
			out = append(out, st.Warn.Render(l))
		}
		return strings.Join(out, "\n")
	}
	var heads []string
	var cells [][]string
	var detail []string
	var count, problem string
	if v.tab == 0 {
		problem = v.dirErr
		heads = []string{t.ColName, t.ColAddress, t.ColDept, t.ColPhone}
		for _, e := range v.dir {
			phone := e.Mobile
			if phone == "" {
				phone = e.Phone
			}
			cells = append(cells, []string{e.Name, string(e.Address), strings.Join(e.Departments, "; "), phone})
		}
		count = v.s.Sprintf(t.People, len(v.dir))
		if len(v.dir) > 0 {
			e := v.dir[v.sel]
			detail = append(detail, e.Name+"  "+string(e.Address)+"  "+strings.Join(e.Departments, "; "))
			var more []string
			for _, x := range []string{e.Title, e.Mobile, e.Phone} {
				if x != "" {
					more = append(more, x)
				}
			}
			detail = append(detail, strings.Join(more, "  "))
		}
	} else {
		problem = v.custErr
		heads = []string{t.ColName, t.ColAddress, t.ColCompany, t.ColPhone}
		for _, c := range v.contacts {
			cells = append(cells, []string{c.Name, strings.Join(c.Emails, "; "), c.Company, strings.Join(c.Phones, "; ")})
		}
		count = v.s.Sprintf(t.Contacts, len(v.contacts))
		if v.access < model.BookEdit {
			count += "  (" + t.ReadOnly + ")"
		}
		if len(v.contacts) > 0 {
			c := v.contacts[v.sel]
			detail = append(detail, strings.TrimSpace(c.Name+"  "+strings.Join(c.Emails, "; ")+"  "+c.Title))
			notes := strings.ReplaceAll(c.Notes, "\n", " ")
			if notes != "" {
				notes = t.ColNotes + ": " + notes
			}
			detail = append(detail, notes)
		}
	}
	if problem != "" {
		out = append(out, "")
		for _, l := range wrapText(problem, w) {
			out = append(out, st.Warn.Render(l))
		}
		return strings.Join(out, "\n")
	}
	out = append(out, st.Subtle.Render(count))
	if len(cells) == 0 {
		return strings.Join(append(out, "", st.Subtle.Render(t.Nobody)), "\n")
	}
	widths := fitColumns(w-2, 2, heads, []int{6, 12, 8, 8}, []int{12, 24, 14, 0}, widest(heads, cells))
	line := func(row []string) string {
		parts := make([]string, len(row))
		for i, c := range row {
			parts[i] = fitCell(st, logClean(c), widths[i])
		}
		return strings.TrimRight(strings.Join(parts, "  "), " ")
	}
	out = append(out, "  "+st.TableHead.Render(line(heads)))
	end := min(len(cells), v.top+v.rows())
	for i := v.top; i < end; i++ {
		if i == v.sel {
			out = append(out, st.Cursor.Render(st.Bullet+" ")+st.Selected.Render(line(cells[i])))
		} else {
			out = append(out, "  "+line(cells[i]))
		}
	}
	for len(out) < v.rows()+4 {
		out = append(out, "")
	}
	for _, d := range detail {
		out = append(out, st.Subtle.Render(ellipsize(st, logClean(d), w)))
	}
	return strings.Join(out, "\n")
}

// ShortHelp lists the keys that work now.
func (v *bookView) ShortHelp() []key.Binding {
	k := v.s.Keys
	switch {
	case v.form != nil:
		return v.form.ShortHelp()
	case v.confirm != nil:
		return []key.Binding{v.yes}
	case v.typing:
		return []key.Binding{v.done, k.Back}
	}
	keys := []key.Binding{k.Up, k.Down, v.switchTo, k.Filter}
	if v.canEdit() {
		keys = append(keys, k.New, k.Edit, k.Delete)
	}
	if v.tab == 1 && v.access == model.BookManage {
		keys = append(keys, v.share)
	}
	if v.s.Export != nil && v.count() > 0 {
		keys = append(keys, k.Export)
	}
	return append(keys, k.Back)
}
