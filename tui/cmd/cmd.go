// Package cmd is postroom's command tree: the automation surface of
// DESIGN.md, written once and run by two doors. main.go runs it for the
// local operator; the SSH server runs it for sessions that carry a command.
// Every command takes the actor and its input and output from Env and
// reads nothing from the process environment.
package cmd

//go:generate go test -run TestCommandReference -update .

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/text/width"

	"postroom/model"
	"postroom/store"
)

// Env is what a command runs with: who acts, on which store, with which
// streams. DataDir is set for the local door only.
type Env struct {
	Actor   model.Actor
	Store   *store.Store
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	DataDir string
	// Local marks the box operator's own CLI (file paths are theirs to read).
	Local bool
	// Lang is the language of the person at the other end ("zh-CN", "en"),
	// chosen by the door; Run tells errors in it. Anything but Chinese is
	// English. Data on stdout (tables, JSON) does not depend on it.
	Lang string
	// Spool is the running server's mail spool. When it is nil and DataDir
	// is set (the local CLI, serve not running), the queue and mail-log
	// commands open DIR/spool.db for themselves.
	Spool *store.Spool
	// Kick wakes the delivery workers after a release or a retry; nil: none.
	Kick func()
	// Notify tells the sender what became of a held message: ev is
	// "released" or "rejected", by who decided, comment their words; nil:
	// nobody is told.
	Notify func(ev string, m *store.QueueMessage, by model.Address, comment string)
	// Recall deals with the mail copies of a recalled announcement: the
	// relay's (Relay.Recall) in serve, the Maildir under DIR/mail for the
	// local CLI; nil: they cannot be reached.
	Recall RecallFunc
	// MigrateIMAP runs a mailbox migration (MAILFX-4) where the Maildir
	// is: the doors set it (mail.IMAPMigration.Run); nil: not here.
	MigrateIMAP func(actor model.Actor, job model.MigrationJob, progress func(model.BatchRow)) error
	// HandOver copies the mailbox of an applied handover request and
	// records it (mail.HandOverRequest), for the local CLI; nil: the
	// running relay does it after the approval.
	HandOver func(id uint64) error
	// OneTime mails a joiner's one-time password to the heads of their
	// department (mail.Relay.SendOneTime) and says to whom; nil (the local
	// CLI): it is only printed to the admin applying the request.
	OneTime func(q *model.Request, otp string) ([]model.Address, error)
}

// New builds the command tree for env. Each call builds a fresh tree, so
// concurrent sessions share nothing.
func New(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:           "postroom",
		Short:         "postroom: the company's mailboxes and mail rules",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(orgCmd(env), domainCmd(env), deptCmd(env), memberCmd(env), passwdCmd(env), groupCmd(env), mailPolicyCmd(env),
		sharedCmd(env), roleCmd(env), dkimCmd(env), logCmd(env), auditCmd(env), queueCmd(env), backupCmd(env), importCmd(env), exportCmd(env), whoamiCmd(env), accessCmd(env))
	root.AddCommand(bookCmd(env))
	root.AddCommand(notifyCmd(env))
	root.AddCommand(listCmd(env))
	root.AddCommand(batchCmd(env))
	root.AddCommand(announceCmd(env))
	root.AddCommand(migrateCmd(env))
	root.AddCommand(permCmd(env), requestCmd(env))
	strictGroups(root)
	return root
}

// strictGroups makes every command group refuse an unknown subcommand as a
// usage mistake, instead of printing its help and succeeding, so a typo in
// a script fails.
func strictGroups(c *cobra.Command) {
	for _, sub := range c.Commands() {
		strictGroups(sub)
	}
	if c.HasSubCommands() && c.RunE == nil && c.Run == nil && c.HasParent() {
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return c.Help()
			}
			return fmt.Errorf("unknown command %q for %q; see %s --help", args[0], c.CommandPath(), c.CommandPath())
		}
	}
}

// Run runs one command line and returns the exit status: 0 done, 1 refused
// or failed (the reason on stderr, in env.Lang), 2 a usage mistake.
func Run(env *Env, args []string) int {
	root := New(env)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	if pend := (*model.ApprovalPending)(nil); errors.As(err, &pend) {
		env.printPending(pend, args)
		return 0
	}
	fmt.Fprintln(env.Stderr, "postroom:", model.Localize(err, env.Lang))
	var u *model.UserError
	if errors.As(err, &u) || isUsage(err) {
		if isUsage(err) {
			return 2
		}
	}
	return 1
}

// printPending says a dangerous change was filed for a second admin's
// approval instead of applied: JSON (request id, status pending) when the
// command line asked for JSON, else the words.
func (e *Env) printPending(p *model.ApprovalPending, args []string) {
	for _, a := range args {
		if a == "--json" || a == "--json=true" {
			e.printJSON(map[string]any{"request": p.ID, "status": model.RequestPending, "kind": model.RequestChange,
				"class": p.Class, "op": p.Op, "target": p.Target})
			return
		}
	}
	fmt.Fprintln(e.Stdout, model.Localize(p, e.Lang))
}

func isUsage(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "unknown command") || strings.HasPrefix(s, "unknown flag") ||
		strings.HasPrefix(s, "unknown shorthand") || strings.Contains(s, "flag needs an argument") ||
		strings.HasPrefix(s, "accepts ") || strings.HasPrefix(s, "requires ") || strings.Contains(s, "invalid argument")
}

// apply runs changes as the env's actor.
func (e *Env) apply(changes ...model.Change) error {
	return e.Store.Apply(e.Actor, changes...)
}

// authorize asks the model whether the actor may use a right over a scope.
func (e *Env) authorize(r *store.Reader, right model.Right, scope model.Scope) error {
	return model.Authorize(e.Actor, right, scope, r)
}

// idJSON is what a command that files or publishes something prints with
// --json: the new thing's id.
type idJSON struct {
	ID uint64 `json:"id"`
}

// printJSON writes one JSON value.
func (e *Env) printJSON(v any) error {
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func (e *Env) printf(format string, args ...any) { fmt.Fprintf(e.Stdout, format, args...) }

// table prints rows aligned by display width (Chinese takes two cells).
func (e *Env) table(header []string, rows [][]string) {
	widths := make([]int, len(header))
	all := append([][]string{header}, rows...)
	for _, r := range all {
		for i, c := range r {
			if i < len(widths) {
				widths[i] = max(widths[i], cells(c))
			}
		}
	}
	for _, r := range all {
		var b strings.Builder
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-cells(c)+2))
			}
		}
		fmt.Fprintln(e.Stdout, strings.TrimRight(b.String(), " "))
	}
	if len(rows) == 0 && e.Stderr != nil {
		// Said aside, so a script reading the table still sees only it.
		fmt.Fprintln(e.Stderr, "(nothing to list)")
	}
}

// cells is the display width of s in a terminal.
func cells(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

func addr(s string) (model.Address, error) { return model.ParseAddress(s) }

// readSecret reads one line (a password) from stdin.
func (e *Env) readSecret(what string) (string, error) {
	buf := make([]byte, 0, 128)
	one := make([]byte, 1)
	for len(buf) < 4096 {
		n, err := e.Stdin.Read(one)
		if n == 1 {
			if one[0] == '\n' {
				break
			}
			buf = append(buf, one[0])
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	s := strings.TrimRight(string(buf), "\r")
	if s == "" {
		return "", model.Invalidf("no %s on standard input: pipe it in, e.g. printf '%%s\\n' 'your passphrase' | postroom ...", what)
	}
	return s, nil
}

// readAll reads a file argument: "-" is stdin; other paths only on the
// local door, since over SSH the file would be the server's.
func (e *Env) readAll(path string, limit int64) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = e.Stdin
	} else {
		if !e.Local {
			return nil, model.Invalidf("over SSH, send the file on standard input and name it -: ssh ... %s - < %s", "COMMAND", path)
		}
		f, err := openFile(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, model.Invalidf("%s is larger than %d MB; split it", path, limit>>20)
	}
	return b, nil
}
