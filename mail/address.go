package mail

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Path is an envelope address as the relay understands it: a dot-atom local
// part and a hostname, nothing else. go-smtp hands addresses over unquoted
// ("a@b"@c arrives as a@b@c) and accepts forms no relay should pass on, so
// every envelope address is read again here (PITFALLS.md).
type Path struct {
	Local  string // as given (case kept: remote local parts are case-sensitive)
	Domain string // lower case, ASCII (punycode)
	UTF8   bool   // the local part or the domain was given in UTF-8
}

// String is local@domain.
func (p Path) String() string { return p.Local + "@" + p.Domain }

// pathError is why an envelope address is refused, with the reply to give.
type pathError struct {
	code int    // 501 (syntax) or 553 (not allowed) or 550
	enh  [3]int // enhanced status code
	msg  string
}

func (e *pathError) Error() string { return e.msg }

// atext is RFC 5322's atext without the characters a relay refuses in a local
// part: '%' and '!' (old routing) and '/' , '|' (path and pipe tricks).
func atext(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return true
	}
	return strings.ContainsRune("#$&'*+-=?^_`{}~", r)
}

// ParsePath reads one envelope address (without angle brackets). utf8OK says
// whether the client announced SMTPUTF8; without it, non-ASCII addresses are
// refused.
func ParsePath(s string, utf8OK bool) (Path, error) {
	bad := func(code int, enh [3]int, msg string) (Path, error) {
		return Path{}, &pathError{code, enh, msg}
	}
	if len(s) > 254 {
		return bad(501, [3]int{5, 1, 3}, "address longer than 254 bytes")
	}
	if !utf8.ValidString(s) {
		return bad(501, [3]int{5, 1, 3}, "address is not valid UTF-8")
	}
	if strings.HasPrefix(s, "@") {
		return bad(501, [3]int{5, 1, 3}, "source routes are not accepted; give the final address only")
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == ' ' || r == '"' || r == '\\' || r == '(' || r == ')' || r == '<' || r == '>' || r == ',' || r == ';' || r == ':' {
			return bad(501, [3]int{5, 1, 3}, "address holds a character not allowed in an envelope address (control, space, quote, bracket or separator)")
		}
	}
	if strings.Count(s, "@") != 1 {
		return bad(501, [3]int{5, 1, 3}, "an address has exactly one '@'")
	}
	local, domain, _ := strings.Cut(s, "@")
	if local == "" || len(local) > 64 {
		return bad(501, [3]int{5, 1, 3}, "the part before the '@' must have 1 to 64 bytes")
	}
	ascii := true
	for _, r := range s {
		if r >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii && !utf8OK {
		return bad(553, [3]int{5, 6, 7}, "non-ASCII address without SMTPUTF8; send MAIL FROM with the SMTPUTF8 parameter")
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return bad(501, [3]int{5, 1, 3}, "the part before the '@' may not begin or end with '.' or hold '..'")
	}
	for _, r := range local {
		switch {
		case r == '.', atext(r), r >= utf8.RuneSelf:
		case r == '%' || r == '!' || r == '/' || r == '|':
			return bad(550, [3]int{5, 7, 1}, "'%', '!', '/' and '|' routing in the local part is not accepted")
		default:
			return bad(501, [3]int{5, 1, 3}, "the part before the '@' holds a character not allowed there")
		}
	}
	if strings.HasPrefix(domain, "[") {
		return bad(550, [3]int{5, 7, 1}, "address literals ([1.2.3.4]) are not accepted; use a domain name")
	}
	d := strings.TrimSuffix(domain, ".")
	if d == "" {
		return bad(501, [3]int{5, 1, 3}, "the domain after the '@' is empty")
	}
	// Lower-case and convert U-labels to punycode with the registration
	// profile: look-alike and mixed-script domains that IDNA refuses are
	// refused here too.
	puny, err := idna.Lookup.ToASCII(d)
	if err != nil || puny == "" {
		return bad(501, [3]int{5, 1, 2}, "the domain is not a valid (internationalised) domain name")
	}
	puny = strings.ToLower(puny)
	labels := strings.Split(puny, ".")
	if len(labels) < 2 {
		return bad(550, [3]int{5, 1, 2}, "the domain has no dot; give a full domain such as example.com")
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return bad(501, [3]int{5, 1, 2}, "the domain has an empty, too long or badly hyphenated label")
		}
		for _, r := range l {
			if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-') {
				return bad(501, [3]int{5, 1, 2}, "the domain holds a character not allowed in a host name")
			}
		}
	}
	return Path{Local: local, Domain: puny, UTF8: !ascii}, nil
}
