package model

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
)

// SetMailPolicy replaces the mail policy (SEND-2..6, IN-2, IN-3). It needs
// policy.manage over the whole company; the operation log records the
// policy before and after, and one "impact" note per line of its Impact.
type SetMailPolicy struct {
	Policy MailPolicy
	// Base, when set, is the policy the change was made from: if the saved
	// policy differs (another admin changed it meanwhile) the change is
	// refused rather than undo theirs.
	Base *MailPolicy
	// Impact is filled in by Apply: what the change does. A dry run reads
	// it after the rollback.
	Impact PolicyImpact
}

// Op names the operation.
func (c *SetMailPolicy) Op() string { return "policy.set" }

// Target names what it changes.
func (c *SetMailPolicy) Target() string { return "mail" }

// Authorize needs policy.manage over the whole company.
func (c *SetMailPolicy) Authorize(v View, a Actor) error {
	return Authorize(a, RightPolicyManage, nil, v)
}

// Apply cleans and validates the policy, notes its impact and saves it.
func (c *SetMailPolicy) Apply(tx Tx, env Env) error {
	p, err := c.Policy.Clean()
	if err != nil {
		return err
	}
	if err := p.Validate(tx); err != nil {
		return err
	}
	old, err := tx.MailPolicy()
	if err != nil {
		return err
	}
	if c.Base != nil && !reflect.DeepEqual(*c.Base, old) {
		return Conflictf("the mail policy was changed by someone else meanwhile; look at it again (policy show) and repeat the change")
	}
	stampBackup(p.Backup, old.Backup, env.Now)
	c.Impact = p.Impact(tx, old)
	if samePolicy(p, old) {
		return nil // nothing to write, nothing to log
	}
	for _, l := range c.Impact.Lines {
		tx.Note("impact", l)
	}
	return tx.PutMailPolicy(p)
}

// samePolicy reports whether two policies say the same (an empty list and
// none are the same).
func samePolicy(a, b MailPolicy) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// SetMailFilter changes a member's own block and allow lists for mail from
// outside (IN-3). Members keep their own lists; changing someone else's
// needs member.manage over their departments.
type SetMailFilter struct {
	Address     Address
	BlockAdd    []string
	BlockRemove []string
	AllowAdd    []string
	AllowRemove []string
}

// Op names the operation.
func (c *SetMailFilter) Op() string { return "member.filter" }

// Target names the member.
func (c *SetMailFilter) Target() string { return string(c.Address) }

// Authorize lets a member change their own lists; others need member.manage.
func (c *SetMailFilter) Authorize(v View, a Actor) error {
	if a.Address != "" && a.Address == c.Address {
		return nil
	}
	m, err := v.Member(c.Address)
	if err != nil {
		return err
	}
	return Authorize(a, RightMemberManage, Scope(m.Depts), v)
}

// Apply edits the lists.
func (c *SetMailFilter) Apply(tx Tx, env Env) error {
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	m = m.Clone()
	edit := func(list []string, add, remove []string) ([]string, error) {
		add, err := CleanListEntries(add)
		if err != nil {
			return nil, err
		}
		remove, err = CleanListEntries(remove)
		if err != nil {
			return nil, err
		}
		for _, e := range remove {
			if !slices.Contains(list, e) {
				return nil, NotFoundf("%s is not on the list; nothing to remove", e)
			}
		}
		list = slices.DeleteFunc(slices.Clone(list), func(e string) bool { return slices.Contains(remove, e) })
		for _, e := range add {
			if !slices.Contains(list, e) {
				list = append(list, e)
			}
		}
		return list, nil
	}
	if m.Filter.Block, err = edit(m.Filter.Block, c.BlockAdd, c.BlockRemove); err != nil {
		return err
	}
	if m.Filter.Allow, err = edit(m.Filter.Allow, c.AllowAdd, c.AllowRemove); err != nil {
		return err
	}
	for _, e := range m.Filter.Block {
		if slices.Contains(m.Filter.Allow, e) {
			return Invalidf("%s is on both the block and the allow list; keep it on one", e)
		}
	}
	m.Updated = env.Now
	return tx.PutMember(m)
}
