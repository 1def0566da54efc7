package cmd_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestListCommands: an admin creates a list, names its senders, adds
// subscribers by hand, reads the counts (list show --json, the stable
// fields), the subscribers by state and the statistics, and deletes it.
func TestListCommands(t *testing.T) {
	member := string(who(t, "member"))
	out := ok(t, "admin", "", "list", "add", "news@example.com", "--name", "产品通讯", "--sender", member)
	if !strings.Contains(out, "news+subscribe@example.com") {
		t.Errorf("add does not say how to subscribe: %q", out)
	}
	if _, errs, code := run(t, "admin", "", "list", "add", "news@example.com", "--name", "x"); code == 0 || !strings.Contains(errs, "already taken") {
		t.Errorf("a second list at the same address: %d %q", code, errs)
	}
	if _, errs, code := run(t, "admin", "", "list", "add", "other@example.com", "--name", "x", "--sender", "someone@outside.example"); code == 0 || !strings.Contains(errs, "only the company's members") {
		t.Errorf("an outside sender: %d %q", code, errs)
	}
	ok(t, "admin", "", "list", "sender", "add", "news@example.com", string(who(t, "head")))
	ok(t, "admin", "", "list", "sender", "rm", "news@example.com", string(who(t, "head")))

	out = ok(t, "admin", "", "list", "subscriber", "add", "news@example.com", "a@outside.example", "B@Outside.example", "a@outside.example")
	if !strings.Contains(out, "2 subscribed") {
		t.Errorf("subscriber add: %q", out)
	}
	ok(t, "admin", "", "list", "subscriber", "rm", "news@example.com", "b@outside.example")
	out = ok(t, "admin", "", "list", "subscriber", "add", "news@example.com", "b@outside.example")
	if !strings.Contains(out, "0 subscribed") || !strings.Contains(out, "--resubscribe") {
		t.Errorf("bringing back one who left: %q", out)
	}
	if _, errs, code := run(t, "admin", "", "list", "subscriber", "add", "news@example.com", "c@outside.example", "not an address"); code == 0 || !strings.Contains(errs, "not an address") {
		t.Errorf("a bad address: %d %q", code, errs)
	}

	var show struct {
		Address                               string
		Subscribed, Unconfirmed, Unsubscribed int
		Senders                               []string
		Subscribe                             string
	}
	out = ok(t, "admin", "", "list", "show", "news@example.com", "--json")
	if err := json.Unmarshal([]byte(out), &show); err != nil {
		t.Fatal(err)
	}
	if show.Address != "news@example.com" || show.Subscribed != 1 || show.Unconfirmed != 0 || show.Unsubscribed != 1 ||
		len(show.Senders) != 1 || show.Senders[0] != member || show.Subscribe != "news+subscribe@example.com" {
		t.Errorf("list show: %s", out)
	}
	for _, key := range []string{`"address"`, `"subscribed"`, `"unconfirmed"`, `"unsubscribed"`} {
		if !strings.Contains(out, key) {
			t.Errorf("list show --json lacks %s", key)
		}
	}
	var subs []struct{ Address, Status string }
	out = ok(t, "admin", "", "list", "subscribers", "news@example.com", "--status", "unsubscribed", "--json")
	if json.Unmarshal([]byte(out), &subs) != nil || len(subs) != 1 || subs[0].Address != "b@outside.example" || subs[0].Status != "unsubscribed" {
		t.Errorf("subscribers --status unsubscribed: %s", out)
	}
	if _, errs, code := run(t, "admin", "", "list", "subscribers", "news@example.com", "--status", "gone"); code == 0 || !strings.Contains(errs, "unknown subscriber status") {
		t.Errorf("a bad status: %d %q", code, errs)
	}
	var days []struct{ Subscribed, Unsubscribed int }
	out = ok(t, "admin", "", "list", "stats", "news@example.com", "--json")
	if json.Unmarshal([]byte(out), &days) != nil || len(days) != 1 || days[0].Subscribed != 2 || days[0].Unsubscribed != 1 {
		t.Errorf("stats: %s", out)
	}
	if out = ok(t, "admin", "", "list", "stats", "news@example.com", "--days", "7"); !strings.Contains(out, "7 days") {
		t.Errorf("stats table: %q", out)
	}
	if out = ok(t, "admin", "", "list", "ls"); !strings.Contains(out, "产品通讯") {
		t.Errorf("ls: %q", out)
	}
	ok(t, "admin", "", "list", "rm", "news@example.com")
	if _, errs, code := run(t, "admin", "", "list", "show", "news@example.com"); code == 0 || !strings.Contains(errs, "no mailing list") {
		t.Errorf("show after rm: %d %q", code, errs)
	}
	// The address is free again.
	ok(t, "admin", "", "list", "add", "news@example.com", "--name", "again")
	if out = ok(t, "admin", "", "list", "show", "news@example.com", "--json"); !strings.Contains(out, `"subscribed": 0`) {
		t.Errorf("a new list at the old address: %s", out)
	}
}

// TestListCommandsRefused: member, helpdesk and auditor may neither change
// nor read the mailing lists; each refusal names list.manage.
func TestListCommandsRefused(t *testing.T) {
	ok(t, "admin", "", "list", "add", "news@example.com", "--name", "News")
	ok(t, "admin", "", "list", "subscriber", "add", "news@example.com", "a@outside.example")
	commands := [][]string{
		{"list", "add", "x@example.com", "--name", "X"},
		{"list", "set", "news@example.com", "--name", "Y"},
		{"list", "rm", "news@example.com"},
		{"list", "ls"},
		{"list", "show", "news@example.com"},
		{"list", "sender", "add", "news@example.com", string(who(t, "member"))},
		{"list", "subscriber", "add", "news@example.com", "b@outside.example"},
		{"list", "subscriber", "rm", "news@example.com", "a@outside.example"},
		{"list", "subscribers", "news@example.com"},
		{"list", "stats", "news@example.com"},
	}
	for _, role := range []string{"member", "helpdesk", "auditor"} {
		for _, args := range commands {
			out, errs, code := run(t, role, "", args...)
			if code == 0 || !strings.Contains(errs, "list.manage") || strings.Contains(out, "a@outside.example") {
				t.Errorf("%s as %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), role, code, out, errs)
			}
		}
	}
	var show struct{ Name string }
	if json.Unmarshal([]byte(ok(t, "admin", "", "list", "show", "news@example.com", "--json")), &show) != nil || show.Name != "News" {
		t.Errorf("a refused change went through: %+v", show)
	}
}

// TestListBounceRule: list show names the bouncing count and the bounce
// rule (3 within 30 days unless set); list set changes the rule within
// its bounds; other roles are refused, naming list.manage.
func TestListBounceRule(t *testing.T) {
	ok(t, "admin", "", "list", "add", "news@example.com", "--name", "News")
	var show struct {
		Bouncing    int
		BounceLimit int `json:"bounce_limit"`
	}
	out := ok(t, "admin", "", "list", "show", "news@example.com", "--json")
	if json.Unmarshal([]byte(out), &show) != nil || show.Bouncing != 0 || show.BounceLimit != 3 || !strings.Contains(out, `"bounce_days": 30`) {
		t.Errorf("default rule: %s", out)
	}
	ok(t, "admin", "", "list", "set", "news@example.com", "--bounce-limit", "5", "--bounce-days", "60")
	if out = ok(t, "admin", "", "list", "show", "news@example.com"); !strings.Contains(out, "5 hard bounces within 60 days") || !strings.Contains(out, "bouncing") {
		t.Errorf("show: %s", out)
	}
	if _, errs, code := run(t, "admin", "", "list", "set", "news@example.com", "--bounce-days", "0"); code != 1 || !strings.Contains(errs, "--bounce-days takes 1 to 365") {
		t.Errorf("0 days: %d %q", code, errs)
	}
	if _, errs, code := run(t, "admin", "", "list", "set", "news@example.com"); code != 1 || !strings.Contains(errs, "nothing to change") {
		t.Errorf("nothing: %d %q", code, errs)
	}
	if out = ok(t, "admin", "", "list", "stats", "news@example.com"); !strings.Contains(out, "REMOVED") {
		t.Errorf("stats: %s", out)
	}
	ok(t, "admin", "", "list", "subscribers", "news@example.com", "--status", "bouncing")
	for _, role := range []string{"member", "helpdesk", "auditor"} {
		if _, errs, code := run(t, role, "", "list", "set", "news@example.com", "--bounce-limit", "1"); code != 1 || !strings.Contains(errs, "list.manage") {
			t.Errorf("%s: %d %q", role, code, errs)
		}
	}
}
