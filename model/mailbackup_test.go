package model

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBackupCopies(t *testing.T) {
	c := newCompany()
	p := DefaultMailPolicy("example.com")
	p.Backup = []BackupRule{
		{Name: "sales-out", Mailbox: "hr-dept@example.com", Depts: []DeptID{c.sales}, Direction: "out"},
		{Name: "ceo", Mailbox: "sec@example.com", Senders: []Address{"ceo@example.com"}},
		{Name: "to-dev", Mailbox: "tech.head@example.com", Recipients: []Address{"dev@example.com", "dev2@example.com"}},
	}
	cases := []struct {
		name string
		f    BackupFacts
		want []Address
	}{
		{"a salesman's mail to a customer", BackupFacts{Sender: "ww@example.com", Recipients: []Address{"buyer@customer.example"}, Direction: "out"},
			[]Address{"hr-dept@example.com"}},
		{"the same salesman's internal mail", BackupFacts{Sender: "ww@example.com", Recipients: []Address{"li@example.com"}, Direction: "internal"}, nil},
		{"mail from outside to a salesman is not out", BackupFacts{Sender: "buyer@customer.example", Recipients: []Address{"ww@example.com"}, Direction: "in"}, nil},
		{"a sub-department counts: 北京一组 is under 销售部", BackupFacts{Sender: "bj.head@example.com", Recipients: []Address{"x@far.example"}, Direction: "out"},
			[]Address{"hr-dept@example.com"}},
		{"a recipient in the department counts too", BackupFacts{Sender: "dev@example.com", Recipients: []Address{"ww@example.com", "x@far.example"}, Direction: "out"},
			[]Address{"hr-dept@example.com"}},
		{"the CEO's mail, any direction", BackupFacts{Sender: "ceo@example.com", Recipients: []Address{"dev@example.com"}, Direction: "internal"},
			[]Address{"sec@example.com", "tech.head@example.com"}},
		{"a copy already among the recipients is not added", BackupFacts{Sender: "ceo@example.com", Recipients: []Address{"sec@example.com"}, Direction: "internal"}, nil},
		{"one of the listed recipients", BackupFacts{Sender: "li@example.com", Recipients: []Address{"dev2@example.com"}, Direction: "internal"},
			[]Address{"tech.head@example.com"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := BackupCopies(c.v, p, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("copies %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBackupRulesValidate(t *testing.T) {
	c := newCompany()
	cases := []struct {
		name string
		rule BackupRule
		says string // "" when valid
	}{
		{"valid", BackupRule{Name: "a", Mailbox: "hr-dept@example.com", Direction: "in"}, ""},
		{"no name", BackupRule{Mailbox: "hr-dept@example.com", Direction: "in"}, "has no name"},
		{"no mailbox", BackupRule{Name: "a", Direction: "in"}, "--to ADDR"},
		{"not a mailbox", BackupRule{Name: "a", Mailbox: "all@example.com", Direction: "in"}, "name a member"},
		{"unknown mailbox", BackupRule{Name: "a", Mailbox: "nobody@example.com", Direction: "in"}, "no mailbox here"},
		{"bad direction", BackupRule{Name: "a", Mailbox: "hr-dept@example.com", Direction: "sideways"}, "unknown direction"},
		{"no condition", BackupRule{Name: "a", Mailbox: "hr-dept@example.com"}, "copy every message"},
		{"unknown department", BackupRule{Name: "a", Mailbox: "hr-dept@example.com", Depts: []DeptID{9999}}, "does not exist"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultMailPolicy("example.com")
			p.Backup = []BackupRule{tc.rule}
			p, err := p.Clean()
			if err == nil {
				err = p.Validate(c.v)
			}
			if tc.says == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.says) || !IsUserError(err) {
				t.Fatalf("error %v, want a user error saying %q", err, tc.says)
			}
		})
	}
	p := DefaultMailPolicy("example.com")
	p.Backup = []BackupRule{{Name: "a", Mailbox: "hr-dept@example.com", Direction: "in"}, {Name: "a", Mailbox: "sec@example.com", Direction: "out"}}
	if err := p.Validate(c.v); err == nil || !strings.Contains(err.Error(), "two rules") {
		t.Errorf("two rules of one name: %v", err)
	}
}

// TestBackupSince: a rule keeps the time it was first saved while it stays
// the same; a changed or new rule starts now.
func TestBackupSince(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	t1 := t0.Add(48 * time.Hour)
	old := []BackupRule{{Name: "a", Mailbox: "x@example.com", Direction: "in", Since: t0}, {Name: "b", Mailbox: "x@example.com", Direction: "out", Since: t0}}
	rules := []BackupRule{{Name: "a", Mailbox: "x@example.com", Direction: "in"}, {Name: "b", Mailbox: "y@example.com", Direction: "out"}, {Name: "c", Mailbox: "x@example.com", Direction: "internal"}}
	stampBackup(rules, old, t1)
	if !rules[0].Since.Equal(t0) || !rules[1].Since.Equal(t1) || !rules[2].Since.Equal(t1) {
		t.Errorf("since: %v %v %v", rules[0].Since, rules[1].Since, rules[2].Since)
	}
}
