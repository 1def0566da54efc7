package store_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

// TestInitCreatesTheCompany: after init there is one enterprise, its domain,
// the root department carrying its name and one admin who can log in.
func TestInitCreatesTheCompany(t *testing.T) {
	t.Parallel()
	s, admin := newTestStore(t)
	if !s.Initialized() {
		t.Fatal("Initialized() = false after init")
	}
	if admin.Address != adminAddr || admin.Name != "管理员" || admin.Top() != model.RoleAdmin {
		t.Errorf("admin actor = %+v, want %s, 管理员, admin", admin, adminAddr)
	}
	err := s.Read(func(r *store.Reader) error {
		e, err := r.Enterprise()
		if err != nil {
			return err
		}
		if e.Name != "示例科技有限公司" {
			t.Errorf("enterprise name = %q", e.Name)
		}
		if !r.IsLocal("example.com") {
			t.Error("example.com is not a local domain")
		}
		root, err := r.DeptByPath("/")
		if err != nil {
			return err
		}
		if root.ID != model.RootDept || root.Name != "示例科技有限公司" {
			t.Errorf("root = %+v, want id %d named after the enterprise", root, model.RootDept)
		}
		admins, err := r.Admins()
		if err != nil {
			return err
		}
		if !slices.Equal(admins, []model.Address{adminAddr}) {
			t.Errorf("admins = %v, want [%s]", admins, adminAddr)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(string(adminAddr), store.Credentials{Password: adminPassword}, model.LoginLocal, "local", ""); err != nil {
		t.Errorf("the admin cannot log in with the init password: %v", err)
	}
	if err := s.Apply(model.System(model.DoorCLI), &model.InitEnterprise{Name: "又一家", Domain: "example.com", Admin: adminAddr}); err == nil {
		t.Error("a second init was allowed")
	} else {
		refused(t, err, model.ErrExists, "already holds the enterprise", "use another --data directory")
	}
	if err := s.Apply(admin, &model.InitEnterprise{Name: "又一家", Domain: "example.org", Admin: "a@example.org"}); err == nil {
		t.Error("an admin ran init")
	} else {
		refused(t, err, model.ErrForbidden, "only postroom init")
	}
}

// TestOpenRefusesAFileInUse: a second Open of the same file gives up after
// its timeout with ErrLocked (bbolt's flock conflicts between two open file
// descriptions, even in one process), so the local CLI can say that
// `postroom serve` holds the data.
func TestOpenRefusesAFileInUse(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	start := time.Now()
	s, err := store.Open(f.path, store.Options{Timeout: 100 * time.Millisecond})
	if err == nil {
		s.Close()
		t.Skip("this platform's file lock does not conflict within one process; the lock timeout cannot be tested here")
	}
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Errorf("second open waited %s, want about the 100ms timeout", waited)
	}
	f.close()
	s, err = store.Open(f.path, store.Options{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("open after the first store closed: %v", err)
	}
	s.Close()
}

// TestBackupIsAWorkingCopy: a backup taken while the store is open opens as
// a store of its own, with the same data and an intact audit chain.
func TestBackupIsAWorkingCopy(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.org()
	f.addMember("zhangsan@example.com", "张三", "销售部/华北大区")
	want, err := f.s.VerifyAudit()
	if err != nil || !want.OK {
		t.Fatalf("verify the original: %+v, %v", want, err)
	}

	var buf bytes.Buffer
	n, err := f.s.Backup(&buf)
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if n != int64(buf.Len()) || n == 0 {
		t.Errorf("backup reported %d bytes, wrote %d", n, buf.Len())
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(copyPath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// The original stays open and writable while the copy is used.
	f.addMember("lisi@example.com", "李四", "技术部")

	c, err := store.Open(copyPath, store.Options{Now: f.clock.Now, Argon: fastArgon, NoSync: true})
	if err != nil {
		t.Fatalf("open the backup: %v", err)
	}
	defer c.Close()
	err = c.Read(func(r *store.Reader) error {
		m, err := r.Member("zhangsan@example.com")
		if err != nil {
			return err
		}
		if m.Name != "张三" || r.DeptPath(m.Depts[0]) != "销售部/华北大区" {
			t.Errorf("member in the backup = %s in %s", m.Name, r.DeptPath(m.Depts[0]))
		}
		if _, err := r.Member("lisi@example.com"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("a member added after the backup is in it: %v", err)
		}
		if got, err := r.Search("张三", 10, nil); err != nil || len(got) != 1 {
			t.Errorf("search in the backup found %d members, want 1", len(got))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.VerifyAudit()
	if err != nil || !got.OK {
		t.Fatalf("verify the backup: %+v, %v", got, err)
	}
	if got.Records != want.Records || got.Head != want.Head {
		t.Errorf("backup log = %d records, head %s; want %d, %s", got.Records, got.Head, want.Records, want.Head)
	}
	if _, err := c.Login("zhangsan@example.com", store.Credentials{Password: memberPassword}, model.LoginLocal, "local", ""); err != nil {
		t.Errorf("login against the backup: %v", err)
	}
}

// TestBackupFileRefusesToOverwrite: BackupFile writes a new file only.
func TestBackupFileRefusesToOverwrite(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	path := filepath.Join(t.TempDir(), "backup.db")
	if _, err := f.s.BackupFile(path); err != nil {
		t.Fatalf("backup file: %v", err)
	}
	if _, err := f.s.BackupFile(path); err == nil {
		t.Error("a second backup overwrote the first")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode = %v, want 0600", fi.Mode().Perm())
	}
}

// TestApplyAllDryRun runs every change and keeps none of them.
func TestApplyAllDryRun(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.org()
	before := f.snap()
	changes := []model.Change{
		&model.AddDept{Path: "市场部"},
		&model.AddMember{Address: "wangwu@example.com", Fields: model.MemberFields{Name: "王五", Depts: []string{"市场部"}}, Password: memberPassword},
		&model.GrantRole{Address: "wangwu@example.com", Role: model.RoleHelpdesk},
	}
	failed, err := f.s.ApplyAll(f.admin, changes, store.ApplyOptions{DryRun: true})
	if err != nil || len(failed) != 0 {
		t.Fatalf("dry run: %v, %v; want every change to pass", failed, err)
	}
	f.unchanged(before)
	if f.deptExists("市场部") {
		t.Error("the dry run created 市场部")
	}

	// A dry run still reports what would fail.
	failed, err = f.s.ApplyAll(f.admin, []model.Change{&model.AddDept{Path: "技术部"}}, store.ApplyOptions{DryRun: true})
	if err != nil || len(failed) != 1 || failed[0].Index != 0 {
		t.Fatalf("dry run of a duplicate: %v, %v; want change 0 to fail", failed, err)
	}
	refused(t, failed[0].Err, model.ErrExists, "技术部 already exists")
	f.unchanged(before)
}

// TestApplyAllKeepGoing reports every failing change by its index, and keeps
// none of the ones that passed.
func TestApplyAllKeepGoing(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.org()
	before := f.snap()
	changes := []model.Change{
		0: &model.AddDept{Path: "市场部"},
		1: &model.AddDept{Path: "技术部"}, // exists
		2: &model.AddMember{Address: "wangwu@example.com", Fields: model.MemberFields{Name: "王五"}},
		3: &model.AddMember{Address: "zhaoliu@other.com", Fields: model.MemberFields{Name: "赵六"}},                    // unknown domain
		4: &model.AddMember{Address: "sunqi@example.com", Fields: model.MemberFields{Name: "孙七"}, Password: "short"}, // under the policy
		5: &model.DisableMember{Address: "nobody@example.com"},                                                       // no such member
	}
	failed, err := f.s.ApplyAll(f.admin, changes, store.ApplyOptions{KeepGoing: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]error{}
	for _, fe := range failed {
		got[fe.Index] = fe.Err
	}
	want := map[int]struct {
		kind error
		says string
	}{
		1: {model.ErrExists, "技术部 already exists"},
		3: {model.ErrInvalid, "add the domain other.com first"},
		4: {model.ErrInvalid, "password too short"},
		5: {model.ErrNotFound, "no member nobody@example.com"},
	}
	if len(got) != len(want) {
		t.Errorf("failed indexes = %v, want %v", sortedKeys(got), sortedKeys(want))
	}
	for i, w := range want {
		err, ok := got[i]
		if !ok {
			t.Errorf("change %d was not reported", i)
			continue
		}
		refused(t, err, w.kind, w.says)
	}
	f.unchanged(before)

	// Without KeepGoing the first failure stops the run.
	failed, err = f.s.ApplyAll(f.admin, changes, store.ApplyOptions{})
	if err != nil || len(failed) != 1 {
		t.Fatalf("without KeepGoing: %v, %v; want exactly one failure", failed, err)
	}
	f.unchanged(before)
}

func sortedKeys[V any](m map[int]V) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestEventsAfterCommit: a subscriber hears of a committed change, and of
// nothing that was refused or only tried.
func TestEventsAfterCommit(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	events, stop := f.s.Subscribe()
	defer stop()

	f.apply(f.admin, &model.AddMember{Address: "zhangsan@example.com", Fields: model.MemberFields{Name: "张三"}})
	select {
	case e := <-events:
		if e.Kind != "member" || e.Key != "zhangsan@example.com" {
			t.Errorf("event = %+v, want member zhangsan@example.com", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event after a committed change")
	}

	_ = f.s.Apply(f.admin, &model.AddMember{Address: "zhangsan@example.com", Fields: model.MemberFields{Name: "张三"}})
	_, _ = f.s.ApplyAll(f.admin, []model.Change{&model.AddMember{Address: "lisi@example.com", Fields: model.MemberFields{Name: "李四"}}}, store.ApplyOptions{DryRun: true})
	select {
	case e := <-events:
		t.Errorf("event %+v after a refused change and a dry run", e)
	default:
	}

	stop()
	if _, open := <-events; open {
		t.Error("the channel stays open after the subscription ended")
	}
}

// TestQueueDecisionEvent: a decision on the queue (a held message released
// by its approver, everything retried by an admin) tells subscribers, so
// other sessions' queue and Home reload; a refused one tells nobody.
func TestQueueDecisionEvent(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.addMember("head@example.com", "王经理")
	f.addMember("zhangsan@example.com", "张三")
	head, stranger := f.actor("head@example.com"), f.actor("zhangsan@example.com")
	events, stop := f.s.Subscribe()
	defer stop()

	for _, c := range []struct {
		actor model.Actor
		d     *store.QueueDecision
	}{
		{head, &store.QueueDecision{Action: "release", ID: "0190a1b2c3d4e5f60708", Approver: "head@example.com"}},
		{f.admin, &store.QueueDecision{Action: "retry", ID: "all"}},
	} {
		f.apply(c.actor, c.d)
		select {
		case e := <-events:
			if e.Kind != "queue" || e.Key != c.d.ID {
				t.Errorf("%s %s: event %+v, want queue %s", c.d.Op(), c.d.ID, e, c.d.ID)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s %s: no event", c.d.Op(), c.d.ID)
		}
	}

	if err := f.s.Apply(stranger, &store.QueueDecision{Action: "reject", ID: "0190a1b2c3d4e5f60708", Approver: "head@example.com"}); err == nil {
		t.Fatal("a member who is not the approver rejected held mail")
	}
	select {
	case e := <-events:
		t.Errorf("event %+v after a refused decision", e)
	default:
	}
}
