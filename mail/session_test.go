package mail

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// raw is a line-level SMTP client for the cases a polite client cannot make.
type raw struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dialRaw(t *testing.T, addr string) *raw {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	r := &raw{t: t, c: c, r: bufio.NewReader(c)}
	r.expect("220")
	return r
}

// reply reads one whole (possibly multi-line) reply.
func (r *raw) reply() string {
	r.t.Helper()
	r.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var all []string
	for {
		line, err := r.r.ReadString('\n')
		if err != nil {
			return strings.Join(append(all, "ERR "+err.Error()), "\n")
		}
		all = append(all, strings.TrimRight(line, "\r\n"))
		if len(line) < 4 || line[3] != '-' {
			return strings.Join(all, "\n")
		}
	}
}

func (r *raw) send(s string) {
	r.t.Helper()
	if _, err := io.WriteString(r.c, s); err != nil {
		r.t.Fatal(err)
	}
}

// cmd sends one line and returns the reply.
func (r *raw) cmd(line string) string {
	r.send(line + "\r\n")
	return r.reply()
}

func (r *raw) expect(prefix string) string {
	r.t.Helper()
	got := r.reply()
	if !strings.HasPrefix(got, prefix) {
		r.t.Fatalf("reply %q, want %s", got, prefix)
	}
	return got
}

func (r *raw) expectCmd(line, prefix string) string {
	r.t.Helper()
	got := r.cmd(line)
	if !strings.HasPrefix(got, prefix) {
		r.t.Fatalf("%s: reply %q, want %s", line, got, prefix)
	}
	return got
}

func TestSubmissionNeedsAuth(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(ts.submission)
	err := c.Mail("wangwei@example.com", nil)
	if code(err) != 530 {
		t.Fatalf("MAIL without AUTH: %v, want 530", err)
	}
}

func TestAuthEachRole(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, role := range []string{"admin", "subadmin", "helpdesk", "auditor", "hr", "head", "member"} {
		c, addr := ts.login(role)
		to := "wangwei@example.com"
		if err := send(c, string(addr), []string{to}, message(string(addr), to, "hello from "+role, "你好")); err != nil {
			t.Errorf("%s: send to a colleague: %v", role, err)
		}
	}
}

func TestAuthWrongPasswordClosesAfterThree(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(ts.submission)
	var last error
	for i := 0; i < 3; i++ {
		last = c.Auth(sasl.NewPlainClient("", "wangwei@example.com", "wrong-password-"+string(rune('a'+i))))
		if i < 2 && code(last) != 535 {
			t.Fatalf("try %d: %v, want 535 5.7.8", i+1, last)
		}
	}
	if code(last) != 535 {
		t.Fatalf("third try: %v, want 535", last)
	}
	if err := c.Noop(); err == nil {
		t.Fatal("the connection stays open after three wrong passwords")
	}
}

func TestAuthNeedsTLSOffLoopbackRule(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.Submission.PlainOnLoopback = false })
	l := demoLogin(t, "member")
	c := ts.dial(ts.submission)
	if err := c.Auth(sasl.NewPlainClient("", l.Address, l.Password)); code(err) != 538 && code(err) != 523 {
		t.Fatalf("AUTH before STARTTLS: %v, want 538", err)
	}
	c2 := ts.dialTLS(ts.submission)
	if err := c2.Auth(sasl.NewPlainClient("", l.Address, l.Password)); err != nil {
		t.Fatalf("AUTH after STARTTLS: %v", err)
	}
}

func TestAuthRefusesDisabledAndMustChange(t *testing.T) {
	ts := newTestServer(t, nil)
	admin := demoLogin(t, "admin")
	act, err := cmd.LocalActor(ts.store, admin.Address)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.store.Apply(act, &model.DisableMember{Address: "wangwei@example.com", Reason: "left"}); err != nil {
		t.Fatal(err)
	}
	c := ts.dial(ts.submission)
	l := demoLogin(t, "member")
	err = c.Auth(sasl.NewPlainClient("", l.Address, l.Password))
	if code(err) != 535 || !strings.Contains(err.Error(), "disabled") {
		t.Fatalf("AUTH of a disabled account: %v, want 535 saying disabled", err)
	}
}

// TestBlockedByWarningsRefused: once the third warning blocks a mailbox
// (ACC-7), a session already logged in is refused at MAIL and a new login
// at AUTH, each reply saying how the block is lifted; mail to the person is
// still accepted and kept.
func TestBlockedByWarningsRefused(t *testing.T) {
	ts := newTestServer(t, nil)
	c, _ := ts.login("member")
	act, err := cmd.LocalActor(ts.store, demoLogin(t, "admin").Address)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := ts.store.Apply(act, &model.WarnMember{Address: "wangwei@example.com", Reason: "群发广告"}); err != nil {
			t.Fatal(err)
		}
	}
	const how = "request file unblock --member wangwei@example.com"
	if err := c.Mail("wangwei@example.com", nil); code(err) != 550 || !strings.Contains(err.Error(), "blocked after 3 warnings") || !strings.Contains(err.Error(), how) {
		t.Fatalf("MAIL from a blocked mailbox: %v, want 550 saying how to lift the block", err)
	}
	l := demoLogin(t, "member")
	if err := ts.dial(ts.submission).Auth(sasl.NewPlainClient("", l.Address, l.Password)); code(err) != 535 || !strings.Contains(err.Error(), how) {
		t.Fatalf("AUTH of a blocked mailbox: %v, want 535 saying how to lift the block", err)
	}
	h, _ := ts.login("head")
	to := "wangwei@example.com"
	if err := send(h, "liuyang@example.com", []string{to}, message("liuyang@example.com", to, "周报", "x")); err != nil {
		t.Fatalf("mail to a blocked mailbox: %v, want it kept", err)
	}
}

func TestSenderBinding(t *testing.T) {
	ts := newTestServer(t, nil)
	c, _ := ts.login("member")
	if err := c.Mail("liuyang@example.com", nil); code(err) != 550 {
		t.Fatalf("MAIL FROM another member: %v, want 550 5.7.1", err)
	}
	c.Reset()
	to := "liuyang@example.com"
	err := send(c, "wangwei@example.com", []string{to}, message("liuyang@example.com", to, "spoof", "x"))
	if code(err) != 550 {
		t.Fatalf("header From of another member: %v, want 550", err)
	}
}

func TestOpenRelayRefused(t *testing.T) {
	ts := newTestServer(t, nil)
	forms := []string{
		"victim@outside.test",
		"victim%outside.test@example.com",
		"outside.test!victim@example.com",
		"@example.com:victim@outside.test",
		"victim@[192.0.2.1]",
		"\"victim@outside.test\"@example.com",
		"victim@exаmple.com", // Cyrillic а: a look-alike, not ours
	}
	for _, f := range forms {
		r := dialRaw(t, ts.inbound)
		r.expectCmd("EHLO client.test", "250")
		r.expectCmd("MAIL FROM:<someone@outside.test> SMTPUTF8", "250")
		got := r.cmd("RCPT TO:<" + f + ">")
		if !strings.HasPrefix(got, "5") {
			t.Errorf("RCPT TO:<%s> answered %q, want a 5xx refusal", f, got)
		}
		if f == "victim@outside.test" && !strings.HasPrefix(got, "550 5.7.1") {
			t.Errorf("plain relay attempt answered %q, want 550 5.7.1", got)
		}
	}
}

func TestInboundUnknownLocal(t *testing.T) {
	ts := newTestServer(t, nil)
	r := dialRaw(t, ts.inbound)
	r.expectCmd("EHLO client.test", "250")
	r.expectCmd("MAIL FROM:<someone@outside.test>", "250")
	r.expectCmd("RCPT TO:<nobody-here@example.com>", "550 5.1.1")
	r.expectCmd("RCPT TO:<wangwei@example.com>", "250")
}

func TestRecipientLimit(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.Limits.MaxRecipients = 100 })
	c2, _ := ts.login("admin")
	if err := c2.Mail("it.admin@example.com", nil); err != nil {
		t.Fatal(err)
	}
	var err error
	for i := 0; i < 101; i++ {
		err = c2.Rcpt(strings.Repeat("a", 1+i/26)+string(rune('a'+i%26))+"@outside.test", nil)
		if i < 100 && err != nil {
			t.Fatalf("recipient %d: %v", i+1, err)
		}
	}
	if code(err) != 452 {
		t.Fatalf("101st recipient: %v, want 452", err)
	}
}

// submitRaw authenticates on a raw connection (loopback allows it without TLS).
func submitRaw(t *testing.T, ts *testServer, role string) *raw {
	l := demoLogin(t, role)
	r := dialRaw(t, ts.submission)
	r.expectCmd("EHLO client.test", "250")
	r.expectCmd("AUTH PLAIN "+plainIR(l.Address, l.Password), "235")
	return r
}

func plainIR(user, pass string) string {
	return b64("\x00" + user + "\x00" + pass)
}

func TestDataRefusesBareLineEnds(t *testing.T) {
	ts := newTestServer(t, nil)
	cases := map[string]string{
		"bare LF":              "From: wangwei@example.com\r\nSubject: x\r\n\r\nline one\nline two\r\n.\r\n",
		"bare CR":              "From: wangwei@example.com\r\nSubject: x\r\n\r\nline one\rline two\r\n.\r\n",
		"smuggled end (LF.LF)": "From: wangwei@example.com\r\nSubject: x\r\n\r\nhello\n.\nMAIL FROM:<liuyang@example.com>\r\n.\r\n",
		"NUL":                  "From: wangwei@example.com\r\nSubject: x\r\n\r\nhel\x00lo\r\n.\r\n",
		"long line":            "From: wangwei@example.com\r\nSubject: x\r\n\r\n" + strings.Repeat("x", 5000) + "\r\n.\r\n",
	}
	for name, data := range cases {
		r := submitRaw(t, ts, "member")
		r.expectCmd("MAIL FROM:<wangwei@example.com>", "250")
		r.expectCmd("RCPT TO:<liuyang@example.com>", "250")
		r.expectCmd("DATA", "354")
		r.send(data)
		if got := r.reply(); !strings.HasPrefix(got, "550 5.6.0") {
			t.Errorf("%s: %q, want 550 5.6.0", name, got)
		}
		// The session is still in step: the smuggled MAIL never ran. (A
		// line over the limit ends the connection instead.)
		if name == "long line" {
			continue
		}
		if got := r.cmd("RSET"); !strings.HasPrefix(got, "250") {
			t.Errorf("%s: after the refusal RSET answered %q", name, got)
		}
	}
}

func TestSizeLimits(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.Limits.MaxMessageBytes = 64 << 10 })
	r := submitRaw(t, ts, "member")
	r.expectCmd("MAIL FROM:<wangwei@example.com> SIZE=10000000", "552")
	r.expectCmd("MAIL FROM:<wangwei@example.com>", "250")
	r.expectCmd("RCPT TO:<liuyang@example.com>", "250")
	r.expectCmd("DATA", "354")
	big := "Subject: big\r\n\r\n" + strings.Repeat(strings.Repeat("y", 70)+"\r\n", 2000) + ".\r\n"
	r.send(big)
	if got := r.reply(); !strings.HasPrefix(got, "552") {
		t.Fatalf("oversized DATA: %q, want 552", got)
	}
}

func TestUTF8AddressNeedsSMTPUTF8(t *testing.T) {
	ts := newTestServer(t, nil)
	r := dialRaw(t, ts.inbound)
	r.expectCmd("EHLO client.test", "250")
	r.expectCmd("MAIL FROM:<张三@outside.test>", "553 5.6.7")
	r.expectCmd("MAIL FROM:<张三@outside.test> SMTPUTF8", "250")
}

func TestStartTLSInjection(t *testing.T) {
	ts := newTestServer(t, nil)
	r := dialRaw(t, ts.submission)
	r.expectCmd("EHLO client.test", "250")
	// A man in the middle appends a command after STARTTLS in the same packet.
	r.send("STARTTLS\r\nMAIL FROM:<wangwei@example.com>\r\n")
	r.expect("220")
	// Whatever was pipelined before the handshake must not be answered after it.
	tc := tlsClient(r.c)
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	tr := &raw{t: t, c: tc, r: bufio.NewReader(tc)}
	got := tr.cmd("EHLO client.test")
	if !strings.HasPrefix(got, "250") {
		t.Fatalf("after STARTTLS, EHLO answered %q: the injected command was answered inside TLS", got)
	}
}

func TestDataDeadlineExtendsWhileDataFlows(t *testing.T) {
	ts := newTestServer(t, func(c *Config) {
		c.Limits.DataTimeout = Duration(300 * time.Millisecond)
	})
	r := submitRaw(t, ts, "member")
	r.expectCmd("MAIL FROM:<wangwei@example.com>", "250")
	r.expectCmd("RCPT TO:<liuyang@example.com>", "250")
	r.expectCmd("DATA", "354")
	r.send("From: wangwei@example.com\r\nSubject: slow\r\n\r\n")
	for i := 0; i < 8; i++ { // 1.2 s in all, never 300 ms idle
		time.Sleep(150 * time.Millisecond)
		r.send("a line of a slow message\r\n")
	}
	r.send(".\r\n")
	if got := r.reply(); !strings.HasPrefix(got, "250") {
		t.Fatalf("slow but flowing DATA: %q, want 250", got)
	}
}

func TestConnectionCapPerAddress(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.Limits.MaxConnsPerIP = 2 })
	dialRaw(t, ts.inbound)
	dialRaw(t, ts.inbound)
	c, err := net.Dial("tcp", ts.inbound)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	line, _ := bufio.NewReader(c).ReadString('\n')
	if !strings.HasPrefix(line, "421") {
		t.Fatalf("third connection from one address: %q, want 421", line)
	}
}

func TestTrustedSystemRelaysAsItsSender(t *testing.T) {
	ts := newTestServer(t, func(c *Config) {
		c.Trusted = []Trusted{{Name: "erp", Networks: []string{"127.0.0.1/32"}, Sender: "erp@example.com"}}
	})
	c := ts.dial(ts.submission)
	to := "wangwei@example.com"
	if err := send(c, "erp@example.com", []string{to}, message("erp@example.com", to, "invoice", "ok")); err != nil {
		t.Fatalf("trusted system: %v", err)
	}
	c2 := ts.dial(ts.submission)
	if err := c2.Mail("ceo@example.com", nil); code(err) != 550 {
		t.Fatalf("trusted system posing as another sender: %v, want 550", err)
	}
	c3 := ts.dial(ts.submission)
	c3.Mail("erp@example.com", nil)
	if err := c3.Rcpt("someone@outside.test", nil); code(err) != 550 {
		t.Fatalf("trusted system without external: %v, want 550", err)
	}
	list, err := ts.spool.List(store.QueueFilter{})
	if err != nil || len(list) == 0 || list[0].System != "erp" {
		t.Fatalf("queue after a trusted send: %v %+v", err, list)
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func tlsClient(c net.Conn) *tls.Conn {
	return tls.Client(c, &tls.Config{InsecureSkipVerify: true})
}

func TestTimeouts(t *testing.T) {
	ts := newTestServer(t, func(c *Config) {
		c.Limits.CommandTimeout = Duration(300 * time.Millisecond)
		c.Limits.SessionLifetime = Duration(time.Second)
	})
	// An idle client is told and dropped after the command timeout.
	r := dialRaw(t, ts.inbound)
	if got := r.reply(); !strings.HasPrefix(got, "421") {
		t.Fatalf("idle client: %q, want 421", got)
	}
	// A client that keeps talking is still cut off at the session lifetime.
	r2 := dialRaw(t, ts.inbound)
	start := time.Now()
	for time.Since(start) < 3*time.Second {
		if _, err := io.WriteString(r2.c, "NOOP\r\n"); err != nil {
			break
		}
		if got := r2.reply(); !strings.HasPrefix(got, "250") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("session lived %v past a 1 s lifetime", d)
	}
}
