package mail

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// panicWatch counts the panics go-smtp recovered from and logged; TestMain
// fails the run if there were any, since a recovered panic is still a bug.
type panicWatch struct{ n atomic.Int64 }

func (p *panicWatch) Write(b []byte) (int, error) {
	if bytes.Contains(b, []byte("panic")) {
		p.n.Add(1)
		os.Stderr.Write(b)
	}
	return len(b), nil
}

var panics panicWatch

func TestMain(m *testing.M) {
	code := m.Run()
	if n := panics.n.Load(); n > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d panics in SMTP sessions (see above)\n", n)
		code = 1
	}
	os.Exit(code)
}

func FuzzCheckLines(f *testing.F) {
	for _, s := range []string{"a\r\nb\r\n", "a\nb", "a\rb", "\x00", strings.Repeat("x", 1200)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := checkLines(b, 1000)
		if err != nil {
			return
		}
		// Whatever passes has only CRLF line ends, no NUL and short lines.
		for i, c := range b {
			switch c {
			case 0:
				t.Fatal("NUL passed")
			case '\r':
				if i+1 >= len(b) || b[i+1] != '\n' {
					t.Fatal("bare CR passed")
				}
			case '\n':
				if i == 0 || b[i-1] != '\r' {
					t.Fatal("bare LF passed")
				}
			}
		}
		for _, line := range bytes.Split(b, []byte("\r\n")) {
			if len(line) > 1000 {
				t.Fatal("long line passed")
			}
		}
	})
}

// fuzzServer is one relay shared by every input of a fuzz run.
func fuzzServer(f *testing.F) *testServer {
	return newTestServer(f, func(c *Config) {
		c.Limits.MaxConnsPerIP = 10000
		c.Limits.CommandTimeout = Duration(time.Second)
		c.Limits.DataTimeout = Duration(time.Second)
	})
}

// checkReplies reads every reply line until the server closes or goes
// quiet, and checks that each is a well-formed SMTP reply.
func checkReplies(t *testing.T, c net.Conn) {
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF || line == "" && err != nil {
			return
		}
		if !strings.HasSuffix(line, "\r\n") || strings.ContainsAny(strings.TrimSuffix(line, "\r\n"), "\r\n\x00") {
			t.Fatalf("malformed reply line %q", line)
		}
		if len(line) < 5 || line[0] < '2' || line[0] > '5' || (line[3] != ' ' && line[3] != '-') {
			t.Fatalf("malformed reply %q", line)
		}
		if err != nil {
			return
		}
	}
}

// FuzzSession sends arbitrary bytes as a whole session to the inbound door.
func FuzzSession(f *testing.F) {
	seeds := []string{
		"EHLO x\r\nMAIL FROM:<a@outside.test>\r\nRCPT TO:<wangwei@example.com>\r\nDATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n",
		"EHLO x\r\nMAIL FROM:<a@outside.test> SMTPUTF8\r\nRCPT TO:<\"x@y\"@example.com>\r\nRCPT TO:<all@example.com>\r\nDATA\r\nhello\n.\nQUIT\r\n",
		"HELO x\r\nAUTH PLAIN AGFAYg==\r\nSTARTTLS\r\nNOOP\r\n",
		"EHLO x\r\nMAIL FROM:<> SIZE=99999999999\r\nRCPT TO:<postmaster@example.com> NOTIFY=NEVER\r\nBDAT 5 LAST\r\nhello",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	ts := fuzzServer(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := net.Dial("tcp", ts.inbound)
		if err != nil {
			t.Skip(err)
		}
		defer c.Close()
		c.SetWriteDeadline(time.Now().Add(time.Second))
		c.Write(in)
		c.(*net.TCPConn).CloseWrite()
		checkReplies(t, c)
	})
}

// FuzzData sends arbitrary bytes as one message's DATA on the submission door.
func FuzzData(f *testing.F) {
	for _, s := range []string{"Subject: x\r\n\r\nbody\r\n", "Subject: =?GBK?B?1tDOxA==?=\r\n\r\n\xd6\xd0\r\n", "a\nb\r\n", ".\r\n..\r\n"} {
		f.Add([]byte(s))
	}
	l := demoLogin(f, "member")
	ts := fuzzServer(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := net.Dial("tcp", ts.submission)
		if err != nil {
			t.Skip(err)
		}
		defer c.Close()
		c.SetWriteDeadline(time.Now().Add(2 * time.Second))
		fmt.Fprintf(c, "EHLO x\r\nAUTH PLAIN %s\r\nMAIL FROM:<%s>\r\nRCPT TO:<liuyang@example.com>\r\nDATA\r\n", plainIR(l.Address, l.Password), l.Address)
		c.Write(in)
		io.WriteString(c, "\r\n.\r\nQUIT\r\n")
		checkReplies(t, c)
	})
}
