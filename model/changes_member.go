package model

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// MemberFields are the editable fields of a member, as text from a door.
type MemberFields struct {
	Name       string
	Depts      []string // department paths; none means the root
	Title      string
	Position   string
	EmployeeID string
	Mobile     string
	Phone      string
	Gender     string
	Birthday   string
}

var (
	employeeIDRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$`)
	phoneRe      = regexp.MustCompile(`^\+?[0-9][0-9 ()-]{2,30}(?:(?:ext|转|#)[0-9]{1,6})?$`)
)

// NormalizeMobile strips spaces and dashes from a mobile number and checks it.
func NormalizeMobile(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	n := strings.NewReplacer(" ", "", "-", "").Replace(s)
	digits := strings.TrimPrefix(n, "+")
	if len(digits) < 5 || len(digits) > 16 || strings.Trim(digits, "0123456789") != "" {
		return "", Invalidf("mobile %q is not a phone number: give digits only, like 13800138000 or +8613800138000", s)
	}
	return n, nil
}

// NormalizePhone checks an office phone such as 010-65521234 or 010-65521234转801.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if !phoneRe.MatchString(s) {
		return "", Invalidf("phone %q is not a phone number: write it like 010-65521234 or 010-65521234转801", s)
	}
	return s, nil
}

// NormalizeGender accepts male/female, M/F and 男/女.
func NormalizeGender(s string) (string, error) {
	s = strings.TrimSpace(s)
	g := parseGender(s)
	if g == "" && s != "" {
		return "", Invalidf("gender %q: use male or female (男/女), or leave it empty", s)
	}
	return g, nil
}

// NormalizeBirthday accepts YYYY-MM-DD, YYYY/M/D, YYYY.M.D and YYYY年M月D日.
func NormalizeBirthday(s string) (string, error) {
	b, err := parseBirthday(strings.TrimSpace(s))
	if err != nil {
		return "", Invalidf("birthday %q: %v", s, err)
	}
	return b, nil
}

// apply validates the fields against the data and writes them into m.
// Only the fields named in set are taken; nil set takes them all.
func (f MemberFields) apply(v View, m *Member, set map[string]bool) error {
	take := func(k string) bool { return set == nil || set[k] }
	if take("name") {
		name, err := CleanName("name", f.Name, 64)
		if err != nil {
			return err
		}
		m.Name = name
	}
	if take("depts") {
		ids, err := resolveDepts(v, f.Depts)
		if err != nil {
			return err
		}
		m.Depts = ids
	}
	if take("title") {
		t := strings.TrimSpace(f.Title)
		if len([]rune(t)) > 64 {
			return Invalidf("title %q is longer than 64 characters", t)
		}
		m.Title = t
	}
	if take("position") {
		p, err := ParsePosition(strings.TrimSpace(f.Position))
		if err != nil {
			return err
		}
		m.Position = p
	}
	if take("employee_id") {
		id := strings.TrimSpace(f.EmployeeID)
		if id != "" {
			if !employeeIDRe.MatchString(id) {
				return Invalidf("employee id %q: use up to 32 letters, digits, '-', '_' or '.'", id)
			}
			if other, ok, err := v.EmployeeID(id); err != nil {
				return err
			} else if ok && other != m.Address {
				return Existsf("employee id %s already belongs to %s", id, other)
			}
		}
		m.EmployeeID = id
	}
	var err error
	if take("mobile") {
		if m.Mobile, err = NormalizeMobile(f.Mobile); err != nil {
			return err
		}
	}
	if take("phone") {
		if m.Phone, err = NormalizePhone(f.Phone); err != nil {
			return err
		}
	}
	if take("gender") {
		if m.Gender, err = NormalizeGender(f.Gender); err != nil {
			return err
		}
	}
	if take("birthday") {
		if m.Birthday, err = NormalizeBirthday(f.Birthday); err != nil {
			return err
		}
	}
	return nil
}

func resolveDepts(v View, paths []string) ([]DeptID, error) {
	var ids []DeptID
	for _, p := range paths {
		d, err := resolveDept(v, p)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(ids, d.ID) {
			ids = append(ids, d.ID)
		}
	}
	if len(ids) == 0 {
		ids = []DeptID{RootDept}
	}
	if len(ids) > 1 {
		ids = slices.DeleteFunc(ids, func(id DeptID) bool { return id == RootDept })
	}
	return ids, nil
}

func deptsScope(v View, paths []string) (Scope, error) {
	ids, err := resolveDepts(v, paths)
	return Scope(ids), err
}

// memberScope is the scope of an existing member: their departments.
func memberScope(v View, a Address) (*Member, Scope, error) {
	m, err := v.Member(a)
	if err != nil {
		return nil, nil, err
	}
	return m, Scope(m.Depts), nil
}

// AddMember creates a member (ORG-5, ACC-1). With a password the member must
// change it at first login unless MustChange is false.
type AddMember struct {
	Address    Address
	Fields     MemberFields
	Password   string // optional; cleared by Prepare
	MustChange bool
	hash       string
}

// Op names the operation.
func (c *AddMember) Op() string { return "member.add" }

// Target names the member.
func (c *AddMember) Target() string { return string(c.Address) }

// Authorize needs member.manage over the member's departments.
func (c *AddMember) Authorize(v View, a Actor) error {
	s, err := deptsScope(v, c.Fields.Depts)
	if err != nil {
		return err
	}
	return Authorize(a, RightMemberManage, s, v)
}

// Prepare checks the password against the policy and hashes it.
func (c *AddMember) Prepare(v View, env Env) error {
	if c.Password == "" {
		return nil
	}
	pol, err := v.Policy()
	if err != nil {
		return err
	}
	if err := pol.Check(c.Password, personalWords(&Member{Address: c.Address, Name: c.Fields.Name, EmployeeID: c.Fields.EmployeeID, Mobile: c.Fields.Mobile, Birthday: c.Fields.Birthday})); err != nil {
		return err
	}
	c.hash, err = hashNew(c.Password, env)
	c.Password = ""
	return err
}

// Apply validates and creates the member.
func (c *AddMember) Apply(tx Tx, env Env) error {
	a, err := ParseAddress(string(c.Address))
	if err != nil {
		return err
	}
	if err := addressFree(tx, a); err != nil {
		return err
	}
	if c.Password != "" {
		return Invalidf("the password for %s was not prepared", a)
	}
	m := &Member{Address: a, Status: StatusActive, Created: env.Now, Updated: env.Now}
	if err := c.Fields.apply(tx, m, nil); err != nil {
		return err
	}
	if c.hash != "" {
		m.Password = Credential{Hash: c.hash, Changed: env.Now, MustChange: c.MustChange}
	}
	return tx.PutMember(m)
}

// SetMember edits a member's fields; only the fields named in Set change.
// Changing departments moves the member.
type SetMember struct {
	Address Address
	Fields  MemberFields
	Set     map[string]bool // name depts title position employee_id mobile phone gender birthday
}

// Op names the operation.
func (c *SetMember) Op() string {
	if len(c.Set) == 1 && c.Set["depts"] {
		return "member.move"
	}
	return "member.set"
}

// Target names the member.
func (c *SetMember) Target() string { return string(c.Address) }

// Authorize needs member.manage over the member's departments, old and new.
func (c *SetMember) Authorize(v View, a Actor) error {
	if err := authorizeOn(v, a, c.Address, RightMemberManage); err != nil {
		return err
	}
	if c.Set["depts"] {
		ns, err := deptsScope(v, c.Fields.Depts)
		if err != nil {
			return err
		}
		return Authorize(a, RightMemberManage, ns, v)
	}
	return nil
}

// Apply validates and writes the fields.
func (c *SetMember) Apply(tx Tx, env Env) error {
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	if len(c.Set) == 0 {
		return Invalidf("nothing to change for %s: name at least one field", c.Address)
	}
	for k := range c.Set {
		if !slices.Contains([]string{"name", "depts", "title", "position", "employee_id", "mobile", "phone", "gender", "birthday"}, k) {
			return Invalidf("unknown member field %q", k)
		}
	}
	m = m.Clone()
	if err := c.Fields.apply(tx, m, c.Set); err != nil {
		return err
	}
	m.Updated = env.Now
	return tx.PutMember(m)
}

// DisableMember stops a member's logins and sending (ORG-5, ACC-6).
type DisableMember struct {
	Address Address
	Reason  string
}

// Op names the operation.
func (c *DisableMember) Op() string { return "member.disable" }

// Target names the member.
func (c *DisableMember) Target() string { return string(c.Address) }

// Authorize needs member.manage over the member.
func (c *DisableMember) Authorize(v View, a Actor) error {
	return authorizeOn(v, a, c.Address, RightMemberManage)
}

// Apply disables the member.
func (c *DisableMember) Apply(tx Tx, env Env) error {
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	if m.Address == env.Actor.Address {
		return Conflictf("you cannot disable your own account; ask another admin")
	}
	if m.Status == StatusDisabled {
		return nil
	}
	if err := keepAnAdmin(tx, m); err != nil {
		return err
	}
	m = m.Clone()
	m.Status = StatusDisabled
	m.Reason = strings.TrimSpace(c.Reason)
	m.Updated = env.Now
	if m.Reason != "" {
		tx.Note("reason", m.Reason)
	}
	return tx.PutMember(m)
}

// keepAnAdmin refuses to take away the last active admin.
func keepAnAdmin(v View, m *Member) error {
	if !slices.ContainsFunc(m.Roles, func(g RoleGrant) bool { return g.Role == RoleAdmin }) {
		return nil
	}
	if l, ok := v.(AdminLister); ok {
		admins, err := l.Admins()
		if err != nil {
			return err
		}
		for _, a := range admins {
			if a == m.Address {
				continue
			}
			if o, err := v.Member(a); err == nil && o.Status == StatusActive {
				return nil
			}
		}
		return Conflictf("%s is the last active admin; make another member admin first", m.Address)
	}
	return nil
}

// AdminLister lists the members holding the admin role.
type AdminLister interface {
	Admins() ([]Address, error)
}

// EnableMember lets a disabled member log in and send again.
type EnableMember struct{ Address Address }

// Op names the operation.
func (c *EnableMember) Op() string { return "member.enable" }

// Target names the member.
func (c *EnableMember) Target() string { return string(c.Address) }

// Authorize needs member.manage over the member.
func (c *EnableMember) Authorize(v View, a Actor) error {
	return authorizeOn(v, a, c.Address, RightMemberManage)
}

// Apply enables the member.
func (c *EnableMember) Apply(tx Tx, env Env) error {
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	if m.Status == StatusReclaimed {
		return Conflictf("%s was reclaimed as a leaver; open a new account through a joiner request instead", m.Address)
	}
	if m.WarnBlocked() {
		return Conflictf("the mailbox %s is blocked after %d warnings; only an unblock request lifts the block: request file unblock --member %s", m.Address, m.ActiveWarnings(), m.Address)
	}
	if m.Status == StatusActive {
		return nil
	}
	m = m.Clone()
	m.Status = StatusActive
	m.Reason = ""
	m.Password.Failures = 0
	m.Password.LockedUntil = time.Time{}
	m.Updated = env.Now
	return tx.PutMember(m)
}

// DeleteMember removes a member, their aliases, their group memberships and
// their place as a department head or officer.
type DeleteMember struct{ Address Address }

// Op names the operation.
func (c *DeleteMember) Op() string { return "member.rm" }

// Target names the member.
func (c *DeleteMember) Target() string { return string(c.Address) }

// Authorize needs member.manage over the member.
func (c *DeleteMember) Authorize(v View, a Actor) error {
	return authorizeOn(v, a, c.Address, RightMemberManage)
}

// Apply deletes the member.
func (c *DeleteMember) Apply(tx Tx, env Env) error {
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	if m.Address == env.Actor.Address {
		return Conflictf("you cannot delete your own account; ask another admin")
	}
	if err := keepAnAdmin(tx, m); err != nil {
		return err
	}
	groups, err := tx.GroupsOf(m.Address)
	if err != nil {
		return err
	}
	for _, ga := range groups {
		g, err := tx.Group(ga)
		if err != nil {
			return err
		}
		g = g.Clone()
		g.Members = slices.DeleteFunc(g.Members, func(x Address) bool { return x == m.Address })
		if err := tx.PutGroup(g); err != nil {
			return err
		}
	}
	if l, ok := tx.(DeptRoleLister); ok {
		ids, err := l.DeptsLedBy(m.Address)
		if err != nil {
			return err
		}
		for _, id := range ids {
			d, err := tx.Dept(id)
			if err != nil {
				return err
			}
			cp := *d
			cp.Heads = slices.DeleteFunc(slices.Clone(d.Heads), func(x Address) bool { return x == m.Address })
			if cp.Officer == m.Address {
				cp.Officer = ""
			}
			if err := tx.PutDept(&cp); err != nil {
				return err
			}
		}
	}
	return tx.DeleteMember(m.Address)
}

// DeptRoleLister lists the departments a member heads or signs for.
type DeptRoleLister interface {
	DeptsLedBy(a Address) ([]DeptID, error)
}

// AddAlias gives a member another address (ORG-6).
type AddAlias struct {
	Address Address
	Alias   Address
}

// Op names the operation.
func (c *AddAlias) Op() string { return "member.alias.add" }

// Target names the member.
func (c *AddAlias) Target() string { return string(c.Address) }

// Authorize needs member.manage over the member.
func (c *AddAlias) Authorize(v View, a Actor) error {
	return authorizeOn(v, a, c.Address, RightMemberManage)
}

// Apply adds the alias.
func (c *AddAlias) Apply(tx Tx, env Env) error {
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	alias, err := ParseAddress(string(c.Alias))
	if err != nil {
		return err
	}
	if len(m.Aliases) >= MaxAliases {
		return Conflictf("%s already has %d aliases, the most allowed; remove one first", m.Address, MaxAliases)
	}
	if err := addressFree(tx, alias); err != nil {
		return err
	}
	m = m.Clone()
	m.Aliases = append(m.Aliases, alias)
	m.Updated = env.Now
	return tx.PutMember(m)
}

// RemoveAlias takes an alias away from a member.
type RemoveAlias struct {
	Address Address
	Alias   Address
}

// Op names the operation.
func (c *RemoveAlias) Op() string { return "member.alias.rm" }

// Target names the member.
func (c *RemoveAlias) Target() string { return string(c.Address) }

// Authorize needs member.manage over the member.
func (c *RemoveAlias) Authorize(v View, a Actor) error {
	return authorizeOn(v, a, c.Address, RightMemberManage)
}

// Apply removes the alias.
func (c *RemoveAlias) Apply(tx Tx, env Env) error {
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	alias, _ := ParseAddress(string(c.Alias))
	i := slices.Index(m.Aliases, alias)
	if i < 0 {
		return NotFoundf("%s is not an alias of %s", c.Alias, m.Address)
	}
	m = m.Clone()
	m.Aliases = slices.Delete(m.Aliases, i, i+1)
	m.Updated = env.Now
	return tx.PutMember(m)
}

// selfOr authorises a change to one's own account, or needs the right.
func selfOr(v View, a Actor, target Address, right Right) error {
	if a.Address == target && target != "" {
		if _, err := v.Member(target); err != nil {
			return err
		}
		return nil
	}
	return authorizeOn(v, a, target, right)
}

// authorizeOn asks for a right over an existing member: over every
// department the member is in, and, when the member holds a privileged role
// (admin, sub-admin, helpdesk, auditor), only a company-wide admin may act,
// so a helpdesk cannot take over an admin's account through a reset.
func authorizeOn(v View, a Actor, target Address, right Right) error {
	m, s, err := memberScope(v, target)
	if err != nil {
		return err
	}
	if err := Authorize(a, right, s, v); err != nil {
		return err
	}
	if m.Address != a.Address && privileged(m) && !isAdmin(a) {
		return Forbiddenf("%s holds the %s role; only a company-wide admin may change that account", m.Address, topRole(m))
	}
	return nil
}

func privileged(m *Member) bool {
	return topRole(m) >= RoleAuditor
}

func topRole(m *Member) Role {
	top := RoleMember
	for _, g := range m.Roles {
		top = max(top, g.Role)
	}
	return top
}

func isAdmin(a Actor) bool {
	for _, g := range a.Roles {
		if g.Role == RoleAdmin && g.Scope == 0 {
			return true
		}
	}
	return false
}

// AddKey registers an SSH public key on a member; members may add their own.
type AddKey struct {
	Address Address
	Line    string
	// Fingerprint is set by Apply.
	Fingerprint string
}

// Op names the operation.
func (c *AddKey) Op() string { return "member.key.add" }

// Target names the member.
func (c *AddKey) Target() string { return string(c.Address) }

// Authorize allows the member themself, or member.manage.
func (c *AddKey) Authorize(v View, a Actor) error {
	return selfOr(v, a, c.Address, RightMemberManage)
}

// Apply adds the key.
func (c *AddKey) Apply(tx Tx, env Env) error {
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	k, err := ParseSSHKey(c.Line, env.Now)
	if err != nil {
		return err
	}
	if owner, ok, err := tx.KeyOwner(k.Fingerprint); err != nil {
		return err
	} else if ok {
		if owner == m.Address {
			return Existsf("%s already has the key %s", m.Address, k.Fingerprint)
		}
		return Existsf("the key %s is registered to another member; every person needs a key of their own", k.Fingerprint)
	}
	m = m.Clone()
	m.Keys = append(m.Keys, k)
	m.Updated = env.Now
	c.Fingerprint = k.Fingerprint
	return tx.PutMember(m)
}

// RemoveKey removes an SSH key by fingerprint; members may remove their own.
type RemoveKey struct {
	Address     Address
	Fingerprint string
}

// Op names the operation.
func (c *RemoveKey) Op() string { return "member.key.rm" }

// Target names the member.
func (c *RemoveKey) Target() string { return string(c.Address) }

// Authorize allows the member themself, or member.manage.
func (c *RemoveKey) Authorize(v View, a Actor) error {
	return selfOr(v, a, c.Address, RightMemberManage)
}

// Apply removes the key.
func (c *RemoveKey) Apply(tx Tx, env Env) error {
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(m.Keys, func(k SSHKey) bool { return k.Fingerprint == c.Fingerprint })
	if i < 0 {
		return NotFoundf("%s has no key %s; list the keys with member show %s", m.Address, c.Fingerprint, m.Address)
	}
	m = m.Clone()
	m.Keys = slices.Delete(m.Keys, i, i+1)
	m.Updated = env.Now
	return tx.PutMember(m)
}

// SetPrefs saves a member's own terminal settings; only the member may.
type SetPrefs struct {
	Address Address
	Prefs   Prefs
}

// Op names the operation.
func (c *SetPrefs) Op() string { return "member.prefs" }

// Target names the member.
func (c *SetPrefs) Target() string { return string(c.Address) }

// Authorize allows only the member themself.
func (c *SetPrefs) Authorize(v View, a Actor) error {
	if a.Address != c.Address || a.Address == "" {
		return Forbiddenf("only %s may change their own settings", c.Address)
	}
	return nil
}

// Apply writes the settings.
func (c *SetPrefs) Apply(tx Tx, env Env) error {
	switch c.Prefs.Lang {
	case "", "zh-CN", "en":
	default:
		return Invalidf("language %q: use zh-CN or en", c.Prefs.Lang)
	}
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	if m.Prefs == c.Prefs {
		return nil
	}
	m = m.Clone()
	m.Prefs = c.Prefs
	return tx.PutMember(m)
}
