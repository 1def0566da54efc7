package assets

// PermsText is the words of the Permissions pane: the user and permission
// list (用户及权限清单, PERM-4), who holds which permission now and from
// where.
type PermsText struct {
	// Nav is the pane's name on the rail; AsOf takes the moment the list
	// was computed.
	Nav, AsOf string

	// The filter line: each takes what it narrows to.
	FilterDept, FilterPerm, FilterSearch string
	// What a filter shows when it narrows nothing; Mine is the permissions
	// the officer's departments own.
	AllDepts, AllPerms, Mine string
	// Search is the search field's prompt, SearchHint what it finds.
	Search, SearchHint, PickDept string

	// The list's columns; Rows takes the first and last row shown and how
	// many there are; Legend says what the spot-check mark means.
	ColAddress, ColName, ColDept, ColPerm, ColSource, ColUntil, ColOwner, Rows, Legend string
	// Empty lists: nobody holds anything the person may see, or nothing
	// passes the filters.
	Empty, EmptyFiltered string

	// Sources: Position and Role take the class or role, Delegation the
	// lender, Request a request's id; NoEnd is a right without an end.
	Position, Role, Direct, Delegation, Request, NoEnd string

	// The detail: Title takes the member's name and the permission.
	Title, Member, Depts, Perm, Source, LenderHolds, By, From, Until, Owner, NoOwner, SpotCheck string

	// Export: Exporting while it runs, Exported takes the row count and
	// where the file went; NoExport when the session has nowhere to put
	// one.
	// ExportWait while the list is still being computed; Computing says so
	// under the rows.
	Exporting, Exported, NoExport, ExportWait, Computing string

	// Keys.
	KeyDept, KeyPerm, KeySearch, KeyDetail, KeyClear string
}

var permsZH = PermsText{
	Nav: "权限清单", AsOf: "计算于 %s",
	FilterDept: "部门：%s", FilterPerm: "权限：%s", FilterSearch: "搜索：%s",
	AllDepts: "全部", AllPerms: "全部", Mine: "本部门主管的权限",
	Search: "搜索：", SearchHint: "姓名、拼音或首字母、邮箱", PickDept: "按部门筛选（含下级部门）",
	ColAddress: "邮箱", ColName: "姓名", ColDept: "部门", ColPerm: "权限", ColSource: "来源", ColUntil: "有效期至", ColOwner: "主管部门",
	Rows: "第 %d–%d 行，共 %d 行", Legend: "* 直接授权或委托，请抽查",
	Empty: "您能查看的范围内没有人持有权限。", EmptyFiltered: "没有符合筛选条件的权限。按 esc 清除筛选。",
	Position: "岗位类别 %s", Role: "角色 %s", Direct: "直接授权", Delegation: "%s 委托", Request: "申请 #%d", NoEnd: "长期",
	Title: "%s · %s", Member: "成员", Depts: "部门", Perm: "权限", Source: "来源", LenderHolds: "委托人自身的来源",
	By: "批准/设置人", From: "生效", Until: "有效期至", Owner: "主管部门", NoOwner: "尚未指定", SpotCheck: "直接授权或委托：权限负责人应抽查。",
	Exporting: "正在导出权限清单…", Exported: "已导出 %d 行到 %s", NoExport: "这个会话无处保存导出文件：请改用命令行 postroom perm list --csv",
	ExportWait: "权限清单还在计算，算完再导出", Computing: "正在计算",
	KeyDept: "部门", KeyPerm: "权限", KeySearch: "搜索", KeyDetail: "详情", KeyClear: "清除筛选",
}

var permsEN = PermsText{
	Nav: "Permissions", AsOf: "as of %s",
	FilterDept: "Department: %s", FilterPerm: "Permission: %s", FilterSearch: "Search: %s",
	AllDepts: "all", AllPerms: "all", Mine: "those my departments own",
	Search: "Search: ", SearchHint: "name, pinyin or initials, address", PickDept: "Filter by department (with those below it)",
	ColAddress: "Address", ColName: "Name", ColDept: "Department", ColPerm: "Permission", ColSource: "Source", ColUntil: "Until", ColOwner: "Owner",
	Rows: "rows %d–%d of %d", Legend: "* direct grant or delegation: spot-check",
	Empty: "Nobody you may see holds a permission.", EmptyFiltered: "No permission passes the filters. esc clears them.",
	Position: "position %s", Role: "role %s", Direct: "direct grant", Delegation: "lent by %s", Request: "request #%d", NoEnd: "no end",
	Title: "%s · %s", Member: "Member", Depts: "Departments", Perm: "Permission", Source: "Source", LenderHolds: "The lender holds it by",
	By: "Approved or set by", From: "From", Until: "Until", Owner: "Owning department", NoOwner: "not set yet", SpotCheck: "A direct grant or a delegation: the permission officer spot-checks these.",
	Exporting: "exporting the permission list…", Exported: "exported %d rows to %s", NoExport: "This session has nowhere to save an export: use the command line instead, postroom perm list --csv",
	ExportWait: "the list is still being computed: export it when it is done", Computing: "computing",
	KeyDept: "department", KeyPerm: "permission", KeySearch: "search", KeyDetail: "detail", KeyClear: "clear filters",
}
