package cmd_test

// The command tree's tests run every command through cmd.Run, as the doors
// do, against a real bbolt file. The demo company is built once per test
// binary (TestMain) and each test works on its own copy of the file.

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// fastArgon keeps password hashing cheap in tests.
var fastArgon = model.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// storeOptions are the options every test store is opened with.
func storeOptions() store.Options { return store.Options{Argon: fastArgon, NoSync: true} }

// golden is the demo company's database file, built once by TestMain;
// goldenBytes is its content, read once.
var (
	golden      string
	goldenOnce  sync.Once
	goldenBytes []byte
	goldenErr   error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "postroom-cmd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		var out, errb bytes.Buffer
		c := cmd.InitCmd(&dir, strings.NewReader(""), &out, &errb, storeOptions())
		c.SetArgs([]string{"--demo"})
		c.SilenceUsage, c.SilenceErrors = true, true
		if err := c.Execute(); err != nil {
			fmt.Fprintf(os.Stderr, "building the demo company: %v\n%s%s", err, out.String(), errb.String())
			return 1
		}
		golden = filepath.Join(dir, cmd.DBFile)
		return m.Run()
	}()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fixture is one test's own data directory with an open store and a
// clock the test may move forward.
type fixture struct {
	t   testing.TB
	dir string
	s   *store.Store

	mu   sync.Mutex
	skew time.Duration
}

// now is the fixture's clock: the real time plus what advance added.
func (f *fixture) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return time.Now().Add(f.skew)
}

// advance moves the fixture's clock forward.
func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.skew += d
	f.mu.Unlock()
}

var fixtures sync.Map // testing.TB → *fixture

// fx returns t's fixture, copying the demo database into a fresh directory
// on first use. Each test and each subtest gets its own copy.
func fx(t testing.TB) *fixture {
	t.Helper()
	if f, ok := fixtures.Load(t); ok {
		return f.(*fixture)
	}
	dir := t.TempDir()
	goldenOnce.Do(func() { goldenBytes, goldenErr = os.ReadFile(golden) })
	if goldenErr != nil {
		t.Fatal(goldenErr)
	}
	if err := os.WriteFile(filepath.Join(dir, cmd.DBFile), goldenBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, dir: dir}
	opt := storeOptions()
	opt.Now = f.now
	s, err := store.Open(filepath.Join(dir, cmd.DBFile), opt)
	if err != nil {
		t.Fatalf("open the test store: %v", err)
	}
	f.s = s
	fixtures.Store(t, f)
	t.Cleanup(func() {
		fixtures.Delete(t)
		s.Close()
	})
	return f
}

// inherit makes the subtest sub work on its parent's fixture instead of a
// copy of its own (the subtests must then not run in parallel).
func inherit(sub, parent testing.TB) {
	fixtures.Store(sub, fx(parent))
	sub.Cleanup(func() { fixtures.Delete(sub) })
}

// Demo people by role, as assets.DemoLogins names them.
const (
	adminAddr    = "it.admin@example.com"
	subadminAddr = "xuxiaoming@example.com"
	helpdeskAddr = "it.helpdesk@example.com"
	auditorAddr  = "zhugehui@example.com"
	hrAddr       = "guoxiaoyan@example.com"
	headAddr     = "liuyang@example.com"
	memberAddr   = "wangwei@example.com"
)

// who turns a role name of assets.DemoLogins ("admin", "member", …) into
// its demo person's address; an address stays as it is.
func who(t testing.TB, as string) model.Address {
	t.Helper()
	if strings.Contains(as, "@") {
		return model.Address(as)
	}
	for _, l := range assets.DemoLogins() {
		if l.Role == as {
			return model.Address(l.Address)
		}
	}
	t.Fatalf("no demo login for the role %q", as)
	return ""
}

// password returns the demo password of a role or address.
func password(t testing.TB, as string) string {
	t.Helper()
	a := who(t, as)
	for _, l := range assets.DemoLogins() {
		if model.Address(l.Address) == a {
			return l.Password
		}
	}
	t.Fatalf("no demo password for %s", as)
	return ""
}

// run runs one command line as the SSH door does for a session carrying a
// command: the actor is the person of as (a role name or an address) coming
// through SSH from 192.0.2.1, on t's own copy of the demo company.
func run(t testing.TB, as, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return fx(t).runDoor(as, model.DoorSSH, false, stdin, args...)
}

// runLocal runs a command as the local CLI does (files on the command line
// are the operator's to read).
func runLocal(t testing.TB, as, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return fx(t).runDoor(as, model.DoorCLI, true, stdin, args...)
}

func (f *fixture) runDoor(as string, door model.Door, local bool, stdin string, args ...string) (string, string, int) {
	f.t.Helper()
	a := who(f.t, as)
	var actor model.Actor
	if err := f.s.Read(func(r *store.Reader) error {
		var err error
		actor, err = r.Actor(a, door, "192.0.2.1")
		return err
	}); err != nil {
		f.t.Fatalf("actor %s: %v", a, err)
	}
	var out, errb bytes.Buffer
	env := &cmd.Env{Actor: actor, Store: f.s, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Local: local}
	if local {
		env.DataDir = f.dir
	}
	code := cmd.Run(env, args)
	return out.String(), errb.String(), code
}

// ok runs a command that must succeed and returns its stdout.
func ok(t testing.TB, as, stdin string, args ...string) string {
	t.Helper()
	out, errs, code := run(t, as, stdin, args...)
	if code != 0 {
		t.Fatalf("%s as %s: exit %d, want 0\nstderr: %s", strings.Join(args, " "), as, code, errs)
	}
	return out
}

// refused runs a command that must be refused with exit 1; the stderr must
// hold every one of want (case-insensitive). It returns stderr.
func refused(t testing.TB, as, stdin string, args []string, want ...string) string {
	t.Helper()
	out, errs, code := run(t, as, stdin, args...)
	if code != 1 {
		t.Fatalf("%s as %s: exit %d, want 1\nstdout: %s\nstderr: %s", strings.Join(args, " "), as, code, out, errs)
	}
	for _, w := range want {
		if !strings.Contains(strings.ToLower(errs), strings.ToLower(w)) {
			t.Errorf("%s as %s: stderr does not say %q:\n%s", strings.Join(args, " "), as, w, errs)
		}
	}
	return errs
}

// decode parses stdout as exactly one JSON value into v.
func decode(t testing.TB, out string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("stdout is not JSON (%v):\n%s", err, out)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("stdout holds more than one JSON value:\n%s", out)
	}
}

// member is what member show --json prints (the fields scripts rely on).
type member struct {
	Address     string   `json:"address"`
	Name        string   `json:"name"`
	Departments []string `json:"departments"`
	Title       string   `json:"title"`
	Position    string   `json:"position"`
	Status      string   `json:"status"`
	Aliases     []string `json:"aliases"`
	EmployeeID  string   `json:"employee_id"`
	MustChange  bool     `json:"must_change"`
	Keys        []string `json:"keys"`
}

func showMember(t testing.TB, addr string) member {
	t.Helper()
	var m member
	decode(t, ok(t, "admin", "", "member", "show", addr, "--json"), &m)
	return m
}

// memberExists reports whether the admin finds addr.
func memberExists(t testing.TB, addr string) bool {
	t.Helper()
	_, _, code := run(t, "admin", "", "member", "show", addr, "--json")
	return code == 0
}

// opRecord is one element of log ops --json.
type opRecord struct {
	Seq    uint64 `json:"seq"`
	Actor  string `json:"actor"`
	Door   string `json:"door"`
	Op     string `json:"op"`
	Target string `json:"target"`
	Notes  []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"notes"`
}

// opLog returns the newest n records of the operation log, newest first
// (n 0: all of it).
func opLog(t testing.TB, n int) []opRecord {
	t.Helper()
	var recs []opRecord
	decode(t, ok(t, "admin", "", "log", "ops", "--limit", fmt.Sprint(n), "--json"), &recs)
	return recs
}

// opCount is how many records the operation log holds. Records are
// numbered from 1 and never removed, so the newest seq is the length of
// log ops --limit 0 --json (which TestOpLogLength checks) at a fraction of
// the cost.
func opCount(t testing.TB) uint64 {
	t.Helper()
	recs := opLog(t, 1)
	if len(recs) == 0 {
		return 0
	}
	return recs[0].Seq
}

// unchanged runs fn and fails if the operation log grew meanwhile.
func unchanged(t testing.TB, fn func()) {
	t.Helper()
	before := opCount(t)
	fn()
	if after := opCount(t); after != before {
		t.Errorf("the operation log grew from %d to %d records; the refused command must change nothing", before, after)
	}
}

// sshKey is a valid ed25519 public key line, made from seed n so each n
// gives its own key.
func sshKey(t testing.TB, n byte) string {
	t.Helper()
	seed := bytes.Repeat([]byte{n + 1}, ed25519.SeedSize)
	pub, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(seed).Public())
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))) + fmt.Sprintf(" test%d", n)
}
