package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"regexp"
	"strings"
	"time"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// errNoBounceAddress marks an envelope sender a DSN cannot be sent to.
var errNoBounceAddress = errors.New("the envelope sender is not an address a bounce can go to")

// maxBounceHeader bounds the original header returned in a DSN.
const maxBounceHeader = 64 << 10

// maxBounceListed bounds the failed recipients the human part lists one by
// one (the machine part lists them all).
const maxBounceListed = 50

// bounce queues a DSN for the failed recipients of m to its envelope
// sender and returns the DSN's queue id.
func (d *Deliverer) bounce(m *store.QueueMessage) (string, error) {
	to, err := d.bounceAddress(m.From)
	if err != nil {
		return "", err
	}
	rcpts, err := d.spool.Rcpts(m.ID)
	if err != nil {
		return "", err
	}
	var failed []store.QueueRcpt
	delivered := 0
	for _, r := range rcpts {
		switch r.Status {
		case store.RcptFailed:
			failed = append(failed, r)
		case store.RcptDelivered:
			delivered++
		}
	}
	if len(failed) == 0 {
		return "", errors.New("no failed recipient to report")
	}
	body, err := d.spool.Body(m.ID)
	if err != nil {
		return "", err
	}
	facts, _ := ParseHeader(body)
	subject := m.Subject
	if subject == "" {
		subject = facts.Subject
	}
	from := model.Address("MAILER-DAEMON@" + d.cfg.PrimaryDomain)
	msg, dsnSubject, err := buildDSN(dsnInput{
		Hostname:   d.cfg.Hostname,
		From:       from,
		To:         to,
		Lang:       d.lang(to),
		QueueID:    m.ID,
		Received:   m.Received.In(d.location()),
		Subject:    subject,
		MessageID:  facts.MessageID,
		Failed:     failed,
		Delivered:  delivered,
		OrigHeader: body[:facts.HeaderEnd],
		Now:        d.cfg.Now().In(d.location()),
	})
	if err != nil {
		return "", err
	}
	return d.enqueueSystem(to, from, dsnSubject, msg)
}

// bounceAddress is where a DSN for mail from the envelope sender from goes.
func (d *Deliverer) bounceAddress(from string) (model.Address, error) {
	a, perr := model.ParseAddress(from)
	if perr == nil {
		if _, local := d.localMailbox(a); local {
			return a, nil
		}
	}
	if err := checkForwardAddress(from); err == nil {
		at := strings.LastIndexByte(from, '@')
		return model.Address(from[:at] + "@" + strings.ToLower(from[at+1:])), nil
	}
	if perr == nil {
		return a, nil
	}
	return "", fmt.Errorf("%w: %q", errNoBounceAddress, from)
}

// dsnInput is what a DSN reports.
type dsnInput struct {
	Hostname   string        // the reporting MTA
	From       model.Address // MAILER-DAEMON@domain
	To         model.Address // the original envelope sender
	Lang       string        // the sender's language; "" writes both
	QueueID    string
	Received   time.Time // when the original arrived
	Subject    string    // its decoded subject
	MessageID  string    // its Message-ID, for References
	Failed     []store.QueueRcpt
	Delivered  int    // recipients who got it
	OrigHeader []byte // its header, returned as text/rfc822-headers
	Now        time.Time
}

// bounceView is what the bounce templates see.
type bounceView struct {
	Hostname   string
	Received   time.Time
	Subject    string
	Failed     []bounceLine
	MoreFailed int
	Delivered  int
}

type bounceLine struct {
	Addr   model.Address
	Reason string
}

// buildDSN writes an RFC 3464 delivery status notification: a
// multipart/report with a human part (Chinese, English or both), the
// message/delivery-status part with one block per failed recipient and the
// original header as text/rfc822-headers. It returns the message and its
// decoded subject.
func buildDSN(in dsnInput) ([]byte, string, error) {
	view := bounceView{Hostname: in.Hostname, Received: in.Received, Subject: singleLine(in.Subject), Delivered: in.Delivered}
	for i, r := range in.Failed {
		if i == maxBounceListed {
			view.MoreFailed = len(in.Failed) - i
			break
		}
		view.Failed = append(view.Failed, bounceLine{Addr: r.Addr, Reason: singleLine(r.LastError)})
	}

	var langs []string
	switch {
	case in.Lang == "":
		langs = []string{"zh-CN", "en"}
	case assets.IsChinese(in.Lang):
		langs = []string{"zh-CN"}
	default:
		langs = []string{"en"}
	}
	var subjects []string
	var human strings.Builder
	for i, l := range langs {
		v := view
		if i > 0 {
			v.Subject = "" // the subject is quoted once, in the first language
		}
		s, text, err := renderMail("bounce", l, v)
		if err != nil {
			return nil, "", err
		}
		subjects = append(subjects, s)
		if i > 0 {
			human.WriteString("\r\n----------------------------------------\r\n\r\n")
		}
		human.WriteString(text)
	}
	subject := strings.Join(subjects, " / ")
	fromName := systemName(langs[0])
	if len(langs) > 1 {
		fromName = systemName(langs[0]) + " / " + systemName(langs[1])
	}

	boundary := "postroom-dsn-" + randomHex(12)
	var b bytes.Buffer
	b.WriteString(foldField("Date", in.Now.Format(time.RFC1123Z)))
	b.WriteString(foldField("From", (&netmail.Address{Name: fromName, Address: string(in.From)}).String()))
	b.WriteString(foldField("To", "<"+string(in.To)+">"))
	b.WriteString(foldField("Subject", encodeHeaderText(subject)))
	b.WriteString(foldField("Message-ID", newMessageID(in.Hostname)))
	if id := traceMessageID(in.MessageID); id != "" {
		b.WriteString(foldField("In-Reply-To", id))
		b.WriteString(foldField("References", id))
	}
	b.WriteString("Auto-Submitted: auto-replied\r\n")
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"" + boundary + "\"\r\n")
	b.WriteString("\r\n")
	b.WriteString("This is a MIME-encapsulated delivery status notification.\r\n")

	// The human part.
	b.WriteString("\r\n--" + boundary + "\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	b.WriteString("Content-Transfer-Encoding: base64\r\n")
	b.WriteString("Content-Description: Notification\r\n\r\n")
	b.Write(encodeBase64Lines([]byte(human.String())))

	// The machine part (RFC 3464 2.2, 2.3).
	b.WriteString("\r\n--" + boundary + "\r\n")
	b.WriteString("Content-Type: message/delivery-status\r\n")
	b.WriteString("Content-Description: Delivery report\r\n\r\n")
	b.WriteString("Reporting-MTA: dns; " + traceHost(in.Hostname) + "\r\n")
	if in.QueueID != "" {
		b.WriteString("X-Postroom-Queue-ID: " + dsnText(in.QueueID) + "\r\n")
	}
	if !in.Received.IsZero() {
		b.WriteString("Arrival-Date: " + in.Received.Format(time.RFC1123Z) + "\r\n")
	}
	for _, r := range in.Failed {
		st := failureStatus(r.LastError)
		b.WriteString("\r\n")
		b.WriteString("Final-Recipient: rfc822; " + dsnText(string(r.Addr)) + "\r\n")
		b.WriteString("Action: failed\r\n")
		b.WriteString("Status: " + st.status + "\r\n")
		if st.remote != "" {
			b.WriteString("Remote-MTA: dns; " + traceHost(st.remote) + "\r\n")
		}
		if st.diagnostic != "" {
			b.WriteString(foldField("Diagnostic-Code", "smtp; "+dsnText(st.diagnostic)))
		} else if r.LastError != "" {
			b.WriteString(foldField("Diagnostic-Code", "x-postroom; "+dsnText(r.LastError)))
		}
		if !r.Done.IsZero() {
			b.WriteString("Last-Attempt-Date: " + r.Done.In(in.Now.Location()).Format(time.RFC1123Z) + "\r\n")
		}
	}

	// The original header (RFC 6522 text/rfc822-headers).
	hdr := bytes.TrimRight(in.OrigHeader, "\r\n")
	if len(hdr) > maxBounceHeader {
		hdr = hdr[:maxBounceHeader]
		if i := bytes.LastIndexByte(hdr, '\n'); i > 0 {
			hdr = hdr[:i]
		}
		hdr = bytes.TrimRight(hdr, "\r\n")
	}
	b.WriteString("\r\n--" + boundary + "\r\n")
	b.WriteString("Content-Type: text/rfc822-headers\r\n")
	b.WriteString("Content-Description: Undelivered message header\r\n")
	if asciiText(string(hdr)) && !bytes.Contains(hdr, []byte("\n.")) {
		b.WriteString("\r\n")
		b.Write(crlfLines(hdr))
		b.WriteString("\r\n")
	} else {
		b.WriteString("Content-Transfer-Encoding: quoted-printable\r\n\r\n")
		var qp bytes.Buffer
		w := quotedprintable.NewWriter(&qp)
		_, _ = w.Write(hdr)
		_ = w.Close()
		b.Write(qp.Bytes())
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n--" + boundary + "--\r\n")
	return b.Bytes(), subject, nil
}

// crlfLines makes every line break of b a CRLF.
func crlfLines(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}

// dsnStatus is what a recipient's last error says in DSN terms.
type dsnStatus struct {
	status     string // RFC 3463 code, "5.1.1"
	remote     string // the server that answered, "" when none did
	diagnostic string // its reply, "550 5.1.1 text"
}

// replyRe finds "HOST said: 550 5.1.1 text" in a recipient's last error,
// as client.go writes it.
var replyRe = regexp.MustCompile(`(\S+) said: ([2-5]\d\d)(?: ([2-5]\.\d{1,3}\.\d{1,3}))?(.*)$`)

// failureStatus reads a recipient's last error.
func failureStatus(lastErr string) dsnStatus {
	st := dsnStatus{status: "5.0.0"}
	if m := replyRe.FindStringSubmatch(lastErr); m != nil {
		st.remote = m[1]
		if h, _, err := net.SplitHostPort(m[1]); err == nil {
			st.remote = h
		}
		if strings.HasPrefix(m[1], "unix:") || strings.HasPrefix(m[1], "/") {
			st.remote = "" // a local socket has no DNS name
		}
		st.diagnostic = strings.Join(strings.Fields(m[2]+" "+m[3]+m[4]), " ")
		if strings.HasPrefix(m[3], "5.") {
			st.status = m[3]
		}
	}
	switch {
	case strings.HasPrefix(lastErr, "lifetime ended"):
		st.status = "4.4.7" // delivery time expired
	case strings.Contains(lastErr, "is not forwarded"):
		st.status = "5.1.3" // bad destination address syntax
	case strings.HasPrefix(lastErr, "local delivery refused"):
		st.status = "5.1.1" // bad destination mailbox
	}
	return st
}

// dsnText makes text fit a delivery-status field: one line of printable
// ASCII (other characters become '?').
func dsnText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r > '~' {
			return '?'
		}
		return r
	}, singleLine(s))
}

// traceMessageID returns <id> when id looks like a Message-ID, else "".
func traceMessageID(id string) string {
	id = strings.TrimSpace(id)
	if id == "" || len(id) > 250 || !strings.Contains(id, "@") || strings.ContainsAny(id, "<> \t\r\n\"") || !asciiText(id) {
		return ""
	}
	return "<" + id + ">"
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
