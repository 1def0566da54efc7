package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	smtp "github.com/emersion/go-smtp"

	"postroom/model"
)

// key names the pool of connections to the hop.
func (h NextHop) key() string {
	return fmt.Sprintf("%s|%s|%t|%t", h.Kind, h.Addr, h.RequireTLS, h.VerifyTLS)
}

func (h NextHop) lmtp() bool { return h.Kind == RouteLMTP }

// network returns the network and address to dial.
func (h NextHop) network() (string, string) {
	if h.lmtp() {
		if p, ok := strings.CutPrefix(h.Addr, "unix:"); ok {
			return "unix", p
		}
		if strings.HasPrefix(h.Addr, "/") {
			return "unix", h.Addr
		}
	}
	return "tcp", h.Addr
}

// rcptOutcome is what became of one recipient in one attempt.
type rcptOutcome struct {
	Delivered bool
	Permanent bool   // a permanent failure (5xx, or an address we will not send to)
	Text      string // the remote reply or the local error
	File      string // the Maildir file of a local delivery
	// AboutRecipient: the failure is the recipient's own (its server's
	// reply to RCPT or DATA, its mailbox, its address), not the way to it
	// (a connection, a refused envelope sender, the configuration). Only
	// such a failure counts as a mailing-list subscriber's hard bounce.
	AboutRecipient bool
}

// clientPools keeps at most one pool of connections per next hop. Idle
// times are measured on the real clock: they are about sockets, not about
// when mail is due.
type clientPools struct {
	hostname    string
	maxConns    int
	idleTimeout time.Duration
	dialTimeout time.Duration
	cmdTimeout  time.Duration
	rootCAs     *x509.CertPool

	mu    sync.Mutex
	pools map[string]*hopPool

	dials atomic.Int64 // connections opened in all
}

// hopPool is the connections to one next hop: at most maxConns open at once
// (in use or idle); idle ones are reused after an RSET.
type hopPool struct {
	hop   NextHop
	slots chan struct{} // one token per open or opening connection in use

	mu   sync.Mutex
	idle []*hopConn
}

// hopConn is one open client connection.
type hopConn struct {
	c        *smtpConn
	raw      net.Conn // the TCP or unix connection under any TLS, closed to abort
	tls      bool
	reused   bool // it served a message before: RSET first
	lastUsed time.Time
}

func newClientPools(hostname string, maxConns int, idle time.Duration, rootCAs *x509.CertPool) *clientPools {
	return &clientPools{
		hostname:    hostname,
		maxConns:    maxConns,
		idleTimeout: idle,
		dialTimeout: 30 * time.Second,
		cmdTimeout:  5 * time.Minute,
		rootCAs:     rootCAs,
		pools:       map[string]*hopPool{},
	}
}

func (cp *clientPools) pool(h NextHop) *hopPool {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	p := cp.pools[h.key()]
	if p == nil {
		p = &hopPool{hop: h, slots: make(chan struct{}, cp.maxConns)}
		cp.pools[h.key()] = p
	}
	return p
}

// send delivers body from the envelope sender from ("" for a bounce) to
// rcpts at hop in one transaction, and returns one outcome per recipient,
// in order. Every address is checked again before it is sent; only SIZE is
// given as a parameter. Connection trouble is a temporary failure of every
// recipient not yet answered.
func (cp *clientPools) send(ctx context.Context, hop NextHop, from string, rcpts []model.Address, body []byte) []rcptOutcome {
	out := make([]rcptOutcome, len(rcpts))
	if from != "" {
		if err := checkForwardAddress(from); err != nil {
			for i := range out {
				out[i] = rcptOutcome{Permanent: true, Text: fmt.Sprintf("the envelope sender %q is not forwarded: %v", from, err)}
			}
			return out
		}
	}
	var todo []int
	for i, r := range rcpts {
		if err := checkForwardAddress(string(r)); err != nil {
			out[i] = rcptOutcome{Permanent: true, AboutRecipient: true, Text: fmt.Sprintf("the recipient %q is not forwarded: %v", r, err)}
			continue
		}
		todo = append(todo, i)
	}
	if len(todo) == 0 {
		return out
	}
	p := cp.pool(hop)
	hc, err := cp.get(ctx, p)
	if err != nil {
		for _, i := range todo {
			out[i] = rcptOutcome{Text: err.Error()}
		}
		return out
	}
	for {
		stop := context.AfterFunc(ctx, func() { hc.raw.Close() })
		reusable, unsent := cp.transact(hc, hop, from, rcpts, todo, body, out)
		if !stop() {
			reusable, unsent = false, false // ctx ended and closed the connection
		}
		if !unsent || !hc.reused {
			cp.put(p, hc, reusable)
			return out
		}
		// An idle connection the server had closed: nothing of this
		// message reached it, so it goes again on a new one.
		hc.c.conn.Close()
		if hc, err = cp.dial(ctx, hop, false); err != nil {
			<-p.slots
			for _, i := range todo {
				out[i] = rcptOutcome{Text: err.Error()}
			}
			return out
		}
	}
}

// transact runs one transaction for the recipients at the indexes todo,
// pipelined when the server allows (smtpconn.go). It fills out and reports
// whether the connection can serve another message, and whether it failed
// before the server answered anything of this message (then nothing was
// delivered and out is untouched).
func (cp *clientPools) transact(hc *hopConn, hop NextHop, from string, rcpts []model.Address, todo []int, body []byte, out []rcptOutcome) (reusable, unsent bool) {
	c := hc.c
	mail := "MAIL FROM:<" + from + ">"
	if c.has("8BITMIME") {
		mail += " BODY=8BITMIME"
	}
	if c.has("SIZE") {
		mail += " SIZE=" + strconv.Itoa(len(body))
	}
	to := make([]string, len(todo))
	for k, i := range todo {
		to[k] = string(rcpts[i])
	}
	res, sent, err := c.transaction(hc.reused, mail, to, body)
	hc.reused = true
	if !sent && err != nil {
		for _, i := range todo {
			out[i] = rcptOutcome{Text: fmt.Sprintf("%s: %v", hop.Addr, err)}
		}
		return false, true
	}
	connErr := func() rcptOutcome { return rcptOutcome{Text: fmt.Sprintf("%s: %v", hop.Addr, err)} }
	if res.mail.code != 250 {
		for _, i := range todo {
			out[i] = smtpOutcome(hop, res.mail.err())
		}
		return err == nil, false
	}
	var accepted []int
	for k, i := range todo {
		switch {
		case k >= len(res.rcpts):
			out[i] = connErr()
		case res.rcpts[k].code/100 == 2:
			accepted = append(accepted, i)
			out[i] = connErr() // until DATA's reply says otherwise
		default:
			out[i] = recipientOutcome(hop, res.rcpts[k].err())
		}
	}
	if err != nil {
		return false, false
	}
	if len(accepted) == 0 {
		return true, false
	}
	if res.dataErr != nil {
		for _, i := range accepted {
			out[i] = recipientOutcome(hop, res.dataErr)
		}
		return true, false
	}
	for k, i := range accepted {
		var r reply
		if hop.lmtp() {
			r = res.data[k]
		} else {
			r = res.data[0]
		}
		if r.code/100 == 2 {
			out[i] = rcptOutcome{Delivered: true, Text: fmt.Sprintf("%s said: 250 %s", hop.Addr, r.text)}
		} else {
			out[i] = recipientOutcome(hop, r.err())
		}
	}
	return true, false
}

// smtpOutcome turns a server's reply into an outcome: 5xx is permanent,
// anything else temporary.
func smtpOutcome(hop NextHop, se *smtp.SMTPError) rcptOutcome {
	return rcptOutcome{Permanent: se.Code/100 == 5, Text: fmt.Sprintf("%s said: %s", hop.Addr, smtpReplyText(se))}
}

// recipientOutcome is smtpOutcome for a reply about one recipient (to its
// RCPT, or to the DATA of a transaction it was accepted in).
func recipientOutcome(hop NextHop, se *smtp.SMTPError) rcptOutcome {
	o := smtpOutcome(hop, se)
	o.AboutRecipient = true
	return o
}

// smtpReplyText formats a reply as "550 5.1.1 text", on one line.
func smtpReplyText(se *smtp.SMTPError) string {
	msg := strings.Join(strings.Fields(se.Message), " ")
	if e := se.EnhancedCode; e[0] > 0 {
		return fmt.Sprintf("%03d %d.%d.%d %s", se.Code, e[0], e[1], e[2], msg)
	}
	return fmt.Sprintf("%03d %s", se.Code, msg)
}

// get takes a slot and returns an idle connection, or a new one. An idle
// connection is not probed: its next transaction starts with RSET, and
// send starts again on a new connection when that finds it closed.
func (cp *clientPools) get(ctx context.Context, p *hopPool) (*hopConn, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: %w", p.hop.Addr, ctx.Err())
	}
	for {
		p.mu.Lock()
		n := len(p.idle)
		if n == 0 {
			p.mu.Unlock()
			break
		}
		hc := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		if time.Since(hc.lastUsed) > cp.idleTimeout {
			cp.quit(hc)
			continue
		}
		return hc, nil
	}
	hc, err := cp.dial(ctx, p.hop, false)
	if err != nil {
		<-p.slots
		return nil, err
	}
	return hc, nil
}

// put gives the slot back, keeping the connection for reuse when it can
// serve another message.
func (cp *clientPools) put(p *hopPool, hc *hopConn, reusable bool) {
	if reusable {
		hc.lastUsed = time.Now()
		p.mu.Lock()
		p.idle = append(p.idle, hc)
		p.mu.Unlock()
	} else {
		hc.c.conn.Close()
	}
	<-p.slots
}

// closeIdle ends the connections idle for longer than the idle timeout, or
// all idle ones when all is true.
func (cp *clientPools) closeIdle(all bool) {
	cp.mu.Lock()
	pools := make([]*hopPool, 0, len(cp.pools))
	for _, p := range cp.pools {
		pools = append(pools, p)
	}
	cp.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range pools {
		p.mu.Lock()
		keep := p.idle[:0]
		var drop []*hopConn
		for _, hc := range p.idle {
			if all || time.Since(hc.lastUsed) > cp.idleTimeout {
				drop = append(drop, hc)
			} else {
				keep = append(keep, hc)
			}
		}
		clear(p.idle[len(keep):])
		p.idle = keep
		p.mu.Unlock()
		for _, hc := range drop {
			wg.Go(func() { cp.quit(hc) })
		}
	}
	wg.Wait()
}

// quit says QUIT (briefly) and closes.
func (cp *clientPools) quit(hc *hopConn) {
	hc.c.quit()
}

// dial opens a connection, says EHLO (LHLO) with our host name and starts
// TLS when the server offers it (or fails when the hop requires it).
// plain skips STARTTLS: the retry after a failed opportunistic handshake.
func (cp *clientPools) dial(ctx context.Context, hop NextHop, plain bool) (*hopConn, error) {
	network, addr := hop.network()
	d := net.Dialer{Timeout: cp.dialTimeout}
	raw, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", hop.Addr, err)
	}
	cp.dials.Add(1)
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()
	hc := &hopConn{c: newSMTPConn(raw, hop.lmtp(), cp.cmdTimeout), raw: raw}
	if err := hc.c.greet(cp.hostname); err != nil {
		raw.Close()
		return nil, fmt.Errorf("%s: greeting: %w", hop.Addr, err)
	}
	switch {
	case network == "unix" || plain:
		if hop.RequireTLS && network != "unix" {
			raw.Close()
			return nil, fmt.Errorf("%s: TLS is required for this route and could not be started", hop.Addr)
		}
		return hc, nil
	case !hc.c.has("STARTTLS"):
		if hop.RequireTLS {
			raw.Close()
			return nil, fmt.Errorf("%s does not offer STARTTLS, and TLS is required for this route", hop.Addr)
		}
		return hc, nil
	}
	host, _, err := net.SplitHostPort(hop.Addr)
	if err != nil {
		host = hop.Addr
	}
	cfg := &tls.Config{
		ServerName:         host,
		InsecureSkipVerify: !hop.VerifyTLS,
		RootCAs:            cp.rootCAs,
		MinVersion:         tls.VersionTLS12,
	}
	if err := hc.c.startTLS(cfg, cp.hostname); err != nil {
		raw.Close()
		if hop.RequireTLS || ctx.Err() != nil {
			return nil, fmt.Errorf("%s: STARTTLS: %w", hop.Addr, err)
		}
		// Opportunistic TLS that fails: send in the clear, as other MTAs do.
		return cp.dial(ctx, hop, true)
	}
	hc.tls = true
	return hc, nil
}

// checkForwardAddress checks an address before it is sent to another
// server: a plain dot-atom mailbox of letters, digits and ".-_+=" before
// the '@' and a valid domain after it; no quotes, spaces, CR, LF, angle
// brackets, source routes or '%'/'!' routing.
func checkForwardAddress(s string) error {
	if len(s) > 254 {
		return errors.New("longer than 254 characters")
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return errors.New("not of the form local@domain")
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > 64 {
		return errors.New("the part before '@' is longer than 64 characters")
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(".-_+=", c) >= 0) {
			return fmt.Errorf("%q is not allowed before '@'", rune(c))
		}
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return errors.New("misplaced '.' before '@'")
	}
	d, err := model.ParseDomain(domain)
	if err != nil {
		return err
	}
	if d != strings.ToLower(domain) {
		return errors.New("the domain is not in plain ASCII form")
	}
	return nil
}
