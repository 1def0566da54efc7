package assets

// OrgText is the Org pane's strings: the department tree, the member table
// and filter, a member's detail, and the forms and questions of every
// directory action.
type OrgText struct {
	Title string

	// The tree, the table and the filter.
	Depts        string // the tree's heading
	Dept         string // the table's department column
	EmpID        string // the table's employee id column, short
	Filter       string
	FilterHint   string
	NoMembers    string
	NoMatch      string // "nothing matches %s"
	DeptCount    string // "%s: %d members"
	DeptCountOne string // "%s: %d member"
	FirstRows    string // "; the first %d shown, press / to find others"
	Found        string // "%d found"
	FoundMore    string // "; only the first %d shown, type more"
	Searching    string
	ToTable      string
	ClearFilter  string

	// The detail.
	Because     string // " (reason: %s)"
	ChangedOn   string // "changed %s"
	Failures    string // "%d failed logins"
	FailuresOne string // "%d failed login"
	ListSep     string
	AliasesOf   string // "Aliases of %s"
	AliasLimit  string // "at most %d aliases"

	// Key descriptions for this pane.
	FocusKey     string
	NewDeptKey   string
	NewMemberKey string
	NewAliasKey  string

	// Member forms.
	NewMember      string
	EditMember     string // "Edit %s <%s>"
	AddressHint    string
	DeptsHint      string
	PositionHint   string
	GenderHint     string
	BirthdayHint   string
	MobileHint     string
	Unchanged      string
	DisableTitle   string // "Disable %s <%s>"
	DisableHint    string
	WarnTitle      string // "Warn %s <%s>"
	WarnIntro      string // "Warnings so far: %d; at %d the mailbox is blocked."
	WarnHint       string
	Warnings       string // the detail's label
	WarnCount      string // "%d of %d"
	WarnCountBlock string // "%d of %d: the mailbox is blocked"
	WarnCleared    string
	ReasonRequired string
	ResetTitle     string // "Reset the password of %s <%s>"
	ResetIntro     string
	Ticket         string
	Verified       string
	VerifiedHint   string
	RoleTitle      string // "Grant a role to %s <%s>"
	RoleName       string
	RoleHint       string
	Scope          string
	ScopeHint      string
	Rights         string
	RightsHint     string
	KeyTitle       string // "Add an SSH key for %s <%s>"
	KeyLine        string
	KeyHint        string
	KeyRequired    string
	NewAlias       string // "New alias for %s <%s>"
	AliasHint      string // "like zhang.san2@%s"
	MoveMember     string // "Move %s <%s> to"
	PickHint       string
	NoDepts        string

	// Department forms.
	NewDept    string // "New department under %s"
	RenameDept string // "Rename %s"
	MoveDept   string // "Move %s under"
	DeptName   string

	// Questions; YesNo follows each.
	YesNo              string
	ConfirmDisable     string // "Disable %s <%s>?"
	ConfirmWarnBlock   string // "Warning %d blocks the mailbox of %s <%s>: …?"
	ConfirmEnable      string // "Enable %s <%s>?"
	ConfirmReset       string // "Reset the password of %s <%s>?"
	ConfirmRemoveAlias string // "Remove the alias %s?"
	ConfirmDeleteDept  string // "Delete the department %s?"
	ConfirmMoveUp      string // "%s still has %d members: delete it and move them up to %s?"
	ConfirmMoveUpOne   string // the same for one member

	// The one-time password box.
	OneTime     string // "One-time password for %s"
	OneTimeNote string
	AnyKey      string

	// Done.
	Added        string // "member %s created"
	Saved        string // "%s saved"
	Moved        string // "%s moved to %s"
	Disabled     string
	Warned       string // "%s warned (%d of %d)"
	WarnBlocked  string // "%s warned (%d of %d): the mailbox is blocked"
	Enabled      string
	AliasAdded   string
	AliasRemoved string
	ResetDone    string
	RoleGranted  string // "role %s granted to %s"
	KeyAdded     string
	DeptAdded    string
	DeptRenamed  string
	DeptMoved    string // "%s moved under %s"
	DeptDeleted  string
}

var orgZH = OrgText{
	Title: "组织架构",

	Depts: "部门", Dept: "部门", EmpID: "工号", Filter: "筛选：", FilterHint: "姓名、拼音、首字母、邮箱或工号",
	NoMembers: "（没有成员）", NoMatch: "没有找到「%s」", DeptCount: "%s：%d 人", DeptCountOne: "%s：%d 人",
	FirstRows: "，只列出前 %d 人，按 / 查找其他人", Found: "找到 %d 人", FoundMore: "，只显示前 %d 人，请多输入几个字",
	Searching: "查找中…", ToTable: "转到列表", ClearFilter: "清除筛选",

	Because: "（原因：%s）", ChangedOn: "修改于 %s", Failures: "连续登录失败 %d 次", FailuresOne: "连续登录失败 %d 次", ListSep: "，",
	AliasesOf: "%s 的别名", AliasLimit: "每人最多 %d 个别名",

	FocusKey: "部门/成员", NewDeptKey: "新建下级部门", NewMemberKey: "新建成员", NewAliasKey: "添加别名",

	NewMember: "新建成员", EditMember: "编辑 %s <%s>",
	AddressHint: "如 zhang.san@公司域名", DeptsHint: "多个部门用 ; 分隔，如 销售部/华北大区",
	PositionHint: "员工、部门总监经理、秘书、O级及以上领导等", GenderHint: "男 / 女，可留空",
	BirthdayHint: "如 1990-01-02，可留空", MobileHint: "只写数字，如 13800138000",
	Unchanged:    "没有改动",
	DisableTitle: "停用 %s <%s>", DisableHint: "如 离职交接中、工单号", ReasonRequired: "请填写原因",
	WarnTitle: "警告 %s <%s>", WarnIntro: "已有 %d 次警告；满 %d 次将屏蔽邮箱，并通知本人及其部门负责人。",
	WarnHint: "如 群发广告邮件、发送超大附件", Warnings: "警告", WarnCount: "%d 次（满 %d 次屏蔽）",
	WarnCountBlock: "%d 次（满 %d 次屏蔽）：邮箱已屏蔽，需提交解除屏蔽申请", WarnCleared: "（已清除）",
	ResetTitle: "重置 %s <%s> 的密码", ResetIntro: "先核实本人身份。重置后原密码立即失效，一次性密码只显示一次。",
	Ticket: "原因或工单号", Verified: "核实方式", VerifiedHint: "如 工号和手机号已核对，可留空",
	RoleTitle: "为 %s <%s> 授予角色", RoleName: "角色",
	RoleHint: "admin、subadmin、helpdesk、auditor、hr、head、officer、unit-officer",
	Scope:    "范围（部门路径）", ScopeHint: "全公司留空；subadmin、head、officer 须填写",
	Rights: "分级管理权限", RightsHint: "仅 subadmin：members、groups、announcements，用逗号分隔",
	KeyTitle: "为 %s <%s> 添加 SSH 公钥", KeyLine: "公钥", KeyHint: "粘贴 ~/.ssh/id_ed25519.pub 的内容",
	KeyRequired: "请粘贴一行公钥",
	NewAlias:    "为 %s <%s> 添加别名", AliasHint: "如 zhang.san2@%s",
	MoveMember: "把 %s <%s> 移到", PickHint: "输入以筛选部门", NoDepts: "没有可选的部门",

	NewDept: "在 %s 下新建部门", RenameDept: "重命名部门 %s", MoveDept: "把部门 %s 移到", DeptName: "部门名称",

	YesNo: "y/n", ConfirmDisable: "停用 %s <%s>？停用后无法登录和发信。", ConfirmEnable: "启用 %s <%s>？",
	ConfirmWarnBlock: "第 %d 次警告将屏蔽 %s <%s>，继续？",
	ConfirmReset:     "重置 %s <%s> 的密码？", ConfirmRemoveAlias: "删除别名 %s？",
	ConfirmDeleteDept: "删除部门 %s？", ConfirmMoveUp: "部门 %s 还有 %d 名成员：删除部门并把他们移到 %s？",
	ConfirmMoveUpOne: "部门 %s 还有 %d 名成员：删除部门并把他移到 %s？",

	OneTime:     "%s 的一次性密码",
	OneTimeNote: "只显示这一次，关闭后无法再查看。请当面或电话告知本人；下次登录时须修改。",
	AnyKey:      "按任意键关闭",

	Added: "已创建成员 %s", Saved: "已保存 %s", Moved: "已把 %s 移到 %s", Disabled: "已停用 %s", Enabled: "已启用 %s",
	Warned: "已警告 %s（%d/%d）", WarnBlocked: "已警告 %s（%d/%d）：邮箱已屏蔽，已通知本人及其负责人",
	AliasAdded: "已添加别名 %s", AliasRemoved: "已删除别名 %s", ResetDone: "已重置 %s 的密码", RoleGranted: "已授予角色 %s 给 %s",
	KeyAdded: "已添加公钥 %s", DeptAdded: "已创建部门 %s", DeptRenamed: "部门已改名为 %s", DeptMoved: "已把部门 %s 移到 %s",
	DeptDeleted: "已删除部门 %s",
}

var orgEN = OrgText{
	Title: "Organisation",

	Depts: "Departments", Dept: "Department", EmpID: "Emp ID", Filter: "filter: ", FilterHint: "name, pinyin, initials, address or id",
	NoMembers: "(no members)", NoMatch: "nothing matches \"%s\"", DeptCount: "%s: %d members", DeptCountOne: "%s: %d member",
	FirstRows: "; the first %d listed, press / to find others", Found: "%d found", FoundMore: "; the first %d shown, type more to narrow",
	Searching: "searching…", ToTable: "to the list", ClearFilter: "clear filter",

	Because: " (reason: %s)", ChangedOn: "changed %s", Failures: "%d failed logins in a row", FailuresOne: "%d failed login in a row", ListSep: ", ",
	AliasesOf: "Aliases of %s", AliasLimit: "at most %d aliases each",

	FocusKey: "tree/list", NewDeptKey: "new sub-department", NewMemberKey: "new member", NewAliasKey: "add alias",

	NewMember: "New member", EditMember: "Edit %s <%s>",
	AddressHint: "like zhang.san@your-domain", DeptsHint: "separate several with ;, like 销售部/华北大区",
	PositionHint: "staff, director, secretary, executive, …", GenderHint: "male / female, or empty",
	BirthdayHint: "like 1990-01-02, or empty", MobileHint: "digits only, like 13800138000",
	Unchanged:    "nothing changed",
	DisableTitle: "Disable %s <%s>", DisableHint: "e.g. leaving, handover in progress, a ticket number", ReasonRequired: "give a reason",
	WarnTitle: "Warn %s <%s>", WarnIntro: "Warnings so far: %d. At %d the mailbox is blocked and the person and their head are told.",
	WarnHint: "e.g. bulk advertising mail, oversized attachments", Warnings: "Warnings", WarnCount: "%d of %d",
	WarnCountBlock: "%d of %d: the mailbox is blocked until an unblock request is applied", WarnCleared: " (cleared)",
	ResetTitle: "Reset the password of %s <%s>", ResetIntro: "Verify the person first. The current password stops working; the one-time password shows once.",
	Ticket: "Reason or ticket", Verified: "How verified", VerifiedHint: "e.g. employee id and mobile checked, or empty",
	RoleTitle: "Grant a role to %s <%s>", RoleName: "Role",
	RoleHint: "admin, subadmin, helpdesk, auditor, hr, head, officer, unit-officer",
	Scope:    "Scope (department path)", ScopeHint: "empty for the whole company; required for subadmin, head, officer",
	Rights: "Sub-admin rights", RightsHint: "subadmin only: members, groups, announcements, comma separated",
	KeyTitle: "Add an SSH key for %s <%s>", KeyLine: "Public key", KeyHint: "paste the line in ~/.ssh/id_ed25519.pub",
	KeyRequired: "paste one public key line",
	NewAlias:    "New alias for %s <%s>", AliasHint: "like zhang.san2@%s",
	MoveMember: "Move %s <%s> to", PickHint: "type to narrow the departments", NoDepts: "no department to pick",

	NewDept: "New department under %s", RenameDept: "Rename the department %s", MoveDept: "Move the department %s under", DeptName: "Name",

	YesNo: "y/n", ConfirmDisable: "Disable %s <%s>? They can no longer log in or send.", ConfirmEnable: "Enable %s <%s>?",
	ConfirmWarnBlock: "Warning %d blocks %s <%s>. Go on?",
	ConfirmReset:     "Reset the password of %s <%s>?", ConfirmRemoveAlias: "Remove the alias %s?",
	ConfirmDeleteDept: "Delete the department %s?", ConfirmMoveUp: "%s still has %d members: delete it and move them up to %s?",
	ConfirmMoveUpOne: "%s still has %d member: delete it and move that member up to %s?",

	OneTime:     "One-time password for %s",
	OneTimeNote: "Shown this once and never again. Tell the person in person or by phone; they must change it at the next login.",
	AnyKey:      "press any key to close",

	Added: "member %s created", Saved: "%s saved", Moved: "%s moved to %s", Disabled: "%s disabled", Enabled: "%s enabled",
	Warned: "%s warned (%d of %d)", WarnBlocked: "%s warned (%d of %d): mailbox blocked, person and head told",
	AliasAdded: "alias %s added", AliasRemoved: "alias %s removed", ResetDone: "password of %s reset", RoleGranted: "role %s granted to %s",
	KeyAdded: "key %s added", DeptAdded: "department %s created", DeptRenamed: "department renamed to %s", DeptMoved: "department %s moved under %s",
	DeptDeleted: "department %s deleted",
}
