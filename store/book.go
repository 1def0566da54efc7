package store

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"postroom/model"
)

// The customer address book (BOOK-1):
//
//	contacts      contact id → model.Contact
//	contactemail  email → contact id                 (each email on one contact)
//	meta          "contactseq" → next contact id; "booksharing" → model.BookSharing

func cid8(id model.ContactID) []byte { return u64(uint64(id)) }

// Contact returns one contact of the customer address book.
func (r *Reader) Contact(id model.ContactID) (*model.Contact, error) {
	c, err := getJSON[model.Contact](r.tx, bContacts, cid8(id))
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, model.NotFoundf("there is no contact %d in the customer address book; book list shows the ids", int(id))
	}
	return c, nil
}

// Contacts lists the customer address book in id order.
func (r *Reader) Contacts() ([]*model.Contact, error) {
	return listJSON[model.Contact](r.tx, bContacts)
}

// ContactByEmail finds the contact that holds an email address.
func (r *Reader) ContactByEmail(email string) (model.ContactID, bool, error) {
	raw := r.tx.Bucket(bContactEmail).Get([]byte(email))
	if len(raw) != 8 {
		return 0, false, nil
	}
	return model.ContactID(binary.BigEndian.Uint64(raw)), true, nil
}

// BookSharing says whom the customer address book is shared with.
func (r *Reader) BookSharing() (model.BookSharing, error) {
	s, err := getJSON[model.BookSharing](r.tx, bMeta, []byte("booksharing"))
	if err != nil || s == nil {
		return model.BookSharing{}, err
	}
	return *s, nil
}

// SortedContacts lists the contacts a query finds (all for ""), by name in
// Chinese collation order (pinyin).
func (r *Reader) SortedContacts(query string) ([]*model.Contact, error) {
	all, err := r.Contacts()
	if err != nil {
		return nil, err
	}
	var out []*model.Contact
	for _, c := range all {
		if model.ContactMatches(c, query) {
			out = append(out, c)
		}
	}
	col := collate.New(language.Chinese)
	model.SortContacts(out, col.CompareString)
	return out, nil
}

// Directory lists the enterprise address book (ORG-8): the active members
// keep accepts, found by query (name, pinyin, initials, address, phone,
// department name or its pinyin; "" for everyone), by name in Chinese
// collation order.
func (r *Reader) Directory(query string, keep func(*model.Member) bool) ([]model.DirectoryEntry, error) {
	active := func(m *model.Member) bool {
		return m.Status == model.StatusActive && (keep == nil || keep(m))
	}
	var ms []*model.Member
	var err error
	if query == "" {
		ms, err = r.Members(MemberFilter{Keep: active})
	} else {
		ms, err = r.Search(query, 0, active)
		if err != nil {
			return nil, err
		}
		seen := map[model.Address]bool{}
		for _, m := range ms {
			seen[m.Address] = true
		}
		depts, derr := r.Depts()
		if derr != nil {
			return nil, derr
		}
		for _, d := range depts {
			if d.ID == model.RootDept || !model.DeptMatches(d.Name, query) {
				continue
			}
			in, err := r.Members(MemberFilter{Dept: d.ID, Recursive: true, Keep: active})
			if err != nil {
				return nil, err
			}
			for _, m := range in {
				if !seen[m.Address] {
					seen[m.Address] = true
					ms = append(ms, m)
				}
			}
		}
	}
	if err != nil {
		return nil, err
	}
	out := make([]model.DirectoryEntry, 0, len(ms))
	for _, m := range ms {
		e := model.DirectoryEntry{Name: m.Name, Address: m.Address, Title: m.Title, Mobile: m.Mobile, Phone: m.Phone, Departments: []string{}}
		for _, d := range m.Depts {
			e.Departments = append(e.Departments, r.DeptPath(d))
		}
		out = append(out, e)
	}
	col := collate.New(language.Chinese)
	sortEntries(out, col)
	return out, nil
}

func sortEntries(es []model.DirectoryEntry, col *collate.Collator) {
	slices.SortStableFunc(es, func(a, b model.DirectoryEntry) int {
		if c := col.CompareString(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(string(a.Address), string(b.Address))
	})
}

// NewContactID allocates a contact id.
func (w *writeTx) NewContactID() (model.ContactID, error) {
	meta := w.tx.Bucket(bMeta)
	next := uint64(1)
	if raw := meta.Get([]byte("contactseq")); raw != nil {
		next = binary.BigEndian.Uint64(raw)
	}
	if err := meta.Put([]byte("contactseq"), u64(next+1)); err != nil {
		return 0, err
	}
	return model.ContactID(next), nil
}

// PutContact writes a contact and its email index.
func (w *writeTx) PutContact(c *model.Contact) error {
	old, err := getJSON[model.Contact](w.tx, bContacts, cid8(c.ID))
	if err != nil {
		return err
	}
	idx := w.tx.Bucket(bContactEmail)
	if old != nil {
		for _, e := range old.Emails {
			if err := idx.Delete([]byte(e)); err != nil {
				return err
			}
		}
	}
	for _, e := range c.Emails {
		if raw := idx.Get([]byte(e)); raw != nil && binary.BigEndian.Uint64(raw) != uint64(c.ID) {
			return fmt.Errorf("put contact %d: %s belongs to contact %d", c.ID, e, binary.BigEndian.Uint64(raw))
		}
		if err := idx.Put([]byte(e), cid8(c.ID)); err != nil {
			return err
		}
	}
	w.record("contact", strconv.FormatUint(uint64(c.ID), 10), old, c)
	w.event("book", strconv.FormatUint(uint64(c.ID), 10))
	return w.put(bContacts, cid8(c.ID), c)
}

// DeleteContact removes a contact and its email index.
func (w *writeTx) DeleteContact(id model.ContactID) error {
	old, err := getJSON[model.Contact](w.tx, bContacts, cid8(id))
	if err != nil || old == nil {
		return err
	}
	for _, e := range old.Emails {
		if err := w.tx.Bucket(bContactEmail).Delete([]byte(e)); err != nil {
			return err
		}
	}
	w.record("contact", strconv.FormatUint(uint64(id), 10), old, nil)
	w.event("book", strconv.FormatUint(uint64(id), 10))
	return w.tx.Bucket(bContacts).Delete(cid8(id))
}

// PutBookSharing writes whom the customer address book is shared with.
func (w *writeTx) PutBookSharing(s model.BookSharing) error {
	old, _ := w.BookSharing()
	w.record("book", "sharing", old, s)
	w.event("book", "sharing")
	return w.put(bMeta, []byte("booksharing"), s)
}
