package cmd_test

import (
	"fmt"
	"strings"
	"testing"
)

// pendingJSON is what a dangerous change prints with --json when it waits
// for a second admin.
type pendingJSON struct {
	Request uint64 `json:"request"`
	Status  string `json:"status"`
	Kind    string `json:"kind"`
	Class   string `json:"class"`
}

// TestFourEyesCommands: with a second admin, an admin's grant of
// whole-company sending is filed (exit 0, the request id, pending); the
// filer may not approve it; the helpdesk, the auditor and a member may
// not either; the second admin's approval applies it, and the log names
// both. With four-eyes off for the class it applies at once.
func TestFourEyesCommands(t *testing.T) {
	second := headAddr
	ok(t, "admin", "", "role", "grant", second, "admin")
	var p pendingJSON
	decode(t, ok(t, "admin", "", "perm", "grant", memberAddr, "broadcast", "--json"), &p)
	if p.Request == 0 || p.Status != "pending" || p.Kind != "change" || p.Class != "broadcast" {
		t.Fatalf("perm grant --json: %+v", p)
	}
	if out := ok(t, "admin", "", "perm", "grant", memberAddr, "broadcast"); !strings.Contains(out, "needs a second admin's approval") || !strings.Contains(out, "request approve") {
		t.Errorf("perm grant says: %q", out)
	}
	id := fmt.Sprint(p.Request)
	var show struct {
		Kind, Status, Class, Op string
		Diff                    []struct{ Field, Before, After string }
	}
	decode(t, ok(t, "admin", "", "request", "show", id, "--json"), &show)
	if show.Kind != "change" || show.Status != "pending" || show.Op != "perm.grant" || len(show.Diff) == 0 {
		t.Errorf("request show: %+v", show)
	}
	unchanged(t, func() {
		refused(t, "admin", "", []string{"request", "approve", id}, "second admin")
		refused(t, "helpdesk", "", []string{"request", "approve", id})
		refused(t, "auditor", "", []string{"request", "approve", id})
		refused(t, "member", "", []string{"request", "approve", id})
	})
	ok(t, second, "", "request", "approve", id)
	decode(t, ok(t, "admin", "", "request", "show", id, "--json"), &show)
	if show.Status != "applied" {
		t.Errorf("after approval: %+v", show)
	}
	rec := opLog(t, 1)[0]
	notes := map[string]string{}
	for _, n := range rec.Notes {
		notes[n.Key] = n.Value
	}
	if rec.Op != "perm.grant" || rec.Actor != second || notes["filed_by"] != adminAddr || notes["approved_by"] != second {
		t.Errorf("log: %+v", rec)
	}
	refused(t, second, "", []string{"request", "approve", id}, "already decided")

	// The setting: four-eyes off for broadcast applies at once; switching
	// a class off is itself filed.
	decode(t, ok(t, "admin", "", "org", "set", "--four-eyes", "domain-delete,password-policy,sending-rule", "--json"), &p)
	if p.Class != "broadcast" {
		t.Fatalf("switching four-eyes off: %+v", p)
	}
	ok(t, second, "", "request", "approve", fmt.Sprint(p.Request))
	if out := ok(t, "admin", "", "perm", "grant", hrAddr, "broadcast"); !strings.Contains(out, "now holds broadcast") {
		t.Errorf("with four-eyes off for broadcast: %q", out)
	}
}

// TestFourEyesOneAdmin: with one admin nothing waits: the change applies
// and its log record says it went unreviewed.
func TestFourEyesOneAdmin(t *testing.T) {
	if out := ok(t, "admin", "", "perm", "grant", memberAddr, "broadcast"); !strings.Contains(out, "now holds broadcast") {
		t.Fatalf("one admin: %q", out)
	}
	rec := opLog(t, 1)[0]
	if len(rec.Notes) == 0 || !strings.Contains(rec.Notes[len(rec.Notes)-1].Value, "unreviewed") {
		t.Errorf("not noted unreviewed: %+v", rec)
	}
}
