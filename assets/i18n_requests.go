package assets

// RequestsText is the words of the Approvals pane (the inbox of requests
// and held mail waiting for the person's decision) and of My requests (the
// requests the person filed, REQ-4).
type RequestsText struct {
	// The panes' names on the rail.
	NavApprovals, NavMine string

	// Request kinds, as model.RequestKind names them, and held mail.
	KindGrant, KindDelegate, KindJoin, KindLeave, KindRelease, KindReset, KindUnblock, KindHeld string
	// KindHandover names a leaver's mailbox handover; ChangeHandover says
	// what it does (the leaver, the successor); HandingOver is the state
	// of an applied handover whose mail is being copied and of its leave
	// request, Handed HandedOver what was copied (messages, size, folder).
	KindHandover, ChangeHandover, HandingOver, HandedOver string

	// Request states, as model.RequestState names them.
	StatePending, StateApplied, StateRejected, StateExpired, StateWithdrawn string

	// Who signs a step, as model.StepRole names them: StepOfficer,
	// StepOwner and StepHead take a department, StepUnit the officer named
	// on the step.
	StepOfficer, StepOwner, StepUnit, StepHead, StepIT string
	// Verdicts and where a step stands. StepDecided takes the verdict, who
	// and when; Handed the deputy.
	Approved, Rejected, Waiting, NotYet, StepDecided, Handed, Postroom string

	// The inbox head: Count takes how many wait (one, many); KindCount a
	// kind and its count; Selected how many are selected.
	CountOne, Count, KindCount, Newest, Oldest, AllKinds, Selected string
	// Empty inbox (EmptyKind: none of the kind filtered on).
	Empty, EmptyKind string
	// The list's columns; Rows takes the first and last row shown and how
	// many there are.
	ColID, ColFiled, ColKind, ColAbout, ColRequester, ColStep, ColState, ColWaitingOn, Rows string
	// StepOf takes the step's number and how many steps there are.
	StepOf string

	// What a row is about: AboutGrant takes the member and the
	// permission, AboutDelegate the lender and the borrower, AboutJoin a
	// name and a department, AboutHeld the sender and the subject.
	AboutGrant, AboutDelegate, AboutJoin, AboutHeld string

	// The detail: DetailTitle takes the id and the kind, HeldTitle the
	// message id.
	DetailTitle, HeldTitle, Requester, Subject, Filed, Expires, State, Reason, Urgent string
	Changes, Chain, Done, Current                                                     string

	// What applying changes: ChangeGrant takes the member and the
	// permission; ChangeFrom and ChangeUntil a time; ChangeDelegate the
	// lender, the permissions, the borrower, the start and the end;
	// ChangeJoin a name, an address and a department; ChangeLeave the member and the
	// successor; ChangeReset, ChangeUnblock and ChangeRelease the member or message;
	// ChangeHeld the number of recipients.
	ChangeGrant, ChangeFrom, ChangeUntil, ChangeNoEnd, ChangeDelegate, AllPerms, WhenApplied      string
	ChangeJoin, ChangeLeave, ChangeReset, ChangeUnblock, ChangeRelease, ChangeHeld, ChangeHeldOne string

	// Permission names (model's perm names), SendAs takes the mailbox.
	PermBroadcast, PermExternal, PermNotify, PermSkipLevel, PermSubadmin, PermSendAs string

	// The forms: ApproveTitle and RejectTitle take the item ("#12" or a
	// message id), ApproveMany and RejectMany a count, HandTitle the id
	// and the step's number.
	ApproveTitle, ApproveMany, RejectTitle, RejectMany, HandTitle                     string
	Comment, CommentHint, RejectHint, CommentNeeded, Deputy, DeputyHint, DeputyNeeded string
	// ManyIntro takes a count.
	ManyIntro string

	// Results: each takes the request's id (Handed also the deputy);
	// HeldReleased and HeldRejected the message id; Summary how many were
	// done and how many refused; ResultsMore how many results are not
	// listed.
	DidApprove, DidApply, DidReject, DidHand, HeldReleased, HeldRejected string
	// A joiner's account opened in the pane: its one-time password, shown
	// once, and the heads it was also mailed to.
	OneTime, OneTimeNote, OneTimeMailed, OneTimeNotMailed, OneTimeAnyKey string
	Summary, ResultsTitle, ResultOK, ResultRefused, ResultsMore, Working string

	// Keys.
	KeyApprove, KeyReject, KeyHand, KeySelect, KeyAll, KeySort, KeyKind, KeyClose string

	// My requests: Mine is its title line, MineEmpty what it says with
	// none, WaitingOn takes whom a request waits for.
	MineEmpty, WaitingOn, Finished string
	// Withdrawing one's own pending request: KeyWithdraw the key's help,
	// ConfirmWithdraw the question (the id and what it is about), KeyYes
	// the answer's help, DidWithdraw the result (the id); WithdrawnBy and
	// WithdrawWhy label who withdrew it and why in the detail.
	KeyWithdraw, ConfirmWithdraw, KeyYes, DidWithdraw, WithdrawnBy, WithdrawWhy string

	// Filing a request (n): KeyNew the key's help, NewChoose the list of
	// kinds' title, NewTitle the form's (the kind), DidFile the result
	// (the id). KindDismiss names a leave filed as a dismissal; Desc* say
	// what each kind does and who files it.
	KeyNew, NewChoose, NewTitle, DidFile, KindDismiss         string
	DescGrant, DescDelegate, DescJoin, DescLeave, DescDismiss string
	DescHandover, DescReset, DescUnblock                      string
	// The form's fields and their hints.
	FMember, FLender, FTo, FPerm, FPerms, FUntil, FUntilNeeded, FReason   string
	FScope, FRights, FName, FDept, FAddress, FTitle, FPosition, FStart    string
	FLeaver, FSuccessor                                                   string
	HintPerson, HintSuccessor, HintPerm, HintPerms, HintUntil, HintReason string
	HintUntilNeeded, HintScope, HintRights, HintDept, HintAddress         string
	HintPosition, HintStart, HintTicket                                   string
	// Finding people and departments: PersonNone takes the query,
	// PersonMany the query and some of the people it found, joined by
	// ListSep; DeptNone and DeptMany the same for departments.
	PersonNeeded, PersonNone, PersonMany, DeptNeeded, DeptNone, DeptMany string
	ListSep, UntilNeeded                                                 string
}

var requestsZH = RequestsText{
	NavApprovals: "审批", NavMine: "我的申请",

	KindGrant: "权限申请", KindDelegate: "临时授权", KindJoin: "入职开户", KindLeave: "离职销户",
	KindRelease: "放行邮件", KindReset: "重置密码", KindUnblock: "解除屏蔽", KindHeld: "待审邮件",
	KindHandover: "邮箱移交", ChangeHandover: "将离职人员 %s 的邮件（收件箱及各文件夹）复制到 %s 邮箱的一个文件夹中",
	HandingOver: "已执行，邮箱移交进行中", HandedOver: "已移交 %d 封邮件（%s），位于文件夹“%s”",

	StatePending: "审批中", StateApplied: "已执行", StateRejected: "已驳回", StateExpired: "已过期", StateWithdrawn: "已撤回",

	StepOfficer: "%s 权限负责人", StepOwner: "%s 权限负责人（权限所有部门）", StepUnit: "单位权限负责人 %s（任一单位权限负责人均可）",
	StepHead: "%s 负责人", StepIT: "信息部（任一管理员）执行",
	Approved: "已同意", Rejected: "已驳回", Waiting: "待审批", NotYet: "未轮到",
	StepDecided: "%s：%s，%s", Handed: "已转交 %s", Postroom: "系统自动",

	CountOne: "待您处理 %d 项", Count: "待您处理 %d 项", KindCount: "%s %d", Newest: "最新在前", Oldest: "最早在前",
	AllKinds: "全部类型", Selected: "已选 %d 项",
	Empty: "没有等待您审批的申请或邮件。", EmptyKind: "这一类没有等待您审批的事项。",
	ColID: "编号", ColFiled: "提交时间", ColKind: "类型", ColAbout: "内容", ColRequester: "申请人", ColStep: "当前步骤",
	ColState: "状态", ColWaitingOn: "等待", Rows: "第 %d-%d 项，共 %d 项",
	StepOf: "第 %d/%d 步",

	AboutGrant: "%s：%s", AboutDelegate: "%s → %s", AboutJoin: "%s（%s）", AboutHeld: "%s：%s",

	DetailTitle: "申请 %d · %s", HeldTitle: "待审邮件 %s", Requester: "申请人", Subject: "当事人", Filed: "提交时间",
	Expires: "有效期至", State: "状态", Reason: "理由", Urgent: "紧急",
	Changes: "批准后", Chain: "审批链", Done: "完成时间", Current: "← 当前",

	ChangeGrant: "%s 获得权限 %s", ChangeFrom: "，自 %s 起", ChangeUntil: "，至 %s 止", ChangeNoEnd: "，长期有效",
	ChangeDelegate: "%s 的%s临时交由 %s 使用，%s 至 %s", AllPerms: "全部权限", WhenApplied: "执行时",
	ChangeJoin: "为 %s 开通邮箱 %s，部门 %s", ChangeLeave: "关闭 %s 的账号，邮件转给 %s", ChangeReset: "重置 %s 的密码",
	ChangeUnblock: "解除 %s 邮箱因警告而设的屏蔽：恢复登录和发信，警告记录清零",
	ChangeRelease: "放行邮件 %s", ChangeHeld: "放行后邮件立即发给 %d 位收件人；驳回则邮件退回，发件人会看到您的意见。",
	ChangeHeldOne: "放行后邮件立即发给 %d 位收件人；驳回则邮件退回，发件人会看到您的意见。",

	PermBroadcast: "全员群发", PermExternal: "对外发信", PermNotify: "批量通知", PermSkipLevel: "越级发信",
	PermSubadmin: "分级管理", PermSendAs: "以 %s 名义发信",

	ApproveTitle: "同意 %s", ApproveMany: "同意所选的 %d 项", RejectTitle: "驳回 %s", RejectMany: "驳回所选的 %d 项",
	HandTitle: "转交申请 %d 的第 %d 步",
	Comment:   "意见", CommentHint: "可不填；申请人会看到", RejectHint: "必填：申请人会看到驳回理由",
	CommentNeeded: "请写明驳回理由：申请人会看到。", Deputy: "转交给", DeputyHint: "同事的邮箱地址，例如 zhangsan@example.com",
	DeputyNeeded: "请填写接手这一步的同事的邮箱地址。",
	ManyIntro:    "以下 %d 项将逐项处理，每项的结果都会列出。",

	OneTime:          "%s 的一次性密码",
	OneTimeNote:      "只显示这一次，关闭后无法再查看。请当面或电话告知本人；首次登录时须修改。",
	OneTimeMailed:    "已同时发信告知部门负责人：%s",
	OneTimeNotMailed: "未能发信告知部门负责人（%s）：请亲自转交。",
	OneTimeAnyKey:    "按任意键关闭",
	DidApprove:       "已同意申请 %d", DidApply: "申请 %d 已执行", DidReject: "已驳回申请 %d", DidHand: "申请 %d 已转交给 %s",
	HeldReleased: "邮件 %s 已放行", HeldRejected: "邮件 %s 已退回",
	Summary: "处理 %d 项成功，%d 项未成功", ResultsTitle: "处理结果", ResultOK: "成功", ResultRefused: "未成功", ResultsMore: "……另有 %d 项未列出（成功的排在后面）",
	Working: "正在处理…",

	KeyApprove: "同意", KeyReject: "驳回", KeyHand: "转交", KeySelect: "选择", KeyAll: "全选", KeySort: "排序",
	KeyKind: "类型", KeyClose: "关闭结果",

	MineEmpty: "您还没有提交过申请。按 %s 提交新申请。", WaitingOn: "等待 %s", Finished: "已结束",
	KeyWithdraw: "撤回", ConfirmWithdraw: "撤回申请 %d（%s）？撤回后审批人不再处理它。y/n", KeyYes: "确认",
	DidWithdraw: "申请 %d 已撤回", WithdrawnBy: "撤回人", WithdrawWhy: "撤回理由",

	KeyNew: "新申请", NewChoose: "提交新申请：选择类型", NewTitle: "新申请 · %s", DidFile: "申请 %d 已提交", KindDismiss: "辞退（紧急）",
	DescGrant:    "为自己（或您可代为申请的人）申请一项权限，如对外发信、全员群发、以公共邮箱名义发信",
	DescDelegate: "在一段时间内把某人的权限（全部或部分）临时交给另一人使用，到期或本人回来即失效",
	DescJoin:     "为新员工申请开通邮箱（人事，或部门负责人为在职员工申请）；信息部批准后生成一次性密码",
	DescLeave:    "员工离职：批准后关闭账号，邮件转给接替人，退出邮件组、收回授权",
	DescDismiss:  "辞退：提交即刻禁止登录，其余同离职",
	DescHandover: "把离职人员邮箱里的邮件复制到接替人邮箱的一个文件夹（接替人、人事或管理员申请）",
	DescReset:    "按制度须经审批的密码重置：写明工单和核验方式，信息部批准后生成一次性密码",
	DescUnblock:  "申请解除因三次警告而屏蔽的邮箱（本人的部门负责人或管理员申请）",
	FMember:      "成员", FLender: "权限所有人", FTo: "交给", FPerm: "权限", FPerms: "哪些权限", FUntil: "截止",
	FUntilNeeded: "截止", FReason: "理由", FScope: "管理范围", FRights: "管理权限", FName: "姓名", FDept: "部门",
	FAddress: "邮箱地址", FTitle: "职务", FPosition: "职位类别", FStart: "入职日期", FLeaver: "离职人员", FSuccessor: "接替人",
	HintPerson: "姓名、拼音、首字母或邮箱地址", HintSuccessor: "离职人员的邮件转给此人；姓名、拼音或邮箱地址",
	HintPerm:  "对外发信、全员群发、批量通知、越级发信、分级管理，或 sendas:公共邮箱地址",
	HintPerms: "用逗号分隔；不填即全部权限", HintUntil: "如 2026-12-31 或 2026-12-31 18:00；不填即长期有效",
	HintUntilNeeded: "必填，如 2026-12-31；本人提前回来可随时结束", HintReason: "审批人会看到",
	HintScope: "仅分级管理：所管部门的路径，如 销售部/华北大区", HintRights: "仅分级管理：members、groups、announcements，用逗号分隔",
	HintDept: "部门路径或其中唯一的一段，如 华北大区", HintAddress: "新邮箱的地址，如 zhangsan@example.com",
	HintPosition: "不填为普通员工；可填 executive、director、secretary 等", HintStart: "如 2026-12-01，可不填",
	HintTicket:   "必填：工单号，以及如何核验了本人身份",
	PersonNeeded: "请填写此人：姓名、拼音或邮箱地址。", PersonNone: "没有找到“%s”：请换个写法，或填写邮箱地址。",
	PersonMany: "“%s”对应多人：%s。请写得更具体，或填写邮箱地址。",
	DeptNeeded: "请填写部门。", DeptNone: "没有名为“%s”的部门。", DeptMany: "“%s”对应多个部门：%s。请写出完整路径。",
	ListSep: "；", UntilNeeded: "请填写截止时间：临时授权必须有结束时间。",
}

var requestsEN = RequestsText{
	NavApprovals: "Approvals", NavMine: "My requests",

	KindGrant: "grant", KindDelegate: "delegation", KindJoin: "joiner", KindLeave: "leaver",
	KindRelease: "release", KindReset: "password reset", KindUnblock: "unblock", KindHeld: "held mail",
	KindHandover: "mailbox handover", ChangeHandover: "the mail of the leaver %s (inbox and folders) is copied into a folder of %s's mailbox",
	HandingOver: "applied, mailbox handover under way", HandedOver: "%d messages (%s) handed over, in the folder \"%s\"",

	StatePending: "pending", StateApplied: "applied", StateRejected: "rejected", StateExpired: "expired", StateWithdrawn: "withdrawn",

	StepOfficer: "permission officer of %s", StepOwner: "permission officer of %s (owning department)",
	StepUnit: "unit permission officer %s (any unit officer may sign)",
	StepHead: "head of %s", StepIT: "IT (any admin) applies it",
	Approved: "approved", Rejected: "rejected", Waiting: "waiting", NotYet: "not yet",
	StepDecided: "%s by %s, %s", Handed: "handed to %s", Postroom: "postroom",

	CountOne: "%d waits for you", Count: "%d wait for you", KindCount: "%s %d", Newest: "newest first", Oldest: "oldest first",
	AllKinds: "all kinds", Selected: "%d selected",
	Empty: "Nothing waits for your decision.", EmptyKind: "Nothing of this kind waits for your decision.",
	ColID: "ID", ColFiled: "Filed", ColKind: "Kind", ColAbout: "About", ColRequester: "Requester", ColStep: "Step",
	ColState: "Status", ColWaitingOn: "Waiting on", Rows: "%d-%d of %d",
	StepOf: "step %d of %d",

	AboutGrant: "%s: %s", AboutDelegate: "%s → %s", AboutJoin: "%s (%s)", AboutHeld: "%s: %s",

	DetailTitle: "Request %d · %s", HeldTitle: "Held message %s", Requester: "Requester", Subject: "About", Filed: "Filed",
	Expires: "Expires", State: "Status", Reason: "Reason", Urgent: "urgent",
	Changes: "If approved", Chain: "Chain", Done: "Done", Current: "← now",

	ChangeGrant: "%s gets the permission %s", ChangeFrom: ", from %s", ChangeUntil: ", until %s", ChangeNoEnd: ", with no end",
	ChangeDelegate: "%s lends %s to %s, from %s until %s", AllPerms: "all permissions", WhenApplied: "when applied",
	ChangeJoin: "an account is opened for %s, %s, in %s", ChangeLeave: "the account of %s is closed; mail goes to %s",
	ChangeReset: "the password of %s is reset", ChangeRelease: "the held message %s is released",
	ChangeUnblock: "the mailbox of %s, blocked by warnings, is unblocked: login and sending again, the warnings cleared",
	ChangeHeld:    "Released, it goes out at once to its %d recipients; rejected, it goes back and the sender reads your comment.",
	ChangeHeldOne: "Released, it goes out at once to its %d recipient; rejected, it goes back and the sender reads your comment.",

	PermBroadcast: "whole-company mail", PermExternal: "mail outside the company", PermNotify: "bulk notices",
	PermSkipLevel: "skip-level mail", PermSubadmin: "sub-admin", PermSendAs: "send as %s",

	ApproveTitle: "Approve %s", ApproveMany: "Approve the %d selected", RejectTitle: "Reject %s",
	RejectMany: "Reject the %d selected", HandTitle: "Request %d: hand step %d to a deputy",
	Comment: "Comment", CommentHint: "optional; the requester reads it", RejectHint: "required: the requester reads why",
	CommentNeeded: "Say why it is rejected: the requester reads it.", Deputy: "Hand to",
	DeputyHint: "a colleague's address, like zhangsan@example.com", DeputyNeeded: "Name the colleague who takes the step.",
	ManyIntro: "The %d items are decided one by one; each one's result is listed.",

	OneTime:          "One-time password for %s",
	OneTimeNote:      "Shown this once and never again. Tell the person in person or by phone; they must change it at the first login.",
	OneTimeMailed:    "Also mailed to the department's heads: %s",
	OneTimeNotMailed: "It could not be mailed to the department's heads (%s): hand it over yourself.",
	OneTimeAnyKey:    "press any key to close",
	DidApprove:       "request %d approved", DidApply: "request %d applied", DidReject: "request %d rejected",
	DidHand: "request %d handed to %s", HeldReleased: "message %s released", HeldRejected: "message %s rejected",
	Summary: "%d done, %d refused", ResultsTitle: "Results", ResultOK: "done", ResultRefused: "refused", ResultsMore: "… and %d more (the refused ones are listed first)",
	Working: "working…",

	KeyApprove: "approve", KeyReject: "reject", KeyHand: "hand on", KeySelect: "select", KeyAll: "select all",
	KeySort: "sort", KeyKind: "kind", KeyClose: "close results",

	MineEmpty: "You have not filed any requests. Press %s to file one.", WaitingOn: "waiting on %s", Finished: "finished",
	KeyWithdraw: "withdraw", ConfirmWithdraw: "withdraw request %d (%s)? Its approvers will no longer decide it. y/n", KeyYes: "yes",
	DidWithdraw: "request %d withdrawn", WithdrawnBy: "Withdrawn by", WithdrawWhy: "Why",

	KeyNew: "new request", NewChoose: "New request: choose what to ask for", NewTitle: "New request · %s", DidFile: "request %d filed", KindDismiss: "Dismissal (urgent)",
	DescGrant:    "Ask for a permission for yourself (or someone you may file for): sending outside, sending to all staff, sending as a shared mailbox",
	DescDelegate: "Lend someone's permissions (all or some) to another person for a while; it ends at the end of the window or when they are back",
	DescJoin:     "Ask for a new employee's mailbox (HR, or a head for existing staff); IT's approval makes a one-time password",
	DescLeave:    "An employee leaves: once approved the account closes, mail goes to the successor, groups and grants are removed",
	DescDismiss:  "A dismissal: the login is blocked the moment it is filed; otherwise like a leaver",
	DescHandover: "Copy a leaver's mail into a folder of their successor's mailbox (the successor, HR or an admin asks)",
	DescReset:    "A password reset where the policy needs approval: give the ticket and how the person was verified; IT's approval makes a one-time password",
	DescUnblock:  "Lift the block of a mailbox blocked by three warnings (the member's head or an admin asks)",
	FMember:      "Member", FLender: "Whose permissions", FTo: "Lend to", FPerm: "Permission", FPerms: "Which permissions", FUntil: "Until",
	FUntilNeeded: "Until", FReason: "Reason", FScope: "Scope", FRights: "Rights", FName: "Name", FDept: "Department",
	FAddress: "Address", FTitle: "Title", FPosition: "Position class", FStart: "Start date", FLeaver: "Leaver", FSuccessor: "Successor",
	HintPerson: "name, pinyin, initials or address", HintSuccessor: "receives the leaver's mail; name, pinyin or address",
	HintPerm:  "external, broadcast, notify, skip-level, subadmin, or sendas:SHARED-ADDRESS",
	HintPerms: "separated by commas; empty: all of them", HintUntil: "like 2026-12-31 or 2026-12-31 18:00; empty: no end",
	HintUntilNeeded: "required, like 2026-12-31; it ends early when they are marked back", HintReason: "the approvers see it",
	HintScope: "subadmin only: the department's path, like 销售部/华北大区", HintRights: "subadmin only: members, groups, announcements, separated by commas",
	HintDept: "the department's path or a unique part of it, like 华北大区", HintAddress: "the new mailbox, like zhangsan@example.com",
	HintPosition: "empty: staff; or executive, director, secretary …", HintStart: "like 2026-12-01; may be empty",
	HintTicket:   "required: the ticket, and how the person was verified",
	PersonNeeded: "Name the person: a name, pinyin or address.", PersonNone: "Nobody found for “%s”: write it another way, or give the address.",
	PersonMany: "“%s” finds several people: %s. Write more of the name, or give the address.",
	DeptNeeded: "Name the department.", DeptNone: "No department is called “%s”.", DeptMany: "“%s” finds several departments: %s. Write the whole path.",
	ListSep: "; ", UntilNeeded: "Give the end: a delegation must end.",
}
