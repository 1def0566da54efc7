package model

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// memPerms is the part of memView that holds the permission catalogue,
// the unit officers and the requests.
type memPerms struct {
	cat      []Permission
	units    []Address
	requests map[uint64]*Request
	policy   *RequestPolicy
}

func (v *memView) Permissions() ([]Permission, error) { return v.perms.cat, nil }
func (v *memView) UnitOfficers() ([]Address, error)   { return v.perms.units, nil }

func (v *memView) Borrowers(lender Address) ([]Address, error) {
	var out []Address
	for a, m := range v.members {
		if slices.ContainsFunc(m.Delegations, func(d Delegation) bool { return d.Lender == lender && d.Ended.IsZero() }) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out, nil
}

func (v *memView) Request(id uint64) (*Request, error) {
	if r, ok := v.perms.requests[id]; ok {
		return r, nil
	}
	return nil, NotFoundf("no request %d: request list shows the requests you may see", id)
}

func (v *memView) RequestPolicy() (RequestPolicy, error) {
	if v.perms.policy != nil {
		return *v.perms.policy, nil
	}
	return RequestPolicy{}, nil
}

// own sets a permission's owning department in the catalogue.
func (v *memView) own(perm string, dept DeptID) {
	v.perms.cat = slices.DeleteFunc(v.perms.cat, func(p Permission) bool { return p.Name == perm })
	p := defaultPermission(perm)
	p.Owner = dept
	v.perms.cat = append(v.perms.cat, p)
}

// officers is the company with permission officers: 北京一组, 销售部,
// 人力资源部 and 技术部 have one (平台组 has none: 技术部's signs for it;
// 行政部, 总经办 and the root have none), sec@ is the unit officer, and
// the catalogue has owners for external (技术部), notify (北京一组),
// skip-level (销售部) and broadcast (总经办).
func officers() *company {
	c := newCompany()
	v := c.v
	v.depts[c.bj].Officer = "bj.head@example.com"
	v.depts[c.sales].Officer = "sales.head@example.com"
	v.depts[c.hr].Officer = "hr.head@example.com"
	v.depts[c.tech].Officer = "tech.head@example.com"
	v.perms.units = []Address{"sec@example.com"}
	v.own(PermExternal, c.tech)
	v.own(PermNotify, c.bj)
	v.own(PermSkipLevel, c.sales)
	v.own(PermBroadcast, c.office)
	return c
}

// TestComputeChain is REQ-2's table: who signs a request, in order.
func TestComputeChain(t *testing.T) {
	type step struct {
		role StepRole
		who  Address
	}
	officer := func(a Address) step { return step{StepOfficer, a} }
	owner := func(a Address) step { return step{StepOwner, a} }
	unit := step{StepUnit, "sec@example.com"}
	it := step{StepIT, ""}
	tests := []struct {
		name  string
		setup func(c *company)
		req   Request
		want  []step
		err   []string // words the error must hold; nil: no error
	}{
		{name: "same department: its officer, then IT",
			req:  Request{Kind: RequestGrant, Subject: "ww@example.com", Perm: PermNotify},
			want: []step{officer("bj.head@example.com"), it}},
		{name: "owner above the subject's department: both officers, no unit officer",
			req:  Request{Kind: RequestGrant, Subject: "ww@example.com", Perm: PermSkipLevel},
			want: []step{officer("bj.head@example.com"), owner("sales.head@example.com"), it}},
		{name: "across departments: the owner's officer and the unit officer",
			req:  Request{Kind: RequestGrant, Subject: "ww@example.com", Perm: PermExternal},
			want: []step{officer("bj.head@example.com"), owner("tech.head@example.com"), unit, it}},
		{name: "a department without an officer passes to the one above",
			req:  Request{Kind: RequestGrant, Subject: "dev2@example.com", Perm: PermNotify},
			want: []step{officer("tech.head@example.com"), owner("bj.head@example.com"), unit, it}},
		{name: "a shared mailbox's permission is owned by the mailbox's department",
			req:  Request{Kind: RequestGrant, Subject: "li@example.com", Perm: "sendas:hr@example.com"},
			want: []step{officer("bj.head@example.com"), owner("hr.head@example.com"), unit, it}},
		{name: "nobody signs their own request: the officer above signs",
			req:  Request{Kind: RequestGrant, Subject: "bj.head@example.com", Perm: PermNotify},
			want: []step{officer("sales.head@example.com"), it}},
		{name: "the unit officer who is also the owner's officer signs once",
			setup: func(c *company) { c.v.perms.units = []Address{"tech.head@example.com"} },
			req:   Request{Kind: RequestGrant, Subject: "ww@example.com", Perm: PermExternal},
			want:  []step{officer("bj.head@example.com"), owner("tech.head@example.com"), it}},
		{name: "missing officer: names the department and how to appoint one",
			req: Request{Kind: RequestGrant, Subject: "ww@example.com", Perm: PermBroadcast},
			err: []string{"总经办", "dept set 总经办 --officer ADDR"}},
		{name: "missing officer of the subject's own department",
			req: Request{Kind: RequestGrant, Subject: "sec@example.com", Perm: PermNotify},
			err: []string{"nobody can sign for 总经办", "dept set 总经办 --officer ADDR"}},
		{name: "the only officer is the subject: says an officer above must be appointed",
			req: Request{Kind: RequestGrant, Subject: "tech.head@example.com", Perm: PermExternal},
			err: []string{"tech.head@example.com is the permission officer of 技术部", "dept set / --officer ADDR"}},
		{name: "missing owner: says how to set one",
			setup: func(c *company) { c.v.perms.cat = nil },
			req:   Request{Kind: RequestGrant, Subject: "ww@example.com", Perm: PermExternal},
			err:   []string{"no owning department", "perm owner external PATH"}},
		{name: "missing unit officer: says how to appoint one",
			setup: func(c *company) { c.v.perms.units = nil },
			req:   Request{Kind: RequestGrant, Subject: "ww@example.com", Perm: PermExternal},
			err:   []string{"unit permission officer", "role grant ADDR unit-officer"}},
		{name: "delegation within a department",
			req:  Request{Kind: RequestDelegate, Subject: "ww@example.com", To: "li@example.com"},
			want: []step{officer("bj.head@example.com"), it}},
		{name: "delegation across departments: both officers and the unit officer",
			req:  Request{Kind: RequestDelegate, Subject: "ww@example.com", To: "dev@example.com"},
			want: []step{officer("bj.head@example.com"), officer("tech.head@example.com"), unit, it}},
		{name: "delegation of an owned permission within a department adds its owner",
			req:  Request{Kind: RequestDelegate, Subject: "ww@example.com", To: "li@example.com", Perms: []string{PermSkipLevel}},
			want: []step{officer("bj.head@example.com"), owner("sales.head@example.com"), it}},
		{name: "leaver: the officer, then IT",
			req:  Request{Kind: RequestLeave, Subject: "dev2@example.com"},
			want: []step{officer("tech.head@example.com"), it}},
		{name: "held mail: the sender's head alone",
			req:  Request{Kind: RequestRelease, Subject: "ww@example.com"},
			want: []step{{StepHead, "bj.head@example.com"}}},
		{name: "held mail of a head: the head above",
			req:  Request{Kind: RequestRelease, Subject: "bj.head@example.com"},
			want: []step{{StepHead, "north.head@example.com"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := officers()
			if tt.setup != nil {
				tt.setup(c)
			}
			steps, err := ComputeChain(c.v, &tt.req)
			if tt.err != nil {
				if err == nil {
					t.Fatalf("chain %+v, want an error saying %q", steps, tt.err)
				}
				for _, w := range tt.err {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not say %q", err, w)
					}
				}
				if !IsUserError(err) {
					t.Errorf("error %v is not a user error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []step
			for _, s := range steps {
				got = append(got, step{s.Role, s.Approver})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("chain\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// TestEffectivePerms: rights are computed at the moment of use from grants,
// position classes, roles and delegations, each with its source (PERM-2, 3).
func TestEffectivePerms(t *testing.T) {
	c := officers()
	v := c.v
	basis := PermBasis{Catalogue: v.perms.cat, Policy: DefaultMailPolicy("example.com")}
	basis.Catalogue = append(basis.Catalogue, Permission{Name: PermNotify, Roles: []Role{RoleHR}})
	day := 24 * time.Hour
	ww := c.m("ww@example.com")
	ww.Grants = []Grant{
		{Perm: PermExternal, Source: SourceDirect, From: now.Add(-day), Until: now.Add(day)},
		{Perm: "sendas:hr@example.com", Source: SourceDirect, Until: now.Add(-time.Minute)},
		{Perm: PermSkipLevel, Source: SourceDirect, From: now.Add(time.Hour)},
	}
	ww.Roles = []RoleGrant{{Role: RoleHR}}
	li := c.m("li@example.com")
	back := now.Add(2 * time.Hour)
	li.Delegations = []Delegation{
		{Lender: "ww@example.com", From: now.Add(-time.Hour), Until: now.Add(3 * time.Hour), Ended: back, Request: 7},
		{Lender: "north.head@example.com", Perms: []string{PermBroadcast}, From: now.Add(-time.Hour), Until: now.Add(time.Hour), Request: 8},
		{Lender: "dev@example.com", From: now.Add(-day), Until: now.Add(-time.Hour)},
	}
	// dev lent to li earlier; li lends ww's rights on to dev2: no re-lending.
	c.m("dev2@example.com").Delegations = []Delegation{{Lender: "li@example.com", From: now.Add(-time.Hour), Until: now.Add(day)}}

	type held struct {
		perm, source string
		lender       Address
	}
	tests := []struct {
		name string
		who  Address
		at   time.Time
		want []held
	}{
		{"grants inside their windows, the role's notify", "ww@example.com", now,
			[]held{{PermExternal, SourceDirect, ""}, {PermNotify, SourceRole, ""}}},
		{"a grant whose start has come", "ww@example.com", now.Add(90 * time.Minute),
			[]held{{PermExternal, SourceDirect, ""}, {PermSkipLevel, SourceDirect, ""}, {PermNotify, SourceRole, ""}}},
		{"past the external grant's end", "ww@example.com", now.Add(2 * day),
			[]held{{PermSkipLevel, SourceDirect, ""}, {PermNotify, SourceRole, ""}}},
		{"a position class from the mail policy", "north.head@example.com", now,
			[]held{{PermBroadcast, SourcePosition, ""}}},
		{"delegations inside their windows: all of ww's, broadcast of north.head", "li@example.com", now,
			[]held{{PermExternal, SourceDelegation, "ww@example.com"}, {PermNotify, SourceDelegation, "ww@example.com"},
				{PermBroadcast, SourceDelegation, "north.head@example.com"}}},
		{"the window of north.head's delegation ended; ww's lends what ww holds then", "li@example.com", now.Add(90 * time.Minute),
			[]held{{PermExternal, SourceDelegation, "ww@example.com"}, {PermSkipLevel, SourceDelegation, "ww@example.com"},
				{PermNotify, SourceDelegation, "ww@example.com"}}},
		{"ww was marked back: the delegation ended before its window", "li@example.com", back, nil},
		{"no re-lending of borrowed rights", "dev2@example.com", now, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, err := EffectivePerms(v, basis, c.m(tt.who), tt.at)
			if err != nil {
				t.Fatal(err)
			}
			var got []held
			for _, h := range hs {
				got = append(got, held{h.Perm, h.Source, h.Lender})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("at %s\n got %v\nwant %v", tt.at.Format(time.TimeOnly), got, tt.want)
			}
		})
	}

	t.Run("a delegated right ends with the lender's grant or the delegation, whichever is first", func(t *testing.T) {
		hs, _ := EffectivePerms(v, basis, li, now)
		h, ok := FindPerm(hs, PermExternal)
		if !ok || !h.Until.Equal(back) || h.Request != 7 || h.LenderSource != SourceDirect {
			t.Errorf("external held by li: %+v, want until %s from request 7, ww's direct grant", h, back)
		}
		h, _ = FindPerm(hs, PermBroadcast)
		if !h.Until.Equal(now.Add(time.Hour)) || h.LenderSource != SourcePosition {
			t.Errorf("broadcast held by li: %+v", h)
		}
	})
	t.Run("a disabled lender lends nothing; a disabled member holds nothing", func(t *testing.T) {
		c.m("north.head@example.com").Status = StatusDisabled
		defer func() { c.m("north.head@example.com").Status = StatusActive }()
		hs, _ := EffectivePerms(v, basis, li, now)
		if _, ok := FindPerm(hs, PermBroadcast); ok {
			t.Errorf("li still borrows broadcast from a disabled account: %+v", hs)
		}
		hs, _ = EffectivePerms(v, basis, c.m("north.head@example.com"), now)
		if len(hs) != 0 {
			t.Errorf("a disabled account holds %+v", hs)
		}
	})
}

// TestDelegatedSendIsMarked: a message sent on a borrowed permission passes
// the rule and carries a hit that says whose permission it was (PERM-3).
func TestDelegatedSendIsMarked(t *testing.T) {
	c := officers()
	p := DefaultMailPolicy("example.com")
	p.External = ExternalRule{Members: []Address{"li@example.com"}, Action: ActionRefuse}
	c.m("ww@example.com").Grants = []Grant{{Perm: PermExternal, Source: SourceDirect}}
	li := c.m("li@example.com")
	li.Delegations = []Delegation{{Lender: "ww@example.com", From: now.Add(-time.Hour), Until: now.Add(time.Hour), Request: 3}}
	rcpts, err := ResolveRecipients(c.v, p, []Address{"buyer@customer.example"})
	if err != nil {
		t.Fatal(err)
	}
	send := func(at time.Time) Decision {
		d, err := DecideSubmission(c.v, p, Submission{Sender: li, MailFrom: li.Address, Rcpts: rcpts, Subject: "你好", Now: at})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := send(now)
	if d.Action != ActionAllow {
		t.Fatalf("li with ww's external permission: %s (%v)", d.Action, d.Reason)
	}
	i := slices.IndexFunc(d.Hits, func(h RuleHit) bool { return h.Rule == RuleDelegation })
	if i < 0 || !strings.Contains(d.Hits[i].Reason.Error(), "lent by ww@example.com") || !strings.Contains(d.Hits[i].Reason.Error(), "request 3") {
		t.Errorf("no delegation hit naming the lender and the request: %+v", d.Hits)
	}
	if d := send(now.Add(2 * time.Hour)); d.Action != ActionRefuse {
		t.Errorf("after the delegation's window: %s, want refuse", d.Action)
	}
	li.Delegations[0].Ended = now.Add(time.Minute)
	if d := send(now.Add(2 * time.Minute)); d.Action != ActionRefuse {
		t.Errorf("after ww was marked back: %s, want refuse", d.Action)
	}
}

func TestParsePerm(t *testing.T) {
	for in, want := range map[string]string{"broadcast": "broadcast", " external ": "external", "SendAs:HR@Example.com": "sendas:hr@example.com", "subadmin": "subadmin"} {
		if got, err := ParsePerm(in); err != nil || got != want {
			t.Errorf("ParsePerm(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "admin", "sendas:", "sendas:nobody"} {
		if _, err := ParsePerm(in); err == nil {
			t.Errorf("ParsePerm(%q) accepted", in)
		}
	}
}
