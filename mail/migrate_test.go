package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// oldServer is the far side of a migration: go-imap's in-memory IMAP
// server on loopback, plain text (as --insecure-plain-for-tests).
type oldServer struct {
	addr  string
	mem   *imapmemserver.Server
	users map[string]*imapmemserver.User
}

func newOldServer(t testing.TB) *oldServer {
	t.Helper()
	o := &oldServer{mem: imapmemserver.New(), users: map[string]*imapmemserver.User{}}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return o.mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
		Logger:       discardLogger{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	o.addr = ln.Addr().String()
	return o
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

// user adds an account with the given folders (INBOX always).
func (o *oldServer) user(t testing.TB, login, password string, folders ...string) *imapmemserver.User {
	t.Helper()
	u := imapmemserver.NewUser(login, password)
	for _, f := range append([]string{"INBOX"}, folders...) {
		if err := u.Create(f, nil); err != nil {
			t.Fatal(err)
		}
	}
	o.mem.AddUser(u)
	o.users[login] = u
	return u
}

type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return int64(l.Len()) }

// put appends a message to a folder with flags and an internal date.
func put(t testing.TB, u *imapmemserver.User, folder, body string, date time.Time, flags ...imap.Flag) {
	t.Helper()
	if _, err := u.Append(folder, literal{bytes.NewReader([]byte(body))}, &imap.AppendOptions{Flags: flags, Time: date}); err != nil {
		t.Fatal(err)
	}
}

func oldMessage(subject string, n int) string {
	return fmt.Sprintf("From: old@old.example.com\r\nTo: zhangsan@example.com\r\nSubject: %s %d\r\nMessage-ID: <%s-%d@old.example.com>\r\n\r\nbody %d\r\n", subject, n, strings.ReplaceAll(subject, " ", ""), n, n)
}

// migrationFixture is a copy of the demo company with its Maildir root and
// a migration engine over both.
type migrationFixture struct {
	dir   string
	st    *store.Store
	md    *Maildir
	g     *IMAPMigration
	admin model.Actor
}

func newMigrationFixture(t testing.TB) *migrationFixture {
	t.Helper()
	dir := demoDB(t)
	st, err := store.Open(filepath.Join(dir, cmd.DBFile), store.Options{Argon: fastArgon, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	admin, err := cmd.LocalActor(st, assets.DemoLogins()[0].Address)
	if err != nil {
		t.Fatal(err)
	}
	md := NewMaildir(filepath.Join(dir, "mail"), "mx.example.com", nil)
	return &migrationFixture{dir: dir, st: st, md: md, g: &IMAPMigration{Store: st, Maildir: md}, admin: admin}
}

// run migrates rows from the old server as actor and returns the batch task.
func (f *migrationFixture) run(t testing.TB, o *oldServer, actor model.Actor, rows ...model.MigrationRow) *model.Batch {
	t.Helper()
	id, err := f.st.BeginBatch(actor, model.BatchMigrate, len(rows), o.addr)
	if err != nil {
		t.Fatal(err)
	}
	job := model.MigrationJob{Server: o.addr, Security: SecurityPlain, Batch: id, Rows: rows}
	if err := f.g.Run(context.Background(), actor, job, nil); err != nil {
		t.Fatal(err)
	}
	var b *model.Batch
	f.st.Read(func(r *store.Reader) error {
		b, err = r.Batch(id)
		return err
	})
	return b
}

func (f *migrationFixture) rows(t testing.TB, id uint64) []model.BatchRow {
	t.Helper()
	var rows []model.BatchRow
	f.st.Read(func(r *store.Reader) error {
		rows, _, _ = r.BatchRows(id, "", 0, 0)
		return nil
	})
	return rows
}

// files lists a Maildir folder's messages as "sub/name" (sub is new or cur).
func (f *migrationFixture) files(t testing.TB, addr, folderDir string) []string {
	t.Helper()
	local, domain, _ := strings.Cut(addr, "@")
	var out []string
	for _, sub := range []string{"new", "cur"} {
		es, _ := os.ReadDir(filepath.Join(f.dir, "mail", domain, local, folderDir, sub))
		for _, e := range es {
			out = append(out, sub+"/"+e.Name())
		}
	}
	return out
}

const (
	zhangsan = "wangwei@example.com" // a demo member
	lisi     = "liuyang@example.com" // another
)

var day = time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)

// TestMigrateIMAP: a member's INBOX, Sent and a Chinese folder with a
// child come over with their flags (seen in cur/ with S, others in new/)
// and their INTERNALDATE as mtime; a second member's wrong password is
// that member's failed row while the first is copied; the operation log
// holds the login but no password; a second run copies nothing again.
func TestMigrateIMAP(t *testing.T) {
	o := newOldServer(t)
	f := newMigrationFixture(t)
	u := o.user(t, "zs-old", "old secret 1", "Sent", "客户", "客户/2024年")
	put(t, u, "INBOX", oldMessage("hello", 1), day, imap.FlagSeen)
	put(t, u, "INBOX", oldMessage("hello", 2), day.Add(time.Hour))
	put(t, u, "INBOX", oldMessage("hello", 3), day.Add(2*time.Hour), imap.FlagSeen, imap.FlagAnswered, imap.FlagFlagged)
	put(t, u, "Sent", oldMessage("sent", 1), day, imap.FlagSeen)
	put(t, u, "客户/2024年", oldMessage("合同", 1), day, imap.FlagSeen, imap.FlagDraft)
	o.user(t, "ly-old", "the right one")

	b := f.run(t, o, f.admin,
		model.MigrationRow{Line: 2, Address: lisi, Login: "ly-old", Password: "a wrong password"},
		model.MigrationRow{Line: 3, Address: zhangsan, Login: "zs-old", Password: "old secret 1"})
	if b.State != model.BatchDone || b.Rows != 2 || b.OK != 1 || b.Failed != 1 {
		t.Fatalf("batch = %+v", b)
	}
	rows := f.rows(t, b.ID)
	if rows[0].Key != lisi || rows[0].Outcome != model.OutcomeFailed || !strings.Contains(rows[0].Reason, "refused the login ly-old") {
		t.Errorf("the wrong password's row = %+v", rows[0])
	}
	if rows[1].Key != zhangsan || rows[1].Outcome != model.OutcomeOK || !strings.Contains(rows[1].Reason, "5 messages") || !strings.Contains(rows[1].Reason, "4 folders") {
		t.Errorf("the member's row = %+v", rows[1])
	}

	inbox := f.files(t, zhangsan, "")
	if len(inbox) != 3 {
		t.Fatalf("inbox = %v", inbox)
	}
	var seen, unseen, answered int
	for _, name := range inbox {
		switch {
		case strings.HasPrefix(name, "new/") && !strings.Contains(name, ":2,"):
			unseen++
		case strings.HasPrefix(name, "cur/") && strings.HasSuffix(name, ":2,FRS"):
			answered++
		case strings.HasPrefix(name, "cur/") && strings.HasSuffix(name, ":2,S"):
			seen++
		}
	}
	if seen != 1 || unseen != 1 || answered != 1 {
		t.Errorf("inbox flags: %v", inbox)
	}
	local := strings.TrimSuffix(zhangsan, "@example.com")
	for _, name := range inbox {
		fi, err := os.Stat(filepath.Join(f.dir, "mail", "example.com", local, name))
		if err != nil {
			t.Fatal(err)
		}
		if mt := fi.ModTime().UTC(); !slices.Contains([]time.Time{day, day.Add(time.Hour), day.Add(2 * time.Hour)}, mt) {
			t.Errorf("%s has the mtime %v, not an INTERNALDATE", name, mt)
		}
	}
	first, _ := os.ReadFile(filepath.Join(f.dir, "mail", "example.com", local, inbox[0]))
	if !strings.HasPrefix(string(first), "From: old@old.example.com\r\n") {
		t.Errorf("the message was not copied byte for byte:\n%q", first)
	}
	if sent := f.files(t, zhangsan, ".Sent"); len(sent) != 1 || !strings.HasSuffix(sent[0], ":2,S") {
		t.Errorf("Sent = %v", sent)
	}
	child, _ := FolderPathDirName([]string{"客户", "2024年"})
	if child != ".&W6JiNw-.2024&XnQ-" {
		t.Errorf("the Chinese folder's directory is %q", child)
	}
	if cs := f.files(t, zhangsan, child); len(cs) != 1 || !strings.HasSuffix(cs[0], ":2,DS") {
		t.Errorf("客户/2024年 = %v", cs)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "mail", "example.com", local, child, "maildirfolder")); err != nil {
		t.Errorf("the folder has no maildirfolder marker: %v", err)
	}

	// The operation log names the login, never a password.
	var ops []store.OpRecord
	f.st.Read(func(r *store.Reader) error {
		ops, _ = r.OpLog(store.OpFilter{Op: "mail.migrate"})
		return nil
	})
	if len(ops) != 2 {
		t.Fatalf("%d mail.migrate records, want 2", len(ops))
	}
	var logged bytes.Buffer
	for _, op := range ops {
		fmt.Fprintf(&logged, "%+v\n", op)
	}
	for _, secret := range []string{"old secret 1", "a wrong password"} {
		if strings.Contains(logged.String(), secret) || strings.Contains(fmt.Sprint(rows), secret) {
			t.Errorf("a password is in the log or the batch rows")
		}
	}
	if !strings.Contains(logged.String(), "zs-old") {
		t.Errorf("the log does not name the login:\n%s", logged.String())
	}

	// Again: nothing new, nothing copied twice.
	b = f.run(t, o, f.admin, model.MigrationRow{Line: 2, Address: zhangsan, Login: "zs-old", Password: "old secret 1"})
	if rows := f.rows(t, b.ID); !strings.HasPrefix(rows[0].Reason, "0 messages") {
		t.Errorf("a second run: %+v", rows[0])
	}
	if n := len(f.files(t, zhangsan, "")); n != 3 {
		t.Errorf("the inbox has %d messages after a second run", n)
	}

	// A second old account of the same member (its UIDs start at 1 too)
	// adds its own messages.
	u2 := o.user(t, "zs-other", "pw2")
	put(t, u2, "INBOX", oldMessage("other", 1), day)
	put(t, u2, "INBOX", oldMessage("other", 2), day)
	b = f.run(t, o, f.admin, model.MigrationRow{Line: 2, Address: zhangsan, Login: "zs-other", Password: "pw2"})
	if rows := f.rows(t, b.ID); !strings.HasPrefix(rows[0].Reason, "2 messages") {
		t.Errorf("a second account: %+v", rows[0])
	}
	if n := len(f.files(t, zhangsan, "")); n != 5 {
		t.Errorf("the inbox has %d messages after a second account's run, want 5", n)
	}
}

// TestMigrateResumeAndUIDValidity: a run cut off in the middle of a folder
// (as by a crash, before the state was saved) resumes without copying a
// message twice; a folder whose UIDVALIDITY changed is copied again from
// the start, only its new message added.
func TestMigrateResumeAndUIDValidity(t *testing.T) {
	o := newOldServer(t)
	f := newMigrationFixture(t)
	u := o.user(t, "zs", "pw", "Archive")
	for i := range 10 {
		put(t, u, "INBOX", oldMessage("inbox", i), day.Add(time.Duration(i)*time.Minute))
		put(t, u, "Archive", oldMessage("archive", i), day, imap.FlagSeen)
	}
	row := model.MigrationRow{Line: 2, Address: zhangsan, Login: "zs", Password: "pw"}

	f.g.crashAfter = 4
	b := f.run(t, o, f.admin, row)
	if n := len(f.files(t, zhangsan, "")) + len(f.files(t, zhangsan, ".Archive")); b.Failed != 1 || n != 4 {
		t.Fatalf("the cut-off run: %+v, %d messages written", b, n)
	}
	f.g.crashAfter = 0
	b = f.run(t, o, f.admin, row)
	rows := f.rows(t, b.ID)
	if rows[0].Outcome != model.OutcomeOK || !strings.HasPrefix(rows[0].Reason, "16 messages") || !strings.Contains(rows[0].Reason, "4 already there") {
		t.Errorf("the resumed run: %+v", rows[0])
	}
	if in, ar := len(f.files(t, zhangsan, "")), len(f.files(t, zhangsan, ".Archive")); in != 10 || ar != 10 {
		t.Fatalf("after resuming: inbox %d, archive %d; want 10 and 10", in, ar)
	}

	// The old server renumbers Archive (deleted and made again with the
	// same messages and one more).
	if err := u.Delete("Archive"); err != nil {
		t.Fatal(err)
	}
	if err := u.Create("Archive", nil); err != nil {
		t.Fatal(err)
	}
	for i := range 11 {
		put(t, u, "Archive", oldMessage("archive", i), day, imap.FlagSeen)
	}
	put(t, u, "INBOX", oldMessage("inbox", 10), day)
	b = f.run(t, o, f.admin, row)
	rows = f.rows(t, b.ID)
	if !strings.HasPrefix(rows[0].Reason, "2 messages") || !strings.Contains(rows[0].Reason, "10 already there") {
		t.Errorf("after the UIDVALIDITY change: %+v", rows[0])
	}
	if in, ar := len(f.files(t, zhangsan, "")), len(f.files(t, zhangsan, ".Archive")); in != 11 || ar != 11 {
		t.Errorf("after the UIDVALIDITY change: inbox %d, archive %d; want 11 and 11", in, ar)
	}
	st, ok, _ := f.st.MigrationFolder(zhangsan, o.addr, "zs", "Archive")
	if !ok || st.LastUID != 11 {
		t.Errorf("Archive's state: %+v", st)
	}
}

// TestMigrateRefused: a sub-admin may migrate members of their own
// departments only; the refused member is their row, with the right that
// is missing, and nothing is written for them.
func TestMigrateRefused(t *testing.T) {
	o := newOldServer(t)
	f := newMigrationFixture(t)
	o.user(t, "zs", "pw")
	put(t, o.users["zs"], "INBOX", oldMessage("x", 1), day)
	sub, err := cmd.LocalActor(f.st, demoLogin(t, "subadmin").Address)
	if err != nil {
		t.Fatal(err)
	}
	outside := model.Address(demoLogin(t, "auditor").Address)
	b := f.run(t, o, sub, model.MigrationRow{Line: 2, Address: outside, Login: "zs", Password: "pw"})
	rows := f.rows(t, b.ID)
	if b.State != model.BatchFailed || rows[0].Outcome != model.OutcomeFailed || !strings.Contains(rows[0].Reason, "import") {
		t.Errorf("a member outside the sub-admin's departments: %+v %+v", b, rows)
	}
	if files := f.files(t, string(outside), ""); len(files) != 0 {
		t.Errorf("mail was written for a refused member: %v", files)
	}
}

func TestParseMigratedName(t *testing.T) {
	src := sourceTag("old:993", "zs", "INBOX")
	tag := migratedTag(src, 7, 42, bytes.Repeat([]byte{0xab}, 32))
	n, ok := parseMigratedName("1748764800." + tag + ".mx.example.com,S=120")
	if want := (migratedName{src, 7, 42, "abababababababab"}); !ok || n != want {
		t.Errorf("parse %s = %+v %v", tag, n, ok)
	}
	if src == sourceTag("old:993", "zs", "Sent") || len(src) != 8 {
		t.Errorf("source tags: %s", src)
	}
	for _, name := range []string{"1748764800.M1P2Q3R4.mx,S=5", "x", "1.Sx.h", "1.S12345678V1U2Hshort.h", "1.S1234V1U2Habababababababab.h"} {
		if _, ok := parseMigratedName(name); ok {
			t.Errorf("%q read as a migrated name", name)
		}
	}
}

// TestMigrateTLS: --tls and --starttls reach the old server with its
// certificate checked; an old server whose certificate is not trusted is
// the member's failed row; a password is not sent in clear to a server
// that takes no login without TLS.
func TestMigrateTLS(t *testing.T) {
	cert := selfSigned(t, "127.0.0.1")
	mem := imapmemserver.New()
	u := imapmemserver.NewUser("zs", "pw")
	u.Create("INBOX", nil)
	put(t, u, "INBOX", oldMessage("tls", 1), day, imap.FlagSeen)
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:      imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapStartTLS: {}},
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}},
		Logger:    discardLogger{},
	})
	t.Cleanup(func() { srv.Close() })
	plainLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tlsLn := tls.NewListener(must(net.Listen("tcp", "127.0.0.1:0")), &tls.Config{Certificates: []tls.Certificate{cert}})
	go srv.Serve(plainLn)
	go srv.Serve(tlsLn)

	leaf, _ := x509.ParseCertificate(cert.Certificate[0])
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	for _, c := range []struct {
		security, addr string
		trusted        bool
		want           string
	}{
		{SecurityTLS, tlsLn.Addr().String(), true, "1 messages"},
		{SecurityStartTLS, plainLn.Addr().String(), true, "1 messages"},
		{SecurityTLS, tlsLn.Addr().String(), false, "cannot reach the old server"},
		{SecurityPlain, plainLn.Addr().String(), true, "takes no login without TLS"},
	} {
		t.Run(fmt.Sprintf("%s_trusted_%v", c.security, c.trusted), func(t *testing.T) {
			f := newMigrationFixture(t)
			if c.trusted {
				f.g.TLSConfig = &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"}
			}
			id, _ := f.st.BeginBatch(f.admin, model.BatchMigrate, 1, c.addr)
			job := model.MigrationJob{Server: c.addr, Security: c.security, Batch: id,
				Rows: []model.MigrationRow{{Line: 2, Address: zhangsan, Login: "zs", Password: "pw"}}}
			if err := f.g.Run(context.Background(), f.admin, job, nil); err != nil {
				t.Fatal(err)
			}
			rows := f.rows(t, id)
			if !strings.Contains(rows[0].Reason, c.want) {
				t.Errorf("row = %+v, want it to say %q", rows[0], c.want)
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
