package assets

// importErrorPairs are the problems the member CSV's rows are reported
// with (BOOK-2), in the order of model/memberscsv.go and model/import.go.
var importErrorPairs = [][2]string{
	// model/memberscsv.go
	{"the row has %d cells but the header row has %d columns; give every row one cell per column (leave a cell empty rather than leaving it out)",
		"这一行有 %d 个单元格，而标题行有 %d 列；每行每列都要有一个单元格（没有内容就留空，不要省略）"},
	{"the cell runs over several lines; remove the line breaks, or if a quote (\") opens the cell, check that it is closed",
		"单元格内容跨了多行：请删除换行；如果单元格以引号（\"）开头，请检查引号是否闭合"},
	{"the cell holds a tab or other control character; remove it",
		"单元格里有制表符或其他控制字符，请删除"},
	{"the address is empty; every member needs one, such as zhangsan@example.com",
		"邮箱为空：每个成员都需要邮箱，例如 zhangsan@example.com"},
	{"the address is not valid: %s",
		"邮箱地址无效：%s"},
	{"the address %s already stands on line %d; list each member once",
		"邮箱 %s 已出现在第 %d 行：每个成员只列一次"},
	{"the name is empty; give the member's name",
		"姓名为空：请填写成员姓名"},
	{"the name has %d characters; use at most %d",
		"姓名有 %d 个字符，最多 %d 个"},
	{"the employee id %s already stands on line %d; each member needs an id of their own",
		"工号 %s 已出现在第 %d 行：每个成员的工号不能相同"},
	{"Excel turned the number into scientific notation; format the column as Text, type the numbers again and save",
		"Excel 把数字变成了科学计数法：请把这一列设为“文本”格式，重新输入数字后保存"},
	{"the gender is not understood; write male or female (男 or 女, M or F), or leave the cell empty",
		"无法识别性别：请填写 男 或 女（male/female、M/F 也可），或留空"},
	{"the department path %q has an empty level between slashes; remove the extra '/' (write it like 销售部/华北大区)",
		"部门路径 %q 中两个斜杠之间是空的：请删除多余的“/”（写成 销售部/华北大区 这样）"},
	{"the department name %q has %d characters; use at most %d",
		"部门名称 %q 有 %d 个字符，最多 %d 个"},
	{"the department path %q has %d levels; at most %d are allowed below the root",
		"部门路径 %q 有 %d 级；根部门以下最多 %d 级"},
	{"the birthday is not a date; write it as YYYY-MM-DD, such as 1990-01-02",
		"生日不是日期：请写成 YYYY-MM-DD，例如 1990-01-02"},
	{"the birthday is not a real date (month 1-12, day within the month); write it as YYYY-MM-DD, such as 1990-01-02",
		"生日不是真实存在的日期（月份 1-12，日期不超过当月天数）：请写成 YYYY-MM-DD，例如 1990-01-02"},
	{"the birthday's year %d is out of range; check the year",
		"生日年份 %d 超出范围，请检查年份"},

	// model/import.go
	{"no such department: create it first with dept add, or import with --create-depts",
		"没有这个部门：请先用 dept add 创建，或导入时加上 --create-depts"},
	{"the address is %s, not a member; pick another address",
		"这个地址是%s，不是成员：请换一个地址"},

	// model/notify.go: a notification job's rows
	{"no address in this row",
		"这一行没有地址"},
	{"%q is not an address",
		"%q 不是邮箱地址"},
	{"the address repeats line %d; it is sent once",
		"地址与第 %d 行重复，只发送一次"},
}
