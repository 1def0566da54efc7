package model

import "errors"

// The kinds of envelope recipient that no directory entry owns.
const (
	TargetRemote  OwnerKind = "remote"  // outside the company's domains
	TargetUnknown OwnerKind = "unknown" // a local address nobody owns
)

// Resolution is where one message's envelope recipients lead (IN-1).
type Resolution struct {
	Targets []Target  // one per envelope recipient, in order
	Local   []Mailbox // unique final local mailboxes, in first-seen order
	Remote  []Address // unique remote addresses
	// Unknown lists local-domain addresses nobody owns that are refused
	// (the policy's unknown_local is refuse); with a catch-all they lead
	// to its mailbox instead and are not listed here.
	Unknown []Address
	// Internal counts the member mailboxes reached (shared, department and
	// catch-all mailboxes are not people).
	Internal int
	// AllStaff is set when a group covering the root department was
	// addressed (directly or nested), or when Internal exceeds the policy's
	// broadcast threshold: the message goes to the whole company.
	AllStaff bool
	Groups   []Address // groups addressed, directly or nested, in first-seen order
}

// Target is one envelope recipient and what it is.
type Target struct {
	Address Address
	Kind    OwnerKind // member alias group shared dept, or remote, unknown
	Reach   int       // mailboxes this recipient expands to (0: refused)
}

// Mailbox is one local mailbox a message is delivered to.
type Mailbox struct {
	Address Address // the mailbox's own address (member, shared mailbox or department mailbox)
	Folder  string  // "" (the inbox) or the catch-all folder 邮件转移
}

// resolver carries one resolution's state.
type resolver struct {
	v   View
	p   MailPolicy
	res *Resolution
	// seen maps a mailbox (address + folder) to 1 + the index of the last
	// target that counted it, so each mailbox is listed once and counted
	// once per target.
	seen   map[string]int
	target int
	reach  int
	// groups marks the groups expanded for the current target (no loops).
	groups map[Address]int
	// walked marks the departments walked for the current target.
	walked map[DeptID]int
}

// ResolveRecipients expands envelope recipients (IN-1): members, aliases (to
// the member's mailbox), groups (listed members, whole departments with
// their subtrees, nested groups; no loops, no duplicates), shared mailboxes
// and department mailboxes (their own mailbox). Remote addresses are kept as
// they are. Unknown local addresses are refused, or sent to the catch-all
// mailbox's folder 邮件转移 when the policy says catchall.
//
// Disabled and locked members still receive: their mail is kept. A
// reclaimed member addressed directly or through an alias gets to the
// successor named when the leaver was reclaimed, and without one counts as
// unknown. A group's members are taken from its list and its departments'
// lists without reading each member, so that a 50,000-member group costs no
// more than its addresses: reclaiming a leaver takes them out of their
// groups (ACC-5), and View.DeptMembers leaves reclaimed leavers out (their
// record keeps its departments as history), so neither reaches a leaver.
func ResolveRecipients(v View, p MailPolicy, rcpts []Address) (*Resolution, error) {
	r := &resolver{v: v, p: p, res: &Resolution{Targets: make([]Target, 0, len(rcpts))},
		seen: map[string]int{}, groups: map[Address]int{}, walked: map[DeptID]int{}}
	remote := map[Address]bool{}
	unknown := map[Address]bool{}
	for i, a := range rcpts {
		r.target, r.reach = i+1, 0
		t := Target{Address: a}
		if !v.IsLocal(a.Domain()) {
			t.Kind, t.Reach = TargetRemote, 1
			if !remote[a] {
				remote[a] = true
				r.res.Remote = append(r.res.Remote, a)
			}
			r.res.Targets = append(r.res.Targets, t)
			continue
		}
		o, ok, err := v.Owner(a)
		if err != nil {
			return nil, err
		}
		t.Kind = o.Kind
		switch {
		case !ok:
			t.Kind = TargetUnknown
		case o.Kind == OwnerMember || o.Kind == OwnerAlias:
			who := a
			if o.Kind == OwnerAlias {
				who = o.Member
			}
			live, succ, err := r.liveMember(who)
			if err != nil {
				return nil, err
			}
			if !live && succ != "" {
				// A leaver's mail goes to the successor (ACC-5).
				if ok, _, err := r.liveMember(succ); err != nil {
					return nil, err
				} else if ok {
					r.add(succ, "", true)
					break
				}
			}
			if !live {
				t.Kind = TargetUnknown
				break
			}
			r.add(who, "", true)
		case o.Kind == OwnerGroup:
			if err := r.group(a); err != nil {
				return nil, err
			}
		case o.Kind == OwnerShared || o.Kind == OwnerDept:
			r.add(a, "", false)
		default:
			t.Kind = TargetUnknown
		}
		if t.Kind == TargetUnknown {
			if p.UnknownLocal == UnknownCatchAll && p.CatchAll != "" {
				r.add(p.CatchAll, CatchAllFolder, false)
			} else if !unknown[a] {
				unknown[a] = true
				r.res.Unknown = append(r.res.Unknown, a)
			}
		}
		t.Reach = r.reach
		r.res.Targets = append(r.res.Targets, t)
	}
	if p.Broadcast.Threshold > 0 && r.res.Internal > p.Broadcast.Threshold {
		r.res.AllStaff = true
	}
	return r.res, nil
}

// liveMember reports whether a member exists and was not reclaimed, and
// for a reclaimed leaver who receives their mail.
func (r *resolver) liveMember(a Address) (bool, Address, error) {
	m, err := r.v.Member(a)
	if err != nil {
		if isNotFound(err) {
			return false, "", nil
		}
		return false, "", err
	}
	if m.Status == StatusReclaimed {
		return false, m.Successor, nil
	}
	return true, "", nil
}

// add counts one mailbox for the current target and lists it once.
func (r *resolver) add(a Address, folder string, person bool) {
	key := string(a)
	if folder != "" {
		key += "\x00" + folder
	}
	last, ok := r.seen[key]
	if last == r.target {
		return
	}
	r.seen[key] = r.target
	r.reach++
	if ok {
		return
	}
	r.res.Local = append(r.res.Local, Mailbox{Address: a, Folder: folder})
	if person {
		r.res.Internal++
	}
}

// group expands a group for the current target.
func (r *resolver) group(a Address) error {
	if r.groups[a] == r.target {
		return nil // a loop, or a group named twice in one expansion
	}
	first := r.groups[a] == 0
	r.groups[a] = r.target
	g, err := r.v.Group(a)
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return err
	}
	if first {
		r.res.Groups = append(r.res.Groups, a)
	}
	for _, m := range g.Members {
		o, ok, err := r.v.Owner(m)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		switch o.Kind {
		case OwnerMember:
			r.add(m, "", true)
		case OwnerAlias:
			r.add(o.Member, "", true)
		case OwnerGroup:
			if err := r.group(m); err != nil {
				return err
			}
		case OwnerShared, OwnerDept:
			r.add(m, "", false)
		}
	}
	for _, d := range g.Depts {
		if d == RootDept {
			r.res.AllStaff = true
		}
		if err := r.dept(d, 0); err != nil {
			return err
		}
	}
	return nil
}

// dept adds every member of a department's subtree for the current target.
func (r *resolver) dept(id DeptID, depth int) error {
	if r.walked[id] == r.target || depth > MaxDeptDepth+1 {
		return nil
	}
	r.walked[id] = r.target
	ms, err := r.v.DeptMembers(id)
	if err != nil {
		return err
	}
	for _, m := range ms {
		r.add(m, "", true)
	}
	kids, err := r.v.DeptChildren(id)
	if err != nil {
		return err
	}
	for _, k := range kids {
		if err := r.dept(k, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// GroupCoversAll reports whether a group reaches the whole company: it
// names the root department, or a group nested in it does.
func GroupCoversAll(v View, g *Group) bool {
	return groupCoversAll(v, g, map[Address]bool{})
}

func groupCoversAll(v View, g *Group, seen map[Address]bool) bool {
	if seen[g.Address] {
		return false
	}
	seen[g.Address] = true
	for _, d := range g.Depts {
		if d == RootDept {
			return true
		}
	}
	for _, m := range g.Members {
		if n, err := v.Group(m); err == nil && groupCoversAll(v, n, seen) {
			return true
		}
	}
	return false
}

// GroupHasMember reports whether a member is in a group: listed, in one of
// its departments' subtrees, or in a nested group.
func GroupHasMember(v View, g *Group, m *Member) bool {
	return groupHas(v, g, m, map[Address]bool{})
}

func groupHas(v View, g *Group, m *Member, seen map[Address]bool) bool {
	if seen[g.Address] {
		return false
	}
	seen[g.Address] = true
	for _, a := range g.Members {
		if a == m.Address {
			return true
		}
	}
	for _, d := range g.Depts {
		for _, md := range m.Depts {
			if v.Within(md, d) {
				return true
			}
		}
	}
	for _, a := range g.Members {
		if n, err := v.Group(a); err == nil && groupHas(v, n, m, seen) {
			return true
		}
	}
	return false
}
