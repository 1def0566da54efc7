package cmd_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// memberKeys are the fields DESIGN.md promises in member show and list.
var memberKeys = []string{"address", "name", "departments", "title", "position", "status", "aliases"}

// checkMemberObject checks one member object of the automation surface:
// every promised key, lists as lists (never null), strings as strings.
func checkMemberObject(t testing.TB, m map[string]any) {
	t.Helper()
	for _, k := range memberKeys {
		v, found := m[k]
		if !found {
			t.Errorf("member %v has no %q", m["address"], k)
			continue
		}
		switch k {
		case "departments", "aliases":
			if _, isList := v.([]any); !isList {
				t.Errorf("member %v: %s is %#v, want a JSON array", m["address"], k, v)
			}
		default:
			if _, isString := v.(string); !isString {
				t.Errorf("member %v: %s is %#v, want a string", m["address"], k, v)
			}
		}
	}
}

// TestMemberShowJSON: one object with the promised fields; an alias finds
// its member.
func TestMemberShowJSON(t *testing.T) {
	ok(t, "admin", "", "member", "alias", "add", memberAddr, "wei.wang@example.com")
	var raw map[string]any
	decode(t, ok(t, "admin", "", "member", "show", memberAddr, "--json"), &raw)
	checkMemberObject(t, raw)
	m := showMember(t, memberAddr)
	want := member{Address: memberAddr, Name: "王伟", Departments: []string{"销售部/华北大区/北京一组"}, Title: "销售代表", Position: "staff", Status: "active", Aliases: []string{"wei.wang@example.com"}}
	if m.Address != want.Address || m.Name != want.Name || !slices.Equal(m.Departments, want.Departments) || m.Title != want.Title ||
		m.Position != want.Position || m.Status != want.Status || !slices.Equal(m.Aliases, want.Aliases) {
		t.Errorf("member show gives %+v, want %+v", m, want)
	}
	if byAlias := showMember(t, "Wei.Wang@Example.com"); byAlias.Address != memberAddr {
		t.Errorf("member show of the alias finds %q, want %s", byAlias.Address, memberAddr)
	}
	ok(t, "admin", "", "member", "disable", memberAddr, "--reason", "休假")
	if m := showMember(t, memberAddr); m.Status != "disabled" {
		t.Errorf("after member disable the status is %q", m.Status)
	}
	out := ok(t, "admin", "", "member", "show", memberAddr)
	if !strings.Contains(out, "王伟") || !strings.Contains(out, "休假") || strings.HasPrefix(out, "{") {
		t.Errorf("member show without --json should be a table with the name and the reason:\n%s", out)
	}
	refused(t, "admin", "", []string{"member", "show", "nobody@example.com", "--json"}, "no member nobody@example.com")
}

// TestMemberListJSON: an array of member objects; --dept narrows to a
// subtree, --query searches by name, pinyin and initials.
func TestMemberListJSON(t *testing.T) {
	ok(t, "admin", "", "member", "add", "zhangsan@example.com", "--name", "张三", "--dept", "销售部/华东大区")
	var raw []map[string]any
	decode(t, ok(t, "admin", "", "member", "list", "--json"), &raw)
	for _, m := range raw {
		checkMemberObject(t, m)
	}
	var all []member
	decode(t, ok(t, "admin", "", "member", "list", "--json"), &all)
	if len(all) < 300 {
		t.Fatalf("member list --json has %d members; the demo company has over 300", len(all))
	}
	in := func(m member, path string) bool {
		return slices.ContainsFunc(m.Departments, func(d string) bool { return d == path || strings.HasPrefix(d, path+"/") })
	}

	parent := t
	t.Run("dept", func(t *testing.T) {
		inherit(t, parent)
		var sales []member
		decode(t, ok(t, "admin", "", "member", "list", "--dept", "销售部", "--json"), &sales)
		want := 0
		for _, m := range all {
			if in(m, "销售部") {
				want++
			}
		}
		if len(sales) != want || want == 0 {
			t.Errorf("member list --dept 销售部 has %d members; %d of all are in 销售部", len(sales), want)
		}
		for _, m := range sales {
			if !in(m, "销售部") {
				t.Errorf("%s in %v is listed under 销售部", m.Address, m.Departments)
			}
		}
		var root []member
		decode(t, ok(t, "admin", "", "member", "list", "--dept", "/", "--json"), &root)
		if len(root) != len(all) {
			t.Errorf("member list --dept / has %d, want everyone (%d)", len(root), len(all))
		}
	})

	t.Run("query", func(t *testing.T) {
		inherit(t, parent)
		for _, q := range []string{"zs", "zhangsan", "张三", "ZS", "ｚｓ"} {
			var found []struct {
				member
				Mobile string `json:"mobile"`
				Phone  string `json:"phone"`
			}
			decode(t, ok(t, "admin", "", "member", "list", "--query", q, "--json"), &found)
			if !slices.ContainsFunc(found, func(m struct {
				member
				Mobile string `json:"mobile"`
				Phone  string `json:"phone"`
			}) bool {
				return m.Address == "zhangsan@example.com"
			}) {
				t.Errorf("member list --query %s does not find 张三: %d results", q, len(found))
			}
			norm := model.NormalizeQuery(q)
			for _, m := range found {
				mm := &model.Member{Address: model.Address(m.Address), Name: m.Name, EmployeeID: m.EmployeeID, Mobile: m.Mobile, Phone: m.Phone}
				for _, a := range m.Aliases {
					mm.Aliases = append(mm.Aliases, model.Address(a))
				}
				if !slices.ContainsFunc(model.SearchKeys(mm), func(k string) bool { return strings.HasPrefix(k, norm) }) {
					t.Errorf("member list --query %s finds %s (%s), which it should not match", q, m.Address, m.Name)
				}
			}
		}
		var none []member
		decode(t, ok(t, "admin", "", "member", "list", "--query", "qqqqqqqq", "--json"), &none)
		if none == nil || len(none) != 0 {
			t.Errorf("a search that finds nobody prints %v, want []", none)
		}
		var both []member
		decode(t, ok(t, "admin", "", "member", "list", "--query", "zs", "--dept", "销售部/华东大区", "--json"), &both)
		for _, m := range both {
			if !in(m, "销售部/华东大区") {
				t.Errorf("--query zs --dept 销售部/华东大区 lists %s in %v", m.Address, m.Departments)
			}
		}
		if !slices.ContainsFunc(both, func(m member) bool { return m.Address == "zhangsan@example.com" }) {
			t.Errorf("--query zs --dept 销售部/华东大区 does not find 张三")
		}
	})
}

// TestQueryWithinDept: --query with --dept finds every match in the
// department, not only those among the first 50 matches company-wide.
func TestQueryWithinDept(t *testing.T) {
	var def, all []member
	decode(t, ok(t, "admin", "", "member", "list", "--query", "z", "--dept", "销售部/华南大区", "--json"), &def)
	decode(t, ok(t, "admin", "", "member", "list", "--query", "z", "--dept", "销售部/华南大区", "--limit", "1000", "--json"), &all)
	if len(all) < 50 && len(def) != len(all) {
		t.Errorf("--query z --dept 销售部/华南大区 finds %d with the default limit, %d with --limit 1000", len(def), len(all))
	}
}

// TestDeptListJSON: the tree, root first, each with path, name, depth,
// heads and a member count.
func TestDeptListJSON(t *testing.T) {
	var raw []map[string]any
	decode(t, ok(t, "admin", "", "dept", "list", "--json"), &raw)
	for _, d := range raw {
		for _, k := range []string{"path", "name", "depth", "heads", "members"} {
			if _, found := d[k]; !found {
				t.Errorf("department %v has no %q", d["path"], k)
			}
		}
	}
	var ds []struct {
		Path    string   `json:"path"`
		Name    string   `json:"name"`
		Depth   int      `json:"depth"`
		Heads   []string `json:"heads"`
		Officer string   `json:"officer"`
		Members int      `json:"members"`
	}
	decode(t, ok(t, "admin", "", "dept", "list", "--json"), &ds)
	if len(ds) == 0 || ds[0].Path != "/" || ds[0].Depth != 0 {
		t.Fatalf("the first department is %+v, want the root /", ds[0])
	}
	i := slices.IndexFunc(ds, func(d struct {
		Path    string   `json:"path"`
		Name    string   `json:"name"`
		Depth   int      `json:"depth"`
		Heads   []string `json:"heads"`
		Officer string   `json:"officer"`
		Members int      `json:"members"`
	}) bool {
		return d.Path == "销售部/华北大区/北京一组"
	})
	if i < 0 {
		t.Fatal("dept list does not show 销售部/华北大区/北京一组")
	}
	if d := ds[i]; d.Name != "北京一组" || d.Depth != 3 || !slices.Equal(d.Heads, []string{headAddr}) || d.Members != 22 {
		t.Errorf("北京一组 is %+v", d)
	}
	// Parents come before their children.
	seen := map[string]bool{}
	for _, d := range ds {
		if d.Path != "/" {
			if parent := d.Path[:max(0, strings.LastIndex(d.Path, "/"))]; parent != "" && !seen[parent] {
				t.Errorf("%s comes before its parent %s", d.Path, parent)
			}
		}
		seen[d.Path] = true
	}
	ok(t, "admin", "", "dept", "add", "销售部/西北大区")
	ok(t, "admin", "", "dept", "set", "销售部/西北大区", "--head", memberAddr, "--officer", memberAddr)
	out := ok(t, "admin", "", "dept", "list", "--json")
	if !strings.Contains(out, `"path": "销售部/西北大区"`) {
		t.Errorf("dept list does not show the new department")
	}
	// The new head is now an actor with the head role.
	if who := ok(t, "member", "", "whoami"); !strings.Contains(who, "head(销售部/西北大区)") {
		t.Errorf("whoami of the new head says %q", who)
	}
}

// TestGroupListJSON: an array with address, name, post, members and
// departments.
func TestGroupListJSON(t *testing.T) {
	ok(t, "admin", "", "group", "add", "north1@example.com", "--name", "北京一组全体", "--post", "members")
	ok(t, "admin", "", "group", "member", "add", "north1@example.com", "--dept", "销售部/华北大区/北京一组")
	ok(t, "admin", "", "group", "member", "add", "north1@example.com", techPerson)
	var raw []map[string]any
	decode(t, ok(t, "admin", "", "group", "list", "--json"), &raw)
	if len(raw) < 10 {
		t.Fatalf("group list --json has %d groups", len(raw))
	}
	for _, g := range raw {
		for _, k := range []string{"address", "name", "post", "members", "departments"} {
			if _, found := g[k]; !found {
				t.Errorf("group %v has no %q", g["address"], k)
			}
		}
	}
	var gs []struct {
		Address string   `json:"address"`
		Name    string   `json:"name"`
		Post    string   `json:"post"`
		Members []string `json:"members"`
		Depts   []string `json:"departments"`
	}
	decode(t, ok(t, "admin", "", "group", "list", "--json"), &gs)
	for _, g := range gs {
		if g.Address == "north1@example.com" {
			if g.Name != "北京一组全体" || g.Post != "members" || !slices.Equal(g.Members, []string{techPerson}) || !slices.Equal(g.Depts, []string{"销售部/华北大区/北京一组"}) {
				t.Errorf("the new group is %+v", g)
			}
			return
		}
	}
	t.Error("group list does not show north1@example.com")
}

// TestLogOpsJSON: an array, newest first, each with seq, actor, op and
// target; the record of a change names the door and source it came by.
func TestLogOpsJSON(t *testing.T) {
	ok(t, "subadmin", "", "member", "add", "zhangsan@example.com", "--name", "张三", "--dept", "销售部")
	var raw []map[string]any
	decode(t, ok(t, "auditor", "", "log", "ops", "--json"), &raw)
	if len(raw) != 100 {
		t.Errorf("log ops --json (default limit) has %d records, want 100", len(raw))
	}
	for _, r := range raw[:5] {
		for _, k := range []string{"seq", "actor", "op", "target", "time", "door"} {
			if _, found := r[k]; !found {
				t.Errorf("record %v has no %q", r["seq"], k)
			}
		}
	}
	recs := opLog(t, 3)
	if r := recs[0]; r.Op != "member.add" || r.Target != "zhangsan@example.com" || r.Actor != subadminAddr || r.Door != "ssh" {
		t.Errorf("the newest record is %+v, want member.add of zhangsan by %s via ssh", r, subadminAddr)
	}
	if recs[0].Seq != recs[1].Seq+1 || recs[1].Seq != recs[2].Seq+1 {
		t.Errorf("records are not newest first by seq: %d %d %d", recs[0].Seq, recs[1].Seq, recs[2].Seq)
	}
	var src []struct {
		Source string `json:"source"`
	}
	decode(t, ok(t, "admin", "", "log", "ops", "--limit", "1", "--json"), &src)
	if src[0].Source != "192.0.2.1" {
		t.Errorf("the record's source is %q, want 192.0.2.1", src[0].Source)
	}
	// Filters.
	var mine []opRecord
	decode(t, ok(t, "admin", "", "log", "ops", "--actor", subadminAddr, "--op", "member.", "--json"), &mine)
	if len(mine) != 1 || mine[0].Target != "zhangsan@example.com" {
		t.Errorf("log ops --actor %s --op member. gives %+v", subadminAddr, mine)
	}
	var none []opRecord
	decode(t, ok(t, "admin", "", "log", "ops", "--op", "no.such.op", "--json"), &none)
	if none == nil || len(none) != 0 {
		t.Errorf("a filter that matches nothing gives %v, want []", none)
	}
	refused(t, "admin", "", []string{"log", "ops", "--since", "yesterday"}, "2026-11-28")
}

// TestOpLogLength: the length of log ops --limit 0 --json is the newest
// seq and the record count of audit verify (which the tests' unchanged
// helper relies on).
func TestOpLogLength(t *testing.T) {
	all := opLog(t, 0)
	var rep struct {
		OK      bool   `json:"ok"`
		Records uint64 `json:"records"`
		Head    string `json:"head"`
	}
	decode(t, ok(t, "auditor", "", "audit", "verify", "--json"), &rep)
	if !rep.OK || uint64(len(all)) != rep.Records || all[0].Seq != rep.Records || all[len(all)-1].Seq != 1 || len(rep.Head) != 64 {
		t.Errorf("log ops --limit 0 has %d records (newest %d, oldest %d); audit verify says %+v", len(all), all[0].Seq, all[len(all)-1].Seq, rep)
	}
}

// TestLogLoginJSON: every login attempt is recorded with its result.
func TestLogLoginJSON(t *testing.T) {
	s := fx(t).s
	if _, err := s.Login(memberAddr, store.Credentials{Password: password(t, "member")}, model.LoginSSHPassword, "198.51.100.7", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(memberAddr, store.Credentials{Password: "wrong"}, model.LoginSMTP, "198.51.100.8", ""); err == nil {
		t.Fatal("a wrong password logged in")
	}
	var recs []struct {
		Address string `json:"address"`
		Source  string `json:"source"`
		Method  string `json:"method"`
		OK      bool   `json:"ok"`
		Reason  string `json:"reason"`
	}
	decode(t, ok(t, "auditor", "", "log", "login", "--json"), &recs)
	if len(recs) != 2 || recs[0].OK || recs[0].Method != "smtp" || recs[0].Source != "198.51.100.8" || !recs[1].OK || recs[1].Address != memberAddr {
		t.Errorf("log login --json gives %+v", recs)
	}
	decode(t, ok(t, "auditor", "", "log", "login", "--failed", "--json"), &recs)
	if len(recs) != 1 || recs[0].OK {
		t.Errorf("log login --failed gives %+v", recs)
	}
}

// TestBackupToStdout: backup writes a bbolt file that opens as a store
// holding the same members and an intact operation log.
func TestBackupToStdout(t *testing.T) {
	ok(t, "admin", "", "member", "add", "zhangsan@example.com", "--name", "张三", "--dept", "销售部")
	var all []member
	decode(t, ok(t, "admin", "", "member", "list", "--json"), &all)
	out := ok(t, "admin", "", "backup")
	if len(out) < 4096 {
		t.Fatalf("backup wrote %d bytes", len(out))
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := store.Open(path, storeOptions())
	if err != nil {
		t.Fatalf("the backup does not open as a store: %v", err)
	}
	defer b.Close()
	var n int
	if err := b.Read(func(r *store.Reader) error {
		n = r.Count().Members
		_, err := r.Member("zhangsan@example.com")
		return err
	}); err != nil {
		t.Errorf("the backup: %v", err)
	}
	if n != len(all) {
		t.Errorf("the backup holds %d members, member list %d", n, len(all))
	}
	if rep, err := b.VerifyAudit(); err != nil || !rep.OK || rep.Records != opCount(t) {
		t.Errorf("audit of the backup: %+v %v, want ok with %d records", rep, err, opCount(t))
	}

	// Over SSH a FILE is refused (it would be the server's); locally it is written.
	file := filepath.Join(t.TempDir(), "b.db")
	refused(t, "admin", "", []string{"backup", file}, "standard output")
	if _, errs, code := runLocal(t, "admin", "", "backup", file); code != 0 || !strings.Contains(errs, file) {
		t.Errorf("local backup FILE: exit %d, stderr %q", code, errs)
	}
	if st, err := os.Stat(file); err != nil || st.Size() == 0 {
		t.Errorf("the local backup file: %v", err)
	}
	// An existing file is not overwritten.
	if _, errs, code := runLocal(t, "admin", "", "backup", file); code != 1 || errs == "" {
		t.Errorf("a backup over an existing file: exit %d, stderr %q", code, errs)
	}
}

// TestAuditAfterHeavyUse: after many kinds of change by many people the
// hash chain verifies, and a record altered in the file is named.
func TestAuditAfterHeavyUse(t *testing.T) {
	var csv strings.Builder
	csv.WriteString("address,name,department,employee_id\n")
	for i := range 60 {
		fmt.Fprintf(&csv, "bulk%02d@example.com,批量%02d,销售部/华北大区/天津组,B%04d\n", i, i, i)
	}
	steps := []struct {
		as, stdin string
		args      []string
	}{
		{"admin", csv.String(), []string{"import", "members", "-"}},
		{"admin", "", []string{"dept", "add", "技术部/新组"}},
		{"admin", "", []string{"dept", "rename", "技术部/新组", "新平台组"}},
		{"admin", "", []string{"dept", "move", "技术部/新平台组", "技术部/研发中心"}},
		{"admin", "", []string{"member", "set", "bulk01@example.com", "--dept", "技术部/研发中心/新平台组", "--title", "工程师"}},
		{"admin", "", []string{"dept", "rm", "技术部/研发中心/新平台组", "--move-members-up"}},
		{"subadmin", "", []string{"member", "alias", "add", "bulk02@example.com", "b2@example.com"}},
		{"subadmin", "", []string{"member", "disable", "bulk03@example.com", "--reason", "离职"}},
		{"subadmin", "", []string{"member", "enable", "bulk03@example.com"}},
		{"subadmin", "", []string{"member", "rm", "bulk04@example.com"}},
		{"helpdesk", "", []string{"passwd", "reset", "bulk05@example.com", "--reason", "T-1"}},
		{"admin", "violet-river-stone-lamp\n", []string{"passwd", "set", "bulk06@example.com"}},
		{"member", "KEY", []string{"member", "key", "add", memberAddr, "-"}},
		{"admin", "", []string{"role", "grant", "bulk07@example.com", "helpdesk"}},
		{"admin", "", []string{"role", "revoke", "bulk07@example.com", "helpdesk"}},
		{"admin", "", []string{"group", "add", "bulk@example.com", "--name", "批量组"}},
		{"admin", "", []string{"group", "member", "add", "bulk@example.com", "--dept", "销售部/华北大区/天津组"}},
		{"admin", "", []string{"group", "set", "bulk@example.com", "--post", "anyone"}},
		{"admin", "", []string{"domain", "add", "example.org"}},
		{"admin", "", []string{"member", "add", "x@example.org", "--name", "某", "--dept", "销售部"}},
		{"admin", "", []string{"domain", "rm", "example.org", "--confirm", "example.org"}},
		{"admin", "", []string{"org", "set", "--phone", "010-65520001"}},
		{"admin", "", []string{"passwd", "policy", "set", "--preset", "seed"}},
		{"admin", "", []string{"import", "members", "-"}}, // stdin set below
	}
	// The last import gives every row a title, so each is a real update.
	last := &steps[len(steps)-1]
	var retitled strings.Builder
	retitled.WriteString("address,name,department,employee_id,title\n")
	for i := range 60 {
		if i == 4 {
			continue // deleted above
		}
		fmt.Fprintf(&retitled, "bulk%02d@example.com,批量%02d,销售部/华北大区/天津组,B%04d,专员\n", i, i, i)
	}
	last.stdin = retitled.String()
	before := opCount(t)
	for _, s := range steps {
		stdin := s.stdin
		if stdin == "KEY" {
			stdin = sshKey(t, 0)
		}
		ok(t, s.as, stdin, s.args...)
	}
	after := opCount(t)
	if after < before+60+60+20 {
		t.Errorf("the operation log grew from %d to only %d", before, after)
	}
	var rep struct {
		OK      bool   `json:"ok"`
		Records uint64 `json:"records"`
	}
	decode(t, ok(t, "auditor", "", "audit", "verify", "--json"), &rep)
	if !rep.OK || rep.Records != after {
		t.Errorf("audit verify after heavy use: %+v, want ok with %d records", rep, after)
	}
	// The log an auditor reads holds no password hashes or passwords.
	full := ok(t, "auditor", "", "log", "ops", "--limit", "0", "--json", "-v")
	for _, secret := range []string{"$argon2id$", "violet-river-stone-lamp"} {
		if strings.Contains(full, secret) {
			t.Errorf("log ops --json holds %q", secret)
		}
	}

	// Alter one record in a copy of the file: verify names it.
	f := fx(t)
	path := filepath.Join(t.TempDir(), "tampered.db")
	if _, err := f.s.BackupFile(path); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	const victim = 200
	if err := db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("oplog"))
		key := make([]byte, 8)
		key[7], key[6] = victim%256, victim/256
		v := b.Get(key)
		if v == nil {
			return fmt.Errorf("no oplog record %d", victim)
		}
		sum, body, err := store.DecodeOpValue(v)
		if err != nil {
			return err
		}
		altered := store.EncodeOpValue(bytes.Replace(bytes.Clone(body), []byte(`"target":"`), []byte(`"target":"x`), 1))
		copy(altered, sum) // the hash it had
		return b.Put(key, altered)
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ts, err := store.Open(path, storeOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer ts.Close()
	var actor model.Actor
	ts.Read(func(r *store.Reader) error { actor, err = r.Actor(auditorAddr, model.DoorSSH, "192.0.2.1"); return err })
	var out, errb bytes.Buffer
	code := cmd.Run(&cmd.Env{Actor: actor, Store: ts, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, []string{"audit", "verify", "--json"})
	var bad struct {
		OK     bool   `json:"ok"`
		BadSeq uint64 `json:"bad_seq"`
		Reason string `json:"reason"`
	}
	decode(t, out.String(), &bad)
	if code != 1 || bad.OK || bad.BadSeq != victim || !strings.Contains(errb.String(), fmt.Sprintf("record %d", victim)) || !strings.Contains(errb.String(), "altered") {
		t.Errorf("audit verify of an altered record %d: exit %d, %+v, stderr %q", victim, code, bad, errb.String())
	}
}
