package store

import (
	"testing"
	"time"

	"postroom/model"
)

// FuzzLastUse: a lastuse value of any bytes decodes without panicking, and
// an entry encodes and decodes to itself.
func FuzzLastUse(f *testing.F) {
	f.Add([]byte{}, int64(0), int64(0), "active", uint64(1), "王伟")
	f.Add(make([]byte, 16), int64(1764000000000000000), int64(1), "locked", uint64(42), "")
	f.Fuzz(func(t *testing.T, raw []byte, login, since int64, status string, dept uint64, name string) {
		decodeLastUse(raw)
		if len(status) > 255 || login <= 0 || since <= 0 {
			return
		}
		l := lastUse{Login: time.Unix(0, login).UTC(), Since: time.Unix(0, since).UTC(), Status: model.Status(status), Dept: model.DeptID(dept), Name: name}
		if got := decodeLastUse(l.encode()); got != l {
			t.Fatalf("%+v came back as %+v", l, got)
		}
	})
}
