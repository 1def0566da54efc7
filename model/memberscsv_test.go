package model

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const testLimit = 1 << 20

// readCSV reads text as a member CSV and fails the test on a whole-file error.
func readCSV(t *testing.T, text string) *MembersCSV {
	t.Helper()
	m, err := ReadMembersCSV(strings.NewReader(text), testLimit)
	if err != nil {
		t.Fatalf("ReadMembersCSV: %v", err)
	}
	return m
}

func TestMemberColumns(t *testing.T) {
	var keys []string
	for _, c := range MemberColumns() {
		keys = append(keys, c.Key)
		if c.Required != (c.Key == "address" || c.Key == "name") {
			t.Errorf("column %s: Required = %v", c.Key, c.Required)
		}
	}
	want := []string{"address", "name", "department", "title", "position", "employee_id", "mobile", "phone", "gender", "birthday"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("MemberColumns keys = %v, want %v", keys, want)
	}
	MemberColumns()[0].Key = "changed"
	if MemberColumns()[0].Key != "address" {
		t.Error("MemberColumns returns a shared slice")
	}
}

func TestReadMembersCSVChineseExcel(t *testing.T) {
	text := "\ufeff邮箱,姓名,部门,职务,岗位类别,工号,手机,电话,性别,生日\r\n" +
		"ZhangSan@Example.com, 张三 ,销售部/华北大区;/,经理,大区总监,E001,'+8613800138000,010-12345678,男,1990/1/2\r\n" +
		"\r\n" +
		",,,,,,,,,\r\n" +
		"ｌｉｓｉ＠ｅｘａｍｐｌｅ．ｃｏｍ,李四,/研发部/,,,,,,F,1985年12月3日\r\n" +
		"wangwu@example.com,'=王五,,,staff,,,,,\r\n"
	m := readCSV(t, text)
	if m.Encoding != EncodingUTF8BOM {
		t.Errorf("Encoding = %q, want %q", m.Encoding, EncodingUTF8BOM)
	}
	if len(m.Errors) > 0 {
		t.Fatalf("Errors = %v", m.Errors)
	}
	want := []MemberRow{
		{Line: 2, Address: "zhangsan@example.com", Name: "张三", Departments: []string{"销售部/华北大区", "/"}, Title: "经理",
			Position: PositionRegionalDirector, EmployeeID: "E001", Mobile: "+8613800138000", Phone: "010-12345678", Gender: "male", Birthday: "1990-01-02"},
		{Line: 5, Address: "lisi@example.com", Name: "李四", Departments: []string{"研发部"}, Position: PositionStaff, Gender: "female", Birthday: "1985-12-03"},
		{Line: 6, Address: "wangwu@example.com", Name: "=王五", Position: PositionStaff},
	}
	if !reflect.DeepEqual(m.Rows, want) {
		t.Errorf("Rows =\n%+v\nwant\n%+v", m.Rows, want)
	}
	wantCols := []string{"address", "name", "department", "title", "position", "employee_id", "mobile", "phone", "gender", "birthday"}
	if !reflect.DeepEqual(m.Columns, wantCols) {
		t.Errorf("Columns = %v", m.Columns)
	}
}

func TestReadMembersCSVHeaderNames(t *testing.T) {
	tests := []struct {
		header string
		want   []string
	}{
		{"address,name", []string{"address", "name"}},
		{" ADDRESS , Name ", []string{"address", "name"}},
		{"Email,姓名,Employee ID,Employee-ID2", nil},
		{"邮箱地址,姓名,Employee ID", []string{"address", "name", "employee_id"}},
		{"name,email,部门,,", []string{"name", "address", "department"}},
	}
	for _, tt := range tests {
		m, err := ReadMembersCSV(strings.NewReader(tt.header+"\n"), testLimit)
		if tt.want == nil {
			if err == nil {
				t.Errorf("header %q: accepted, want an error", tt.header)
			}
			continue
		}
		if err != nil {
			t.Errorf("header %q: %v", tt.header, err)
			continue
		}
		if !reflect.DeepEqual(m.Columns, tt.want) {
			t.Errorf("header %q: Columns = %v, want %v", tt.header, m.Columns, tt.want)
		}
		if len(m.Rows) != 0 || len(m.Errors) != 0 {
			t.Errorf("header %q alone gives rows %v, errors %v", tt.header, m.Rows, m.Errors)
		}
	}
}

func TestReadMembersCSVGB18030(t *testing.T) {
	text := "邮箱,姓名,部门,性别\r\nzhangsan@example.com,张三,销售部/华北大区,女\r\nlisi@example.com,李四,研发部;销售部,男\r\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(gb, "张三") {
		t.Fatal("the encoder did not change the text")
	}
	m := readCSV(t, gb)
	if m.Encoding != EncodingGB18030 {
		t.Errorf("Encoding = %q, want %q", m.Encoding, EncodingGB18030)
	}
	want := readCSV(t, text)
	if want.Encoding != EncodingUTF8 {
		t.Errorf("Encoding of the UTF-8 text = %q", want.Encoding)
	}
	if len(m.Errors) > 0 || !reflect.DeepEqual(m.Rows, want.Rows) {
		t.Errorf("GB18030 rows = %+v, errors %v; want %+v", m.Rows, m.Errors, want.Rows)
	}
}

func TestReadMembersCSVFileErrors(t *testing.T) {
	gb := func(s string) string {
		out, err := simplifiedchinese.GB18030.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	tests := []struct {
		name  string
		input string
		want  []string // parts of the message
	}{
		{"empty", "", []string{"the file is empty", "address,name"}},
		{"only blank", "\r\n\r\n  \n", []string{"the file is empty"}},
		{"BOM only", "\ufeff", []string{"the file is empty"}},
		{"missing address", "姓名,部门\nx,y\n", []string{"required column address (邮箱) is missing", `holds "姓名", "部门"`, "address/邮箱/邮箱地址/email"}},
		{"missing both", "部门\n", []string{"address (邮箱) is missing", "name (姓名) is missing"}},
		{"unknown column", "address,name,nickname,备注\n", []string{`unknown columns "nickname", "备注"`, "accepted columns: address/邮箱"}},
		{"semicolons", "address;name\n", []string{`unknown columns "address;name"`, "separated by commas"}},
		{"twice", "address,name,邮箱\n", []string{"names the column address twice (columns 1 and 3)"}},
		{"empty header cell", "address,,name\n", []string{"column 2 of the header row (line 1) has no name"}},
		{"no header", "zhangsan@example.com,张三\n", []string{"line 1 looks like a member", "address,name"}},
		{"bad header quote", "address,na\"me\n", []string{"header row cannot be read"}},
		{"NUL", "address,name\nx\x00y@example.com,z\n", []string{"not a CSV text file", "line 2", "0x00", "UTF-8", "GB18030"}},
		{"UTF-16", "\xff\xfea\x00d\x00", []string{"UTF-16"}},
		{"bare CR", "address,name\rx@example.com,x\r", []string{"bare CR"}},
		{"neither", "address,name\nx@example.com,\xff\xff\xff\n", []string{"line 2 is neither UTF-8 nor GB18030", "CSV UTF-8"}},
		{"mixed", "address,name\n" + gb("a@example.com,张三\n") + "b@example.com,李四\n", []string{"mixes encodings", "line 2 is GB18030", "line 3 is UTF-8"}},
		{"mixed, UTF-8 first", "address,name\nb@example.com,李四\n" + gb("a@example.com,张三\n"), []string{"mixes encodings", "line 3 is GB18030", "line 2 is UTF-8"}},
		{"BOM then GB", "\ufeffaddress,name\nb@example.com,李四\n" + gb("a@example.com,张三\n"), []string{"line 3 is not UTF-8", "mixes encodings"}},
	}
	for _, tt := range tests {
		m, err := ReadMembersCSV(strings.NewReader(tt.input), testLimit)
		if err == nil {
			t.Errorf("%s: no error; rows %v, errors %v", tt.name, m.Rows, m.Errors)
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v is not ErrInvalid", tt.name, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", tt.name, err, w)
			}
		}
	}
}

func TestReadMembersCSVLimit(t *testing.T) {
	text := "address,name\nzhangsan@example.com,张三\n"
	if _, err := ReadMembersCSV(strings.NewReader(text), int64(len(text))); err != nil {
		t.Errorf("a file of exactly the limit: %v", err)
	}
	_, err := ReadMembersCSV(strings.NewReader(text), int64(len(text)-1))
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), fmt.Sprintf("larger than the limit of %d bytes", len(text)-1)) {
		t.Errorf("a file over the limit: %v", err)
	}
	_, err = ReadMembersCSV(strings.NewReader(strings.Repeat("x", 3<<20)), 2<<20)
	if err == nil || !strings.Contains(err.Error(), "2.0 MB (2097152 bytes)") {
		t.Errorf("a file over 2 MB: %v", err)
	}
}

func TestReadMembersCSVGarbageIsQuick(t *testing.T) {
	garbage := make([]byte, 10<<20)
	rand.New(rand.NewSource(1)).Read(garbage)
	high := make([]byte, 10<<20) // no control bytes, still not text
	for i := range high {
		high[i] = 0x80 | garbage[i]
	}
	for _, tt := range []struct {
		name  string
		data  []byte
		limit int64
		want  string
	}{
		{"over the limit", garbage, 1 << 20, "larger than the limit"},
		{"binary", garbage, 20 << 20, "not a CSV text file"},
		{"high bytes", high, 20 << 20, "neither UTF-8 nor GB18030"},
	} {
		start := time.Now()
		_, err := ReadMembersCSV(bytes.NewReader(tt.data), tt.limit)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: took %v", tt.name, d)
		}
	}
}

func TestReadMembersCSVRowErrors(t *testing.T) {
	deep := strings.TrimSuffix(strings.Repeat("部/", 11), "/")
	ten := strings.TrimSuffix(strings.Repeat("部/", 10), "/")
	text := strings.Join([]string{
		"address,name,department,position,employee_id,mobile,gender,birthday", // 1
		"zhang san@example.com,张三,,,,,,",                                      // 2 bad address
		"a@example.com,,,,,,,",                                                // 3 empty name
		"b@example.com," + strings.Repeat("名", 65) + ",,,,,,",                 // 4 long name
		"c@example.com,C,,boss,,,,",                                           // 5 position
		"d@example.com,D,,,,,unknown,",                                        // 6 gender
		"e@example.com,E,,,,,,1990-02-30",                                     // 7 birthday not real
		"f@example.com,F,,,,,,yesterday",                                      // 8 birthday form
		"A@example.com,A2,,,,,,",                                              // 9 duplicate of line 3
		"g@example.com,G,,,E1,,,",                                             // 10
		"h@example.com,H,,,E1,,,",                                             // 11 duplicate id
		"i@example.com,I,,,",                                                  // 12 too few cells
		"j@example.com,J,,,,,,,extra",                                         // 13 too many cells
		"k@example.com,K,销售部//华北,,,,,",                                        // 14 empty level
		"l@example.com,L," + deep + ",,,,,",                                   // 15 eleven levels
		"m@example.com,M," + ten + ";/;,,,,,",                                 // 16 fine
		"n@example.com,N,,,,1.38001E+10,,",                                    // 17 scientific
		"o@example.com,\"O\nO\",,,,,,",                                        // 18-19 line break in a cell
		"p@example.com,P\"P,,,,,,",                                            // 20 bare quote
		"",                                                                    // 21 blank
		"q@example.com,Q,,Staff,,,m,1990.1.2",                                 // 22 fine
		"r@example.com,,,,,,x,",                                               // 23 two problems
	}, "\r\n")
	m := readCSV(t, text)

	type where struct {
		line   int
		column string
	}
	want := []struct {
		where
		reason string
	}{
		{where{2, "address"}, "spaces are not allowed"},
		{where{3, "name"}, "the name is empty"},
		{where{4, "name"}, "65 characters; use at most 64"},
		{where{5, "position"}, "unknown position class"},
		{where{6, "gender"}, "write male or female"},
		{where{7, "birthday"}, "not a real date"},
		{where{8, "birthday"}, "YYYY-MM-DD"},
		{where{9, "address"}, "already stands on line 3"},
		{where{11, "employee_id"}, "already stands on line 10"},
		{where{12, ""}, "the row has 5 cells but the header row has 8 columns"},
		{where{13, ""}, "the row has 9 cells"},
		{where{14, "department"}, "empty level between slashes"},
		{where{15, "department"}, "11 levels; at most 10"},
		{where{17, "mobile"}, "scientific notation"},
		{where{18, "name"}, "runs over several lines"},
		{where{20, ""}, "quote"},
		{where{23, "name"}, "the name is empty"},
		{where{23, "gender"}, "write male or female"},
	}
	if len(m.Errors) != len(want) {
		for _, e := range m.Errors {
			t.Log(e)
		}
		t.Fatalf("got %d errors, want %d", len(m.Errors), len(want))
	}
	for i, w := range want {
		e := m.Errors[i]
		if (where{e.Line, e.Column}) != w.where || !strings.Contains(e.Reason, w.reason) {
			t.Errorf("error %d = %s; want line %d, column %q, reason with %q", i, e, w.line, w.column, w.reason)
		}
	}
	var good []string
	for _, r := range m.Rows {
		good = append(good, r.Address.String())
	}
	if want := []string{"g@example.com", "m@example.com", "q@example.com"}; !reflect.DeepEqual(good, want) {
		t.Errorf("accepted rows %v, want %v", good, want)
	}
	for _, r := range m.Rows {
		switch r.Address {
		case "m@example.com":
			if !reflect.DeepEqual(r.Departments, []string{ten, "/"}) {
				t.Errorf("departments of m: %q", r.Departments)
			}
		case "q@example.com":
			if r.Position != PositionStaff || r.Gender != "male" || r.Birthday != "1990-01-02" || r.Line != 22 {
				t.Errorf("row q: %+v", r)
			}
		}
	}
	if s := m.Errors[0].String(); !strings.HasPrefix(s, `line 2, address "zhang san@example.com": the address is not valid: spaces are not allowed`) {
		t.Errorf("RowError.String() = %q", s)
	}
}

func TestParseBirthday(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"1990-01-02", "1990-01-02"},
		{"1990-1-2", "1990-01-02"},
		{"1990/1/2", "1990-01-02"},
		{"1990/12/31", "1990-12-31"},
		{"1990.1.2", "1990-01-02"},
		{"1990年1月2日", "1990-01-02"},
		{"2000-02-29", "2000-02-29"},
		{"1900-02-29", "!"},
		{"1990-13-01", "!"},
		{"1990-00-01", "!"},
		{"90-1-2", "!"},
		{"1990-1-2-3", "!"},
		{"1990-+1-2", "!"},
		{"1990-001-2", "!"},
		{"1899-12-31", "!"},
		{"32875", "!"},
	}
	for _, tt := range tests {
		got, err := parseBirthday(tt.in)
		if tt.want == "!" {
			if err == nil {
				t.Errorf("parseBirthday(%q) = %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseBirthday(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseGender(t *testing.T) {
	for in, want := range map[string]string{"男": "male", "女": "female", "M": "male", "f": "female", "Male": "male", "FEMALE": "female", "x": "", "": ""} {
		if got := parseGender(in); got != want {
			t.Errorf("parseGender(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteMembersCSV(t *testing.T) {
	rows := []MemberRow{
		{Address: "zhangsan@example.com", Name: "张三", Departments: []string{"销售部/华北大区", "/"}, Title: "经理, 华北",
			Position: PositionRegionalDirector, EmployeeID: "E001", Mobile: "+8613800138000", Gender: "male", Birthday: "1990-01-02"},
		{Address: "lisi@example.com", Name: "=HYPERLINK(\"x\")", Title: "@boss", Phone: "-1", Position: PositionStaff, Gender: "female"},
	}
	var en bytes.Buffer
	if err := WriteMembersCSV(&en, rows, false); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffaddress,name,department,title,position,employee_id,mobile,phone,gender,birthday\r\n" +
		"zhangsan@example.com,张三,销售部/华北大区;/,\"经理, 华北\",regional-director,E001,'+8613800138000,,male,1990-01-02\r\n" +
		"lisi@example.com,\"'=HYPERLINK(\"\"x\"\")\",,'@boss,staff,,,'-1,female,\r\n"
	if en.String() != want {
		t.Errorf("English export =\n%q\nwant\n%q", en.String(), want)
	}
	var zh bytes.Buffer
	if err := WriteMembersCSV(&zh, rows, true); err != nil {
		t.Fatal(err)
	}
	want = "\ufeff邮箱,姓名,部门,职务,岗位类别,工号,手机,电话,性别,生日\r\n" +
		"zhangsan@example.com,张三,销售部/华北大区;/,\"经理, 华北\",大区总监,E001,'+8613800138000,,男,1990-01-02\r\n" +
		"lisi@example.com,\"'=HYPERLINK(\"\"x\"\")\",,'@boss,员工,,,'-1,女,\r\n"
	if zh.String() != want {
		t.Errorf("Chinese export =\n%q\nwant\n%q", zh.String(), want)
	}
}

func TestMembersCSVRoundTrip(t *testing.T) {
	rows := []MemberRow{
		{Address: "zhangsan@example.com", Name: "张三", Departments: []string{"销售部/华北大区", "/"}, Title: "经理, \"华北\"",
			Position: PositionRegionalDirector, EmployeeID: "E001", Mobile: "+8613800138000", Phone: "010-1234", Gender: "male", Birthday: "1990-01-02"},
		{Address: "lisi@example.com", Name: "=1+1", Title: "'=already escaped", Position: PositionStaff, Gender: "female", EmployeeID: "-7"},
		{Address: "wangwu@example.com", Name: "'Tis", Title: "''@x", Departments: []string{"研发部"}, Position: PositionCEOAssistant, Phone: "@home"},
		{Address: "zhaoliu@example.com", Name: "赵六", Position: PositionDirector, Birthday: "2000-02-29"},
	}
	for _, chinese := range []bool{false, true} {
		var buf bytes.Buffer
		if err := WriteMembersCSV(&buf, rows, chinese); err != nil {
			t.Fatal(err)
		}
		m := readCSV(t, buf.String())
		if len(m.Errors) > 0 {
			t.Fatalf("chinese=%v: errors %v", chinese, m.Errors)
		}
		want := make([]MemberRow, len(rows))
		for i, r := range rows {
			r.Line = i + 2
			want[i] = r
		}
		if !reflect.DeepEqual(m.Rows, want) {
			t.Errorf("chinese=%v: round trip gives\n%+v\nwant\n%+v", chinese, m.Rows, want)
		}
		if m.Encoding != EncodingUTF8BOM {
			t.Errorf("chinese=%v: Encoding = %q", chinese, m.Encoding)
		}
	}
}

func TestFormulaEscape(t *testing.T) {
	for _, v := range []string{"", "a", "=", "'", "''", "'=", "''=x", "+86", "-", "@x", "'Tis", "x=1"} {
		e := escapeFormula(v)
		if got := unescapeFormula(e); got != v {
			t.Errorf("unescapeFormula(escapeFormula(%q)) = %q (escaped %q)", v, got, e)
		}
		if e != "" && strings.ContainsRune("=+-@", rune(e[0])) {
			t.Errorf("escapeFormula(%q) = %q starts a formula", v, e)
		}
	}
}

// TestRowErrorIn: a row's problem reads in the reader's language, with the
// column's Chinese header name; English stays as String gives it.
func TestRowErrorIn(t *testing.T) {
	m, err := ReadMembersCSV(strings.NewReader("address,name,gender,birthday\nzhang@example.com,,x,1990-02-30\n"), testLimit)
	if err != nil {
		t.Fatal(err)
	}
	var zh, en []string
	for _, e := range m.Errors {
		zh, en = append(zh, e.In("zh-CN")), append(en, e.In("en"))
		if e.In("en") != e.String() {
			t.Errorf("In(en) %q, String %q", e.In("en"), e.String())
		}
	}
	want := []string{`第 2 行，姓名 ""：姓名为空：请填写成员姓名`, `第 2 行，性别 "x"：无法识别性别`, `第 2 行，生日 "1990-02-30"：生日不是真实存在的日期`}
	if len(zh) != len(want) {
		t.Fatalf("problems: %q", en)
	}
	for i, w := range want {
		if !strings.HasPrefix(zh[i], w) {
			t.Errorf("in Chinese: %q, want it to start %q", zh[i], w)
		}
	}
}
