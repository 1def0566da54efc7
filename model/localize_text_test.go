package model

import (
	"errors"
	"fmt"
	"os"
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
