package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
)

// OpRecord is one line of the operation log (LOG-1): who did what, through
// which door and from where, with the state before and after.
type OpRecord struct {
	Seq     uint64        `json:"seq"`
	Time    time.Time     `json:"time"`
	Actor   model.Address `json:"actor"`
	Name    string        `json:"name"`
	Roles   string        `json:"roles"`
	Door    model.Door    `json:"door"`
	Source  string        `json:"source,omitempty"`
	Op      string        `json:"op"`
	Target  string        `json:"target"`
	Notes   []Note        `json:"notes,omitempty"`
	Changes []Diff        `json:"changes"`
	Prev    string        `json:"prev"` // hex sha256 of the previous record
	// Hash is the record's own hash, filled in when read back.
	Hash string `json:"-"`
}

// ChangeError is a change that failed, by its position in the list.
type ChangeError struct {
	Index int
	Err   error
}

// ApplyOptions shape one call of ApplyAll.
type ApplyOptions struct {
	// DryRun runs every change and rolls everything back.
	DryRun bool
	// KeepGoing runs every change even after one fails, to report them all;
	// the transaction is rolled back if any failed.
	KeepGoing bool
	// filing marks the change request four-eyes files (foureyes.go).
	filing bool
}

// errRollback ends a transaction without error for a dry run.
var errRollback = errors.New("rollback")

// Apply runs changes in one transaction: each is authorised, applied and
// logged; if any fails nothing is written and its error is returned.
func (s *Store) Apply(actor model.Actor, changes ...model.Change) error {
	errs, err := s.ApplyAll(actor, changes, ApplyOptions{})
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return errs[0].Err
	}
	return nil
}

// ApplyAll runs changes in one transaction, all or nothing. With KeepGoing
// it reports every failing change instead of stopping at the first.
func (s *Store) ApplyAll(actor model.Actor, changes []model.Change, o ApplyOptions) ([]ChangeError, error) {
	if !o.DryRun && !o.filing {
		var held []ChangeError
		var err error
		if changes, held, err = s.fourEyes(actor, changes); err != nil || len(held) > 0 {
			return held, err
		}
	}
	env := model.Env{Actor: actor, Now: s.opt.Now(), Rand: s.opt.Rand, Argon: s.opt.Argon}
	var failed []ChangeError
	// Slow pure work (password hashing) first, outside the write lock, and
	// only for changes the actor may make: a refused change must not learn
	// anything from Prepare (such as whether an old password was right).
	err := s.db.View(func(tx *bolt.Tx) error {
		r := newReader(tx)
		current, err := freshActor(r, actor)
		if err != nil {
			return err
		}
		for i, c := range changes {
			p, ok := c.(model.Preparer)
			if !ok {
				continue
			}
			// A target that does not exist yet may be created earlier in
			// the same list; the write phase authorises it for real.
			if err := c.Authorize(r, current); err != nil && !errors.Is(err, model.ErrNotFound) {
				failed = append(failed, ChangeError{i, err})
				if !o.KeepGoing {
					return errRollback
				}
				continue
			}
			s.hashing <- struct{}{}
			err := p.Prepare(r, env)
			<-s.hashing
			if err != nil {
				failed = append(failed, ChangeError{i, fmt.Errorf("%s %s: %w", c.Op(), c.Target(), err)})
				if !o.KeepGoing {
					return errRollback
				}
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return nil, err
	}
	if len(failed) > 0 && !o.KeepGoing {
		return failed, nil
	}
	removal, err := s.beforeStored(actor, changes)
	if err != nil {
		return nil, err
	}
	var events []Event
	err = s.db.Update(func(btx *bolt.Tx) error {
		w := newWriteTx(btx)
		if removal != nil {
			w.storedNotes = []Note{{"backup", removal.backup}}
		}
		actor, err := freshActor(w.Reader, actor)
		if err != nil {
			return err
		}
		env.Actor = actor
		for i, c := range changes {
			if failedAt(failed, i) {
				continue
			}
			w.begin()
			if err := c.Authorize(w, actor); err != nil {
				failed = append(failed, ChangeError{i, err})
			} else if err := c.Apply(w, env); err != nil {
				failed = append(failed, ChangeError{i, err})
			} else if err := w.audit(actor, env.Now, c); err != nil {
				return err
			} else if d, ok := c.(*model.DecideRequest); ok && d.Stored != nil {
				if err := w.applyStored(actor, env, d); err != nil {
					return err
				}
			}
			if len(failed) > 0 && !o.KeepGoing {
				return errRollback
			}
		}
		if len(failed) > 0 || o.DryRun {
			return errRollback
		}
		if err := w.flush(); err != nil {
			return err
		}
		events = w.events
		return nil
	})
	if sf := (*storedFailed)(nil); errors.As(err, &sf) {
		return nil, s.failStored(actor, sf)
	}
	if err != nil && !errors.Is(err, errRollback) {
		return failed, err
	}
	s.publish(events)
	if removal != nil && len(failed) == 0 && !o.DryRun {
		if err := s.afterStored(removal); err != nil {
			return nil, err
		}
	}
	return failed, nil
}

// freshActor rebuilds the actor's roles from the data as it is now, so a
// session opened before an admin was demoted or disabled keeps no rights.
func freshActor(r *Reader, a model.Actor) (model.Actor, error) {
	if a.IsSystem() {
		return a, nil
	}
	m, err := r.Member(a.Address)
	if err != nil {
		return a, model.Forbiddenf("%s is no longer a member; log in again", a.Address)
	}
	if m.Status != model.StatusActive {
		return a, model.Forbiddenf("the account %s is %s; it cannot make changes", a.Address, model.Word(m.Status))
	}
	return r.Actor(a.Address, a.Door, a.Source)
}

func failedAt(f []ChangeError, i int) bool {
	for _, e := range f {
		if e.Index == i {
			return true
		}
	}
	return false
}

// audit appends the operation-log record of the change just applied.
func (w *writeTx) audit(actor model.Actor, now time.Time, c model.Change) error {
	diffs := w.taken()
	if len(diffs) == 0 && len(w.notes) == 0 {
		return nil // nothing changed: nothing to log
	}
	rec := OpRecord{
		Time: now.UTC(), Actor: actor.Address, Name: actor.Name, Roles: actor.RoleNames(w),
		Door: actor.Door, Source: actor.Source, Op: c.Op(), Target: c.Target(), Notes: w.notes, Changes: diffs,
	}
	return appendOp(w.tx, &rec)
}

// appendOp chains and writes one record.
func appendOp(tx *bolt.Tx, rec *OpRecord) error {
	meta := tx.Bucket(bMeta)
	var prevSeq uint64
	prevHash := make([]byte, sha256.Size)
	if head := meta.Get([]byte("audit.head")); head != nil {
		prevSeq = binary.BigEndian.Uint64(head[:8])
		copy(prevHash, head[8:])
	}
	rec.Seq = prevSeq + 1
	rec.Prev = hex.EncodeToString(prevHash)
	body, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	val := encodeOpValue(body)
	sum := val[:sha256.Size]
	log := tx.Bucket(bOpLog)
	log.FillPercent = 1 // keys only ever grow: full pages
	if err := log.Put(u64(rec.Seq), val); err != nil {
		return err
	}
	return meta.Put([]byte("audit.head"), append(u64(rec.Seq), sum...))
}

// VerifyReport is what audit verify found.
type VerifyReport struct {
	Records uint64 `json:"records"`
	Head    string `json:"head"` // hash of the last record: note it down to detect a rewrite later
	OK      bool   `json:"ok"`
	// BadSeq is the first record that fails, and why.
	BadSeq uint64 `json:"bad_seq,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// VerifyAudit walks the operation log and checks every link of the chain.
func (s *Store) VerifyAudit() (VerifyReport, error) {
	var rep VerifyReport
	err := s.db.View(func(tx *bolt.Tx) error {
		prev := make([]byte, sha256.Size)
		var want uint64 = 1
		fail := func(seq uint64, why string) error {
			rep.BadSeq, rep.Reason = seq, why
			return errRollback
		}
		var buf bytes.Buffer // each record's JSON, in turn
		prevHex := make([]byte, 2*sha256.Size)
		hex.Encode(prevHex, prev)
		c := tx.Bucket(bOpLog).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			seq := binary.BigEndian.Uint64(k)
			if seq != want {
				return fail(want, fmt.Sprintf("record %d is missing (the next one is %d)", want, seq))
			}
			stored, body, err := decodeOpValueBuf(v, &buf)
			if err != nil {
				return fail(seq, strings.TrimPrefix(err.Error(), errOpValue.Error()+": "))
			}
			sum := sha256.Sum256(body)
			if string(sum[:]) != string(stored) {
				return fail(seq, "the record's content does not match its hash: it was altered")
			}
			rec, err := chainFields(body)
			if err != nil {
				return fail(seq, "the record cannot be read: "+err.Error())
			}
			if rec.Seq != seq {
				return fail(seq, fmt.Sprintf("the record says it is number %d", rec.Seq))
			}
			if rec.Prev != string(prevHex) {
				return fail(seq, "the record does not chain to the one before: a record before it was replaced")
			}
			copy(prev, stored)
			hex.Encode(prevHex, prev)
			rep.Records = seq
			want++
		}
		if head := tx.Bucket(bMeta).Get([]byte("audit.head")); head != nil {
			hs := binary.BigEndian.Uint64(head[:8])
			if hs != rep.Records {
				return fail(rep.Records+1, fmt.Sprintf("the log ends at record %d but %d were written: records at the end were removed", rep.Records, hs))
			}
			if string(head[8:]) != string(prev) {
				return fail(rep.Records, "the last record is not the one that was written")
			}
		} else if rep.Records > 0 {
			return fail(1, "the log's head marker is missing")
		}
		rep.Head = hex.EncodeToString(prev)
		return nil
	})
	if errors.Is(err, errRollback) {
		return rep, nil
	}
	if err != nil {
		return rep, err
	}
	rep.OK = true
	return rep, nil
}

// chainLink is what VerifyAudit reads of a record.
type chainLink struct {
	Seq  uint64 `json:"seq"`
	Prev string `json:"prev"`
}

// chainFields reads a record's number and the hash it chains to. A record
// as appendOp writes it (json.Marshal of an OpRecord: "seq" first, "prev"
// last, each key once) is read where those stand, without parsing the
// rest, which is half of what verifying costs; anything else, whoever
// wrote it, is parsed in full.
func chainFields(body []byte) (chainLink, error) {
	const head, tail = `{"seq":`, `,"prev":"`
	if rest, ok := bytes.CutPrefix(body, []byte(head)); ok && len(body) >= len(head)+len(tail)+2*sha256.Size+2 {
		end := body[len(body)-len(tail)-2*sha256.Size-2:]
		digits := 0
		for digits < len(rest) && digits < 20 && '0' <= rest[digits] && rest[digits] <= '9' {
			digits++
		}
		if digits > 0 && rest[digits] == ',' && bytes.HasPrefix(end, []byte(tail)) && bytes.HasSuffix(end, []byte(`"}`)) &&
			bytes.Count(body, []byte(`"seq":`)) == 1 && bytes.Count(body, []byte(`"prev":`)) == 1 {
			if seq, err := strconv.ParseUint(string(rest[:digits]), 10, 64); err == nil {
				return chainLink{Seq: seq, Prev: string(end[len(tail) : len(tail)+2*sha256.Size])}, nil
			}
		}
	}
	var l chainLink
	err := json.Unmarshal(body, &l)
	return l, err
}
