package store_test

import (
	"testing"

	"postroom/model"
	"postroom/store"
)

// TestReadOnlyMailPolicy: the shared policy is the stored one, and a
// change is seen by the next read.
func TestReadOnlyMailPolicy(t *testing.T) {
	st, admin := newTestStore(t)
	read := func() (shared, fresh model.MailPolicy) {
		t.Helper()
		err := st.Read(func(r *store.Reader) error {
			var err error
			if shared, err = r.ReadOnlyMailPolicy(); err != nil {
				return err
			}
			fresh, err = r.MailPolicy()
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return shared, fresh
	}
	shared, fresh := read()
	if shared.Broadcast.Threshold != fresh.Broadcast.Threshold || len(shared.Content) != len(fresh.Content) {
		t.Fatalf("shared policy %+v differs from the stored %+v", shared.Broadcast, fresh.Broadcast)
	}
	again, _ := read()
	if len(again.Content) > 0 && &again.Content[0] != &shared.Content[0] {
		t.Error("a second read of the same version decoded the policy again")
	}
	fresh.Broadcast.Threshold = shared.Broadcast.Threshold + 7
	if err := st.Apply(admin, &model.SetMailPolicy{Policy: fresh}); err != nil {
		t.Fatal(err)
	}
	if after, _ := read(); after.Broadcast.Threshold != fresh.Broadcast.Threshold {
		t.Errorf("after a change the shared threshold is %d, want %d", after.Broadcast.Threshold, fresh.Broadcast.Threshold)
	}
}
