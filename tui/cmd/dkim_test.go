package cmd_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestDKIMCommands: enable prints the record to publish (as a zone line,
// and as JSON), list shows it again, disable ends it; a second enable
// rotates to a new selector and key.
func TestDKIMCommands(t *testing.T) {
	out, errs, code := run(t, "admin", "", "dkim", "enable", "example.com", "--selector", "one")
	if code != 0 || !strings.Contains(out, `one._domainkey.example.com. IN TXT ( "v=DKIM1; k=rsa; p=`) {
		t.Fatalf("enable: %d %q %q", code, out, errs)
	}
	for _, line := range strings.Split(out, "\n") {
		for _, part := range strings.Split(line, `"`) {
			if len(part) > 255 {
				t.Errorf("a TXT string of %d characters (DNS allows 255)", len(part))
			}
		}
	}
	out, _, code = run(t, "admin", "", "dkim", "enable", "example.com", "--selector", "two", "--json")
	var rec struct{ Domain, Selector, Name, Record, Created string }
	if code != 0 || json.Unmarshal([]byte(out), &rec) != nil || rec.Name != "two._domainkey.example.com" || !strings.HasPrefix(rec.Record, "v=DKIM1; k=rsa; p=") {
		t.Fatalf("enable --json: %d %q", code, out)
	}
	out, _, code = run(t, "admin", "", "dkim", "list", "--json")
	var recs []struct{ Selector, Record string }
	if code != 0 || json.Unmarshal([]byte(out), &recs) != nil || len(recs) != 1 || recs[0].Selector != "two" || recs[0].Record != rec.Record {
		t.Fatalf("list: %d %q", code, out)
	}
	if strings.Contains(out, "PRIVATE") || strings.Contains(out, `"key"`) {
		t.Errorf("list shows the private key: %s", out)
	}
	if _, errs, code = run(t, "admin", "", "dkim", "enable", "example.com", "--selector", "bad_one"); code == 0 || !strings.Contains(errs, "selector") {
		t.Errorf("a bad selector: %d %q", code, errs)
	}
	if out, errs, code = run(t, "admin", "", "dkim", "disable", "example.com"); code != 0 || !strings.Contains(out, "no longer signed") {
		t.Fatalf("disable: %d %q %q", code, out, errs)
	}
	if out, _, _ = run(t, "admin", "", "dkim", "list"); !strings.Contains(out, "No domain's mail is signed") {
		t.Errorf("list after disable: %q", out)
	}
}
