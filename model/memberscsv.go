package model

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"postroom/assets"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// MemberRow is one member as a CSV row holds it, syntax checked.
type MemberRow struct {
	Line        int      // 1-based line number in the file (header is line 1)
	Address     Address  // normalised by ParseAddress
	Name        string   // never empty
	Departments []string // department paths relative to the root, e.g. "销售部/华北大区"; "/" is the root; nil when the cell is empty
	Title       string
	Position    Position // an empty cell reads as PositionStaff
	EmployeeID  string
	Mobile      string
	Phone       string
	Gender      string // "", "male" or "female"
	Birthday    string // "" or YYYY-MM-DD
}

// RowError is one problem in one cell.
type RowError struct {
	Line   int    `json:"line"`   // 1-based line number in the file
	Column string `json:"column"` // the column key, such as "address"; "" for a problem with the whole row
	Value  string `json:"value"`  // the cell as the file holds it, trimmed
	Reason string `json:"reason"` // what is wrong and what to do
	// Err is the problem as a user error, when it was made as one: it is
	// told in the reader's language (ReasonIn). Reason is its English.
	Err error `json:"-"`
	// ColumnZH is the column's Chinese header name, when it is not the
	// member CSV's (In).
	ColumnZH string `json:"-"`
}

// rowErr is a problem with a cell, made as a user error.
func rowErr(line int, col, value string, err error) RowError {
	return RowError{Line: line, Column: col, Value: value, Reason: err.Error(), Err: err}
}

// String formats the problem for a report, e.g. `line 3, gender "x": ...`.
func (e RowError) String() string { return e.In("en") }

// ReasonIn is the reason in the language lang.
func (e RowError) ReasonIn(lang string) string {
	if e.Err != nil {
		return Localize(e.Err, lang)
	}
	return LocalizeText(e.Reason, lang)
}

// In formats the problem for a report in the language lang:
// `line 3, gender "x": ...`, or `第 3 行，性别 "x"：...` with the column's
// Chinese header name.
func (e RowError) In(lang string) string {
	if !assets.IsChinese(lang) {
		if e.Column == "" {
			return fmt.Sprintf("line %d: %s", e.Line, e.CellIn(lang))
		}
		return fmt.Sprintf("line %d, %s", e.Line, e.CellIn(lang))
	}
	if e.Column == "" {
		return fmt.Sprintf("第 %d 行：%s", e.Line, e.CellIn(lang))
	}
	return fmt.Sprintf("第 %d 行，%s", e.Line, e.CellIn(lang))
}

// CellIn is the problem without its line: `gender "x": ...`, or
// `性别 "x"：...`; the reason alone for a problem with the whole row.
func (e RowError) CellIn(lang string) string {
	reason := e.ReasonIn(lang)
	if e.Column == "" {
		return reason
	}
	if !assets.IsChinese(lang) {
		return fmt.Sprintf("%s %q: %s", e.Column, e.Value, reason)
	}
	col := e.ColumnZH
	for _, c := range MemberColumns() {
		if col == "" && c.Key == e.Column {
			col = c.ZH
		}
	}
	if col == "" {
		col = e.Column
	}
	return fmt.Sprintf("%s %q：%s", col, e.Value, reason)
}

// MembersCSV is what ReadMembersCSV found.
type MembersCSV struct {
	Encoding string      // EncodingUTF8, EncodingUTF8BOM or EncodingGB18030
	Columns  []string    // the column keys of the header row, in file order
	Rows     []MemberRow // the rows without problems, in file order
	Errors   []RowError  // every problem found, in file order
}

// The encodings ReadMembersCSV recognises.
const (
	EncodingUTF8    = "UTF-8"
	EncodingUTF8BOM = "UTF-8 with BOM"
	EncodingGB18030 = "GB18030"
)

// MemberColumn is one column of the member CSV.
type MemberColumn struct {
	Key      string   // the English header name, e.g. "address"
	ZH       string   // the Chinese header name, e.g. "邮箱"
	Aliases  []string // further header names accepted on import
	Required bool     // a file without this column is refused
}

// MemberColumns lists the columns of the member CSV in the order
// WriteMembersCSV writes them. Each call returns a fresh slice.
func MemberColumns() []MemberColumn {
	return []MemberColumn{
		{Key: "address", ZH: "邮箱", Aliases: []string{"邮箱地址", "email"}, Required: true},
		{Key: "name", ZH: "姓名", Required: true},
		{Key: "department", ZH: "部门"},
		{Key: "title", ZH: "职务"},
		{Key: "position", ZH: "岗位类别"},
		{Key: "employee_id", ZH: "工号"},
		{Key: "mobile", ZH: "手机"},
		{Key: "phone", ZH: "电话"},
		{Key: "gender", ZH: "性别"},
		{Key: "birthday", ZH: "生日"},
	}
}

const (
	maxMemberNameLen = 64 // characters in a member's name
	maxDeptNameLen   = 64 // characters in one department level
	utf8BOM          = "\ufeff"
)

// acceptedEncodings ends the messages about a file's encoding.
const acceptedEncodings = `the accepted encodings are UTF-8 (with or without BOM) and GB18030/GBK; in Excel choose "Save As" > "CSV UTF-8 (逗号分隔)"`

// scientificRE matches a number Excel turned into scientific notation, such as 1.38001E+10.
var scientificRE = regexp.MustCompile(`^[0-9](\.[0-9]+)?[eE]\+[0-9]+$`)

// ReadMembersCSV reads at most limit bytes of a member CSV. A problem with
// the whole file (size, encoding, header row) is returned as an ErrInvalid
// error; problems in rows are collected in Errors, and only rows without any
// problem are in Rows. Department paths are checked for syntax only.
func ReadMembersCSV(r io.Reader, limit int64) (*MembersCSV, error) {
	if limit <= 0 {
		return nil, errors.New("read member CSV: the size limit must be positive")
	}
	n := limit
	if n < math.MaxInt64 {
		n++
	}
	raw, err := io.ReadAll(io.LimitReader(r, n))
	if err != nil {
		return nil, fmt.Errorf("read member CSV: %w", err)
	}
	if int64(len(raw)) > limit {
		return nil, Invalidf("the file is larger than the limit of %s; split it into smaller files", byteCount(limit))
	}
	text, enc, err := decodeMembersCSV(raw)
	if err != nil {
		return nil, err
	}
	return parseMembersCSV(text, enc)
}

// decodeMembersCSV finds the encoding of raw and returns it as UTF-8 text.
func decodeMembersCSV(raw []byte) (string, string, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return "", "", Invalidf("the file is empty; its first line must be the header row, such as %s", exampleMemberHeader())
	}
	if bytes.HasPrefix(raw, []byte{0xff, 0xfe}) || bytes.HasPrefix(raw, []byte{0xfe, 0xff}) {
		return "", "", Invalidf(`the file is UTF-16 text (Excel's "Unicode Text"), not CSV; %s`, acceptedEncodings)
	}
	line := 1
	for i, b := range raw {
		switch {
		case b == '\n':
			line++
		case b == '\r' && (i+1 == len(raw) || raw[i+1] != '\n'):
			return "", "", Invalidf("line %d ends with a bare CR (old Mac line ends); save the file again as CSV: %s", line, acceptedEncodings)
		case b < 0x20 && b != '\t' && b != '\r', b == 0x7f:
			return "", "", Invalidf("the file is not a CSV text file: line %d holds the control byte 0x%02X; %s", line, b, acceptedEncodings)
		}
	}

	enc := EncodingUTF8
	if bytes.HasPrefix(raw, []byte(utf8BOM)) {
		raw = raw[len(utf8BOM):]
		enc = EncodingUTF8BOM
	}
	if utf8.Valid(raw) {
		return string(raw), enc, nil
	}
	lines := bytes.Split(raw, []byte("\n"))
	if enc == EncodingUTF8BOM {
		for i, l := range lines {
			if !utf8.Valid(l) {
				return "", "", Invalidf("line %d is not UTF-8 text, though the file starts with the UTF-8 byte-order mark: the file mixes encodings; save the whole file again in one encoding (%s)", i+1, acceptedEncodings)
			}
		}
	}

	// Not UTF-8, so every line must be GB18030, and no line UTF-8 text.
	dec := simplifiedchinese.GB18030.NewDecoder()
	var out strings.Builder
	firstGB, firstUTF8 := 0, 0
	for i, l := range lines {
		if i > 0 {
			out.WriteByte('\n')
		}
		if isASCIIText(string(l)) {
			out.Write(l)
			continue
		}
		isUTF8 := utf8.Valid(l)
		d, err := dec.Bytes(l)
		isGB := err == nil && !bytes.ContainsRune(d, utf8.RuneError)
		switch {
		case !isUTF8 && !isGB:
			return "", "", Invalidf("line %d is neither UTF-8 nor GB18030 text: the file is not a CSV text file or is damaged; %s", i+1, acceptedEncodings)
		case isUTF8 && firstUTF8 == 0:
			firstUTF8 = i + 1
		case !isUTF8 && firstGB == 0:
			firstGB = i + 1
		}
		out.Write(d)
	}
	if firstUTF8 > 0 {
		return "", "", Invalidf("the file mixes encodings: line %d is GB18030 (GBK) text but line %d is UTF-8; save the whole file again in one encoding (%s)", firstGB, firstUTF8, acceptedEncodings)
	}
	return out.String(), EncodingGB18030, nil
}

// parseMembersCSV reads the header row and checks every row of text.
func parseMembersCSV(text, enc string) (*MembersCSV, error) {
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, Invalidf("the file is empty; its first line must be the header row, such as %s", exampleMemberHeader())
	}
	if err != nil {
		return nil, Invalidf("the header row cannot be read (%v); it must be a plain row of column names, such as %s", err, exampleMemberHeader())
	}
	headerLine, _ := cr.FieldPos(0)
	index, keys, err := matchMemberHeader(header, headerLine)
	if err != nil {
		return nil, err
	}

	out := &MembersCSV{Encoding: enc, Columns: keys}
	c := rowChecker{index: index, width: len(keys), addrLine: map[Address]int{}, idLine: map[string]int{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			out.Errors = append(out.Errors, RowError{Line: pe.StartLine, Reason: csvProblem(pe)})
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read member CSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		row, problems, blank := c.check(line, rec)
		if blank {
			continue
		}
		out.Errors = append(out.Errors, problems...)
		if len(problems) == 0 {
			out.Rows = append(out.Rows, row)
		}
	}
	return out, nil
}

// matchMemberHeader maps each column key to its cell index in the header row
// and returns the keys in file order. Empty cells at the end of the header
// row are ignored (Excel writes them for formatted but empty columns).
func matchMemberHeader(header []string, line int) (map[string]int, []string, error) {
	n := len(header)
	for n > 0 && cleanHeader(header[n-1]) == "" {
		n--
	}
	cols := MemberColumns()
	index := map[string]int{}
	var keys, unknown, found []string
	for i, h := range header[:n] {
		name := cleanHeader(h)
		found = append(found, strconv.Quote(strings.TrimSpace(strings.TrimPrefix(h, utf8BOM))))
		if name == "" {
			return nil, nil, Invalidf("column %d of the header row (line %d) has no name; name it or delete the column; accepted columns: %s", i+1, line, acceptedMemberColumns())
		}
		if strings.Contains(name, "@") {
			return nil, nil, Invalidf("line %d looks like a member, not a header row; the first line must name the columns, such as %s", line, exampleMemberHeader())
		}
		key := memberColumnKey(cols, name)
		if key == "" {
			unknown = append(unknown, found[len(found)-1])
			continue
		}
		if j, dup := index[key]; dup {
			return nil, nil, Invalidf("the header row names the column %s twice (columns %d and %d); keep one of them", key, j+1, i+1)
		}
		index[key] = i
		keys = append(keys, key)
	}

	var problems []string
	if len(unknown) > 0 {
		p := fmt.Sprintf("the header row has unknown columns %s", strings.Join(unknown, ", "))
		if len(found) == 1 && strings.ContainsAny(header[0], ";\t") {
			p += " (columns must be separated by commas)"
		}
		problems = append(problems, p)
	}
	for _, c := range cols {
		if _, ok := index[c.Key]; c.Required && !ok {
			problems = append(problems, fmt.Sprintf("the required column %s (%s) is missing", c.Key, c.ZH))
		}
	}
	if len(problems) > 0 {
		return nil, nil, Invalidf("%s; the header row (line %d) holds %s; accepted columns: %s", strings.Join(problems, "; "), line, strings.Join(found, ", "), acceptedMemberColumns())
	}
	return index, keys, nil
}

// cleanHeader trims a header cell and lower-cases it; spaces and hyphens
// inside count as underscores, so "Employee ID" names employee_id.
func cleanHeader(h string) string {
	h = strings.TrimSpace(strings.TrimPrefix(h, utf8BOM))
	h = strings.ToLower(h)
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}

// memberColumnKey returns the key of the column the cleaned header name
// names, or "".
func memberColumnKey(cols []MemberColumn, name string) string {
	for _, c := range cols {
		if name == c.Key || name == strings.ToLower(c.ZH) {
			return c.Key
		}
		for _, a := range c.Aliases {
			if name == strings.ToLower(a) {
				return c.Key
			}
		}
	}
	return ""
}

// acceptedMemberColumns lists every accepted header name, e.g. "address/邮箱/...".
func acceptedMemberColumns() string {
	var all []string
	for _, c := range MemberColumns() {
		names := append([]string{c.Key, c.ZH}, c.Aliases...)
		all = append(all, strings.Join(names, "/"))
	}
	return strings.Join(all, ", ")
}

// exampleMemberHeader is a header row to show in messages.
func exampleMemberHeader() string {
	var en, zh []string
	for _, c := range MemberColumns() {
		en = append(en, c.Key)
		zh = append(zh, c.ZH)
	}
	return strings.Join(en, ",") + " or " + strings.Join(zh, ",")
}

// csvProblem says in words what is wrong with the quoting of a row.
func csvProblem(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine:
		return fmt.Sprintf("a quoted cell that starts here is not closed properly before line %d; add the missing closing quote (\") or double a quote inside the cell (\"\")", pe.Line)
	case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
		return "a quote (\") stands in the middle of a cell; put quotes only around a whole cell, and write a quote inside a quoted cell as \"\""
	}
	return fmt.Sprintf("the row cannot be read: %v", pe.Err)
}

// rowChecker checks the rows of one file and remembers which line first
// held each address and employee id.
type rowChecker struct {
	index    map[string]int // column key → cell index
	width    int            // number of named columns in the header
	addrLine map[Address]int
	idLine   map[string]int
}

// check checks one record. blank reports a row whose cells are all empty.
func (c *rowChecker) check(line int, rec []string) (row MemberRow, problems []RowError, blank bool) {
	cells := make([]string, len(rec))
	blank = true
	for i, v := range rec {
		cells[i] = strings.TrimSpace(v)
		if cells[i] != "" {
			blank = false
		}
	}
	if blank {
		return MemberRow{}, nil, true
	}
	extra := false
	for _, v := range cells[min(c.width, len(cells)):] {
		extra = extra || v != ""
	}
	if len(cells) < c.width || extra {
		return MemberRow{}, []RowError{rowErr(line, "", "", Invalidf("the row has %d cells but the header row has %d columns; give every row one cell per column (leave a cell empty rather than leaving it out)", len(cells), c.width))}, false
	}

	broken := map[string]bool{} // columns whose cell is already reported as unreadable
	bad := func(col, value string, err error) {
		if !broken[col] {
			problems = append(problems, rowErr(line, col, value, err))
		}
	}
	get := func(key string) string {
		i, ok := c.index[key]
		if !ok {
			return ""
		}
		v := unescapeFormula(cells[i])
		if strings.ContainsFunc(v, unicode.IsControl) {
			if strings.ContainsAny(v, "\r\n") {
				bad(key, v, Invalidf("the cell runs over several lines; remove the line breaks, or if a quote (\") opens the cell, check that it is closed"))
			} else {
				bad(key, v, Invalidf("the cell holds a tab or other control character; remove it"))
			}
			broken[key] = true
			return ""
		}
		return v
	}

	row.Line = line
	if v := get("address"); v == "" {
		bad("address", v, Invalidf("the address is empty; every member needs one, such as zhangsan@example.com"))
	} else if a, problem := checkAddress(v); problem != "" {
		bad("address", v, Invalidf("the address is not valid: %s", problem))
	} else if first, dup := c.addrLine[a]; dup {
		bad("address", v, Invalidf("the address %s already stands on line %d; list each member once", a, first))
	} else {
		c.addrLine[a] = line
		row.Address = a
	}

	row.Name = get("name")
	if row.Name == "" {
		bad("name", row.Name, Invalidf("the name is empty; give the member's name"))
	} else if n := utf8.RuneCountInString(row.Name); n > maxMemberNameLen {
		bad("name", row.Name, Invalidf("the name has %d characters; use at most %d", n, maxMemberNameLen))
	}

	dept := get("department")
	paths, reasons := parseDeptCell(dept)
	for _, r := range reasons {
		bad("department", dept, r)
	}
	row.Departments = paths

	row.Title = get("title")

	pos := get("position")
	p, err := ParsePosition(pos)
	if err != nil {
		if lp, lerr := ParsePosition(strings.ToLower(pos)); lerr == nil {
			p, err = lp, nil
		}
	}
	if err != nil {
		bad("position", pos, err)
	}
	row.Position = p

	row.EmployeeID = get("employee_id")
	if row.EmployeeID != "" {
		if first, dup := c.idLine[row.EmployeeID]; dup {
			bad("employee_id", row.EmployeeID, Invalidf("the employee id %s already stands on line %d; each member needs an id of their own", row.EmployeeID, first))
		} else {
			c.idLine[row.EmployeeID] = line
		}
	}
	row.Mobile = get("mobile")
	row.Phone = get("phone")
	for _, f := range []struct{ key, v string }{{"employee_id", row.EmployeeID}, {"mobile", row.Mobile}, {"phone", row.Phone}} {
		if scientificRE.MatchString(f.v) {
			bad(f.key, f.v, Invalidf("Excel turned the number into scientific notation; format the column as Text, type the numbers again and save"))
		}
	}

	g := get("gender")
	if row.Gender = parseGender(g); row.Gender == "" && g != "" {
		bad("gender", g, Invalidf("the gender is not understood; write male or female (男 or 女, M or F), or leave the cell empty"))
	}

	b := get("birthday")
	row.Birthday, err = parseBirthday(b)
	if err != nil {
		bad("birthday", b, err)
	}
	return row, problems, false
}

// parseDeptCell splits a department cell into normalised paths: several
// paths are separated by ';' (or the full-width '；'), levels by '/'; an
// empty path or "/" is the root.
func parseDeptCell(v string) (paths []string, problems []error) {
	seen := map[string]bool{}
	for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '；' }) {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		norm := "/"
		if inner := strings.Trim(p, "/"); strings.TrimSpace(inner) != "" {
			levels := strings.Split(inner, "/")
			var problem error
			for i, l := range levels {
				levels[i] = strings.TrimSpace(l)
				if n := utf8.RuneCountInString(levels[i]); levels[i] == "" {
					problem = Invalidf("the department path %q has an empty level between slashes; remove the extra '/' (write it like 销售部/华北大区)", p)
				} else if n > maxDeptNameLen && problem == nil {
					problem = Invalidf("the department name %q has %d characters; use at most %d", levels[i], n, maxDeptNameLen)
				}
			}
			if problem == nil && len(levels) > MaxDeptDepth {
				problem = Invalidf("the department path %q has %d levels; at most %d are allowed below the root", p, len(levels), MaxDeptDepth)
			}
			if problem != nil {
				problems = append(problems, problem)
				continue
			}
			norm = strings.Join(levels, "/")
		}
		if !seen[norm] {
			seen[norm] = true
			paths = append(paths, norm)
		}
	}
	return paths, problems
}

// parseGender accepts 男/女, M/F and male/female in any case and returns
// "male" or "female"; it returns "" for anything else.
func parseGender(v string) string {
	switch strings.ToLower(v) {
	case "男", "m", "male":
		return "male"
	case "女", "f", "female":
		return "female"
	}
	return ""
}

// parseBirthday accepts a date as YYYY-MM-DD, YYYY/M/D, YYYY-M-D, YYYY.M.D
// or YYYY年M月D日 and returns it as YYYY-MM-DD; "" stays "".
func parseBirthday(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	s := strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(v)
	parts := strings.Split(s, "-")
	form := Invalidf("the birthday is not a date; write it as YYYY-MM-DD, such as 1990-01-02")
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 {
		return "", form
	}
	var n [3]int
	for i, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return "", form
		}
		n[i], _ = strconv.Atoi(p)
	}
	y, m, d := n[0], n[1], n[2]
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return "", Invalidf("the birthday is not a real date (month 1-12, day within the month); write it as YYYY-MM-DD, such as 1990-01-02")
	}
	if y < 1900 || y > 2099 {
		return "", Invalidf("the birthday's year %d is out of range; check the year", y)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d), nil
}

// WriteMembersCSV writes the header and rows as UTF-8 with a BOM and CRLF
// line ends (Excel on Chinese Windows); chinese picks the Chinese header
// names, position names and gender words. A cell that Excel would take for
// a formula (starting with = + - or @) gets a leading apostrophe, which
// ReadMembersCSV strips again.
func WriteMembersCSV(w io.Writer, rows []MemberRow, chinese bool) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return fmt.Errorf("write member CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cols := MemberColumns()
	rec := make([]string, len(cols))
	for i, c := range cols {
		rec[i] = c.Key
		if chinese {
			rec[i] = c.ZH
		}
	}
	if err := cw.Write(rec); err != nil {
		return fmt.Errorf("write member CSV: %w", err)
	}
	for _, r := range rows {
		for i, c := range cols {
			rec[i] = escapeFormula(r.cell(c.Key, chinese))
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write member CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write member CSV: %w", err)
	}
	return nil
}

// cell returns the text of one column of the row for export.
func (r MemberRow) cell(key string, chinese bool) string {
	switch key {
	case "address":
		return string(r.Address)
	case "name":
		return r.Name
	case "department":
		return strings.Join(r.Departments, ";")
	case "title":
		return r.Title
	case "position":
		if chinese && r.Position.ZH() != "" {
			return r.Position.ZH()
		}
		return string(r.Position)
	case "employee_id":
		return r.EmployeeID
	case "mobile":
		return r.Mobile
	case "phone":
		return r.Phone
	case "gender":
		if chinese {
			switch r.Gender {
			case "male":
				return "男"
			case "female":
				return "女"
			}
		}
		return r.Gender
	case "birthday":
		return r.Birthday
	}
	return ""
}

// escapeFormula puts an apostrophe before a cell that Excel would run as a
// formula. Cells that already start with apostrophes before such a character
// get one more, so unescapeFormula gives back exactly the original.
func escapeFormula(v string) string {
	if rest := strings.TrimLeft(v, "'"); rest != "" && strings.ContainsRune("=+-@", rune(rest[0])) {
		return "'" + v
	}
	return v
}

// unescapeFormula removes the apostrophe escapeFormula added.
func unescapeFormula(v string) string {
	if rest := strings.TrimLeft(v, "'"); rest != v && rest != "" && strings.ContainsRune("=+-@", rune(rest[0])) {
		return v[1:]
	}
	return v
}

// byteCount formats a size for messages, e.g. "10 MB (10485760 bytes)".
func byteCount(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB (%d bytes)", float64(n)/(1<<20), n)
	}
	return fmt.Sprintf("%d bytes", n)
}
