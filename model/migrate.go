package model

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
)

// Mailbox migration (MAILFX-4): members' mail is pulled from the old
// server over IMAP into their Maildir, one to one by address. These are
// its pure parts: the list of members with their logins on the old server,
// the mapping of folders and flags, and the change that authorises and
// logs the migration of one mailbox.

// MigrationRow is one member to migrate: their address here, and their
// login and password on the old server.
type MigrationRow struct {
	Line     int
	Address  Address
	Login    string
	Password string
}

// MigrationJob is one run of a mailbox migration: the old server, how to
// connect to it (tls, starttls or plain), the batch task that records it,
// and the mailboxes.
type MigrationJob struct {
	Server   string
	Security string
	Batch    uint64
	Rows     []MigrationRow
}

// MigrationList is what ReadMigrationCSV found: the rows that are good and
// the problems of the others.
type MigrationList struct {
	Encoding string
	Rows     []MigrationRow
	Errors   []RowError
}

// migrationColumns names the columns of a migration CSV, each in English
// and Chinese.
var migrationColumns = []struct{ key, en, zh string }{
	{"address", "address", "邮箱"},
	{"login", "login", "登录名"},
	{"password", "password", "密码"},
}

// ReadMigrationCSV reads the list of mailboxes to migrate: a CSV (UTF-8,
// with or without BOM, or GB18030) whose header names the columns address
// (邮箱), login (登录名; imap_login and user are accepted too) and password
// (密码). An empty login means the address. Rows with problems are
// reported, the others kept; an address listed twice is a problem on its
// second line.
func ReadMigrationCSV(r io.Reader, limit int64) (*MigrationList, error) {
	raw, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > limit {
		return nil, Invalidf("the file is larger than %s: split it into several files", byteCount(limit))
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, Invalidf("the migration list is empty: its first line must be the header row address,login,password (邮箱,登录名,密码)")
	}
	text, enc, err := decodeMembersCSV(raw)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, Invalidf("the header row cannot be read: give address,login,password (邮箱,登录名,密码)")
	}
	index := map[string]int{}
	for i, h := range header {
		h = cleanHeader(h)
		for _, c := range migrationColumns {
			if h == c.en || h == c.zh || (c.key == "login" && (h == "imap_login" || h == "user" || h == "username")) {
				index[c.key] = i
			}
		}
	}
	if _, ok := index["address"]; !ok {
		return nil, Invalidf("the header row names no address (邮箱) column; give address,login,password (邮箱,登录名,密码)")
	}
	if _, ok := index["password"]; !ok {
		return nil, Invalidf("the header row names no password (密码) column; give address,login,password (邮箱,登录名,密码)")
	}
	out := &MigrationList{Encoding: enc}
	seen := map[Address]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				out.Errors = append(out.Errors, RowError{Line: pe.StartLine, Reason: csvProblem(pe)})
				continue
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		cell := func(key string) string {
			i, ok := index[key]
			if !ok || i >= len(rec) {
				return ""
			}
			return rec[i]
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		raw := strings.TrimSpace(cell("address"))
		addr, err := ParseAddress(raw)
		if err != nil {
			out.Errors = append(out.Errors, migrateRowErr(line, "address", raw, err))
			continue
		}
		if first, dup := seen[addr]; dup {
			out.Errors = append(out.Errors, migrateRowErr(line, "address", raw, Invalidf("listed again (first on line %d); list each mailbox once", first)))
			continue
		}
		seen[addr] = line
		login := strings.TrimSpace(cell("login"))
		if login == "" {
			login = string(addr)
		}
		pass := cell("password")
		if pass == "" {
			out.Errors = append(out.Errors, migrateRowErr(line, "password", "", Invalidf("the password on the old server is empty; fill it in")))
			continue
		}
		if strings.ContainsAny(login+pass, "\r\n\x00") {
			out.Errors = append(out.Errors, migrateRowErr(line, "login", "", Invalidf("the login or password holds a line break or NUL; an IMAP server accepts neither")))
			continue
		}
		out.Rows = append(out.Rows, MigrationRow{Line: line, Address: addr, Login: login, Password: pass})
	}
	return out, nil
}

// MaildirInfo maps a message's IMAP flags to the Maildir info flags of its
// file name (the letters after ":2,", in ASCII order): \Draft D, \Flagged
// F, $Forwarded P, \Answered R, \Seen S, \Deleted T. Other keywords have no
// Maildir letter and are left out; seen reports \Seen.
func MaildirInfo(flags []string) (info string, seen bool) {
	var letters []byte
	for _, f := range flags {
		var l byte
		switch strings.ToLower(f) {
		case `\draft`:
			l = 'D'
		case `\flagged`:
			l = 'F'
		case `$forwarded`:
			l = 'P'
		case `\answered`:
			l = 'R'
		case `\seen`:
			l, seen = 'S', true
		case `\deleted`:
			l = 'T'
		default:
			continue
		}
		if !slices.Contains(letters, l) {
			letters = append(letters, l)
		}
	}
	slices.Sort(letters)
	return string(letters), seen
}

// MigrationFolder maps an IMAP mailbox name (decoded from modified UTF-7)
// with its hierarchy delimiter to the Maildir++ folder it goes to: nil
// for INBOX (the main Maildir), else its levels, each a folder name. A '.'
// inside a level (the Maildir++ separator) becomes '_'. It refuses names
// that cannot name a folder.
func MigrationFolder(name string, delim rune) ([]string, error) {
	if strings.EqualFold(name, "INBOX") {
		return nil, nil
	}
	parts := []string{name}
	if delim != 0 {
		parts = strings.Split(name, string(delim))
	}
	var out []string
	for _, p := range parts {
		p = strings.TrimSpace(strings.ReplaceAll(p, ".", "_"))
		if p == "" {
			continue
		}
		if strings.ContainsAny(p, "/\\") || strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return nil, Invalidf("the folder %q cannot be a Maildir folder: its name holds '/', '\\' or a control character", name)
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, Invalidf("the folder %q cannot be a Maildir folder: its name is empty", name)
	}
	return out, nil
}

// MigrateMailbox authorises and logs the migration of one member's
// mailbox from an old server. It changes no directory data; the mail is
// written to the member's Maildir after it. It needs the import right over
// the member's departments. The operation log gets the server and the
// login, never the password.
type MigrateMailbox struct {
	Address Address
	Server  string
	Login   string
	Batch   uint64
}

// Op names the operation.
func (c *MigrateMailbox) Op() string { return "mail.migrate" }

// Target names the member.
func (c *MigrateMailbox) Target() string { return string(c.Address) }

// Authorize needs the import right over the member's departments.
func (c *MigrateMailbox) Authorize(v View, a Actor) error {
	_, scope, err := memberScope(v, c.Address)
	if err != nil {
		return err
	}
	return Authorize(a, RightImport, scope, v)
}

// Apply checks the member still has a mailbox and writes the log notes.
func (c *MigrateMailbox) Apply(tx Tx, env Env) error {
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	if m.Status == StatusReclaimed {
		return Conflictf("%s is a reclaimed leaver: a reclaimed mailbox takes no migrated mail", string(c.Address))
	}
	tx.Note("server", c.Server)
	tx.Note("login", c.Login)
	tx.Note("batch", itoa(int(c.Batch)))
	return nil
}

// migrateRowErr is a problem with a cell of the migration CSV, its column
// named in Chinese as the CSV's Chinese header names it.
func migrateRowErr(line int, col, value string, err error) RowError {
	e := rowErr(line, col, value, err)
	for _, c := range migrationColumns {
		if c.key == col {
			e.ColumnZH = c.zh
		}
	}
	return e
}
