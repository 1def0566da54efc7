package tui

import (
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"

	"postroom/model"
)

// The forms of the Org pane. Each is a form (form.go) with a kind, the tag
// its change is applied under, so that the store's answer comes back to
// the form that asked and a refusal lands under the field it concerns.
const (
	orgTagMemberAdd   = "member.add"
	orgTagMemberSet   = "member.set"
	orgTagMemberMove  = "member.move"
	orgTagDisable     = "member.disable"
	orgTagWarn        = "member.warn"
	orgTagEnable      = "member.enable"
	orgTagAliasAdd    = "alias.add"
	orgTagAliasRemove = "alias.rm"
	orgTagReset       = "password.reset"
	orgTagRole        = "role.grant"
	orgTagKey         = "key.add"
	orgTagDeptAdd     = "dept.add"
	orgTagDeptRename  = "dept.rename"
	orgTagDeptMove    = "dept.move"
	orgTagDeptDelete  = "dept.rm"
)

// openForm starts a form of a kind; from is the view to return to.
func (p *orgPane) openForm(kind, title string, m *model.Member, from orgMode) *form {
	f := newForm(p.s, title)
	p.form, p.formKind, p.formMember, p.formDept, p.formOrig, p.formReturn = f, kind, m, nil, nil, from
	p.mode = orgForm
	p.busy = false
	return f
}

// showForm sizes a form once its fields are in.
func (p *orgPane) showForm() tea.Cmd {
	p.form.SetSize(p.width, p.height)
	return nil
}

// closeForm goes back to where the form was opened.
func (p *orgPane) closeForm() {
	p.mode = p.formReturn
	if (p.mode == orgDetail || p.mode == orgAliases) && p.detail == nil {
		p.mode = orgBrowse
	}
	p.form, p.formKind, p.formMember, p.formDept, p.formOrig = nil, "", nil, nil, nil
	p.busy = false
}

// formKey passes a key to the open form and acts on submit and cancel.
func (p *orgPane) formKey(msg tea.KeyPressMsg) tea.Cmd {
	if p.busy {
		return nil // the change is on its way; its answer decides
	}
	res, cmd := p.form.Update(msg)
	switch res {
	case formCancelled:
		p.closeForm()
		return nil
	case formSubmitted:
		p.form.clearErrors()
		return p.submit()
	}
	return cmd
}

// applyForm sends the form's change.
func (p *orgPane) applyForm(c model.Change) tea.Cmd {
	p.busy = true
	return p.s.apply(p.ID(), p.formKind, c)
}

// submit checks what can be checked here and sends the change, or asks
// first when it is destructive. The store checks everything again.
func (p *orgPane) submit() tea.Cmd {
	f := p.form
	t := p.s.T.Org
	m := p.formMember
	switch p.formKind {
	case orgTagMemberAdd, orgTagMemberSet:
		return p.submitMember()
	case orgTagDisable:
		reason := f.value("reason")
		if reason == "" {
			f.setError("reason", t.ReasonRequired)
			return nil
		}
		c := &model.DisableMember{Address: m.Address, Reason: reason}
		p.ask(p.s.Sprintf(t.ConfirmDisable, m.Name, m.Address), func() tea.Cmd { return p.applyForm(c) })
	case orgTagWarn:
		reason := f.value("reason")
		if reason == "" {
			f.setError("reason", t.ReasonRequired)
			return nil
		}
		c := &model.WarnMember{Address: m.Address, Reason: reason}
		if n := m.ActiveWarnings() + 1; n >= p.warnLimit() {
			p.ask(p.s.Sprintf(t.ConfirmWarnBlock, n, m.Name, m.Address), func() tea.Cmd { return p.applyForm(c) })
			return nil
		}
		return p.applyForm(c)
	case orgTagReset:
		reason := f.value("reason")
		if reason == "" {
			f.setError("reason", t.ReasonRequired)
			return nil
		}
		c := &model.ResetPassword{Address: m.Address, Reason: reason, Verified: f.value("verified")}
		p.ask(p.s.Sprintf(t.ConfirmReset, m.Name, m.Address), func() tea.Cmd { return p.applyForm(c) })
	case orgTagRole:
		role, err := model.ParseRole(f.value("role"))
		if err != nil {
			f.setError("role", p.s.ErrText(err))
			return nil
		}
		var rights []model.SubRight
		for _, r := range strings.FieldsFunc(f.value("rights"), func(r rune) bool { return r == ',' || r == '，' || r == ' ' }) {
			sr, err := model.ParseSubRight(r)
			if err != nil {
				f.setError("rights", p.s.ErrText(err))
				return nil
			}
			rights = append(rights, sr)
		}
		scope := f.value("scope")
		if _, err := model.SplitDeptPath(scope); err != nil {
			f.setError("scope", p.s.ErrText(err))
			return nil
		}
		return p.applyForm(&model.GrantRole{Address: m.Address, Role: role, Scope: scope, Rights: rights})
	case orgTagKey:
		line := f.value("line")
		if line == "" {
			f.setError("line", t.KeyRequired)
			return nil
		}
		return p.applyForm(&model.AddKey{Address: m.Address, Line: line})
	case orgTagAliasAdd:
		a, err := model.ParseAddress(f.value("alias"))
		if err != nil {
			f.setError("alias", p.s.ErrText(err))
			return nil
		}
		return p.applyForm(&model.AddAlias{Address: m.Address, Alias: a})
	case orgTagDeptAdd, orgTagDeptRename:
		name, err := model.CleanName("department name", f.value("name"), 64)
		if err == nil && strings.Contains(name, "/") {
			err = model.Invalidf("department name %q holds '/', which separates levels; pick a name without it", name)
		}
		if err != nil {
			f.setError("name", p.s.ErrText(err))
			return nil
		}
		d := p.formDept
		if p.formKind == orgTagDeptRename {
			return p.applyForm(&model.RenameDept{Path: d.path, Name: name})
		}
		path := name
		if d.id != model.RootDept {
			path = d.path + "/" + name
		}
		return p.applyForm(&model.AddDept{Path: path})
	}
	return nil
}

// ask puts a y/n question on screen.
func (p *orgPane) ask(text string, yes func() tea.Cmd) {
	p.confirm = &orgConfirm{text: text + " " + p.s.T.Org.YesNo, yes: yes}
}

// orgMemberFields are the member form's fields, as SetMember names them.
var orgMemberFields = []string{"name", "depts", "title", "position", "employee_id", "mobile", "phone", "gender", "birthday"}

// memberValues are a member's fields as the form shows them.
func (p *orgPane) memberValues(m *model.Member) map[string]string {
	f := p.s.T.Fields
	var depts []string
	for _, id := range m.Depts {
		depts = append(depts, p.tree.DeptPath(id))
	}
	gender := ""
	switch m.Gender {
	case "male":
		gender = f.Male
	case "female":
		gender = f.Female
	}
	return map[string]string{
		"name": m.Name, "depts": strings.Join(depts, "; "), "title": m.Title, "position": p.positionText(m.Position),
		"employee_id": m.EmployeeID, "mobile": m.Mobile, "phone": m.Phone, "gender": gender, "birthday": m.Birthday,
	}
}

// openMemberForm opens the form for a new member (m nil) or to edit one.
func (p *orgPane) openMemberForm(m *model.Member, from orgMode) tea.Cmd {
	t := p.s.T.Org
	fl := p.s.T.Fields
	var f *form
	var vals map[string]string
	if m == nil {
		f = p.openForm(orgTagMemberAdd, t.NewMember, nil, from)
		dept := ""
		if n := p.tree.nodes[p.view.selected()]; n != nil && n.id != model.RootDept {
			dept = n.path
		}
		vals = map[string]string{"depts": dept, "position": p.positionText(model.PositionStaff)}
		f.add("address", fl.Address, "", false, t.AddressHint)
	} else {
		f = p.openForm(orgTagMemberSet, p.s.Sprintf(t.EditMember, m.Name, m.Address), m, from)
		vals = p.memberValues(m)
		p.formOrig = vals
	}
	hints := map[string]string{"depts": t.DeptsHint, "position": t.PositionHint, "gender": t.GenderHint, "birthday": t.BirthdayHint, "mobile": t.MobileHint}
	labels := map[string]string{"name": fl.Name, "depts": fl.Departments, "title": fl.Title, "position": fl.Position, "employee_id": fl.EmployeeID,
		"mobile": fl.Mobile, "phone": fl.Phone, "gender": fl.Gender, "birthday": fl.Birthday}
	for _, k := range orgMemberFields {
		f.add(k, labels[k], vals[k], false, hints[k])
	}
	return p.showForm()
}

// orgSplitPaths reads department paths separated by ; (or a full-width ；).
func orgSplitPaths(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// submitMember checks the member form field by field (with the model's own
// checks) and sends AddMember, or SetMember with only what changed.
func (p *orgPane) submitMember() tea.Cmd {
	f := p.form
	type fieldErr struct{ key, msg string }
	var errs []fieldErr
	check := func(k string, err error) {
		if err != nil {
			errs = append(errs, fieldErr{k, p.s.ErrText(err)})
		}
	}
	var addr model.Address
	if p.formKind == orgTagMemberAdd {
		var err error
		addr, err = model.ParseAddress(f.value("address"))
		check("address", err)
	}
	_, err := model.CleanName("name", f.value("name"), 64)
	check("name", err)
	depts := orgSplitPaths(f.value("depts"))
	for _, d := range depts {
		if _, err := model.SplitDeptPath(d); err != nil {
			check("depts", err)
			break
		}
	}
	_, err = model.ParsePosition(f.value("position"))
	check("position", err)
	_, err = model.NormalizeMobile(f.value("mobile"))
	check("mobile", err)
	_, err = model.NormalizePhone(f.value("phone"))
	check("phone", err)
	_, err = model.NormalizeGender(f.value("gender"))
	check("gender", err)
	_, err = model.NormalizeBirthday(f.value("birthday"))
	check("birthday", err)
	if len(errs) > 0 {
		// The first field in error ends up with the cursor.
		for i := len(errs) - 1; i >= 0; i-- {
			f.setError(errs[i].key, errs[i].msg)
		}
		return nil
	}
	fields := model.MemberFields{
		Name: f.value("name"), Depts: depts, Title: f.value("title"), Position: f.value("position"),
		EmployeeID: f.value("employee_id"), Mobile: f.value("mobile"), Phone: f.value("phone"),
		Gender: f.value("gender"), Birthday: f.value("birthday"),
	}
	if p.formKind == orgTagMemberAdd {
		return p.applyForm(&model.AddMember{Address: addr, Fields: fields})
	}
	set := map[string]bool{}
	for _, k := range orgMemberFields {
		if f.value(k) != strings.TrimSpace(p.formOrig[k]) {
			set[k] = true
		}
	}
	if len(set) == 0 {
		p.closeForm()
		return flash(p.s.T.Org.Unchanged, false)
	}
	return p.applyForm(&model.SetMember{Address: p.formMember.Address, Fields: fields, Set: set})
}

// orgErrField names the form field a refusal concerns, "" for the form as
// a whole (a missing right, a conflict with the state of things).
func orgErrField(tag string, err error) string {
	if errors.Is(err, model.ErrForbidden) {
		return ""
	}
	msg := strings.ToLower(err.Error())
	has := func(s string) bool { return strings.Contains(msg, s) }
	pre := func(s string) bool { return strings.HasPrefix(msg, s) }
	switch tag {
	case orgTagMemberAdd, orgTagMemberSet:
		switch {
		case has("employee id"):
			return "employee_id"
		case pre("mobile"):
			return "mobile"
		case pre("phone"):
			return "phone"
		case pre("gender"):
			return "gender"
		case pre("birthday"):
			return "birthday"
		case pre("title"):
			return "title"
		case pre("name"):
			return "name"
		case has("position"):
			return "position"
		case has("department"):
			return "depts"
		case tag == orgTagMemberAdd && (pre("address") || has("already taken") || has("domains")):
			return "address"
		}
	case orgTagAliasAdd:
		if !errors.Is(err, model.ErrConflict) {
			return "alias"
		}
	case orgTagKey:
		return "line"
	case orgTagDeptAdd, orgTagDeptRename:
		return "name"
	case orgTagRole:
		switch {
		case has("rights"):
			return "rights"
		case has("scope") || errors.Is(err, model.ErrNotFound):
			return "scope"
		case errors.Is(err, model.ErrInvalid) || errors.Is(err, model.ErrExists):
			return "role"
		}
	case orgTagDisable, orgTagReset, orgTagWarn:
		if has("reason") {
			return "reason"
		}
	}
	return ""
}

// openDisable asks why, then whether.
func (p *orgPane) openDisable(m *model.Member, from orgMode) tea.Cmd {
	t := p.s.T.Org
	f := p.openForm(orgTagDisable, p.s.Sprintf(t.DisableTitle, m.Name, m.Address), m, from)
	f.add("reason", p.s.T.Fields.Reason, "", false, t.DisableHint)
	return p.showForm()
}

// openWarn asks why (ACC-7); the warning that blocks the mailbox is asked
// y/n as well.
func (p *orgPane) openWarn(m *model.Member, from orgMode) tea.Cmd {
	t := p.s.T.Org
	f := p.openForm(orgTagWarn, p.s.Sprintf(t.WarnTitle, m.Name, m.Address), m, from)
	f.intro = p.s.Sprintf(t.WarnIntro, m.ActiveWarnings(), p.warnLimit())
	f.add("reason", p.s.T.Fields.Reason, "", false, t.WarnHint)
	return p.showForm()
}

// warnLimit is the warnings that block a mailbox, as the detail read it.
func (p *orgPane) warnLimit() int {
	if p.detail != nil && p.detail.limit > 0 {
		return p.detail.limit
	}
	return model.DefaultWarnLimit
}

// askEnable asks before enabling a member.
func (p *orgPane) askEnable(m *model.Member) {
	c := &model.EnableMember{Address: m.Address}
	p.ask(p.s.Sprintf(p.s.T.Org.ConfirmEnable, m.Name, m.Address), func() tea.Cmd { return p.s.apply(p.ID(), orgTagEnable, c) })
}

// openReset asks for the reason (a ticket) and how the person was
// verified, then whether.
func (p *orgPane) openReset(m *model.Member, from orgMode) tea.Cmd {
	t := p.s.T.Org
	f := p.openForm(orgTagReset, p.s.Sprintf(t.ResetTitle, m.Name, m.Address), m, from)
	f.intro = t.ResetIntro
	f.add("reason", t.Ticket, "", false, "")
	f.add("verified", t.Verified, "", false, t.VerifiedHint)
	return p.showForm()
}

// openRole asks for a role, its scope and a sub-admin's rights.
func (p *orgPane) openRole(m *model.Member, from orgMode) tea.Cmd {
	t := p.s.T.Org
	f := p.openForm(orgTagRole, p.s.Sprintf(t.RoleTitle, m.Name, m.Address), m, from)
	f.add("role", t.RoleName, "", false, t.RoleHint)
	f.add("scope", t.Scope, "", false, t.ScopeHint)
	f.add("rights", t.Rights, "", false, t.RightsHint)
	return p.showForm()
}

// openKeyForm takes a pasted public key.
func (p *orgPane) openKeyForm(m *model.Member, from orgMode) tea.Cmd {
	t := p.s.T.Org
	f := p.openForm(orgTagKey, p.s.Sprintf(t.KeyTitle, m.Name, m.Address), m, from)
	f.add("line", t.KeyLine, "", false, t.KeyHint)
	return p.showForm()
}

// openAliasForm takes a new alias.
func (p *orgPane) openAliasForm(m *model.Member) tea.Cmd {
	t := p.s.T.Org
	f := p.openForm(orgTagAliasAdd, p.s.Sprintf(t.NewAlias, m.Name, m.Address), m, orgAliases)
	f.add("alias", p.s.T.Fields.Aliases, "", false, p.s.Sprintf(t.AliasHint, m.Address.Domain()))
	return p.showForm()
}

// askAliasRemove asks before removing an alias.
func (p *orgPane) askAliasRemove(m *model.Member, alias model.Address) {
	c := &model.RemoveAlias{Address: m.Address, Alias: alias}
	p.ask(p.s.Sprintf(p.s.T.Org.ConfirmRemoveAlias, alias), func() tea.Cmd { return p.s.apply(p.ID(), orgTagAliasRemove, c) })
}

// openDeptNew asks for the name of a department below n.
func (p *orgPane) openDeptNew(n *orgNode) tea.Cmd {
	t := p.s.T.Org
	f := p.openForm(orgTagDeptAdd, p.s.Sprintf(t.NewDept, p.deptName(n)), nil, orgBrowse)
	p.formDept = n
	f.add("name", t.DeptName, "", false, "")
	return p.showForm()
}

// openDeptRename asks for a department's new name.
func (p *orgPane) openDeptRename(n *orgNode) tea.Cmd {
	t := p.s.T.Org
	f := p.openForm(orgTagDeptRename, p.s.Sprintf(t.RenameDept, n.path), nil, orgBrowse)
	p.formDept = n
	f.add("name", t.DeptName, n.name, false, "")
	return p.showForm()
}

// deptName is a department's path, or the enterprise's name for the root.
func (p *orgPane) deptName(n *orgNode) string {
	if n.id == model.RootDept {
		return n.name
	}
	return n.path
}

// askDeptDelete asks before deleting a department; with moveUp its
// members go to the parent department.
func (p *orgPane) askDeptDelete(n *orgNode, moveUp bool) {
	t := p.s.T.Org
	c := &model.DeleteDept{Path: n.path, MoveMembersUp: moveUp}
	text := p.s.Sprintf(t.ConfirmDeleteDept, n.path)
	if moveUp {
		parent := n.path
		if pn, ok := p.tree.nodes[n.parent]; ok {
			parent = p.deptName(pn)
		}
		text = p.s.Sprintf(plural(n.direct, t.ConfirmMoveUpOne, t.ConfirmMoveUp), n.path, n.direct, parent)
	}
	p.ask(text, func() tea.Cmd { return p.s.apply(p.ID(), orgTagDeptDelete, c) })
}

// openMemberMove picks the department a member moves to.
func (p *orgPane) openMemberMove(m *model.Member, from orgMode) tea.Cmd {
	paths := p.tree.paths(func(n *orgNode) bool {
		if len(m.Depts) == 1 && m.Depts[0] == n.id {
			return false // where they already are
		}
		return n.readable && model.Can(p.s.Actor, model.RightMemberManage, model.Scope{n.id}, p.tree)
	})
	return p.openPicker(orgTagMemberMove, p.s.Sprintf(p.s.T.Org.MoveMember, m.Name, m.Address), paths, m, nil, from)
}

// openDeptMove picks a department's new parent: not itself, nothing below
// it, not where it already stands.
func (p *orgPane) openDeptMove(n *orgNode) tea.Cmd {
	paths := p.tree.paths(func(x *orgNode) bool {
		return p.canDept(x.id) && !p.tree.Within(x.id, n.id) && x.id != n.parent
	})
	return p.openPicker(orgTagDeptMove, p.s.Sprintf(p.s.T.Org.MoveDept, n.path), paths, nil, n, orgBrowse)
}

// openPicker starts a department picker of a kind, for a member or a
// department; from is the view to return to.
func (p *orgPane) openPicker(kind, title string, paths []string, m *model.Member, n *orgNode, from orgMode) tea.Cmd {
	root := ""
	if r, ok := p.tree.nodes[model.RootDept]; ok {
		root = r.name
	}
	p.picker = newOrgPicker(p.s, title, paths, root)
	p.picker.SetSize(p.width, p.height)
	p.pickKind, p.formMember, p.formDept, p.formReturn = kind, m, n, from
	p.mode = orgPick
	p.picker.Focus()
	return nil
}

// pickKey passes a key to the picker and moves on a choice.
func (p *orgPane) pickKey(msg tea.KeyPressMsg) tea.Cmd {
	res, path, cmd := p.picker.Update(msg)
	if res == orgPickEditing {
		return cmd
	}
	m, n := p.formMember, p.formDept
	p.picker = nil
	p.mode = p.formReturn
	if p.mode == orgDetail && p.detail == nil {
		p.mode = orgBrowse
	}
	p.formMember, p.formDept = nil, nil
	if res == orgPickCancelled {
		return nil
	}
	switch p.pickKind {
	case orgTagMemberMove:
		return p.s.apply(p.ID(), orgTagMemberMove, &model.SetMember{Address: m.Address, Fields: model.MemberFields{Depts: []string{path}}, Set: map[string]bool{"depts": true}})
	case orgTagDeptMove:
		return p.s.apply(p.ID(), orgTagDeptMove, &model.MoveDept{Path: n.path, Parent: path})
	}
	return nil
}
