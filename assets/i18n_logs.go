package assets

// LogsText is the Logs pane's strings: the operation log and the login log,
// their filters, a record's detail, export and the chain check.
type LogsText struct {
	Title string
	// My mail: the person's own sent mail and what became of it. MyMail
	// names the pane, MyMailDetail titles a message (when it was sent),
	// MyMailNewest says the list is the newest N.
	MyMail, MyMailIntro, MyMailEmpty, MyMailDetail, MyMailNewest string
	OpView                                                       string // the operation log's tab
	LoginView                                                    string // the login log's tab
	Refused                                                      string // shown to anyone without the right to read the logs

	// Column headings, also the CSV header.
	ColSeq, ColTime, ColActor, ColName, ColRoles, ColDoor, ColSource string
	ColOp, ColTarget, ColNotes, ColHash, ColAccount, ColSite         string
	ColMethod, ColResult, ColReason                                  string

	// Login results ("%s": the reason) and methods.
	ResultOK, ResultRefused, ResultRefusedWhy                string
	MethodSSHKey, MethodSSHPassword, MethodSMTP, MethodLocal string

	// The list: Rows and RowsMore take the first and last row shown and
	// how many there are.
	Empty, Rows, RowsMore, LoadingMore string

	// The filter form; the Bad* errors take the value as typed.
	FilterTitle, FilterPerson, FilterAccount               string
	FilterSince, FilterUntil, FilterDoor, FilterFailed     string
	HintPerson, HintSince, HintUntil, HintDoor, HintFailed string
	BadAddress, BadTime, BadDoor, BadRange                 string

	// The filter line above the list; the Show* strings take a value.
	NoFilter, FilterLead                                   string
	ShowPerson, ShowSince, ShowUntil, ShowDoor, ShowFailed string

	// The chain check: VerifyOK takes the record count, VerifyBad the
	// first bad record, VerifyWhy the reason; VerifyHead goes above the
	// head hash.
	Verifying, VerifyOK, VerifyHead, VerifyBad, VerifyWhy string
	VerifyOKOne                                           string // VerifyOK for one record

	// Export.
	Exporting, NoExport string

	// A record's detail: DetailOp and DetailLogin take the record's
	// number, Changes a count, Fields the changed fields, Lines the first
	// and last line shown and how many there are.
	DetailOp, DetailLogin, Prev, Changes, Fields, Before, After string
	Created, Deleted, NoNotes, Lines                            string

	// The mail log (LOG-3) and the top senders and receivers (LOG-4).
	// MailRefused is shown to anyone without maillog.read.
	MailView, TopView, MailRefused                                    string
	ColFrom, ColTo, ColSubject, ColStatus, ColKind, ColSize, ColRules string
	ColSystem, ColCount                                               string
	// The mail log's filter; BadKind takes the kind as typed, ShowSubject
	// and ShowKind a value.
	FilterSubject, FilterKind, HintMailAccount, HintSubject, HintKind string
	BadKind, ShowSubject, ShowKind                                    string
	// A mail record's detail: DetailMail takes the id, ToAll a count,
	// ToMore how many of how many are listed.
	DetailMail, ToAll, ToMore, History string
	// ReasonLine is the selected message's reason under the list.
	ReasonLine string
	// The top lists: RangeDays takes a number of days, RangeFrom a date.
	RangeLead, RangeToday, RangeDays, RangeFrom, KeyRange string
	TopSenders, TopReceivers, TopEmpty                    string
}

var logsZH = LogsText{
	MyMail: "我的邮件", MyMailIntro: "您发出的邮件：是否送达、是否被扣留或拒收、被对方退回，以及原因",
	MyMailEmpty: "日志里还没有您发出的邮件。", MyMailDetail: "%s 发出的邮件", MyMailNewest: "只显示最近 %d 封",
	Title: "日志", OpView: "操作日志", LoginView: "登录日志",
	Refused: "只有管理员和审计员可以查看日志。",

	ColSeq: "序号", ColTime: "时间", ColActor: "操作人", ColName: "姓名", ColRoles: "角色", ColDoor: "入口", ColSource: "来源",
	ColOp: "操作", ColTarget: "对象", ColNotes: "备注", ColHash: "哈希", ColAccount: "账号", ColSite: "站点",
	ColMethod: "方式", ColResult: "结果", ColReason: "原因",

	ResultOK: "成功", ResultRefused: "拒绝", ResultRefusedWhy: "拒绝：%s",
	MethodSSHKey: "SSH 公钥", MethodSSHPassword: "SSH 密码", MethodSMTP: "SMTP", MethodLocal: "本地",
	Empty: "没有符合条件的记录。", Rows: "第 %d-%d 条，共 %d 条", RowsMore: "第 %d-%d 条，已加载 %d 条，往下还有更早的记录",
	LoadingMore: "正在加载更早的记录…",

	FilterTitle: "筛选日志", FilterPerson: "操作人", FilterAccount: "账号",
	FilterSince: "起始时间", FilterUntil: "截止时间", FilterDoor: "入口", FilterFailed: "仅看失败",
	HintPerson: "完整的邮箱地址；留空为所有人",
	HintSince:  "如 2026-11-28、2026-11-28 09:30 或 RFC 3339；留空不限",
	HintUntil:  "格式同上；只写日期时包含当天全天；留空不限",
	HintDoor:   "cli、ssh、tui、smtp 或 system；留空为全部",
	HintFailed: "空格切换 是/否",
	BadAddress: "“%s”不是邮箱地址",
	BadTime:    "看不懂“%s”：请照 2026-11-28 09:30 这样写",
	BadDoor:    "没有入口“%s”：可选 cli ssh tui smtp system",
	BadRange:   "截止时间必须晚于起始时间",
	NoFilter:   "未筛选（按 / 筛选）", FilterLead: "筛选：",
	ShowPerson: "人员 %s", ShowSince: "自 %s", ShowUntil: "至 %s", ShowDoor: "入口 %s", ShowFailed: "仅失败",

	Verifying:   "正在校验操作日志链…",
	VerifyOK:    "校验通过：操作日志链完整，共 %d 条记录。",
	VerifyOKOne: "校验通过：操作日志链完整，共 %d 条记录。",
	VerifyHead:  "末条哈希（请记下，日后可据此发现改写）：",
	VerifyBad:   "校验失败：操作日志链在第 %d 条记录处断开。",
	VerifyWhy:   "原因：%s",
	Exporting:   "正在导出…",
	NoExport:    "这个会话无处保存导出文件：请改用命令行 postroom log ops 或 postroom log login。",

	DetailOp: "操作记录 #%d", DetailLogin: "登录记录 #%d", Prev: "上一条哈希", Changes: "变更（%d 项）",
	Before: "之前", After: "之后", Created: "（无：新建）", Deleted: "（无：已删除）", NoNotes: "（无备注）",
	Lines: "第 %d-%d 行，共 %d 行", Fields: "变化的字段：%s",

	MailView: "邮件日志", TopView: "收发排行", MailRefused: "只有管理员和审计员可以查看邮件日志。",
	ColFrom: "发件人", ColTo: "收件人", ColSubject: "主题", ColStatus: "状态", ColKind: "类别", ColSize: "大小（字节）",
	ColRules: "触发规则", ColSystem: "系统", ColCount: "收件人数",
	FilterSubject: "主题含", FilterKind: "类别或状态",
	HintMailAccount: "发件账号或任一收件地址；留空为全部",
	HintSubject:     "主题中包含的文字，不分大小写；留空不限",
	HintKind:        "外来 外发 内部，或 待审 已拒收 已投递 已退信 延迟 已放行 已退回 等（也可写英文）",
	BadKind:         "没有类别“%s”：可写 外来、外发、内部、待审、已拒收、已投递、已退信 等",
	ShowSubject:     "主题含 %s", ShowKind: "类别 %s",
	DetailMail: "邮件记录 %s", ToAll: "收件人（共 %d 位）", ToMore: "只记录了前 %d 位，共 %d 位", History: "经过",
	ReasonLine: "原因：%s",
	RangeLead:  "范围：", RangeToday: "今天", RangeDays: "近 %d 天", RangeFrom: "自 %s 起", KeyRange: "切换范围",
	TopSenders: "发件最多", TopReceivers: "收件最多", TopEmpty: "这段时间没有邮件往来。",
}

var logsEN = LogsText{
	MyMail: "My mail", MyMailIntro: "Mail you sent: delivered, held, refused or bounced, and why",
	MyMailEmpty: "The log holds no mail sent from your account yet.", MyMailDetail: "Message sent %s", MyMailNewest: "the newest %d",
	Title: "Logs", OpView: "Operation log", LoginView: "Login log",
	Refused: "Only administrators and auditors can read the logs.",

	ColSeq: "Seq", ColTime: "Time", ColActor: "Actor", ColName: "Name", ColRoles: "Roles", ColDoor: "Door", ColSource: "Source",
	ColOp: "Operation", ColTarget: "Target", ColNotes: "Notes", ColHash: "Hash", ColAccount: "Account", ColSite: "Site",
	ColMethod: "Method", ColResult: "Result", ColReason: "Reason",

	ResultOK: "ok", ResultRefused: "refused", ResultRefusedWhy: "refused: %s",
	MethodSSHKey: "SSH key", MethodSSHPassword: "SSH password", MethodSMTP: "SMTP", MethodLocal: "local",
	Empty: "No records match.", Rows: "%d-%d of %d", RowsMore: "%d-%d of %d loaded; older records follow",
	LoadingMore: "loading older records…",

	FilterTitle: "Filter the log", FilterPerson: "Actor", FilterAccount: "Account",
	FilterSince: "Since", FilterUntil: "Until", FilterDoor: "Door", FilterFailed: "Failed only",
	HintPerson: "a full mail address; empty for everyone",
	HintSince:  "e.g. 2026-11-28, 2026-11-28 09:30 or RFC 3339; empty for no limit",
	HintUntil:  "as above; a date alone includes that whole day; empty for no limit",
	HintDoor:   "cli, ssh, tui, smtp or system; empty for all",
	HintFailed: "space switches yes/no",
	BadAddress: "\"%s\" is not a mail address",
	BadTime:    "cannot read \"%s\": write it like 2026-11-28 09:30",
	BadDoor:    "no door \"%s\": use cli, ssh, tui, smtp, system",
	BadRange:   "the end must come after the start",
	NoFilter:   "no filter (/ to filter)", FilterLead: "Filter: ",
	ShowPerson: "person %s", ShowSince: "since %s", ShowUntil: "until %s", ShowDoor: "door %s", ShowFailed: "failed only",

	Verifying:   "verifying the operation log chain…",
	VerifyOK:    "Verified: the operation log chain is intact, %d records.",
	VerifyOKOne: "Verified: the operation log chain is intact, %d record.",
	VerifyHead:  "Head hash (note it down: it shows a later rewrite):",
	VerifyBad:   "Verification FAILED: the operation log chain breaks at record %d.",
	VerifyWhy:   "Why: %s",
	Exporting:   "exporting…",
	NoExport:    "This session has nowhere to save an export: use the command line instead, postroom log ops or postroom log login.",

	DetailOp: "Operation #%d", DetailLogin: "Login #%d", Prev: "Previous hash", Changes: "Changes (%d)",
	Before: "Before", After: "After", Created: "(none: created)", Deleted: "(none: deleted)", NoNotes: "(no notes)",
	Lines: "lines %d-%d of %d", Fields: "Fields changed: %s",

	MailView: "Mail log", TopView: "Top senders", MailRefused: "Only administrators and auditors can read the mail log.",
	ColFrom: "From", ColTo: "To", ColSubject: "Subject", ColStatus: "Status", ColKind: "Kind", ColSize: "Size (bytes)",
	ColRules: "Rules", ColSystem: "System", ColCount: "Recipients",
	FilterSubject: "Subject has", FilterKind: "Kind or status",
	HintMailAccount: "the sending account or any recipient; empty for all",
	HintSubject:     "text in the subject, any case; empty for no limit",
	HintKind:        "in, out, internal, or a status: held, refused, delivered, bounced, deferred, released, rejected…",
	BadKind:         "no kind \"%s\": use in, out, internal, held, refused, delivered, bounced, …",
	ShowSubject:     "subject has %s", ShowKind: "kind %s",
	DetailMail: "Mail %s", ToAll: "Recipients (%d)", ToMore: "the first %d of %d recorded", History: "History",
	ReasonLine: "Reason: %s",
	RangeLead:  "Range: ", RangeToday: "today", RangeDays: "%d days", RangeFrom: "since %s", KeyRange: "range",
	TopSenders: "Top senders", TopReceivers: "Top receivers", TopEmpty: "No mail in this range.",
}
