package model

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// DKIMKey is a domain's DKIM signing key (MAILFX-5): outgoing mail whose
// From is in the domain is signed with it, and receivers check the
// signature against the public key published in DNS under
// SELECTOR._domainkey.DOMAIN.
type DKIMKey struct {
	Domain   string    `json:"domain"`
	Selector string    `json:"selector"`
	Key      []byte    `json:"key"` // PKCS#8 DER of the RSA-2048 private key; never shown
	Created  time.Time `json:"created"`
}

// DKIMKeyBits is the size of the keys EnableDKIM makes.
const DKIMKeyBits = 2048

// Redacted is the key without its private part, fit for the operation log.
func (k *DKIMKey) Redacted() *DKIMKey {
	if k == nil {
		return nil
	}
	c := *k
	c.Key = nil
	return &c
}

// Signer parses the private key.
func (k *DKIMKey) Signer() (*rsa.PrivateKey, error) {
	p, err := x509.ParsePKCS8PrivateKey(k.Key)
	if err != nil {
		return nil, fmt.Errorf("the DKIM key of %s: %w", k.Domain, err)
	}
	rk, ok := p.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("the DKIM key of %s is not an RSA key", k.Domain)
	}
	return rk, nil
}

// RecordName is the DNS name the public key is published under.
func (k *DKIMKey) RecordName() string { return k.Selector + "._domainkey." + k.Domain }

// Record is the TXT record's value: v=DKIM1; k=rsa; p=<the public key>.
func (k *DKIMKey) Record() (string, error) {
	rk, err := k.Signer()
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	if err != nil {
		return "", err
	}
	return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der), nil
}

// ParseSelector checks a DKIM selector: one or more DNS labels of letters,
// digits and hyphens (RFC 6376 3.1), lower case.
func ParseSelector(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > 63 {
		return "", Invalidf("the selector %q is not valid: give 1 to 63 letters, digits or hyphens, such as postroom2026", s)
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return "", Invalidf("the selector %q is not valid: give 1 to 63 letters, digits or hyphens, such as postroom2026", s)
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "", Invalidf("the selector %q is not valid: give 1 to 63 letters, digits or hyphens, such as postroom2026", s)
			}
		}
	}
	return s, nil
}

// DefaultSelector is the selector of a key made at t: a new one each
// month, so a rotated key can be published beside the old one.
func DefaultSelector(t time.Time) string { return "pr" + t.UTC().Format("200601") }

// EnableDKIM makes a new signing key for one of the company's domains
// (replacing any earlier one: a rotation) and keeps it; the new public key
// must then be published in DNS (MAILFX-5).
type EnableDKIM struct {
	Domain   string
	Selector string // empty: DefaultSelector

	key []byte // made by Prepare, outside the write lock
}

// Op names the operation.
func (c *EnableDKIM) Op() string { return "dkim.enable" }

// Target names the domain.
func (c *EnableDKIM) Target() string { return c.Domain }

// Authorize needs org.manage.
func (c *EnableDKIM) Authorize(v View, a Actor) error { return Authorize(a, RightOrgManage, nil, v) }

// Prepare makes the key: an RSA-2048 key takes a moment, which the write
// lock must not wait for.
func (c *EnableDKIM) Prepare(v View, env Env) error {
	r := env.Rand
	if r == nil {
		r = rand.Reader
	}
	k, err := rsa.GenerateKey(r, DKIMKeyBits)
	if err != nil {
		return fmt.Errorf("make the DKIM key: %w", err)
	}
	c.key, err = x509.MarshalPKCS8PrivateKey(k)
	return err
}

// Apply stores the key.
func (c *EnableDKIM) Apply(tx Tx, env Env) error {
	d, err := ParseDomain(c.Domain)
	if err != nil {
		return err
	}
	if !tx.IsLocal(d) {
		return NotFoundf("%s is not one of the company's domains: only mail from the company's own domains is signed", d)
	}
	sel := c.Selector
	if sel == "" {
		sel = DefaultSelector(env.Now)
	}
	if sel, err = ParseSelector(sel); err != nil {
		return err
	}
	if c.key == nil {
		return fmt.Errorf("enable DKIM for %s: no key was made", d)
	}
	c.Domain, c.Selector = d, sel
	return tx.PutDKIMKey(DKIMKey{Domain: d, Selector: sel, Key: c.key, Created: env.Now})
}

// DisableDKIM stops signing a domain's mail and forgets its key.
type DisableDKIM struct{ Domain string }

// Op names the operation.
func (c *DisableDKIM) Op() string { return "dkim.disable" }

// Target names the domain.
func (c *DisableDKIM) Target() string { return c.Domain }

// Authorize needs org.manage.
func (c *DisableDKIM) Authorize(v View, a Actor) error { return Authorize(a, RightOrgManage, nil, v) }

// Apply removes the key.
func (c *DisableDKIM) Apply(tx Tx, env Env) error {
	d, err := ParseDomain(c.Domain)
	if err != nil {
		return err
	}
	k, err := tx.DKIMKey(d)
	if err != nil {
		return err
	}
	if k == nil {
		return NotFoundf("mail from %s is not signed: there is no DKIM key to remove", d)
	}
	return tx.DeleteDKIMKey(d)
}
