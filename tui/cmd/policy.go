package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"postroom/assets"
	"postroom/model"
	"postroom/store"
)

func mailPolicyCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "policy", Short: "the mail policy: who may send what to whom (SEND-2..6, IN-2, IN-3)"}
	c.AddCommand(policyShowCmd(env), policySetCmd(env), policyExplainCmd(env), policyFilterCmd(env), policyBackupCmd(env), policySignatureCmd(env))
	return c
}

// mayReadPolicy lets admins, auditors and anyone who reads the directory see
// the mail policy; the refusal names policy.manage.
func (e *Env) mayReadPolicy(r *store.Reader) error {
	if model.HoldsAnywhere(e.Actor, model.RightMemberRead) || model.Can(e.Actor, model.RightMailLogRead, nil, r) {
		return nil
	}
	return e.authorize(r, model.RightPolicyManage, nil)
}

func policyShowCmd(env *Env) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "show [--json]",
		Short: "show the mail policy (JSON: the form policy set --file takes)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				if err := env.mayReadPolicy(r); err != nil {
					return err
				}
				p, err := r.MailPolicy()
				if err != nil {
					return err
				}
				if asJSON {
					doc, err := policyDoc(r, p)
					if err != nil {
						return err
					}
					return env.printJSON(doc)
				}
				env.describePolicy(r, p)
				return nil
			})
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON, departments as paths")
	return c
}

// policyDoc is the policy as JSON for people: departments as paths.
func policyDoc(r *store.Reader, p model.MailPolicy) (any, error) {
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	return doc, walkDepts(doc, func(v any) (any, error) {
		n, ok := v.(json.Number)
		if !ok {
			return v, nil
		}
		id, err := n.Int64()
		if err != nil {
			return v, nil
		}
		return r.DeptPath(model.DeptID(id)), nil
	})
}

// parsePolicyDoc reads a policy written as policy show --json prints it;
// departments may be paths or ids. Unknown fields are refused.
func parsePolicyDoc(r *store.Reader, raw []byte) (model.MailPolicy, error) {
	var p model.MailPolicy
	var doc any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return p, model.Invalidf("the policy file is not JSON: %v; start from policy show --json", err)
	}
	if _, ok := doc.(map[string]any); !ok {
		return p, model.Invalidf("the policy file must hold one JSON object, as policy show --json prints it")
	}
	err := walkDepts(doc, func(v any) (any, error) {
		s, ok := v.(string)
		if !ok {
			return v, nil
		}
		d, err := r.DeptByPath(s)
		if err != nil {
			return nil, err
		}
		return json.Number(fmt.Sprint(uint64(d.ID))), nil
	})
	if err != nil {
		return p, err
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return p, err
	}
	strict := json.NewDecoder(bytes.NewReader(b))
	strict.DisallowUnknownFields()
	if err := strict.Decode(&p); err != nil {
		return p, model.Invalidf("the policy file does not fit the policy: %v; start from policy show --json", err)
	}
	return p, nil
}

// walkDepts rewrites every element of every "depts" array in a JSON document.
func walkDepts(doc any, f func(any) (any, error)) error {
	switch x := doc.(type) {
	case map[string]any:
		for k, v := range x {
			if arr, ok := v.([]any); ok && k == "depts" {
				for i, e := range arr {
					n, err := f(e)
					if err != nil {
						return err
					}
					arr[i] = n
				}
				continue
			}
			if err := walkDepts(v, f); err != nil {
				return err
			}
		}
	case []any:
		for _, v := range x {
			if err := walkDepts(v, f); err != nil {
				return err
			}
		}
	}
	return nil
}

// actionWords names the actions for people.
func (e *Env) actionWord(a model.MailAction) string {
	zh := assets.IsChinese(e.Lang)
	switch a {
	case model.ActionAllow:
		return pick(zh, "allowed", "放行")
	case model.ActionLog:
		return pick(zh, "logged only (the mail goes)", "仅记录（邮件照发）")
	case model.ActionHold:
		return pick(zh, "held for approval", "扣留待审批")
	case model.ActionRefuse:
		return pick(zh, "refused", "拒绝")
	}
	return string(a)
}

func yesNo(zh, b bool) string {
	if b {
		return pick(zh, "yes", "是")
	}
	return pick(zh, "no", "否")
}

func pick(zh bool, en, chinese string) string {
	if zh {
		return chinese
	}
	return en
}

func (e *Env) positionWords(ps []model.Position) string {
	if len(ps) == 0 {
		return pick(assets.IsChinese(e.Lang), "none", "无")
	}
	var out []string
	for _, p := range ps {
		if assets.IsChinese(e.Lang) {
			out = append(out, p.ZH()+"("+string(p)+")")
		} else {
			out = append(out, string(p))
		}
	}
	return strings.Join(out, ", ")
}

func (e *Env) deptWords(r *store.Reader, ds []model.DeptID) string {
	var out []string
	for _, d := range ds {
		out = append(out, r.DeptPath(d))
	}
	return strings.Join(out, ", ")
}

func addrWords(as []model.Address) string {
	var out []string
	for _, a := range as {
		out = append(out, string(a))
	}
	return strings.Join(out, ", ")
}

func orNone(zh bool, s string) string {
	if s == "" {
		return pick(zh, "none", "无")
	}
	return s
}

// describePolicy prints the policy in words, in the env's language.
func (e *Env) describePolicy(r *store.Reader, p model.MailPolicy) {
	zh := assets.IsChinese(e.Lang)
	scope := func(s model.RuleScope) string {
		if s == model.ScopeAllStaff {
			return pick(zh, "in whole-company mail", "（仅全员邮件）")
		}
		return pick(zh, "in any mail", "（所有邮件）")
	}
	if p.Broadcast.Threshold > 0 {
		e.say("Whole-company mail (SEND-2): an all-staff group, or more than %d internal recipients", "全员群发（SEND-2）：发往全员邮件组，或内部收件人超过 %d 人", p.Broadcast.Threshold)
	} else {
		e.say("Whole-company mail (SEND-2): an all-staff group", "全员群发（SEND-2）：发往全员邮件组")
	}
	e.say("  may send: %s, or holders of the permission broadcast; others: %s", "  有权群发：%s，或持有 broadcast 权限者；其他人：%s",
		e.positionWords(p.Broadcast.Positions), e.actionWord(p.Broadcast.Action))
	e.say("Group posting (SEND-3): a post the group's rule does not admit: %s; to an all-staff group: %s",
		"邮件组发信（SEND-3）：不符合该组发信规则的邮件：%s；发往全员邮件组的：%s", e.actionWord(p.GroupPost.Action), e.actionWord(p.GroupPost.AllStaffAction))
	e.say("Notices (SEND-3), the first that matches decides:", "通知类邮件（SEND-3），按顺序第一条匹配的规则决定：")
	for _, n := range p.Notices {
		from := pick(zh, "a department or shared mailbox", "部门邮箱或公共邮箱")
		if n.Sender != "" {
			from = string(n.Sender)
		}
		e.say("  %s: subjects with %s %s only from %s; others: %s", "  %s：主题含 %s %s 只能由 %s 发出；否则：%s",
			n.Name, strings.Join(n.Subjects, ", "), scope(n.Scope), from, e.actionWord(n.Action))
	}
	if len(p.Notices) == 0 {
		e.say("  none", "  无")
	}
	e.say("Skip-level mail (SEND-4): to a head above one's own head: %s by the sender's head; permitted: %s, or the permission skip-level; whole-company mail excepted",
		"越级发送（SEND-4）：发给直属负责人以上的负责人：%s（由发件人的负责人审批）；允许越级：%s，或持有 skip-level 权限者；全员邮件除外",
		e.actionWord(p.SkipLevel.Action), e.positionWords(p.SkipLevel.Positions))
	e.say("Content rules (SEND-5):", "内容规则（SEND-5）：")
	for _, c := range p.Content {
		var words []string
		if len(c.Subjects) > 0 {
			words = append(words, pick(zh, "subjects ", "主题词 ")+strings.Join(c.Subjects, ", "))
		}
		if len(c.Keywords) > 0 {
			words = append(words, pick(zh, "keywords ", "关键词 ")+strings.Join(c.Keywords, ", "))
		}
		where := scope(c.Scope)
		if c.ExternalOnly {
			where = pick(zh, "in mail going outside", "（仅发往公司外部的邮件）")
		}
		who := pick(zh, "everyone", "所有人")
		if len(c.Depts) > 0 || len(c.Members) > 0 {
			who = strings.Trim(e.deptWords(r, c.Depts)+", "+addrWords(c.Members), ", ")
		}
		reviewer := pick(zh, "the sender's head", "发件人的负责人")
		if c.Reviewer != "" {
			reviewer = string(c.Reviewer)
		}
		e.say("  %s: %s %s, from %s: %s (reviewer: %s)", "  %s：%s %s，适用于 %s：%s（审批人：%s）",
			c.Name, strings.Join(words, "; "), where, who, e.actionWord(c.Action), reviewer)
	}
	if len(p.Content) == 0 {
		e.say("  none", "  无")
	}
	e.say("External restriction (SEND-6): members %s; departments %s: %s; the permission external exempts",
		"限制外发（SEND-6）：成员 %s；部门 %s：%s；持有 external 权限者除外",
		orNone(zh, addrWords(p.External.Members)), orNone(zh, e.deptWords(r, p.External.Depts)), e.actionWord(p.External.Action))
	e.say("Inbound (IN-3): blacklist %s; whitelist %s; a member's own block wins over the whitelist, the whitelist over the blacklist, the blacklist over a member's own allow",
		"外域来信（IN-3）：黑名单 %s；白名单 %s；成员自己的黑名单优先于公司白名单，公司白名单优先于公司黑名单，公司黑名单优先于成员自己的白名单",
		orNone(zh, strings.Join(p.Blacklist, ", ")), orNone(zh, strings.Join(p.Whitelist, ", ")))
	if p.UnknownLocal == model.UnknownCatchAll {
		e.say("Unknown local addresses (IN-2): to %s, folder %s", "发往不存在地址的邮件（IN-2）：转到 %s 的 %s 文件夹", p.CatchAll, model.CatchAllFolder)
	} else {
		e.say("Unknown local addresses (IN-2): refused", "发往不存在地址的邮件（IN-2）：拒收")
	}
	for _, b := range p.Backup {
		e.say("Backup %s (MAILFX-2): %s; copies to %s since %s", "邮件备份 %s（MAILFX-2）：%s；自 %s 起复制到 %s",
			b.Name, e.backupWords(r, b, zh), b.Mailbox, b.Since.Local().Format("2006-01-02 15:04"))
	}
}

// policyEdits are the set command's knobs.
type policyEdits struct {
	file, catchAll, unknownLocal string
	threshold                    int
	broadcastAction              string
	broadcastPositions           []string
	groupPostAction, allStaffAct string
	skipLevel                    string
	skipPositions                []string
	externalAction               string
	externalAdd, externalRm      []string
	externalDept, externalDeptRm []string
	blackAdd, blackRm            []string
	whiteAdd, whiteRm            []string
	contentRule, contentRm       string
	notice, noticeRm             string
	subjects, keywords           []string
	scope, action, reviewer      string
	sender                       string
	externalOnly                 bool
	ruleDepts, ruleMembers       []string
	defaults, dryRun, asJSON     bool
}

func policySetCmd(env *Env) *cobra.Command {
	var o policyEdits
	c := &cobra.Command{
		Use:   "set [--file FILE|-] [--defaults] [knobs...] [--dry-run] [--json]",
		Short: "change the mail policy; --dry-run says what the change would do without saving it",
		Long: `Change the mail policy. Start from the saved policy (or --defaults, or a
whole policy in --file, as policy show --json prints it), then apply the
knobs. Actions are allow, hold, refuse or log (shadow mode: recorded, the
mail goes). A content rule or a notice is named with --content-rule NAME or
--notice NAME and shaped with --subjects, --keywords, --scope, --action,
--reviewer, --sender, --external-only, --dept and --member; a rule that
exists keeps what the flags leave out. Every change prints what it touches.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			var ch *model.SetMailPolicy
			err := env.Store.Read(func(r *store.Reader) error {
				base, err := r.MailPolicy()
				if err != nil {
					return err
				}
				p, err := o.apply(env, r, c, base)
				if err != nil {
					return err
				}
				ch = &model.SetMailPolicy{Policy: p, Base: &base}
				return nil
			})
			if err != nil {
				return err
			}
			errs, err := env.Store.ApplyAll(env.Actor, []model.Change{ch}, store.ApplyOptions{DryRun: o.dryRun})
			if err != nil {
				return err
			}
			if len(errs) > 0 {
				return errs[0].Err
			}
			if o.asJSON {
				return env.printJSON(struct {
					Saved bool `json:"saved"`
					model.PolicyImpact
				}{!o.dryRun, ch.Impact})
			}
			if len(ch.Impact.Lines) > 0 && ch.Impact.Lines[0] == "no change" {
				env.say("nothing to change: the mail policy stays as it is", "没有需要修改的内容：邮件规则保持不变")
				for _, l := range ch.Impact.Lines[1:] {
					env.printf("  %s\n", l)
				}
				return nil
			}
			if o.dryRun {
				env.say("dry run, nothing saved; the change would touch %d members and %d groups:", "试运行，未保存；这次修改将影响 %d 位成员、%d 个邮件组：", ch.Impact.Members, ch.Impact.Groups)
			} else {
				env.say("mail policy saved; it touches %d members and %d groups:", "邮件规则已保存；影响 %d 位成员、%d 个邮件组：", ch.Impact.Members, ch.Impact.Groups)
			}
			for _, l := range ch.Impact.Lines {
				env.printf("  %s\n", l)
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&o.file, "file", "", "the whole policy as JSON (FILE, or - for standard input), as policy show --json prints it")
	f.BoolVar(&o.defaults, "defaults", false, "start from the default policy instead of the saved one")
	f.IntVar(&o.threshold, "broadcast-threshold", 0, "internal recipients above which a message counts as whole-company (0: only all-staff groups)")
	f.StringVar(&o.broadcastAction, "broadcast-action", "", "whole-company mail from members without the right: hold, refuse, log or allow")
	f.StringSliceVar(&o.broadcastPositions, "broadcast-positions", nil, "the position classes that may send to the whole company (replaces the list)")
	f.StringVar(&o.groupPostAction, "group-post-action", "", "a post a group's rule does not admit (groups of part of the company)")
	f.StringVar(&o.allStaffAct, "group-post-all-staff-action", "", "a post an all-staff group's rule does not admit")
	f.StringVar(&o.skipLevel, "skip-level", "", "mail past one's own head: hold, refuse, log or allow")
	f.StringSliceVar(&o.skipPositions, "skip-level-positions", nil, "the position classes that may write past their head (replaces the list)")
	f.StringVar(&o.unknownLocal, "unknown-local", "", "mail for unknown local addresses: refuse or catchall")
	f.StringVar(&o.catchAll, "catchall", "", "with --unknown-local catchall: the mailbox that receives it (folder 邮件转移)")
	f.StringVar(&o.externalAction, "external-action", "", "sending outside by restricted members: refuse, hold, log or allow")
	f.StringSliceVar(&o.externalAdd, "external-add", nil, "restrict a member from sending outside")
	f.StringSliceVar(&o.externalRm, "external-rm", nil, "lift a member's restriction")
	f.StringSliceVar(&o.externalDept, "external-dept", nil, "restrict a department (with its subtree) from sending outside")
	f.StringSliceVar(&o.externalDeptRm, "external-dept-rm", nil, "lift a department's restriction")
	f.StringSliceVar(&o.blackAdd, "blacklist-add", nil, "block mail from an address or domain (example.com or @example.com)")
	f.StringSliceVar(&o.blackRm, "blacklist-rm", nil, "take an entry off the blacklist")
	f.StringSliceVar(&o.whiteAdd, "whitelist-add", nil, "always accept mail from an address or domain")
	f.StringSliceVar(&o.whiteRm, "whitelist-rm", nil, "take an entry off the whitelist")
	f.StringVar(&o.contentRule, "content-rule", "", "add or change the content rule NAME (with --subjects, --keywords, --scope, --external-only, --dept, --member, --action, --reviewer)")
	f.StringVar(&o.contentRm, "content-rm", "", "remove the content rule NAME")
	f.StringVar(&o.notice, "notice", "", "add or change the notice rule NAME (with --subjects, --scope, --sender, --action)")
	f.StringVar(&o.noticeRm, "notice-rm", "", "remove the notice rule NAME")
	f.StringSliceVar(&o.subjects, "subjects", nil, "the rule's subject words, comma-separated (replaces them)")
	f.StringSliceVar(&o.keywords, "keywords", nil, "the content rule's keywords, in the subject or the text (replaces them)")
	f.StringVar(&o.scope, "scope", "", "the rule looks at: all-staff (whole-company mail only) or any")
	f.StringVar(&o.action, "action", "", "the rule's action: hold, refuse, log or allow")
	f.StringVar(&o.reviewer, "reviewer", "", "the content rule's reviewer of held mail (default: the sender's head)")
	f.StringVar(&o.sender, "sender", "", "the notice rule's only sender ('' for any department or shared mailbox)")
	f.BoolVar(&o.externalOnly, "external-only", false, "the content rule looks only at mail going outside")
	f.StringSliceVar(&o.ruleDepts, "dept", nil, "the content rule applies to senders in this department's subtree (replaces them)")
	f.StringSliceVar(&o.ruleMembers, "member", nil, "the content rule applies to this member (replaces them)")
	f.BoolVar(&o.dryRun, "dry-run", false, "say what the change would do; save nothing")
	f.BoolVar(&o.asJSON, "json", false, "print the impact as JSON")
	return c
}

// apply makes the new policy from base and the flags.
func (o *policyEdits) apply(env *Env, r *store.Reader, c *cobra.Command, base model.MailPolicy) (model.MailPolicy, error) {
	fl := c.Flags()
	p := base
	if o.defaults {
		ds, err := r.Domains()
		if err != nil {
			return p, err
		}
		primary := ""
		if len(ds) > 0 {
			primary = ds[0].Name
		}
		p = model.DefaultMailPolicy(primary)
	}
	if o.file != "" {
		raw, err := env.readAll(o.file, 4<<20)
		if err != nil {
			return p, err
		}
		if p, err = parsePolicyDoc(r, raw); err != nil {
			return p, err
		}
	}
	// Work on copies: base is what the change is checked against.
	p.Notices = slices.Clone(p.Notices)
	p.Content = slices.Clone(p.Content)
	p.External.Members = slices.Clone(p.External.Members)
	p.External.Depts = slices.Clone(p.External.Depts)
	p.Blacklist = slices.Clone(p.Blacklist)
	p.Whitelist = slices.Clone(p.Whitelist)

	action := func(flag string, dst *model.MailAction) error {
		if !fl.Changed(flag) {
			return nil
		}
		v, _ := fl.GetString(flag)
		a, err := model.ParseMailAction(v)
		if err != nil {
			return err
		}
		*dst = a
		return nil
	}
	positions := func(flag string, dst *[]model.Position) error {
		if !fl.Changed(flag) {
			return nil
		}
		vs, _ := fl.GetStringSlice(flag)
		out := []model.Position{}
		for _, v := range vs {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			pos, err := model.ParsePosition(v)
			if err != nil {
				return err
			}
			out = append(out, pos)
		}
		*dst = out
		return nil
	}
	if fl.Changed("broadcast-threshold") {
		p.Broadcast.Threshold = o.threshold
	}
	for _, x := range []struct {
		flag string
		dst  *model.MailAction
	}{
		{"broadcast-action", &p.Broadcast.Action}, {"group-post-action", &p.GroupPost.Action},
		{"group-post-all-staff-action", &p.GroupPost.AllStaffAction}, {"skip-level", &p.SkipLevel.Action},
		{"external-action", &p.External.Action},
	} {
		if err := action(x.flag, x.dst); err != nil {
			return p, err
		}
	}
	if err := positions("broadcast-positions", &p.Broadcast.Positions); err != nil {
		return p, err
	}
	if err := positions("skip-level-positions", &p.SkipLevel.Positions); err != nil {
		return p, err
	}
	if fl.Changed("unknown-local") {
		p.UnknownLocal = model.UnknownLocal(strings.TrimSpace(o.unknownLocal))
		if p.UnknownLocal == model.UnknownRefuse && !fl.Changed("catchall") {
			p.CatchAll = ""
		}
	}
	if fl.Changed("catchall") {
		p.CatchAll = model.Address(strings.TrimSpace(o.catchAll))
	}

	// External restriction.
	for _, s := range o.externalAdd {
		a, err := addr(s)
		if err != nil {
			return p, err
		}
		if !slices.Contains(p.External.Members, a) {
			p.External.Members = append(p.External.Members, a)
		}
	}
	for _, s := range o.externalRm {
		a, err := addr(s)
		if err != nil {
			return p, err
		}
		i := slices.Index(p.External.Members, a)
		if i < 0 {
			return p, model.NotFoundf("%s is not on the external-sending restriction list", a)
		}
		p.External.Members = slices.Delete(p.External.Members, i, i+1)
	}
	for _, path := range o.externalDept {
		d, err := r.DeptByPath(path)
		if err != nil {
			return p, err
		}
		if !slices.Contains(p.External.Depts, d.ID) {
			p.External.Depts = append(p.External.Depts, d.ID)
		}
	}
	for _, path := range o.externalDeptRm {
		d, err := r.DeptByPath(path)
		if err != nil {
			return p, err
		}
		i := slices.Index(p.External.Depts, d.ID)
		if i < 0 {
			return p, model.NotFoundf("the department %s is not on the external-sending restriction list", r.DeptPath(d.ID))
		}
		p.External.Depts = slices.Delete(p.External.Depts, i, i+1)
	}

	// Block and allow lists.
	var err error
	if p.Blacklist, err = editList(p.Blacklist, o.blackAdd, o.blackRm, "blacklist"); err != nil {
		return p, err
	}
	if p.Whitelist, err = editList(p.Whitelist, o.whiteAdd, o.whiteRm, "whitelist"); err != nil {
		return p, err
	}

	// Rules.
	ruleFlags := []string{"subjects", "keywords", "scope", "action", "reviewer", "sender", "external-only", "dept", "member"}
	if o.contentRule != "" && o.notice != "" {
		return p, model.Invalidf("name either --content-rule or --notice, not both")
	}
	if o.contentRule == "" && o.notice == "" {
		for _, name := range ruleFlags {
			if fl.Changed(name) {
				return p, model.Invalidf("--%s shapes a rule: name it with --content-rule NAME or --notice NAME", name)
			}
		}
	}
	if o.contentRule != "" {
		for _, name := range []string{"sender"} {
			if fl.Changed(name) {
				return p, model.Invalidf("--%s is for notice rules, not content rules", name)
			}
		}
		name := strings.TrimSpace(o.contentRule)
		i := slices.IndexFunc(p.Content, func(c model.ContentRule) bool { return c.Name == name })
		if i < 0 {
			p.Content = append(p.Content, model.ContentRule{Name: name, Scope: model.ScopeAny, Action: model.ActionHold})
			i = len(p.Content) - 1
		}
		cr := &p.Content[i]
		if fl.Changed("subjects") {
			cr.Subjects = splitWords(o.subjects)
		}
		if fl.Changed("keywords") {
			cr.Keywords = splitWords(o.keywords)
		}
		if fl.Changed("scope") {
			cr.Scope = model.RuleScope(strings.TrimSpace(o.scope))
		}
		if err := action("action", &cr.Action); err != nil {
			return p, err
		}
		if fl.Changed("reviewer") {
			cr.Reviewer = model.Address(strings.TrimSpace(o.reviewer))
		}
		if fl.Changed("external-only") {
			cr.ExternalOnly = o.externalOnly
		}
		if fl.Changed("dept") {
			cr.Depts = nil
			for _, path := range o.ruleDepts {
				if strings.TrimSpace(path) == "" {
					continue
				}
				d, err := r.DeptByPath(path)
				if err != nil {
					return p, err
				}
				cr.Depts = append(cr.Depts, d.ID)
			}
		}
		if fl.Changed("member") {
			ms, err := addrs(o.ruleMembers)
			if err != nil {
				return p, err
			}
			cr.Members = ms
		}
	}
	if o.notice != "" {
		for _, name := range []string{"keywords", "reviewer", "external-only", "dept", "member"} {
			if fl.Changed(name) {
				return p, model.Invalidf("--%s is for content rules, not notice rules", name)
			}
		}
		name := strings.TrimSpace(o.notice)
		i := slices.IndexFunc(p.Notices, func(n model.NoticeRule) bool { return n.Name == name })
		if i < 0 {
			p.Notices = append(p.Notices, model.NoticeRule{Name: name, Scope: model.ScopeAllStaff, Action: model.ActionRefuse})
			i = len(p.Notices) - 1
		}
		n := &p.Notices[i]
		if fl.Changed("subjects") {
			n.Subjects = splitWords(o.subjects)
		}
		if fl.Changed("scope") {
			n.Scope = model.RuleScope(strings.TrimSpace(o.scope))
		}
		if err := action("action", &n.Action); err != nil {
			return p, err
		}
		if fl.Changed("sender") {
			n.Sender = model.Address(strings.TrimSpace(o.sender))
		}
	}
	if o.contentRm != "" {
		i := slices.IndexFunc(p.Content, func(c model.ContentRule) bool { return c.Name == o.contentRm })
		if i < 0 {
			return p, model.NotFoundf("there is no content rule %s; policy show lists them", o.contentRm)
		}
		p.Content = slices.Delete(p.Content, i, i+1)
	}
	if o.noticeRm != "" {
		i := slices.IndexFunc(p.Notices, func(n model.NoticeRule) bool { return n.Name == o.noticeRm })
		if i < 0 {
			return p, model.NotFoundf("there is no notice rule %s; policy show lists them", o.noticeRm)
		}
		p.Notices = slices.Delete(p.Notices, i, i+1)
	}
	return p, nil
}

// splitWords keeps the non-empty words of a comma-separated flag.
func splitWords(ws []string) []string {
	var out []string
	for _, w := range ws {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// editList adds and removes block or allow list entries.
func editList(list, add, remove []string, name string) ([]string, error) {
	add, err := model.CleanListEntries(add)
	if err != nil {
		return nil, err
	}
	remove, err = model.CleanListEntries(remove)
	if err != nil {
		return nil, err
	}
	for _, e := range remove {
		i := slices.Index(list, e)
		if i < 0 {
			return nil, model.NotFoundf("%s is not on the %s", e, name)
		}
		list = slices.Delete(list, i, i+1)
	}
	for _, e := range add {
		if !slices.Contains(list, e) {
			list = append(list, e)
		}
	}
	return list, nil
}

// explainJSON is what policy explain --json prints.
type explainJSON struct {
	Direction  string         `json:"direction"` // "out" (a member's submission) or "in" (from outside)
	Sender     string         `json:"sender,omitempty"`
	From       string         `json:"from"`
	Action     string         `json:"action"`
	Approver   string         `json:"approver,omitempty"`
	Reason     string         `json:"reason,omitempty"`
	Hits       []explainHit   `json:"hits"`
	Recipients explainRecipts `json:"recipients"`
}

type explainHit struct {
	Rule     string `json:"rule"`
	Action   string `json:"action"`
	Reason   string `json:"reason"`
	Reviewer string `json:"reviewer,omitempty"`
	Mailbox  string `json:"mailbox,omitempty"` // inbound: the mailbox the hit is for
}

type explainRecipts struct {
	Targets  []explainTarget `json:"targets"`
	Local    int             `json:"local"`
	Internal int             `json:"internal"`
	Remote   []string        `json:"remote"`
	Unknown  []string        `json:"unknown"`
	Groups   []string        `json:"groups"`
	AllStaff bool            `json:"all_staff"`
}

type explainTarget struct {
	Address string `json:"address"`
	Kind    string `json:"kind"`
	Reach   int    `json:"reach"`
}

func policyExplainCmd(env *Env) *cobra.Command {
	var from, sender, subject, text, at string
	var to []string
	var asJSON bool
	c := &cobra.Command{
		Use:   "explain --from ADDR --to ADDR [--to ADDR]... [--subject S] [--text T] [--sender ADDR] [--at TIME] [--json]",
		Short: "say what the relay would do with a message, and every rule that had a say (admins; members about their own mail)",
		Long: `Judge a message without sending it: the decision, every rule that had a
say (allowed ones too), the approver of a hold and where the recipients lead.
--from is the address the message shows; --sender is the member who sends it
when --from is a shared or department mailbox (default: the owner of --from,
else you). A --from outside the company's domains explains mail arriving
from outside. Members may explain their own mail; others' needs policy.manage.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if from == "" || len(to) == 0 {
				return model.Invalidf("policy explain needs --from ADDR and at least one --to ADDR")
			}
			fromAddr, err := addr(from)
			if err != nil {
				return err
			}
			rcpts, err := addrs(to)
			if err != nil {
				return err
			}
			now := env.Store.Now()
			if at != "" {
				if now, err = time.Parse(time.RFC3339, at); err != nil {
					return model.Invalidf("--at %q is no time: write it like 2026-11-02T09:30:00+08:00", at)
				}
			}
			lang := env.Lang
			if asJSON {
				lang = "en" // data on stdout does not depend on the language
			}
			return env.Store.Read(func(r *store.Reader) error {
				admin := model.Can(env.Actor, model.RightPolicyManage, nil, r) || model.Can(env.Actor, model.RightMailLogRead, nil, r)
				p, err := r.MailPolicy()
				if err != nil {
					return err
				}
				res, err := model.ResolveRecipients(r, p, rcpts)
				if err != nil {
					return err
				}
				out := explainJSON{From: string(fromAddr), Hits: []explainHit{}}
				if !r.IsLocal(fromAddr.Domain()) {
					if !admin {
						return env.authorize(r, model.RightPolicyManage, nil)
					}
					if err := explainInbound(r, p, fromAddr, res, &out, lang); err != nil {
						return err
					}
				} else {
					m, err := env.explainSender(r, fromAddr, sender)
					if err != nil {
						return err
					}
					if !admin && m.Address != env.Actor.Address {
						return env.authorize(r, model.RightPolicyManage, nil)
					}
					d, err := model.DecideSubmission(r, p, model.Submission{Sender: m, MailFrom: fromAddr, HeaderFrom: fromAddr,
						Rcpts: res, Subject: subject, Text: text, Now: now})
					if err != nil {
						return err
					}
					out.Direction, out.Sender = "out", string(m.Address)
					out.fill(d, lang)
				}
				out.Recipients = recipientsJSON(res)
				if asJSON {
					return env.printJSON(out)
				}
				env.printExplain(out)
				return nil
			})
		},
	}
	f := c.Flags()
	f.StringVar(&from, "from", "", "the address the message shows")
	f.StringSliceVar(&to, "to", nil, "a recipient; repeat it")
	f.StringVar(&subject, "subject", "", "the subject")
	f.StringVar(&text, "text", "", "some of the text, for keyword rules")
	f.StringVar(&sender, "sender", "", "the member who sends, when --from is a shared or department mailbox")
	f.StringVar(&at, "at", "", "judge as of this time (RFC 3339; default now), for grants with a window")
	f.BoolVar(&asJSON, "json", false, "print JSON (reasons in English)")
	return c
}

// explainSender finds the member who sends: --sender, else the owner of
// the address, else the actor.
func (e *Env) explainSender(r *store.Reader, from model.Address, sender string) (*model.Member, error) {
	if sender != "" {
		a, err := addr(sender)
		if err != nil {
			return nil, err
		}
		return r.Resolve(a)
	}
	o, ok, err := r.Owner(from)
	if err != nil {
		return nil, err
	}
	switch {
	case ok && o.Kind == model.OwnerMember:
		return r.Member(from)
	case ok && o.Kind == model.OwnerAlias:
		return r.Member(o.Member)
	case e.Actor.Address != "":
		return r.Member(e.Actor.Address)
	}
	return nil, model.Invalidf("name the member who sends as %s with --sender ADDR", from)
}

// explainInbound judges mail from outside: the groups' posting rules, then
// each mailbox's lists.
func explainInbound(r *store.Reader, p model.MailPolicy, from model.Address, res *model.Resolution, out *explainJSON, lang string) error {
	out.Direction = "in"
	d, err := model.DecideInbound(r, p, from, res)
	if err != nil {
		return err
	}
	out.fill(d, lang)
	refused := 0
	for _, mb := range res.Local {
		md, err := model.InboundCheck(r, p, from, mb)
		if err != nil {
			return err
		}
		for _, h := range md.Hits {
			out.Hits = append(out.Hits, explainHit{Rule: h.Rule, Action: string(h.Action), Reason: model.Localize(h.Reason, lang), Mailbox: string(mb.Address)})
		}
		if md.Action == model.ActionRefuse {
			refused++
			if out.Action == string(model.ActionAllow) {
				out.Reason = model.Localize(md.Reason, lang)
			}
		}
	}
	// A mailbox that refuses the sender is left out; the message is refused
	// only when every mailbox refuses it.
	if refused > 0 && refused == len(res.Local) && out.Action == string(model.ActionAllow) {
		out.Action = string(model.ActionRefuse)
	} else if out.Action == string(model.ActionAllow) {
		out.Reason = ""
	}
	return nil
}

// fill copies a decision, its reasons told in lang.
func (o *explainJSON) fill(d model.Decision, lang string) {
	o.Action, o.Approver = string(d.Action), string(d.Approver)
	o.Reason = ""
	if d.Reason != nil {
		o.Reason = model.Localize(d.Reason, lang)
	}
	o.Hits = o.Hits[:0]
	for _, h := range d.Hits {
		eh := explainHit{Rule: h.Rule, Action: string(h.Action), Reviewer: string(h.Reviewer)}
		if h.Reason != nil {
			eh.Reason = model.Localize(h.Reason, lang)
		}
		o.Hits = append(o.Hits, eh)
	}
}

func recipientsJSON(res *model.Resolution) explainRecipts {
	out := explainRecipts{Targets: []explainTarget{}, Local: len(res.Local), Internal: res.Internal, Remote: []string{}, Unknown: []string{},
		Groups: []string{}, AllStaff: res.AllStaff}
	for _, t := range res.Targets {
		out.Targets = append(out.Targets, explainTarget{Address: string(t.Address), Kind: string(t.Kind), Reach: t.Reach})
	}
	for _, a := range res.Remote {
		out.Remote = append(out.Remote, string(a))
	}
	for _, a := range res.Unknown {
		out.Unknown = append(out.Unknown, string(a))
	}
	for _, a := range res.Groups {
		out.Groups = append(out.Groups, string(a))
	}
	return out
}

// printExplain prints an explanation in words.
func (e *Env) printExplain(x explainJSON) {
	zh := assets.IsChinese(e.Lang)
	verdict := e.actionWord(model.MailAction(x.Action))
	if x.Direction == "in" {
		e.say("mail from outside, from %s: %s", "来自外部 %s 的邮件：%s", x.From, verdict)
	} else {
		e.say("mail from %s (sent by %s): %s", "以 %s 名义发出（发件人 %s）的邮件：%s", x.From, x.Sender, verdict)
	}
	if x.Approver != "" {
		e.say("approver: %s", "审批人：%s", x.Approver)
	}
	if x.Reason != "" {
		e.say("why: %s", "原因：%s", x.Reason)
	}
	rc := x.Recipients
	e.say("recipients: %d local mailboxes (%d people), %d outside, %d unknown; whole company: %s",
		"收件人：本地邮箱 %d 个（其中成员 %d 人），外部 %d 个，不存在 %d 个；全员邮件：%s",
		rc.Local, rc.Internal, len(rc.Remote), len(rc.Unknown), yesNo(zh, rc.AllStaff))
	var rows [][]string
	for _, t := range rc.Targets {
		rows = append(rows, []string{"  " + t.Address, t.Kind, fmt.Sprint(t.Reach)})
	}
	e.table([]string{pick(zh, "  RECIPIENT", "  收件人"), pick(zh, "KIND", "类型"), pick(zh, "MAILBOXES", "邮箱数")}, rows)
	e.say("rules:", "规则：")
	rows = nil
	for _, h := range x.Hits {
		who := h.Reason
		if h.Mailbox != "" {
			who = h.Mailbox + ": " + who
		}
		rows = append(rows, []string{"  " + h.Action, h.Rule, who})
	}
	if len(rows) == 0 {
		e.say("  none had a say", "  没有规则适用")
		return
	}
	e.table([]string{pick(zh, "  ACTION", "  处理"), pick(zh, "RULE", "规则"), pick(zh, "WHY", "原因")}, rows)
}

func policyFilterCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "filter", Short: "a member's own block and allow lists for mail from outside (IN-3)"}
	var asJSON bool
	show := &cobra.Command{
		Use:   "show [ADDR] [--json]",
		Short: "show a member's own lists (default: yours)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a := env.Actor.Address
			if len(args) == 1 {
				var err error
				if a, err = addr(args[0]); err != nil {
					return err
				}
			}
			return env.Store.Read(func(r *store.Reader) error {
				m, err := r.Member(a)
				if err != nil {
					return err
				}
				if !model.CanSee(env.Actor, m, r) {
					return env.authorize(r, model.RightMemberRead, model.Scope(m.Depts))
				}
				out := struct {
					Address string   `json:"address"`
					Block   []string `json:"block"`
					Allow   []string `json:"allow"`
				}{string(m.Address), append([]string{}, m.Filter.Block...), append([]string{}, m.Filter.Allow...)}
				if asJSON {
					return env.printJSON(out)
				}
				zh := assets.IsChinese(env.Lang)
				env.say("%s blocks: %s", "%s 拒收：%s", m.Address, orNone(zh, strings.Join(out.Block, ", ")))
				env.say("%s accepts: %s", "%s 允许：%s", m.Address, orNone(zh, strings.Join(out.Allow, ", ")))
				return nil
			})
		},
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	var block, unblock, allow, unallow []string
	set := &cobra.Command{
		Use:   "set [ADDR] [--block X]... [--unblock X]... [--allow X]... [--unallow X]...",
		Short: "change a member's own lists (default: yours); X is an address or a domain",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a := env.Actor.Address
			if len(args) == 1 {
				var err error
				if a, err = addr(args[0]); err != nil {
					return err
				}
			}
			if err := env.apply(&model.SetMailFilter{Address: a, BlockAdd: block, BlockRemove: unblock, AllowAdd: allow, AllowRemove: unallow}); err != nil {
				return err
			}
			env.say("the lists of %s are saved", "%s 的收信名单已保存", a)
			return nil
		},
	}
	set.Flags().StringSliceVar(&block, "block", nil, "refuse mail from this address or domain")
	set.Flags().StringSliceVar(&unblock, "unblock", nil, "take an entry off the block list")
	set.Flags().StringSliceVar(&allow, "allow", nil, "accept mail from this address or domain")
	set.Flags().StringSliceVar(&unallow, "unallow", nil, "take an entry off the allow list")
	c.AddCommand(show, set)
	return c
}
