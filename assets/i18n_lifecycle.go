package assets

import "strings"

// lifecycleErrorPairs are the error formats of the handover of a leaver's
// mailbox (model/handover.go, mail/handover.go), in the form of errorPairs.
var lifecycleErrorPairs = [][2]string{
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
