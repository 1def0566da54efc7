package cmd

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// withSpool runs fn on the mail spool: the server's (Env.Spool), or, for
// the local CLI while serve is not running, DIR/spool.db opened for this
// command alone.
func (e *Env) withSpool(fn func(sp *store.Spool) error) error {
	if e.Spool != nil {
		return fn(e.Spool)
	}
	if e.DataDir == "" {
		return errors.New("the mail queue is not open in this server; the relay has not started")
	}
	path := filepath.Join(e.DataDir, store.SpoolFile)
	opt := store.SpoolOptions{}
	if e.Store != nil {
		opt.Now = e.Store.Now
	}
	sp, err := store.OpenSpool(path, opt)
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("%s is in use by a running postroom serve; run the command through it: ssh -p PORT YOU@HOST queue list: %w", path, err)
	}
	if err != nil {
		return err
	}
	defer sp.Close()
	return fn(sp)
}

// kick wakes the delivery workers, when there are any.
func (e *Env) kick() {
	if e.Kick != nil {
		e.Kick()
	}
}

// notify tells the sender of a held message what became of it.
func (e *Env) notify(ev string, m *store.QueueMessage, by model.Address, comment string) {
	if e.Notify != nil {
		e.Notify(ev, m, by, comment)
	}
}

// say prints a line in the person's language: en or zh, with the same args.
func (e *Env) say(en, zh string, args ...any) {
	if assets.IsChinese(e.Lang) {
		en = zh
	}
	fmt.Fprintf(e.Stdout, en+"\n", args...)
}

// can reports whether the actor holds a right over the whole company.
func (e *Env) can(right model.Right) bool {
	ok := false
	e.Store.Read(func(r *store.Reader) error {
		ok = model.Can(e.Actor, right, nil, r)
		return nil
	})
	return ok
}

// refuse is the refusal for a right the actor lacks.
func (e *Env) refuse(right model.Right) error {
	return e.Store.Read(func(r *store.Reader) error { return e.authorize(r, right, nil) })
}

// mayReadQueue: the queue is read by those who manage it and by those who
// read the mail log (auditors).
func (e *Env) mayReadQueue() bool {
	return e.can(model.RightQueueManage) || e.can(model.RightMailLogRead)
}

// QueueItem is a queued message as queue list prints it: the fields of
// DESIGN.md's automation surface (id, from, to, status, attempts,
// next_attempt) and more.
type QueueItem struct {
	ID          string              `json:"id"`
	From        string              `json:"from"`
	To          []string            `json:"to"`    // the first recipients
	Count       int                 `json:"count"` // recipients in all
	Status      store.MessageStatus `json:"status"`
	Attempts    int                 `json:"attempts"`
	NextAttempt *time.Time          `json:"next_attempt"` // null: nothing due
	Subject     string              `json:"subject"`
	Received    time.Time           `json:"received"`
	Reasons     []string            `json:"reasons"`
	Approver    model.Address       `json:"approver,omitempty"`
	Account     model.Address       `json:"account,omitempty"`
	Direction   string              `json:"direction,omitempty"`
	Pending     int                 `json:"pending"`
	Delivered   int                 `json:"delivered"`
	Failed      int                 `json:"failed"`
	Size        int64               `json:"size"`
	Expires     time.Time           `json:"expires"`
	LastError   string              `json:"last_error,omitempty"`
	DecidedBy   model.Address       `json:"decided_by,omitempty"`
}

// queueListTo is how many recipients a queue list line names.
const queueListTo = 5

func queueItem(sp *store.Spool, m *store.QueueMessage) (QueueItem, error) {
	it := QueueItem{ID: m.ID, From: m.From, To: []string{}, Count: m.Rcpts, Status: m.Status, Attempts: m.Attempts,
		Subject: m.Subject, Received: m.Received, Reasons: m.Reasons, Approver: m.Approver, Account: m.Account,
		Direction: m.Direction, Pending: m.Pending, Delivered: m.Delivered, Failed: m.Failed, Size: m.Size,
		Expires: m.Expires, LastError: m.LastError, DecidedBy: m.DecidedBy}
	if it.Reasons == nil {
		it.Reasons = []string{}
	}
	if !m.NextAttempt.IsZero() {
		t := m.NextAttempt
		it.NextAttempt = &t
	}
	rs, err := sp.RcptRange(m.ID, 0, queueListTo)
	if err != nil {
		return it, err
	}
	for _, r := range rs {
		it.To = append(it.To, string(r.Addr))
	}
	return it, nil
}

// toText is a recipient list in a table cell: the first, and how many more.
func toText(to []string, count int) string {
	if len(to) == 0 {
		return ""
	}
	if count > 1 {
		return fmt.Sprintf("%s +%d", to[0], count-1)
	}
	return to[0]
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

// parseStatus reads --status: a message status, "all", or "" (the queue:
// queued and held).
func parseStatus(s string) (store.MessageStatus, bool, error) {
	switch st := store.MessageStatus(s); st {
	case "":
		return "", true, nil
	case "all":
		return "", false, nil
	case store.MsgQueued, store.MsgHeld, store.MsgDone, store.MsgBounced, store.MsgRejected, store.MsgDropped:
		return st, false, nil
	}
	return "", false, model.Invalidf("--status %q: use queued, held, done, bounced, rejected, dropped or all", s)
}

func queueCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "queue", Short: "the mail queue: list, show, retry, release, reject, drop"}
	c.AddCommand(queueListCmd(env), queueShowCmd(env), queueRetryCmd(env), queueReleaseCmd(env), queueRejectCmd(env), queueDropCmd(env))
	return c
}

// ownMessages is what a person without queue rights sees in the queue: the
// messages they sent and those that wait for their decision, newest first.
func ownMessages(sp *store.Spool, f store.QueueFilter, me model.Address) ([]*store.QueueMessage, error) {
	f.Account = me
	sent, err := sp.List(f)
	if err != nil {
		return nil, err
	}
	f.Account, f.Approver = "", me
	waiting, err := sp.List(f)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []*store.QueueMessage
	for _, m := range append(sent, waiting...) {
		if !seen[m.ID] {
			seen[m.ID] = true
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b *store.QueueMessage) int { return strings.Compare(b.ID, a.ID) })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

func queueListCmd(env *Env) *cobra.Command {
	var status, account, approver string
	var limit int
	var asJSON bool
	c := &cobra.Command{
		Use:   "list [--status S] [--account ADDR] [--approver ADDR]",
		Short: "messages in the queue, newest first (queued and held unless --status says otherwise); members see their own with --account, approvers what waits for them with --approver",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			st, active, err := parseStatus(status)
			if err != nil {
				return err
			}
			f := store.QueueFilter{Status: st, Active: active, Limit: limit}
			if account != "" {
				if f.Account, err = addr(account); err != nil {
					return err
				}
			}
			if approver != "" {
				if f.Approver, err = addr(approver); err != nil {
					return err
				}
			}
			own := (f.Account != "" && f.Account == env.Actor.Address) || (f.Approver != "" && f.Approver == env.Actor.Address)
			mine := false // no filter from someone who may not read the whole queue: their own
			if !own && !env.mayReadQueue() {
				if f.Account != "" || f.Approver != "" {
					return env.refuse(model.RightQueueManage)
				}
				mine = true
			}
			return env.withSpool(func(sp *store.Spool) error {
				var ms []*store.QueueMessage
				var err error
				if mine {
					ms, err = ownMessages(sp, f, env.Actor.Address)
				} else {
					ms, err = sp.List(f)
				}
				if err != nil {
					return err
				}
				items := make([]QueueItem, 0, len(ms))
				for _, m := range ms {
					it, err := queueItem(sp, m)
					if err != nil {
						return err
					}
					items = append(items, it)
				}
				if asJSON {
					return env.printJSON(items)
				}
				var rows [][]string
				for _, it := range items {
					next := "-"
					if it.NextAttempt != nil {
						next = when(*it.NextAttempt)
					}
					rows = append(rows, []string{it.ID, when(it.Received), it.From, toText(it.To, it.Count), string(it.Status),
						fmt.Sprint(it.Attempts), next, it.Subject})
				}
				env.table([]string{"ID", "RECEIVED", "FROM", "TO", "STATUS", "ATTEMPTS", "NEXT", "SUBJECT"}, rows)
				return nil
			})
		},
	}
	c.Flags().StringVar(&status, "status", "", "queued, held, done, bounced, rejected, dropped, or all")
	c.Flags().StringVar(&account, "account", "", "only mail sent by this account (members may see their own)")
	c.Flags().StringVar(&approver, "approver", "", "only mail held for this approver (approvers may see theirs)")
	c.Flags().IntVar(&limit, "limit", 100, "at most this many (0: all)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// queueMessage loads a message the actor may see: those who read the
// queue see every one; a member sees the mail they sent and the mail held
// for them to decide.
func (e *Env) queueMessage(sp *store.Spool, id string) (*store.QueueMessage, error) {
	m, err := sp.Message(id)
	full := e.mayReadQueue()
	if err != nil {
		if !full && errors.Is(err, model.ErrNotFound) {
			return nil, e.refuse(model.RightQueueManage)
		}
		return nil, err
	}
	if !full && m.Account != e.Actor.Address && m.Approver != e.Actor.Address {
		return nil, e.refuse(model.RightQueueManage)
	}
	return m, nil
}

func queueShowCmd(env *Env) *cobra.Command {
	var limit int
	var asJSON bool
	c := &cobra.Command{
		Use:   "show ID",
		Short: "one message: its state, why it is held, and each recipient's state",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return env.withSpool(func(sp *store.Spool) error {
				m, err := env.queueMessage(sp, args[0])
				if err != nil {
					return err
				}
				rs, err := sp.RcptRange(m.ID, 0, limit)
				if err != nil {
					return err
				}
				if rs == nil {
					rs = []store.QueueRcpt{}
				}
				if asJSON {
					return env.printJSON(struct {
						*store.QueueMessage
						Recipients []store.QueueRcpt `json:"recipients"`
					}{m, rs})
				}
				rows := [][]string{
					{"id", m.ID}, {"status", string(m.Status)}, {"received", when(m.Received)}, {"door", m.Door},
					{"account", string(m.Account)}, {"from", m.From}, {"subject", m.Subject}, {"size", fmt.Sprint(m.Size)},
					{"recipients", fmt.Sprintf("%d (pending %d, delivered %d, failed %d)", m.Rcpts, m.Pending, m.Delivered, m.Failed)},
					{"attempts", fmt.Sprint(m.Attempts)}, {"next attempt", when(m.NextAttempt)}, {"expires", when(m.Expires)},
				}
				if m.Approver != "" {
					rows = append(rows, []string{"approver", string(m.Approver)})
				}
				if m.Decision != "" {
					rows = append(rows, []string{"decision", fmt.Sprintf("%s by %s at %s %s", m.Decision, m.DecidedBy, when(m.Decided), m.Comment)})
				}
				for _, r := range m.Reasons {
					rows = append(rows, []string{"reason", r})
				}
				if len(m.Rules) > 0 {
					rows = append(rows, []string{"rules", strings.Join(m.Rules, ", ")})
				}
				if m.LastError != "" {
					rows = append(rows, []string{"last error", m.LastError})
				}
				env.table([]string{"FIELD", "VALUE"}, rows)
				env.printf("\n")
				var rrows [][]string
				for _, r := range rs {
					rrows = append(rrows, []string{fmt.Sprint(r.Index), string(r.Addr), string(r.Status), fmt.Sprint(r.Attempts), when(r.NextAttempt), r.LastError})
				}
				env.table([]string{"#", "RECIPIENT", "STATUS", "ATTEMPTS", "NEXT", "LAST ERROR"}, rrows)
				if len(rs) < m.Rcpts {
					env.printf("(%d of %d recipients shown; --limit 0 shows all)\n", len(rs), m.Rcpts)
				}
				return nil
			})
		},
	}
	c.Flags().IntVar(&limit, "limit", 1000, "show at most this many recipients (0: all)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// decide authorises a decision on the queue, runs act on the spool, and
// writes the decision to the operation log.
func (e *Env) decide(d *store.QueueDecision, act func() error) error {
	if err := e.Store.Read(func(r *store.Reader) error { return d.Authorize(r, e.Actor) }); err != nil {
		return err
	}
	if err := act(); err != nil {
		return err
	}
	return e.apply(d)
}

func queueRetryCmd(env *Env) *cobra.Command {
	var all bool
	c := &cobra.Command{
		Use:   "retry ID | --all",
		Short: "try a queued message's waiting recipients again now (--all: every queued message)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if all == (len(args) == 1) {
				return model.Invalidf("name one message ID, or --all")
			}
			return env.withSpool(func(sp *store.Spool) error {
				if all {
					n := 0
					err := env.decide(&store.QueueDecision{Action: "retry", ID: "all"}, func() (err error) {
						n, err = sp.RetryAll(sp.Now())
						return err
					})
					if err != nil {
						return err
					}
					env.kick()
					env.say("%d waiting messages will be tried again now", "%d 封等待中的邮件将立即重试", n)
					return nil
				}
				m, err := sp.Message(args[0])
				if err != nil {
					if errors.Is(err, model.ErrNotFound) && !env.can(model.RightQueueManage) {
						return env.refuse(model.RightQueueManage)
					}
					return err
				}
				d := &store.QueueDecision{Action: "retry", ID: m.ID, From: m.From, Subject: m.Subject}
				if err := env.decide(d, func() error { return sp.Retry(m.ID, sp.Now()) }); err != nil {
					return err
				}
				env.kick()
				env.say("message %s will be tried again now", "邮件 %s 将立即重试", m.ID)
				return nil
			})
		},
	}
	c.Flags().BoolVar(&all, "all", false, "every queued message")
	return c
}

func queueReleaseCmd(env *Env) *cobra.Command {
	var comment string
	c := &cobra.Command{
		Use:   "release ID [--comment C]",
		Short: "send a held message (its approver, or whoever manages the queue); only once",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return env.withSpool(func(sp *store.Spool) error {
				m, err := env.queueMessage(sp, args[0])
				if err != nil {
					return err
				}
				d := &store.QueueDecision{Action: "release", ID: m.ID, Approver: m.Approver, From: m.From, Subject: m.Subject, Comment: comment}
				var out *store.QueueMessage
				err = env.decide(d, func() (err error) {
					out, err = sp.Release(m.ID, env.Actor.Address, sp.Now())
					return err
				})
				if err != nil {
					return err
				}
				env.kick()
				env.notify("released", out, env.Actor.Address, comment)
				env.say("message %s released: it goes out now", "邮件 %s 已放行，正在发送", out.ID)
				return nil
			})
		},
	}
	c.Flags().StringVar(&comment, "comment", "", "a note for the sender and the log")
	return c
}

func queueRejectCmd(env *Env) *cobra.Command {
	var comment string
	c := &cobra.Command{
		Use:   "reject ID --comment C",
		Short: "refuse a held message (its approver, or whoever manages the queue); the sender is told why",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if strings.TrimSpace(comment) == "" {
				return model.Invalidf("say why with --comment; the sender reads it")
			}
			return env.withSpool(func(sp *store.Spool) error {
				m, err := env.queueMessage(sp, args[0])
				if err != nil {
					return err
				}
				d := &store.QueueDecision{Action: "reject", ID: m.ID, Approver: m.Approver, From: m.From, Subject: m.Subject, Comment: comment}
				var out *store.QueueMessage
				err = env.decide(d, func() (err error) {
					out, err = sp.Reject(m.ID, env.Actor.Address, comment, sp.Now())
					return err
				})
				if err != nil {
					return err
				}
				env.notify("rejected", out, env.Actor.Address, comment)
				env.say("message %s rejected; the sender is told why", "邮件 %s 已退回，发件人将收到原因", out.ID)
				return nil
			})
		},
	}
	c.Flags().StringVar(&comment, "comment", "", "why (required; the sender reads it)")
	return c
}

func queueDropCmd(env *Env) *cobra.Command {
	var reason string
	c := &cobra.Command{
		Use:   "drop ID [--reason R]",
		Short: "remove a message from the queue without delivering it (queue.manage); nobody is told",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := env.refuse(model.RightQueueManage); err != nil {
				return err
			}
			return env.withSpool(func(sp *store.Spool) error {
				m, err := sp.Message(args[0])
				if err != nil {
					return err
				}
				if m.Status.Finished() {
					return model.Conflictf("message %s is already %s; there is nothing to drop", m.ID, model.Word(m.Status))
				}
				why := "dropped by " + string(env.Actor.Address)
				if reason != "" {
					why += ": " + reason
				}
				d := &store.QueueDecision{Action: "drop", ID: m.ID, From: m.From, Subject: m.Subject, Comment: reason}
				if err := env.decide(d, func() error { return sp.Finish(m.ID, store.MsgDropped, why) }); err != nil {
					return err
				}
				env.say("message %s dropped", "邮件 %s 已删除", m.ID)
				return nil
			})
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why, for the log")
	return c
}
