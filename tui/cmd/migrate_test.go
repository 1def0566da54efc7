package cmd_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"postroom/mail"
	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

type quiet struct{}

func (quiet) Printf(string, ...any) {}

type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return int64(l.Len()) }

// oldIMAP is the old server of a migration: go-imap's in-memory server on
// loopback with one account per login given (login → password), each
// with two messages in INBOX and one in 已发送.
func oldIMAP(t testing.TB, accounts map[string]string) string {
	t.Helper()
	mem := imapmemserver.New()
	for login, pass := range accounts {
		u := imapmemserver.NewUser(login, pass)
		for _, f := range []string{"INBOX", "已发送"} {
			u.Create(f, nil)
		}
		for i, f := range []string{"INBOX", "INBOX", "已发送"} {
			body := fmt.Sprintf("From: a@old.example.com\r\nSubject: %d\r\n\r\nhello %d\r\n", i, i)
			u.Append(f, literal{bytes.NewReader([]byte(body))}, &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}, Time: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)})
		}
		mem.AddUser(u)
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
		Logger:       quiet{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// runMigrate runs a command as the SSH door of postroom serve does, with
// the migration wired to the fixture's Maildir.
func runMigrate(t testing.TB, as, stdin string, args ...string) (string, string, int) {
	t.Helper()
	f := fx(t)
	var actor model.Actor
	f.s.Read(func(r *store.Reader) error {
		var err error
		actor, err = r.Actor(who(t, as), model.DoorSSH, "192.0.2.1")
		return err
	})
	g := &mail.IMAPMigration{Store: f.s, Maildir: mail.NewMaildir(filepath.Join(f.dir, "mail"), "mx.example.com", nil), Parallel: 3}
	var out, errb bytes.Buffer
	env := &cmd.Env{Actor: actor, Store: f.s, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		MigrateIMAP: func(a model.Actor, job model.MigrationJob, progress func(model.BatchRow)) error {
			return g.Run(context.Background(), a, job, progress)
		}}
	code := cmd.Run(env, args)
	return out.String(), errb.String(), code
}

// TestMigrateCommand: an admin migrates two mailboxes from a CSV with a
// bad line; the batch id comes first; the wrong password is that
// member's row; migrate status shows each member's messages, bytes and
// folders; the mail is in the Maildir, 已发送 as a folder.
func TestMigrateCommand(t *testing.T) {
	srv := oldIMAP(t, map[string]string{"ww": "pw-ww", "ly": "pw-ly"})
	csv := "邮箱,登录名,密码\r\nwangwei@example.com,ww,pw-ww\r\nliuyang@example.com,ly,wrong\r\nnot-an-address,x,y\r\n"
	out, errs, code := runMigrate(t, "admin", csv, "migrate", "imap", "--server", srv, "--insecure-plain-for-tests", "--csv", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	var id uint64
	if _, err := fmt.Sscanf(out, "batch %d: migrating 2 mailboxes", &id); err != nil {
		t.Fatalf("the output does not start with the batch id:\n%s", out)
	}
	if strings.Contains(out, "pw-ww") || strings.Contains(out, "wrong") && strings.Contains(out, "password wrong") {
		t.Errorf("the output shows a password:\n%s", out)
	}
	var st batchJSON
	decode(t, ok(t, "admin", "", "migrate", "status", fmt.Sprint(id), "--json"), &st)
	if st.Kind != "migrate" || st.State != "done" || st.Rows != 3 || st.OK != 1 || st.Failed != 2 || len(st.Results) != 3 {
		t.Fatalf("status = %+v", st)
	}
	byKey := map[string]string{}
	for _, r := range st.Results {
		byKey[r.Key] = r.Outcome + ": " + r.Reason
		if strings.Contains(r.Reason, "pw-") {
			t.Errorf("a row shows a password: %+v", r)
		}
	}
	if r := byKey["wangwei@example.com"]; !strings.HasPrefix(r, "ok: 3 messages") || !strings.Contains(r, "2 folders") {
		t.Errorf("wangwei's row: %s", r)
	}
	if r := byKey["liuyang@example.com"]; !strings.HasPrefix(r, "failed: the old server refused the login ly") {
		t.Errorf("liuyang's row: %s", r)
	}
	if r := byKey["line 4"]; !strings.HasPrefix(r, "failed: line 4, address") {
		t.Errorf("the bad line's row: %s", r)
	}
	dir := filepath.Join(fx(t).dir, "mail", "example.com", "wangwei")
	cur, _ := os.ReadDir(filepath.Join(dir, "cur"))
	sent, _ := os.ReadDir(filepath.Join(dir, "."+mail.EncodeMUTF7("已发送"), "cur"))
	if len(cur) != 2 || len(sent) != 1 {
		t.Errorf("the Maildir has %d in INBOX and %d in 已发送", len(cur), len(sent))
	}
	// The text status names every member.
	if out := ok(t, "auditor", "", "migrate", "status", fmt.Sprint(id)); !strings.Contains(out, "liuyang@example.com") || !strings.Contains(out, "migrate, done") {
		t.Errorf("migrate status as text:\n%s", out)
	}
}

// TestMigrateRoles: only those with the import right migrate; a
// sub-admin only the members of their departments; everyone else is
// refused before anything is read or recorded.
func TestMigrateRoles(t *testing.T) {
	srv := oldIMAP(t, map[string]string{"ww": "pw-ww"})
	csv := "address,login,password\nwangwei@example.com,ww,pw-ww\n"
	for _, as := range []string{"helpdesk", "auditor", "hr", "head", "member"} {
		out, errs, code := runMigrate(t, as, csv, "migrate", "imap", "--server", srv, "--insecure-plain-for-tests", "--csv", "-")
		if code != 1 || !strings.Contains(errs, "import") || out != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", as, code, out, errs)
		}
	}
	if n := len(batches(t, "admin")); n != 0 {
		t.Errorf("refused migrations recorded %d tasks", n)
	}
	// wangwei works in 销售部/华北大区, below the sub-admin's 销售部;
	// the auditor does not.
	subCSV := "address,login,password\nwangwei@example.com,ww,pw-ww\n" + auditorAddr + ",ww,pw-ww\n"
	out, errs, code := runMigrate(t, "subadmin", subCSV, "migrate", "imap", "--server", srv, "--insecure-plain-for-tests", "--csv", "-", "--json")
	if code != 0 {
		t.Fatalf("sub-admin: exit %d: %s", code, errs)
	}
	var st batchJSON
	decode(t, out, &st)
	if st.OK != 1 || st.Failed != 1 || st.By != subadminAddr {
		t.Errorf("the sub-admin's migration: %+v", st)
	}
	for _, r := range st.Results {
		if r.Key == auditorAddr && (r.Outcome != "failed" || !strings.Contains(r.Reason, "import")) {
			t.Errorf("the member outside the sub-admin's departments: %+v", r)
		}
	}
	// Only the sub-admin and those who read every task see it.
	refused(t, "member", "", []string{"migrate", "status", fmt.Sprint(st.ID)}, "no batch task")
	ok(t, "auditor", "", "migrate", "status", fmt.Sprint(st.ID))
}

// TestMigrateMistakes: flags and files that cannot work are refused with
// what to do, nothing recorded.
func TestMigrateMistakes(t *testing.T) {
	for _, c := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"--server", "old:993", "--tls", "--starttls", "--csv", "-"}, "address,password\na@example.com,x\n", "give one of"},
		{[]string{"--server", "old", "--csv", "-"}, "address,password\na@example.com,x\n", "HOST:PORT"},
		{[]string{"--server", "old:993"}, "", "--csv names"},
		{[]string{"--server", "old:993", "--csv", "-"}, "login,password\nx,y\n", "no address"},
	} {
		_, errs, code := runMigrate(t, "admin", c.stdin, append([]string{"migrate", "imap"}, c.args...)...)
		if code != 1 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want it to say %q", c.args, code, errs, c.want)
		}
	}
	_, errs, code := runMigrate(t, "admin", "address,password\nbad,x\n", "migrate", "imap", "--server", "old:993", "--csv", "-")
	if code != 1 || !strings.Contains(errs, "no mailbox that can be migrated") {
		t.Errorf("a list with no good row: exit %d, %q", code, errs)
	}
	// Where the Maildir is not at hand (a door without the migration).
	refused(t, "admin", "address,password\na@example.com,x\n", []string{"migrate", "imap", "--server", "old:993", "--csv", "-"}, "writes to the Maildir")
	// migrate status is for migrations only.
	ok(t, "admin", "", "export", "members")
	exp := batches(t, "admin", "--kind", "export")[0]
	refused(t, "admin", "", []string{"migrate", "status", fmt.Sprint(exp.ID)}, "not a migrate one")
}
