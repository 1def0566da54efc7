package model

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// MailAction is what a mail rule does to a message it matches.
type MailAction string

// The mail actions, from the weakest to the strongest.
const (
	ActionAllow  MailAction = "allow"  // the mail goes
	ActionLog    MailAction = "log"    // shadow mode: the decision is recorded, the mail goes
	ActionHold   MailAction = "hold"   // kept until an approver releases it (SEND-2)
	ActionRefuse MailAction = "refuse" // refused with the reason (550)
)

// ParseMailAction reads an action name.
func ParseMailAction(s string) (MailAction, error) {
	switch a := MailAction(strings.TrimSpace(s)); a {
	case ActionAllow, ActionLog, ActionHold, ActionRefuse:
		return a, nil
	}
	return "", Invalidf("unknown action %q: use allow, hold, refuse or log", s)
}

// Rank orders the actions: refuse > hold > log > allow. An unknown action
// ranks as allow.
func (a MailAction) Rank() int {
	switch a {
	case ActionLog:
		return 1
	case ActionHold:
		return 2
	case ActionRefuse:
		return 3
	}
	return 0
}

// RuleScope says which messages a content or notice rule looks at.
type RuleScope string

// The rule scopes.
const (
	ScopeAllStaff RuleScope = "all-staff" // only mail to the whole company
	ScopeAny      RuleScope = "any"       // every message
)

// UnknownLocal says what happens to mail for a local address nobody owns (IN-2).
type UnknownLocal string

// The ways to treat unknown local addresses.
const (
	UnknownRefuse   UnknownLocal = "refuse"   // 550 at RCPT
	UnknownCatchAll UnknownLocal = "catchall" // to the catch-all mailbox, folder 邮件转移 (P4 5.1.8)
)

// CatchAllFolder is the folder of the catch-all mailbox that unknown
// addresses' mail is filed under (P4 5.1.8).
const CatchAllFolder = "邮件转移"

// The permissions (Grant.Perm) the mail rules look at.
const (
	PermBroadcast = "broadcast"  // send to the whole company (SEND-2)
	PermExternal  = "external"   // send outside despite the external restriction (SEND-6)
	PermSkipLevel = "skip-level" // write past one's own head (SEND-4)
	PermSendAs    = "sendas:"    // prefix: sendas:ADDR sends as a shared or department mailbox (SEND-1)
)

// DefaultBroadcastThreshold is how many internal recipients a message may
// reach before it counts as mail to the whole company.
const DefaultBroadcastThreshold = 30

// MailPolicy is the company's mail policy (SEND-2..6, IN-2, IN-3): admin-owned
// data, stored in the directory, read through View.MailPolicy and changed only
// by SetMailPolicy. Sender binding (SEND-1) is not part of it: it always holds.
type MailPolicy struct {
	Broadcast BroadcastRule `json:"broadcast"`
	GroupPost GroupPostRule `json:"group_post"`
	// Notices are tried in order; the first whose subject words match
	// decides who may send the message.
	Notices   []NoticeRule  `json:"notices"`
	SkipLevel SkipLevelRule `json:"skip_level"`
	Content   []ContentRule `json:"content"`
	External  ExternalRule  `json:"external"`
	// Blacklist and Whitelist hold addresses ("lishi@example.com") or whole
	// domains ("example.com" or "@example.com") for mail from outside (IN-3).
	Blacklist    []string     `json:"blacklist"`
	Whitelist    []string     `json:"whitelist"`
	UnknownLocal UnknownLocal `json:"unknown_local"`
	// CatchAll receives mail for unknown local addresses when UnknownLocal
	// is catchall: a member, shared or department mailbox.
	CatchAll Address `json:"catchall,omitempty"`
	// Backup copies matching mail to backup mailboxes (MAILFX-2).
	Backup []BackupRule `json:"backup,omitempty"`
	// Signature is the enterprise signature added to members' mail
	// (MAILFX-1).
	Signature SignaturePolicy `json:"signature,omitzero"`
}

// BroadcastRule is whole-company sending (SEND-2, seed part 1 clauses 1 and 7):
// mail to a group covering the root department, or to more than Threshold
// internal mailboxes, goes only from the permitted position classes or
// holders of the broadcast permission; others' mail meets Action (hold by
// default: it waits for their department or regional head, not lost). A
// notice sent from the address its notice rule names (a holiday notice from
// hr@) goes to the whole company whoever sends as that address: it is the
// channel the seed prescribes for such mail.
type BroadcastRule struct {
	Threshold int        `json:"threshold"` // 0: only all-staff groups count
	Positions []Position `json:"positions"`
	Action    MailAction `json:"action"`
}

// GroupPostRule is what happens when someone posts to a group whose posting
// rule (Group.Post) does not admit them (SEND-3, LIST-1).
//
// The defaults differ on purpose. A group covering the whole company is the
// broadcast channel of seed part 1: a post from someone without the right is
// held for their head, like any other whole-company mail, so a person with a
// real need is approved rather than turned away. A smaller group's rule is a
// plain boundary (members only, the listed senders only): a post from outside
// it is most often a mistake or spam, and a refusal tells the sender at once,
// where a hold would leave a head to sort out mail that was never theirs.
type GroupPostRule struct {
	Action         MailAction `json:"action"`           // a group of part of the company (default refuse)
	AllStaffAction MailAction `json:"all_staff_action"` // a group covering the root department (default hold)
}

// NoticeRule binds notices, known by words of their subject, to the only
// address that may send them (SEND-3, seed part 1 clauses 5 and 6, part 3
// 4.2.3.6). Without a Sender the notice must come from any department or
// shared mailbox, never from a personal address.
type NoticeRule struct {
	Name     string     `json:"name"`
	Subjects []string   `json:"subjects"` // any one, as a part of the subject (case-insensitive)
	Scope    RuleScope  `json:"scope"`
	Sender   Address    `json:"sender,omitempty"`
	Action   MailAction `json:"action"`
}

// SkipLevelRule is mail past one's own head (SEND-4, seed part 1 clause 4):
// to the head of a department above the sender's own head's department it
// waits for the sender's head, unless the sender holds one of Positions or
// the skip-level permission. Whole-company mail is excepted.
type SkipLevelRule struct {
	Positions []Position `json:"positions"`
	Action    MailAction `json:"action"`
}

// ContentRule holds or refuses mail by its words (SEND-5): any of Subjects
// in the subject, or any of Keywords in the subject or the text.
type ContentRule struct {
	Name     string    `json:"name"`
	Subjects []string  `json:"subjects,omitempty"`
	Keywords []string  `json:"keywords,omitempty"`
	Scope    RuleScope `json:"scope"`
	// ExternalOnly limits the rule to messages with recipients outside.
	ExternalOnly bool `json:"external_only,omitempty"`
	// Depts (with their subtrees) and Members are the senders it applies
	// to; both empty: everyone.
	Depts   []DeptID   `json:"depts,omitempty"`
	Members []Address  `json:"members,omitempty"`
	Action  MailAction `json:"action"`
	// Reviewer decides a hold; empty: the sender's head (HoldApprover).
	Reviewer Address `json:"reviewer,omitempty"`
}

// ExternalRule keeps listed members and departments (with their subtrees)
// from sending outside the company's domains (SEND-6, P4 6.7); they still
// receive mail and write inside. An active external grant exempts a member.
type ExternalRule struct {
	Members []Address  `json:"members,omitempty"`
	Depts   []DeptID   `json:"depts,omitempty"`
	Action  MailAction `json:"action"`
}

// MailFilter is a member's own lists for mail from outside (IN-3): entries
// as in MailPolicy.Blacklist. A member's own block wins over the company's
// whitelist; the company's blacklist wins over a member's own allow.
type MailFilter struct {
	Block []string `json:"block,omitempty"`
	Allow []string `json:"allow,omitempty"`
}

// DefaultMailPolicy is the policy of a fresh install, built from the seed:
// whole-company mail for the position classes of part 1 clause 7, holiday
// notices from HR's shared mailbox, institutional notices from the
// administration's, company-level notices from department mailboxes.
func DefaultMailPolicy(primaryDomain string) MailPolicy {
	at := func(local string) Address {
		if primaryDomain == "" {
			return ""
		}
		return Address(local + "@" + strings.ToLower(primaryDomain))
	}
	var broadcast []Position
	for _, p := range Positions {
		if p != PositionStaff {
			broadcast = append(broadcast, p)
		}
	}
	return MailPolicy{
		Broadcast: BroadcastRule{Threshold: DefaultBroadcastThreshold, Positions: broadcast, Action: ActionHold},
		GroupPost: GroupPostRule{Action: ActionRefuse, AllStaffAction: ActionHold},
		Notices: []NoticeRule{
			// Part 1 clause 5: 节日通知、问候等全员邮件 — holiday notices that go
			// to all staff. A person asking their head for 调休 is no notice,
			// so the rule looks at whole-company mail only.
			{Name: "holiday", Subjects: []string{"放假", "假期", "节假日", "调休"}, Scope: ScopeAllStaff, Sender: at("hr"), Action: ActionRefuse},
			// Part 1 clause 6: 制度类全员公示邮件 — notices of rules and regulations.
			{Name: "policy-notice", Subjects: []string{"制度", "规定", "规章", "管理办法"}, Scope: ScopeAllStaff, Sender: at("admin"), Action: ActionRefuse},
			// Part 3 4.2.3.6: 公司层面的通知、报告、函 go out under a department's
			// name from its mailbox, never from a personal address. A plain
			// 通知 lands here rather than under policy-notice: the seed gives
			// the administration only notices of rules, and every department
			// sends its own company-level notices.
			{Name: "company-notice", Subjects: []string{"通知", "通报", "通告", "公告", "报告", "公函"}, Scope: ScopeAllStaff, Action: ActionRefuse},
		},
		SkipLevel: SkipLevelRule{
			// The executives have nobody above their head to skip, and their
			// offices write to every head on their behalf.
			Positions: []Position{PositionExecutive, PositionCEOAssistant, PositionSecretary, PositionCOOAssistant},
			Action:    ActionHold,
		},
		Content: []ContentRule{
			// Part 1 clause 1: personal daily and weekly plans and results may
			// not go to the whole company, "except for staff whose superior
			// asked for it, approved by mail by the department or regional
			// head". The seed names the way through — the head's approval —
			// so the mail is held for the head rather than refused.
			{Name: "daily-weekly-reports", Subjects: []string{"日计划", "日结果", "周计划", "周结果"}, Scope: ScopeAllStaff, Action: ActionHold},
			// SEND-5's example: contracts and quotations to customers need the
			// head's review. It ships in shadow mode (log) so that a fresh
			// install records what it would hold without holding customer mail;
			// set it to hold when the company wants the review.
			{Name: "quote-contract-review", Keywords: []string{"合同", "报价"}, Scope: ScopeAny, ExternalOnly: true, Action: ActionLog},
		},
		External:     ExternalRule{Action: ActionRefuse},
		UnknownLocal: UnknownRefuse,
	}
}

// Clean returns the policy with its words trimmed and deduplicated,
// addresses and list entries normalised, and empty actions and scopes given
// their defaults; it refuses what cannot be read.
func (p MailPolicy) Clean() (MailPolicy, error) {
	var err error
	def := DefaultMailPolicy("")
	orDefault := func(a *MailAction, d MailAction) {
		if *a == "" {
			*a = d
		}
	}
	orDefault(&p.Broadcast.Action, def.Broadcast.Action)
	orDefault(&p.GroupPost.Action, def.GroupPost.Action)
	orDefault(&p.GroupPost.AllStaffAction, def.GroupPost.AllStaffAction)
	orDefault(&p.SkipLevel.Action, def.SkipLevel.Action)
	orDefault(&p.External.Action, def.External.Action)
	if p.UnknownLocal == "" {
		p.UnknownLocal = UnknownRefuse
	}
	p.Broadcast.Positions = slices.Clone(p.Broadcast.Positions)
	p.SkipLevel.Positions = slices.Clone(p.SkipLevel.Positions)
	p.Notices = slices.Clone(p.Notices)
	for i := range p.Notices {
		n := &p.Notices[i]
		n.Name = strings.TrimSpace(n.Name)
		n.Subjects = cleanWords(n.Subjects)
		if n.Scope == "" {
			n.Scope = ScopeAllStaff
		}
		orDefault(&n.Action, ActionRefuse)
		if n.Sender != "" {
			if n.Sender, err = ParseAddress(string(n.Sender)); err != nil {
				return p, err
			}
		}
	}
	p.Content = slices.Clone(p.Content)
	for i := range p.Content {
		c := &p.Content[i]
		c.Name = strings.TrimSpace(c.Name)
		c.Subjects = cleanWords(c.Subjects)
		c.Keywords = cleanWords(c.Keywords)
		if c.Scope == "" {
			c.Scope = ScopeAny
		}
		orDefault(&c.Action, ActionHold)
		if c.Members, err = cleanAddresses(c.Members); err != nil {
			return p, err
		}
		c.Depts = uniqueDepts(c.Depts)
		if c.Reviewer != "" {
			if c.Reviewer, err = ParseAddress(string(c.Reviewer)); err != nil {
				return p, err
			}
		}
	}
	if p.External.Members, err = cleanAddresses(p.External.Members); err != nil {
		return p, err
	}
	p.External.Depts = uniqueDepts(p.External.Depts)
	if p.Blacklist, err = CleanListEntries(p.Blacklist); err != nil {
		return p, err
	}
	if p.Whitelist, err = CleanListEntries(p.Whitelist); err != nil {
		return p, err
	}
	if p.CatchAll != "" {
		if p.CatchAll, err = ParseAddress(string(p.CatchAll)); err != nil {
			return p, err
		}
	}
	if p.Backup, err = cleanBackup(p.Backup); err != nil {
		return p, err
	}
	p.Signature = cleanSignature(p.Signature)
	return p, nil
}

// cleanWords trims words and drops empty and repeated ones.
func cleanWords(ws []string) []string {
	var out []string
	for _, w := range ws {
		w = strings.TrimSpace(w)
		if w != "" && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

func cleanAddresses(as []Address) ([]Address, error) {
	var out []Address
	for _, a := range as {
		n, err := ParseAddress(string(a))
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

func uniqueDepts(ds []DeptID) []DeptID {
	var out []DeptID
	for _, d := range ds {
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// CleanListEntries normalises block and allow list entries: an address
// stays an address, "example.com" and "@example.com" both become the domain
// "example.com". Repeats are dropped.
func CleanListEntries(es []string) ([]string, error) {
	var out []string
	for _, e := range es {
		n, err := cleanListEntry(e)
		if err != nil {
			return nil, err
		}
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

func cleanListEntry(e string) (string, error) {
	e = strings.TrimSpace(e)
	if e == "" {
		return "", nil
	}
	if t, problem := addrPrepare(e); problem == "" {
		e = t // full-width ＠ and 。 as an input method types them
	}
	if d, ok := strings.CutPrefix(e, "@"); ok {
		return ParseDomain(d)
	}
	if strings.Contains(e, "@") {
		a, err := ParseAddress(e)
		return string(a), err
	}
	return ParseDomain(e)
}

// listMatch returns the first entry of a block or allow list that covers
// the address: the address itself or its domain.
func listMatch(list []string, from Address) (string, bool) {
	dom := from.Domain()
	for _, e := range list {
		if e == string(from) || e == dom {
			return e, true
		}
	}
	return "", false
}

// Validate checks the policy against the directory: every action, scope,
// position class, department, member and mailbox it names. Run it on a
// cleaned policy (Clean).
func (p MailPolicy) Validate(v View) error {
	if err := checkAction("broadcast.action", p.Broadcast.Action); err != nil {
		return err
	}
	if p.Broadcast.Threshold < 0 {
		return Invalidf("broadcast.threshold is %d: give 0 (only all-staff groups count) or a number of internal recipients", p.Broadcast.Threshold)
	}
	if err := checkPositions("broadcast.positions", p.Broadcast.Positions); err != nil {
		return err
	}
	if err := checkAction("group_post.action", p.GroupPost.Action); err != nil {
		return err
	}
	if err := checkAction("group_post.all_staff_action", p.GroupPost.AllStaffAction); err != nil {
		return err
	}
	names := map[string]bool{}
	for _, n := range p.Notices {
		where := "notices[" + n.Name + "]"
		if err := checkRuleName("notices", n.Name, names); err != nil {
			return err
		}
		if len(n.Subjects) == 0 {
			return Invalidf("%s: name at least one subject word", where)
		}
		if err := checkScope(where+".scope", n.Scope); err != nil {
			return err
		}
		if err := checkAction(where+".action", n.Action); err != nil {
			return err
		}
		if n.Sender != "" {
			if err := checkNoticeSender(v, n.Sender, where+".sender"); err != nil {
				return err
			}
		}
	}
	if err := checkPositions("skip_level.positions", p.SkipLevel.Positions); err != nil {
		return err
	}
	if err := checkAction("skip_level.action", p.SkipLevel.Action); err != nil {
		return err
	}
	names = map[string]bool{}
	for _, c := range p.Content {
		where := "content[" + c.Name + "]"
		if err := checkRuleName("content", c.Name, names); err != nil {
			return err
		}
		if len(c.Subjects) == 0 && len(c.Keywords) == 0 {
			return Invalidf("%s: name at least one subject or keyword", where)
		}
		if err := checkScope(where+".scope", c.Scope); err != nil {
			return err
		}
		if err := checkAction(where+".action", c.Action); err != nil {
			return err
		}
		if err := checkDepts(v, where+".depts", c.Depts); err != nil {
			return err
		}
		for _, m := range c.Members {
			if err := mustBeMember(v, m, where+".members:"); err != nil {
				return err
			}
		}
		if c.Reviewer != "" {
			if err := mustBeMember(v, c.Reviewer, where+".reviewer:"); err != nil {
				return err
			}
		}
	}
	if err := checkAction("external.action", p.External.Action); err != nil {
		return err
	}
	for _, m := range p.External.Members {
		if err := mustBeMember(v, m, "external.members:"); err != nil {
			return err
		}
	}
	if err := checkDepts(v, "external.depts", p.External.Depts); err != nil {
		return err
	}
	switch p.UnknownLocal {
	case UnknownRefuse:
		if p.CatchAll != "" {
			return Invalidf("catchall %s is set, but unknown_local is refuse: set unknown_local to catchall, or leave catchall out", p.CatchAll)
		}
	case UnknownCatchAll:
		if p.CatchAll == "" {
			return Invalidf("unknown_local is catchall, but no catchall mailbox is named: give one with --catchall ADDR")
		}
		if err := mustBeMailbox(v, p.CatchAll, "catchall"); err != nil {
			return err
		}
	default:
		return Invalidf("unknown_local %q: use refuse or catchall", p.UnknownLocal)
	}
	if err := validateBackup(v, p.Backup); err != nil {
		return err
	}
	return validateSignature(p.Signature)
}

func checkAction(where string, a MailAction) error {
	switch a {
	case ActionAllow, ActionLog, ActionHold, ActionRefuse:
		return nil
	}
	return Invalidf("%s: unknown action %q: use allow, hold, refuse or log", where, a)
}

func checkScope(where string, s RuleScope) error {
	if s == ScopeAllStaff || s == ScopeAny {
		return nil
	}
	return Invalidf("%s: unknown scope %q: use all-staff or any", where, s)
}

func checkPositions(where string, ps []Position) error {
	for _, p := range ps {
		if _, err := ParsePosition(string(p)); err != nil || p == "" {
			return Invalidf("%s: unknown position class %q: use executive, regional-director, regional-assistant, director, ceo-assistant, secretary, coo-assistant or staff", where, p)
		}
	}
	return nil
}

func checkRuleName(where, name string, seen map[string]bool) error {
	if name == "" {
		return Invalidf("%s: a rule has no name: give each rule a short name, such as holiday", where)
	}
	if seen[name] {
		return Invalidf("%s: two rules are named %q: give each its own name", where, name)
	}
	seen[name] = true
	return nil
}

func checkDepts(v View, where string, ds []DeptID) error {
	for _, d := range ds {
		if _, err := v.Dept(d); err != nil {
			return NotFoundf("%s: department %d does not exist: name an existing department", where, d)
		}
	}
	return nil
}

// checkNoticeSender checks a notice rule's sender: a local mailbox, or a
// local address nobody owns yet (the defaults name hr@ and admin@ before a
// fresh install has them; until the mailbox is made, nobody sends such
// notices, and Impact says so).
func checkNoticeSender(v View, a Address, where string) error {
	if !v.IsLocal(a.Domain()) {
		return Invalidf("%s: %s is not in one of the company's domains: name the company's own mailbox", where, a)
	}
	if _, ok, err := v.Owner(a); err != nil || !ok {
		return err
	}
	return mustBeMailbox(v, a, where)
}

// mustBeMailbox checks that a is a local mailbox: a member, a shared
// mailbox or a department mailbox.
func mustBeMailbox(v View, a Address, where string) error {
	o, ok, err := v.Owner(a)
	if err != nil {
		return err
	}
	if !ok {
		return NotFoundf("%s: %s is no mailbox here: name a member, a shared mailbox or a department mailbox", where, a)
	}
	if o.Kind != OwnerMember && o.Kind != OwnerShared && o.Kind != OwnerDept {
		return Invalidf("%s: %s is %s: name a member, a shared mailbox or a department mailbox", where, a, o.Describe(a))
	}
	return nil
}

// PolicyImpact is what a policy change will touch, told before it is saved.
type PolicyImpact struct {
	Members int      `json:"members"` // members whose mail the changed rules judge differently
	Groups  int      `json:"groups"`  // groups whose posts the changed rules judge differently
	Lines   []string `json:"lines"`   // one line per change, e.g. "external restriction: 12 members in 2 departments now refused"
}

// Impact compares the policy with old, the one it replaces: which rules
// changed, how many members and groups they reach, in words.
func (p MailPolicy) Impact(v View, old MailPolicy) PolicyImpact {
	im := &impacter{v: v, members: map[Address]bool{}, groups: map[Address]bool{}}
	im.positions("broadcast", "may now send to the whole company", "may no longer send to the whole company", old.Broadcast.Positions, p.Broadcast.Positions)
	if p.Broadcast.Threshold != old.Broadcast.Threshold {
		if p.Broadcast.Threshold == 0 {
			im.line("broadcast: only all-staff groups now count as whole-company mail (was more than %d recipients)", old.Broadcast.Threshold)
		} else {
			im.line("broadcast: mail to more than %d internal recipients now counts as whole-company mail (was %d)", p.Broadcast.Threshold, old.Broadcast.Threshold)
		}
		im.everyone()
	}
	if p.Broadcast.Action != old.Broadcast.Action {
		im.line("broadcast: whole-company mail from members without the right is now %s (was %s)", done(p.Broadcast.Action), done(old.Broadcast.Action))
		im.everyone()
	}
	if p.GroupPost != old.GroupPost {
		var all, part int
		gs, _ := v.Groups()
		for _, g := range gs {
			if g.Post == PostAnyone {
				continue
			}
			covers := GroupCoversAll(v, g)
			if covers && p.GroupPost.AllStaffAction != old.GroupPost.AllStaffAction {
				all++
				im.groups[g.Address] = true
			}
			if !covers && p.GroupPost.Action != old.GroupPost.Action {
				part++
				im.groups[g.Address] = true
			}
		}
		if p.GroupPost.AllStaffAction != old.GroupPost.AllStaffAction {
			im.line("group posting: in %d all-staff groups, posts the group's rule does not admit are now %s (was %s)", all, done(p.GroupPost.AllStaffAction), done(old.GroupPost.AllStaffAction))
		}
		if p.GroupPost.Action != old.GroupPost.Action {
			im.line("group posting: in %d other groups, posts the group's rule does not admit are now %s (was %s)", part, done(p.GroupPost.Action), done(old.GroupPost.Action))
		}
		im.everyone()
	}
	im.notices(old.Notices, p.Notices)
	im.positions("skip-level", "may now write past their own head", "may no longer write past their own head", old.SkipLevel.Positions, p.SkipLevel.Positions)
	if p.SkipLevel.Action != old.SkipLevel.Action {
		im.line("skip-level: mail past one's own head is now %s (was %s)", done(p.SkipLevel.Action), done(old.SkipLevel.Action))
		im.everyone()
	}
	im.content(old.Content, p.Content)
	im.external(old.External, p.External)
	im.list("blacklist", old.Blacklist, p.Blacklist)
	im.list("whitelist", old.Whitelist, p.Whitelist)
	if p.UnknownLocal != old.UnknownLocal || p.CatchAll != old.CatchAll {
		if p.UnknownLocal == UnknownCatchAll {
			im.line("unknown local addresses: their mail now goes to %s, folder %s", p.CatchAll, CatchAllFolder)
		} else {
			im.line("unknown local addresses: their mail is now refused")
		}
	}
	for _, r := range p.Backup {
		i := slices.IndexFunc(old.Backup, func(o BackupRule) bool { return o.Name == r.Name })
		if i < 0 || !sameBackupRule(old.Backup[i], r) {
			im.line("backup %s: matching mail now also goes to %s, from the moment this is saved", r.Name, r.Mailbox)
		}
	}
	for _, o := range old.Backup {
		if !slices.ContainsFunc(p.Backup, func(r BackupRule) bool { return r.Name == o.Name }) {
			im.line("backup %s removed: mail is no longer copied to %s", o.Name, o.Mailbox)
		}
	}
	if p.Signature != old.Signature {
		switch {
		case !p.Signature.On():
			im.line("signature: members' mail no longer gets the enterprise signature")
		case p.Signature.Text != old.Signature.Text || p.Signature.HTML != old.Signature.HTML:
			im.line("signature: members' mail now gets the enterprise signature as set")
		}
		if p.Signature.On() && p.Signature.OptOut != old.Signature.OptOut {
			if p.Signature.OptOut {
				im.line("signature: members may now turn it off for their own mail")
			} else {
				im.line("signature: members may no longer turn it off; it goes on everyone's mail")
			}
		}
		im.everyone()
	}
	if len(im.out.Lines) == 0 {
		im.out.Lines = []string{"no change"}
	}
	for _, n := range p.Notices {
		if n.Sender == "" {
			continue
		}
		if _, ok, err := v.Owner(n.Sender); err == nil && !ok {
			im.line("warning: notice %s: %s is no mailbox yet, so nobody can send such notices; create it (shared add %s --name NAME --dept PATH) or name another sender", n.Name, n.Sender, n.Sender)
		}
	}
	im.out.Members, im.out.Groups = len(im.members), len(im.groups)
	return im.out
}

// done is the past participle of an action, for impact lines.
func done(a MailAction) string {
	switch a {
	case ActionAllow:
		return "allowed"
	case ActionLog:
		return "logged only"
	case ActionHold:
		return "held"
	case ActionRefuse:
		return "refused"
	}
	return string(a)
}

// impacter gathers one Impact.
type impacter struct {
	v       View
	out     PolicyImpact
	members map[Address]bool
	groups  map[Address]bool

	all   []Address              // every member, once read
	byPos map[Position][]Address // members by position class, once read
}

func (im *impacter) line(format string, args ...any) {
	im.out.Lines = append(im.out.Lines, fmt.Sprintf(format, args...))
}

func (im *impacter) add(as []Address) {
	for _, a := range as {
		im.members[a] = true
	}
}

// everyone marks every member as touched.
func (im *impacter) everyone() {
	if im.all == nil {
		im.all = im.inDepts([]DeptID{RootDept})
	}
	if len(im.members) < len(im.all) {
		im.add(im.all)
	}
}

// inDepts lists the members of departments' subtrees, once each.
func (im *impacter) inDepts(ds []DeptID) []Address {
	seen := map[Address]bool{}
	var out []Address
	var walk func(id DeptID, depth int)
	walk = func(id DeptID, depth int) {
		if depth > MaxDeptDepth+1 {
			return
		}
		ms, _ := im.v.DeptMembers(id)
		for _, m := range ms {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
		kids, _ := im.v.DeptChildren(id)
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	for _, d := range uniqueDepts(ds) {
		walk(d, 0)
	}
	if out == nil {
		out = []Address{}
	}
	return out
}

// ofPositions lists the members of position classes (read once: every member).
func (im *impacter) ofPositions(ps []Position) []Address {
	if im.byPos == nil {
		im.byPos = map[Position][]Address{}
		if im.all == nil {
			im.all = im.inDepts([]DeptID{RootDept})
		}
		for _, a := range im.all {
			if m, err := im.v.Member(a); err == nil {
				im.byPos[m.Position] = append(im.byPos[m.Position], a)
			}
		}
	}
	var out []Address
	for _, p := range ps {
		out = append(out, im.byPos[p]...)
	}
	return out
}

func (im *impacter) positions(rule, gained, lost string, old, now []Position) {
	var added, removed []Position
	for _, p := range now {
		if !slices.Contains(old, p) {
			added = append(added, p)
		}
	}
	for _, p := range old {
		if !slices.Contains(now, p) {
			removed = append(removed, p)
		}
	}
	if len(added) > 0 {
		ms := im.ofPositions(added)
		im.add(ms)
		im.line("%s: %d members in %s %s", rule, len(ms), positionList(added), gained)
	}
	if len(removed) > 0 {
		ms := im.ofPositions(removed)
		im.add(ms)
		im.line("%s: %d members in %s %s", rule, len(ms), positionList(removed), lost)
	}
}

func (im *impacter) notices(old, now []NoticeRule) {
	find := func(rs []NoticeRule, name string) (NoticeRule, bool) {
		for _, r := range rs {
			if r.Name == name {
				return r, true
			}
		}
		return NoticeRule{}, false
	}
	describe := func(n NoticeRule) string {
		from := "a department or shared mailbox"
		if n.Sender != "" {
			from = string(n.Sender)
		}
		scope := "to the whole company"
		if n.Scope == ScopeAny {
			scope = "to anyone"
		}
		return fmt.Sprintf("subjects with %s %s only from %s, others %s", strings.Join(n.Subjects, ", "), scope, from, done(n.Action))
	}
	changed := false
	for _, n := range now {
		o, ok := find(old, n.Name)
		switch {
		case !ok:
			im.line("notice %s added: %s", n.Name, describe(n))
		case !reflect.DeepEqual(o, n):
			im.line("notice %s changed: %s", n.Name, describe(n))
		default:
			continue
		}
		changed = true
	}
	for _, o := range old {
		if _, ok := find(now, o.Name); !ok {
			im.line("notice %s removed", o.Name)
			changed = true
		}
	}
	if !changed && !reflect.DeepEqual(old, now) {
		im.line("notices: the order changed (the first matching notice decides)")
		changed = true
	}
	if changed {
		im.everyone()
	}
}

func (im *impacter) content(old, now []ContentRule) {
	find := func(rs []ContentRule, name string) (ContentRule, bool) {
		for _, r := range rs {
			if r.Name == name {
				return r, true
			}
		}
		return ContentRule{}, false
	}
	reach := func(c ContentRule) []Address {
		if len(c.Depts) == 0 && len(c.Members) == 0 {
			im.everyone()
			return im.all
		}
		ms := im.inDepts(c.Depts)
		for _, m := range c.Members {
			if !slices.Contains(ms, m) {
				ms = append(ms, m)
			}
		}
		return ms
	}
	describe := func(c ContentRule) string {
		var words []string
		words = append(words, c.Subjects...)
		words = append(words, c.Keywords...)
		s := "words " + strings.Join(words, ", ")
		if c.Scope == ScopeAllStaff {
			s += " in whole-company mail"
		}
		if c.ExternalOnly {
			s += " in mail going outside"
		}
		return s + " now " + done(c.Action)
	}
	for _, c := range now {
		o, ok := find(old, c.Name)
		if ok && reflect.DeepEqual(o, c) {
			continue
		}
		ms := reach(c)
		im.add(ms)
		if ok {
			im.add(reach(o))
			im.line("content rule %s changed: %d members, %s", c.Name, len(ms), describe(c))
		} else {
			im.line("content rule %s added: %d members, %s", c.Name, len(ms), describe(c))
		}
	}
	for _, o := range old {
		if _, ok := find(now, o.Name); !ok {
			ms := reach(o)
			im.add(ms)
			im.line("content rule %s removed: %d members no longer checked for %s", o.Name, len(ms), strings.Join(append(slices.Clone(o.Subjects), o.Keywords...), ", "))
		}
	}
}

func (im *impacter) external(old, now ExternalRule) {
	set := func(r ExternalRule) map[Address]bool {
		s := map[Address]bool{}
		for _, a := range im.inDepts(r.Depts) {
			s[a] = true
		}
		for _, a := range r.Members {
			s[a] = true
		}
		return s
	}
	if reflect.DeepEqual(old, now) {
		return
	}
	before, after := set(old), set(now)
	var added, freed []Address
	for a := range after {
		if !before[a] {
			added = append(added, a)
		}
	}
	for a := range before {
		if !after[a] {
			freed = append(freed, a)
		}
	}
	im.add(added)
	im.add(freed)
	if len(added) > 0 {
		im.line("external restriction: %d members now %s when sending outside (departments listed: %d, with their subtrees; members listed: %d)", len(added), done(now.Action), len(now.Depts), len(now.Members))
	}
	if len(freed) > 0 {
		im.line("external restriction: %d members may send outside again", len(freed))
	}
	if now.Action != old.Action && len(after) > 0 {
		var stay []Address
		for a := range after {
			if before[a] {
				stay = append(stay, a)
			}
		}
		im.add(stay)
		im.line("external restriction: %d restricted members are now %s when sending outside (was %s)", len(after), done(now.Action), done(old.Action))
	}
}

func (im *impacter) list(name string, old, now []string) {
	for _, e := range now {
		if !slices.Contains(old, e) {
			im.line("%s: %s added", name, e)
		}
	}
	for _, e := range old {
		if !slices.Contains(now, e) {
			im.line("%s: %s removed", name, e)
		}
	}
}
