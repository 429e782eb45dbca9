// Package input holds the rules that every piece of text a user sends
// obeys, whichever reader or command it arrives through, and plain
// descriptions of JSON decoding faults (so no Go type name reaches a
// user). It has no dependencies.
package input

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Length limits of stored text, in characters.
const (
	MaxName  = 200  // names of rights, holders, mines, layers, features
	MaxCode  = 64   // identifiers, licence numbers, codes
	MaxText  = 2000 // free text: reasons, notes, addresses
	MaxValue = 4000 // any other attribute value read from a file
)

// TextError says why a text cannot be accepted.
type TextError struct {
	Rule     string // utf8, control, bidi, length, blank
	Position int    // 1-based character position of the fault; 0 for the whole text
	ZH, EN   string
}

func (e *TextError) Error() string { return e.ZH + " / " + e.EN }

// CheckText refuses text that is not valid UTF-8, holds NUL or other
// control characters (tab excepted when multiline; newlines only when
// multiline), holds bidirectional controls (U+202A–U+202E, U+2066–U+2069,
// U+200E, U+200F, U+061C: they make a name read differently from what is
// stored), or is longer than max characters.
func CheckText(s string, max int, multiline bool) error {
	if !utf8.ValidString(s) {
		return &TextError{Rule: "utf8", ZH: "文本不是有效的 UTF-8 编码", EN: "the text is not valid UTF-8"}
	}
	n := 0
	for _, r := range s {
		n++
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			if !multiline {
				return &TextError{Rule: "control", Position: n, ZH: fmt.Sprintf("第 %d 个字符是换行或制表符，此处只能写一行", n), EN: fmt.Sprintf("character %d is a line break or tab; this field is one line", n)}
			}
		case isBidiControl(r):
			return &TextError{Rule: "bidi", Position: n, ZH: fmt.Sprintf("第 %d 个字符是双向文字控制符 U+%04X，不允许使用", n, r), EN: fmt.Sprintf("character %d is the bidirectional control U+%04X, which is not allowed", n, r)}
		case unicode.IsControl(r) || r == '\uFEFF' || r == '\uFFFD':
			return &TextError{Rule: "control", Position: n, ZH: fmt.Sprintf("第 %d 个字符是控制符或替换符 U+%04X", n, r), EN: fmt.Sprintf("character %d is the control or replacement character U+%04X", n, r)}
		}
	}
	if n > max {
		return &TextError{Rule: "length", ZH: fmt.Sprintf("长 %d 个字符，超过上限 %d", n, max), EN: fmt.Sprintf("%d characters long, over the limit of %d", n, max)}
	}
	return nil
}

func isBidiControl(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200E || r == 0x200F || r == 0x061C:
		return true
	}
	return false
}

// ExcerptRunes is how much of a refused value a message quotes.
const ExcerptRunes = 40

// Excerpt is s cut to ExcerptRunes characters (with "…" when cut), for
// quoting a refused value in a message without echoing a huge one.
func Excerpt(s string) string {
	if utf8.RuneCountInString(s) <= ExcerptRunes {
		return s
	}
	return string([]rune(s)[:ExcerptRunes]) + "…"
}
