package assets

// HomeText is the Home pane's strings: what needs you now.
type HomeText struct {
	Title     string
	Welcome   string // "%s, welcome"
	Directory string
	Members   string // "members: %d (%d active, %d disabled, %d locked)"
	Depts     string // "departments: %d, groups: %d, shared mailboxes: %d"
	NeedsYou  string
	// Watch heads the same list for those who only read (auditors): what
	// is worth a look, not what they must do.
	Watch        string
	Locked       string // "%d accounts locked after failed logins"
	FailedLogins string // "%d failed logins in the last 24 hours"
	NoPassword   string // "%d members have no password yet"
	// LockedOne, FailedLoginsOne and NoPasswordOne are the same for a
	// count of one ("1 account locked…").
	LockedOne, FailedLoginsOne, NoPasswordOne string
	Nothing                                   string
	NothingToWatch                            string
	YourAccount                               string
	PasswordAge                               string // "password changed %s"
	PasswordDue                               string // "your password expires on %s"
	PasswordNever                             string
	LastLogin                                 string // "last login %s from %s"
	Announcements                             string
	NoAnnounce                                string
	AuditHead                                 string // "operation log: %d records"
	AuditHeadOne                              string // "operation log: %d record"
	// The person's mail: held or refused messages (SEND-9), and held mail
	// waiting for their decision.
	YourMail      string
	Violations    string // "%d of your messages were held or refused"
	ViolationsOne string // "%d of your messages was held or refused"
	NoViolations  string
	HeldForYou    string // "%d held messages wait for your decision (Held mail)"
	// HeldForYouOne is HeldForYou for one message: "%d held message waits…".
	HeldForYouOne string
	// RequestsForYou says how many requests wait for the person's decision
	// (REQ-3), RequestsForYouOne for one.
	RequestsForYou, RequestsForYouOne string
	// NotifyLeft tells a holder of the notify permission how many
	// notification messages the company may still send today, of the
	// quota (MAILFX-3: the seed's home page says so).
	NotifyLeft string // "notification mail: %d of %d left today"
}

var homeZH = HomeText{
	Title: "首页", Welcome: "%s，您好", Directory: "通讯录概况",
	Members: "成员 %d 人：正常 %d，停用 %d，锁定 %d", Depts: "部门 %d 个，邮件组 %d 个，公共邮箱 %d 个",
	NeedsYou: "需要您处理", Watch: "值得留意", Locked: "%d 个账号因登录失败被锁定", FailedLogins: "最近 24 小时登录失败 %d 次",
	NoPassword: "%d 名成员尚未设置密码", Nothing: "暂无需要处理的事项", NothingToWatch: "暂无异常", YourAccount: "我的账号",
	PasswordAge: "密码修改于 %s", PasswordDue: "密码将于 %s 过期", PasswordNever: "密码不过期",
	LastLogin: "上次登录 %s，来自 %s", Announcements: "公告", NoAnnounce: "暂无公告", AuditHead: "操作日志：%d 条记录",
	YourMail: "我的邮件", Violations: "您有 %d 封邮件被扣留或拒收（违规记录），最近几条：",
	NoViolations: "没有违规记录", HeldForYou: "有 %d 封邮件等您审批（见“待审邮件”）",
	HeldForYouOne:  "有 %d 封邮件等您审批（见“待审邮件”）",
	RequestsForYou: "有 %d 项申请等您审批（见“审批”）", RequestsForYouOne: "有 %d 项申请等您审批（见“审批”）",
	LockedOne: "%d 个账号因登录失败被锁定", FailedLoginsOne: "最近 24 小时登录失败 %d 次",
	NoPasswordOne: "%d 名成员尚未设置密码", AuditHeadOne: "操作日志：%d 条记录",
	ViolationsOne: "您有 %d 封邮件被扣留或拒收（违规记录），最近几条：",
	NotifyLeft:    "通知邮件：今天还可发 %d 封（每日 %d 封）",
}

var homeEN = HomeText{
	Title: "Home", Welcome: "Welcome, %s", Directory: "Directory",
	Members: "members: %d (%d active, %d disabled, %d locked)", Depts: "departments: %d, groups: %d, shared mailboxes: %d",
	NeedsYou: "Needs you now", Watch: "Worth a look", Locked: "%d accounts locked after failed logins", FailedLogins: "%d failed logins in the last 24 hours",
	NoPassword: "%d members have no password yet", Nothing: "Nothing needs you right now", NothingToWatch: "Nothing unusual", YourAccount: "Your account",
	PasswordAge: "password changed %s", PasswordDue: "your password expires on %s", PasswordNever: "your password does not expire",
	LastLogin: "last login %s from %s", Announcements: "Announcements", NoAnnounce: "No announcements", AuditHead: "operation log: %d records",
	YourMail: "Your mail", Violations: "%d of your messages were held or refused (violations); the latest:",
	NoViolations: "no violations", HeldForYou: "%d held messages wait for your decision (see Held mail)",
	HeldForYouOne:  "%d held message waits for your decision (see Held mail)",
	RequestsForYou: "%d requests wait for your decision (see Approvals)", RequestsForYouOne: "%d request waits for your decision (see Approvals)",
	LockedOne: "%d account locked after failed logins", FailedLoginsOne: "%d failed login in the last 24 hours",
	NoPasswordOne: "%d member has no password yet", AuditHeadOne: "operation log: %d record",
	ViolationsOne: "%d of your messages was held or refused (a violation); the latest:",
	NotifyLeft:    "notification mail: %d of %d left today",
}
