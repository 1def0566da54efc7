//go:build bench

package mail

import (
	"strings"
	"testing"

	"postroom/model"
)

// BenchmarkDKIMSignListCopy is the signing cost of one copy of a list post
// (a 3.6 KB body, the company's RSA-2048 key): each copy is signed on its
// own since the signature covers its own List-Unsubscribe.
//
//	go test -tags bench -run '^$' -bench DKIMSignListCopy ./mail/
func BenchmarkDKIMSignListCopy(b *testing.B) {
	ts := newTestServer(b, nil)
	if err := ts.store.Apply(model.System(model.DoorCLI), &model.EnableDKIM{Domain: "example.com", Selector: "pr1"}); err != nil {
		b.Fatal(err)
	}
	sign := NewDKIMSigner(ts.store, b.Logf).Sign
	body := []byte(message("wangwei@example.com", "news@example.com", "产品通讯", strings.Repeat("本月新品：全系列产品八折优惠，欢迎垂询。\r\n", 60)))
	_, copyBody := listCopy("news@example.com", strings.Repeat("ab", 16), body)
	b.ResetTimer()
	for b.Loop() {
		if out := sign(copyBody); len(out) == len(copyBody) {
			b.Fatal("not signed")
		}
	}
}
