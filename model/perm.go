package model

import (
	"slices"
	"strings"
	"time"
)

// The named permissions besides those the mail rules look at (PermBroadcast,
// PermExternal, PermSkipLevel and the PermSendAs family, in mailpolicy.go).
const (
	PermNotify   = "notify"   // the notification assistant's bulk quota (MAILFX-3)
	PermSubadmin = "subadmin" // sub-admin rights: held through the sub-admin role (ROLE-1)
)

// BasePerms are the permissions every catalogue lists, in display order;
// sendas:ADDR permissions join them for each mailbox someone may send as.
var BasePerms = []string{PermBroadcast, PermExternal, PermSendAs + "ADDR", PermNotify, PermSkipLevel, PermSubadmin}

// The sources of a held permission (PERM-2).
const (
	SourcePosition   = "position"   // the member's position class
	SourceRole       = "role"       // a role the member holds
	SourceDirect     = "direct"     // granted to the member
	SourceDelegation = "delegation" // lent by someone else for a window (PERM-3)
)

// ParsePerm checks a permission name: one of the base names, or sendas:ADDR
// for a mailbox. It returns the name in its canonical spelling.
func ParsePerm(s string) (string, error) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(strings.ToLower(s), PermSendAs); ok {
		a, err := ParseAddress(rest)
		if err != nil {
			return "", Invalidf("permission %q: %s is no address: write it as sendas:hr@example.com", s, rest)
		}
		return PermSendAs + string(a), nil
	}
	switch s {
	case PermBroadcast, PermExternal, PermNotify, PermSkipLevel, PermSubadmin:
		return s, nil
	}
	return "", Invalidf("unknown permission %q: use broadcast, external, notify, skip-level, subadmin or sendas:ADDR", s)
}

// Permission is an entry of the permission catalogue (PERM-1): a named
// right, the department that owns it (its permission officer signs the
// grants) and the position classes and roles that hold it by themselves.
// Admins maintain the catalogue; entries nobody saved have no owner.
type Permission struct {
	Name      string     `json:"name"`
	Owner     DeptID     `json:"owner,omitempty"` // 0: not set yet
	Positions []Position `json:"positions,omitempty"`
	Roles     []Role     `json:"roles,omitempty"`
	By        Address    `json:"by,omitempty"`
	Updated   time.Time  `json:"updated,omitzero"`
}

// defaultPermission is a catalogue entry before an admin saved one: the
// sub-admin role holds subadmin, the admins hold notify.
func defaultPermission(name string) Permission {
	p := Permission{Name: name}
	switch name {
	case PermSubadmin:
		p.Roles = subadminRoles
	case PermNotify:
		p.Roles = notifyRoles
	}
	return p
}

// The default roles; shared and never written (changes clone them).
var (
	subadminRoles = []Role{RoleSubadmin}
	notifyRoles   = []Role{RoleAdmin}
)

// Catalogue lists every permission: the saved entries and the base names
// nobody saved yet (with their defaults), then each sendas:ADDR entry,
// in name order after the base names.
func Catalogue(v View) ([]Permission, error) {
	saved, err := v.Permissions()
	if err != nil {
		return nil, err
	}
	if len(saved) == 0 {
		// Nobody saved an entry: the defaults, made once. The mail rules
		// read the catalogue for most messages they judge.
		return slices.Clip(defaultCatalogue), nil
	}
	return catalogueOf(saved), nil
}

// defaultCatalogue is the catalogue with no saved entries; shared and never
// written (Catalogue's callers get it clipped, so an append copies).
var defaultCatalogue = catalogueOf(nil)

func catalogueOf(saved []Permission) []Permission {
	out := make([]Permission, 0, len(BasePerms)+len(saved))
	for _, name := range BasePerms {
		if name == PermSendAs+"ADDR" {
			continue
		}
		if i := slices.IndexFunc(saved, func(p Permission) bool { return p.Name == name }); i >= 0 {
			out = append(out, saved[i])
		} else {
			out = append(out, defaultPermission(name))
		}
	}
	for _, p := range saved {
		if strings.HasPrefix(p.Name, PermSendAs) {
			out = append(out, p)
		}
	}
	return out
}

// LookupPermission returns the catalogue entry of a permission: the saved
// one, else the default. A sendas:ADDR entry nobody saved is owned by the
// department that owns the mailbox.
func LookupPermission(v View, name string) (Permission, error) {
	saved, err := v.Permissions()
	if err != nil {
		return Permission{}, err
	}
	if i := slices.IndexFunc(saved, func(p Permission) bool { return p.Name == name }); i >= 0 {
		return saved[i], nil
	}
	p := defaultPermission(name)
	if box, ok := strings.CutPrefix(name, PermSendAs); ok {
		o, found, err := v.Owner(Address(box))
		if err != nil {
			return Permission{}, err
		}
		switch {
		case found && o.Kind == OwnerShared:
			s, err := v.Shared(Address(box))
			if err != nil {
				return Permission{}, err
			}
			p.Owner = s.Dept
		case found && o.Kind == OwnerDept:
			p.Owner = o.Dept
		}
	}
	return p, nil
}

// Delegation lends some or all of a person's permissions to another for a
// window (PERM-3, seed part 5 2.2(2)). It is kept on the borrower. It ends
// at Until, or when the lender is marked back (Ended), whichever is first.
type Delegation struct {
	Lender  Address   `json:"lender"`
	Perms   []string  `json:"perms,omitempty"` // empty: every permission of the lender
	From    time.Time `json:"from"`
	Until   time.Time `json:"until"`
	Ended   time.Time `json:"ended,omitzero"` // when the lender was marked back
	By      Address   `json:"by,omitempty"`   // who set it up (applied the request)
	Request uint64    `json:"request,omitempty"`
}

// ActiveAt reports whether the delegation is in force at t.
func (d Delegation) ActiveAt(t time.Time) bool {
	return !t.Before(d.From) && t.Before(d.Until) && (d.Ended.IsZero() || t.Before(d.Ended))
}

// Lends reports whether the delegation covers the permission.
func (d Delegation) Lends(perm string) bool {
	return len(d.Perms) == 0 || slices.Contains(d.Perms, perm)
}

// HeldPerm is one permission a member holds at a moment, and where it comes
// from: the answer to "may this person do this now, and why".
type HeldPerm struct {
	Perm   string `json:"perm"`
	Source string `json:"source"` // position, role, direct or delegation
	// Detail is the position class or the role for those sources.
	Detail string `json:"detail,omitempty"`
	// Policy marks a position-class right that comes from the mail policy
	// (the classes that send to the whole company or skip levels).
	Policy bool `json:"policy,omitempty"`
	// Lender is whose permission a delegation lends, and LenderSource
	// where the lender's own right comes from.
	Lender       Address   `json:"lender,omitempty"`
	LenderSource string    `json:"lender_source,omitempty"`
	By           Address   `json:"by,omitempty"`
	From         time.Time `json:"from,omitzero"`
	Until        time.Time `json:"until,omitzero"` // zero: no end
	Request      uint64    `json:"request,omitempty"`
}

// Describe says where the permission comes from, for reasons and listings.
func (h HeldPerm) Describe() string {
	var s string
	switch h.Source {
	case SourcePosition:
		s = "the position class " + h.Detail
	case SourceRole:
		s = "the role " + h.Detail
	case SourceDelegation:
		s = "a delegation from " + string(h.Lender)
	default:
		s = "a direct grant"
	}
	if !h.Until.IsZero() {
		s += " until " + h.Until.UTC().Format(time.RFC3339)
	}
	return s
}

// PermBasis is what effective permissions are computed from besides the
// members: the catalogue and the mail policy's position classes.
type PermBasis struct {
	Catalogue []Permission
	Policy    MailPolicy
}

// LoadPermBasis reads the catalogue and the mail policy.
func LoadPermBasis(v View) (PermBasis, error) {
	cat, err := Catalogue(v)
	if err != nil {
		return PermBasis{}, err
	}
	p, err := v.MailPolicy()
	if err != nil {
		return PermBasis{}, err
	}
	return PermBasis{Catalogue: cat, Policy: p}, nil
}

// EffectivePerms lists what the member holds at now and from where (PERM-2):
// its active direct grants, the rights of its position class and roles, and
// what active delegations lend it from people who hold it themselves at now.
// It is computed at the moment of use, so a grant or a delegation whose
// window has passed, or whose lender was marked back, counts no more, with
// no job to run. A delegation lends only the lender's own permissions, never
// what was lent to the lender. An account that is not active holds nothing,
// and lends nothing.
func EffectivePerms(v View, b PermBasis, m *Member, now time.Time) ([]HeldPerm, error) {
	if m.Status != StatusActive {
		return nil, nil
	}
	out := ownPerms(nil, b, m, now)
	for _, d := range m.Delegations {
		if !d.ActiveAt(now) {
			continue
		}
		lender, err := v.Member(d.Lender)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return nil, err
		}
		if lender.Status != StatusActive {
			continue
		}
		start := len(out)
		out = ownPerms(out, b, lender, now)
		kept := out[:start]
		for _, h := range out[start:] {
			if d.Lends(h.Perm) {
				kept = append(kept, lentPerm(h, d, lender.Address))
			}
		}
		out = kept
	}
	return out, nil
}

// ownPerms appends the permissions the member holds itself at now.
func ownPerms(out []HeldPerm, b PermBasis, m *Member, now time.Time) []HeldPerm {
	for _, g := range m.Grants {
		if g.ActiveAt(now) {
			out = append(out, HeldPerm{Perm: g.Perm, Source: SourceDirect, By: g.By, From: g.From, Until: g.Until, Request: g.Request})
		}
	}
	if slices.Contains(b.Policy.Broadcast.Positions, m.Position) {
		out = append(out, HeldPerm{Perm: PermBroadcast, Source: SourcePosition, Detail: string(m.Position), Policy: true})
	}
	if slices.Contains(b.Policy.SkipLevel.Positions, m.Position) {
		out = append(out, HeldPerm{Perm: PermSkipLevel, Source: SourcePosition, Detail: string(m.Position), Policy: true})
	}
	for i := range b.Catalogue {
		p := &b.Catalogue[i]
		if slices.Contains(p.Positions, m.Position) {
			out = append(out, HeldPerm{Perm: p.Name, Source: SourcePosition, Detail: string(m.Position)})
		}
		for _, r := range p.Roles {
			if slices.ContainsFunc(m.Roles, func(g RoleGrant) bool { return g.Role == r }) {
				out = append(out, HeldPerm{Perm: p.Name, Source: SourceRole, Detail: r.String()})
				break
			}
		}
	}
	return out
}

// holdsOwn reports whether the member holds the permission itself at now,
// without building the whole list: a direct grant, the position class (the
// mail policy's classes only when policy is set) or a role.
func holdsOwn(b PermBasis, m *Member, perm string, now time.Time, policy bool) (HeldPerm, bool) {
	for _, g := range m.Grants {
		if g.Perm == perm && g.ActiveAt(now) {
			return HeldPerm{Perm: g.Perm, Source: SourceDirect, By: g.By, From: g.From, Until: g.Until, Request: g.Request}, true
		}
	}
	if policy {
		if (perm == PermBroadcast && slices.Contains(b.Policy.Broadcast.Positions, m.Position)) ||
			(perm == PermSkipLevel && slices.Contains(b.Policy.SkipLevel.Positions, m.Position)) {
			return HeldPerm{Perm: perm, Source: SourcePosition, Detail: string(m.Position), Policy: true}, true
		}
	}
	for i := range b.Catalogue {
		p := &b.Catalogue[i]
		if p.Name != perm {
			continue
		}
		if slices.Contains(p.Positions, m.Position) {
			return HeldPerm{Perm: perm, Source: SourcePosition, Detail: string(m.Position)}, true
		}
		for _, r := range p.Roles {
			if slices.ContainsFunc(m.Roles, func(g RoleGrant) bool { return g.Role == r }) {
				return HeldPerm{Perm: perm, Source: SourceRole, Detail: r.String()}, true
			}
		}
	}
	return HeldPerm{}, false
}

// holdsLent reports whether an active delegation lends the member the
// permission at now, from a lender who holds it themself.
func holdsLent(v View, b PermBasis, m *Member, perm string, now time.Time) (HeldPerm, bool, error) {
	for _, d := range m.Delegations {
		if !d.ActiveAt(now) || !d.Lends(perm) {
			continue
		}
		lender, err := v.Member(d.Lender)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return HeldPerm{}, false, err
		}
		if lender.Status != StatusActive {
			continue
		}
		h, ok := holdsOwn(b, lender, perm, now, true)
		if !ok {
			continue
		}
		return lentPerm(h, d, lender.Address), true, nil
	}
	return HeldPerm{}, false, nil
}

// lentPerm is the lender's own permission h as the delegation d lends it.
func lentPerm(h HeldPerm, d Delegation, lender Address) HeldPerm {
	until := d.Until
	if !h.Until.IsZero() && h.Until.Before(until) {
		until = h.Until
	}
	if !d.Ended.IsZero() && d.Ended.Before(until) {
		until = d.Ended
	}
	return HeldPerm{Perm: h.Perm, Source: SourceDelegation, Lender: lender, LenderSource: h.Source,
		Detail: h.Detail, By: d.By, From: d.From, Until: until, Request: d.Request}
}

// FindPerm returns the first held entry for the permission, preferring the
// member's own rights over delegated ones (EffectivePerms lists them first).
func FindPerm(held []HeldPerm, perm string) (HeldPerm, bool) {
	for _, h := range held {
		if h.Perm == perm {
			return h, true
		}
	}
	return HeldPerm{}, false
}
