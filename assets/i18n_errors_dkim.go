package assets

// dkimErrorPairs are the error formats of DKIM keys (model/dkim.go), in the
// form of errorPairs.
var dkimErrorPairs = [][2]string{
	{"the selector %q is not valid: give 1 to 63 letters, digits or hyphens, such as postroom2026",
		"选择器 %q 无效：请用 1 到 63 个字母、数字或连字符，例如 postroom2026"},
	{"%s is not one of the company's domains: only mail from the company's own domains is signed",
		"%s 不是本公司的域名：只有从本公司域名发出的邮件才会签名"},
	{"mail from %s is not signed: there is no DKIM key to remove",
		"%s 的邮件没有签名：没有可删除的 DKIM 密钥"},
}
