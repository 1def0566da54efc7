package mail

import (
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"postroom/model"
	"postroom/store"
)

// TestDKIMSignsMailLeavingTheCompany: with a key for example.com, a
// message from it to another domain arrives signed, and the signature
// checks out against the record `dkim enable` prints; the copy for a
// local mailbox and mail from a domain without a key go unchanged.
func TestDKIMSignsMailLeavingTheCompany(t *testing.T) {
	ts := newTestServer(t, nil) // for its directory (example.com), not run
	admin := model.System(model.DoorCLI)
	if err := ts.store.Apply(admin, &model.EnableDKIM{Domain: "example.com", Selector: "pr1"}); err != nil {
		t.Fatal(err)
	}
	var key *model.DKIMKey
	ts.store.Read(func(r *store.Reader) error { var err error; key, err = r.DKIMKey("example.com"); return err })
	txt, err := key.Record()
	if err != nil {
		t.Fatal(err)
	}

	hop := newFakeHop(t, fakeHopOptions{})
	r := newDeliveryRig(t, func(c *DeliveryConfig) {
		c.Smarthost = NextHop{Addr: hop.addr}
		c.Sign = NewDKIMSigner(ts.store, t.Logf).Sign
	})
	r.start()
	signedMail := strings.ReplaceAll(sampleMail, "zhangsan@corp.example", "zhangsan@example.com")
	m := r.enqueue(&store.QueueMessage{From: "zhangsan@example.com"}, signedMail, remote("x@ext.example"), local("li@corp.example"))
	r.waitStatus(m.ID, store.MsgDone)
	plain := r.enqueue(&store.QueueMessage{From: "li@other.example"}, sampleMail, remote("y@ext.example"))
	r.waitStatus(plain.ID, store.MsgDone)

	got := hop.received()
	if len(got) != 2 {
		t.Fatalf("the hop got %d messages", len(got))
	}
	verifications, err := dkim.VerifyWithOptions(strings.NewReader(got[0].body), &dkim.VerifyOptions{
		LookupTXT: func(name string) ([]string, error) {
			if name != "pr1._domainkey.example.com" {
				t.Errorf("looked up %s", name)
			}
			return []string{txt}, nil
		},
	})
	if err != nil || len(verifications) != 1 || verifications[0].Err != nil || verifications[0].Domain != "example.com" {
		t.Fatalf("signature: %v %+v\n%s", err, verifications, got[0].body)
	}
	if strings.Contains(got[1].body, "DKIM-Signature") {
		t.Errorf("mail from a domain without a key was signed:\n%s", got[1].body)
	}
	if box := r.mailbox("li@corp.example", ""); len(box) != 1 || strings.Contains(box[0], "DKIM-Signature") {
		t.Errorf("the local copy: %q", box)
	}
}
