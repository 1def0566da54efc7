package mail

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"

	"postroom/model"
)

func TestWriteDotStuffed(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"CRLF lines", "a\r\nb\r\n", "a\r\nb\r\n.\r\n"},
		{"leading dots", ".\r\n..x\r\ny\r\n.z\r\n", "..\r\n...x\r\ny\r\n..z\r\n.\r\n"},
		{"bare LF", "a\nb\n", "a\r\nb\r\n.\r\n"},
		{"no final newline", "a\r\n.b", "a\r\n..b\r\n.\r\n"},
		{"empty", "", ".\r\n"},
		{"dot in the middle of a line", "a.b\r\n", "a.b\r\n.\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			w := bufio.NewWriter(&b)
			writeDotStuffed(w, []byte(tc.in))
			w.Flush()
			if b.String() != tc.want {
				t.Errorf("got %q, want %q", b.String(), tc.want)
			}
		})
	}
}

func TestReadReply(t *testing.T) {
	cases := []struct {
		name, in string
		code     int
		enh      smtp.EnhancedCode
		text     string
		bad      string // a word of the error, when it must fail
	}{
		{"one line", "250 ok\r\n", 250, smtp.EnhancedCode{}, "ok", ""},
		{"enhanced code", "550 5.1.1 no such user\r\n", 550, smtp.EnhancedCode{5, 1, 1}, "no such user", ""},
		{"enhanced code of another class stays text", "451 5.1.1 odd\r\n", 451, smtp.EnhancedCode{}, "5.1.1 odd", ""},
		{"multi-line", "250-first\r\n250-second\r\n250 last\r\n", 250, smtp.EnhancedCode{}, "first second last", ""},
		{"bare code", "250\r\n", 250, smtp.EnhancedCode{}, "", ""},
		{"codes differ", "250-a\r\n550 b\r\n", 0, smtp.EnhancedCode{}, "", "different codes"},
		{"not a code", "hello\r\n", 0, smtp.EnhancedCode{}, "", "malformed"},
		{"out of range", "999 x\r\n", 0, smtp.EnhancedCode{}, "", "malformed"},
		{"too long", "250 " + strings.Repeat("x", 5000) + "\r\n", 0, smtp.EnhancedCode{}, "", "too long"},
		{"too many lines", strings.Repeat("250-x\r\n", maxReplyLines+1) + "250 x\r\n", 0, smtp.EnhancedCode{}, "", "too many lines"},
		{"cut short", "250-a\r\n", 0, smtp.EnhancedCode{}, "", "EOF"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client, server := net.Pipe()
			defer client.Close()
			go func() { server.Write([]byte(tc.in)); server.Close() }()
			c := newSMTPConn(client, false, time.Second)
			r, err := c.readReply(time.Second)
			if tc.bad != "" {
				if err == nil || !strings.Contains(err.Error(), tc.bad) {
					t.Fatalf("error %v, want one saying %q", err, tc.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.code != tc.code || r.enh != tc.enh || r.text != tc.text {
				t.Errorf("got %d %v %q, want %d %v %q", r.code, r.enh, r.text, tc.code, tc.enh, tc.text)
			}
		})
	}
}

// scriptedHop is a next hop written by hand, line by line, for the cases
// go-smtp's server does not show: no PIPELINING, no EHLO, a STARTTLS reply
// with more after it, idle connections it closes.
type scriptedHop struct {
	addr  string
	mu    sync.Mutex
	conns int
	lines []string // every command line received, in order
	msgs  []string // message bodies as received (dot-stuffed)
}

// newScriptedHop serves each connection with serve, given its number
// (from 1) and the connection.
func newScriptedHop(t *testing.T, serve func(h *scriptedHop, n int, r *bufio.Reader, w net.Conn)) *scriptedHop {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	h := &scriptedHop{addr: l.Addr().String()}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			h.mu.Lock()
			h.conns++
			n := h.conns
			h.mu.Unlock()
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				serve(h, n, bufio.NewReader(c), c)
			}()
		}
	}()
	return h
}

// line reads one command line and records it.
func (h *scriptedHop) line(r *bufio.Reader) (string, bool) {
	s, err := r.ReadString('\n')
	if err != nil {
		return "", false
	}
	s = strings.TrimRight(s, "\r\n")
	h.mu.Lock()
	h.lines = append(h.lines, s)
	h.mu.Unlock()
	return s, true
}

// plainSMTP answers as a minimal server: ehlo is its EHLO reply (empty:
// EHLO is refused and HELO accepted); it takes every message.
func plainSMTP(ehlo string) func(h *scriptedHop, n int, r *bufio.Reader, w net.Conn) {
	return func(h *scriptedHop, n int, r *bufio.Reader, w net.Conn) {
		w.Write([]byte("220 hop ready\r\n"))
		for {
			s, ok := h.line(r)
			if !ok {
				return
			}
			verb := strings.ToUpper(strings.SplitN(s, " ", 2)[0])
			switch {
			case verb == "EHLO" && ehlo == "":
				w.Write([]byte("502 5.5.1 EHLO? never heard of it\r\n"))
			case verb == "EHLO":
				w.Write([]byte(ehlo))
			case verb == "DATA":
				w.Write([]byte("354 go on\r\n"))
				var body strings.Builder
				for {
					l, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if l == ".\r\n" {
						break
					}
					body.WriteString(l)
				}
				h.mu.Lock()
				h.msgs = append(h.msgs, body.String())
				h.mu.Unlock()
				w.Write([]byte("250 2.0.0 queued as X\r\n"))
			case verb == "QUIT":
				w.Write([]byte("221 bye\r\n"))
				return
			default:
				w.Write([]byte("250 ok\r\n"))
			}
		}
	}
}

func sendOne(t *testing.T, cp *clientPools, hop NextHop, rcpts ...model.Address) []rcptOutcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return cp.send(ctx, hop, "a@corp.example", rcpts, []byte(testBody))
}

// TestClientWithoutPipelining: a server that offers no PIPELINING (or not
// even EHLO) gets one command at a time, and the message arrives whole.
func TestClientWithoutPipelining(t *testing.T) {
	for _, ehlo := range []string{"250-hop\r\n250 8BITMIME\r\n", ""} {
		h := newScriptedHop(t, plainSMTP(ehlo))
		cp := newClientPools("relay.example", 2, time.Minute, nil)
		hop := NextHop{Addr: h.addr}
		for range 2 {
			out := sendOne(t, cp, hop, "x@far.example", "y@far.example")
			for i, o := range out {
				if !o.Delivered {
					t.Fatalf("EHLO reply %q: recipient %d: %+v", ehlo, i, o)
				}
			}
		}
		cp.closeIdle(true)
		h.mu.Lock()
		if len(h.msgs) != 2 || h.msgs[0] != strings.ReplaceAll(testBody, "\r\n.", "\r\n..") {
			t.Errorf("EHLO reply %q: bodies %q", ehlo, h.msgs)
		}
		if h.conns != 1 {
			t.Errorf("EHLO reply %q: %d connections, want 1 (reused)", ehlo, h.conns)
		}
		if ehlo == "" && !slicesContainsPrefix(h.lines, "HELO relay.example") {
			t.Errorf("no HELO after a refused EHLO: %q", h.lines)
		}
		if ehlo != "" && !slicesContainsPrefix(h.lines, "MAIL FROM:<a@corp.example> BODY=8BITMIME") {
			t.Errorf("8BITMIME offered but not used: %q", h.lines)
		}
		h.mu.Unlock()
	}
}

func slicesContainsPrefix(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

// TestClientPipelinesTransaction: with PIPELINING the commands of a
// transaction reach the server together, before it has answered any.
func TestClientPipelinesTransaction(t *testing.T) {
	var together []int // commands already buffered when MAIL was read
	h := newScriptedHop(t, func(h *scriptedHop, n int, r *bufio.Reader, w net.Conn) {
		w.Write([]byte("220 hop\r\n"))
		for {
			s, ok := h.line(r)
			if !ok {
				return
			}
			switch verb := strings.ToUpper(strings.SplitN(s, " ", 2)[0]); verb {
			case "EHLO":
				w.Write([]byte("250-hop\r\n250-PIPELINING\r\n250 SIZE 100000\r\n"))
			case "MAIL":
				time.Sleep(20 * time.Millisecond) // let the rest arrive
				h.mu.Lock()
				together = append(together, strings.Count(peekAll(r), "\n"))
				h.mu.Unlock()
				w.Write([]byte("250 ok\r\n"))
			case "DATA":
				w.Write([]byte("354 go\r\n"))
				for {
					l, err := r.ReadString('\n')
					if err != nil || l == ".\r\n" {
						break
					}
				}
				w.Write([]byte("250 queued\r\n"))
			case "QUIT":
				w.Write([]byte("221 bye\r\n"))
				return
			default:
				w.Write([]byte("250 ok\r\n"))
			}
		}
	})
	cp := newClientPools("relay.example", 1, time.Minute, nil)
	hop := NextHop{Addr: h.addr}
	for range 2 {
		for i, o := range sendOne(t, cp, hop, "x@far.example", "y@far.example") {
			if !o.Delivered {
				t.Fatalf("recipient %d: %+v", i, o)
			}
		}
	}
	cp.closeIdle(true)
	h.mu.Lock()
	defer h.mu.Unlock()
	// Two RCPTs and DATA follow MAIL at once, each time.
	if len(together) != 2 || together[0] != 3 || together[1] != 3 {
		t.Errorf("commands buffered behind MAIL: %v, want [3 3]", together)
	}
	if !slicesContainsPrefix(h.lines, "MAIL FROM:<a@corp.example> SIZE=") {
		t.Errorf("SIZE offered but not given: %q", h.lines)
	}
	if !slicesContainsPrefix(h.lines, "RSET") {
		t.Errorf("the reused connection was not reset: %q", h.lines)
	}
}

// peekAll returns what the reader has buffered plus what arrives at once.
func peekAll(r *bufio.Reader) string {
	b, _ := r.Peek(r.Buffered())
	return string(b)
}

// TestClientIdleConnectionClosedByServer: a pooled connection the server
// has closed in the meantime costs nothing: the message goes on a new one.
func TestClientIdleConnectionClosedByServer(t *testing.T) {
	h := newScriptedHop(t, func(h *scriptedHop, n int, r *bufio.Reader, w net.Conn) {
		if n == 1 {
			// Take one message, then hang up as an idle timeout would.
			w.Write([]byte("220 hop\r\n"))
			for {
				s, ok := h.line(r)
				if !ok {
					return
				}
				switch strings.ToUpper(strings.SplitN(s, " ", 2)[0]) {
				case "EHLO":
					w.Write([]byte("250-hop\r\n250 PIPELINING\r\n"))
				case "DATA":
					w.Write([]byte("354 go\r\n"))
					for {
						l, err := r.ReadString('\n')
						if err != nil || l == ".\r\n" {
							break
						}
					}
					w.Write([]byte("250 queued\r\n"))
					return // closes
				default:
					w.Write([]byte("250 ok\r\n"))
				}
			}
		}
		plainSMTP("250-hop\r\n250 PIPELINING\r\n")(h, n, r, w)
	})
	cp := newClientPools("relay.example", 1, time.Minute, nil)
	hop := NextHop{Addr: h.addr}
	if o := sendOne(t, cp, hop, "x@far.example"); !o[0].Delivered {
		t.Fatalf("first message: %+v", o[0])
	}
	time.Sleep(50 * time.Millisecond) // the server's close arrives
	if o := sendOne(t, cp, hop, "y@far.example"); !o[0].Delivered {
		t.Fatalf("second message, after the server closed the idle connection: %+v", o[0])
	}
	cp.closeIdle(true)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.conns != 2 {
		t.Errorf("%d connections, want 2", h.conns)
	}
}

// TestClientRefusalsPipelined: refusals of MAIL, of some RCPTs and of DATA
// come back per recipient, with the server's words, and the connection
// stays in step for the next message.
func TestClientRefusalsPipelined(t *testing.T) {
	hop := newFakeHop(t, fakeHopOptions{})
	hop.setRcpt("gone@far.example", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"})
	hop.setRcpt("later@far.example", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"})
	cp := newClientPools("relay.example", 1, time.Minute, nil)
	nh := NextHop{Addr: hop.addr}
	out := sendOne(t, cp, nh, "gone@far.example", "ok@far.example", "later@far.example")
	if !out[1].Delivered || out[0].Delivered || !out[0].Permanent || out[2].Delivered || out[2].Permanent {
		t.Fatalf("outcomes %+v", out)
	}
	if !strings.Contains(out[0].Text, "550 5.1.1 no such user") || !strings.Contains(out[2].Text, "451 4.3.0 try later") {
		t.Errorf("texts %q, %q", out[0].Text, out[2].Text)
	}
	out = sendOne(t, cp, nh, "gone@far.example")
	if out[0].Delivered || !out[0].Permanent {
		t.Fatalf("all refused: %+v", out)
	}
	if out = sendOne(t, cp, nh, "ok2@far.example"); !out[0].Delivered {
		t.Fatalf("after refusals the connection is out of step: %+v", out)
	}
	hop.mu.Lock()
	hop.mailReply = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 3, 1}, Message: "full"}
	hop.mu.Unlock()
	out = sendOne(t, cp, nh, "a@far.example", "b@far.example")
	for _, o := range out {
		if o.Delivered || o.Permanent || !strings.Contains(o.Text, "452 4.3.1 full") {
			t.Fatalf("MAIL refused: %+v", out)
		}
	}
	hop.mu.Lock()
	hop.mailReply = nil
	hop.mu.Unlock()
	if out = sendOne(t, cp, nh, "ok3@far.example"); !out[0].Delivered {
		t.Fatalf("after a refused MAIL: %+v", out)
	}
	if conns, _ := hop.stats(); conns != 1 {
		t.Errorf("%d connections, want 1", conns)
	}
	cp.closeIdle(true)
}

// TestClientStartTLSInjection: a server that sends more after its reply to
// STARTTLS (what an attacker in the path would add) is not believed; the
// message goes in the clear only when TLS is not required, on a fresh
// connection.
func TestClientStartTLSInjection(t *testing.T) {
	h := newScriptedHop(t, func(h *scriptedHop, n int, r *bufio.Reader, w net.Conn) {
		if n == 1 {
			w.Write([]byte("220 hop\r\n"))
			if _, ok := h.line(r); !ok {
				return
			}
			w.Write([]byte("250-hop\r\n250 STARTTLS\r\n"))
			if _, ok := h.line(r); !ok {
				return
			}
			w.Write([]byte("220 go ahead\r\n250 injected\r\n"))
			time.Sleep(100 * time.Millisecond)
			return
		}
		plainSMTP("250-hop\r\n250 PIPELINING\r\n")(h, n, r, w)
	})
	cp := newClientPools("relay.example", 1, time.Minute, nil)
	required := sendOne(t, cp, NextHop{Addr: h.addr, RequireTLS: true}, "x@far.example")
	if required[0].Delivered || !strings.Contains(required[0].Text, "after its STARTTLS reply") {
		t.Fatalf("TLS required: %+v", required[0])
	}
	h.mu.Lock()
	h.conns = 0
	h.mu.Unlock()
	out := sendOne(t, cp, NextHop{Addr: h.addr}, "x@far.example")
	if !out[0].Delivered {
		t.Fatalf("opportunistic TLS: %+v", out[0])
	}
	cp.closeIdle(true)
}

// TestClientHostileReplies: a server that never ends its reply or sends
// garbage fails the attempt as temporary, within the command timeout.
func TestClientHostileReplies(t *testing.T) {
	for name, greeting := range map[string]string{
		"endless reply": "220-hop\r\n" + strings.Repeat("220-more\r\n", maxReplyLines+5),
		"garbage":       "hello there\r\n",
		"silence":       "",
	} {
		t.Run(name, func(t *testing.T) {
			h := newScriptedHop(t, func(h *scriptedHop, n int, r *bufio.Reader, w net.Conn) {
				w.Write([]byte(greeting))
				time.Sleep(2 * time.Second)
			})
			cp := newClientPools("relay.example", 1, time.Minute, nil)
			cp.cmdTimeout = 300 * time.Millisecond
			start := time.Now()
			out := sendOne(t, cp, NextHop{Addr: h.addr}, "x@far.example")
			if out[0].Delivered || out[0].Permanent {
				t.Fatalf("outcome %+v", out[0])
			}
			if d := time.Since(start); d > 1500*time.Millisecond {
				t.Errorf("took %v", d)
			}
		})
	}
}

// FuzzClientTransaction: whatever a next hop answers, the client neither
// panics nor hangs, and a delivery is claimed only after a 2xx to the
// final dot.
func FuzzClientTransaction(f *testing.F) {
	f.Add([]byte("220 hop\r\n250-hop\r\n250 PIPELINING\r\n250 ok\r\n250 ok\r\n354 go\r\n250 done\r\n"), false)
	f.Add([]byte("220 hop\r\n250 hop\r\n250 ok\r\n550 5.1.1 no\r\n"), false)
	f.Add([]byte("220 hop\r\n250-hop\r\n250 PIPELINING\r\n250 ok\r\n250 ok\r\n354 go\r\n250 a\r\n450 b\r\n"), true)
	f.Add([]byte("220-a\r\n220 b\r\n502 no ehlo\r\n250 helo\r\n250 ok\r\n250 ok\r\n354 go\r\n250 done\r\n"), false)
	f.Add([]byte("220 hop\r\n250-hop\r\n250 STARTTLS\r\n220 go\r\n"), false)
	f.Fuzz(func(t *testing.T, script []byte, lmtp bool) {
		client, server := net.Pipe()
		defer client.Close()
		go func() {
			defer server.Close()
			server.SetDeadline(time.Now().Add(time.Second))
			go io.Copy(io.Discard, server)
			server.Write(script)
		}()
		c := newSMTPConn(client, lmtp, 200*time.Millisecond)
		if err := c.greet("relay.example"); err != nil {
			return
		}
		res, _, err := c.transaction(false, "MAIL FROM:<a@corp.example>", []string{"x@far.example", "y@far.example"}, []byte(testBody))
		for _, r := range res.data {
			if r.code < 200 || r.code > 599 {
				t.Fatalf("reply code %d", r.code)
			}
		}
		if err == nil && res.dataErr == nil && len(res.data) > 0 && !bytes.Contains(script, []byte("354")) {
			t.Fatalf("data replies without a 354: %+v", res)
		}
	})
}
