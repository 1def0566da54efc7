package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

// The company every store test starts from.
const (
	adminAddr     model.Address = "admin@example.com"
	adminPassword               = "purple giraffe dances under moonlight"
	// memberPassword passes the nist preset for every member the tests add.
	memberPassword = "quiet river behind the old mill"
)

// fastArgon makes a hash in microseconds; the tests never measure its cost.
var fastArgon = model.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// epoch is when every test's clock starts.
var epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// clock is the store's injected time: it moves only when a test moves it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// seeded is deterministic randomness, safe for the store's concurrent use.
// before, when set, runs once before the next read (a test's hook into the
// middle of an operation).
type seeded struct {
	mu     sync.Mutex
	r      io.Reader
	before func()
}

func newSeeded() *seeded {
	var seed [32]byte
	copy(seed[:], "postroom store tests: fixed seed")
	return &seeded{r: rand.NewChaCha8(seed)}
}

func (s *seeded) Read(p []byte) (int, error) {
	s.mu.Lock()
	hook := s.before
	s.before = nil
	s.mu.Unlock()
	if hook != nil {
		hook()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.r.Read(p)
}

func (s *seeded) runBeforeNextRead(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.before = f
}

// company is an initialised store on a real bbolt file.
type company struct {
	t     *testing.T
	s     *store.Store
	path  string
	clock *clock
	rand  *seeded
	admin model.Actor
}

func (f *company) options() store.Options {
	return store.Options{Now: f.clock.Now, Rand: f.rand, Argon: fastArgon, NoSync: true}
}

// newCompany opens a new store and creates the enterprise with its first
// admin, as `postroom init` does.
func newCompany(t *testing.T) *company {
	t.Helper()
	f := &company{t: t, path: filepath.Join(t.TempDir(), "postroom.db"), clock: &clock{now: epoch}, rand: newSeeded()}
	f.open(f.options())
	err := f.s.Apply(model.System(model.DoorCLI), &model.InitEnterprise{
		Name: "示例科技有限公司", Domain: "example.com", Admin: adminAddr, AdminName: "管理员", Password: adminPassword,
	})
	if err != nil {
		t.Fatalf("init: %v", err)
	}
	f.admin = f.actor(adminAddr)
	return f
}

// newTestStore is a fresh company: the store and its admin, acting locally.
func newTestStore(t *testing.T) (*store.Store, model.Actor) {
	t.Helper()
	f := newCompany(t)
	return f.s, f.admin
}

func (f *company) open(opt store.Options) {
	f.t.Helper()
	s, err := store.Open(f.path, opt)
	if err != nil {
		f.t.Fatalf("open %s: %v", f.path, err)
	}
	f.s = s
	f.t.Cleanup(func() { s.Close() })
}

// close closes the store so a test can open the file itself.
func (f *company) close() {
	f.t.Helper()
	if err := f.s.Close(); err != nil {
		f.t.Fatalf("close: %v", err)
	}
}

// reopen opens the file again with the company's clock and randomness.
func (f *company) reopen() { f.open(f.options()) }

// apply runs changes as actor and fails the test if they are refused.
func (f *company) apply(actor model.Actor, changes ...model.Change) {
	f.t.Helper()
	if err := f.s.Apply(actor, changes...); err != nil {
		f.t.Fatalf("apply %s: %v", changes[0].Op(), err)
	}
}

// depts creates departments, parents first.
func (f *company) depts(paths ...string) {
	f.t.Helper()
	for _, p := range paths {
		f.apply(f.admin, &model.AddDept{Path: p})
	}
}

// org is the usual tree: 销售部 with two regions, and 技术部.
func (f *company) org() {
	f.t.Helper()
	f.depts("销售部", "销售部/华北大区", "销售部/华南大区", "技术部")
}

// addMember adds a member with memberPassword (no forced change) to departments.
func (f *company) addMember(addr model.Address, name string, depts ...string) {
	f.t.Helper()
	f.apply(f.admin, &model.AddMember{Address: addr, Fields: model.MemberFields{Name: name, Depts: depts}, Password: memberPassword})
}

// grant gives a member a role and returns their actor as a door builds it.
func (f *company) grant(addr model.Address, role model.Role, scope string, rights ...model.SubRight) model.Actor {
	f.t.Helper()
	f.apply(f.admin, &model.GrantRole{Address: addr, Role: role, Scope: scope, Rights: rights})
	return f.actor(addr)
}

// actor builds the actor for a member as the local door does.
func (f *company) actor(addr model.Address) model.Actor {
	f.t.Helper()
	var a model.Actor
	err := f.s.Read(func(r *store.Reader) error {
		var err error
		a, err = r.Actor(addr, model.DoorCLI, "local")
		return err
	})
	if err != nil {
		f.t.Fatalf("actor %s: %v", addr, err)
	}
	return a
}

// member reads a member back.
func (f *company) member(addr model.Address) *model.Member {
	f.t.Helper()
	var m *model.Member
	err := f.s.Read(func(r *store.Reader) error {
		var err error
		m, err = r.Member(addr)
		return err
	})
	if err != nil {
		f.t.Fatalf("member %s: %v", addr, err)
	}
	return m
}

// dept reads a department back by path.
func (f *company) dept(path string) *model.Department {
	f.t.Helper()
	var d *model.Department
	err := f.s.Read(func(r *store.Reader) error {
		var err error
		d, err = r.DeptByPath(path)
		return err
	})
	if err != nil {
		f.t.Fatalf("dept %s: %v", path, err)
	}
	return d
}

// deptExists reports whether a department path resolves.
func (f *company) deptExists(path string) bool {
	f.t.Helper()
	var found bool
	err := f.s.Read(func(r *store.Reader) error {
		_, err := r.DeptByPath(path)
		found = err == nil
		if errors.Is(err, model.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		f.t.Fatalf("dept %s: %v", path, err)
	}
	return found
}

// deptPaths lists the tree's paths in order.
func (f *company) deptPaths() []string {
	f.t.Helper()
	var out []string
	err := f.s.Read(func(r *store.Reader) error {
		ds, err := r.Depts()
		for _, d := range ds {
			out = append(out, d.Path)
		}
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// ops lists the operation log, newest first.
func (f *company) ops() []store.OpRecord {
	f.t.Helper()
	var out []store.OpRecord
	err := f.s.Read(func(r *store.Reader) error {
		var err error
		out, err = r.OpLog(store.OpFilter{})
		return err
	})
	if err != nil {
		f.t.Fatalf("op log: %v", err)
	}
	return out
}

// lastOp is the newest operation-log record.
func (f *company) lastOp() store.OpRecord {
	f.t.Helper()
	ops := f.ops()
	if len(ops) == 0 {
		f.t.Fatal("the operation log is empty")
	}
	return ops[0]
}

// logins lists the login log, newest first.
func (f *company) logins() []store.LoginRecord {
	f.t.Helper()
	var out []store.LoginRecord
	err := f.s.Read(func(r *store.Reader) error {
		var err error
		out, err = r.LoginLog(store.LoginFilter{})
		return err
	})
	if err != nil {
		f.t.Fatalf("login log: %v", err)
	}
	return out
}

// search runs a search as the admin sees it and returns the addresses found.
func (f *company) search(q string) []model.Address {
	f.t.Helper()
	var out []model.Address
	err := f.s.Read(func(r *store.Reader) error {
		ms, err := r.Search(q, 50, nil)
		for _, m := range ms {
			out = append(out, m.Address)
		}
		return err
	})
	if err != nil {
		f.t.Fatalf("search %q: %v", q, err)
	}
	return out
}

// snapshot is what a refused change must leave alone: the directory as the
// queries show it, the operation log, and the bytes of the file itself.
type snapshot struct {
	dir  string
	ops  int
	file [32]byte
}

func (f *company) snap() snapshot {
	f.t.Helper()
	var dir struct {
		Depts   []store.DeptInfo
		Members []*model.Member
		Groups  []*model.Group
		Shared  []*model.SharedMailbox
		Ops     []store.OpRecord
	}
	err := f.s.Read(func(r *store.Reader) error {
		var err error
		if dir.Depts, err = r.Depts(); err != nil {
			return err
		}
		if dir.Members, err = r.Members(store.MemberFilter{}); err != nil {
			return err
		}
		if dir.Groups, err = r.Groups(); err != nil {
			return err
		}
		if dir.Shared, err = r.SharedMailboxes(); err != nil {
			return err
		}
		dir.Ops, err = r.OpLog(store.OpFilter{})
		return err
	})
	if err != nil {
		f.t.Fatalf("snapshot: %v", err)
	}
	b, err := json.MarshalIndent(dir, "", " ")
	if err != nil {
		f.t.Fatal(err)
	}
	var file bytes.Buffer
	if _, err := f.s.Backup(&file); err != nil {
		f.t.Fatalf("backup: %v", err)
	}
	return snapshot{dir: string(b), ops: len(dir.Ops), file: sha256.Sum256(file.Bytes())}
}

// unchanged fails the test if anything changed since before.
func (f *company) unchanged(before snapshot) {
	f.t.Helper()
	after := f.snap()
	if after.ops != before.ops {
		f.t.Errorf("the operation log grew from %d to %d records after a refusal", before.ops, after.ops)
	}
	if after.dir != before.dir {
		f.t.Errorf("the directory changed after a refusal:\nbefore: %s\nafter:  %s", before.dir, after.dir)
	}
	if after.file != before.file {
		f.t.Errorf("the data file changed after a refusal")
	}
}

// refused checks that err is a user error of kind whose message says each of want.
func refused(t *testing.T, err error, kind error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("allowed; want a refusal (%v) saying %q", kind, want)
	}
	if !errors.Is(err, kind) {
		t.Errorf("refusal %q is not %v", err, kind)
	}
	if !model.IsUserError(err) {
		t.Errorf("refusal %q is not a user error", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("refusal %q does not say %q", err, w)
		}
	}
}

// mustMarshal is v as indented JSON, for comparisons that print well.
func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// policy is the password policy in force.
func (f *company) policy() model.PasswordPolicy {
	f.t.Helper()
	var pol model.PasswordPolicy
	err := f.s.Read(func(r *store.Reader) error {
		var err error
		pol, err = r.Policy()
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return pol
}
