package assets

// DeskText is the helpdesk's Reset desk: find a person, see their account,
// verify the caller against recorded fields, reset the password or unlock.
type DeskText struct {
	Title string

	// Find.
	FindHint  string // what the search field finds
	Searching string
	NoHits    string
	// LockedNow heads the accounts locked now, listed while the search
	// field is empty (LockedNowOne for one); NoneLocked says there are none.
	LockedNow, LockedNowOne, NoneLocked string
	MoreHits                            string // "showing the first %d; type more to narrow it down"
	Select                              string // the enter key's help in the hit list

	// Status.
	StatusReason  string // "%s (%s)": state, why
	Until         string // " until %s": when a lock ends
	UntilHelpdesk string // a lock that lasts until the helpdesk lifts it
	Failures      string // "%d failed logins in a row"
	FailuresOne   string // "%d failed login in a row"
	LastChanged   string // "last changed %s"
	FailedLogins  string
	NoFailed      string
	NoTitle       string
	PasswordKeyed string // the account has no password but SSH keys

	// Verify.
	Verify      string
	VEmployeeID string
	VMobile     string
	VPhone      string
	VBirthday   string
	Match       string
	NoMatch     string
	NotChecked  string
	NeedTwo     string
	// Mismatched says a wrong answer stops the verification, however many
	// others matched, and what to do: ask again, or override.
	Mismatched       string
	FewFields        string
	Verified         string // "identity verified: %s"
	VerifiedNote     string // "%s matched": the fields, joined
	NoteEmployeeID   string
	NoteMobile       string
	NoteLast4        string
	NotePhone        string
	NoteBirthday     string
	Joiner           string // between field names in the note
	Override         string // the override key's help
	OverrideTitle    string
	OverrideIntro    string
	OverrideLabel    string
	OverrideHint     string
	OverrideNote     string // "override: %s"
	OverrideRequired string
	CheckField       string // the enter key's help while typing an answer
	EditField        string // the enter key's help on a field
	Done             string // the esc key's help while typing an answer

	// Reset and unlock.
	ResetReady     string // "press %s to reset the password"
	UnlockReady    string // "the account is locked: press %s to unlock it"
	CannotReset    string // "no reset here: %s"
	NotActive      string // "the account is %s; an admin must enable it before a reset"
	ResetTitle     string // "Reset the password of %s"
	ResetIntro     string // "…verified: %s"
	UnlockTitle    string // "Unlock %s"
	UnlockIntro    string
	Ticket         string
	TicketHint     string
	TicketRequired string
	Submit         string // the enter key's help on a form
	Working        string
	ResetDone      string // "password of %s reset"
	Unlocked       string // "%s unlocked"

	// The one-time password.
	OTPTitle  string
	OTPRead   string
	OTPChange string
	OTPClear  string
	AnyKey    string // the help bar's name for "any key"
	Clear     string
}

var deskZH = DeskText{
	Title: "密码服务台",

	FindHint: "姓名、拼音、首字母、邮箱、工号、电话，或 # 加电话后四位", Searching: "查找中…",
	NoHits: "没有找到匹配的人员", LockedNow: "当前有 %d 个账号被锁定：", LockedNowOne: "当前有 %d 个账号被锁定：", NoneLocked: "当前没有被锁定的账号", MoreHits: "只显示前 %d 个结果，多输入几个字可缩小范围", Select: "选择",

	StatusReason: "%s（%s）", Until: "，至 %s", UntilHelpdesk: "，需服务台解锁", Failures: "连续失败 %d 次", FailuresOne: "连续失败 %d 次",
	LastChanged: "上次修改 %s", FailedLogins: "最近失败的登录", NoFailed: "没有失败的登录", NoTitle: "（无）",
	PasswordKeyed: "未设置（使用 SSH 公钥登录）",

	Verify:      "核验身份：请来电人说出以下任意两项，系统只显示是否一致",
	VEmployeeID: "工号", VMobile: "手机（全号或后四位）", VPhone: "办公电话", VBirthday: "生日",
	Match: "一致", NoMatch: "不一致", NotChecked: "未核对",
	NeedTwo:    "两项一致后才能重置密码；无法核对时按 %s 人工核验",
	Mismatched: "有一项不一致，来电人未通过核验（其他项一致也不行）；可重新询问该项（新回答会替换旧的），或按 %s 人工核验",
	FewFields:  "此人存档的核验信息不足两项：请用其他方式确认身份后按 %s 人工核验",
	Verified:   "身份已核验：%s", VerifiedNote: "%s 核对一致",
	NoteEmployeeID: "工号", NoteMobile: "手机", NoteLast4: "手机后四位", NotePhone: "办公电话", NoteBirthday: "生日", Joiner: " + ",
	Override: "人工核验", OverrideTitle: "人工核验身份",
	OverrideIntro: "只在已用其他方式确认本人时使用（例如当面核对工牌）。说明会写入操作日志。",
	OverrideLabel: "核验方式", OverrideHint: "例如：本人到场，已核对工牌", OverrideNote: "人工核验：%s",
	OverrideRequired: "请写明您是如何确认本人身份的",
	CheckField:       "核对", EditField: "输入答案", Done: "结束输入",

	ResetReady: "按 %s 重置密码", UnlockReady: "账号已锁定：按 %s 解锁",
	CannotReset: "不能在此重置：%s", NotActive: "账号%s；需管理员先启用，才能重置密码",
	ResetTitle: "重置 %s 的密码", ResetIntro: "将生成一次性密码，对方下次登录时必须修改。核验：%s",
	UnlockTitle: "解锁 %s", UnlockIntro: "解除登录锁定并清零失败次数，密码不变。",
	Ticket: "工单号或原因", TicketHint: "写入操作日志", TicketRequired: "请填写工单号或原因",
	Submit: "提交", Working: "处理中…", ResetDone: "已重置 %s 的密码", Unlocked: "已解锁 %s",

	OTPTitle: "一次性密码", OTPRead: "请现在念给来电人，此密码只显示这一次。",
	OTPChange: "对方下次登录时必须改成自己的密码。", OTPClear: "按任意键清除。", AnyKey: "任意键", Clear: "清除",
}

var deskEN = DeskText{
	Title: "Reset desk",

	FindHint:  "Name, pinyin, initials, address, employee ID, phone, #last 4",
	Searching: "searching…", NoHits: "nobody matches", LockedNow: "%d accounts are locked now:", LockedNowOne: "%d account is locked now:", NoneLocked: "no account is locked now", MoreHits: "showing the first %d; type more to narrow it down", Select: "select",

	StatusReason: "%s (%s)", Until: " until %s", UntilHelpdesk: " until the helpdesk unlocks it", Failures: "%d failed logins in a row", FailuresOne: "%d failed login in a row",
	LastChanged: "last changed %s", FailedLogins: "Recent failed logins", NoFailed: "no failed logins", NoTitle: "(none)",
	PasswordKeyed: "not set (logs in with SSH keys)",

	Verify:      "Verify: ask for any two; the desk shows only match or no match",
	VEmployeeID: "Employee ID", VMobile: "Mobile (full or last 4)", VPhone: "Office phone", VBirthday: "Birthday",
	Match: "match", NoMatch: "no match", NotChecked: "not checked",
	NeedTwo:    "two must match before a reset; else override with %s",
	Mismatched: "an answer did not match, so the caller is not verified however many others match; ask that one again (a new answer replaces it) or override with %s",
	FewFields:  "fewer than two of these are on record: confirm the person another way, then override with %s",
	Verified:   "identity verified: %s", VerifiedNote: "%s matched",
	NoteEmployeeID: "employee ID", NoteMobile: "mobile", NoteLast4: "mobile last 4", NotePhone: "office phone", NoteBirthday: "birthday", Joiner: " + ",
	Override: "override", OverrideTitle: "Override verification",
	OverrideIntro: "Only when you confirmed the person another way (in person, badge checked). What you write goes into the operation log.",
	OverrideLabel: "How verified", OverrideHint: "e.g. verified in person, badge checked", OverrideNote: "override: %s",
	OverrideRequired: "say how you made sure it is the person",
	CheckField:       "check", EditField: "answer", Done: "stop typing",

	ResetReady: "press %s to reset the password", UnlockReady: "the account is locked: press %s to unlock it",
	CannotReset: "no reset here: %s", NotActive: "the account is %s; an admin must enable it before a reset",
	ResetTitle: "Reset the password of %s", ResetIntro: "A one-time password is made; they must change it at the next login. Verified: %s",
	UnlockTitle: "Unlock %s", UnlockIntro: "Lifts the login lock and clears the failure count; the password stays as it is.",
	Ticket: "Ticket or reason", TicketHint: "goes into the operation log", TicketRequired: "give a ticket number or a reason",
	Submit: "submit", Working: "working…", ResetDone: "password of %s reset", Unlocked: "%s unlocked",

	OTPTitle: "One-time password", OTPRead: "Read it to the caller now; it is shown only this once.",
	OTPChange: "They must choose their own password at the next login.", OTPClear: "Press any key to clear it.", AnyKey: "any key", Clear: "clear",
}
