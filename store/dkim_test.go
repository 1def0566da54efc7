package store_test

import (
	"bytes"
	"errors"
	"testing"

	"postroom/model"
	"postroom/store"
)

// TestDKIMKeys: an admin makes, replaces and removes a domain's key; a
// helpdesk member may not; the operation log never holds the private key.
func TestDKIMKeys(t *testing.T) {
	f := newCompany(t)
	f.addMember("hd@example.com", "客服")
	helpdesk := f.grant("hd@example.com", model.RoleHelpdesk, "")
	if err := f.s.Apply(helpdesk, &model.EnableDKIM{Domain: "example.com"}); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("helpdesk enabling DKIM: %v, want forbidden", err)
	}
	if err := f.s.Apply(f.admin, &model.EnableDKIM{Domain: "elsewhere.example"}); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("a domain not ours: %v, want not found", err)
	}
	f.apply(f.admin, &model.EnableDKIM{Domain: "example.com", Selector: "first"})
	key := func() *model.DKIMKey {
		var k *model.DKIMKey
		if err := f.s.Read(func(r *store.Reader) error { var err error; k, err = r.DKIMKey("example.com"); return err }); err != nil {
			t.Fatal(err)
		}
		return k
	}
	first := key()
	if first == nil || first.Selector != "first" || len(first.Key) == 0 || !first.Created.Equal(epoch) {
		t.Fatalf("stored key %+v", first.Redacted())
	}
	f.apply(f.admin, &model.EnableDKIM{Domain: "example.com"})
	second := key()
	if second.Selector != model.DefaultSelector(epoch) || bytes.Equal(second.Key, first.Key) {
		t.Errorf("after a rotation: selector %q, same key %v", second.Selector, bytes.Equal(second.Key, first.Key))
	}
	f.apply(f.admin, &model.DisableDKIM{Domain: "example.com"})
	if k := key(); k != nil {
		t.Errorf("after disable: %+v", k.Redacted())
	}
	if err := f.s.Apply(f.admin, &model.DisableDKIM{Domain: "example.com"}); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("disable twice: %v, want not found", err)
	}

	var ops []store.OpRecord
	f.s.Read(func(r *store.Reader) error {
		var err error
		ops, err = r.OpLog(store.OpFilter{Op: "dkim."})
		return err
	})
	if len(ops) != 3 {
		t.Fatalf("%d dkim records in the operation log, want 3", len(ops))
	}
	for _, op := range ops {
		for _, d := range op.Changes {
			for _, js := range [][]byte{d.Before, d.After} {
				if bytes.Contains(js, []byte(`"key":"`)) || bytes.Contains(js, []byte("MII")) {
					t.Errorf("%s: the operation log holds a private key: %s", op.Op, js)
				}
			}
		}
	}
}
