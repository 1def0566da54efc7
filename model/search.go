package model

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/width"
)

// maxReadings bounds how many pinyin readings of one name are indexed when
// its characters have several (多音字, such as 曾 zeng/ceng or 单 shan/dan).
const maxReadings = 4

// PinyinForms returns the ways a person may type a Chinese name in pinyin:
// the full spelling ("zhangsan") and the initials ("zs") for each likely
// reading. Names without Chinese characters give nothing.
func PinyinForms(name string) []string {
	var out []string
	for _, syl := range readings(name) {
		full := strings.Join(syl, "")
		var ini strings.Builder
		for _, s := range syl {
			ini.WriteByte(s[0])
		}
		out = appendNew(out, full, ini.String())
	}
	return out
}

// readings lists the syllable sequences of a name, one per reading. Only
// the surname's other readings count (曾 zeng or ceng, 单 shan or dan): the
// rare readings of given-name characters (立 as wei) would find people by
// spellings nobody uses.
func readings(name string) [][]string {
	args := pinyin.NewArgs()
	args.Heteronym = true
	per := pinyin.Pinyin(name, args)
	for i := 1; i < len(per); i++ {
		if len(per[i]) > 1 {
			per[i] = per[i][:1]
		}
	}
	if len(per) == 0 {
		return nil
	}
	seqs := [][]string{nil}
	for _, opts := range per {
		if len(opts) == 0 {
			continue
		}
		var next [][]string
		for _, s := range seqs {
			for i, o := range opts {
				if i > 0 && len(next) >= maxReadings {
					break
				}
				next = append(next, append(append([]string(nil), s...), o))
			}
		}
		seqs = next
	}
	return seqs
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		if it == "" {
			continue
		}
		dup := false
		for _, x := range list {
			if x == it {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, it)
		}
	}
	return list
}

// NormalizeQuery folds a search query the way keys are folded: full-width
// to narrow, lower case, spaces removed.
func NormalizeQuery(q string) string {
	q = width.Fold.String(q)
	q = strings.ToLower(q)
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, q)
}

// SearchKeys returns the keys a member is found by (ORG-7). A query finds
// the member when it is a prefix of one of them: the name and the name
// without the surname, the pinyin and initials of both, the local part of
// the address and of each alias and their parts, and the phones. A query
// with "@" and an employee id are found in the address and employee-id
// indexes instead (store's Search), which hold them anyway: the keys are a
// fifth of the index's size and of a big import's memory.
func SearchKeys(m *Member) []string {
	var keys []string
	name := NormalizeQuery(m.Name)
	runes := []rune(name)
	for i := range runes {
		// The name, and without the surname; a lone last character of a
		// longer name finds too many people to be worth a key.
		if i > 2 || (i > 0 && i == len(runes)-1 && len(runes) > 2) {
			break
		}
		keys = appendNew(keys, string(runes[i:]))
	}
	for _, syl := range readings(m.Name) {
		for i := range syl {
			if i > 2 || (i > 0 && i == len(syl)-1 && len(syl) > 2) {
				break
			}
			rest := syl[i:]
			var ini strings.Builder
			for _, s := range rest {
				ini.WriteByte(s[0])
			}
			keys = appendNew(keys, strings.Join(rest, ""))
			if ini.Len() > 1 {
				// A one-letter query already finds every key that starts with it.
				keys = appendNew(keys, ini.String())
			}
		}
	}
	for _, a := range append([]Address{m.Address}, m.Aliases...) {
		keys = appendNew(keys, a.Local())
		for _, part := range strings.FieldsFunc(a.Local(), func(r rune) bool { return r == '.' || r == '_' || r == '-' }) {
			keys = appendNew(keys, part)
		}
	}
	for i, p := range []string{m.Mobile, m.Phone} {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, p)
		keys = appendNew(keys, digits)
		// "#" and the last four digits of the mobile, as a caller gives them.
		if i == 0 && len(digits) > 4 {
			keys = appendNew(keys, "#"+digits[len(digits)-4:])
		}
	}
	return keys
}
