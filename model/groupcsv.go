package model

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Group import from CSV (LIST-1, seed part 4, 3.1.2 "导入群组").
//
// One row per member of a group: the group's address, its name, a member
// (a member's or another group's address, or a department path for the
// whole department with those below it) and who may post. Name and posting
// rule may stand on the first row of a group only; rows of one group that
// give them must agree. The file is read like the member CSV (UTF-8 with
// or without BOM, or GB18030; English or Chinese column names), checked
// whole against the directory, and applied in one transaction or not at
// all. An import adds: a missing group is created, an existing one gets
// the new name, posting rule and members; nobody is taken out.

// GroupColumns lists the columns of the group CSV.
func GroupColumns() []CSVColumn {
	return []CSVColumn{
		{Key: "group", ZH: "群组地址", Aliases: []string{"group_address", "群组邮箱", "邮件群组", "群组"}, Required: true},
		{Key: "name", ZH: "群组名称", Aliases: []string{"group_name", "名称"}},
		{Key: "member", ZH: "成员", Aliases: []string{"member_address", "成员地址", "成员邮箱"}, Required: true},
		{Key: "post", ZH: "发信权限", Aliases: []string{"post_permission", "posting", "发信"}},
		{Key: "sender", ZH: "指定发信人", Aliases: []string{"senders", "发信人"}},
	}
}

// postWords are the Chinese words the post column accepts.
var postWords = map[string]PostRule{
	"任何人": PostAnyone, "所有人": PostAnyone,
	"组内成员": PostMembers, "成员": PostMembers, "群组成员": PostMembers,
	"有权限者": PostPermitted, "授权": PostPermitted, "有权限的人": PostPermitted,
	"指定发信人": PostListed, "指定": PostListed,
}

// parsePostCell reads the post column: anyone, members, permitted, listed,
// or their Chinese words.
func parsePostCell(v string) (PostRule, error) {
	if r, ok := postWords[v]; ok {
		return r, nil
	}
	r := PostRule(strings.ToLower(v))
	switch r {
	case PostAnyone, PostMembers, PostPermitted, PostListed:
		return r, nil
	}
	return "", Invalidf("use anyone (任何人), members (组内成员), permitted (有权限者) or listed (指定发信人)")
}

// GroupRow is one row of a group CSV, syntax checked.
type GroupRow struct {
	Line    int
	Group   Address
	Name    string    // "" when the cell is empty
	Member  Address   // a member's or group's address; "" when Dept is set
	Dept    string    // a department path ("/" the root)
	Post    PostRule  // "" when the cell is empty
	Senders []Address // the sender column
}

// GroupsCSV is what ReadGroupsCSV found.
type GroupsCSV struct {
	Encoding string
	Rows     []GroupRow
	Errors   []RowError
}

// ReadGroupsCSV reads at most limit bytes of a group CSV. A problem with
// the whole file is returned as an error; problems in rows are collected in
// Errors, and only rows without any problem are in Rows.
func ReadGroupsCSV(r io.Reader, limit int64) (*GroupsCSV, error) {
	if limit <= 0 {
		return nil, errors.New("read group CSV: the size limit must be positive")
	}
	n := limit
	if n < math.MaxInt64 {
		n++
	}
	raw, err := io.ReadAll(io.LimitReader(r, n))
	if err != nil {
		return nil, fmt.Errorf("read group CSV: %w", err)
	}
	if int64(len(raw)) > limit {
		return nil, Invalidf("the file is larger than the limit of %s; split it into smaller files", byteCount(limit))
	}
	text, enc, err := decodeMembersCSV(raw)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, Invalidf("the header row cannot be read; it must be a plain row of column names, such as %s", exampleGroupHeader())
	}
	index, err := matchGroupHeader(header)
	if err != nil {
		return nil, err
	}
	out := &GroupsCSV{Encoding: enc}
	err = eachCSVRow(cr, "group CSV", &out.Errors, func(line int, rec []string) {
		row, problems, blank := checkGroupRow(index, line, rec)
		if blank {
			return
		}
		out.Errors = append(out.Errors, problems...)
		if len(problems) == 0 {
			out.Rows = append(out.Rows, row)
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// matchGroupHeader maps each column key to its cell in the header row.
func matchGroupHeader(header []string) (map[string]int, error) {
	n := len(header)
	for n > 0 && cleanHeader(header[n-1]) == "" {
		n--
	}
	index := map[string]int{}
	var unknown []string
	for i, h := range header[:n] {
		name := cleanHeader(h)
		if name == "" {
			return nil, Invalidf("column %d of the header row has no name; name it or delete the column; accepted columns: %s", i+1, acceptedGroupColumns())
		}
		if strings.Contains(name, "@") {
			return nil, Invalidf("the first line looks like a group, not a header row; the first line must name the columns, such as %s", exampleGroupHeader())
		}
		key := ""
		for _, c := range GroupColumns() {
			if c.names(name) {
				key = c.Key
			}
		}
		if key == "" {
			unknown = append(unknown, strconv.Quote(strings.TrimSpace(strings.TrimPrefix(h, utf8BOM))))
			continue
		}
		if j, dup := index[key]; dup {
			return nil, Invalidf("the header row names the column %s twice (columns %d and %d); keep one of them", key, j+1, i+1)
		}
		index[key] = i
	}
	var missing []string
	for _, c := range GroupColumns() {
		if _, ok := index[c.Key]; c.Required && !ok {
			missing = append(missing, c.Key+" ("+c.ZH+")")
		}
	}
	if len(unknown) > 0 || len(missing) > 0 {
		return nil, Invalidf("the header row has unknown columns [%s] and lacks the required columns [%s]; accepted columns: %s",
			strings.Join(unknown, ", "), strings.Join(missing, ", "), acceptedGroupColumns())
	}
	return index, nil
}

func acceptedGroupColumns() string { return acceptedColumns(GroupColumns()) }

func exampleGroupHeader() string {
	var en, zh []string
	for _, c := range GroupColumns() {
		en = append(en, c.Key)
		zh = append(zh, c.ZH)
	}
	return strings.Join(en, ",") + " or " + strings.Join(zh, ",")
}

// groupRowErr is a problem with a cell of the group CSV, its column named
// in Chinese by the group CSV's header.
func groupRowErr(line int, col, value string, err error) RowError {
	e := rowErr(line, col, value, err)
	for _, c := range GroupColumns() {
		if c.Key == col {
			e.ColumnZH = c.ZH
		}
	}
	return e
}

// checkGroupRow checks one row's cells.
func checkGroupRow(index map[string]int, line int, rec []string) (GroupRow, []RowError, bool) {
	cell := func(key string) string { return csvCell(index, rec, key) }
	if blankRecord(rec) {
		return GroupRow{}, nil, true
	}
	row := GroupRow{Line: line}
	var probs []RowError
	bad := func(col, v string, err error) {
		probs = append(probs, groupRowErr(line, col, v, err))
	}
	if v := cell("group"); v == "" {
		bad("group", v, Invalidf("the group's address is empty"))
	} else if a, err := ParseAddress(v); err != nil {
		bad("group", v, err)
	} else {
		row.Group = a
	}
	if v := cell("name"); v != "" {
		if n, err := CleanName("group name", v, 64); err != nil {
			bad("name", v, err)
		} else {
			row.Name = n
		}
	}
	switch v := cell("member"); {
	case v == "":
		bad("member", v, Invalidf("the member is empty: give a member's address or a department path such as 销售部/华北大区"))
	case strings.Contains(v, "@"):
		if a, err := ParseAddress(v); err != nil {
			bad("member", v, err)
		} else {
			row.Member = a
		}
	default:
		if _, err := SplitDeptPath(v); err != nil {
			bad("member", v, err)
		} else {
			row.Dept = v
		}
	}
	if v := cell("post"); v != "" {
		if r, err := parsePostCell(v); err != nil {
			bad("post", v, err)
		} else {
			row.Post = r
		}
	}
	if v := cell("sender"); v != "" {
		for _, s := range splitList(v) {
			a, err := ParseAddress(strings.TrimSpace(s))
			if err != nil {
				bad("sender", v, err)
				break
			}
			row.Senders = append(row.Senders, a)
		}
	}
	return row, probs, false
}

// GroupImportPlan is what a group CSV turns into, with the line each
// change came from (for the report when the store refuses one).
type GroupImportPlan struct {
	Changes []Change
	Lines   []int
	Errors  []RowError
	// Counts for the report.
	Created, Updated, MembersAdded, Unchanged int
	// Groups lists each group of the file once, in file order.
	Groups []Address
}

func (p *GroupImportPlan) add(line int, c Change) {
	p.Changes = append(p.Changes, c)
	p.Lines = append(p.Lines, line)
}

// PlanGroupImport checks the rows against the directory and turns them into
// changes: AddGroup for a new group, SetGroup when the name or posting rule
// changes, GroupMember for each member or department not yet in. Every
// problem found is in Errors; the changes are then not to be applied.
func PlanGroupImport(v View, f *GroupsCSV) *GroupImportPlan {
	p := &GroupImportPlan{}
	type groupAcc struct {
		first         int
		name, post    string
		nameAt, posAt int
		senders       []Address
		rows          []GroupRow
	}
	acc := map[Address]*groupAcc{}
	bad := func(line int, col, val string, err error) {
		p.Errors = append(p.Errors, groupRowErr(line, col, val, err))
	}
	for _, r := range f.Rows {
		g := acc[r.Group]
		if g == nil {
			g = &groupAcc{first: r.Line}
			acc[r.Group] = g
			p.Groups = append(p.Groups, r.Group)
		}
		if r.Name != "" {
			if g.name != "" && g.name != r.Name {
				bad(r.Line, "name", r.Name, Invalidf("line %d names the group %s %q; give one name (or leave the cell empty after the first row)", g.nameAt, r.Group, g.name))
			} else if g.name == "" {
				g.name, g.nameAt = r.Name, r.Line
			}
		}
		if r.Post != "" {
			if g.post != "" && g.post != string(r.Post) {
				bad(r.Line, "post", string(r.Post), Invalidf("line %d gives the group %s the posting rule %s; give one rule (or leave the cell empty after the first row)", g.posAt, r.Group, g.post))
			} else if g.post == "" {
				g.post, g.posAt = string(r.Post), r.Line
			}
		}
		for _, s := range r.Senders {
			if !slices.Contains(g.senders, s) {
				g.senders = append(g.senders, s)
			}
		}
		g.rows = append(g.rows, r)
	}
	for _, ga := range p.Groups {
		g := acc[ga]
		existing, err := v.Group(ga)
		if err != nil {
			existing = nil
			if o, taken, _ := v.Owner(ga); taken {
				bad(g.first, "group", string(ga), Invalidf("%s is %s, not a group", ga, o.Describe(ga)))
				continue
			}
			if !v.IsLocal(ga.Domain()) {
				bad(g.first, "group", string(ga), Invalidf("%s is not one of the company's domains", ga.Domain()))
				continue
			}
			if g.name == "" {
				bad(g.first, "name", "", Invalidf("the group %s does not exist yet: give its name on its first row", ga))
				continue
			}
			post := g.post
			if post == "" {
				post = string(PostMembers)
			}
			p.add(g.first, &AddGroup{Address: ga, Name: g.name, Post: post, Senders: g.senders})
			p.Created++
		} else {
			set := &SetGroup{Address: ga}
			changed := false
			if g.name != "" && g.name != existing.Name {
				set.Name, changed = &g.name, true
			}
			if g.post != "" && g.post != string(existing.Post) {
				set.Post, changed = &g.post, true
			}
			if len(g.senders) > 0 {
				merged := slices.Clone(existing.Senders)
				for _, s := range g.senders {
					if !slices.Contains(merged, s) {
						merged = append(merged, s)
					}
				}
				if len(merged) != len(existing.Senders) {
					set.Senders, changed = &merged, true
				}
			}
			if changed {
				p.add(g.first, set)
				p.Updated++
			}
		}
		seenMember := map[Address]int{}
		seenDept := map[DeptID]int{}
		for _, r := range g.rows {
			if r.Dept != "" {
				d, err := v.DeptByPath(r.Dept)
				if err != nil {
					bad(r.Line, "member", r.Dept, Invalidf("there is no department %s; create it first (dept add) or correct the path", r.Dept))
					continue
				}
				if at, dup := seenDept[d.ID]; dup {
					bad(r.Line, "member", r.Dept, Invalidf("line %d already adds this department to %s", at, ga))
					continue
				}
				seenDept[d.ID] = r.Line
				if existing != nil && slices.Contains(existing.Depts, d.ID) {
					p.Unchanged++
					continue
				}
				p.add(r.Line, &GroupMember{Group: ga, Dept: r.Dept})
				p.MembersAdded++
				continue
			}
			if at, dup := seenMember[r.Member]; dup {
				bad(r.Line, "member", string(r.Member), Invalidf("line %d already adds %s to %s", at, r.Member, ga))
				continue
			}
			seenMember[r.Member] = r.Line
			o, ok, err := v.Owner(r.Member)
			if _, inFile := acc[r.Member]; inFile && r.Member != ga {
				o, ok, err = Owner{Kind: OwnerGroup}, true, nil // a group this file creates or changes
			}
			switch {
			case r.Member == ga:
				bad(r.Line, "member", string(r.Member), Invalidf("a group cannot contain itself"))
				continue
			case err != nil || !ok:
				bad(r.Line, "member", string(r.Member), Invalidf("%s is not a member or a group; add the member first or correct the address", r.Member))
				continue
			case o.Kind == OwnerAlias:
				bad(r.Line, "member", string(r.Member), Invalidf("%s is an alias of %s; give %s", r.Member, o.Member, o.Member))
				continue
			case o.Kind != OwnerMember && o.Kind != OwnerGroup:
				bad(r.Line, "member", string(r.Member), Invalidf("%s is %s; only members and groups can be group members", r.Member, o.Describe(r.Member)))
				continue
			}
			if existing != nil && slices.Contains(existing.Members, r.Member) {
				p.Unchanged++
				continue
			}
			p.add(r.Line, &GroupMember{Group: ga, Member: r.Member})
			p.MembersAdded++
		}
	}
	slices.SortStableFunc(p.Errors, func(a, b RowError) int { return a.Line - b.Line })
	return p
}

// GroupImportSummary closes a group import in the operation log (LOG-5):
// the file, its encoding and the counts. Each row's change was authorised
// on its own (group.manage over the group's and the member's departments).
type GroupImportSummary struct {
	File         string
	Encoding     string
	Created      int
	Updated      int
	MembersAdded int
}

// Op names the operation.
func (c *GroupImportSummary) Op() string { return "import.groups" }

// Target names the file.
func (c *GroupImportSummary) Target() string { return c.File }

// Authorize needs group.manage somewhere.
func (c *GroupImportSummary) Authorize(v View, a Actor) error {
	if HoldsAnywhere(a, RightGroupManage) {
		return nil
	}
	return Authorize(a, RightGroupManage, nil, v)
}

// Apply writes the summary line.
func (c *GroupImportSummary) Apply(tx Tx, env Env) error {
	tx.Note("encoding", c.Encoding)
	tx.Note("groups created", itoa(c.Created))
	tx.Note("groups updated", itoa(c.Updated))
	tx.Note("members added", itoa(c.MembersAdded))
	return nil
}
