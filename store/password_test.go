package store_test

import (
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

const (
	secondPassword = "lanterns drift over the quiet lake"
	thirdPassword  = "seven orange kites above the harbour"
)

// TestChangePasswordRefusals (ACC-2, ACC-8): the old password must be
// right, the new one must meet the policy and not be a recent one, and only
// the member changes their own. Each case starts with 张三 having changed
// memberPassword to secondPassword, so memberPassword is in the history.
func TestChangePasswordRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		by     model.Address
		change model.ChangePassword
		kind   error
		says   []string
	}{
		{"the wrong old password", zhangsan,
			model.ChangePassword{Old: memberPassword, New: thirdPassword},
			model.ErrAuth, []string{"the current password is wrong", "ask the helpdesk for a reset"}},
		{"a new password under the policy", zhangsan,
			model.ChangePassword{Old: secondPassword, New: "Short1!"},
			model.ErrInvalid, []string{"password too short", "at least 15"}},
		{"a common password", zhangsan,
			model.ChangePassword{Old: secondPassword, New: "correct horse battery staple"},
			model.ErrInvalid, []string{"common password"}},
		{"a password made of the name", zhangsan,
			model.ChangePassword{Old: secondPassword, New: "zhangsan@example.com2026"},
			model.ErrInvalid, []string{"built from your own details"}},
		{"the same password again", zhangsan,
			model.ChangePassword{Old: secondPassword, New: secondPassword},
			model.ErrInvalid, []string{"same as the current one"}},
		{"the previous password", zhangsan,
			model.ChangePassword{Old: secondPassword, New: memberPassword},
			model.ErrInvalid, []string{"used this password recently", "last 5"}},
		{"someone else's password, with their right old password", "lisi@example.com",
			model.ChangePassword{Old: secondPassword, New: thirdPassword},
			model.ErrForbidden, []string{"only zhangsan@example.com may change their own password", "passwd reset"}},
		{"someone else's password, even as admin", adminAddr,
			model.ChangePassword{Old: secondPassword, New: thirdPassword},
			model.ErrForbidden, []string{"only zhangsan@example.com may change their own password"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newCompany(t)
			f.addMember(zhangsan, "张三")
			f.addMember("lisi@example.com", "李四")
			f.apply(f.actor(zhangsan), &model.ChangePassword{Address: zhangsan, Old: memberPassword, New: secondPassword})
			before := f.snap()
			change := tt.change
			change.Address = zhangsan
			err := f.s.Apply(f.actor(tt.by), &change)
			refused(t, err, tt.kind, tt.says...)
			f.unchanged(before)
			if _, err := f.login(string(zhangsan), secondPassword, "192.0.2.7"); err != nil {
				t.Errorf("the password changed after a refusal: %v", err)
			}
		})
	}
}

// TestChangePassword: the new password logs in, the old one does not, the
// change time is the store's clock and a forced change is done.
func TestChangePassword(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.apply(f.admin, &model.AddMember{Address: zhangsan, Fields: model.MemberFields{Name: "张三"}, Password: memberPassword, MustChange: true})
	f.clock.Advance(48 * time.Hour)
	f.apply(f.actor(zhangsan), &model.ChangePassword{Address: zhangsan, Old: memberPassword, New: secondPassword})
	m := f.member(zhangsan)
	if !m.Password.Changed.Equal(f.clock.Now()) || m.Password.MustChange || len(m.Password.History) != 1 {
		t.Errorf("after the change: changed %v (want %v), must change %v, %d old hashes kept", m.Password.Changed, f.clock.Now(), m.Password.MustChange, len(m.Password.History))
	}
	if rec := f.lastOp(); rec.Op != "password.change" || rec.Actor != zhangsan {
		t.Errorf("last op = %s by %s, want password.change by the member", rec.Op, rec.Actor)
	}
	if _, err := f.login(string(zhangsan), memberPassword, "192.0.2.7"); err == nil {
		t.Error("the old password still logs in")
	}
	if _, err := f.login(string(zhangsan), secondPassword, "192.0.2.7"); err != nil {
		t.Errorf("the new password does not log in: %v", err)
	}
}

// TestPasswordHistoryFollowsThePolicy: with the nist preset's 5, none of
// the five passwords before the current one may come back; the sixth may.
func TestPasswordHistoryFollowsThePolicy(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.addMember(zhangsan, "张三")
	zs := f.actor(zhangsan)
	passwords := []string{memberPassword, "first of several long passphrases", "second of several long passphrases",
		"third of several long passphrases", "fourth of several long passphrases", "fifth of several long passphrases"}
	for i := 1; i < len(passwords); i++ {
		f.apply(zs, &model.ChangePassword{Address: zhangsan, Old: passwords[i-1], New: passwords[i]})
	}
	if got := len(f.member(zhangsan).Password.History); got != 5 {
		t.Fatalf("%d old hashes kept, the policy says 5", got)
	}
	for _, old := range passwords[:5] {
		err := f.s.Apply(zs, &model.ChangePassword{Address: zhangsan, Old: passwords[5], New: old})
		refused(t, err, model.ErrInvalid, "used this password recently", "last 5")
	}
	f.apply(zs, &model.ChangePassword{Address: zhangsan, Old: passwords[5], New: "sixth of several long passphrases"})
	f.apply(zs, &model.ChangePassword{Address: zhangsan, Old: "sixth of several long passphrases", New: passwords[0]})
}

// TestChangePasswordIsNoOracleForOthers: someone who is not the member
// learns nothing about the member's password from a refused change; the
// refusal is the same whether the old password they gave is right or not.
func TestChangePasswordIsNoOracleForOthers(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.addMember(zhangsan, "张三")
	f.addMember("lisi@example.com", "李四")
	lisi := f.actor("lisi@example.com")
	before := f.snap()
	wrong := f.s.Apply(lisi, &model.ChangePassword{Address: zhangsan, Old: "a guess at the password", New: thirdPassword})
	right := f.s.Apply(lisi, &model.ChangePassword{Address: zhangsan, Old: memberPassword, New: thirdPassword})
	refused(t, right, model.ErrForbidden, "only zhangsan@example.com may change their own password")
	refused(t, wrong, model.ErrForbidden, "only zhangsan@example.com may change their own password")
	if wrong != nil && right != nil && wrong.Error() != right.Error() {
		t.Errorf("a wrong guess says %q, a right one %q", wrong, right)
	}
	f.unchanged(before)
}

// TestSetPasswordByAnAdmin: an admin may set a password that meets the
// policy; the member must change it unless told otherwise.
func TestSetPasswordByAnAdmin(t *testing.T) {
	t.Parallel()
	f := newCompany(t)
	f.addMember(zhangsan, "张三")
	before := f.snap()
	err := f.s.Apply(f.admin, &model.SetPassword{Address: zhangsan, Password: "zhangsan123", MustChange: true})
	refused(t, err, model.ErrInvalid, "password too short")
	f.unchanged(before)
	f.apply(f.admin, &model.SetPassword{Address: zhangsan, Password: thirdPassword, MustChange: true})
	m, err := f.s.Login(string(zhangsan), store.Credentials{Password: thirdPassword}, model.LoginLocal, "local", "")
	if err != nil {
		t.Fatalf("login with the set password: %v", err)
	}
	if !m.Password.MustChange {
		t.Error("a password set by an admin need not be changed")
	}
}
