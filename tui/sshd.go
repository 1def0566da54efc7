// Package tui is postroom's interactive door: the SSH server that gives each
// session its own identity and either runs a command from tui/cmd or opens
// the terminal UI, and the bubbletea program of that UI.
package tui

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"postroom/model"
	"postroom/store"
	"postroom/tui/cmd"
)

// ServerOptions configure the SSH door.
type ServerOptions struct {
	Addr        string        // listen address, 127.0.0.1:2222 by default
	HostKeyPath string        // ed25519 host key, made once (0600) if missing
	Handshake   time.Duration // time allowed to log in; 30 s by default
	Idle        time.Duration // idle connections close; 30 min by default
	Max         time.Duration // no connection lives longer; 12 h by default
	Log         io.Writer     // server log; os.Stderr when nil
	// CommandEnv completes the environment of each SSH command with what
	// the server runs beside the store (the mail spool, the delivery kick).
	CommandEnv func(*cmd.Env)
	// Spool is the mail spool the relay runs on; each UI session reads and
	// decides the queue, the mail log and the violations through it. nil:
	// the mail panes say the queue is not open.
	Spool *store.Spool
	// Kick wakes the delivery workers after a release or a retry in the
	// UI; nil: nothing to wake.
	Kick func()
	// Notify tells the sender of a held message that the UI released
	// ("released") or rejected ("rejected") it, by whom and with what
	// comment; nil: nobody is told.
	Notify func(ev string, m *store.QueueMessage, by model.Address, comment string)
	// Recall deals with the mail copies of a recalled announcement (the
	// relay's Recall); nil: the UI cannot reach them.
	Recall cmd.RecallFunc
	// OneTime mails a joiner's one-time password to their heads (the
	// relay's SendOneTime); nil: it is only shown.
	OneTime func(q *model.Request, otp string) ([]model.Address, error)
}

// Server is the SSH door of `postroom serve`.
type Server struct {
	store *store.Store
	srv   *ssh.Server
	opt   ServerOptions

	ctx    context.Context // ends when the server shuts down
	cancel context.CancelFunc

	mu   sync.Mutex
	addr net.Addr

	// attempts holds, per open connection (by remote address), what its
	// authentication tried: the public-key callback sees every offered key,
	// so a connection whose keys were all refused is logged once, when it fails.
	attempts sync.Map // string → *authAttempt
}

// authAttempt is what one connection's authentication tried.
type authAttempt struct {
	mu         sync.Mutex
	user       string
	keyRefused bool
	password   bool // a password was tried: Login logged it already
}

type attemptKey struct{}

func (s *Server) connOpened(ctx ssh.Context, c net.Conn) net.Conn {
	a := &authAttempt{}
	ctx.SetValue(attemptKey{}, a)
	s.attempts.Store(c.RemoteAddr().String(), a)
	return c
}

func attemptOf(ctx ssh.Context) *authAttempt {
	a, _ := ctx.Value(attemptKey{}).(*authAttempt)
	if a == nil {
		a = &authAttempt{}
	}
	return a
}

// connFailed logs a connection that failed authentication after offering
// only keys nobody registered (LOG-2), and counts it against the source.
func (s *Server) connFailed(c net.Conn, err error) {
	v, ok := s.attempts.LoadAndDelete(c.RemoteAddr().String())
	if !ok {
		return
	}
	a := v.(*authAttempt)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.keyRefused && !a.password {
		s.store.LoginRefused(a.user, model.LoginSSHKey, sourceOf(c.RemoteAddr()), "no registered key was offered")
	}
}

// port is the port the server listens on, for instructions to people.
func (s *Server) port() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.addr == nil {
		return "2222"
	}
	_, p, _ := net.SplitHostPort(s.addr.String())
	return p
}

// maxAuthTries is how many authentication attempts one connection gets.
const maxAuthTries = 3

// NewServer makes the SSH door over a store.
func NewServer(st *store.Store, opt ServerOptions) (*Server, error) {
	if opt.Addr == "" {
		opt.Addr = "127.0.0.1:2222"
	}
	if opt.Handshake == 0 {
		opt.Handshake = 30 * time.Second
	}
	if opt.Idle == 0 {
		opt.Idle = 30 * time.Minute
	}
	if opt.Max == 0 {
		opt.Max = 12 * time.Hour
	}
	if opt.Log == nil {
		opt.Log = os.Stderr
	}
	signer, err := loadHostKey(opt.HostKeyPath)
	if err != nil {
		return nil, err
	}
	s := &Server{store: st, opt: opt}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.srv = &ssh.Server{
		Addr:                       opt.Addr,
		Handler:                    s.handle,
		PublicKeyHandler:           s.publicKey,
		PasswordHandler:            s.password,
		KeyboardInteractiveHandler: s.keyboardInteractive,
		HandshakeTimeout:           opt.Handshake,
		IdleTimeout:                opt.Idle,
		MaxTimeout:                 opt.Max,
		Version:                    "postroom",
		ServerConfigCallback: func(ctx ssh.Context) *gossh.ServerConfig {
			return &gossh.ServerConfig{MaxAuthTries: maxAuthTries}
		},
		ConnCallback:             s.connOpened,
		ConnectionFailedCallback: s.connFailed,
		ConnectionCloseCallback:  func(c net.Conn) { s.attempts.Delete(c.RemoteAddr().String()) },
	}
	s.srv.AddHostKey(signer)
	return s, nil
}

// loadHostKey reads the host key, or makes one when the file does not
// exist. A key that exists but cannot be read stops the server: a new key
// would make every client warn of a man in the middle.
func loadHostKey(path string) (ssh.Signer, error) {
	if path == "" {
		return nil, errors.New("ssh: no host key path")
	}
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		signer, err := gossh.ParsePrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("ssh host key %s cannot be read (%v): restore it from a backup, or remove it to make a new one (clients will then warn once)", path, err)
		}
		return signer, nil
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("ssh host key %s cannot be read (%v): fix its permissions, or remove it to make a new one", path, err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(priv, "postroom host key")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, fmt.Errorf("write ssh host key: %w", err)
	}
	return gossh.NewSignerFromKey(priv)
}

// ListenAndServe listens on the configured address.
func (s *Server) ListenAndServe() error {
	l, err := net.Listen("tcp", s.opt.Addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// Serve accepts connections on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	s.addr = l.Addr()
	s.mu.Unlock()
	err := s.srv.Serve(l)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown tells open sessions the server is stopping, waits for them up to
// timeout, then closes what is left.
func (s *Server) Shutdown(timeout time.Duration) error {
	s.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return s.srv.Close()
	}
	return err
}

func (s *Server) logf(format string, args ...any) {
	fmt.Fprintf(s.opt.Log, time.Now().Format("2006-01-02 15:04:05 ")+"ssh: "+format+"\n", args...)
}

// sourceOf is the client's IP address, without the port, so throttling
// counts per address and not per connection.
func sourceOf(a net.Addr) string {
	if ap, err := netip.ParseAddrPort(a.String()); err == nil {
		return ap.Addr().Unmap().String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// publicKey accepts a key registered to the member the user names. It keeps
// no state: identity is read again from the session's authenticated key.
func (s *Server) publicKey(ctx ssh.Context, key ssh.PublicKey) bool {
	if s.store.SourceWait(sourceOf(ctx.RemoteAddr())) > 0 {
		return false
	}
	fp := model.KeyFingerprint(key)
	ok := false
	defer func() {
		if !ok {
			a := attemptOf(ctx)
			a.mu.Lock()
			a.user, a.keyRefused = ctx.User(), true
			a.mu.Unlock()
		}
	}()
	s.store.Read(func(r *store.Reader) error {
		a, err := model.ParseAddress(ctx.User())
		if err != nil {
			return nil
		}
		m, err := r.Resolve(a)
		if err != nil {
			return nil
		}
		owner, found, _ := r.KeyOwner(fp)
		ok = found && owner == m.Address
		return nil
	})
	return ok
}

// notePassword marks that the connection tried a password (which Login logs).
func notePassword(ctx ssh.Context) {
	a := attemptOf(ctx)
	a.mu.Lock()
	a.password = true
	a.mu.Unlock()
}

func (s *Server) password(ctx ssh.Context, password string) bool {
	notePassword(ctx)
	_, err := s.store.Login(ctx.User(), store.Credentials{Password: password}, model.LoginSSHPassword, sourceOf(ctx.RemoteAddr()), "")
	return err == nil
}

// keyboardInteractive asks for the password, and on a refusal says why
// (locked, disabled, not from this network), which OpenSSH shows.
func (s *Server) keyboardInteractive(ctx ssh.Context, ask gossh.KeyboardInteractiveChallenge) bool {
	answers, err := ask("", "", []string{"Password: "}, []bool{false})
	if err != nil || len(answers) != 1 {
		return false
	}
	notePassword(ctx)
	_, err = s.store.Login(ctx.User(), store.Credentials{Password: answers[0]}, model.LoginSSHPassword, sourceOf(ctx.RemoteAddr()), "")
	if err != nil {
		if model.IsUserError(err) {
			ask("", "postroom: "+err.Error(), nil, nil)
		}
		return false
	}
	return true
}

// handle runs one session: a command, or the terminal UI.
func (s *Server) handle(sess ssh.Session) {
	if s.ctx.Err() != nil {
		fmt.Fprintln(sess.Stderr(), "postroom: the server is shutting down; try again in a moment")
		sess.Exit(1)
		return
	}
	src := sourceOf(sess.RemoteAddr())
	var m *model.Member
	var err error
	if pk := sess.PublicKey(); pk != nil {
		// The key that authenticated this session, not one merely offered.
		m, err = s.store.Login(sess.User(), store.Credentials{KeyFingerprint: model.KeyFingerprint(pk)}, model.LoginSSHKey, src, "")
	} else {
		// The password was checked when the connection authenticated, but a
		// connection can carry many sessions (ControlMaster): check that the
		// account may still log in before each one.
		err = s.store.Read(func(r *store.Reader) error {
			a, err := model.ParseAddress(sess.User())
			if err != nil {
				return err
			}
			if m, err = r.Resolve(a); err != nil {
				return err
			}
			pol, err := r.Policy()
			if err != nil {
				return err
			}
			return model.LoginGate(m, pol, s.store.Now())
		})
	}
	if err != nil {
		fmt.Fprintln(sess.Stderr(), "postroom:", err)
		sess.Exit(1)
		return
	}
	if args := sess.Command(); len(args) > 0 {
		sess.Exit(s.runCommand(sess, m, src, args))
		return
	}
	if _, _, ok := sess.Pty(); !ok {
		fmt.Fprintln(sess.Stderr(), "postroom: no terminal here. Log in with a terminal for the menus (ssh -t), or give a command, e.g. ssh -p PORT you@host member list")
		sess.Exit(1)
		return
	}
	sess.Exit(s.runTUI(sess, m, src))
}

// runCommand runs one command line as the member. While their password must
// be changed, only `passwd change` runs. Errors are told in the session's
// language, chosen as for the UI (sessionLang).
func (s *Server) runCommand(sess ssh.Session, m *model.Member, src string, args []string) int {
	lang := sessionLang(m, sess.Environ())
	var actor model.Actor
	var due bool
	var why string
	err := s.store.Read(func(r *store.Reader) error {
		var err error
		if actor, err = r.Actor(m.Address, model.DoorSSH, src); err != nil {
			return err
		}
		pol, err := r.Policy()
		if err != nil {
			return err
		}
		due, why = model.PasswordDue(m, pol, s.store.Now())
		return nil
	})
	if err != nil {
		fmt.Fprintln(sess.Stderr(), "postroom:", model.Localize(err, lang))
		return 1
	}
	if _, _, pty := sess.Pty(); pty && binaryOutput(args) {
		fmt.Fprintln(sess.Stderr(), "postroom: this command writes a file to standard output, and a terminal (ssh -t) would change its bytes; run it without -t: ssh -p PORT YOU@HOST "+strings.Join(args, " ")+" > FILE")
		return 1
	}
	if due && !(len(args) >= 2 && args[0] == "passwd" && args[1] == "change") {
		fmt.Fprintf(sess.Stderr(), "postroom: %s. Change it first: log in with a terminal (ssh -t), or send the current and the new password on two lines to: passwd change\n", why)
		return 1
	}
	env := &cmd.Env{Actor: actor, Store: s.store, Stdin: sess, Stdout: sess, Stderr: sess.Stderr(), Lang: lang}
	if s.opt.CommandEnv != nil {
		s.opt.CommandEnv(env)
	}
	code := cmd.Run(env, args)
	s.logf("%s from %s ran %q: exit %d", m.Address, src, args, code)
	return code
}

// binaryOutput reports whether a command streams a file that a terminal's
// line-ending translation would corrupt.
func binaryOutput(args []string) bool {
	return args[0] == "backup" || (len(args) >= 2 && args[0] == "export")
}
