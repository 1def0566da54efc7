package cmd_test

import (
	"strings"
	"testing"
)

// warned is what member warn --json prints.
type warned struct {
	Address  string `json:"address"`
	Warnings int    `json:"warnings"`
	Limit    int    `json:"limit"`
	Blocked  bool   `json:"blocked"`
}

// TestWarnRoles: admins and sub-admins over the member's department warn;
// the helpdesk, the auditor, HR, a head and a member are refused with the
// right they lack, and nothing changes.
func TestWarnRoles(t *testing.T) {
	for _, c := range []struct {
		as, right string
	}{
		{"admin", ""},
		{"subadmin", ""},
		{"helpdesk", "member.manage"},
		{"auditor", "member.manage"},
		{"hr", "member.manage"},
		{"head", "member.manage"},
		{"member", "member.manage"},
	} {
		t.Run(c.as, func(t *testing.T) {
			args := []string{"member", "warn", memberAddr, "--reason", "群发广告", "--json"}
			if c.right != "" {
				unchanged(t, func() { refused(t, c.as, "", args, c.right) })
				return
			}
			var w warned
			decode(t, ok(t, c.as, "", args...), &w)
			if w != (warned{Address: memberAddr, Warnings: 1, Limit: 3}) {
				t.Errorf("member warn --json: %+v", w)
			}
		})
	}
	unchanged(t, func() {
		refused(t, "subadmin", "", []string{"member", "warn", techPerson, "--reason", "x"}, "member.manage")
		refused(t, "member", "", []string{"member", "warnings", techPerson}, "member.read")
	})
}

// TestWarnUntilBlockedAndUnblock: the third warning blocks the mailbox (the
// text says how to lift it), member warnings lists them, member enable is
// refused, and an unblock request filed by the head, signed by the
// officer and applied by IT lifts the block once.
func TestWarnUntilBlockedAndUnblock(t *testing.T) {
	unchanged(t, func() {
		refused(t, "head", "", []string{"request", "file", "unblock", "--member", memberAddr}, "not blocked by warnings")
	})
	for i, want := range []string{"(1 of 3)", "(2 of 3)", "(3 of 3): the mailbox is blocked"} {
		out := ok(t, "admin", "", "member", "warn", memberAddr, "--reason", "超大附件 "+string(rune('1'+i)))
		if !strings.Contains(out, want) {
			t.Errorf("warning %d: %q, want %q", i+1, out, want)
		}
	}
	var list struct {
		Warnings int  `json:"warnings"`
		Blocked  bool `json:"blocked"`
		History  []struct {
			Reason, By string
		} `json:"history"`
	}
	decode(t, ok(t, "auditor", "", "member", "warnings", memberAddr, "--json"), &list)
	if list.Warnings != 3 || !list.Blocked || len(list.History) != 3 || list.History[0].Reason != "超大附件 1" || list.History[0].By != who(t, "admin").String() {
		t.Errorf("member warnings --json: %+v", list)
	}
	if out := ok(t, "admin", "", "member", "warnings", memberAddr); !strings.Contains(out, "3 of 3 warnings count; blocked") || !strings.Contains(out, "超大附件 2") {
		t.Errorf("member warnings:\n%s", out)
	}
	if m := showMember(t, memberAddr); m.Status != "disabled" {
		t.Errorf("after the third warning the member is %s", m.Status)
	}
	unchanged(t, func() {
		refused(t, "admin", "", []string{"member", "enable", memberAddr}, "request file unblock --member "+memberAddr)
		refused(t, "admin", "", []string{"member", "warn", memberAddr, "--reason", "x"}, "already blocked")
		refused(t, "member", "", []string{"request", "file", "unblock", "--member", memberAddr}, "disabled")
	})
	id := fileID(t, "head", "request", "file", "unblock", "--member", memberAddr, "--reason", "已整改", "--json")
	if out := ok(t, "admin", "", "request", "show", id); !strings.Contains(out, "unblocked") {
		t.Errorf("request show says nothing of the unblock:\n%s", out)
	}
	ok(t, "head", "", "request", "approve", id)
	ok(t, "admin", "", "request", "approve", id)
	if m := showMember(t, memberAddr); m.Status != "active" {
		t.Errorf("after the unblock the member is %s", m.Status)
	}
	unchanged(t, func() { refused(t, "admin", "", []string{"request", "approve", id}, "already decided") })
	var w warned
	decode(t, ok(t, "admin", "", "member", "warn", memberAddr, "--reason", "again", "--json"), &w)
	if w.Warnings != 1 || w.Blocked {
		t.Errorf("the first warning after the unblock: %+v", w)
	}
}

// TestBlockAfterSetting: org set --block-after changes the limit.
func TestBlockAfterSetting(t *testing.T) {
	ok(t, "admin", "", "org", "set", "--block-after", "2")
	ok(t, "admin", "", "member", "warn", memberAddr, "--reason", "a")
	var w warned
	decode(t, ok(t, "admin", "", "member", "warn", memberAddr, "--reason", "b", "--json"), &w)
	if w.Warnings != 2 || !w.Blocked || w.Limit != 2 {
		t.Errorf("the second of 2: %+v", w)
	}
	unchanged(t, func() { refused(t, "subadmin", "", []string{"org", "set", "--block-after", "5"}, "org.manage") })
}
