package model

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Subscriber import from CSV (LIST-2): `list import LIST FILE`.
//
// One row per outside address: the address and, optionally, the person's
// name. The file is read like the member CSV (UTF-8 with or without BOM,
// or GB18030; English or Chinese column names). Every row is checked
// first, against the file (a malformed address, one given twice) and
// against the list (already subscribed, waiting for its confirmation,
// unsubscribed, removed after bouncing: nobody who left is brought back by
// an import, only by asking again), and the import is applied in one
// transaction or not at all. Without an attestation each imported address
// becomes unconfirmed and is mailed the double opt-in confirmation; with
// one (the admin attests that the people agreed elsewhere) they are
// subscribed at once, and each subscriber and the operation log name who
// attested.

// SubscriberColumns lists the columns of the subscriber CSV.
func SubscriberColumns() []CSVColumn {
	return []CSVColumn{
		{Key: "address", ZH: "邮箱", Aliases: []string{"email", "e_mail", "email_address", "邮箱地址", "电子邮件", "电子邮箱", "邮件地址", "地址"}, Required: true},
		{Key: "name", ZH: "姓名", Aliases: []string{"full_name", "display_name", "名称", "名字"}},
	}
}

// SubscriberRow is one row of a subscriber CSV, syntax checked.
type SubscriberRow struct {
	Line    int
	Address string // as ParseContactEmail normalises it
	Name    string // "" when the cell is empty
}

// SubscribersCSV is what ReadSubscribersCSV found.
type SubscribersCSV struct {
	Encoding string
	Rows     []SubscriberRow
	Errors   []RowError
}

// maxSubscriberNameLen is how many characters a subscriber's name may hold.
const maxSubscriberNameLen = 64

// ReadSubscribersCSV reads at most limit bytes of a subscriber CSV. A
// problem with the whole file is returned as an error; problems in rows
// (a malformed address or name, an address given twice) are collected in
// Errors, their reasons in the language lang, and only rows without any
// problem are in Rows.
func ReadSubscribersCSV(r io.Reader, limit int64, lang string) (*SubscribersCSV, error) {
	if limit <= 0 {
		return nil, errors.New("read subscriber CSV: the size limit must be positive")
	}
	n := limit
	if n < math.MaxInt64 {
		n++
	}
	raw, err := io.ReadAll(io.LimitReader(r, n))
	if err != nil {
		return nil, fmt.Errorf("read subscriber CSV: %w", err)
	}
	if int64(len(raw)) > limit {
		return nil, Invalidf("the file is larger than the limit of %s; split it into smaller files", byteCount(limit))
	}
	text, enc, err := decodeMembersCSV(raw)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, Invalidf("the header row cannot be read; it must be a plain row of column names, such as %s", exampleSubscriberHeader())
	}
	index, err := matchSubscriberHeader(header)
	if err != nil {
		return nil, err
	}
	out := &SubscribersCSV{Encoding: enc}
	seen := map[string]int{}
	bad := func(line int, col, v string, e error) {
		out.Errors = append(out.Errors, RowError{Line: line, Column: col, Value: v, Reason: Localize(e, lang)})
	}
	err = eachCSVRow(cr, "subscriber CSV", &out.Errors, func(line int, rec []string) {
		cell := func(key string) string { return csvCell(index, rec, key) }
		row, ok := SubscriberRow{Line: line}, true
		v := cell("address")
		switch a, err := ParseContactEmail(v); {
		case v == "":
			bad(line, "address", v, Invalidf("the address is empty; give an email address such as name@example.com"))
			ok = false
		case err != nil:
			bad(line, "address", v, err)
			ok = false
		case seen[a] > 0:
			bad(line, "address", v, Invalidf("line %d already gives the address %s; give each address once", seen[a], a))
			ok = false
		default:
			seen[a] = line
			row.Address = a
		}
		if v := cell("name"); v != "" {
			if name, err := CleanName("name", v, maxSubscriberNameLen); err != nil {
				bad(line, "name", v, err)
				ok = false
			} else {
				row.Name = name
			}
		}
		if ok {
			out.Rows = append(out.Rows, row)
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// matchSubscriberHeader maps each column key to its cell in the header row.
func matchSubscriberHeader(header []string) (map[string]int, error) {
	n := len(header)
	for n > 0 && cleanHeader(header[n-1]) == "" {
		n--
	}
	index := map[string]int{}
	var unknown, found []string
	for i, h := range header[:n] {
		name := cleanHeader(h)
		found = append(found, strconv.Quote(strings.TrimSpace(strings.TrimPrefix(h, utf8BOM))))
		if strings.Contains(name, "@") {
			return nil, Invalidf("the first line looks like an address, not a header row; the first line must name the columns, such as %s", exampleSubscriberHeader())
		}
		key := ""
		for _, c := range SubscriberColumns() {
			if c.names(name) {
				key = c.Key
			}
		}
		if key == "" {
			unknown = append(unknown, strconv.Quote(strings.TrimSpace(strings.TrimPrefix(h, utf8BOM))))
			continue
		}
		if j, dup := index[key]; dup {
			return nil, Invalidf("the header row names the column %s twice (columns %d and %d); keep one of them", key, j+1, i+1)
		}
		index[key] = i
	}
	if _, ok := index["address"]; !ok || len(unknown) > 0 {
		return nil, Invalidf("the header row must name the column address and may name name, nothing else; it names %s; accepted columns: %s", strings.Join(found, ", "), acceptedSubscriberColumns())
	}
	return index, nil
}

func acceptedSubscriberColumns() string { return acceptedColumns(SubscriberColumns()) }

func exampleSubscriberHeader() string { return "address,name or 邮箱,姓名" }

// subscriberImportChunk is how many addresses one change of an import
// writes (one operation-log record each); the chunks of one file are
// applied in one transaction.
const subscriberImportChunk = 1000

// SubscriberImportPlan is what a subscriber CSV turns into.
type SubscriberImportPlan struct {
	Changes []Change
	Errors  []RowError
	// Rows is how many addresses the plan subscribes (confirmed) or asks
	// to confirm.
	Rows int
}

// PlanSubscriberImport checks the rows of f against the list (reasons in
// the language lang) and turns them into ImportSubscribers changes of at
// most 1,000 addresses each, in address order. Every problem found is in Errors; the changes
// are then not to be applied.
func PlanSubscriberImport(v ListView, list Address, f *SubscribersCSV, confirmed bool, file, lang string) (*SubscriberImportPlan, error) {
	l, err := v.MailingList(list)
	if err != nil {
		return nil, err
	}
	p := &SubscriberImportPlan{}
	var rows []SubscriberRow
	for _, r := range f.Rows {
		old, ok, err := v.Subscriber(l.Address, r.Address)
		if err != nil {
			return nil, err
		}
		if ok {
			if e := importConflict(l, old); e != nil {
				p.Errors = append(p.Errors, RowError{Line: r.Line, Column: "address", Value: r.Address, Reason: Localize(e, lang)})
				continue
			}
		}
		rows = append(rows, r)
	}
	if room := MaxSubscribers - l.Counts.Subscribed - l.Counts.Unconfirmed; len(rows) > room && len(p.Errors) == 0 {
		p.Errors = append(p.Errors, RowError{Reason: Localize(Conflictf("the file adds %d addresses, but the list %s has room for %d more (at most %d); split the file or remove addresses", len(rows), l.Address, room, MaxSubscribers), lang)})
	}
	// In address order: the subscribers' keys are then appended to their
	// bucket, not inserted all over one node (quadratic in one transaction).
	slices.SortFunc(rows, func(a, b SubscriberRow) int { return strings.Compare(a.Address, b.Address) })
	for i := 0; i < len(rows); i += subscriberImportChunk {
		chunk := rows[i:min(len(rows), i+subscriberImportChunk)]
		p.Changes = append(p.Changes, &ImportSubscribers{List: l.Address, Rows: chunk, Confirmed: confirmed, File: file})
	}
	p.Rows = len(rows)
	return p, nil
}

// importConflict is why an address already on the list cannot be
// imported, or nil.
func importConflict(l *MailingList, s *Subscriber) error {
	switch s.Status {
	case SubSubscribed:
		return Existsf("%s is already subscribed to the list %s", s.Address, l.Address)
	case SubUnconfirmed:
		return Existsf("%s already asked to subscribe to the list %s and has not confirmed yet; it is mailed no second confirmation", s.Address, l.Address)
	case SubUnsubscribed:
		return Conflictf("%s unsubscribed from the list %s on %s; it is not subscribed again unless it asks again (by mail to %s)", s.Address, l.Address, DayOf(s.Left), ListTagAddress(l.Address, ListTagSubscribe))
	case SubBouncing:
		return Conflictf("%s was taken off the list %s on %s after its mail bounced; correct the address, or add it by hand (list subscriber add) once it works again", s.Address, l.Address, DayOf(s.Left))
	}
	return nil
}

// ImportSubscribers subscribes the rows of an import, all or nothing
// (LIST-2). Without Confirmed each address becomes unconfirmed with a new
// confirmation token and is queued for its confirmation mail (the relay
// sends it); with Confirmed the acting admin attests that the people
// agreed elsewhere, and they are subscribed at once.
type ImportSubscribers struct {
	List      Address
	Rows      []SubscriberRow
	Confirmed bool
	File      string
}

// Op names the operation.
func (c *ImportSubscribers) Op() string { return "list.import" }

// Target names the list.
func (c *ImportSubscribers) Target() string { return string(c.List) }

// Authorize needs list.manage over the whole company.
func (c *ImportSubscribers) Authorize(v View, a Actor) error { return listScope(v, a) }

// Apply writes the subscribers; an address that reached the list since
// the file was checked fails the whole import.
func (c *ImportSubscribers) Apply(tx Tx, env Env) error {
	lt, l, err := listOf(tx, c.List)
	if err != nil {
		return err
	}
	if len(c.Rows) == 0 {
		return nil
	}
	if l.Counts.Subscribed+l.Counts.Unconfirmed+len(c.Rows) > MaxSubscribers {
		return Conflictf("the list %s has reached %d subscribers; it takes no more", l.Address, MaxSubscribers)
	}
	for _, r := range c.Rows {
		addr, err := ParseContactEmail(r.Address)
		if err != nil {
			return err
		}
		old, ok, err := lt.Subscriber(l.Address, addr)
		if err != nil {
			return err
		}
		if ok {
			if e := importConflict(l, old); e != nil {
				return fmt.Errorf("line %d: %w", r.Line, e)
			}
		}
		s := &Subscriber{List: l.Address, Address: addr, Name: r.Name, Requested: env.Now, Via: "import"}
		if ok {
			s.Left = old.Left
		}
		if s.Key, err = subscriberKey(env, old, ok); err != nil {
			return err
		}
		if c.Confirmed {
			s.Status, s.Confirmed, s.Attested = SubSubscribed, env.Now, env.Actor.Address
		} else {
			if s.Token, err = NewListToken(env); err != nil {
				return err
			}
			s.Status = SubUnconfirmed
		}
		if err := lt.PutSubscriber(s); err != nil {
			return err
		}
		if !c.Confirmed {
			if err := lt.QueueConfirmation(l.Address, addr); err != nil {
				return err
			}
		}
	}
	tx.Note("file", c.File)
	tx.Note("rows", fmt.Sprintf("%d addresses, %s to %s", len(c.Rows), c.Rows[0].Address, c.Rows[len(c.Rows)-1].Address))
	if c.Confirmed {
		tx.Note("consent", fmt.Sprintf("attested by %s: the people agreed elsewhere; subscribed without a confirmation mail", env.Actor.Address))
		return lt.CountListDay(l.Address, ListDay{Day: DayOf(env.Now), Subscribed: len(c.Rows)})
	}
	tx.Note("consent", "double opt-in: each address is mailed a confirmation and stays unconfirmed until it replies")
	return nil
}

// NewListToken makes a random confirmation token (ListTokenLen hex
// digits) from env's randomness.
func NewListToken(env Env) (string, error) {
	if env.Rand == nil {
		return "", errors.New("list token: no source of randomness")
	}
	b := make([]byte, ListTokenLen/2)
	if _, err := io.ReadFull(env.Rand, b); err != nil {
		return "", fmt.Errorf("list token: %w", err)
	}
	const hexDigits = "0123456789abcdef"
	out := make([]byte, 0, ListTokenLen)
	for _, x := range b {
		out = append(out, hexDigits[x>>4], hexDigits[x&15])
	}
	return string(out), nil
}
