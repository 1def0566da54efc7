package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// InitEnterprise creates the enterprise, its first domain, the root
// department and the first admin. Only postroom itself runs it, once.
type InitEnterprise struct {
	Name      string
	Domain    string
	Admin     Address
	AdminName string
	Password  string // optional; cleared by Prepare
	AdminKey  string // optional authorized_keys line
	hash      string
}

// Op names the operation.
func (c *InitEnterprise) Op() string { return "org.init" }

// Target names the enterprise.
func (c *InitEnterprise) Target() string { return c.Name }

// Authorize allows only postroom itself.
func (c *InitEnterprise) Authorize(v View, a Actor) error {
	if !a.IsSystem() {
		return Forbiddenf("only postroom init creates the enterprise")
	}
	return nil
}

// Prepare hashes the admin's password outside the write lock.
func (c *InitEnterprise) Prepare(v View, env Env) error {
	if c.Password == "" {
		return nil
	}
	pol, _ := PolicyPreset("nist")
	if err := pol.Check(c.Password, []string{c.AdminName, string(c.Admin), c.Admin.Local()}); err != nil {
		return err
	}
	salt, err := randomBytes(env.Rand, int(env.Argon.SaltLen))
	if err != nil {
		return err
	}
	c.hash = HashPassword(c.Password, salt, env.Argon)
	c.Password = ""
	return nil
}

// Apply writes the enterprise.
func (c *InitEnterprise) Apply(tx Tx, env Env) error {
	if e, err := tx.Enterprise(); err == nil && e.Name != "" {
		return Existsf("the data directory already holds the enterprise %q; use another --data directory", e.Name)
	}
	name, err := CleanName("enterprise name", c.Name, 128)
	if err != nil {
		return err
	}
	domain, err := ParseDomain(c.Domain)
	if err != nil {
		return err
	}
	admin, err := ParseAddress(string(c.Admin))
	if err != nil {
		return err
	}
	if admin.Domain() != domain {
		return Invalidf("the admin address %s is not in the domain %s; use an address @%s", admin, domain, domain)
	}
	if c.Password != "" && c.hash == "" {
		return Invalidf("the admin password was not prepared")
	}
	pol, _ := PolicyPreset("nist")
	if err := tx.PutPolicy(pol); err != nil {
		return err
	}
	if err := tx.PutEnterprise(Enterprise{Name: name}); err != nil {
		return err
	}
	if err := tx.PutDomain(Domain{Name: domain, Primary: true, Added: env.Now}); err != nil {
		return err
	}
	if err := tx.PutDept(&Department{ID: RootDept, Name: name, Created: env.Now}); err != nil {
		return err
	}
	adminName := c.AdminName
	if adminName == "" {
		adminName = "Administrator"
	}
	m := &Member{
		Address: admin, Name: adminName, Depts: []DeptID{RootDept}, Position: PositionStaff,
		Status: StatusActive, Created: env.Now, Updated: env.Now,
		Roles: []RoleGrant{{Role: RoleAdmin, Granted: env.Now}},
	}
	if c.hash != "" {
		m.Password = Credential{Hash: c.hash, Changed: env.Now}
	}
	if c.AdminKey != "" {
		k, err := ParseSSHKey(c.AdminKey, env.Now)
		if err != nil {
			return err
		}
		m.Keys = []SSHKey{k}
	}
	return tx.PutMember(m)
}

// SetEnterprise edits the enterprise profile (ORG-1). Nil fields stay.
type SetEnterprise struct {
	Name, Address, Contact, Phone, Description *string
	AddressBookShared                          *bool
	// BlockAfter is how many warnings block a mailbox (ACC-7).
	BlockAfter *int
	// FourEyes are the classes of dangerous change that need a second
	// admin's approval (the others are switched off).
	FourEyes *[]FourEyesClass
	// InactiveAfter is when an unused account counts as inactive (ACC-6);
	// negative: never.
	InactiveAfter *Duration
	// NotifyQuota is the daily quota of notification mail (MAILFX-3).
	NotifyQuota *int
}

// Op names the operation.
func (c *SetEnterprise) Op() string { return "org.set" }

// Target names the enterprise.
func (c *SetEnterprise) Target() string { return "enterprise" }

// Authorize needs org.manage over the whole company.
func (c *SetEnterprise) Authorize(v View, a Actor) error {
	return Authorize(a, RightOrgManage, nil, v)
}

// Apply writes the profile; a new name renames the root department too.
func (c *SetEnterprise) Apply(tx Tx, env Env) error {
	e, err := tx.Enterprise()
	if err != nil {
		return err
	}
	if c.Name != nil {
		name, err := CleanName("enterprise name", *c.Name, 128)
		if err != nil {
			return err
		}
		e.Name = name
		root, err := tx.Dept(RootDept)
		if err != nil {
			return err
		}
		root.Name = name
		if err := tx.PutDept(root); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		dst  *string
		src  *string
		what string
		max  int
	}{{&e.Address, c.Address, "address", 256}, {&e.Contact, c.Contact, "contact", 128}, {&e.Phone, c.Phone, "phone", 64}, {&e.Description, c.Description, "description", 2000}} {
		if f.src == nil {
			continue
		}
		s := strings.TrimSpace(*f.src)
		if n := len([]rune(s)); n > f.max {
			return Invalidf("enterprise %s is %d characters long; at most %d are allowed", f.what, n, f.max)
		}
		*f.dst = s
	}
	if c.AddressBookShared != nil {
		e.AddressBookShared = *c.AddressBookShared
	}
	if c.BlockAfter != nil {
		if n := *c.BlockAfter; n < 1 || n > 100 {
			return Invalidf("a mailbox is blocked after 1 to 100 warnings, not %d", n)
		}
		e.BlockAfter = *c.BlockAfter
	}
	if c.FourEyes != nil {
		e.FourEyesOff = nil
		for _, cl := range FourEyesClasses {
			if !slices.Contains(*c.FourEyes, cl) {
				e.FourEyesOff = append(e.FourEyesOff, cl)
			}
		}
	}
	if c.InactiveAfter != nil {
		d := time.Duration(*c.InactiveAfter)
		if d >= 0 && d < 24*time.Hour {
			return Invalidf("an account counts as inactive after at least a day unused; give --inactive-after like 90d, or off")
		}
		e.InactiveAfter = *c.InactiveAfter
	}
	if c.NotifyQuota != nil {
		if n := *c.NotifyQuota; n < 1 || n > MaxNotifyQuota {
			return Invalidf("the daily quota of notification mail is 1 to %d messages, not %d", MaxNotifyQuota, n)
		}
		e.NotifyQuota = *c.NotifyQuota
	}
	return tx.PutEnterprise(e)
}

// AddDomain adds a mail domain (ORG-2).
type AddDomain struct{ Name string }

// Op names the operation.
func (c *AddDomain) Op() string { return "domain.add" }

// Target names the domain.
func (c *AddDomain) Target() string { return c.Name }

// Authorize needs org.manage.
func (c *AddDomain) Authorize(v View, a Actor) error { return Authorize(a, RightOrgManage, nil, v) }

// Apply adds the domain.
func (c *AddDomain) Apply(tx Tx, env Env) error {
	d, err := ParseDomain(c.Name)
	if err != nil {
		return err
	}
	if tx.IsLocal(d) {
		return Existsf("the domain %s is already one of the company's domains", d)
	}
	return tx.PutDomain(Domain{Name: d, Added: env.Now})
}

// DomainContents is what removing a domain would take away.
type DomainContents struct {
	Domain  string    `json:"domain"`
	Members []Address `json:"members"`
	Aliases []Address `json:"aliases"`
	Groups  []Address `json:"groups"`
	Shared  []Address `json:"shared"`
	Depts   []Address `json:"dept_mailboxes"`
	Lists   []Address `json:"lists"` // mailing lists (LIST-2), with their subscribers
}

// Summary says in words what goes.
func (d DomainContents) Summary() string {
	return fmt.Sprintf("removing %s deletes %d members with all their mail, %d aliases, %d groups, %d shared mailboxes and %d department mailboxes",
		d.Domain, len(d.Members), len(d.Aliases), len(d.Groups), len(d.Shared), len(d.Depts))
}

// AddressLister lists every address in a domain; stores implement it.
type AddressLister interface {
	Addresses(domain string) ([]Address, error)
}

// ContentsOf lists what a domain holds.
func ContentsOf(v View, l AddressLister, domain string) (DomainContents, error) {
	out := DomainContents{Domain: domain}
	addrs, err := l.Addresses(domain)
	if err != nil {
		return out, err
	}
	for _, a := range addrs {
		o, ok, err := v.Owner(a)
		if err != nil || !ok {
			continue
		}
		switch o.Kind {
		case OwnerMember:
			out.Members = append(out.Members, a)
		case OwnerAlias:
			out.Aliases = append(out.Aliases, a)
		case OwnerGroup:
			out.Groups = append(out.Groups, a)
		case OwnerShared:
			out.Shared = append(out.Shared, a)
		case OwnerDept:
			out.Depts = append(out.Depts, a)
		case OwnerList:
			out.Lists = append(out.Lists, a)
		}
	}
	return out, nil
}

// RemoveDomain removes a domain with everything in it (ORG-2). Confirm must
// repeat the domain's name.
type RemoveDomain struct {
	Name    string
	Confirm string
	// Removed is filled by Apply: what went.
	Removed DomainContents
}

// Op names the operation.
func (c *RemoveDomain) Op() string { return "domain.rm" }

// Target names the domain.
func (c *RemoveDomain) Target() string { return c.Name }

// Authorize needs org.manage.
func (c *RemoveDomain) Authorize(v View, a Actor) error {
	return Authorize(a, RightOrgManage, nil, v)
}

// Apply removes the domain's addresses, then the domain.
func (c *RemoveDomain) Apply(tx Tx, env Env) error {
	d, err := ParseDomain(c.Name)
	if err != nil {
		return err
	}
	if c.Confirm != d {
		return Invalidf("removing %s deletes all its members and their mail: repeat the domain with --confirm %s", d, d)
	}
	domains, err := tx.Domains()
	if err != nil {
		return err
	}
	idx := slices.IndexFunc(domains, func(x Domain) bool { return x.Name == d })
	if idx < 0 {
		return NotFoundf("%s is not one of the company's domains", d)
	}
	if len(domains) == 1 {
		return Conflictf("%s is the company's only domain; add another before removing it", d)
	}
	if env.Actor.Address.Domain() == d {
		return Conflictf("your own address %s is in %s; remove it while logged in as an admin of another domain", env.Actor.Address, d)
	}
	l, ok := tx.(AddressLister)
	if !ok {
		return fmt.Errorf("remove domain: the store cannot list addresses")
	}
	c.Removed, err = ContentsOf(tx, l, d)
	if err != nil {
		return err
	}
	for _, a := range c.Removed.Members {
		if err := (&DeleteMember{Address: a}).Apply(tx, env); err != nil {
			return err
		}
	}
	for _, a := range c.Removed.Aliases {
		o, ok, err := tx.Owner(a)
		if err != nil {
			return err
		}
		if !ok {
			continue // the alias went with its member above
		}
		m, err := tx.Member(o.Member)
		if err != nil {
			return err
		}
		m = m.Clone()
		m.Aliases = slices.DeleteFunc(m.Aliases, func(x Address) bool { return x == a })
		if err := tx.PutMember(m); err != nil {
			return err
		}
	}
	for _, a := range c.Removed.Groups {
		if err := tx.DeleteGroup(a); err != nil {
			return err
		}
	}
	for _, a := range c.Removed.Shared {
		if err := tx.DeleteShared(a); err != nil {
			return err
		}
	}
	if len(c.Removed.Lists) > 0 {
		lt, err := listTx(tx)
		if err != nil {
			return err
		}
		for _, a := range c.Removed.Lists {
			if err := lt.DeleteMailingList(a); err != nil {
				return err
			}
		}
	}
	for _, a := range c.Removed.Depts {
		o, _, _ := tx.Owner(a)
		dept, err := tx.Dept(o.Dept)
		if err != nil {
			return err
		}
		cp := *dept
		cp.Mailbox = ""
		if err := tx.PutDept(&cp); err != nil {
			return err
		}
	}
	if domains[idx].Primary {
		next := domains[(idx+1)%len(domains)]
		next.Primary = true
		if err := tx.PutDomain(next); err != nil {
			return err
		}
	}
	tx.Note("removed", c.Removed.Summary())
	return tx.DeleteDomain(d)
}

// SetPasswordPolicy replaces the password policy (ACC-2).
type SetPasswordPolicy struct {
	Policy PasswordPolicy
	// Base, when set, is the policy the change was made from: if the saved
	// policy differs (another admin changed it meanwhile) the change is
	// refused rather than undo theirs.
	Base *PasswordPolicy
}

// Op names the operation.
func (c *SetPasswordPolicy) Op() string { return "policy.password" }

// Target names the policy.
func (c *SetPasswordPolicy) Target() string { return "password policy" }

// Authorize needs org.manage.
func (c *SetPasswordPolicy) Authorize(v View, a Actor) error {
	return Authorize(a, RightOrgManage, nil, v)
}

// Apply checks and writes the policy.
func (c *SetPasswordPolicy) Apply(tx Tx, env Env) error {
	if err := c.Policy.Validate(); err != nil {
		return err
	}
	if c.Base != nil {
		old, err := tx.Policy()
		if err != nil {
			return err
		}
		if old != *c.Base {
			return Conflictf("the password policy was changed by someone else meanwhile; look at it again and repeat the change")
		}
	}
	return tx.PutPolicy(c.Policy)
}
