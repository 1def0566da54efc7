// Command sshload is the load check of issue 3 (docs/SSH.md): it logs N
// SSH clients at once into a running `postroom serve`, each asking for a PTY
// and waiting for the UI's header, and reports the time to first screen, the
// time a key press takes to show while all N sessions are open, the time of a
// command session meanwhile, and the server's memory (VmRSS from
// /proc/PID/status) with none and with N idle sessions open.
//
//	sshload -addr 127.0.0.1:2222 -n 50 -auth password -pid $(pgrep -n postroom)
//	sshload -genkeys DIR            # one ed25519 key per demo login, for -auth key
//	sshload -addr ... -auth key -keys DIR -pid PID
//
// It logs in as the demo people (assets.DemoLogins), round robin. For
// -auth key, register the keys first with the local CLI while serve is not
// running (scripts/ssh-load.sh does): postroom --data DIR member key add ADDR DIR/ADDR.pub
package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"postroom/assets"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:2222", "the server's SSH address")
	n := flag.Int("n", 50, "sessions to open at once")
	auth := flag.String("auth", "password", "password or key")
	keys := flag.String("keys", "", "directory of the keys made by -genkeys (for -auth key)")
	genkeys := flag.String("genkeys", "", "make one ed25519 key per demo login in this directory and exit")
	pid := flag.Int("pid", 0, "the server's process id, for its memory (/proc/PID/status)")
	lang := flag.String("lang", "zh_CN.UTF-8", "LANG sent by every client")
	width := flag.Int("w", 80, "terminal width")
	height := flag.Int("h", 24, "terminal height")
	settle := flag.Duration("settle", 3*time.Second, "wait this long with all sessions open before reading the server's memory")
	timeout := flag.Duration("timeout", 120*time.Second, "give up on a session after this long")
	roles := flag.String("roles", "", "comma-separated demo roles to log in as (default: all, round robin)")
	keySkip := flag.String("keyskip", "helpdesk", "roles left out of the key-press check (the helpdesk's first pane types digits into its search)")
	asJSON := flag.Bool("json", false, "print the report as JSON")
	warm := flag.Bool("warm", true, "before the baseline, open and close one session per demo login")
	flag.Parse()

	if *genkeys != "" {
		if err := genKeys(*genkeys); err != nil {
			fatal(err)
		}
		return
	}
	logins := assets.DemoLogins()
	if *roles != "" {
		want := strings.Split(*roles, ",")
		logins = slices.DeleteFunc(logins, func(l assets.DemoLogin) bool { return !slices.Contains(want, l.Role) })
		if len(logins) == 0 {
			fatal(fmt.Errorf("no demo login has a role in %q", *roles))
		}
	}
	var signers map[string]gossh.Signer
	if *auth == "key" {
		var err error
		if signers, err = loadKeys(*keys, logins); err != nil {
			fatal(err)
		}
	} else if *auth != "password" {
		fatal(fmt.Errorf("-auth %q: password or key", *auth))
	}
	hostKey := &pinnedHostKey{}
	cfg := func(l assets.DemoLogin) *gossh.ClientConfig {
		var m gossh.AuthMethod
		if *auth == "key" {
			m = gossh.PublicKeys(signers[l.Address])
		} else {
			m = gossh.KeyboardInteractive(func(_, _ string, q []string, _ []bool) ([]string, error) {
				a := make([]string, len(q))
				for i := range q {
					a[i] = l.Password
				}
				return a, nil
			})
		}
		return &gossh.ClientConfig{User: l.Address, Auth: []gossh.AuthMethod{m}, HostKeyCallback: hostKey.check, Timeout: *timeout}
	}

	rep := report{Addr: *addr, Sessions: *n, Auth: *auth, Lang: *lang, Size: fmt.Sprintf("%dx%d", *width, *height), Settle: settle.Seconds()}
	enterprise := assets.Demo().Name
	if *warm {
		// One session per login, one after the other, so what every
		// session shares (the bbolt pages, caches) is in memory before
		// the baseline is read.
		for _, l := range logins {
			c := &client{login: l}
			if err := c.open(*addr, cfg(l), *lang, *width, *height, []string{enterprise, l.Name}, *timeout); err != nil {
				fatal(fmt.Errorf("warm-up as %s: %w", l.Address, err))
			}
			time.Sleep(500 * time.Millisecond)
			c.close()
		}
		time.Sleep(*settle)
	}
	rep.RSS0KB, rep.HWM0KB = memory(*pid)
	rep.Mem0 = readMem(*pid)
	cpu0 := cpuSeconds(*pid)

	sessions := make([]*client, *n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range sessions {
		l := logins[i%len(logins)]
		c := &client{login: l}
		sessions[i] = c
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c.err = c.open(*addr, cfg(l), *lang, *width, *height, []string{enterprise, l.Name}, *timeout)
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	rep.AllOpenSeconds = time.Since(t0).Seconds()

	var first, dial, settled []float64
	for _, c := range sessions {
		if c.err != nil {
			rep.Failed++
			if len(rep.Errors) < 5 {
				rep.Errors = append(rep.Errors, c.login.Address+": "+c.err.Error())
			}
			continue
		}
		first = append(first, c.firstScreen.Seconds()*1000)
		if c.settled > 0 {
			settled = append(settled, c.settled.Seconds()*1000)
		}
		dial = append(dial, c.dialed.Seconds()*1000)
	}
	rep.FirstScreenMS = summarize(first)
	rep.LoginMS = summarize(dial)
	rep.SettledMS = summarize(settled)
	cpu1 := cpuSeconds(*pid)
	rep.CPUOpen = cpu1 - cpu0

	time.Sleep(*settle)
	cpu2 := cpuSeconds(*pid)
	rep.CPUIdle = cpu2 - cpu1
	rep.RSSOpenKB, rep.HWMOpenKB = memory(*pid)
	rep.MemOpen = readMem(*pid)
	if ok := len(first); ok > 0 && rep.RSSOpenKB > 0 {
		rep.PerSessionKB = (rep.RSSOpenKB - rep.RSS0KB) / int64(ok)
		rep.AnonPerSession = (rep.MemOpen.Anon - rep.Mem0.Anon) / int64(ok)
	}

	// Responsiveness with all sessions open: every session presses 2 at
	// once and waits for its rail to mark pane 2; then 1 again.
	var keyMS []float64
	var mu sync.Mutex
	for _, k := range []string{"2", "1"} {
		var kw sync.WaitGroup
		for _, c := range sessions {
			if c.err != nil || slices.Contains(strings.Split(*keySkip, ","), c.login.Role) {
				continue
			}
			kw.Add(1)
			go func() {
				defer kw.Done()
				d, err := c.press(k, []string{"▸" + k + " ", ">" + k + " "}, 30*time.Second)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					rep.KeyFailed++
					return
				}
				keyMS = append(keyMS, d.Seconds()*1000)
			}()
		}
		kw.Wait()
		if k == "2" {
			time.Sleep(*settle)
			rep.MemPane2 = readMem(*pid)
		}
	}
	rep.KeyMS = summarize(keyMS)
	rep.CPUKeys = cpuSeconds(*pid) - cpu2

	// A command session while all are open.
	admin := assets.DemoLogins()[0]
	if *auth == "password" || signers[admin.Address] != nil {
		var cmdMS []float64
		c0 := cpuSeconds(*pid)
		for range 5 {
			t := time.Now()
			if err := runCommand(*addr, cfg(admin), "whoami"); err != nil {
				rep.Errors = append(rep.Errors, "whoami: "+err.Error())
				break
			}
			cmdMS = append(cmdMS, time.Since(t).Seconds()*1000)
		}
		rep.CommandMS = summarize(cmdMS)
		// What the open sessions do about those logins (each is an event
		// the panes may reload on) shows in the server's CPU meanwhile.
		time.Sleep(*settle)
		rep.CPUCommands = cpuSeconds(*pid) - c0
	}

	for _, c := range sessions {
		c.close()
	}
	time.Sleep(*settle)
	rep.RSSClosedKB, rep.HWMClosedKB = memory(*pid)
	rep.MemClosed = readMem(*pid)

	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		rep.print(os.Stdout)
	}
	if rep.Failed > 0 || rep.KeyFailed > 0 {
		os.Exit(1)
	}
}

type report struct {
	Addr           string   `json:"addr"`
	Sessions       int      `json:"sessions"`
	Auth           string   `json:"auth"`
	Lang           string   `json:"lang"`
	Size           string   `json:"size"`
	Failed         int      `json:"failed"`
	Errors         []string `json:"errors,omitempty"`
	AllOpenSeconds float64  `json:"all_open_seconds"`
	LoginMS        stats    `json:"login_ms"`        // TCP connect, handshake and authentication
	FirstScreenMS  stats    `json:"first_screen_ms"` // from connecting to the header on screen
	SettledMS      stats    `json:"settled_ms"`      // from connecting to the last output before a quiet second
	KeyMS          stats    `json:"key_ms"`          // a key press to its effect on screen, all sessions at once
	KeyFailed      int      `json:"key_failed"`
	CommandMS      stats    `json:"command_ms"` // a `whoami` command session, login included
	Mem0           mem      `json:"mem0"`       // before any session (after the warm-up)
	MemOpen        mem      `json:"mem_open"`   // all sessions open and idle
	MemPane2       mem      `json:"mem_pane2"`  // all sessions switched to their second pane
	MemClosed      mem      `json:"mem_closed"` // after closing them
	AnonPerSession int64    `json:"anon_per_session_kb"`
	CPUOpen        float64  `json:"cpu_open_s"`     // server CPU seconds while the sessions opened
	CPUIdle        float64  `json:"cpu_idle_s"`     // server CPU seconds while they sat idle (settle)
	CPUKeys        float64  `json:"cpu_keys_s"`     // server CPU seconds for the key presses
	CPUCommands    float64  `json:"cpu_commands_s"` // server CPU seconds for the 5 command sessions and a settle after
	Settle         float64  `json:"settle_s"`
	RSS0KB         int64    `json:"rss0_kb"`
	HWM0KB         int64    `json:"hwm0_kb"`
	RSSOpenKB      int64    `json:"rss_open_kb"`
	HWMOpenKB      int64    `json:"hwm_open_kb"`
	PerSessionKB   int64    `json:"per_session_kb"`
	RSSClosedKB    int64    `json:"rss_closed_kb"`
	HWMClosedKB    int64    `json:"hwm_closed_kb"`
}

type stats struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	Max float64 `json:"max"`
}

func summarize(xs []float64) stats {
	if len(xs) == 0 {
		return stats{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	at := func(p float64) float64 {
		i := int(p*float64(len(s))+0.5) - 1
		return s[max(0, min(i, len(s)-1))]
	}
	return stats{N: len(s), P50: at(0.50), P95: at(0.95), Max: s[len(s)-1]}
}

func (r report) print(w io.Writer) {
	fmt.Fprintf(w, "%d sessions to %s, %s auth, LANG=%s, %s; %d failed\n", r.Sessions, r.Addr, r.Auth, r.Lang, r.Size, r.Failed)
	for _, e := range r.Errors {
		fmt.Fprintf(w, "  error: %s\n", e)
	}
	line := func(what string, s stats) {
		fmt.Fprintf(w, "  %-34s n=%-3d p50 %7.0f ms  p95 %7.0f ms  max %7.0f ms\n", what, s.N, s.P50, s.P95, s.Max)
	}
	line("login (connect+auth)", r.LoginMS)
	line("time to first screen (header)", r.FirstScreenMS)
	line("time to settled screen (+1 s quiet)", r.SettledMS)
	line("key press to screen (all at once)", r.KeyMS)
	if r.KeyFailed > 0 {
		fmt.Fprintf(w, "  %d key presses never showed their effect\n", r.KeyFailed)
	}
	line("command session (whoami)", r.CommandMS)
	fmt.Fprintf(w, "  all %d open after %.2f s\n", r.Sessions-r.Failed, r.AllOpenSeconds)
	if r.RSS0KB > 0 {
		open := r.Sessions - r.Failed
		fmt.Fprintf(w, "  server RSS: %d MiB with 0 sessions, %d MiB with %d open (%d KiB per session), %d MiB after closing; peak (VmHWM) %d MiB\n",
			r.RSS0KB>>10, r.RSSOpenKB>>10, open, r.PerSessionKB, r.RSSClosedKB>>10, r.HWMClosedKB>>10)
		fmt.Fprintf(w, "    anonymous (heap, stacks): %d -> %d MiB = %d KiB per session; file-backed (bbolt mmap, shared): %d -> %d MiB\n",
			r.Mem0.Anon>>10, r.MemOpen.Anon>>10, r.AnonPerSession, r.Mem0.File>>10, r.MemOpen.File>>10)
		fmt.Fprintf(w, "    with every session on its second pane: RSS %d MiB, anonymous %d MiB (%d KiB per session beyond 0 sessions)\n",
			r.MemPane2.RSS>>10, r.MemPane2.Anon>>10, (r.MemPane2.Anon-r.Mem0.Anon)/int64(max(1, open)))
		fmt.Fprintf(w, "  server CPU: %.1f s while the sessions opened, %.2f s in %.0f s idle with all open, %.1f s for the key presses, %.1f s for 5 command sessions (+%.0f s)\n",
			r.CPUOpen, r.CPUIdle, r.Settle, r.CPUKeys, r.CPUCommands, r.Settle)
	}
}

// client is one interactive session.
type client struct {
	login       assets.DemoLogin
	conn        *gossh.Client
	sess        *gossh.Session
	in          io.WriteCloser
	out         *screen
	dialed      time.Duration
	firstScreen time.Duration
	settled     time.Duration
	err         error
}

func (c *client) open(addr string, cfg *gossh.ClientConfig, lang string, w, h int, want []string, timeout time.Duration) error {
	t0 := time.Now()
	conn, err := gossh.Dial("tcp", addr, cfg)
	if err != nil {
		return err
	}
	c.conn = conn
	c.dialed = time.Since(t0)
	sess, err := conn.NewSession()
	if err != nil {
		return err
	}
	c.sess = sess
	if err := sess.Setenv("LANG", lang); err != nil {
		return fmt.Errorf("setenv: %w", err)
	}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		return fmt.Errorf("pty: %w", err)
	}
	c.out = newScreen()
	sess.Stdout = c.out
	sess.Stderr = c.out
	if c.in, err = sess.StdinPipe(); err != nil {
		return err
	}
	if err := sess.Shell(); err != nil {
		return err
	}
	if err := c.out.wait(0, want, timeout); err != nil {
		return err
	}
	c.firstScreen = time.Since(t0)
	// The panes fill in after the header (their data loads in the
	// background): the screen is settled when nothing more comes for a
	// while (the clock redraws once a minute at most).
	if last := c.out.quiet(settleQuiet, timeout); !last.IsZero() {
		c.settled = last.Sub(t0)
	}
	return nil
}

// settleQuiet is how long a screen must stay unchanged to count as settled.
const settleQuiet = time.Second

// press sends a key and waits until the screen shows one of want in what
// arrives after it.
func (c *client) press(key string, anyOf []string, timeout time.Duration) (time.Duration, error) {
	mark := c.out.len()
	t := time.Now()
	if _, err := c.in.Write([]byte(key)); err != nil {
		return 0, err
	}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		txt := c.out.since(mark)
		for _, w := range anyOf {
			if strings.Contains(txt, w) {
				return time.Since(t), nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, errors.New("no screen change")
}

func (c *client) close() {
	if c.in != nil {
		c.in.Write([]byte("q"))
	}
	if c.sess != nil {
		c.sess.Close()
	}
	if c.conn != nil {
		c.conn.Close()
	}
}

// screen keeps what a session was sent, without escape sequences.
type screen struct {
	mu        sync.Mutex
	raw       bytes.Buffer
	lastWrite time.Time
}

func newScreen() *screen { return &screen{} }

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.raw.Write(p)
	s.lastWrite = time.Now()
	return len(p), nil
}

// quiet waits until nothing has arrived for d and returns when the last
// output came.
func (s *screen) quiet(d, timeout time.Duration) time.Time {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		last := s.lastWrite
		s.mu.Unlock()
		if time.Since(last) >= d {
			return last
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Time{}
}

func (s *screen) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.raw.Len()
}

func (s *screen) since(mark int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.Strip(string(s.raw.Bytes()[mark:]))
}

func (s *screen) wait(mark int, want []string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		txt := s.since(mark)
		missing := ""
		for _, w := range want {
			if !strings.Contains(txt, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no %q on screen after %s", missing, timeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func runCommand(addr string, cfg *gossh.ClientConfig, line string) error {
	conn, err := gossh.Dial("tcp", addr, cfg)
	if err != nil {
		return err
	}
	defer conn.Close()
	sess, err := conn.NewSession()
	if err != nil {
		return err
	}
	defer sess.Close()
	out, err := sess.CombinedOutput(line)
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

// pinnedHostKey accepts the first host key it sees and then only that one.
type pinnedHostKey struct {
	mu  sync.Mutex
	key []byte
}

func (p *pinnedHostKey) check(_ string, _ net.Addr, key gossh.PublicKey) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.key == nil {
		p.key = key.Marshal()
		return nil
	}
	if !bytes.Equal(p.key, key.Marshal()) {
		return errors.New("the host key changed")
	}
	return nil
}

// mem is a process's memory from /proc/PID/status, in KiB.
type mem struct {
	RSS  int64 `json:"rss_kb"`  // VmRSS
	HWM  int64 `json:"hwm_kb"`  // VmHWM, the peak RSS
	Anon int64 `json:"anon_kb"` // RssAnon: heap and stacks
	File int64 `json:"file_kb"` // RssFile: mapped files, here the bbolt file (the shared directory)
}

func readMem(pid int) mem {
	var m mem
	if pid == 0 {
		return m
	}
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return m
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			m.RSS = n
		case "VmHWM":
			m.HWM = n
		case "RssAnon":
			m.Anon = n
		case "RssFile":
			m.File = n
		}
	}
	return m
}

// cpuSeconds is the user and system time a process has used.
func cpuSeconds(pid int) float64 {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// Fields after the command name in parentheses; utime and stime are
	// the 14th and 15th fields, in clock ticks (USER_HZ, 100 on Linux).
	rest := string(b)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+2:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (u + st) / 100
}

// memory reads VmRSS and VmHWM (KiB) of a process.
func memory(pid int) (rss, hwm int64) {
	if pid == 0 {
		return 0, 0
	}
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			rss = n
		case "VmHWM":
			hwm = n
		}
	}
	return rss, hwm
}

// genKeys writes DIR/ADDR (OpenSSH private key) and DIR/ADDR.pub for every
// demo login.
func genKeys(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, l := range assets.DemoLogins() {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return err
		}
		block, err := gossh.MarshalPrivateKey(priv, "sshload "+l.Address)
		if err != nil {
			return err
		}
		sp, err := gossh.NewPublicKey(pub)
		if err != nil {
			return err
		}
		base := filepath.Join(dir, l.Address)
		if err := os.WriteFile(base, pem.EncodeToMemory(block), 0o600); err != nil {
			return err
		}
		line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(sp))) + " sshload\n"
		if err := os.WriteFile(base+".pub", []byte(line), 0o600); err != nil {
			return err
		}
		fmt.Printf("%s %s.pub\n", l.Address, base)
	}
	return nil
}

func loadKeys(dir string, logins []assets.DemoLogin) (map[string]gossh.Signer, error) {
	if dir == "" {
		return nil, errors.New("-auth key needs -keys DIR (made by -genkeys DIR and registered with member key add)")
	}
	out := map[string]gossh.Signer{}
	for _, l := range logins {
		b, err := os.ReadFile(filepath.Join(dir, l.Address))
		if err != nil {
			return nil, err
		}
		s, err := gossh.ParsePrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.Address, err)
		}
		out[l.Address] = s
	}
	if _, ok := out[assets.DemoLogins()[0].Address]; !ok {
		b, err := os.ReadFile(filepath.Join(dir, assets.DemoLogins()[0].Address))
		if err == nil {
			if s, err := gossh.ParsePrivateKey(b); err == nil {
				out[assets.DemoLogins()[0].Address] = s
			}
		}
	}
	return out, nil
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "sshload:", err)
	os.Exit(2)
}
