package mail

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// InitCertificate makes the self-signed certificate of a new data directory
// (DIR/tls/cert.pem and key.pem) for `postroom init`, so that the relay has
// one before its first start. The hostname is that of DIR/postroom.toml when
// the file is there, else the default; when the file names a certificate of
// its own (tls.cert and tls.key) nothing is made. logf (nil: silent) hears
// about a pair that was there and had to be made again.
func InitCertificate(dataDir string, now time.Time, logf func(format string, args ...any)) error {
	cfg, err := LoadConfig(filepath.Join(dataDir, ConfigFile), true)
	if err != nil {
		return err
	}
	if configured, err := cfg.certConfigured(); err != nil || configured {
		return err
	}
	cert, key := cfg.TLSPaths(dataDir)
	return EnsureCertificate(cert, key, cfg.Hostname, now, logf)
}

// certConfigured says whether the configuration names a certificate of its
// own (both tls.cert and tls.key) rather than the self-signed one under
// DIR/tls; one without the other is an error.
func (c *Config) certConfigured() (bool, error) {
	switch {
	case c.TLS.Cert == "" && c.TLS.Key == "":
		return false, nil
	case c.TLS.Cert == "":
		return false, fmt.Errorf("tls.key is set (%s) but tls.cert is not: set both in %s, or neither for the self-signed certificate in the data directory's tls/", c.TLS.Key, ConfigFile)
	case c.TLS.Key == "":
		return false, fmt.Errorf("tls.cert is set (%s) but tls.key is not: set both in %s, or neither for the self-signed certificate in the data directory's tls/", c.TLS.Cert, ConfigFile)
	}
	return true, nil
}

// listenerTLS is the TLS configuration of the SMTP doors. A configured
// certificate is only loaded: when it cannot be, the error names the files
// and what to do, and nothing is written. Without one, the self-signed pair
// under DIR/tls is made, or made again when it is unusable (EnsureCertificate).
func listenerTLS(dataDir string, cfg Config, now time.Time, logf func(format string, args ...any)) (*tls.Config, error) {
	configured, err := cfg.certConfigured()
	if err != nil {
		return nil, err
	}
	cert, key := cfg.TLSPaths(dataDir)
	if !configured {
		if err := EnsureCertificate(cert, key, cfg.Hostname, now, logf); err != nil {
			return nil, fmt.Errorf("self-signed TLS certificate in %s: %w", filepath.Dir(cert), err)
		}
	}
	return loadTLS(cert, key, configured)
}

// EnsureCertificate makes sure a usable self-signed certificate for hostname
// and its key are at the given paths (the pair under DIR/tls; never call it
// for a certificate the operator installed). A pair that loads, names
// hostname and has not expired is left as it is. Otherwise — missing,
// empty, unparsable, a key that does not match the certificate (as a crash
// between the two renames leaves it), another hostname, expired — a new
// pair is made, and logf (nil: silent) is told why unless the files were
// simply not there yet.
//
// Each file is written to a temporary file in the same directory, synced,
// renamed over the old one, and the directory synced: the key first (0600),
// then the certificate (0644). Clients will not trust the certificate without
// being told to; it keeps passwords off the wire until the operator installs
// a real one (tls.cert and tls.key in the configuration).
func EnsureCertificate(certPath, keyPath, hostname string, now time.Time, logf func(format string, args ...any)) error {
	if hostname == "" {
		hostname = "localhost"
	}
	why := certProblem(certPath, keyPath, hostname, now)
	if why == "" {
		return nil
	}
	if why != "missing" && logf != nil {
		logf("self-signed TLS certificate %s (key %s) %s; making a new pair", certPath, keyPath, why)
	}
	dir := filepath.Dir(certPath)
	if err := mkdirSynced(filepath.Dir(dir), dir); err != nil {
		return err
	}
	if kdir := filepath.Dir(keyPath); kdir != dir {
		if err := mkdirSynced(filepath.Dir(kdir), kdir); err != nil {
			return err
		}
	}
	removeStaleTemps(certPath)
	removeStaleTemps(keyPath)
	certPEM, keyPEM, err := newSelfSignedPair(hostname, now)
	if err != nil {
		return err
	}
	if err := writeFileSynced(keyPath, keyPEM, 0o600); err != nil {
		return fmt.Errorf("write the key: %w", err)
	}
	if err := writeFileSynced(certPath, certPEM, 0o644); err != nil {
		return fmt.Errorf("write the certificate: %w", err)
	}
	return nil
}

// certProblem says what is wrong with the self-signed pair: "" when nothing,
// "missing" when neither file is there, else words for the log.
func certProblem(certPath, keyPath, hostname string, now time.Time) string {
	_, errC := os.Stat(certPath)
	_, errK := os.Stat(keyPath)
	if errors.Is(errC, os.ErrNotExist) && errors.Is(errK, os.ErrNotExist) {
		return "missing"
	}
	pair, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return fmt.Sprintf("cannot be used (%v)", err)
	}
	leaf := pair.Leaf
	if leaf == nil {
		if leaf, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return fmt.Sprintf("cannot be used (%v)", err)
		}
	}
	if !now.Before(leaf.NotAfter) {
		return fmt.Sprintf("expired on %s", leaf.NotAfter.UTC().Format(time.DateOnly))
	}
	if err := leaf.VerifyHostname(hostname); err != nil {
		return fmt.Sprintf("is not for the hostname %s (%v)", hostname, err)
	}
	return ""
}

// newSelfSignedPair makes a certificate for hostname (and the loopback addresses)
// valid for five years from now, with its ECDSA P-256 key, both PEM.
func newSelfSignedPair(hostname string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: hostname, Organization: []string{"postroom"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(5, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if ip := net.ParseIP(hostname); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{hostname}
	}
	tmpl.IPAddresses = append(tmpl.IPAddresses, net.IPv4(127, 0, 0, 1), net.IPv6loopback)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), nil
}

// tempPrefix is how the temporary files of path begin: hidden, beside it.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// writeFileSynced replaces path with data durably: a temporary file in the
// same directory, written and synced, renamed over path, then the directory
// synced. A reader sees the old content or the new, never a part.
func writeFileSynced(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, tempPrefix(path)+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = f.Chmod(perm)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

// removeStaleTemps removes temporary files that an interrupted
// writeFileSynced left beside path.
func removeStaleTemps(path string) {
	ents, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), tempPrefix(path)) && e.Type().IsRegular() {
			os.Remove(filepath.Join(filepath.Dir(path), e.Name()))
		}
	}
}

// loadTLS reads the certificate pair for the listeners. For a configured
// pair the error names the files and what to do about them.
func loadTLS(certPath, keyPath string, configured bool) (*tls.Config, error) {
	pair, err := tls.LoadX509KeyPair(certPath, keyPath)
	switch {
	case err == nil:
		return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, nil
	case !configured && errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("no TLS certificate at %s: run `postroom init` again or set tls.cert and tls.key in %s", certPath, ConfigFile)
	case !configured:
		return nil, fmt.Errorf("TLS certificate %s: %w", certPath, err)
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("the TLS certificate named in the configuration cannot be read: %w; put the PEM certificate at tls.cert = %q and its key at tls.key = %q, or leave both empty in %s to use the self-signed certificate in the data directory's tls/", err, certPath, keyPath, ConfigFile)
	}
	return nil, fmt.Errorf("the TLS certificate named in the configuration, tls.cert = %q with tls.key = %q, cannot be used: %v; install a PEM certificate (chain) and the private key that belongs to it there, or leave both empty in %s to use the self-signed certificate in the data directory's tls/", certPath, keyPath, err, ConfigFile)
}
