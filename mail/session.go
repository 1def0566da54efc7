package mail

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"

	"postroom/model"
	"postroom/store"
)

// door is which listener a session came through.
type door string

const (
	doorInbound    door = "inbound"
	doorSubmission door = "submission"
)

// session is one SMTP connection's state. go-smtp calls it from the
// connection's goroutine only.
type session struct {
	r    *Relay
	door door
	conn *smtp.Conn
	ip   netip.Addr

	account   *model.Member // after AUTH
	system    *Trusted      // a trusted internal system, by its address
	authFails int

	from     string // envelope sender; "" is the null sender
	fromPath Path
	utf8     bool
	size     int64
	rcpts    []Path
	seen     map[string]bool
	replyTo  *replyTarget // the transaction decides a request's step (reply.go)
	listTo   *listRcpt    // the transaction is to a mailing list's address (lists.go)
}

// reply makes an SMTP error reply. Only printable text reaches the wire:
// CR, LF and NUL never do, and without SMTPUTF8 the text is ASCII.
func (s *session) reply(code int, enh [3]int, format string, args ...any) *smtp.SMTPError {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode(enh), Message: cleanReply(fmt.Sprintf(format, args...), s.utf8)}
}

// cleanReply makes msg fit for a reply line: control characters become
// spaces, and unless the transaction asked for SMTPUTF8 the rest is spelt
// in ASCII (asciiSpelling), since a client that did not ask shows other bytes
// as "?".
func cleanReply(msg string, utf8OK bool) string {
	var b strings.Builder
	for _, r := range msg {
		if r < 0x20 || r == 0x7f {
			r = ' '
		}
		b.WriteRune(r)
	}
	if utf8OK {
		return b.String()
	}
	return asciiSpelling(b.String())
}

// asciiSpelling spells s in ASCII, readably rather than with "?": Chinese
// characters in toneless pinyin, a run of them as one word with an
// apostrophe where a syllable starting with a, o or e would run into the
// one before ("销售部/华北大区" → "xiaoshoubu/huabeidaqu", "西安" → "xi'an");
// full-width forms and CJK punctuation as their ASCII counterparts; Latin
// letters without their accents; anything else as U+XXXX.
func asciiSpelling(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	args := pinyin.NewArgs()
	inHan, escaped := false, false
	for _, r := range s[i:] {
		han := unicode.Is(unicode.Han, r)
		if han {
			if py := pinyin.SinglePinyin(r, args); len(py) > 0 && py[0] != "" && asciiText(py[0]) {
				if inHan && strings.ContainsRune("aoe", rune(py[0][0])) {
					b.WriteByte('\'')
				}
				b.WriteString(py[0])
				inHan, escaped = true, false
				continue
			}
		}
		inHan = false
		if a, ok := runeASCII(r); ok {
			b.WriteString(a)
			escaped = false
			continue
		}
		if escaped {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "U+%04X", r)
		escaped = true
	}
	return b.String()
}

// cjkPunct spells the CJK punctuation that has no narrow form.
var cjkPunct = map[rune]string{
	'、': ",", '。': ".", '·': ".", '・': ".", '「': `"`, '」': `"`, '『': `"`, '』': `"`,
	'“': `"`, '”': `"`, '‘': "'", '’': "'", '《': "<<", '》': ">>", '〈': "<", '〉': ">",
	'【': "[", '】': "]", '〔': "(", '〕': ")", '—': "-", '–': "-", '…': "...", '〜': "~",
	'\u00a0': " ",
}

// runeASCII spells one non-Chinese rune in ASCII when it has a plain
// counterpart: ASCII itself, a full-width form, CJK punctuation, or a
// Latin letter with accents.
func runeASCII(r rune) (string, bool) {
	if r < utf8.RuneSelf {
		return string(r), true
	}
	if n := width.LookupRune(r).Narrow(); n != 0 && n < utf8.RuneSelf {
		return string(n), true
	}
	if a, ok := cjkPunct[r]; ok {
		return a, true
	}
	d := norm.NFD.String(string(r))
	if d[0] < utf8.RuneSelf && ('a' <= d[0]|0x20 && d[0]|0x20 <= 'z') {
		for _, m := range d[1:] {
			if !unicode.Is(unicode.Mn, m) {
				return "", false
			}
		}
		return d[:1], true
	}
	return "", false
}

// systemName is how a reply names the session's trusted system: its name,
// or the address it sends as when the name is not ASCII (a name the client
// may not be able to show).
func (s *session) systemName() string {
	if asciiText(s.system.Name) {
		return s.system.Name
	}
	return string(s.system.sender)
}

// newSession starts a session for a connection.
func (r *Relay) newSession(d door, c *smtp.Conn) (smtp.Session, error) {
	s := &session{r: r, door: d, conn: c, ip: remoteIP(c.Conn().RemoteAddr()), seen: map[string]bool{}}
	s.system = r.cfg.trustedFor(s.ip)
	return s, nil
}

func (s *session) source() string { return s.ip.String() }

// AuthMechanisms offers PLAIN and LOGIN on the submission door only.
func (s *session) AuthMechanisms() []string {
	if s.door != doorSubmission {
		return nil
	}
	return []string{sasl.Plain, sasl.Login}
}

// Auth checks a member's password through the same login path as SSH, so
// counters, locks, IP rules (SEND-8) and the login log are shared.
func (s *session) Auth(mech string) (sasl.Server, error) {
	if s.door != doorSubmission {
		return nil, s.reply(502, [3]int{5, 5, 1}, "AUTH is not offered here; submit mail on the submission port")
	}
	if _, isTLS := s.conn.TLSConnectionState(); !isTLS && !(s.r.cfg.Submission.PlainOnLoopback && s.ip.IsLoopback()) {
		return nil, s.reply(538, [3]int{5, 7, 11}, "Encryption required: send STARTTLS first")
	}
	check := func(user, pass string) error { return s.login(user, pass) }
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, user, pass string) error {
			if identity != "" && identity != user {
				return s.reply(535, [3]int{5, 7, 8}, "Authorization identity must be empty or equal the user")
			}
			return check(user, pass)
		}), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, s.reply(504, [3]int{5, 5, 4}, "Unsupported mechanism; use PLAIN or LOGIN")
}

func (s *session) login(user, pass string) error {
	m, err := s.r.store.Login(user, store.Credentials{Password: pass}, model.LoginSMTP, s.source(), "")
	if err == nil {
		var pol model.PasswordPolicy
		if err = s.r.store.Read(func(rd *store.Reader) error {
			var e error
			pol, e = rd.Policy()
			return e
		}); err != nil {
			return s.reply(454, [3]int{4, 3, 0}, "Temporary server error; try again")
		}
		if due, why := model.PasswordDue(m, pol, s.r.now()); due {
			return s.reply(535, [3]int{5, 7, 8}, "%s: change your password first over ssh -p %s %s@%s", why, s.r.sshPort(), m.Address, s.r.cfg.Hostname)
		}
		s.account = m
		return nil
	}
	s.authFails++
	if s.authFails >= s.r.cfg.Limits.AuthFailures {
		// The reply goes out before go-smtp writes it; then the door closes.
		s.conn.Conn().SetWriteDeadline(time.Now().Add(time.Second))
		fmt.Fprintf(s.conn.Conn(), "535 5.7.8 %s\r\n421 4.7.0 Too many failed logins; closing\r\n", cleanReply(model.Localize(err, "en"), false))
		s.conn.Close()
		return s.reply(421, [3]int{4, 7, 0}, "Too many failed logins")
	}
	if !model.IsUserError(err) {
		return s.reply(454, [3]int{4, 3, 0}, "Temporary server error; try again")
	}
	return s.reply(535, [3]int{5, 7, 8}, "%s", model.Localize(err, "en"))
}

// loginServer is the server side of the LOGIN mechanism (draft-murchison-sasl-login).
type loginServer struct {
	check      func(user, pass string) error
	user       string
	step       int
	userPrompt bool
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step = 1
		if resp == nil {
			return []byte("Username:"), false, nil
		}
		fallthrough
	case 1:
		l.user = string(resp)
		l.step = 2
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(resp))
	}
}

// Mail starts a message: who may send at all is decided here.
func (s *session) Mail(from string, opts *smtp.MailOptions) error {
	s.Reset()
	s.utf8 = opts != nil && opts.UTF8
	if opts != nil {
		s.size = opts.Size
	}
	if s.door == doorSubmission && s.account == nil && s.system == nil {
		return s.reply(530, [3]int{5, 7, 0}, "Authentication required: log in with your mailbox address and password")
	}
	if s.account != nil {
		// Read the account again: a grant given or ended, or an account
		// disabled, since AUTH counts from this message on.
		if err := s.r.store.Read(func(rd *store.Reader) error {
			m, err := rd.Member(s.account.Address)
			if err == nil {
				s.account = m
			}
			return err
		}); err != nil || s.account.Status != model.StatusActive {
			if s.account.WarnBlocked() {
				return s.reply(550, [3]int{5, 7, 1}, "The mailbox %s is blocked after %d warnings; your head or an admin may file an unblock request (request file unblock --member %s)",
					s.account.Address, s.account.ActiveWarnings(), s.account.Address)
			}
			return s.reply(550, [3]int{5, 7, 1}, "The account %s may not send now (%s); ask your mail administrator", s.account.Address, s.account.Status)
		}
	}
	if from == "" {
		if s.door == doorSubmission || s.account != nil || s.system != nil {
			return s.reply(550, [3]int{5, 7, 1}, "The null sender is accepted only for bounces from other servers")
		}
		s.from = ""
		return nil
	}
	p, err := ParsePath(from, s.utf8)
	if err != nil {
		return pathReply(s, err)
	}
	local := s.r.isLocal(p.Domain)
	switch {
	case s.account != nil:
		if err := s.r.senderAllowed(s.account, p); err != nil {
			return s.reply(550, [3]int{5, 7, 1}, "%s", model.Localize(err, "en"))
		}
	case s.system != nil:
		if !strings.EqualFold(p.String(), string(s.system.sender)) {
			return s.reply(550, [3]int{5, 7, 1}, "The system %s sends as %s only", s.systemName(), s.system.sender)
		}
	case s.door == doorInbound && local:
		// Mail from outside claiming one of our own domains, unauthenticated.
		return s.reply(550, [3]int{5, 7, 1}, "Mail from %s must be submitted with authentication on the submission port", p.Domain)
	}
	s.from, s.fromPath = p.String(), p
	return nil
}

// Rcpt takes one recipient: relaying is decided here, the rest at DATA.
func (s *session) Rcpt(to string, opts *smtp.RcptOptions) error {
	p, err := ParsePath(to, s.utf8)
	if err != nil {
		return pathReply(s, err)
	}
	if s.seen[strings.ToLower(p.String())] {
		return nil // named twice: delivered once
	}
	if id, step, mac, ok := parseReplyLocal(p.Local); ok && s.r.isLocal(p.Domain) {
		if err := s.rcptReply(id, step, mac); err != nil {
			return err
		}
		s.replyTo.addr = strings.ToLower(p.String())
		s.seen[strings.ToLower(p.String())] = true
		return nil
	}
	if msg, mac, ok := parseHeldReplyLocal(p.Local); ok && s.r.isLocal(p.Domain) {
		if err := s.rcptHeldReply(msg, mac); err != nil {
			return err
		}
		s.replyTo.addr = strings.ToLower(p.String())
		s.seen[strings.ToLower(p.String())] = true
		return nil
	}
	if s.replyTo != nil {
		return s.reply(550, [3]int{5, 5, 3}, "Send the decision to the reply address alone")
	}
	if s.r.isLocal(p.Domain) {
		lr, ok, err := s.r.mailingListAt(p)
		if err != nil {
			return s.r.tempFail("read a mailing list", err)
		}
		if ok {
			if err := s.rcptList(lr); err != nil {
				return err
			}
			s.seen[strings.ToLower(p.String())] = true
			return nil
		}
	}
	if s.listTo != nil {
		return s.reply(550, [3]int{5, 5, 3}, "Send mail to a mailing list's address (%s) alone, in a message of its own", s.listTo.list.Address)
	}
	if len(s.rcpts) >= s.r.cfg.Limits.MaxRecipients {
		return s.reply(452, [3]int{4, 5, 3}, "Too many recipients; send the rest in another message")
	}
	if !s.r.isLocal(p.Domain) {
		switch {
		case s.account != nil:
		case s.system != nil:
			if !s.system.External {
				return s.reply(550, [3]int{5, 7, 1}, "The system %s may send inside the company only", s.systemName())
			}
		default:
			return s.reply(550, [3]int{5, 7, 1}, "Relaying denied: %s is not a domain of this server", p.Domain)
		}
	} else {
		if err := s.r.localRcptAllowed(p, s.from, s.account == nil && s.system == nil); err != nil {
			var se *smtp.SMTPError
			if errors.As(err, &se) {
				se.Message = cleanReply(se.Message, s.utf8)
				return se
			}
			return s.reply(451, [3]int{4, 3, 0}, "Temporary server error; try again")
		}
	}
	s.seen[strings.ToLower(p.String())] = true
	s.rcpts = append(s.rcpts, p)
	return nil
}

func pathReply(s *session, err error) error {
	var pe *pathError
	if errors.As(err, &pe) {
		return s.reply(pe.code, pe.enh, "%s", pe.msg)
	}
	return s.reply(501, [3]int{5, 1, 3}, "Bad address")
}

// Data reads the message, judges it and keeps it durably before answering.
func (s *session) Data(r io.Reader) error {
	body, err := s.readData(r)
	if err != nil {
		return err
	}
	if s.replyTo != nil {
		return s.r.acceptReply(s, body)
	}
	if s.listTo != nil {
		return s.r.acceptList(s, body)
	}
	return s.r.accept(s, body)
}

// readData reads DATA with a deadline that moves while data flows, and
// refuses what would let a message be cut differently downstream: bare CR or
// LF (SMTP smuggling), NUL, and over-long lines.
func (s *session) readData(r io.Reader) ([]byte, error) {
	nc := s.conn.Conn()
	if cc := capConnOf(nc); cc != nil {
		cc.extendReads(s.r.cfg.Limits.DataTimeout.D())
		defer cc.extendReads(0)
	}
	var buf bytes.Buffer
	if s.size > 0 && s.size <= s.r.cfg.Limits.MaxMessageBytes {
		buf.Grow(int(s.size) + 512)
	}
	_, err := buf.ReadFrom(r)
	if cmd := s.r.cfg.Limits.CommandTimeout.D(); cmd > 0 {
		nc.SetReadDeadline(time.Now().Add(cmd))
	}
	switch {
	case errors.Is(err, smtp.ErrTooLongLine):
		return nil, s.reply(550, [3]int{5, 6, 0}, "Message has a line longer than %d bytes; wrap it or use quoted-printable", s.r.cfg.Limits.MaxLineLength)
	case errors.Is(err, smtp.ErrDataTooLarge):
		return nil, s.reply(552, [3]int{5, 3, 4}, "Message larger than %d bytes; send it in parts or share a link", s.r.cfg.Limits.MaxMessageBytes)
	case err != nil:
		return nil, err
	}
	if err := checkLines(buf.Bytes(), s.r.cfg.Limits.MaxLineLength); err != nil {
		return nil, s.reply(550, [3]int{5, 6, 0}, "%s", err)
	}
	return buf.Bytes(), nil
}

// checkLines refuses bare CR, bare LF, NUL and lines longer than max bytes.
func checkLines(b []byte, max int) error {
	start := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case 0:
			return errors.New("Message holds a NUL byte; encode binary content (base64)")
		case '\r':
			if i+1 >= len(b) || b[i+1] != '\n' {
				return errors.New("Message holds a bare CR; lines must end with CRLF")
			}
		case '\n':
			if i == 0 || b[i-1] != '\r' {
				return errors.New("Message holds a bare LF; lines must end with CRLF")
			}
			if i-1-start > max {
				return fmt.Errorf("Message has a line longer than %d bytes; wrap it or use quoted-printable", max)
			}
			start = i + 1
		}
	}
	if len(b)-start > max {
		return fmt.Errorf("Message has a line longer than %d bytes; wrap it or use quoted-printable", max)
	}
	return nil
}

// Reset forgets the message in progress.
func (s *session) Reset() {
	s.from, s.fromPath, s.size = "", Path{}, 0
	s.rcpts = s.rcpts[:0]
	clear(s.seen)
	s.replyTo = nil
	s.listTo = nil
}

// Logout ends the session.
func (s *session) Logout() error { return nil }

// rcptAddrs returns the recipients as directory addresses where they are
// local (normalised) and as given otherwise.
func (s *session) rcptAddrs() []model.Address {
	out := make([]model.Address, 0, len(s.rcpts))
	for _, p := range s.rcpts {
		out = append(out, model.Address(strings.ToLower(p.Local)+"@"+p.Domain))
	}
	return slices.Clip(out)
}
