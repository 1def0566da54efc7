package model

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// ContactID identifies a contact of the customer address book.
type ContactID uint64

// Contact is one entry of the customer address book (BOOK-1): a person at a
// customer or partner, outside the company.
type Contact struct {
	ID      ContactID `json:"id"`
	Name    string    `json:"name"`
	Emails  []string  `json:"emails,omitempty"` // normalised by ParseContactEmail; each belongs to one contact only
	Phones  []string  `json:"phones,omitempty"`
	Company string    `json:"company,omitempty"`
	Title   string    `json:"title,omitempty"`
	Notes   string    `json:"notes,omitempty"`
	By      Address   `json:"by,omitempty"` // who added or last changed it
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Clone returns a deep copy of the contact.
func (c *Contact) Clone() *Contact {
	x := *c
	x.Emails = slices.Clone(c.Emails)
	x.Phones = slices.Clone(c.Phones)
	return &x
}

// sameData reports whether two contacts hold the same data (ids, times and
// authors aside).
func (c *Contact) sameData(o *Contact) bool {
	return c.Name == o.Name && slices.Equal(c.Emails, o.Emails) && slices.Equal(c.Phones, o.Phones) &&
		c.Company == o.Company && c.Title == o.Title && c.Notes == o.Notes
}

// Limits of a contact's fields.
const (
	MaxContactEmails = 10
	MaxContactPhones = 10
	maxContactName   = 128
	maxContactOrg    = 128
	maxContactTitle  = 64
	maxContactPhone  = 32
	maxContactNotes  = 2000
)

// ContactFields are a contact's fields as a person or a file gives them,
// not yet checked.
type ContactFields struct {
	Name    string
	Emails  []string
	Phones  []string
	Company string
	Title   string
	Notes   string
}

// CleanContact checks the fields and returns them as a contact (without id
// or times), or every problem found, each naming its field.
func CleanContact(f ContactFields) (*Contact, []RowError) {
	var probs []RowError
	bad := func(col, val string, err error) {
		probs = append(probs, rowErr(0, col, val, err))
	}
	c := &Contact{}
	for _, e := range f.Emails {
		if strings.TrimSpace(e) == "" {
			continue
		}
		a, problem := checkContactEmail(e)
		if problem != "" {
			bad("email", strings.TrimSpace(e), Invalidf("%s", problem))
			continue
		}
		if !slices.Contains(c.Emails, a) {
			c.Emails = append(c.Emails, a)
		}
		if len(c.Emails) > MaxContactEmails {
			break
		}
	}
	if len(c.Emails) > MaxContactEmails {
		bad("email", strings.Join(c.Emails, ";"), Invalidf("a contact may have at most %d email addresses", MaxContactEmails))
	}
	for _, p := range f.Phones {
		p = oneLine(p)
		if p == "" {
			continue
		}
		if problem := phoneProblem(p); problem != "" {
			bad("phone", p, Invalidf("%s", problem))
			continue
		}
		if !slices.Contains(c.Phones, p) {
			c.Phones = append(c.Phones, p)
		}
		if len(c.Phones) > MaxContactPhones {
			break
		}
	}
	if len(c.Phones) > MaxContactPhones {
		bad("phone", strings.Join(c.Phones, ";"), Invalidf("a contact may have at most %d phone numbers", MaxContactPhones))
	}
	name := oneLine(f.Name)
	if name == "" && len(c.Emails) > 0 {
		name = c.Emails[0]
	}
	switch {
	case name == "" && len(probs) == 0:
		bad("name", "", Invalidf("the contact has neither a name nor an email address; give at least one"))
	case name != "":
		if n := len([]rune(name)); n > maxContactName {
			bad("name", name, Invalidf("the name is %d characters long; at most %d are allowed", n, maxContactName))
		}
	}
	c.Name = name
	for _, x := range []struct {
		dst      *string
		src, col string
		max      int
	}{{&c.Company, f.Company, "company", maxContactOrg}, {&c.Title, f.Title, "title", maxContactTitle}} {
		v := oneLine(x.src)
		if n := len([]rune(v)); n > x.max {
			bad(x.col, v, Invalidf("it is %d characters long; at most %d are allowed", n, x.max))
		}
		*x.dst = v
	}
	notes := strings.ReplaceAll(f.Notes, "\r\n", "\n")
	notes = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, notes)
	notes = strings.TrimSpace(notes)
	if n := len([]rune(notes)); n > maxContactNotes {
		bad("notes", "", Invalidf("the notes are %d characters long; at most %d are allowed", n, maxContactNotes))
	}
	c.Notes = notes
	if len(probs) > 0 {
		return nil, probs
	}
	return c, nil
}

// oneLine turns control characters into spaces and runs of spaces into one.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// ParseContactEmail checks and normalises a customer's email address. It
// accepts what outside mail systems use in the part before the '@' (such as
// '+'), which ParseAddress refuses for the company's own mailboxes.
func ParseContactEmail(s string) (string, error) {
	a, problem := checkContactEmail(s)
	if problem != "" {
		return "", Invalidf("address %q: %s", s, problem)
	}
	return a, nil
}

func checkContactEmail(s string) (string, string) {
	t := strings.ToLower(strings.TrimSpace(width.Fold.String(s)))
	t = strings.TrimSuffix(strings.TrimPrefix(t, "mailto:"), ">")
	t = strings.TrimPrefix(t, "<")
	at := strings.LastIndexByte(t, '@')
	if at <= 0 || at == len(t)-1 {
		return "", "it is not an email address; write it like name@example.com"
	}
	local, domain := t[:at], t[at+1:]
	if len(local) > maxLocalLen {
		return "", fmt.Sprintf("the part before @ is %d characters long; at most %d are allowed", len(local), maxLocalLen)
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return "", "the part before @ may not start or end with a dot or hold two dots in a row"
	}
	for _, r := range local {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`()<>[]:;,\"@`, r) {
			return "", fmt.Sprintf("the part before @ holds %q, which an address may not hold", r)
		}
	}
	if p, idn := domainProblem(domain); idn != "" {
		return "", fmt.Sprintf("the domain must be typed in its ASCII (punycode) form; type %q instead", local+"@"+idn)
	} else if p != "" {
		return "", p
	}
	return local + "@" + domain, ""
}

func phoneProblem(p string) string {
	if n := len([]rune(p)); n > maxContactPhone {
		return fmt.Sprintf("it is %d characters long; at most %d are allowed", n, maxContactPhone)
	}
	digits := 0
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-() .#*/extEXT转", r):
		default:
			return fmt.Sprintf("it holds %q; a phone number holds digits, spaces and + - ( ) # *", r)
		}
	}
	if digits == 0 {
		return "it holds no digits"
	}
	return ""
}

// BookSharing says who besides the address book's managers may see the
// customer address book and who may change it (BOOK-1): whole departments
// (with their subtrees) and single members.
type BookSharing struct {
	ViewDepts   []DeptID  `json:"view_depts,omitempty"`
	ViewMembers []Address `json:"view_members,omitempty"`
	EditDepts   []DeptID  `json:"edit_depts,omitempty"`
	EditMembers []Address `json:"edit_members,omitempty"`
}

// BookView is a View that also reads the customer address book. The store's
// readers and write transactions implement it.
type BookView interface {
	View
	Contacts() ([]*Contact, error)
	Contact(id ContactID) (*Contact, error)
	// ContactByEmail finds the contact that holds an email address.
	ContactByEmail(email string) (ContactID, bool, error)
	BookSharing() (BookSharing, error)
}

// BookTx is a BookView that can also write the customer address book.
type BookTx interface {
	BookView
	Tx
	NewContactID() (ContactID, error)
	PutContact(*Contact) error
	DeleteContact(id ContactID) error
	PutBookSharing(BookSharing) error
}

// BookAccess is what an actor may do with the customer address book.
type BookAccess int

// The levels of access, each including the ones before.
const (
	BookNone   BookAccess = iota
	BookRead              // see and search the contacts
	BookEdit              // add, edit, delete and import contacts
	BookManage            // and choose who may see and edit (book.manage)
)

// Rights named in refusals of the customer address book. Only book.manage
// is held through a role; reading and editing are given by BookSharing.
const (
	RightBookRead Right = "book.read"
	RightBookEdit Right = "book.edit"
)

// CustomerBookAccess says what the actor may do with the customer address
// book: the holders of book.manage manage it; the departments and people it
// is shared with see it or edit it.
func CustomerBookAccess(v View, a Actor, s BookSharing) BookAccess {
	if Can(a, RightBookManage, nil, v) {
		return BookManage
	}
	if a.IsSystem() {
		return BookNone
	}
	var depts []DeptID
	if m, err := v.Member(a.Address); err == nil && m.Status == StatusActive {
		depts = m.Depts
	} else {
		return BookNone
	}
	in := func(members []Address, roots []DeptID) bool {
		if slices.Contains(members, a.Address) {
			return true
		}
		for _, d := range depts {
			for _, r := range roots {
				if v.Within(d, r) {
					return true
				}
			}
		}
		return false
	}
	switch {
	case in(s.EditMembers, s.EditDepts):
		return BookEdit
	case in(s.ViewMembers, s.ViewDepts):
		return BookRead
	}
	return BookNone
}

// AuthorizeBook returns nil when the actor may act on the customer address
// book at the level need, or a refusal that names the missing right.
func AuthorizeBook(v View, a Actor, need BookAccess) error {
	bv, ok := v.(BookView)
	if !ok {
		return fmt.Errorf("customer address book: the store cannot read it")
	}
	s, err := bv.BookSharing()
	if err != nil {
		return err
	}
	if CustomerBookAccess(v, a, s) >= need {
		return nil
	}
	who := string(a.Address)
	if who == "" {
		who = a.Name
	}
	switch need {
	case BookRead:
		return Forbiddenf("%s may not see the customer address book: it needs the right %s, given by an admin with book share --viewer or --editor; %s holds %s", who, RightBookRead, who, a.RoleNames(v))
	case BookEdit:
		return Forbiddenf("%s may not change the customer address book: it needs the right %s, given by an admin with book share --editor; %s holds %s", who, RightBookEdit, who, a.RoleNames(v))
	}
	return Authorize(a, RightBookManage, nil, v)
}

// ContactMatches reports whether a contact is found by a search query: by
// name (also its pinyin and initials), email, company, title or phone
// digits. An empty query finds every contact.
func ContactMatches(c *Contact, query string) bool {
	q := NormalizeQuery(query)
	if q == "" {
		return true
	}
	for _, s := range []string{c.Name, c.Company, c.Title} {
		if strings.Contains(NormalizeQuery(s), q) {
			return true
		}
	}
	for _, s := range []string{c.Name, c.Company} {
		for _, f := range PinyinForms(s) {
			if strings.HasPrefix(f, q) {
				return true
			}
		}
	}
	for _, e := range c.Emails {
		if strings.Contains(e, q) {
			return true
		}
	}
	if d := digitsOf(q); d != "" && len(d) == len(q) {
		for _, p := range c.Phones {
			if strings.Contains(digitsOf(p), d) {
				return true
			}
		}
	}
	return false
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// DeptMatches reports whether a department name is found by a search query:
// by the name or the pinyin and initials of its name, from their start.
func DeptMatches(name, query string) bool {
	q := NormalizeQuery(query)
	if q == "" {
		return false
	}
	if strings.HasPrefix(NormalizeQuery(name), q) {
		return true
	}
	for _, f := range PinyinForms(name) {
		if strings.HasPrefix(f, q) {
			return true
		}
	}
	return false
}

// SortContacts orders contacts by name (pinyin order for Chinese names, via
// less), then id.
func SortContacts(cs []*Contact, less func(a, b string) int) {
	slices.SortStableFunc(cs, func(a, b *Contact) int {
		if c := less(a.Name, b.Name); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// hasHan reports whether s holds Chinese characters.
func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}

// DirectoryFilter says which members the actor finds in the enterprise
// address book (ORG-8): when it is shared, every active member finds every
// active member (keep is nil); when it is not, only those who may read
// members find the members they may see.
func DirectoryFilter(v View, a Actor) (keep func(*Member) bool, err error) {
	e, err := v.Enterprise()
	if err != nil {
		return nil, err
	}
	if e.AddressBookShared {
		if a.IsSystem() {
			return nil, nil
		}
		if m, err := v.Member(a.Address); err == nil && m.Status == StatusActive {
			return nil, nil
		}
	}
	if HoldsAnywhere(a, RightMemberRead) {
		return func(m *Member) bool { return CanSee(a, m, v) }, nil
	}
	who := string(a.Address)
	if who == "" {
		who = a.Name
	}
	return nil, Forbiddenf("the enterprise address book is not shared: an admin shares it with org set --address-book shared; until then %s may see members only with the right %s, and holds %s", who, RightMemberRead, a.RoleNames(v))
}
