package mail

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"postroom/model"
)

// ConfigFile is the ops configuration's name inside the data directory.
const ConfigFile = "postroom.toml"

// Config is what the operator owns: listeners, certificates, limits, trusted
// networks, routes and the smarthost (DESIGN.md "Config file"). Admin-owned
// policy lives in the database instead.
type Config struct {
	// Hostname is the name the relay gives in its greeting, in Received
	// headers and in EHLO to next hops.
	Hostname string `toml:"hostname"`

	Listen     Listen     `toml:"listen"`
	TLS        TLSFiles   `toml:"tls"`
	Submission Submission `toml:"submission"`
	Limits     Limits     `toml:"limits"`
	Queue      Queue      `toml:"queue"`
	Smarthost  Hop        `toml:"smarthost"`
	Routes     []Route    `toml:"route"`
	Trusted    []Trusted  `toml:"trusted"`
}

// Listen holds the listen addresses of serve's doors.
type Listen struct {
	SSH        string `toml:"ssh"`
	SMTP       string `toml:"smtp"`       // inbound (MX), no AUTH
	Submission string `toml:"submission"` // members' clients, AUTH
}

// TLSFiles names the certificate and key, relative to the data directory
// unless absolute. Empty: the self-signed pair made at init (DIR/tls/).
type TLSFiles struct {
	Cert string `toml:"cert"`
	Key  string `toml:"key"`
}

// Submission tunes the submission door.
type Submission struct {
	// PlainOnLoopback lets clients on 127.0.0.1/::1 authenticate without
	// STARTTLS (a webmail or a script on the same box).
	PlainOnLoopback bool `toml:"plain_on_loopback"`
}

// Limits bound what one client may cost.
type Limits struct {
	MaxMessageBytes int64    `toml:"max_message_bytes"`
	MaxRecipients   int      `toml:"max_recipients"`
	MaxLineLength   int      `toml:"max_line_length"` // commands and message lines, in bytes
	CommandTimeout  Duration `toml:"command_timeout"`
	DataTimeout     Duration `toml:"data_timeout"` // per read during DATA: extends while data flows
	SessionLifetime Duration `toml:"session_lifetime"`
	MaxConns        int      `toml:"max_conns"`
	MaxConnsPerIP   int      `toml:"max_conns_per_ip"`
	AuthFailures    int      `toml:"auth_failures"` // wrong passwords before the connection closes
}

// Queue tunes the spool and the delivery workers.
type Queue struct {
	Lifetime   Duration `toml:"lifetime"`    // then a bounce
	RetryMin   Duration `toml:"retry_min"`   // first retry
	RetryMax   Duration `toml:"retry_max"`   // backoff cap
	Workers    int      `toml:"workers"`     // concurrent deliveries
	BatchDelay Duration `toml:"batch_delay"` // wait before each spool commit to gather more writes; 0: commit at once
	MaxBytes   int64    `toml:"max_bytes"`   // spool.db may not grow past this; 0: no limit
	// HoldFor is how long held mail waits for its approver; then it is
	// rejected (OnExpiry "reject") or released ("release") by itself and
	// the sender is told. 0: it waits for ever.
	HoldFor  Duration `toml:"hold_for"`
	OnExpiry string   `toml:"on_expiry"`
	// KeepFinished is how long delivered, bounced and dropped messages
	// stay in the queue (their mail-log records stay for good).
	KeepFinished Duration `toml:"keep_finished"`
}

// Hop is a next-hop server.
type Hop struct {
	Addr       string `toml:"addr"` // HOST:PORT
	RequireTLS bool   `toml:"require_tls"`
}

// Route sends one local domain's mail somewhere other than the local
// Maildir: an existing mail server over SMTP or LMTP (IN-4).
type Route struct {
	Domain     string `toml:"domain"`
	Kind       string `toml:"kind"` // maildir, smtp, lmtp
	Addr       string `toml:"addr"`
	RequireTLS bool   `toml:"require_tls"`
}

// Trusted is an internal system (printer, ERP, monitoring) that may relay
// without AUTH from its networks, as a named sender with its own policy.
type Trusted struct {
	Name      string   `toml:"name"`
	Networks  []string `toml:"networks"`
	Sender    string   `toml:"sender"`
	External  bool     `toml:"external"`
	Broadcast bool     `toml:"broadcast"`

	prefixes []netip.Prefix
	sender   model.Address
}

// Duration is a time.Duration written as "90s" or "5m" in the file.
type Duration time.Duration

// UnmarshalText reads "90s", "5m", "120h".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration; write it like \"90s\", \"5m\" or \"120h\"", b)
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration as time.Duration prints it.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// D returns the duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// DefaultConfig is the configuration of a new box: everything on loopback.
func DefaultConfig() Config {
	return Config{
		Hostname: "localhost",
		Listen:   Listen{SSH: "127.0.0.1:2222", SMTP: "127.0.0.1:2525", Submission: "127.0.0.1:2587"},
		Submission: Submission{
			PlainOnLoopback: true,
		},
		Limits: Limits{
			MaxMessageBytes: 25 << 20,
			MaxRecipients:   100,
			MaxLineLength:   4000,
			CommandTimeout:  Duration(5 * time.Minute),
			DataTimeout:     Duration(2 * time.Minute),
			SessionLifetime: Duration(30 * time.Minute),
			MaxConns:        500,
			MaxConnsPerIP:   40,
			AuthFailures:    3,
		},
		Queue: Queue{
			Lifetime:     Duration(5 * 24 * time.Hour),
			RetryMin:     Duration(time.Minute),
			RetryMax:     Duration(time.Hour),
			Workers:      8,
			HoldFor:      Duration(7 * 24 * time.Hour),
			OnExpiry:     "reject",
			KeepFinished: Duration(7 * 24 * time.Hour),
		},
	}
}

// LoadConfig reads the configuration file over the defaults. A missing file
// is the defaults when optional is set. Unknown keys are refused with their
// line and column.
func LoadConfig(path string, optional bool) (Config, error) {
	cfg := DefaultConfig()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && optional {
		return cfg, cfg.check()
	}
	if err != nil {
		return cfg, fmt.Errorf("read the configuration: %w", err)
	}
	dec := toml.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		var sme *toml.StrictMissingError
		if errors.As(err, &sme) {
			var lines []string
			for _, e := range sme.Errors {
				row, col := e.Position()
				lines = append(lines, fmt.Sprintf("%s:%d:%d: unknown key %q; see docs/MAIL.md for the keys", path, row, col, strings.Join(e.Key(), ".")))
			}
			return cfg, errors.New(strings.Join(lines, "\n"))
		}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return cfg, fmt.Errorf("%s:%d:%d: %s", path, row, col, de.Error())
		}
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	if err := cfg.check(); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// check validates the configuration and prepares its parsed parts.
func (c *Config) check() error {
	l := &c.Limits
	switch {
	case l.MaxMessageBytes < 1024:
		return fmt.Errorf("limits.max_message_bytes = %d is too small; give at least 1024", l.MaxMessageBytes)
	case l.MaxRecipients < 1:
		return fmt.Errorf("limits.max_recipients must be at least 1")
	case l.MaxLineLength < 1000:
		return fmt.Errorf("limits.max_line_length must be at least 1000 (RFC 5321 allows 1000 bytes a line)")
	case l.MaxConns < 1 || l.MaxConnsPerIP < 1:
		return fmt.Errorf("limits.max_conns and limits.max_conns_per_ip must be at least 1")
	case l.AuthFailures < 1:
		return fmt.Errorf("limits.auth_failures must be at least 1")
	}
	if c.Queue.Workers < 1 {
		return fmt.Errorf("queue.workers must be at least 1")
	}
	if c.Queue.OnExpiry != "reject" && c.Queue.OnExpiry != "release" {
		return fmt.Errorf("queue.on_expiry = %q: use \"reject\" or \"release\"", c.Queue.OnExpiry)
	}
	for i := range c.Routes {
		r := &c.Routes[i]
		d, err := model.ParseDomain(r.Domain)
		if err != nil {
			return fmt.Errorf("route %d: %s", i+1, model.Localize(err, "en"))
		}
		r.Domain = d
		switch r.Kind {
		case "maildir":
		case "smtp", "lmtp":
			if r.Addr == "" {
				return fmt.Errorf("route for %s: kind %q needs addr = \"HOST:PORT\"", d, r.Kind)
			}
		default:
			return fmt.Errorf("route for %s: kind %q is unknown; use maildir, smtp or lmtp", d, r.Kind)
		}
	}
	for i := range c.Trusted {
		t := &c.Trusted[i]
		if t.Name == "" {
			return fmt.Errorf("trusted system %d has no name; give each a name that shows in the logs", i+1)
		}
		a, err := model.ParseAddress(t.Sender)
		if err != nil {
			return fmt.Errorf("trusted system %s: sender: %s", t.Name, model.Localize(err, "en"))
		}
		t.sender = a
		t.prefixes = nil
		if len(t.Networks) == 0 {
			return fmt.Errorf("trusted system %s has no networks; list the addresses it sends from, like [\"10.1.2.3/32\"]", t.Name)
		}
		for _, n := range t.Networks {
			p, err := netip.ParsePrefix(n)
			if err != nil {
				ip, err2 := netip.ParseAddr(n)
				if err2 != nil {
					return fmt.Errorf("trusted system %s: %q is neither an address nor a network like 10.0.0.0/8", t.Name, n)
				}
				p = netip.PrefixFrom(ip, ip.BitLen())
			}
			t.prefixes = append(t.prefixes, p.Masked())
		}
	}
	return nil
}

// trustedFor finds the trusted system a client address belongs to.
func (c *Config) trustedFor(ip netip.Addr) *Trusted {
	ip = ip.Unmap()
	for i := range c.Trusted {
		for _, p := range c.Trusted[i].prefixes {
			if p.Contains(ip) {
				return &c.Trusted[i]
			}
		}
	}
	return nil
}

// TLSPaths returns the certificate and key paths for a data directory.
func (c *Config) TLSPaths(dataDir string) (cert, key string) {
	cert, key = c.TLS.Cert, c.TLS.Key
	if cert == "" || key == "" {
		return filepath.Join(dataDir, "tls", "cert.pem"), filepath.Join(dataDir, "tls", "key.pem")
	}
	if !filepath.IsAbs(cert) {
		cert = filepath.Join(dataDir, cert)
	}
	if !filepath.IsAbs(key) {
		key = filepath.Join(dataDir, key)
	}
	return cert, key
}

// routeFor is the route of a local domain; nil means the local Maildir.
func (c *Config) routeFor(domain string) *Route {
	for i := range c.Routes {
		if c.Routes[i].Domain == domain && c.Routes[i].Kind != "maildir" {
			return &c.Routes[i]
		}
	}
	return nil
}
