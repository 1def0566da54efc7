package model

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// ContactsFile is what ReadContacts found in a contacts file.
type ContactsFile struct {
	Format   string       // "csv" or "vcard"
	Encoding string       // for CSV: EncodingUTF8, EncodingUTF8BOM or EncodingGB18030; for vCard: "vCard 2.1", "vCard 3.0, 4.0" …
	Unit     string       // what Number counts: "row" (the CSV line) or "card" (the vCard's place in the file)
	Rows     []ContactRow // the rows or cards without problems, in file order
	Errors   []RowError   // every problem found, Line holding the row or card number, in file order
	// Ignored are the CSV's columns that hold nothing a contact keeps (an
	// Outlook export's dozens), as the header row names them.
	Ignored []string
}

// ContactRow is one contact as a file holds it, checked by CleanContact.
type ContactRow struct {
	Number  int // the CSV line (the header is line 1) or the card's number (from 1)
	Contact *Contact
}

// ContactColumn is one column of the contacts CSV.
type ContactColumn struct {
	Key     string   // the English header name
	ZH      string   // the Chinese header name
	Aliases []string // further header names accepted on import (Outlook's and phones' exports)
	Export  bool     // written by WriteContactsCSV
}

// ContactColumns lists the columns of the contacts CSV, those written in
// the order WriteContactsCSV writes them. Email and phone cells may hold
// several values separated by ';'.
func ContactColumns() []ContactColumn {
	return []ContactColumn{
		{Key: "name", ZH: "姓名", Aliases: []string{"联系人", "full_name", "display_name", "名称"}, Export: true},
		{Key: "email", ZH: "邮箱", Aliases: []string{"e_mail", "email_address", "e_mail_address", "电子邮件", "邮件地址", "邮箱地址", "电子邮箱"}, Export: true},
		{Key: "phone", ZH: "电话", Aliases: []string{"telephone", "business_phone", "电话号码", "办公电话"}, Export: true},
		{Key: "mobile", ZH: "手机", Aliases: []string{"mobile_phone", "手机号", "手机号码"}},
		{Key: "company", ZH: "公司", Aliases: []string{"organization", "organisation", "单位", "公司名称"}, Export: true},
		{Key: "title", ZH: "职务", Aliases: []string{"job_title", "职位"}, Export: true},
		{Key: "notes", ZH: "备注", Aliases: []string{"note", "notes_text"}, Export: true},
		{Key: "first_name", ZH: "名", Aliases: []string{"given_name"}},
		{Key: "last_name", ZH: "姓", Aliases: []string{"family_name", "surname"}},
	}
}

// ReadContacts reads at most limit bytes of a contacts file: vCard (2.1,
// 3.0 or 4.0) when it starts with BEGIN:VCARD, CSV otherwise. A problem
// with the whole file is returned as an ErrInvalid error and nothing is to
// be imported; problems of single rows or cards are in Errors.
func ReadContacts(r io.Reader, limit int64) (*ContactsFile, error) {
	if limit <= 0 {
		return nil, errors.New("read contacts: the size limit must be positive")
	}
	n := limit
	if n < math.MaxInt64 {
		n++
	}
	raw, err := io.ReadAll(io.LimitReader(r, n))
	if err != nil {
		return nil, fmt.Errorf("read contacts: %w", err)
	}
	if int64(len(raw)) > limit {
		return nil, Invalidf("the file is larger than the limit of %s; split it into smaller files", byteCount(limit))
	}
	head := bytes.TrimLeft(bytes.TrimPrefix(raw, []byte(utf8BOM)), " \t\r\n")
	if len(head) == 0 {
		return nil, Invalidf("the file is empty; give a CSV whose first line is the header row (book template prints one) or a vCard file")
	}
	if len(head) >= 11 && strings.EqualFold(string(head[:11]), "BEGIN:VCARD") {
		return parseVCards(raw)
	}
	return readContactsCSV(raw)
}

func readContactsCSV(raw []byte) (*ContactsFile, error) {
	text, enc, err := decodeMembersCSV(raw)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, Invalidf("the header row cannot be read (%v); it must be a plain row of column names, such as %s", err, exampleContactHeader())
	}
	index, ignored, err := matchContactHeader(header)
	if err != nil {
		return nil, err
	}
	out := &ContactsFile{Format: "csv", Encoding: enc, Unit: "row", Ignored: ignored}
	err = eachCSVRow(cr, "contacts", &out.Errors, func(line int, rec []string) {
		cell := func(key string) string { return csvCell(index, rec, key) }
		name := cell("name")
		if name == "" {
			first, last := oneLine(cell("first_name")), oneLine(cell("last_name"))
			if hasHan(first + last) {
				name = last + first
			} else {
				name = strings.TrimSpace(first + " " + last)
			}
		}
		f := ContactFields{Name: name, Emails: splitList(cell("email")),
			Phones:  append(splitList(cell("mobile")), splitList(cell("phone"))...),
			Company: cell("company"), Title: cell("title"), Notes: cell("notes")}
		c, probs := CleanContact(f)
		for _, p := range probs {
			p.Line = line
			out.Errors = append(out.Errors, p)
		}
		if c != nil {
			out.Rows = append(out.Rows, ContactRow{Number: line, Contact: c})
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// splitList splits a cell holding several values separated by ';' (or '；',
// ',' and '，' as people type them).
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' || r == ',' || r == '，' })
}

// matchContactHeader maps each known column to its cell index and lists
// the columns it does not know, which the import leaves out.
func matchContactHeader(header []string) (map[string]int, []string, error) {
	cols := ContactColumns()
	index := map[string]int{}
	var ignored []string
	for i, h := range header {
		name := cleanHeader(h)
		if name == "" {
			continue
		}
		if strings.Contains(name, "@") {
			return nil, nil, Invalidf("the first line looks like a contact, not a header row; the first line must name the columns, such as %s", exampleContactHeader())
		}
		key := ""
		for _, c := range cols {
			if name == c.Key || name == strings.ToLower(c.ZH) || contains(c.Aliases, name) {
				key = c.Key
				break
			}
		}
		if key == "" {
			ignored = append(ignored, strings.TrimSpace(strings.TrimPrefix(h, utf8BOM)))
			continue
		}
		if j, dup := index[key]; dup {
			return nil, nil, Invalidf("the header row names the column %s twice (columns %d and %d); keep one of them", key, j+1, i+1)
		}
		index[key] = i
	}
	found := false
	for _, k := range []string{"name", "email", "first_name", "last_name"} {
		if _, ok := index[k]; ok {
			found = true
		}
	}
	if !found {
		return nil, nil, Invalidf("the header row names neither name (姓名) nor email (邮箱); accepted columns: %s", acceptedContactColumns())
	}
	return index, ignored, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func acceptedContactColumns() string {
	var all []string
	for _, c := range ContactColumns() {
		all = append(all, c.Key+"/"+c.ZH)
	}
	return strings.Join(all, ", ")
}

func exampleContactHeader() string {
	var en, zh []string
	for _, c := range ContactColumns() {
		if c.Export {
			en = append(en, c.Key)
			zh = append(zh, c.ZH)
		}
	}
	return strings.Join(en, ",") + " or " + strings.Join(zh, ",")
}

// WriteContactsCSV writes the header and the contacts as UTF-8 with a BOM
// and CRLF line ends, which Excel opens correctly; chinese picks the Chinese
// header names. Several emails or phones share a cell, separated by ';'. A
// cell Excel would run as a formula gets a leading apostrophe, which
// ReadContacts strips again. With no contacts it is the import template.
func WriteContactsCSV(w io.Writer, cs []*Contact, chinese bool) error {
	var rows [][]string
	for _, c := range cs {
		rows = append(rows, []string{c.Name, strings.Join(c.Emails, ";"), strings.Join(c.Phones, ";"), c.Company, c.Title, c.Notes})
	}
	var header []string
	for _, c := range ContactColumns() {
		if c.Export {
			header = append(header, pick(chinese, c.ZH, c.Key))
		}
	}
	return writeExcelCSV(w, header, rows)
}

// DirectoryEntry is one member as the enterprise address book shows them (ORG-8).
type DirectoryEntry struct {
	Name        string   `json:"name"`
	Address     Address  `json:"address"`
	Departments []string `json:"departments"`
	Title       string   `json:"title,omitempty"`
	Mobile      string   `json:"mobile,omitempty"`
	Phone       string   `json:"phone,omitempty"`
}

// WriteDirectoryCSV writes the enterprise address book as CSV the way
// WriteContactsCSV writes contacts (UTF-8 with BOM, CRLF, formulas escaped).
func WriteDirectoryCSV(w io.Writer, es []DirectoryEntry, chinese bool) error {
	header := []string{pick(chinese, "姓名", "name"), pick(chinese, "邮箱", "address"), pick(chinese, "部门", "department"),
		pick(chinese, "职务", "title"), pick(chinese, "手机", "mobile"), pick(chinese, "电话", "phone")}
	var rows [][]string
	for _, e := range es {
		rows = append(rows, []string{e.Name, string(e.Address), strings.Join(e.Departments, ";"), e.Title, e.Mobile, e.Phone})
	}
	return writeExcelCSV(w, header, rows)
}

func pick(chinese bool, zh, en string) string {
	if chinese {
		return zh
	}
	return en
}

func writeExcelCSV(w io.Writer, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	for _, r := range rows {
		rec := make([]string, len(r))
		for i, v := range r {
			rec[i] = escapeFormula(v)
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}
