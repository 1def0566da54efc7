package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	netmail "net/mail"
	"strings"
	"sync"
	"text/template"
	"time"

	"postroom/assets"
	"postroom/model"
)

// The kinds of notice the system mails about held mail (SEND-9, REQ-4, REQ-5).
const (
	NoticeHeld     = "held"     // to the sender: held for approval, why, who decides
	NoticeReleased = "released" // to the sender: approved and sent on
	NoticeRejected = "rejected" // to the sender: rejected (or lapsed), with the approver's comment
	NoticeApproval = "approval" // to the approver: a message waits for a decision
)

// NoticeData is what a notice says. The header fields (To, From, Date,
// Hostname) are needed by every kind; the others as the kind needs them.
type NoticeData struct {
	To       model.Address // who gets the notice (the sender, or the approver for NoticeApproval)
	ToName   string
	From     model.Address // the system's address in the From header (e.g. postmaster@corp.example)
	FromName string        // "" for the language's "mail system"
	Date     time.Time     // the Date header; required
	Hostname string        // this system's host name: Message-ID, signature

	// The held message.
	RequestID  string // what `queue release` takes: the held message's id
	Sender     model.Address
	SenderName string
	Subject    string   // decoded
	Recipients []string // its first recipients (ten are listed)
	Received   time.Time
	Reasons    []string // why it is held, in the reader's language
	// RecipientCount is how many recipients it has in all (0: as many as
	// Recipients lists); the notices say how many are not listed.
	RecipientCount int

	Approver     model.Address // who decides (held), who decided (released, rejected); "" for a lapsed hold
	ApproverName string
	Comment      string    // the approver's comment
	Deadline     time.Time // when an undecided hold lapses; zero: never
	OnDeadline   string    // what happens then: "release" or "reject"

	SSHHost string // how the approver reaches the SSH door
	SSHPort int
	// ReplyTo is the address a reply releases or rejects the held message
	// with (NoticeApproval; reply_held.go); "" for none.
	ReplyTo model.Address
}

// AllRecipients is how many recipients the held message has in all.
func (d NoticeData) AllRecipients() int { return max(d.RecipientCount, len(d.Recipients)) }

// MoreRecipients is how many of them are not among the first n listed.
func (d NoticeData) MoreRecipients(n int) int { return max(d.AllRecipients()-n, 0) }

// BuildNotice returns the complete message (RFC 5322, CRLF) of a notice of
// the given kind in the language lang (zh-CN for anything Chinese, else
// English), from the templates in assets/mail: Date, From, To, an RFC 2047
// Subject, Message-ID, MIME-Version, Auto-Submitted and a base64 text/plain
// UTF-8 body.
func BuildNotice(kind, lang string, data NoticeData) ([]byte, error) {
	switch kind {
	case NoticeHeld, NoticeReleased, NoticeRejected, NoticeApproval:
	default:
		return nil, fmt.Errorf("notice kind %q: use held, released, rejected or approval", kind)
	}
	if data.To == "" || data.From == "" {
		return nil, errors.New("notice: To and From are required")
	}
	if data.Date.IsZero() {
		return nil, errors.New("notice: Date is required")
	}
	if data.Hostname == "" {
		data.Hostname = "localhost"
	}
	// What people typed goes into single lines (a subject with a line
	// break must not end the template's Subject line).
	data.ToName, data.SenderName, data.ApproverName = singleLine(data.ToName), singleLine(data.SenderName), singleLine(data.ApproverName)
	data.Subject, data.Comment = singleLine(data.Subject), singleLine(data.Comment)
	data.RequestID, data.SSHHost = singleLine(data.RequestID), singleLine(data.SSHHost)
	if data.SSHPort == 0 {
		data.SSHPort = 22
	}
	if data.SSHHost == "" {
		data.SSHHost = data.Hostname
	}
	subject, text, err := renderMail(kind, lang, data)
	if err != nil {
		return nil, err
	}
	return composeNotice(kind, lang, data.FromName, data.From, data.ToName, data.To, model.Address(singleLine(string(data.ReplyTo))), data.Date, data.Hostname, subject, text), nil
}

// composeNotice writes a notice's header and its base64 text/plain UTF-8
// body; fromName "" is the language's "mail system", replyTo "" no
// Reply-To field.
func composeNotice(kind, lang, fromName string, from model.Address, toName string, to, replyTo model.Address, date time.Time, hostname, subject, text string) []byte {
	if fromName == "" {
		fromName = systemName(lang)
	}
	var b bytes.Buffer
	b.WriteString(foldField("Date", date.Format(time.RFC1123Z)))
	b.WriteString(foldField("From", (&netmail.Address{Name: singleLine(fromName), Address: string(from)}).String()))
	b.WriteString(foldField("To", (&netmail.Address{Name: singleLine(toName), Address: string(to)}).String()))
	if replyTo != "" {
		b.WriteString(foldField("Reply-To", string(replyTo)))
	}
	b.WriteString(foldField("Subject", encodeHeaderText(subject)))
	b.WriteString(foldField("Message-ID", newMessageID(hostname)))
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	b.WriteString("Content-Transfer-Encoding: base64\r\n")
	b.WriteString("Auto-Submitted: auto-generated\r\n")
	b.WriteString("X-Postroom-Notice: " + kind + "\r\n")
	b.WriteString("\r\n")
	b.Write(encodeBase64Lines([]byte(text)))
	return b.Bytes()
}

// SendNotice builds a notice (BuildNotice) and queues it to data.To as a
// system message: door "system", envelope sender "" and the DSN flag, so
// it travels through the same queue and is never bounced. Missing From,
// Hostname and Date are filled in (postmaster@PrimaryDomain, the
// Deliverer's host name and clock). It returns the notice's queue id.
func (d *Deliverer) SendNotice(kind, lang string, data NoticeData) (string, error) {
	if data.From == "" {
		data.From = model.Address("postmaster@" + d.cfg.PrimaryDomain)
	}
	if data.Hostname == "" {
		data.Hostname = d.cfg.Hostname
	}
	if data.Date.IsZero() {
		data.Date = d.cfg.Now()
	}
	loc := d.location()
	data.Date = data.Date.In(loc)
	if !data.Received.IsZero() {
		data.Received = data.Received.In(loc)
	}
	if !data.Deadline.IsZero() {
		data.Deadline = data.Deadline.In(loc)
	}
	if lang == "" {
		lang = d.lang(data.To)
	}
	msg, err := BuildNotice(kind, lang, data)
	if err != nil {
		return "", err
	}
	facts, _ := ParseHeader(msg)
	return d.enqueueSystem(data.To, data.From, facts.Subject, msg)
}

// systemName is the display name of the system's own mail.
func systemName(lang string) string {
	if assets.IsChinese(lang) {
		return "邮件系统"
	}
	return "Mail System"
}

// mailTemplateCache holds parsed templates by kind and language tag.
var mailTemplateCache sync.Map // "kind.lang" → *template.Template

// mailTemplateFuncs are the helpers the mail templates use.
var mailTemplateFuncs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.Format("2006-01-02 15:04 (MST)")
	},
	"join": func(l []string) string { return strings.Join(l, ", ") },
	"first": func(n int, l []string) []string {
		return l[:min(n, len(l))]
	},
	"mailbox": func(name string, addr model.Address) string {
		if name == "" {
			return string(addr)
		}
		if addr == "" {
			return name
		}
		return name + " <" + string(addr) + ">"
	},
}

// renderMail executes the mail template kind in lang and returns its
// subject (one line) and its text (CRLF line breaks).
func renderMail(kind, lang string, data any) (subject, text string, err error) {
	tag := "en"
	if assets.IsChinese(lang) {
		tag = "zh-CN"
	}
	key := kind + "." + tag
	t, ok := mailTemplateCache.Load(key)
	if !ok {
		src, err := assets.MailTemplate(kind, tag)
		if err != nil {
			return "", "", err
		}
		parsed, err := template.New(key).Funcs(mailTemplateFuncs).Option("missingkey=error").Parse(src)
		if err != nil {
			return "", "", fmt.Errorf("mail template %s: %w", key, err)
		}
		t, _ = mailTemplateCache.LoadOrStore(key, parsed)
	}
	var b strings.Builder
	if err := t.(*template.Template).Execute(&b, data); err != nil {
		return "", "", fmt.Errorf("mail template %s: %w", key, err)
	}
	out := strings.ReplaceAll(b.String(), "\r\n", "\n")
	first, rest, _ := strings.Cut(out, "\n")
	s, ok := strings.CutPrefix(first, "Subject:")
	if !ok {
		return "", "", fmt.Errorf("mail template %s: the first line is not \"Subject: ...\"", key)
	}
	rest = strings.TrimLeft(rest, "\n")
	rest = strings.TrimRight(rest, "\n") + "\n"
	return singleLine(s), strings.ReplaceAll(rest, "\n", "\r\n"), nil
}

// encodeHeaderText encodes non-ASCII header text as RFC 2047 words (base64
// UTF-8, as Chinese mail programs read best).
func encodeHeaderText(s string) string {
	s = singleLine(s)
	if asciiText(s) {
		return s
	}
	return mime.BEncoding.Encode("utf-8", s)
}

// newMessageID makes a Message-ID value: <random@hostname>.
func newMessageID(hostname string) string {
	var r [16]byte
	_, _ = rand.Read(r[:])
	h := traceHost(hostname)
	return "<" + hex.EncodeToString(r[:]) + "@" + h + ">"
}

// traceHost keeps the characters of a host name that may stand in a
// Message-ID or a DSN field.
func traceHost(h string) string {
	t := strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return -1
	}, h)
	if t == "" {
		return "localhost"
	}
	return t
}
