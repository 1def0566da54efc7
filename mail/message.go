package mail

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/charset" // GBK, GB2312, GB18030 and the other charsets of Chinese mail
	"github.com/emersion/go-message/textproto"
	"golang.org/x/text/encoding/simplifiedchinese"

	"postroom/model"
)

// wordDecoder decodes RFC 2047 encoded words in every charset go-message
// knows, GBK and GB18030 included.
var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// HeaderFacts are what the relay reads from a message's header.
type HeaderFacts struct {
	// From is the first From address: normalised by model.ParseAddress
	// when it passes model's rules, else lower-cased as written (so it
	// never equals a member's address by accident); "" when none could be
	// read. FromRaw is the addr-spec exactly as written.
	From      model.Address
	FromRaw   string
	FromName  string // its display name, decoded
	Subject   string // decoded (RFC 2047, raw GBK bytes too)
	MessageID string // without the angle brackets
	HeaderEnd int    // offset of the body's first byte: just after the blank line, or len(body)
}

// ParseHeader reads the header of a raw message (CRLF lines). It returns the
// facts it could read and an error when the header itself is malformed (a
// line without a colon, a first line that is a continuation); an absent or
// malformed From or Message-ID is not an error, only a zero field.
func ParseHeader(body []byte) (HeaderFacts, error) {
	end := headerLength(body)
	f := HeaderFacts{HeaderEnd: end}
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(body[:end])))
	if err != nil && !errors.Is(err, io.EOF) {
		return f, fmt.Errorf("read the message header: %w", err)
	}
	if err != nil {
		// The last header line has no line break: keep what was read.
		err = nil
	}
	f.Subject = decodeText(h.Get("Subject"))
	if v := h.Get("From"); v != "" {
		f.FromRaw, f.FromName = parseFrom(v)
		if f.FromRaw != "" {
			if a, err := model.ParseAddress(f.FromRaw); err == nil {
				f.From = a
			} else {
				f.From = model.Address(strings.ToLower(f.FromRaw))
			}
		}
	}
	f.MessageID = strings.TrimSpace(strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>"))
	return f, nil
}

// headerLength returns the offset just after the blank line that ends the
// header (CRLF or bare LF), or len(b) when there is none.
func headerLength(b []byte) int {
	pos := 0
	for pos < len(b) {
		nl := bytes.IndexByte(b[pos:], '\n')
		if nl < 0 {
			return len(b)
		}
		line := b[pos : pos+nl]
		if len(line) == 0 || (len(line) == 1 && line[0] == '\r') {
			return pos + nl + 1
		}
		pos += nl + 1
	}
	return len(b)
}

// decodeText decodes a header value: RFC 2047 encoded words in any charset,
// and raw 8-bit GBK/GB18030 that some Chinese mail programs still send.
func decodeText(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	if d, err := wordDecoder.DecodeHeader(v); err == nil {
		v = d
	}
	if !utf8.ValidString(v) {
		v = fromGB18030(v)
	}
	return v
}

// fromGB18030 reads text of unknown 8-bit charset as GB18030 (a superset of
// GBK and GB2312), or as UTF-8 with the bad bytes replaced when that fails.
func fromGB18030(s string) string {
	if d, err := simplifiedchinese.GB18030.NewDecoder().String(s); err == nil && utf8.ValidString(d) {
		return d
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// parseFrom returns the first address of a From value and its decoded name.
func parseFrom(v string) (addr, name string) {
	p := netmail.AddressParser{WordDecoder: wordDecoder}
	if list, err := p.ParseList(v); err == nil && len(list) > 0 {
		return list[0].Address, decodeText(list[0].Name)
	}
	// Lenient: the text between the last angle brackets, or the whole value.
	if i := strings.LastIndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			a := strings.TrimSpace(v[i+1 : i+j])
			if strings.Count(a, "@") == 1 && !strings.ContainsAny(a, " \t\"") {
				return a, decodeText(strings.Trim(strings.TrimSpace(v[:i]), `"`))
			}
		}
		return "", ""
	}
	a := strings.TrimSpace(v)
	if strings.Count(a, "@") == 1 && !strings.ContainsAny(a, " \t\"<>") {
		return a, ""
	}
	return "", ""
}

// maxPartRead bounds the bytes read from one text part for an excerpt.
const maxPartRead = 1 << 20

// TextExcerpt returns at most max bytes of the message's readable text, for
// keyword rules: the decoded text of its text/plain parts (or, where a
// multipart/alternative has none, of its text/html parts with the tags
// stripped), attachments skipped. Base64 and quoted-printable bodies and the
// GBK family of charsets are decoded. It never fails: what cannot be read is
// left out.
func TextExcerpt(body []byte, max int) string {
	if max <= 0 {
		return ""
	}
	if text, ok := plainBody(body); ok {
		x := &excerpt{max: max}
		x.add(text)
		return x.b.String()
	}
	return mimeExcerpt(body, max)
}

// mimeExcerpt is TextExcerpt through go-message's MIME reader.
func mimeExcerpt(body []byte, max int) string {
	// An unknown charset or transfer encoding still yields the entity.
	e, _ := gomessage.Read(bytes.NewReader(body))
	if e == nil {
		return ""
	}
	x := &excerpt{max: max}
	x.entity(e, 0)
	return x.b.String()
}

// excerpt collects text up to max bytes.
type excerpt struct {
	b   strings.Builder
	max int
}

func (x *excerpt) full() bool { return x.b.Len() >= x.max }

// add appends text, cut at a character boundary so the total stays within max.
func (x *excerpt) add(s string) {
	s = strings.TrimSpace(s)
	if s == "" || x.full() {
		return
	}
	if x.b.Len() > 0 {
		x.b.WriteByte('\n')
	}
	room := x.max - x.b.Len()
	if len(s) > room {
		s = s[:room]
		for len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	x.b.WriteString(s)
}

// maxMIMEDepth bounds the nesting of multiparts that the helpers follow.
const maxMIMEDepth = 10

func (x *excerpt) entity(e *gomessage.Entity, depth int) {
	if x.full() || depth > maxMIMEDepth {
		return
	}
	t := partMediaType(e.Header.Get("Content-Type"))
	if mr := e.MultipartReader(); mr != nil {
		if t == "multipart/alternative" {
			x.alternative(mr, depth)
			return
		}
		for !x.full() {
			p, err := mr.NextPart()
			if p == nil || (err != nil && !gomessage.IsUnknownCharset(err)) {
				return
			}
			x.entity(p, depth+1)
		}
		return
	}
	if isAttachmentPart(e.Header.Get("Content-Disposition")) {
		return
	}
	switch t {
	case "text/plain":
		x.add(readText(e))
	case "text/html":
		x.add(stripTags(readText(e)))
	}
}

// alternative takes the first text/plain part, or else the first text/html
// one, or else the first nested multipart that yields text.
func (x *excerpt) alternative(mr gomessage.MultipartReader, depth int) {
	var plain, htm string
	for plain == "" {
		p, err := mr.NextPart()
		if p == nil || (err != nil && !gomessage.IsUnknownCharset(err)) {
			break
		}
		switch t := partMediaType(p.Header.Get("Content-Type")); {
		case isAttachmentPart(p.Header.Get("Content-Disposition")):
		case t == "text/plain":
			plain = readText(p)
		case t == "text/html" && htm == "":
			htm = stripTags(readText(p))
		case strings.HasPrefix(t, "multipart/") && htm == "":
			sub := &excerpt{max: x.max}
			sub.entity(p, depth+1)
			htm = sub.b.String()
		}
	}
	if strings.TrimSpace(plain) != "" {
		x.add(plain)
	} else {
		x.add(htm)
	}
}

// mediaType returns the lower-case media type of a Content-Type value;
// text/plain when there is none (RFC 2045 5.2), "" when it is malformed.
func partMediaType(v string) string {
	if strings.TrimSpace(v) == "" {
		return "text/plain"
	}
	t, _, err := mime.ParseMediaType(v)
	if err != nil {
		if i := strings.IndexByte(v, ';'); i >= 0 {
			v = v[:i]
		}
		return strings.ToLower(strings.TrimSpace(v))
	}
	return t
}

func isAttachmentPart(disposition string) bool {
	d, _, _ := mime.ParseMediaType(disposition)
	return d == "attachment"
}

// plainBody is the text of a message that is a single text/plain part in
// UTF-8 or ASCII with no transfer encoding, read straight from the body as
// readText would give it; ok is false for any other message (then it goes
// through go-message). Most mail the keyword rules read is like this, and
// the short way costs a fraction of the parse.
func plainBody(body []byte) (text string, ok bool) {
	end := headerLength(body)
	header := body[:end]
	for len(header) > 0 {
		nl := bytes.IndexByte(header, '\n')
		if nl < 0 {
			nl = len(header) - 1
		}
		line := header[:nl+1]
		header = header[nl+1:]
		// The field with its continuation lines.
		for len(header) > 0 && (header[0] == ' ' || header[0] == '\t') {
			nl := bytes.IndexByte(header, '\n')
			if nl < 0 {
				nl = len(header) - 1
			}
			line = append(line[:len(line):len(line)], header[:nl+1]...)
			header = header[nl+1:]
		}
		name, value, found := bytes.Cut(line, []byte(":"))
		if !found {
			continue
		}
		switch strings.ToLower(string(bytes.TrimSpace(name))) {
		case "content-type":
			t, params, err := mime.ParseMediaType(string(bytes.TrimSpace(value)))
			if err != nil || t != "text/plain" {
				return "", false
			}
			if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "us-ascii" && cs != "utf8" {
				return "", false
			}
		case "content-transfer-encoding":
			if cte := strings.ToLower(string(bytes.TrimSpace(value))); cte != "7bit" && cte != "8bit" && cte != "" {
				return "", false
			}
		case "content-disposition":
			return "", false
		}
	}
	b := body[end:]
	if len(b) > maxPartRead {
		b = b[:maxPartRead]
	}
	if !utf8.Valid(b) {
		return "", false // perhaps GBK without a charset: the long way decodes it
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), true
}

// readText reads a part's body, already decoded by go-message from its
// transfer encoding and charset, as valid UTF-8 with LF line breaks.
func readText(e *gomessage.Entity) string {
	b, _ := io.ReadAll(io.LimitReader(e.Body, maxPartRead))
	s := string(b)
	if !utf8.ValidString(s) {
		s = fromGB18030(s)
	}
	return strings.ReplaceAll(s, "\r\n", "\n")
}

var (
	htmlDropRe  = regexp.MustCompile(`(?is)<(script|style|head|title)\b.*?</(script|style|head|title)\s*>|<!--.*?-->`)
	htmlBreakRe = regexp.MustCompile(`(?i)<(br|/p|/div|/tr|/li|/h[1-6])\b[^>]*>`)
	htmlTagRe   = regexp.MustCompile(`(?s)<[^>]*>`)
	spacesRe    = regexp.MustCompile(`[ \t\r\f\v\x{00a0}\x{3000}]+`)
	newlinesRe  = regexp.MustCompile(`\s*\n\s*`)
)

// stripTags turns HTML into plain text, crudely: scripts, styles and
// comments dropped, block ends made line breaks, other tags removed,
// entities decoded, white space squeezed.
func stripTags(s string) string {
	s = htmlDropRe.ReplaceAllString(s, " ")
	s = htmlBreakRe.ReplaceAllString(s, "\n")
	s = htmlTagRe.ReplaceAllString(s, " ")
	s = html.UnescapeString(s)
	s = spacesRe.ReplaceAllString(s, " ")
	s = newlinesRe.ReplaceAllString(s, "\n")
	return strings.TrimSpace(s)
}

// AddTraceHeaders returns body with a Received: field holding received (the
// field's value, e.g. Received.String()) prepended, folded to lines of at
// most 78 characters. CR, LF and other control characters in received
// become spaces.
func AddTraceHeaders(body []byte, received string) []byte {
	field := foldField("Received", received)
	out := make([]byte, 0, len(field)+len(body))
	out = append(out, field...)
	return append(out, body...)
}

// foldField formats "Name: value\r\n", the value's control characters made
// spaces, folded at spaces so lines stay within 78 characters where the
// words allow it.
func foldField(name, value string) string {
	value = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, value)
	words := strings.Fields(value)
	var b strings.Builder
	b.WriteString(name + ":")
	lineLen := b.Len()
	for i, w := range words {
		if i > 0 && lineLen+1+len(w) > 78 {
			b.WriteString("\r\n\t")
			lineLen = 1
		} else {
			b.WriteByte(' ')
			lineLen++
		}
		b.WriteString(w)
		lineLen += len(w)
	}
	b.WriteString("\r\n")
	return b.String()
}

// AddContactLine adds line, the contact details of the member who really
// sent a message from a shared mailbox (SEND-7), at the end of the
// message's text: text/plain parts get it as a last line, text/html parts
// as a paragraph before </body>. A single-part message, every part of a
// multipart/alternative and the first part of a multipart/mixed or
// multipart/related (recursively) are changed; attachments, signed or
// encrypted parts and parts in an unknown charset or transfer encoding are
// left as they are. A changed part keeps its transfer encoding (base64 and
// quoted-printable are re-encoded; 7bit becomes base64 when the line is not
// ASCII) and its text becomes UTF-8. Everything around the changed parts is
// kept byte for byte. Lines end in CRLF. SetSender adds the Sender: header
// that goes with it.
func AddContactLine(body []byte, line string) []byte {
	line = singleLine(line)
	if line == "" {
		return body
	}
	return addToText(body, addition{text: line + "\r\n", html: "<p>" + html.EscapeString(line) + "</p>\r\n", blankBefore: true})
}

// addition is what addToText puts at the end of a message's text: text
// (CRLF lines, ending in CRLF) for text/plain parts, html for text/html
// parts. blankBefore puts a blank line before the text. present, when set,
// says whether a part's decoded text already holds it (it is then not
// added twice).
type addition struct {
	text        string
	html        string
	blankBefore bool
	present     func(decoded string, isHTML bool) bool
	// skip, when set, leaves a message whose top header it accepts alone.
	skip func(h textproto.Header) bool
}

// addToText adds a to the text parts of body (see AddContactLine for
// which parts) and returns the new message, or body itself when no part
// took it.
func addToText(body []byte, a addition) []byte {
	end := headerLength(body)
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(body[:end])))
	if err != nil {
		return body // a header we cannot read: leave the message alone
	}
	if end == len(body) && !bytes.HasSuffix(body, []byte("\n\n")) && !bytes.HasSuffix(body, []byte("\n\r\n")) {
		return body // no blank line after the header: no body to add to
	}
	if a.skip != nil && a.skip(h) {
		return body
	}
	nb, ok := contactInEntity(&h, body[end:], a, 0)
	if !ok {
		return body
	}
	var out bytes.Buffer
	out.Grow(end + len(nb) + 128)
	if err := textproto.WriteHeader(&out, h); err != nil {
		return body
	}
	out.Write(nb)
	return out.Bytes()
}

// SetSender sets the Sender: header of a message to the member who really
// sent it (RFC 5322 3.6.2: From is the shared mailbox, Sender the person),
// replacing any Sender: the client gave. The rest of the message is kept
// byte for byte.
func SetSender(body []byte, sender model.Address, name string) []byte {
	field := senderField(sender, name)
	end := headerLength(body)
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(body[:end])))
	if err != nil {
		return append([]byte(field), body...)
	}
	h.Del("Sender")
	h.AddRaw([]byte(field))
	var out bytes.Buffer
	out.Grow(len(body) + len(field))
	if err := textproto.WriteHeader(&out, h); err != nil {
		return append([]byte(field), body...)
	}
	out.Write(body[end:])
	return out.Bytes()
}

// singleLine makes s one line of text: control characters become spaces.
func singleLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// senderField formats a Sender: field with an RFC 2047 encoded name.
func senderField(addr model.Address, name string) string {
	a := netmail.Address{Name: singleLine(name), Address: string(addr)}
	return foldField("Sender", a.String())
}

// contactInEntity adds line to the entity with header h and body b. It
// returns the new body (h changed in place where the part's Content-Type or
// Content-Transfer-Encoding must change) and whether anything was added.
func contactInEntity(h *textproto.Header, b []byte, line addition, depth int) ([]byte, bool) {
	if depth > maxMIMEDepth {
		return nil, false
	}
	ct := h.Get("Content-Type")
	mt, params := "text/plain", map[string]string{}
	if strings.TrimSpace(ct) != "" {
		var err error
		if mt, params, err = mime.ParseMediaType(ct); err != nil {
			return nil, false
		}
	}
	if isAttachmentPart(h.Get("Content-Disposition")) {
		return nil, false
	}
	switch {
	case mt == "multipart/signed" || mt == "multipart/encrypted":
		return nil, false
	case strings.HasPrefix(mt, "multipart/"):
		return contactInMultipart(mt, params["boundary"], b, line, depth)
	case mt == "text/plain" || mt == "text/html":
		return contactInText(h, mt, params, b, line)
	}
	return nil, false
}

// contactInMultipart adds line to the parts of a multipart body: every part
// of a multipart/alternative, the first part of any other kind.
func contactInMultipart(mt, boundary string, b []byte, line addition, depth int) ([]byte, bool) {
	if boundary == "" {
		return nil, false
	}
	mp, ok := splitMultipart(b, boundary)
	if !ok {
		return nil, false
	}
	changed := false
	for i, p := range mp.parts {
		if i > 0 && mt != "multipart/alternative" {
			break
		}
		end := headerLength(p)
		ph, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(p[:end])))
		if err != nil {
			continue
		}
		pb := p[end:]
		if end == len(p) && !bytes.HasSuffix(p, []byte("\n\n")) {
			continue // a part without the blank line after its header
		}
		nb, ok := contactInEntity(&ph, pb, line, depth+1)
		if !ok {
			continue
		}
		var buf bytes.Buffer
		if err := textproto.WriteHeader(&buf, ph); err != nil {
			continue
		}
		buf.Write(nb)
		mp.parts[i] = buf.Bytes()
		changed = true
	}
	if !changed {
		return nil, false
	}
	return mp.join(), true
}

// multipartSplit is a multipart body cut at its delimiter lines, so that the
// parts can be replaced and the rest kept byte for byte.
type multipartSplit struct {
	head  []byte   // preamble and the first delimiter line
	parts [][]byte // each part's header and body
	tails [][]byte // after each part: the line break and the next delimiter line (the last: the close delimiter and the epilogue)
}

func (m *multipartSplit) join() []byte {
	n := len(m.head)
	for i := range m.parts {
		n += len(m.parts[i]) + len(m.tails[i])
	}
	out := make([]byte, 0, n)
	out = append(out, m.head...)
	for i := range m.parts {
		out = append(out, m.parts[i]...)
		out = append(out, m.tails[i]...)
	}
	return out
}

// splitMultipart cuts b at the delimiter lines of boundary (RFC 2046 5.1.1).
// It reports false unless there is at least one part and a close delimiter.
func splitMultipart(b []byte, boundary string) (*multipartSplit, bool) {
	dash := []byte("--" + boundary)
	type delim struct{ start, end int }
	var opens []delim
	closeAt := -1
	for pos := 0; pos < len(b); {
		nl := bytes.IndexByte(b[pos:], '\n')
		end := len(b)
		if nl >= 0 {
			end = pos + nl + 1
		}
		l := bytes.TrimRight(b[pos:end], "\r\n")
		if bytes.HasPrefix(l, dash) {
			rest := l[len(dash):]
			if bytes.HasPrefix(rest, []byte("--")) {
				closeAt = pos
				break
			}
			if len(bytes.TrimRight(rest, " \t")) == 0 {
				opens = append(opens, delim{pos, end})
			}
		}
		pos = end
	}
	if len(opens) == 0 || closeAt < 0 {
		return nil, false
	}
	m := &multipartSplit{head: b[:opens[0].end]}
	for i, d := range opens {
		next := closeAt
		if i+1 < len(opens) {
			next = opens[i+1].start
		}
		// The line break before a delimiter belongs to the delimiter.
		partEnd := next
		if partEnd > d.end && b[partEnd-1] == '\n' {
			partEnd--
			if partEnd > d.end && b[partEnd-1] == '\r' {
				partEnd--
			}
		}
		tailEnd := len(b)
		if i+1 < len(opens) {
			tailEnd = opens[i+1].end
		}
		m.parts = append(m.parts, b[d.end:partEnd])
		m.tails = append(m.tails, b[partEnd:tailEnd])
	}
	return m, true
}

// contactInText adds line to one text/plain or text/html part.
func contactInText(h *textproto.Header, mt string, params map[string]string, b []byte, line addition) ([]byte, bool) {
	cte := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding")))
	var data []byte
	switch cte {
	case "", "7bit", "8bit", "binary":
		data = b
	case "base64":
		d, err := base64.StdEncoding.DecodeString(withoutSpaces(b))
		if err != nil {
			return nil, false
		}
		data = d
	case "quoted-printable":
		d, err := readAllSized(quotedprintable.NewReader(bytes.NewReader(b)), len(b))
		if err != nil {
			return nil, false
		}
		data = d
	default:
		return nil, false
	}

	cs := strings.ToLower(strings.TrimSpace(params["charset"]))
	switch cs {
	case "", "us-ascii", "ascii", "utf-8", "utf8":
		if !utf8.Valid(data) {
			return nil, false // 8-bit text in an undeclared charset: leave it be
		}
	default:
		r, err := charset.Reader(cs, bytes.NewReader(data))
		if err != nil {
			return nil, false
		}
		d, err := readAllSized(r, len(data)*3/2)
		if err != nil || !utf8.Valid(d) {
			return nil, false
		}
		data = d
	}

	text := string(data)
	if line.present != nil && line.present(text, mt == "text/html") {
		return nil, false
	}
	if mt == "text/html" {
		if i := lastIndexFold(text, "</body"); i >= 0 {
			text = text[:i] + line.html + text[i:]
		} else {
			text = withFinalBreak(text) + line.html
		}
	} else {
		text = withFinalBreak(text)
		if line.blankBefore {
			text += "\r\n"
		}
		text += line.text
	}

	ascii := asciiText(text)
	if !ascii && cs != "utf-8" {
		params["charset"] = "utf-8"
		h.Set("Content-Type", mime.FormatMediaType(mt, params))
	} else if cs != "" && cs != "us-ascii" && cs != "ascii" && cs != "utf-8" && cs != "utf8" {
		// Decoded from another charset: it is UTF-8 (and ASCII) now.
		params["charset"] = "utf-8"
		h.Set("Content-Type", mime.FormatMediaType(mt, params))
	}

	switch cte {
	case "base64":
		return encodeBase64Lines([]byte(text)), true
	case "quoted-printable":
		return encodeQP(text), true
	case "8bit", "binary":
		if longestLine(text) <= 998 {
			return []byte(text), true
		}
	default: // 7bit or none
		if ascii && longestLine(text) <= 998 {
			return []byte(text), true
		}
	}
	h.Set("Content-Transfer-Encoding", "base64")
	return encodeBase64Lines([]byte(text)), true
}

// readAllSized is io.ReadAll into a buffer sized for about n bytes.
func readAllSized(r io.Reader, n int) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(n + 512)
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// withFinalBreak ends s with a line break unless it is empty.
func withFinalBreak(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\r\n"
}

// lastIndexFold is strings.LastIndex ignoring ASCII case.
func lastIndexFold(s, sub string) int {
	return strings.LastIndex(strings.ToLower(s), strings.ToLower(sub))
}

func withoutSpaces(b []byte) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, string(b))
}

func asciiText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// maxLineLen is the length of the longest line of s, without its break.
func longestLine(s string) int {
	m := 0
	for l := range strings.Lines(s) {
		m = max(m, len(strings.TrimRight(l, "\r\n")))
	}
	return m
}

// encodeBase64Lines encodes b as base64 in lines of 76 characters, each
// ending in CRLF.
func encodeBase64Lines(b []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(b)
	out := make([]byte, 0, len(enc)+len(enc)/76*2+2)
	for len(enc) > 76 {
		out = append(out, enc[:76]...)
		out = append(out, '\r', '\n')
		enc = enc[76:]
	}
	out = append(out, enc...)
	return append(out, '\r', '\n')
}

// encodeQP encodes text as quoted-printable with CRLF line breaks.
func encodeQP(text string) []byte {
	var buf bytes.Buffer
	buf.Grow(len(text)*3 + len(text)/70*3)
	w := quotedprintable.NewWriter(&buf)
	_, _ = w.Write([]byte(text))
	_ = w.Close()
	return buf.Bytes()
}
