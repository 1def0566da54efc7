package model

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// vProp is one property line of a vCard, unfolded: its name, parameters
// and raw value (still encoded and escaped).
type vProp struct {
	name   string              // upper case, without the group ("item1.")
	params map[string][]string // upper-case keys; 2.1's bare parameters under "TYPE" or "ENCODING"
	value  []byte
	line   int
}

// parseVCards reads every card of a vCard file (2.1, 3.0 or 4.0). Values
// in QUOTED-PRINTABLE or BASE64 are decoded, then turned into text by their
// CHARSET (GBK, GB2312, GB18030, Big5, UTF-8 …); values without a charset
// that are not UTF-8 are read as GB18030, as old Chinese phones wrote them.
func parseVCards(raw []byte) (*ContactsFile, error) {
	raw = bytes.TrimPrefix(raw, []byte(utf8BOM))
	lines := bytes.Split(raw, []byte("\n"))
	for i, l := range lines {
		lines[i] = bytes.TrimSuffix(l, []byte("\r"))
	}
	out := &ContactsFile{Format: "vcard", Unit: "card"}
	var versions []string
	var card []vProp
	inCard, cards, start := false, 0, 0
	outside := 0 // first line of text outside any card
	finish := func() {
		c, version, probs := vcardContact(card)
		if version != "" && !slices.Contains(versions, version) {
			versions = append(versions, version)
		}
		for _, p := range probs {
			p.Line = cards
			out.Errors = append(out.Errors, p)
		}
		if c != nil && len(probs) == 0 {
			out.Rows = append(out.Rows, ContactRow{Number: cards, Contact: c})
		}
	}
	for i := 0; i < len(lines); i++ {
		lineNo := i + 1
		l := lines[i]
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		// Folded lines go on with a space or a tab (RFC 2425, 6350).
		if i+1 < len(lines) && len(lines[i+1]) > 0 && (lines[i+1][0] == ' ' || lines[i+1][0] == '\t') {
			l = append([]byte(nil), l...)
			for i+1 < len(lines) && len(lines[i+1]) > 0 && (lines[i+1][0] == ' ' || lines[i+1][0] == '\t') {
				l = append(l, lines[i+1][1:]...)
				i++
			}
		}
		p, ok := parseVProp(l, lineNo)
		if ok && isQP(p) {
			// 2.1's quoted-printable soft line breaks: a value ending in '='
			// goes on in the next line.
			p.value = append([]byte(nil), p.value...) // it shares the file's bytes
			for bytes.HasSuffix(p.value, []byte("=")) && i+1 < len(lines) {
				i++
				p.value = append(p.value[:len(p.value)-1], bytes.TrimLeft(lines[i], " \t")...)
			}
		}
		switch {
		case ok && p.name == "BEGIN" && strings.EqualFold(strings.TrimSpace(string(p.value)), "VCARD"):
			if inCard {
				out.Errors = append(out.Errors, RowError{Line: cards, Reason: fmt.Sprintf("the card that starts on line %d has no END:VCARD before the next BEGIN:VCARD on line %d", start, lineNo)})
			}
			inCard, card, start = true, nil, lineNo
			cards++
		case ok && p.name == "END" && strings.EqualFold(strings.TrimSpace(string(p.value)), "VCARD"):
			if inCard {
				finish()
			}
			inCard, card = false, nil
		case inCard && ok:
			card = append(card, p)
		case inCard:
			out.Errors = append(out.Errors, RowError{Line: cards, Reason: fmt.Sprintf("line %d is not a vCard property (NAME:value)", lineNo)})
			// Skip the rest of the broken card.
			for i+1 < len(lines) && !bytes.HasPrefix(bytes.ToUpper(bytes.TrimSpace(lines[i+1])), []byte("END:VCARD")) &&
				!bytes.HasPrefix(bytes.ToUpper(bytes.TrimSpace(lines[i+1])), []byte("BEGIN:VCARD")) {
				i++
			}
			if i+1 < len(lines) && bytes.HasPrefix(bytes.ToUpper(bytes.TrimSpace(lines[i+1])), []byte("END:VCARD")) {
				i++
				inCard = false
			}
		default:
			if outside == 0 {
				outside = lineNo
			}
		}
	}
	if inCard {
		out.Errors = append(out.Errors, RowError{Line: cards, Reason: fmt.Sprintf("the card that starts on line %d has no END:VCARD; the file may be cut short", start)})
	}
	if cards == 0 {
		return nil, Invalidf("the file holds no vCard (no BEGIN:VCARD line)")
	}
	if outside > 0 {
		return nil, Invalidf("line %d stands outside any BEGIN:VCARD ... END:VCARD block: the file is not a vCard file or is damaged", outside)
	}
	slices.Sort(versions)
	out.Encoding = "vCard " + strings.Join(versions, ", ")
	if len(versions) == 0 {
		out.Encoding = "vCard"
	}
	return out, nil
}

// parseVProp splits "group.NAME;PARAM=a,b;BARE:value".
func parseVProp(l []byte, line int) (vProp, bool) {
	// The colon that ends the name and parameters is outside quotes.
	colon, quoted := -1, false
	for j, b := range l {
		if b == '"' {
			quoted = !quoted
		} else if b == ':' && !quoted {
			colon = j
			break
		}
	}
	if colon <= 0 {
		return vProp{}, false
	}
	head := string(l[:colon])
	parts := splitUnquoted(head, ';')
	name := strings.ToUpper(strings.TrimSpace(parts[0]))
	if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
		name = name[dot+1:]
	}
	if name == "" || strings.ContainsAny(name, " \t\"") {
		return vProp{}, false
	}
	p := vProp{name: name, params: map[string][]string{}, value: l[colon+1:], line: line}
	for _, pr := range parts[1:] {
		k, v, hasEq := strings.Cut(pr, "=")
		k = strings.ToUpper(strings.TrimSpace(k))
		if !hasEq {
			// 2.1: bare parameters are types or encodings.
			switch k {
			case "QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B":
				p.params["ENCODING"] = append(p.params["ENCODING"], k)
			default:
				p.params["TYPE"] = append(p.params["TYPE"], k)
			}
			continue
		}
		for _, x := range splitUnquoted(v, ',') {
			p.params[k] = append(p.params[k], strings.Trim(strings.TrimSpace(x), `"`))
		}
	}
	return p, true
}

// splitUnquoted splits s at sep outside double quotes.
func splitUnquoted(s string, sep byte) []string {
	var out []string
	quoted, from := false, 0
	for j := 0; j < len(s); j++ {
		switch {
		case s[j] == '"':
			quoted = !quoted
		case s[j] == sep && !quoted:
			out = append(out, s[from:j])
			from = j + 1
		}
	}
	return append(out, s[from:])
}

func isQP(p vProp) bool {
	for _, e := range p.params["ENCODING"] {
		if strings.EqualFold(e, "QUOTED-PRINTABLE") {
			return true
		}
	}
	return false
}

// text decodes the property's value into UTF-8: transfer encoding first,
// then the charset. It does not unescape.
func (p vProp) text() (string, string) {
	v := p.value
	for _, e := range p.params["ENCODING"] {
		switch strings.ToUpper(e) {
		case "QUOTED-PRINTABLE":
			v = decodeQP(v)
		case "BASE64", "B":
			d, err := base64.StdEncoding.DecodeString(string(bytes.Join(bytes.Fields(v), nil)))
			if err != nil {
				return "", fmt.Sprintf("line %d: the BASE64 value of %s cannot be decoded", p.line, p.name)
			}
			v = d
		}
	}
	if cs := p.params["CHARSET"]; len(cs) > 0 && !strings.EqualFold(cs[0], "utf-8") {
		enc, err := htmlindex.Get(cs[0])
		if err != nil {
			return "", fmt.Sprintf("line %d: the charset %q of %s is unknown; use UTF-8, GBK, GB2312, GB18030 or Big5", p.line, cs[0], p.name)
		}
		d, err := enc.NewDecoder().Bytes(v)
		if err != nil || !utf8.Valid(d) {
			return "", fmt.Sprintf("line %d: the value of %s is not %s text", p.line, p.name, cs[0])
		}
		return string(d), ""
	}
	if utf8.Valid(v) {
		return string(v), ""
	}
	d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(v)
	if err != nil || !utf8.Valid(d) || bytes.ContainsRune(d, utf8.RuneError) {
		return "", fmt.Sprintf("line %d: the value of %s is neither UTF-8 nor GB18030 text; save the file again as UTF-8", p.line, p.name)
	}
	return string(d), ""
}

// decodeQP decodes quoted-printable leniently: a '=' not followed by two
// hex digits stays as it is.
func decodeQP(v []byte) []byte {
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if v[i] == '=' && i+2 < len(v) {
			if h, ok := unhex(v[i+1]); ok {
				if l, ok := unhex(v[i+2]); ok {
					out = append(out, h<<4|l)
					i += 2
					continue
				}
			}
		}
		out = append(out, v[i])
	}
	return out
}

func unhex(b byte) (byte, bool) {
	switch {
	case b >= '0' && b <= '9':
		return b - '0', true
	case b >= 'a' && b <= 'f':
		return b - 'a' + 10, true
	case b >= 'A' && b <= 'F':
		return b - 'A' + 10, true
	}
	return 0, false
}

// vSplit splits a structured value at unescaped sep and unescapes each part.
func vSplit(s string, sep byte) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
		case c == sep:
			out = append(out, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(out, b.String())
}

// vUnescape unescapes a text value.
func vUnescape(s string) string { return vSplit(s, 0)[0] }

// vcardContact makes a contact of one card's properties.
func vcardContact(props []vProp) (*Contact, string, []RowError) {
	var f ContactFields
	var probs []RowError
	var version, family, given string
	for _, p := range props {
		if p.name == "VERSION" {
			version = strings.TrimSpace(string(p.value))
			switch version {
			case "2.1", "3.0", "4.0":
			default:
				probs = append(probs, RowError{Reason: fmt.Sprintf("line %d: vCard version %q is not one of 2.1, 3.0 and 4.0", p.line, version)})
			}
			continue
		}
		switch p.name {
		case "FN", "N", "EMAIL", "TEL", "ORG", "TITLE", "NOTE":
		default:
			continue // photos, addresses, birthdays … are not kept
		}
		t, problem := p.text()
		if problem != "" {
			probs = append(probs, RowError{Reason: problem})
			continue
		}
		switch p.name {
		case "FN":
			f.Name = vUnescape(t)
		case "N":
			parts := vSplit(t, ';')
			family = strings.TrimSpace(parts[0])
			if len(parts) > 1 {
				given = strings.TrimSpace(parts[1])
			}
		case "EMAIL":
			f.Emails = append(f.Emails, vUnescape(t))
		case "TEL":
			v := vUnescape(t)
			v = strings.TrimPrefix(strings.TrimPrefix(v, "tel:"), "TEL:")
			f.Phones = append(f.Phones, v)
		case "ORG":
			var units []string
			for _, u := range vSplit(t, ';') {
				if u = strings.TrimSpace(u); u != "" {
					units = append(units, u)
				}
			}
			f.Company = strings.Join(units, " / ")
		case "TITLE":
			f.Title = vUnescape(t)
		case "NOTE":
			f.Notes = vUnescape(t)
		}
	}
	if strings.TrimSpace(f.Name) == "" {
		switch {
		case hasHan(family + given):
			f.Name = family + given
		default:
			f.Name = strings.TrimSpace(given + " " + family)
		}
	}
	if len(probs) > 0 {
		return nil, version, probs
	}
	c, more := CleanContact(f)
	return c, version, more
}

// WriteVCards writes contacts as vCard 4.0 (RFC 6350): UTF-8, CRLF, lines
// folded at 75 bytes without splitting a character.
func WriteVCards(w io.Writer, cs []*Contact) error {
	for _, c := range cs {
		if err := writeVCard(w, vcardOut{fn: c.Name, emails: c.Emails, tels: c.Phones, org: c.Company, title: c.Title, note: c.Notes}); err != nil {
			return err
		}
	}
	return nil
}

// WriteDirectoryVCards writes the enterprise address book as vCard 4.0, the
// company and the first department as each card's organisation.
func WriteDirectoryVCards(w io.Writer, company string, es []DirectoryEntry) error {
	for _, e := range es {
		o := vcardOut{fn: e.Name, emails: []string{string(e.Address)}, title: e.Title, org: company, units: e.Departments}
		if e.Mobile != "" {
			o.tels = append(o.tels, e.Mobile)
			o.telTypes = append(o.telTypes, "cell")
		}
		if e.Phone != "" {
			o.tels = append(o.tels, e.Phone)
			o.telTypes = append(o.telTypes, "work")
		}
		if err := writeVCard(w, o); err != nil {
			return err
		}
	}
	return nil
}

type vcardOut struct {
	fn, org, title, note string
	units, emails, tels  []string
	telTypes             []string // TYPE of each of tels; none when shorter
}

func writeVCard(w io.Writer, c vcardOut) error {
	var b strings.Builder
	line := func(s string) { foldLine(&b, s) }
	line("BEGIN:VCARD")
	line("VERSION:4.0")
	line("FN:" + vEscape(c.fn))
	for _, e := range c.emails {
		line("EMAIL:" + vEscape(e))
	}
	for i, t := range c.tels {
		typ := ""
		if i < len(c.telTypes) {
			typ = ";TYPE=" + c.telTypes[i]
		}
		line("TEL;VALUE=text" + typ + ":" + vEscape(t))
	}
	if c.org != "" || len(c.units) > 0 {
		parts := []string{vEscape(c.org)}
		if len(c.units) > 0 {
			parts = append(parts, vEscape(c.units[0]))
		}
		line("ORG:" + strings.Join(parts, ";"))
	}
	if c.title != "" {
		line("TITLE:" + vEscape(c.title))
	}
	if c.note != "" {
		line("NOTE:" + vEscape(c.note))
	}
	line("END:VCARD")
	_, err := io.WriteString(w, b.String())
	return err
}

// vEscape escapes a text value (RFC 6350 3.4).
func vEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`, ",", `\,`, ";", `\;`).Replace(s)
}

// foldLine writes s with CRLF, folded so no line exceeds 75 bytes.
func foldLine(b *strings.Builder, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if cut == 0 {
			cut = limit // not UTF-8: cut anywhere rather than loop
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
