package store

import (
	"encoding/json"
	"strconv"
	"time"

	"postroom/model"
)

// decodeRequest reads a stored request. Listings read every request (the
// Approvals pane opens on thousands), and encoding/json spends most of
// that time validating and reflecting: this reads the fields of
// model.Request as encoding/json writes them, in one pass. Anything it
// does not know (a field added to model.Request, an unusual value) sends
// the record to json.Unmarshal, so the result is always what
// json.Unmarshal gives.
//
// in, when not nil, shares the strings that repeat from one record to the
// next (addresses, kinds, states, roles) across the records of a listing,
// which saves most of the allocations.
func decodeRequest(raw []byte, q *model.Request, in *strIntern) error {
	d := reqDecoder{b: raw, in: in}
	if d.request(q) {
		d.space()
		if d.i == len(d.b) {
			return nil
		}
	}
	*q = model.Request{}
	return json.Unmarshal(raw, q)
}

// reqDecoder reads JSON from b at i; each method reports false on
// anything it does not read, and the caller gives up.
type reqDecoder struct {
	b  []byte
	i  int
	in *strIntern
}

// strIntern hands out one copy of each short string it has seen.
type strIntern struct{ m map[string]string }

// internMax bounds what strIntern keeps: the strings that repeat are
// short, and a listing of any size keeps a bounded table.
const (
	internMaxLen  = 64
	internMaxSize = 4096
)

// str returns b as a string, the same one as last time where it can.
func (in *strIntern) str(b []byte) string {
	if in == nil || len(b) > internMaxLen {
		return string(b)
	}
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if in.m == nil {
		in.m = make(map[string]string, 256)
	}
	if len(in.m) < internMaxSize {
		in.m[s] = s
	}
	return s
}

func (d *reqDecoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// byte consumes c, after any space.
func (d *reqDecoder) byte(c byte) bool {
	d.space()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// str reads a string. One without escapes is taken as it stands (it is
// valid UTF-8 as encoding/json wrote it); one with escapes is unquoted by
// json.Unmarshal.
func (d *reqDecoder) str() (string, bool) {
	d.space()
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return "", false
	}
	start := d.i
	plain := true
	for j := d.i + 1; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '\\':
			plain = false
			j++
		case c < 0x20:
			return "", false
		case c == '"':
			d.i = j + 1
			if plain {
				return d.in.str(d.b[start+1 : j]), true
			}
			var s string
			if err := json.Unmarshal(d.b[start:j+1], &s); err != nil {
				return "", false
			}
			return s, true
		}
	}
	return "", false
}

// key reads an object's key without copying it: the keys of model.Request
// need no escapes (one that has them goes to json.Unmarshal).
func (d *reqDecoder) key() ([]byte, bool) {
	d.space()
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return nil, false
	}
	for j := d.i + 1; j < len(d.b); j++ {
		switch d.b[j] {
		case '\\':
			return nil, false
		case '"':
			k := d.b[d.i+1 : j]
			d.i = j + 1
			return k, true
		}
	}
	return nil, false
}

// uint reads a non-negative integer.
func (d *reqDecoder) uint() (uint64, bool) {
	d.space()
	j := d.i
	for j < len(d.b) && d.b[j] >= '0' && d.b[j] <= '9' {
		j++
	}
	n, err := strconv.ParseUint(string(d.b[d.i:j]), 10, 64)
	if err != nil {
		return 0, false
	}
	d.i = j
	return n, true
}

// bool reads true or false.
func (d *reqDecoder) bool() (bool, bool) {
	d.space()
	switch {
	case len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "true":
		d.i += 4
		return true, true
	case len(d.b)-d.i >= 5 && string(d.b[d.i:d.i+5]) == "false":
		d.i += 5
		return false, true
	}
	return false, false
}

// time reads a time as encoding/json writes it (RFC 3339).
func (d *reqDecoder) time() (time.Time, bool) {
	s, ok := d.str()
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// object reads an object, handing each key to field, which reads the
// value.
func (d *reqDecoder) object(field func(key []byte) bool) bool {
	if !d.byte('{') {
		return false
	}
	if d.byte('}') {
		return true
	}
	for {
		k, ok := d.key()
		if !ok || !d.byte(':') || !field(k) {
			return false
		}
		if d.byte('}') {
			return true
		}
		if !d.byte(',') {
			return false
		}
	}
}

// null reads null, if that is what comes.
func (d *reqDecoder) null() bool {
	d.space()
	if len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

// array reads an array (or null), calling elem for each element.
func (d *reqDecoder) array(elem func() bool) bool {
	if d.null() {
		return true
	}
	if !d.byte('[') {
		return false
	}
	if d.byte(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if d.byte(']') {
			return true
		}
		if !d.byte(',') {
			return false
		}
	}
}

// text reads a string into one of model's string types.
func text[T ~string](d *reqDecoder, to *T) bool {
	s, ok := d.str()
	*to = T(s)
	return ok
}

// when reads a time into to.
func (d *reqDecoder) when(to *time.Time) bool {
	t, ok := d.time()
	*to = t
	return ok
}

func (d *reqDecoder) request(q *model.Request) bool {
	return d.object(func(k []byte) bool {
		var ok bool
		switch string(k) {
		case "id":
			q.ID, ok = d.uint()
		case "kind":
			ok = text(d, &q.Kind)
		case "status":
			ok = text(d, &q.State)
		case "subject":
			ok = text(d, &q.Subject)
		case "requester":
			ok = text(d, &q.Requester)
		case "filed":
			ok = d.when(&q.Filed)
		case "expires":
			ok = d.when(&q.Expires)
		case "done":
			ok = d.when(&q.Done)
		case "reason":
			ok = text(d, &q.Reason)
		case "urgent":
			q.Urgent, ok = d.bool()
		case "perm":
			ok = text(d, &q.Perm)
		case "scope":
			var n uint64
			n, ok = d.uint()
			q.Scope = model.DeptID(n)
		case "rights":
			q.SubRights = nil
			ok = d.array(func() bool {
				s, ok := d.str()
				q.SubRights = append(q.SubRights, model.SubRight(s))
				return ok
			})
		case "perms":
			q.Perms = nil
			ok = d.array(func() bool {
				s, ok := d.str()
				q.Perms = append(q.Perms, s)
				return ok
			})
		case "to":
			ok = text(d, &q.To)
		case "from":
			ok = d.when(&q.From)
		case "until":
			ok = d.when(&q.Until)
		case "join":
			q.Join = nil
			if d.null() {
				return true
			}
			q.Join = new(model.JoinForm)
			ok = d.join(q.Join)
		case "successor":
			ok = text(d, &q.Successor)
		case "message":
			ok = text(d, &q.Message)
		case "withdrawn_by":
			ok = text(d, &q.WithdrawnBy)
		case "withdraw_comment":
			ok = text(d, &q.WithdrawComment)
		case "steps":
			q.Steps = nil
			if d.null() {
				return true
			}
			q.Steps = make([]model.Step, 0, 4)
			ok = d.array(func() bool {
				q.Steps = append(q.Steps, model.Step{})
				return d.step(&q.Steps[len(q.Steps)-1])
			})
		}
		return ok
	})
}

func (d *reqDecoder) join(j *model.JoinForm) bool {
	return d.object(func(k []byte) bool {
		var ok bool
		switch string(k) {
		case "name":
			j.Name, ok = d.str()
		case "dept":
			var n uint64
			n, ok = d.uint()
			j.Dept = model.DeptID(n)
		case "title":
			j.Title, ok = d.str()
		case "position":
			ok = text(d, &j.Position)
		case "address":
			ok = text(d, &j.Address)
		case "start":
			ok = d.when(&j.Start)
		}
		return ok
	})
}

func (d *reqDecoder) step(s *model.Step) bool {
	return d.object(func(k []byte) bool {
		var ok bool
		switch string(k) {
		case "role":
			ok = text(d, &s.Role)
		case "dept":
			var n uint64
			n, ok = d.uint()
			s.Dept = model.DeptID(n)
		case "approver":
			ok = text(d, &s.Approver)
		case "deputy":
			ok = text(d, &s.Deputy)
		case "decision":
			ok = text(d, &s.Verdict)
		case "by":
			ok = text(d, &s.By)
		case "time":
			ok = d.when(&s.Time)
		case "comment":
			s.Comment, ok = d.str()
		}
		return ok
	})
}
