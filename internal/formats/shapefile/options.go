package shapefile

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"mineplan/internal/formats"
)

// ReadOptions are the choices of the person importing a shapefile.
type ReadOptions struct {
	// Encoding of the .dbf text (field names and text values): UTF-8, GBK
	// or GB18030, also spelt as a .cpg may spell them (UTF8, 65001,
	// GB2312, 936, CP936, 54936 …). It overrides the .cpg and the language
	// driver byte. Text that is not valid in it is still refused. Empty:
	// the .cpg decides, else the language driver byte, else the content.
	Encoding string
}

// EncodingNames lists the encoding names ReadOptions.Encoding accepts, for
// messages and help texts.
const EncodingNames = "UTF-8, GBK, GB18030 (UTF8, 65001, GB2312, 936, CP936, 54936)"

// CheckEncoding refuses an encoding name ReadOptions.Encoding does not
// accept, listing the accepted ones; "" is accepted (no override).
func CheckEncoding(name string) error {
	_, err := ReadOptions{Encoding: name}.charset()
	return err
}

// charset is the override, or -1 when there is none.
func (o ReadOptions) charset() (charset, error) {
	if strings.TrimSpace(o.Encoding) == "" {
		return -1, nil
	}
	cs, ok := parseCharset(o.Encoding)
	if !ok {
		return -1, errorf("不支持的编码 %q（可用：%s）", "unsupported encoding %q (accepted: %s)", truncRunes(o.Encoding, 40), EncodingNames)
	}
	return cs, nil
}

// csSource is where the .dbf encoding came from.
type csSource int

const (
	srcDetected csSource = iota // from the content
	srcOption                   // ReadOptions.Encoding
	srcCPG                      // the .cpg file
	srcLDID                     // the .dbf language driver byte
)

func (s csSource) words() (zh, en string) {
	switch s {
	case srcOption:
		return "按 --encoding 指定", "as --encoding says"
	case srcCPG:
		return ".cpg 文件声明的编码", "as the .cpg declares"
	case srcLDID:
		return ".dbf 语言驱动标志（代码页 936）表示的编码", "as the .dbf language driver byte (code page 936) declares"
	}
	return "按内容判断的编码", "guessed from the content"
}

// chooseCharset picks the .dbf text encoding: the option, else the .cpg
// when it names one we know, else the language driver byte (0x4D/0x7A =
// code page 936), else UTF-8 when every text byte is valid UTF-8, else
// GBK (with a warning).
func chooseCharset(cpg []byte, t *dbfTable, opt charset, ws *warnings) (charset, csSource) {
	if opt >= 0 {
		return opt, srcOption
	}
	if cpg != nil {
		name := strings.TrimSpace(string(cpg))
		if cs, ok := parseCharset(name); ok {
			return cs, srcCPG
		}
		if name != "" {
			ws.add(0, "", ".cpg 中的编码 %q 不受支持，按内容判断（可用 --encoding 指定）", ".cpg names encoding %q, which is not supported; guessing from the content (--encoding overrides)", truncRunes(name, 40))
		}
	}
	if t.ldid == ldidGBK || t.ldid == ldidGBKAlt {
		return csGBK, srcLDID
	}
	_, nonASCII, allUTF8 := utf8Evidence(t)
	if !nonASCII || allUTF8 {
		return csUTF8, srcDetected
	}
	ws.add(0, "", "没有 .cpg 文件，文本不是有效的 UTF-8，按 GBK 读取（可用 --encoding 指定）", "no .cpg file and the text is not valid UTF-8; read as GBK (--encoding overrides)")
	return csGBK, srcDetected
}

// textPos names a text of the .dbf: a field name (rec 0) or a value.
type textPos struct{ rec, field int }

// isText says whether a field's values are read as text.
func (f dbfField) isText() bool {
	return f.typ != 'N' && f.typ != 'F' && f.typ != 'L' && f.typ != 'D'
}

// utf8Evidence looks at every field name and text value of the records
// not deleted: whether any holds a byte ≥ 0x80, the first that does, and
// whether all those are valid UTF-8 (a character cut at the end of a
// fixed-width field allowed).
func utf8Evidence(t *dbfTable) (first textPos, nonASCII, allUTF8 bool) {
	allUTF8 = true
	see := func(b []byte, p textPos) {
		if isASCII(b) {
			return
		}
		if !nonASCII {
			first, nonASCII = p, true
		}
		if !utf8.Valid(trimPartialUTF8(b)) {
			allUTF8 = false
		}
	}
	for j, f := range t.fields {
		see(f.rawName, textPos{0, j})
	}
	for i := 0; allUTF8 && i < t.nrec; i++ {
		if t.deleted(i) {
			continue
		}
		r := t.record(i)
		for j, f := range t.fields {
			if f.isText() {
				see(r[f.off:f.off+f.width], textPos{i + 1, j})
			}
		}
	}
	return first, nonASCII, allUTF8
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// checkDeclaredGBK refuses a file declared GBK or GB18030 (by the .cpg or
// the language driver byte) whose every non-ASCII text is valid UTF-8:
// GBK Chinese text is practically never valid UTF-8, so the declaration
// is wrong. An explicit option is obeyed.
func checkDeclaredGBK(t *dbfTable, cs charset, src csSource) error {
	if cs == csUTF8 || (src != srcCPG && src != srcLDID) {
		return nil
	}
	first, nonASCII, allUTF8 := utf8Evidence(t)
	if !nonASCII || !allUTF8 {
		return nil
	}
	szh, sen := src.words()
	zh := fmt.Sprintf("%s为 %s，但文件中所有非 ASCII 文本都是有效的 UTF-8，可能是 UTF-8 编码；请用 --encoding UTF-8 指定（确为 %s 则用 --encoding %s）", szh, cs, cs, cs)
	en := fmt.Sprintf("the encoding is %s (%s) but every non-ASCII text in the file is valid UTF-8; it may be UTF-8: give --encoding UTF-8 (or --encoding %s if it really is %s)", cs, sen, cs, cs)
	return textError(t, first, csUTF8, zh, en)
}

// textError prefixes a message with the text it concerns: "第 3 条记录字段
// NAME：" or, for a field name, "第 2 个字段的名称：". Field names are shown
// decoded as display (the encoding the text is thought to be in).
func textError(t *dbfTable, p textPos, display charset, zh, en string) error {
	if p.rec == 0 {
		return fmt.Errorf("第 %d 个字段的名称：%s / field %d name: %s", p.field+1, zh, p.field+1, en)
	}
	name, _ := newDecoder(display).decode(bytes.TrimSpace(t.fields[p.field].rawName))
	name = strings.ToValidUTF8(name, "?")
	if name == "" {
		name = fmt.Sprintf("FIELD_%d", p.field+1)
	}
	return fmt.Errorf("第 %d 条记录字段 %s：%s / record %d field %s: %s", p.rec, name, zh, p.rec, name, en)
}

// invalidText is the refusal of a text that does not decode in cs,
// suggesting the encoding it does decode in.
func invalidText(t *dbfTable, p textPos, b []byte, cs charset, src csSource) error {
	szh, sen := src.words()
	zh := fmt.Sprintf("文本不是有效的 %s（%s）", cs, szh)
	en := fmt.Sprintf("text is not valid %s (%s)", cs, sen)
	display := cs
	if alt, ok := decodesAs(b, cs); ok {
		zh += fmt.Sprintf("，可能是 %s 编码；请用 --encoding %s 指定", alt, alt)
		en += fmt.Sprintf("; it may be %s: give --encoding %s", alt, alt)
		display = alt
	} else {
		zh += fmt.Sprintf("；请用 --encoding 指定正确的编码（%s）", EncodingNames)
		en += fmt.Sprintf("; give the right encoding with --encoding (%s)", EncodingNames)
	}
	return textError(t, p, display, zh, en)
}

// decodesAs is the first other encoding in which b decodes cleanly.
func decodesAs(b []byte, not charset) (charset, bool) {
	for _, cs := range []charset{csUTF8, csGBK, csGB18030} {
		if cs == not {
			continue
		}
		if _, ok := newDecoder(cs).decode(trimPartial(b, cs)); ok {
			return cs, true
		}
	}
	return 0, false
}

// trimPartial drops padding and an incomplete character at the end of a
// fixed-width field (another writer may cut text at a byte count).
func trimPartial(b []byte, cs charset) []byte {
	if cs == csUTF8 {
		return trimPartialUTF8(b)
	}
	b = bytes.TrimRight(b, " \x00")
	i := 0
	for i < len(b) {
		c := b[i]
		switch {
		case c < 0x81 || c == 0xFF:
			i++
			continue
		case i+1 >= len(b):
			return b[:i] // a lead byte with nothing after it
		case cs == csGB18030 && b[i+1] >= 0x30 && b[i+1] <= 0x39:
			if i+4 > len(b) {
				return b[:i]
			}
			i += 4
		default:
			i += 2
		}
	}
	return b
}

// checkLimits bounds what the .dbf would make us hold in memory.
func checkLimits(t *dbfTable) error {
	if t.nrec > formats.MaxFeatures {
		return errorf(".dbf 有 %d 条记录，超过上限 %d", ".dbf has %d records, over the limit of %d", t.nrec, formats.MaxFeatures)
	}
	if len(t.fields) > formats.MaxFields {
		return errorf(".dbf 有 %d 个字段，超过上限 %d", ".dbf has %d fields, over the limit of %d", len(t.fields), formats.MaxFields)
	}
	if int64(t.nrec)*int64(len(t.fields)) > formats.MaxValues {
		return errorf(".dbf 有 %d 条记录 × %d 个字段，超过 %d 个属性值的上限", ".dbf has %d records × %d fields, over the limit of %d values", t.nrec, len(t.fields), formats.MaxValues)
	}
	return nil
}

// readMember reads one member file of a shapefile from disk, refusing it
// when it would take the files read together past formats.MaxInputBytes.
func readMember(path string, budget *int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, errorf("无法读取 %s：%v", "cannot read %s: %v", path, err)
	}
	if st.Size() > *budget {
		return nil, errorf("%s 有 %d 字节：Shapefile 的各文件合计不能超过 %d 字节", "%s has %d bytes: a shapefile's files may not exceed %d bytes together", path, st.Size(), int64(formats.MaxInputBytes))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, errorf("无法读取 %s：%v", "cannot read %s: %v", path, err)
	}
	*budget -= int64(len(b))
	if *budget < 0 {
		return nil, errorf("%s 读取中变大，超过 %d 字节", "%s grew while being read, past %d bytes", path, int64(formats.MaxInputBytes))
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}
