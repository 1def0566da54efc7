package model

import (
	"strings"
	"testing"
)

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{
		"zhangsan@example.com",
		" ZhangSan@Example.COM ",
		"ｚｈａｎｇｓａｎ＠ｅｘａｍｐｌｅ．ｃｏｍ",
		"x@xn--fsqu00a.xn--fiqs8s",
		"x@例子.中国",
		`"a b"@x.com`,
		"@a,@b:x@y.com",
		"Zhang San <zs@x.com>",
		"a@[1.2.3.4]",
		"a+b@x.com",
		"a\r\n@x.com",
		"a..b@x.com",
		"x@xn--zz.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAddress(s)
		if err != nil {
			if !IsUserError(err) {
				t.Fatalf("ParseAddress(%q): error %v is not a user error", s, err)
			}
			return
		}
		again, err := ParseAddress(string(a))
		if err != nil || again != a {
			t.Fatalf("ParseAddress(%q) = %q, which re-parses to %q, %v", s, a, again, err)
		}
		if !isASCIIText(string(a)) {
			t.Fatalf("ParseAddress(%q) = %q, not ASCII", s, a)
		}
		if strings.Count(string(a), "@") != 1 {
			t.Fatalf("ParseAddress(%q) = %q, not exactly one '@'", s, a)
		}
		if strings.ContainsAny(string(a), "\r\n \"'") {
			t.Fatalf("ParseAddress(%q) = %q holds a CR, LF, space or quote", s, a)
		}
		if a.Local() == "" || a.Domain() == "" || Address(a.Local()+"@"+a.Domain()) != a {
			t.Fatalf("ParseAddress(%q) = %q splits into %q and %q", s, a, a.Local(), a.Domain())
		}
	})
}
