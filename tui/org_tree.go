package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"postroom/model"
	"postroom/store"
)

// orgNode is one department of the Org pane's tree, as the actor sees it.
type orgNode struct {
	id     model.DeptID
	parent model.DeptID
	name   string
	path   string // "/" for the root
	depth  int
	direct int // members placed directly (0 where the actor may not read them)
	total  int // members placed in the visible subtree (a person in two departments counts twice)
	// readable is false for a department shown only as the way down to
	// one the actor may read (a sub-admin sees the root and the path to
	// their subtree, not its members).
	readable bool
	kids     []model.DeptID
}

// orgTree is a snapshot of the department tree for one load: the nodes the
// actor may see, depth first. A snapshot never changes once built; what the
// person opens and where the cursor stands live in the pane. It answers
// model.Ancestry from memory, so the pane can hide what the model would
// refuse without reading the store in Update or View.
type orgTree struct {
	nodes map[model.DeptID]*orgNode
	order []model.DeptID // depth first, children in collation order
}

// buildOrgTree reads the departments and keeps those the actor may see:
// the ones they may read, and the path down to them.
func buildOrgTree(r *store.Reader, actor model.Actor) (*orgTree, error) {
	infos, err := r.Depts()
	if err != nil {
		return nil, err
	}
	t := &orgTree{nodes: make(map[model.DeptID]*orgNode, len(infos))}
	all := make(map[model.DeptID]*orgNode, len(infos))
	for _, d := range infos {
		n := &orgNode{id: d.ID, parent: d.Parent, name: d.Name, path: d.Path, depth: d.Depth}
		n.readable = model.Can(actor, model.RightMemberRead, model.Scope{d.ID}, r)
		all[d.ID] = n
	}
	// Keep a department when it is readable or lies on the way to one.
	keep := make(map[model.DeptID]bool, len(infos))
	for _, d := range infos {
		if !all[d.ID].readable {
			continue
		}
		for id := d.ID; id != 0 && !keep[id]; {
			keep[id] = true
			p, ok := all[id]
			if !ok {
				break
			}
			id = p.parent
		}
	}
	for _, d := range infos {
		if !keep[d.ID] {
			continue
		}
		n := all[d.ID]
		t.nodes[d.ID] = n
		t.order = append(t.order, d.ID)
		if p, ok := t.nodes[n.parent]; ok && d.ID != n.parent {
			p.kids = append(p.kids, d.ID)
		}
	}
	direct := 0
	for _, d := range infos {
		direct += d.Members
	}
	return t, t.count(r, direct)
}

// count fills in the member counts: direct, and of each visible subtree,
// where a person placed in two departments counts once in the departments
// above both. placements (how many member-department pairs there are)
// sizes the map that finds those people.
func (t *orgTree) count(r *store.Reader, placements int) error {
	first := make(map[model.Address]model.DeptID, placements)
	multi := map[model.Address][]model.DeptID{}
	for _, id := range t.order {
		n := t.nodes[id]
		if !n.readable {
			continue
		}
		addrs, err := r.DeptMembers(id)
		if err != nil {
			return err
		}
		n.direct = len(addrs)
		for _, a := range addrs {
			if d, ok := first[a]; ok {
				if len(multi[a]) == 0 {
					multi[a] = []model.DeptID{d}
				}
				multi[a] = append(multi[a], id)
			} else {
				first[a] = id
			}
		}
	}
	// Sums, children before parents: the depth-first order backwards.
	for i := len(t.order) - 1; i >= 0; i-- {
		n := t.nodes[t.order[i]]
		n.total += n.direct
		if p, ok := t.nodes[n.parent]; ok && n.id != model.RootDept {
			p.total += n.total
		}
	}
	for _, depts := range multi {
		times := map[model.DeptID]int{}
		for _, d := range depts {
			for id := d; ; {
				n, ok := t.nodes[id]
				if !ok {
					break
				}
				times[id]++
				if id == model.RootDept {
					break
				}
				id = n.parent
			}
		}
		for id, c := range times {
			t.nodes[id].total -= c - 1
		}
	}
	return nil
}

// DeptPath names a department from the snapshot.
func (t *orgTree) DeptPath(id model.DeptID) string {
	if n, ok := t.nodes[id]; ok {
		return n.path
	}
	return fmt.Sprintf("#%d", id)
}

// Within reports whether dept is root or lies below it, as far as the
// snapshot knows: a department the actor cannot see is within nothing.
func (t *orgTree) Within(dept, root model.DeptID) bool {
	for i := 0; i <= model.MaxDeptDepth+2; i++ {
		if dept == root {
			return true
		}
		n, ok := t.nodes[dept]
		if !ok || dept == model.RootDept {
			return false
		}
		dept = n.parent
	}
	return false
}

// subtree lists a department and the readable departments below it, depth
// first: the departments whose members its table lists.
func (t *orgTree) subtree(id model.DeptID) []model.DeptID {
	start := -1
	for i, x := range t.order {
		if x == id {
			start = i
			break
		}
	}
	if start < 0 {
		return nil
	}
	depth := t.nodes[id].depth
	var out []model.DeptID
	for i := start; i < len(t.order); i++ {
		n := t.nodes[t.order[i]]
		if i > start && n.depth <= depth {
			break
		}
		if n.readable {
			out = append(out, n.id)
		}
	}
	return out
}

// firstReadable is the first department whose members the actor may read.
func (t *orgTree) firstReadable() model.DeptID {
	for _, id := range t.order {
		if t.nodes[id].readable {
			return id
		}
	}
	if len(t.order) > 0 {
		return t.order[0]
	}
	return 0
}

// paths lists the departments that pass keep, depth first.
func (t *orgTree) paths(keep func(n *orgNode) bool) []string {
	var out []string
	for _, id := range t.order {
		if n := t.nodes[id]; keep(n) {
			out = append(out, n.path)
		}
	}
	return out
}

// orgTreeView is what the person does to the tree: which departments are
// open, and where the cursor stands. It survives reloads.
type orgTreeView struct {
	open map[model.DeptID]bool
	rows []model.DeptID // the visible rows, depth first
	cur  int
	top  int
}

// reflow recomputes the visible rows of a snapshot, keeping the cursor on
// the department sel when it is still there.
func (v *orgTreeView) reflow(t *orgTree, sel model.DeptID) {
	v.rows = v.rows[:0]
	if t == nil {
		return
	}
	var walk func(id model.DeptID)
	walk = func(id model.DeptID) {
		v.rows = append(v.rows, id)
		if !v.open[id] {
			return
		}
		for _, k := range t.nodes[id].kids {
			walk(k)
		}
	}
	if len(t.order) > 0 {
		walk(t.order[0])
	}
	v.cur = 0
	for i, id := range v.rows {
		if id == sel {
			v.cur = i
			break
		}
	}
}

// selected is the department under the cursor (0 before the first load).
func (v *orgTreeView) selected() model.DeptID {
	if v.cur < 0 || v.cur >= len(v.rows) {
		return 0
	}
	return v.rows[v.cur]
}

// reveal opens every department above id, so that it shows as a row.
func (v *orgTreeView) reveal(t *orgTree, id model.DeptID) {
	n, ok := t.nodes[id]
	for ok && n.id != model.RootDept {
		v.open[n.parent] = true
		n, ok = t.nodes[n.parent]
	}
}

// render draws the visible window of the tree, width cells wide and height
// rows high, the cursor row marked (and reversed when focused).
func (v *orgTreeView) render(s *Session, t *orgTree, width, height int, focused bool) []string {
	st := s.Styles
	if height <= 0 {
		return nil
	}
	if v.cur < v.top {
		v.top = v.cur
	}
	if v.cur >= v.top+height {
		v.top = v.cur - height + 1
	}
	v.top = max(0, min(v.top, len(v.rows)-height))
	indent := 1
	if width >= 30 {
		indent = 2
	}
	out := make([]string, 0, height)
	for i := v.top; i < len(v.rows) && len(out) < height; i++ {
		n := t.nodes[v.rows[i]]
		mark := st.TreeLeaf
		if len(n.kids) > 0 {
			mark = st.TreeShut
			if v.open[n.id] {
				mark = st.TreeOpen
			}
		}
		count := itoa(n.total)
		lead := " "
		if i == v.cur {
			lead = st.Bullet
		}
		left := lead + strings.Repeat(" ", n.depth*indent) + mark + " "
		nameW := max(1, width-lipgloss.Width(left)-lipgloss.Width(count)-1)
		line := left + padRight(truncate(n.name, nameW), nameW) + " " + count
		line = padRight(truncate(line, width), width)
		switch {
		case i == v.cur && focused:
			line = st.Selected.Render(line)
		case !n.readable:
			line = st.Subtle.Render(line)
		}
		out = append(out, line)
	}
	return out
}
