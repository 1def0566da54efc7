package model

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"postroom/assets"
)

// pwTiny keeps hashing fast in tests: 64 KiB, one pass, one lane.
var pwTiny = Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

var pwSalt = []byte("0123456789abcdef")

// pwChinese40 is a 40-character (120-byte) passphrase: far past bcrypt's 72 bytes.
const pwChinese40 = "春眠不觉晓处处闻啼鸟夜来风雨声花落知多少床前明月光疑是地上霜举头望明月低头思故乡"

// pwHan is n distinct Chinese characters: no pattern, no list entry.
func pwHan(n int) string {
	rs := make([]rune, n)
	for i := range rs {
		rs[i] = rune(0x4E00 + 3*i)
	}
	return string(rs)
}

func TestHashPasswordFormat(t *testing.T) {
	phc := HashPassword("correct horse battery staple", pwSalt, pwTiny)
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$`)
	m := re.FindStringSubmatch(phc)
	if m == nil {
		t.Fatalf("HashPassword = %q, not a PHC argon2id string", phc)
	}
	if salt, _ := base64.RawStdEncoding.DecodeString(m[1]); !bytes.Equal(salt, pwSalt) {
		t.Errorf("salt field decodes to %q, want %q", salt, pwSalt)
	}
	if key, _ := base64.RawStdEncoding.DecodeString(m[2]); len(key) != 32 {
		t.Errorf("hash field is %d bytes, want 32", len(key))
	}
	if again := HashPassword("correct horse battery staple", pwSalt, pwTiny); again != phc {
		t.Errorf("same password and salt hash differently: %q, %q", phc, again)
	}
	if other := HashPassword("correct horse battery staple", []byte("fedcba9876543210"), pwTiny); other == phc {
		t.Errorf("different salts give the same hash")
	}
}

func TestHashPasswordDefaultArgon2(t *testing.T) {
	want := Argon2Params{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}
	if DefaultArgon2 != want {
		t.Fatalf("DefaultArgon2 = %+v, want %+v", DefaultArgon2, want)
	}
	if testing.Short() {
		t.Skip("one 64 MiB hash")
	}
	phc := HashPassword("correct horse battery staple", pwSalt, DefaultArgon2)
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("HashPassword(DefaultArgon2) = %q", phc)
	}
	ok, rehash, err := VerifyPassword(phc, "correct horse battery staple", DefaultArgon2)
	if !ok || rehash || err != nil {
		t.Errorf("VerifyPassword = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
}

func TestHashPasswordPanicsOnBadParams(t *testing.T) {
	for name, c := range map[string]struct {
		salt []byte
		p    Argon2Params
	}{
		"zero params": {pwSalt, Argon2Params{}},
		"no threads":  {pwSalt, Argon2Params{Memory: 64, Time: 1, KeyLen: 32}},
		"no time":     {pwSalt, Argon2Params{Memory: 64, Threads: 1, KeyLen: 32}},
		"short key":   {pwSalt, Argon2Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 8}},
		"short salt":  {[]byte("1234"), pwTiny},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("HashPassword did not panic")
				}
			}()
			HashPassword("x", c.salt, c.p)
		})
	}
}

func TestVerifyPassword(t *testing.T) {
	// Precondition of the CJK case: NFC maps the compatibility ideograph
	// U+F9D1 to the unified 六 U+516D.
	if norm.NFC.String("\uF9D1") != "\u516D" {
		t.Fatal("U+F9D1 does not normalise to U+516D")
	}
	tests := []struct {
		name, set, try string
		want           bool
	}{
		{"same", "correct horse battery staple", "correct horse battery staple", true},
		{"wrong", "correct horse battery staple", "correct horse battery stapler", false},
		{"case matters", "Correct Horse", "correct horse", false},
		{"empty is not anything", "correct horse battery staple", "", false},
		{"chinese 40 characters", pwChinese40, pwChinese40, true},
		// Differs only in the 40th character, bytes 118-120: no 72-byte cut.
		{"chinese last character differs", pwChinese40, strings.TrimSuffix(pwChinese40, "乡") + "土", false},
		{"chinese prefix is not enough", pwChinese40, string([]rune(pwChinese40)[:24]), false},
		{"NFC set, NFD typed", "caf\u00e9 au lait chaud", "cafe\u0301 au lait chaud", true},
		{"NFD set, NFC typed", "cafe\u0301 au lait chaud", "caf\u00e9 au lait chaud", true},
		{"hangul NFC and NFD", "비밀번호 구름 사과", norm.NFD.String("비밀번호 구름 사과"), true},
		{"CJK compatibility ideograph", "\uF9D1月的春天真美丽", "\u516D月的春天真美丽", true},
		{"full width is another password", "ｐａｓｓ", "pass", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			phc := HashPassword(tt.set, pwSalt, pwTiny)
			ok, rehash, err := VerifyPassword(phc, tt.try, pwTiny)
			if err != nil {
				t.Fatalf("VerifyPassword: %v", err)
			}
			if ok != tt.want {
				t.Errorf("VerifyPassword = %v, want %v", ok, tt.want)
			}
			if rehash {
				t.Errorf("rehash with unchanged parameters")
			}
		})
	}
}

func TestVerifyPasswordRehash(t *testing.T) {
	phc := HashPassword("correct horse battery staple", pwSalt, pwTiny)
	with := func(f func(*Argon2Params)) Argon2Params { p := pwTiny; f(&p); return p }
	tests := []struct {
		name string
		want Argon2Params
		pw   string
		ok   bool
		re   bool
	}{
		{"same params", pwTiny, "correct horse battery staple", true, false},
		{"more memory wanted", with(func(p *Argon2Params) { p.Memory = 128 }), "correct horse battery staple", true, true},
		{"more passes wanted", with(func(p *Argon2Params) { p.Time = 2 }), "correct horse battery staple", true, true},
		{"more lanes wanted", with(func(p *Argon2Params) { p.Threads = 2 }), "correct horse battery staple", true, true},
		{"longer salt wanted", with(func(p *Argon2Params) { p.SaltLen = 32 }), "correct horse battery staple", true, true},
		{"longer hash wanted", with(func(p *Argon2Params) { p.KeyLen = 64 }), "correct horse battery staple", true, true},
		{"default wanted", DefaultArgon2, "correct horse battery staple", true, true},
		{"wrong password never asks for rehash", DefaultArgon2, "wrong password here", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, re, err := VerifyPassword(phc, tt.pw, tt.want)
			if err != nil {
				t.Fatalf("VerifyPassword: %v", err)
			}
			if ok != tt.ok || re != tt.re {
				t.Errorf("VerifyPassword = %v, rehash %v; want %v, rehash %v", ok, re, tt.ok, tt.re)
			}
		})
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	good := HashPassword("correct horse battery staple", pwSalt, pwTiny)
	parts := strings.Split(good, "$") // "", argon2id, v=19, m=64,t=1,p=1, salt, hash
	salt, hash := parts[4], parts[5]
	b64 := base64.RawStdEncoding.EncodeToString
	tests := map[string]string{
		"empty":              "",
		"plain text":         "correct horse battery staple",
		"bcrypt":             "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":            "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + hash,
		"argon2d":            "$argon2d$v=19$m=64,t=1,p=1$" + salt + "$" + hash,
		"old version":        "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + hash,
		"no version":         "$argon2id$m=64,t=1,p=1$" + salt + "$" + hash,
		"version garbage":    "$argon2id$v=x$m=64,t=1,p=1$" + salt + "$" + hash,
		"params reordered":   "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + hash,
		"param missing":      "$argon2id$v=19$m=64,t=1$" + salt + "$" + hash,
		"param extra":        "$argon2id$v=19$m=64,t=1,p=1,k=2$" + salt + "$" + hash,
		"leading zero":       "$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + hash,
		"plus sign":          "$argon2id$v=19$m=+64,t=1,p=1$" + salt + "$" + hash,
		"negative":           "$argon2id$v=19$m=64,t=-1,p=1$" + salt + "$" + hash,
		"zero time":          "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + hash,
		"zero lanes":         "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + hash,
		"256 lanes":          "$argon2id$v=19$m=4096,t=1,p=256$" + salt + "$" + hash,
		"memory too small":   "$argon2id$v=19$m=7,t=1,p=1$" + salt + "$" + hash,
		"memory too big":     "$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + hash,
		"memory overflow":    "$argon2id$v=19$m=4294967296,t=1,p=1$" + salt + "$" + hash,
		"padded salt":        "$argon2id$v=19$m=64,t=1,p=1$" + base64.StdEncoding.EncodeToString([]byte("12345678")) + "$" + hash,
		"url base64 hash":    "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + strings.NewReplacer("+", "-", "/", "_").Replace(b64(bytes.Repeat([]byte{0xfb}, 32))),
		"bad salt chars":     "$argon2id$v=19$m=64,t=1,p=1$***$" + hash,
		"short salt":         "$argon2id$v=19$m=64,t=1,p=1$" + b64([]byte("1234567")) + "$" + hash,
		"empty salt":         "$argon2id$v=19$m=64,t=1,p=1$$" + hash,
		"short hash":         "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + b64([]byte("123456789012345")),
		"empty hash":         "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$",
		"trailing dollar":    good + "$",
		"missing leading":    strings.TrimPrefix(good, "$"),
		"space inside":       strings.Replace(good, "m=64", "m= 64", 1),
		"non-canonical":      "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + hash[:len(hash)-1] + "B",
		"line break in hash": "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + hash[:10] + "\r\n" + hash[10:],
	}
	for name, phc := range tests {
		t.Run(name, func(t *testing.T) {
			ok, rehash, err := VerifyPassword(phc, "correct horse battery staple", pwTiny)
			if err == nil || ok || rehash {
				t.Errorf("VerifyPassword(%q) = %v, %v, %v; want an error", phc, ok, rehash, err)
			}
			if err != nil && IsUserError(err) {
				t.Errorf("a damaged hash is the server's trouble, not a user error: %v", err)
			}
		})
	}
}

// FuzzPasswordPHC checks that the PHC parser never panics, and that what it
// accepts it reads back exactly.
func FuzzPasswordPHC(f *testing.F) {
	f.Add(HashPassword("correct horse battery staple", pwSalt, pwTiny))
	f.Add("$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
	f.Add("$argon2id$v=19$m=4294967296,t=1,p=1$$")
	f.Add("$$$$$")
	f.Add("$argon2id$v=19$m=17,t=1,p=1$00000000000$000000000\r000000000000A")
	f.Fuzz(func(t *testing.T, phc string) {
		p, salt, key, err := parsePHC(phc)
		if err != nil {
			return
		}
		if err := p.check(len(salt), len(key)); err != nil {
			t.Fatalf("parsePHC accepted %q with bad parameters: %v", phc, err)
		}
		b64 := base64.RawStdEncoding.EncodeToString
		again := fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", p.Memory, p.Time, p.Threads, b64(salt), b64(key))
		if again != phc {
			t.Fatalf("parsePHC(%q) reads back as %q", phc, again)
		}
	})
}

func TestPolicyPreset(t *testing.T) {
	nist, err := PolicyPreset("nist")
	if err != nil {
		t.Fatal(err)
	}
	wantNIST := PasswordPolicy{Preset: "nist", MinLength: 15, MaxLength: 256, History: 5,
		Blocklist: true, Personal: true, LockAfter: 10, LockFor: 15 * time.Minute}
	if nist != wantNIST {
		t.Errorf("nist = %+v\nwant %+v", nist, wantNIST)
	}
	seed, err := PolicyPreset("seed")
	if err != nil {
		t.Fatal(err)
	}
	wantSeed := PasswordPolicy{Preset: "seed", MinLength: 6, MaxLength: 256, NeedLetter: true, NeedDigit: true,
		MaxAge: 30 * 24 * time.Hour, History: 5, Blocklist: true, Personal: true, LockAfter: 5, LockFor: 30 * time.Minute}
	if seed != wantSeed {
		t.Errorf("seed = %+v\nwant %+v", seed, wantSeed)
	}
	custom, err := PolicyPreset(" Custom ")
	if err != nil {
		t.Fatal(err)
	}
	if custom.Preset != "custom" || custom.MinLength != 15 {
		t.Errorf("custom = %+v, want the nist values labelled custom", custom)
	}
	for _, p := range []PasswordPolicy{nist, seed, custom} {
		if err := p.Validate(); err != nil {
			t.Errorf("preset %s does not validate: %v", p.Preset, err)
		}
	}
	for _, name := range []string{"", "strict", "nist2"} {
		_, err := PolicyPreset(name)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "choose nist, seed or custom") {
			t.Errorf("PolicyPreset(%q) = %v, want an invalid error naming the presets", name, err)
		}
	}
}

func TestPasswordPolicyValidate(t *testing.T) {
	base, _ := PolicyPreset("custom")
	with := func(f func(*PasswordPolicy)) PasswordPolicy { p := base; f(&p); return p }
	tests := []struct {
		name string
		p    PasswordPolicy
		want string // "" when valid, else a part of the message
	}{
		{"custom base", base, ""},
		{"min 6", with(func(p *PasswordPolicy) { p.MinLength = 6 }), ""},
		{"min 128", with(func(p *PasswordPolicy) { p.MinLength = 128 }), ""},
		{"max 0 means 256", with(func(p *PasswordPolicy) { p.MaxLength = 0 }), ""},
		{"max equals min", with(func(p *PasswordPolicy) { p.MinLength, p.MaxLength = 20, 20 }), ""},
		{"never locks", with(func(p *PasswordPolicy) { p.LockAfter, p.LockFor = 0, 0 }), ""},
		{"locks until helpdesk", with(func(p *PasswordPolicy) { p.LockFor = 0 }), ""},
		{"all composition rules", with(func(p *PasswordPolicy) {
			p.MinLength, p.NeedLetter, p.NeedDigit, p.NeedUpperLower, p.NeedSymbol = 6, true, true, true, true
		}), ""},
		{"min 5", with(func(p *PasswordPolicy) { p.MinLength = 5 }), "minimum length 5"},
		{"min 129", with(func(p *PasswordPolicy) { p.MinLength = 129; p.MaxLength = 200 }), "minimum length 129"},
		{"max below min", with(func(p *PasswordPolicy) { p.MinLength, p.MaxLength = 20, 19 }), "maximum length 19"},
		{"max too big", with(func(p *PasswordPolicy) { p.MaxLength = 1025 }), "at most 1024"},
		{"unknown preset", with(func(p *PasswordPolicy) { p.Preset = "" }), "preset"},
		{"negative age", with(func(p *PasswordPolicy) { p.MaxAge = -time.Hour }), "maximum age"},
		{"age of an hour", with(func(p *PasswordPolicy) { p.MaxAge = time.Hour }), "maximum age"},
		{"age of 10 years", with(func(p *PasswordPolicy) { p.MaxAge = 3650 * 24 * time.Hour }), "maximum age"},
		{"negative history", with(func(p *PasswordPolicy) { p.History = -1 }), "history -1"},
		{"history 25", with(func(p *PasswordPolicy) { p.History = 25 }), "history 25"},
		{"lock after 1", with(func(p *PasswordPolicy) { p.LockAfter = 1 }), "lock after 1"},
		{"negative lock", with(func(p *PasswordPolicy) { p.LockAfter = -3 }), "lock after -3"},
		{"lock for a second", with(func(p *PasswordPolicy) { p.LockFor = time.Second }), "lock duration"},
		{"several at once", with(func(p *PasswordPolicy) { p.MinLength, p.History = 3, 99 }), "minimum length 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if tt.want == "" {
				if err != nil {
					t.Errorf("Validate = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v, want an invalid error containing %q", err, tt.want)
			}
		})
	}
	err := with(func(p *PasswordPolicy) { p.MinLength, p.History = 3, 99 }).Validate()
	if err == nil || !strings.Contains(err.Error(), "history 99") {
		t.Errorf("Validate names only some problems: %v", err)
	}
}

func pwPolicies(t *testing.T) map[string]PasswordPolicy {
	t.Helper()
	nist, _ := PolicyPreset("nist")
	seed, _ := PolicyPreset("seed")
	strict := PasswordPolicy{Preset: "custom", MinLength: 8, NeedLetter: true, NeedDigit: true, NeedUpperLower: true, NeedSymbol: true}
	plain := PasswordPolicy{Preset: "custom", MinLength: 6}
	short := PasswordPolicy{Preset: "custom", MinLength: 6, MaxLength: 20}
	return map[string]PasswordPolicy{"nist": nist, "seed": seed, "strict": strict, "plain": plain, "short": short}
}

func TestPasswordPolicyCheck(t *testing.T) {
	pols := pwPolicies(t)
	tests := []struct {
		policy, password string
		want             string // "" when accepted, else a part of the message
	}{
		// nist: length is what counts, in characters.
		{"nist", "violet harbor tin lantern", ""},
		{"nist", "lemon tree 42", "password too short: 13 characters, the policy needs at least 15; a passphrase of a few words is easiest"},
		{"nist", "abcdefgh9", "password too short: 9 characters, the policy needs at least 15"},
		{"nist", "我爱北京天安门", "7 characters"}, // 21 bytes, 7 characters
		{"nist", "春眠不觉晓处处闻啼鸟夜来风雨声", ""},     // 15 characters, 45 bytes
		{"nist", "春眠不觉晓处处闻啼鸟夜来风雨", "14 characters"},
		{"nist", pwChinese40, ""},
		{"nist", "no digits or case needed", ""},
		{"nist", strings.Repeat("e", 14) + "\u0301", "14 characters"}, // NFC makes e+accent one character
		{"nist", pwHan(256), ""},
		{"nist", pwHan(257), "password too long: 257 characters, the policy allows at most 256"},
		{"nist", "", "password is empty"},
		{"nist", "violet harbor\ttin lantern", "control character"},
		{"nist", "violet harbor tin\nlantern", "control character"},
		{"nist", "violet harbor \xff tin lantern", "not valid UTF-8"},
		// seed: six characters with letters and digits.
		{"seed", "lemon7tree", ""},
		{"seed", "k9v2mq", ""},
		{"seed", "春天来了2024年", ""},
		{"seed", "k9v2m", "password too short: 5 characters, the policy needs at least 6"},
		{"seed", "lemontree", "password needs a digit"},
		{"seed", "73920461", "password needs a letter"},
		{"seed", "!!!!!!!!", "password needs a letter and a digit"},
		{"seed", "春天来了花开了", "password needs a digit"},
		// every composition rule
		{"strict", "Lemon7tree!", ""},
		{"strict", "lemon7tree!", "an upper-case letter"},
		{"strict", "LEMON7TREE!", "a lower-case letter"},
		{"strict", "Lemon7tree", "a symbol"},
		{"strict", "Lemon tree7", ""}, // a space is a symbol
		{"strict", "Lemontree!", "a digit"},
		{"strict", "72946153!", "a letter, an upper-case letter and a lower-case letter"},
		{"strict", "７２９４６１５３!", "a letter"}, // full-width digits are digits
		// MaxLength is configurable.
		{"short", strings.Repeat("k9", 10), ""},
		{"short", strings.Repeat("k9", 10) + "x", "password too long: 21 characters, the policy allows at most 20"},
		// no blocklist: anything long enough goes.
		{"plain", "password", ""},
		{"plain", "aaaaaa", ""},
	}
	for _, tt := range tests {
		t.Run(tt.policy+"/"+tt.password, func(t *testing.T) {
			err := pols[tt.policy].Check(tt.password, nil)
			if tt.want == "" {
				if err != nil {
					t.Errorf("Check = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Check = %v, want an error containing %q", err, tt.want)
			}
			if !errors.Is(err, ErrInvalid) || !IsUserError(err) {
				t.Errorf("Check error %v is not an invalid user error", err)
			}
		})
	}
}

func TestPasswordBlocklist(t *testing.T) {
	pols := pwPolicies(t)
	blockOnly := PasswordPolicy{Preset: "custom", MinLength: 6, Blocklist: true}
	const common, pattern = "common password", "keyboard pattern"
	tests := []struct {
		policy   string
		pol      PasswordPolicy
		password string
		want     string
	}{
		// listed, in any case
		{password: "password", want: common},
		{password: "PassWord", want: common},
		{password: "123456", want: common},
		{password: "5201314", want: common},
		{password: "woaini1314", want: common},
		{password: "WOAINI520", want: common},
		{password: "qq123456", want: common},
		{password: "a123456", want: common},
		{password: "iloveyou", want: common},
		{password: "1qaz2wsx", want: common},
		{password: "p@ssw0rd", want: common},
		{password: "huang123", want: common},
		{password: "ｐａｓｓｗｏｒｄ", want: common}, // full-width
		// digits and symbols added at the end
		{password: "password123456!!", want: common},
		{password: "iloveyou!!!", want: common},
		{password: "Monkey@@##", want: common},
		{password: "sunshine 2718", want: common},
		// a year appended, also after digits and with symbols around it
		{password: "qq1234562024", want: common},
		{password: "5201314@2024", want: common},
		{password: "woaini1314_1999!", want: common},
		{password: "woaini520 2025", want: common},
		// in front
		{password: "2024password", want: common},
		{password: "!!iloveyou", want: common},
		// letter substitutions
		{password: "P4ssw0rd!", want: common},
		{password: "p@$$w0rd2024", want: common},
		{password: "5un5hine", want: common},
		// walks and repeats
		{password: "aaaaaaaaaaaaaaaa", want: pattern},
		{password: "1234567890123456", want: pattern},
		{password: "qwertyuiopasdfgh", want: pattern},
		{password: "1qaz2wsx3edc4rfv", want: common + "|" + pattern},
		{password: "!QAZ@WSX#EDC$RFV", want: pattern},
		{password: "zaq12wsxcde3vfr4", want: pattern},
		{password: "147258369147258", want: pattern},
		{password: "9876543210zyxwvu", want: pattern},
		{password: "abcabcabcabcabc", want: pattern},
		{password: "woaiwoaiwoaiwoai", want: pattern},
		{password: "k9k9k9k9k9k9k9k9", want: pattern},
		{password: "aaaaaaaaaaaaaaa1", want: pattern},
		{password: "zxcvbnm,./!!!!!!", want: common + "|" + pattern},
		{password: "asdfghjk2024!", want: common + "|" + pattern},
		{password: "哈哈哈哈哈哈哈哈", want: pattern},
		{password: "passwordpassword", want: common + "|" + pattern},
		// spaces do not hide a listed password
		{password: "correct horse battery staple", want: common},
		{password: "i love you 1314", want: common},
		{password: "pass word 123", want: common},
		// fine
		{password: "violet harbor tin lantern"},
		{password: "lemon7tree"},
		{password: "kq7m-x4tp-9ahw-c3nr"},
		{password: "春眠不觉晓处处闻啼鸟夜来风雨声"},
		{password: "password manager on my desk"},
		{password: "mango42 river"},
		{password: "max48210935716253"},
		{password: "abc9372615047"},
		// the same through the presets
		{policy: "nist", password: "password123456!!", want: common},
		{policy: "nist", password: "1234567890123456", want: pattern},
		{policy: "nist", password: "qwertyuiop123456", want: common + "|" + pattern},
		{policy: "nist", password: "violet harbor tin lantern"},
		{policy: "seed", password: "woaini1314", want: common},
		{policy: "seed", password: "abc123", want: common},
		{policy: "seed", password: "a1b2c3d4", want: common},
		{policy: "seed", password: "Qq123456", want: common},
		{policy: "seed", password: "admin@2024", want: common},
		{policy: "seed", password: "asdf1234", want: common},
		{policy: "seed", password: "lemon7tree"},
	}
	for _, tt := range tests {
		pol := blockOnly
		if tt.policy != "" {
			pol = pols[tt.policy]
		}
		t.Run(tt.policy+"/"+tt.password, func(t *testing.T) {
			err := pol.Check(tt.password, nil)
			if tt.want == "" {
				if err != nil {
					t.Errorf("Check = %v, want nil", err)
				}
				return
			}
			if err == nil || !regexp.MustCompile(tt.want).MatchString(err.Error()) {
				t.Fatalf("Check = %v, want an error matching %q", err, tt.want)
			}
			if !strings.EqualFold(tt.password, "password") && strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tt.password)) {
				t.Errorf("the message repeats the password: %v", err)
			}
		})
	}
}

func TestPasswordCommonList(t *testing.T) {
	lines := strings.Split(strings.TrimSuffix(assets.CommonPasswords, "\n"), "\n")
	if len(lines) < 1000 || len(lines) > 2500 {
		t.Errorf("the list has %d passwords, want roughly 1,000 to 2,000", len(lines))
	}
	seen := make(map[string]bool, len(lines))
	for i, w := range lines {
		switch {
		case w == "" || strings.TrimSpace(w) != w:
			t.Errorf("line %d %q is empty or has spaces around it", i+1, w)
		case strings.ToLower(w) != w:
			t.Errorf("line %d %q is not lower case", i+1, w)
		case seen[w]:
			t.Errorf("line %d %q is a duplicate", i+1, w)
		}
		seen[w] = true
	}
	for _, w := range []string{"123456", "5201314", "woaini1314", "qq123456", "a123456", "111111", "abc123",
		"iloveyou", "1qaz2wsx", "zxcvbnm", "password", "admin", "p@ssw0rd", "huang123", "woaini520"} {
		if !seen[w] || !listed(w) {
			t.Errorf("%q is not on the list", w)
		}
	}
}

func TestPasswordPersonal(t *testing.T) {
	nist, _ := PolicyPreset("nist")
	seed, _ := PolicyPreset("seed")
	personal := []string{"张三", "zhangsan", "zs", "zhang.san@example.com", "zhang.san", "E10023", "13800138000", "1990-05-12", ""}
	const refused = "your own details"
	tests := []struct {
		pol      PasswordPolicy
		password string
		want     string
	}{
		{nist, "zhangsan2024!!!!!", refused},
		{nist, "ZhangSan-Rocks-Forever", refused},
		{nist, "zhang.san.is.great.2024", refused},
		{nist, "ｚｈａｎｇｓａｎ１２３４５６７８９", refused}, // full-width
		{nist, "my phone is 13800138000", refused},
		{nist, "born 19900512 in spring", refused},
		{nist, "born 1990-05-12 in spring", refused},
		{nist, "e10023 e10023 e10023", refused},
		{seed, "e10023x", refused},
		{PasswordPolicy{Preset: "custom", MinLength: 6, Personal: true}, "138001380", refused}, // part of the phone number
		{seed, "zhangsan1", refused},
		// "张三" and "zs" are shorter than 3 characters: ignored.
		{nist, "张三的春天在远方的山上等你来呀", ""},
		{nist, "zs violet harbor tin lantern", ""},
		{nist, "violet harbor tin lantern", ""},
		{seed, "lemon7tree", ""},
		// rule off
		{PasswordPolicy{Preset: "custom", MinLength: 6}, "zhangsan2024!!!!!", ""},
	}
	for _, tt := range tests {
		t.Run(tt.pol.Preset+"/"+tt.password, func(t *testing.T) {
			err := tt.pol.Check(tt.password, personal)
			if tt.want == "" {
				if err != nil {
					t.Errorf("Check = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Check = %v, want an error containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "zhangsan") || strings.Contains(err.Error(), "138") {
				t.Errorf("the message repeats what was typed: %v", err)
			}
		})
	}
}

func TestPasswordPolicyExpiry(t *testing.T) {
	seed, _ := PolicyPreset("seed")
	nist, _ := PolicyPreset("nist")
	changed := time.Date(2026, 3, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	due := changed.Add(30 * 24 * time.Hour)
	tests := []struct {
		name    string
		pol     PasswordPolicy
		changed time.Time
		now     time.Time
		want    bool
	}{
		{"just changed", seed, changed, changed, false},
		{"a day before", seed, changed, due.Add(-24 * time.Hour), false},
		{"a nanosecond before", seed, changed, due.Add(-time.Nanosecond), false},
		{"at the instant", seed, changed, due, true},
		{"a second after", seed, changed, due.Add(time.Second), true},
		{"a year after", seed, changed, changed.AddDate(1, 0, 0), true},
		{"the same instant in UTC", seed, changed, due.UTC(), true},
		{"never recorded", seed, time.Time{}, changed, true},
		{"clock behind the change", seed, changed, changed.Add(-time.Hour), false},
		{"nist never expires", nist, changed, changed.AddDate(10, 0, 0), false},
		{"nist, never recorded", nist, time.Time{}, changed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.pol.Expired(tt.changed, tt.now); got != tt.want {
				t.Errorf("Expired = %v, want %v", got, tt.want)
			}
		})
	}
	if at, ok := seed.ExpiresAt(changed); !ok || !at.Equal(due) {
		t.Errorf("seed ExpiresAt = %v, %v; want %v, true", at, ok, due)
	}
	if at, ok := nist.ExpiresAt(changed); ok || !at.IsZero() {
		t.Errorf("nist ExpiresAt = %v, %v; want zero, false", at, ok)
	}
}

func TestLoginDelay(t *testing.T) {
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{math.MinInt, 0},
		{-1, 0},
		{0, 0},
		{1, 0},
		{2, 0},
		{3, time.Second},
		{4, 2 * time.Second},
		{5, 4 * time.Second},
		{6, 8 * time.Second},
		{7, 16 * time.Second},
		{8, 32 * time.Second},
		{9, 60 * time.Second},
		{10, 60 * time.Second},
		{64, 60 * time.Second},
		{1000, 60 * time.Second},
		{math.MaxInt, 60 * time.Second},
	}
	for _, tt := range tests {
		if got := LoginDelay(tt.failures); got != tt.want {
			t.Errorf("LoginDelay(%d) = %v, want %v", tt.failures, got, tt.want)
		}
	}
}

// pwReader gives its bytes, then an error.
type pwReader struct{ data []byte }

func (r *pwReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestOneTimePassword(t *testing.T) {
	shape := regexp.MustCompile(`^[a-km-np-z2-9]{4}(-[a-km-np-z2-9]{4}){4}$`)
	nist, _ := PolicyPreset("nist")
	seed, _ := PolicyPreset("seed")

	// The alphabet: 32 distinct symbols, none of them confusable, so each
	// carries 5 bits and twenty carry 100 ≥ 80.
	if len(oneTimeAlphabet) != 32 || strings.ContainsAny(oneTimeAlphabet, "0O1lI") {
		t.Fatalf("alphabet %q", oneTimeAlphabet)
	}
	for i, c := range oneTimeAlphabet {
		if strings.IndexRune(oneTimeAlphabet, c) != i {
			t.Fatalf("alphabet repeats %q", c)
		}
	}

	// Deterministic: the same source gives the same password.
	a, err := OneTimePassword(rand.NewChaCha8([32]byte{1}))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := OneTimePassword(rand.NewChaCha8([32]byte{1}))
	c, _ := OneTimePassword(rand.NewChaCha8([32]byte{2}))
	if a != b || a == c {
		t.Errorf("seed 1 gave %q and %q, seed 2 gave %q", a, b, c)
	}

	// Exact bytes: byte i picks alphabet[i&31].
	got, err := OneTimePassword(&pwReader{data: []byte{
		0, 1, 24, 2, 3, 25, 26, 4, 5, 6, 27, 28, 7, 8, 29, 30, 9, 10, 31, 11 + 32,
	}})
	if want := "ab2c-d34e-fg56-hi78-jk9m"; got != want || err != nil {
		t.Errorf("OneTimePassword = %q, %v; want %q", got, err, want)
	}

	// A draw without a digit, or a pattern, is drawn again.
	retry := append(bytes.Repeat([]byte{0}, 20), []byte("kq7mx4tp9ahwc3nre8vb")...)
	got, err = OneTimePassword(&pwReader{data: retry})
	if err != nil || got == "aaaa-aaaa-aaaa-aaaa-aaaa" || !shape.MatchString(got) {
		t.Errorf("after an unusable draw: %q, %v", got, err)
	}

	// A broken source is an error, not a weak password.
	if got, err := OneTimePassword(&pwReader{data: []byte{1, 2, 3}}); err == nil {
		t.Errorf("short source gave %q", got)
	}
	if got, err := OneTimePassword(bytes.NewReader(make([]byte, 1<<12))); err == nil {
		t.Errorf("all-zero source gave %q", got)
	}

	// Many draws: all well-formed, distinct, and accepted by both presets.
	rnd := rand.NewChaCha8([32]byte{3})
	seen := map[string]bool{}
	for range 2000 {
		p, err := OneTimePassword(rnd)
		if err != nil {
			t.Fatal(err)
		}
		if !shape.MatchString(p) || seen[p] {
			t.Fatalf("bad or repeated one-time password %q", p)
		}
		seen[p] = true
		if err := nist.Check(p, nil); err != nil {
			t.Fatalf("nist refuses %q: %v", p, err)
		}
		if err := seed.Check(p, nil); err != nil {
			t.Fatalf("seed refuses %q: %v", p, err)
		}
		if n := len([]rune(p)); n < 15 {
			t.Fatalf("%q has %d characters", p, n)
		}
	}
}
