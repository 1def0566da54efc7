package assets

import (
	"embed"
	"fmt"
)

// mailTemplates holds the texts of the mails the system writes itself:
// notices about held mail (held, released, rejected, the approver's
// request), notices about requests (request-turn to an approver,
// request-progress and request-outcome to the requester and the subject),
// the notice that warnings blocked a mailbox (blocked, to the person and
// their head), the confirmation, welcome and leave-confirmation mails of a
// mailing list (list-confirm, list-welcome, list-unsubscribe; list-invite
// confirms an address an import gave), the notice of long-unused accounts to
// their heads (inactive), announcements, the welcome letter and
// the password-expiry reminder (ANN-1, ANN-3) and the human part of delivery status
// notifications. Each is a
// text/template file named KIND.LANG.tmpl whose first line is
// "Subject: ..." and whose body follows a blank line.
//
//go:embed mail/*.tmpl
var mailTemplates embed.FS

// MailTemplate returns the text of the mail template kind ("held",
// "released", "rejected", "approval", "bounce") in the language lang: zh-CN
// for anything Chinese, English otherwise.
func MailTemplate(kind, lang string) (string, error) {
	tag := "en"
	if IsChinese(lang) {
		tag = "zh-CN"
	}
	b, err := mailTemplates.ReadFile("mail/" + kind + "." + tag + ".tmpl")
	if err != nil {
		return "", fmt.Errorf("mail template %q (%s): %w", kind, tag, err)
	}
	return string(b), nil
}

// MailTemplateKinds lists the kinds of mail template, each in every language.
var MailTemplateKinds = []string{"held", "released", "rejected", "approval", "bounce", "request-turn", "request-progress", "request-outcome", "blocked", "list-confirm", "list-welcome", "list-unsubscribe", "list-invite",
	"announcement", "welcome", "password-expiry", "inactive", "reply", "onetime"}
