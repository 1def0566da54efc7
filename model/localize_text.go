package model

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"postroom/assets"
)

// LocalizeText tells in the language lang a message that was kept as
// English text, such as the reason a batch task's row failed or a request
// could not be applied: the text is read back against the English error
// formats (assets.ErrorFormats) and, when one matches it whole, told from
// its Chinese form with the same arguments, an argument that is itself
// such a message told the same way. Text no format matches, and every
// language but Chinese, comes back as it was.
func LocalizeText(text, lang string) string {
	if text == "" || !assets.IsChinese(lang) {
		return text
	}
	return localizeText(text, 0)
}

// textFormat is an English error format as a pattern to read text with.
type textFormat struct {
	english string
	prefix  string // the literal text before the first verb
	needle  string // its longest literal run, which the text must hold
	verbs   []byte // each argument's verb: 's', 'v', 'd' or 'q'
	literal int    // how much literal text the format has; more is more specific
	re      *regexp.Regexp
}

var (
	textFormatsOnce sync.Once
	textFormats     []textFormat
)

// loadTextFormats makes the patterns once: every format whose verbs are
// %s, %v, %d and %q in order and that has some literal text, the most
// literal first, so a specific format wins over a general one.
func loadTextFormats() {
	for _, f := range append(append(assets.ErrorFormats(), assets.AddressProblems()...), assets.BatchSummaries()...) {
		tf, ok := compileTextFormat(f)
		if ok {
			textFormats = append(textFormats, tf)
		}
	}
	slices.SortFunc(textFormats, func(a, b textFormat) int {
		return cmp.Or(cmp.Compare(b.literal, a.literal), strings.Compare(a.english, b.english))
	})
}

func compileTextFormat(f string) (textFormat, bool) {
	tf := textFormat{english: f}
	var re strings.Builder
	re.WriteString("^")
	lit, first := 0, true
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' {
			j := strings.IndexByte(f[i:], '%')
			if j < 0 {
				j = len(f) - i
			}
			re.WriteString(regexp.QuoteMeta(f[i : i+j]))
			if first {
				tf.prefix += f[i : i+j]
			}
			if j > len(tf.needle) {
				tf.needle = f[i : i+j]
			}
			lit += j
			i += j - 1
			continue
		}
		if i+1 >= len(f) {
			return tf, false
		}
		i++
		switch f[i] {
		case '%':
			re.WriteString("%")
			lit++
			continue
		case 's', 'v':
			re.WriteString("(.*?)")
		case 'd':
			re.WriteString("(-?[0-9]+)")
		case 'q':
			re.WriteString(`("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)+')`) // a string, or a rune
		default:
			return tf, false // a width, an index or another verb: not read back
		}
		tf.verbs = append(tf.verbs, f[i])
		first = false
	}
	re.WriteString("$")
	if lit < 8 {
		return tf, false // too little of its own to be sure it is this one
	}
	tf.literal = lit
	tf.re = regexp.MustCompile(re.String())
	return tf, true
}

func localizeText(text string, depth int) string {
	if depth > 3 {
		return text
	}
	textFormatsOnce.Do(loadTextFormats)
	for _, tf := range textFormats {
		if !strings.HasPrefix(text, tf.prefix) || !strings.Contains(text, tf.needle) {
			continue
		}
		m := tf.re.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		zh, found := assets.ErrorFormat(tf.english)
		if !found {
			zh, found = assets.AddressProblem(tf.english)
		}
		if !found {
			zh, _ = assets.BatchSummary(tf.english)
		}
		args := make([]any, len(tf.verbs))
		ok := true
		for i, v := range tf.verbs {
			a := m[i+1]
			switch v {
			case 'd':
				n, err := strconv.Atoi(a)
				if err != nil {
					ok = false
				}
				args[i] = n
			case 'q':
				u, err := strconv.Unquote(a)
				if err != nil {
					ok = false
				}
				args[i] = u
			default:
				if w, found := assets.ErrorWord(a); found {
					args[i] = w
				} else {
					args[i] = localizeText(a, depth+1)
				}
			}
		}
		if ok {
			return fmt.Sprintf(zh, args...)
		}
	}
	return text
}

// The parts store adds to a batch task's summary (store/batch.go).
var (
	summaryInterrupted = "interrupted: postroom stopped while it ran; "
	summaryStopped     = "; stopped before the end: run it again to go on"
	summaryCancelledRE = regexp.MustCompile(`; cancelled by (\S+) at (\S+)$`)
)

// BatchSummaryIn tells a batch task's summary in the language lang: its
// own words read back (LocalizeText, with the summaries' formats), and
// what the store added — an interruption, a cancellation — in Chinese too.
func BatchSummaryIn(summary, lang string) string {
	if summary == "" || !assets.IsChinese(lang) {
		return summary
	}
	var head, tail string
	if rest, ok := strings.CutPrefix(summary, summaryInterrupted); ok {
		head, summary = "已中断：运行时 postroom 停止了；", rest
	}
	if m := summaryCancelledRE.FindStringSubmatch(summary); m != nil {
		tail = fmt.Sprintf("；由 %s 于 %s 取消", m[1], m[2])
		summary = summary[:len(summary)-len(m[0])]
	}
	if rest, ok := strings.CutSuffix(summary, summaryStopped); ok {
		tail, summary = "；未做完就停止了：再运行一次即可继续"+tail, rest
	}
	return head + LocalizeText(summary, lang) + tail
}
