package model

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"postroom/assets"
)

func TestLocalize(t *testing.T) {
	notFound := NotFoundf("no member %s", Address("zhangsan@example.com"))
	reordered := NotFoundf("department %s does not exist (no %s under %s): create it with dept add %s, or check the spelling",
		"销售部/华北大区", "华北大区", "销售部", "销售部/华北大区")
	untranslated := Invalidf("a format nobody translated: %d", 7)
	wrapped := fmt.Errorf("%s %s: %w", "member.add", "lisi@example.com", notFound)
	joined := errors.Join(Conflictf("%s is not locked", Address("a@example.com")), io.EOF, Authf("wrong address or password"))
	nested := Invalidf("password policy: %s", NotFoundf("no member %s", Address("b@example.com")))
	decided := Conflictf("message %s was already %s by %s at %s", "01a2", Word("released"), "lisi@example.com", "2026-11-28 09:30:00")
	unknownWord := Conflictf("message %s is not held for approval: it is %s", "01a2", Word("sideways"))

	for _, tt := range []struct {
		name string
		err  error
		lang string
		want string
	}{
		{"nil", nil, "zh-CN", ""},
		{"English is the message as made", notFound, "en", "no member zhangsan@example.com"},
		{"no language is English", notFound, "", "no member zhangsan@example.com"},
		{"Chinese", notFound, "zh-CN", "没有成员 zhangsan@example.com"},
		{"a LANG value counts", notFound, "zh_CN.UTF-8", "没有成员 zhangsan@example.com"},
		{"reordered arguments", reordered, "zh-CN", "部门 销售部/华北大区 不存在（销售部 下没有 华北大区）：请先用 dept add 销售部/华北大区 创建，或检查拼写"},
		{"no translation: English", untranslated, "zh-CN", "a format nobody translated: 7"},
		{"not a user error", io.ErrUnexpectedEOF, "zh-CN", "unexpected EOF"},
		{"wrapped: the prefix stays", wrapped, "zh-CN", "member.add lisi@example.com: 没有成员 zhangsan@example.com"},
		{"wrapped, English", wrapped, "en", "member.add lisi@example.com: no member zhangsan@example.com"},
		{"joined", joined, "zh-CN", "a@example.com 没有被锁定\nEOF\n地址或密码错误"},
		{"a user error as an argument", nested, "zh-CN", "密码策略有误：没有成员 b@example.com"},
		{"a word as an argument", decided, "zh-CN", "邮件 01a2 已被处理过（已放行），处理人 lisi@example.com，时间 2026-11-28 09:30:00"},
		{"a word, English", decided, "en", "message 01a2 was already released by lisi@example.com at 2026-11-28 09:30:00"},
		{"a word without a translation stays", unknownWord, "zh-CN", "邮件 01a2 不在待审状态：当前状态为“sideways”"},
	} {
		if got := Localize(tt.err, tt.lang); got != tt.want {
			t.Errorf("%s: Localize(%q, %q) = %q, want %q", tt.name, tt.err, tt.lang, got, tt.want)
		}
	}
}

// TestMemberStatesInChinese: errors that name a member's state tell it in
// Chinese (they said "状态为 disabled"), and every state has its word.
func TestMemberStatesInChinese(t *testing.T) {
	for _, st := range []Status{StatusActive, StatusDisabled, StatusLocked, StatusReclaimed} {
		if _, ok := assets.ErrorWord(string(st)); !ok {
			t.Errorf("the state %q has no Chinese word", st)
		}
	}
	err := Conflictf("%s is %s; enable the account first", Address("li@example.com"), Word(StatusLocked))
	if zh, want := Localize(err, "zh-CN"), "li@example.com 的账号状态为“已锁定”：请先启用该账号"; zh != want {
		t.Errorf("zh = %q, want %q", zh, want)
	}
	if en, want := Localize(err, "en"), "li@example.com is locked; enable the account first"; en != want {
		t.Errorf("en = %q, want %q", en, want)
	}
}

// TestUserErrorKeepsEnglish pins the English text: Msg and Error() are what
// fmt.Sprintf makes of the format, as before translations existed.
func TestUserErrorKeepsEnglish(t *testing.T) {
	err := Existsf("%s already has a department named %s", "销售部", "华北大区")
	var u *UserError
	if !errors.As(err, &u) {
		t.Fatal("not a UserError")
	}
	want := "销售部 already has a department named 华北大区"
	if u.Msg != want || err.Error() != want {
		t.Errorf("Msg %q, Error() %q, want %q", u.Msg, err.Error(), want)
	}
	if u.Format != "%s already has a department named %s" || len(u.Args) != 2 {
		t.Errorf("Format %q, Args %v: not what it was made with", u.Format, u.Args)
	}
	if !errors.Is(err, ErrExists) {
		t.Error("the kind is lost")
	}
}
