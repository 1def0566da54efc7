package assets

// SettingsText is the Settings pane's strings: the enterprise profile, the
// domains, the password policy, the login rules and the person's own
// appearance settings.
type SettingsText struct {
	Title string

	// Section names, in the order tab visits them.
	Enterprise, Domains, Policy, Login, Appearance string

	// Shared by the sections.
	ReadOnly  string // the section is org-wide and the person may not change it
	Unsaved   string // the draft differs from what is stored
	Saved     string
	On, Off   string
	WholeNum  string // "%s: type a whole number"
	KeyEdit   string
	KeyDone   string
	KeyToggle string
	KeyUndo   string
	KeyTab    string

	// Enterprise profile.
	Name, Address, Contact, Phone, Description, AddressBook string
	AddressBookHint                                         string

	// Domains.
	ColDomain, ColPrimary, ColAddresses, ColAdded string
	NoDomains                                     string
	AddDomain                                     string
	DomainAdded                                   string // "%s added"
	WillRemove                                    string // "Removing %s also deletes: members: %d (with all their mail), aliases: %d, …"
	TypeToConfirm                                 string // "a backup is taken first. Type %s again to remove it:"
	Mismatch                                      string
	Counting                                      string
	DomainRemoved                                 string // "%s removed; backup taken first: %s"
	MailMoved                                     string // "its mail was moved to %s"
	KeyAddDomain, KeyRemoveDomain                 string

	// Password policy.
	Preset, MinLength, NeedLetter, NeedDigit, NeedCase, NeedSymbol string
	MaxAge, History, Blocklist, Personal, LockAfter, LockFor       string
	PresetNIST, PresetSeed, PresetCustom                           string
	PresetHint, MaxAgeHint, LockAfterHint, LockForHint             string

	// Login rules.
	Restrict, Allowed, ExemptMembers, ExemptDepts, Sites string
	AllowedHint, MembersHint, DeptsHint, SitesHint       string
	SiteFormat                                           string // "%q: write a site as NAME=NETWORK"

	// Appearance.
	Language, ASCII, AppearanceNote, AppearanceSaved string
	LangZH, LangEN                                   string
}

var settingsZH = SettingsText{
	Title:      "设置",
	Enterprise: "企业信息", Domains: "域名", Policy: "密码策略", Login: "登录限制", Appearance: "外观",
	ReadOnly: "只读：修改全公司设置需要 org.manage 权限", Unsaved: "有未保存的修改：ctrl+s 保存，esc 放弃",
	Saved: "已保存", On: "开启", Off: "关闭", WholeNum: "%s：请输入整数",
	KeyEdit: "修改", KeyDone: "确定", KeyToggle: "切换", KeyUndo: "放弃修改", KeyTab: "下一分区",

	Name: "企业名称", Address: "地址", Contact: "联系人", Phone: "联系电话", Description: "简介",
	AddressBook: "全员可见通讯录", AddressBookHint: "开启后所有成员都能查看企业通讯录",

	ColDomain: "域名", ColPrimary: "主域名", ColAddresses: "地址数", ColAdded: "添加日期",
	NoDomains: "没有域名", AddDomain: "添加域名（国际化域名请用 xn-- 形式）", DomainAdded: "已添加域名 %s",
	WillRemove:    "删除 %s 将同时删除：成员 %d 人（连同全部邮件）、别名 %d 个、邮件组 %d 个、公共邮箱 %d 个、部门邮箱 %d 个。",
	TypeToConfirm: "删除前会先备份数据库。请再次输入 %s 以确认删除：",
	Mismatch:      "输入的域名不一致，未做任何修改",
	Counting:      "正在统计该域名下的地址…",
	DomainRemoved: "已删除域名 %s；删除前已备份到 %s",
	MailMoved:     "该域名的邮件已移到 %s",
	KeyAddDomain:  "添加域名", KeyRemoveDomain: "删除域名",

	Preset: "预设", MinLength: "最短长度", NeedLetter: "须含字母", NeedDigit: "须含数字", NeedCase: "须含大小写字母",
	NeedSymbol: "须含符号", MaxAge: "有效期（天）", History: "不得重复最近几次", Blocklist: "拒绝常见弱密码",
	Personal: "拒绝含个人信息的密码", LockAfter: "连续失败几次后锁定", LockFor: "锁定时长（分钟）",
	PresetNIST: "nist（NIST 800-63B，长密码，不定期更换）", PresetSeed: "seed（字母加数字，30 天更换）",
	PresetCustom: "custom（自定义）", PresetHint: "切换预设会填入该预设的全部规则",
	MaxAgeHint: "0 为永不过期", LockAfterHint: "0 为不锁定", LockForHint: "0 为直到服务台解锁",

	Restrict: "限制登录 IP", Allowed: "允许的网络", ExemptMembers: "不受限制的成员", ExemptDepts: "不受限制的部门", Sites: "站点名称",
	AllowedHint: "用逗号分隔，如 10.1.0.0/16, 192.0.2.7", MembersHint: "邮箱地址，用逗号分隔",
	DeptsHint: "部门路径，用分号分隔，含下级部门", SitesHint: "名称=网络，用逗号分隔，如 北京总部=10.1.0.0/16",
	SiteFormat: "%q：站点请写成 名称=网络",

	Language: "界面语言", ASCII: "ASCII 边框", AppearanceNote: "只对您自己生效，下次登录时起作用。",
	AppearanceSaved: "已保存，下次登录时生效", LangZH: "中文 (zh-CN)", LangEN: "English (en)",
}

var settingsEN = SettingsText{
	Title:      "Settings",
	Enterprise: "Enterprise", Domains: "Domains", Policy: "Passwords", Login: "Login rules", Appearance: "Appearance",
	ReadOnly: "read-only: changing company-wide settings needs the org.manage right", Unsaved: "unsaved changes: ctrl+s saves, esc discards",
	Saved: "saved", On: "on", Off: "off", WholeNum: "%s: type a whole number",
	KeyEdit: "edit", KeyDone: "done", KeyToggle: "toggle", KeyUndo: "discard", KeyTab: "next section",

	Name: "Name", Address: "Address", Contact: "Contact", Phone: "Phone", Description: "Description",
	AddressBook: "Shared address book", AddressBookHint: "when on, every member sees the company address book",

	ColDomain: "Domain", ColPrimary: "Primary", ColAddresses: "Addresses", ColAdded: "Added",
	NoDomains: "no domains", AddDomain: "Add a domain (IDN domains as xn--...)", DomainAdded: "domain %s added",
	WillRemove:    "Removing %s also deletes these — members: %d (with all their mail), aliases: %d, groups: %d, shared mailboxes: %d, department mailboxes: %d.",
	TypeToConfirm: "A backup is taken first. Type %s again to remove it:",
	Mismatch:      "that is not the domain; nothing was changed",
	Counting:      "counting the domain's addresses…",
	DomainRemoved: "domain %s removed; backup taken first: %s",
	MailMoved:     "its mail was moved to %s",
	KeyAddDomain:  "add domain", KeyRemoveDomain: "remove domain",

	Preset: "Preset", MinLength: "Minimum length", NeedLetter: "Needs a letter", NeedDigit: "Needs a digit", NeedCase: "Needs upper+lower case",
	NeedSymbol: "Needs a symbol", MaxAge: "Expires after (days)", History: "History (no reuse)", Blocklist: "Refuse common passwords",
	Personal: "Refuse personal details", LockAfter: "Lock after failures", LockFor: "Lock for (minutes)",
	PresetNIST: "nist: NIST 800-63B, no forced changes", PresetSeed: "seed: letters+digits, 30-day changes",
	PresetCustom: "custom: your own rules", PresetHint: "choosing a preset fills in all its rules",
	MaxAgeHint: "0 for never", LockAfterHint: "0 for never", LockForHint: "0 for until the helpdesk unlocks",

	Restrict: "Restrict login IPs", Allowed: "Allowed networks", ExemptMembers: "Exempt members", ExemptDepts: "Exempt departments", Sites: "Sites",
	AllowedHint: "comma-separated, e.g. 10.1.0.0/16, 192.0.2.7", MembersHint: "addresses, comma-separated",
	DeptsHint: "department paths, separated by ;, with their subtrees", SitesHint: "NAME=NETWORK, comma-separated, e.g. 北京总部=10.1.0.0/16",
	SiteFormat: "%q: write a site as NAME=NETWORK",

	Language: "Language", ASCII: "ASCII borders", AppearanceNote: "These are yours alone and apply from your next login.",
	AppearanceSaved: "saved; applies from your next login", LangZH: "中文 (zh-CN)", LangEN: "English (en)",
}
