package assets

// mailfxErrorPairs are the error formats of the value-added mail features:
// DKIM keys (model/dkim.go) and backup rules (model/mailbackup.go,
// tui/cmd/policy_backup.go), in the form of errorPairs.
var mailfxErrorPairs = [][2]string{
	{"the selector %q is not valid: give 1 to 63 letters, digits or hyphens, such as postroom2026",
		"选择器 %q 无效：请用 1 到 63 个字母、数字或连字符，例如 postroom2026"},
	{"%s is not one of the company's domains: only mail from the company's own domains is signed",
		"%s 不是本公司的域名：只有从本公司域名发出的邮件才会签名"},
	{"mail from %s is not signed: there is no DKIM key to remove",
		"%s 的邮件没有签名：没有可删除的 DKIM 密钥"},
	{"%s: no mailbox receives the copies: name one with --to ADDR",
		"%s：没有接收副本的邮箱：请用 --to ADDR 指定一个"},
	{"%s: unknown direction %q: use in, out or internal, or leave it out for any",
		"%s：未知的方向 %q：请用 in、out 或 internal，不限方向则不填"},
	{"%s: the rule would copy every message: give a sender, a recipient, a department or a direction",
		"%s：该规则会复制所有邮件：请指定发件人、收件人、部门或方向"},
	{"there is no backup rule %q: policy backup list shows them",
		"没有名为 %q 的备份规则：policy backup list 可以列出全部规则"},
	{"the signature's text template does not parse: %s", "签名档的文本模板无法解析：%s"},
	{"the signature's text template does not run: %s", "签名档的文本模板无法执行：%s"},
	{"the signature's HTML template does not parse: %s", "签名档的 HTML 模板无法解析：%s"},
	{"the signature's HTML template does not run: %s", "签名档的 HTML 模板无法执行：%s"},
	{"it writes more than %d bytes; a signature is a few lines", "输出超过 %d 字节；签名档只需几行"},
	{"the signature's %s template is %d bytes; at most %d are allowed", "签名档的 %s 模板有 %d 字节；最多允许 %d 字节"},
	{"the signature's %s template is not UTF-8 text: save it as UTF-8", "签名档的 %s 模板不是 UTF-8 文本：请存为 UTF-8"},
	{"the mail policy does not let members turn the enterprise signature off; an admin allows it with policy signature set --opt-out",
		"邮件策略不允许成员关闭企业签名档；管理员可用 policy signature set --opt-out 允许"},
	{"only one of --text-file and --html-file can be read from standard input", "--text-file 和 --html-file 只能有一个从标准输入读取"},
	{"no signature is set yet: give its text with --text-file FILE", "尚未设置签名档：请用 --text-file FILE 给出内容"},
	{"say on or off: member signature %s on|off", "请写 on 或 off：member signature %s on|off"},
}
