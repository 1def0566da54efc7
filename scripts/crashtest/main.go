// Command crashtest is the client, the next hop and the judge of the relay's
// crash test (scripts/crash-test.sh, docs/RELIABILITY.md).
//
//	crashtest sink  -addr 127.0.0.1:2600 -out received.txt
//	crashtest send  -addr 127.0.0.1:2525 -n 2000 -c 8 -out accepted.txt
//	crashtest check -accepted accepted.txt -received received.txt -n 2000 -kills 20
//
// send submits n messages over c connections. Message i carries
// "Message-ID: <crashtest.i@crashtest.invalid>" and, per try, a header
// "X-Crashtest-Try: k". A try that does not end in 250 (the server was
// killed, refused the connection, answered 4xx) is tried again, with k+1,
// until the message is accepted: as a real client would. Each accepted try
// is a line "i k reply" in -out; a message refused with 5xx is a line
// "i k REFUSED reply" and is not tried again.
//
// sink is a minimal SMTP server that takes everything and appends a line
// "i k" (or "? ?" for mail it does not recognise) to -out for each message
// before it answers 250. It keeps running while the relay is killed.
//
// check compares the two files:
//
//	accepted    messages that got a 250
//	delivered   accepted messages whose accepted try reached the sink
//	lost        accepted messages whose accepted try never reached the sink (must be 0)
//	duplicates  copies of one try beyond the first: the relay delivered it twice
//	unanswered  tries that reached the sink although the client saw no 250
//	            (the server was killed between keeping the message and
//	            answering; the client then sent it again)
//
// and exits 1 when a message was lost or the duplicates outnumber -kills.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var code int
	switch os.Args[1] {
	case "sink":
		code = sinkCmd(os.Args[2:])
	case "send":
		code = sendCmd(os.Args[2:])
	case "check":
		code = checkCmd(os.Args[2:])
	default:
		usage()
	}
	os.Exit(code)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: crashtest sink|send|check [flags]; crashtest CMD -h for the flags")
	os.Exit(2)
}

const idDomain = "crashtest.invalid"

// ---- sink -----------------------------------------------------------------

func sinkCmd(args []string) int {
	fs := flag.NewFlagSet("sink", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:2600", "listen HOST:PORT")
	out := fs.String("out", "received.txt", "append a line per received message")
	fs.Parse(args)
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashtest sink:", err)
		return 1
	}
	defer f.Close()
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashtest sink:", err)
		return 1
	}
	var mu sync.Mutex
	var count atomic.Int64
	record := func(line string) {
		mu.Lock()
		f.WriteString(line + "\n")
		mu.Unlock()
		count.Add(1)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-sig
		l.Close()
	}()
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				break
			}
			continue
		}
		go sinkConn(c, record)
	}
	fmt.Fprintf(os.Stderr, "crashtest sink: %d messages\n", count.Load())
	return 0
}

// sinkConn speaks just enough SMTP to take mail: EHLO/HELO, MAIL, RCPT,
// DATA, RSET, NOOP, QUIT; pipelined commands are answered in order.
func sinkConn(c net.Conn, record func(string)) {
	defer c.Close()
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	reply := func(s string) bool {
		w.WriteString(s + "\r\n")
		// Flush only when no more input is buffered (pipelining).
		if r.Buffered() == 0 {
			return w.Flush() == nil
		}
		return true
	}
	reply("220 crashsink ESMTP")
	w.Flush()
	rcpts := 0
	for {
		c.SetReadDeadline(time.Now().Add(5 * time.Minute))
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		verb, _, _ := strings.Cut(cmd, " ")
		verb, _, _ = strings.Cut(verb, ":")
		ok := true
		switch verb {
		case "EHLO":
			ok = reply("250-crashsink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 104857600")
		case "HELO":
			ok = reply("250 crashsink")
		case "MAIL":
			rcpts = 0
			ok = reply("250 2.1.0 ok")
		case "RCPT":
			rcpts++
			ok = reply("250 2.1.5 ok")
		case "DATA":
			if rcpts == 0 {
				ok = reply("503 5.5.1 no recipients")
				break
			}
			if !reply("354 go ahead") || w.Flush() != nil {
				return
			}
			body, err := readDot(r)
			if err != nil {
				return
			}
			record(identify(body))
			rcpts = 0
			ok = reply("250 2.0.0 ok")
		case "RSET":
			rcpts = 0
			ok = reply("250 2.0.0 ok")
		case "NOOP":
			ok = reply("250 2.0.0 ok")
		case "QUIT":
			reply("221 2.0.0 bye")
			w.Flush()
			return
		default:
			ok = reply("502 5.5.2 not implemented")
		}
		if !ok {
			return
		}
	}
}

// readDot reads a message up to the line ".", undoing dot-stuffing.
func readDot(r *bufio.Reader) ([]byte, error) {
	var b bytes.Buffer
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		if line == ".\r\n" || line == ".\n" {
			return b.Bytes(), nil
		}
		if strings.HasPrefix(line, ".") {
			line = line[1:]
		}
		b.WriteString(line)
	}
}

// identify finds "i k" in a message's headers; "? ?" when absent.
func identify(msg []byte) string {
	hdr, _, _ := bytes.Cut(msg, []byte("\r\n\r\n"))
	id, try := "?", "?"
	for _, l := range strings.Split(string(hdr), "\r\n") {
		name, val, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		switch strings.ToLower(name) {
		case "message-id":
			v := strings.TrimSuffix(strings.TrimPrefix(val, "<crashtest."), "@"+idDomain+">")
			if _, err := strconv.Atoi(v); err == nil {
				id = v
			}
		case "x-crashtest-try":
			if _, err := strconv.Atoi(val); err == nil {
				try = val
			}
		}
	}
	return id + " " + try
}

// ---- send -----------------------------------------------------------------

func sendCmd(args []string) int {
	fs := flag.NewFlagSet("send", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:2525", "relay HOST:PORT")
	n := fs.Int("n", 2000, "messages in all")
	conns := fs.Int("c", 8, "clients (connections), each sending its share in turn")
	out := fs.String("out", "accepted.txt", "a line per accepted (or refused) message")
	from := fs.String("from", "bench@example.com", "envelope and header sender")
	to := fs.String("to", "rcpt@outside.test", "recipient")
	pace := fs.Duration("pace", 0, "each client starts a new message at most this often")
	size := fs.Int("size", 2048, "body bytes")
	giveUp := fs.Duration("give-up", 10*time.Minute, "stop trying after this long")
	fs.Parse(args)

	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashtest send:", err)
		return 1
	}
	defer f.Close()
	var mu sync.Mutex
	write := func(line string) {
		mu.Lock()
		f.WriteString(line + "\n")
		mu.Unlock()
	}
	var accepted, refused, tries, connErrs, tempReplies, unfinished atomic.Int64
	deadline := time.Now().Add(*giveUp)
	var wg sync.WaitGroup
	for w := 0; w < *conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var c *client
			defer func() {
				if c != nil {
					c.quit()
				}
			}()
			for i := w; i < *n; i += *conns {
				start := time.Now()
				for k := 1; ; k++ {
					if time.Now().After(deadline) {
						unfinished.Add(1)
						break
					}
					if c == nil {
						nc, err := dial(*addr, 10*time.Second)
						if err != nil {
							connErrs.Add(1)
							time.Sleep(100 * time.Millisecond)
							k-- // no try was made
							continue
						}
						c = nc
					}
					tries.Add(1)
					reply, err := c.send(*from, *to, message(*from, *to, i, k, *size))
					var re replyError
					switch {
					case err == nil:
						accepted.Add(1)
						write(fmt.Sprintf("%d %d %s", i, k, oneLine(reply)))
					case errors.As(err, &re) && re.code >= 500:
						refused.Add(1)
						write(fmt.Sprintf("%d %d REFUSED %s", i, k, oneLine(re.text)))
					case errors.As(err, &re):
						tempReplies.Add(1)
						time.Sleep(100 * time.Millisecond)
						continue
					default:
						connErrs.Add(1)
						c.close()
						c = nil
						time.Sleep(50 * time.Millisecond)
						continue
					}
					break
				}
				if d := *pace - time.Since(start); d > 0 {
					time.Sleep(d)
				}
			}
		}(w)
	}
	wg.Wait()
	fmt.Printf("sent=%d accepted=%d refused=%d unfinished=%d tries=%d conn_errors=%d temp_replies=%d\n",
		*n, accepted.Load(), refused.Load(), unfinished.Load(), tries.Load(), connErrs.Load(), tempReplies.Load())
	if unfinished.Load() > 0 {
		return 1
	}
	return 0
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func message(from, to string, i, k, size int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: <%s>\r\nTo: <%s>\r\nSubject: crashtest %d\r\nDate: %s\r\nMessage-ID: <crashtest.%d@%s>\r\nX-Crashtest-Try: %d\r\n\r\n",
		from, to, i, time.Now().Format(time.RFC1123Z), i, idDomain, k)
	line := strings.Repeat("y", 70) + "\r\n"
	for body := 0; body < size; body += len(line) {
		b.WriteString(line)
	}
	return []byte(b.String())
}

// replyError is a well-formed reply other than the one expected.
type replyError struct {
	code int
	text string
}

func (e replyError) Error() string { return e.text }

type client struct {
	c       net.Conn
	r       *bufio.Reader
	w       *bufio.Writer
	timeout time.Duration
}

func dial(addr string, timeout time.Duration) (*client, error) {
	nc, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	c := &client{c: nc, r: bufio.NewReader(nc), w: bufio.NewWriter(nc), timeout: timeout}
	if _, err := c.expect(220); err != nil {
		nc.Close()
		return nil, err
	}
	if _, err := c.cmd(250, "EHLO crashtest.localdomain"); err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

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
		text.WriteString(line + " ")
		if len(line) == 3 || line[3] != '-' {
			code, err := strconv.Atoi(line[:3])
			if err != nil {
				return 0, "", fmt.Errorf("bad reply %q", line)
			}
			return code, text.String(), nil
		}
	}
}

func (c *client) expect(code int) (string, error) {
	got, text, err := c.reply()
	if err != nil {
		return "", err
	}
	if got != code {
		return text, replyError{got, text}
	}
	return text, nil
}

func (c *client) cmd(code int, format string, args ...any) (string, error) {
	c.c.SetWriteDeadline(time.Now().Add(c.timeout))
	fmt.Fprintf(c.w, format+"\r\n", args...)
	if err := c.w.Flush(); err != nil {
		return "", err
	}
	return c.expect(code)
}

// send runs one transaction; the 250 reply's text when accepted.
func (c *client) send(from, to string, msg []byte) (string, error) {
	if _, err := c.cmd(250, "MAIL FROM:<%s>", from); err != nil {
		return "", err
	}
	if _, err := c.cmd(250, "RCPT TO:<%s>", to); err != nil {
		if _, ok := err.(replyError); ok {
			c.cmd(250, "RSET")
		}
		return "", err
	}
	if _, err := c.cmd(354, "DATA"); err != nil {
		return "", err
	}
	c.c.SetWriteDeadline(time.Now().Add(c.timeout))
	c.w.Write(msg)
	io.WriteString(c.w, ".\r\n")
	if err := c.w.Flush(); err != nil {
		return "", err
	}
	return c.expect(250)
}

func (c *client) quit() {
	c.c.SetDeadline(time.Now().Add(2 * time.Second))
	c.w.WriteString("QUIT\r\n")
	c.w.Flush()
	c.reply()
	c.c.Close()
}

func (c *client) close() { c.c.Close() }

// ---- check ----------------------------------------------------------------

type try struct{ id, k int }

func checkCmd(args []string) int {
	fs := flag.NewFlagSet("check", flag.ExitOnError)
	accFile := fs.String("accepted", "accepted.txt", "send's output")
	recFile := fs.String("received", "received.txt", "sink's output")
	n := fs.Int("n", 2000, "messages sent")
	kills := fs.Int("kills", 20, "times the relay was killed")
	verbose := fs.Bool("v", false, "list the lost and duplicated tries")
	fs.Parse(args)

	acc := map[int]int{} // message → its accepted try
	refused := 0
	err := eachLine(*accFile, func(f []string) error {
		if len(f) < 2 {
			return fmt.Errorf("bad line %q", strings.Join(f, " "))
		}
		id, _ := strconv.Atoi(f[0])
		k, _ := strconv.Atoi(f[1])
		if len(f) > 2 && f[2] == "REFUSED" {
			refused++
			return nil
		}
		if old, dup := acc[id]; dup {
			return fmt.Errorf("message %d accepted twice (tries %d and %d)", id, old, k)
		}
		acc[id] = k
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashtest check:", *accFile+":", err)
		return 1
	}
	got := map[try]int{}
	foreign, records := 0, 0
	err = eachLine(*recFile, func(f []string) error {
		records++
		id, err1 := strconv.Atoi(f[0])
		k, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil || id < 0 || id >= *n {
			foreign++
			return nil
		}
		got[try{id, k}]++
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashtest check:", *recFile+":", err)
		return 1
	}

	var lost, lostButCopy []int
	delivered := 0
	for id, k := range acc {
		if got[try{id, k}] > 0 {
			delivered++
			continue
		}
		lost = append(lost, id)
		for t, c := range got {
			if t.id == id && c > 0 {
				lostButCopy = append(lostButCopy, id)
				break
			}
		}
	}
	dups, unanswered := 0, 0
	var dupList []string
	for t, c := range got {
		if c > 1 {
			dups += c - 1
			dupList = append(dupList, fmt.Sprintf("%d/%d×%d", t.id, t.k, c))
		}
		if k, ok := acc[t.id]; !ok || k != t.k {
			unanswered++
		}
	}
	sort.Ints(lost)
	sort.Strings(dupList)
	fmt.Printf("sent=%d accepted=%d refused=%d delivered=%d lost=%d duplicates=%d kills=%d unanswered_but_delivered=%d sink_records=%d foreign=%d\n",
		*n, len(acc), refused, delivered, len(lost), dups, *kills, unanswered, records, foreign)
	if len(lostButCopy) > 0 {
		fmt.Printf("lost, but a copy from an unanswered try arrived: %d\n", len(lostButCopy))
	}
	if *verbose || len(lost) <= 20 && len(lost) > 0 {
		fmt.Printf("lost: %v\n", lost)
	}
	if *verbose || len(dupList) <= 40 && len(dupList) > 0 {
		fmt.Printf("duplicated (message/try×copies): %s\n", strings.Join(dupList, " "))
	}
	code := 0
	if len(lost) > 0 {
		fmt.Println("FAIL: accepted messages were lost")
		code = 1
	}
	if dups > *kills {
		fmt.Println("FAIL: more duplicates than kills")
		code = 1
	}
	if len(acc)+refused < *n {
		fmt.Printf("FAIL: only %d of %d messages were answered\n", len(acc)+refused, *n)
		code = 1
	}
	if code == 0 {
		fmt.Println("PASS")
	}
	return code
}

func eachLine(path string, fn func([]string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if err := fn(fields); err != nil {
			return err
		}
	}
	return sc.Err()
}
