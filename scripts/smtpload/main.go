// Command smtpload measures an SMTP server's accept latency under load
// (scripts/smtp-bench.sh, docs/BENCHMARKS.md "Relay"): C connections send N
// messages in all, one after another on each connection as `smtp-source -d`
// does, and each message's time from the end of its data (the final ".") to
// the server's reply is recorded.
//
//	smtpload -addr 127.0.0.1:2525 -c 20 -n 4000 -size 4096 \
//	         -from bench@example.com -to rcpt@outside.test
//
// It prints one line of key=value pairs:
//
//	sent=4000 ok=4000 fail=0 secs=2.31 rate=1731.6 p50_ms=10.21 p90_ms=14.02 p99_ms=21.50 max_ms=40.11
//
// "rate" is accepted messages per second as the client saw them (no
// delivery involved). Replies other than 250 are counted in fail; the
// first few are printed on standard error. With -latencies FILE every
// accepted message's latency in milliseconds is written there, one a line.
//
// With -watch it sends nothing: it follows the output of `smtp-sink -c`
// (the running counters, "sess=N quit=N mesg=N" records ended by CR) until
// the sink has received -want messages, then keeps counting for -settle, and
// prints when the count was reached (unix ns) and the final count (more
// than -want means duplicates):
//
//	smtpload -watch sink.out -want 20000    # reached_ns=... count=20000 final=20000
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:2525", "server HOST:PORT")
	conns := flag.Int("c", 20, "concurrent connections")
	n := flag.Int("n", 2000, "messages in all")
	size := flag.Int("size", 4096, "body size in bytes (rounded up to whole 78-byte lines), as smtp-source -l")
	from := flag.String("from", "bench@example.com", "envelope and header sender")
	to := flag.String("to", "rcpt@outside.test", "envelope and header recipient")
	helo := flag.String("helo", "smtpload.localdomain", "EHLO name")
	timeout := flag.Duration("timeout", 60*time.Second, "per-reply timeout")
	latFile := flag.String("latencies", "", "write each accepted message's latency (ms) to this file")
	watchFile := flag.String("watch", "", "follow this `smtp-sink -c` output until it counts -want messages")
	want := flag.Int("want", 0, "with -watch: messages to wait for")
	settle := flag.Duration("settle", 2*time.Second, "with -watch: keep counting this long after -want is reached")
	maxWait := flag.Duration("max-wait", 15*time.Minute, "with -watch: give up after this long")
	flag.Parse()
	if *watchFile != "" {
		os.Exit(watch(*watchFile, *want, *settle, *maxWait))
	}
	if *conns < 1 || *n < 1 {
		fmt.Fprintln(os.Stderr, "smtpload: -c and -n must be at least 1")
		os.Exit(2)
	}

	var next atomic.Int64
	var fails atomic.Int64
	var errShown atomic.Int64
	lats := make([][]time.Duration, *conns)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < *conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var c *client
			for {
				i := next.Add(1) - 1
				if i >= int64(*n) {
					break
				}
				if c == nil {
					var err error
					c, err = dial(*addr, *helo, *timeout)
					if err != nil {
						fails.Add(1)
						if errShown.Add(1) <= 5 {
							fmt.Fprintf(os.Stderr, "smtpload: connect: %v\n", err)
						}
						time.Sleep(100 * time.Millisecond)
						continue
					}
				}
				msg := message(*from, *to, w, i, *size)
				d, err := c.send(*from, *to, msg)
				if err != nil {
					fails.Add(1)
					if errShown.Add(1) <= 5 {
						fmt.Fprintf(os.Stderr, "smtpload: message %d: %v\n", i, err)
					}
					if _, temp := err.(replyError); !temp {
						c.close()
						c = nil
					}
					continue
				}
				lats[w] = append(lats[w], d)
			}
			if c != nil {
				c.quit()
			}
		}(w)
	}
	wg.Wait()
	secs := time.Since(start).Seconds()

	all := slices.Concat(lats...)
	slices.Sort(all)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		k := int(p*float64(len(all))+0.5) - 1
		k = max(0, min(k, len(all)-1))
		return ms(all[k])
	}
	var mx time.Duration
	if len(all) > 0 {
		mx = all[len(all)-1]
	}
	fmt.Printf("sent=%d ok=%d fail=%d secs=%.2f rate=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
		*n, len(all), fails.Load(), secs, float64(len(all))/secs, pct(0.50), pct(0.90), pct(0.99), ms(mx))
	if *latFile != "" {
		var b strings.Builder
		for _, d := range all {
			fmt.Fprintf(&b, "%.3f\n", ms(d))
		}
		if err := os.WriteFile(*latFile, []byte(b.String()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "smtpload:", err)
			os.Exit(1)
		}
	}
	if fails.Load() > 0 {
		os.Exit(1)
	}
}

// watch follows an smtp-sink -c output file; see the package comment.
func watch(path string, want int, settle, maxWait time.Duration) int {
	deadline := time.Now().Add(maxWait)
	var f *os.File
	for f == nil {
		var err error
		if f, err = os.Open(path); err != nil {
			if time.Now().After(deadline) {
				fmt.Fprintln(os.Stderr, "smtpload:", err)
				return 1
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	defer f.Close()
	var pending []byte
	count := 0
	buf := make([]byte, 64<<10)
	poll := func() {
		for {
			k, _ := f.Read(buf)
			if k == 0 {
				return
			}
			pending = append(pending, buf[:k]...)
			// Complete records end with CR (or LF); the last complete one counts.
			end := strings.LastIndexAny(string(pending), "\r\n")
			if end < 0 {
				continue
			}
			recs := strings.FieldsFunc(string(pending[:end]), func(r rune) bool { return r == '\r' || r == '\n' })
			if len(recs) > 0 {
				last := recs[len(recs)-1]
				if i := strings.LastIndex(last, "mesg="); i >= 0 {
					var n int
					if _, err := fmt.Sscanf(last[i+5:], "%d", &n); err == nil {
						count = n
					}
				}
			}
			pending = append(pending[:0], pending[end+1:]...)
		}
	}
	for {
		poll()
		if count >= want {
			break
		}
		if time.Now().After(deadline) {
			fmt.Printf("reached_ns=0 count=%d final=%d timeout=1\n", count, count)
			return 1
		}
		time.Sleep(5 * time.Millisecond)
	}
	reached := time.Now()
	at := count
	time.Sleep(settle)
	poll()
	fmt.Printf("reached_ns=%d count=%d final=%d\n", reached.UnixNano(), at, count)
	return 0
}

// message is a test message with a body of about size bytes, CRLF; no
// line starts with a dot.
func message(from, to string, w int, i int64, size int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: <%s>\r\nTo: <%s>\r\nSubject: smtpload %d\r\nDate: %s\r\nMessage-ID: <smtpload.%d.%d.%d@localdomain>\r\n\r\n",
		from, to, i, time.Now().Format(time.RFC1123Z), os.Getpid(), w, i)
	line := strings.Repeat("X", 76) + "\r\n"
	for body := 0; body < size; body += len(line) {
		b.WriteString(line)
	}
	return []byte(b.String())
}

// replyError is a well-formed reply other than the one expected: the
// connection is still usable.
type replyError string

func (e replyError) Error() string { return string(e) }

type client struct {
	c       net.Conn
	r       *bufio.Reader
	w       *bufio.Writer
	timeout time.Duration
}

func dial(addr, helo string, timeout time.Duration) (*client, error) {
	nc, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	c := &client{c: nc, r: bufio.NewReader(nc), w: bufio.NewWriterSize(nc, 16<<10), timeout: timeout}
	if _, err := c.expect(220); err != nil {
		nc.Close()
		return nil, err
	}
	if err := c.cmd(250, "EHLO %s", helo); err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

// reply reads one (possibly multi-line) reply.
func (c *client) reply() (int, string, error) {
	c.c.SetReadDeadline(time.Now().Add(c.timeout))
	var text strings.Builder
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return 0, "", err
		}
		line = strings.TrimRight(line, "\r\n")
		if len(line) < 3 {
			return 0, "", fmt.Errorf("short reply %q", line)
		}
		text.WriteString(line)
		if len(line) == 3 || line[3] != '-' {
			var code int
			if _, err := fmt.Sscanf(line[:3], "%d", &code); err != nil {
				return 0, "", fmt.Errorf("bad reply %q", line)
			}
			return code, text.String(), nil
		}
		text.WriteString(" | ")
	}
}

func (c *client) expect(code int) (string, error) {
	got, text, err := c.reply()
	if err != nil {
		return "", err
	}
	if got != code {
		return text, replyError(text)
	}
	return text, nil
}

func (c *client) cmd(code int, format string, args ...any) error {
	c.c.SetWriteDeadline(time.Now().Add(c.timeout))
	fmt.Fprintf(c.w, format+"\r\n", args...)
	if err := c.w.Flush(); err != nil {
		return err
	}
	_, err := c.expect(code)
	return err
}

// send runs one mail transaction and returns the time from the end of the
// data to the server's reply.
func (c *client) send(from, to string, msg []byte) (time.Duration, error) {
	if err := c.cmd(250, "MAIL FROM:<%s>", from); err != nil {
		return 0, err
	}
	if err := c.cmd(250, "RCPT TO:<%s>", to); err != nil {
		c.cmd(250, "RSET")
		return 0, err
	}
	if err := c.cmd(354, "DATA"); err != nil {
		return 0, err
	}
	c.c.SetWriteDeadline(time.Now().Add(c.timeout))
	if _, err := c.w.Write(msg); err != nil {
		return 0, err
	}
	if err := c.w.Flush(); err != nil {
		return 0, err
	}
	t0 := time.Now()
	if _, err := io.WriteString(c.w, ".\r\n"); err != nil {
		return 0, err
	}
	if err := c.w.Flush(); err != nil {
		return 0, err
	}
	if _, err := c.expect(250); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}

func (c *client) quit() {
	c.c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c.w, "QUIT\r\n")
	c.w.Flush()
	c.reply()
	c.c.Close()
}

func (c *client) close() { c.c.Close() }
