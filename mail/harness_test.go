package mail

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

var fastArgon = model.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var (
	demoOnce sync.Once
	demoDir  string
	demoErr  error
)

// demoDB builds the demo company once per test binary and returns a
// private copy's path.
func demoDB(t testing.TB) string {
	t.Helper()
	demoOnce.Do(func() {
		demoDir, demoErr = os.MkdirTemp("", "postroom-mail-test-")
		if demoErr != nil {
			return
		}
		st, err := store.Open(filepath.Join(demoDir, cmd.DBFile), store.Options{Argon: fastArgon, NoSync: true})
		if err != nil {
			demoErr = err
			return
		}
		defer st.Close()
		d := assets.Demo()
		admin := model.Address(assets.DemoLogins()[0].Address)
		if demoErr = st.Apply(model.System(model.DoorCLI), &model.InitEnterprise{Name: d.Name, Domain: d.Domain, Admin: admin}); demoErr != nil {
			return
		}
		act, err := cmd.LocalActor(st, string(admin))
		if err != nil {
			demoErr = err
			return
		}
		_, demoErr = cmd.BuildDemo(st, act)
	})
	if demoErr != nil {
		t.Fatalf("demo: %v", demoErr)
	}
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(demoDir, cmd.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, cmd.DBFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// testServer is a relay over a private copy of the demo company, with both
// doors listening on loopback.
type testServer struct {
	t          testing.TB
	dir        string
	clock      *clock
	store      *store.Store
	spool      *store.Spool
	relay      *Relay
	inbound    string
	submission string
	cancel     context.CancelFunc
}

// newTestServer starts a relay; tune may change the configuration first.
func newTestServer(t testing.TB, tune func(*Config)) *testServer {
	t.Helper()
	dir := demoDB(t)
	clk := &clock{t: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}
	st, err := store.Open(filepath.Join(dir, cmd.DBFile), store.Options{Argon: fastArgon, NoSync: true, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := store.OpenSpool(filepath.Join(dir, "spool.db"), store.SpoolOptions{Now: clk.Now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Hostname = "mx.example.com"
	cfg.Limits.SessionLifetime = Duration(time.Minute)
	if tune != nil {
		tune(&cfg)
	}
	r, err := New(Options{DataDir: dir, Config: cfg, Store: st, Spool: sp, Now: clk.Now, Log: &panics})
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{t: t, dir: dir, clock: clk, store: st, spool: sp, relay: r}
	li, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ls, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.inbound, ts.submission = li.Addr().String(), ls.Addr().String()
	go r.ServeInbound(li)
	go r.ServeSubmission(ls)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		r.Shutdown(ctx)
		sp.Close()
		st.Close()
	})
	return ts
}

// dial opens an SMTP client to one of the doors and says EHLO.
func (ts *testServer) dial(addr string) *smtp.Client {
	ts.t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		ts.t.Fatal(err)
	}
	if err := c.Hello("client.test"); err != nil {
		ts.t.Fatal(err)
	}
	ts.t.Cleanup(func() { c.Close() })
	return c
}

// login dials the submission door and authenticates as a demo role.
func (ts *testServer) login(role string) (*smtp.Client, model.Address) {
	ts.t.Helper()
	l := demoLogin(ts.t, role)
	c := ts.dial(ts.submission)
	if err := c.Auth(sasl.NewPlainClient("", l.Address, l.Password)); err != nil {
		ts.t.Fatalf("AUTH as %s: %v", role, err)
	}
	return c, model.Address(l.Address)
}

// dialTLS opens a client that has done STARTTLS, trusting the test
// certificate blindly.
func (ts *testServer) dialTLS(addr string) *smtp.Client {
	ts.t.Helper()
	c, err := smtp.DialStartTLS(addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		ts.t.Fatal(err)
	}
	ts.t.Cleanup(func() { c.Close() })
	return c
}

func demoLogin(t testing.TB, role string) assets.DemoLogin {
	for _, l := range assets.DemoLogins() {
		if l.Role == role {
			return l
		}
	}
	t.Fatalf("no demo login for %s", role)
	return assets.DemoLogin{}
}

// send runs one transaction and returns the final reply's error (nil: 250).
func send(c *smtp.Client, from string, to []string, msg string) error {
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	for _, r := range to {
		if err := c.Rcpt(r, nil); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, msg); err != nil {
		return err
	}
	return w.Close()
}

// message builds a small CRLF message.
func message(from, to, subject, body string) string {
	lines := []string{
		"From: " + from,
		"To: " + to,
		"Subject: " + subject,
		"Date: Wed, 02 Dec 2026 09:00:00 +0800",
		"Message-ID: <" + strings.ReplaceAll(subject, " ", ".") + "@client.test>",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"",
		body,
		"",
	}
	return strings.Join(lines, "\r\n")
}

// code extracts the SMTP reply code from an error (250 for nil).
func code(err error) int {
	if err == nil {
		return 250
	}
	if se, ok := err.(*smtp.SMTPError); ok {
		return se.Code
	}
	return -1
}
