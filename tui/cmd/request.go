package cmd

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// requestJSON is a request as request list and request show print it.
type requestJSON struct {
	ID        uint64     `json:"id"`
	Kind      string     `json:"kind"`
	Status    string     `json:"status"`
	Subject   string     `json:"subject"`
	Requester string     `json:"requester"`
	Filed     time.Time  `json:"filed"`
	Expires   time.Time  `json:"expires"`
	Done      *time.Time `json:"done,omitempty"`
	Reason    string     `json:"reason,omitempty"`
	Perm      string     `json:"perm,omitempty"`
	Perms     []string   `json:"perms,omitempty"`
	To        string     `json:"to,omitempty"`
	From      *time.Time `json:"from,omitempty"`
	Until     *time.Time `json:"until,omitempty"`
	Successor string     `json:"successor,omitempty"`
	Urgent    bool       `json:"urgent,omitempty"`
	// Password is a joiner's one-time password, only in the answer of the
	// approval that opened the account.
	Password string `json:"password,omitempty"`
	// Change says what applying the request changes, in words.
	Change string `json:"change"`
	// WithdrawnBy and WithdrawComment say who withdrew a withdrawn request
	// (at Done), and why.
	WithdrawnBy     string `json:"withdrawn_by,omitempty"`
	WithdrawComment string `json:"withdraw_comment,omitempty"`
	// Waiting says whose decision the request waits for; empty once decided.
	Waiting string     `json:"waiting,omitempty"`
	Steps   []stepJSON `json:"steps"`
	// A change request's class, stored operation and target, its readable
	// before and after as filed, and why it failed when it did (four-eyes).
	Class  string              `json:"class,omitempty"`
	Op     string              `json:"op,omitempty"`
	Target string              `json:"target,omitempty"`
	Diff   []model.FieldChange `json:"diff,omitempty"`
	Notes  []string            `json:"notes,omitempty"`
	Error  string              `json:"error,omitempty"`
	// Finished says whether everything the request set out to do is done:
	// applied, and for a leaver the mailbox handover too when one was
	// filed; for a handover, its mail copied (ACC-5).
	Finished bool `json:"finished"`
	// Handover is, on a leave request, the handover filed for it; Leave,
	// on a handover, its leave request; Handed what a handover copied.
	Handover uint64        `json:"handover,omitempty"`
	Leave    uint64        `json:"leave,omitempty"`
	Handed   *model.Handed `json:"handed,omitempty"`
}

// stepJSON is one step of a request's chain.
type stepJSON struct {
	Role     string     `json:"role"`
	Dept     string     `json:"dept,omitempty"`
	Approver string     `json:"approver"` // empty for IT's step: any admin
	Deputy   string     `json:"deputy,omitempty"`
	Decision string     `json:"decision"` // pending, approved or rejected
	By       string     `json:"by,omitempty"`
	Time     *time.Time `json:"time,omitempty"`
	Comment  string     `json:"comment,omitempty"`
}

func requestOut(r *store.Reader, q *model.Request, now time.Time) requestJSON {
	out := requestJSON{ID: q.ID, Kind: string(q.Kind), Status: string(q.StateAt(now)), Subject: string(q.Subject), Requester: string(q.Requester),
		Filed: q.Filed, Expires: q.Expires, Done: timePtr(q.Done), Reason: q.Reason, Perm: q.Perm, Perms: q.Perms, To: string(q.To),
		From: timePtr(q.From), Until: timePtr(q.Until), Successor: string(q.Successor), Urgent: q.Urgent, Change: describeChange(q),
		WithdrawnBy: string(q.WithdrawnBy), WithdrawComment: q.WithdrawComment,
		Finished: q.Finished(r, now), Handover: q.Handover, Leave: q.Leave, Handed: q.Handed}
	if ch := q.Change; ch != nil {
		out.Class, out.Op, out.Target, out.Diff, out.Notes, out.Error = string(ch.Class), ch.Op, ch.Target, ch.Diff, ch.Notes, ch.Error
	}
	if out.Status == string(model.RequestPending) {
		if i := q.Current(); i < len(q.Steps) {
			out.Waiting = fmt.Sprintf("step %d: %s", i+1, model.DescribeStep(r, q.Steps[i]))
		}
	}
	out.Steps = []stepJSON{}
	for _, s := range q.Steps {
		sj := stepJSON{Role: string(s.Role), Approver: string(s.Approver), Deputy: string(s.Deputy), Decision: string(s.Verdict),
			By: string(s.By), Time: timePtr(s.Time), Comment: s.Comment}
		if s.Dept != 0 {
			sj.Dept = r.DeptPath(s.Dept)
		}
		if sj.Decision == "" {
			sj.Decision = "pending"
		}
		out.Steps = append(out.Steps, sj)
	}
	return out
}

// describeChange says what a request changes when it is applied.
func describeChange(q *model.Request) string {
	window := ""
	if !q.From.IsZero() {
		window += " from " + q.From.Format(time.RFC3339)
	}
	if !q.Until.IsZero() {
		window += " until " + q.Until.Format(time.RFC3339)
	}
	switch q.Kind {
	case model.RequestGrant:
		if q.Perm == model.PermSubadmin {
			var rs []string
			for _, x := range q.SubRights {
				rs = append(rs, string(x))
			}
			return fmt.Sprintf("%s becomes a sub-admin over a department subtree, with the rights %s", q.Subject, strings.Join(rs, ", "))
		}
		if window == "" {
			window = " with no end"
		}
		return fmt.Sprintf("%s gets the permission %s%s", q.Subject, q.Perm, window)
	case model.RequestDelegate:
		what := "every permission"
		if len(q.Perms) > 0 {
			what = "the permissions " + strings.Join(q.Perms, ", ")
		}
		return fmt.Sprintf("%s may use %s of %s%s, or until %s is marked back", q.To, what, q.Subject, window, q.Subject)
	case model.RequestLeave:
		s := fmt.Sprintf("%s leaves: login blocked, new mail to %s, grants, roles, delegations and group memberships removed", q.Subject, q.Successor)
		if q.Urgent {
			s += " (dismissal: login blocked on filing)"
		}
		return s
	case model.RequestHandover:
		return fmt.Sprintf("the mail of the leaver %s (inbox and folders) is copied into a folder of %s's mailbox", q.Subject, q.Successor)
	case model.RequestReset:
		return fmt.Sprintf("%s gets a one-time password for IT to hand over, to be changed at the next login", q.Subject)
	case model.RequestUnblock:
		return fmt.Sprintf("the mailbox %s, blocked by warnings, is unblocked: login and sending again, the warnings cleared", q.Subject)
	case model.RequestChange:
		if ch := q.Change; ch != nil {
			return fmt.Sprintf("%s %s, a dangerous change (four-eyes: %s) that needs a second admin's approval", ch.Op, ch.Target, ch.Class)
		}
	case model.RequestJoin:
		if j := q.Join; j != nil {
			return fmt.Sprintf("the account %s opens for %s (%s, %s), with a one-time password for IT to hand over", j.Address, j.Name, j.Title, j.Position)
		}
	}
	return string(q.Kind) + " " + string(q.Subject)
}

// mayDecideNow reports whether the actor may decide the request's current step.
func mayDecideNow(r *store.Reader, q *model.Request, a model.Actor, now time.Time) bool {
	return q.StateAt(now) == model.RequestPending && q.MayDecide(r, q.Current(), a)
}

// canSeeRequest: those involved, those who may decide one of its steps, and
// request.read over the subject's departments.
func canSeeRequest(r *store.Reader, q *model.Request, a model.Actor) bool {
	if q.Involves(a.Address) {
		return true
	}
	for i := range q.Steps {
		if q.MayDecide(r, i, a) {
			return true
		}
	}
	if m, err := r.Member(q.Subject); err == nil {
		for _, d := range m.Depts {
			if model.Can(a, model.RightRequestRead, model.Scope{d}, r) {
				return true
			}
		}
	}
	return false
}

func parseRequestID(s string) (uint64, error) {
	id, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || id == 0 {
		return 0, model.Invalidf("request id %q: give the number request list shows", s)
	}
	return id, nil
}

func requestCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "request", Short: "requests and their approval chains: file, list, show, approve, reject, withdraw (REQ-1..5)"}
	c.AddCommand(requestFileCmd(env))

	var status, kind string
	var mine, waiting, asJSON bool
	var limit int
	list := &cobra.Command{
		Use:   "list [--status pending|applied|rejected|expired|withdrawn] [--kind K] [--mine] [--waiting] [--json]",
		Short: "the requests you may see, newest first; --waiting: those whose current step is yours to decide",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			now := env.Store.Now()
			f := store.RequestFilter{Now: now, Limit: limit}
			if status != "" {
				st, err := model.ParseRequestState(status)
				if err != nil {
					return err
				}
				f.State = st
			}
			if kind != "" {
				k, err := model.ParseRequestKind(kind)
				if err != nil {
					return err
				}
				f.Kind = k
			}
			var out []requestJSON
			err := env.Store.Read(func(r *store.Reader) error {
				f.Keep = func(q *model.Request) bool {
					switch {
					case waiting:
						return mayDecideNow(r, q, env.Actor, now)
					case mine:
						return q.Involves(env.Actor.Address)
					}
					return canSeeRequest(r, q, env.Actor)
				}
				var qs []*model.Request
				var err error
				if waiting {
					// The inbox: read through the index of who decides next.
					page := 0
					if f.Kind == "" {
						page = limit
					}
					all, _, ierr := r.Inbox(env.Actor, now, page)
					for _, q := range all {
						if (f.Kind == "" || q.Kind == f.Kind) && (f.State == "" || f.State == model.RequestPending) && (limit <= 0 || len(qs) < limit) {
							qs = append(qs, q)
						}
					}
					err = ierr
				} else {
					qs, err = r.Requests(f)
				}
				if err != nil {
					return err
				}
				for _, q := range qs {
					out = append(out, requestOut(r, q, now))
				}
				return nil
			})
			if err != nil {
				return err
			}
			if asJSON {
				if out == nil {
					out = []requestJSON{}
				}
				return env.printJSON(out)
			}
			var rows [][]string
			for _, q := range out {
				rows = append(rows, []string{strconv.FormatUint(q.ID, 10), q.Kind, q.Status, q.Subject, q.Requester, dash(q.Waiting)})
			}
			env.table([]string{"ID", "KIND", "STATUS", "SUBJECT", "REQUESTER", "WAITING FOR"}, rows)
			return nil
		},
	}
	list.Flags().StringVar(&status, "status", "", "only requests in this state")
	list.Flags().StringVar(&kind, "kind", "", "only this kind: grant, delegate, join, leave, release, reset")
	list.Flags().BoolVar(&mine, "mine", false, "only requests you filed, are the subject of, or sign")
	list.Flags().BoolVar(&waiting, "waiting", false, "only requests waiting for your decision now")
	list.Flags().IntVar(&limit, "limit", 0, "at most this many, newest first (0: all)")
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	var showJSON bool
	show := &cobra.Command{
		Use:   "show ID [--json]",
		Short: "one request: what it changes and its whole chain, with who decided, when and why",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			id, err := parseRequestID(args[0])
			if err != nil {
				return err
			}
			var out requestJSON
			err = env.Store.Read(func(r *store.Reader) error {
				q, err := r.Request(id)
				if err != nil {
					return err
				}
				if !canSeeRequest(r, q, env.Actor) {
					m, err := r.Member(q.Subject)
					if err != nil {
						return err
					}
					return env.authorize(r, model.RightRequestRead, model.Scope(m.Depts))
				}
				out = requestOut(r, q, env.Store.Now())
				return nil
			})
			if err != nil {
				return err
			}
			if showJSON {
				return env.printJSON(out)
			}
			printRequest(env, out)
			return nil
		},
	}
	show.Flags().BoolVar(&showJSON, "json", false, "print JSON")

	decide := func(approve bool) *cobra.Command {
		var comment string
		var asJSON bool
		use, short := "approve ID [--comment C]", "approve the step of a request that waits for you; IT's approval applies it; a held message's id releases it"
		if !approve {
			use, short = "reject ID --comment C", "reject a request, saying why; it ends there; a held message's id sends it back"
		}
		cmd := &cobra.Command{
			Use:   use,
			Short: short,
			Args:  cobra.ExactArgs(1),
			RunE: func(c *cobra.Command, args []string) error {
				if heldMessageID(args[0]) {
					m, err := env.decideHeld(args[0], approve, comment)
					if err != nil {
						return err
					}
					return env.printHeldDecision(m, asJSON)
				}
				id, err := parseRequestID(args[0])
				if err != nil {
					return err
				}
				ch := &model.DecideRequest{ID: id, Approve: approve, Comment: comment}
				if err := env.apply(ch); err != nil {
					return err
				}
				if ch.Result != nil && ch.Result.HandingOver() && env.HandOver != nil {
					if err := env.HandOver(id); err != nil {
						return err
					}
				}
				var out requestJSON
				if err := env.Store.Read(func(r *store.Reader) error {
					if ch.Result.HandingOver() {
						if q, err := r.Request(id); err == nil {
							ch.Result = q // the copy's counts, when it was made here
						}
					}
					out = requestOut(r, ch.Result, env.Store.Now())
					return nil
				}); err != nil {
					return err
				}
				out.Password = ch.OneTime
				if asJSON {
					return env.printJSON(out)
				}
				switch {
				case ch.OneTime != "":
					env.printf("%s\n", ch.OneTime)
					fmt.Fprintf(env.Stderr, "request %d applied: %s; its one-time password is above, shown once: hand it to the person, who must change it at the first login\n", id, out.Change)
					if ch.Result != nil && ch.Result.Kind == model.RequestJoin && env.OneTime != nil {
						if to, err := env.OneTime(ch.Result, ch.OneTime); err != nil {
							fmt.Fprintf(env.Stderr, "the one-time password could not be mailed to the head: %v\n", err)
						} else if len(to) > 0 {
							fmt.Fprintf(env.Stderr, "it was also mailed to %s\n", joinAddrs(to))
						}
					}
				case out.Status == string(model.RequestApplied):
					env.printf("request %d applied: %s\n", id, out.Change)
				case !approve:
					env.printf("request %d rejected\n", id)
				default:
					env.printf("request %d approved; it now waits for %s\n", id, out.Waiting)
				}
				return nil
			},
		}
		cmd.Flags().StringVar(&comment, "comment", "", "your comment, kept on the step")
		cmd.Flags().BoolVar(&asJSON, "json", false, "print the request as JSON")
		if !approve {
			cmd.MarkFlagRequired("comment")
		}
		return cmd
	}

	var handTo, handComment string
	hand := &cobra.Command{
		Use:   "hand ID --to ADDR [--comment C]",
		Short: "hand the step waiting for you to a deputy, who may then decide it",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			id, err := parseRequestID(args[0])
			if err != nil {
				return err
			}
			to, err := addr(handTo)
			if err != nil {
				return err
			}
			if err := env.apply(&model.HandStep{ID: id, To: to, Comment: handComment}); err != nil {
				return err
			}
			env.printf("request %d: your step is handed to %s\n", id, to)
			return nil
		},
	}
	hand.Flags().StringVar(&handTo, "to", "", "the deputy")
	hand.Flags().StringVar(&handComment, "comment", "", "why (kept in the operation log)")
	hand.MarkFlagRequired("to")

	var wdComment string
	var wdJSON bool
	withdraw := &cobra.Command{
		Use:   "withdraw ID [--comment C] [--json]",
		Short: "withdraw a pending request you filed (an admin: anyone's); it ends there and leaves the approvers' inboxes",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			id, err := parseRequestID(args[0])
			if err != nil {
				return err
			}
			ch := &model.WithdrawRequest{ID: id, Comment: wdComment}
			if err := env.apply(ch); err != nil {
				return err
			}
			if wdJSON {
				var out requestJSON
				if err := env.Store.Read(func(r *store.Reader) error {
					out = requestOut(r, ch.Result, env.Store.Now())
					return nil
				}); err != nil {
					return err
				}
				return env.printJSON(out)
			}
			env.printf("request %d withdrawn\n", id)
			return nil
		},
	}
	withdraw.Flags().StringVar(&wdComment, "comment", "", "why (kept on the request)")
	withdraw.Flags().BoolVar(&wdJSON, "json", false, "print the request as JSON")

	c.AddCommand(list, show, decide(true), decide(false), hand, withdraw, requestPolicyCmd(env))
	return c
}

func printRequest(env *Env, q requestJSON) {
	env.printf("request %d: %s, %s\n", q.ID, q.Kind, q.Status)
	env.printf("  change:    %s\n", q.Change)
	env.printf("  filed:     %s by %s\n", q.Filed.Format("2006-01-02 15:04"), q.Requester)
	env.printf("  expires:   %s\n", q.Expires.Format("2006-01-02 15:04"))
	if q.Reason != "" {
		env.printf("  reason:    %s\n", q.Reason)
	}
	if q.Waiting != "" {
		env.printf("  waits for: %s\n", q.Waiting)
	}
	switch {
	case q.Handed != nil:
		env.printf("  handed:    %d messages, %d bytes into the folder %s of %s, %s\n", q.Handed.Messages, q.Handed.Bytes, q.Handed.Folder, q.Successor, q.Handed.Time.Format("2006-01-02 15:04"))
	case q.Kind == string(model.RequestHandover) && q.Status == string(model.RequestApplied):
		env.printf("  handed:    not yet: the mail is being copied\n")
	}
	if q.Leave != 0 {
		env.printf("  leaver:    request %d\n", q.Leave)
	}
	if q.Handover != 0 {
		env.printf("  handover:  request %d\n", q.Handover)
	}
	if q.Status == string(model.RequestApplied) {
		done := "yes"
		if !q.Finished {
			done = "not yet: the mailbox handover is not finished"
		}
		env.printf("  done:      %s\n", done)
	}
	if q.WithdrawnBy != "" && q.Done != nil {
		env.printf("  withdrawn: %s by %s\n", q.Done.Format("2006-01-02 15:04"), q.WithdrawnBy)
		if q.WithdrawComment != "" {
			env.printf("  why:       %s\n", q.WithdrawComment)
		}
	}
	var rows [][]string
	for i, s := range q.Steps {
		who := s.Approver
		if s.Role == string(model.StepIT) {
			who = "IT"
		}
		if s.Deputy != "" {
			who += " → " + s.Deputy
		}
		when := "-"
		if s.Time != nil {
			when = s.Time.Format("2006-01-02 15:04")
		}
		by := s.By
		if by == "" && s.Decision != "pending" {
			by = "postroom"
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), s.Role, dash(s.Dept), dash(who), s.Decision, dash(by), when, dash(s.Comment)})
	}
	env.table([]string{"STEP", "ROLE", "DEPARTMENT", "APPROVER", "DECISION", "BY", "TIME", "COMMENT"}, rows)
}

// printFiled tells that a request was filed: its id on stdout (JSON: {"id": N}),
// what it changes and whom it waits for on stderr.
func (env *Env) printFiled(asJSON bool, id uint64) error {
	if asJSON {
		return env.printJSON(idJSON{ID: id})
	}
	var out requestJSON
	if err := env.Store.Read(func(r *store.Reader) error {
		q, err := r.Request(id)
		if err != nil {
			return err
		}
		out = requestOut(r, q, env.Store.Now())
		return nil
	}); err != nil {
		return err
	}
	env.printf("%d\n", id)
	fmt.Fprintf(env.Stderr, "request %d filed: %s; it waits for %s\n", id, out.Change, out.Waiting)
	return nil
}

func requestFileCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "file", Short: "file a request; it prints the request's id"}
	var gMember, gPerm, gReason, gUntil, gStart, gScope string
	var gRights []string
	var gJSON bool
	grant := &cobra.Command{
		Use:   "grant --member ADDR --perm PERM [--reason TEXT] [--until RFC3339] [--start RFC3339] [--scope PATH --rights R,...]",
		Short: "ask for a permission for a member (yourself, or someone you may file for)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(gMember)
			if err != nil {
				return err
			}
			until, err := untilFlag(gUntil)
			if err != nil {
				return err
			}
			start, err := untilFlag(gStart)
			if err != nil {
				return err
			}
			var rs []model.SubRight
			for _, x := range splitList(gRights) {
				r, err := model.ParseSubRight(x)
				if err != nil {
					return err
				}
				rs = append(rs, r)
			}
			ch := &model.FileRequest{Kind: model.RequestGrant, Subject: a, Perm: gPerm, Reason: gReason, From: start, Until: until, Scope: gScope, SubRights: rs}
			if err := env.apply(ch); err != nil {
				return err
			}
			return env.printFiled(gJSON, ch.ID)
		},
	}
	grant.Flags().StringVar(&gMember, "member", "", "who gets the permission")
	grant.Flags().StringVar(&gPerm, "perm", "", "the permission: broadcast, external, notify, skip-level, sendas:ADDR")
	grant.Flags().StringVar(&gReason, "reason", "", "why it is needed")
	grant.Flags().StringVar(&gUntil, "until", "", "the grant ends then; default no end")
	grant.Flags().StringVar(&gStart, "start", "", "the grant starts then; default when applied")
	grant.Flags().StringVar(&gScope, "scope", "", "subadmin: the department subtree")
	grant.Flags().StringSliceVar(&gRights, "rights", nil, "subadmin: members, groups, announcements")
	grant.Flags().BoolVar(&gJSON, "json", false, "print JSON: {\"id\": N}")
	grant.MarkFlagRequired("member")
	grant.MarkFlagRequired("perm")

	var dFrom, dTo, dUntil, dStart, dReason string
	var dPerms []string
	var dJSON bool
	delegate := &cobra.Command{
		Use:   "delegate --from ADDR --to ADDR --until RFC3339 [--perm PERM]... [--start RFC3339] [--reason TEXT]",
		Short: "lend a person's permissions (all, or those named) to another until a time or until the person is marked back",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			from, err := addr(dFrom)
			if err != nil {
				return err
			}
			to, err := addr(dTo)
			if err != nil {
				return err
			}
			until, err := untilFlag(dUntil)
			if err != nil {
				return err
			}
			start, err := untilFlag(dStart)
			if err != nil {
				return err
			}
			ch := &model.FileRequest{Kind: model.RequestDelegate, Subject: from, To: to, Perms: splitList(dPerms), From: start, Until: until, Reason: dReason}
			if err := env.apply(ch); err != nil {
				return err
			}
			return env.printFiled(dJSON, ch.ID)
		},
	}
	delegate.Flags().StringVar(&dFrom, "from", "", "whose permissions are lent")
	delegate.Flags().StringVar(&dTo, "to", "", "who may use them")
	delegate.Flags().StringVar(&dUntil, "until", "", "the delegation ends then")
	delegate.Flags().StringVar(&dStart, "start", "", "the delegation starts then; default when applied")
	delegate.Flags().StringArrayVar(&dPerms, "perm", nil, "a permission to lend (repeat); none: all of them")
	delegate.Flags().StringVar(&dReason, "reason", "", "why")
	delegate.Flags().BoolVar(&dJSON, "json", false, "print JSON: {\"id\": N}")
	delegate.MarkFlagRequired("from")
	delegate.MarkFlagRequired("to")
	delegate.MarkFlagRequired("until")

	var jName, jDept, jTitle, jPosition, jAddress, jStart, jReason string
	var jJSON bool
	join := &cobra.Command{
		Use:   "join --name NAME --dept PATH --address ADDR [--title T] [--position CLASS] [--start DATE] [--reason TEXT]",
		Short: "ask for an account for a joiner (HR, or the head for existing staff); IT's approval opens it with a one-time password",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			pos, err := model.ParsePosition(jPosition)
			if err != nil {
				return err
			}
			start, err := untilFlag(jStart)
			if err != nil {
				return err
			}
			ch := &model.FileRequest{Kind: model.RequestJoin, JoinDept: jDept, Reason: jReason,
				Join: &model.JoinForm{Name: jName, Title: jTitle, Position: pos, Address: model.Address(strings.TrimSpace(jAddress)), Start: start}}
			if err := env.apply(ch); err != nil {
				return err
			}
			return env.printFiled(jJSON, ch.ID)
		},
	}
	join.Flags().StringVar(&jName, "name", "", "the joiner's name")
	join.Flags().StringVar(&jDept, "dept", "", "the department they join")
	join.Flags().StringVar(&jTitle, "title", "", "their title")
	join.Flags().StringVar(&jPosition, "position", "", "their position class; default staff")
	join.Flags().StringVar(&jAddress, "address", "", "the new mailbox's address")
	join.Flags().StringVar(&jStart, "start", "", "the day they start")
	join.Flags().StringVar(&jReason, "reason", "", "a note for the approvers")
	join.Flags().BoolVar(&jJSON, "json", false, "print JSON: {\"id\": N}")
	join.MarkFlagRequired("name")
	join.MarkFlagRequired("dept")
	join.MarkFlagRequired("address")

	var lMember, lSuccessor, lReason string
	var lUrgent, lJSON bool
	leave := &cobra.Command{
		Use:   "leave --member ADDR --successor ADDR [--urgent] [--reason TEXT]",
		Short: "close a leaver's account once approved; the successor receives their mail; --urgent (dismissal) blocks the login now",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			m, err := addr(lMember)
			if err != nil {
				return err
			}
			succ, err := addr(lSuccessor)
			if err != nil {
				return err
			}
			ch := &model.FileRequest{Kind: model.RequestLeave, Subject: m, Successor: succ, Urgent: lUrgent, Reason: lReason}
			if err := env.apply(ch); err != nil {
				return err
			}
			return env.printFiled(lJSON, ch.ID)
		},
	}
	leave.Flags().StringVar(&lMember, "member", "", "who leaves")
	leave.Flags().StringVar(&lSuccessor, "successor", "", "who receives their mail")
	leave.Flags().BoolVar(&lUrgent, "urgent", false, "a dismissal: block the login at once, on filing")
	leave.Flags().StringVar(&lReason, "reason", "", "why")
	leave.Flags().BoolVar(&lJSON, "json", false, "print JSON: {\"id\": N}")
	leave.MarkFlagRequired("member")
	leave.MarkFlagRequired("successor")

	reset := memberRequestCmd(env, model.RequestReset, "reset --member ADDR --reason TEXT",
		"ask for a password reset where resets need the officer's approval; IT's approval prints the one-time password",
		"whose password", "the ticket, and how the person was verified")
	unblock := memberRequestCmd(env, model.RequestUnblock, "unblock --member ADDR [--reason TEXT]",
		"ask to lift the block of a mailbox blocked by warnings (the member's head, or an admin); IT's approval lets the member log in and send again",
		"whose mailbox", "why it may be lifted")

	handover := memberRequestCmd(env, model.RequestHandover, "handover --member ADDR [--reason TEXT]",
		"ask for a leaver's mailbox contents to be copied into a folder of their successor's mailbox (the successor, HR or an admin); the leaver's officer signs, IT applies",
		"the leaver", "why the mail is needed")

	c.AddCommand(grant, delegate, join, leave, reset, unblock, handover)
	return c
}

// memberRequestCmd files a request of a kind that names only a member and
// a reason (reset, unblock).
func memberRequestCmd(env *Env, kind model.RequestKind, use, short, memberHelp, reasonHelp string) *cobra.Command {
	var member, reason string
	var asJSON bool
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			m, err := addr(member)
			if err != nil {
				return err
			}
			ch := &model.FileRequest{Kind: kind, Subject: m, Reason: reason}
			if err := env.apply(ch); err != nil {
				return err
			}
			return env.printFiled(asJSON, ch.ID)
		},
	}
	c.Flags().StringVar(&member, "member", "", memberHelp)
	c.Flags().StringVar(&reason, "reason", "", reasonHelp)
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON: {\"id\": N}")
	c.MarkFlagRequired("member")
	return c
}

func requestPolicyCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "policy", Short: "how long requests wait, and which apply themselves on the last approval"}
	var asJSON bool
	show := &cobra.Command{
		Use:   "show [--json]",
		Short: "show the request policy",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				if !model.HoldsAnywhere(env.Actor, model.RightRequestRead) {
					return env.authorize(r, model.RightRequestRead, nil)
				}
				p, err := r.RequestPolicy()
				if err != nil {
					return err
				}
				if asJSON {
					return env.printJSON(p)
				}
				var kinds []string
				for _, k := range p.AutoApply {
					kinds = append(kinds, string(k))
				}
				resets := "direct: the helpdesk resets passwords"
				if p.Resets {
					resets = "by request: the member's officer approves, IT applies"
				}
				env.table([]string{"SETTING", "VALUE"}, [][]string{{"expiry", time.Duration(p.Expiry).String()}, {"auto-apply", dash(strings.Join(kinds, ", "))},
					{"resets", resets}})
				return nil
			})
		},
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	var expiry, resets string
	var auto []string
	set := &cobra.Command{
		Use:   "set [--expiry DURATION] [--auto-apply KIND,...] [--resets direct|request]",
		Short: "change the request policy; --auto-apply '' makes IT apply every kind",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			var p model.RequestPolicy
			if err := env.Store.Read(func(r *store.Reader) error {
				var err error
				p, err = r.RequestPolicy()
				return err
			}); err != nil {
				return err
			}
			if c.Flags().Changed("expiry") {
				var d model.Duration
				if err := d.UnmarshalText([]byte(expiry)); err != nil {
					return err
				}
				p.Expiry = d
			}
			if c.Flags().Changed("auto-apply") {
				p.AutoApply = nil
				for _, x := range splitList(auto) {
					k, err := model.ParseRequestKind(x)
					if err != nil {
						return err
					}
					p.AutoApply = append(p.AutoApply, k)
				}
			}
			if c.Flags().Changed("resets") {
				switch resets {
				case "direct":
					p.Resets = false
				case "request":
					p.Resets = true
				default:
					return model.Invalidf("--resets takes direct or request")
				}
			}
			if err := env.apply(&model.SetRequestPolicy{Policy: p}); err != nil {
				return err
			}
			env.printf("request policy saved\n")
			return nil
		},
	}
	set.Flags().StringVar(&expiry, "expiry", "", "how long a request waits, like 336h")
	set.Flags().StringSliceVar(&auto, "auto-apply", nil, "kinds applied on the last approval: grant, delegate")
	set.Flags().StringVar(&resets, "resets", "", "direct (the helpdesk resets) or request (the officer approves each reset)")
	c.AddCommand(show, set)
	return c
}

// joinAddrs lists addresses for a message.
func joinAddrs(as []model.Address) string {
	ss := make([]string, len(as))
	for i, a := range as {
		ss[i] = string(a)
	}
	return strings.Join(ss, ", ")
}
