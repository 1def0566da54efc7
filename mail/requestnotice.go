package mail

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

// Notices about requests (REQ-4): everyone a request involves is mailed at
// each step in their own language, exactly once.
//
// A notice's stages, each marked in the spool under
// "request/ID/STAGE/RECIPIENT" in the commit that queues it
// (Spool.EnqueueOnce):
//
//	turnK            to whoever may decide step K now (the approver, the
//	                 deputy it was handed to, every unit officer for the
//	                 unit step, every admin holding request.apply for IT's)
//	filed            to the requester and the subject: filed, waiting on …
//	stepK            to them: step K approved, now waiting on …
//	handK-DEPUTY     to them: step K handed to DEPUTY
//	end              to them: applied, rejected (with the comment), expired or
//	                 withdrawn (not to whoever withdrew it)
//	withdrawn        to whoever was sent turnK for the step it waited on
//	                 when it was withdrawn: they need not decide it
//
// The requester's and the subject's stages that are due together go in one
// mail that marks them all; an ended request's mail is its outcome. The
// notifier runs in serve's relay: it follows the store's request events,
// and sweeps the pending requests and those ended in the last
// requestNoticeWindow at start and every minute, so what an event missed
// (a lost event, a change made by the local CLI while serve was stopped, a
// request that expired) goes out once all the same. Held mail has notices
// of its own (notices.go); release requests are not mailed here.

// The kinds of notice about requests.
const (
	NoticeRequestTurn     = "request-turn"     // to an approver: waiting for your decision
	NoticeRequestProgress = "request-progress" // to the requester and subject: what happened, whom it waits on
	NoticeRequestOutcome  = "request-outcome"  // to them: applied, rejected, expired or withdrawn; to the waiting approver: withdrawn
)

// requestNoticeWindow is how long after a request ends the sweep still
// sends its outcome when that was missed.
const requestNoticeWindow = 7 * 24 * time.Hour

// RequestNoticeData is what a notice about a request says, every text in
// the reader's language and every time in the server's zone.
type RequestNoticeData struct {
	To       model.Address
	ToName   string
	From     model.Address // the system's address; postmaster@ the primary domain when empty
	Date     time.Time
	Hostname string

	ID        uint64
	Kind      string // the kind's name
	Requester string // name and address
	// About is whom the request is about, when someone else than the
	// requester; ForRequester says the reader filed it.
	About        string
	ForRequester bool
	Reason       string
	Change       string // what applying it changes
	Filed        time.Time
	Expires      time.Time
	Done         time.Time

	Chain []ChainStep
	// Step and StepWho are the step waiting for the reader (turn) or the
	// rejected step (outcome), counted from 1.
	Step    int
	StepWho string
	// News are what happened since the reader was last told (progress).
	News []RequestNews
	// WaitingOn is whom the request waits for now (or waited for when it
	// expired).
	WaitingOn string
	// Outcome is applied, rejected, expired or withdrawn; Decider and
	// Comment who rejected or withdrew it and why. ForApprover says the
	// reader is the approver it waited on when it was withdrawn (Step and
	// StepWho are that step).
	Outcome     string
	ForApprover bool
	Decider     string
	Comment     string

	SSHHost string
	SSHPort int
	// ReplyTo is the address a reply decides the step with (reply.go);
	// "" where the step cannot be decided by mail.
	ReplyTo model.Address
}

// ChainStep is one step of a request's chain in a notice.
type ChainStep struct {
	N       int
	Who     string
	Verdict string // approved, rejected or ""
	By      string
	Time    time.Time
	Comment string
	Current bool
}

// RequestNews is one thing that happened to a request: filed, approved (a
// step) or handed (a step to a deputy).
type RequestNews struct {
	What    string
	N       int
	Step    string // who signs the step
	By      string
	To      string // the deputy
	Time    time.Time
	Comment string
}

// BuildRequestNotice returns the complete message of a notice about a
// request of the given kind in lang (zh-CN for anything Chinese, else
// English), from the templates in assets/mail.
func BuildRequestNotice(kind, lang string, d RequestNoticeData) ([]byte, error) {
	switch kind {
	case NoticeRequestTurn, NoticeRequestProgress, NoticeRequestOutcome:
	default:
		return nil, fmt.Errorf("notice kind %q: use request-turn, request-progress or request-outcome", kind)
	}
	if d.To == "" || d.From == "" || d.Date.IsZero() {
		return nil, errors.New("notice: To, From and Date are required")
	}
	if d.Hostname == "" {
		d.Hostname = "localhost"
	}
	if d.SSHPort == 0 {
		d.SSHPort = 22
	}
	if d.SSHHost == "" {
		d.SSHHost = d.Hostname
	}
	d.ToName, d.Reason, d.Comment = singleLine(d.ToName), singleLine(d.Reason), singleLine(d.Comment)
	d.Change, d.Requester, d.About = singleLine(d.Change), singleLine(d.Requester), singleLine(d.About)
	d.ReplyTo = model.Address(singleLine(string(d.ReplyTo)))
	d.Chain = slices.Clone(d.Chain)
	for i := range d.Chain {
		d.Chain[i].Comment = singleLine(d.Chain[i].Comment)
	}
	d.News = slices.Clone(d.News)
	for i := range d.News {
		d.News[i].Comment = singleLine(d.News[i].Comment)
	}
	subject, text, err := renderMail(kind, lang, d)
	if err != nil {
		return nil, err
	}
	return composeNotice(kind, lang, "", d.From, d.ToName, d.To, d.ReplyTo, d.Date, d.Hostname, subject, text), nil
}

// plannedNotice is one notice due, with the markers it sets.
type plannedNotice struct {
	kind, lang string
	keys       []string
	data       RequestNoticeData
}

func requestNoticePrefix(id uint64) string { return "request/" + strconv.FormatUint(id, 10) + "/" }

func requestNoticeKey(id uint64, stage string, to model.Address) string {
	return requestNoticePrefix(id) + stage + "/" + string(to)
}

// requestPlanner works out the notices due for requests, inside one read.
type requestPlanner struct {
	rd      *store.Reader
	now     time.Time
	loc     *time.Location
	host    string
	sshPort int
	// replyKey and domain make the reply addresses (reply.go).
	replyKey []byte
	domain   string
	// itDeciders is who holds request.apply (read once per planner).
	itDeciders []model.Address
	itRead     bool
}

// reader is a member who may be mailed (not a leaver), with the language
// the system writes to them in (Relay.langOf).
func (p *requestPlanner) reader(a model.Address) (*model.Member, string, bool) {
	if a == "" {
		return nil, "", false
	}
	m, err := p.rd.Member(a)
	if err != nil || m.Status == model.StatusReclaimed {
		return nil, "", false
	}
	return m, memberLang(m), true
}

// deciders are who may decide step i now; for a change request's step
// every active admin but its filer.
func (p *requestPlanner) deciders(s model.Step, filer model.Address) []model.Address {
	var out []model.Address
	add := func(a model.Address) {
		if a != "" && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	switch s.Role {
	case model.StepIT:
		if !p.itRead {
			p.itRead = true
			admins, _ := p.rd.Admins()
			for _, a := range admins {
				act, err := p.rd.Actor(a, model.DoorSystem, "")
				if err == nil && model.Can(act, model.RightRequestApply, nil, p.rd) {
					p.itDeciders = append(p.itDeciders, a)
				}
			}
			slices.Sort(p.itDeciders)
		}
		for _, a := range p.itDeciders {
			add(a)
		}
	case model.StepAdmin:
		admins, _ := p.rd.Admins()
		slices.Sort(admins)
		for _, a := range admins {
			if m, err := p.rd.Member(a); err == nil && m.Status == model.StatusActive && a != filer {
				add(a)
			}
		}
	case model.StepUnit:
		add(s.Approver)
		us, _ := p.rd.UnitOfficers()
		slices.Sort(us)
		for _, a := range us {
			add(a)
		}
	default:
		add(s.Approver)
	}
	add(s.Deputy)
	return out
}

// withdrawer is who withdrew a request, for a notice.
func (p *requestPlanner) withdrawer(t assets.RequestsText, q *model.Request) string {
	if q.WithdrawnBy == "" {
		return t.Postroom
	}
	return p.person(q.WithdrawnBy)
}

// person is a member's name and address, or the address.
func (p *requestPlanner) person(a model.Address) string {
	if a == "" {
		return ""
	}
	if m, err := p.rd.Member(a); err == nil && m.Name != "" {
		return m.Name + " <" + string(a) + ">"
	}
	return string(a)
}

// stepWho says who signs a step, in the reader's language: the localized
// counterpart of model.DescribeStep.
func (p *requestPlanner) stepWho(t assets.RequestsText, lang string, s model.Step) string {
	var who string
	switch s.Role {
	case model.StepIT:
		return t.StepIT
	case model.StepAdmin:
		return assets.Text(lang).Governance.StepAdmin
	case model.StepUnit:
		who = fmt.Sprintf(t.StepUnit, p.person(s.Approver))
	case model.StepHead:
		who = fmt.Sprintf(t.StepHead, p.rd.DeptPath(s.Dept)) + " " + p.person(s.Approver)
	case model.StepOwner:
		who = fmt.Sprintf(t.StepOwner, p.rd.DeptPath(s.Dept)) + " " + p.person(s.Approver)
	default:
		who = fmt.Sprintf(t.StepOfficer, p.rd.DeptPath(s.Dept)) + " " + p.person(s.Approver)
	}
	if s.Deputy != "" {
		sep := ", "
		if assets.IsChinese(lang) {
			sep = "，"
		}
		who += sep + fmt.Sprintf(t.Handed, p.person(s.Deputy))
	}
	return who
}

// permName names a permission in the reader's language.
func permName(t assets.RequestsText, perm string) string {
	switch perm {
	case model.PermBroadcast:
		return t.PermBroadcast
	case model.PermExternal:
		return t.PermExternal
	case model.PermNotify:
		return t.PermNotify
	case model.PermSkipLevel:
		return t.PermSkipLevel
	case model.PermSubadmin:
		return t.PermSubadmin
	}
	if box, ok := strings.CutPrefix(perm, model.PermSendAs); ok {
		return fmt.Sprintf(t.PermSendAs, box)
	}
	return perm
}

func kindName(t assets.RequestsText, k model.RequestKind) string {
	switch k {
	case model.RequestGrant:
		return t.KindGrant
	case model.RequestDelegate:
		return t.KindDelegate
	case model.RequestJoin:
		return t.KindJoin
	case model.RequestLeave:
		return t.KindLeave
	case model.RequestRelease:
		return t.KindRelease
	case model.RequestReset:
		return t.KindReset
	case model.RequestUnblock:
		return t.KindUnblock
	case model.RequestHandover:
		return t.KindHandover
	}
	return string(k)
}

// change says what applying the request changes, in the reader's language.
func (p *requestPlanner) change(t assets.RequestsText, lang string, q *model.Request) string {
	when := func(tm time.Time) string {
		if tm.IsZero() {
			return t.WhenApplied
		}
		return tm.In(p.loc).Format("2006-01-02 15:04")
	}
	switch q.Kind {
	case model.RequestGrant:
		out := fmt.Sprintf(t.ChangeGrant, p.person(q.Subject), permName(t, q.Perm)+" ("+q.Perm+")")
		if !q.From.IsZero() {
			out += fmt.Sprintf(t.ChangeFrom, when(q.From))
		}
		if q.Until.IsZero() {
			return out + t.ChangeNoEnd
		}
		return out + fmt.Sprintf(t.ChangeUntil, when(q.Until))
	case model.RequestDelegate:
		perms := t.AllPerms
		if len(q.Perms) > 0 {
			names := make([]string, len(q.Perms))
			for i, x := range q.Perms {
				names[i] = permName(t, x)
			}
			sep := ", "
			if assets.IsChinese(lang) {
				sep = "、"
			}
			perms = strings.Join(names, sep)
		}
		return fmt.Sprintf(t.ChangeDelegate, p.person(q.Subject), perms, p.person(q.To), when(q.From), when(q.Until))
	case model.RequestJoin:
		if q.Join != nil {
			return fmt.Sprintf(t.ChangeJoin, q.Join.Name+" <"+string(q.Join.Address)+">", p.rd.DeptPath(q.Join.Dept))
		}
	case model.RequestLeave:
		return fmt.Sprintf(t.ChangeLeave, p.person(q.Subject), p.person(q.Successor))
	case model.RequestReset:
		return fmt.Sprintf(t.ChangeReset, p.person(q.Subject))
	case model.RequestUnblock:
		return fmt.Sprintf(t.ChangeUnblock, p.person(q.Subject))
	case model.RequestHandover:
		return fmt.Sprintf(t.ChangeHandover, p.person(q.Subject), p.person(q.Successor))
	case model.RequestRelease:
		return fmt.Sprintf(t.ChangeRelease, q.Message)
	case model.RequestChange:
		if c := q.Change; c != nil {
			g := assets.Text(lang).Governance
			out := fmt.Sprintf(g.ChangeChange, className(g, c.Class), c.Op, c.Target)
			for i, d := range c.Diff {
				if i == 8 {
					out += "; " + fmt.Sprintf(g.More, len(c.Diff)-i+c.More)
					break
				}
				out += "; " + d.Field + ": " + emptyAs(d.Before, g.Empty) + " → " + emptyAs(d.After, g.Empty)
			}
			return out
		}
	}
	return kindName(t, q.Kind)
}

// base fills what every notice about q says, for a reader in lang.
func (p *requestPlanner) base(q *model.Request, to *model.Member, lang string) RequestNoticeData {
	t := assets.Text(lang).Requests
	d := RequestNoticeData{
		To: to.Address, ToName: to.Name, Date: p.now.In(p.loc), Hostname: p.host,
		ID: q.ID, Kind: kindName(t, q.Kind), Requester: p.person(q.Requester), ForRequester: to.Address == q.Requester,
		Reason: q.Reason, Change: p.change(t, lang, q),
		Filed: q.Filed.In(p.loc), Expires: q.Expires.In(p.loc), Done: q.Done.In(p.loc),
		SSHHost: p.host, SSHPort: p.sshPort,
	}
	if q.Kind == model.RequestChange {
		d.Kind = assets.Text(lang).Governance.KindChange
	}
	if q.Subject != "" && q.Subject != q.Requester && q.Kind != model.RequestJoin {
		d.About = p.person(q.Subject)
	}
	pending := q.StateAt(p.now) == model.RequestPending
	cur := q.Current()
	for i, s := range q.Steps {
		c := ChainStep{N: i + 1, Who: p.stepWho(t, lang, s), Verdict: string(s.Verdict), Comment: s.Comment,
			Current: pending && i == cur}
		if s.Verdict != "" {
			c.By, c.Time = t.Postroom, s.Time.In(p.loc)
			if s.By != "" {
				c.By = p.person(s.By)
			}
		}
		d.Chain = append(d.Chain, c)
	}
	if cur < len(q.Steps) && q.State == model.RequestPending {
		d.WaitingOn = p.stepWho(t, lang, q.Steps[cur])
	}
	return d
}

// watchers are the people told of a request's progress and outcome: the
// requester, and the subject when someone else (a joiner has no mailbox
// yet; a leaver's is closed).
func watchers(q *model.Request) []model.Address {
	out := []model.Address{q.Requester}
	if q.Subject != "" && q.Subject != q.Requester && q.Kind != model.RequestJoin {
		out = append(out, q.Subject)
	}
	return out
}

// plan works out the notices due for q that the markers in sent do not
// show as sent.
func (p *requestPlanner) plan(q *model.Request, sent map[string]bool) []plannedNotice {
	if q.Kind == model.RequestRelease || len(q.Steps) == 0 {
		return nil
	}
	var out []plannedNotice
	state := q.StateAt(p.now)
	cur := q.Current()

	// Whoever may decide the current step.
	if state == model.RequestPending && cur < len(q.Steps) {
		stage := "turn" + strconv.Itoa(cur)
		for _, a := range p.deciders(q.Steps[cur], q.Requester) {
			key := requestNoticeKey(q.ID, stage, a)
			if sent[key] {
				continue
			}
			m, lang, ok := p.reader(a)
			if !ok {
				continue
			}
			d := p.base(q, m, lang)
			d.Step, d.StepWho = cur+1, p.stepWho(assets.Text(lang).Requests, lang, q.Steps[cur])
			if replyable(q, cur) && len(p.replyKey) > 0 {
				d.ReplyTo = replyAddress(p.replyKey, p.domain, q.ID, cur, a)
			}
			out = append(out, plannedNotice{kind: NoticeRequestTurn, lang: lang, keys: []string{key}, data: d})
		}
	}

	// Withdrawn: whoever was told it waited for them hears that it does
	// not any more.
	if state == model.RequestWithdrawn && cur < len(q.Steps) {
		turn := "turn" + strconv.Itoa(cur)
		for _, a := range p.deciders(q.Steps[cur], q.Requester) {
			key := requestNoticeKey(q.ID, "withdrawn", a)
			if sent[key] || !sent[requestNoticeKey(q.ID, turn, a)] || a == q.WithdrawnBy {
				continue
			}
			m, lang, ok := p.reader(a)
			if !ok {
				continue
			}
			t := assets.Text(lang).Requests
			d := p.base(q, m, lang)
			d.Outcome, d.ForApprover = string(state), true
			d.Step, d.StepWho = cur+1, p.stepWho(t, lang, q.Steps[cur])
			d.Decider, d.Comment = p.withdrawer(t, q), q.WithdrawComment
			out = append(out, plannedNotice{kind: NoticeRequestOutcome, lang: lang, keys: []string{key}, data: d})
		}
	}

	// The requester and the subject: what happened, or how it ended.
	type stage struct {
		name string
		news func(t assets.RequestsText, lang string) RequestNews
	}
	stages := []stage{{"filed", func(assets.RequestsText, string) RequestNews {
		return RequestNews{What: "filed", Time: q.Filed.In(p.loc)}
	}}}
	for i, s := range q.Steps {
		if s.Deputy != "" {
			stages = append(stages, stage{"hand" + strconv.Itoa(i) + "-" + string(s.Deputy), func(t assets.RequestsText, lang string) RequestNews {
				st := s
				st.Deputy = ""
				return RequestNews{What: "handed", N: i + 1, Step: p.stepWho(t, lang, st), To: p.person(s.Deputy)}
			}})
		}
		if s.Verdict == model.VerdictApproved && s.Role != model.StepIT {
			stages = append(stages, stage{"step" + strconv.Itoa(i), func(t assets.RequestsText, lang string) RequestNews {
				by := t.Postroom
				if s.By != "" {
					by = p.person(s.By)
				}
				return RequestNews{What: "approved", N: i + 1, Step: p.stepWho(t, lang, s), By: by, Time: s.Time.In(p.loc), Comment: s.Comment}
			}})
		}
	}
	ended := state != model.RequestPending
	if ended {
		stages = append(stages, stage{name: "end"})
	}
	for _, a := range watchers(q) {
		if state == model.RequestWithdrawn && a == q.WithdrawnBy {
			continue // they withdrew it themself
		}
		var keys []string
		var due []stage
		for _, s := range stages {
			if k := requestNoticeKey(q.ID, s.name, a); !sent[k] {
				keys, due = append(keys, k), append(due, s)
			}
		}
		if len(keys) == 0 {
			continue
		}
		m, lang, ok := p.reader(a)
		if !ok {
			continue
		}
		t := assets.Text(lang).Requests
		d := p.base(q, m, lang)
		if !ended {
			for _, s := range due {
				d.News = append(d.News, s.news(t, lang))
			}
			out = append(out, plannedNotice{kind: NoticeRequestProgress, lang: lang, keys: keys, data: d})
			continue
		}
		d.Outcome = string(state)
		switch state {
		case model.RequestRejected:
			for i, s := range q.Steps {
				if s.Verdict == model.VerdictRejected {
					d.Step, d.Comment, d.Decider = i+1, s.Comment, t.Postroom
					if s.By != "" {
						d.Decider = p.person(s.By)
					}
				}
			}
		case model.RequestExpired:
			if cur < len(q.Steps) {
				d.WaitingOn = p.stepWho(t, lang, q.Steps[cur])
			}
		case model.RequestWithdrawn:
			d.Decider, d.Comment = p.withdrawer(t, q), q.WithdrawComment
		case model.RequestFailed:
			for _, s := range q.Steps {
				if s.Verdict == model.VerdictApproved && s.By != "" {
					d.Decider = p.person(s.By)
				}
			}
			if q.Change != nil {
				d.Comment = q.Change.Error
			}
		}
		out = append(out, plannedNotice{kind: NoticeRequestOutcome, lang: lang, keys: keys, data: d})
	}
	return out
}

// wantsNotices reports whether the sweep looks at a request at now:
// pending, or ended (applied, rejected, expired, withdrawn) within the
// window.
func wantsNotices(q *model.Request, now time.Time) bool {
	switch q.StateAt(now) {
	case model.RequestPending:
		return true
	case model.RequestExpired:
		return now.Sub(q.Expires) < requestNoticeWindow
	}
	return !q.Done.IsZero() && now.Sub(q.Done) < requestNoticeWindow
}

// planner makes a planner over rd at now.
func (r *Relay) planner(rd *store.Reader, now time.Time) *requestPlanner {
	port, _ := strconv.Atoi(r.sshPort())
	key, err := r.spool.ReplyKey()
	if err != nil {
		r.log.Printf("request notices go without reply addresses: %v", err)
	}
	return &requestPlanner{rd: rd, now: now, loc: r.del.location(), host: r.cfg.Hostname, sshPort: port,
		replyKey: key, domain: r.del.cfg.PrimaryDomain}
}

// noticeRequest sends what is due for one request (after its event).
func (r *Relay) noticeRequest(id uint64) {
	sent, err := r.spool.NoticesSent(requestNoticePrefix(id))
	if err != nil {
		r.log.Printf("request %d notices: %v", id, err)
		return
	}
	now := r.now()
	var due []plannedNotice
	err = r.store.Read(func(rd *store.Reader) error {
		q, err := rd.Request(id)
		if err != nil {
			return err
		}
		due = r.planner(rd, now).plan(q, sent)
		return nil
	})
	if err != nil {
		r.log.Printf("request %d notices: %v", id, err)
		return
	}
	r.sendRequestNotices(due)
}

// sweepRequests sends what is due for every pending request and every one
// ended within the window: what the events missed.
func (r *Relay) sweepRequests() {
	now := r.now()
	var qs []*model.Request
	err := r.store.Read(func(rd *store.Reader) error {
		var err error
		qs, err = rd.Requests(store.RequestFilter{Now: now, Keep: func(q *model.Request) bool { return wantsNotices(q, now) }})
		return err
	})
	if err != nil {
		r.log.Printf("request notices: %v", err)
		return
	}
	sent := map[uint64]map[string]bool{}
	var ids []uint64
	for _, q := range qs {
		if q.Kind == model.RequestRelease {
			continue
		}
		s, err := r.spool.NoticesSent(requestNoticePrefix(q.ID))
		if err != nil {
			r.log.Printf("request notices: %v", err)
			return
		}
		sent[q.ID] = s
		ids = append(ids, q.ID)
	}
	if len(ids) == 0 {
		return
	}
	var due []plannedNotice
	err = r.store.Read(func(rd *store.Reader) error {
		p := r.planner(rd, now)
		for _, id := range ids {
			q, err := rd.Request(id)
			if err != nil {
				continue
			}
			due = append(due, p.plan(q, sent[id])...)
		}
		return nil
	})
	if err != nil {
		r.log.Printf("request notices: %v", err)
		return
	}
	r.sendRequestNotices(due)
}

// sendRequestNotices builds and queues each notice once.
func (r *Relay) sendRequestNotices(due []plannedNotice) {
	for _, n := range due {
		d := n.data
		if d.From == "" {
			d.From = model.Address("postmaster@" + r.del.cfg.PrimaryDomain)
		}
		msg, err := BuildRequestNotice(n.kind, n.lang, d)
		if err != nil {
			r.log.Printf("request %d notice to %s: %v", d.ID, d.To, err)
			continue
		}
		facts, _ := ParseHeader(msg)
		if _, _, err := r.del.enqueueSystemOnce(n.keys, d.To, d.From, facts.Subject, msg); err != nil {
			r.log.Printf("request %d notice to %s: %v", d.ID, d.To, err)
		}
	}
}

// runRequestNotices follows the store's request events and sweeps at
// start and every minute, until ctx ends; the members' events and the same
// sweeps send the notices of a block (warnnotice.go), the welcome letters
// and password reminders (letters.go); the announcements' events and
// sweeps queue their copies (announce.go). It subscribes before its first
// sweep, so nothing falls between the two.
func (r *Relay) runRequestNotices(ctx context.Context, events <-chan store.Event) {
	r.sweepRequests()
	r.sweepBlocked()
	// A fan-out to thousands, or the welcome letters of a big import,
	// take seconds: the notices do not wait for them, and a sweep still
	// under way is not started again.
	var sweepingAnn, sweepingLetters atomic.Bool
	background := func(running *atomic.Bool, sweep func()) {
		if running.CompareAndSwap(false, true) {
			go func() { sweep(); running.Store(false) }()
		}
	}
	sweepAnnouncements := func() { background(&sweepingAnn, r.sweepAnnouncements) }
	sweepLetters := func() { background(&sweepingLetters, r.sweepLetters) }
	sweepAnnouncements()
	sweepLetters()
	r.sweepInactive()
	r.sweepHandovers() // handover.go: copy what the events missed
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-events:
			if !ok {
				return
			}
			if e.Kind == "member" {
				r.noticeBlocked(model.Address(e.Key)) // warnnotice.go: the block's notices
				r.noticeLetters(model.Address(e.Key)) // letters.go: welcome, password expiry
				continue
			}
			if e.Kind == "announce" {
				if id, err := strconv.ParseUint(e.Key, 10, 64); err == nil {
					go func() {
						if _, err := r.fanOut(id); err != nil {
							r.log.Printf("announcement %d: %v", id, err)
						}
					}()
				}
				continue
			}
			if e.Kind != "request" {
				continue
			}
			if id, err := strconv.ParseUint(e.Key, 10, 64); err == nil {
				r.noticeRequest(id)
				r.handOver(id) // handover.go: an applied handover's copy
			}
		case <-t.C:
			r.sweepRequests()
			r.sweepBlocked()
			sweepLetters()
			sweepAnnouncements()
			r.sweepInactive() // inactivenotice.go
			r.sweepHandovers()
		}
	}
}

// className names a class of dangerous change in the reader's language.
func className(g assets.GovernanceText, c model.FourEyesClass) string {
	switch c {
	case model.FourEyesDomain:
		return g.ClassDomain
	case model.FourEyesBroadcast:
		return g.ClassBroadcast
	case model.FourEyesPassword:
		return g.ClassPassword
	case model.FourEyesSending:
		return g.ClassSending
	}
	return string(c)
}

func emptyAs(v, empty string) string {
	if v == "" {
		return empty
	}
	return v
}
