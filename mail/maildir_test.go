package mail

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/model"
)

func TestEncodeMUTF7(t *testing.T) {
	tests := []struct{ in, want string }{
		{"INBOX", "INBOX"},
		{"邮件转移", "&kK5O9o9sefs-"},
		{"~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"}, // RFC 3501 5.1.3
		{"Tom & Jerry", "Tom &- Jerry"},
		{"&", "&-"},
		{"报价 2026", "&YqVO9w- 2026"},
		{"😀", "&2D3eAA-"}, // a surrogate pair
		{"", ""},
	}
	for _, tt := range tests {
		got := EncodeMUTF7(tt.in)
		if got != tt.want {
			t.Errorf("EncodeMUTF7(%q) = %q, want %q", tt.in, got, tt.want)
		}
		back, err := DecodeMUTF7(got)
		if err != nil || back != tt.in {
			t.Errorf("DecodeMUTF7(%q) = %q, %v; want %q", got, back, err, tt.in)
		}
	}
	for _, bad := range []string{"&kK5O9o9sefs", "&Jjo!-", "&AGE-", "a\x01b", "&a-"} {
		if _, err := DecodeMUTF7(bad); err == nil {
			t.Errorf("DecodeMUTF7(%q) accepted", bad)
		}
	}
}

// maildirNameRe is the shape of our Maildir file names.
var maildirNameRe = regexp.MustCompile(`^(\d+)\.M(\d+)P(\d+)Q(\d+)R([0-9a-f]{16})\.([^/,:]+),S=(\d+)$`)

func TestMaildirDeliver(t *testing.T) {
	root := filepath.Join(t.TempDir(), "mail")
	now := time.Date(2026, 11, 23, 9, 30, 0, 123456000, time.UTC)
	md := NewMaildir(root, "mx.corp:example/x", func() time.Time { return now })
	body := []byte("Subject: hi\r\n\r\nhello\r\n")

	path, err := md.Deliver("zhangsan@example.com", "", "li@ext.example", body)
	if err != nil {
		t.Fatal(err)
	}
	box := filepath.Join(root, "example.com", "zhangsan")
	if filepath.Dir(path) != filepath.Join(box, "new") {
		t.Fatalf("delivered to %s", path)
	}
	for _, sub := range []string{"tmp", "new", "cur"} {
		if fi, err := os.Stat(filepath.Join(box, sub)); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v %v", sub, fi, err)
		}
	}
	if ents, _ := os.ReadDir(filepath.Join(box, "tmp")); len(ents) != 0 {
		t.Errorf("tmp/ is not empty: %v", ents)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "Return-Path: <li@ext.example>\r\nDelivered-To: zhangsan@example.com\r\n" + string(body)
	if string(got) != want {
		t.Errorf("file holds %q", got)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v", fi.Mode())
	}

	name := filepath.Base(path)
	m := maildirNameRe.FindStringSubmatch(name)
	if m == nil {
		t.Fatalf("name %q is not in the expected form", name)
	}
	if m[1] != strconv.FormatInt(now.Unix(), 10) || m[2] != "123456" || m[3] != strconv.Itoa(os.Getpid()) {
		t.Errorf("name %q: time or pid wrong", name)
	}
	if m[6] != `mx.corp\072example\057x` {
		t.Errorf("host part %q: '/' and ':' must be escaped", m[6])
	}
	if size, _ := strconv.Atoi(m[7]); size != len(got) {
		t.Errorf("S=%d, file has %d bytes", size, len(got))
	}

	// A bounce has the null reverse path.
	path, err = md.Deliver("zhangsan@example.com", "", "", body)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !strings.HasPrefix(string(got), "Return-Path: <>\r\n") {
		t.Errorf("bounce: %q", got)
	}
}

func TestMaildirUniqueNamesConcurrently(t *testing.T) {
	root := t.TempDir()
	fixed := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC) // the same instant for all
	md := NewMaildir(root, "mx", func() time.Time { return fixed })
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, err := md.Deliver("wangwei@example.com", "", "a@b.com", fmt.Appendf(nil, "Subject: %d\r\n\r\nx\r\n", i))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	ents, err := os.ReadDir(filepath.Join(root, "example.com", "wangwei", "new"))
	if err != nil || len(ents) != n {
		t.Fatalf("%d files in new/ (%v), want %d", len(ents), err, n)
	}
	// A second writer (another process, or a restart) with its own counter
	// at the same instant still makes new names.
	md2 := NewMaildir(root, "mx", func() time.Time { return fixed })
	if _, err := md2.Deliver("wangwei@example.com", "", "a@b.com", []byte("x\r\n")); err != nil {
		t.Fatal(err)
	}
	ents, _ = os.ReadDir(filepath.Join(root, "example.com", "wangwei", "new"))
	if len(ents) != n+1 {
		t.Errorf("%d files after the second writer", len(ents))
	}
}

func TestMaildirFolder(t *testing.T) {
	root := t.TempDir()
	md := NewMaildir(root, "mx", nil)
	path, err := md.Deliver("catchall@example.com", "邮件转移", "x@ext.example", []byte("x\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(root, "example.com", "catchall", ".&kK5O9o9sefs-")
	if filepath.Dir(path) != filepath.Join(folder, "new") {
		t.Errorf("delivered to %s", path)
	}
	if _, err := os.Stat(filepath.Join(folder, "maildirfolder")); err != nil {
		t.Errorf("no maildirfolder marker: %v", err)
	}
	// The mailbox itself exists too, as Maildir++ wants.
	for _, sub := range []string{"tmp", "new", "cur"} {
		if _, err := os.Stat(filepath.Join(root, "example.com", "catchall", sub)); err != nil {
			t.Errorf("parent mailbox %s: %v", sub, err)
		}
	}
}

func TestMaildirRefusesPathTraversal(t *testing.T) {
	root := filepath.Join(t.TempDir(), "mail")
	md := NewMaildir(root, "mx", nil)
	badAddrs := []model.Address{
		"../../etc@example.com",
		"a/b@example.com",
		"a@../../tmp",
		"a@example.com/../../x",
		"..@example.com",
		"a@..",
		".a@example.com",
		"a\x00b@example.com",
		`a\b@example.com`,
		"ZhangSan@Example.com", // not normalised: the path would differ from the mailbox's
		"a@example",
		"",
		"@example.com",
		"a@.example.com",
		"a..b@example.com",
		"a@example..com",
	}
	for _, a := range badAddrs {
		if _, err := md.Deliver(a, "", "x@y.com", []byte("x\r\n")); err == nil {
			t.Errorf("Deliver(%q) accepted", a)
		}
	}
	badFolders := []string{"../x", "a/b", ".hidden", "a.b", `a\b`, " padded", "x\x00", "x\ny", "..", "."}
	for _, f := range badFolders {
		if _, err := md.Deliver("ok@example.com", f, "x@y.com", []byte("x\r\n")); err == nil {
			t.Errorf("folder %q accepted", f)
		}
	}
	// Nothing was written outside the root, and nothing at all for the refused ones.
	err := filepath.Walk(filepath.Dir(root), func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if !fi.IsDir() {
			t.Errorf("unexpected file %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if dir, err := md.MailboxDir("ok@example.com", "邮件转移"); err != nil || !strings.HasPrefix(dir, root+string(filepath.Separator)) {
		t.Errorf("MailboxDir = %q, %v", dir, err)
	}
}
