package mail

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeConfig(t *testing.T, text string) string {
	p := filepath.Join(t.TempDir(), ConfigFile)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadConfig(t *testing.T) {
	p := writeConfig(t, `
hostname = "mail.example.com"
[limits]
max_recipients = 50
data_timeout = "90s"
[smarthost]
addr = "10.0.0.2:25"
[[route]]
domain = "Legacy.Example.com"
kind = "lmtp"
addr = "10.0.0.3:24"
[[trusted]]
name = "printer"
networks = ["10.1.2.3", "10.2.0.0/16"]
sender = "scanner@example.com"
`)
	cfg, err := LoadConfig(p, false)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Hostname != "mail.example.com" || cfg.Limits.MaxRecipients != 50 || cfg.Limits.DataTimeout.D() != 90*time.Second {
		t.Errorf("values not read: %+v", cfg)
	}
	if cfg.Limits.MaxMessageBytes != DefaultConfig().Limits.MaxMessageBytes {
		t.Errorf("defaults lost: %d", cfg.Limits.MaxMessageBytes)
	}
	if r := cfg.routeFor("legacy.example.com"); r == nil || r.Kind != "lmtp" {
		t.Errorf("route not found: %+v", cfg.Routes)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"hostname = \"x\"\n[limits]\nmax_recipent = 5\n", ":3:1: unknown key \"limits.max_recipent\""},
		{"[limits]\ndata_timeout = \"soon\"\n", "not a duration"},
		{"[[route]]\ndomain = \"a.example\"\nkind = \"smtp\"\n", "needs addr"},
		{"[[route]]\ndomain = \"a.example\"\nkind = \"pigeon\"\n", "unknown; use maildir, smtp or lmtp"},
		{"[[trusted]]\nname = \"erp\"\nsender = \"erp@example.com\"\nnetworks = [\"10.0.0.0/33\"]\n", "neither an address nor a network"},
		{"[[trusted]]\nname = \"erp\"\nsender = \"erp@example.com\"\n", "has no networks"},
		{"[limits]\nmax_line_length = 80\n", "at least 1000"},
	}
	for _, tt := range tests {
		_, err := LoadConfig(writeConfig(t, tt.text), false)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("config %q: %v, want an error with %q", tt.text, err, tt.want)
		}
	}
	if _, err := LoadConfig(filepath.Join(t.TempDir(), "none.toml"), true); err != nil {
		t.Errorf("missing optional config: %v", err)
	}
}
