package cmd_test

import (
	"bytes"
	"crypto/tls"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"postroom/mail"
	"postroom/tui/cmd"
)

// runInit runs `postroom init` into a new directory and returns it.
func runInit(t *testing.T, args ...string) (string, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	var out, errb bytes.Buffer
	c := cmd.InitCmd(&dir, strings.NewReader("a-long-enough-passphrase-for-init\n"), &out, &errb, storeOptions())
	c.SetArgs(args)
	c.SilenceUsage, c.SilenceErrors = true, true
	if err := c.Execute(); err != nil {
		t.Fatalf("init: %v\n%s%s", err, out.String(), errb.String())
	}
	return dir, errb.String()
}

// init makes the relay's self-signed certificate, so a new data directory
// has DIR/tls ready before serve first starts.
func TestInitMakesTheCertificate(t *testing.T) {
	saved := cmd.MakeCertificate
	cmd.MakeCertificate = mail.InitCertificate // as main wires it
	t.Cleanup(func() { cmd.MakeCertificate = saved })

	dir, stderr := runInit(t, "--org", "测试公司", "--domain", "corp.test", "--admin", "admin@corp.test", "--admin-password-stdin")
	cert, key := filepath.Join(dir, "tls", "cert.pem"), filepath.Join(dir, "tls", "key.pem")
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		t.Fatalf("init left no usable pair in %s: %v", filepath.Join(dir, "tls"), err)
	}
	if err := pair.Leaf.VerifyHostname(mail.DefaultConfig().Hostname); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(key); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key: %v %v", fi.Mode(), err)
	}
	if stderr != "" {
		t.Errorf("init said on stderr: %q", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, cmd.DBFile)); err != nil {
		t.Fatal(err)
	}
}
