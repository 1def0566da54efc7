package model

import (
	"fmt"
	"strings"

	"postroom/assets"
)

// Localize returns the text of err in the language lang ("zh-CN", "en", or
// a LANG value). For Chinese, every UserError in err's chain is told from
// its translated format (assets.ErrorFormat) with the same arguments; an
// error wrapped around it keeps its own words (such as the
// "member.add zhangsan@example.com: " prefix of store.ApplyAll, which names
// a command and an address) and only the UserError's part is replaced.
// Arguments that are user errors are localised too, and so are Words. Anything without a
// translation, and every language but Chinese, gets err.Error() unchanged,
// so English text is exactly what it was.
func Localize(err error, lang string) string {
	if err == nil {
		return ""
	}
	if !assets.IsChinese(lang) {
		return err.Error()
	}
	return localizeZH(err)
}

// localizeZH tells err in Chinese, as far as translations reach.
func localizeZH(err error) string {
	text := err.Error()
	switch e := err.(type) {
	case *UserError:
		return e.zh()
	case interface{ Unwrap() []error }:
		// errors.Join, or fmt.Errorf with several %w: the parts appear in
		// order, so each is looked for after the one before.
		var b strings.Builder
		rest := text
		for _, inner := range e.Unwrap() {
			if inner == nil {
				continue
			}
			old := inner.Error()
			i := strings.Index(rest, old)
			if i < 0 {
				continue
			}
			b.WriteString(rest[:i])
			b.WriteString(localizeZH(inner))
			rest = rest[i+len(old):]
		}
		b.WriteString(rest)
		return b.String()
	case interface{ Unwrap() error }:
		// fmt.Errorf("...: %w", inner) ends with the inner text.
		inner := e.Unwrap()
		if inner == nil {
			return text
		}
		old := inner.Error()
		if i := strings.LastIndex(text, old); i >= 0 {
			return text[:i] + localizeZH(inner) + text[i+len(old):]
		}
	}
	return text
}

// zh is the Chinese text of e, or its English text without a translation.
func (e *UserError) zh() string {
	format, ok := assets.ErrorFormat(e.Format)
	if !ok {
		return e.Msg
	}
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		if inner, ok := a.(error); ok && IsUserError(inner) {
			a = localizeZH(inner)
		}
		if w, ok := a.(Word); ok {
			if zh, ok := assets.ErrorWord(string(w)); ok {
				a = zh
			}
		}
		if text, ok := a.(string); ok && strings.Contains(format, "%s") {
			// A reason kept as text inside the error, such as why an
			// address is not valid.
			a = localizeText(text, 1)
		}
		args[i] = a
	}
	return fmt.Sprintf(format, args...)
}
