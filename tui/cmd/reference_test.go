package cmd

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"postroom/store"
)

// The command reference, docs/COMMANDS.md, is written from the command
// tree itself: go test ./tui/cmd -run TestCommandReference -update (or go
// generate ./tui/cmd) writes it, and without -update the test fails,
// naming the first command that differs, while the file is out of date.

var updateReference = flag.Bool("update", false, "write docs/COMMANDS.md from the command tree")

// referencePath is docs/COMMANDS.md from this package's directory.
var referencePath = filepath.Join("..", "..", "docs", "COMMANDS.md")

// surface is what DESIGN.md's automation surface promises of one command:
// the flags and the JSON fields scripts may rely on. Every command it
// lists takes --json when it prints data, so json is a promised flag too.
type surface struct {
	flags []string
	json  []string
}

// stableSurface is the automation surface of DESIGN.md ("The automation
// surface"), command by command. A command not in it is an extension.
var stableSurface = map[string]surface{
	"dept add":              {},
	"dept set":              {flags: []string{"head", "officer", "mailbox"}},
	"dept list":             {flags: []string{"json"}},
	"member add":            {flags: []string{"name", "dept", "title", "position", "password-stdin", "no-must-change"}},
	"member show":           {flags: []string{"json"}, json: memberSurface},
	"member list":           {flags: []string{"dept", "query", "json"}, json: memberSurface},
	"member disable":        {},
	"member enable":         {},
	"member alias add":      {},
	"member key add":        {},
	"passwd reset":          {flags: []string{"reason", "json"}},
	"group add":             {flags: []string{"name", "post"}},
	"group member add":      {flags: []string{"dept"}},
	"role grant":            {flags: []string{"scope"}},
	"perm owner":            {},
	"perm grant":            {flags: []string{"until", "json"}},
	"perm list":             {flags: []string{"json"}},
	"request file grant":    {flags: []string{"member", "perm", "reason", "json"}, json: []string{"id"}},
	"request file join":     {flags: []string{"name", "dept", "title", "position", "address", "json"}},
	"request file leave":    {flags: []string{"member", "successor", "json"}},
	"request file delegate": {flags: []string{"from", "to", "until", "perm", "json"}},
	"request list":          {flags: []string{"json"}, json: []string{"id", "kind", "status", "subject", "requester", "steps"}},
	"request show":          {flags: []string{"json"}, json: []string{"steps", "steps[].approver", "steps[].decision", "steps[].time"}},
	"request approve":       {flags: []string{"comment"}},
	"request reject":        {flags: []string{"comment"}},
	"policy explain":        {flags: []string{"from", "to", "subject", "json"}},
	"log mail":              {flags: []string{"since", "until", "account", "json"}, json: []string{"id", "time", "from", "to", "subject", "status", "reason"}},
	"log ops":               {flags: []string{"json"}},
	"log login":             {flags: []string{"json"}},
	"log top":               {flags: []string{"since", "until", "json"}},
	"audit verify":          {flags: []string{"json"}},
	"queue list":            {flags: []string{"json"}, json: []string{"id", "from", "to", "status", "attempts", "next_attempt"}},
	"import members":        {flags: []string{"dry-run", "json"}},
	"export members":        {},
	"backup":                {},
	"announce publish":      {flags: []string{"title", "body-file", "dept", "json"}, json: []string{"id"}},
	"announce recall":       {flags: []string{"json"}, json: []string{"recalled", "fetched"}},
	"announce list":         {flags: []string{"json"}},
	"book import":           {flags: []string{"on-duplicate", "json"}},
	"book list":             {flags: []string{"json"}},
	"book template":         {},
	"list add":              {flags: []string{"name", "sender"}},
	"list show":             {flags: []string{"json"}, json: []string{"address", "subscribed", "unconfirmed", "unsubscribed"}},
	"dkim enable":           {flags: []string{"json"}},
}

// memberSurface are the fields DESIGN.md promises of a member object.
var memberSurface = []string{"address", "name", "departments", "title", "position", "status", "aliases"}

// jsonShapes is what commands print with --json (a slice: an array of
// those objects): every command whose JSON fields the surface promises,
// and some extensions.
var jsonShapes = map[string]any{
	"member show":        MemberJSON{},
	"member list":        []MemberJSON{},
	"request file grant": idJSON{},
	"request list":       []requestJSON{},
	"request show":       requestJSON{},
	"log mail":           []store.MailRecord{},
	"queue list":         []QueueItem{},
	"announce publish":   idJSON{},
	"announce recall":    RecallJSON{},
	"list show":          listJSON{},
	// Extensions whose fields are listed too.
	"batch list":     []batchJSON{},
	"batch show":     batchShowJSON{},
	"batch cancel":   batchJSON{},
	"migrate imap":   batchShowJSON{},
	"migrate status": batchShowJSON{},
}

// refSection is one command's part of the reference.
type refSection struct {
	path string // without the leading "postroom"
	text string
}

// refAnchorMark starts every command's section; the check splits the
// file there to name the first command that differs.
const refAnchorMark = `<a id="cmd-`

func refAnchor(path string) string { return "cmd-" + strings.ReplaceAll(path, " ", "-") }

// commandPath is a command's path without the root's name.
func commandPath(c *cobra.Command) string {
	return strings.TrimPrefix(strings.TrimPrefix(c.CommandPath(), c.Root().Name()), " ")
}

// visible lists a command's subcommands a person can see, by name.
func visible(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, s := range c.Commands() {
		if !s.Hidden && s.Name() != "help" {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b *cobra.Command) int { return strings.Compare(a.Name(), b.Name()) })
	return out
}

// walkCommands lists c's visible subcommands and theirs, depth first.
func walkCommands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, s := range visible(c) {
		out = append(out, s)
		out = append(out, walkCommands(s)...)
	}
	return out
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

// code is s as inline code in a table cell ("" stays empty).
func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + cell(s) + "`"
}

// jsonFields lists the JSON fields of a value's type, nested objects and
// arrays of objects as parent.child and parent[].child.
func jsonFields(t reflect.Type, prefix string) [][2]string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	var out [][2]string
	if t.Kind() != reflect.Struct || t == reflect.TypeFor[time.Time]() {
		return nil
	}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		// encoding/json promotes the fields of an embedded struct, even
		// of an unexported type.
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type, prefix)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		typ := jsonType(f.Type)
		if strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") {
			typ += "; left out when empty"
		}
		out = append(out, [2]string{prefix + name, typ})
		inner := f.Type
		for inner.Kind() == reflect.Pointer {
			inner = inner.Elem()
		}
		switch {
		case inner.Kind() == reflect.Slice && inner.Elem().Kind() == reflect.Struct && inner.Elem() != reflect.TypeFor[time.Time]():
			out = append(out, jsonFields(inner.Elem(), prefix+name+"[].")...)
		case inner.Kind() == reflect.Struct && inner != reflect.TypeFor[time.Time]():
			out = append(out, jsonFields(inner, prefix+name+".")...)
		}
	}
	return out
}

// jsonType names a field's JSON type.
func jsonType(t reflect.Type) string {
	null := ""
	for t.Kind() == reflect.Pointer {
		t, null = t.Elem(), " or null"
	}
	if t == reflect.TypeFor[time.Time]() {
		return "string (RFC 3339 time)" + null
	}
	switch t.Kind() {
	case reflect.String:
		return "string" + null
	case reflect.Bool:
		return "boolean" + null
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "number" + null
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Struct && t.Elem() != reflect.TypeFor[time.Time]() {
			return "array of objects" + null
		}
		return "array of " + jsonType(t.Elem()) + "s" + null
	case reflect.Map:
		return "object" + null
	case reflect.Struct:
		return "object" + null
	}
	return t.Kind().String()
}

// flagRows lists a command's own flags (not --help), by name.
func flagRows(c *cobra.Command) []*pflag.Flag {
	var out []*pflag.Flag
	c.LocalFlags().VisitAll(func(f *pflag.Flag) {
		if f.Name != "help" && !f.Hidden {
			out = append(out, f)
		}
	})
	return out
}

// commandSection writes one command's part of the reference.
func commandSection(c *cobra.Command) refSection {
	path := commandPath(c)
	stable, isStable := stableSurface[path]
	var b strings.Builder
	level := "###"
	if !strings.Contains(path, " ") {
		level = "##"
	}
	fmt.Fprintf(&b, "%s%s\"></a>\n%s `postroom %s`\n\n", refAnchorMark, strings.TrimPrefix(refAnchor(path), "cmd-"), level, path)
	switch {
	case isStable:
		b.WriteString("**Stable**: part of the automation surface of DESIGN.md.\n\n")
	case len(visible(c)) > 0 && len(flagRows(c)) == 0:
		b.WriteString("A group: run one of its commands.\n\n")
	default:
		b.WriteString("Extension: added since the automation surface of DESIGN.md.\n\n")
	}
	fmt.Fprintf(&b, "%s\n\n", c.Short)
	if c.Long != "" {
		fmt.Fprintf(&b, "%s\n\n", strings.TrimSpace(c.Long))
	}
	use := c.Use
	if c.HasParent() {
		use = strings.TrimSpace(c.Parent().CommandPath() + " " + c.Use)
	}
	fmt.Fprintf(&b, "    %s\n\n", use)
	if subs := visible(c); len(subs) > 0 {
		var links []string
		for _, s := range subs {
			links = append(links, fmt.Sprintf("[`%s`](#%s)", s.Name(), refAnchor(commandPath(s))))
		}
		fmt.Fprintf(&b, "Commands: %s\n\n", strings.Join(links, ", "))
	}
	if flags := flagRows(c); len(flags) > 0 {
		b.WriteString("| Flag | Short | Type | Default | Surface | Usage |\n| --- | --- | --- | --- | --- | --- |\n")
		for _, f := range flags {
			short := ""
			if f.Shorthand != "" {
				short = "`-" + f.Shorthand + "`"
			}
			def := f.DefValue
			if def == "[]" {
				def = ""
			}
			where := "extension"
			if isStable && slices.Contains(stable.flags, f.Name) {
				where = "stable"
			}
			fmt.Fprintf(&b, "| `--%s` | %s | %s | %s | %s | %s |\n", f.Name, short, f.Value.Type(), code(def), where, cell(f.Usage))
		}
		b.WriteString("\n")
	}
	if shape, found := jsonShapes[path]; found {
		t := reflect.TypeOf(shape)
		what := "an object"
		if t.Kind() == reflect.Slice {
			what = "an array of objects"
		}
		fmt.Fprintf(&b, "JSON (`--json`): %s with these fields.\n\n| Field | Type | Surface |\n| --- | --- | --- |\n", what)
		for _, f := range jsonFields(t, "") {
			where := "extension"
			if slices.Contains(stable.json, f[0]) {
				where = "stable"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f[0], f[1], where)
		}
		b.WriteString("\n")
	} else if c.LocalFlags().Lookup("json") != nil {
		b.WriteString("JSON (`--json`): one JSON value; the surface names none of its fields: read them by name and expect new ones.\n\n")
	}
	return refSection{path: path, text: b.String()}
}

// commandReference is the whole reference: a header with the contents,
// then each command's section, grouped by top-level command.
func commandReference(root *cobra.Command) []refSection {
	var head strings.Builder
	head.WriteString(`# Command reference

<!-- Written by go test ./tui/cmd -run TestCommandReference -update (or go generate ./tui/cmd) from the command tree; do not edit by hand. -->

Every command below runs the same way locally (` + "`postroom [--data DIR] [--as ADDR] COMMAND ...`" + `) and over SSH
(` + "`ssh -p 2222 YOU@HOST COMMAND ...`" + `, see [SSH.md](SSH.md)). A refusal exits 1 with the reason on standard
error, naming the missing right; a usage mistake exits 2. Who may run a command is decided by the rights
of the person's roles when it runs (` + "`whoami`" + ` shows yours), not by the command tree, so it is not listed here.
The server's own commands (` + "`init`, `serve`, `demo`, `tui`" + `) are described in the [README](../README.md).

**Stable** marks the automation surface DESIGN.md promises: those commands, the flags marked stable and the
JSON fields marked stable keep their names and meaning. Everything marked extension was added since; it is
supported, but scripts should read JSON fields by name and expect new ones.

## Contents

`)
	top := visible(root)
	for _, t := range top {
		fmt.Fprintf(&head, "- [`%s`](#%s)", t.Name(), refAnchor(t.Name()))
		var subs []string
		for _, s := range walkCommands(t) {
			subs = append(subs, fmt.Sprintf("[`%s`](#%s)", strings.TrimPrefix(commandPath(s), t.Name()+" "), refAnchor(commandPath(s))))
		}
		if len(subs) > 0 {
			head.WriteString(": " + strings.Join(subs, ", "))
		}
		head.WriteString("\n")
	}
	head.WriteString("\n")
	out := []refSection{{path: "", text: head.String()}}
	for _, t := range top {
		for _, c := range append([]*cobra.Command{t}, walkCommands(t)...) {
			out = append(out, commandSection(c))
		}
	}
	return out
}

func joinSections(ss []refSection) string {
	var b strings.Builder
	for _, s := range ss {
		b.WriteString(s.text)
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// splitReference cuts a reference file where each command's section
// starts; the first part is the header.
func splitReference(text string) []string {
	var out []string
	rest := text
	for {
		i := strings.Index(rest[min(1, len(rest)):], refAnchorMark)
		if i < 0 {
			return append(out, rest)
		}
		i += min(1, len(rest))
		out = append(out, rest[:i])
		rest = rest[i:]
	}
}

// TestCommandReference: docs/COMMANDS.md is what the command tree says
// now; -update writes it.
func TestCommandReference(t *testing.T) {
	sections := commandReference(New(&Env{}))
	want := joinSections(sections)
	if *updateReference {
		if err := os.WriteFile(referencePath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := os.ReadFile(referencePath)
	if err != nil {
		t.Fatalf("%v: write it with go test ./tui/cmd -run TestCommandReference -update", err)
	}
	have := string(raw)
	if have == want {
		return
	}
	wantParts, haveParts := splitReference(want), splitReference(have)
	// The contents change with any command: name the command first.
	for i := range max(len(wantParts), len(haveParts)) {
		if i == 0 && len(wantParts) > 1 && len(haveParts) > 1 {
			continue
		}
		var w, h string
		if i < len(wantParts) {
			w = wantParts[i]
		}
		if i < len(haveParts) {
			h = haveParts[i]
		}
		if strings.TrimRight(w, "\n") == strings.TrimRight(h, "\n") {
			continue
		}
		what := "the header and contents"
		switch {
		case i > 0 && i < len(sections):
			what = "postroom " + sections[i].path
		case i >= len(sections):
			what = "a command no longer in the tree, after the last one"
		}
		t.Fatalf("docs/COMMANDS.md is out of date from %s on; write it again with go test ./tui/cmd -run TestCommandReference -update", what)
	}
	if strings.TrimRight(wantParts[0], "\n") != strings.TrimRight(haveParts[0], "\n") {
		t.Fatalf("docs/COMMANDS.md is out of date in its header and contents; write it again with go test ./tui/cmd -run TestCommandReference -update")
	}
	t.Fatalf("docs/COMMANDS.md is out of date (line ends); write it again with go test ./tui/cmd -run TestCommandReference -update")
}

// TestCommandShorts: every command says in a line what it does.
func TestCommandShorts(t *testing.T) {
	for _, c := range append([]*cobra.Command{New(&Env{})}, walkCommands(New(&Env{}))...) {
		if strings.TrimSpace(c.Short) == "" {
			t.Errorf("postroom %s has no Short: say in a line what it does", commandPath(c))
		}
	}
}

// TestStableSurface: every command, flag and JSON field the reference
// marks stable is in the tree and in what the command prints.
func TestStableSurface(t *testing.T) {
	root := New(&Env{})
	for path, s := range stableSurface {
		c, rest, err := root.Find(strings.Fields(path))
		if err != nil || len(rest) > 0 || commandPath(c) != path {
			t.Errorf("the surface names %q, which the command tree does not have", path)
			continue
		}
		for _, f := range s.flags {
			if c.LocalFlags().Lookup(f) == nil {
				t.Errorf("the surface promises --%s on %q, which it does not take", f, path)
			}
		}
		if len(s.json) > 0 {
			shape, found := jsonShapes[path]
			if !found {
				t.Errorf("%q promises JSON fields but jsonShapes says nothing of what it prints", path)
				continue
			}
			var have []string
			for _, f := range jsonFields(reflect.TypeOf(shape), "") {
				have = append(have, f[0])
			}
			for _, f := range s.json {
				if !slices.Contains(have, f) {
					t.Errorf("%q promises the JSON field %q, which %T does not have", path, f, shape)
				}
			}
		}
	}
}
