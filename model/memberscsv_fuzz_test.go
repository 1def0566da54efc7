package model

import (
	"bytes"
	"reflect"
	"testing"
)

func FuzzReadMembersCSV(f *testing.F) {
	for _, s := range []string{
		"address,name\nzhangsan@example.com,张三\n",
		"\ufeff邮箱,姓名,部门,职务,岗位类别,工号,手机,电话,性别,生日\r\nzhangsan@example.com,张三,销售部/华北大区;/,经理,大区总监,E001,'+86138,010-1,男,1990/1/2\r\n",
		"address,name,department\nA@x.com,\"a\"\"b\",a//b\nA@x.com,b,\n",
		"address,name\n\xd5\xc5\xc8\xfd@x.com,\xd5\xc5\xc8\xfd\n",
		"address,name,gender,birthday\nx@example.com,'=x,f,1990-02-30\n",
		"address;name\n",
		"address,name\nx@example.com,\"unterminated\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadMembersCSV(bytes.NewReader(data), 1<<16)
		if err != nil {
			if !IsUserError(err) {
				t.Fatalf("error %v is not a user error", err)
			}
			return
		}
		for _, r := range m.Rows {
			if a, err := ParseAddress(string(r.Address)); err != nil || a != r.Address {
				t.Fatalf("row %d has address %q, which parses to %q, %v", r.Line, r.Address, a, err)
			}
			if r.Name == "" || r.Line < 2 {
				t.Fatalf("accepted row %+v", r)
			}
		}
		// What was accepted survives a round trip through the writer.
		var buf bytes.Buffer
		if err := WriteMembersCSV(&buf, m.Rows, len(data)%2 == 0); err != nil {
			t.Fatal(err)
		}
		again, err := ReadMembersCSV(&buf, 1<<20)
		if err != nil {
			t.Fatalf("re-reading the export: %v", err)
		}
		if len(again.Errors) > 0 || len(again.Rows) != len(m.Rows) {
			t.Fatalf("re-reading the export: %d rows, errors %v; want %d rows", len(again.Rows), again.Errors, len(m.Rows))
		}
		for i, r := range again.Rows {
			want := m.Rows[i]
			want.Line = i + 2
			if !reflect.DeepEqual(r, want) {
				t.Fatalf("round trip changed row\n%+v\ninto\n%+v", want, r)
			}
		}
	})
}
