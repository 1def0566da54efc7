package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"postroom/model"
	"postroom/store"
)

// signatureJSON is policy signature show --json.
type signatureJSON struct {
	On     bool   `json:"on"`
	Text   string `json:"text"`
	HTML   string `json:"html"`
	OptOut bool   `json:"opt_out"`
}

// signaturePreviewJSON is policy signature preview --json.
type signaturePreviewJSON struct {
	Member   model.Address `json:"member,omitempty"` // "" : sample fields
	Added    bool          `json:"added"`            // the member's mail gets it
	OptedOut bool          `json:"opted_out"`
	Text     string        `json:"text"`
	HTML     string        `json:"html"`
}

// policySignatureCmd manages the enterprise signature (MAILFX-1).
func policySignatureCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "signature", Short: "the enterprise signature added to members' mail (MAILFX-1)"}
	var textFile, htmlFile, member string
	var optOut, asJSON bool
	set := &cobra.Command{
		Use:   "set --text-file FILE|- [--html-file FILE|-] [--opt-out[=false]] [--json]",
		Short: "set the signature: a text/template with {{.Name}} {{.Title}} {{.Department}} {{.Phone}} {{.Mobile}} {{.Email}} {{.Enterprise}} {{.Address}} {{.CompanyPhone}}",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if textFile == "-" && htmlFile == "-" {
				return model.Invalidf("only one of --text-file and --html-file can be read from standard input")
			}
			var text, html []byte
			var err error
			if textFile != "" {
				if text, err = env.readAll(textFile, model.MaxSignatureBytes*4); err != nil {
					return err
				}
			}
			if htmlFile != "" {
				if html, err = env.readAll(htmlFile, model.MaxSignatureBytes*4); err != nil {
					return err
				}
			}
			return env.editSignature(asJSON, func(s model.SignaturePolicy) (model.SignaturePolicy, error) {
				if textFile == "" && !s.On() {
					return s, model.Invalidf("no signature is set yet: give its text with --text-file FILE")
				}
				if textFile != "" {
					s.Text, s.HTML = string(text), ""
				}
				if htmlFile != "" {
					s.HTML = string(html)
				}
				if c.Flags().Changed("opt-out") {
					s.OptOut = optOut
				}
				return s, nil
			})
		},
	}
	set.Flags().StringVar(&textFile, "text-file", "", "the text template (UTF-8); - reads standard input")
	set.Flags().StringVar(&htmlFile, "html-file", "", "an HTML template for HTML mail (values are escaped); without it the text form is used")
	set.Flags().BoolVar(&optOut, "opt-out", false, "members may turn the signature off for their own mail (member signature ADDR off)")
	set.Flags().BoolVar(&asJSON, "json", false, "print the impact as JSON")
	off := &cobra.Command{
		Use:   "off [--json]",
		Short: "remove the signature: members' mail goes without it",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.editSignature(asJSON, func(model.SignaturePolicy) (model.SignaturePolicy, error) {
				return model.SignaturePolicy{}, nil
			})
		},
	}
	off.Flags().BoolVar(&asJSON, "json", false, "print the impact as JSON")
	show := &cobra.Command{
		Use:   "show [--json]",
		Short: "the signature's templates and whether members may opt out",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				if err := env.mayReadPolicy(r); err != nil {
					return err
				}
				p, err := r.MailPolicy()
				if err != nil {
					return err
				}
				s := p.Signature
				if asJSON {
					return env.printJSON(signatureJSON{On: s.On(), Text: s.Text, HTML: s.HTML, OptOut: s.OptOut})
				}
				if !s.On() {
					env.say("No enterprise signature: policy signature set --text-file FILE sets one.", "没有企业签名档：用 policy signature set --text-file FILE 设置。")
					return nil
				}
				env.say("Text template:", "文本模板：")
				env.printf("%s\n", s.Text)
				if s.HTML != "" {
					env.say("HTML template:", "HTML 模板：")
					env.printf("%s\n", s.HTML)
				}
				if s.OptOut {
					env.say("Members may turn it off for their own mail.", "成员可以为自己的邮件关闭签名档。")
				} else {
					env.say("It goes on every member's mail; members may not turn it off.", "所有成员的邮件都附加签名档；成员不能关闭。")
				}
				return nil
			})
		},
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	preview := &cobra.Command{
		Use:   "preview [--member ADDR] [--json]",
		Short: "the signature as a member's mail gets it (without --member: filled with sample fields)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return env.Store.Read(func(r *store.Reader) error {
				var out signaturePreviewJSON
				p, err := r.MailPolicy()
				if err != nil {
					return err
				}
				if member == "" {
					if err := env.mayReadPolicy(r); err != nil {
						return err
					}
					sig, err := p.Signature.Render(model.SampleSignatureFields)
					if err != nil {
						return err
					}
					out.Added, out.Text, out.HTML = p.Signature.On(), sig.Text, sig.HTML
				} else {
					a, err := addr(member)
					if err != nil {
						return err
					}
					if a != env.Actor.Address {
						if err := env.mayReadPolicy(r); err != nil {
							return err
						}
					}
					m, err := r.Member(a)
					if err != nil {
						return err
					}
					if a != env.Actor.Address && !model.CanSee(env.Actor, m, r) {
						return env.authorize(r, model.RightMemberRead, model.Scope(m.Depts))
					}
					out.Member, out.OptedOut = m.Address, m.NoSignature && p.Signature.OptOut
					var sig model.RenderedSignature
					if sig, out.Added, err = model.SignatureFor(r, p, nil, m); err != nil {
						return err
					}
					if !out.Added && p.Signature.On() {
						// Opted out: show what they would get.
						m2 := m.Clone()
						m2.NoSignature = false
						sig, _, err = model.SignatureFor(r, p, nil, m2)
						if err != nil {
							return err
						}
					}
					out.Text, out.HTML = sig.Text, sig.HTML
				}
				if asJSON {
					return env.printJSON(out)
				}
				switch {
				case !p.Signature.On():
					env.say("No enterprise signature is set.", "没有设置企业签名档。")
					return nil
				case out.OptedOut:
					env.say("%s turned the signature off; their mail goes without it. It would read:", "%s 已关闭签名档，其邮件不附加。内容将是：", out.Member)
				}
				env.printf("-- \n%s\n", out.Text)
				env.say("HTML:", "HTML：")
				env.printf("%s\n", out.HTML)
				return nil
			})
		},
	}
	preview.Flags().StringVar(&member, "member", "", "the member whose fields fill it")
	preview.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.AddCommand(set, off, show, preview)
	return c
}

// editSignature changes the signature through policy set's path: the
// policy as read is the base, so a concurrent change is refused, and the
// impact is printed.
func (e *Env) editSignature(asJSON bool, edit func(model.SignaturePolicy) (model.SignaturePolicy, error)) error {
	var ch *model.SetMailPolicy
	err := e.Store.Read(func(r *store.Reader) error {
		if err := e.authorize(r, model.RightPolicyManage, nil); err != nil {
			return err
		}
		base, err := r.MailPolicy()
		if err != nil {
			return err
		}
		p := base
		if p.Signature, err = edit(base.Signature); err != nil {
			return err
		}
		ch = &model.SetMailPolicy{Policy: p, Base: &base}
		return nil
	})
	if err != nil {
		return err
	}
	if err := e.apply(ch); err != nil {
		return err
	}
	if asJSON {
		return e.printJSON(ch.Impact)
	}
	for _, l := range ch.Impact.Lines {
		fmt.Fprintln(e.Stdout, l)
	}
	return nil
}

// memberSignatureCmd turns the enterprise signature off or on for one
// member's mail.
func memberSignatureCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "signature ADDR on|off",
		Short: "turn the enterprise signature on or off for a member's mail (off only where the policy allows opting out)",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			var off bool
			switch args[1] {
			case "on":
			case "off":
				off = true
			default:
				return model.Invalidf("say on or off: member signature %s on|off", a)
			}
			if err := env.apply(&model.SetSignatureOptOut{Address: a, Off: off}); err != nil {
				return err
			}
			if off {
				env.say("%s: mail goes without the enterprise signature", "%s：邮件不再附加企业签名档", a)
			} else {
				env.say("%s: mail gets the enterprise signature", "%s：邮件附加企业签名档", a)
			}
			return nil
		},
	}
}
