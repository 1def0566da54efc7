package mail

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-message/textproto"
	"github.com/emersion/go-smtp"

	"postroom/model"
	"postroom/store"
)

// Mailing lists for outside subscribers (LIST-2): the list's addresses at
// the relay.
//
//	LOCAL@DOMAIN                 a post: only from the list's senders,
//	                             through submission (AUTH); it goes to
//	                             every subscribed address
//	LOCAL+subscribe@DOMAIN       asks to subscribe the envelope sender: it
//	                             becomes unconfirmed and gets a
//	                             confirmation mail from
//	LOCAL+confirm-TOKEN@DOMAIN   mail to it (a reply) confirms: TOKEN is an
//	                             HMAC-SHA256 (the spool's reply key, 128
//	                             bits shown) of the list, the address and
//	                             the moment of the request, so it cannot be
//	                             guessed, and the store keeps which
//	                             request it was made for
//	LOCAL+unsubscribe-KEY@DOMAIN unsubscribes the subscriber whose key
//	                             it is, whoever sends it: each list copy
//	                             names its subscriber's in List-Unsubscribe
//	                             (RFC 2369, mailto)
//	LOCAL+unsubscribe@DOMAIN     sends the envelope sender, when it is on
//	                             the list, a mail whose reply address is
//	                             its unsubscribe-KEY address (a forged
//	                             sender unsubscribes nobody)
//	LOCAL+bounces-KEY@DOMAIN     the envelope sender of the copies to the
//	                             subscriber whose key it is (VERP): a
//	                             delivery report that comes back to it is
//	                             that subscriber's bounce (model/listbounce.go)
//	LOCAL+bounces@DOMAIN         reports about copies without a key
//
// A subscribe, confirm or unsubscribe request is the transaction's only
// recipient, needs a sender (not <>) and is refused when it says a program
// sent it (Auto-Submitted): an out-of-office answer subscribes nobody. Its
// change is made through the write path as postroom itself, door smtp,
// with the sending address and IP in the operation log.

// listRcpt is what a transaction to one of a list's addresses does.
type listRcpt struct {
	list  *model.MailingList
	tag   string // "" for a post, else a model.ListTag*
	token string
}

// listToken makes the confirmation token of a subscribe request.
func listToken(key []byte, list model.Address, addr string, at time.Time) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "list-confirm/%s/%s/%d", list, strings.ToLower(addr), at.UnixNano())
	return hex.EncodeToString(m.Sum(nil)[:model.ListTokenLen/2])
}

// mailingListAt finds the list a local recipient is addressed to: the
// list itself (tag "") or one of its tagged addresses. ok is false for
// every other address (one read, no allocation for addresses without '+'
// that are not lists).
func (r *Relay) mailingListAt(p Path) (lr *listRcpt, ok bool, err error) {
	local, tag, token := p.Local, "", ""
	if strings.IndexByte(p.Local, '+') > 0 {
		var tagged bool
		if local, tag, token, tagged = model.ListTagOf(p.Local); !tagged {
			return nil, false, nil
		}
	}
	a, perr := model.ParseAddress(local + "@" + p.Domain)
	if perr != nil {
		return nil, false, nil
	}
	err = r.store.Read(func(rd *store.Reader) error {
		o, found, err := rd.Owner(a)
		if err != nil || !found || o.Kind != model.OwnerList {
			return err
		}
		l, err := rd.MailingList(a)
		if err != nil {
			return err
		}
		lr, ok = &listRcpt{list: l, tag: tag, token: token}, true
		return nil
	})
	return lr, ok, err
}

// rcptList takes a list's address at RCPT.
func (s *session) rcptList(lr *listRcpt) error {
	if len(s.rcpts) > 0 || s.listTo != nil {
		return s.reply(550, [3]int{5, 5, 3}, "Send mail to a mailing list's address (%s) alone, in a message of its own", lr.list.Address)
	}
	l := lr.list
	switch lr.tag {
	case "":
		if s.account == nil || !l.MayPost(s.account.Address) {
			return s.reply(550, [3]int{5, 7, 1}, "Only the senders of the mailing list %s may post to it, logged in through submission; an admin names them (list sender add %s ADDR)", l.Address, l.Address)
		}
	case model.ListTagBounces:
		if s.from != "" {
			return s.reply(550, [3]int{5, 7, 1}, "%s takes only delivery reports (from <>); to leave the list write to %s", model.ListTagAddress(l.Address, model.ListTagBounces), model.ListTagAddress(l.Address, model.ListTagUnsubscribe))
		}
	case model.ListTagUnsubscribe:
		if s.from == "" && lr.token == "" {
			return s.reply(550, [3]int{5, 7, 1}, "A subscription request needs a sender address: mail from the address to subscribe or unsubscribe")
		}
	default:
		if s.from == "" {
			return s.reply(550, [3]int{5, 7, 1}, "A subscription request needs a sender address: mail from the address to subscribe or unsubscribe")
		}
	}
	s.listTo = lr
	return nil
}

// acceptList handles the DATA of a transaction to a list's address.
func (r *Relay) acceptList(s *session, body []byte) error {
	lr := s.listTo
	if lr.tag == "" {
		return r.acceptListPost(s, body)
	}
	if lr.tag == model.ListTagBounces {
		return r.acceptListBounce(s, body)
	}
	if autoSubmitted(body) {
		return s.reply(550, [3]int{5, 7, 1}, "An automatic reply does not change a subscription to %s", lr.list.Address)
	}
	who := s.fromPath.String()
	act := model.System(model.DoorSMTP)
	act.Name, act.Source = "postroom (mail from "+who+")", s.source()
	list := lr.list
	switch lr.tag {
	case model.ListTagSubscribe:
		key, err := r.spool.ReplyKey()
		if err != nil {
			return r.tempFail("list token key", err)
		}
		now := r.now()
		ch := &model.RequestSubscription{List: list.Address, Address: who, Token: listToken(key, list.Address, who, now)}
		if err := r.store.Apply(act, ch); err != nil {
			return r.listRefusal(s, err)
		}
		switch ch.Outcome {
		case model.SubscribeAlready:
			return listOK(s, "%s is already subscribed to %s", who, list.Address)
		case model.SubscribeWaiting:
			return listOK(s, "A confirmation was sent to %s less than an hour ago: reply to it to subscribe to %s", who, list.Address)
		}
		addr, _ := model.ParseContactEmail(who)
		if err := r.sendListMail(listMailConfirm, list, addr, ch.Token); err != nil {
			r.log.Printf("list %s: confirmation to %s: %v", list.Address, addr, err)
		}
		return listOK(s, "Confirmation sent to %s: reply to it to subscribe to %s", who, list.Address)
	case model.ListTagConfirm:
		ch := &model.ConfirmSubscription{Token: lr.token}
		if err := r.store.Apply(act, ch); err != nil {
			return r.listRefusal(s, err)
		}
		if err := r.sendListMail(listMailWelcome, list, ch.Subscriber.Address, ch.Subscriber.Key); err != nil {
			r.log.Printf("list %s: welcome to %s: %v", list.Address, ch.Subscriber.Address, err)
		}
		return listOK(s, "%s is subscribed to %s", ch.Subscriber.Address, list.Address)
	case model.ListTagUnsubscribe:
		if lr.token != "" {
			ch := &model.Unsubscribe{List: list.Address, Key: lr.token, ByMail: true}
			if err := r.store.Apply(act, ch); err != nil {
				return r.listRefusal(s, err)
			}
			return listOK(s, "Unsubscribed from %s: no more mail from the list goes to this subscriber", list.Address)
		}
		ch := &model.RequestUnsubscribe{List: list.Address, Address: who}
		if err := r.store.Apply(act, ch); err != nil {
			return r.listRefusal(s, err)
		}
		if ch.Outcome == model.UnsubscribeMailed {
			addr, _ := model.ParseContactEmail(who)
			if err := r.sendListMail(listMailUnsubscribe, list, addr, ch.Key); err != nil {
				return r.tempFail("mail the unsubscribe confirmation", err)
			}
		}
		// The same answer whether or not the address is on the list.
		return listOK(s, "If %s is subscribed to %s, a mail went to it: reply to it to leave the list", who, list.Address)
	}
	return s.reply(550, [3]int{5, 1, 1}, "No such address")
}

func listOK(s *session, format string, args ...any) error {
	return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0}, Message: cleanReply(fmt.Sprintf(format, args...), s.utf8)}
}

// listRefusal answers a change the store refused: the person's mistake as
// 550 with the reason, the server's trouble as 451.
func (r *Relay) listRefusal(s *session, err error) error {
	if !model.IsUserError(err) {
		return r.tempFail("mailing list", err)
	}
	return s.reply(550, [3]int{5, 7, 1}, "%s", model.Localize(err, "en"))
}

// acceptListBounce takes a message to a list's bounces address: a hard
// bounce is counted in the day's statistics and, when the address carries
// a subscriber's key, against that subscriber (RecordBounces); a delayed
// report or an automatic reply only gets its 250.
func (r *Relay) acceptListBounce(s *session, body []byte) error {
	lr := s.listTo
	kind := model.ClassifyBounce(body)
	if kind != model.BounceHard {
		return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0}, Message: "Report taken for the list " + string(lr.list.Address) + ": not a failure"}
	}
	if err := r.store.CountListDay(lr.list.Address, model.ListDay{Day: model.DayOf(r.now()), Bounced: 1}); err != nil {
		return r.tempFail("count a bounce", err)
	}
	if lr.token != "" {
		known := false
		if err := r.store.Read(func(rd *store.Reader) error {
			sub, ok, err := rd.SubscriberByKey(lr.token)
			known = ok && sub.List == lr.list.Address && sub.Status == model.SubSubscribed
			return err
		}); err != nil {
			return r.tempFail("find a bounce's subscriber", err)
		}
		if known {
			act := model.System(model.DoorSMTP)
			act.Name, act.Source = "postroom (delivery report)", s.source()
			if err := r.store.Apply(act, &model.RecordBounces{List: lr.list.Address, Keys: []string{lr.token}, Why: "a delivery report"}); err != nil {
				return r.tempFail("count a bounce", err)
			}
		}
	}
	return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0}, Message: "Delivery report counted for the list " + string(lr.list.Address)}
}

// acceptListPost queues a post to every subscribed address: one spool
// message with a recipient per address (as a group's fan-out) and the
// list headers; each copy gets its subscriber's envelope sender and
// List-Unsubscribe when it is delivered (listCopy).
func (r *Relay) acceptListPost(s *session, body []byte) error {
	now := r.now()
	hdr, _ := ParseHeader(body)
	l := s.listTo.list
	var rcpts []store.QueueRcpt
	var locals []model.Address
	err := r.store.Read(func(rd *store.Reader) error {
		cur, err := rd.MailingList(l.Address)
		if err != nil {
			return err
		}
		l = cur
		rcpts = make([]store.QueueRcpt, 0, l.Counts.Subscribed)
		if err := rd.SubscribedAddresses(l.Address, func(a string) error {
			if at := strings.LastIndexByte(a, '@'); at > 0 && rd.IsLocal(a[at+1:]) {
				locals = append(locals, model.Address(a))
				return nil
			}
			rcpts = append(rcpts, store.QueueRcpt{Addr: model.Address(a), Status: store.RcptPending})
			return nil
		}); err != nil {
			return err
		}
		if len(locals) == 0 {
			return nil
		}
		pol, err := rd.ReadOnlyMailPolicy()
		if err != nil {
			return err
		}
		res, err := model.ResolveRecipients(rd, pol, locals)
		if err != nil {
			return err
		}
		for _, mb := range res.Local {
			rcpts = append(rcpts, store.QueueRcpt{Addr: mb.Address, Local: true, Folder: mb.Folder, Status: store.RcptPending})
		}
		return nil
	})
	if err != nil {
		if model.IsUserError(err) {
			return r.listRefusal(s, err)
		}
		return r.tempFail("read a mailing list", err)
	}
	if len(rcpts) == 0 {
		return s.reply(554, [3]int{5, 5, 0}, "The mailing list %s has no subscribed addresses yet; nothing was sent", l.Address)
	}
	m := &store.QueueMessage{
		ID:         r.spool.NewID(),
		Received:   now,
		Door:       string(s.door),
		Source:     s.source(),
		Account:    s.account.Address,
		From:       model.ListTagAddress(l.Address, model.ListTagBounces),
		HeaderFrom: string(hdr.From),
		Subject:    hdr.Subject,
		Expires:    now.Add(r.cfg.Queue.Lifetime.D()),
		Direction:  "out",
		Status:     store.MsgQueued,
		List:       l.Address,
	}
	body = AddListHeaders(body, l)
	body = AddTraceHeaders(body, r.received(s, m.ID, now))
	if err := r.spool.Enqueue(m, rcpts, body); err != nil {
		return r.tempFail("queue a list post", err)
	}
	if err := r.store.CountListDay(l.Address, model.ListDay{Day: model.DayOf(now), Posts: 1}); err != nil {
		r.log.Printf("list %s: count a post: %v", l.Address, err)
	}
	r.del.Offer(m, rcpts, body)
	return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0},
		Message: fmt.Sprintf("OK: queued as %s for %d subscribers of %s", m.ID, len(rcpts), l.Address)}
}

// AddListHeaders gives a list post the list header fields all its copies
// share: List-Id (RFC 2919: the list's name and LOCAL.DOMAIN), List-Post:
// NO (subscribers cannot post), Precedence: bulk. Fields of those names,
// and List-Unsubscribe and List-Unsubscribe-Post, that the post already
// had are taken out (listCopy gives each copy its own List-Unsubscribe);
// the rest of the message is kept byte for byte.
func AddListHeaders(body []byte, l *model.MailingList) []byte {
	fields := foldField("List-Id", encodeHeaderText(l.Name)+" <"+l.Address.Local()+"."+l.Address.Domain()+">") +
		"List-Post: NO\r\nPrecedence: bulk\r\n"
	end := headerLength(body)
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(body[:end])))
	if err != nil {
		return append([]byte(fields), body...)
	}
	for _, k := range []string{"List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Post", "Precedence"} {
		h.Del(k)
	}
	var out bytes.Buffer
	out.Grow(len(body) + len(fields))
	out.WriteString(fields)
	if err := textproto.WriteHeader(&out, h); err != nil {
		return append([]byte(fields), body...)
	}
	out.Write(body[end:])
	return out.Bytes()
}

// listCopy is the copy of a list post for one subscriber: the envelope
// sender LOCAL+bounces-KEY@DOMAIN and, first in the header, its
// List-Unsubscribe (RFC 2369, mailto) LOCAL+unsubscribe-KEY@DOMAIN. A
// recipient without a key (one that left since the post was queued, a
// local mailbox reached through an alias) gets the list's plain bounces
// and unsubscribe addresses.
func listCopy(list model.Address, key string, body []byte) (from string, out []byte) {
	bounces, unsub := model.ListTagBounces, model.ListTagUnsubscribe
	if key != "" {
		bounces, unsub = bounces+"-"+key, unsub+"-"+key
	}
	field := foldField("List-Unsubscribe", "<mailto:"+model.ListTagAddress(list, unsub)+"?subject=unsubscribe>")
	out = make([]byte, 0, len(field)+len(body))
	out = append(append(out, field...), body...)
	return model.ListTagAddress(list, bounces), out
}

// The mails a list writes to a subscriber (assets/mail/KIND.LANG.tmpl).
const (
	listMailConfirm     = "list-confirm"
	listMailWelcome     = "list-welcome"
	listMailUnsubscribe = "list-unsubscribe"
	listMailInvite      = "list-invite" // list-confirm for an address an import gave
)

// listMailData is what the list mails say.
type listMailData struct {
	List        model.Address
	Name        string
	Address     string // the subscriber
	Confirm     string // the confirmation address (list-confirm)
	Unsubscribe string
	Subscribe   string
	Hostname    string
}

// sendListMail queues a confirmation, welcome or leave-confirmation mail
// to an outside address. Its language is not known, so it is written in
// Chinese and English, one after the other. token is the confirmation
// token (list-confirm) or the subscriber's key (the others, "" when
// unknown). The From and Reply-To of a confirmation are the confirmation
// address, of a leave-confirmation the subscriber's unsubscribe-KEY
// address, so a plain reply does it; the welcome names the latter as the
// way to leave.
func (r *Relay) sendListMail(kind string, l *model.MailingList, to string, token string) error {
	return r.queueListMail(kind, l, to, token, nil)
}

// sendListMailOnce is sendListMail for a mail queued once whatever
// happens: a second call with the same kind, list, address and token
// queues nothing. The spool's marker names the token by a hash of it, so
// the spool holds no token that confirms.
func (r *Relay) sendListMailOnce(kind string, l *model.MailingList, to string, token string) error {
	h := sha256.Sum256([]byte(token))
	return r.queueListMail(kind, l, to, token, []string{kind + "/" + string(l.Address) + "/" + to + "/" + hex.EncodeToString(h[:8])})
}

func (r *Relay) queueListMail(kind string, l *model.MailingList, to string, token string, once []string) error {
	d := listMailData{List: l.Address, Name: singleLine(l.Name), Address: to, Hostname: r.cfg.Hostname,
		Unsubscribe: model.ListTagAddress(l.Address, model.ListTagUnsubscribe), Subscribe: model.ListTagAddress(l.Address, model.ListTagSubscribe)}
	from, reply := l.Address, model.Address("")
	switch {
	case token == "":
	case kind == listMailConfirm || kind == listMailInvite:
		d.Confirm = model.ListTagAddress(l.Address, model.ListTagConfirm+"-"+token)
		from, reply = model.Address(d.Confirm), model.Address(d.Confirm)
	default:
		d.Unsubscribe = model.ListTagAddress(l.Address, model.ListTagUnsubscribe+"-"+token)
		if kind == listMailUnsubscribe {
			from, reply = model.Address(d.Unsubscribe), model.Address(d.Unsubscribe)
		}
	}
	zhSubject, zhText, err := renderMail(kind, "zh-CN", d)
	if err != nil {
		return err
	}
	enSubject, enText, err := renderMail(kind, "en", d)
	if err != nil {
		return err
	}
	subject := zhSubject + " / " + enSubject
	text := zhText + "\r\n----------\r\n\r\n" + enText
	msg := composeNotice(kind, "zh-CN", l.Name, from, "", model.Address(to), reply, r.now(), r.cfg.Hostname, subject, text)
	_, _, err = r.del.enqueueSystemOnce(once, model.Address(to), from, subject, msg)
	return err
}

// countListDelivery adds a round's results for a list post to the list's
// statistics of the day: copies delivered, and copies that failed for good
// (bounces). Those whose failure is the recipient's own (its server
// refused it, or kept refusing it until the queue's lifetime ended) are
// hard bounces of their subscribers too (RecordBounces), like a delivery
// report that comes back later; a copy the queue gave up on because the
// way out failed (no smarthost, a hop unreachable for days) is not held
// against its subscriber. results[i] is the result of rcpts[i].
func countListDelivery(st *store.Store, m *store.QueueMessage, rcpts []store.QueueRcpt, results []store.RcptResult, now time.Time) error {
	var d model.ListDay
	var failed []string
	for i, x := range results {
		switch {
		case x.Delivered:
			d.Delivered++
		case x.Permanent:
			d.Bounced++
			if i < len(rcpts) && x.AboutRecipient {
				failed = append(failed, string(rcpts[i].Addr))
			}
		}
	}
	if d.Delivered == 0 && d.Bounced == 0 {
		return nil
	}
	d.Day = model.DayOf(now)
	if len(failed) > 0 {
		act := model.System(model.DoorSMTP)
		act.Name = "postroom (delivery of " + m.ID + ")"
		err := st.Apply(act, &model.RecordBounces{List: m.List, Addresses: failed, Why: "copies of " + m.ID + " the queue gave up on"})
		if err != nil && !model.IsUserError(err) { // a user error: the list was deleted meanwhile
			return err
		}
	}
	return st.CountListDay(m.List, d)
}

// confirmChunk is how many pending confirmations one read takes, and
// confirmWorkers how many of them are queued at once.
const (
	confirmChunk   = 200
	confirmWorkers = 8
)

// runListConfirmations mails the confirmations an import queued: when an
// import commits (a "listconfirm" event) and once a minute, so those
// queued while serve was not running go out once it runs.
func (r *Relay) runListConfirmations(ctx context.Context, events <-chan Event) {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	r.ListConfirmationPass()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			if ev.Kind == "listconfirm" {
				r.ListConfirmationPass()
			}
		case <-t.C:
			r.ListConfirmationPass()
		}
	}
}

// ListConfirmationPass queues every pending confirmation mail (LIST-2
// imports without --confirmed), a chunk at a time: the chunk's mails are
// queued by a few goroutines at once (the spool commits them together),
// each only once whatever happens (Spool.EnqueueOnce, keyed by its token),
// and the chunk is then taken off the pending ones in one write. A crash
// in between leaves them pending; the next pass finds them queued already
// and only takes them off.
func (r *Relay) ListConfirmationPass() {
	r.confirmMu.Lock()
	defer r.confirmMu.Unlock()
	lists := map[model.Address]*model.MailingList{}
	for {
		due, err := r.store.PendingConfirmations(confirmChunk)
		if err != nil {
			r.log.Printf("list confirmations: %v", err)
			return
		}
		if len(due) == 0 {
			return
		}
		for _, p := range due {
			if _, ok := lists[p.List]; ok || p.Token == "" {
				continue
			}
			var l *model.MailingList
			if err := r.store.Read(func(rd *store.Reader) error {
				var err error
				l, err = rd.MailingList(p.List)
				return err
			}); err != nil && !model.IsUserError(err) {
				r.log.Printf("list confirmations: %v", err)
				return
			}
			lists[p.List] = l // nil: the list is gone, nothing to send
		}
		next := make(chan PendingConfirmation)
		var failed atomic.Bool
		var wg sync.WaitGroup
		for range confirmWorkers {
			wg.Go(func() {
				for p := range next {
					l := lists[p.List]
					if p.Token == "" || l == nil || failed.Load() {
						continue
					}
					if err := r.sendListMailOnce(listMailInvite, l, p.Address, p.Token); err != nil {
						r.log.Printf("list %s: confirmation to %s: %v", p.List, p.Address, err)
						failed.Store(true)
					}
				}
			})
		}
		for _, p := range due {
			next <- p
		}
		close(next)
		wg.Wait()
		if failed.Load() {
			return // the chunk stays pending; the next pass goes on
		}
		if err := r.store.ConfirmationsSent(due); err != nil {
			r.log.Printf("list confirmations: %v", err)
			return
		}
	}
}

// PendingConfirmation is store.PendingConfirmation.
type PendingConfirmation = store.PendingConfirmation
