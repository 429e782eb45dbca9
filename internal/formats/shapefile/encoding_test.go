package shapefile

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"mineplan/internal/formats"
)

func TestGBKWithoutCPG(t *testing.T) {
	want := wantBack(sampleLayer(4490))
	files, _, err := Encode(sampleLayer(4490), WriteOptions{Encoding: "GBK"})
	if err != nil {
		t.Fatal(err)
	}
	if files.DBF[29] != 0x4D {
		t.Errorf("language driver 0x%02X, want 0x4D", files.DBF[29])
	}
	files.CPG = nil

	// The language driver byte says code page 936.
	got, warns, err := Read(*files)
	if err != nil {
		t.Fatal(err)
	}
	compareLayers(t, got, want)
	if len(warns) != 0 {
		t.Errorf("warnings %v", warns)
	}

	// Neither .cpg nor language driver: not valid UTF-8, so GBK.
	files.DBF[29] = 0
	got, warns, err = Read(*files)
	if err != nil {
		t.Fatal(err)
	}
	compareLayers(t, got, want)
	if !hasWarning(warns, "read as GBK") {
		t.Errorf("no warning about guessing GBK: %v", warns)
	}

	// UTF-8 without a .cpg is recognised as UTF-8.
	files, _, _ = Encode(sampleLayer(4490), WriteOptions{})
	files.CPG = nil
	got, warns, err = Read(*files)
	if err != nil {
		t.Fatal(err)
	}
	compareLayers(t, got, want)
	if len(warns) != 0 {
		t.Errorf("warnings %v", warns)
	}
}

func TestCPGNames(t *testing.T) {
	want := wantBack(sampleLayer(4490))
	gbk, _, _ := Encode(sampleLayer(4490), WriteOptions{Encoding: "GBK"})
	gbk.DBF[29] = 0 // only the .cpg decides
	for _, cpg := range []string{"GBK", "gbk\r\n", "936", "CP936", "cp936", "GB2312", "gb18030", "ANSI 936", "\uFEFFGBK"} {
		gbk.CPG = []byte(cpg)
		got, warns, err := Read(*gbk)
		if err != nil {
			t.Fatalf("%q: %v", cpg, err)
		}
		compareLayers(t, got, want)
		if len(warns) != 0 {
			t.Errorf("%q: warnings %v", cpg, warns)
		}
	}
	utf, _, _ := Encode(sampleLayer(4490), WriteOptions{Encoding: "utf8"})
	for _, cpg := range []string{"UTF-8", "utf-8", "UTF8", "65001"} {
		utf.CPG = []byte(cpg)
		got, _, err := Read(*utf)
		if err != nil {
			t.Fatalf("%q: %v", cpg, err)
		}
		compareLayers(t, got, want)
	}
	// An unknown .cpg falls back to guessing, with a warning.
	gbk.CPG = []byte("Big5")
	got, warns, err := Read(*gbk)
	if err != nil {
		t.Fatal(err)
	}
	compareLayers(t, got, want)
	if !hasWarning(warns, `.cpg names encoding "Big5"`) {
		t.Errorf("warnings %v", warns)
	}
}

func TestStringTruncation(t *testing.T) {
	tong := strings.Repeat("铜", 200)
	values := []string{tong, "a" + tong, "ab" + tong, strings.Repeat("x", 254), "短"}
	want := map[string][]string{
		// UTF-8: 3 bytes a character.
		"UTF-8": {strings.Repeat("铜", 84), "a" + strings.Repeat("铜", 84), "ab" + strings.Repeat("铜", 84), strings.Repeat("x", 254), "短"},
		// GBK: 2 bytes a character.
		"GBK": {strings.Repeat("铜", 127), "a" + strings.Repeat("铜", 126), "ab" + strings.Repeat("铜", 126), strings.Repeat("x", 254), "短"},
	}
	for enc, w := range want {
		l := &formats.Layer{SRID: 4490, Fields: []formats.Field{{Name: "备注", Type: formats.String}}}
		for _, v := range values {
			l.Features = append(l.Features, formats.Feature{Geometry: Polygon4490(), Values: []any{v}})
		}
		files, rep, err := Encode(l, WriteOptions{Encoding: enc})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Warnings) != 3 {
			t.Errorf("%s: %d warnings, want 3: %v", enc, len(rep.Warnings), rep.Warnings)
		}
		for i, ww := range rep.Warnings {
			if ww.Record != i+1 || ww.Field != "备注" || !strings.Contains(ww.Message, "truncated") {
				t.Errorf("%s: warning %d = %+v", enc, i, ww)
			}
		}
		if width := files.DBF[32+16]; width != 254 {
			t.Errorf("%s: width %d", enc, width)
		}
		got, _, err := Read(*files)
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range got.Features {
			s := f.Values[0].(string)
			if s != w[i] || !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
				t.Errorf("%s value %d: %d runes %q…, want %d runes", enc, i, utf8.RuneCountInString(s), truncRunes(s, 5), utf8.RuneCountInString(w[i]))
			}
		}
	}
}

func TestFieldNameTruncation(t *testing.T) {
	names := []string{"矿权名称和编号", "矿权名称和编码", "AREA", "area", "abcdefghijkl", "abcdefghijXY", "名称"}
	want := map[string][]string{
		"UTF-8": {"矿权名", "矿权_1", "AREA", "area_1", "abcdefghij", "abcdefgh_1", "名称"},
		"GBK":   {"矿权名称和", "矿权名称_1", "AREA", "area_1", "abcdefghij", "abcdefgh_1", "名称"},
	}
	for enc, w := range want {
		l := &formats.Layer{SRID: 4490}
		vals := []any{}
		for _, n := range names {
			l.Fields = append(l.Fields, formats.Field{Name: n, Type: formats.String})
			vals = append(vals, n)
		}
		l.Features = []formats.Feature{{Geometry: Polygon4490(), Values: vals}}
		files, rep, err := Encode(l, WriteOptions{Encoding: enc})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rep.FieldNames, w) {
			t.Errorf("%s: names %q, want %q", enc, rep.FieldNames, w)
		}
		for j := range names {
			d := files.DBF[32+32*j : 64+32*j]
			if d[10] != 0 {
				t.Errorf("%s: field %d name fills 11 bytes", enc, j)
			}
		}
		got, _, err := Read(*files)
		if err != nil {
			t.Fatal(err)
		}
		for j, f := range got.Fields {
			if f.Name != w[j] {
				t.Errorf("%s: read name %q, want %q", enc, f.Name, w[j])
			}
			if got.Features[0].Values[j] != names[j] {
				t.Errorf("%s: value %v", enc, got.Features[0].Values[j])
			}
		}
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		s    string
		max  int
		cs   charset
		want string
	}{
		{"a铜", 3, csUTF8, "a"},
		{"a铜", 4, csUTF8, "a铜"},
		{"铜铜", 5, csUTF8, "铜"},
		{"铜铜", 0, csUTF8, ""},
		{"a铜", 2, csGBK, "a"},
		{"a铜", 3, csGBK, "a铜"},
		{"铜铜铜", 5, csGBK, "铜铜"},
	} {
		e := newEncoder(tc.cs)
		b, _ := e.encode(tc.s)
		got, _ := newDecoder(tc.cs).decode(truncate(b, tc.max, tc.cs))
		if got != tc.want {
			t.Errorf("truncate(%q, %d, %s) = %q, want %q", tc.s, tc.max, tc.cs, got, tc.want)
		}
	}
}
