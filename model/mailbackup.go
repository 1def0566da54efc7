package model

import (
	"slices"
	"strings"
	"time"
)

// BackupRule copies matching mail to a backup mailbox (MAILFX-2, seed part
// 4 6.1.0): every message accepted after the rule is saved that meets all
// of the rule's conditions also goes to Mailbox. Within one condition any
// entry matches; a condition left empty matches everything.
type BackupRule struct {
	Name    string  `json:"name"`
	Mailbox Address `json:"mailbox"` // a member, shared or department mailbox
	// Senders: the message is from one of these (the sender's account, or
	// the envelope sender for mail without one).
	Senders []Address `json:"senders,omitempty"`
	// Recipients: one of these is among the final recipients.
	Recipients []Address `json:"recipients,omitempty"`
	// Depts: the sender or a local recipient is a member of one of these
	// departments or a department below it.
	Depts []DeptID `json:"depts,omitempty"`
	// Direction is the mail log's kind: "in", "out" or "internal"; empty:
	// any.
	Direction string `json:"direction,omitempty"`
	// Since is when the rule was saved: mail from before it is not copied.
	Since time.Time `json:"since,omitzero"`
}

// BackupFacts is what the backup rules look at in one message.
type BackupFacts struct {
	Sender     Address   // the member's account, or the envelope sender
	Recipients []Address // final recipients: local mailboxes and remote addresses
	Direction  string    // "in", "out", "internal"
}

// BackupCopies returns the backup mailboxes a message also goes to, each
// once, in rule order, leaving out mailboxes already among its
// recipients.
func BackupCopies(v View, p MailPolicy, f BackupFacts) ([]Address, error) {
	var out []Address
	for _, r := range p.Backup {
		if slices.Contains(out, r.Mailbox) || slices.Contains(f.Recipients, r.Mailbox) {
			continue
		}
		ok, err := r.matches(v, f)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, r.Mailbox)
		}
	}
	return out, nil
}

func (r BackupRule) matches(v View, f BackupFacts) (bool, error) {
	if r.Direction != "" && r.Direction != f.Direction {
		return false, nil
	}
	if len(r.Senders) > 0 && !slices.Contains(r.Senders, f.Sender) {
		return false, nil
	}
	if len(r.Recipients) > 0 && !slices.ContainsFunc(f.Recipients, func(a Address) bool { return slices.Contains(r.Recipients, a) }) {
		return false, nil
	}
	if len(r.Depts) == 0 {
		return true, nil
	}
	for _, a := range append([]Address{f.Sender}, f.Recipients...) {
		if a == "" || !v.IsLocal(a.Domain()) {
			continue
		}
		m, err := v.Member(a)
		if err != nil {
			if IsUserError(err) {
				continue // not a member: a shared or department mailbox
			}
			return false, err
		}
		if _, _, ok := memberIn(v, m, r.Depts, nil); ok {
			return true, nil
		}
	}
	return false, nil
}

// cleanBackup trims and normalises the backup rules.
func cleanBackup(rules []BackupRule) ([]BackupRule, error) {
	out := slices.Clone(rules)
	var err error
	for i := range out {
		r := &out[i]
		r.Name = strings.TrimSpace(r.Name)
		r.Direction = strings.ToLower(strings.TrimSpace(r.Direction))
		if r.Mailbox != "" {
			if r.Mailbox, err = ParseAddress(string(r.Mailbox)); err != nil {
				return nil, err
			}
		}
		if r.Senders, err = cleanAddresses(r.Senders); err != nil {
			return nil, err
		}
		if r.Recipients, err = cleanAddresses(r.Recipients); err != nil {
			return nil, err
		}
		r.Depts = uniqueDepts(r.Depts)
	}
	return out, nil
}

// validateBackup checks the backup rules against the directory.
func validateBackup(v View, rules []BackupRule) error {
	names := map[string]bool{}
	for _, r := range rules {
		where := "backup[" + r.Name + "]"
		if err := checkRuleName("backup", r.Name, names); err != nil {
			return err
		}
		if r.Mailbox == "" {
			return Invalidf("%s: no mailbox receives the copies: name one with --to ADDR", where)
		}
		if err := mustBeMailbox(v, r.Mailbox, where+".mailbox"); err != nil {
			return err
		}
		switch r.Direction {
		case "", "in", "out", "internal":
		default:
			return Invalidf("%s: unknown direction %q: use in, out or internal, or leave it out for any", where, r.Direction)
		}
		if err := checkDepts(v, where+".depts", r.Depts); err != nil {
			return err
		}
		if len(r.Senders) == 0 && len(r.Recipients) == 0 && len(r.Depts) == 0 && r.Direction == "" {
			return Invalidf("%s: the rule would copy every message: give a sender, a recipient, a department or a direction", where)
		}
	}
	return nil
}

// stampBackup keeps the Since of rules the old policy had (same name and
// conditions) and sets now on the others: a rule copies mail from the
// moment it is saved.
func stampBackup(rules, old []BackupRule, now time.Time) {
	for i := range rules {
		rules[i].Since = now
		for _, o := range old {
			if o.Name == rules[i].Name && sameBackupRule(o, rules[i]) {
				rules[i].Since = o.Since
			}
		}
	}
}

func sameBackupRule(a, b BackupRule) bool {
	a.Since, b.Since = time.Time{}, time.Time{}
	return a.Name == b.Name && a.Mailbox == b.Mailbox && slices.Equal(a.Senders, b.Senders) &&
		slices.Equal(a.Recipients, b.Recipients) && slices.Equal(a.Depts, b.Depts) && a.Direction == b.Direction
}
