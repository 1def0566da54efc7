package mail

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var certNow = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

// certFiles returns the self-signed pair's paths under a new data directory.
func certFiles(t *testing.T) (dir, cert, key string) {
	t.Helper()
	dir = t.TempDir()
	cfg := DefaultConfig()
	cert, key = cfg.TLSPaths(dir)
	return dir, cert, key
}

// logged collects log lines.
type logged []string

func (l *logged) logf(format string, args ...any) { *l = append(*l, fmt.Sprintf(format, args...)) }

// mustLoad checks that the pair loads and names host.
func mustLoad(t *testing.T, cert, key, host string) {
	t.Helper()
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		t.Fatalf("the pair does not load: %v", err)
	}
	if err := pair.Leaf.VerifyHostname(host); err != nil {
		t.Fatalf("certificate: %v", err)
	}
}

// noTemps checks that no temporary file is left in dir.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestCertificateMadeWhenMissing(t *testing.T) {
	_, cert, key := certFiles(t)
	var log logged
	if err := EnsureCertificate(cert, key, "mx.example.com", certNow, log.logf); err != nil {
		t.Fatal(err)
	}
	mustLoad(t, cert, key, "mx.example.com")
	for path, want := range map[string]os.FileMode{key: 0o600, cert: 0o644, filepath.Dir(cert): 0o700 | os.ModeDir} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode(), want)
		}
	}
	noTemps(t, filepath.Dir(cert))
	if len(log) != 0 {
		t.Errorf("a first certificate is no news, but the log says %q", log)
	}
}

func TestCertificateUnusablePairIsMadeAgain(t *testing.T) {
	other := t.TempDir()
	otherCert, otherKey := filepath.Join(other, "cert.pem"), filepath.Join(other, "key.pem")
	if err := EnsureCertificate(otherCert, otherKey, "mx.example.com", certNow, nil); err != nil {
		t.Fatal(err)
	}
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// A key that does not match: a second pair's key with the first pair's certificate.
	second := t.TempDir()
	secondKey := filepath.Join(second, "key.pem")
	if err := EnsureCertificate(filepath.Join(second, "cert.pem"), secondKey, "mx.example.com", certNow, nil); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		cert, key []byte // nil: the file is absent
		host      string
		now       time.Time
		says      string
	}{
		{name: "empty files (a power loss after os.WriteFile)", cert: []byte{}, key: []byte{}, says: "cannot be used"},
		{name: "empty certificate", cert: []byte{}, key: read(otherKey), says: "cannot be used"},
		{name: "garbage", cert: []byte("not a certificate\n"), key: []byte("\x00\x01\x02 not a key"), says: "cannot be used"},
		{name: "PEM of the wrong kind", cert: read(otherKey), key: read(otherCert), says: "cannot be used"},
		{name: "key only (a crash between the renames)", key: read(otherKey), says: "cannot be used"},
		{name: "certificate only", cert: read(otherCert), says: "cannot be used"},
		{name: "key of another certificate", cert: read(otherCert), key: read(secondKey), says: "private key does not match"},
		{name: "another hostname", cert: read(otherCert), key: read(otherKey), host: "mail.corp.test", says: "not for the hostname mail.corp.test"},
		{name: "expired", cert: read(otherCert), key: read(otherKey), now: certNow.AddDate(6, 0, 0), says: "expired"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, cert, key := certFiles(t)
			os.MkdirAll(filepath.Dir(cert), 0o700)
			if tc.cert != nil {
				os.WriteFile(cert, tc.cert, 0o644)
			}
			if tc.key != nil {
				os.WriteFile(key, tc.key, 0o600)
			}
			// What an interrupted write leaves: removed with the rest.
			os.WriteFile(filepath.Join(filepath.Dir(cert), tempPrefix(cert)+"123"), []byte("half"), 0o600)
			host, now := tc.host, tc.now
			if host == "" {
				host = "mx.example.com"
			}
			if now.IsZero() {
				now = certNow
			}
			var log logged
			if err := EnsureCertificate(cert, key, host, now, log.logf); err != nil {
				t.Fatal(err)
			}
			mustLoad(t, cert, key, host)
			noTemps(t, filepath.Dir(cert))
			if len(log) != 1 || !strings.Contains(log[0], cert) || !strings.Contains(log[0], tc.says) || !strings.Contains(log[0], "making a new pair") {
				t.Errorf("log %q, want one line naming %s, saying %q", log, cert, tc.says)
			}
			if tc.cert != nil && bytes.Equal(read(cert), tc.cert) {
				t.Error("the certificate was not replaced")
			}
		})
	}
}

func TestCertificateValidPairUntouched(t *testing.T) {
	_, cert, key := certFiles(t)
	if err := EnsureCertificate(cert, key, "mx.example.com", certNow, nil); err != nil {
		t.Fatal(err)
	}
	c1, _ := os.ReadFile(cert)
	k1, _ := os.ReadFile(key)
	fc1, _ := os.Stat(cert)
	var log logged
	for i := range 3 {
		if err := EnsureCertificate(cert, key, "MX.example.com", certNow.AddDate(i, 0, 0), log.logf); err != nil {
			t.Fatal(err)
		}
	}
	c2, _ := os.ReadFile(cert)
	k2, _ := os.ReadFile(key)
	fc2, _ := os.Stat(cert)
	if !bytes.Equal(c1, c2) || !bytes.Equal(k1, k2) || !fc1.ModTime().Equal(fc2.ModTime()) {
		t.Error("a valid pair was written again")
	}
	if len(log) != 0 {
		t.Errorf("log %q for a valid pair", log)
	}
}

// A certificate the operator configured is never written: when it cannot
// be used, the relay does not start, and the error names the files and what
// to do.
func TestConfiguredCertificateIsNeverReplaced(t *testing.T) {
	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.TLS = TLSFiles{Cert: "corp.crt", Key: "corp.key"}
	var log logged

	_, err := listenerTLS(dir, cfg, certNow, log.logf)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "corp.crt")) || !strings.Contains(err.Error(), "leave both empty") {
		t.Fatalf("missing configured certificate: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "corp.crt")); !os.IsNotExist(err) {
		t.Fatalf("a configured certificate was made: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "tls")); !os.IsNotExist(err) {
		t.Fatalf("the self-signed pair was made for a configured certificate: %v", err)
	}

	os.WriteFile(filepath.Join(dir, "corp.crt"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "corp.key"), []byte("garbage"), 0o600)
	_, err = listenerTLS(dir, cfg, certNow, log.logf)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "corp.crt")) || !strings.Contains(err.Error(), "install a PEM certificate") {
		t.Fatalf("empty configured certificate: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "corp.crt")); len(b) != 0 {
		t.Fatal("a configured certificate was overwritten")
	}
	if len(log) != 0 {
		t.Errorf("log %q", log)
	}

	cfg.TLS = TLSFiles{Cert: "corp.crt"}
	if _, err := listenerTLS(dir, cfg, certNow, nil); err == nil || !strings.Contains(err.Error(), "tls.key is not") {
		t.Fatalf("tls.cert without tls.key: %v", err)
	}

	// A good configured pair loads.
	if err := EnsureCertificate(filepath.Join(dir, "corp.crt"), filepath.Join(dir, "corp.key"), "mail.corp.test", certNow, nil); err != nil {
		t.Fatal(err)
	}
	cfg.TLS = TLSFiles{Cert: "corp.crt", Key: "corp.key"}
	if _, err := listenerTLS(dir, cfg, certNow, nil); err != nil {
		t.Fatalf("a good configured pair: %v", err)
	}
}

// The relay starts over a self-signed pair that a power loss left empty.
func TestListenerTLSRemakesEmptySelfSignedPair(t *testing.T) {
	dir, cert, key := certFiles(t)
	os.MkdirAll(filepath.Dir(cert), 0o700)
	os.WriteFile(cert, nil, 0o644)
	os.WriteFile(key, nil, 0o600)
	var log logged
	if _, err := listenerTLS(dir, DefaultConfig(), certNow, log.logf); err != nil {
		t.Fatal(err)
	}
	mustLoad(t, cert, key, "localhost")
	if len(log) != 1 {
		t.Errorf("log %q", log)
	}
}

func TestInitCertificate(t *testing.T) {
	dir, cert, key := certFiles(t)
	if err := InitCertificate(dir, certNow, nil); err != nil {
		t.Fatal(err)
	}
	mustLoad(t, cert, key, DefaultConfig().Hostname)

	// The hostname of a configuration already in the directory.
	dir, cert, key = certFiles(t)
	os.WriteFile(filepath.Join(dir, ConfigFile), []byte("hostname = \"mx.corp.test\"\n"), 0o600)
	if err := InitCertificate(dir, certNow, nil); err != nil {
		t.Fatal(err)
	}
	mustLoad(t, cert, key, "mx.corp.test")

	// A configured certificate: nothing is made.
	dir, _, _ = certFiles(t)
	os.WriteFile(filepath.Join(dir, ConfigFile), []byte("[tls]\ncert = \"/etc/ssl/corp.crt\"\nkey = \"/etc/ssl/corp.key\"\n"), 0o600)
	if err := InitCertificate(dir, certNow, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "tls")); !os.IsNotExist(err) {
		t.Fatalf("tls/ made for a configured certificate: %v", err)
	}
}
