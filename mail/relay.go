// Package mail is postroom's relay: the SMTP doors (inbound and
// submission), recipient resolution and policy enforcement at send time, the
// durable queue's producers and the delivery workers (Maildir, next-hop SMTP
// or LMTP, the smarthost), bounces and notices.
//
// Invariants: a message is answered 250 only after store.Spool.Enqueue has
// returned (fsync); no network I/O happens inside a bbolt transaction; every
// envelope address is re-parsed strictly (ParsePath) before it is judged or
// forwarded, and client ESMTP parameters are never passed on. Policy comes
// from model (pure decisions); this package applies them.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"postroom/model"
	"postroom/store"
)

// Options are what the relay is given by serve.
type Options struct {
	DataDir string
	Config  Config
	Store   *store.Store
	Spool   *store.Spool
	Now     func() time.Time // time.Now when nil
	Log     io.Writer        // os.Stderr when nil
	SSHAddr string           // shown in notices: how to reach the SSH door
	// NotifyLocation is the time zone whose midnight starts a new day of
	// the notification quota (MAILFX-3); the server's local time when nil.
	NotifyLocation *time.Location
}

// Relay is the running mail side of `postroom serve`.
type Relay struct {
	cfg     Config
	data    string
	store   *store.Store
	spool   *store.Spool
	now     func() time.Time
	log     *log.Logger
	tls     *tls.Config
	sshAddr string
	del     *Deliverer
	sigs    signatureCache // the enterprise signature's templates (MAILFX-1)

	notifyLoc *time.Location // NotifyLocation
	// notifyQueued, in tests, is told after each chunk of a notification
	// job is queued and before it is recorded.
	notifyQueued func(job *model.NotifyJob)
	notifyMu     sync.Mutex // one NotifyPass at a time
	confirmMu    sync.Mutex // one ListConfirmationPass at a time

	mu      sync.Mutex
	servers []*smtp.Server

	ann     announcer  // announcements' fan-outs and recalls (announce.go)
	letters letterSent // welcome letters and reminders seen queued (letters.go)
}

// New makes the relay; listeners start with ServeInbound/ServeSubmission,
// delivery with Run.
func New(opt Options) (*Relay, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = os.Stderr
	}
	r := &Relay{cfg: opt.Config, data: opt.DataDir, store: opt.Store, spool: opt.Spool, now: opt.Now,
		log: log.New(opt.Log, "mail: ", log.LstdFlags), sshAddr: opt.SSHAddr, notifyLoc: opt.NotifyLocation}
	if err := r.cfg.check(); err != nil {
		return nil, err
	}
	t, err := listenerTLS(opt.DataDir, r.cfg, r.now(), r.log.Printf)
	if err != nil {
		return nil, err
	}
	r.tls = t
	if r.del, err = NewDeliverer(r.deliveryConfig(), opt.Spool); err != nil {
		return nil, err
	}
	return r, nil
}

// deliveryConfig turns the ops configuration into the Deliverer's.
func (r *Relay) deliveryConfig() DeliveryConfig {
	q := r.cfg.Queue
	dc := DeliveryConfig{
		DataDir:       r.data,
		Hostname:      r.cfg.Hostname,
		PrimaryDomain: r.primaryDomain(),
		Routes:        map[string]NextHop{},
		Smarthost:     NextHop{Kind: RouteSMTP, Addr: r.cfg.Smarthost.Addr, RequireTLS: r.cfg.Smarthost.RequireTLS},
		Workers:       q.Workers,
		RetryMin:      q.RetryMin.D(),
		RetryMax:      q.RetryMax.D(),
		Lifetime:      q.Lifetime.D(),
		Now:           r.now,
		Lang:          r.langOf,
		LocalMailbox:  r.localMailbox,
		Logf:          r.log.Printf,
		ListDelivered: func(m *store.QueueMessage, rcpts []store.QueueRcpt, results []store.RcptResult) {
			if err := countListDelivery(r.store, m, rcpts, results, r.now()); err != nil {
				r.log.Printf("list %s: count deliveries of %s: %v", m.List, m.ID, err)
			}
		},
		ListKeys: func(list model.Address, addrs []model.Address) map[model.Address]string {
			var keys map[model.Address]string
			if err := r.store.Read(func(rd *store.Reader) error {
				var err error
				keys, err = rd.SubscriberKeys(list, addrs)
				return err
			}); err != nil {
				r.log.Printf("list %s: subscriber keys: %v", list, err)
			}
			return keys
		},
		Sign: NewDKIMSigner(r.store, r.log.Printf).Sign,
	}
	for _, rt := range r.cfg.Routes {
		dc.Routes[rt.Domain] = NextHop{Kind: rt.Kind, Addr: rt.Addr, RequireTLS: rt.RequireTLS}
	}
	return dc
}

// primaryDomain is the company's primary mail domain.
func (r *Relay) primaryDomain() string {
	var d string
	r.store.Read(func(rd *store.Reader) error {
		ds, err := rd.Domains()
		for _, x := range ds {
			if x.Primary || d == "" {
				d = x.Name
			}
		}
		return err
	})
	if d == "" {
		d = r.cfg.Hostname
	}
	return d
}

// langOf is a member's language for the mail the system writes to them.
func (r *Relay) langOf(a model.Address) string {
	lang := ""
	r.store.Read(func(rd *store.Reader) error {
		if m, err := rd.Resolve(a); err == nil {
			lang = memberLang(m)
		}
		return nil
	})
	return lang
}

// memberLang is the language the system writes to a member in: their
// setting, else Chinese (the company's own people read Chinese first).
func memberLang(m *model.Member) string {
	if m.Prefs.Lang == "" {
		return "zh-CN"
	}
	return m.Prefs.Lang
}

// localMailbox says whether an address is ours and which mailbox it reaches.
func (r *Relay) localMailbox(a model.Address) (model.Address, bool) {
	var mb model.Address
	var ok bool
	r.store.Read(func(rd *store.Reader) error {
		if !rd.IsLocal(a.Domain()) {
			return nil
		}
		pol, err := rd.ReadOnlyMailPolicy()
		if err != nil {
			return err
		}
		res, err := model.ResolveRecipients(rd, pol, []model.Address{a})
		if err != nil || len(res.Local) == 0 {
			return err
		}
		mb, ok = res.Local[0].Address, true
		return nil
	})
	return mb, ok
}

// server makes a go-smtp server for one door with the configured limits.
func (r *Relay) server(d door) *smtp.Server {
	l := r.cfg.Limits
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return r.newSession(d, c) }))
	srv.Domain = r.cfg.Hostname
	srv.MaxMessageBytes = l.MaxMessageBytes
	srv.MaxRecipients = l.MaxRecipients + 1 // the session answers the 101st itself, in words
	srv.MaxLineLength = l.MaxLineLength
	srv.ReadTimeout = l.CommandTimeout.D()
	srv.WriteTimeout = time.Minute
	srv.EnableSMTPUTF8 = true
	srv.TLSConfig = r.tls
	srv.AllowInsecureAuth = true // the session decides: TLS, or loopback when configured
	srv.ErrorLog = r.log
	r.mu.Lock()
	r.servers = append(r.servers, srv)
	r.mu.Unlock()
	return srv
}

// ServeInbound runs the MX door (no AUTH, local domains only) on l.
func (r *Relay) ServeInbound(l net.Listener) error {
	return r.server(doorInbound).Serve(newCapListener(l, r.cfg.Limits.MaxConns, r.cfg.Limits.MaxConnsPerIP, r.cfg.Limits.SessionLifetime.D()))
}

// ServeSubmission runs the submission door (AUTH, after STARTTLS) on l.
func (r *Relay) ServeSubmission(l net.Listener) error {
	return r.server(doorSubmission).Serve(newCapListener(l, r.cfg.Limits.MaxConns, r.cfg.Limits.MaxConnsPerIP, r.cfg.Limits.SessionLifetime.D()))
}

// Run delivers queued mail, sweeps lapsed holds and mails the people a
// request involves at each of its steps (requestnotice.go), until ctx ends.
func (r *Relay) Run(ctx context.Context) {
	events, stop := r.store.Subscribe()
	defer stop()
	go r.runSweeper(ctx)
	notices := make(chan struct{})
	go func() { r.runRequestNotices(ctx, events); close(notices) }()
	notifyEvents, stopNotify := r.store.Subscribe()
	defer stopNotify()
	jobs := make(chan struct{})
	go func() { r.runNotifyJobs(ctx, notifyEvents); close(jobs) }()
	confirmEvents, stopConfirm := r.store.Subscribe()
	defer stopConfirm()
	confirms := make(chan struct{})
	go func() { r.runListConfirmations(ctx, confirmEvents); close(confirms) }()
	r.del.Run(ctx)
	<-notices
	<-jobs
	<-confirms
}

// Kick wakes the delivery workers (after a release or a retry).
func (r *Relay) Kick() { r.del.Kick() }

// Shutdown stops the listeners, waiting for sessions until ctx ends.
func (r *Relay) Shutdown(ctx context.Context) {
	r.mu.Lock()
	servers := r.servers
	r.mu.Unlock()
	for _, s := range servers {
		s.Shutdown(ctx)
	}
}

func (r *Relay) sshPort() string {
	_, p, err := net.SplitHostPort(r.sshAddr)
	if err != nil || p == "" {
		return "2222"
	}
	return p
}

// isLocal reports whether a domain is one of the company's.
func (r *Relay) isLocal(domain string) bool {
	var ok bool
	r.store.Read(func(rd *store.Reader) error { ok = rd.IsLocal(domain); return nil })
	return ok
}

// senderAllowed is the sender binding of SEND-1, checked at MAIL FROM.
func (r *Relay) senderAllowed(m *model.Member, p Path) error {
	from := model.Address(strings.ToLower(p.Local) + "@" + p.Domain)
	return r.store.Read(func(rd *store.Reader) error {
		pol, err := rd.ReadOnlyMailPolicy()
		if err != nil {
			return err
		}
		dec, err := model.DecideSubmission(rd, pol, model.Submission{Sender: m, MailFrom: from, Rcpts: &model.Resolution{}, Now: r.now()})
		if err != nil {
			return err
		}
		for _, h := range dec.Hits {
			if h.Rule == model.RuleSenderBinding && h.Action == model.ActionRefuse {
				return h.Reason
			}
		}
		return nil
	})
}

// localRcptAllowed checks one local recipient at RCPT: it must exist (or
// the policy sends unknown addresses to the catch-all), and mail from
// outside must pass the block lists for it.
func (r *Relay) localRcptAllowed(p Path, from string, outside bool) error {
	addr, err := model.ParseAddress(p.Local + "@" + p.Domain)
	var refusal error
	rerr := r.store.Read(func(rd *store.Reader) error {
		pol, err2 := rd.ReadOnlyMailPolicy()
		if err2 != nil {
			return err2
		}
		if err != nil {
			if pol.UnknownLocal == model.UnknownCatchAll {
				return nil
			}
			refusal = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: fmt.Sprintf("No such mailbox: %s", p)}
			return nil
		}
		res, err2 := model.ResolveRecipients(rd, pol, []model.Address{addr})
		if err2 != nil {
			return err2
		}
		if len(res.Unknown) > 0 {
			refusal = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: fmt.Sprintf("No such mailbox: %s", addr)}
			return nil
		}
		if outside && from != "" && len(res.Local) == 1 && len(res.Groups) == 0 {
			sender := model.Address(strings.ToLower(from))
			dec, err2 := model.InboundCheck(rd, pol, sender, res.Local[0])
			if err2 != nil {
				return err2
			}
			if dec.Action == model.ActionRefuse {
				refusal = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: model.Localize(dec.Reason, "en")}
			}
		}
		return nil
	})
	if rerr != nil {
		return rerr
	}
	return refusal
}

// errTemp is the reply when the server, not the client, failed.
var errTemp = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary server error; try again later"}

// errSpoolFull is the reply when the spool may not grow.
var errSpoolFull = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 3, 1}, Message: "Mail system storage full; try again later"}

func (r *Relay) tempFail(what string, err error) error {
	if errors.Is(err, store.ErrSpoolFull) {
		r.log.Printf("%s: %v", what, err)
		return errSpoolFull
	}
	r.log.Printf("%s: %v", what, err)
	return errTemp
}
