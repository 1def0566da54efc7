package model

import (
	"strings"
	"testing"
	"time"
)

// TestWarnCounting: cleared warnings no longer count; the limit is the
// enterprise's, 3 by default; a blocked mailbox's login says what to do.
func TestWarnCounting(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		warnings []Warning
		want     int
	}{
		{"none", nil, 0},
		{"one", []Warning{{Reason: "a", Time: now}}, 1},
		{"cleared ones do not count", []Warning{{Reason: "a", Cleared: now, Request: 4}, {Reason: "b"}}, 1},
		{"three", []Warning{{Reason: "a"}, {Reason: "b"}, {Reason: "c"}}, 3},
	} {
		m := &Member{Warnings: tc.warnings}
		if got := m.ActiveWarnings(); got != tc.want {
			t.Errorf("%s: %d warnings count, want %d", tc.name, got, tc.want)
		}
	}
	if (Enterprise{}).WarnLimit() != 3 || (Enterprise{BlockAfter: 5}).WarnLimit() != 5 {
		t.Error("the warning limit: default 3, else the setting")
	}
	m := &Member{Address: "ww@example.com", Status: StatusDisabled, Blocked: now, Warnings: []Warning{{}, {}, {}}}
	err := LoginGate(m, PasswordPolicy{}, now)
	if err == nil || !strings.Contains(err.Error(), "blocked after 3 warnings") || !strings.Contains(err.Error(), "request file unblock --member ww@example.com") {
		t.Errorf("login of a blocked mailbox: %v", err)
	}
	if c := m.Clone(); &c.Warnings[0] == &m.Warnings[0] {
		t.Error("Clone shares the warnings")
	}
}
