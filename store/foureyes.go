package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
)

// Four-eyes on the write path (model/foureyes.go). Before a person's
// changes are applied, each is classed (model.FourEyesClassOf). A change of
// a class the enterprise has on, made while another active admin exists,
// is tried in a transaction that is rolled back (so a mistake in it is
// reported at once, and what it would write is seen), then filed as a
// change request instead (model.FileChange); Apply returns
// *model.ApprovalPending. Such a change must come alone: in a batch of
// several it is refused, since the others would apply without it. When no
// other admin exists the change applies, its log record noted unreviewed.
//
// On the approval that applies a change request, ApplyAll applies the
// stored change right after the approval, in the same transaction, as the
// approver, with its own operation-log record noting the request, who filed
// and who approved it. Both are written or neither: applying twice is
// impossible, whoever approves at once and whenever the server stops. If
// the stored change no longer applies, the transaction is rolled back and
// a second one ends the request as failed with the reason
// (model.FailChange), and the approver is told.

// maxDiffLines bounds the readable before and after a change request keeps.
const maxDiffLines = 40

// unreviewed is a dangerous change applied without a second admin because
// there is none: it notes so in its log record.
type unreviewed struct {
	model.Change
	class model.FourEyesClass
}

func (u unreviewed) Apply(tx model.Tx, env model.Env) error {
	if err := u.Change.Apply(tx, env); err != nil {
		return err
	}
	tx.Note("four_eyes", model.UnreviewedNote(u.class))
	return nil
}

// fourEyes classes the changes; it returns them (some wrapped as
// unreviewed) when they may apply now, or the pending approval (or the
// error) of the one filed instead.
func (s *Store) fourEyes(actor model.Actor, changes []model.Change) ([]model.Change, []ChangeError, error) {
	if actor.IsSystem() {
		return changes, nil, nil
	}
	now := s.opt.Now()
	type need struct {
		i     int
		class model.FourEyesClass
	}
	var needs []need
	out, cloned := changes, false
	err := s.db.View(func(tx *bolt.Tx) error {
		r := newReader(tx)
		current, err := freshActor(r, actor)
		if err != nil {
			return nil // the write phase reports it
		}
		e, err := r.Enterprise()
		if err != nil {
			return nil // not initialised yet: nothing to guard
		}
		for i, c := range changes {
			class, err := model.FourEyesClassOf(r, c, now)
			if err != nil {
				return err
			}
			if !e.NeedsFourEyes(class) {
				continue
			}
			if c.Authorize(r, current) != nil {
				continue // refused anyway: the write phase says why
			}
			others, err := model.OtherAdmins(r, r, actor.Address)
			if err != nil {
				return err
			}
			if others == 0 {
				if !cloned {
					out, cloned = slices.Clone(changes), true
				}
				out[i] = unreviewed{c, class}
				continue
			}
			needs = append(needs, need{i, class})
		}
		return nil
	})
	if err != nil || len(needs) == 0 {
		return out, nil, err
	}
	n := needs[0]
	c := changes[n.i]
	if len(changes) > 1 {
		return nil, []ChangeError{{n.i, model.Conflictf("%s %s needs a second admin's approval (%s), so it cannot go with other changes: make it on its own",
			c.Op(), c.Target(), model.Word(n.class))}}, nil
	}
	// Try it, to report a mistake now and to see what it would write.
	fc := &model.FileChange{Change: c, Class: n.class}
	env := model.Env{Actor: actor, Now: now, Rand: s.opt.Rand, Argon: s.opt.Argon}
	var failed []ChangeError
	err = s.db.Update(func(btx *bolt.Tx) error {
		w := newWriteTx(btx)
		current, err := freshActor(w.Reader, actor)
		if err != nil {
			return err
		}
		env.Actor = current
		w.begin()
		if err := c.Authorize(w, current); err != nil {
			failed = append(failed, ChangeError{0, err})
			return errRollback
		}
		if err := c.Apply(w, env); err != nil {
			failed = append(failed, ChangeError{0, err})
			return errRollback
		}
		fc.Diff, fc.More = readableDiff(w.taken())
		for _, note := range w.notes {
			fc.Notes = append(fc.Notes, note.Key+": "+note.Value)
		}
		return errRollback
	})
	if err != nil && !errors.Is(err, errRollback) {
		return nil, nil, err
	}
	if len(failed) > 0 {
		return nil, failed, nil
	}
	// The trial ran on a copy that was thrown away; the change is made
	// afresh from what the caller gave, so a field Apply filled in is not
	// stored.
	errs, err := s.ApplyAll(actor, []model.Change{fc}, ApplyOptions{filing: true})
	if err != nil {
		return nil, nil, err
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	return nil, nil, model.NewApprovalPending(fc.ID, n.class, c)
}

// applyStored applies the change an approval released, as the approver,
// with its own log record.
func (w *writeTx) applyStored(actor model.Actor, env model.Env, d *model.DecideRequest) error {
	w.begin()
	c := d.Stored
	if err := c.Authorize(w, actor); err != nil {
		return &storedFailed{id: d.ID, err: err}
	}
	if err := c.Apply(w, env); err != nil {
		return &storedFailed{id: d.ID, err: err}
	}
	w.Note("request", fmt.Sprint(d.ID))
	if d.Result != nil {
		w.Note("filed_by", string(d.Result.Requester))
	}
	w.Note("approved_by", string(actor.Address))
	for _, n := range w.storedNotes {
		w.Note(n.Key, n.Value)
	}
	return w.audit(actor, env.Now, c)
}

// domainRemoval is what removing a domain by an approved change request
// needs around the transaction, as domain rm does: a backup first, and
// the domain's mail moved aside after.
type domainRemoval struct {
	domain, backup string
}

// beforeStored takes the backup before an approval that applies a stored
// domain removal; nil when the changes are no such approval.
func (s *Store) beforeStored(actor model.Actor, changes []model.Change) (*domainRemoval, error) {
	if len(changes) != 1 {
		return nil, nil
	}
	d, ok := changes[0].(*model.DecideRequest)
	if !ok || !d.Approve {
		return nil, nil
	}
	var domain string
	err := s.Read(func(r *Reader) error {
		q, err := r.Request(d.ID)
		if err != nil || q.Kind != model.RequestChange || q.Change == nil || q.Change.Op != "domain.rm" ||
			q.StateAt(s.opt.Now()) != model.RequestPending || !q.MayDecide(r, q.Current(), actor) {
			return nil
		}
		c, err := model.DecodeChange(q.Change)
		if err != nil {
			return nil
		}
		if rm, ok := c.(*model.RemoveDomain); ok {
			domain = rm.Name
		}
		return nil
	})
	if err != nil || domain == "" {
		return nil, err
	}
	dir := filepath.Join(filepath.Dir(s.path), "backups")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("backup before removing %s: %w", domain, err)
	}
	name := filepath.Join(dir, fmt.Sprintf("%s-domain-rm-%s.db", s.opt.Now().UTC().Format("20060102T150405Z"), domain))
	if _, err := s.BackupFile(name); err != nil {
		return nil, err
	}
	return &domainRemoval{domain: domain, backup: name}, nil
}

// afterStored moves the removed domain's mail aside, next to the backup.
func (s *Store) afterStored(dr *domainRemoval) error {
	mail := filepath.Join(filepath.Dir(s.path), "mail", dr.domain)
	if _, err := os.Stat(mail); err != nil {
		return nil
	}
	kept := strings.TrimSuffix(dr.backup, ".db") + "-mail"
	if err := os.Rename(mail, kept); err != nil {
		return fmt.Errorf("the domain is removed, but its mail could not be moved aside: %w", err)
	}
	return nil
}

// storedFailed is a stored change that did not apply on approval.
type storedFailed struct {
	id  uint64
	err error
}

func (e *storedFailed) Error() string { return e.err.Error() }
func (e *storedFailed) Unwrap() error { return e.err }

// failStored ends the change request whose change did not apply, and
// returns what the approver is told.
func (s *Store) failStored(actor model.Actor, sf *storedFailed) error {
	reason := sf.err.Error()
	if err := s.Apply(actor, &model.FailChange{ID: sf.id, Reason: reason}); err != nil {
		return err
	}
	return model.Conflictf("request %d was approved, but its change no longer applies, so it ended as failed: %s", sf.id, sf.err)
}

// readableDiff turns what a change wrote into field lines: for each record
// changed, the fields that differ; a record made or removed is one line.
func readableDiff(diffs []Diff) ([]model.FieldChange, int) {
	var out []model.FieldChange
	for _, d := range diffs {
		name := d.Kind + " " + d.Key
		before, after := isNull(d.Before), isNull(d.After)
		switch {
		case before && after:
		case before:
			out = append(out, model.FieldChange{Field: name, After: compact(d.After)})
		case after:
			out = append(out, model.FieldChange{Field: name, Before: compact(d.Before)})
		default:
			b, a := map[string]string{}, map[string]string{}
			flatten("", d.Before, b)
			flatten("", d.After, a)
			keys := map[string]bool{}
			for k := range b {
				keys[k] = true
			}
			for k := range a {
				keys[k] = true
			}
			var ks []string
			for k := range keys {
				if b[k] != a[k] && k != "updated" && !strings.HasSuffix(k, ".updated") {
					ks = append(ks, k)
				}
			}
			sort.Strings(ks)
			for _, k := range ks {
				out = append(out, model.FieldChange{Field: name + ": " + k, Before: b[k], After: a[k]})
			}
		}
	}
	if len(out) > maxDiffLines {
		return out[:maxDiffLines], len(out) - maxDiffLines
	}
	return out, 0
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// flatten writes an object's fields as dotted keys; arrays and scalars are
// values in compact JSON.
func flatten(prefix string, raw json.RawMessage, out map[string]string) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err == nil && obj != nil {
		for k, v := range obj {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			flatten(key, v, out)
		}
		return
	}
	if prefix != "" {
		out[prefix] = compact(raw)
	}
}

// compact is a value as short JSON text, strings without their quotes.
func compact(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return clip(s)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return clip(string(raw))
	}
	if b.String() == "null" || b.String() == "[]" || b.String() == "{}" {
		return ""
	}
	return clip(b.String())
}

func clip(s string) string {
	if r := []rune(s); len(r) > 200 {
		return string(r[:199]) + "…"
	}
	return s
}
