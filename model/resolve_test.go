package model

import (
	"fmt"
	"slices"
	"testing"
)

func mailboxes(mbs []Mailbox) []string {
	out := make([]string, len(mbs))
	for i, m := range mbs {
		out[i] = string(m.Address)
		if m.Folder != "" {
			out[i] += "#" + m.Folder
		}
	}
	return out
}

func resolve(t *testing.T, v View, p MailPolicy, rcpts ...Address) *Resolution {
	t.Helper()
	res, err := ResolveRecipients(v, p, rcpts)
	if err != nil {
		t.Fatalf("resolve %v: %v", rcpts, err)
	}
	if len(res.Targets) != len(rcpts) {
		t.Fatalf("%d targets for %d recipients", len(res.Targets), len(rcpts))
	}
	return res
}

func TestResolveKinds(t *testing.T) {
	c := newCompany()
	p := DefaultMailPolicy("example.com")
	res := resolve(t, c.v, p,
		"ww@example.com", "wei@example.com", "hr@example.com", "hr-dept@example.com",
		"someone@partner.example", "SOMEONE@partner.example", "someone@partner.example", "nobody@example.com", "li@example.cn")
	wantKinds := []OwnerKind{OwnerMember, OwnerAlias, OwnerShared, OwnerDept, TargetRemote, TargetRemote, TargetRemote, TargetUnknown, TargetUnknown}
	wantReach := []int{1, 1, 1, 1, 1, 1, 1, 0, 0}
	for i, tg := range res.Targets {
		if tg.Kind != wantKinds[i] || tg.Reach != wantReach[i] {
			t.Errorf("target %d %s: kind %s reach %d, want %s %d", i, tg.Address, tg.Kind, tg.Reach, wantKinds[i], wantReach[i])
		}
	}
	if want := []string{"ww@example.com", "hr@example.com", "hr-dept@example.com"}; !slices.Equal(mailboxes(res.Local), want) {
		t.Errorf("local = %q, want %q (the alias leads to ww's own mailbox, once)", mailboxes(res.Local), want)
	}
	if want := []Address{"someone@partner.example", "SOMEONE@partner.example"}; !slices.Equal(res.Remote, want) {
		t.Errorf("remote = %q, want %q (kept as they are, repeats dropped)", res.Remote, want)
	}
	if want := []Address{"nobody@example.com", "li@example.cn"}; !slices.Equal(res.Unknown, want) {
		t.Errorf("unknown = %q, want %q", res.Unknown, want)
	}
	if res.Internal != 1 || res.AllStaff {
		t.Errorf("internal = %d, all staff %v; want 1, false (mailboxes of departments and shared ones are no people)", res.Internal, res.AllStaff)
	}
}

func TestResolveMemberStates(t *testing.T) {
	c := newCompany()
	p := DefaultMailPolicy("example.com")
	c.m("ww@example.com").Status = StatusDisabled
	c.m("li@example.com").Status = StatusReclaimed
	res := resolve(t, c.v, p, "ww@example.com", "li@example.com")
	if want := []string{"ww@example.com"}; !slices.Equal(mailboxes(res.Local), want) {
		t.Errorf("local = %q, want %q: a disabled member's mail is kept", mailboxes(res.Local), want)
	}
	if want := []Address{"li@example.com"}; !slices.Equal(res.Unknown, want) || res.Targets[1].Kind != TargetUnknown {
		t.Errorf("unknown = %q, target %+v: a reclaimed member counts as unknown", res.Unknown, res.Targets[1])
	}
}

func TestResolveCatchAll(t *testing.T) {
	c := newCompany()
	p := DefaultMailPolicy("example.com")
	p.UnknownLocal, p.CatchAll = UnknownCatchAll, "hr-dept@example.com"
	res := resolve(t, c.v, p, "nobody@example.com", "hr-dept@example.com", "typo@example.cn")
	if len(res.Unknown) != 0 {
		t.Errorf("unknown = %q, want none with a catch-all", res.Unknown)
	}
	if want := []string{"hr-dept@example.com#邮件转移", "hr-dept@example.com"}; !slices.Equal(mailboxes(res.Local), want) {
		t.Errorf("local = %q, want %q (the transferred mail in its folder, once)", mailboxes(res.Local), want)
	}
	if res.Targets[0].Kind != TargetUnknown || res.Targets[0].Reach != 1 || res.Targets[2].Reach != 1 {
		t.Errorf("targets = %+v", res.Targets)
	}
}

func TestResolveGroups(t *testing.T) {
	c := newCompany()
	v := c.v
	p := DefaultMailPolicy("example.com")

	t.Run("departments and their subtrees, a member in two of them once", func(t *testing.T) {
		res := resolve(t, v, p, "sales@example.com", "tech@example.com")
		sales := []string{"sales.head@example.com", "north.head@example.com", "north.asst@example.com", "bj.head@example.com",
			"ww@example.com", "li@example.com", "both@example.com", "east.head@example.com"}
		tech := []string{"tech.head@example.com", "dev@example.com", "plat.head@example.com", "dev2@example.com"}
		if got := mailboxes(res.Local); !slices.Equal(got, append(slices.Clone(sales), tech...)) {
			t.Errorf("local = %q", got)
		}
		if res.Targets[0].Reach != 8 || res.Targets[1].Reach != 5 {
			t.Errorf("reach = %d, %d; want 8 and 5 (both counts in each group it is in)", res.Targets[0].Reach, res.Targets[1].Reach)
		}
		if res.Internal != 12 || res.AllStaff {
			t.Errorf("internal = %d, all staff %v; want 12, false", res.Internal, res.AllStaff)
		}
	})

	t.Run("nested groups", func(t *testing.T) {
		v.group("outer@example.com", PostMembers, []Address{"managers@example.com", "news@example.com", "ww@example.com", "hr@example.com"})
		res := resolve(t, v, p, "outer@example.com")
		want := []string{"ceo@example.com", "sales.head@example.com", "tech.head@example.com", "ww@example.com", "hr@example.com"}
		if got := mailboxes(res.Local); !slices.Equal(got, want) {
			t.Errorf("local = %q, want %q", got, want)
		}
		if want := []Address{"outer@example.com", "managers@example.com", "news@example.com"}; !slices.Equal(res.Groups, want) {
			t.Errorf("groups = %q, want %q", res.Groups, want)
		}
		if res.Internal != 4 || res.Targets[0].Reach != 5 {
			t.Errorf("internal %d reach %d, want 4 and 5", res.Internal, res.Targets[0].Reach)
		}
	})

	t.Run("loops", func(t *testing.T) {
		v.group("loop1@example.com", PostMembers, []Address{"loop2@example.com", "ww@example.com"})
		v.group("loop2@example.com", PostMembers, []Address{"loop1@example.com", "li@example.com", "loop2@example.com"})
		res := resolve(t, v, p, "loop1@example.com", "loop2@example.com")
		if want := []string{"li@example.com", "ww@example.com"}; !slices.Equal(mailboxes(res.Local), want) {
			t.Errorf("local = %q, want %q", mailboxes(res.Local), want)
		}
		if res.Targets[0].Reach != 2 || res.Targets[1].Reach != 2 {
			t.Errorf("targets = %+v", res.Targets)
		}
	})

	t.Run("the whole company", func(t *testing.T) {
		res := resolve(t, v, p, "all@example.com")
		if !res.AllStaff {
			t.Error("all@ covers the root: AllStaff must be set")
		}
		if res.Internal != len(v.members) {
			t.Errorf("internal = %d, want every member (%d)", res.Internal, len(v.members))
		}
		v.group("wrap@example.com", PostMembers, []Address{"all@example.com"})
		if res := resolve(t, v, p, "wrap@example.com"); !res.AllStaff {
			t.Error("a group nesting all@ covers the whole company")
		}
		if !GroupCoversAll(v, v.groups["wrap@example.com"]) || GroupCoversAll(v, v.groups["sales@example.com"]) {
			t.Error("GroupCoversAll is wrong")
		}
	})

	t.Run("the broadcast threshold", func(t *testing.T) {
		q := p
		q.Broadcast.Threshold = 7
		if res := resolve(t, v, q, "sales@example.com"); !res.AllStaff {
			t.Error("8 internal recipients with a threshold of 7: the whole company")
		}
		q.Broadcast.Threshold = 8
		if res := resolve(t, v, q, "sales@example.com"); res.AllStaff {
			t.Error("8 internal recipients with a threshold of 8: not the whole company")
		}
		q.Broadcast.Threshold = 0
		if res := resolve(t, v, q, "sales@example.com"); res.AllStaff {
			t.Error("threshold 0: only all-staff groups count")
		}
	})
}

func TestResolveDeepTree(t *testing.T) {
	v := newMemView("example.com")
	id := RootDept
	for i := range MaxDeptDepth {
		id = v.dept(id, fmt.Sprintf("第%d级", i+1))
		v.member(Address(fmt.Sprintf("level%d@example.com", i+1)), PositionStaff, id)
	}
	v.group("all@example.com", PostAnyone, nil, RootDept)
	v.group("deep@example.com", PostAnyone, nil, v.kids[RootDept][0])
	res := resolve(t, v, DefaultMailPolicy("example.com"), "all@example.com", "deep@example.com")
	if res.Internal != MaxDeptDepth || res.Targets[1].Reach != MaxDeptDepth {
		t.Errorf("internal = %d, reach %d; want the member on each of the %d levels", res.Internal, res.Targets[1].Reach, MaxDeptDepth)
	}
}

// TestResolveReadsNoDepartmentMember: expanding departments takes the
// addresses from the department lists, without reading the members.
func TestResolveReadsNoDepartmentMember(t *testing.T) {
	v := newMemView("example.com")
	for d := range 20 {
		id := v.dept(RootDept, fmt.Sprintf("部门%d", d))
		for i := range 50 {
			v.member(Address(fmt.Sprintf("m%d.%d@example.com", d, i)), PositionStaff, id)
		}
	}
	v.group("all@example.com", PostAnyone, nil, RootDept)
	v.memberReads = 0
	res := resolve(t, v, DefaultMailPolicy("example.com"), "all@example.com")
	if res.Internal != 1000 || v.memberReads != 0 {
		t.Errorf("internal = %d with %d member reads; want 1000 with none", res.Internal, v.memberReads)
	}
}

// TestResolveReclaimedLeaver: a reclaimed leaver (ACC-5) keeps the
// departments on their record, yet no group reaches them, whether it names
// their department, one above it or the root; mail to them goes to the
// successor, once however it is reached; their former colleagues all still
// receive, and nobody is read to expand a department (View.DeptMembers
// leaves leavers out).
func TestResolveReclaimedLeaver(t *testing.T) {
	sales := []string{"sales.head@example.com", "north.head@example.com", "north.asst@example.com", "bj.head@example.com",
		"ww@example.com", "both@example.com", "east.head@example.com"}
	for _, tt := range []struct {
		name      string
		rcpts     []Address
		local     []string // nil: sales
		internal  int
		reach     []int
		allStaff  bool
		noLeaver  bool
		successor bool
	}{
		{name: "their department's group", rcpts: []Address{"sales@example.com"}, internal: 7, reach: []int{7}},
		{name: "the whole company", rcpts: []Address{"all@example.com"}, internal: 18, reach: []int{18}, allStaff: true},
		{name: "the leaver directly: the successor", rcpts: []Address{"li@example.com"}, local: []string{"bj.head@example.com"},
			internal: 1, reach: []int{1}, successor: true},
		{name: "the group and the leaver: the successor once", rcpts: []Address{"sales@example.com", "li@example.com"},
			internal: 7, reach: []int{7, 1}, successor: true},
		{name: "another department", rcpts: []Address{"tech@example.com"},
			local:    []string{"tech.head@example.com", "both@example.com", "dev@example.com", "plat.head@example.com", "dev2@example.com"},
			internal: 5, reach: []int{5}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newCompany()
			li := c.m("li@example.com")
			li.Status, li.Successor = StatusReclaimed, "bj.head@example.com"
			if !slices.Contains(li.Depts, c.bj) {
				t.Fatal("the leaver's record lost its department")
			}
			c.v.memberReads = 0
			res := resolve(t, c.v, DefaultMailPolicy("example.com"), tt.rcpts...)
			got := mailboxes(res.Local)
			if slices.Contains(got, "li@example.com") {
				t.Errorf("the leaver receives: %q", got)
			}
			want := tt.local
			if want == nil {
				want = sales
			}
			if tt.name == "the whole company" {
				if len(got) != 18 {
					t.Errorf("local = %d mailboxes, want 18 (all 19 but the leaver)", len(got))
				}
			} else if !slices.Equal(got, want) {
				t.Errorf("local = %q, want %q", got, want)
			}
			if res.Internal != tt.internal || res.AllStaff != tt.allStaff {
				t.Errorf("internal = %d, all staff %v; want %d, %v", res.Internal, res.AllStaff, tt.internal, tt.allStaff)
			}
			for i, r := range tt.reach {
				if res.Targets[i].Reach != r {
					t.Errorf("target %d reach = %d, want %d", i, res.Targets[i].Reach, r)
				}
			}
			if len(res.Unknown) != 0 {
				t.Errorf("unknown = %q", res.Unknown)
			}
			// Only a leaver addressed directly is read (to find the successor).
			if reads := c.v.memberReads; (tt.successor && reads == 0) || (!tt.successor && reads != 0) {
				t.Errorf("%d member reads", reads)
			}
		})
	}
}
