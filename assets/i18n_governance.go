package assets

// GovernanceText are the words of four-eyes approval of dangerous changes
// (change requests in the Approvals pane and in request notices) and of
// long-unused accounts (ACC-6: the inactive list and its bulk disable).
type GovernanceText struct {
	// KindChange names a change request; StateFailed a change request
	// whose change no longer applied when approved; StepAdmin its step.
	KindChange, StateFailed, StepAdmin string
	// Class* name the classes of dangerous change.
	ClassDomain, ClassBroadcast, ClassPassword, ClassSending string
	// ChangeChange says what a change request does: class, operation, target.
	ChangeChange string
	// BeforeAfter heads the readable before and after; More says how many
	// lines were left out (%d); Failed labels why it failed; Notes what the
	// change noted; Empty stands for a value that did not exist.
	BeforeAfter, More, Failed, Notes, Empty string

	// The inactive list: its title with the limit (%s), its columns, the
	// text when none is inactive or the check is off, the key help, the
	// question before a bulk disable (%d accounts), the outcome (%d), the
	// words for never and a number of days.
	InactiveTitle, ColMember, ColDept, ColHead, ColLastUse, ColUnused string
	NoneInactive, InactiveOff, KeyInactive, KeyDisableAll             string
	ConfirmDisable, DisabledN, Never, Days                            string
	// InactiveNeeds is Home's line for admins: how many accounts (%d) are
	// unused for the period (%s), and the key that lists them.
	InactiveNeeds string
}

var governanceZH = GovernanceText{
	KindChange: "待复核变更", StateFailed: "执行失败", StepAdmin: "另一位管理员（非提交人）复核",
	ClassDomain: "删除域名", ClassBroadcast: "全员发信权限", ClassPassword: "密码策略", ClassSending: "发信规则",
	ChangeChange: "%s：%s %s（须另一位管理员复核的变更）",
	BeforeAfter:  "变更前 → 变更后", More: "……另有 %d 项", Failed: "失败原因", Notes: "说明", Empty: "（无）",

	InactiveTitle: "长期未使用的帐号（闲置 %s 及以上）", ColMember: "成员", ColDept: "部门", ColHead: "负责人", ColLastUse: "最后使用", ColUnused: "闲置天数",
	NoneInactive: "没有长期未使用的帐号", InactiveOff: "未启用闲置帐号检查（org set --inactive-after 180d 启用）",
	KeyInactive: "闲置帐号", KeyDisableAll: "全部停用",
	ConfirmDisable: "停用这 %d 个长期未使用的帐号？(y/n)", DisabledN: "已停用 %d 个帐号",
	Never: "从未登录", Days: "%d 天",
	InactiveNeeds: "%d 个帐号已闲置 %s 及以上（按 i 查看）",
}

var governanceEN = GovernanceText{
	KindChange: "change for review", StateFailed: "failed", StepAdmin: "a second admin (not the one who filed it)",
	ClassDomain: "domain removal", ClassBroadcast: "whole-company sending", ClassPassword: "password policy", ClassSending: "sending rule",
	ChangeChange: "%s: %s %s (a change that needs a second admin's approval)",
	BeforeAfter:  "before → after", More: "… and %d more", Failed: "why it failed", Notes: "notes", Empty: "(none)",

	InactiveTitle: "Accounts unused for %s or longer", ColMember: "member", ColDept: "department", ColHead: "head", ColLastUse: "last used", ColUnused: "unused",
	NoneInactive: "no account is long unused", InactiveOff: "the inactivity check is off (org set --inactive-after 180d turns it on)",
	KeyInactive: "inactive", KeyDisableAll: "disable all",
	ConfirmDisable: "Disable these %d long-unused accounts? (y/n)", DisabledN: "%d accounts disabled",
	Never: "never", Days: "%d days",
	InactiveNeeds: "%d accounts unused for %s or longer (i lists them)",
}
