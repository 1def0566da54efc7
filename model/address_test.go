package model

import (
	"errors"
	"strings"
	"testing"
)

func TestParseAddressAccepts(t *testing.T) {
	tests := []struct {
		in   string
		want Address
	}{
		{"zhangsan@example.com", "zhangsan@example.com"},
		{"  ZhangSan@Example.COM \t", "zhangsan@example.com"},
		{"ｚｈａｎｇｓａｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "zhangsan@example.com"},
		{"zhangsan@example。com", "zhangsan@example.com"},
		{"\u3000li.si@example.com\u3000", "li.si@example.com"},
		{"wang_wu-2@mail.example.com.cn", "wang_wu-2@mail.example.com.cn"},
		{"a@b.co", "a@b.co"},
		{"x@xn--fsqu00a.xn--fiqs8s", "x@xn--fsqu00a.xn--fiqs8s"},
		{"x@XN--FSQU00A.XN--FIQS8S", "x@xn--fsqu00a.xn--fiqs8s"},
		{"x@xn--mnchen-3ya.de", "x@xn--mnchen-3ya.de"},
		{"x@1.2.3.example", "x@1.2.3.example"},
		{"x@123.com", "x@123.com"},
		{strings.Repeat("a", 64) + "@example.com", Address(strings.Repeat("a", 64) + "@example.com")},
		{"x@" + strings.Repeat("a", 63) + ".com", Address("x@" + strings.Repeat("a", 63) + ".com")},
	}
	for _, tt := range tests {
		got, err := ParseAddress(tt.in)
		if err != nil {
			t.Errorf("ParseAddress(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseAddress(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseAddressRefuses(t *testing.T) {
	long := strings.Repeat("a", 63)
	tests := []struct {
		in   string
		want string // a part of the error message
	}{
		{"", "empty"},
		{"   ", "empty"},
		{"zhang san@x.com", `address "zhang san@x.com": spaces are not allowed; remove them`},
		{"zhang\u3000san@x.com", "spaces are not allowed"},
		{"zhang\r\nsan@x.com", "line breaks are not allowed"},
		{"zhang\nsan@x.com", "line breaks"},
		{"zhang\tsan@x.com", "tabs are not allowed"},
		{"zhang\x00san@x.com", "NUL"},
		{"zhang\x07san@x.com", "control character"},
		{"zhang\u200bsan@x.com", "invisible character U+200B"},
		{"zhang\xffsan@x.com", "not valid UTF-8"},
		{`"zhang san"@x.com`, "quotes are not allowed"},
		{`"zhangsan"@x.com`, "quotes are not allowed"},
		{"Zhang San <zs@x.com>", "without a name or angle brackets"},
		{"<zs@x.com>", "angle brackets"},
		{"zs@x.com (Zhang)", "comments"},
		{"zs(comment)@x.com", "comments"},
		{"@a,@b:x@y.com", "source routes"},
		{"@relay.com:x@y.com", "source routes"},
		{"a@x.com,b@x.com", "one address at a time"},
		{"a@x.com;b@x.com", "one address at a time"},
		{"zhangsan", "no '@'"},
		{"zhangsan.example.com", "no '@'"},
		{"a@b@x.com", "more than one '@'"},
		{"@x.com", "nothing stands before the '@'"},
		{"zhangsan@", "nothing stands after the '@'"},
		{"zhang+tag@x.com", "'+' sub-addresses"},
		{"zhang%x.com@y.com", "'%' routing"},
		{"host!zhang@x.com", "'!' paths"},
		{`zhang\san@x.com`, "backslashes"},
		{"zhang[1]@x.com", "brackets"},
		{"张三@x.com", "pinyin"},
		{"zhang*san@x.com", `'*' is not allowed before the '@'`},
		{"zhang:san@x.com", `':' is not allowed`},
		{".zhang@x.com", "may not begin or end with '.'"},
		{"zhang.@x.com", "may not begin or end with '.'"},
		{"zhang..san@x.com", "'..'"},
		{strings.Repeat("a", 65) + "@x.com", "65 characters; use at most 64"},
		{"x@[1.2.3.4]", "IP address literals"},
		{"x@1.2.3.4", "all digits"},
		{"x@example.123", "all digits"},
		{"x@localhost", "at least two parts"},
		{"x@.example.com", "begins with '.'"},
		{"x@example.com.", "ends with '.'"},
		{"x@example..com", "'..'"},
		{"x@-example.com", "may not begin or end with '-'"},
		{"x@example-.com", "may not begin or end with '-'"},
		{"x@ex_ample.com", "'_' is not allowed in the domain"},
		{"x@ex*ample.com", "'*' is not allowed in the domain"},
		{"x@" + long + "a.com", "64 characters"},
		{"x@" + strings.Repeat(long+".", 4) + "com", "at most 253"},
		{strings.Repeat("a", 64) + "@" + strings.Repeat(strings.Repeat("b", 60)+".", 4) + "com", "at most 254"},
		{"x@xn--zz.com", "not valid punycode"},
		{"x@xn--.com", "may not begin or end with '-'"},
		{"x@xn--ab.com", "not valid punycode"},
		{"x@xn--a.com", "not valid punycode"},
		{"x@例子.中国", `type "x@xn--fsqu00a.xn--fiqs8s" instead`},
		{"x@例子。中国", `type "x@xn--fsqu00a.xn--fiqs8s" instead`},
		{"x@münchen.de", `type "x@xn--mnchen-3ya.de" instead`},
		{"x@exa\u00e9.com", `type "x@xn--exa-dma.com" instead`},
		{"x@a\u2488.com", `is not allowed in the domain`},
	}
	for _, tt := range tests {
		got, err := ParseAddress(tt.in)
		if err == nil {
			t.Errorf("ParseAddress(%q) = %q, want an error with %q", tt.in, got, tt.want)
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseAddress(%q): error %v is not ErrInvalid", tt.in, err)
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseAddress(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

func TestParseAddressErrorNamesInput(t *testing.T) {
	_, err := ParseAddress("zhang+tag@x.com")
	if err == nil || !strings.HasPrefix(err.Error(), `address "zhang+tag@x.com": `) {
		t.Fatalf("error %v does not start with the address as typed", err)
	}
}

func TestAddressParts(t *testing.T) {
	a, err := ParseAddress("Li.Si@Mail.Example.com")
	if err != nil {
		t.Fatal(err)
	}
	if a.Local() != "li.si" || a.Domain() != "mail.example.com" || a.String() != "li.si@mail.example.com" {
		t.Errorf("parts of %q: local %q, domain %q, string %q", a, a.Local(), a.Domain(), a.String())
	}
	var zero Address
	if zero.Local() != "" || zero.Domain() != "" {
		t.Errorf("zero address has parts %q and %q", zero.Local(), zero.Domain())
	}
}

func TestParseDomain(t *testing.T) {
	accepts := []struct{ in, want string }{
		{"example.com", "example.com"},
		{" Example.COM ", "example.com"},
		{"ｅｘａｍｐｌｅ．ｃｏｍ", "example.com"},
		{"xn--fsqu00a.xn--fiqs8s", "xn--fsqu00a.xn--fiqs8s"},
		{"example.com\n", "example.com"},
	}
	for _, tt := range accepts {
		got, err := ParseDomain(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDomain(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	refuses := []struct{ in, want string }{
		{"", "empty"},
		{"localhost", "at least two parts"},
		{"zs@example.com", "no '@'"},
		{"exa mple.com", "spaces"},
		{"[1.2.3.4]", "IP address literals"},
		{"10.0.0.1", "all digits"},
		{"例子.中国", `domain "例子.中国": an internationalised domain must be typed in its ASCII (punycode) form; type "xn--fsqu00a.xn--fiqs8s" instead`},
		{"xn--zz.com", "not valid punycode"},
		{"a\rb.com", "line breaks"},
	}
	for _, tt := range refuses {
		got, err := ParseDomain(tt.in)
		if err == nil {
			t.Errorf("ParseDomain(%q) = %q, want an error with %q", tt.in, got, tt.want)
			continue
		}
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseDomain(%q) error = %q, want ErrInvalid containing %q", tt.in, err, tt.want)
		}
	}
}
