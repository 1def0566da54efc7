package assets

// announceErrorPairs are the error formats of announcements and the
// letters the system writes (model/announce.go, model/letters.go,
// store/announce.go, tui/cmd/announce.go), in the form of errorPairs.
var announceErrorPairs = [][2]string{
	{"the announcement is not valid UTF-8 text: save the file as UTF-8",
		"公告不是有效的 UTF-8 文本：请将文件保存为 UTF-8 编码"},
	{"the announcement has no title: give one with --title",
		"公告没有标题：请用 --title 指定"},
	{"the announcement's title must be one line without control characters",
		"公告标题必须是一行，且不能含控制字符"},
	{"the announcement's title has %d characters; at most %d are allowed",
		"公告标题有 %d 个字，最多允许 %d 个"},
	{"the announcement has no text: give it with --body-file FILE, or - for standard input",
		"公告没有正文：请用 --body-file FILE 指定，或用 - 从标准输入读取"},
	{"the announcement's text holds control characters: give plain text",
		"公告正文含有控制字符：请使用纯文本"},
	{"the announcement has %d characters; at most %d are allowed: shorten it by %d",
		"公告有 %d 个字，最多允许 %d 个：请删减 %d 个字"},
	{"the root stands for all staff: leave out --dept to announce to everyone",
		"根部门即全体员工：要发给所有人，请不要指定 --dept"},
	{"announcement %d was already recalled on %s by %s",
		"公告 %d 已于 %s 被 %s 撤回"},
	{"announcement %d is not recalled: announce recall %d first",
		"公告 %d 尚未撤回：请先执行 announce recall %d"},
	{"there is no letter %q: use %s",
		"没有名为 %q 的信件：请用 %s"},
	{"letters are written in zh-CN or en, not %q",
		"信件只有 zh-CN 和 en 两种语言，不支持 %q"},
	{"the template is empty: give the letter's text, starting with a line \"Subject: ...\"",
		"模板为空：请提供信件正文，第一行为 \"Subject: ...\""},
	{"the template has %d bytes; at most %d are allowed",
		"模板有 %d 字节，最多允许 %d 字节"},
	{"the template cannot be read: %s",
		"模板无法解析：%s"},
	{"the template fails on a sample member: %s",
		"用示例成员试用模板时出错：%s"},
	{"say which language the template is in: --lang zh-CN or --lang en",
		"请说明模板的语言：--lang zh-CN 或 --lang en"},
	{"there is no announcement %d; announce list shows them",
		"没有编号为 %d 的公告；announce list 可以列出全部公告"},
	{"give the announcement's text with --body-file FILE, or --body-file - for standard input",
		"请用 --body-file FILE 指定公告正文，或用 --body-file - 从标准输入读取"},
	{"%q is not an announcement id: announce list shows them",
		"%q 不是公告编号：announce list 可以列出全部公告"},
	{"give the template with --file FILE, or --file - for standard input",
		"请用 --file FILE 指定模板，或用 --file - 从标准输入读取"},
}

func init() {
	for _, p := range announceErrorPairs {
		if _, dup := errorsZH[p[0]]; dup {
			panic("assets: error format listed twice: " + p[0])
		}
		errorsZH[p[0]] = p[1]
	}
}
