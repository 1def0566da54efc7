package assets

import "strings"

// lifecycleErrorPairs are the error formats of the handover of a leaver's
// mailbox (model/handover.go, mail/handover.go), in the form of errorPairs.
var lifecycleErrorPairs = [][2]string{
	// mail/reply.go, mail/reply_held.go
	{"Start the reply with 同意 or 批准 (approve), or 拒绝 or 驳回 (reject) and why, to decide request %d",
		"回复的第一个词须是“同意”或“批准”（同意），或“拒绝”或“驳回”并写明理由（驳回），才能处理申请 %d"},
	{"Start the reply with 同意 or 批准 (approve), or 拒绝 or 驳回 (reject) and why, to decide the held message %s",
		"回复的第一个词须是“同意”或“批准”（放行），或“拒绝”或“驳回”并写明理由（退回），才能处理待审邮件 %s"},
	{"Say why after 驳回 or reject: the requester reads it (request %d not decided)",
		"请在“驳回”或“拒绝”后写明理由，申请人会看到（申请 %d 未处理）"},
	{"Say why after 驳回 or reject: the sender reads it (message %s not decided)",
		"请在“驳回”或“拒绝”后写明理由，发件人会看到（邮件 %s 未处理）"},
	{"request %d expired at %s without a decision: nothing to decide",
		"申请 %d 已于 %s 过期，无人处理：已无可审批的内容"},

	// model/handover.go
	{"%s has not left: a mailbox is handed over once the leave request is applied (request file leave --member %s --successor ADDR)",
		"%s 尚未离职：离职申请执行后才能移交邮箱内容（request file leave --member %s --successor ADDR）"},
	{"request %d already asks for the mailbox of %s to be handed over; it is pending",
		"申请 %d 已在申请移交 %s 的邮箱内容，正在审批中"},
	{"the mailbox of %s was already handed over by request %d",
		"%s 的邮箱内容已由申请 %d 移交"},
	{"the successor %s has left too: nobody is left to hand the mailbox of %s to",
		"接替人 %s 也已离职：%s 的邮箱内容无人可接收"},
	{"the successor %s has left too; the mailbox of %s cannot be handed to them",
		"接替人 %s 也已离职，无法向其移交 %s 的邮箱内容"},
	{"only postroom records a handover, once it has copied the mail",
		"只有 postroom 在复制完邮件后才能记录移交结果"},
	{"request %d is a %s request, not a handover",
		"申请 %d 是 %s 申请，不是邮箱移交"},
	{"request %d was already handed over at %s",
		"申请 %d 已于 %s 完成移交"},
	{"request %d is %s: only an applied handover is copied",
		"申请 %d 的状态是 %s：只有已执行的移交才会复制邮件"},
}

func init() {
	for _, p := range lifecycleErrorPairs {
		if _, dup := errorsZH[p[0]]; dup {
			panic("assets: error format listed twice: " + p[0])
		}
		errorsZH[p[0]] = p[1]
	}
}

// HandoverFolder is the name of the folder of a successor's mailbox that
// receives a leaver's mail (ACC-5), in the successor's language: "交接-张三",
// "Handover-zhangsan" (the leaver's name in Chinese, the address's local
// part in English). Characters a Maildir++ folder name cannot hold ('.',
// '/', '\') become '-'.
func HandoverFolder(lang, name string, local string) string {
	f := "Handover-" + local
	if IsChinese(lang) && strings.TrimSpace(name) != "" {
		f = "交接-" + strings.TrimSpace(name)
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '.' || r == '/' || r == '\\':
			return '-'
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, f)
}

// ReplyText is what the mail back to someone who decided by replying to a
// notice says (mail/reply_confirm.go), and the mail log's line for that
// reply: Request and Message name the item (an id); StepApproved,
// StepRejected and StepApplied take the step's number; LogDecided and
// LogRefused the outcome or the refusal.
type ReplyText struct {
	Request, Message                                   string
	StepApproved, StepRejected, StepApplied            string
	HeldReleased, HeldRejected, LogDecided, LogRefused string
}

var replyZH = ReplyText{
	Request: "申请 %d", Message: "待审邮件 %s",
	StepApproved: "第 %d 步已同意，申请转入下一步", StepRejected: "第 %d 步已驳回，申请到此结束", StepApplied: "第 %d 步已同意，申请已执行",
	HeldReleased: "邮件已放行，正在发出", HeldRejected: "邮件已退回，发件人会收到您的理由",
	LogDecided: "回复审批：%s（%s）", LogRefused: "回复审批未生效：%s",
}

var replyEN = ReplyText{
	Request: "request %d", Message: "held message %s",
	StepApproved: "step %d approved; the request goes on to its next step", StepRejected: "step %d rejected; the request ends there", StepApplied: "step %d approved; the request was applied",
	HeldReleased: "the message was released and goes out now", HeldRejected: "the message was sent back; the sender reads your reason",
	LogDecided: "decided by reply: %s (%s)", LogRefused: "reply decided nothing: %s",
}

// Reply returns the ReplyText of a language: Chinese for anything
// Chinese, else English.
func Reply(lang string) ReplyText {
	if IsChinese(lang) {
		return replyZH
	}
	return replyEN
}
