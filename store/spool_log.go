package store

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
)

// MailRecord is one line of the mail log (LOG-3): one record per message,
// updated as it moves.
type MailRecord struct {
	ID        string        `json:"id"`
	Time      time.Time     `json:"time"`
	Direction string        `json:"direction"` // "out" (leaves the company), "in" (arrives from outside), "internal"
	Door      string        `json:"door"`
	Account   model.Address `json:"account,omitempty"`
	System    string        `json:"system,omitempty"`
	From      string        `json:"from"`
	To        []string      `json:"to"` // expanded recipients (capped at 1000 in the record; Count has all)
	Count     int           `json:"count"`
	Subject   string        `json:"subject"`
	Size      int64         `json:"size"`
	Status    string        `json:"status"` // queued held refused delivered bounced deferred dropped released rejected
	Reason    string        `json:"reason"` // always present, "" when there is none
	// ReasonZH is Reason in Chinese, when the reason is the policy's (the
	// relay tells those in both languages); a later reason has none.
	ReasonZH string   `json:"reason_zh,omitempty"`
	Rules    []string `json:"rules,omitempty"`
	// History lists the record's earlier states with their reasons
	// ("held: …", "released: released by …"), oldest first, so the policy
	// decisions stay visible after the mail has moved on.
	History []string `json:"history,omitempty"`
	// HistoryZH is History with the reasons in Chinese where the record
	// had them: empty, or as long as History (a line without Chinese is
	// the English line).
	HistoryZH []string `json:"history_zh,omitempty"`
}

// ReasonText is the record's reason in Chinese (zh) when it has one, else
// in English.
func (r *MailRecord) ReasonText(zh bool) string {
	if zh && r.ReasonZH != "" {
		return r.ReasonZH
	}
	return r.Reason
}

// HistoryText is History, in Chinese (zh) where the record has it.
func (r *MailRecord) HistoryText(zh bool) []string {
	if zh && len(r.HistoryZH) == len(r.History) {
		return r.HistoryZH
	}
	return r.History
}

// ReasonsText is the message's reasons, each in Chinese (zh) where the
// relay gave one, else in English.
func (m *QueueMessage) ReasonsText(zh bool) []string {
	if !zh || len(m.ReasonsZH) == 0 {
		return m.Reasons
	}
	out := slices.Clone(m.Reasons)
	for i, r := range m.ReasonsZH[:min(len(m.ReasonsZH), len(out))] {
		if r != "" {
			out[i] = r
		}
	}
	return out
}

// maxHistory bounds a record's History.
const maxHistory = 20

// recordOf is the mail-log record of a message as it is enqueued.
func recordOf(m *QueueMessage, rcpts []QueueRcpt) MailRecord {
	to := make([]string, 0, min(len(rcpts), maxLogRcpts))
	for _, r := range rcpts[:min(len(rcpts), maxLogRcpts)] {
		to = append(to, string(r.Addr))
	}
	return MailRecord{ID: m.ID, Time: m.Received, Direction: m.Direction, Door: m.Door, Account: m.Account, System: m.System,
		From: m.From, To: to, Count: len(rcpts), Subject: m.Subject, Size: m.Size, Status: string(m.Status),
		Reason: strings.Join(m.Reasons, "; "), ReasonZH: strings.Join(m.ReasonsZH, "; "), Rules: m.Rules}
}

// logAccounts are the addresses a record is found under: the sender's
// account and envelope address, and each recipient it names.
func logAccounts(rec *MailRecord) []string {
	accts := make([]string, 0, len(rec.To)+2)
	if rec.Account != "" {
		accts = append(accts, string(rec.Account))
	}
	if from := strings.ToLower(rec.From); strings.Contains(from, "@") {
		accts = append(accts, from)
	}
	for _, t := range rec.To {
		accts = append(accts, strings.ToLower(t))
	}
	slices.Sort(accts)
	return slices.Compact(accts)
}

// logKeys are the index keys of a record: its logtime key first, then its
// logacct keys.
func logKeys(rec *MailRecord) [][]byte {
	tid := join(tkey(rec.Time), []byte(rec.ID))
	accts := logAccounts(rec)
	keys := make([][]byte, 0, len(accts)+1)
	keys = append(keys, tid)
	for _, a := range accts {
		keys = append(keys, join([]byte(a), zero, tid))
	}
	return keys
}

// writeLog puts a record (raw) with its index keys, replacing an earlier
// record of the same id and the index keys only it had.
func writeLog(tx *bolt.Tx, id string, raw []byte, keys [][]byte) error {
	lb, tb, ab := tx.Bucket(sMailLog), tx.Bucket(sLogTime), tx.Bucket(sLogAcct)
	lb.FillPercent, tb.FillPercent = 0.9, 0.9 // ids and times grow
	var had map[string]bool
	if old := lb.Get([]byte(id)); old != nil {
		var rec MailRecord
		if err := json.Unmarshal(old, &rec); err == nil {
			oldKeys := logKeys(&rec)
			had = make(map[string]bool, len(oldKeys))
			now := make(map[string]bool, len(keys))
			for _, k := range keys {
				now[string(k)] = true
			}
			for i, k := range oldKeys {
				had[string(k)] = true
				if now[string(k)] {
					continue
				}
				b := ab
				if i == 0 {
					b = tb
				}
				if err := b.Delete(k); err != nil {
					return err
				}
			}
		}
	}
	if err := lb.Put([]byte(id), raw); err != nil {
		return err
	}
	for i, k := range keys {
		if had[string(k)] {
			continue
		}
		b := ab
		if i == 0 {
			b = tb
		}
		if err := b.Put(k, nil); err != nil {
			return err
		}
	}
	return nil
}

// updateLog moves a message's record to a new status: the old status and
// reason go to History, the new reason (when given) replaces the old. The
// indexed fields do not change, so neither do the index keys.
func updateLog(tx *bolt.Tx, id, status, reason string) error {
	return updateLogWith(tx, id, status, reason, nil)
}

// updateLogWith is updateLog taking the record from cache when the stored
// bytes are those it holds.
func updateLogWith(tx *bolt.Tx, id, status, reason string, cache *decoded[MailRecord]) error {
	lb := tx.Bucket(sMailLog)
	raw := lb.Get([]byte(id))
	if raw == nil {
		return nil
	}
	rec, ok := MailRecord{}, false
	if cache != nil {
		rec, ok = cache.get(id, raw)
		rec.History, rec.HistoryZH = slices.Clip(rec.History), slices.Clip(rec.HistoryZH)
	}
	if !ok {
		if err := json.Unmarshal(raw, &rec); err != nil {
			return fmt.Errorf("mail log %s: %w", id, err)
		}
	}
	if rec.Status == status && (reason == "" || reason == rec.Reason) {
		return nil
	}
	if rec.Status != status {
		line := rec.Status
		if rec.Reason != "" {
			line += ": " + rec.Reason
		}
		if rec.ReasonZH != "" || len(rec.HistoryZH) > 0 {
			if len(rec.HistoryZH) != len(rec.History) {
				rec.HistoryZH = slices.Clone(rec.History)
			}
			zh := line
			if rec.ReasonZH != "" {
				zh = rec.Status + ": " + rec.ReasonZH
			}
			rec.HistoryZH = append(rec.HistoryZH, zh)
		}
		rec.History = append(rec.History, line)
		if n := len(rec.History); n > maxHistory {
			rec.History = slices.Delete(rec.History, 1, n-maxHistory+1)
			if len(rec.HistoryZH) == n {
				rec.HistoryZH = slices.Delete(rec.HistoryZH, 1, n-maxHistory+1)
			}
		}
		rec.Status = status
		rec.Reason, rec.ReasonZH = "", ""
	}
	if reason != "" {
		rec.Reason, rec.ReasonZH = reason, ""
	}
	return putJSON(lb, []byte(id), &rec)
}

// Log writes (inserts or replaces) a record; used for refusals that never
// reach Enqueue (with an id from NewID). A refused record with an Account
// is also a violation of that member (SEND-9), written with it. Enqueue,
// Record, Finish, Release and Reject keep the message's own record in step
// by themselves.
func (s *Spool) Log(rec MailRecord) error {
	if rec.ID == "" {
		rec.ID = s.NewID()
	}
	if rec.Time.IsZero() {
		rec.Time = s.opt.Now()
	}
	rec.Time = rec.Time.UTC()
	if len(rec.To) > maxLogRcpts {
		rec.To = rec.To[:maxLogRcpts]
	}
	if rec.Count < len(rec.To) {
		rec.Count = len(rec.To)
	}
	if rec.To == nil {
		rec.To = []string{}
	}
	raw, err := json.Marshal(&rec)
	if err != nil {
		return err
	}
	keys := logKeys(&rec)
	var vKey, vRaw []byte
	if rec.Status == "refused" && rec.Account != "" {
		v := Violation{Member: rec.Account, Time: rec.Time, MessageID: rec.ID, Action: "refuse", Rules: rec.Rules,
			Reason: rec.Reason, ReasonZH: rec.ReasonZH, Subject: rec.Subject}
		vKey = violationKey(&v)
		if vRaw, err = json.Marshal(&v); err != nil {
			return err
		}
	}
	return spoolErr(s.group.do(func(tx *bolt.Tx) error {
		if err := writeLog(tx, rec.ID, raw, keys); err != nil {
			return err
		}
		if vKey != nil {
			return tx.Bucket(sViolations).Put(vKey, vRaw)
		}
		return nil
	}))
}

// LogFilter narrows SearchLog.
type LogFilter struct {
	Account      model.Address // sender account or any recipient address
	Subject      string        // substring, case-insensitive
	Kind         string        // direction or status
	Since, Until time.Time     // Since inclusive, Until exclusive; zero: open
	Limit        int           // 0: 200
}

// SearchLog finds mail-log records, newest first. With an Account it reads
// that account's index only; otherwise the time index from Until back.
func (s *Spool) SearchLog(f LogFilter) ([]MailRecord, error) {
	if f.Limit <= 0 {
		f.Limit = 200
	}
	subject := strings.ToLower(f.Subject)
	var prefix []byte
	bucket := sLogTime
	if f.Account != "" {
		prefix = join([]byte(strings.ToLower(string(f.Account))), zero)
		bucket = sLogAcct
	}
	var out []MailRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		lb := tx.Bucket(sMailLog)
		c := tx.Bucket(bucket).Cursor()
		var k []byte
		if f.Until.IsZero() {
			if prefix == nil {
				k, _ = c.Last()
			} else if k, _ = c.Seek(join(prefix[:len(prefix)-1], []byte{1})); k == nil {
				k, _ = c.Last()
			} else {
				k, _ = c.Prev()
			}
		} else if k, _ = c.Seek(join(prefix, tkey(f.Until))); k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		since := tkey(f.Since)
		for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
			tid := k[len(prefix):]
			if len(tid) < 8 {
				continue
			}
			if !f.Since.IsZero() && bytes.Compare(tid[:8], since) < 0 {
				break
			}
			raw := lb.Get(tid[8:])
			if raw == nil {
				continue
			}
			var rec MailRecord
			if err := json.Unmarshal(raw, &rec); err != nil {
				return fmt.Errorf("mail log %s: %w", tid[8:], err)
			}
			if subject != "" && !strings.Contains(strings.ToLower(rec.Subject), subject) {
				continue
			}
			if f.Kind != "" && rec.Direction != f.Kind && rec.Status != f.Kind {
				continue
			}
			out = append(out, rec)
			if len(out) >= f.Limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// TopEntry is one address and how many messages it sent or received.
type TopEntry struct {
	Address model.Address `json:"address"`
	Count   int           `json:"count"`
}

// DomainTop is one domain's busiest senders and receivers.
type DomainTop struct {
	Domain    string     `json:"domain"`
	Senders   []TopEntry `json:"senders"`
	Receivers []TopEntry `json:"receivers"`
}

// DefaultTop is how many senders and receivers Top lists per domain (LOG-4).
const DefaultTop = 15

// Top lists, per domain, the n busiest senders and receivers between since
// (inclusive) and until (exclusive) (LOG-4); n 0 is DefaultTop. Every
// domain seen is listed: TopFor keeps only the company's own.
func (s *Spool) Top(since, until time.Time, n int) ([]DomainTop, error) {
	return s.TopFor(since, until, n, nil)
}

// TopFor is Top for the domains keep accepts (all when keep is nil), such
// as the directory's View.IsLocal. A sender is the message's account, or
// its envelope sender when it has none; a receiver is each recipient the
// record names (its first 1000). Mail that was refused, rejected or
// dropped counts for nobody. Domains come in name order; entries by count,
// then address.
func (s *Spool) TopFor(since, until time.Time, n int, keep func(domain string) bool) ([]DomainTop, error) {
	if n <= 0 {
		n = DefaultTop
	}
	senders := map[string]map[string]int{}
	receivers := map[string]map[string]int{}
	count := func(m map[string]map[string]int, addr string) {
		a := model.Address(strings.ToLower(addr))
		d := a.Domain()
		if d == "" || (keep != nil && !keep(d)) {
			return
		}
		if m[d] == nil {
			m[d] = map[string]int{}
		}
		m[d][string(a)]++
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		lb := tx.Bucket(sMailLog)
		c := tx.Bucket(sLogTime).Cursor()
		end := tkey(until)
		for k, _ := c.Seek(tkey(since)); k != nil; k, _ = c.Next() {
			if !until.IsZero() && bytes.Compare(k[:8], end) >= 0 {
				break
			}
			raw := lb.Get(k[8:])
			if raw == nil {
				continue
			}
			var rec MailRecord
			if err := json.Unmarshal(raw, &rec); err != nil {
				return fmt.Errorf("mail log %s: %w", k[8:], err)
			}
			switch rec.Status {
			case "refused", "rejected", "dropped":
				continue
			}
			if rec.Account != "" {
				count(senders, string(rec.Account))
			} else if rec.From != "" {
				count(senders, rec.From)
			}
			for _, t := range rec.To {
				count(receivers, t)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	domains := map[string]bool{}
	for d := range senders {
		domains[d] = true
	}
	for d := range receivers {
		domains[d] = true
	}
	out := make([]DomainTop, 0, len(domains))
	for d := range domains {
		out = append(out, DomainTop{Domain: d, Senders: topOf(senders[d], n), Receivers: topOf(receivers[d], n)})
	}
	slices.SortFunc(out, func(a, b DomainTop) int { return strings.Compare(a.Domain, b.Domain) })
	return out, nil
}

func topOf(counts map[string]int, n int) []TopEntry {
	out := make([]TopEntry, 0, len(counts))
	for a, c := range counts {
		out = append(out, TopEntry{Address: model.Address(a), Count: c})
	}
	slices.SortFunc(out, func(a, b TopEntry) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(string(a.Address), string(b.Address))
	})
	return out[:min(n, len(out))]
}

// Violation is a member's mail that a rule held or refused (SEND-9): the
// evidence the company's rules ask for (P1 四).
type Violation struct {
	Member    model.Address `json:"member"`
	Time      time.Time     `json:"time"`
	MessageID string        `json:"message_id"`
	Action    string        `json:"action"` // hold or refuse
	Rules     []string      `json:"rules"`
	Reason    string        `json:"reason"`
	ReasonZH  string        `json:"reason_zh,omitempty"` // Reason in Chinese, as the relay told it
	Subject   string        `json:"subject,omitempty"`
}

// ReasonText is the violation's reason in Chinese (zh) when it has one,
// else in English.
func (v *Violation) ReasonText(zh bool) string {
	if zh && v.ReasonZH != "" {
		return v.ReasonZH
	}
	return v.Reason
}

func violationKey(v *Violation) []byte {
	return join([]byte(v.Member), zero, tkey(v.Time), []byte(v.MessageID))
}

// AddViolation writes a violation record; the same member, time and
// message again replaces it. Enqueue (held mail) and Log (refused mail)
// write theirs themselves.
func (s *Spool) AddViolation(v Violation) error {
	if v.Member == "" {
		return fmt.Errorf("violation without a member")
	}
	if v.Time.IsZero() {
		v.Time = s.opt.Now()
	}
	v.Time = v.Time.UTC()
	raw, err := json.Marshal(&v)
	if err != nil {
		return err
	}
	key := violationKey(&v)
	return spoolErr(s.group.do(func(tx *bolt.Tx) error {
		return tx.Bucket(sViolations).Put(key, raw)
	}))
}

// Violations lists a member's violations, newest first, at most limit (0:
// all); member "" lists everyone's.
func (s *Spool) Violations(member model.Address, limit int) ([]Violation, error) {
	var out []Violation
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(sViolations).Cursor()
		if member == "" {
			for k, v := c.First(); k != nil; k, v = c.Next() {
				var x Violation
				if err := json.Unmarshal(v, &x); err != nil {
					return err
				}
				out = append(out, x)
			}
			slices.SortStableFunc(out, func(a, b Violation) int { return b.Time.Compare(a.Time) })
			if limit > 0 && len(out) > limit {
				out = out[:limit]
			}
			return nil
		}
		prefix := join([]byte(member), zero)
		k, v := c.Seek(join([]byte(member), []byte{1}))
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
			var x Violation
			if err := json.Unmarshal(v, &x); err != nil {
				return err
			}
			out = append(out, x)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	return out, err
}
