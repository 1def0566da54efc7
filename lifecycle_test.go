package main

// The lifecycles end to end through the real doors (ACC-5, REQ-3): the
// servers serve starts (SSH, inbound SMTP, submission, delivery) on
// loopback over one data directory, a golang.org/x/crypto/ssh client for
// the commands and an SMTP client for the approver's reply.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"postroom/assets"
)

// e2eLogin is a demo login's address and password by role.
func e2eLogin(t *testing.T, role string) (string, string) {
	for _, l := range assets.DemoLogins() {
		if l.Role == role {
			return l.Address, l.Password
		}
	}
	t.Fatalf("no demo login %s", role)
	return "", ""
}

// e2eSSH runs one command over SSH as user with the password.
func e2eSSH(t *testing.T, addr, user, pass, command string) (string, string, error) {
	t.Helper()
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: user, Auth: []gossh.AuthMethod{gossh.Password(pass)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		return "", "", err
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		return "", "", err
	}
	defer s.Close()
	var out, errb bytes.Buffer
	s.Stdout, s.Stderr = &out, &errb
	err = s.Run(command)
	return out.String(), errb.String(), err
}

// e2eWait polls cond for up to 20 s.
func e2eWait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(30 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// e2eMailbox reads the messages in a mailbox's new/.
func e2eMailbox(data, addr string) []string {
	local, domain, _ := strings.Cut(addr, "@")
	dir := filepath.Join(data, "mail", domain, local, "new")
	es, _ := os.ReadDir(dir)
	var out []string
	for _, e := range es {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		out = append(out, string(b))
	}
	return out
}

// TestLeaverEndToEnd: HR files a leaver over SSH; the department's
// officer approves by replying to the notice from their own submission
// session; IT applies over SSH; the leaver can no longer log in over SSH
// or SMTP, mail to them lands at the successor, and HR's request shows
// done; the successor then asks for the mailbox and finds it in a folder.
func TestLeaverEndToEnd(t *testing.T) {
	data := demoDir(t)
	s, err := startServers(data, serveFlags{ssh: "127.0.0.1:0", smtp: "127.0.0.1:0", submission: "127.0.0.1:0"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer s.stop(2 * time.Second)
	sshAddr, sub := s.addrs.SSH, s.addrs.Submission
	hr, hrPass := e2eLogin(t, "hr")
	admin, adminPass := e2eLogin(t, "admin")
	officer, officerPass := e2eLogin(t, "head")
	leaver, leaverPass := e2eLogin(t, "member")

	out, errs, err := e2eSSH(t, sshAddr, hr, hrPass, "request file leave --member "+leaver+" --successor "+officer+" --json")
	if err != nil {
		t.Fatalf("HR files the leaver: %v: %s", err, errs)
	}
	var filed struct{ ID uint64 }
	if err := json.Unmarshal([]byte(out), &filed); err != nil || filed.ID == 0 {
		t.Fatalf("request file leave printed %q", out)
	}

	// The officer replies to the notice from their own mailbox.
	var reply string
	e2eWait(t, "the officer's notice", func() bool {
		for _, m := range e2eMailbox(data, officer) {
			for l := range strings.SplitSeq(m, "\r\n") {
				if v, ok := strings.CutPrefix(l, "Reply-To: "); ok && strings.HasPrefix(v, "postroom-reply+") {
					reply = v
				}
			}
		}
		return reply != ""
	})
	msg := "From: " + officer + "\r\nTo: " + reply + "\r\nSubject: Re\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n同意，已交接\r\n"
	if err := e2eSend(sub, officer, officerPass, reply, msg); err != nil {
		t.Fatalf("the officer's reply: %v", err)
	}

	if out, errs, err := e2eSSH(t, sshAddr, admin, adminPass, "request approve "+itoa(filed.ID)); err != nil {
		t.Fatalf("IT applies: %v: %s %s", err, out, errs)
	}

	// The leaver is locked out of both doors.
	if _, _, err := e2eSSH(t, sshAddr, leaver, leaverPass, "whoami"); err == nil {
		t.Error("the leaver still logs in over SSH")
	}
	c, err := smtp.Dial(sub)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(smtp.PlainAuth("", leaver, leaverPass, "127.0.0.1")); err == nil {
		t.Error("the leaver still logs in over SMTP")
	}
	c.Close()

	// Mail to the leaver lands at the successor.
	if err := e2eSend(sub, hr, hrPass, leaver, "From: "+hr+"\r\nTo: "+leaver+"\r\nSubject: handover-check\r\n\r\nfor the leaver\r\n"); err != nil {
		t.Fatalf("mail to the leaver: %v", err)
	}
	e2eWait(t, "the leaver's mail at the successor", func() bool {
		for _, m := range e2eMailbox(data, officer) {
			if strings.Contains(m, "handover-check") {
				return true
			}
		}
		return false
	})

	show := func() map[string]any {
		out, errs, err := e2eSSH(t, sshAddr, hr, hrPass, "request show "+itoa(filed.ID)+" --json")
		if err != nil {
			t.Fatalf("request show: %v %s", err, errs)
		}
		var q map[string]any
		json.Unmarshal([]byte(out), &q)
		return q
	}
	if q := show(); q["status"] != "applied" || q["finished"] != true {
		t.Errorf("HR's request: status %v, finished %v", q["status"], q["finished"])
	}

	// The successor asks for the mailbox; the officer signs it by SSH, IT applies.
	out, errs, err = e2eSSH(t, sshAddr, officer, officerPass, "request file handover --member "+leaver+" --json")
	if err != nil {
		t.Fatalf("the successor files the handover: %v %s", err, errs)
	}
	var hand struct{ ID uint64 }
	json.Unmarshal([]byte(out), &hand)
	q := show()
	if q["finished"] != false {
		t.Errorf("the leave request is finished while its handover waits")
	}
	for range 4 {
		out, errs, err := e2eSSH(t, sshAddr, admin, adminPass, "request show "+itoa(hand.ID)+" --json")
		if err != nil {
			t.Fatal(errs)
		}
		var h map[string]any
		json.Unmarshal([]byte(out), &h)
		if h["status"] != "pending" {
			break
		}
		who, pass := admin, adminPass
		steps, _ := h["steps"].([]any)
		for _, st := range steps {
			m := st.(map[string]any)
			if m["decision"] == "pending" {
				if m["approver"] == officer {
					who, pass = officer, officerPass
				}
				break
			}
		}
		if _, errs, err := e2eSSH(t, sshAddr, who, pass, "request approve "+itoa(hand.ID)); err != nil {
			t.Fatalf("approve the handover as %s: %s", who, errs)
		}
	}
	e2eWait(t, "the leave request done", func() bool { return show()["finished"] == true })
	local, domain, _ := strings.Cut(officer, "@")
	es, _ := os.ReadDir(filepath.Join(data, "mail", domain, local))
	var folders []string
	for _, e := range es {
		if strings.HasPrefix(e.Name(), ".") {
			folders = append(folders, e.Name())
		}
	}
	if len(folders) != 1 {
		t.Errorf("the successor's folders: %v", folders)
	}
}

// e2eSend submits one message on loopback, logged in (no STARTTLS: the
// relay allows AUTH in the clear on loopback).
func e2eSend(addr, user, pass, to, msg string) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Auth(smtp.PlainAuth("", user, pass, "127.0.0.1")); err != nil {
		return err
	}
	if err := c.Mail(user); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	io.WriteString(w, msg)
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func itoa(n uint64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestDismissalAndGrantEndToEnd: a dismissal (--urgent) blocks the login
// at both doors the moment HR files it; a grant of external sending,
// approved by the officer's reply to the notice and applied on that
// approval, is usable at the relay at once.
func TestDismissalAndGrantEndToEnd(t *testing.T) {
	data := demoDir(t)
	s, err := startServers(data, serveFlags{ssh: "127.0.0.1:0", smtp: "127.0.0.1:0", submission: "127.0.0.1:0"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer s.stop(2 * time.Second)
	sshAddr, sub := s.addrs.SSH, s.addrs.Submission
	hr, hrPass := e2eLogin(t, "hr")
	admin, adminPass := e2eLogin(t, "admin")
	officer, officerPass := e2eLogin(t, "head")
	member, memberPass := e2eLogin(t, "member")
	helpdesk, helpdeskPass := e2eLogin(t, "helpdesk")

	// (d) Grant by reply: the permission owned by the member's own
	// department, granted on the officer's approval.
	for _, line := range []string{"perm owner external 销售部/华北大区/北京一组", "request policy set --auto-apply grant",
		"policy set --external-add " + member + " --external-action refuse"} {
		if _, errs, err := e2eSSH(t, sshAddr, admin, adminPass, line); err != nil {
			t.Fatalf("%s: %v %s", line, err, errs)
		}
	}
	outside := "From: " + member + "\r\nTo: buyer@customer.cn\r\nSubject: quote\r\n\r\nthe quote\r\n"
	if err := e2eSend(sub, member, memberPass, "buyer@customer.cn", outside); err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("mail outside before the grant: %v, want 550", err)
	}
	out, errs, err := e2eSSH(t, sshAddr, member, memberPass, "request file grant --member "+member+" --perm external --reason 客户往来 --json")
	if err != nil {
		t.Fatalf("the grant request: %v %s", err, errs)
	}
	var filed struct{ ID uint64 }
	json.Unmarshal([]byte(out), &filed)
	var reply string
	e2eWait(t, "the officer's notice", func() bool {
		for _, m := range e2eMailbox(data, officer) {
			for l := range strings.SplitSeq(m, "\r\n") {
				if v, ok := strings.CutPrefix(l, "Reply-To: postroom-reply+"+itoa(filed.ID)+"-"); ok {
					reply = "postroom-reply+" + itoa(filed.ID) + "-" + v
				}
			}
		}
		return reply != ""
	})
	if err := e2eSend(sub, officer, officerPass, reply, "From: "+officer+"\r\nTo: "+reply+"\r\nSubject: Re\r\n\r\napprove\r\n"); err != nil {
		t.Fatalf("the officer's reply: %v", err)
	}
	if err := e2eSend(sub, member, memberPass, "buyer@customer.cn", outside); err != nil {
		t.Fatalf("mail outside after the grant: %v", err)
	}

	// (c) Dismissal: blocked on filing; the helpdesk may not file one.
	if _, errs, err := e2eSSH(t, sshAddr, helpdesk, helpdeskPass, "request file leave --member "+member+" --successor "+officer+" --urgent"); err == nil || !strings.Contains(errs, "request.urgent") {
		t.Fatalf("the helpdesk files a dismissal: %v %s", err, errs)
	}
	if _, errs, err := e2eSSH(t, sshAddr, hr, hrPass, "request file leave --member "+member+" --successor "+officer+" --urgent"); err != nil {
		t.Fatalf("HR files the dismissal: %v %s", err, errs)
	}
	if _, _, err := e2eSSH(t, sshAddr, member, memberPass, "whoami"); err == nil {
		t.Error("the dismissed member still logs in over SSH")
	}
	if err := e2eSend(sub, member, memberPass, "buyer@customer.cn", outside); err == nil {
		t.Error("the dismissed member still sends")
	}
}

// TestJoinerEndToEnd: HR files a joiner over SSH, the officer approves by
// replying to the notice, IT applies over SSH and is shown the one-time
// password once; the new account logs in with it and must choose its own
// password before anything else.
func TestJoinerEndToEnd(t *testing.T) {
	data := demoDir(t)
	s, err := startServers(data, serveFlags{ssh: "127.0.0.1:0", smtp: "127.0.0.1:0", submission: "127.0.0.1:0"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer s.stop(2 * time.Second)
	sshAddr, sub := s.addrs.SSH, s.addrs.Submission
	hr, hrPass := e2eLogin(t, "hr")
	admin, adminPass := e2eLogin(t, "admin")
	officer, officerPass := e2eLogin(t, "head")
	const joiner = "xinyuangong@example.com"

	out, errs, err := e2eSSH(t, sshAddr, hr, hrPass, "request file join --name 新员工 --dept 销售部/华北大区/北京一组 --address "+joiner+" --title 销售代表 --json")
	if err != nil {
		t.Fatalf("HR files the joiner: %v %s", err, errs)
	}
	var filed struct{ ID uint64 }
	json.Unmarshal([]byte(out), &filed)
	var reply string
	e2eWait(t, "the officer's notice", func() bool {
		for _, m := range e2eMailbox(data, officer) {
			for l := range strings.SplitSeq(m, "\r\n") {
				if v, ok := strings.CutPrefix(l, "Reply-To: postroom-reply+"+itoa(filed.ID)+"-"); ok {
					reply = "postroom-reply+" + itoa(filed.ID) + "-" + v
				}
			}
		}
		return reply != ""
	})
	if err := e2eSend(sub, officer, officerPass, reply, "From: "+officer+"\r\nTo: "+reply+"\r\nSubject: Re\r\n\r\n同意\r\n"); err != nil {
		t.Fatalf("the officer's reply: %v", err)
	}
	out, errs, err = e2eSSH(t, sshAddr, admin, adminPass, "request approve "+itoa(filed.ID))
	if err != nil {
		t.Fatalf("IT applies: %v %s", err, errs)
	}
	otp := strings.TrimSpace(out)
	if otp == "" || strings.Contains(otp, " ") || !strings.Contains(errs, "one-time password") {
		t.Fatalf("IT's approval printed %q / %q", out, errs)
	}
	e2eWait(t, "the one-time password at the head", func() bool {
		for _, m := range e2eMailbox(data, officer) {
			if strings.Contains(m, "X-Postroom-Notice: onetime") {
				return true
			}
		}
		return false
	})
	if !strings.Contains(errs, "mailed to "+officer) {
		t.Errorf("IT's approval does not say the password went to the head: %s", errs)
	}
	if _, errs, err := e2eSSH(t, sshAddr, joiner, otp, "whoami"); err == nil || !strings.Contains(errs, "passwd change") {
		t.Fatalf("the first login ran a command: %v %s", err, errs)
	}
	c, err := gossh.Dial("tcp", sshAddr, &gossh.ClientConfig{User: joiner, Auth: []gossh.AuthMethod{gossh.Password(otp)}, HostKeyCallback: gossh.InsecureIgnoreHostKey()})
	if err != nil {
		t.Fatal(err)
	}
	sess, _ := c.NewSession()
	sess.Stdin = strings.NewReader(otp + "\nviolet-river-stone-2042\n")
	if b, err := sess.CombinedOutput("passwd change"); err != nil {
		t.Fatalf("passwd change: %v %s", err, b)
	}
	c.Close()
	if out, errs, err := e2eSSH(t, sshAddr, joiner, "violet-river-stone-2042", "whoami"); err != nil || !strings.HasPrefix(out, joiner) {
		t.Errorf("whoami with the new password: %v %q %s", err, out, errs)
	}
}
