package model

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/text/unicode/norm"
)

func randomBytes(r io.Reader, n int) ([]byte, error) {
	if n <= 0 {
		n = 16
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("random: %w", err)
	}
	return b, nil
}

func hashNew(password string, env Env) (string, error) {
	salt, err := randomBytes(env.Rand, int(env.Argon.SaltLen))
	if err != nil {
		return "", err
	}
	return HashPassword(password, salt, env.Argon), nil
}

// personalWords are the parts of a member a password must not be built from.
func personalWords(m *Member) []string {
	words := []string{m.Name, string(m.Address), m.Address.Local(), m.EmployeeID, m.Mobile, strings.ReplaceAll(m.Birthday, "-", "")}
	words = append(words, PinyinForms(m.Name)...)
	for _, part := range strings.FieldsFunc(m.Address.Local(), func(r rune) bool { return r == '.' || r == '_' || r == '-' }) {
		words = append(words, part)
	}
	return words
}

// ParseSSHKey reads one OpenSSH public key line.
func ParseSSHKey(line string, now time.Time) (SSHKey, error) {
	line = strings.TrimSpace(line)
	if strings.ContainsAny(line, "\r\n") {
		return SSHKey{}, Invalidf("give exactly one public key line")
	}
	pub, comment, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return SSHKey{}, Invalidf("not an OpenSSH public key (%v): paste the line from ~/.ssh/id_ed25519.pub", err)
	}
	if strings.HasPrefix(line, "ssh-dss") {
		return SSHKey{}, Invalidf("DSA keys are too weak; make an ed25519 key with ssh-keygen -t ed25519")
	}
	if k, ok := pub.(ssh.CryptoPublicKey); ok {
		if rk, ok := k.CryptoPublicKey().(interface{ Size() int }); ok && pub.Type() == ssh.KeyAlgoRSA && rk.Size() < 256 {
			return SSHKey{}, Invalidf("RSA keys under 2048 bits are too weak; make an ed25519 key with ssh-keygen -t ed25519")
		}
	}
	out := string(ssh.MarshalAuthorizedKey(pub))
	out = strings.TrimSpace(out)
	if comment != "" {
		out += " " + comment
	}
	return SSHKey{Line: out, Fingerprint: KeyFingerprint(pub), Added: now}, nil
}

// KeyFingerprint is the SHA256 fingerprint OpenSSH prints for a key.
func KeyFingerprint(pub ssh.PublicKey) string {
	sum := sha256.Sum256(pub.Marshal())
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// setPassword writes a new hash, keeping the history the policy asks for.
func setPassword(m *Member, hash string, mustChange bool, pol PasswordPolicy, now time.Time) {
	if m.Password.Hash != "" && pol.History > 0 {
		m.Password.History = append([]string{m.Password.Hash}, m.Password.History...)
		if len(m.Password.History) > pol.History {
			m.Password.History = m.Password.History[:pol.History]
		}
	}
	m.Password.Hash = hash
	m.Password.Changed = now
	m.Password.MustChange = mustChange
	m.Password.Failures = 0
	m.Password.LockedUntil = time.Time{}
	if m.Status == StatusLocked {
		m.Status = StatusActive
		m.Reason = ""
	}
}

// ResetPassword gives a member a one-time password, shown once, that must be
// changed at the next login (ACC-3). It records who, why and how the person
// was verified, and lifts a lock.
type ResetPassword struct {
	Address  Address
	Reason   string // ticket or reason, required
	Verified string // how the person proved who they are
	// OneTime is set by Prepare: show it once, never store it.
	OneTime string
	hash    string
}

// Op names the operation.
func (c *ResetPassword) Op() string { return "password.reset" }

// Target names the member.
func (c *ResetPassword) Target() string { return string(c.Address) }

// Authorize needs password.reset over the member.
func (c *ResetPassword) Authorize(v View, a Actor) error {
	return authorizeOn(v, a, c.Address, RightPasswordReset)
}

// resetsDirect refuses a direct reset where the request policy routes
// resets through approval.
func resetsDirect(v View) error {
	p, err := v.RequestPolicy()
	if err != nil {
		return err
	}
	if p.Resets {
		return Conflictf("password resets here need the officer's approval: file request file reset --member ADDR --reason TEXT")
	}
	return nil
}

// Prepare makes and hashes the one-time password.
func (c *ResetPassword) Prepare(v View, env Env) error {
	if strings.TrimSpace(c.Reason) == "" {
		return Invalidf("a reset needs a reason or ticket number: give --reason")
	}
	if err := resetsDirect(v); err != nil {
		return err
	}
	otp, err := OneTimePassword(env.Rand)
	if err != nil {
		return err
	}
	c.OneTime = otp
	c.hash, err = hashNew(otp, env)
	return err
}

// Apply writes the one-time password.
func (c *ResetPassword) Apply(tx Tx, env Env) error {
	if c.hash == "" {
		return Invalidf("the one-time password was not prepared")
	}
	if err := resetsDirect(tx); err != nil {
		return err
	}
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	if m.Status == StatusReclaimed || m.Status == StatusDisabled {
		return Conflictf("%s is %s; enable the account before resetting its password", m.Address, Word(m.Status))
	}
	pol, err := tx.Policy()
	if err != nil {
		return err
	}
	m = m.Clone()
	setPassword(m, c.hash, true, pol, env.Now)
	m.Updated = env.Now
	tx.Note("reason", strings.TrimSpace(c.Reason))
	if c.Verified != "" {
		tx.Note("verified", strings.TrimSpace(c.Verified))
	}
	return tx.PutMember(m)
}

// SetPassword lets an admin set a member's password; the member must change
// it at the next login unless MustChange is false.
type SetPassword struct {
	Address    Address
	Password   string // cleared by Prepare
	MustChange bool
	hash       string
}

// Op names the operation.
func (c *SetPassword) Op() string { return "password.set" }

// Target names the member.
func (c *SetPassword) Target() string { return string(c.Address) }

// Authorize needs member.manage over the member.
func (c *SetPassword) Authorize(v View, a Actor) error {
	return authorizeOn(v, a, c.Address, RightMemberManage)
}

// Prepare checks the policy and hashes.
func (c *SetPassword) Prepare(v View, env Env) error {
	m, err := v.Member(c.Address)
	if err != nil {
		return err
	}
	pol, err := v.Policy()
	if err != nil {
		return err
	}
	if err := pol.Check(c.Password, personalWords(m)); err != nil {
		return err
	}
	c.hash, err = hashNew(c.Password, env)
	c.Password = ""
	return err
}

// Apply writes the password.
func (c *SetPassword) Apply(tx Tx, env Env) error {
	if c.hash == "" {
		return Invalidf("the password was not prepared")
	}
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	pol, err := tx.Policy()
	if err != nil {
		return err
	}
	m = m.Clone()
	setPassword(m, c.hash, c.MustChange, pol, env.Now)
	m.Updated = env.Now
	return tx.PutMember(m)
}

// ChangePassword is a member changing their own password (ACC-2, ACC-8):
// the old one must be right, the new one must meet the policy and not be a
// recent one.
type ChangePassword struct {
	Address Address
	Old     string
	New     string
	hash    string
	was     string // the hash the old password matched
}

// Op names the operation.
func (c *ChangePassword) Op() string { return "password.change" }

// Target names the member.
func (c *ChangePassword) Target() string { return string(c.Address) }

// Authorize allows only the member themself: nobody changes another
// person's password this way.
func (c *ChangePassword) Authorize(v View, a Actor) error {
	if a.Address != c.Address || a.Address == "" {
		return Forbiddenf("only %s may change their own password; an admin or helpdesk uses passwd reset", c.Address)
	}
	return nil
}

// Prepare verifies the old password and hashes the new one.
func (c *ChangePassword) Prepare(v View, env Env) error {
	m, err := v.Member(c.Address)
	if err != nil {
		return err
	}
	if m.Password.Hash != "" {
		ok, _, err := VerifyPassword(m.Password.Hash, c.Old, env.Argon)
		if err != nil {
			return err
		}
		if !ok {
			return Authf("the current password is wrong; try again, or ask the helpdesk for a reset")
		}
	}
	if norm.NFC.String(c.New) == norm.NFC.String(c.Old) {
		return Invalidf("the new password is the same as the current one; choose another")
	}
	pol, err := v.Policy()
	if err != nil {
		return err
	}
	if err := pol.Check(c.New, personalWords(m)); err != nil {
		return err
	}
	for _, h := range m.Password.History {
		if ok, _, _ := VerifyPassword(h, c.New, env.Argon); ok {
			return Invalidf("you used this password recently; the policy asks for one you have not used in your last %d", pol.History)
		}
	}
	c.was = m.Password.Hash
	c.hash, err = hashNew(c.New, env)
	c.Old, c.New = "", ""
	return err
}

// Apply writes the new password if nothing changed it meanwhile.
func (c *ChangePassword) Apply(tx Tx, env Env) error {
	if c.hash == "" {
		return Invalidf("the password was not prepared")
	}
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	if m.Password.Hash != c.was {
		return Conflictf("the password of %s changed meanwhile; try again", c.Address)
	}
	pol, err := tx.Policy()
	if err != nil {
		return err
	}
	m = m.Clone()
	setPassword(m, c.hash, false, pol, env.Now)
	m.Updated = env.Now
	return tx.PutMember(m)
}

// Unlock lifts a login lock (ACC-4).
type Unlock struct {
	Address Address
	Reason  string
}

// Op names the operation.
func (c *Unlock) Op() string { return "member.unlock" }

// Target names the member.
func (c *Unlock) Target() string { return string(c.Address) }

// Authorize needs account.unlock over the member.
func (c *Unlock) Authorize(v View, a Actor) error {
	return authorizeOn(v, a, c.Address, RightAccountUnlock)
}

// Apply lifts the lock and clears the failure count.
func (c *Unlock) Apply(tx Tx, env Env) error {
	m, err := tx.Member(c.Address)
	if err != nil {
		return err
	}
	if m.Status != StatusLocked && m.Password.Failures == 0 {
		return Conflictf("%s is not locked", m.Address)
	}
	m = m.Clone()
	if m.Status == StatusLocked {
		m.Status = StatusActive
		m.Reason = ""
	}
	m.Password.Failures = 0
	m.Password.LockedUntil = time.Time{}
	m.Updated = env.Now
	if c.Reason != "" {
		tx.Note("reason", c.Reason)
	}
	return tx.PutMember(m)
}
