// Command postroom runs a company's mailboxes and mail rules: one binary with
// an SSH door, a terminal UI, an SMTP relay and a bbolt store.
//
// main only parses the global flags and wires the parts together; every
// command lives in tui/cmd.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"postroom/assets"
	"postroom/mail"
	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

func main() {
	args := os.Args[1:]
	if _, _, rest := globalFlags(args); len(rest) > 0 && rest[0] != "serve" && rest[0] != "demo" && os.Getenv("GOMEMLIMIT") == "" {
		// A local command is one short process: a soft heap limit keeps a
		// 50,000-row import's peak near its live data (335 MB instead of
		// 454 MB) at some CPU. The server keeps Go's default.
		debug.SetMemoryLimit(cliMemoryLimit)
	}
	// The local door: the terminal is the operator's own, so its LANG
	// (LC_ALL, LC_MESSAGES) picks the language of the errors.
	os.Exit(runLang(assets.LangFromEnv(os.Environ()), args, os.Stdin, os.Stdout, os.Stderr))
}

// cliMemoryLimit is the soft heap limit of local commands.
const cliMemoryLimit = 256 << 20

// fail tells the operator about err in their language.
func fail(stderr io.Writer, lang string, err error) {
	fmt.Fprintln(stderr, "postroom:", model.Localize(err, lang))
}

// globalFlags takes --data DIR and --as ADDR out of args, wherever they stand.
func globalFlags(args []string) (data, as string, rest []string) {
	data = "./data"
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		switch {
		case a == "--data" && i+1 < len(args):
			data = args[i+1]
			i++
		case strings.HasPrefix(a, "--data="):
			data = strings.TrimPrefix(a, "--data=")
		case a == "--as" && i+1 < len(args):
			as = args[i+1]
			i++
		case strings.HasPrefix(a, "--as="):
			as = strings.TrimPrefix(a, "--as=")
		default:
			rest = append(rest, a)
		}
	}
	return data, as, rest
}

// run runs a command line as from a terminal that names no language, so its
// errors are in English; the tests run the binary through it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runLang("", args, stdin, stdout, stderr)
}

// runLang runs a command line with errors told in lang ("zh-CN", "en", or
// "" for English).
func runLang(lang string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	data, as, rest := globalFlags(args)
	if len(rest) > 0 {
		switch rest[0] {
		case "init":
			cmd.MakeCertificate = mail.InitCertificate
			c := cmd.InitCmd(&data, stdin, stdout, stderr, store.Options{})
			c.SetArgs(rest[1:])
			c.SetIn(stdin)
			c.SetOut(stdout)
			c.SetErr(stderr)
			c.SilenceUsage, c.SilenceErrors = true, true
			if err := c.Execute(); err != nil {
				fail(stderr, lang, err)
				return 1
			}
			return 0
		case "demo":
			return demo(lang, stdout, stderr)
		case "serve":
			return serve(data, rest[1:], stdout, stderr)
		case "tui":
			if len(rest) == 2 && (rest[1] == "--help" || rest[1] == "-h") {
				fmt.Fprint(stdout, "postroom tui [--data DIR] [--as ADDR]: the UI on this terminal, when serve is not running\n")
				return 0
			}
			if len(rest) > 1 {
				fmt.Fprintln(stderr, "postroom: tui takes only --data DIR and --as ADDR")
				return 2
			}
		}
	}
	if len(rest) == 0 || rest[0] == "help" || rest[0] == "--help" || rest[0] == "-h" {
		usage(stdout)
		return 0
	}
	s, err := cmd.OpenData(data, store.Options{})
	if err != nil {
		fail(stderr, lang, err)
		return 1
	}
	defer s.Close()
	actor, err := cmd.LocalActor(s, as)
	if err != nil {
		fail(stderr, lang, err)
		return 1
	}
	if rest[0] == "tui" {
		// serve is not running (the store's lock was free), so the spool
		// is ours for the session: its queue, mail log and violations.
		sp, err := store.OpenSpool(filepath.Join(data, store.SpoolFile), store.SpoolOptions{Now: s.Now})
		if err != nil {
			fail(stderr, lang, err)
			return 1
		}
		defer sp.Close()
		if err := localTUI(s, actor, mailDoor{spool: sp, recall: mail.LocalRecall(data)}, nil); err != nil {
			fail(stderr, lang, err)
			return 1
		}
		return 0
	}
	handOver := func(id uint64) error {
		return mail.HandOverRequest(s, mail.NewMaildir(filepath.Join(data, "mail"), "", s.Now), id)
	}
	return cmd.Run(&cmd.Env{Actor: actor, Store: s, Stdin: stdin, Stdout: stdout, Stderr: stderr, DataDir: data, Local: true, Lang: lang,
		Recall: mail.LocalRecall(data), MigrateIMAP: imapMigrator(s, data, ""), HandOver: handOver}, rest)
}

// imapMigrator runs mailbox migrations (MAILFX-4) into DIR/mail, in the
// command that asks for one, four mailboxes at a time; hostname goes into the files' names ("": the
// machine's).
func imapMigrator(st *store.Store, data, hostname string) func(model.Actor, model.MigrationJob, func(model.BatchRow)) error {
	g := &mail.IMAPMigration{Store: st, Maildir: mail.NewMaildir(filepath.Join(data, "mail"), hostname, st.Now), Parallel: 4}
	return func(actor model.Actor, job model.MigrationJob, progress func(model.BatchRow)) error {
		return g.Run(context.Background(), actor, job, progress)
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `postroom: the company's mailboxes and mail rules

  postroom demo                                  the sample company in a temporary directory, served on loopback, UI here
  postroom serve --data DIR [--ssh HOST:PORT]    the server: SSH door with the UI and the commands
  postroom tui [--data DIR] [--as ADDR]          the UI on this terminal, when serve is not running
  postroom init --data DIR --org NAME --domain DOMAIN --admin ADDR [--admin-password-stdin] [--admin-key FILE] [--demo]
  postroom [--data DIR] [--as ADDR] COMMAND ...  run a command on local data

Commands: org, domain, dept, member, passwd, group, shared, role, access, log, audit, backup, import,
export, whoami. Every command takes --help; the same commands run over SSH: ssh -p 2222 YOU@HOST COMMAND.
`)
}

func demo(lang string, stdout, stderr io.Writer) int {
	dir, err := os.MkdirTemp("", "postroom-demo-")
	if err != nil {
		fail(stderr, lang, err)
		return 1
	}
	if code := runLang(lang, []string{"init", "--data", dir, "--demo"}, strings.NewReader(""), stdout, stderr); code != 0 {
		return code
	}
	logf, _ := os.Create(filepath.Join(dir, "serve.log"))
	defer logf.Close()
	srv, err := startServers(dir, demoFlags(), logf)
	if err != nil {
		fail(stderr, lang, err)
		return 1
	}
	defer srv.stop(5 * time.Second)
	st := srv.st
	port := portOf(srv.addrs.SSH)
	fmt.Fprintf(stdout, "\nThe sample company 示例科技有限公司 is in %s, served on 127.0.0.1:%s.\nLog in over SSH as any of these (password after the address):\n\n", dir, port)
	for _, l := range demoLogins() {
		fmt.Fprintf(stdout, "  ssh -p %s %-28s # %-9s %s  (%s)\n", port, l[1]+"@127.0.0.1", l[0], l[2], l[3])
	}
	fmt.Fprintf(stdout, "\nCommands work over SSH too: ssh -p %s it.admin@example.com@127.0.0.1 member list --query zs\n", port)
	fmt.Fprintf(stdout, "Mail: inbound SMTP on %s, submission on %s (the same addresses and passwords); delivered mail lands in %s.\n",
		srv.addrs.SMTP, srv.addrs.Submission, filepath.Join(dir, "mail"))
	if !isTerminal(os.Stdin) || !isTerminal(os.Stdout) {
		fmt.Fprintln(stdout, "\nNo terminal here, so no UI: the server runs until Ctrl-C.")
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
		<-sig
		return 0
	}
	fmt.Fprintln(stdout, "\nOpening the UI here as the admin 周涛 (it.admin@example.com); q quits and stops the demo.")
	time.Sleep(1500 * time.Millisecond)
	actor, err := cmd.LocalActor(st, "")
	if err != nil {
		fail(stderr, lang, err)
		return 1
	}
	if err := localTUI(st, actor, mailDoor{srv.spool, srv.relay.Kick, srv.relay.Notify, srv.relay.Recall}, nil); err != nil {
		fail(stderr, lang, err)
		return 1
	}
	fmt.Fprintf(stdout, "The demo data stays in %s; postroom --data %s serve serves it again.\n", dir, dir)
	return 0
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// demoFlags are the demo's listen addresses: the defaults when they are
// free, else any free loopback port.
func demoFlags() serveFlags {
	pick := func(addr string) string {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			l, err = net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return addr
			}
		}
		defer l.Close()
		return l.Addr().String()
	}
	return serveFlags{ssh: pick("127.0.0.1:2222"), smtp: pick("127.0.0.1:2525"), submission: pick("127.0.0.1:2587")}
}
