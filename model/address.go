package model

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/width"
)

// Address is a normalised mail address: ASCII, lower case, "local@domain".
// Make one from outside input with ParseAddress only.
type Address string

// Local returns the part before the '@'.
func (a Address) Local() string {
	i := strings.LastIndexByte(string(a), '@')
	if i < 0 {
		return string(a)
	}
	return string(a[:i])
}

// Domain returns the part after the '@'.
func (a Address) Domain() string {
	i := strings.LastIndexByte(string(a), '@')
	if i < 0 {
		return ""
	}
	return string(a[i+1:])
}

// String returns the address as text.
func (a Address) String() string { return string(a) }

// Length limits of RFC 5321 and RFC 1035 (with the errata for the whole address).
const (
	maxLocalLen   = 64
	maxDomainLen  = 253
	maxLabelLen   = 63
	maxAddressLen = 254
)

// ParseAddress validates and normalises one address as a person typed it or a
// file held it. It trims surrounding white space, folds full-width characters
// to their narrow forms and lower-cases the result. The part before the '@'
// may hold a-z, 0-9, '.', '_' and '-'; the domain must be an ASCII domain name
// with at least two labels (internationalised domains in punycode, "xn--").
func ParseAddress(s string) (Address, error) {
	a, problem := checkAddress(s)
	if problem != "" {
		return "", Invalidf("address %q: %s", s, problem)
	}
	return a, nil
}

// checkAddress does the work of ParseAddress. It returns the address, or what
// is wrong with s and how to fix it.
func checkAddress(s string) (Address, string) {
	t, problem := addrPrepare(s)
	if problem == "" && t == "" {
		problem = "it is empty; type an address such as zhangsan@example.com"
	}
	if problem == "" {
		problem = addrShapeProblem(t)
	}
	if problem != "" {
		return "", problem
	}

	local, domain, _ := strings.Cut(t, "@")
	if problem = localProblem(local); problem != "" {
		return "", problem
	}
	problem, idn := domainProblem(domain)
	if idn != "" {
		return "", fmt.Sprintf("the domain must be typed in its ASCII (punycode) form; type %q instead", local+"@"+idn)
	}
	if problem != "" {
		return "", problem
	}
	if len(t) > maxAddressLen {
		return "", fmt.Sprintf("it is %d characters long; an address may have at most %d", len(t), maxAddressLen)
	}
	return Address(t), ""
}

// ParseDomain validates and normalises a mail domain by the same rules as the
// domain part in ParseAddress.
func ParseDomain(s string) (string, error) {
	t, problem := addrPrepare(s)
	if problem == "" && t == "" {
		problem = "it is empty; type a domain such as example.com"
	}
	if problem == "" && strings.Contains(t, "@") {
		problem = "a domain has no '@'; type only the part after the '@', such as example.com"
	}
	if problem == "" && strings.ContainsFunc(t, unicode.IsSpace) {
		problem = "spaces are not allowed; remove them"
	}
	if problem != "" {
		return "", Invalidf("domain %q: %s", s, problem)
	}
	problem, idn := domainProblem(t)
	if idn != "" {
		return "", Invalidf("domain %q: an internationalised domain must be typed in its ASCII (punycode) form; type %q instead", s, idn)
	}
	if problem != "" {
		return "", Invalidf("domain %q: %s", s, problem)
	}
	return t, nil
}

// addrPrepare trims s, refuses control and invisible characters, folds
// full-width forms to narrow ones and lower-cases ASCII letters. It returns the
// prepared text, or a problem.
func addrPrepare(s string) (string, string) {
	t := strings.TrimSpace(s)
	if !utf8.ValidString(t) {
		return "", "it is not valid UTF-8 text; retype it"
	}
	for _, r := range t {
		switch {
		case r == '\r' || r == '\n':
			return "", "line breaks are not allowed; type it on one line"
		case r == '\t':
			return "", "tabs are not allowed; remove them"
		case r == 0:
			return "", "NUL characters are not allowed; retype it"
		case unicode.IsControl(r):
			return "", fmt.Sprintf("the control character %U is not allowed; retype it", r)
		case unicode.Is(unicode.Cf, r):
			return "", fmt.Sprintf("it holds the invisible character %U (often pasted from a web page or chat); delete it and type the rest again", r)
		}
	}
	t = width.Fold.String(t)
	// The ideographic full stop is the dot a Chinese input method types.
	t = strings.ReplaceAll(t, "。", ".")
	return lowerASCII(t), ""
}

// addrShapeProblem checks the overall shape of a prepared address: one plain
// address, one '@', none of the old or exotic forms of RFC 5322.
func addrShapeProblem(t string) string {
	switch {
	case strings.ContainsAny(t, "<>"):
		return "type only the address, without a name or angle brackets, such as zhangsan@example.com"
	case strings.HasPrefix(t, "@") && strings.Contains(t, ":"):
		return "source routes (@relay:user@example.com) are not accepted; type only the final address, such as user@example.com"
	case strings.ContainsAny(t, "()"):
		return "comments in brackets are not accepted; remove the part in brackets"
	case strings.ContainsAny(t, "\"'`"):
		return "quotes are not allowed; remove them"
	case strings.ContainsFunc(t, unicode.IsSpace):
		return "spaces are not allowed; remove them"
	case strings.ContainsAny(t, ",;"):
		return "it holds ',' or ';'; give one address at a time"
	}
	switch n := strings.Count(t, "@"); {
	case n == 0:
		return "it has no '@'; an address looks like zhangsan@example.com"
	case n > 1:
		return "it has more than one '@'; keep exactly one, between the name and the domain"
	}
	return ""
}

// localProblem checks the part before the '@'.
func localProblem(local string) string {
	if local == "" {
		return "nothing stands before the '@'; type the name part, such as zhangsan@example.com"
	}
	for _, r := range local {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '.', r == '_', r == '-':
			continue
		case r == '+':
			return "'+' sub-addresses are not accepted; remove the '+' and what follows it up to the '@'"
		case r == '%':
			return "'%' routing is not accepted; type the final address only"
		case r == '!':
			return "'!' paths are not accepted; type the final address only"
		case r == '\\':
			return "backslashes are not allowed; remove them"
		case strings.ContainsRune("[]{}", r):
			return "brackets are not allowed before the '@'; remove them"
		case r >= utf8.RuneSelf:
			return fmt.Sprintf("%q is not allowed before the '@'; spell the name in latin letters (pinyin), such as zhangsan", r)
		default:
			return fmt.Sprintf("%q is not allowed before the '@'; use only letters a-z, digits, '.', '_' and '-'", r)
		}
	}
	switch {
	case strings.HasPrefix(local, "."), strings.HasSuffix(local, "."):
		return "the part before the '@' may not begin or end with '.'; remove that dot"
	case strings.Contains(local, ".."):
		return "the part before the '@' holds '..'; use a single dot"
	case len(local) > maxLocalLen:
		return fmt.Sprintf("the part before the '@' has %d characters; use at most %d", len(local), maxLocalLen)
	}
	return ""
}

// domainProblem checks a prepared domain. It returns what is wrong, or "" if
// nothing is. When the domain is a valid internationalised domain typed in
// Unicode, idn holds the punycode form to type instead.
func domainProblem(d string) (problem, idn string) {
	if d == "" {
		return "nothing stands after the '@'; add the domain, such as example.com", ""
	}
	if strings.HasPrefix(d, "[") {
		return "IP address literals such as [192.0.2.1] are not accepted; use the domain name", ""
	}
	if !isASCIIText(d) {
		if a, err := idna.Lookup.ToASCII(d); err == nil && a != d && isASCIIText(a) {
			if p, _ := domainProblem(a); p == "" {
				return "", a
			}
		}
		for _, r := range d {
			if r >= utf8.RuneSelf {
				return fmt.Sprintf("%q is not allowed in the domain; use only letters a-z, digits, '-' and '.'", r), ""
			}
		}
	}
	if len(d) > maxDomainLen {
		return fmt.Sprintf("the domain has %d characters; a domain may have at most %d", len(d), maxDomainLen), ""
	}
	switch {
	case strings.HasPrefix(d, "."):
		return "the domain begins with '.'; remove that dot", ""
	case strings.HasSuffix(d, "."):
		return "the domain ends with '.'; remove that dot", ""
	case strings.Contains(d, ".."):
		return "the domain holds '..'; use a single dot", ""
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return fmt.Sprintf("the domain %q needs at least two parts, such as example.com", d), ""
	}
	for _, l := range labels {
		if p := labelProblem(l); p != "" {
			return p, ""
		}
	}
	top := labels[len(labels)-1]
	if strings.Trim(top, "0123456789") == "" {
		return fmt.Sprintf("the last part %q is all digits (IP addresses are not accepted); a domain ends in a name such as .com or .cn", top), ""
	}
	return "", ""
}

// labelProblem checks one ASCII label of a domain.
func labelProblem(l string) string {
	for _, r := range l {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '-':
			continue
		case r == '_':
			return "'_' is not allowed in the domain; use '-' instead"
		default:
			return fmt.Sprintf("%q is not allowed in the domain; use only letters a-z, digits, '-' and '.'", r)
		}
	}
	switch {
	case len(l) > maxLabelLen:
		return fmt.Sprintf("the domain part %q has %d characters; each part between dots may have at most %d", l, len(l), maxLabelLen)
	case strings.HasPrefix(l, "-"), strings.HasSuffix(l, "-"):
		return fmt.Sprintf("the domain part %q may not begin or end with '-'; remove the hyphen", l)
	case strings.HasPrefix(l, "xn--"):
		return punycodeProblem(l)
	}
	return ""
}

// punycodeProblem checks that an "xn--" label is valid punycode of a valid
// internationalised label, written the one canonical way.
func punycodeProblem(l string) string {
	bad := fmt.Sprintf("the domain part %q is not valid punycode; copy the domain again from a trusted source", l)
	u, err := idna.Lookup.ToUnicode(l)
	if err != nil || u == "" || isASCIIText(u) {
		return bad
	}
	back, err := idna.Lookup.ToASCII(u)
	if err != nil || back != l {
		return bad
	}
	return ""
}

// isASCIIText reports whether s holds ASCII characters only.
func isASCIIText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lowerASCII lower-cases ASCII letters only, so no other character can turn
// into an ASCII one (as the Kelvin sign would under strings.ToLower).
func lowerASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
