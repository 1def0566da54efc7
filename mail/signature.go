package mail

import (
	"html"
	"strings"
	"sync"
	"unicode"

	"github.com/emersion/go-message/textproto"

	"postroom/model"
	"postroom/store"
)

// SignatureMark is the class of the <div> that holds the enterprise
// signature in text/html parts.
const SignatureMark = "postroom-signature"

// AddSignature adds the enterprise signature (MAILFX-1) at the end of a
// message's text, the way AddContactLine adds its line: text/plain parts
// get "-- " and the text form below a blank line, text/html parts the HTML
// form in a <div class="postroom-signature"> before </body>; every
// alternative of a multipart/alternative, only the body part (the first)
// of a multipart/mixed or multipart/related, never an attachment, and
// nothing inside multipart/signed or multipart/encrypted (S/MIME and PGP),
// so a client's signature still verifies. A message carrying a
// DKIM-Signature from the client is left as it is, as is a part that
// already holds the signature's text (a reply quoting it, or a client that
// added it itself), so it is never added twice. Charsets are decoded
// (GB18030, GBK, …) and the changed part is written back as UTF-8 in its
// transfer encoding.
func AddSignature(body []byte, sig model.RenderedSignature) []byte {
	if strings.TrimSpace(sig.Text) == "" {
		return body
	}
	return addToText(body, signatureAddition(sig))
}

// signatureAddition is what AddSignature adds.
func signatureAddition(sig model.RenderedSignature) addition {
	textKey, textProbe := signatureKey(sig.Text), longestToken(sig.Text)
	var htmlKey, htmlProbe string
	htmlRead := false
	return addition{
		text:        "-- \r\n" + crlfText(sig.Text) + "\r\n",
		html:        "<div class=\"" + SignatureMark + "\">-- <br>\r\n" + crlfText(sig.HTML) + "\r\n</div>\r\n",
		blankBefore: true,
		skip:        func(h textproto.Header) bool { return h.Has("Dkim-Signature") },
		present: func(decoded string, isHTML bool) bool {
			// The full comparison is only made when the signature's
			// longest word is there at all: most messages do not hold it.
			if isHTML {
				if strings.Contains(decoded, SignatureMark) {
					return true
				}
				if !htmlRead {
					plain := stripTags(sig.HTML)
					htmlKey, htmlProbe, htmlRead = signatureKey(plain), longestToken(plain), true
				}
				return htmlKey != "" && strings.Contains(decoded, htmlProbe) &&
					strings.Contains(signatureKey(stripTags(decoded)), htmlKey)
			}
			return strings.Contains(decoded, textProbe) && strings.Contains(signatureKey(decoded), textKey)
		},
	}
}

// longestToken is the longest run of s without white space or the
// characters HTML escapes: a word any copy of s holds as it is.
func longestToken(s string) string {
	tokens := strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune("<>&\"'", r) })
	best := ""
	for _, t := range tokens {
		if len(t) > len(best) {
			best = t
		}
	}
	return best
}

// signatureKey is text without white space or a quoting "> ", for
// telling whether a part already holds a signature (a client may rewrap
// it or quote it in a reply).
func signatureKey(s string) string {
	s = html.UnescapeString(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '>' {
			return -1
		}
		return r
	}, s)
}

// crlfText makes a text's line breaks CRLF.
func crlfText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// signatureCache keeps the enterprise signature's templates parsed, for
// as long as the policy's signature stays the same.
type signatureCache struct {
	mu   sync.Mutex
	pol  model.SignaturePolicy
	tmpl *model.SignatureTemplate
}

// template returns p parsed, from the cache when p is the one parsed last.
func (c *signatureCache) template(p model.SignaturePolicy) (*model.SignatureTemplate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tmpl != nil && c.pol == p {
		return c.tmpl, nil
	}
	t, err := p.Parse()
	if err != nil {
		return nil, err
	}
	c.pol, c.tmpl = p, t
	return t, nil
}

// signatureOf is the signature a member's message gets: none when the
// policy sets none, the member opted out, or the template fails (logged;
// the mail goes without rather than wait).
func (r *Relay) signatureOf(rd *store.Reader, pol model.MailPolicy, m *model.Member) (model.RenderedSignature, bool) {
	if !pol.Signature.On() {
		return model.RenderedSignature{}, false
	}
	t, err := r.sigs.template(pol.Signature)
	if err == nil {
		var sig model.RenderedSignature
		var ok bool
		if sig, ok, err = model.SignatureFor(rd, pol, t, m); err == nil {
			return sig, ok
		}
	}
	r.log.Printf("signature for %s: %v; the message goes without it", m.Address, err)
	return model.RenderedSignature{}, false
}
