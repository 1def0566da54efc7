package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"postroom/assets"
	"postroom/mail"
	"postroom/model"
	"postroom/store"
	"postroom/tui"
	"postroom/tui/cmd"
)

// serveFlags are serve's own flags; each overrides the config file.
type serveFlags struct {
	ssh, smtp, submission, smarthost, config string
	cpuprofile                               string // write a Go CPU profile here until serve stops
}

// errServeHelp is parseServe's answer to --help: print serveUsage, exit 0.
var errServeHelp = errors.New("serve: help asked for")

// serveUsage is what serve --help prints.
const serveUsage = `postroom serve: the server (SSH door with the UI and the commands, the SMTP relay)

Usage:
  postroom serve --data DIR [--ssh HOST:PORT] [--smtp HOST:PORT] [--submission HOST:PORT] [--smarthost HOST:PORT] [--config FILE]

Flags (each overrides DIR/postroom.toml or the --config file):
      --data DIR               the data directory (default ./data)
      --ssh HOST:PORT          the SSH door (default 127.0.0.1:2222)
      --smtp HOST:PORT         inbound SMTP (default 127.0.0.1:2525)
      --submission HOST:PORT   SMTP submission for members' mail clients (default 127.0.0.1:2587)
      --smarthost HOST:PORT    where mail for other domains goes
      --config FILE            the configuration file instead of DIR/postroom.toml
      --cpuprofile FILE        write a Go CPU profile to FILE until serve stops
  -h, --help                   this help
`

func parseServe(args []string) (serveFlags, error) {
	var f serveFlags
	flags := map[string]*string{"--ssh": &f.ssh, "--smtp": &f.smtp, "--submission": &f.submission,
		"--smarthost": &f.smarthost, "--config": &f.config, "--cpuprofile": &f.cpuprofile}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(a, "=")
		p, ok := flags[name]
		switch {
		case a == "--help" || a == "-h" || a == "help":
			return f, errServeHelp
		case ok && hasVal:
			*p = val
		case ok && i+1 < len(args):
			*p = args[i+1]
			i++
		default:
			return f, fmt.Errorf("serve: unknown argument %q; serve takes --data DIR, --ssh, --smtp, --submission HOST:PORT, --smarthost HOST:PORT, --config FILE and --cpuprofile FILE", a)
		}
	}
	return f, nil
}

// servers are the doors and workers of one running `postroom serve`.
type servers struct {
	data   string
	st     *store.Store
	spool  *store.Spool
	ssh    *tui.Server
	relay  *mail.Relay
	cancel context.CancelFunc
	done   chan struct{} // delivery stopped
	addrs  cmd.ServeInfo
}

// startServers opens the data and starts the SSH door, both SMTP doors and
// the delivery workers.
func startServers(data string, f serveFlags, logw io.Writer) (*servers, error) {
	cfgPath, optional := f.config, false
	if cfgPath == "" {
		cfgPath, optional = filepath.Join(data, mail.ConfigFile), true
	}
	cfg, err := mail.LoadConfig(cfgPath, optional)
	if err != nil {
		return nil, err
	}
	for _, o := range []struct {
		flag string
		to   *string
	}{{f.ssh, &cfg.Listen.SSH}, {f.smtp, &cfg.Listen.SMTP},
		{f.submission, &cfg.Listen.Submission}, {f.smarthost, &cfg.Smarthost.Addr}} {
		if o.flag != "" {
			*o.to = o.flag
		}
	}
	st, err := cmd.OpenData(data, store.Options{})
	if err != nil {
		return nil, err
	}
	s := &servers{data: data, st: st, done: make(chan struct{})}
	fail := func(err error) (*servers, error) {
		s.close()
		return nil, err
	}
	if s.spool, err = store.OpenSpool(filepath.Join(data, store.SpoolFile), store.SpoolOptions{BatchDelay: cfg.Queue.BatchDelay.D(), MaxSize: cfg.Queue.MaxBytes}); err != nil {
		return fail(err)
	}
	listen := func(what, addr, flag string) (net.Listener, error) {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("cannot listen for %s on %s: %v; pick another with %s HOST:PORT", what, addr, err, flag)
		}
		return l, nil
	}
	lssh, err := listen("SSH", cfg.Listen.SSH, "--ssh")
	if err != nil {
		return fail(err)
	}
	lsmtp, err := listen("inbound SMTP", cfg.Listen.SMTP, "--smtp")
	if err != nil {
		lssh.Close()
		return fail(err)
	}
	lsub, err := listen("SMTP submission", cfg.Listen.Submission, "--submission")
	if err != nil {
		lssh.Close()
		lsmtp.Close()
		return fail(err)
	}
	s.addrs = cmd.ServeInfo{PID: os.Getpid(), SSH: lssh.Addr().String(), SMTP: lsmtp.Addr().String(), Submission: lsub.Addr().String()}
	if s.relay, err = mail.New(mail.Options{DataDir: data, Config: cfg, Store: st, Spool: s.spool, Log: logw, SSHAddr: s.addrs.SSH}); err != nil {
		lssh.Close()
		lsmtp.Close()
		lsub.Close()
		return fail(err)
	}
	migrate := imapMigrator(st, data, cfg.Hostname)
	s.ssh, err = tui.NewServer(st, tui.ServerOptions{HostKeyPath: filepath.Join(data, "ssh_host_ed25519_key"), Log: logw,
		CommandEnv: func(e *cmd.Env) {
			e.Spool, e.Kick, e.Notify, e.Recall = s.spool, s.relay.Kick, s.relay.Notify, s.relay.Recall
			e.OneTime = s.relay.SendOneTime
			e.MigrateIMAP = migrate
		},
		Spool: s.spool, Kick: s.relay.Kick, Notify: s.relay.Notify, Recall: s.relay.Recall, OneTime: s.relay.SendOneTime})
	if err != nil {
		lssh.Close()
		lsmtp.Close()
		lsub.Close()
		return fail(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() { s.relay.Run(ctx); close(s.done) }()
	go s.ssh.Serve(lssh)
	go s.relay.ServeInbound(lsmtp)
	go s.relay.ServeSubmission(lsub)
	b, _ := json.Marshal(s.addrs)
	os.WriteFile(filepath.Join(data, cmd.ServeInfoFile), b, 0o600)
	return s, nil
}

// stop closes the doors, lets deliveries in flight finish, and closes the data.
func (s *servers) stop(grace time.Duration) {
	os.Remove(filepath.Join(s.data, cmd.ServeInfoFile))
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if s.relay != nil {
		s.relay.Shutdown(ctx)
	}
	if s.ssh != nil {
		s.ssh.Shutdown(grace)
	}
	if s.cancel != nil {
		s.cancel()
		<-s.done
	}
	s.close()
}

func (s *servers) close() {
	if s.spool != nil {
		s.spool.Close()
	}
	s.st.Close()
}

// serve runs the server until SIGINT or SIGTERM.
func serve(data string, args []string, stdout, stderr io.Writer) int {
	f, err := parseServe(args)
	if errors.Is(err, errServeHelp) {
		fmt.Fprint(stdout, serveUsage)
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "postroom:", err)
		return 2
	}
	if os.Getenv("GOGC") == "" {
		// serve's heap is small and short-lived garbage dominates it (a
		// message's buffers): collecting at twice the default growth
		// takes a third of the collector's CPU off each message.
		debug.SetGCPercent(200)
	}
	if f.cpuprofile != "" {
		pf, err := os.Create(f.cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(pf)
		}
		if err != nil {
			fmt.Fprintln(stderr, "postroom: --cpuprofile:", err)
			return 1
		}
		defer func() {
			pprof.StopCPUProfile()
			pf.Close()
		}()
	}
	s, err := startServers(data, f, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "postroom:", err)
		return 1
	}
	fmt.Fprintf(stdout, "postroom serving %s: ssh -p %s YOU@%s; SMTP %s, submission %s\n",
		data, portOf(s.addrs.SSH), hostOf(s.addrs.SSH), s.addrs.SMTP, s.addrs.Submission)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	got := <-sig
	fmt.Fprintf(stdout, "postroom: %s, closing sessions\n", got)
	s.stop(10 * time.Second)
	return 0
}

func portOf(a string) string {
	_, p, _ := net.SplitHostPort(a)
	return p
}

func hostOf(a string) string {
	h, _, _ := net.SplitHostPort(a)
	if h == "" || h == "::" || h == "0.0.0.0" {
		return "HOST"
	}
	if strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return h
}

// mailDoor is what the UI's mail panes work through: the spool, and when a
// relay runs, its delivery kick and its notices to senders.
type mailDoor struct {
	spool  *store.Spool
	kick   func()
	notify func(ev string, m *store.QueueMessage, by model.Address, comment string)
	recall cmd.RecallFunc
}

// localTUI runs the terminal UI on this terminal, as the local operator.
// This terminal is the person's own, so its LANG counts here.
func localTUI(st *store.Store, actor model.Actor, door mailDoor, ctxDone <-chan struct{}) error {
	var m *model.Member
	if err := st.Read(func(r *store.Reader) error {
		var err error
		m, err = r.Member(actor.Address)
		return err
	}); err != nil {
		return err
	}
	lang := m.Prefs.Lang
	if lang == "" {
		lang = assets.LangFromEnv(os.Environ())
	}
	if lang == "" {
		lang = tui.DefaultLang
	}
	actor.Door = model.DoorTUI
	s := tui.NewSession(st, actor, lang, m.Prefs.ASCII)
	s.Spool, s.Kick, s.Notify, s.Recall = door.spool, door.kick, door.notify, door.recall
	s.Export = func(name string, data []byte) (string, error) {
		dir := filepath.Dir(st.Path())
		file, err := cmd.SaveExport(dir, actor.Address, name, data, st.Now())
		return filepath.Join(cmd.ExportDir(dir, actor.Address), file), err
	}
	app := tui.NewApp(s, "")
	defer app.Close()
	p := tea.NewProgram(app)
	if ctxDone != nil {
		go func() {
			<-ctxDone
			p.Quit()
		}()
	}
	_, err := p.Run()
	if msg := app.Quitting(); msg != "" {
		fmt.Println(msg)
	}
	if errors.Is(err, tea.ErrProgramKilled) {
		return nil
	}
	return err
}
