package model

import (
	"slices"
	"strconv"
	"strings"
)

// ImportPlan is the list of changes a member CSV turns into, with the line
// each came from, and the problems found before anything ran.
type ImportPlan struct {
	Changes   []Change
	Lines     []int // Lines[i] is the CSV line of Changes[i]; 0 for created departments
	Errors    []RowError
	Adds      int
	Updates   int
	Unchanged int      // known members whose row changes nothing: left alone
	Depts     []string // departments that will be created
}

// PlanMemberImport turns checked CSV rows into changes (BOOK-2): a new
// address becomes AddMember, a known member becomes SetMember of the columns
// the file has. Departments must exist unless createDepts is set, in which
// case the missing ones (with their parents) are created first. Problems
// that the data shows now (unknown department, an address taken by a group)
// are reported per row; the store reports the rest when it runs the plan.
func PlanMemberImport(v View, file *MembersCSV, createDepts bool) *ImportPlan {
	p := &ImportPlan{}
	missing := map[string]bool{}
	for _, row := range file.Rows {
		for _, path := range row.Departments {
			parts, err := SplitDeptPath(path)
			if err != nil {
				continue
			}
			for i := range parts {
				sub := strings.Join(parts[:i+1], "/")
				if missing[sub] {
					continue
				}
				if _, err := v.DeptByPath(sub); err != nil {
					missing[sub] = true
					p.Depts = append(p.Depts, sub)
				}
			}
		}
	}
	slices.SortStableFunc(p.Depts, func(a, b string) int { return strings.Count(a, "/") - strings.Count(b, "/") })
	if createDepts {
		for _, d := range p.Depts {
			p.Changes = append(p.Changes, &AddDept{Path: d})
			p.Lines = append(p.Lines, 0)
		}
	}
	set := map[string]bool{}
	for _, col := range file.Columns {
		switch col {
		case "department":
			set["depts"] = true
		case "address":
		default:
			set[col] = true
		}
	}
	for _, row := range file.Rows {
		if !createDepts {
			bad := false
			for _, path := range row.Departments {
				parts, _ := SplitDeptPath(path)
				if missing[strings.Join(parts, "/")] {
					p.Errors = append(p.Errors, rowErr(row.Line, "department", path,
						NotFoundf("no such department: create it first with dept add, or import with --create-depts")))
					bad = true
				}
			}
			if bad {
				continue
			}
		}
		f := MemberFields{Name: row.Name, Depts: row.Departments, Title: row.Title, Position: string(row.Position),
			EmployeeID: row.EmployeeID, Mobile: row.Mobile, Phone: row.Phone, Gender: row.Gender, Birthday: row.Birthday}
		o, ok, err := v.Owner(row.Address)
		switch {
		case err != nil:
			p.Errors = append(p.Errors, rowErr(row.Line, "address", string(row.Address), err))
		case !ok:
			p.Changes = append(p.Changes, &AddMember{Address: row.Address, Fields: f})
			p.Lines = append(p.Lines, row.Line)
			p.Adds++
		case o.Kind == OwnerMember:
			m, err := v.Member(row.Address)
			if err != nil {
				p.Errors = append(p.Errors, rowErr(row.Line, "address", string(row.Address), err))
				continue
			}
			if sameAsRow(v, m, row, set) {
				p.Unchanged++
				continue
			}
			p.Changes = append(p.Changes, &SetMember{Address: row.Address, Fields: f, Set: set})
			p.Lines = append(p.Lines, row.Line)
			p.Updates++
		default:
			p.Errors = append(p.Errors, rowErr(row.Line, "address", string(row.Address),
				Conflictf("the address is %s, not a member; pick another address", o.Describe(row.Address))))
		}
	}
	p.sortMembers()
	return p
}

// sortMembers puts the member changes (after any department changes) in
// address order, with their lines: the store then appends to its buckets
// instead of inserting in the middle, which keeps a 50,000-row import fast.
func (p *ImportPlan) sortMembers() {
	first := 0
	for first < len(p.Changes) {
		if _, ok := p.Changes[first].(*AddDept); !ok {
			break
		}
		first++
	}
	idx := make([]int, len(p.Changes)-first)
	for i := range idx {
		idx[i] = first + i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(p.Changes[a].Target(), p.Changes[b].Target()) })
	changes := slices.Clone(p.Changes)
	lines := slices.Clone(p.Lines)
	for i, j := range idx {
		p.Changes[first+i], p.Lines[first+i] = changes[j], lines[j]
	}
}

// sameAsRow reports whether the row's columns already hold for m, so an
// export imported again changes nothing and needs no rights.
func sameAsRow(v View, m *Member, row MemberRow, set map[string]bool) bool {
	if set["depts"] {
		var want []string
		for _, d := range row.Departments {
			parts, _ := SplitDeptPath(d)
			want = append(want, "/"+strings.Join(parts, "/"))
		}
		if len(want) == 0 {
			want = []string{"/"}
		}
		var have []string
		for _, d := range m.Depts {
			have = append(have, "/"+strings.Trim(v.DeptPath(d), "/"))
		}
		slices.Sort(want)
		slices.Sort(have)
		if !slices.Equal(want, have) {
			return false
		}
	}
	mobile, _ := NormalizeMobile(row.Mobile)
	phone, _ := NormalizePhone(row.Phone)
	for key, same := range map[string]bool{
		"name": m.Name == row.Name, "title": m.Title == row.Title, "position": m.Position == row.Position,
		"employee_id": m.EmployeeID == row.EmployeeID, "mobile": m.Mobile == mobile, "phone": m.Phone == phone,
		"gender": m.Gender == row.Gender, "birthday": m.Birthday == row.Birthday,
	} {
		if set[key] && !same {
			return false
		}
	}
	return true
}

// ImportSummary closes a member import in the operation log (LOG-5): the
// file, its encoding and the counts.
type ImportSummary struct {
	File     string
	Encoding string
	Added    int
	Updated  int
	Depts    int
}

// Op names the operation.
func (c *ImportSummary) Op() string { return "import.members" }

// Target names the file.
func (c *ImportSummary) Target() string { return c.File }

// Authorize needs the import right; each row was authorised on its own.
func (c *ImportSummary) Authorize(v View, a Actor) error {
	if HoldsAnywhere(a, RightImport) {
		return nil
	}
	return Authorize(a, RightImport, nil, v)
}

// Apply writes the summary line.
func (c *ImportSummary) Apply(tx Tx, env Env) error {
	tx.Note("encoding", c.Encoding)
	tx.Note("added", itoa(c.Added))
	tx.Note("updated", itoa(c.Updated))
	tx.Note("departments created", itoa(c.Depts))
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
