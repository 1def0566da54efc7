package mail

import (
	"bytes"
	"crypto/tls"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// capListener bounds connections in total and per client address. A client
// over a cap gets a 421 and the connection is closed before go-smtp sees it.
type capListener struct {
	net.Listener
	max, perIP int
	lifetime   time.Duration // no connection lives longer; 0: no limit

	mu    sync.Mutex
	total int
	by    map[netip.Addr]int
}

func newCapListener(l net.Listener, max, perIP int, lifetime time.Duration) *capListener {
	return &capListener{Listener: l, max: max, perIP: perIP, lifetime: lifetime, by: map[netip.Addr]int{}}
}

// Accept returns the next connection within the caps.
func (l *capListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := remoteIP(c.RemoteAddr())
		l.mu.Lock()
		switch {
		case l.total >= l.max:
			l.mu.Unlock()
			refuse(c, "421 4.3.2 Too many connections; try again later\r\n")
			continue
		case l.by[ip] >= l.perIP:
			l.mu.Unlock()
			refuse(c, "421 4.7.0 Too many connections from your address; try again later\r\n")
			continue
		}
		l.total++
		l.by[ip]++
		l.mu.Unlock()
		cc := &capConn{Conn: c, l: l, ip: ip}
		if l.lifetime > 0 {
			cc.timer.Store(time.AfterFunc(l.lifetime, func() { cc.Close() }))
		}
		return cc, nil
	}
}

func refuse(c net.Conn, reply string) {
	c.SetWriteDeadline(time.Now().Add(2 * time.Second))
	c.Write([]byte(reply))
	c.Close()
}

func (l *capListener) release(ip netip.Addr) {
	l.mu.Lock()
	l.total--
	if l.by[ip]--; l.by[ip] <= 0 {
		delete(l.by, ip)
	}
	l.mu.Unlock()
}

// capConn gives its place back when closed (once). While a message is
// being read it also moves the read deadline forward on every read, so a
// large message that keeps flowing is never cut off by a fixed deadline
// while a stalled one still is (go-smtp sets one deadline per command).
type capConn struct {
	net.Conn
	l      *capListener
	ip     netip.Addr
	once   sync.Once
	extend atomic.Int64               // per-read deadline in ns; 0: off
	tls    atomic.Bool                // STARTTLS began: bytes below TLS pass untouched
	timer  atomic.Pointer[time.Timer] // the session lifetime
}

// startTLSReply is go-smtp's answer to STARTTLS; after it the handshake
// follows and the bytes written are TLS records.
var startTLSReply = []byte("220 2.0.0 Ready to start TLS")

// Write sends a reply. go-smtp echoes parts of a client's command in some
// replies (an unknown verb), so on the clear-text part of a connection a
// bare CR, a bare LF or a NUL in a reply becomes a space: the client can
// never split or forge reply lines. Inside TLS, where only the client reads
// its own echo, the bytes are TLS records and pass untouched.
func (c *capConn) Write(b []byte) (int, error) {
	if c.tls.Load() {
		return c.Conn.Write(b)
	}
	if bytes.HasPrefix(b, startTLSReply) {
		c.tls.Store(true)
		return c.Conn.Write(b)
	}
	if clean := cleanLines(b); clean != nil {
		n, err := c.Conn.Write(clean)
		if n == len(clean) {
			n = len(b)
		}
		return n, err
	}
	return c.Conn.Write(b)
}

// cleanLines returns b with bare CR, bare LF and NUL replaced by spaces, or
// nil when b has none.
func cleanLines(b []byte) []byte {
	var out []byte
	for i, ch := range b {
		bad := ch == 0 ||
			ch == '\r' && i+1 < len(b) && b[i+1] != '\n' ||
			ch == '\n' && (i == 0 || b[i-1] != '\r')
		if bad {
			if out == nil {
				out = bytes.Clone(b)
			}
			out[i] = ' '
		}
	}
	return out
}

// Read reads, first moving the deadline when extending is on.
func (c *capConn) Read(b []byte) (int, error) {
	if d := c.extend.Load(); d > 0 {
		c.Conn.SetReadDeadline(time.Now().Add(time.Duration(d)))
	}
	return c.Conn.Read(b)
}

// extendReads turns the moving deadline on (d > 0) or off (0).
func (c *capConn) extendReads(d time.Duration) { c.extend.Store(int64(d)) }

// capConnOf finds the capConn under a connection, through TLS.
func capConnOf(c net.Conn) *capConn {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	cc, _ := c.(*capConn)
	return cc
}

func (c *capConn) Close() error {
	c.once.Do(func() {
		if t := c.timer.Load(); t != nil {
			t.Stop()
		}
		c.l.release(c.ip)
	})
	return c.Conn.Close()
}

// remoteIP is the client's address without the port.
func remoteIP(a net.Addr) netip.Addr {
	if ta, ok := a.(*net.TCPAddr); ok {
		ip, _ := netip.AddrFromSlice(ta.IP)
		return ip.Unmap()
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}
