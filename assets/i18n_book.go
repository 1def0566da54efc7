package assets

// bookErrorPairs are the error formats of the address books (ORG-8,
// BOOK-1), kept beside the rest of errorPairs' table in their own file.
var bookErrorPairs = [][2]string{
	// model/book.go
	{"%s may not see the customer address book: it needs the right %s, given by an admin with book share --viewer or --editor; %s holds %s",
		"%s 无权查看客户通讯录：需要 %s 权限（由管理员用 book share --viewer 或 --editor 授予）；%s 的角色是 %s"},
	{"%s may not change the customer address book: it needs the right %s, given by an admin with book share --editor; %s holds %s",
		"%s 无权修改客户通讯录：需要 %s 权限（由管理员用 book share --editor 授予）；%s 的角色是 %s"},
	{"the enterprise address book is not shared: an admin shares it with org set --address-book shared; until then %s may see members only with the right %s, and holds %s",
		"企业通讯录未共享：管理员可用 org set --address-book shared 设置共享；在此之前 %s 须有 %s 权限才能查看成员，其角色是 %s"},
	// model/changes_book.go
	{"%s is already in the customer address book as %s (contact %d); change that contact with book set %d, or import with --on-duplicate overwrite",
		"%s 已在客户通讯录中，属于 %s（联系人 %d）；请用 book set %d 修改该联系人，或导入时加 --on-duplicate overwrite"},
	{"the contact cannot be saved: %s",
		"联系人无法保存：%s"},
	{"the name is empty: give the contact a name",
		"姓名为空：请填写联系人姓名"},
	{"--on-duplicate takes skip or overwrite, not %q",
		"--on-duplicate 只能是 skip 或 overwrite，不能是 %q"},
	{"%d of the rows or cards in %s have problems; nothing was imported. Fix them and import again",
		"%[2]s 中有 %[1]d 行或张名片有问题，未导入任何内容。请改正后重新导入"},
	// model/bookcsv.go
	{"the file is empty; give a CSV whose first line is the header row (book template prints one) or a vCard file",
		"文件为空；请提供首行为表头的 CSV（可用 book template 获取模板）或 vCard 文件"},
	{"the first line looks like a contact, not a header row; the first line must name the columns, such as %s",
		"首行看起来是联系人而不是表头；首行须写明各列名称，例如 %s"},
	{"the header row names neither name (姓名) nor email (邮箱); accepted columns: %s",
		"表头中既没有 name（姓名）也没有 email（邮箱）列；可用的列：%s"},
	// model/vcard.go
	{"the file holds no vCard (no BEGIN:VCARD line)",
		"文件中没有 vCard 名片（找不到 BEGIN:VCARD 行）"},
	{"line %d stands outside any BEGIN:VCARD ... END:VCARD block: the file is not a vCard file or is damaged",
		"第 %d 行不在任何 BEGIN:VCARD ... END:VCARD 块中：文件不是 vCard 文件或已损坏"},
	// tui/cmd/book.go
	{"%q is not a contact id: give the number book list shows",
		"%q 不是联系人编号：请填写 book list 显示的编号"},
	{"--format takes csv or vcard, not %q",
		"--format 只能是 csv 或 vcard，不能是 %q"},
	// store/book.go
	{"there is no contact %d in the customer address book; book list shows the ids",
		"客户通讯录中没有联系人 %d；可用 book list 查看编号"},
}

func init() {
	for _, p := range bookErrorPairs {
		if _, dup := errorsZH[p[0]]; dup {
			panic("assets: error format listed twice: " + p[0])
		}
		errorsZH[p[0]] = p[1]
	}
}

// BookText is the address book view's strings (ORG-8, BOOK-1): the
// enterprise address book and the customer address book, opened from Home.
type BookText struct {
	Title, Enterprise, Customers           string
	Search, SearchHint, CustomerHint       string
	NotShared, NoCustomerAccess            string
	ColName, ColAddress, ColDept, ColPhone string
	ColCompany, ColTitle, ColNotes         string
	People, Contacts, Nobody, ReadOnly     string
	NewContact, EditContact                string
	FieldName, FieldEmails, FieldPhones    string
	FieldCompany, FieldTitle, FieldNotes   string
	ListHint, ConfirmDelete                string
	Added, Saved, Deleted                  string
	KeyOpen, KeySwitch, KeyYes             string
	NoExport, Exported, KeyDone            string
	KeyShare, ShareTitle, ShareIntro       string
	FieldViewDepts, FieldViewers           string
	FieldEditDepts, FieldEditors, Shared   string
}

// BookCatalog returns the address book's strings in a language (anything
// Chinese gets Chinese, anything else English).
func BookCatalog(lang string) BookText {
	if IsChinese(lang) {
		return bookZH
	}
	return bookEN
}

var bookZH = BookText{
	Title: "通讯录", Enterprise: "企业通讯录", Customers: "客户通讯录",
	Search: "搜索：", SearchHint: "按 / 搜索姓名、拼音或首字母、邮箱、部门", CustomerHint: "按 / 搜索姓名、拼音、邮箱、公司、电话",
	NotShared:        "企业通讯录尚未共享：管理员可在“设置”中开启“全员可见通讯录”",
	NoCustomerAccess: "客户通讯录未共享给您；需要时请联系管理员",
	ColName:          "姓名", ColAddress: "邮箱", ColDept: "部门", ColPhone: "电话", ColCompany: "公司", ColTitle: "职务", ColNotes: "备注",
	People: "共 %d 人", Contacts: "共 %d 位联系人", Nobody: "没有找到", ReadOnly: "只读",
	NewContact: "新建联系人", EditContact: "编辑联系人",
	FieldName: "姓名", FieldEmails: "邮箱", FieldPhones: "电话", FieldCompany: "公司", FieldTitle: "职务", FieldNotes: "备注",
	ListHint:      "多个用分号 ; 隔开",
	ConfirmDelete: "删除联系人 %s？按 y 删除，其他键取消",
	Added:         "已添加联系人 %s", Saved: "已保存联系人 %s", Deleted: "已删除联系人 %s",
	KeyOpen: "通讯录", KeySwitch: "切换通讯录", KeyYes: "确认删除",
	NoExport: "这个会话无处保存导出文件：请改用命令行 postroom book export", Exported: "已导出 %d 条到 %s 和 %s", KeyDone: "完成",
	KeyShare: "共享设置", ShareTitle: "客户通讯录的共享", ShareIntro: "可查看、可编辑的部门（含下级部门）和人员，多个用分号 ; 隔开；管理员始终可以管理",
	FieldViewDepts: "可查看部门", FieldViewers: "可查看人员", FieldEditDepts: "可编辑部门", FieldEditors: "可编辑人员", Shared: "已保存共享设置",
}

var bookEN = BookText{
	Title: "Address book", Enterprise: "Company", Customers: "Customers",
	Search: "Search: ", SearchHint: "/ searches name, pinyin or initials, address, department", CustomerHint: "/ searches name, pinyin, email, company, phone",
	NotShared:        "The company address book is not shared: an admin turns on \"Shared address book\" in Settings",
	NoCustomerAccess: "The customer address book is not shared with you; ask an admin if you need it",
	ColName:          "Name", ColAddress: "Email", ColDept: "Department", ColPhone: "Phone", ColCompany: "Company", ColTitle: "Title", ColNotes: "Notes",
	People: "%d people", Contacts: "%d contacts", Nobody: "Nobody found", ReadOnly: "read only",
	NewContact: "New contact", EditContact: "Edit contact",
	FieldName: "Name", FieldEmails: "Emails", FieldPhones: "Phones", FieldCompany: "Company", FieldTitle: "Title", FieldNotes: "Notes",
	ListHint:      "separate several with ;",
	ConfirmDelete: "Delete the contact %s? y deletes, any other key keeps it",
	Added:         "Contact %s added", Saved: "Contact %s saved", Deleted: "Contact %s deleted",
	KeyOpen: "address book", KeySwitch: "switch book", KeyYes: "delete",
	NoExport: "This session has nowhere to save an export: use the command line instead, postroom book export", Exported: "exported %d entries to %s and %s", KeyDone: "done",
	KeyShare: "sharing", ShareTitle: "Sharing of the customer address book", ShareIntro: "Departments (with those below them) and people who may see or edit the book, several separated by ;. Admins always manage it.",
	FieldViewDepts: "Viewer depts", FieldViewers: "Viewers", FieldEditDepts: "Editor depts", FieldEditors: "Editors", Shared: "Sharing saved",
}
