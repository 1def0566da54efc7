package model

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// memView is a View held in maps, for the mail-policy tests and benchmarks:
// departments, members, groups, shared and department mailboxes.
type memView struct {
	domains     []string
	depts       map[DeptID]*Department
	kids        map[DeptID][]DeptID
	deptMembers map[DeptID][]Address
	members     map[Address]*Member
	owners      map[Address]Owner
	groups      map[Address]*Group
	shared      map[Address]*SharedMailbox
	policy      *MailPolicy
	nextID      DeptID
	// memberReads counts Member calls, to show where expansion reads members.
	memberReads int
	// perms holds the catalogue and the requests (perm_test.go).
	perms memPerms
}

func newMemView(domains ...string) *memView {
	v := &memView{
		domains: domains, depts: map[DeptID]*Department{}, kids: map[DeptID][]DeptID{},
		deptMembers: map[DeptID][]Address{}, members: map[Address]*Member{}, owners: map[Address]Owner{},
		groups: map[Address]*Group{}, shared: map[Address]*SharedMailbox{}, nextID: RootDept + 1,
	}
	v.depts[RootDept] = &Department{ID: RootDept, Name: "示例科技"}
	return v
}

// dept adds a department below parent.
func (v *memView) dept(parent DeptID, name string) DeptID {
	id := v.nextID
	v.nextID++
	v.depts[id] = &Department{ID: id, Parent: parent, Name: name}
	v.kids[parent] = append(v.kids[parent], id)
	return id
}

// head makes a member a head of a department.
func (v *memView) head(id DeptID, a Address) { v.depts[id].Heads = append(v.depts[id].Heads, a) }

// member adds an active member in departments (none: the root).
func (v *memView) member(a Address, pos Position, depts ...DeptID) *Member {
	if len(depts) == 0 {
		depts = []DeptID{RootDept}
	}
	m := &Member{Address: a, Name: a.Local(), Position: pos, Depts: depts, Status: StatusActive}
	v.members[a] = m
	v.owners[a] = Owner{Kind: OwnerMember}
	for _, d := range depts {
		v.deptMembers[d] = append(v.deptMembers[d], a)
	}
	return m
}

func (v *memView) alias(m, alias Address) {
	v.members[m].Aliases = append(v.members[m].Aliases, alias)
	v.owners[alias] = Owner{Kind: OwnerAlias, Member: m}
}

func (v *memView) group(a Address, post PostRule, members []Address, depts ...DeptID) *Group {
	g := &Group{Address: a, Name: a.Local(), Post: post, Members: members, Depts: depts, Owner: RootDept}
	v.groups[a] = g
	v.owners[a] = Owner{Kind: OwnerGroup}
	return g
}

func (v *memView) sharedBox(a Address, dept DeptID) {
	v.shared[a] = &SharedMailbox{Address: a, Name: a.Local(), Dept: dept}
	v.owners[a] = Owner{Kind: OwnerShared}
}

func (v *memView) deptBox(id DeptID, a Address) {
	v.depts[id].Mailbox = a
	v.owners[a] = Owner{Kind: OwnerDept, Dept: id}
}

func (v *memView) DeptPath(id DeptID) string {
	var parts []string
	for id != RootDept && id != 0 {
		d, ok := v.depts[id]
		if !ok {
			return "#?"
		}
		parts = append([]string{d.Name}, parts...)
		id = d.Parent
	}
	if len(parts) == 0 {
		return "/"
	}
	return strings.Join(parts, "/")
}

func (v *memView) Within(dept, root DeptID) bool {
	for i := 0; i <= MaxDeptDepth+2; i++ {
		if dept == root {
			return true
		}
		d, ok := v.depts[dept]
		if !ok || dept == RootDept {
			return false
		}
		dept = d.Parent
	}
	return false
}

func (v *memView) Enterprise() (Enterprise, error) { return Enterprise{Name: "示例科技"}, nil }

func (v *memView) Domains() ([]Domain, error) {
	var out []Domain
	for i, d := range v.domains {
		out = append(out, Domain{Name: d, Primary: i == 0})
	}
	return out, nil
}

func (v *memView) IsLocal(domain string) bool { return slices.Contains(v.domains, domain) }

func (v *memView) Dept(id DeptID) (*Department, error) {
	if d, ok := v.depts[id]; ok {
		return d, nil
	}
	return nil, NotFoundf("department %d does not exist", id)
}

func (v *memView) DeptByPath(path string) (*Department, error) {
	parts, err := SplitDeptPath(path)
	if err != nil {
		return nil, err
	}
	d := v.depts[RootDept]
	for _, name := range parts {
		if d, err = v.DeptChild(d.ID, name); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (v *memView) DeptChild(parent DeptID, name string) (*Department, error) {
	for _, k := range v.kids[parent] {
		if v.depts[k].Name == name {
			return v.depts[k], nil
		}
	}
	return nil, NotFoundf("%s has no department named %s", v.DeptPath(parent), name)
}

func (v *memView) DeptChildren(id DeptID) ([]DeptID, error) { return v.kids[id], nil }

// DeptMembers leaves reclaimed leavers out, as the store's index does.
func (v *memView) DeptMembers(id DeptID) ([]Address, error) {
	var out []Address
	for _, a := range v.deptMembers[id] {
		if m := v.members[a]; m == nil || m.Status != StatusReclaimed {
			out = append(out, a)
		}
	}
	return out, nil
}

func (v *memView) Member(a Address) (*Member, error) {
	v.memberReads++
	if m, ok := v.members[a]; ok {
		return m, nil
	}
	return nil, NotFoundf("no member %s: check the address, or search with member list --query", a)
}

func (v *memView) Owner(a Address) (Owner, bool, error) {
	o, ok := v.owners[a]
	return o, ok, nil
}

func (v *memView) EmployeeID(string) (Address, bool, error) { return "", false, nil }

func (v *memView) Group(a Address) (*Group, error) {
	if g, ok := v.groups[a]; ok {
		return g, nil
	}
	return nil, NotFoundf("no group %s: list the groups with group list", a)
}

func (v *memView) GroupsOf(a Address) ([]Address, error) {
	var out []Address
	for _, g := range v.groups {
		if slices.Contains(g.Members, a) {
			out = append(out, g.Address)
		}
	}
	return out, nil
}

func (v *memView) Shared(a Address) (*SharedMailbox, error) {
	if s, ok := v.shared[a]; ok {
		return s, nil
	}
	return nil, NotFoundf("no shared mailbox %s", a)
}

func (v *memView) Groups() ([]*Group, error) {
	var out []*Group
	for _, g := range v.groups {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *Group) int { return strings.Compare(string(a.Address), string(b.Address)) })
	return out, nil
}

func (v *memView) SharedMailboxes() ([]*SharedMailbox, error) {
	var out []*SharedMailbox
	for _, s := range v.shared {
		out = append(out, s)
	}
	return out, nil
}

func (v *memView) KeyOwner(string) (Address, bool, error) { return "", false, nil }
func (v *memView) Policy() (PasswordPolicy, error)        { return PasswordPolicy{}, nil }
func (v *memView) LoginRules() (LoginRules, error)        { return LoginRules{}, nil }

func (v *memView) MailPolicy() (MailPolicy, error) {
	if v.policy != nil {
		return *v.policy, nil
	}
	return DefaultMailPolicy(v.domains[0]), nil
}

var _ View = (*memView)(nil)

// company is the test company of the mail-policy tests:
//
//	/ (head ceo, executive)
//	├─ 销售部 (head sales.head, director)
//	│  ├─ 华北大区 (head north.head, regional-director; assistant north.asst)
//	│  │  └─ 北京一组 (head bj.head, director; staff ww, li; both also in 技术部)
//	│  └─ 华东大区 (head east.head, regional-director)
//	├─ 人力资源部 (head hr.head, director; staff hr1 may send as hr@; mailbox hr-dept@)
//	├─ 行政部 (head admin.head, director; staff adm1 may send as admin@)
//	├─ 总经办 (no head of its own; secretary sec, ceo-assistant ca)
//	└─ 技术部 (head tech.head, director; staff dev)
//	   └─ 平台组 (head plat.head, director; staff dev2)
//
// Groups: all@ (the root, permitted), sales@ (销售部, members), tech@ (技术部,
// members), news@ (anyone), board@ (listed: admin@), leads@ (技术部,
// permitted), managers@ (listed members, members). ww has the alias wei@.
type company struct {
	v                                                     *memView
	sales, north, bj, east, hr, admin, office, tech, plat DeptID
}

// now is the tests' clock.
var now = time.Date(2026, 11, 2, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

func newCompany() *company {
	v := newMemView("example.com", "example.cn")
	c := &company{v: v}
	c.sales = v.dept(RootDept, "销售部")
	c.north = v.dept(c.sales, "华北大区")
	c.bj = v.dept(c.north, "北京一组")
	c.east = v.dept(c.sales, "华东大区")
	c.hr = v.dept(RootDept, "人力资源部")
	c.admin = v.dept(RootDept, "行政部")
	c.office = v.dept(RootDept, "总经办")
	c.tech = v.dept(RootDept, "技术部")
	c.plat = v.dept(c.tech, "平台组")

	v.member("ceo@example.com", PositionExecutive)
	v.head(RootDept, "ceo@example.com")
	for _, h := range []struct {
		a   Address
		pos Position
		d   DeptID
	}{
		{"sales.head@example.com", PositionDirector, c.sales},
		{"north.head@example.com", PositionRegionalDirector, c.north},
		{"bj.head@example.com", PositionDirector, c.bj},
		{"east.head@example.com", PositionRegionalDirector, c.east},
		{"hr.head@example.com", PositionDirector, c.hr},
		{"admin.head@example.com", PositionDirector, c.admin},
		{"tech.head@example.com", PositionDirector, c.tech},
		{"plat.head@example.com", PositionDirector, c.plat},
	} {
		v.member(h.a, h.pos, h.d)
		v.head(h.d, h.a)
	}
	v.member("north.asst@example.com", PositionRegionalAssistant, c.north)
	v.member("ww@example.com", PositionStaff, c.bj)
	v.alias("ww@example.com", "wei@example.com")
	v.member("li@example.com", PositionStaff, c.bj)
	v.member("both@example.com", PositionStaff, c.bj, c.tech)
	v.member("hr1@example.com", PositionStaff, c.hr).Grants = []Grant{{Perm: "sendas:hr@example.com", Source: "direct"}}
	v.member("adm1@example.com", PositionStaff, c.admin).Grants = []Grant{{Perm: "sendas:admin@example.com", Source: "direct"}}
	v.member("sec@example.com", PositionSecretary, c.office)
	v.member("ca@example.com", PositionCEOAssistant, c.office)
	v.member("dev@example.com", PositionStaff, c.tech)
	v.member("dev2@example.com", PositionStaff, c.plat)

	v.sharedBox("hr@example.com", c.hr)
	v.sharedBox("admin@example.com", c.admin)
	v.deptBox(c.hr, "hr-dept@example.com")

	v.group("all@example.com", PostPermitted, nil, RootDept)
	v.group("sales@example.com", PostMembers, nil, c.sales)
	v.group("tech@example.com", PostMembers, nil, c.tech)
	v.group("news@example.com", PostAnyone, []Address{"ww@example.com"})
	v.group("board@example.com", PostListed, []Address{"ceo@example.com"}).Senders = []Address{"admin@example.com"}
	v.group("leads@example.com", PostPermitted, nil, c.tech)
	v.group("managers@example.com", PostMembers, []Address{"ceo@example.com", "sales.head@example.com", "tech.head@example.com"})
	return c
}

func (c *company) m(a Address) *Member { return c.v.members[a] }

func TestDefaultMailPolicy(t *testing.T) {
	p := DefaultMailPolicy("Example.com")
	c := newCompany()
	if err := p.Validate(c.v); err != nil {
		t.Fatalf("the default policy does not validate: %v", err)
	}
	if p.Broadcast.Threshold != 30 || p.Broadcast.Action != ActionHold {
		t.Errorf("broadcast = %+v, want threshold 30, hold", p.Broadcast)
	}
	if slices.Contains(p.Broadcast.Positions, PositionStaff) || len(p.Broadcast.Positions) != len(Positions)-1 {
		t.Errorf("broadcast classes = %v, want every class but staff (seed part 1 clause 7)", p.Broadcast.Positions)
	}
	if p.Notices[0].Sender != "hr@example.com" || p.Notices[1].Sender != "admin@example.com" {
		t.Errorf("notice senders = %s, %s; want hr@ and admin@ of the primary domain", p.Notices[0].Sender, p.Notices[1].Sender)
	}
	if p.UnknownLocal != UnknownRefuse || p.External.Action != ActionRefuse || p.SkipLevel.Action != ActionHold {
		t.Errorf("defaults: unknown %s, external %s, skip-level %s", p.UnknownLocal, p.External.Action, p.SkipLevel.Action)
	}
	if p.GroupPost.AllStaffAction != ActionHold || p.GroupPost.Action != ActionRefuse {
		t.Errorf("group posting defaults = %+v", p.GroupPost)
	}
	if len(p.Content) != 2 || p.Content[0].Action != ActionHold || p.Content[1].Action != ActionLog {
		t.Errorf("content defaults = %+v", p.Content)
	}
	cleaned, err := p.Clean()
	if err != nil {
		t.Fatal(err)
	}
	if !equalPolicies(cleaned, p) {
		t.Errorf("Clean changes the defaults:\n%+v\n%+v", cleaned, p)
	}
}

func equalPolicies(a, b MailPolicy) bool {
	ja, jb := mustMarshal(a), mustMarshal(b)
	return ja == jb
}

func TestParseMailAction(t *testing.T) {
	for _, s := range []string{"allow", "hold", "refuse", "log", " hold "} {
		if _, err := ParseMailAction(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	for _, s := range []string{"", "deny", "HOLD"} {
		if _, err := ParseMailAction(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: err = %v, want invalid", s, err)
		}
	}
	order := []MailAction{ActionAllow, ActionLog, ActionHold, ActionRefuse}
	for i := 1; i < len(order); i++ {
		if order[i].Rank() <= order[i-1].Rank() {
			t.Errorf("%s does not outrank %s", order[i], order[i-1])
		}
	}
}

func TestCleanPolicy(t *testing.T) {
	p := DefaultMailPolicy("example.com")
	p.Blacklist = []string{" Spam.Example ", "@spam.example", "Boss@Evil.Example", ""}
	p.Whitelist = []string{"＠partner.example"}
	p.External.Members = []Address{"WW@example.com", "ww@example.com"}
	p.Content = append(p.Content, ContentRule{Name: " secret ", Keywords: []string{" 机密 ", "", "机密"}})
	p.Broadcast.Action = ""
	got, err := p.Clean()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"spam.example", "boss@evil.example"}; !slices.Equal(got.Blacklist, want) {
		t.Errorf("blacklist = %q, want %q", got.Blacklist, want)
	}
	if want := []string{"partner.example"}; !slices.Equal(got.Whitelist, want) {
		t.Errorf("whitelist = %q, want %q", got.Whitelist, want)
	}
	if want := []Address{"ww@example.com"}; !slices.Equal(got.External.Members, want) {
		t.Errorf("external members = %q, want %q", got.External.Members, want)
	}
	c := got.Content[2]
	if c.Name != "secret" || !slices.Equal(c.Keywords, []string{"机密"}) || c.Scope != ScopeAny || c.Action != ActionHold {
		t.Errorf("content rule = %+v", c)
	}
	if got.Broadcast.Action != ActionHold {
		t.Errorf("an empty action became %q, want the default hold", got.Broadcast.Action)
	}
	p.Blacklist = []string{"not an address@"}
	if _, err := p.Clean(); !errors.Is(err, ErrInvalid) {
		t.Errorf("a bad list entry: err = %v, want invalid", err)
	}
}

func TestValidatePolicy(t *testing.T) {
	c := newCompany()
	cases := []struct {
		name string
		edit func(p *MailPolicy)
		kind error
		says string
	}{
		{"bad action", func(p *MailPolicy) { p.SkipLevel.Action = "deny" }, ErrInvalid, "skip_level.action"},
		{"negative threshold", func(p *MailPolicy) { p.Broadcast.Threshold = -1 }, ErrInvalid, "broadcast.threshold"},
		{"bad position", func(p *MailPolicy) { p.Broadcast.Positions = append(p.Broadcast.Positions, "boss") }, ErrInvalid, `"boss"`},
		{"unknown department", func(p *MailPolicy) { p.External.Depts = []DeptID{999} }, ErrNotFound, "department 999"},
		{"content rule department", func(p *MailPolicy) { p.Content[0].Depts = []DeptID{998} }, ErrNotFound, "content[daily-weekly-reports].depts"},
		{"reviewer not a member", func(p *MailPolicy) { p.Content[1].Reviewer = "nobody@example.com" }, ErrNotFound, "nobody@example.com"},
		{"reviewer a group", func(p *MailPolicy) { p.Content[1].Reviewer = "all@example.com" }, ErrInvalid, "all@example.com"},
		{"external member a group", func(p *MailPolicy) { p.External.Members = []Address{"sales@example.com"} }, ErrInvalid, "sales@example.com"},
		{"rule without words", func(p *MailPolicy) {
			p.Content = append(p.Content, ContentRule{Name: "empty", Scope: ScopeAny, Action: ActionHold})
		}, ErrInvalid, "content[empty]"},
		{"rule without a name", func(p *MailPolicy) { p.Notices[0].Name = "" }, ErrInvalid, "no name"},
		{"two rules one name", func(p *MailPolicy) { p.Content[1].Name = p.Content[0].Name }, ErrInvalid, "two rules"},
		{"bad scope", func(p *MailPolicy) { p.Content[0].Scope = "company" }, ErrInvalid, `"company"`},
		{"notice sender outside", func(p *MailPolicy) { p.Notices[0].Sender = "hr@partner.example" }, ErrInvalid, "hr@partner.example"},
		{"notice sender a group", func(p *MailPolicy) { p.Notices[0].Sender = "all@example.com" }, ErrInvalid, "all@example.com"},
		{"catchall without address", func(p *MailPolicy) { p.UnknownLocal = UnknownCatchAll }, ErrInvalid, "--catchall"},
		{"catchall to a group", func(p *MailPolicy) { p.UnknownLocal, p.CatchAll = UnknownCatchAll, "all@example.com" }, ErrInvalid, "all@example.com"},
		{"catchall address without catchall", func(p *MailPolicy) { p.CatchAll = "ww@example.com" }, ErrInvalid, "unknown_local is refuse"},
		{"bad unknown_local", func(p *MailPolicy) { p.UnknownLocal = "bounce" }, ErrInvalid, "bounce"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultMailPolicy("example.com")
			p.Content = slices.Clone(p.Content)
			p.Notices = slices.Clone(p.Notices)
			tc.edit(&p)
			err := p.Validate(c.v)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("err = %q, want it to say %q", err, tc.says)
			}
			if !IsUserError(err) {
				t.Errorf("err = %v is no user error", err)
			}
		})
	}
	fresh := DefaultMailPolicy("example.com")
	fresh.Notices = slices.Clone(fresh.Notices)
	fresh.Notices[0].Sender = "hr2@example.com"
	if err := fresh.Validate(c.v); err != nil {
		t.Errorf("a notice sender nobody owns yet: %v", err)
	}
	if im := fresh.Impact(c.v, DefaultMailPolicy("example.com")); !slices.ContainsFunc(im.Lines, func(l string) bool {
		return strings.HasPrefix(l, "warning: notice holiday: hr2@example.com is no mailbox yet")
	}) {
		t.Errorf("no warning about the missing mailbox: %q", im.Lines)
	}
	ok := DefaultMailPolicy("example.com")
	ok.UnknownLocal, ok.CatchAll = UnknownCatchAll, "hr-dept@example.com"
	ok.External = ExternalRule{Depts: []DeptID{c.tech}, Members: []Address{"ww@example.com"}, Action: ActionRefuse}
	if err := ok.Validate(c.v); err != nil {
		t.Errorf("a good policy: %v", err)
	}
}

func TestImpact(t *testing.T) {
	c := newCompany()
	old := DefaultMailPolicy("example.com")

	same := old.Impact(c.v, old)
	if same.Members != 0 || same.Groups != 0 || !slices.Equal(same.Lines, []string{"no change"}) {
		t.Errorf("no change: %+v", same)
	}

	p := old
	p.External = ExternalRule{Depts: []DeptID{c.tech}, Action: ActionRefuse}
	im := p.Impact(c.v, old)
	// 技术部 and 平台组: tech.head, plat.head, dev, dev2, and both (also in 北京一组).
	if im.Members != 5 {
		t.Errorf("external restriction of 技术部: %d members, want 5 (%q)", im.Members, im.Lines)
	}
	if len(im.Lines) != 1 || im.Lines[0] != "external restriction: 5 members now refused when sending outside (departments listed: 1, with their subtrees; members listed: 0)" {
		t.Errorf("lines = %q", im.Lines)
	}

	p = old
	p.Broadcast.Positions = []Position{PositionExecutive}
	im = p.Impact(c.v, old)
	if !slices.ContainsFunc(im.Lines, func(l string) bool { return strings.Contains(l, "may no longer send to the whole company") }) {
		t.Errorf("lines = %q", im.Lines)
	}
	// The 8 heads below the ceo, the regional assistant, the secretary and the CEO assistant.
	if im.Members != 11 {
		t.Errorf("members = %d, want 11", im.Members)
	}

	p = old
	p.GroupPost.Action = ActionHold
	im = p.Impact(c.v, old)
	// sales, tech, board, leads, managers: all but news (anyone) and all (all-staff).
	if im.Groups != 5 {
		t.Errorf("groups = %d, want 5 (%q)", im.Groups, im.Lines)
	}

	p = old
	p.Blacklist = []string{"spam.example"}
	p.UnknownLocal, p.CatchAll = UnknownCatchAll, "hr-dept@example.com"
	p.Content = append(slices.Clone(p.Content), ContentRule{Name: "secret", Keywords: []string{"机密"}, Scope: ScopeAny, Depts: []DeptID{c.plat}, Action: ActionRefuse})
	im = p.Impact(c.v, old)
	want := []string{
		"content rule secret added: 2 members, words 机密 now refused",
		"blacklist: spam.example added",
		"unknown local addresses: their mail now goes to hr-dept@example.com, folder 邮件转移",
	}
	if !slices.Equal(im.Lines, want) {
		t.Errorf("lines =\n%q\nwant\n%q", im.Lines, want)
	}
}

func mustMarshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
