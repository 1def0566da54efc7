package mail

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/textproto"
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
	c        *smtp.Client
	raw      net.Conn // the TCP or unix connection under any TLS, closed to abort
	tls      bool
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
			out[i] = rcptOutcome{Permanent: true, Text: fmt.Sprintf("the recipient %q is not forwarded: %v", r, err)}
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
	stop := context.AfterFunc(ctx, func() { hc.raw.Close() })
	reusable := cp.transact(hc, hop, from, rcpts, todo, body, out)
	if !stop() {
		reusable = false // ctx ended and closed the connection
	}
	cp.put(p, hc, reusable)
	return out
}

// transact runs MAIL, RCPT for the recipients at the indexes todo, DATA. It
// fills out and reports whether the connection can serve another message.
func (cp *clientPools) transact(hc *hopConn, hop NextHop, from string, rcpts []model.Address, todo []int, body []byte, out []rcptOutcome) bool {
	c := hc.c
	fail := func(idx []int, err error) bool {
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			for _, i := range idx {
				out[i] = smtpOutcome(hop, se)
			}
			return true // the server answered: the connection still works
		}
		for _, i := range idx {
			out[i] = rcptOutcome{Text: fmt.Sprintf("%s: %v", hop.Addr, err)}
		}
		return false
	}
	if err := c.Mail(from, &smtp.MailOptions{Size: int64(len(body))}); err != nil {
		return fail(todo, err)
	}
	var accepted []int
	for k, i := range todo {
		err := c.Rcpt(string(rcpts[i]), nil)
		if err == nil {
			accepted = append(accepted, i)
			continue
		}
		var se *smtp.SMTPError
		if !errors.As(err, &se) {
			fail(todo[k:], err)
			fail(accepted, err)
			return false
		}
		out[i] = smtpOutcome(hop, se)
	}
	if len(accepted) == 0 {
		return true // RSET before the next use
	}
	w, err := c.Data()
	if err != nil {
		return fail(accepted, err)
	}
	if _, err := w.Write(body); err != nil {
		fail(accepted, err)
		return false
	}
	if !hop.lmtp() {
		resp, err := w.CloseWithResponse()
		if err != nil {
			return fail(accepted, err)
		}
		for _, i := range accepted {
			out[i] = rcptOutcome{Delivered: true, Text: fmt.Sprintf("%s said: 250 %s", hop.Addr, resp.StatusText)}
		}
		return true
	}
	resp, err := w.CloseWithLMTPResponse()
	// Per-recipient refusals come as an LMTPDataError; a connection error
	// is joined to them.
	var perRcpt smtp.LMTPDataError
	errors.As(err, &perRcpt)
	_, onlyRefusals := err.(smtp.LMTPDataError)
	reusable := err == nil || onlyRefusals
	for _, i := range accepted {
		addr := string(rcpts[i])
		switch {
		case resp[addr] != nil:
			out[i] = rcptOutcome{Delivered: true, Text: fmt.Sprintf("%s said: 250 %s", hop.Addr, resp[addr].StatusText)}
		case perRcpt[addr] != nil:
			out[i] = smtpOutcome(hop, perRcpt[addr])
		default:
			out[i] = rcptOutcome{Text: fmt.Sprintf("%s: no reply for this recipient after DATA: %v", hop.Addr, err)}
			reusable = false
		}
	}
	return reusable
}

// smtpOutcome turns a server's reply into an outcome: 5xx is permanent,
// anything else temporary.
func smtpOutcome(hop NextHop, se *smtp.SMTPError) rcptOutcome {
	return rcptOutcome{Permanent: se.Code/100 == 5, Text: fmt.Sprintf("%s said: %s", hop.Addr, smtpReplyText(se))}
}

// smtpReplyText formats a reply as "550 5.1.1 text", on one line.
func smtpReplyText(se *smtp.SMTPError) string {
	msg := strings.Join(strings.Fields(se.Message), " ")
	if e := se.EnhancedCode; e[0] > 0 {
		return fmt.Sprintf("%03d %d.%d.%d %s", se.Code, e[0], e[1], e[2], msg)
	}
	return fmt.Sprintf("%03d %s", se.Code, msg)
}

// get takes a slot and returns an idle connection that answers RSET, or a
// new one.
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
		stop := context.AfterFunc(ctx, func() { hc.raw.Close() })
		err := hc.c.Reset()
		stop()
		if err == nil {
			return hc, nil
		}
		hc.c.Close()
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
		hc.c.Close()
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
	hc.c.CommandTimeout = 5 * time.Second
	if err := hc.c.Quit(); err != nil {
		hc.c.Close()
	}
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
	hc := &hopConn{c: cp.newClient(raw, hop), raw: raw}
	if err := hc.c.Hello(cp.hostname); err != nil {
		raw.Close()
		return nil, fmt.Errorf("%s: greeting: %w", hop.Addr, err)
	}
	offered, _ := hc.c.Extension("STARTTLS")
	switch {
	case network == "unix" || plain:
		if hop.RequireTLS && network != "unix" {
			raw.Close()
			return nil, fmt.Errorf("%s: TLS is required for this route and could not be started", hop.Addr)
		}
		return hc, nil
	case !offered:
		if hop.RequireTLS {
			raw.Close()
			return nil, fmt.Errorf("%s does not offer STARTTLS, and TLS is required for this route", hop.Addr)
		}
		return hc, nil
	}
	tc, err := cp.startTLS(ctx, raw, hop)
	if err != nil {
		raw.Close()
		if hop.RequireTLS || ctx.Err() != nil {
			return nil, fmt.Errorf("%s: STARTTLS: %w", hop.Addr, err)
		}
		// Opportunistic TLS that fails: send in the clear, as other MTAs do.
		return cp.dial(ctx, hop, true)
	}
	hc = &hopConn{c: cp.newClient(&greetedConn{Conn: tc, greeting: []byte("220 TLS started\r\n")}, hop), raw: raw, tls: true}
	if err := hc.c.Hello(cp.hostname); err != nil {
		raw.Close()
		return nil, fmt.Errorf("%s: EHLO after STARTTLS: %w", hop.Addr, err)
	}
	return hc, nil
}

func (cp *clientPools) newClient(conn net.Conn, hop NextHop) *smtp.Client {
	var c *smtp.Client
	if hop.lmtp() {
		c = smtp.NewClientLMTP(conn)
	} else {
		c = smtp.NewClient(conn)
	}
	c.CommandTimeout = cp.cmdTimeout
	return c
}

// startTLS sends STARTTLS on raw, whose EHLO exchange go-smtp's client has
// just finished (so nothing is buffered), and does the TLS handshake.
// go-smtp's client has no STARTTLS after an EHLO with our own name, hence
// this step by hand.
func (cp *clientPools) startTLS(ctx context.Context, raw net.Conn, hop NextHop) (*tls.Conn, error) {
	raw.SetDeadline(time.Now().Add(cp.cmdTimeout))
	defer raw.SetDeadline(time.Time{})
	if _, err := raw.Write([]byte("STARTTLS\r\n")); err != nil {
		return nil, err
	}
	// Read the reply a byte at a time: nothing after it may be consumed.
	if _, _, err := textproto.NewReader(bufio.NewReaderSize(byteReader{raw}, 16)).ReadResponse(220); err != nil {
		return nil, err
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
	tc := tls.Client(raw, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, err
	}
	return tc, nil
}

// byteReader reads at most one byte per call, so a bufio.Reader on it never
// reads past what it is asked for by more than the current line.
type byteReader struct{ c net.Conn }

func (b byteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return b.c.Read(p)
}

// greetedConn replays a greeting before the connection's own data, so that
// a new go-smtp client can start on a connection just switched to TLS.
type greetedConn struct {
	net.Conn
	greeting []byte
}

func (g *greetedConn) Read(p []byte) (int, error) {
	if len(g.greeting) > 0 {
		n := copy(p, g.greeting)
		g.greeting = g.greeting[n:]
		return n, nil
	}
	return g.Conn.Read(p)
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
