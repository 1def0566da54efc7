package mail

import (
	"errors"

	"postroom/model"
	"postroom/store"
)

// SendOneTime mails a joiner's one-time password to the heads of the
// department they join (or of the nearest department above it with a
// head), each in their language (ACC-1: "delivered to the person's
// head"); it returns whom it went to. The command that applied the join
// calls it with the password it was shown; nothing keeps the password.
func (r *Relay) SendOneTime(q *model.Request, otp string) ([]model.Address, error) {
	if q == nil || q.Kind != model.RequestJoin || q.Join == nil || otp == "" {
		return nil, errors.New("one-time password: not an applied join request")
	}
	var heads []*model.Member
	err := r.store.Read(func(rd *store.Reader) error {
		id := q.Join.Dept
		for range model.MaxDeptDepth + 2 {
			d, err := rd.Dept(id)
			if err != nil {
				return err
			}
			for _, h := range d.Heads {
				if m, err := rd.Member(h); err == nil && m.Status == model.StatusActive {
					heads = append(heads, m)
				}
			}
			if len(heads) > 0 || d.ID == model.RootDept || d.Parent == 0 {
				return nil
			}
			id = d.Parent
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var sent []model.Address
	for _, h := range heads {
		lang := memberLang(h)
		d := struct {
			ToName, Name, Hostname, Password string
			Address                          model.Address
			ID                               uint64
		}{h.Name, q.Join.Name, r.del.cfg.Hostname, otp, q.Join.Address, q.ID}
		subject, text, err := renderMail("onetime", lang, d)
		if err != nil {
			return sent, err
		}
		from := model.Address("postmaster@" + r.del.cfg.PrimaryDomain)
		msg := composeNotice("onetime", lang, "", from, h.Name, h.Address, "", r.now().In(r.del.location()), r.del.cfg.Hostname, subject, text)
		if _, err := r.del.enqueueSystem(h.Address, from, subject, msg); err != nil {
			return sent, err
		}
		sent = append(sent, h.Address)
	}
	r.del.Kick()
	return sent, nil
}
