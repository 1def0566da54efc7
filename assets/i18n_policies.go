package assets

// PoliciesText is the Policies pane's strings: the mail policy's rules,
// the save's confirmation with its impact, and the explain box.
type PoliciesText struct {
	Title, Refused, ReadOnly, Unsaved, Saved0, Saved string

	// Sections and their rows.
	SecBroadcast, SecGroupPost, SecNotices, SecSkipLevel, SecContent string
	SecExternal, SecBlacklist, SecWhitelist, SecUnknown              string
	// SecBackup lists the backup rules (MAILFX-2): each rule's conditions
	// in BackupFrom, BackupTo, BackupDepts and BackupDir (each takes its
	// values), its copies' mailbox in BackupInto.
	SecBackup, BackupFrom, BackupTo, BackupDepts, BackupDir, BackupInto, HintBackup string
	Action, Threshold, Classes, Exempt, Members, Depts, CatchAll                    string
	PartGroups, AllGroups, PartGroup, AllGroup                                      string
	BroadcastNote, PartGroupsNote, AllGroupsNote                                    string
	SkipLevelNote, ExternalNote                                                     string
	// GroupRule takes who may post and the kind of group; NoticeNote the
	// subject words, the scope and the sender; Senders a count of
	// departments and of members; Reviewer an address; ThresholdN a
	// number; UnknownCatchAll the folder.
	GroupRule, NoticeNote, Senders, Reviewer, ThresholdN, ThresholdOff string
	NoRules, AnyDeptMailbox, ExternalOnly, ScopeAllStaff, ScopeAny     string
	PostListed, AddEntry, UnknownRefuse, UnknownCatchAll, ListSep      string

	// Hints under the selected row, and a typed mistake.
	HintAction, HintThreshold, HintClasses, HintEntry, HintAdd string
	HintChoice, HintCatchAll, BadThreshold                     string

	// The save: Touches takes the members and the groups the change
	// reaches.
	PreviewTitle, Checking, Touches, SaveYesNo, PreviewBack string

	// The explain box. Verdict takes the action, ApprovedBy an address,
	// Why the reason, Reach the kind of mail and the local mailboxes,
	// outside addresses and unknown addresses it reaches, UnknownRefused
	// the unknown addresses, UnknownToCatchAll those and the catch-all
	// mailbox, Hits a count.
	ExplainTitle, ExplainFrom, ExplainTo, ExplainSubject, ExplainAccount string
	ExplainText, HintText                                                string
	HintFrom, HintTo, HintSubject, HintAccount, NeedTo, ExplainIntro     string
	Verdict, ApprovedBy, WithDraft, Why, Outgoing, Incoming, Reach       string
	AllStaffHit, UnknownRefused, UnknownToCatchAll, Hits, NoHits         string
	// More says which lines of a long answer show: first, last, in all.
	More string
	// Rule kinds without a section of their own.
	RuleSender, RuleNotice, RuleContent, RuleApprover, RuleOwnBlock, RuleOwnAllow string

	// Keys.
	KeyCycle, KeyEdit, KeyAdd, KeyRemove, KeySave, KeyUndo, KeyDone, KeyJudge string

	// Sig is the Signature section and its preview box.
	Sig SignatureText
}

var policiesZH = PoliciesText{
	Sig:   signatureZH,
	Title: "邮件策略", Refused: "只有管理员和审计员可以查看邮件策略。", ReadOnly: "只读",
	Unsaved: "有未保存的修改：ctrl+s 保存，esc 放弃", Saved0: "当前生效", Saved: "邮件策略已保存",

	SecBroadcast: "全员群发", SecGroupPost: "邮件组发信", SecNotices: "通知类邮件", SecSkipLevel: "越级发信",
	SecContent: "内容规则", SecExternal: "外发限制", SecBlacklist: "黑名单（外来邮件）", SecWhitelist: "白名单（外来邮件）",
	SecUnknown: "不存在的本地地址",
	SecBackup:  "邮件备份", BackupFrom: "发件人 %s", BackupTo: "收件人 %s", BackupDepts: "部门 %s", BackupDir: "方向 %s",
	BackupInto: "复制到 %s", HintBackup: "D 删除此规则；添加规则请用命令 policy backup add",
	Action: "处理方式", Threshold: "人数阈值", Classes: "可群发的岗位", Exempt: "不受限的岗位", Members: "受限成员",
	Depts: "受限部门", CatchAll: "收件邮箱",
	PartGroups: "普通邮件组", AllGroups: "全员邮件组", PartGroup: "普通组", AllGroup: "全员组",
	BroadcastNote:  "无权限者发给全员的邮件",
	PartGroupsNote: "不符合组规则的来信",
	AllGroupsNote:  "不符合组规则的来信",
	SkipLevelNote:  "越过直属负责人写给上级负责人的邮件",
	ExternalNote:   "名单内的人发往公司以外的邮件",
	GroupRule:      "%s可发（%s）", NoticeNote: "%s · %s · 只能由 %s 发出",
	Senders: "限 %d 个部门、%d 名成员", Reviewer: "审核人 %s",
	ThresholdN: "超过 %d 个内部收件人算全员群发", ThresholdOff: "只把全员邮件组算作全员群发",
	NoRules: "（无规则）", AnyDeptMailbox: "部门或公共邮箱", ExternalOnly: "仅发往外部时",
	ScopeAllStaff: "全员邮件", ScopeAny: "所有邮件",
	PostListed: "名单内发件人", AddEntry: "+ 添加…", UnknownRefuse: "拒收",
	UnknownCatchAll: "转入收件邮箱的“%s”文件夹", ListSep: "、",

	HintAction:    "空格切换：放行 → 只记录 → 扣留待审 → 拒绝",
	HintThreshold: "回车修改；0 表示只看全员邮件组",
	HintClasses:   "回车修改：岗位类别，用逗号或顿号分隔，如 O级及以上领导、秘书",
	HintEntry:     "D 删除此条，n 添加",
	HintAdd:       "回车添加：邮箱地址（如 lishi@example.com）或整个域名（如 example.com）",
	HintChoice:    "空格切换：拒收 / 转入收件邮箱",
	HintCatchAll:  "回车修改：成员、公共邮箱或部门邮箱的地址",
	BadThreshold:  "人数阈值请填 0 或正整数",

	PreviewTitle: "保存前确认", Checking: "正在核对这次修改的影响…",
	Touches:     "这次修改影响 %d 名成员、%d 个邮件组：",
	SaveYesNo:   "保存并立即生效？y/n",
	PreviewBack: "esc 返回修改",

	ExplainTitle: "判定说明：这封邮件会怎样处理", ExplainFrom: "发件人", ExplainTo: "收件人", ExplainSubject: "主题",
	ExplainAccount: "实际发送人",
	HintFrom:       "发件地址；外部地址按外来邮件判定",
	HintTo:         "一个或多个地址，用逗号分隔；可以是邮件组",
	HintSubject:    "可留空",
	HintAccount:    "以公共或部门邮箱发信时，填实际发信的成员；留空则为发件地址的主人，或您自己",
	ExplainText:    "正文片段",
	HintText:       "可留空；关键词规则也看正文",
	NeedTo:         "请至少填一个收件人",
	ExplainIntro:   "填好后按 ctrl+s（或在最后一栏按回车），这里会列出判定结果和每一条起作用的规则。",
	Verdict:        "判定：%s", ApprovedBy: "审批人 %s", WithDraft: "（按尚未保存的草稿判定）", Why: "原因：%s",
	Outgoing: "内部发出", Incoming: "外来邮件",
	Reach:          "%s：本地邮箱 %d 个，外部地址 %d 个，不存在的本地地址 %d 个",
	AllStaffHit:    "收件人中有全员邮件组",
	UnknownRefused: "%s 不存在，将被拒收", UnknownToCatchAll: "%s 不存在，转入 %s",
	Hits: "起作用的规则（%d）", NoHits: "没有规则起作用：邮件直接放行",
	More:       "第 %d-%d 行，共 %d 行（pgdn 往下看）",
	RuleSender: "发件人绑定", RuleNotice: "通知", RuleContent: "内容规则", RuleApprover: "审批人",
	RuleOwnBlock: "收件人的个人黑名单", RuleOwnAllow: "收件人的个人白名单",

	KeyCycle: "切换", KeyEdit: "修改", KeyAdd: "添加", KeyRemove: "删除", KeySave: "保存", KeyUndo: "放弃修改",
	KeyDone: "确定", KeyJudge: "判定",
}

var policiesEN = PoliciesText{
	Sig:   signatureEN,
	Title: "Mail policy", Refused: "Only admins and auditors may see the mail policy.", ReadOnly: "read-only",
	Unsaved: "unsaved changes: ctrl+s saves, esc drops them", Saved0: "in force", Saved: "mail policy saved",

	SecBroadcast: "Whole-company mail", SecGroupPost: "Group posting", SecNotices: "Notices", SecSkipLevel: "Skip-level mail",
	SecContent: "Content rules", SecExternal: "External restriction", SecBlacklist: "Blacklist (mail from outside)",
	SecWhitelist: "Whitelist (mail from outside)", SecUnknown: "Unknown local addresses",
	SecBackup: "Backup copies", BackupFrom: "from %s", BackupTo: "to %s", BackupDepts: "departments %s", BackupDir: "direction %s",
	BackupInto: "copies to %s", HintBackup: "D removes this rule; add rules with the command policy backup add",
	Action: "Action", Threshold: "Threshold", Classes: "Permitted classes", Exempt: "Exempt classes", Members: "Members",
	Depts: "Departments", CatchAll: "Catch-all",
	PartGroups: "Other groups", AllGroups: "All-staff groups", PartGroup: "group", AllGroup: "all staff",
	BroadcastNote:  "mail to the whole company from those without the right",
	PartGroupsNote: "posts the group's rule does not admit",
	AllGroupsNote:  "posts the group's rule does not admit",
	SkipLevelNote:  "mail past one's own head to a head above",
	ExternalNote:   "mail outside the company from those listed",
	GroupRule:      "%s may post (%s)", NoticeNote: "%s · %s · only from %s",
	Senders: "departments: %d, members: %d", Reviewer: "reviewer %s",
	ThresholdN: "more than %d internal recipients count as the whole company", ThresholdOff: "only all-staff groups count",
	NoRules: "(no rules)", AnyDeptMailbox: "a department or shared mailbox", ExternalOnly: "going outside only",
	ScopeAllStaff: "whole-company mail", ScopeAny: "any mail",
	PostListed: "listed senders", AddEntry: "+ add…", UnknownRefuse: "refuse",
	UnknownCatchAll: "to the catch-all mailbox, folder %s", ListSep: ", ",

	HintAction:    "space cycles: allow → log only → hold → refuse",
	HintThreshold: "enter to change; 0 counts all-staff groups only",
	HintClasses:   "enter to change: position classes, comma-separated, e.g. executive, secretary",
	HintEntry:     "D removes this entry, n adds one",
	HintAdd:       "enter to add: an address (lishi@example.com) or a whole domain (example.com)",
	HintChoice:    "space cycles: refuse / to the catch-all mailbox",
	HintCatchAll:  "enter to change: a member, shared or department mailbox",
	BadThreshold:  "give 0 or a positive whole number",

	PreviewTitle: "Before saving", Checking: "working out what the change does…",
	Touches:     "What this change reaches (members: %d, groups: %d):",
	SaveYesNo:   "Save it now? It takes effect at once. y/n",
	PreviewBack: "esc goes back to the draft",

	ExplainTitle: "Explain: how would this message be judged", ExplainFrom: "From", ExplainTo: "To", ExplainSubject: "Subject",
	ExplainAccount: "Sent by",
	HintFrom:       "the sender's address; an outside address is judged as mail from outside",
	HintTo:         "one or more addresses, comma-separated; groups too",
	HintSubject:    "may be empty",
	HintAccount:    "for a shared or department mailbox: the member who sends; empty: the address's owner, or you",
	ExplainText:    "Some text",
	HintText:       "may be empty; keyword rules read the text too",
	NeedTo:         "name at least one recipient",
	ExplainIntro:   "Fill it in and press ctrl+s (or enter on the last field): the decision and every rule that had a say appear here.",
	Verdict:        "Decision: %s", ApprovedBy: "approver %s", WithDraft: "(judged by the unsaved draft)", Why: "Why: %s",
	Outgoing: "from inside", Incoming: "from outside",
	Reach:          "%s — local mailboxes: %d, outside addresses: %d, unknown local addresses: %d",
	AllStaffHit:    "an all-staff group is among the recipients",
	UnknownRefused: "%s: no such address, refused", UnknownToCatchAll: "%s: no such address, to %s",
	Hits: "Rules that had a say (%d)", NoHits: "no rule had a say: the mail goes",
	More:       "lines %d-%d of %d (pgdn for more)",
	RuleSender: "sender binding", RuleNotice: "notice", RuleContent: "content rule", RuleApprover: "approver",
	RuleOwnBlock: "the recipient's own block list", RuleOwnAllow: "the recipient's own allow list",

	KeyCycle: "cycle", KeyEdit: "edit", KeyAdd: "add", KeyRemove: "remove", KeySave: "save", KeyUndo: "drop changes",
	KeyDone: "done", KeyJudge: "judge",
}

// ImpactFormats lists the lines a mail-policy change's impact
// (model.MailPolicy.Impact) is told in, each English format with its
// Chinese form; where several formats could match a line, the more
// particular comes first. The table is never written after start-up.
func ImpactFormats() [][2]string { return impactPairs }

// ImpactWord translates a word an impact line takes as an argument (an
// action, a rule's name), and reports whether it knows it.
func ImpactWord(english string) (string, bool) {
	zh, ok := impactWordsZH[english]
	return zh, ok
}

var impactPairs = [][2]string{
	{"%s: %d members in %s may now send to the whole company", "%s：%d 名 %s 岗位的成员现在可以发全员邮件"},
	{"%s: %d members in %s may no longer send to the whole company", "%s：%d 名 %s 岗位的成员不能再发全员邮件"},
	{"%s: %d members in %s may now write past their own head", "%s：%d 名 %s 岗位的成员现在可以越级发信"},
	{"%s: %d members in %s may no longer write past their own head", "%s：%d 名 %s 岗位的成员不能再越级发信"},
	{"broadcast: only all-staff groups now count as whole-company mail (was more than %d recipients)",
		"全员群发：现在只有全员邮件组算作全员群发（原为超过 %d 个收件人）"},
	{"broadcast: mail to more than %d internal recipients now counts as whole-company mail (was %d)",
		"全员群发：发给超过 %d 个内部收件人的邮件现在算作全员群发（原为 %d）"},
	{"broadcast: whole-company mail from members without the right is now %s (was %s)",
		"全员群发：无权限成员的全员邮件现在将被%s（原为%s）"},
	{"group posting: in %d all-staff groups, posts the group's rule does not admit are now %s (was %s)",
		"邮件组发信：%d 个全员邮件组中，不符合组规则的来信现在将被%s（原为%s）"},
	{"group posting: in %d other groups, posts the group's rule does not admit are now %s (was %s)",
		"邮件组发信：%d 个普通邮件组中，不符合组规则的来信现在将被%s（原为%s）"},
	{"notice %s added: %s", "新增通知规则 %s：%s"},
	{"notice %s changed: %s", "修改通知规则 %s：%s"},
	{"notice %s removed", "删除通知规则 %s"},
	{"notices: the order changed (the first matching notice decides)", "通知规则：顺序改变（按第一条匹配的规则处理）"},
	{"subjects with %s to the whole company only from %s, others %s", "主题含 %s 的全员邮件只能由 %s 发出，其他人发的将被%s"},
	{"subjects with %s to anyone only from %s, others %s", "主题含 %s 的邮件只能由 %s 发出，其他人发的将被%s"},
	{"skip-level: mail past one's own head is now %s (was %s)", "越级发信：越级邮件现在将被%s（原为%s）"},
	{"content rule %s changed: %d members, %s", "修改内容规则 %s：涉及 %d 名成员，%s"},
	{"content rule %s added: %d members, %s", "新增内容规则 %s：涉及 %d 名成员，%s"},
	{"content rule %s removed: %d members no longer checked for %s", "删除内容规则 %s：%d 名成员的邮件不再检查 %s"},
	{"words %s in whole-company mail in mail going outside now %s", "全员邮件和外发邮件中含 %s 的现在将被%s"},
	{"words %s in whole-company mail now %s", "全员邮件中含 %s 的现在将被%s"},
	{"words %s in mail going outside now %s", "外发邮件中含 %s 的现在将被%s"},
	{"words %s now %s", "含 %s 的邮件现在将被%s"},
	{"external restriction: %d members in %d departments and %d listed now %s when sending outside",
		"外发限制：%d 名成员（%d 个部门及 %d 名单独列出的成员）发往外部的邮件现在将被%s"},
	{"external restriction: %d members now %s when sending outside (departments listed: %d, with their subtrees; members listed: %d)",
		"外发限制：%d 名成员发往外部的邮件现在将被%s（列出的部门 %d 个，含下级部门；列出的成员 %d 名）"},
	{"external restriction: %d members may send outside again", "外发限制：%d 名成员恢复对外发信"},
	{"external restriction: %d restricted members are now %s when sending outside (was %s)",
		"外发限制：%d 名受限成员发往外部的邮件现在将被%s（原为%s）"},
	{"unknown local addresses: their mail now goes to %s, folder %s", "不存在的本地地址：邮件现在转入 %s 的“%s”文件夹"},
	{"unknown local addresses: their mail is now refused", "不存在的本地地址：邮件现在将被拒收"},
	{"backup %s: matching mail now also goes to %s, from the moment this is saved", "备份规则 %s：符合的邮件从保存时起也发往 %s"},
	{"backup %s removed: mail is no longer copied to %s", "已删除备份规则 %s：邮件不再复制到 %s"},
	{"signature: members' mail no longer gets the enterprise signature", "签名档：成员的邮件不再附加企业签名档"},
	{"signature: members' mail now gets the enterprise signature as set", "签名档：成员的邮件现在附加所设的企业签名档"},
	{"signature: members may now turn it off for their own mail", "签名档：成员现在可以为自己的邮件关闭签名档"},
	{"signature: members may no longer turn it off; it goes on everyone's mail", "签名档：成员不能再关闭签名档；所有人的邮件都附加"},
	{"%s: %s added", "%s：添加 %s"},
	{"%s: %s removed", "%s：删除 %s"},
}

var impactWordsZH = map[string]string{
	"allowed": "放行", "held": "扣留待审", "refused": "拒绝", "logged only": "只记录",
	"broadcast": "全员群发", "skip-level": "越级发信", "blacklist": "黑名单", "whitelist": "白名单",
	"a department or shared mailbox": "部门或公共邮箱", "(none)": "（无）", "no change": "没有改变",
}
