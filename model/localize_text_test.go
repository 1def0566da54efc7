package model

import (
	"errors"
	"fmt"
	"testing"
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
