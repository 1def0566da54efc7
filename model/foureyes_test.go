package model

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
)

// TestFourEyesSetting: which classes need a second admin under which
// setting, and how org set --four-eyes reads.
func TestFourEyesSetting(t *testing.T) {
	for _, tc := range []struct {
		name string
		off  []FourEyesClass
		need map[FourEyesClass]bool
	}{
		{"default: all", nil, map[FourEyesClass]bool{FourEyesDomain: true, FourEyesBroadcast: true, FourEyesPassword: true, FourEyesSending: true}},
		{"broadcast off", []FourEyesClass{FourEyesBroadcast}, map[FourEyesClass]bool{FourEyesDomain: true, FourEyesPassword: true, FourEyesSending: true}},
		{"all off", slices.Clone(FourEyesClasses), map[FourEyesClass]bool{}},
	} {
		e := Enterprise{FourEyesOff: tc.off}
		for _, c := range FourEyesClasses {
			if got := e.NeedsFourEyes(c); got != tc.need[c] {
				t.Errorf("%s: %s needs four-eyes %v, want %v", tc.name, c, got, tc.need[c])
			}
		}
		if e.NeedsFourEyes("") {
			t.Errorf("%s: a change of no class needs four-eyes", tc.name)
		}
		if len(e.FourEyesOn()) != len(tc.need) {
			t.Errorf("%s: on %v", tc.name, e.FourEyesOn())
		}
	}
	for _, tc := range []struct {
		in   string
		want []FourEyesClass
		bad  bool
	}{
		{"all", FourEyesClasses, false},
		{"none", []FourEyesClass{}, false},
		{"domain-delete, sending-rule", []FourEyesClass{FourEyesDomain, FourEyesSending}, false},
		{"broadcast,broadcast", []FourEyesClass{FourEyesBroadcast}, false},
		{"domains", nil, true},
	} {
		got, err := ParseFourEyes(tc.in)
		if (err != nil) != tc.bad || (!tc.bad && !slices.Equal(got, tc.want)) {
			t.Errorf("ParseFourEyes(%q) = %v, %v", tc.in, got, err)
		}
	}
}

// TestStoredChangeRoundTrip: every change a change request may hold comes
// back from its JSON as it went in; other changes cannot wait.
func TestStoredChangeRoundTrip(t *testing.T) {
	post := "anyone"
	pos := []Position{PositionStaff}
	for _, c := range []Change{
		&RemoveDomain{Name: "old.example.com", Confirm: "old.example.com"},
		&SetPasswordPolicy{Policy: PasswordPolicy{MinLength: 8}},
		&SetMailPolicy{Policy: MailPolicy{UnknownLocal: UnknownRefuse}},
		&SetGroup{Address: "all@example.com", Post: &post},
		&GrantPerm{Address: "a@example.com", Perm: PermBroadcast, Until: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		&SetPermission{Name: PermBroadcast, Positions: &pos},
		&GrantRole{Address: "a@example.com", Role: RoleAdmin},
		&SetMember{Address: "a@example.com", Fields: MemberFields{Position: "executive"}, Set: map[string]bool{"position": true}},
		&SetEnterprise{FourEyes: &[]FourEyesClass{FourEyesDomain}},
	} {
		body, err := EncodeChange(c)
		if err != nil {
			t.Fatalf("%s: %v", c.Op(), err)
		}
		back, err := DecodeChange(&StoredChange{Op: c.Op(), Body: body})
		if err != nil {
			t.Fatalf("%s: %v", c.Op(), err)
		}
		a, _ := json.Marshal(c)
		b, _ := json.Marshal(back)
		if string(a) != string(b) || back.Op() != c.Op() || back.Target() != c.Target() {
			t.Errorf("%s: %s came back as %s", c.Op(), a, b)
		}
	}
	if _, err := EncodeChange(&DisableMember{Address: "a@example.com"}); err == nil {
		t.Error("a member.disable was stored for approval")
	}
	if _, err := DecodeChange(&StoredChange{Op: "member.rm", Body: []byte(`{}`)}); err == nil {
		t.Error("an unknown stored operation was decoded")
	}
}

// TestStepAdmin: a change request's step is for any admin but its filer.
func TestStepAdmin(t *testing.T) {
	r := &Request{Kind: RequestChange, Requester: "a@example.com", Steps: []Step{{Role: StepAdmin}}}
	admin := func(a Address) Actor { return Actor{Address: a, Roles: []RoleGrant{{Role: RoleAdmin}}} }
	for _, tc := range []struct {
		who  Actor
		want bool
	}{
		{admin("a@example.com"), false},
		{admin("b@example.com"), true},
		{Actor{Address: "c@example.com", Roles: []RoleGrant{{Role: RoleHelpdesk}}}, false},
		{Actor{Address: "d@example.com", Roles: []RoleGrant{{Role: RoleAuditor}}}, false},
		{Actor{Address: "e@example.com"}, false},
		{Actor{}, false},
	} {
		if got := r.MayDecide(nil, 0, tc.who); got != tc.want {
			t.Errorf("%s may decide: %v, want %v", tc.who.Address, got, tc.want)
		}
	}
}

// TestInactiveAt: inactivity at its boundaries, with the clock given.
func TestInactiveAt(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	limit := 90 * day
	for _, tc := range []struct {
		name    string
		st      Status
		lastUse time.Time
		want    bool
	}{
		{"used today", StatusActive, now, false},
		{"a second short of the limit", StatusActive, now.Add(-limit + time.Second), false},
		{"exactly the limit", StatusActive, now.Add(-limit), true},
		{"long unused", StatusActive, now.Add(-400 * day), true},
		{"locked and unused", StatusLocked, now.Add(-limit), true},
		{"disabled already", StatusDisabled, now.Add(-400 * day), false},
		{"a leaver", StatusReclaimed, now.Add(-400 * day), false},
	} {
		if got := InactiveAt(tc.st, tc.lastUse, limit, now); got != tc.want {
			t.Errorf("%s: inactive %v, want %v", tc.name, got, tc.want)
		}
	}
	opened := now.Add(-10 * day)
	if got := LastUse(time.Time{}, opened); !got.Equal(opened) {
		t.Errorf("never logged in: last use %v, want when opened", got)
	}
	if got := LastUse(now.Add(-day), opened); !got.Equal(now.Add(-day)) {
		t.Errorf("logged in after opening: %v", got)
	}
	if got := LastUse(now.Add(-100*day), opened); !got.Equal(opened) {
		t.Errorf("enabled again after the last login: %v", got)
	}
	for _, tc := range []struct {
		e    Enterprise
		want time.Duration
		on   bool
	}{
		{Enterprise{}, DefaultInactiveAfter, true},
		{Enterprise{InactiveAfter: Duration(90 * day)}, 90 * day, true},
		{Enterprise{InactiveAfter: -1}, 0, false},
	} {
		if d, on := tc.e.InactiveLimit(); d != tc.want || on != tc.on {
			t.Errorf("%+v: %v %v", tc.e, d, on)
		}
	}
	for _, tc := range []struct {
		in   string
		want Duration
		bad  bool
	}{{"90d", Duration(90 * day), false}, {"off", -1, false}, {"2160h", Duration(90 * day), false}, {"0d", 0, true}, {"-5d", 0, true}, {"soon", 0, true}} {
		got, err := ParseInactiveAfter(tc.in)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("ParseInactiveAfter(%q) = %v, %v", tc.in, got, err)
		}
	}
	if s := FormatInactiveAfter(90*day, true); s != "90d" {
		t.Errorf("format: %s", s)
	}
}
