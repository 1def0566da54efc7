package model

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// FuzzCleanAnnouncement: whatever comes in, a refusal is a user error, and
// what is kept is valid UTF-8 within the limits, without control
// characters other than line breaks and tabs, and kept as it is when
// cleaned again.
func FuzzCleanAnnouncement(f *testing.F) {
	for _, s := range [][2]string{
		{"放假通知", "元旦放假三天。\r\n请提前安排工作。\n"},
		{"T", strings.Repeat("字", MaxAnnouncementRunes)},
		{" a\tb ", "\n\n x \n\n"},
		{"\xff", "ok"},
		{"ok", "a\x00b"},
		{"ok", "a\r\rb\u2028c"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, title, body string) {
		ti, bo, err := CleanAnnouncement(title, body)
		if err != nil {
			if !IsUserError(err) {
				t.Fatalf("error %v is not a user error", err)
			}
			return
		}
		if !utf8.ValidString(ti) || !utf8.ValidString(bo) || ti == "" || strings.TrimSpace(bo) == "" {
			t.Fatalf("kept %q / %q", ti, bo)
		}
		if utf8.RuneCountInString(ti) > MaxAnnouncementTitle || AnnouncementLength(bo) > MaxAnnouncementRunes {
			t.Fatalf("kept over the limits: %d / %d", utf8.RuneCountInString(ti), AnnouncementLength(bo))
		}
		if strings.ContainsFunc(ti, unicode.IsControl) || strings.ContainsFunc(bo, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) {
			t.Fatalf("kept control characters: %q / %q", ti, bo)
		}
		ti2, bo2, err := CleanAnnouncement(ti, bo)
		if err != nil || ti2 != ti || bo2 != bo {
			t.Fatalf("cleaning again: %q / %q, %v", ti2, bo2, err)
		}
	})
}

// FuzzCheckLetter: a template either passes the trial or is refused with
// a user error; one that passes renders a subject on one line.
func FuzzCheckLetter(f *testing.F) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for _, s := range []string{"Subject: 欢迎 {{.Name}}\n\n{{.Address}}", "Subject: x\n\n{{.Name", "{{range .Name}}x{{end}}", "Subject: {{date .Expires}}\n{{template \"x\"}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		err := CheckLetter(LetterWelcome, text, now)
		if err != nil {
			if !IsUserError(err) {
				t.Fatalf("error %v is not a user error", err)
			}
			return
		}
		tpl, err := ParseLetter(LetterWelcome, strings.ReplaceAll(text, "\r\n", "\n"))
		if err != nil {
			t.Fatal(err)
		}
		subject, _, err := RenderLetter(tpl, SampleLetter(now))
		if err != nil || subject == "" || strings.ContainsAny(subject, "\n") {
			t.Fatalf("subject %q, %v", subject, err)
		}
	})
}
