package assets

// AddressProblem returns the Chinese format for an English one that
// model's address checks give as the reason an address or domain is not
// valid (model/address.go): they are kept as text inside the errors that
// name the address ("address %q: %s"), and model.Localize reads them back.
// A test checks that each stands in model/address.go, book.go or directory.go.
func AddressProblem(english string) (zh string, ok bool) {
	zh, ok = addressProblemsZH[english]
	return zh, ok
}

// AddressProblems lists the English formats AddressProblem knows.
func AddressProblems() []string {
	out := make([]string, 0, len(addressProblemPairs))
	for _, p := range addressProblemPairs {
		out = append(out, p[0])
	}
	return out
}

var addressProblemsZH = errorMap(addressProblemPairs)

// addressProblemPairs are model/address.go's reasons, in its order, then
// model/book.go's for a contact's email address and phone, and
// model/directory.go's for who owns an address.
var addressProblemPairs = [][2]string{
	{"it is empty; type an address such as zhangsan@example.com", "地址为空，请输入地址，例如 zhangsan@example.com"},
	{"the domain must be typed in its ASCII (punycode) form; type %q instead", "域名须写成 ASCII（punycode）形式，请改为输入 %q"},
	{"it is %d characters long; an address may have at most %d", "地址长 %d 个字符，最多 %d 个"},
	{"it is empty; type a domain such as example.com", "域名为空，请输入域名，例如 example.com"},
	{"a domain has no '@'; type only the part after the '@', such as example.com", "域名里没有“@”：只输入“@”后面的部分，例如 example.com"},
	{"spaces are not allowed; remove them", "不能有空格，请删除"},
	{"type only the address, without a name or angle brackets, such as zhangsan@example.com", "只输入地址本身，不要带姓名或尖括号，例如 zhangsan@example.com"},
	{"source routes (@relay:user@example.com) are not accepted; type only the final address, such as user@example.com", "不接受源路由（@relay:user@example.com），只输入最终地址，例如 user@example.com"},
	{"comments in brackets are not accepted; remove the part in brackets", "不接受括号里的注释，请删除括号部分"},
	{"quotes are not allowed; remove them", "不能有引号，请删除"},
	{"it holds ',' or ';'; give one address at a time", "含有“,”或“;”：一次只填一个地址"},
	{"it has no '@'; an address looks like zhangsan@example.com", "缺少“@”：地址的样子是 zhangsan@example.com"},
	{"it has more than one '@'; keep exactly one, between the name and the domain", "有不止一个“@”：只保留名字和域名之间的一个"},
	{"nothing stands before the '@'; type the name part, such as zhangsan@example.com", "“@”前面是空的：请输入名字部分，例如 zhangsan@example.com"},
	{"backslashes are not allowed; remove them", "不能有反斜杠，请删除"},
	{"brackets are not allowed before the '@'; remove them", "“@”前面不能有括号，请删除"},
	{"%q is not allowed before the '@'; spell the name in latin letters (pinyin), such as zhangsan", "“@”前面不能有 %q：请用拼音字母书写名字，例如 zhangsan"},
	{"%q is not allowed before the '@'; use only letters a-z, digits, '.', '_' and '-'", "“@”前面不能有 %q：只能用字母 a-z、数字、“.”、“_”和“-”"},
	{"the part before the '@' may not begin or end with '.'; remove that dot", "“@”前面的部分不能以“.”开头或结尾，请删除这个点"},
	{"the part before the '@' holds '..'; use a single dot", "“@”前面的部分有连续的“..”，请只用一个点"},
	{"the part before the '@' has %d characters; use at most %d", "“@”前面的部分有 %d 个字符，最多 %d 个"},
	{"nothing stands after the '@'; add the domain, such as example.com", "“@”后面是空的：请加上域名，例如 example.com"},
	{"%q is not allowed in the domain; use only letters a-z, digits, '-' and '.'", "域名里不能有 %q：只能用字母 a-z、数字、“-”和“.”"},
	{"the domain has %d characters; a domain may have at most %d", "域名有 %d 个字符，最多 %d 个"},
	{"the domain begins with '.'; remove that dot", "域名以“.”开头，请删除这个点"},
	{"the domain ends with '.'; remove that dot", "域名以“.”结尾，请删除这个点"},
	{"the domain holds '..'; use a single dot", "域名里有连续的“..”，请只用一个点"},
	{"the domain %q needs at least two parts, such as example.com", "域名 %q 至少要有两段，例如 example.com"},
	{"the last part %q is all digits (IP addresses are not accepted); a domain ends in a name such as .com or .cn", "最后一段 %q 全是数字（不接受 IP 地址）：域名应以 .com、.cn 这样的名称结尾"},
	{"the domain part %q has %d characters; each part between dots may have at most %d", "域名中的 %q 一段有 %d 个字符，每段最多 %d 个"},
	{"the domain part %q may not begin or end with '-'; remove the hyphen", "域名中的 %q 一段不能以“-”开头或结尾，请删除连字符"},
	{"the domain part %q is not valid punycode; copy the domain again from a trusted source", "域名中的 %q 一段不是有效的 punycode，请从可靠来源重新复制域名"},

	// model/book.go: a contact's email address and phone number
	{"it is not an email address; write it like name@example.com", "这不是邮箱地址，请写成 name@example.com 的样子"},
	{"the part before @ is %d characters long; at most %d are allowed", "“@”前面的部分有 %d 个字符，最多 %d 个"},
	{"the part before @ may not start or end with a dot or hold two dots in a row", "“@”前面的部分不能以点开头或结尾，也不能有两个连续的点"},
	{"the part before @ holds %q, which an address may not hold", "“@”前面的部分含有 %q，地址里不能有它"},
	{"it holds %q; a phone number holds digits, spaces and + - ( ) # *", "含有 %q：电话号码只能有数字、空格和 + - ( ) # *"},
	{"it holds no digits", "里面没有数字"},

	// model/directory.go: who already owns an address (Owner.Describe)
	{"an alias of %s", "%s 的别名"},
	{"the member %s", "成员 %s"},
	{"the group %s", "群组 %s"},
	{"the shared mailbox %s", "公共邮箱 %s"},
	{"a department mailbox", "部门邮箱"},
	{"the mailing list %s", "邮件列表 %s"},
}
