package model

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestReadMigrationCSV(t *testing.T) {
	gbk, _ := simplifiedchinese.GB18030.NewEncoder().String("邮箱,登录名,密码\r\nzhangsan@example.com,张三@old,密码一\r\n")
	for _, c := range []struct {
		name   string
		in     string
		rows   []MigrationRow
		errs   []string // reasons, in order (a part of each)
		failed string   // the whole file refused with this
	}{
		{name: "english header", in: "address,login,password\nzhangsan@example.com,zs,secret1\nlisi@example.com,,secret2\n",
			rows: []MigrationRow{{2, "zhangsan@example.com", "zs", "secret1"}, {3, "lisi@example.com", "lisi@example.com", "secret2"}}},
		{name: "chinese header with BOM, columns in another order", in: "\ufeff密码,邮箱\r\n口令 with spaces ,WangWu@Example.com\r\n",
			rows: []MigrationRow{{2, "wangwu@example.com", "wangwu@example.com", "口令 with spaces "}}},
		{name: "gb18030", in: gbk, rows: []MigrationRow{{2, "zhangsan@example.com", "张三@old", "密码一"}}},
		{name: "imap_login column", in: "Address,IMAP Login,Password\na@example.com,olduser,p\n", rows: []MigrationRow{{2, "a@example.com", "olduser", "p"}}},
		{name: "problems per row", in: "address,login,password\nnot an address,x,p\na@example.com,x,\nb@example.com,x,p\nB@example.com,y,q\n\n",
			rows: []MigrationRow{{4, "b@example.com", "x", "p"}},
			errs: []string{"address", "password on the old server is empty", "listed again (first on line 4)"}},
		{name: "line break in password", in: "address,password\na@example.com,\"p\nq\"\n", errs: []string{"line break"}},
		{name: "empty", in: " \n", failed: "empty"},
		{name: "no address column", in: "login,password\nx,y\n", failed: "no address"},
		{name: "no password column", in: "address,login\nx@example.com,y\n", failed: "no password"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ReadMigrationCSV(strings.NewReader(c.in), 1<<20)
			if c.failed != "" {
				if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.failed) {
					t.Fatalf("err = %v, want one that says %q", err, c.failed)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Rows, c.rows) {
				t.Errorf("rows = %+v, want %+v", got.Rows, c.rows)
			}
			if len(got.Errors) != len(c.errs) {
				t.Fatalf("errors = %+v, want %d", got.Errors, len(c.errs))
			}
			for i, e := range got.Errors {
				if !strings.Contains(e.String(), c.errs[i]) {
					t.Errorf("error %d = %q, want it to say %q", i, e.String(), c.errs[i])
				}
				if strings.Contains(e.String(), "secret") {
					t.Errorf("an error shows a password: %s", e)
				}
			}
		})
	}
	if _, err := ReadMigrationCSV(strings.NewReader("address,password\n"+strings.Repeat("a", 100)), 50); err == nil {
		t.Error("a file over the limit was read")
	}
}

func TestMaildirInfo(t *testing.T) {
	for _, c := range []struct {
		flags []string
		info  string
		seen  bool
	}{
		{nil, "", false},
		{[]string{`\Seen`}, "S", true},
		{[]string{`\Seen`, `\Answered`, `\Flagged`}, "FRS", true},
		{[]string{`\Draft`, `\Deleted`, `$Forwarded`}, "DPT", false},
		{[]string{`\seen`, `\SEEN`, `$Junk`, `\Recent`, `custom`}, "S", true},
	} {
		info, seen := MaildirInfo(c.flags)
		if info != c.info || seen != c.seen {
			t.Errorf("MaildirInfo(%q) = %q, %v; want %q, %v", c.flags, info, seen, c.info, c.seen)
		}
	}
}

func TestMigrationFolder(t *testing.T) {
	for _, c := range []struct {
		name  string
		delim rune
		want  []string
		ok    bool
	}{
		{"INBOX", '/', nil, true},
		{"inbox", '.', nil, true},
		{"Sent", '/', []string{"Sent"}, true},
		{"客户/2024年", '/', []string{"客户", "2024年"}, true},
		{"Archive.2024", '.', []string{"Archive", "2024"}, true},
		{"v1.0 notes", '/', []string{"v1_0 notes"}, true},
		{"a//b/", '/', []string{"a", "b"}, true},
		{"Flat", 0, []string{"Flat"}, true},
		{"bad\\name", '/', nil, false},
		{"tab\tname", '/', nil, false},
		{"/", '/', nil, false},
	} {
		got, err := MigrationFolder(c.name, c.delim)
		if (err == nil) != c.ok || !slices.Equal(got, c.want) {
			t.Errorf("MigrationFolder(%q, %q) = %q, %v; want %q ok %v", c.name, c.delim, got, err, c.want, c.ok)
		}
	}
}

func FuzzReadMigrationCSV(f *testing.F) {
	f.Add("address,login,password\nzhangsan@example.com,zs,secret1\n")
	f.Add("\ufeff邮箱,密码\r\n\"a@b.cn\",\"x\"\"y\"\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		l, err := ReadMigrationCSV(strings.NewReader(in), 1<<16)
		if err != nil {
			return
		}
		for _, r := range l.Rows {
			if r.Address == "" || r.Login == "" || r.Password == "" || strings.ContainsAny(r.Login+r.Password, "\r\n\x00") {
				t.Fatalf("a bad row was kept: %+v", r)
			}
		}
	})
}
