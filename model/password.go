package model

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"

	"postroom/assets"
)

// Passwords (ACC-2, ACC-3, ACC-4).
//
// A password is normalised to Unicode NFC before it is hashed, checked or
// compared, so the same text typed on systems that compose characters
// differently (macOS input methods, Windows, a Linux terminal) is the same
// password. It is never truncated: argon2id takes input of any length, unlike
// bcrypt's 72 bytes (24 Chinese characters).
//
// Nothing here logs or returns the password or any part of it: error messages
// say which rule failed, never what was typed.

// Argon2Params are the cost parameters of an argon2id password hash.
type Argon2Params struct {
	Memory  uint32 // memory in KiB
	Time    uint32 // passes over the memory
	Threads uint8  // lanes (parallelism)
	SaltLen uint32 // salt length in bytes
	KeyLen  uint32 // hash length in bytes
}

// DefaultArgon2 are the parameters new hashes are made with. It is a value
// that nothing changes; a test passes its own smaller parameters instead.
//
// m = 64 MiB, t = 3 is the second recommended setting of RFC 9106 (§4) and
// well above OWASP's 19 MiB, t = 2 floor: on a current server core one hash
// takes roughly 50–100 ms, which a person logging in does not notice and an
// attacker with a stolen database pays for every guess. p = 2 lanes halve the
// wall-clock time without raising the memory, and leave the other cores to
// other logins; the store bounds how many hashes run at once, because each
// one holds 64 MiB (memory exhaustion is the denial-of-service risk of
// argon2). A 16-byte salt and a 32-byte hash are RFC 9106's recommendation.
var DefaultArgon2 = Argon2Params{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}

// Bounds a stored hash's parameters must stay within, so a damaged or forged
// record cannot make a login allocate without limit.
const (
	argonMaxMemory = 4 << 20 // KiB: 4 GiB
	argonMaxTime   = 1000
	argonMinSalt   = 8
	argonMaxSalt   = 1024
	argonMinKey    = 16
	argonMaxKey    = 1024
)

func (p Argon2Params) check(saltLen, keyLen int) error {
	switch {
	case p.Time < 1 || p.Time > argonMaxTime:
		return fmt.Errorf("time %d out of range 1..%d", p.Time, argonMaxTime)
	case p.Threads < 1:
		return errors.New("parallelism 0")
	case p.Memory < 8*uint32(p.Threads) || p.Memory > argonMaxMemory:
		return fmt.Errorf("memory %d KiB out of range %d..%d", p.Memory, 8*uint32(p.Threads), argonMaxMemory)
	case saltLen < argonMinSalt || saltLen > argonMaxSalt:
		return fmt.Errorf("salt of %d bytes, want %d..%d", saltLen, argonMinSalt, argonMaxSalt)
	case keyLen < argonMinKey || keyLen > argonMaxKey:
		return fmt.Errorf("hash of %d bytes, want %d..%d", keyLen, argonMinKey, argonMaxKey)
	}
	return nil
}

// HashPassword hashes the NFC form of password with argon2id and the given
// salt, and returns it as a PHC string:
//
//	$argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>
//
// with salt and hash in unpadded standard base64. The salt should be
// p.SaltLen fresh random bytes. Parameters or a salt outside what
// VerifyPassword accepts are a programming error, and HashPassword panics.
func HashPassword(password string, salt []byte, p Argon2Params) string {
	if err := p.check(len(salt), int(p.KeyLen)); err != nil {
		panic("model.HashPassword: " + err.Error())
	}
	key := argon2.IDKey([]byte(norm.NFC.String(password)), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// VerifyPassword reports whether password matches the PHC string phc, made
// by HashPassword. The comparison takes constant time. rehash is true when the
// password matched but the stored hash was made with parameters other than
// want (cost, salt or hash length): the caller should then store a new hash,
// which it can only do now that it has the right password. A phc that is not
// a well-formed argon2id PHC string is an error (a damaged record, not the
// person's mistake); ok is false then.
func VerifyPassword(phc, password string, want Argon2Params) (ok, rehash bool, err error) {
	p, salt, key, err := parsePHC(phc)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(norm.NFC.String(password)), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	return true, p != want, nil
}

// parsePHC splits an argon2id PHC string into its parameters (SaltLen and
// KeyLen taken from the decoded salt and hash), salt and hash.
func parsePHC(phc string) (Argon2Params, []byte, []byte, error) {
	bad := func(format string, args ...any) (Argon2Params, []byte, []byte, error) {
		return Argon2Params{}, nil, nil, fmt.Errorf("password hash is not an argon2id PHC string: "+format, args...)
	}
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" {
		return bad("want 5 fields separated by $, have %d", len(parts)-1)
	}
	if parts[1] != "argon2id" {
		return bad("algorithm %q, want argon2id", parts[1])
	}
	v, ok := strings.CutPrefix(parts[2], "v=")
	if !ok {
		return bad("missing version")
	}
	if n, err := phcUint(v, 32); err != nil || n != argon2.Version {
		return bad("version %q, want %d", v, argon2.Version)
	}
	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return bad("want parameters m=,t=,p=")
	}
	var p Argon2Params
	for i, name := range []string{"m", "t", "p"} {
		val, ok := strings.CutPrefix(fields[i], name+"=")
		if !ok {
			return bad("parameter %d is not %s=", i+1, name)
		}
		bits := 32
		if name == "p" {
			bits = 8
		}
		n, err := phcUint(val, bits)
		if err != nil {
			return bad("parameter %s: %v", name, err)
		}
		switch name {
		case "m":
			p.Memory = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			p.Threads = uint8(n)
		}
	}
	// The decoder skips line breaks; a stored hash has none.
	if strings.ContainsAny(parts[4]+parts[5], "\r\n") {
		return bad("line break in salt or hash")
	}
	b64 := base64.RawStdEncoding.Strict()
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return bad("salt is not unpadded base64")
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil {
		return bad("hash is not unpadded base64")
	}
	if err := p.check(len(salt), len(key)); err != nil {
		return bad("%v", err)
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// phcUint parses a PHC decimal: digits only, no sign, no leading zero.
func phcUint(s string, bits int) (uint64, error) {
	if s == "" || (len(s) > 1 && s[0] == '0') || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a plain decimal number", s)
	}
	return strconv.ParseUint(s, 10, bits)
}

// PasswordPolicy is the company's password rule (ACC-2) and lockout rule
// (ACC-4). Admins change it through the write path; Validate keeps it sane.
type PasswordPolicy struct {
	Preset    string // "nist", "seed" or "custom": where the values came from
	MinLength int    // in characters (runes after NFC), not bytes
	MaxLength int    // bounds hashing work; 0 means 256 characters

	NeedLetter     bool // at least one letter (any script: 中 counts)
	NeedDigit      bool // at least one digit
	NeedUpperLower bool // at least one upper-case and one lower-case letter
	NeedSymbol     bool // at least one character that is neither letter nor digit

	MaxAge    time.Duration // 0 = never expires
	History   int           // how many previous passwords may not be reused
	Blocklist bool          // refuse common passwords and their trivial variants
	Personal  bool          // refuse passwords built from the person's own details
	LockAfter int           // failed logins before the account locks (0 = never)
	LockFor   time.Duration // how long a lock lasts (0 = until the helpdesk unlocks)
}

// The password policy presets.
const (
	PresetNIST   = "nist"
	PresetSeed   = "seed"
	PresetCustom = "custom"
)

const defaultMaxPasswordLength = 256

// PolicyPreset returns a named preset:
//
//   - "nist" follows NIST SP 800-63B: at least 15 characters, no composition
//     rules and no expiry, a blocklist of common and personal passwords,
//     the last 5 not reused, a 15-minute lock after 10 failures.
//   - "seed" is the hospital policy of seed part 5 clause 2.1: at least 6
//     characters with letters and digits, changed every 30 days, the last 5
//     not reused, the same blocklists, a 30-minute lock after 5 failures.
//   - "custom" starts from the nist values for an admin to adjust.
func PolicyPreset(name string) (PasswordPolicy, error) {
	nist := PasswordPolicy{
		Preset: PresetNIST, MinLength: 15, MaxLength: defaultMaxPasswordLength,
		History: 5, Blocklist: true, Personal: true, LockAfter: 10, LockFor: 15 * time.Minute,
	}
	switch strings.ToLower(strings.TrimSpace(name)) {
	case PresetNIST:
		return nist, nil
	case PresetSeed:
		return PasswordPolicy{
			Preset: PresetSeed, MinLength: 6, MaxLength: defaultMaxPasswordLength,
			NeedLetter: true, NeedDigit: true, MaxAge: 30 * 24 * time.Hour,
			History: 5, Blocklist: true, Personal: true, LockAfter: 5, LockFor: 30 * time.Minute,
		}, nil
	case PresetCustom:
		nist.Preset = PresetCustom
		return nist, nil
	}
	return PasswordPolicy{}, Invalidf("unknown password policy preset %q: choose nist, seed or custom", name)
}

func (p PasswordPolicy) maxLength() int {
	if p.MaxLength == 0 {
		return defaultMaxPasswordLength
	}
	return p.MaxLength
}

// Validate reports whether the policy itself is sane, naming every value
// that is not and the range it must be in.
func (p PasswordPolicy) Validate() error {
	var bad []string
	add := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	switch p.Preset {
	case PresetNIST, PresetSeed, PresetCustom:
	default:
		add("preset %q is unknown: use nist, seed or custom", p.Preset)
	}
	if p.MinLength < 6 || p.MinLength > 128 {
		add("minimum length %d is out of range: choose 6 to 128 characters", p.MinLength)
	}
	if limit := p.maxLength(); limit < p.MinLength || limit > 1024 {
		add("maximum length %d must be at least the minimum length (%d) and at most 1024 characters", limit, p.MinLength)
	}
	const day = 24 * time.Hour
	if p.MaxAge != 0 && (p.MaxAge < day || p.MaxAge > 5*365*day) {
		add("maximum age %s is out of range: 0 for never, or 1 to 1825 days", p.MaxAge)
	}
	if p.History < 0 || p.History > 24 {
		add("history %d is out of range: 0 to 24 previous passwords", p.History)
	}
	if p.LockAfter != 0 && (p.LockAfter < 3 || p.LockAfter > 100) {
		add("lock after %d failures is out of range: 0 for never, or 3 to 100 (fewer lets anyone lock others out)", p.LockAfter)
	}
	if p.LockFor != 0 && (p.LockFor < time.Minute || p.LockFor > 30*day) {
		add("lock duration %s is out of range: 0 for until the helpdesk unlocks, or 1 minute to 30 days", p.LockFor)
	}
	if len(bad) > 0 {
		return Invalidf("password policy: %s", strings.Join(bad, "; "))
	}
	return nil
}

// Check reports whether password meets the policy, with a message that says
// what is wrong and what to do. personal are the person's own details (name,
// its pinyin, address and its local part, employee id, phone, birthday): when
// the policy's Personal rule is on, the password may neither contain nor be
// contained in any of them, ignoring case, width, separators and items
// shorter than 3 characters. Reuse of previous passwords needs their hashes
// and is checked by the caller with VerifyPassword.
func (p PasswordPolicy) Check(password string, personal []string) error {
	if !utf8.ValidString(password) {
		return Invalidf("password is not valid UTF-8 text; set your terminal to UTF-8 and type it again")
	}
	password = norm.NFC.String(password)
	n := utf8.RuneCountInString(password)
	if n == 0 {
		return Invalidf("password is empty; type one of at least %d characters", p.MinLength)
	}
	var letter, digit, upper, lower, symbol bool
	for _, r := range password {
		switch {
		case unicode.IsControl(r):
			return Invalidf("password contains a control character (such as a tab or line break); use letters, digits, spaces and symbols only")
		case unicode.IsLetter(r):
			letter = true
			upper = upper || unicode.IsUpper(r)
			lower = lower || unicode.IsLower(r)
		case unicode.IsDigit(r):
			digit = true
		default:
			symbol = true
		}
	}
	if n < p.MinLength {
		return Invalidf("password too short: %d characters, the policy needs at least %d; a passphrase of a few words is easiest", n, p.MinLength)
	}
	if limit := p.maxLength(); n > limit {
		return Invalidf("password too long: %d characters, the policy allows at most %d; choose a shorter passphrase", n, limit)
	}
	var missing []string
	if p.NeedLetter && !letter {
		missing = append(missing, "a letter")
	}
	if p.NeedUpperLower && !upper {
		missing = append(missing, "an upper-case letter")
	}
	if p.NeedUpperLower && !lower {
		missing = append(missing, "a lower-case letter")
	}
	if p.NeedDigit && !digit {
		missing = append(missing, "a digit")
	}
	if p.NeedSymbol && !symbol {
		missing = append(missing, "a symbol such as ! or #")
	}
	if len(missing) > 0 {
		return Invalidf("password needs %s; add what is missing anywhere in it", joinAnd(missing))
	}
	key := passwordKey(password)
	if p.Personal && isPersonal(key, personal) {
		return Invalidf("password is built from your own details (name, pinyin, address, employee id, phone or birthday); choose something others cannot guess from your profile")
	}
	if p.Blocklist {
		if isCommonPassword(key) {
			return Invalidf("password is a common password, or one with only digits, symbols or a year added; attackers try these first, so choose something else, such as a few unrelated words")
		}
		if isPatternPassword(key) {
			return Invalidf("password is a keyboard pattern or a repetition (like qwerty, 123456 or aaaaaa); choose something else, such as a few unrelated words")
		}
	}
	return nil
}

// joinAnd joins items as "a, b and c".
func joinAnd(items []string) string {
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// Expired reports whether a password changed at changed has expired at now.
// It expires at ExpiresAt exactly. A zero changed (the change was never
// recorded) counts as long ago.
func (p PasswordPolicy) Expired(changed, now time.Time) bool {
	at, ok := p.ExpiresAt(changed)
	return ok && !now.Before(at)
}

// ExpiresAt returns when a password changed at changed expires, and false
// when the policy has no maximum age.
func (p PasswordPolicy) ExpiresAt(changed time.Time) (time.Time, bool) {
	if p.MaxAge <= 0 {
		return time.Time{}, false
	}
	return changed.Add(p.MaxAge), true
}

// passwordKey is the form passwords are compared in against lists and
// personal details: NFC, full-width folded to ASCII, lower case.
func passwordKey(s string) string {
	return strings.ToLower(width.Fold.String(norm.NFC.String(s)))
}

// compact drops everything but letters and digits: "zhang.san" → "zhangsan",
// "1990-05-12" → "19900512".
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

func isPersonal(key string, personal []string) bool {
	keys := []string{key, compact(key)}
	for _, item := range personal {
		item = passwordKey(strings.TrimSpace(item))
		for _, it := range []string{item, compact(item)} {
			if utf8.RuneCountInString(it) < 3 {
				continue
			}
			for _, k := range keys {
				// The password inside a detail ("138001380" in a phone
				// number) counts too, once it is long enough to mean it.
				if strings.Contains(k, it) || (utf8.RuneCountInString(k) >= 6 && strings.Contains(it, k)) {
					return true
				}
			}
		}
	}
	return false
}

// commonPasswords is the set of assets/passwords/common.txt, read on first
// use and never changed afterwards.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 2048)
	for line := range strings.Lines(assets.CommonPasswords) {
		if w := passwordKey(strings.TrimSpace(line)); w != "" {
			set[w] = struct{}{}
		}
	}
	return set
})

func listed(s string) bool {
	_, ok := commonPasswords()[s]
	return ok
}

func notLetter(r rune) bool             { return !unicode.IsLetter(r) }
func notLetterOrDigit(r rune) bool      { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
func hasLetter(s string) bool           { return strings.IndexFunc(s, unicode.IsLetter) >= 0 }
func trimSymbols(s string) string       { return strings.TrimRightFunc(s, notLetterOrDigit) }
func trimDigitsSymbols(s string) string { return strings.TrimRightFunc(s, notLetter) }

// stripYear removes a trailing year 1900–2099, if there is one.
func stripYear(s string) (string, bool) {
	if len(s) < 4 {
		return s, false
	}
	y := s[len(s)-4:]
	if (strings.HasPrefix(y, "19") || strings.HasPrefix(y, "20")) && strings.TrimLeft(y, "0123456789") == "" {
		return s[:len(s)-4], true
	}
	return s, false
}

// variants are the forms of key checked against the blocklist: the key
// itself, without trailing symbols, without a trailing year, without trailing
// digits and symbols, without them at both ends; the last four also with
// common letter substitutions undone (p@ssw0rd → password).
func variants(key string) []string {
	noSym := trimSymbols(key)
	out := []string{key, noSym}
	if y, ok := stripYear(noSym); ok {
		out = append(out, trimSymbols(y))
	}
	noDigits := trimDigitsSymbols(key)
	out = append(out, noDigits, strings.TrimLeftFunc(noDigits, notLetter))
	for _, v := range out[1:] {
		if hasLetter(v) {
			out = append(out, unleet(v))
		}
	}
	return out
}

// unleet undoes the usual letter substitutions.
func unleet(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '@', '4':
			return 'a'
		case '$', '5':
			return 's'
		case '0':
			return 'o'
		case '1', '!':
			return 'i'
		case '3':
			return 'e'
		case '7':
			return 't'
		}
		return r
	}, s)
}

// isCommonPassword reports whether key, or one of its trivial variants, is
// on the list of common passwords, with or without its spaces ("i love you",
// "correct horse battery staple").
func isCommonPassword(key string) bool {
	keys := []string{key}
	if joined := strings.Join(strings.Fields(key), ""); joined != key {
		keys = append(keys, joined)
	}
	for _, k := range keys {
		for _, v := range variants(k) {
			if v != "" && listed(v) {
				return true
			}
		}
	}
	return false
}

// keyboardSequences are runs of neighbouring keys, one a line: the rows and
// columns of a US keyboard, the alphabet, the digits, the numeric keypad's
// columns and diagonals. Two characters next to each other on a line are
// neighbours.
const keyboardSequences = "`1234567890-=\nqwertyuiop[]\\\nasdfghjkl;'\nzxcvbnm,./\n" +
	"1qaz\n2wsx\n3edc\n4rfv\n5tgb\n6yhn\n7ujm\n8ik,\n9ol.\n0p;/\n-['\n=]\n" +
	"abcdefghijklmnopqrstuvwxyz\n0123456789\n741\n8520\n963\n159\n357"

// unshift maps a shifted symbol to the key it is on (US layout), so
// "!qaz@wsx" walks like "1qaz2wsx".
func unshift(r rune) rune {
	if i := strings.IndexRune("!@#$%^&*()_+{}|:\"<>?~", r); i >= 0 {
		return []rune("1234567890-=[]\\;',./`")[i]
	}
	return r
}

func neighbours(a, b rune) bool {
	a, b = unshift(a), unshift(b)
	return a == b || strings.Contains(keyboardSequences, string([]rune{a, b})) ||
		strings.Contains(keyboardSequences, string([]rune{b, a}))
}

// isWalk reports whether s is made only of keyboard walks and repeats: split
// where two neighbouring characters are not neighbouring keys, every piece
// has at least 3 characters ("1qaz2wsx", "1234567890123456", "aaaaaa").
func isWalk(s string) bool {
	rs := []rune(s)
	if len(rs) < 3 {
		return false
	}
	start := 0
	for i := 1; i <= len(rs); i++ {
		if i == len(rs) || !neighbours(rs[i-1], rs[i]) {
			if i-start < 3 {
				return false
			}
			start = i
		}
	}
	return true
}

// isRepeat reports whether s is one unit said again and again, where the
// unit is short ("abab", "woaiwoai"), a walk or a listed password.
func isRepeat(s string) bool {
	rs := []rune(s)
	for size := 1; size <= len(rs)/2; size++ {
		if len(rs)%size != 0 {
			continue
		}
		unit := string(rs[:size])
		if strings.Repeat(unit, len(rs)/size) != s {
			continue
		}
		if size <= 4 || isWalk(unit) || listed(unit) {
			return true
		}
	}
	return false
}

// isPatternPassword reports whether key, without trailing symbols or an
// appended year, is a keyboard walk or a repetition; or is one apart from
// a few trailing digits and symbols.
func isPatternPassword(key string) bool {
	n := utf8.RuneCountInString(key)
	noSym := trimSymbols(key)
	cands := []string{key, noSym}
	if y, ok := stripYear(noSym); ok {
		cands = append(cands, trimSymbols(y))
	}
	if core := trimDigitsSymbols(key); utf8.RuneCountInString(core) >= max(6, (n+1)/2) {
		cands = append(cands, core)
	}
	for _, c := range cands {
		if isWalk(c) || isRepeat(c) {
			return true
		}
	}
	return false
}

// oneTimeAlphabet has 32 symbols that cannot be mistaken for one another:
// lower-case letters without l and o, digits without 0 and 1.
const oneTimeAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// OneTimePassword makes a password shown once to a person after a reset
// (ACC-3): five groups of four characters such as
// "kq7m-x4tp-9ahw-c3nr-e8vb", readable aloud and on screen (no 0, O, 1, l or
// I), drawn uniformly from rnd. Twenty symbols of 5 bits carry 100 bits; the
// few draws without both a letter and a digit, or that a preset would refuse,
// are drawn again, which costs far less than a bit, so at least 80 bits
// remain with a wide margin. It passes both presets' Check.
func OneTimePassword(rnd io.Reader) (string, error) {
	const groups, size = 5, 4
	nist, _ := PolicyPreset(PresetNIST)
	seed, _ := PolicyPreset(PresetSeed)
	buf := make([]byte, groups*size)
	for range 100 {
		if _, err := io.ReadFull(rnd, buf); err != nil {
			return "", fmt.Errorf("one-time password: %w", err)
		}
		var b strings.Builder
		for i, c := range buf {
			if i > 0 && i%size == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(oneTimeAlphabet[c&31])
		}
		s := b.String()
		if nist.Check(s, nil) == nil && seed.Check(s, nil) == nil {
			return s, nil
		}
	}
	return "", errors.New("one-time password: the random source keeps giving unusable draws")
}

// LoginDelay is how long the next login attempt must wait after failures
// consecutive failures (ACC-4): nothing after one or two, then 1 s, doubling
// with each further failure, at most 60 s.
func LoginDelay(failures int) time.Duration {
	if failures < 3 {
		return 0
	}
	const limit = 60 * time.Second
	if failures-3 >= 6 { // 1s << 6 = 64 s
		return limit
	}
	return min(time.Second<<(failures-3), limit)
}
