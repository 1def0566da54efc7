package assets

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// errorHelpers are model's constructors of user errors (model/errors.go).
var errorHelpers = []string{"Invalidf", "NotFoundf", "Existsf", "Forbiddenf", "Conflictf", "Authf"}

// errorSourceDirs are the packages that tell people about their mistakes,
// relative to this one. A directory that disappears fails the test rather
// than pass it silently.
var errorSourceDirs = []string{"..", "../model", "../store", "../mail", "../tui", "../tui/cmd"}

// errorCall is one call to an error helper.
type errorCall struct {
	pos     token.Position
	literal bool // the format is a string literal
	format  string
}

// errorCalls finds every call to an error helper in the non-test sources of
// errorSourceDirs.
func errorCalls(t *testing.T) []errorCall {
	t.Helper()
	fset := token.NewFileSet()
	var calls []errorCall
	for _, dir := range errorSourceDirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s (%v): has the package moved?", dir, err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) == 0 {
					return true
				}
				var fn string
				switch e := call.Fun.(type) {
				case *ast.Ident:
					fn = e.Name
				case *ast.SelectorExpr:
					fn = e.Sel.Name
				}
				if !slices.Contains(errorHelpers, fn) {
					return true
				}
				c := errorCall{pos: fset.Position(call.Pos())}
				if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					c.format, _ = strconv.Unquote(lit.Value)
					c.literal = true
				}
				calls = append(calls, c)
				return true
			})
		}
	}
	return calls
}

// TestErrorFormatsTranslated fails on a call to an error helper whose format
// is not a string literal, has no Chinese translation, or whose translation
// takes other arguments; and on a translation no call uses.
func TestErrorFormatsTranslated(t *testing.T) {
	calls := errorCalls(t)
	if len(calls) < 100 {
		t.Fatalf("found only %d calls to the error helpers; is the search broken?", len(calls))
	}
	used := map[string]bool{}
	for _, c := range calls {
		file, err := filepath.Rel("..", c.pos.Filename)
		if err != nil {
			file = c.pos.Filename
		}
		pos := fmt.Sprintf("%s:%d", filepath.ToSlash(file), c.pos.Line)
		if !c.literal {
			t.Errorf("%s: the format is not a string literal; write it out, so that it can be translated", pos)
			continue
		}
		used[c.format] = true
		zh, ok := ErrorFormat(c.format)
		if !ok {
			t.Errorf("%s: %q has no Chinese translation in assets/i18n_errors.go", pos, c.format)
			continue
		}
		en, err := formatArgs(c.format)
		if err != nil {
			t.Errorf("%s: %q: %v", pos, c.format, err)
			continue
		}
		got, err := formatArgs(zh)
		if err != nil {
			t.Errorf("%s: the translation %q: %v", pos, zh, err)
			continue
		}
		if !slices.Equal(en, got) {
			t.Errorf("%s: %q takes %v, but its translation %q takes %v", pos, c.format, en, zh, got)
		}
	}
	for en, zh := range errorsZH {
		if !used[en] {
			t.Errorf("assets/i18n_errors.go: %q is used by no call; remove it", en)
		}
		if hasWords(en) && !strings.ContainsFunc(zh, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("assets/i18n_errors.go: the translation of %q is %q, which is not Chinese", en, zh)
		}
	}
}

// formatArgs lists how a format uses its arguments: one "argument:verb"
// entry per verb ("1:s", "2:d"), sorted, so a translation that reorders the
// arguments with explicit indexes (%[2]s) compares equal to the original.
// A '*' width or precision counts as a use of its argument.
func formatArgs(format string) ([]string, error) {
	var uses []string
	arg := 1
	i := 0
	// index reads an explicit argument index [n] at i, if there is one.
	index := func() error {
		if i >= len(format) || format[i] != '[' {
			return nil
		}
		end := strings.IndexByte(format[i:], ']')
		if end < 0 {
			return fmt.Errorf("unclosed [ at byte %d", i)
		}
		n, err := strconv.Atoi(format[i+1 : i+end])
		if err != nil || n < 1 {
			return fmt.Errorf("bad argument index %q", format[i:i+end+1])
		}
		arg = n
		i += end + 1
		return nil
	}
	// star reads a '*' width or precision, or digits.
	star := func() {
		if i < len(format) && format[i] == '*' {
			uses = append(uses, fmt.Sprintf("%d:*", arg))
			arg++
			i++
			return
		}
		for i < len(format) && format[i] >= '0' && format[i] <= '9' {
			i++
		}
	}
	for i < len(format) {
		if format[i] != '%' {
			i++
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0", format[i]) >= 0 {
			i++
		}
		if err := index(); err != nil {
			return nil, err
		}
		star()
		if i < len(format) && format[i] == '.' {
			i++
			if err := index(); err != nil {
				return nil, err
			}
			star()
		}
		if err := index(); err != nil {
			return nil, err
		}
		if i >= len(format) {
			return nil, fmt.Errorf("ends inside a verb")
		}
		if format[i] == '%' {
			i++
			continue
		}
		verb := format[i]
		if !unicode.IsLetter(rune(verb)) {
			return nil, fmt.Errorf("bad verb %%%c", verb)
		}
		uses = append(uses, fmt.Sprintf("%d:%c", arg, verb))
		arg++
		i++
	}
	slices.Sort(uses)
	return uses, nil
}

// hasWords reports whether a format holds letters besides its verbs, so
// that its translation must hold Chinese ("%s" alone needs none).
func hasWords(format string) bool {
	for i := 0; i < len(format); i++ {
		if format[i] == '%' {
			i++ // skip the verb letter (the formats here take no flags)
			continue
		}
		if unicode.IsLetter(rune(format[i])) {
			return true
		}
	}
	return false
}

func TestFormatArgs(t *testing.T) {
	for _, tt := range []struct {
		format string
		want   string
		bad    bool
	}{
		{"no verbs, 100%% sure", "", false},
		{"%s is %d", "1:s 2:d", false},
		{"%[2]d 是 %[1]s", "1:s 2:d", false},
		{"%[2]s then %s", "2:s 3:s", false},
		{"0x%02X and %-8q and %.1f", "1:X 2:q 3:f", false},
		{"%*d", "1:* 2:d", false},
		{"%[x]s", "", true},
		{"trailing %", "", true},
	} {
		got, err := formatArgs(tt.format)
		if (err != nil) != tt.bad {
			t.Errorf("formatArgs(%q): error %v, want error %v", tt.format, err, tt.bad)
			continue
		}
		if !tt.bad && strings.Join(got, " ") != tt.want {
			t.Errorf("formatArgs(%q) = %q, want %q", tt.format, got, tt.want)
		}
	}
	// A swapped pair of verbs is a different use of the arguments.
	a, _ := formatArgs("%s has %d")
	b, _ := formatArgs("%d 有 %s")
	if slices.Equal(a, b) {
		t.Errorf("formatArgs does not tell %%s/%%d from %%d/%%s")
	}
}

// TestErrorWordsChinese: every word model.Word may stand for has a Chinese
// form.
func TestErrorWordsChinese(t *testing.T) {
	for en, zh := range errorWordsZH {
		if zh == "" || !strings.ContainsFunc(zh, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("ErrorWord(%q) = %q, which is not Chinese", en, zh)
		}
	}
}
