package mail

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"

	"postroom/model"
)

// fakeHop is a next-hop SMTP or LMTP server for tests: it answers each
// recipient as told (by address) and records what it was sent.
type fakeHop struct {
	addr string
	srv  *smtp.Server

	mu        sync.Mutex
	rcptReply map[string]*smtp.SMTPError // RCPT answer by address; nil: 250
	dataReply map[string]*smtp.SMTPError // LMTP: the answer after DATA by address
	mailReply *smtp.SMTPError            // MAIL answer; nil: 250
	delay     time.Duration              // in DATA, to hold connections open
	conns     int                        // sessions (connections) in all
	active    int                        // sessions open now
	maxActive int
	helos     []string
	tls       []bool
	mailOpts  []smtp.MailOptions
	msgs      []hopMsg
	bodiless  bool // keep no message bodies (benchmarks of many copies)
}

// hopMsg is one message the fake hop took.
type hopMsg struct {
	from string
	to   []string
	body string
}

// fakeHopOptions shape a fake hop.
type fakeHopOptions struct {
	lmtp    bool
	tls     bool   // offer STARTTLS
	network string // "tcp" (default) or "unix"
	// bodiless keeps each message's envelope, not its body: a benchmark's
	// hundreds of thousands of copies would otherwise fill the memory
	// it measures.
	bodiless bool
}

func newFakeHop(t *testing.T, o fakeHopOptions) *fakeHop {
	t.Helper()
	h := &fakeHop{rcptReply: map[string]*smtp.SMTPError{}, dataReply: map[string]*smtp.SMTPError{}, bodiless: o.bodiless}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		h.mu.Lock()
		h.conns++
		h.active++
		h.maxActive = max(h.maxActive, h.active)
		h.mu.Unlock()
		return &fakeHopSession{h: h, c: c}, nil
	}))
	srv.Domain = "next.example"
	srv.LMTP = o.lmtp
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	if o.tls {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{selfSigned(t, "127.0.0.1")}}
	}
	network, addr := "tcp", "127.0.0.1:0"
	if o.network == "unix" {
		network, addr = "unix", filepath.Join(t.TempDir(), "lmtp.sock")
	}
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	h.addr = l.Addr().String()
	h.srv = srv
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return h
}

// stats returns the connection counts.
func (h *fakeHop) stats() (conns, maxActive int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.conns, h.maxActive
}

func (h *fakeHop) received() []hopMsg {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hopMsg(nil), h.msgs...)
}

func (h *fakeHop) setRcpt(addr string, e *smtp.SMTPError) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if e == nil {
		delete(h.rcptReply, addr)
	} else {
		h.rcptReply[addr] = e
	}
}

type fakeHopSession struct {
	h    *fakeHop
	c    *smtp.Conn
	from string
	to   []string
}

func (s *fakeHopSession) Reset() { s.from, s.to = "", nil }

func (s *fakeHopSession) Logout() error {
	s.h.mu.Lock()
	s.h.active--
	s.h.mu.Unlock()
	return nil
}

func (s *fakeHopSession) Mail(from string, opts *smtp.MailOptions) error {
	s.h.mu.Lock()
	defer s.h.mu.Unlock()
	_, isTLS := s.c.TLSConnectionState()
	s.h.helos = append(s.h.helos, s.c.Hostname())
	s.h.tls = append(s.h.tls, isTLS)
	if opts != nil {
		s.h.mailOpts = append(s.h.mailOpts, *opts)
	}
	if s.h.mailReply != nil {
		return s.h.mailReply
	}
	s.from = from
	return nil
}

func (s *fakeHopSession) Rcpt(to string, opts *smtp.RcptOptions) error {
	s.h.mu.Lock()
	defer s.h.mu.Unlock()
	if e := s.h.rcptReply[to]; e != nil {
		return e
	}
	s.to = append(s.to, to)
	return nil
}

func (s *fakeHopSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.h.mu.Lock()
	delay := s.h.delay
	if s.h.bodiless {
		b = nil
	}
	s.h.msgs = append(s.h.msgs, hopMsg{from: s.from, to: s.to, body: string(b)})
	s.h.mu.Unlock()
	time.Sleep(delay)
	return nil
}

func (s *fakeHopSession) LMTPData(r io.Reader, status smtp.StatusCollector) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.h.mu.Lock()
	defer s.h.mu.Unlock()
	var got []string
	for _, to := range s.to {
		if e := s.h.dataReply[to]; e != nil {
			status.SetStatus(to, e)
			continue
		}
		got = append(got, to)
		status.SetStatus(to, nil)
	}
	s.h.msgs = append(s.h.msgs, hopMsg{from: s.from, to: got, body: string(b)})
	return nil
}

// selfSigned makes a throwaway certificate for host.
func selfSigned(t testing.TB, host string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: host},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP(host)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// testBody has a line starting with a dot, which must arrive unchanged.
const testBody = "From: a@corp.example\r\nSubject: test\r\n\r\nhello\r\n.\r\n..two dots\r\n"

func TestClientPerRecipientAndReuse(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	hop.setRcpt("full@ext.example", &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "Mailbox full"})
	hop.setRcpt("nobody@ext.example", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"})
	cp := newClientPools("mx.corp.example", 4, time.Minute, nil)
	defer cp.closeIdle(true)
	nh := NextHop{Kind: RouteSMTP, Addr: hop.addr}

	rcpts := []model.Address{"ok@ext.example", "full@ext.example", "nobody@ext.example", `bad"quote@ext.example`, "ok2@ext.example"}
	out := cp.send(context.Background(), nh, "a@corp.example", rcpts, []byte(testBody))
	want := []struct {
		delivered, permanent bool
		text                 string
	}{
		{true, false, "250"},
		{false, false, "452 4.2.2 Mailbox full"},
		{false, true, "550 5.1.1 No such user"},
		{false, true, "is not forwarded"},
		{true, false, "250"},
	}
	for i, w := range want {
		if out[i].Delivered != w.delivered || out[i].Permanent != w.permanent || !strings.Contains(out[i].Text, w.text) {
			t.Errorf("rcpt %s: %+v, want %+v", rcpts[i], out[i], w)
		}
	}
	msgs := hop.received()
	if len(msgs) != 1 || strings.Join(msgs[0].to, ",") != "ok@ext.example,ok2@ext.example" || msgs[0].body != testBody {
		t.Fatalf("hop got %+v", msgs)
	}

	// Two more messages, one after the other: the same connection (RSET between).
	for range 2 {
		out := cp.send(context.Background(), nh, "", []model.Address{"ok@ext.example"}, []byte(testBody))
		if !out[0].Delivered {
			t.Fatalf("%+v", out)
		}
	}
	if conns, _ := hop.stats(); conns != 1 || cp.dials.Load() != 1 {
		t.Errorf("%d connections (%d dials) for 3 messages, want 1", conns, cp.dials.Load())
	}
	hop.mu.Lock()
	defer hop.mu.Unlock()
	for i, h := range hop.helos {
		if h != "mx.corp.example" {
			t.Errorf("EHLO %d said %q", i, h)
		}
	}
	for _, o := range hop.mailOpts {
		if o.Size != int64(len(testBody)) || o.Return != "" || o.EnvelopeID != "" || o.Auth != nil || o.RequireTLS || o.UTF8 {
			t.Errorf("MAIL options beyond SIZE: %+v", o)
		}
	}
	if len(hop.msgs) != 3 || hop.msgs[2].from != "" {
		t.Errorf("the bounce's null sender: %+v", hop.msgs)
	}
}

func TestClientConnectionCap(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	hop.delay = 50 * time.Millisecond
	cp := newClientPools("mx.corp.example", 2, time.Minute, nil)
	defer cp.closeIdle(true)
	nh := NextHop{Kind: RouteSMTP, Addr: hop.addr}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			out := cp.send(context.Background(), nh, "a@corp.example", []model.Address{"x@ext.example"}, []byte(testBody))
			if !out[0].Delivered {
				t.Errorf("%+v", out)
			}
		})
	}
	wg.Wait()
	conns, maxActive := hop.stats()
	if maxActive > 2 || conns > 2 {
		t.Errorf("%d connections, %d at once; the cap is 2", conns, maxActive)
	}
	if len(hop.received()) != 8 {
		t.Errorf("%d messages arrived", len(hop.received()))
	}
}

func TestClientIdleConnectionsClosed(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	cp := newClientPools("mx.corp.example", 2, 20*time.Millisecond, nil)
	nh := NextHop{Kind: RouteSMTP, Addr: hop.addr}
	cp.send(context.Background(), nh, "a@corp.example", []model.Address{"x@ext.example"}, []byte(testBody))
	time.Sleep(40 * time.Millisecond)
	cp.closeIdle(false)
	deadline := time.Now().Add(2 * time.Second)
	for {
		hop.mu.Lock()
		active := hop.active
		hop.mu.Unlock()
		if active == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the idle connection is still open")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The next message opens a new connection.
	cp.send(context.Background(), nh, "a@corp.example", []model.Address{"x@ext.example"}, []byte(testBody))
	if conns, _ := hop.stats(); conns != 2 {
		t.Errorf("%d connections", conns)
	}
	cp.closeIdle(true)
}

func TestClientMailRefusedAndConnectionErrors(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	hop.mailReply = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Sender refused"}
	cp := newClientPools("mx.corp.example", 2, time.Minute, nil)
	defer cp.closeIdle(true)
	out := cp.send(context.Background(), NextHop{Kind: RouteSMTP, Addr: hop.addr}, "a@corp.example", []model.Address{"x@ext.example", "y@ext.example"}, []byte(testBody))
	for _, o := range out {
		if !o.Permanent || !strings.Contains(o.Text, "550 5.7.1 Sender refused") {
			t.Errorf("%+v", o)
		}
	}

	// Nobody listening: temporary.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := l.Addr().String()
	l.Close()
	out = cp.send(context.Background(), NextHop{Kind: RouteSMTP, Addr: dead}, "a@corp.example", []model.Address{"x@ext.example"}, []byte(testBody))
	if out[0].Delivered || out[0].Permanent || !strings.Contains(out[0].Text, "connect to") {
		t.Errorf("dead hop: %+v", out[0])
	}

	// A bad envelope sender is never sent.
	out = cp.send(context.Background(), NextHop{Kind: RouteSMTP, Addr: dead}, "a b@corp.example", []model.Address{"x@ext.example"}, []byte(testBody))
	if !out[0].Permanent || !strings.Contains(out[0].Text, "envelope sender") {
		t.Errorf("bad sender: %+v", out[0])
	}
}

func TestClientStartTLS(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{tls: true})
	cp := newClientPools("mx.corp.example", 2, time.Minute, nil)
	defer cp.closeIdle(true)

	// Opportunistic: encrypts without checking the certificate.
	out := cp.send(context.Background(), NextHop{Kind: RouteSMTP, Addr: hop.addr}, "a@corp.example", []model.Address{"x@ext.example"}, []byte(testBody))
	if !out[0].Delivered {
		t.Fatalf("%+v", out[0])
	}
	// Verified: fails against an unknown CA, works with it.
	out = cp.send(context.Background(), NextHop{Kind: RouteSMTP, Addr: hop.addr, RequireTLS: true, VerifyTLS: true}, "a@corp.example", []model.Address{"x@ext.example"}, []byte(testBody))
	if out[0].Delivered || out[0].Permanent || !strings.Contains(out[0].Text, "STARTTLS") {
		t.Errorf("unverifiable certificate: %+v", out[0])
	}
	pool := x509.NewCertPool()
	cert, _ := x509.ParseCertificate(hop.srv.TLSConfig.Certificates[0].Certificate[0])
	pool.AddCert(cert)
	cp2 := newClientPools("mx.corp.example", 2, time.Minute, pool)
	defer cp2.closeIdle(true)
	out = cp2.send(context.Background(), NextHop{Kind: RouteSMTP, Addr: hop.addr, RequireTLS: true, VerifyTLS: true}, "a@corp.example", []model.Address{"x@ext.example"}, []byte(testBody))
	if !out[0].Delivered {
		t.Errorf("verified: %+v", out[0])
	}
	hop.mu.Lock()
	for i, tl := range hop.tls {
		if !tl {
			t.Errorf("message %d went in the clear", i)
		}
	}
	for i, h := range hop.helos {
		if h != "mx.corp.example" {
			t.Errorf("EHLO %d after STARTTLS said %q", i, h)
		}
	}
	hop.mu.Unlock()

	// TLS required, not offered: temporary failure, nothing sent.
	plain := newFakeHop(t, fakeHopOptions{})
	out = cp.send(context.Background(), NextHop{Kind: RouteSMTP, Addr: plain.addr, RequireTLS: true}, "a@corp.example", []model.Address{"x@ext.example"}, []byte(testBody))
	if out[0].Delivered || out[0].Permanent || !strings.Contains(out[0].Text, "does not offer STARTTLS") {
		t.Errorf("required TLS: %+v", out[0])
	}
	if len(plain.received()) != 0 {
		t.Error("sent in the clear although TLS is required")
	}
}

func TestClientLMTPPerRecipient(t *testing.T) {
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			hop := newFakeHop(t, fakeHopOptions{lmtp: true, network: network})
			hop.dataReply["quota@corp.example"] = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "Over quota"}
			hop.dataReply["gone@corp.example"] = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Gone"}
			hop.rcptReply["unknown@corp.example"] = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Unknown"}
			cp := newClientPools("mx.corp.example", 2, time.Minute, nil)
			defer cp.closeIdle(true)
			addr := hop.addr
			if network == "unix" {
				addr = "unix:" + addr
			}
			nh := NextHop{Kind: RouteLMTP, Addr: addr}
			rcpts := []model.Address{"a@corp.example", "quota@corp.example", "gone@corp.example", "unknown@corp.example", "b@corp.example"}
			for round := range 2 { // the second round reuses the connection
				out := cp.send(context.Background(), nh, "x@ext.example", rcpts, []byte(testBody))
				// go-smtp's LMTP server puts the address in its replies after DATA.
				want := []string{"deliv", "452 4.2.2 <quota@corp.example> Over quota", "550 5.1.1 <gone@corp.example> Gone", "550 5.1.1 Unknown", "deliv"}
				for i, w := range want {
					o := out[i]
					switch {
					case w == "deliv" && !o.Delivered,
						w != "deliv" && (o.Delivered || !strings.Contains(o.Text, w) || o.Permanent != strings.HasPrefix(w, "5")):
						t.Errorf("round %d rcpt %s: %+v, want %s", round, rcpts[i], o, w)
					}
				}
			}
			if conns, _ := hop.stats(); conns != 1 {
				t.Errorf("%d connections", conns)
			}
			msgs := hop.received()
			if len(msgs) != 2 || strings.Join(msgs[0].to, ",") != "a@corp.example,b@corp.example" {
				t.Errorf("hop got %+v", msgs)
			}
		})
	}
}

func TestCheckForwardAddress(t *testing.T) {
	good := []string{"a@b.com", "First.Last@Example.COM", "srs0=ab=cd=ext.example=user@corp.example", "user+tag@ext.example", "a_b-c@xn--fiqs8s.example"}
	bad := []string{"", "a", "@b.com", "a@", `"a b"@c.com`, "a b@c.com", "a@b.com>", "<a@b.com", "a\r\n@b.com", "a@b.com\r\nRCPT TO:<x@y.com>",
		"a%b@c.com", "a!b@c.com", "a@b@c.com", ".a@b.com", "a..b@c.com", "a@[192.0.2.1]", "a@b", "a@b..com", "张@b.com", "a@ｂ.com", strings.Repeat("a", 65) + "@b.com"}
	for _, s := range good {
		if err := checkForwardAddress(s); err != nil {
			t.Errorf("%q refused: %v", s, err)
		}
	}
	for _, s := range bad {
		if err := checkForwardAddress(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}
