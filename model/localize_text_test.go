package model

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"postroom/assets"
)

// TestLocalizeText: an error kept as English text reads back in Chinese
// exactly as Localize tells the error itself, nested errors and words
// included; English, and text no format matches, stay as they were.
func TestLocalizeText(t *testing.T) {
	_, addrErr := ParseAddress("zhang san@example.com")
	_, posErr := ParsePosition("boss")
	_, permErr := ParsePerm("sendas:not an address")
	for _, err := range []error{
		addrErr, posErr, permErr,
		Invalidf("department path %q has %d levels; at most %d are allowed below the root", "销售部/a/b", 12, 10),
		Conflictf("%s is %s; enable the account first", "wangwei@example.com", Word("disabled")),
		Invalidf("a reset needs a reason or ticket number: give --reason"),
	} {
		if err == nil {
			t.Fatal("a case gave no error")
		}
		want := Localize(err, "zh-CN")
		if want == err.Error() {
			t.Errorf("%q has no Chinese to compare with", err.Error())
			continue
		}
		if got := LocalizeText(err.Error(), "zh-CN"); got != want {
			t.Errorf("LocalizeText(%q)\n got %q\nwant %q", err.Error(), got, want)
		}
		if got := LocalizeText(err.Error(), "en"); got != err.Error() {
			t.Errorf("English changed: %q", got)
		}
	}
	for _, s := range []string{"", "queued as 01ab", "some text nobody wrote as a format", fmt.Sprint(errors.New("disk full"))} {
		if got := LocalizeText(s, "zh-CN"); got != s {
			t.Errorf("LocalizeText(%q) = %q", s, got)
		}
	}
}

// BenchmarkLocalizeText is one row reason read back: a format near the
// end of the list, and text no format matches.
func BenchmarkLocalizeText(b *testing.B) {
	_, err := ParseAddress("zhang san@example.com")
	text := err.Error()
	for b.Loop() {
		LocalizeText(text, "zh-CN")
		LocalizeText("some text nobody wrote as a format", "zh-CN")
	}
}

// TestAddressProblemsInChinese: why an address is not valid reads in
// Chinese inside the error that names it, and in an import row's report.
func TestAddressProblemsInChinese(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"zhang san@example.com", "不能有空格"},
		{"zhangsan", "缺少“@”"},
		{"张三@example.com", "请用拼音字母书写名字"},
		{"a@b@example.com", "有不止一个“@”"},
		{"zhangsan@example..com", "连续的“..”"},
		{"zhangsan@123", "至少要有两段"},
	} {
		_, err := ParseAddress(c.in)
		if err == nil {
			t.Fatalf("%q was accepted", c.in)
		}
		if got := Localize(err, "zh-CN"); !strings.Contains(got, c.want) || !strings.HasPrefix(got, "地址") {
			t.Errorf("%q: %q, want it to hold %q", c.in, got, c.want)
		}
	}
}

// TestAddressProblemsStand: each address problem with a translation still
// stands in model/address.go, so the table cannot drift from the code.
func TestAddressProblemsStand(t *testing.T) {
	var src []byte
	for _, name := range []string{"address.go", "book.go", "directory.go"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		src = append(src, b...)
	}
	for _, f := range assets.AddressProblems() {
		if !strings.Contains(string(src), strconv.Quote(f)) {
			t.Errorf("%q is in none of address.go, book.go and directory.go", f)
		}
	}
}

// TestOwnerInChinese: an error that says who owns an address says it in
// Chinese.
func TestOwnerInChinese(t *testing.T) {
	err := Conflictf("the address is %s, not a member; pick another address", Owner{Kind: OwnerAlias, Member: "zhangsan@example.com"}.Describe("zs@example.com"))
	if got := Localize(err, "zh-CN"); got != "这个地址是 zhangsan@example.com 的别名，不是成员：请换一个地址" {
		t.Errorf("%q", got)
	}
}

// TestBatchSummaryIn: a batch task's summary reads in Chinese, with what
// the store added to it; English and unknown text stay as they were.
func TestBatchSummaryIn(t *testing.T) {
	for _, c := range []struct{ en, zh string }{
		{"新员工.csv: 2 problems; nothing was imported", "新员工.csv：有 2 处错误，未导入任何内容"},
		{"members.csv: 3 added, 1 updated, 0 unchanged, 2 departments created", "members.csv：新增 3，更新 1，无变化 0，新建部门 2 个"},
		{`notification 4 "账单": 10 of 12 queued, 1 skipped, 1 not sent: cancelled; cancelled by a@example.com at 2026-12-03T10:00:00Z`,
			`通知 4 "账单"：已排队 10/12，跳过 1，1 封未发送：已取消；由 a@example.com 于 2026-12-03T10:00:00Z 取消`},
		{"interrupted: postroom stopped while it ran; imap.example.com: 3 of 5 mailboxes migrated, 120 messages, 2.0 MiB; stopped before the end: run it again to go on",
			"已中断：运行时 postroom 停止了；imap.example.com：已迁移邮箱 3/5，邮件 120 封，2.0 MiB；未做完就停止了：再运行一次即可继续"},
		{"something else entirely", "something else entirely"},
	} {
		if got := BatchSummaryIn(c.en, "zh-CN"); got != c.zh {
			t.Errorf("BatchSummaryIn(%q)\n got %q\nwant %q", c.en, got, c.zh)
		}
		if got := BatchSummaryIn(c.en, "en"); got != c.en {
			t.Errorf("English changed: %q", got)
		}
	}
}

// TestBatchSummariesStand: each summary format with a translation is
// still written by the code.
func TestBatchSummariesStand(t *testing.T) {
	var src []byte
	for _, dir := range []string{"../tui/cmd", "../mail", "../store"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s", dir)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			src = append(src, b...)
		}
	}
	for _, f := range assets.BatchSummaries() {
		if !strings.Contains(string(src), strconv.Quote(f)) {
			t.Errorf("no code writes the summary %q", f)
		}
	}
}
