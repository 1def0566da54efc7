package tui

import (
	"context"
	"fmt"
	"path/filepath"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	bm "charm.land/wish/v2/bubbletea"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// DefaultLang is the language of a session whose person set none and whose
// client sent no LANG.
const DefaultLang = "zh-CN"

// sessionLang picks the language: the person's setting, else the client's
// LANG, else the server default. The server's own environment never counts.
func sessionLang(m *model.Member, environ []string) string {
	if m.Prefs.Lang != "" {
		return m.Prefs.Lang
	}
	if l := assets.LangFromEnv(environ); l != "" {
		return l
	}
	return DefaultLang
}

// runTUI runs the terminal UI for one session and returns its exit status.
func (s *Server) runTUI(sess ssh.Session, m *model.Member, src string) int {
	var actor model.Actor
	var due string
	err := s.store.Read(func(r *store.Reader) error {
		var err error
		if actor, err = r.Actor(m.Address, model.DoorTUI, src); err != nil {
			return err
		}
		pol, err := r.Policy()
		if err != nil {
			return err
		}
		if ok, why := model.PasswordDue(m, pol, s.store.Now()); ok {
			due = why
		}
		return nil
	})
	if err != nil {
		fmt.Fprintln(sess.Stderr(), "postroom:", err)
		return 1
	}
	ui := NewSession(s.store, actor, sessionLang(m, sess.Environ()), m.Prefs.ASCII)
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	go func() {
		select {
		case <-sess.Context().Done():
			cancel()
		case <-ctx.Done():
		}
	}()
	ui.Ctx = ctx
	ui.Spool, ui.Kick, ui.Notify, ui.Recall, ui.OneTime = s.opt.Spool, s.opt.Kick, s.opt.Notify, s.opt.Recall, s.opt.OneTime
	dataDir := filepath.Dir(s.store.Path())
	ui.Export = func(name string, data []byte) (string, error) {
		file, err := cmd.SaveExport(dataDir, actor.Address, name, data, s.store.Now())
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s (ssh -p %s %s@HOST export file %s > %s)", file, s.port(), actor.Address, file, file), nil
	}
	app := NewApp(ui, due)
	defer app.Close()

	pty, windows, _ := sess.Pty()
	// The server's own signals are for the server: a session ends through
	// its context when the server shuts down, with a message.
	opts := append(bm.MakeOptions(sess), tea.WithContext(sess.Context()), tea.WithWindowSize(pty.Window.Width, pty.Window.Height), tea.WithoutSignalHandler())
	prog := tea.NewProgram(app, opts...)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case w, ok := <-windows:
				if !ok {
					return
				}
				prog.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
			}
		}
	}()
	if _, err := prog.Run(); err != nil && ctx.Err() == nil {
		s.logf("%s: the UI ended with %v", m.Address, err)
	}
	prog.Kill()
	if msg := app.Quitting(); msg != "" {
		fmt.Fprintln(sess, msg)
	}
	return 0
}
