package store

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"postroom/model"
)

// fullRequest is a request with every field set, strings given.
func fullRequest(reason, comment, name string) *model.Request {
	at := time.Date(2026, 11, 28, 9, 30, 15, 123456789, time.FixedZone("CST", 8*3600))
	return &model.Request{ID: 42, Kind: model.RequestDelegate, State: model.RequestApplied, Subject: "wangwei@example.com",
		Requester: "hr@example.com", Filed: at, Expires: at.Add(336 * time.Hour), Done: at.Add(time.Hour).UTC(), Reason: reason,
		Urgent: true, Perm: "external", Scope: 5, SubRights: []model.SubRight{model.SubMembers, model.SubGroups}, Perms: []string{"broadcast", "sendas:hr@example.com"}, To: "lisi@example.com",
		From: at.Add(2 * time.Hour), Until: at.Add(48 * time.Hour),
		Join:      &model.JoinForm{Name: name, Dept: 12, Title: "销售经理", Position: "staff", Address: "new@example.com", Start: at},
		Successor: "zhaoliu@example.com", Message: "0102030405060708", WithdrawnBy: "hr@example.com", WithdrawComment: comment,
		Steps: []model.Step{
			{Role: model.StepOfficer, Dept: 7, Approver: "liuyang@example.com", Deputy: "dep@example.com", Verdict: model.VerdictApproved,
				By: "dep@example.com", Time: at, Comment: comment},
			{Role: model.StepUnit, Approver: "unit@example.com"},
			{Role: model.StepIT},
		}}
}

// decodeBoth decodes raw with decodeRequest and with json.Unmarshal.
func decodeBoth(t *testing.T, raw []byte) (fast, slow *model.Request) {
	t.Helper()
	fast, slow = new(model.Request), new(model.Request)
	errFast, errSlow := decodeRequest(raw, fast, &strIntern{}), json.Unmarshal(raw, slow)
	if (errFast == nil) != (errSlow == nil) {
		t.Fatalf("decodeRequest: %v, json.Unmarshal: %v\n%s", errFast, errSlow, raw)
	}
	return fast, slow
}

// TestDecodeRequestAsJSON: decodeRequest gives what json.Unmarshal gives,
// for every field, for escaped and Chinese text, for what encoding/json
// leaves out, and for records it does not know (which it hands over).
func TestDecodeRequestAsJSON(t *testing.T) {
	full, err := json.Marshal(fullRequest("给客户发\"报价单\"\n<合同> & 附件\u2028", "同意\t\\ok", "王伟"))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := json.Marshal(&model.Request{ID: 1, Kind: model.RequestGrant, State: model.RequestPending, Requester: "a@example.com",
		Filed: time.Unix(0, 0).UTC(), Steps: []model.Step{{Role: model.StepIT}}})
	for name, raw := range map[string][]byte{
		"full":          full,
		"plain":         plain,
		"empty steps":   []byte(`{"id":3,"kind":"grant","status":"pending","requester":"a@example.com","filed":"2026-11-28T09:30:00Z","expires":"2026-12-12T09:30:00+08:00","steps":[]}`),
		"null steps":    []byte(`{"id":3,"steps":null,"join":null,"perms":null}`),
		"spaced":        []byte(" {\n \"id\" : 7 , \"urgent\" : false ,\"steps\" : [ { \"role\" : \"it\" } ] }\n"),
		"unknown field": []byte(`{"id":9,"kind":"grant","later":{"a":[1,2]},"steps":[{"role":"it","extra":1}]}`),
		"odd number":    []byte(`{"id":9e0,"steps":[]}`),
		"broken":        []byte(`{"id":9,"steps":[`),
		"trailing":      []byte(`{"id":9} x`),
	} {
		t.Run(name, func(t *testing.T) {
			if name == "full" || name == "plain" || name == "spaced" {
				mustReadFast(t, raw)
			}
			fast, slow := decodeBoth(t, raw)
			if !reflect.DeepEqual(fast, slow) {
				t.Errorf("decodeRequest:\n%+v\njson.Unmarshal:\n%+v", fast, slow)
			}
		})
	}
}

// FuzzDecodeRequest: any request encoding/json writes reads back as
// json.Unmarshal reads it.
func FuzzDecodeRequest(f *testing.F) {
	f.Add("给客户发报价单", "同意", "王伟", uint64(1), int64(0))
	f.Add("\"quoted\" \\ <tag> &", "\x00\x1f\u2028", "\xff\xfe", uint64(1<<63), int64(-62135596800))
	f.Fuzz(func(t *testing.T, reason, comment, name string, id uint64, unix int64) {
		q := fullRequest(reason, comment, name)
		q.ID = id
		q.Filed = time.Unix(unix%(1<<35), 0).UTC()
		raw, err := json.Marshal(q)
		if err != nil {
			t.Skip()
		}
		mustReadFast(t, raw)
		fast, slow := decodeBoth(t, raw)
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("decodeRequest:\n%+v\njson.Unmarshal:\n%+v", fast, slow)
		}
	})
}

// mustReadFast fails when decodeRequest would hand raw to json.Unmarshal:
// what encoding/json writes must take the fast path.
func mustReadFast(t *testing.T, raw []byte) {
	t.Helper()
	d := reqDecoder{b: raw}
	var q model.Request
	if !d.request(&q) {
		t.Errorf("the fast path gave up at byte %d of\n%s", d.i, raw)
	}
}

// BenchmarkDecodeRequest compares the two on a typical pending request.
func BenchmarkDecodeRequest(b *testing.B) {
	q := fullRequest("给客户发报价单和合同", "", "")
	q.Join, q.Perms, q.Steps[0].Verdict, q.Steps[0].By, q.Steps[0].Comment = nil, nil, "", "", ""
	raw, _ := json.Marshal(q)
	b.Run("decodeRequest", func(b *testing.B) {
		var in strIntern
		for b.Loop() {
			var r model.Request
			if err := decodeRequest(raw, &r, &in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Unmarshal", func(b *testing.B) {
		for b.Loop() {
			var r model.Request
			if err := json.Unmarshal(raw, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
