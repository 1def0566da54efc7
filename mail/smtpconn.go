package mail

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	smtp "github.com/emersion/go-smtp"
)

// smtpConn is the delivery side's client connection to a next hop, in
// SMTP (RFC 5321) or LMTP (RFC 2033). A transaction goes out as one write
// when the server offers PIPELINING (RFC 2920): RSET when the connection
// is reused, MAIL, every RCPT and DATA, then the body, already
// dot-stuffed, in one more. The replies are read in order. A refusal is an
// *smtp.SMTPError; anything else is trouble with the connection.
type smtpConn struct {
	conn    net.Conn
	r       *bufio.Reader
	w       *bufio.Writer
	lmtp    bool
	ext     map[string]string // EHLO keywords (upper case) → parameters
	timeout time.Duration     // per command group and reply
}

// maxReplyLines bounds a multi-line reply, so a hostile server cannot make
// us read forever.
const maxReplyLines = 200

// dataReplyTimeout is how long the reply after the final dot may take
// (RFC 5321 4.5.3.2.6: 10 minutes).
const dataReplyTimeout = 10 * time.Minute

func newSMTPConn(conn net.Conn, lmtp bool, timeout time.Duration) *smtpConn {
	return &smtpConn{conn: conn, r: bufio.NewReaderSize(conn, 4096), w: bufio.NewWriterSize(conn, 32<<10), lmtp: lmtp, timeout: timeout}
}

// reply is one server reply.
type reply struct {
	code int
	enh  smtp.EnhancedCode // zero when the server gave none
	text string            // the lines joined by a space, without codes
	// lines are the lines' texts after the code, as sent (EHLO's
	// keywords).
	lines []string
}

func (r reply) err() *smtp.SMTPError {
	return &smtp.SMTPError{Code: r.code, EnhancedCode: r.enh, Message: r.text}
}

// readReply reads one (possibly multi-line) reply.
func (c *smtpConn) readReply(timeout time.Duration) (reply, error) {
	c.conn.SetReadDeadline(time.Now().Add(timeout))
	var out reply
	var text []string
	for n := 0; ; n++ {
		if n == maxReplyLines {
			return reply{}, errors.New("the server's reply has too many lines")
		}
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				return reply{}, errors.New("the server's reply line is too long")
			}
			return reply{}, err
		}
		s := strings.TrimRight(string(line), "\r\n")
		if len(s) < 3 {
			return reply{}, fmt.Errorf("malformed reply %q", s)
		}
		code, err := strconv.Atoi(s[:3])
		if err != nil || code < 200 || code > 599 {
			return reply{}, fmt.Errorf("malformed reply %q", s)
		}
		if n > 0 && code != out.code {
			return reply{}, fmt.Errorf("reply lines with different codes (%d, %d)", out.code, code)
		}
		out.code = code
		more := len(s) > 3 && s[3] == '-'
		if len(s) > 3 && s[3] != ' ' && s[3] != '-' {
			return reply{}, fmt.Errorf("malformed reply %q", s)
		}
		if len(s) > 4 {
			text = append(text, s[4:])
		}
		if !more {
			break
		}
	}
	out.lines = slices.Clone(text)
	if len(text) > 0 {
		if enh, rest, ok := enhancedCode(text[0], out.code); ok {
			out.enh = enh
			text[0] = rest
		}
	}
	out.text = strings.Join(text, " ")
	return out, nil
}

// enhancedCode splits an RFC 3463 status code ("5.1.1 ") off the start of
// a reply's text when its class matches the reply code's.
func enhancedCode(s string, code int) (smtp.EnhancedCode, string, bool) {
	head, rest, _ := strings.Cut(s, " ")
	parts := strings.Split(head, ".")
	if len(parts) != 3 || parts[0] != strconv.Itoa(code/100) {
		return smtp.EnhancedCode{}, s, false
	}
	var enh smtp.EnhancedCode
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 999 || len(p) > 3 {
			return smtp.EnhancedCode{}, s, false
		}
		enh[i] = n
	}
	return enh, rest, true
}

// command sends one command and reads its reply; a reply other than want
// is returned as an *smtp.SMTPError.
func (c *smtpConn) command(want int, line string) (reply, error) {
	c.conn.SetWriteDeadline(time.Now().Add(c.timeout))
	c.w.WriteString(line)
	c.w.WriteString("\r\n")
	if err := c.w.Flush(); err != nil {
		return reply{}, err
	}
	r, err := c.readReply(c.timeout)
	if err != nil {
		return r, err
	}
	if r.code != want {
		return r, r.err()
	}
	return r, nil
}

// greet reads the server's greeting and says EHLO (LHLO) with name,
// falling back to HELO for an SMTP server that refuses EHLO.
func (c *smtpConn) greet(name string) error {
	r, err := c.readReply(c.timeout)
	if err != nil {
		return err
	}
	if r.code != 220 {
		return r.err()
	}
	return c.hello(name)
}

// hello says EHLO (LHLO) and records the extensions offered.
func (c *smtpConn) hello(name string) error {
	verb := "EHLO "
	if c.lmtp {
		verb = "LHLO "
	}
	c.conn.SetWriteDeadline(time.Now().Add(c.timeout))
	c.w.WriteString(verb + name + "\r\n")
	if err := c.w.Flush(); err != nil {
		return err
	}
	r, err := c.readReply(c.timeout)
	if err != nil {
		return err
	}
	if r.code != 250 {
		if c.lmtp || r.code/100 != 5 {
			return r.err()
		}
		c.ext = map[string]string{}
		_, err := c.command(250, "HELO "+name)
		return err
	}
	c.ext = make(map[string]string, len(r.lines))
	for _, l := range r.lines[min(1, len(r.lines)):] { // the first line is the server's name
		kw, param, _ := strings.Cut(l, " ")
		c.ext[strings.ToUpper(kw)] = param
	}
	return nil
}

func (c *smtpConn) has(ext string) bool { _, ok := c.ext[ext]; return ok }

// startTLS says STARTTLS, does the handshake and says EHLO again. Bytes
// the server sent after its 220 (the command-injection case) end it with
// an error: nothing read in the clear may be taken as said under TLS.
func (c *smtpConn) startTLS(cfg *tls.Config, name string) error {
	if _, err := c.command(220, "STARTTLS"); err != nil {
		return err
	}
	if c.r.Buffered() > 0 {
		return errors.New("the server sent data after its STARTTLS reply")
	}
	tc := tls.Client(c.conn, cfg)
	tc.SetDeadline(time.Now().Add(c.timeout))
	if err := tc.Handshake(); err != nil {
		return err
	}
	tc.SetDeadline(time.Time{})
	c.conn = tc
	c.r.Reset(tc)
	c.w.Reset(tc)
	return c.hello(name)
}

// txResult is what the server said in one transaction.
type txResult struct {
	mail  reply   // to MAIL
	rcpts []reply // to each RCPT, in order
	// data is the reply to the final dot: one for SMTP, one per accepted
	// recipient for LMTP (in the order of the accepted ones). Empty when
	// no recipient was accepted or DATA was refused (then dataErr).
	data    []reply
	dataErr *smtp.SMTPError
}

// transaction sends one message. reset sends RSET first (a reused
// connection). The error is trouble with the connection; then res holds
// the replies read before it, and sent reports whether any reply to this
// transaction's own commands (after the RSET) was read.
func (c *smtpConn) transaction(reset bool, mailLine string, rcpts []string, body []byte) (res txResult, sent bool, err error) {
	pipe := c.has("PIPELINING")
	c.conn.SetWriteDeadline(time.Now().Add(c.timeout))
	if reset {
		if pipe {
			c.w.WriteString("RSET\r\n")
		} else {
			if _, err := c.command(250, "RSET"); err != nil {
				return res, false, err
			}
		}
	}
	c.w.WriteString(mailLine + "\r\n")
	if pipe {
		for _, r := range rcpts {
			c.w.WriteString("RCPT TO:<" + r + ">\r\n")
		}
		c.w.WriteString("DATA\r\n")
		if err := c.w.Flush(); err != nil {
			return res, false, err
		}
		if reset {
			r, err := c.readReply(c.timeout)
			if err != nil {
				return res, false, err
			}
			if r.code != 250 {
				return res, false, fmt.Errorf("RSET answered %d %s", r.code, r.text)
			}
		}
	} else if err := c.w.Flush(); err != nil {
		return res, false, err
	}
	// MAIL
	if res.mail, err = c.readReply(c.timeout); err != nil {
		return res, false, err
	}
	sent = true
	mailOK := res.mail.code == 250
	accepted := 0
	res.rcpts = make([]reply, 0, len(rcpts))
	for _, r := range rcpts {
		if !pipe {
			if !mailOK {
				break
			}
			c.w.WriteString("RCPT TO:<" + r + ">\r\n")
			if err := c.w.Flush(); err != nil {
				return res, sent, err
			}
		}
		rr, err := c.readReply(c.timeout)
		if err != nil {
			return res, sent, err
		}
		res.rcpts = append(res.rcpts, rr)
		if rr.code/100 == 2 {
			accepted++
		}
	}
	if !pipe {
		if !mailOK || accepted == 0 {
			return res, sent, nil // RSET before the next use
		}
		c.w.WriteString("DATA\r\n")
		if err := c.w.Flush(); err != nil {
			return res, sent, err
		}
	}
	dr, err := c.readReply(c.timeout)
	if err != nil {
		return res, sent, err
	}
	if dr.code != 354 {
		res.dataErr = dr.err()
		return res, sent, nil
	}
	if !mailOK || accepted == 0 {
		// A pipelining server that said 354 with nobody to deliver to:
		// end the empty message; its reply changes nothing.
		c.conn.SetWriteDeadline(time.Now().Add(c.timeout))
		c.w.WriteString(".\r\n")
		if err := c.w.Flush(); err != nil {
			return res, sent, err
		}
		_, err := c.readReply(c.timeout)
		return res, sent, err
	}
	c.conn.SetWriteDeadline(time.Now().Add(dataReplyTimeout))
	writeDotStuffed(c.w, body)
	if err := c.w.Flush(); err != nil {
		return res, sent, err
	}
	n := 1
	if c.lmtp {
		n = accepted
	}
	for range n {
		r, err := c.readReply(dataReplyTimeout)
		if err != nil {
			return res, sent, err
		}
		res.data = append(res.data, r)
	}
	return res, sent, nil
}

// quit says QUIT, waits briefly for the reply and closes.
func (c *smtpConn) quit() {
	c.timeout = 5 * time.Second
	c.command(221, "QUIT")
	c.conn.Close()
}

// writeDotStuffed writes body as DATA content (RFC 5321 4.5.2): every line
// ends in CRLF (a bare LF becomes CRLF), a line starting with "." gets
// another, and the terminating ".\r\n" follows.
func writeDotStuffed(w *bufio.Writer, body []byte) {
	for len(body) > 0 {
		if body[0] == '.' {
			w.WriteByte('.')
		}
		i := bytes.IndexByte(body, '\n')
		if i < 0 {
			w.Write(body)
			w.WriteString("\r\n")
			break
		}
		line := body[:i]
		body = body[i+1:]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			w.Write(line)
			w.WriteByte('\n')
		} else {
			w.Write(line)
			w.WriteString("\r\n")
		}
	}
	w.WriteString(".\r\n")
}
