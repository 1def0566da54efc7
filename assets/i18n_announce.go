package assets

// AnnounceText is the Announcements pane's strings and Home's lines about
// announcements (ANN-1, ANN-2).
type AnnounceText struct {
	Nav, Title, Loading, None                   string
	ColID, ColStatus, ColPublished, ColTitle    string
	ColTo, ColCopies, ColResult                 string
	Live, Recalled, AllStaff                    string
	ResultFmt                                   string // recalled N, already fetched M
	NoQueue                                     string
	Compose, FieldTitle, FieldBody, FieldTo     string
	Count                                       string // 123/2000
	TooLong                                     string
	ToHint, PickTitle                           string
	Preview, PreviewHint                        string
	Published, PublishedAs                      string
	ConfirmRecall, Recalling                    string
	RecallDone, RecallCancelled                 string
	By, At, RecalledBy                          string
	KeyNew, KeyRecall, KeyPreview, KeyPublish   string
	KeyPick, KeyClear, KeyYes, KeyOpen, KeyEdit string
	HomeMore                                    string
	NoTitle, NoBody                             string
}

// AnnounceCatalog returns the announcements' strings in a language
// (anything Chinese gets Chinese, anything else English).
func AnnounceCatalog(lang string) AnnounceText {
	if IsChinese(lang) {
		return announceZH
	}
	return announceEN
}

var announceZH = AnnounceText{
	Nav: "公告", Title: "公告", Loading: "正在读取公告…", None: "还没有公告。按 n 撰写一条。",
	ColID: "编号", ColStatus: "状态", ColPublished: "发布时间", ColTitle: "标题",
	ColTo: "发送对象", ColCopies: "邮件", ColResult: "撤回结果",
	Live: "已发布", Recalled: "已撤回", AllStaff: "全体员工",
	ResultFmt: "已撤回 %d 份，已被收取 %d 份",
	NoQueue:   "邮件队列未打开（postroom serve 未运行）：公告会在服务启动后发出",
	Compose:   "撰写公告", FieldTitle: "标题", FieldBody: "正文", FieldTo: "发送对象",
	Count:     "%d/%d 字",
	TooLong:   "超出 %d 字：请删减",
	ToHint:    "按 a 添加部门（含下级部门），按 c 清空（即发给全体员工）",
	PickTitle: "选择接收公告的部门",
	Preview:   "预览", PreviewHint: "按 enter 发布，esc 返回修改",
	Published: "公告 %d 已发布，邮件正在投递", PublishedAs: "已发布",
	ConfirmRecall:   "撤回公告 %d“%s”？它将从所有人的首页消失，未读的邮件副本会被删除。按 y 确认，其他键取消",
	Recalling:       "正在撤回…",
	RecallDone:      "公告 %d 已撤回：已撤回 %d 份，已被收取 %d 份（无法撤回）",
	RecallCancelled: "其中 %d 份尚在队列中，已取消发送",
	By:              "发布人", At: "发布时间", RecalledBy: "撤回：%s，%s",
	KeyNew: "撰写", KeyRecall: "撤回", KeyPreview: "预览", KeyPublish: "发布",
	KeyPick: "添加部门", KeyClear: "全体员工", KeyYes: "确认", KeyOpen: "查看", KeyEdit: "修改",
	HomeMore: "另有 %d 条公告",
	NoTitle:  "请填写标题", NoBody: "请填写正文",
}

var announceEN = AnnounceText{
	Nav: "Announcements", Title: "Announcements", Loading: "reading the announcements…", None: "No announcements yet. Press n to write one.",
	ColID: "ID", ColStatus: "Status", ColPublished: "Published", ColTitle: "Title",
	ColTo: "To", ColCopies: "Mail", ColResult: "Recall",
	Live: "live", Recalled: "recalled", AllStaff: "all staff",
	ResultFmt: "recalled %d, already fetched %d",
	NoQueue:   "the mail queue is not open (postroom serve is not running): the mail goes out once it runs",
	Compose:   "New announcement", FieldTitle: "Title", FieldBody: "Text", FieldTo: "To",
	Count:     "%d/%d characters",
	TooLong:   "%d characters too many: shorten it",
	ToHint:    "a adds a department (with its subtree), c clears the list (all staff)",
	PickTitle: "Choose a department to announce to",
	Preview:   "Preview", PreviewHint: "enter publishes, esc goes back to edit",
	Published: "Announcement %d is published; its mail is on its way", PublishedAs: "published",
	ConfirmRecall:   "Recall announcement %d \"%s\"? It leaves every Home and unread mail copies are removed. y recalls, any other key keeps it",
	Recalling:       "recalling…",
	RecallDone:      "Announcement %d recalled: recalled %d, already fetched %d (could not be recalled)",
	RecallCancelled: "%d of them were still queued and are cancelled",
	By:              "By", At: "Published", RecalledBy: "recalled by %s, %s",
	KeyNew: "write", KeyRecall: "recall", KeyPreview: "preview", KeyPublish: "publish",
	KeyPick: "add department", KeyClear: "all staff", KeyYes: "confirm", KeyOpen: "open", KeyEdit: "edit",
	HomeMore: "%d more announcements",
	NoTitle:  "give it a title", NoBody: "write its text",
}
