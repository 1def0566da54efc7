package assets

// fourEyesErrorPairs are the Chinese of the errors of four-eyes approval
// of dangerous changes and of long-unused accounts (ACC-6).
var fourEyesErrorPairs = [][2]string{
	// model/foureyes.go
	{"unknown four-eyes class %q: use all, none, or some of domain-delete, broadcast, password-policy, sending-rule separated by commas",
		"未知的双人复核类别 %q：请用 all、none，或用逗号分隔的 domain-delete、broadcast、password-policy、sending-rule"},
	{"request holds a %s change, which this version of postroom does not apply",
		"申请中保存的是 %s 变更，本版本 postroom 无法执行"},
	{"postroom's own changes need no approval",
		"postroom 自身的变更无需审批"},
	{"request %d holds no change",
		"申请 %d 中没有保存变更"},
	{"request %d was already decided: it is %s",
		"申请 %d 已有结果：%s"},
	{"not applied yet: %s %s needs a second admin's approval (%s); it was filed as request %d, which another admin approves with request approve %d",
		"尚未执行：%s %s 需要另一位管理员复核（%s）；已提交为申请 %d，由另一位管理员用 request approve %d 批准"},

	// model/changes_org.go
	{"an account counts as inactive after at least a day unused; give --inactive-after like 90d, or off",
		"帐号至少闲置一天才算长期未用；请给出 --inactive-after，如 90d，或 off"},
	{"the password policy was changed by someone else meanwhile; look at it again and repeat the change",
		"密码策略在此期间已被他人修改；请重新查看后再做一次修改"},

	// model/inactive.go
	{"--inactive-after %q: give days like 90d or 180d, or off",
		"--inactive-after %q 无效：请给出天数，如 90d 或 180d，或 off"},

	{"the inactivity check is off: org set --inactive-after 180d turns it on",
		"未启用闲置帐号检查：用 org set --inactive-after 180d 启用"},
	{"%s is not a long-unused account any more (status %s, last used %s): list the inactive accounts again",
		"%s 已不再是长期未使用的帐号（状态：%s，最后使用：%s）：请重新列出闲置帐号"},

	// tui/cmd/inactive.go
	{"%d accounts are unused for the inactivity period; to disable them all, repeat their number: --disable --confirm %d",
		"共有 %d 个帐号闲置超过期限；如要全部停用，请重复其数量：--disable --confirm %d"},

	// store/foureyes.go
	{"%s %s needs a second admin's approval (%s), so it cannot go with other changes: make it on its own",
		"%s %s 需要另一位管理员复核（%s），不能与其他变更一起提交：请单独执行"},
	{"request %d was approved, but its change no longer applies, so it ended as failed: %s",
		"申请 %d 已批准，但其中的变更已无法执行，申请以失败结束：%s"},
}
