package mail

import (
	"context"
	crand "crypto/rand"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"log"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"postroom/model"
	"postroom/store"
)

// Route kinds: where a domain's mail goes.
const (
	RouteMaildir = "maildir" // this system's Maildir (local domains only)
	RouteSMTP    = "smtp"    // a next-hop SMTP server
	RouteLMTP    = "lmtp"    // a next-hop LMTP server (TCP or unix socket)
)

// NextHop is a server that mail is handed to: a domain's route or the
// smarthost.
type NextHop struct {
	Kind       string // RouteSMTP or RouteLMTP; in Routes also RouteMaildir
	Addr       string // HOST:PORT; for LMTP also a unix socket path ("/run/lmtp" or "unix:/run/lmtp")
	RequireTLS bool   // never send unless STARTTLS succeeds (else STARTTLS is used when offered)
	VerifyTLS  bool   // check the server's certificate (else STARTTLS only encrypts)
}

// DeliveryConfig is what the Deliverer is given.
type DeliveryConfig struct {
	DataDir  string // local mail goes to DataDir/mail/DOMAIN/LOCAL
	Hostname string // EHLO name, Reporting-MTA, Maildir file names, Message-IDs; "localhost" when empty
	// PrimaryDomain is the company's main mail domain: bounces come from
	// MAILER-DAEMON@PrimaryDomain, notices from postmaster@PrimaryDomain.
	PrimaryDomain string

	// Routes sends a domain's mail to a next hop; a local recipient whose
	// domain has no route (or a RouteMaildir one) goes to the Maildir.
	// Remote recipients go to their domain's SMTP/LMTP route when there is
	// one, else to the Smarthost.
	Routes map[string]NextHop
	// Smarthost takes all other remote mail. Without one (Addr ""), remote
	// recipients fail temporarily with "no smarthost configured" and are
	// bounced at the end of the lifetime.
	Smarthost NextHop

	Workers        int           // messages delivered at once; 4 when 0
	RetryMin       time.Duration // first retry after a temporary failure; 1 min when 0
	RetryMax       time.Duration // the backoff's cap; 1 h when 0
	Lifetime       time.Duration // lifetime of the bounces and notices made here; store.DefaultLifetime (5 days) when 0
	MaxConnsPerHop int           // open connections per next hop; 4 when 0
	IdleTimeout    time.Duration // an unused connection is closed after this; 1 min when 0
	ShutdownGrace  time.Duration // in-flight deliveries get this long after Run's ctx ends; 30 s when 0
	RootCAs        *x509.CertPool
	// Sign, when set, signs mail that leaves the company (DKIM): it gets
	// the message as stored and returns it as it is to be sent.
	Sign func(body []byte) []byte
	// Location is the time zone of the dates written in bounces and
	// notices; time.Local when nil.
	Location *time.Location

	// Now is the clock for the queue (when mail is due, retries, the
	// lifetime, Date headers); time.Now when nil.
	Now func() time.Time
	// Rand draws the retry jitter; seeded at random when nil.
	Rand *rand.Rand
	// Lang gives a person's language ("zh-CN", "en"; "" unknown), for
	// bounces: they are written in both languages when it is unknown.
	Lang func(model.Address) string
	// LocalMailbox tells whether an address is local and which mailbox it
	// reaches (an alias resolved to its member): the recipient of a bounce
	// or notice. When nil, addresses of the domains in Routes are local
	// and their own mailboxes.
	LocalMailbox func(model.Address) (model.Address, bool)
	// Logf logs what goes wrong (log.Printf when nil).
	Logf func(format string, args ...any)
	// ListDelivered, when set, is told the recorded results of each round
	// of a mailing list's post (QueueMessage.List), for its statistics
	// and its subscribers' bounces: results[i] is the result of rcpts[i].
	ListDelivered func(m *store.QueueMessage, rcpts []store.QueueRcpt, results []store.RcptResult)
	// ListKeys, when set, gives the keys of a list's subscribers at addrs,
	// for the envelope sender and List-Unsubscribe of each copy (listCopy).
	ListKeys func(list model.Address, addrs []model.Address) map[model.Address]string
}

// deliverySpool is the part of store.Spool the Deliverer uses.
type deliverySpool interface {
	NewID() string
	Enqueue(m *store.QueueMessage, rcpts []store.QueueRcpt, body []byte) error
	EnqueueOnce(keys []string, m *store.QueueMessage, rcpts []store.QueueRcpt, body []byte) (bool, error)
	Due(now time.Time, limit int) ([]*store.QueueMessage, error)
	NextDue() (time.Time, bool, error)
	DueRcpts(id string, now time.Time, limit int) ([]store.QueueRcpt, error)
	Rcpts(id string) ([]store.QueueRcpt, error)
	Body(id string) ([]byte, error)
	Record(id string, results []store.RcptResult) (*store.QueueMessage, error)
	Finish(id string, status store.MessageStatus, reason string) error
	List(f store.QueueFilter) ([]*store.QueueMessage, error)
}

var _ deliverySpool = (*store.Spool)(nil)

// Deliverer takes due messages from the spool and delivers them: local
// recipients into their Maildir, others to their domain's next hop or the
// smarthost, retrying temporary failures with exponential backoff (RetryMin
// doubling to RetryMax, ±10% jitter) until the message's lifetime ends;
// then, and at once for permanent failures, the sender gets a DSN.
//
// Delivery is at least once: a result is recorded only after the Maildir
// file is synced or the next hop has answered, so a crash in between
// delivers again. A message is finished "done" when every recipient got it
// and "bounced" when any failed (whether or not others got it; the spool's
// meaning of the words): its DSN lists the failed ones. Bounces and
// notices (DSN set, or envelope sender "") never get a DSN themselves.
type Deliverer struct {
	cfg     DeliveryConfig
	spool   deliverySpool
	maildir *Maildir
	pools   *clientPools
	kick    chan struct{}
	offers  chan job
	offered atomic.Int64 // bytes of the bodies in offers

	randMu sync.Mutex
	rng    *rand.Rand
}

// rcptPage is how many due recipients of one message are handled (and
// recorded) at a time; rcptsPerTransaction how many go in one SMTP
// transaction (RFC 5321 4.5.3.1.8: servers take at least 100).
const (
	rcptPage            = 1000
	rcptsPerTransaction = 100
)

// NewDeliverer makes a Deliverer over an open spool. Start it with Run.
func NewDeliverer(cfg DeliveryConfig, sp *store.Spool) (*Deliverer, error) {
	return newDelivererOn(cfg, sp)
}

func newDelivererOn(cfg DeliveryConfig, sp deliverySpool) (*Deliverer, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("delivery: no data directory")
	}
	if cfg.Hostname == "" {
		cfg.Hostname = "localhost"
	}
	if cfg.PrimaryDomain == "" {
		cfg.PrimaryDomain = cfg.Hostname
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.RetryMin <= 0 {
		cfg.RetryMin = time.Minute
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = time.Hour
	}
	cfg.RetryMax = max(cfg.RetryMax, cfg.RetryMin)
	if cfg.Lifetime <= 0 {
		cfg.Lifetime = store.DefaultLifetime
	}
	if cfg.MaxConnsPerHop <= 0 {
		cfg.MaxConnsPerHop = 4
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = time.Minute
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logf == nil {
		cfg.Logf = log.Printf
	}
	routes := make(map[string]NextHop, len(cfg.Routes))
	for dom, h := range cfg.Routes {
		d := strings.ToLower(dom)
		switch h.Kind {
		case RouteMaildir:
		case RouteSMTP, RouteLMTP:
			if h.Addr == "" {
				return nil, fmt.Errorf("delivery: the %s route of %s has no address", h.Kind, d)
			}
		default:
			return nil, fmt.Errorf("delivery: the route of %s has kind %q; use maildir, smtp or lmtp", d, h.Kind)
		}
		routes[d] = h
	}
	cfg.Routes = routes
	if cfg.Smarthost.Addr != "" && cfg.Smarthost.Kind == "" {
		cfg.Smarthost.Kind = RouteSMTP
	}
	if cfg.Smarthost.Addr != "" && cfg.Smarthost.Kind != RouteSMTP && cfg.Smarthost.Kind != RouteLMTP {
		return nil, fmt.Errorf("delivery: the smarthost has kind %q; use smtp or lmtp", cfg.Smarthost.Kind)
	}
	rng := cfg.Rand
	if rng == nil {
		var seed [16]byte
		_, _ = crand.Read(seed[:])
		rng = rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])))
	}
	return &Deliverer{
		cfg:     cfg,
		spool:   sp,
		maildir: NewMaildir(filepath.Join(cfg.DataDir, "mail"), cfg.Hostname, cfg.Now),
		pools:   newClientPools(cfg.Hostname, cfg.MaxConnsPerHop, cfg.IdleTimeout, cfg.RootCAs),
		kick:    make(chan struct{}, 1),
		offers:  make(chan job, maxOffers),
		rng:     rng,
	}, nil
}

// Kick wakes the Deliverer: new mail was queued or held mail released.
func (d *Deliverer) Kick() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Offer hands the workers a message that Enqueue has just made durable,
// with its recipients and body, so that its first round reads nothing back
// from the spool. When the workers are behind (the offers are full) the
// message waits in the spool's due list like any other. The caller must
// not change body afterwards.
func (d *Deliverer) Offer(m *store.QueueMessage, rcpts []store.QueueRcpt, body []byte) {
	if m.Status != store.MsgQueued || len(rcpts) > rcptPage || d.offered.Load()+int64(len(body)) > maxOffered {
		d.Kick()
		return
	}
	mc := *m
	select {
	case d.offers <- job{m: &mc, rcpts: slices.Clone(rcpts), body: body, offered: time.Now()}:
		d.offered.Add(int64(len(body)))
	default:
		d.Kick()
	}
}

// maxOffers and maxOffered bound the offers waiting for a worker: their
// number and the bytes of their bodies.
const (
	maxOffers  = 8192
	maxOffered = 64 << 20
)

// job is a message handed to a worker: from the due list (only m), or
// offered fresh (with its recipients and body).
type job struct {
	m       *store.QueueMessage
	rcpts   []store.QueueRcpt
	body    []byte
	offered time.Time
}

// due gives the recipients of an offered job when they are all there and
// all due: then one round delivers the whole message.
func (j job) due(now time.Time) ([]store.QueueRcpt, bool) {
	if j.body == nil || len(j.rcpts) == 0 || len(j.rcpts) != j.m.Rcpts {
		return nil, false
	}
	for _, r := range j.rcpts {
		if r.Status != store.RcptPending || r.NextAttempt.After(now) {
			return nil, false
		}
	}
	return j.rcpts, true
}

// load reads the body and the due recipients of a message from the due
// list, so that a message whose recipients are all due is delivered in one
// round like an offered one. Whatever fails here is left to deliverMessage.
func (d *Deliverer) load(j job) job {
	if j.m.Pending != j.m.Rcpts || j.m.Rcpts > rcptPage {
		return j
	}
	body, err := d.spool.Body(j.m.ID)
	if err != nil {
		return j
	}
	rcpts, err := d.spool.DueRcpts(j.m.ID, d.cfg.Now(), rcptPage)
	if err != nil {
		return j
	}
	j.body, j.rcpts = body, rcpts
	return j
}

// record records the results of an offered message's round and concludes
// the message when nothing is left pending.
func (d *Deliverer) record(m *store.QueueMessage, rcpts []store.QueueRcpt, results []store.RcptResult) roundDone {
	rd := roundDone{id: m.ID}
	upd, err := d.spool.Record(m.ID, results)
	if err != nil {
		d.cfg.Logf("delivery: %s: record results: %v", m.ID, err)
		return rd
	}
	rd.progressed = true
	if m.List != "" && d.cfg.ListDelivered != nil {
		d.cfg.ListDelivered(m, rcpts, results)
	}
	if upd.Status == store.MsgQueued && upd.Pending == 0 {
		d.conclude(upd)
	}
	rd.pending = upd.Status == store.MsgQueued && upd.Pending > 0
	return rd
}

// offerTTL bounds how late an offer may be taken. An older one is left to
// the due list; a message handed out from the due list is remembered this
// long, so that an offer of it that comes later is not delivered again.
const offerTTL = 10 * time.Second

// maxSleep bounds a wait for the next due message, so a clock that jumps
// is noticed.
const maxSleep = 5 * time.Minute

// Run delivers until ctx ends, then lets the deliveries under way finish
// (for at most ShutdownGrace; a delivery cut short is simply tried again
// later), closes the idle connections and returns. Call it once.
//
// Work comes two ways: offers of fresh messages (Offer), handed out as
// they come, and the spool's due list, read when kicked, when the next
// due time comes, and after a round that left recipients to retry.
func (d *Deliverer) Run(ctx context.Context) {
	d.finishStranded()

	work := make(chan job)
	done := make(chan roundDone, d.cfg.Workers)
	dctx, cancelDeliveries := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelDeliveries()
	var wg, records sync.WaitGroup
	// A worker that delivered an offered message leaves recording the
	// results to a goroutine of its own and takes the next message: the
	// records of many deliveries share a commit, and no worker waits for
	// an fsync. recording bounds how many are under way.
	recording := make(chan struct{}, 4*d.cfg.Workers)
	for range d.cfg.Workers {
		wg.Go(func() {
			for j := range work {
				if j.body == nil {
					j = d.load(j)
				}
				rcpts, ok := j.due(d.cfg.Now())
				if !ok {
					done <- d.deliverMessage(dctx, j)
					continue
				}
				results := d.attempt(dctx, j.m, rcpts, j.body, d.cfg.Now())
				recording <- struct{}{}
				records.Go(func() {
					done <- d.record(j.m, rcpts, results)
					<-recording
				})
			}
		})
	}

	inflight := map[string]bool{}
	// stuck holds messages that were due but whose round did nothing (the
	// spool failed, or listed a message without a due recipient): they
	// wait a while instead of being handed out again at once.
	stuck := map[string]time.Time{}
	// listed remembers the messages handed out from the due list for
	// offerTTL (listedOrder keeps them in time order for pruning).
	listed := map[string]time.Time{}
	var listedOrder []string
	scan := true // read the due list at the top of the loop
	var timer <-chan time.Time

	finished := func(r roundDone) {
		delete(inflight, r.id)
		if !r.progressed {
			stuck[r.id] = time.Now().Add(stuckPause)
		}
		if r.pending {
			scan = true // its next try may be earlier than the timer
		}
	}
	// hand gives j to a worker, taking finished rounds while it waits.
	hand := func(j job) bool {
		for {
			select {
			case work <- j:
				inflight[j.m.ID] = true
				return true
			case r := <-done:
				finished(r)
			case <-ctx.Done():
				return false
			}
		}
	}
	idle := time.NewTicker(max(d.cfg.IdleTimeout/2, time.Second))
	defer idle.Stop()
	stranded := time.NewTicker(time.Hour)
	defer stranded.Stop()

loop:
	for ctx.Err() == nil {
		if scan {
			scan = false
			now := time.Now()
			for id, until := range stuck {
				if now.After(until) {
					delete(stuck, id)
				}
			}
			for len(listedOrder) > 0 && now.Sub(listed[listedOrder[0]]) > offerTTL {
				delete(listed, listedOrder[0])
				listedOrder = listedOrder[1:]
			}
			limit := len(inflight) + len(stuck) + 2*d.cfg.Workers
			due, dueErr := d.spool.Due(d.cfg.Now(), limit)
			if dueErr != nil {
				d.cfg.Logf("delivery: list due mail: %v", dueErr)
			}
			fresh, skipped := 0, 0
			for _, m := range due {
				if inflight[m.ID] {
					continue
				}
				if _, ok := stuck[m.ID]; ok {
					skipped++
					continue
				}
				if _, ok := listed[m.ID]; !ok {
					listedOrder = append(listedOrder, m.ID)
				}
				listed[m.ID] = now
				if !hand(job{m: m}) {
					break loop
				}
				fresh++
			}
			if fresh > 0 && len(due) == limit {
				scan = true // there may be more due now
				continue
			}
			switch next, ok, err := d.spool.NextDue(); {
			case err != nil || dueErr != nil:
				if err != nil {
					d.cfg.Logf("delivery: next due mail: %v", err)
				}
				timer = time.After(10 * time.Second)
			case ok && next.After(d.cfg.Now()):
				timer = time.After(min(next.Sub(d.cfg.Now()), maxSleep))
			case ok && skipped > 0 && fresh == 0 && len(inflight) == 0:
				timer = time.After(stuckPause)
			case ok && fresh == 0 && len(inflight) == 0:
				// Due but not listed (a race with Record): look again soon.
				timer = time.After(100 * time.Millisecond)
			case ok:
				// Due and in flight: a finished round with recipients
				// left sets scan; look again in a while in any case.
				timer = time.After(stuckPause)
			default:
				timer = time.After(maxSleep)
			}
		}
		select {
		case j := <-d.offers:
			d.offered.Add(-int64(len(j.body)))
			_, wasListed := listed[j.m.ID]
			switch {
			case inflight[j.m.ID] || wasListed:
			case time.Since(j.offered) > offerTTL:
				scan = true // the due list has it
			default:
				if !hand(j) {
					break loop
				}
			}
		case <-d.kick:
			scan = true
		case r := <-done:
			finished(r)
		case <-timer:
			scan = true
		case <-idle.C:
			d.pools.closeIdle(false)
		case <-stranded.C:
			d.finishStranded()
		case <-ctx.Done():
		}
	}

	close(work)
	grace := time.AfterFunc(d.cfg.ShutdownGrace, cancelDeliveries)
	go func() {
		wg.Wait()
		records.Wait()
		close(done)
	}()
	for range done {
	}
	grace.Stop()
	d.pools.closeIdle(true)
}

// roundDone is a worker's word that it is done with a message: whether
// its round recorded anything, and whether recipients are left to retry.
type roundDone struct {
	id         string
	progressed bool
	pending    bool
}

// stuckPause is how long a message whose round did nothing waits before
// it is handed out again.
const stuckPause = 30 * time.Second

// finishStranded concludes queued messages with nothing pending: a crash
// came between the last Record and the bounce or Finish.
func (d *Deliverer) finishStranded() {
	msgs, err := d.spool.List(store.QueueFilter{Status: store.MsgQueued})
	if err != nil {
		d.cfg.Logf("delivery: list queued mail: %v", err)
		return
	}
	for _, m := range msgs {
		if m.Pending == 0 {
			d.conclude(m)
		}
	}
}

// deliverMessage makes one delivery round for the due recipients of a
// message: an offered one starts with the recipients and body it came
// with, one from the due list reads them from the spool.
func (d *Deliverer) deliverMessage(ctx context.Context, j job) (rd roundDone) {
	m := j.m
	rd.id = m.ID
	body, err := j.body, error(nil)
	if body == nil {
		body, err = d.spool.Body(m.ID)
		if errors.Is(err, model.ErrNotFound) {
			rd.progressed = true // finished meanwhile
			return rd
		}
	}
	now := d.cfg.Now()
	seen := map[int]bool{}
	first := j.rcpts
	for {
		var rcpts []store.QueueRcpt
		if first != nil {
			for _, r := range first {
				if r.Status == store.RcptPending && !r.NextAttempt.After(now) {
					rcpts = append(rcpts, r)
				}
			}
			first = nil
		} else {
			var rerr error
			rcpts, rerr = d.spool.DueRcpts(m.ID, now, rcptPage)
			if rerr != nil {
				d.cfg.Logf("delivery: %s: recipients: %v", m.ID, rerr)
				return rd
			}
		}
		rcpts = slices.DeleteFunc(rcpts, func(r store.QueueRcpt) bool { return seen[r.Index] })
		if len(rcpts) == 0 {
			break
		}
		for _, r := range rcpts {
			seen[r.Index] = true
		}
		var results []store.RcptResult
		if err != nil {
			// The body cannot be read: try again later, like a failed hop.
			results = make([]store.RcptResult, len(rcpts))
			for i, r := range rcpts {
				results[i] = d.failure(m, r, rcptOutcome{Text: "read the message from the spool: " + err.Error()}, now)
			}
			d.cfg.Logf("delivery: %s: body: %v", m.ID, err)
		} else {
			results = d.attempt(ctx, m, rcpts, body, now)
		}
		upd, rerr := d.spool.Record(m.ID, results)
		if rerr != nil {
			d.cfg.Logf("delivery: %s: record results: %v", m.ID, rerr)
			return rd
		}
		rd.progressed = true
		if m.List != "" && d.cfg.ListDelivered != nil {
			d.cfg.ListDelivered(m, rcpts, results)
		}
		m = upd
		if m.Pending == 0 || err != nil {
			break
		}
	}
	if m.Status == store.MsgQueued && m.Pending == 0 {
		d.conclude(m)
	}
	rd.pending = m.Status == store.MsgQueued && m.Pending > 0
	if !rd.progressed {
		d.cfg.Logf("delivery: %s was due but had no recipient due", m.ID)
	}
	return rd
}

// attempt delivers body to rcpts: local Maildir recipients one by one,
// the others grouped per next hop, one transaction per group.
func (d *Deliverer) attempt(ctx context.Context, m *store.QueueMessage, rcpts []store.QueueRcpt, body []byte, now time.Time) []store.RcptResult {
	if m.List != "" {
		return d.attemptList(ctx, m, rcpts, body, now)
	}
	outcomes := make([]rcptOutcome, len(rcpts))
	groups := map[string][]int{}
	hops := map[string]NextHop{}
	leaves := map[string]bool{} // the group has a recipient outside the company
	for i, r := range rcpts {
		hop, ok, why := d.route(r)
		switch {
		case why != "":
			outcomes[i] = rcptOutcome{Text: why}
		case !ok:
			outcomes[i] = d.deliverLocal(m, r, body)
		default:
			k := hop.key()
			groups[k] = append(groups[k], i)
			hops[k] = hop
			leaves[k] = leaves[k] || !r.Local
		}
	}
	signed := func() []byte { return body }
	if d.cfg.Sign != nil {
		signed = sync.OnceValue(func() []byte { return d.cfg.Sign(body) })
	}
	for _, k := range slices.Sorted(maps.Keys(groups)) {
		idx := groups[k]
		for len(idx) > 0 {
			n := min(len(idx), rcptsPerTransaction)
			chunk := idx[:n]
			idx = idx[n:]
			addrs := make([]model.Address, len(chunk))
			for j, i := range chunk {
				addrs[j] = rcpts[i].Addr
			}
			b := body
			if leaves[k] {
				b = signed()
			}
			res := d.pools.send(ctx, hops[k], m.From, addrs, b)
			for j, i := range chunk {
				outcomes[i] = res[j]
			}
		}
	}
	results := make([]store.RcptResult, len(rcpts))
	for i, r := range rcpts {
		results[i] = d.failure(m, r, outcomes[i], now)
	}
	return results
}

// listCopyWorkers is how many copies of a list post one round delivers at
// a time: each copy is a transaction of its own (its own envelope sender),
// so they go over several pooled connections at once.
const listCopyWorkers = 4

// attemptList delivers the copies of a mailing list's post, each with its
// subscriber's envelope sender and List-Unsubscribe (listCopy), each
// signed on its own when it leaves the company (DKIM covers
// List-Unsubscribe).
func (d *Deliverer) attemptList(ctx context.Context, m *store.QueueMessage, rcpts []store.QueueRcpt, body []byte, now time.Time) []store.RcptResult {
	var keys map[model.Address]string
	if d.cfg.ListKeys != nil {
		addrs := make([]model.Address, len(rcpts))
		for i, r := range rcpts {
			addrs[i] = r.Addr
		}
		keys = d.cfg.ListKeys(m.List, addrs)
	}
	outcomes := make([]rcptOutcome, len(rcpts))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(listCopyWorkers, len(rcpts)) {
		wg.Go(func() {
			for i := range next {
				r := rcpts[i]
				from, b := listCopy(m.List, keys[r.Addr], body)
				hop, ok, why := d.route(r)
				switch {
				case why != "":
					outcomes[i] = rcptOutcome{Text: why}
				case !ok:
					outcomes[i] = d.deliverLocalFrom(r, from, b)
				default:
					if !r.Local && d.cfg.Sign != nil {
						b = d.cfg.Sign(b)
					}
					outcomes[i] = d.pools.send(ctx, hop, from, []model.Address{r.Addr}, b)[0]
				}
			}
		})
	}
	for i := range rcpts {
		next <- i
	}
	close(next)
	wg.Wait()
	results := make([]store.RcptResult, len(rcpts))
	for i, r := range rcpts {
		results[i] = d.failure(m, r, outcomes[i], now)
	}
	return results
}

// route says where a recipient goes: a next hop (ok), the Maildir (not ok,
// why ""), or nowhere yet (why: a temporary failure).
func (d *Deliverer) route(r store.QueueRcpt) (hop NextHop, ok bool, why string) {
	h, has := d.cfg.Routes[r.Addr.Domain()]
	if r.Local {
		if has && h.Kind != RouteMaildir {
			return h, true, ""
		}
		return NextHop{}, false, ""
	}
	if has && h.Kind != RouteMaildir {
		return h, true, ""
	}
	if d.cfg.Smarthost.Addr == "" {
		return NextHop{}, false, "no smarthost configured: mail to other domains cannot be sent"
	}
	return d.cfg.Smarthost, true, ""
}

// deliverLocal writes one local recipient's copy into its Maildir.
func (d *Deliverer) deliverLocal(m *store.QueueMessage, r store.QueueRcpt, body []byte) rcptOutcome {
	return d.deliverLocalFrom(r, m.From, body)
}

// deliverLocalFrom writes one local recipient's copy from the envelope
// sender from into its Maildir.
func (d *Deliverer) deliverLocalFrom(r store.QueueRcpt, from string, body []byte) rcptOutcome {
	file, err := d.maildir.Deliver(r.Addr, r.Folder, from, body)
	if err != nil {
		if errors.Is(err, errBadMailbox) {
			return rcptOutcome{Permanent: true, AboutRecipient: true, Text: "local delivery refused: " + err.Error()}
		}
		return rcptOutcome{Text: "local delivery failed: " + err.Error()}
	}
	return rcptOutcome{Delivered: true, Text: "delivered to the local mailbox", File: filepath.Base(file)}
}

// failure turns an outcome into the result to record: a temporary failure
// gets its next try, or becomes permanent once the lifetime has ended.
func (d *Deliverer) failure(m *store.QueueMessage, r store.QueueRcpt, o rcptOutcome, now time.Time) store.RcptResult {
	res := store.RcptResult{Index: r.Index, Delivered: o.Delivered, Permanent: o.Permanent, File: o.File, AboutRecipient: o.AboutRecipient}
	if !o.Delivered {
		res.Error = o.Text
	}
	if o.Delivered || o.Permanent {
		return res
	}
	if !now.Before(m.Expires) {
		res.Permanent = true
		res.Error = fmt.Sprintf("lifetime ended after %d attempts: %s", r.Attempts+1, o.Text)
		return res
	}
	res.Retry = d.retryAt(now, r.Attempts, m.Expires)
	return res
}

// retryAt is when to try again after attempts earlier failures and this
// one: RetryMin doubled per earlier attempt up to RetryMax, ±10% jitter,
// and never later than the lifetime's end (the last try).
func (d *Deliverer) retryAt(now time.Time, attempts int, expires time.Time) time.Time {
	delay := d.cfg.RetryMin
	for i := 0; i < attempts && delay < d.cfg.RetryMax; i++ {
		delay *= 2
	}
	delay = min(delay, d.cfg.RetryMax)
	d.randMu.Lock()
	f := 0.9 + 0.2*d.rng.Float64()
	d.randMu.Unlock()
	at := now.Add(time.Duration(float64(delay) * f))
	if !expires.IsZero() && at.After(expires) {
		at = expires
	}
	return at
}

// conclude finishes a queued message with nothing pending: a DSN for its
// failed recipients (unless it is itself a bounce or notice), then Finish.
func (d *Deliverer) conclude(m *store.QueueMessage) {
	if m.Failed == 0 {
		if err := d.spool.Finish(m.ID, store.MsgDone, ""); err != nil {
			d.cfg.Logf("delivery: %s: finish: %v", m.ID, err)
		}
		return
	}
	reason := fmt.Sprintf("%d of %d recipients failed", m.Failed, m.Rcpts)
	switch {
	case m.From == "" || m.DSN:
		reason += "; no DSN: the message is itself a bounce or notice"
	case m.List != "":
		reason += "; no DSN: a mailing list's post, its failures are counted as bounces in the list's statistics"
	default:
		id, err := d.bounce(m)
		switch {
		case errors.Is(err, errNoBounceAddress):
			reason += "; no DSN: " + err.Error()
		case err != nil:
			// Leave it queued: finishStranded tries again.
			d.cfg.Logf("delivery: %s: bounce: %v", m.ID, err)
			return
		default:
			reason += fmt.Sprintf("; DSN %s sent to %s", id, m.From)
		}
	}
	if err := d.spool.Finish(m.ID, store.MsgBounced, reason); err != nil {
		d.cfg.Logf("delivery: %s: finish: %v", m.ID, err)
	}
}

// localMailbox tells whether addr is local and its mailbox.
func (d *Deliverer) localMailbox(addr model.Address) (model.Address, bool) {
	if d.cfg.LocalMailbox != nil {
		return d.cfg.LocalMailbox(addr)
	}
	_, ok := d.cfg.Routes[addr.Domain()]
	return addr, ok
}

// location is the time zone of dates in the mail written here.
func (d *Deliverer) location() *time.Location {
	if d.cfg.Location != nil {
		return d.cfg.Location
	}
	return time.Local
}

// lang is a person's language, "" when unknown.
func (d *Deliverer) lang(addr model.Address) string {
	if d.cfg.Lang == nil {
		return ""
	}
	return d.cfg.Lang(addr)
}

// enqueueSystem queues a message made here (a DSN or a notice) to one
// recipient, with the envelope sender "" so that it is never bounced.
func (d *Deliverer) enqueueSystem(to model.Address, headerFrom model.Address, subject string, body []byte) (string, error) {
	id, _, err := d.enqueueSystemOnce(nil, to, headerFrom, subject, body)
	return id, err
}

// enqueueSystemOnce is enqueueSystem; with keys, the message is queued
// only when none of those markers is in the spool yet (Spool.EnqueueOnce),
// and it reports whether it was.
func (d *Deliverer) enqueueSystemOnce(keys []string, to model.Address, headerFrom model.Address, subject string, body []byte) (string, bool, error) {
	now := d.cfg.Now()
	mb, local := d.localMailbox(to)
	dir := "out"
	if local {
		dir = "internal"
	} else {
		mb = to // an outside address (a list's confirmation) goes as it is
	}
	m := &store.QueueMessage{
		ID:         d.spool.NewID(),
		Received:   now,
		Door:       "system",
		System:     "postroom",
		Direction:  dir,
		From:       "",
		HeaderFrom: string(headerFrom),
		Subject:    subject,
		Status:     store.MsgQueued,
		Expires:    now.Add(d.cfg.Lifetime),
		DSN:        true,
	}
	rc := []store.QueueRcpt{{Addr: mb, Local: local, Status: store.RcptPending}}
	if len(keys) == 0 {
		if err := d.spool.Enqueue(m, rc, body); err != nil {
			return "", false, err
		}
	} else {
		ok, err := d.spool.EnqueueOnce(keys, m, rc, body)
		if err != nil || !ok {
			return "", false, err
		}
	}
	d.Kick()
	return m.ID, true, nil
}
