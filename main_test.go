package main

// These tests run the binary's entry point, run(args, stdin, stdout,
// stderr), as the local operator would: global flags anywhere on the line,
// init, and the messages for a missing, busy or unknown data directory.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// golden is a data directory holding the demo company, built once.
var golden string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "postroom-main-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		// Built with cheap hashing; run itself opens it with the defaults,
		// which only matters for new hashes.
		opt := store.Options{Argon: model.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, NoSync: true}
		var out bytes.Buffer
		c := cmd.InitCmd(&dir, strings.NewReader(""), &out, &out, opt)
		c.SetArgs([]string{"--demo"})
		c.SilenceUsage, c.SilenceErrors = true, true
		if err := c.Execute(); err != nil {
			fmt.Fprintf(os.Stderr, "building the demo company: %v\n%s", err, out.String())
			return 1
		}
		golden = dir
		return m.Run()
	}()
	os.RemoveAll(dir)
	os.Exit(code)
}

// demoDir returns a fresh copy of the demo data directory.
func demoDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(golden, cmd.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, cmd.DBFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// postroom runs the binary's run function.
func postroom(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// TestGlobalFlagsAnywhere: --data and --as may stand before the command,
// after it, or between its words, with a space or with '='.
func TestGlobalFlagsAnywhere(t *testing.T) {
	t.Parallel()
	dir := demoDir(t)
	const as = "xuxiaoming@example.com"
	lines := [][]string{
		{"--data", dir, "--as", as, "member", "list", "--json"},
		{"member", "list", "--json", "--data", dir, "--as", as},
		{"--as", as, "member", "list", "--data", dir, "--json"},
		{"member", "--data=" + dir, "list", "--as=" + as, "--json"},
		{"--data=" + dir, "member", "list", "--json", "--as", "XuXiaoMing@Example.com"},
	}
	var first string
	for _, args := range lines {
		out, errs, code := postroom(t, "", args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errs)
		}
		var ms []struct {
			Address     string   `json:"address"`
			Departments []string `json:"departments"`
		}
		if err := json.Unmarshal([]byte(out), &ms); err != nil || len(ms) == 0 {
			t.Fatalf("%v: not a JSON array of members (%v):\n%s", args, err, out)
		}
		// Acting as the sub-admin of 销售部 shows only 销售部.
		for _, m := range ms {
			if !strings.HasPrefix(strings.Join(m.Departments, ";"), "销售部") && !strings.Contains(strings.Join(m.Departments, ";"), ";销售部") {
				t.Errorf("%v: lists %s in %v, outside the sub-admin's 销售部", args, m.Address, m.Departments)
			}
		}
		if first == "" {
			first = out
		} else if out != first {
			t.Errorf("%v prints something else than %v", args, lines[0])
		}
	}

	out, _, code := postroom(t, "", "whoami", "--data", dir, "--as", as)
	if code != 0 || !strings.Contains(out, as) || !strings.Contains(out, "via cli") || !strings.Contains(out, "subadmin(销售部)") {
		t.Errorf("whoami --as %s: exit %d, %q", as, code, out)
	}
	// Without --as the operator acts as the first admin.
	out, _, code = postroom(t, "", "--data", dir, "whoami")
	if code != 0 || !strings.HasPrefix(out, "it.admin@example.com") {
		t.Errorf("whoami without --as: exit %d, %q; want the first admin", code, out)
	}
	// A change made locally is recorded as the --as person through the cli door.
	if _, errs, code := postroom(t, "", "member", "disable", "wangwei@example.com", "--as", as, "--data", dir); code != 0 {
		t.Fatalf("member disable: %s", errs)
	}
	out, _, _ = postroom(t, "", "--data", dir, "log", "ops", "--limit", "1", "--json")
	var recs []struct {
		Actor, Door, Op, Target string
	}
	if err := json.Unmarshal([]byte(out), &recs); err != nil || len(recs) != 1 || recs[0].Actor != as || recs[0].Door != "cli" || recs[0].Op != "member.disable" {
		t.Errorf("the newest op record: %v %+v", err, recs)
	}
	// Refusals keep their exit status and message through main.
	_, errs, code := postroom(t, "", "--as", as, "--data", dir, "domain", "add", "example.org")
	if code != 1 || !strings.Contains(errs, "org.manage") {
		t.Errorf("a refusal through main: exit %d, %q", code, errs)
	}
	_, _, code = postroom(t, "", "--data", dir, "member", "list", "--nope")
	if code != 2 {
		t.Errorf("a usage mistake through main: exit %d, want 2", code)
	}
}

// TestAsUnknown: --as names someone who is not a member, or is no address.
func TestAsUnknown(t *testing.T) {
	t.Parallel()
	dir := demoDir(t)
	for _, c := range []struct{ as, want string }{
		{"nobody@example.com", "nobody@example.com"},
		{"not an address", "not an address"},
		{"sales@example.com", "sales@example.com"},
	} {
		out, errs, code := postroom(t, "", "--data", dir, "--as", c.as, "member", "list")
		if code != 1 || !strings.Contains(errs, c.want) || out != "" {
			t.Errorf("--as %q: exit %d, stdout %q, stderr %q; want 1 and a message naming it", c.as, code, out, errs)
		}
	}
}

// TestMissingDataDir: the message says to run init.
func TestMissingDataDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "nothing-here")
	_, errs, code := postroom(t, "", "--data", dir, "member", "list")
	if code != 1 || !strings.Contains(errs, "postroom init --data "+dir) {
		t.Errorf("exit %d, stderr %q; want 1 and how to run init", code, errs)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("a command on a missing data directory created it")
	}
}

// TestDataInUse: while another process (here: an open store) holds the
// file, the command says how to reach the running server.
func TestDataInUse(t *testing.T) {
	t.Parallel()
	dir := demoDir(t)
	s, err := store.Open(filepath.Join(dir, cmd.DBFile), store.Options{Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, errs, code := postroom(t, "", "--data", dir, "member", "list")
	if code != 1 || !strings.Contains(errs, "in use by a running postroom serve") || !strings.Contains(errs, "ssh -p") {
		t.Errorf("exit %d, stderr %q; want 1 and a pointer to ssh", code, errs)
	}
}

// TestInit: a new enterprise with a password read from stdin; a second
// init into the same directory is refused and changes nothing.
func TestInit(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	pw := "correct-horse-battery-staple\n"
	out, errs, code := postroom(t, pw, "init", "--data", dir, "--org", "测试有限公司", "--domain", "test.example", "--admin", "boss@test.example", "--admin-password-stdin")
	if code != 0 || !strings.Contains(out, "测试有限公司") {
		t.Fatalf("init: exit %d\n%s%s", code, out, errs)
	}
	db := filepath.Join(dir, cmd.DBFile)
	st, err := os.Stat(db)
	if err != nil {
		t.Fatal(err)
	}

	out, _, code = postroom(t, "", "whoami", "--data", dir)
	if code != 0 || !strings.HasPrefix(out, "boss@test.example") || !strings.Contains(out, "admin") {
		t.Errorf("whoami after init: exit %d, %q", code, out)
	}
	out, _, _ = postroom(t, "", "--data", dir, "member", "show", "boss@test.example", "--json")
	var m struct {
		HasPassword bool   `json:"has_password"`
		Status      string `json:"status"`
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil || !m.HasPassword || m.Status != "active" {
		t.Errorf("the first admin: %v %+v", err, m)
	}
	out, _, _ = postroom(t, "", "--data", dir, "org", "show", "--json")
	var org struct {
		Name    string   `json:"name"`
		Domains []string `json:"domains"`
	}
	if err := json.Unmarshal([]byte(out), &org); err != nil || org.Name != "测试有限公司" || len(org.Domains) != 1 || org.Domains[0] != "test.example" {
		t.Errorf("org show after init: %v %+v", err, org)
	}
	// The password from stdin logs in.
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login("boss@test.example", store.Credentials{Password: strings.TrimSpace(pw)}, model.LoginLocal, "local", ""); err != nil {
		t.Errorf("the init password does not log in: %v", err)
	}
	s.Close()
	st, _ = os.Stat(db)

	_, errs, code = postroom(t, pw, "--data", dir, "init", "--org", "别的公司", "--domain", "other.example", "--admin", "x@other.example", "--admin-password-stdin")
	if code != 1 || !strings.Contains(errs, "already holds postroom data") {
		t.Errorf("a second init: exit %d, stderr %q", code, errs)
	}
	if st2, err := os.Stat(db); err != nil || st2.Size() != st.Size() || !st2.ModTime().Equal(st.ModTime()) {
		t.Errorf("a refused second init touched the database")
	}
	out, _, _ = postroom(t, "", "--data", dir, "org", "show", "--json")
	if !strings.Contains(out, "测试有限公司") {
		t.Errorf("after a refused second init org show says %s", out)
	}
}

// TestInitMistakes: init without what it needs says what to add, and a
// failed init leaves no half-made database behind.
func TestInitMistakes(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	for _, c := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"--org", "X"}, "--domain"},
		{"", []string{"--org", "X", "--domain", "x.example", "--admin", "a@x.example"}, "--admin-password-stdin"},
		{"", []string{"--org", "X", "--domain", "x.example", "--admin", "a@x.example", "--admin-password-stdin"}, "no password on standard input"},
		{"short\n", []string{"--org", "X", "--domain", "x.example", "--admin", "a@x.example", "--admin-password-stdin"}, "too short"},
		{"correct-horse-battery-staple\n", []string{"--org", "X", "--domain", "例子.中国", "--admin", "a@x.example", "--admin-password-stdin"}, "punycode"},
		{"correct-horse-battery-staple\n", []string{"--org", "X", "--domain", "x.example", "--admin", "张三@x.example", "--admin-password-stdin"}, "pinyin"},
		{"", []string{"--org", "X", "--domain", "x.example", "--admin", "a@x.example", "--admin-key", filepath.Join(dir, "missing.pub")}, "cannot read the admin key"},
	} {
		args := append([]string{"init", "--data", dir}, c.args...)
		_, errs, code := postroom(t, c.stdin, args...)
		if code != 1 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", c.args, code, errs, c.want)
		}
		if _, err := os.Stat(filepath.Join(dir, cmd.DBFile)); err == nil {
			t.Fatalf("%v: a failed init left %s behind", c.args, cmd.DBFile)
		}
	}
}

// TestUsage: no command, or help, prints the usage.
func TestUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{nil, {"help"}, {"--help"}, {"--data", "/nonexistent"}} {
		out, _, code := postroom(t, "", args...)
		if code != 0 || !strings.Contains(out, "postroom init --data DIR") {
			t.Errorf("%v: exit %d, %q", args, code, out)
		}
	}
}

// TestSubcommandHelp: serve --help and tui --help print their usage and exit
// 0 without opening any data, like the other commands' --help.
func TestSubcommandHelp(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--help"}, "--smarthost HOST:PORT"},
		{[]string{"serve", "-h"}, "--submission HOST:PORT"},
		{[]string{"--data", "/nonexistent", "serve", "--ssh", "127.0.0.1:0", "--help"}, "postroom serve --data DIR"},
		{[]string{"tui", "--help"}, "postroom tui [--data DIR] [--as ADDR]"},
		{[]string{"init", "--help"}, "--admin-key"},
	} {
		out, errs, code := postroom(t, "", c.args...)
		if code != 0 || !strings.Contains(out, c.want) || errs != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 0 and %q", c.args, code, out, errs, c.want)
		}
	}
}

// TestParseServe: serve's flags with a space or '=', and an unknown one refused.
func TestParseServe(t *testing.T) {
	t.Parallel()
	f, err := parseServe([]string{"--ssh", "127.0.0.1:1", "--smtp=127.0.0.1:2", "--config", "c.toml"})
	if err != nil || f.ssh != "127.0.0.1:1" || f.smtp != "127.0.0.1:2" || f.config != "c.toml" {
		t.Errorf("parseServe: %+v, %v", f, err)
	}
	if _, err := parseServe([]string{"--config", "--help"}); err != nil {
		t.Errorf("--help as --config's value: %v", err)
	}
	if _, err := parseServe([]string{"--bogus"}); err == nil || errors.Is(err, errServeHelp) {
		t.Errorf("--bogus: %v, want an unknown-argument error", err)
	}
}
