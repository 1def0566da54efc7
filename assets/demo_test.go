package assets

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var demoTestPositions = []string{
	"executive", "regional-director", "regional-assistant", "director",
	"ceo-assistant", "secretary", "coo-assistant", "staff",
}

func TestDemoDeterministic(t *testing.T) {
	a, b := Demo(), Demo()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Demo() differs between calls")
	}
	// Each call is a fresh copy: changing one does not change the next.
	a.Members[0].Depts[0] = "changed"
	a.Groups[len(a.Groups)-1].Members[0] = "changed"
	if c := Demo(); !reflect.DeepEqual(b, c) {
		t.Fatal("changing one Demo() value changed the next")
	}
	if !reflect.DeepEqual(DemoLogins(), DemoLogins()) {
		t.Fatal("DemoLogins() differs between calls")
	}
}

func TestDemoProfile(t *testing.T) {
	c := Demo()
	if c.Name != "示例科技有限公司" || c.Domain != "example.com" {
		t.Fatalf("profile = %q %q", c.Name, c.Domain)
	}
	if c.Address == "" || c.Contact == "" || c.Phone == "" || c.Description == "" {
		t.Fatalf("profile incomplete: %+v", c)
	}
}

func TestDemoMemberCount(t *testing.T) {
	n := len(Demo().Members)
	if n < 300 || n > 360 {
		t.Fatalf("%d members, want 300–360", n)
	}
}

func TestDemoDeptTree(t *testing.T) {
	c := Demo()
	seen := map[string]bool{}
	maxDepth := 0
	for _, d := range c.Depts {
		if d.Path == "" || strings.HasPrefix(d.Path, "/") || strings.HasSuffix(d.Path, "/") || strings.Contains(d.Path, "//") {
			t.Errorf("bad dept path %q", d.Path)
		}
		if seen[d.Path] {
			t.Errorf("dept %q listed twice", d.Path)
		}
		if i := strings.LastIndex(d.Path, "/"); i >= 0 && !seen[d.Path[:i]] {
			t.Errorf("dept %q comes before its parent %q (or the parent is missing)", d.Path, d.Path[:i])
		}
		seen[d.Path] = true
		maxDepth = max(maxDepth, strings.Count(d.Path, "/")+1)
		if len(d.Heads) == 0 {
			t.Errorf("dept %q has no head", d.Path)
		}
		if d.Officer == "" {
			t.Errorf("dept %q has no permission officer", d.Path)
		}
	}
	if maxDepth < 4 {
		t.Errorf("max depth %d, want ≥4", maxDepth)
	}
	for _, p := range []string{"总经办", "人力资源部", "行政部", "信息部", "财务部", "销售部", "技术部",
		"销售部/华北大区", "销售部/华东大区", "销售部/华南大区", "技术部/研发中心", "技术部/运维组", "技术部/产品组"} {
		if !seen[p] {
			t.Errorf("dept %q missing", p)
		}
	}
	for _, m := range c.Members {
		if len(m.Depts) == 0 || len(m.Depts) > 2 {
			t.Errorf("%s has %d depts", m.Address, len(m.Depts))
		}
		for _, p := range m.Depts {
			if !seen[p] {
				t.Errorf("%s is in unknown dept %q", m.Address, p)
			}
		}
	}
	for _, g := range c.Groups {
		for _, p := range g.Depts {
			if p != "/" && !seen[p] {
				t.Errorf("group %s names unknown dept %q", g.Address, p)
			}
		}
	}
	for _, s := range c.Shared {
		if !seen[s.Dept] {
			t.Errorf("shared %s names unknown dept %q", s.Address, s.Dept)
		}
	}
}

func TestDemoAddressesUnique(t *testing.T) {
	c := Demo()
	re := regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*@example\.com$`)
	seen := map[string]string{}
	add := func(a, what string) {
		if !re.MatchString(a) {
			t.Errorf("%s address %q malformed", what, a)
		}
		if prev, ok := seen[a]; ok {
			t.Errorf("address %q used by %s and %s", a, prev, what)
		}
		seen[a] = what
	}
	for _, m := range c.Members {
		add(m.Address, "member "+m.Name)
	}
	for _, g := range c.Groups {
		add(g.Address, "group "+g.Name)
	}
	for _, s := range c.Shared {
		add(s.Address, "shared mailbox "+s.Name)
	}
	for _, d := range c.Depts {
		if d.Mailbox != "" {
			add(d.Mailbox, "dept "+d.Path)
		}
	}
	for _, want := range []string{"ceo-office@example.com", "hr@example.com", "admin@example.com", "all@example.com",
		"sales@example.com", "managers@example.com", "it.admin@example.com", "it.helpdesk@example.com"} {
		if _, ok := seen[want]; !ok {
			t.Errorf("%s missing", want)
		}
	}
}

func TestDemoMemberFields(t *testing.T) {
	c := Demo()
	ids := map[string]bool{}
	mobiles := map[string]bool{}
	idRe := regexp.MustCompile(`^E\d{5}$`)
	mobileRe := regexp.MustCompile(`^1[358]\d{9}$`)
	phoneRe := regexp.MustCompile(`^0\d{2,3}-\d{8}$`)
	birthRe := regexp.MustCompile(`^(19[6-9]\d|200\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d)$`)
	for _, m := range c.Members {
		if ids[m.EmployeeID] {
			t.Errorf("employee id %s repeated", m.EmployeeID)
		}
		ids[m.EmployeeID] = true
		if mobiles[m.Mobile] {
			t.Errorf("mobile %s repeated", m.Mobile)
		}
		mobiles[m.Mobile] = true
		if !idRe.MatchString(m.EmployeeID) || !mobileRe.MatchString(m.Mobile) || !phoneRe.MatchString(m.Phone) ||
			!birthRe.MatchString(m.Birthday) || (m.Gender != "male" && m.Gender != "female") || m.Name == "" || m.Title == "" {
			t.Errorf("bad member fields: %+v", m)
		}
	}
}

func TestDemoPositions(t *testing.T) {
	c := Demo()
	count := map[string]int{}
	for _, m := range c.Members {
		count[m.Position]++
	}
	for _, p := range demoTestPositions {
		if count[p] == 0 {
			t.Errorf("no member of position class %s", p)
		}
		delete(count, p)
	}
	for p := range count {
		t.Errorf("unknown position class %q", p)
	}

	byAddr := map[string]DemoMember{}
	for _, m := range c.Members {
		byAddr[m.Address] = m
	}
	regions := 0
	for _, d := range c.Depts {
		h := byAddr[d.Heads[0]]
		want := "director"
		if strings.HasSuffix(d.Path, "大区") {
			want = "regional-director"
			regions++
		}
		if h.Position != want {
			t.Errorf("head of %s is %s (%s), want %s", d.Path, h.Name, h.Position, want)
		}
	}
	if regions != 3 {
		t.Errorf("%d regions, want 3", regions)
	}
	var execs []string
	for _, m := range c.Members {
		if m.Position == "executive" {
			execs = append(execs, m.Title)
			if m.Depts[0] != "总经办" {
				t.Errorf("executive %s outside 总经办", m.Name)
			}
		}
	}
	if strings.Join(execs, ",") != "CEO,COO" {
		t.Errorf("executives %v, want CEO and COO", execs)
	}
}

func TestDemoReferencesAreMembers(t *testing.T) {
	c := Demo()
	members := map[string]DemoMember{}
	for _, m := range c.Members {
		members[m.Address] = m
	}
	check := func(a, what string) {
		if _, ok := members[a]; !ok {
			t.Errorf("%s %q is not a member", what, a)
		}
	}
	for _, d := range c.Depts {
		for _, h := range d.Heads {
			check(h, "head of "+d.Path)
		}
		if d.Officer != "" {
			check(d.Officer, "officer of "+d.Path)
		}
	}
	for _, s := range c.Shared {
		if len(s.SendAs) != 2 {
			t.Errorf("shared %s has %d send-as people, want 2", s.Address, len(s.SendAs))
		}
		for _, a := range s.SendAs {
			check(a, "send-as of "+s.Address)
			if m := members[a]; len(m.Depts) == 0 || !slices.Contains(m.Depts, s.Dept) {
				t.Errorf("send-as %s of %s is not in %s", a, s.Address, s.Dept)
			}
		}
	}
	for _, g := range c.Groups {
		for _, a := range g.Members {
			check(a, "member of group "+g.Address)
		}
		if g.Post != "anyone" && g.Post != "members" && g.Post != "permitted" {
			t.Errorf("group %s post %q", g.Address, g.Post)
		}
	}
	logins := DemoLogins()
	roles := map[string]bool{}
	for _, l := range logins {
		check(l.Address, "login "+l.Role)
		if m := members[l.Address]; m.Name != l.Name {
			t.Errorf("login %s name %q, member name %q", l.Role, l.Name, m.Name)
		}
		if len(l.Password) < 15 {
			t.Errorf("login %s password shorter than 15", l.Role)
		}
		roles[l.Role] = true
	}
	for _, r := range []string{"admin", "subadmin", "helpdesk", "auditor", "hr", "head", "member"} {
		if !roles[r] {
			t.Errorf("no %s login", r)
		}
	}
}

func TestDemoGroups(t *testing.T) {
	c := Demo()
	groups := map[string]DemoGroup{}
	for _, g := range c.Groups {
		groups[g.Address] = g
	}
	all := groups["all@example.com"]
	if all.Name != "全体员工" || all.Post != "permitted" || !reflect.DeepEqual(all.Depts, []string{"/"}) {
		t.Errorf("all@ = %+v", all)
	}
	sales := groups["sales@example.com"]
	if sales.Name != "销售部全体" || sales.Post != "members" || !reflect.DeepEqual(sales.Depts, []string{"销售部"}) {
		t.Errorf("sales@ = %+v", sales)
	}
	if m := groups["managers@example.com"]; m.Name != "管理层" || len(m.Members) < 5 || len(m.Depts) != 0 {
		t.Errorf("managers@ = %+v", m)
	}
	for _, d := range c.Depts {
		if strings.Contains(d.Path, "/") {
			continue
		}
		found := false
		for _, g := range c.Groups {
			if reflect.DeepEqual(g.Depts, []string{d.Path}) {
				found = true
			}
		}
		if !found {
			t.Errorf("no group for top department %s", d.Path)
		}
	}
	shared := map[string]DemoShared{}
	for _, s := range c.Shared {
		shared[s.Address] = s
	}
	if shared["hr@example.com"].Dept != "人力资源部" || shared["admin@example.com"].Dept != "行政部" {
		t.Errorf("shared mailboxes = %+v", c.Shared)
	}
	for _, d := range c.Depts {
		if d.Path == "总经办" && d.Mailbox != "ceo-office@example.com" {
			t.Errorf("总经办 mailbox %q", d.Mailbox)
		}
	}
}

func TestDemoRoles(t *testing.T) {
	c := Demo()
	depts := map[string]bool{}
	for _, d := range c.Depts {
		depts[d.Path] = true
	}
	holders := map[string][]DemoMember{}
	for _, m := range c.Members {
		for _, r := range m.Roles {
			holders[r.Role] = append(holders[r.Role], m)
			if r.Scope != "" && !depts[r.Scope] {
				t.Errorf("%s: role %s scoped to unknown dept %q", m.Address, r.Role, r.Scope)
			}
			if r.Role == "officer" {
				t.Errorf("%s: officer roles come from DemoDept.Officer", m.Address)
			}
			if r.Role != "subadmin" && len(r.Rights) != 0 {
				t.Errorf("%s: rights on a %s role", m.Address, r.Role)
			}
		}
	}
	one := func(role, dept string) DemoMember {
		t.Helper()
		h := holders[role]
		if len(h) != 1 {
			t.Fatalf("%d holders of %s, want 1", len(h), role)
		}
		if dept != "" && h[0].Depts[0] != dept {
			t.Errorf("%s holder %s is in %s, want %s", role, h[0].Address, h[0].Depts[0], dept)
		}
		return h[0]
	}
	if a := one("admin", "信息部"); a.Address != "it.admin@example.com" {
		t.Errorf("admin is %s", a.Address)
	}
	if h := one("helpdesk", "信息部"); h.Address != "it.helpdesk@example.com" {
		t.Errorf("helpdesk is %s", h.Address)
	}
	one("hr", "人力资源部")
	one("auditor", "")
	if u := one("unit-officer", "总经办"); u.Title != "COO" {
		t.Errorf("unit officer is %s (%s)", u.Name, u.Title)
	}
	s := one("subadmin", "")
	if r := s.Roles[0]; r.Scope != "销售部" || !reflect.DeepEqual(r.Rights, []string{"members", "groups"}) {
		t.Errorf("subadmin role = %+v", r)
	}
}

func TestDemoNames(t *testing.T) {
	c := Demo()
	byName := map[string][]string{}
	for _, m := range c.Members {
		byName[m.Name] = append(byName[m.Name], m.Address)
	}
	dups := 0
	for _, addrs := range byName {
		if len(addrs) > 1 {
			dups++
		}
	}
	if dups < 1 || dups > 5 {
		t.Errorf("%d duplicated names, want a few", dups)
	}
	if w := byName["王伟"]; len(w) != 2 || w[0] != "wangwei@example.com" || w[1] != "wangwei2@example.com" {
		t.Errorf("王伟 = %v", w)
	}
	// Pinyin addresses follow the surname reading of the name.
	want := map[string]string{"欧阳": "ouyang", "司马": "sima", "曾": "zeng", "单": "shan", "解": "xie", "区": "ou"}
	found := map[string]bool{}
	for _, m := range c.Members {
		if strings.HasPrefix(m.Address, "it.") {
			continue
		}
		for s, py := range want {
			if strings.HasPrefix(m.Name, s) {
				found[s] = true
				if !strings.HasPrefix(m.Address, py) {
					t.Errorf("%s has address %s, want %s…", m.Name, m.Address, py)
				}
			}
		}
	}
	for s := range want {
		if !found[s] {
			t.Errorf("no member with surname %s", s)
		}
	}
	// Every pinyin address is the full pinyin of the name, maybe with a digit.
	re := regexp.MustCompile(`^([a-z]+?)([2-9]?)@example\.com$`)
	for _, m := range c.Members {
		if strings.HasPrefix(m.Address, "it.") {
			continue
		}
		sub := re.FindStringSubmatch(m.Address)
		if sub == nil {
			t.Errorf("%s: address %s is not pinyin", m.Name, m.Address)
			continue
		}
		if py := demoTestPinyin(t, m.Name); py != sub[1] {
			t.Errorf("%s: address %s, pinyin %s", m.Name, m.Address, py)
		}
	}
}

// demoTestPinyin splits a name into surname and given name (compound surnames
// first) and spells it.
func demoTestPinyin(t *testing.T, name string) string {
	t.Helper()
	r := []rune(name)
	if len(r) >= 3 {
		if _, ok := demoSurnamePinyin[string(r[:2])]; ok {
			return demoPinyin(string(r[:2]), string(r[2:]))
		}
	}
	return demoPinyin(string(r[:1]), string(r[1:]))
}
