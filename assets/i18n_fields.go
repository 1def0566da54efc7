package assets

// FieldText names a member's fields and states, wherever they show.
type FieldText struct {
	Address, Name, Departments, Title, Position, Status, Aliases string
	EmployeeID, Mobile, Phone, Gender, Birthday, Roles, Keys     string
	Created, Password, Reason                                    string
	Active, Disabled, Locked, Reclaimed                          string
	Male, Female                                                 string
	NoPassword, MustChange, PasswordSet                          string
	// Role names, in model.Role order: member … admin.
	RoleMember, RoleHead, RoleOfficer, RoleUnitOfficer, RoleHR string
	RoleAuditor, RoleHelpdesk, RoleSubadmin, RoleAdmin         string
}

var fieldsZH = FieldText{
	Address: "邮箱", Name: "姓名", Departments: "部门", Title: "职务", Position: "岗位类别", Status: "状态", Aliases: "别名",
	EmployeeID: "工号", Mobile: "手机", Phone: "电话", Gender: "性别", Birthday: "生日", Roles: "角色", Keys: "SSH 公钥",
	Created: "创建时间", Password: "密码", Reason: "原因",
	Active: "正常", Disabled: "已停用", Locked: "已锁定", Reclaimed: "已回收",
	Male: "男", Female: "女",
	NoPassword: "未设置", MustChange: "下次登录须修改", PasswordSet: "已设置",
	RoleMember: "员工", RoleHead: "部门负责人", RoleOfficer: "部门权限负责人", RoleUnitOfficer: "单位权限负责人", RoleHR: "人力资源",
	RoleAuditor: "审计员", RoleHelpdesk: "服务台", RoleSubadmin: "分级管理员", RoleAdmin: "邮箱管理员",
}

var fieldsEN = FieldText{
	Address: "Address", Name: "Name", Departments: "Departments", Title: "Title", Position: "Position", Status: "Status", Aliases: "Aliases",
	EmployeeID: "Employee ID", Mobile: "Mobile", Phone: "Phone", Gender: "Gender", Birthday: "Birthday", Roles: "Roles", Keys: "SSH keys",
	Created: "Created", Password: "Password", Reason: "Reason",
	Active: "active", Disabled: "disabled", Locked: "locked", Reclaimed: "reclaimed",
	Male: "male", Female: "female",
	NoPassword: "not set", MustChange: "must change at next login", PasswordSet: "set",
	RoleMember: "member", RoleHead: "department head", RoleOfficer: "permission officer", RoleUnitOfficer: "unit permission officer", RoleHR: "HR",
	RoleAuditor: "auditor", RoleHelpdesk: "helpdesk", RoleSubadmin: "sub-admin", RoleAdmin: "admin",
}
