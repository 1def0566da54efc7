package assets

import (
	"reflect"
	"strings"
	"testing"
)

// TestCatalogsComplete fails on any empty string in any catalogue, and on a
// format string whose verbs differ between languages.
func TestCatalogsComplete(t *testing.T) {
	zh, en := Text("zh-CN"), Text("en")
	var walk func(path string, a, b reflect.Value)
	walk = func(path string, a, b reflect.Value) {
		switch a.Kind() {
		case reflect.Struct:
			for i := range a.NumField() {
				walk(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i))
			}
		case reflect.String:
			if a.String() == "" {
				t.Errorf("zh-CN%s is empty", path)
			}
			if b.String() == "" {
				t.Errorf("en%s is empty", path)
			}
			if verbs(a.String()) != verbs(b.String()) {
				t.Errorf("%s: zh-CN %q and en %q take different arguments", path, a.String(), b.String())
			}
		}
	}
	walk("", reflect.ValueOf(zh), reflect.ValueOf(en))
}

func verbs(s string) string {
	var out []string
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '%' {
			if s[i+1] == '%' {
				i++
				continue
			}
			out = append(out, string(s[i+1]))
		}
	}
	return strings.Join(out, "")
}

func TestLangFromEnv(t *testing.T) {
	for _, tt := range []struct {
		env  []string
		want string
	}{
		{[]string{"LANG=zh_CN.UTF-8"}, "zh-CN"},
		{[]string{"LANG=en_US.UTF-8"}, "en"},
		{[]string{"LANG=C.UTF-8"}, ""},
		{[]string{"LANG=en_US.UTF-8", "LC_ALL=zh_CN.UTF-8"}, "zh-CN"},
		{nil, ""},
	} {
		if got := LangFromEnv(tt.env); got != tt.want {
			t.Errorf("LangFromEnv(%q) = %q, want %q", tt.env, got, tt.want)
		}
	}
}
