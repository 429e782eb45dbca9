package shapefile

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// charset is the encoding of the .dbf's text (field names and C values).
type charset int

const (
	csUTF8 charset = iota
	csGBK
	csGB18030
)

func (c charset) String() string {
	return [...]string{"UTF-8", "GBK", "GB18030"}[c]
}

// Language driver IDs (dBASE header byte 29) meaning code page 936.
const (
	ldidGBK    = 0x4D
	ldidGBKAlt = 0x7A
)

// parseCharset recognises a .cpg's content or WriteOptions.Encoding,
// case-insensitively: UTF-8 (UTF8, 65001, CP65001; ASCII as a subset) and
// GBK (GB2312, 936, CP936, MS936, WINDOWS-936, ANSI 936) or GB18030.
func parseCharset(s string) (charset, bool) {
	t := strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "\uFEFF")))
	t = strings.TrimSpace(strings.TrimPrefix(t, "ANSI"))
	switch t {
	case "UTF-8", "UTF8", "65001", "CP65001", "ASCII", "US-ASCII":
		return csUTF8, true
	case "GBK", "GB2312", "GB-2312", "EUC-CN", "936", "CP936", "MS936", "WINDOWS-936":
		return csGBK, true
	case "GB18030", "GB-18030", "54936", "CP54936":
		return csGB18030, true
	}
	return 0, false
}

// decoder turns .dbf bytes into Go strings.
type decoder struct {
	cs  charset
	dec interface {
		Bytes([]byte) ([]byte, error)
	}
}

func newDecoder(cs charset) *decoder {
	d := &decoder{cs: cs}
	switch cs {
	case csGBK:
		d.dec = simplifiedchinese.GBK.NewDecoder()
	case csGB18030:
		d.dec = simplifiedchinese.GB18030.NewDecoder()
	}
	return d
}

// decode returns the text and whether every byte decoded cleanly.
func (d *decoder) decode(b []byte) (string, bool) {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b), true
	}
	if d.cs == csUTF8 {
		if utf8.Valid(b) {
			return string(b), true
		}
		return strings.ToValidUTF8(string(b), "\uFFFD"), false
	}
	out, err := d.dec.Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD"), false
	}
	s := string(out)
	// The x/text decoders replace undecodable bytes with U+FFFD.
	return s, !strings.ContainsRune(s, utf8.RuneError)
}

// encoder turns Go strings into .dbf bytes.
type encoder struct {
	cs  charset
	enc interface {
		Bytes([]byte) ([]byte, error)
	}
}

func newEncoder(cs charset) *encoder {
	e := &encoder{cs: cs}
	if cs != csUTF8 {
		e.enc = simplifiedchinese.GBK.NewEncoder()
	}
	return e
}

// encode fails on invalid UTF-8 and, for GBK, on characters GBK lacks.
func (e *encoder) encode(s string) ([]byte, bool) {
	if !utf8.ValidString(s) {
		return nil, false
	}
	if e.cs == csUTF8 {
		return []byte(s), true
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return []byte(s), true
	}
	b, err := e.enc.Bytes([]byte(s))
	if err != nil {
		return nil, false
	}
	return b, true
}

// truncate cuts encoded text to at most max bytes at a character boundary.
func truncate(b []byte, max int, cs charset) []byte {
	if len(b) <= max {
		return b
	}
	if cs == csUTF8 {
		i := max
		for i > 0 && !utf8.RuneStart(b[i]) {
			i--
		}
		return b[:i]
	}
	// GBK: a byte 0x81–0xFE leads a two-byte character (the writer never
	// produces GB18030 four-byte sequences); anything else is one byte.
	i := 0
	for i < len(b) {
		n := 1
		if b[i] >= 0x81 && b[i] <= 0xFE {
			n = 2
		}
		if i+n > max {
			break
		}
		i += n
	}
	return b[:i]
}
