package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
	"postroom/store"
)

// TestEveryChangeIsLogged (LOG-1): each applied change adds exactly one
// record saying who (address, name, roles), through which door and from
// where, what (op and target), when, and the state before and after.
func TestEveryChangeIsLogged(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.org()
	f.addMember("hd@example.com", "服务台")
	f.grant("hd@example.com", model.RoleHelpdesk, "")
	admin := f.admin
	admin.Door, admin.Source = model.DoorSSH, "198.51.100.23:50122"

	type step struct {
		actor  model.Actor
		change model.Change
		op     string
		target string
		kind   string // the kind of the first diff
		before string // a part of the first diff's before, "null" for a new thing
		after  string // a part of its after, "null" for a deleted thing
		note   string
	}
	steps := []step{
		{admin, &model.AddDept{Path: "市场部"}, "dept.add", "市场部", "dept", "null", `"name":"市场部"`, ""},
		{admin, &model.AddMember{Address: "zhangsan@example.com", Fields: model.MemberFields{Name: "张三", Depts: []string{"市场部"}}, Password: memberPassword},
			"member.add", "zhangsan@example.com", "member", "null", `"name":"张三"`, ""},
		{admin, &model.SetMember{Address: "zhangsan@example.com", Fields: model.MemberFields{Title: "经理"}, Set: map[string]bool{"title": true}},
			"member.set", "zhangsan@example.com", "member", `"name":"张三"`, `"title":"经理"`, ""},
		{admin, &model.DisableMember{Address: "zhangsan@example.com", Reason: "休假"},
			"member.disable", "zhangsan@example.com", "member", `"status":"active"`, `"status":"disabled"`, "休假"},
		{admin, &model.EnableMember{Address: "zhangsan@example.com"},
			"member.enable", "zhangsan@example.com", "member", `"status":"disabled"`, `"status":"active"`, ""},
		{f.actor("hd@example.com"), &model.ResetPassword{Address: "zhangsan@example.com", Reason: "工单 #4711", Verified: "视频核对工牌"},
			"password.reset", "zhangsan@example.com", "member", `"hash":"[redacted]"`, `"must_change":true`, "工单 #4711"},
		{admin, &model.RenameDept{Path: "市场部", Name: "市场中心"}, "dept.rename", "市场部", "dept", `"name":"市场部"`, `"name":"市场中心"`, ""},
		{admin, &model.DeleteMember{Address: "zhangsan@example.com"}, "member.rm", "zhangsan@example.com", "member", `"name":"张三"`, "null", ""},
	}
	for i, st := range steps {
		f.clock.Advance(time.Minute)
		n := len(f.ops())
		f.apply(st.actor, st.change)
		ops := f.ops()
		if len(ops) != n+1 {
			t.Fatalf("step %d (%s) wrote %d records, want 1", i, st.op, len(ops)-n)
		}
		rec := ops[0]
		if rec.Seq != uint64(n+1) || !rec.Time.Equal(f.clock.Now()) {
			t.Errorf("%s: seq %d at %v, want %d at %v", st.op, rec.Seq, rec.Time, n+1, f.clock.Now())
		}
		if rec.Actor != st.actor.Address || rec.Name != st.actor.Name || rec.Door != st.actor.Door || rec.Source != st.actor.Source {
			t.Errorf("%s: by %s %q via %s from %q; want %s %q via %s from %q", st.op, rec.Actor, rec.Name, rec.Door, rec.Source,
				st.actor.Address, st.actor.Name, st.actor.Door, st.actor.Source)
		}
		if rec.Roles == "" {
			t.Errorf("%s: the record does not say the actor's roles", st.op)
		}
		if rec.Op != st.op || rec.Target != st.target {
			t.Errorf("record %d = %s %s, want %s %s", rec.Seq, rec.Op, rec.Target, st.op, st.target)
		}
		if len(rec.Changes) == 0 {
			t.Fatalf("%s: the record has no before and after", st.op)
		}
		d := rec.Changes[0]
		if d.Kind != st.kind || !strings.Contains(string(d.Before), st.before) || !strings.Contains(string(d.After), st.after) {
			t.Errorf("%s: first change %s %s\n before %s\n after  %s\nwant before with %s, after with %s", st.op, d.Kind, d.Key, d.Before, d.After, st.before, st.after)
		}
		if st.note != "" && !slices.ContainsFunc(rec.Notes, func(n store.Note) bool { return n.Value == st.note }) {
			t.Errorf("%s: notes %v do not hold %q", st.op, rec.Notes, st.note)
		}
		if len(rec.Hash) != 64 || len(rec.Prev) != 64 || rec.Prev != ops[1].Hash {
			t.Errorf("%s: hash %q, prev %q; want the previous record's hash %q", st.op, rec.Hash, rec.Prev, ops[1].Hash)
		}
	}
	rep, err := f.s.VerifyAudit()
	if err != nil || !rep.OK || rep.Records != uint64(len(f.ops())) || rep.Head != f.lastOp().Hash {
		t.Errorf("VerifyAudit = %+v, %v; want OK over %d records ending at %s", rep, err, len(f.ops()), f.lastOp().Hash)
	}
}

// TestOpLogFilters: by actor, target, op prefix, door and time.
func TestOpLogFilters(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	start := f.clock.Now()
	f.clock.Advance(time.Hour)
	f.depts("销售部")
	f.addMember("zhangsan@example.com", "张三", "销售部")
	ssh := f.admin
	ssh.Door = model.DoorSSH
	f.apply(ssh, &model.DisableMember{Address: "zhangsan@example.com"})
	count := func(flt store.OpFilter) []string {
		var out []string
		f.s.Read(func(r *store.Reader) error {
			recs, err := r.OpLog(flt)
			for _, rec := range recs {
				out = append(out, rec.Op)
			}
			return err
		})
		return out
	}
	tests := []struct {
		name   string
		filter store.OpFilter
		want   []string
	}{
		{"all, newest first", store.OpFilter{}, []string{"member.disable", "member.add", "dept.add", "org.init"}},
		{"by op prefix", store.OpFilter{Op: "member."}, []string{"member.disable", "member.add"}},
		{"by target", store.OpFilter{Target: "zhangsan@example.com"}, []string{"member.disable", "member.add"}},
		{"by door", store.OpFilter{Door: model.DoorSSH}, []string{"member.disable"}},
		{"by actor", store.OpFilter{Actor: adminAddr}, []string{"member.disable", "member.add", "dept.add"}},
		{"until", store.OpFilter{Until: start.Add(time.Minute)}, []string{"org.init"}},
		{"since", store.OpFilter{Since: start.Add(time.Minute)}, []string{"member.disable", "member.add", "dept.add"}},
		{"limit", store.OpFilter{Limit: 1}, []string{"member.disable"}},
	}
	for _, tt := range tests {
		if got := count(tt.filter); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestNoSecretInTheLogs: the operation log never holds a password hash
// (before/after are redacted), and no log or page of the file holds a
// password as typed.
func TestNoSecretInTheLogs(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	const second, third = "a second long passphrase for zs", "the third passphrase nobody guesses"
	f.apply(f.admin, &model.AddMember{Address: "zhangsan@example.com", Fields: model.MemberFields{Name: "张三"}, Password: memberPassword})
	zs := f.actor("zhangsan@example.com")
	f.apply(zs, &model.ChangePassword{Address: "zhangsan@example.com", Old: memberPassword, New: second})
	f.apply(f.admin, &model.SetPassword{Address: "zhangsan@example.com", Password: third})
	reset := &model.ResetPassword{Address: "zhangsan@example.com", Reason: "forgotten"}
	f.apply(f.admin, reset)
	f.s.Login("zhangsan@example.com", store.Credentials{Password: "wrong " + third}, model.LoginSMTP, "192.0.2.1", "")
	f.s.Login("zhangsan@example.com", store.Credentials{Password: reset.OneTime}, model.LoginSMTP, "192.0.2.1", "")

	secrets := []string{adminPassword, memberPassword, second, third, "wrong " + third, reset.OneTime}
	f.close()
	db, err := bolt.Open(f.path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	records := 0
	err = db.View(func(tx *bolt.Tx) error {
		for _, bucket := range []string{"oplog", "loginlog"} {
			err := tx.Bucket([]byte(bucket)).ForEach(func(k, v []byte) error {
				records++
				if bucket == "oplog" {
					_, body, err := store.DecodeOpValue(v)
					if err != nil {
						return err
					}
					v = body
				}
				if bytes.Contains(v, []byte("$argon2id")) {
					t.Errorf("%s record %d holds a password hash: %s", bucket, binary.BigEndian.Uint64(k), v)
				}
				for _, s := range secrets {
					if bytes.Contains(v, []byte(s)) {
						t.Errorf("%s record %d holds the password %q", bucket, binary.BigEndian.Uint64(k), s)
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if records != 7 { // 5 operations, 2 logins
		t.Errorf("%d log records were checked, want 7", records)
	}
	raw, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the data file holds the password %q", s)
		}
	}
}

// tamper closes the store, changes the op log in the file directly, and
// opens the store again.
func (f *company) tamper(change func(oplog, meta *bolt.Bucket) error) {
	f.t.Helper()
	f.close()
	db, err := bolt.Open(f.path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		f.t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error { return change(tx.Bucket([]byte("oplog")), tx.Bucket([]byte("meta"))) })
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		f.t.Fatalf("tamper: %v", err)
	}
	f.reopen()
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// rewrite replaces a record with one that says something else, with a
// hash that matches its new content: what someone who knows the format
// would do.
func rewrite(oplog *bolt.Bucket, seq uint64, edit func(*store.OpRecord)) error {
	_, body, err := store.DecodeOpValue(oplog.Get(seqKey(seq)))
	if err != nil {
		return err
	}
	var rec store.OpRecord
	if err := json.Unmarshal(body, &rec); err != nil {
		return err
	}
	edit(&rec)
	if body, err = json.Marshal(rec); err != nil {
		return err
	}
	return oplog.Put(seqKey(seq), store.EncodeOpValue(body))
}

// alter changes a record's JSON in place and stores it with the hash it
// had: what someone who edits the file without knowing the chain would do.
func alter(oplog *bolt.Bucket, seq uint64, edit func(body []byte) []byte) error {
	sum, body, err := store.DecodeOpValue(oplog.Get(seqKey(seq)))
	if err != nil {
		return err
	}
	v := store.EncodeOpValue(edit(bytes.Clone(body)))
	copy(v, sum)
	return oplog.Put(seqKey(seq), v)
}

// TestVerifyAuditFindsTampering (LOG-1): VerifyAudit names the first record
// where the chain breaks and why. The company has 6 records: org.init,
// dept.add ×2, member.add ×2, member.disable.
func TestVerifyAuditFindsTampering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		tamper  func(oplog, meta *bolt.Bucket) error
		badSeq  uint64
		reason  string
		records uint64 // records verified before the break
	}{
		{"a byte changed in record 3", func(oplog, _ *bolt.Bucket) error {
			return alter(oplog, 3, func(v []byte) []byte {
				i := bytes.Index(v, []byte(`"op":"dept.add"`))
				if i < 0 {
					t.Fatalf("record 3 is not a dept.add: %s", v)
				}
				v[i+len(`"op":"dept.`)] = 'A' // dept.add → dept.Add
				return v
			})
		}, 3, "does not match its hash: it was altered", 2},

		{"a byte of record 3's stored bytes changed", func(oplog, _ *bolt.Bucket) error {
			v := bytes.Clone(oplog.Get(seqKey(3)))
			v[len(v)/2] ^= 0x55
			return oplog.Put(seqKey(3), v)
		}, 3, "", 2},

		{"record 3 cut short", func(oplog, _ *bolt.Bucket) error {
			return oplog.Put(seqKey(3), oplog.Get(seqKey(3))[:20])
		}, 3, "the record is truncated", 2},

		{"record 4 stored as plain JSON (the older encoding) still verifies", func(oplog, _ *bolt.Bucket) error {
			sum, body, err := store.DecodeOpValue(oplog.Get(seqKey(4)))
			if err != nil {
				return err
			}
			return oplog.Put(seqKey(4), append(bytes.Clone(sum), body...))
		}, 0, "", 6},

		{"the last record deleted", func(oplog, _ *bolt.Bucket) error {
			return oplog.Delete(seqKey(6))
		}, 6, "records at the end were removed", 5},

		{"a record in the middle deleted", func(oplog, _ *bolt.Bucket) error {
			return oplog.Delete(seqKey(4))
		}, 4, "record 4 is missing", 3},

		// Record 2 rewritten with a matching hash still chains to record 1;
		// the break shows at record 3, which no longer chains to it.
		{"record 2 replaced and re-hashed", func(oplog, _ *bolt.Bucket) error {
			return rewrite(oplog, 2, func(r *store.OpRecord) { r.Actor, r.Name = "intruder@example.com", "入侵者" })
		}, 3, "does not chain to the one before: a record before it was replaced", 2},

		{"the last record replaced and re-hashed", func(oplog, _ *bolt.Bucket) error {
			return rewrite(oplog, 6, func(r *store.OpRecord) { r.Target = "lisi@example.com" })
		}, 6, "the last record is not the one that was written", 6},

		{"a record renumbered", func(oplog, _ *bolt.Bucket) error {
			return rewrite(oplog, 5, func(r *store.OpRecord) { r.Seq = 9 })
		}, 5, "says it is number 9", 4},

		{"the head marker removed", func(_, meta *bolt.Bucket) error {
			return meta.Delete([]byte("audit.head"))
		}, 1, "head marker is missing", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newCompany(t)
			f.depts("销售部", "技术部")
			f.addMember("zhangsan@example.com", "张三", "销售部")
			f.addMember("lisi@example.com", "李四", "技术部")
			f.apply(f.admin, &model.DisableMember{Address: "zhangsan@example.com"})
			rep, err := f.s.VerifyAudit()
			if err != nil || !rep.OK || rep.Records != 6 {
				t.Fatalf("before tampering: %+v, %v; want OK over 6 records", rep, err)
			}

			f.tamper(tt.tamper)
			rep, err = f.s.VerifyAudit()
			if err != nil {
				t.Fatalf("VerifyAudit: %v", err)
			}
			if tt.badSeq == 0 {
				if !rep.OK || rep.Records != tt.records {
					t.Fatalf("VerifyAudit: %+v, want OK over %d records", rep, tt.records)
				}
				return
			}
			if rep.OK {
				t.Fatalf("VerifyAudit passed a tampered log: %+v", rep)
			}
			if rep.BadSeq != tt.badSeq || !strings.Contains(rep.Reason, tt.reason) {
				t.Errorf("VerifyAudit blames record %d: %q; want record %d: %q", rep.BadSeq, rep.Reason, tt.badSeq, tt.reason)
			}
			if rep.Records != tt.records {
				t.Errorf("VerifyAudit verified %d records before the break, want %d", rep.Records, tt.records)
			}
		})
	}
}

// TestNotedHeadDetectsARewrite: someone who cuts the log short and rewrites
// the head marker to match gets a chain that verifies, but its head is not
// the one an auditor noted down before, which is why VerifyAudit reports it.
func TestNotedHeadDetectsARewrite(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.depts("销售部", "技术部")
	f.clock.Advance(time.Hour)
	noted, err := f.s.VerifyAudit()
	if err != nil || !noted.OK {
		t.Fatalf("verify: %+v, %v", noted, err)
	}
	f.tamper(func(oplog, meta *bolt.Bucket) error {
		prev := oplog.Get(seqKey(2))
		if err := meta.Put([]byte("audit.head"), append(seqKey(2), prev[:sha256.Size]...)); err != nil {
			return err
		}
		return oplog.Delete(seqKey(3))
	})
	rep, err := f.s.VerifyAudit()
	if err != nil || !rep.OK {
		t.Fatalf("a consistent shorter chain: %+v, %v", rep, err)
	}
	if rep.Records != 2 || rep.Head == noted.Head {
		t.Errorf("after the rewrite: %d records, head %s; the noted head was %s over %d", rep.Records, rep.Head, noted.Head, noted.Records)
	}
}

// TestVerifyAuditOnANewStore: a store with no log at all is fine.
func TestVerifyAuditOnANewStore(t *testing.T) {
	t.Parallel()
	s, err := store.Open(t.TempDir()+"/empty.db", store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err := s.VerifyAudit()
	if err != nil || !rep.OK || rep.Records != 0 {
		t.Errorf("VerifyAudit of an empty store = %+v, %v", rep, err)
	}
}
