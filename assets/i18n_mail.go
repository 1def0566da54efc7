package assets

// MailText is the words the mail panes share: message and recipient
// states, the mail log's kinds, the rule actions.
type MailText struct {
	// NoSpool is shown where the mail spool is not open (the local
	// postroom tui, without postroom serve).
	NoSpool string

	// Message and mail-log states.
	Queued, Held, Delivered, Bounced, Rejected, Dropped string
	Refused, Deferred, Released                         string
	// Reply is the mail log's status of a reply that decided a request
	// or held mail, or was refused (its reason says which).
	Reply string
	// Recipient states (Delivered above is shared).
	Pending, Failed string

	// The mail log's kinds of mail.
	DirIn, DirOut, DirInternal string

	// Rule actions, as model.MailAction names them.
	ActAllow, ActHold, ActRefuse, ActLog string

	// More follows the first recipient: it takes how many there are in
	// all and how many more, and says one of them (" 等%[1]d人", " +%[2]d").
	More      string
	NoSubject string
	Quoted    string // "“%s”": a subject in quotation marks
}

var mailZH = MailText{
	NoSpool: "邮件队列、邮件日志和发信记录由运行中的 postroom serve 提供，本地 postroom tui 无法读取。请启动 postroom serve 后通过 SSH 登录查看。",

	Queued: "排队中", Held: "待审", Delivered: "已投递", Bounced: "已退信", Rejected: "已退回", Dropped: "已删除",
	Refused: "已拒收", Deferred: "延迟", Released: "已放行", Reply: "回复审批",
	Pending: "待投递", Failed: "失败",

	DirIn: "外来", DirOut: "外发", DirInternal: "内部",

	ActAllow: "放行", ActHold: "扣留待审", ActRefuse: "拒绝", ActLog: "只记录",

	More: " 等%[1]d人", NoSubject: "（无主题）", Quoted: "“%s”",
}

var mailEN = MailText{
	NoSpool: "The mail queue, the mail log and the sending records come from a running postroom serve; the local postroom tui cannot read them. Start postroom serve and log in over SSH to see them.",

	Queued: "queued", Held: "held", Delivered: "delivered", Bounced: "bounced", Rejected: "rejected", Dropped: "dropped",
	Refused: "refused", Deferred: "deferred", Released: "released", Reply: "decision by reply",
	Pending: "pending", Failed: "failed",

	DirIn: "in", DirOut: "out", DirInternal: "internal",

	ActAllow: "allow", ActHold: "hold", ActRefuse: "refuse", ActLog: "log only",

	More: " +%[2]d", NoSubject: "(no subject)", Quoted: "\"%s\"",
}

// QueueText is the Queue pane's strings (and the Held mail pane's, the
// same pane narrowed to what waits for the person).
type QueueText struct {
	// Tabs.
	TabAll, TabQueued, TabHeld, TabBounced, TabWaiting string
	// Refused is shown to anyone who may not read the queue.
	Refused string
	// Live says the list follows the queue; ReadOnly marks an auditor's view.
	Live, ReadOnly string

	// The list. Rows and RowsCapped take the first and last row shown and
	// how many there are.
	ColID, ColReceived, ColFrom, ColTo, ColStatus, ColAttempts, ColNext, ColSubject string
	Empty, EmptyHeld, Rows, RowsCapped                                              string

	// The detail: DetailTitle takes the id, Counts the recipients in all,
	// pending, delivered and failed, ThenRelease and ThenReject a time,
	// DecidedBy the decision, who and when, RcptTitle a count, RcptMore
	// how many are shown of how many.
	DetailTitle, Status, Received, From, HeaderFrom, Subject, Door, Size string
	Recipients, Counts, Attempts, Next, Expires, Approver, HoldUntil     string
	ThenRelease, ThenReject, Decision, DecidedBy, Rules, LastError       string
	Reasons, RcptTitle, ColRcpt, ColError, RcptMore                      string

	// Actions: the questions take the message (id, or sender and subject),
	// the answers the id.
	ConfirmRetry, ConfirmRelease, ConfirmDrop      string
	RejectTitle, RejectIntro, Comment, CommentHint string
	CommentNeeded, Working                         string
	Retried, Released, Rejected, Dropped           string
	KeyDrop, KeyTab                                string
}

var queueZH = QueueText{
	TabAll: "全部", TabQueued: "排队中", TabHeld: "待审", TabBounced: "已退信", TabWaiting: "等我审批",
	Refused:  "只有管理员、审计员和待审邮件的审批人可以查看邮件队列。",
	Live:     "每 3 秒自动刷新",
	ReadOnly: "只读",

	ColID: "编号", ColReceived: "收到时间", ColFrom: "发件人", ColTo: "收件人", ColStatus: "状态", ColAttempts: "尝试",
	ColNext: "下次投递", ColSubject: "主题",
	Empty: "这里没有邮件。", EmptyHeld: "没有等您审批的邮件。",
	Rows: "第 %d-%d 封，共 %d 封", RowsCapped: "第 %d-%d 封，只列出最新的 %d 封",

	DetailTitle: "邮件 %s", Status: "状态", Received: "收到时间", From: "发件人", HeaderFrom: "信头发件人",
	Subject: "主题", Door: "入口", Size: "大小（字节）",
	Recipients: "收件人", Counts: "共 %d 人：待投递 %d，已投递 %d，失败 %d", Attempts: "投递轮次", Next: "下次投递",
	Expires: "有效期至", Approver: "审批人", HoldUntil: "无人处理时",
	ThenRelease: "%s 自动放行", ThenReject: "%s 自动退回",
	Decision: "处理结果", DecidedBy: "%s（%s，%s）", Rules: "触发规则", LastError: "最近错误",
	Reasons: "原因", RcptTitle: "收件人（%d）", ColRcpt: "收件人", ColError: "最近错误",
	RcptMore: "只列出前 %d 位，共 %d 位",

	ConfirmRetry:   "立即重新投递邮件 %s？y/n",
	ConfirmRelease: "放行 %s 的邮件 %s？放行后立即发出，且只能放行一次。y/n",
	ConfirmDrop:    "删除邮件 %s %s？不再投递，也不通知发件人。y/n",
	RejectTitle:    "退回邮件",
	RejectIntro:    "%s 的邮件 %s 将被退回，发件人会收到下面写的原因。",
	Comment:        "退回原因", CommentHint: "必填，发件人会看到",
	CommentNeeded: "请写明退回原因：发件人会看到。",
	Working:       "正在处理…",
	Retried:       "邮件 %s 将立即重新投递", Released: "邮件 %s 已放行，正在发出",
	Rejected: "邮件 %s 已退回，发件人将收到原因", Dropped: "邮件 %s 已删除",
	KeyDrop: "删除", KeyTab: "切换状态",
}

var queueEN = QueueText{
	TabAll: "All", TabQueued: "Queued", TabHeld: "Held", TabBounced: "Bounced", TabWaiting: "Waiting for me",
	Refused:  "Only admins, auditors and the approvers of held mail may see the mail queue.",
	Live:     "refreshes every 3 s",
	ReadOnly: "read-only",

	ColID: "ID", ColReceived: "Received", ColFrom: "From", ColTo: "To", ColStatus: "Status", ColAttempts: "Try",
	ColNext: "Next", ColSubject: "Subject",
	Empty: "No mail here.", EmptyHeld: "No mail waits for your approval.",
	Rows: "%d-%d of %d", RowsCapped: "%d-%d of the newest %d",

	DetailTitle: "Message %s", Status: "Status", Received: "Received", From: "From", HeaderFrom: "Header From",
	Subject: "Subject", Door: "Door", Size: "Size (bytes)",
	Recipients: "Recipients", Counts: "%d: %d pending, %d delivered, %d failed", Attempts: "Rounds", Next: "Next attempt",
	Expires: "Expires", Approver: "Approver", HoldUntil: "If nobody decides",
	ThenRelease: "released at %s", ThenReject: "rejected at %s",
	Decision: "Decision", DecidedBy: "%s (%s, %s)", Rules: "Rules", LastError: "Last error",
	Reasons: "Reasons", RcptTitle: "Recipients (%d)", ColRcpt: "Recipient", ColError: "Last error",
	RcptMore: "the first %d of %d shown",

	ConfirmRetry:   "Try message %s again now? y/n",
	ConfirmRelease: "Release %s's message %s? It goes out at once, and only once. y/n",
	ConfirmDrop:    "Drop message %s %s? It will not be delivered, and the sender is not told. y/n",
	RejectTitle:    "Reject a message",
	RejectIntro:    "%s's message %s is refused; the sender reads the reason you give.",
	Comment:        "Reason", CommentHint: "required: the sender reads it",
	CommentNeeded: "Say why: the sender reads it.",
	Working:       "working…",
	Retried:       "message %s will be tried again now", Released: "message %s released: it goes out now",
	Rejected: "message %s rejected; the sender is told why", Dropped: "message %s dropped",
	KeyDrop: "drop", KeyTab: "status",
}
