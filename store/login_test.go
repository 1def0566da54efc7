package store_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

const zhangsan model.Address = "zhangsan@example.com"

// loginCompany has 张三 with memberPassword and a helpdesk hd@.
func loginCompany(t *testing.T) (*company, model.Actor) {
	t.Helper()
	f := newCompany(t)
	f.addMember(zhangsan, "张三")
	f.addMember("hd@example.com", "服务台")
	return f, f.grant("hd@example.com", model.RoleHelpdesk, "")
}

func (f *company) login(user, password, source string) (*model.Member, error) {
	return f.s.Login(user, store.Credentials{Password: password}, model.LoginSSHPassword, source, "")
}

// TestLoginWithTheRightPassword: by address in any case, or by alias; the
// login log says who, when, from where, from which site and how.
func TestLoginWithTheRightPassword(t *testing.T) {
	t.Parallel()
	f, _ := loginCompany(t)
	f.apply(f.admin, &model.AddAlias{Address: zhangsan, Alias: "zs@example.com"})
	for _, user := range []string{"zhangsan@example.com", "ZhangSan@Example.com", "zs@example.com"} {
		f.clock.Advance(time.Minute)
		m, err := f.s.Login(user, store.Credentials{Password: memberPassword}, model.LoginSMTP, "192.0.2.7", "北京办公室")
		if err != nil {
			t.Fatalf("login as %s: %v", user, err)
		}
		if m.Address != zhangsan {
			t.Errorf("login as %s gave %s", user, m.Address)
		}
		rec := f.logins()[0]
		want := store.LoginRecord{Seq: rec.Seq, Time: f.clock.Now(), Address: zhangsan, Source: "192.0.2.7", Site: "北京办公室", Method: model.LoginSMTP, OK: true}
		if rec != want {
			t.Errorf("login record = %+v, want %+v", rec, want)
		}
	}
}

// TestLoginRefusals all say the same for an unknown account and a wrong
// password, and each is in the login log.
func TestLoginRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		user     string
		password string
		says     string
		logged   model.Address
	}{
		{"wrong password", "zhangsan@example.com", "not the password at all", "wrong address or password", zhangsan},
		{"unknown account", "nobody@example.com", memberPassword, "wrong address or password", "nobody@example.com"},
		{"not an address", "zhangsan", memberPassword, "wrong address or password", "zhangsan"},
		{"empty password", "zhangsan@example.com", "", "wrong address or password", zhangsan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, _ := loginCompany(t)
			ops := len(f.ops())
			_, err := f.login(tt.user, tt.password, "192.0.2.7")
			refused(t, err, model.ErrAuth, tt.says)
			if err != nil && err.Error() != "wrong address or password" {
				t.Errorf("refusal %q tells more than that the address or password is wrong", err)
			}
			rec := f.logins()[0]
			if rec.OK || rec.Address != tt.logged || rec.Source != "192.0.2.7" || rec.Method != model.LoginSSHPassword || rec.Reason == "" {
				t.Errorf("login record = %+v", rec)
			}
			if n := len(f.ops()); n != ops {
				t.Errorf("a failed login wrote %d operation records", n-ops)
			}
		})
	}
}

// TestLoginDelaysGrow (ACC-4): after a third failure the next try must
// wait 1 s, then 2, 4, … at most 60 s; a try too early is refused without
// counting as a failure.
func TestLoginDelaysGrow(t *testing.T) {
	t.Parallel()
	f, _ := loginCompany(t)
	wait := []time.Duration{0, 0, 0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, 60 * time.Second}
	for failures, d := range wait {
		if got := model.LoginDelay(failures); got != d {
			t.Errorf("LoginDelay(%d) = %s, want %s", failures, got, d)
		}
		// A new source each time: this is about the account, not the source.
		source := fmt.Sprintf("10.0.%d.1", failures)
		if d > 0 {
			f.clock.Advance(d / 2)
			_, err := f.login(string(zhangsan), memberPassword, source)
			refused(t, err, model.ErrAuth, "too many failed logins for zhangsan@example.com", fmt.Sprintf("wait %s and try again", (d/2).Round(time.Second)))
			f.clock.Advance(d/2 - time.Millisecond)
			_, err = f.login(string(zhangsan), memberPassword, source)
			refused(t, err, model.ErrAuth, "too many failed logins")
			if got := f.member(zhangsan).Password.Failures; got != failures {
				t.Errorf("tries that came too early counted: %d failures, want %d", got, failures)
			}
			f.clock.Advance(time.Millisecond)
		}
		_, err := f.login(string(zhangsan), "wrong password number "+fmt.Sprint(failures), source+"0")
		refused(t, err, model.ErrAuth, "wrong address or password")
		m := f.member(zhangsan)
		if m.Password.Failures != failures+1 || !m.Password.LastFail.Equal(f.clock.Now()) {
			t.Errorf("after failure %d: %d failures, last at %v", failures+1, m.Password.Failures, m.Password.LastFail)
		}
		if failures+1 < 10 && m.Status != model.StatusActive {
			t.Fatalf("locked after %d failures, the policy says 10", failures+1)
		}
	}
}

// fail makes n more logins fail with a wrong password, each after the
// delay the account's failures ask for, from the source 10.1.0.FAILURES.
func (f *company) fail(addr model.Address, n int) {
	f.t.Helper()
	for range n {
		failures := f.member(addr).Password.Failures
		f.clock.Advance(model.LoginDelay(failures))
		_, err := f.login(string(addr), "wrong", fmt.Sprintf("10.1.0.%d", failures))
		if !errors.Is(err, model.ErrAuth) || err.Error() != "wrong address or password" {
			f.t.Fatalf("failure %d: %v", failures+1, err)
		}
	}
}

// TestLockAfterTooManyFailures (ACC-4): at the policy's LockAfter the
// account locks, even the right password is refused, the lock is in the
// operation log, and the helpdesk lifts it.
func TestLockAfterTooManyFailures(t *testing.T) {
	t.Parallel()
	f, helpdesk := loginCompany(t)
	pol := f.policy()
	if pol.LockAfter != 10 || pol.LockFor != 15*time.Minute {
		t.Fatalf("policy locks after %d for %s, the nist preset says 10 for 15m", pol.LockAfter, pol.LockFor)
	}
	f.fail(zhangsan, pol.LockAfter-1)
	if m := f.member(zhangsan); m.Status != model.StatusActive {
		t.Fatalf("locked after %d failures", pol.LockAfter-1)
	}
	ops := len(f.ops())
	f.fail(zhangsan, 1)
	m := f.member(zhangsan)
	if m.Status != model.StatusLocked || m.Reason != "too many failed logins" || !m.Password.LockedUntil.Equal(f.clock.Now().Add(15*time.Minute)) {
		t.Fatalf("after %d failures: status %s, reason %q, locked until %v", m.Password.Failures, m.Status, m.Reason, m.Password.LockedUntil)
	}
	if n := len(f.ops()); n != ops+1 {
		t.Fatalf("the lock wrote %d operation records, want 1", n-ops)
	}
	rec := f.lastOp()
	if rec.Op != "member.lock" || rec.Target != string(zhangsan) || rec.Actor != "" || rec.Name != "postroom" || rec.Source != "10.1.0.9" {
		t.Errorf("lock record = %s %s by %q %q from %q", rec.Op, rec.Target, rec.Actor, rec.Name, rec.Source)
	}

	f.clock.Advance(time.Minute + model.LoginDelay(10))
	_, err := f.login(string(zhangsan), memberPassword, "192.0.2.7")
	refused(t, err, model.ErrAuth, "zhangsan@example.com is locked", "or until the helpdesk unlocks it")

	f.apply(helpdesk, &model.Unlock{Address: zhangsan, Reason: "本人来电确认"})
	m = f.member(zhangsan)
	if m.Status != model.StatusActive || m.Password.Failures != 0 || !m.Password.LockedUntil.IsZero() {
		t.Errorf("after unlock: status %s, %d failures, locked until %v", m.Status, m.Password.Failures, m.Password.LockedUntil)
	}
	if rec := f.lastOp(); rec.Op != "member.unlock" || rec.Actor != "hd@example.com" {
		t.Errorf("unlock record = %s by %s", rec.Op, rec.Actor)
	}
	if _, err := f.login(string(zhangsan), memberPassword, "192.0.2.7"); err != nil {
		t.Errorf("login after unlock: %v", err)
	}

	before := f.snap()
	err = f.s.Apply(helpdesk, &model.Unlock{Address: zhangsan})
	refused(t, err, model.ErrConflict, "zhangsan@example.com is not locked")
	f.unchanged(before)
}

// TestLockRunsOut: with LockFor set, the lock lifts by itself.
func TestLockRunsOut(t *testing.T) {
	t.Parallel()
	f, _ := loginCompany(t)
	f.fail(zhangsan, 10)
	if f.member(zhangsan).Status != model.StatusLocked {
		t.Fatal("not locked after 10 failures")
	}
	f.clock.Advance(15*time.Minute - time.Second)
	_, err := f.login(string(zhangsan), memberPassword, "192.0.2.7")
	refused(t, err, model.ErrAuth, "locked")
	f.clock.Advance(time.Second)
	if _, err := f.login(string(zhangsan), memberPassword, "192.0.2.7"); err != nil {
		t.Fatalf("login when the lock ran out: %v", err)
	}
	if m := f.member(zhangsan); m.Status != model.StatusActive || m.Password.Failures != 0 {
		t.Errorf("after the lock ran out: status %s, %d failures", m.Status, m.Password.Failures)
	}
}

// TestSourceThrottle (ACC-4): a source that keeps failing, whatever account
// it tries, must wait; other sources are not held up.
func TestSourceThrottle(t *testing.T) {
	t.Parallel()
	f, _ := loginCompany(t)
	const bad = "203.0.113.5"
	for i := 0; i < 10; i++ {
		if _, err := f.login(fmt.Sprintf("guess%d@example.com", i), "123456", bad); err == nil {
			t.Fatal("a guess logged in")
		}
	}
	_, err := f.login(string(zhangsan), memberPassword, bad)
	refused(t, err, model.ErrAuth, "too many failed logins from 203.0.113.5", "wait 1s")
	if rec := f.logins()[0]; rec.OK || rec.Source != bad || rec.Reason != "source throttled" {
		t.Errorf("throttled attempt logged as %+v", rec)
	}
	if _, err := f.login(string(zhangsan), memberPassword, "192.0.2.7"); err != nil {
		t.Errorf("another source is held up: %v", err)
	}
	f.clock.Advance(time.Second)
	if _, err := f.login(string(zhangsan), memberPassword, bad); err != nil {
		t.Errorf("after the wait: %v", err)
	}
}

// TestResetForcesAChange (ACC-3): the one-time password logs in once the
// reset is done, the old one no longer does, and the member must choose a
// new password first.
func TestResetForcesAChange(t *testing.T) {
	t.Parallel()
	f, helpdesk := loginCompany(t)
	reset := &model.ResetPassword{Address: zhangsan, Reason: "工单 #4711", Verified: "视频核对工牌"}
	f.apply(helpdesk, reset)
	if len(reset.OneTime) != len("kq7m-x4tp-9ahw-c3nr-e8vb") {
		t.Fatalf("one-time password %q", reset.OneTime)
	}
	rec := f.lastOp()
	if !slices.Equal(rec.Notes, []store.Note{{Key: "reason", Value: "工单 #4711"}, {Key: "verified", Value: "视频核对工牌"}}) {
		t.Errorf("reset record notes = %v, want who asked and how they were verified", rec.Notes)
	}
	if _, err := f.login(string(zhangsan), memberPassword, "192.0.2.7"); err == nil {
		t.Error("the old password still logs in")
	}
	m, err := f.login(string(zhangsan), reset.OneTime, "192.0.2.7")
	if err != nil {
		t.Fatalf("login with the one-time password: %v", err)
	}
	pol := f.policy()
	due, why := model.PasswordDue(m, pol, f.clock.Now())
	if !m.Password.MustChange || !due || why == "" {
		t.Errorf("after a reset: must change %v, due %v (%q)", m.Password.MustChange, due, why)
	}

	before := f.snap()
	err = f.s.Apply(helpdesk, &model.ResetPassword{Address: zhangsan})
	refused(t, err, model.ErrInvalid, "needs a reason or ticket number")
	f.unchanged(before)
}

// TestLoginLogRecordsEveryAttempt (LOG-2): time, address, source, site,
// method and result of every attempt, by any door.
func TestLoginLogRecordsEveryAttempt(t *testing.T) {
	t.Parallel()
	f, _ := loginCompany(t)
	add := &model.AddKey{Address: zhangsan, Line: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl zs@laptop"}
	f.apply(f.admin, add)
	attempts := []struct {
		cred   store.Credentials
		method model.LoginMethod
		source string
		ok     bool
	}{
		{store.Credentials{KeyFingerprint: add.Fingerprint}, model.LoginSSHKey, "198.51.100.1", true},
		{store.Credentials{KeyFingerprint: "SHA256:unknown"}, model.LoginSSHKey, "198.51.100.2", false},
		{store.Credentials{Password: memberPassword}, model.LoginSMTP, "198.51.100.3", true},
		{store.Credentials{Password: "wrong"}, model.LoginSMTP, "198.51.100.4", false},
		{store.Credentials{Password: memberPassword}, model.LoginLocal, "local", true},
	}
	for i, a := range attempts {
		f.clock.Advance(time.Minute)
		_, err := f.s.Login(string(zhangsan), a.cred, a.method, a.source, "site")
		if (err == nil) != a.ok {
			t.Errorf("attempt %d: %v, want ok %v", i, err, a.ok)
		}
	}
	recs := f.logins()
	if len(recs) != len(attempts) {
		t.Fatalf("%d login records, want %d", len(recs), len(attempts))
	}
	for i, a := range attempts {
		rec := recs[len(recs)-1-i]
		if rec.Address != zhangsan || rec.Method != a.method || rec.Source != a.source || rec.Site != "site" || rec.OK != a.ok ||
			!rec.Time.Equal(epoch.Add(time.Duration(i+1)*time.Minute)) {
			t.Errorf("record of attempt %d = %+v", i, rec)
		}
		if !a.ok && rec.Reason == "" {
			t.Errorf("record of failed attempt %d has no reason", i)
		}
	}
	var failed []store.LoginRecord
	f.s.Read(func(r *store.Reader) error {
		var err error
		failed, err = r.LoginLog(store.LoginFilter{Address: zhangsan, Failed: true})
		return err
	})
	if len(failed) != 2 {
		t.Errorf("LoginLog(failed) = %d records, want 2", len(failed))
	}
}

// TestLoginDoesNotUndoAChangeMadeMeanwhile: Login reads the member, checks
// the password (slow), then writes the member back (a failure count, or a
// new hash after a parameter change). Whatever an admin changed in between
// must survive.
func TestLoginDoesNotUndoAChangeMadeMeanwhile(t *testing.T) {
	t.Parallel()
	f, _ := loginCompany(t)
	// Reopen with other hash parameters, so a successful login re-hashes the
	// password, reading randomness for the salt while no transaction is open.
	f.close()
	opt := f.options()
	opt.Argon.Memory = 128
	f.open(opt)
	var disabled error
	f.rand.runBeforeNextRead(func() {
		disabled = f.s.Apply(f.admin, &model.DisableMember{Address: zhangsan, Reason: "账号被盗用"})
	})
	// The account was disabled while its password was being checked: the
	// login is refused after all, and the disable stays.
	if _, err := f.login(string(zhangsan), memberPassword, "192.0.2.7"); err == nil || !strings.Contains(err.Error(), "disabled") {
		t.Fatalf("login during a disable = %v, want a refusal that says the account is disabled", err)
	}
	if disabled != nil {
		t.Fatalf("disable during the login: %v", disabled)
	}
	if rec := f.lastOp(); rec.Op != "member.disable" {
		t.Fatalf("the disable did not run during the login (last op %s)", rec.Op)
	}
	if m := f.member(zhangsan); m.Status != model.StatusDisabled {
		t.Errorf("after the login the member is %s; the admin disabled them meanwhile", m.Status)
	}
}

// TestLockRecordNamesTheDoor: the operation-log record of an automatic lock
// says the door the failed logins came through, as every record does.
func TestLockRecordNamesTheDoor(t *testing.T) {
	t.Parallel()
	f, _ := loginCompany(t)
	f.fail(zhangsan, 10)
	rec := f.lastOp()
	if rec.Op != "member.lock" {
		t.Fatalf("last op %s, want member.lock", rec.Op)
	}
	if rec.Door != model.DoorSSH {
		t.Errorf("the lock after failed SSH password logins is logged with door %q, want %q", rec.Door, model.DoorSSH)
	}
}

// TestMembersByStatus: listing by status finds exactly the members in it
// (the bytes are looked at before a record is decoded), whatever else a
// record says about status.
func TestMembersByStatus(t *testing.T) {
	t.Parallel()
	f, _ := loginCompany(t)
	f.addMember("off@example.com", "停用")
	f.apply(f.admin, &model.DisableMember{Address: "off@example.com", Reason: `note "status":"locked"`})
	f.fail(zhangsan, 10)
	for _, c := range []struct {
		status model.Status
		want   []model.Address
	}{
		{model.StatusLocked, []model.Address{zhangsan}},
		{model.StatusDisabled, []model.Address{"off@example.com"}},
		{model.StatusReclaimed, nil},
	} {
		var got []model.Address
		if err := f.s.Read(func(r *store.Reader) error {
			ms, err := r.Members(store.MemberFilter{Status: c.status})
			for _, m := range ms {
				got = append(got, m.Address)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.status, got, c.want)
		}
	}
}
