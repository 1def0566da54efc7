package store

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"
)

// TestOpValueRoundTrip: a record comes back as written, in both encodings,
// and the deflated one is much smaller than the JSON.
func TestOpValueRoundTrip(t *testing.T) {
	body := []byte(`{"seq":3000,"time":"2026-12-03T09:04:56.036630556Z","actor":"admin@corp.example.cn","name":"Administrator","roles":"admin","door":"cli","source":"local","op":"member.add","target":"chendanchun@corp.example.cn","changes":[{"kind":"member","key":"chendanchun@corp.example.cn","before":null,"after":{"address":"chendanchun@corp.example.cn","name":"陈丹春","employee_id":"E121175","depts":[1006],"title":"分析师","position":"staff","mobile":"15374513789","gender":"male","status":"active","password":{},"created":"2026-12-03T09:04:56.036630556Z","updated":"2026-12-03T09:04:56.036630556Z"}}],"prev":"aba051e042104932577b05b01f72bbd8292cc346cbc7c259d1488ee4af1bd43b"}`)
	v := encodeOpValue(body)
	if len(v) > len(body)/2 {
		t.Errorf("a %d-byte record is stored in %d bytes", len(body), len(v))
	}
	want := sha256.Sum256(body)
	for _, stored := range [][]byte{v, append(want[:], body...)} {
		sum, got, err := decodeOpValue(stored)
		if err != nil || !bytes.Equal(got, body) || !bytes.Equal(sum, want[:]) {
			t.Fatalf("decode: %v, %q", err, got)
		}
	}
	for _, bad := range [][]byte{nil, want[:], append(want[:], 0x7f, 1, 2)} {
		if _, _, err := decodeOpValue(bad); err == nil {
			t.Errorf("decoded %x", bad)
		}
	}
}

// FuzzDecodeOpValue: whatever bytes a damaged or altered file holds,
// decoding returns an error or the JSON, never panics; what is encoded
// decodes to itself.
func FuzzDecodeOpValue(f *testing.F) {
	f.Add([]byte(`{"seq":1,"op":"org.init"}`))
	f.Add(encodeOpValue([]byte(`{"seq":2,"op":"member.add"}`)))
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeOpValue(b)
		v := encodeOpValue(b)
		if _, got, err := decodeOpValue(v); len(b) > 0 && (err != nil || !bytes.Equal(got, b)) {
			t.Fatalf("round trip of %q: %v, %q", b, err, got)
		}
	})
}

// TestChainFields: seq and prev are read where appendOp writes them, and
// any other shape of record is parsed in full, with the same answer.
func TestChainFields(t *testing.T) {
	prev := strings.Repeat("ab", 32)
	tests := []struct {
		name string
		body string
		want chainLink
		bad  bool
	}{
		{"as written", `{"seq":42,"op":"member.add","prev":"` + prev + `"}`, chainLink{42, prev}, false},
		{"keys in another order", `{"prev":"` + prev + `","seq":7}`, chainLink{7, prev}, false},
		{"seq twice: the last counts, as for every reader", `{"seq":1,"x":{"seq":2},"seq":3,"prev":"` + prev + `"}`, chainLink{3, prev}, false},
		{"a short prev", `{"seq":5,"op":"member.add","op2":"` + prev + `","prev":"ab"}`, chainLink{5, "ab"}, false},
		{"seq too large for the fast read", `{"seq":123456789012345678901,"op":"x","prev":"` + prev + `"}`, chainLink{}, true},
		{"not JSON", `{"seq":5,` + prev + prev, chainLink{}, true},
	}
	for _, tt := range tests {
		got, err := chainFields([]byte(tt.body))
		if (err != nil) != tt.bad || (!tt.bad && got != tt.want) {
			t.Errorf("%s: %+v, %v; want %+v (error %v)", tt.name, got, err, tt.want, tt.bad)
		}
	}
}
