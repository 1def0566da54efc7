package model

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func (v *memView) DKIMKey(string) (*DKIMKey, error) { return nil, nil }

func TestParseSelector(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"pr202612", "pr202612", true},
		{" PR-2026 ", "pr-2026", true},
		{"mail.2026", "mail.2026", true},
		{"", "", false},
		{"-lead", "", false},
		{"trail-", "", false},
		{"two..dots", "", false},
		{"under_score", "", false},
		{"选择器", "", false},
		{strings.Repeat("a", 64), "", false},
	}
	for _, tc := range cases {
		got, err := ParseSelector(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseSelector(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !IsUserError(err) {
			t.Errorf("ParseSelector(%q): %v is not a user error", tc.in, err)
		}
	}
	if s := DefaultSelector(time.Date(2026, 12, 3, 23, 0, 0, 0, time.FixedZone("CST", -8*3600))); s != "pr202612" {
		t.Errorf("DefaultSelector = %q", s)
	}
}

// TestDKIMKeyRecord: the TXT record carries the public half of the key,
// and the redacted copy carries no private half.
func TestDKIMKeyRecord(t *testing.T) {
	c := &EnableDKIM{Domain: "example.com"}
	if err := c.Prepare(nil, Env{}); err != nil {
		t.Fatal(err)
	}
	k := &DKIMKey{Domain: "example.com", Selector: "pr202612", Key: c.key}
	rec, err := k.Record()
	if err != nil {
		t.Fatal(err)
	}
	b64, ok := strings.CutPrefix(rec, "v=DKIM1; k=rsa; p=")
	if !ok {
		t.Fatalf("record %q", rec)
	}
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		t.Fatal(err)
	}
	priv, _ := k.Signer()
	if rp, ok := pub.(*rsa.PublicKey); !ok || !rp.Equal(&priv.PublicKey) || rp.N.BitLen() != DKIMKeyBits {
		t.Errorf("the record's key is not the signing key's public half")
	}
	if k.RecordName() != "pr202612._domainkey.example.com" {
		t.Errorf("name %q", k.RecordName())
	}
	if r := k.Redacted(); r.Key != nil || k.Key == nil {
		t.Errorf("redacted copy %+v", r)
	}
}
