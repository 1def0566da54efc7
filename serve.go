package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
	"postroom/tui"
	"postroom/tui/cmd"
)

// serveFlags are serve's own flags.
type serveFlags struct {
	ssh string
}

func parseServe(args []string) (serveFlags, error) {
	f := serveFlags{ssh: "127.0.0.1:2222"}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--ssh" && i+1 < len(args):
			f.ssh = args[i+1]
			i++
		case strings.HasPrefix(a, "--ssh="):
			f.ssh = strings.TrimPrefix(a, "--ssh=")
		default:
			return f, fmt.Errorf("serve: unknown argument %q; serve takes --data DIR and --ssh HOST:PORT", a)
		}
	}
	return f, nil
}

// serve runs the server until SIGINT or SIGTERM.
func serve(data string, args []string, stdout, stderr io.Writer) int {
	f, err := parseServe(args)
	if err != nil {
		fmt.Fprintln(stderr, "postroom:", err)
		return 2
	}
	st, err := cmd.OpenData(data, store.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "postroom:", err)
		return 1
	}
	defer st.Close()
	l, err := net.Listen("tcp", f.ssh)
	if err != nil {
		fmt.Fprintf(stderr, "postroom: cannot listen for SSH on %s: %v; pick another with --ssh HOST:PORT\n", f.ssh, err)
		return 1
	}
	srv, err := tui.NewServer(st, tui.ServerOptions{HostKeyPath: filepath.Join(data, "ssh_host_ed25519_key"), Log: stderr})
	if err != nil {
		fmt.Fprintln(stderr, "postroom:", err)
		return 1
	}
	writeServeInfo(data, l.Addr().String())
	defer os.Remove(filepath.Join(data, cmd.ServeInfoFile))
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	fmt.Fprintf(stdout, "postroom serving %s: ssh -p %s YOU@%s\n", data, portOf(l.Addr()), hostOf(l.Addr()))
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case s := <-sig:
		fmt.Fprintf(stdout, "postroom: %s, closing sessions\n", s)
		srv.Shutdown(10 * time.Second)
		<-done
	case err := <-done:
		if err != nil {
			fmt.Fprintln(stderr, "postroom:", err)
			return 1
		}
	}
	return 0
}

func writeServeInfo(data, sshAddr string) {
	b, _ := json.Marshal(cmd.ServeInfo{PID: os.Getpid(), SSH: sshAddr})
	os.WriteFile(filepath.Join(data, cmd.ServeInfoFile), b, 0o600)
}

func portOf(a net.Addr) string {
	_, p, _ := net.SplitHostPort(a.String())
	return p
}

func hostOf(a net.Addr) string {
	h, _, _ := net.SplitHostPort(a.String())
	if h == "" || h == "::" || h == "0.0.0.0" {
		return "HOST"
	}
	if strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return h
}

// localTUI runs the terminal UI on this terminal, as the local operator.
// This terminal is the person's own, so its LANG counts here.
func localTUI(st *store.Store, actor model.Actor, ctxDone <-chan struct{}) error {
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
