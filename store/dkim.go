package store

import (
	"bytes"

	"postroom/model"
)

// DKIM keys live in the meta bucket under "dkim/" + domain. The private
// key never reaches the operation log: its records carry the domain,
// selector and time only.

func dkimKey(domain string) []byte { return []byte("dkim/" + domain) }

// DKIMKey returns the domain's DKIM key, nil when it has none.
func (r *Reader) DKIMKey(domain string) (*model.DKIMKey, error) {
	return getJSON[model.DKIMKey](r.tx, bMeta, dkimKey(domain))
}

// HasDKIMKeys reports whether any domain has a key: the relay's quick
// test before it looks at a message's From.
func (r *Reader) HasDKIMKeys() bool {
	prefix := []byte("dkim/")
	k, _ := r.tx.Bucket(bMeta).Cursor().Seek(prefix)
	return k != nil && bytes.HasPrefix(k, prefix)
}

// DKIMKeys lists every domain's key, in domain order.
func (r *Reader) DKIMKeys() ([]model.DKIMKey, error) {
	var out []model.DKIMKey
	c := r.tx.Bucket(bMeta).Cursor()
	prefix := []byte("dkim/")
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		key, err := r.DKIMKey(string(k[len(prefix):]))
		if err != nil {
			return nil, err
		}
		if key != nil {
			out = append(out, *key)
		}
	}
	return out, nil
}

// PutDKIMKey writes a domain's key.
func (w *writeTx) PutDKIMKey(k model.DKIMKey) error {
	old, _ := w.DKIMKey(k.Domain)
	w.record("dkim", k.Domain, old.Redacted(), k.Redacted())
	return w.put(bMeta, dkimKey(k.Domain), k)
}

// DeleteDKIMKey removes a domain's key.
func (w *writeTx) DeleteDKIMKey(domain string) error {
	old, _ := w.DKIMKey(domain)
	w.record("dkim", domain, old.Redacted(), nil)
	return w.tx.Bucket(bMeta).Delete(dkimKey(domain))
}
