package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

type imapLiteral struct{ *bytes.Reader }

func (l imapLiteral) Size() int64 { return int64(l.Len()) }

type quietLog struct{}

func (quietLog) Printf(string, ...any) {}

// TestMigrateLocal: the local CLI runs a mailbox migration into
// DIR/mail from an old IMAP server on loopback (go-imap's in-memory
// server), prints the batch task first, and a second run copies nothing.
func TestMigrateLocal(t *testing.T) {
	mem := imapmemserver.New()
	u := imapmemserver.NewUser("ww", "old password")
	u.Create("INBOX", nil)
	u.Create("Sent", nil)
	for _, f := range []string{"INBOX", "Sent"} {
		msg := "From: a@old.example.com\r\nSubject: " + f + "\r\n\r\nhello\r\n"
		u.Append(f, imapLiteral{bytes.NewReader([]byte(msg))}, &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}, Time: time.Date(2025, 5, 4, 3, 2, 1, 0, time.UTC)})
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
		Logger:       quietLog{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	dir := demoDir(t)
	list := filepath.Join(dir, "mailboxes.csv")
	os.WriteFile(list, []byte("邮箱,登录名,密码\r\nwangwei@example.com,ww,old password\r\n"), 0o600)
	args := []string{"--data", dir, "migrate", "imap", "--server", ln.Addr().String(), "--insecure-plain-for-tests", "--csv", list}
	out, errs, code := postroom(t, "", args...)
	if code != 0 || !strings.HasPrefix(out, "batch 1: migrating 1 mailboxes") || !strings.Contains(out, "ok wangwei@example.com: 2 messages") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if strings.Contains(out+errs, "old password") {
		t.Error("the output shows the password")
	}
	cur, _ := os.ReadDir(filepath.Join(dir, "mail", "example.com", "wangwei", "cur"))
	sent, _ := os.ReadDir(filepath.Join(dir, "mail", "example.com", "wangwei", ".Sent", "cur"))
	if len(cur) != 1 || len(sent) != 1 {
		t.Errorf("the Maildir holds %d in INBOX and %d in Sent", len(cur), len(sent))
	}
	out, _, code = postroom(t, "", args...)
	if code != 0 || !strings.Contains(out, "ok wangwei@example.com: 0 messages") {
		t.Errorf("a second run: exit %d\n%s", code, out)
	}
	out, _, code = postroom(t, "", "--data", dir, "migrate", "status", "1")
	if code != 0 || !strings.Contains(out, "migrate, done") {
		t.Errorf("migrate status: exit %d\n%s", code, out)
	}
}
