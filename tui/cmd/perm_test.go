package cmd_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"postroom/model"
	"postroom/store"
)

// The people of the permission tests, besides the demo logins: 信息部's
// permission officer (external is 信息部's in these tests), the unit
// permission officer (the COO) and another member of 北京一组.
const (
	itOfficer   = "lujianguo@example.com"
	unitOfficer = "simawanqing@example.com"
	colleague   = "chenyang@example.com" // 客户经理, 北京一组
	techStaff   = "guohan@example.com"   // 运维工程师, 技术部/运维组
)

// ownExternal makes 信息部 the owner of external, as the demo company has
// it (an admin setting it again changes nothing).
func ownExternal(t testing.TB) {
	t.Helper()
	ok(t, "admin", "", "perm", "owner", "external", "信息部")
}

// TestPermRoles: who may maintain the catalogue, grant, list and file, by
// role; a refusal names the missing right and changes nothing.
func TestPermRoles(t *testing.T) {
	cases := []roleCase{
		{as: "admin", args: "perm owner notify 行政部"},
		{as: "admin", args: "perm owner external 信息部 --position executive --role auditor"},
		{as: "admin", args: "perm catalogue --json"},
		{as: "admin", args: "perm grant wangwei@example.com external --until 2099-01-01"},
		{as: "admin", args: "perm grant wangwei@example.com sendas:hr@example.com"},
		{as: "admin", args: "perm list --json"},
		{as: "admin", args: "perm list --csv"},
		{as: "admin", args: "request list --json"},
		{as: "admin", args: "request policy set --expiry 72h --auto-apply delegate"},
		{as: "admin", args: "request file grant --member " + techStaff + " --perm external"},

		{as: itOfficer, args: "perm list --perm external --json"},
		{as: itOfficer, args: "perm catalogue"},
		{as: itOfficer, args: "perm owner external 信息部", right: "perm.manage"},
		{as: itOfficer, args: "perm grant wangwei@example.com external", right: "perm.grant"},
		{as: itOfficer, args: "request file grant --member wangwei@example.com --perm external", right: "request.file"},

		{as: "head", args: "perm list --json"},
		{as: "head", args: "perm list --dept 销售部/华北大区/北京一组 --json"},
		{as: "head", args: "request file grant --member wangwei@example.com --perm external"},
		{as: "head", args: "request file delegate --from wangwei@example.com --to " + colleague + " --until 2099-01-01"},
		{as: "head", args: "perm back wangwei@example.com", right: ""},
		{as: "head", args: "perm grant wangwei@example.com external", right: "perm.grant"},
		{as: "head", args: "perm owner external 销售部", right: "perm.manage"},
		{as: "head", args: "request file grant --member " + techPerson + " --perm external", right: "request.file"},

		{as: "auditor", args: "perm list --json"},
		{as: "auditor", args: "request list --json"},
		{as: "auditor", args: "perm grant wangwei@example.com external", right: "perm.grant"},

		{as: "member", args: "perm list --member wangwei@example.com --json"},
		{as: "member", args: "request file grant --member wangwei@example.com --perm external --reason 客户往来"},
		{as: "member", args: "request list --mine --json"},
		{as: "member", args: "perm list", right: "perm.read"},
		{as: "member", args: "perm list --member " + headAddr, right: "perm.read"},
		{as: "member", args: "perm catalogue", right: "perm.read"},
		{as: "member", args: "perm owner external 销售部", right: "perm.manage"},
		{as: "member", args: "perm grant wangwei@example.com external", right: "perm.grant"},
		{as: "member", args: "perm revoke wangwei@example.com external", right: "perm.grant"},
		{as: "member", args: "perm back " + headAddr, right: "request.file"},
		{as: "member", args: "request file grant --member " + headAddr + " --perm external", right: "request.file"},
		{as: "member", args: "request policy set --expiry 1h", right: "perm.manage"},
	}
	for _, c := range cases {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			ownExternal(t)
			args := strings.Fields(c.args)
			if strings.HasPrefix(c.args, "perm back") {
				// Something to end: wangwei lends to a colleague.
				ok(t, "admin", "", "request", "policy", "set", "--auto-apply", "delegate")
				id := fileID(t, "head", "request", "file", "delegate", "--from", memberAddr, "--to", colleague, "--until", "2099-01-01", "--json")
				ok(t, "head", "", "request", "approve", id)
			}
			if c.right == "" {
				ok(t, c.as, c.stdin, args...)
				return
			}
			unchanged(t, func() {
				refused(t, c.as, c.stdin, args, "needs the right "+c.right, string(who(t, c.as)))
			})
		})
	}
}

// fileID runs a request file command with --json and returns the id.
func fileID(t testing.TB, as string, args ...string) string {
	t.Helper()
	var j struct {
		ID uint64 `json:"id"`
	}
	decode(t, ok(t, as, "", args...), &j)
	if j.ID == 0 {
		t.Fatalf("%s printed no id", strings.Join(args, " "))
	}
	return strconv.FormatUint(j.ID, 10)
}

// requestView is what request show --json prints (the fields scripts use).
type requestView struct {
	ID        uint64 `json:"id"`
	Kind      string `json:"kind"`
	Status    string `json:"status"`
	Subject   string `json:"subject"`
	Requester string `json:"requester"`
	Waiting   string `json:"waiting"`
	Steps     []struct {
		Role     string     `json:"role"`
		Dept     string     `json:"dept"`
		Approver string     `json:"approver"`
		Decision string     `json:"decision"`
		By       string     `json:"by"`
		Time     *time.Time `json:"time"`
		Comment  string     `json:"comment"`
	} `json:"steps"`
}

func showRequest(t testing.TB, as, id string) requestView {
	t.Helper()
	var r requestView
	decode(t, ok(t, as, "", "request", "show", id, "--json"), &r)
	return r
}

// TestGrantRequestByEachRole walks a grant request across departments
// through its chain: the member files it, the head of the member's group
// (its permission officer) signs, the owning department's officer signs,
// the unit officer signs, IT applies it; people off the chain, or early,
// are refused with what they lack; applying again changes nothing; the
// live list then shows the grant and where it came from.
func TestGrantRequestByEachRole(t *testing.T) {
	ownExternal(t)
	id := fileID(t, "member", "request", "file", "grant", "--member", memberAddr, "--perm", "external", "--reason", "客户往来", "--json")
	r := showRequest(t, "member", id)
	if r.Status != "pending" || r.Kind != "grant" || r.Subject != memberAddr || r.Requester != memberAddr || len(r.Steps) != 4 {
		t.Fatalf("filed: %+v", r)
	}
	for i, want := range [][2]string{{"officer", headAddr}, {"owner", itOfficer}, {"unit-officer", unitOfficer}, {"it", ""}} {
		if r.Steps[i].Role != want[0] || r.Steps[i].Approver != want[1] || r.Steps[i].Decision != "pending" {
			t.Errorf("step %d: %+v, want %s %s pending", i+1, r.Steps[i], want[0], want[1])
		}
	}
	unchanged(t, func() {
		refused(t, "member", "", []string{"request", "approve", id}, memberAddr, "may not decide request "+id, headAddr)
		refused(t, itOfficer, "", []string{"request", "approve", id}, "waits for step 1")
		refused(t, "admin", "", []string{"request", "approve", id}, "waits for step 1")
		refused(t, "helpdesk", "", []string{"request", "show", id}, "needs the right request.read")
		refused(t, "head", "", []string{"request", "reject", id}, "comment")
	})
	var waiting []requestView
	decode(t, ok(t, "head", "", "request", "list", "--waiting", "--json"), &waiting)
	if len(waiting) != 1 || strconv.FormatUint(waiting[0].ID, 10) != id {
		t.Errorf("the head's inbox: %+v", waiting)
	}
	ok(t, "head", "", "request", "approve", id, "--comment", "同意")
	ok(t, itOfficer, "", "request", "approve", id)
	unchanged(t, func() {
		refused(t, "head", "", []string{"request", "approve", id}, "already decided")
	})
	ok(t, unitOfficer, "", "request", "approve", id, "--comment", "跨部门，同意")
	out := ok(t, "admin", "", "request", "approve", id)
	if !strings.Contains(out, "applied") {
		t.Errorf("IT's approval printed %q", out)
	}
	unchanged(t, func() {
		refused(t, "admin", "", []string{"request", "approve", id}, "already decided", "applied")
	})
	r = showRequest(t, "member", id)
	if r.Status != "applied" || r.Steps[0].By != headAddr || r.Steps[0].Comment != "同意" || r.Steps[0].Time == nil || r.Steps[3].By != adminAddr {
		t.Errorf("applied: %+v", r)
	}

	var rows []struct {
		Address string `json:"address"`
		Perm    string `json:"perm"`
		Source  string `json:"source"`
		Request uint64 `json:"request"`
		Owner   string `json:"owner"`
	}
	decode(t, ok(t, itOfficer, "", "perm", "list", "--perm", "external", "--json"), &rows)
	if len(rows) != 1 || rows[0].Address != memberAddr || rows[0].Source != "direct" || strconv.FormatUint(rows[0].Request, 10) != id || rows[0].Owner != "信息部" {
		t.Errorf("信息部's officer spot-checks external: %+v", rows)
	}
	// The officer of 信息部 sees only the permissions 信息部 owns outside 信息部.
	decode(t, ok(t, itOfficer, "", "perm", "list", "--dept", "销售部/华北大区/北京一组", "--json"), &rows)
	for _, x := range rows {
		if x.Perm != "external" {
			t.Errorf("信息部's officer sees %s of %s", x.Perm, x.Address)
		}
	}
	// The rejection of another request ends it at once.
	id2 := fileID(t, "head", "request", "file", "grant", "--member", memberAddr, "--perm", "external", "--json")
	ok(t, "head", "", "request", "reject", id2, "--comment", "已有")
	if r := showRequest(t, "head", id2); r.Status != "rejected" || r.Waiting != "" || r.Steps[1].Decision != "pending" {
		t.Errorf("rejected: %+v", r)
	}
}

// TestDelegationByCommand: a head lends a member's permissions to a
// colleague; the colleague holds them as a delegation while the window
// runs, and not after the member is marked back.
func TestDelegationByCommand(t *testing.T) {
	ok(t, "admin", "", "perm", "grant", memberAddr, "sendas:hr@example.com", "--reason", "代发通知")
	id := fileID(t, "head", "request", "file", "delegate", "--from", memberAddr, "--to", colleague, "--until",
		fx(t).now().Add(24*time.Hour).Format(time.RFC3339), "--perm", "sendas:hr@example.com", "--json")
	r := showRequest(t, "head", id)
	var roles []string
	for _, s := range r.Steps {
		roles = append(roles, s.Role+":"+s.Approver)
	}
	// 人力资源部 owns hr@'s sendas; 北京一组 and 人力资源部 are apart.
	if strings.Join(roles, " ") != "officer:"+headAddr+" owner:songyaqin@example.com unit-officer:"+unitOfficer+" it:" {
		t.Fatalf("chain %v", roles)
	}
	ok(t, "head", "", "request", "approve", id)
	ok(t, "songyaqin@example.com", "", "request", "approve", id)
	ok(t, unitOfficer, "", "request", "approve", id)
	ok(t, "admin", "", "request", "approve", id)
	holds := func() []string {
		var rows []struct {
			Perm   string `json:"perm"`
			Source string `json:"source"`
			Lender string `json:"lender"`
		}
		decode(t, ok(t, "admin", "", "perm", "list", "--member", colleague, "--json"), &rows)
		var out []string
		for _, x := range rows {
			out = append(out, x.Perm+"/"+x.Source+"/"+x.Lender)
		}
		return out
	}
	if got := strings.Join(holds(), " "); !strings.Contains(got, "sendas:hr@example.com/delegation/"+memberAddr) {
		t.Errorf("the colleague holds %s", got)
	}
	out := ok(t, "member", "", "perm", "back", memberAddr)
	if !strings.Contains(out, "1 delegation ended") {
		t.Errorf("perm back printed %q", out)
	}
	if got := strings.Join(holds(), " "); strings.Contains(got, "delegation") {
		t.Errorf("after perm back the colleague holds %s", got)
	}
}

// TestPermAndRequestSurface: the fields DESIGN.md names, as JSON arrays and
// objects; the list as CSV that Excel opens (BOM, CRLF).
func TestPermAndRequestSurface(t *testing.T) {
	ownExternal(t)
	id := fileID(t, "member", "request", "file", "grant", "--member", memberAddr, "--perm", "external", "--json")
	var list []map[string]any
	decode(t, ok(t, "admin", "", "request", "list", "--json"), &list)
	if len(list) != 1 {
		t.Fatalf("request list: %v", list)
	}
	for _, k := range []string{"id", "kind", "status", "subject", "requester", "steps"} {
		if _, found := list[0][k]; !found {
			t.Errorf("request list has no %q: %v", k, list[0])
		}
	}
	var show map[string]any
	decode(t, ok(t, "admin", "", "request", "show", id, "--json"), &show)
	steps, _ := show["steps"].([]any)
	if len(steps) != 4 {
		t.Fatalf("request show steps: %v", show["steps"])
	}
	for _, k := range []string{"approver", "decision"} {
		if _, found := steps[0].(map[string]any)[k]; !found {
			t.Errorf("a step has no %q: %v", k, steps[0])
		}
	}
	var empty []any
	decode(t, ok(t, "admin", "", "request", "list", "--status", "applied", "--json"), &empty)
	if empty == nil || len(empty) != 0 {
		t.Errorf("no applied requests should print [], got %v", empty)
	}
	var cat []struct {
		Name    string `json:"name"`
		Owner   string `json:"owner"`
		Officer string `json:"officer"`
	}
	decode(t, ok(t, "head", "", "perm", "catalogue", "--json"), &cat)
	for _, p := range cat {
		if p.Owner == "" || p.Officer == "" {
			t.Errorf("the demo company's catalogue: %s has owner %q, officer %q", p.Name, p.Owner, p.Officer)
		}
	}
	csv := ok(t, "admin", "", "perm", "list", "--dept", "销售部/华北大区", "--csv")
	if !strings.HasPrefix(csv, "\ufeffaddress,name,departments,perm,source") || !strings.Contains(csv, "\r\n") {
		t.Errorf("perm list --csv starts %q", csv[:min(len(csv), 80)])
	}
	if !strings.Contains(csv, "broadcast,position,regional-director") {
		t.Errorf("the CSV does not list the regional director's broadcast by position class:\n%s", csv)
	}
}

// TestJoinAndLeaveByCommand: HR files a joiner and a dismissal; the
// group's head (its officer) signs, IT applies; the joiner's one-time
// password is printed once to IT; the dismissed member is blocked on
// filing and reclaimed when applied, their mail going to the successor.
func TestJoinAndLeaveByCommand(t *testing.T) {
	unchanged(t, func() {
		refused(t, "member", "", []string{"request", "file", "join", "--name", "新人", "--dept", "销售部/华北大区/北京一组", "--address", "xinren@example.com"},
			"needs the right request.file")
		refused(t, "head", "", []string{"request", "file", "leave", "--member", memberAddr, "--successor", headAddr, "--urgent"},
			"needs the right request.urgent")
		refused(t, "member", "", []string{"request", "file", "leave", "--member", headAddr, "--successor", memberAddr},
			"needs the right request.file")
		refused(t, "hr", "", []string{"request", "file", "join", "--name", "新人", "--dept", "销售部/华北大区/北京一组", "--address", memberAddr},
			"already taken")
	})
	id := fileID(t, "hr", "request", "file", "join", "--name", "新人", "--dept", "销售部/华北大区/北京一组", "--address", "xinren@example.com",
		"--title", "销售代表", "--json")
	ok(t, "head", "", "request", "approve", id)
	if memberExists(t, "xinren@example.com") {
		t.Fatal("the account opened before IT applied the request")
	}
	out, errs, code := run(t, "admin", "", "request", "approve", id)
	otp := strings.TrimSpace(out)
	if code != 0 || otp == "" || strings.Contains(otp, " ") || !strings.Contains(errs, "shown once") {
		t.Fatalf("IT's approval of the joiner: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if m := showMember(t, "xinren@example.com"); m.Status != "active" || !m.MustChange || m.Name != "新人" {
		t.Errorf("the joiner's account: %+v", m)
	}

	id = fileID(t, "hr", "request", "file", "leave", "--member", memberAddr, "--successor", headAddr, "--urgent", "--json")
	if m := showMember(t, memberAddr); m.Status != "disabled" {
		t.Errorf("a dismissal on filing: %s, want disabled", m.Status)
	}
	ok(t, "head", "", "request", "approve", id)
	ok(t, "admin", "", "request", "approve", id)
	if m := showMember(t, memberAddr); m.Status != "reclaimed" {
		t.Errorf("the dismissed member: %s, want reclaimed", m.Status)
	}
	var r requestView
	decode(t, ok(t, "hr", "", "request", "show", id, "--json"), &r)
	if r.Status != "applied" {
		t.Errorf("HR sees the leaver's request as %s, want applied", r.Status)
	}
}

// TestResetThroughRequest: where the policy routes resets through approval
// (seed part 5 2.1(4)), passwd reset is refused with what to do instead;
// the helpdesk files the reset, the member's officer signs, IT applies it
// and gets the one-time password, which logs in once and must be changed.
func TestResetThroughRequest(t *testing.T) {
	unchanged(t, func() {
		refused(t, "member", "", []string{"request", "file", "reset", "--member", headAddr, "--reason", "T"}, "needs the right request.file")
	})
	ok(t, "admin", "", "request", "policy", "set", "--resets", "request")
	if out := ok(t, "admin", "", "request", "policy", "show"); !strings.Contains(out, "by request") {
		t.Errorf("request policy show: %s", out)
	}
	unchanged(t, func() {
		refused(t, "helpdesk", "", []string{"passwd", "reset", memberAddr, "--reason", "T"}, "request file reset")
		refused(t, "helpdesk", "", []string{"request", "file", "reset", "--member", memberAddr}, "reason")
	})
	id := fileID(t, "helpdesk", "request", "file", "reset", "--member", memberAddr, "--reason", "工单 4711，电话核实", "--json")
	ok(t, "head", "", "request", "approve", id)
	out, errs, code := run(t, "admin", "", "request", "approve", id)
	otp := strings.TrimSpace(out)
	if code != 0 || otp == "" || !strings.Contains(errs, "shown once") {
		t.Fatalf("IT's approval of the reset: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if m := showMember(t, memberAddr); !m.MustChange {
		t.Errorf("after the reset the member need not change the password")
	}
	if _, err := fx(t).s.Login(memberAddr, store.Credentials{Password: otp}, model.LoginSSHPassword, "192.0.2.30", ""); err != nil {
		t.Errorf("the one-time password does not log in: %v", err)
	}
}

// TestSubadminThroughRequest: sub-admin rights are a permission of the
// catalogue (PERM-1): requested with a scope and rights, signed by the
// owning department's officer, applied by IT as the sub-admin role.
func TestSubadminThroughRequest(t *testing.T) {
	unchanged(t, func() {
		refused(t, "admin", "", []string{"perm", "grant", memberAddr, "subadmin"}, "request file grant --perm subadmin")
		refused(t, "head", "", []string{"request", "file", "grant", "--member", memberAddr, "--perm", "subadmin"}, "--scope PATH")
	})
	id := fileID(t, "head", "request", "file", "grant", "--member", memberAddr, "--perm", "subadmin", "--scope", "销售部/华北大区/北京一组", "--rights", "members", "--json")
	for _, as := range []string{"head", itOfficer, unitOfficer, "admin"} {
		ok(t, as, "", "request", "approve", id)
	}
	if out := ok(t, "admin", "", "role", "list"); !strings.Contains(out, "subadmin:销售部/华北大区/北京一组[members]") {
		t.Errorf("role list after the request:\n%s", out)
	}
	var rows []struct {
		Address string `json:"address"`
		Source  string `json:"source"`
		Detail  string `json:"detail"`
	}
	decode(t, ok(t, "admin", "", "perm", "list", "--perm", "subadmin", "--json"), &rows)
	found := false
	for _, r := range rows {
		found = found || (r.Address == memberAddr && r.Source == "role" && r.Detail == "subadmin")
	}
	if !found {
		t.Errorf("perm list --perm subadmin: %+v", rows)
	}
}
