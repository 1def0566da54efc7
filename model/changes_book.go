package model

import (
	"fmt"
	"postroom/assets"
	"slices"
	"strconv"
	"strings"
)

func bookTx(tx Tx) (BookTx, error) {
	b, ok := tx.(BookTx)
	if !ok {
		return nil, fmt.Errorf("customer address book: the store cannot write it")
	}
	return b, nil
}

// claimEmails refuses an email another contact than self holds.
func claimEmails(b BookView, c *Contact, self ContactID) error {
	for _, e := range c.Emails {
		id, ok, err := b.ContactByEmail(e)
		if err != nil {
			return err
		}
		if ok && id != self {
			other, err := b.Contact(id)
			if err != nil {
				return err
			}
			return Existsf("%s is already in the customer address book as %s (contact %d); change that contact with book set %d, or import with --on-duplicate overwrite", e, other.Name, int(id), int(id))
		}
	}
	return nil
}

// AddContact adds a contact to the customer address book (BOOK-1).
type AddContact struct {
	Fields ContactFields
	// ID is filled by Apply.
	ID ContactID
}

// Op names the operation.
func (c *AddContact) Op() string { return "book.add" }

// Target names the contact.
func (c *AddContact) Target() string {
	if len(c.Fields.Emails) > 0 {
		return strings.TrimSpace(c.Fields.Emails[0])
	}
	return strings.TrimSpace(c.Fields.Name)
}

// Authorize needs the right to edit the customer address book.
func (c *AddContact) Authorize(v View, a Actor) error { return AuthorizeBook(v, a, BookEdit) }

// Apply checks the fields and writes the contact.
func (c *AddContact) Apply(tx Tx, env Env) error {
	b, err := bookTx(tx)
	if err != nil {
		return err
	}
	ct, probs := CleanContact(c.Fields)
	if len(probs) > 0 {
		return fieldProblems(probs)
	}
	if err := claimEmails(b, ct, 0); err != nil {
		return err
	}
	if ct.ID, err = b.NewContactID(); err != nil {
		return err
	}
	ct.By, ct.Created, ct.Updated = env.Actor.Address, env.Now, env.Now
	c.ID = ct.ID
	return b.PutContact(ct)
}

// fieldProblems turns the problems of CleanContact into one user error.
func fieldProblems(probs []RowError) error {
	var parts []string
	for _, p := range probs {
		if p.Value != "" {
			parts = append(parts, fmt.Sprintf("%s %q: %s", p.Column, p.Value, p.Reason))
		} else {
			parts = append(parts, fmt.Sprintf("%s: %s", p.Column, p.Reason))
		}
	}
	return Invalidf("the contact cannot be saved: %s", strings.Join(parts, "; "))
}

// SetContact edits a contact. Nil fields stay; Emails and Phones replace
// the lists.
type SetContact struct {
	ID                          ContactID
	Name, Company, Title, Notes *string
	Emails, Phones              *[]string
}

// Op names the operation.
func (c *SetContact) Op() string { return "book.set" }

// Target names the contact.
func (c *SetContact) Target() string { return "contact " + strconv.FormatUint(uint64(c.ID), 10) }

// Authorize needs the right to edit the customer address book.
func (c *SetContact) Authorize(v View, a Actor) error { return AuthorizeBook(v, a, BookEdit) }

// Apply checks the new fields and writes the contact.
func (c *SetContact) Apply(tx Tx, env Env) error {
	b, err := bookTx(tx)
	if err != nil {
		return err
	}
	old, err := b.Contact(c.ID)
	if err != nil {
		return err
	}
	f := ContactFields{Name: old.Name, Emails: old.Emails, Phones: old.Phones, Company: old.Company, Title: old.Title, Notes: old.Notes}
	for _, x := range []struct {
		dst *string
		src *string
	}{{&f.Name, c.Name}, {&f.Company, c.Company}, {&f.Title, c.Title}, {&f.Notes, c.Notes}} {
		if x.src != nil {
			*x.dst = *x.src
		}
	}
	if c.Emails != nil {
		f.Emails = *c.Emails
	}
	if c.Phones != nil {
		f.Phones = *c.Phones
	}
	if c.Name != nil && strings.TrimSpace(*c.Name) == "" {
		return Invalidf("the name is empty: give the contact a name")
	}
	ct, probs := CleanContact(f)
	if len(probs) > 0 {
		return fieldProblems(probs)
	}
	if err := claimEmails(b, ct, c.ID); err != nil {
		return err
	}
	if ct.sameData(old) {
		return nil
	}
	ct.ID, ct.Created, ct.By, ct.Updated = old.ID, old.Created, env.Actor.Address, env.Now
	return b.PutContact(ct)
}

// DeleteContact removes a contact.
type DeleteContact struct{ ID ContactID }

// Op names the operation.
func (c *DeleteContact) Op() string { return "book.rm" }

// Target names the contact.
func (c *DeleteContact) Target() string { return "contact " + strconv.FormatUint(uint64(c.ID), 10) }

// Authorize needs the right to edit the customer address book.
func (c *DeleteContact) Authorize(v View, a Actor) error { return AuthorizeBook(v, a, BookEdit) }

// Apply removes the contact.
func (c *DeleteContact) Apply(tx Tx, env Env) error {
	b, err := bookTx(tx)
	if err != nil {
		return err
	}
	if _, err := b.Contact(c.ID); err != nil {
		return err
	}
	return b.DeleteContact(c.ID)
}

// ShareBook replaces who may see and who may edit the customer address
// book (BOOK-1). Departments are paths relative to the root.
type ShareBook struct {
	ViewDepts, EditDepts     []string
	ViewMembers, EditMembers []Address
}

// Op names the operation.
func (c *ShareBook) Op() string { return "book.share" }

// Target names the book.
func (c *ShareBook) Target() string { return "customer address book" }

// Authorize needs book.manage over the whole company.
func (c *ShareBook) Authorize(v View, a Actor) error { return Authorize(a, RightBookManage, nil, v) }

// Apply resolves the departments and members and writes the sharing.
func (c *ShareBook) Apply(tx Tx, env Env) error {
	b, err := bookTx(tx)
	if err != nil {
		return err
	}
	var s BookSharing
	depts := func(paths []string) ([]DeptID, error) {
		var out []DeptID
		for _, p := range paths {
			d, err := tx.DeptByPath(p)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(out, d.ID) {
				out = append(out, d.ID)
			}
		}
		return out, nil
	}
	members := func(as []Address) ([]Address, error) {
		var out []Address
		for _, a := range as {
			if _, err := tx.Member(a); err != nil {
				return nil, err
			}
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
		return out, nil
	}
	if s.ViewDepts, err = depts(c.ViewDepts); err != nil {
		return err
	}
	if s.EditDepts, err = depts(c.EditDepts); err != nil {
		return err
	}
	if s.ViewMembers, err = members(c.ViewMembers); err != nil {
		return err
	}
	if s.EditMembers, err = members(c.EditMembers); err != nil {
		return err
	}
	return b.PutBookSharing(s)
}

// OnDuplicate says what an import does with a contact whose email is
// already in the customer address book.
type OnDuplicate string

// The choices.
const (
	DupSkip      OnDuplicate = "skip"      // keep the contact in the book, leave the row out
	DupOverwrite OnDuplicate = "overwrite" // replace the contact in the book with the row
)

// ParseOnDuplicate reads the choice; empty is skip.
func ParseOnDuplicate(s string) (OnDuplicate, error) {
	switch d := OnDuplicate(s); d {
	case DupSkip, DupOverwrite:
		return d, nil
	case "":
		return DupSkip, nil
	}
	return "", Invalidf("--on-duplicate takes skip or overwrite, not %q", s)
}

// The outcomes of one row or card of an import.
const (
	ImportAdded       = "added"
	ImportOverwritten = "overwritten"
	ImportUnchanged   = "unchanged"
	ImportSkipped     = "skipped"
	ImportError       = "error"
)

// ImportOutcome is what became of one row (CSV, by line) or card (vCard, by
// its number in the file) of an import.
type ImportOutcome struct {
	Unit    string    `json:"unit"` // "row" or "card"
	Number  int       `json:"number"`
	Action  string    `json:"action"` // added, overwritten, unchanged, skipped or error
	Contact ContactID `json:"contact,omitempty"`
	Name    string    `json:"name,omitempty"`
	Email   string    `json:"email,omitempty"`
	Reason  string    `json:"reason,omitempty"`
	// ReasonZH is Reason in Chinese, where the problems were made as
	// user errors (an error row's); In tells Reason read back otherwise.
	ReasonZH string `json:"-"`
}

// In formats the outcome for a report in the language lang; English is
// String, Chinese reads "第 3 行：已跳过 张三 <a@b.com>：…" with the reason
// told in Chinese where it can be (LocalizeText).
func (o ImportOutcome) In(lang string) string {
	if !assets.IsChinese(lang) {
		return o.String()
	}
	unit := "第 %d 行"
	if o.Unit == "card" {
		unit = "第 %d 张名片"
	}
	action := map[string]string{ImportAdded: "新增", ImportOverwritten: "已覆盖", ImportUnchanged: "无变化", ImportSkipped: "已跳过", ImportError: "有错误"}[o.Action]
	if action == "" {
		action = o.Action
	}
	s := fmt.Sprintf(unit+"：%s", o.Number, action)
	if o.Name != "" {
		s += " " + o.Name
	}
	if o.Email != "" {
		s += " <" + o.Email + ">"
	}
	switch {
	case o.ReasonZH != "":
		s += "：" + o.ReasonZH
	case o.Reason != "":
		s += "：" + LocalizeText(o.Reason, lang)
	}
	return s
}

// String formats the outcome for a report, e.g. "row 3: skipped 张三 <a@b.com>: ...".
func (o ImportOutcome) String() string {
	s := fmt.Sprintf("%s %d: %s", o.Unit, o.Number, o.Action)
	if o.Name != "" {
		s += " " + o.Name
	}
	if o.Email != "" {
		s += " <" + o.Email + ">"
	}
	if o.Reason != "" {
		s += ": " + o.Reason
	}
	return s
}

// ImportContacts imports the rows of a contacts file into the customer
// address book in one change: nothing is written if any row has a problem.
// A row whose email is already in the book is skipped or overwrites the
// contact there, as OnDuplicate says; a row whose email came earlier in the
// same file is treated the same way.
type ImportContacts struct {
	File        string
	Contacts    *ContactsFile
	OnDuplicate OnDuplicate
	// Outcomes and the counts are filled by Apply, one per row or card in
	// file order, even when the import fails.
	Outcomes                                       []ImportOutcome
	Added, Overwritten, Unchanged, Skipped, Errors int
}

// Op names the operation.
func (c *ImportContacts) Op() string { return "book.import" }

// Target names the file.
func (c *ImportContacts) Target() string { return c.File }

// Authorize needs the right to edit the customer address book.
func (c *ImportContacts) Authorize(v View, a Actor) error { return AuthorizeBook(v, a, BookEdit) }

// Apply imports every row, or fails naming how many rows have problems.
func (c *ImportContacts) Apply(tx Tx, env Env) error {
	b, err := bookTx(tx)
	if err != nil {
		return err
	}
	f := c.Contacts
	c.Outcomes, c.Added, c.Overwritten, c.Unchanged, c.Skipped, c.Errors = nil, 0, 0, 0, 0, 0
	fromFile := map[ContactID]int{} // contacts this import wrote → their row
	ri, ei := 0, 0
	for ri < len(f.Rows) || ei < len(f.Errors) {
		if ei < len(f.Errors) && (ri == len(f.Rows) || f.Errors[ei].Line <= f.Rows[ri].Number) {
			// Every problem of one row or card becomes one outcome.
			n := f.Errors[ei].Line
			var reasons, zh []string
			for ; ei < len(f.Errors) && f.Errors[ei].Line == n; ei++ {
				e := f.Errors[ei]
				r, z := e.Reason, e.ReasonIn("zh-CN")
				if e.Column != "" {
					r = fmt.Sprintf("%s %q: %s", e.Column, e.Value, e.Reason)
					col := e.Column
					for _, cc := range ContactColumns() {
						if cc.Key == e.Column {
							col = cc.ZH
						}
					}
					z = fmt.Sprintf("%s %q：%s", col, e.Value, z)
				}
				reasons, zh = append(reasons, r), append(zh, z)
			}
			c.Outcomes = append(c.Outcomes, ImportOutcome{Unit: f.Unit, Number: n, Action: ImportError, Reason: strings.Join(reasons, "; "), ReasonZH: strings.Join(zh, "；")})
			c.Errors++
			continue
		}
		row := f.Rows[ri]
		ri++
		out := ImportOutcome{Unit: f.Unit, Number: row.Number, Name: row.Contact.Name}
		if len(row.Contact.Emails) > 0 {
			out.Email = row.Contact.Emails[0]
		}
		var found []ContactID
		for _, e := range row.Contact.Emails {
			id, ok, err := b.ContactByEmail(e)
			if err != nil {
				return err
			}
			if ok && !slices.Contains(found, id) {
				found = append(found, id)
			}
		}
		where := func(id ContactID) string {
			if n, ok := fromFile[id]; ok {
				return fmt.Sprintf("%s %d of this file", f.Unit, n)
			}
			old, _ := b.Contact(id)
			name := ""
			if old != nil {
				name = old.Name + ", "
			}
			return fmt.Sprintf("the book (%scontact %d)", name, int(id))
		}
		switch {
		case len(found) == 0:
			ct := row.Contact.Clone()
			if ct.ID, err = b.NewContactID(); err != nil {
				return err
			}
			ct.By, ct.Created, ct.Updated = env.Actor.Address, env.Now, env.Now
			if err := b.PutContact(ct); err != nil {
				return err
			}
			out.Action, out.Contact = ImportAdded, ct.ID
			fromFile[ct.ID] = row.Number
			c.Added++
		case len(found) > 1:
			var places []string
			for _, id := range found {
				places = append(places, where(id))
			}
			out.Action, out.Reason = ImportError, "its email addresses belong to different contacts: "+strings.Join(places, " and ")+"; give them in separate rows"
			c.Errors++
		case c.OnDuplicate == DupOverwrite:
			old, err := b.Contact(found[0])
			if err != nil {
				return err
			}
			out.Contact = old.ID
			if row.Contact.sameData(old) {
				out.Action, out.Reason = ImportUnchanged, "the same as "+where(old.ID)
				c.Unchanged++
				break
			}
			out.Action, out.Reason = ImportOverwritten, "replaced "+where(old.ID)
			ct := row.Contact.Clone()
			ct.ID, ct.Created, ct.By, ct.Updated = old.ID, old.Created, env.Actor.Address, env.Now
			if err := b.PutContact(ct); err != nil {
				return err
			}
			fromFile[ct.ID] = row.Number
			c.Overwritten++
		default:
			out.Action, out.Contact = ImportSkipped, found[0]
			out.Reason = "the email address is already in " + where(found[0]) + "; import with --on-duplicate overwrite to replace it"
			c.Skipped++
		}
		c.Outcomes = append(c.Outcomes, out)
	}
	tx.Note("file", c.File)
	tx.Note("result", fmt.Sprintf("%d added, %d overwritten, %d unchanged, %d skipped (on duplicate: %s)", c.Added, c.Overwritten, c.Unchanged, c.Skipped, c.OnDuplicate))
	if c.Errors > 0 {
		return Invalidf("%d of the rows or cards in %s have problems; nothing was imported. Fix them and import again", c.Errors, c.File)
	}
	return nil
}
