package model

import (
	"net/netip"
	"slices"
	"strings"
)

// LoginRules restrict where members may log in from (SEND-8) and name the
// company's networks as sites for the login log (LOG-2).
type LoginRules struct {
	// Restrict turns the restriction on: members then log in only from Allowed.
	Restrict bool `json:"restrict"`
	// Allowed lists networks (CIDR) or single addresses.
	Allowed []string `json:"allowed,omitempty"`
	// ExemptMembers and ExemptDepts (with their subtrees) log in from anywhere.
	ExemptMembers []Address `json:"exempt_members,omitempty"`
	ExemptDepts   []DeptID  `json:"exempt_depts,omitempty"`
	// Sites name networks, e.g. 北京总部 10.1.0.0/16.
	Sites []Site `json:"sites,omitempty"`
}

// Site is a named network.
type Site struct {
	Name string `json:"name"`
	Net  string `json:"net"`
}

// ParseNet reads a CIDR network or a single address.
func ParseNet(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	return netip.Prefix{}, Invalidf("%q is not a network: write it like 10.1.0.0/16, 192.0.2.7 or 2001:db8::/32", s)
}

// Validate checks every network and name.
func (r LoginRules) Validate() error {
	for _, n := range r.Allowed {
		if _, err := ParseNet(n); err != nil {
			return err
		}
	}
	if r.Restrict && len(r.Allowed) == 0 {
		return Invalidf("the restriction is on but no network is allowed: add at least one, or nobody but exempt members can log in")
	}
	for _, s := range r.Sites {
		if _, err := CleanName("site name", s.Name, 64); err != nil {
			return err
		}
		if _, err := ParseNet(s.Net); err != nil {
			return err
		}
	}
	return nil
}

// SiteOf names the site an address belongs to, the most specific first; ""
// when none does.
func (r LoginRules) SiteOf(ip netip.Addr) string {
	best, bits := "", -1
	for _, s := range r.Sites {
		if p, err := ParseNet(s.Net); err == nil && p.Contains(ip.Unmap()) && p.Bits() > bits {
			best, bits = s.Name, p.Bits()
		}
	}
	return best
}

// Allows decides whether the member may log in from ip.
func (r LoginRules) Allows(m *Member, ip netip.Addr, tree Ancestry) error {
	if !r.Restrict || slices.Contains(r.ExemptMembers, m.Address) {
		return nil
	}
	for _, d := range m.Depts {
		for _, x := range r.ExemptDepts {
			if tree.Within(d, x) {
				return nil
			}
		}
	}
	ip = ip.Unmap()
	if ip.IsLoopback() {
		return nil
	}
	for _, n := range r.Allowed {
		if p, err := ParseNet(n); err == nil && p.Contains(ip) {
			return nil
		}
	}
	return Authf("%s may not log in from %s: logins are allowed only from the company's networks; ask your mail administrator", m.Address, ip)
}

// SetLoginRules replaces the login rules.
type SetLoginRules struct{ Rules LoginRules }

// Op names the operation.
func (c *SetLoginRules) Op() string { return "policy.login" }

// Target names the rules.
func (c *SetLoginRules) Target() string { return "login rules" }

// Authorize needs org.manage.
func (c *SetLoginRules) Authorize(v View, a Actor) error { return Authorize(a, RightOrgManage, nil, v) }

// Apply checks and writes the rules.
func (c *SetLoginRules) Apply(tx Tx, env Env) error {
	if err := c.Rules.Validate(); err != nil {
		return err
	}
	return tx.PutLoginRules(c.Rules)
}
