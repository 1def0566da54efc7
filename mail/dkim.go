package mail

import (
	"bytes"
	"crypto/rsa"
	"sync"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"postroom/model"
	"postroom/store"
)

// dkimHeaders are the header fields a signature covers (RFC 6376 5.4.1).
// A field the message lacks is signed as absent, so it cannot be added
// on the way.
var dkimHeaders = []string{"From", "Reply-To", "Subject", "Date", "To", "Cc", "Message-ID",
	"In-Reply-To", "References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
	"List-Unsubscribe", "List-Unsubscribe-Post"}

// DKIMSigner signs outgoing mail with the DKIM key of its From domain
// (MAILFX-5), when `dkim enable` made one. Mail from other domains, and
// all mail while no key is set, goes unchanged.
type DKIMSigner struct {
	store *store.Store
	logf  func(format string, args ...any)

	mu     sync.Mutex
	parsed map[string]parsedKey // by domain
}

// parsedKey is a key as last read, parsed once.
type parsedKey struct {
	selector string
	created  time.Time
	key      *rsa.PrivateKey
}

// NewDKIMSigner reads the keys from st; logf reports a key that cannot be
// used (the mail then goes unsigned).
func NewDKIMSigner(st *store.Store, logf func(format string, args ...any)) *DKIMSigner {
	return &DKIMSigner{store: st, logf: logf, parsed: map[string]parsedKey{}}
}

// Sign returns body with a DKIM-Signature header first, or body itself
// when its From domain has no key.
func (s *DKIMSigner) Sign(body []byte) []byte {
	any := false
	s.store.Read(func(rd *store.Reader) error { any = rd.HasDKIMKeys(); return nil })
	if !any {
		return body
	}
	hdr, err := ParseHeader(body)
	if err != nil || hdr.From == "" {
		return body
	}
	domain := hdr.From.Domain()
	var k *model.DKIMKey
	s.store.Read(func(rd *store.Reader) error {
		k, err = rd.DKIMKey(domain)
		return err
	})
	if err != nil || k == nil {
		return body
	}
	s.mu.Lock()
	p, ok := s.parsed[domain]
	s.mu.Unlock()
	if !ok || p.selector != k.Selector || !p.created.Equal(k.Created) {
		rk, err := k.Signer()
		if err != nil {
			s.logf("dkim: %v; mail from %s goes unsigned", err, domain)
			return body
		}
		p = parsedKey{selector: k.Selector, created: k.Created, key: rk}
		s.mu.Lock()
		s.parsed[domain] = p
		s.mu.Unlock()
	}
	var out bytes.Buffer
	out.Grow(len(body) + 600)
	err = dkim.Sign(&out, bytes.NewReader(body), &dkim.SignOptions{
		Domain: domain, Selector: p.selector, Signer: p.key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: dkimHeaders,
	})
	if err != nil {
		s.logf("dkim: sign mail from %s: %v; it goes unsigned", domain, err)
		return body
	}
	return out.Bytes()
}
