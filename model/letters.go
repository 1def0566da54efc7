package model

import (
	"fmt"
	"slices"
	"strings"
	"text/template"
	"time"

	"postroom/assets"
)

// The letters the system writes to members by itself (ANN-3), each from a
// template in assets/mail that admins may replace (SetLetterTemplate).
const (
	LetterWelcome        = "welcome"         // to each new account
	LetterPasswordExpiry = "password-expiry" // PasswordReminderLead before a password expires
)

// LetterNames lists the letters whose templates admins may edit.
var LetterNames = []string{LetterWelcome, LetterPasswordExpiry}

// LetterLangs are the languages each letter is written in.
var LetterLangs = []string{"zh-CN", "en"}

// PasswordReminderLead is how long before a password expires its owner is
// reminded, once per password.
const PasswordReminderLead = 7 * 24 * time.Hour

// MaxLetterTemplate is how long a letter template may be, in bytes.
const MaxLetterTemplate = 16 << 10

// LetterData is what a letter's template may use: the member's fields and
// what the letter is about. Times are in the server's zone.
type LetterData struct {
	Name       string // the member's name
	Address    string // their mail address (their login)
	Department string // their first department's path
	Title      string // 职务
	Position   string // position class
	EmployeeID string
	Mobile     string
	Company    string // the enterprise's name
	Domain     string // the company's primary mail domain
	Hostname   string // this system's host name
	SSHHost    string // how to reach the SSH door
	SSHPort    int
	Date       time.Time // when the letter is written
	// Expires is when the member's password expires, DaysLeft how many
	// whole days are left until then (password-expiry).
	Expires  time.Time
	DaysLeft int
	// MustChange says the first login asks for a new password (welcome).
	MustChange bool
}

// letterFuncs are the helpers a letter template may call.
var letterFuncs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.Format("2006-01-02")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.Format("2006-01-02 15:04 (MST)")
	},
}

// LetterKey names a letter in a language, as overrides are kept: "welcome.zh-CN".
func LetterKey(name, lang string) string { return name + "." + lang }

// LetterLang is the language tag of a letter for a member's language:
// zh-CN for anything Chinese, else en.
func LetterLang(lang string) string {
	if assets.IsChinese(lang) {
		return "zh-CN"
	}
	return "en"
}

// checkLetterName refuses a name that is not one of LetterNames and a
// language other than LetterLangs.
func checkLetterName(name, lang string) error {
	if !slices.Contains(LetterNames, name) {
		return Invalidf("there is no letter %q: use %s", name, strings.Join(LetterNames, " or "))
	}
	if lang != "" && !slices.Contains(LetterLangs, lang) {
		return Invalidf("letters are written in zh-CN or en, not %q", lang)
	}
	return nil
}

// LetterText is the text of a letter's template in a language: the saved
// override when there is one (custom), else the one in assets/mail.
func LetterText(overrides map[string]string, name, lang string) (text string, custom bool, err error) {
	tag := LetterLang(lang)
	if t, ok := overrides[LetterKey(name, tag)]; ok {
		return t, true, nil
	}
	t, err := assets.MailTemplate(name, tag)
	return t, false, err
}

// ParseLetter parses a letter template.
func ParseLetter(name, text string) (*template.Template, error) {
	return template.New(name).Funcs(letterFuncs).Option("missingkey=error").Parse(text)
}

// RenderLetter executes a letter template and returns the subject (its
// first line, "Subject: ...") and the text after it.
func RenderLetter(t *template.Template, d LetterData) (subject, text string, err error) {
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		return "", "", err
	}
	out := strings.ReplaceAll(b.String(), "\r\n", "\n")
	first, rest, _ := strings.Cut(out, "\n")
	s, ok := strings.CutPrefix(first, "Subject:")
	s = strings.TrimSpace(s)
	if !ok || s == "" {
		return "", "", fmt.Errorf("the first line must be \"Subject: ...\" with the subject")
	}
	rest = strings.TrimLeft(rest, "\n")
	rest = strings.TrimRight(rest, "\n") + "\n"
	return s, rest, nil
}

// SampleLetter is the member a template is tried on before it is saved.
func SampleLetter(now time.Time) LetterData {
	return LetterData{Name: "张伟", Address: "zhang.wei@example.com", Department: "销售部/华北大区", Title: "销售经理",
		Position: string(PositionStaff), EmployeeID: "E1001", Mobile: "13800000000", Company: "示例公司", Domain: "example.com",
		Hostname: "mail.example.com", SSHHost: "mail.example.com", SSHPort: 2222, Date: now,
		Expires: now.Add(PasswordReminderLead), DaysLeft: 7, MustChange: true}
}

// CheckLetter parses a letter template and runs it on SampleLetter; the
// error says what is wrong (the template parser's words).
func CheckLetter(name, text string, now time.Time) error {
	if strings.TrimSpace(text) == "" {
		return Invalidf("the template is empty: give the letter's text, starting with a line \"Subject: ...\"")
	}
	if len(text) > MaxLetterTemplate {
		return Invalidf("the template has %d bytes; at most %d are allowed", len(text), MaxLetterTemplate)
	}
	t, err := ParseLetter(name, text)
	if err != nil {
		return Invalidf("the template cannot be read: %s", err.Error())
	}
	if _, _, err := RenderLetter(t, SampleLetter(now)); err != nil {
		return Invalidf("the template fails on a sample member: %s", err.Error())
	}
	return nil
}

// LetterView reads the saved letter templates.
type LetterView interface {
	// LetterTemplates are the overrides by LetterKey.
	LetterTemplates() (map[string]string, error)
}

// LetterTx writes them.
type LetterTx interface {
	LetterView
	PutLetterTemplates(map[string]string) error
}

// SetLetterTemplate saves an admin's text of a letter in a language, or with
// Reset goes back to the one in assets/mail (both languages when Lang is "").
type SetLetterTemplate struct {
	Name  string
	Lang  string
	Text  string
	Reset bool
}

// Op names the operation.
func (c *SetLetterTemplate) Op() string {
	if c.Reset {
		return "letter.reset"
	}
	return "letter.set"
}

// Target names the letter.
func (c *SetLetterTemplate) Target() string {
	if c.Lang == "" {
		return c.Name
	}
	return LetterKey(c.Name, c.Lang)
}

// Authorize needs the right to manage the organisation: admins only.
func (c *SetLetterTemplate) Authorize(v View, a Actor) error {
	return Authorize(a, RightOrgManage, nil, v)
}

// Apply checks the template and saves it (or removes the override).
func (c *SetLetterTemplate) Apply(tx Tx, env Env) error {
	lt, ok := tx.(LetterTx)
	if !ok {
		return fmt.Errorf("letter templates: the store cannot write them")
	}
	if err := checkLetterName(c.Name, c.Lang); err != nil {
		return err
	}
	cur, err := lt.LetterTemplates()
	if err != nil {
		return err
	}
	next := map[string]string{}
	for k, v := range cur {
		next[k] = v
	}
	if c.Reset {
		for _, l := range LetterLangs {
			if c.Lang == "" || c.Lang == l {
				delete(next, LetterKey(c.Name, l))
			}
		}
	} else {
		if c.Lang == "" {
			return Invalidf("say which language the template is in: --lang zh-CN or --lang en")
		}
		text := strings.ReplaceAll(c.Text, "\r\n", "\n")
		if err := CheckLetter(c.Name, text, env.Now); err != nil {
			return err
		}
		next[LetterKey(c.Name, c.Lang)] = text
	}
	if len(next) == len(cur) && func() bool {
		for k, v := range next {
			if cur[k] != v {
				return false
			}
		}
		return true
	}() {
		return nil
	}
	return lt.PutLetterTemplates(next)
}
