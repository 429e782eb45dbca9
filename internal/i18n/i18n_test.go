package i18n

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestNegotiate(t *testing.T) {
	for _, c := range []struct {
		query, cookie, accept string
		want                  Lang
	}{
		{"", "", "", ZH},
		{"ug", "en", "en", UG},
		{"", "en", "ug", EN},
		{"xx", "", "en-GB,en;q=0.9", EN},
		{"", "", "fr, ug-CN;q=0.8, en;q=0.5", UG},
		{"", "", "en;q=0.3, zh-CN;q=0.9", ZH},
		{"", "", "en;q=0", ZH},
		{"", "", "en;q=abc, ug", UG},
	} {
		if got := Negotiate(c.query, c.cookie, c.accept); got != c.want {
			t.Errorf("Negotiate(%q, %q, %q) = %s, want %s", c.query, c.cookie, c.accept, got, c.want)
		}
	}
	if UG.Dir() != "rtl" || ZH.Dir() != "ltr" || ZH.Tag() != "zh-CN" {
		t.Error("direction or tag is wrong")
	}
}

func TestEmbeddedCataloguesLoad(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Keys()) == 0 {
		t.Fatal("no messages")
	}
	for _, l := range Langs {
		for _, k := range c.Keys() {
			if _, err := c.T(l, k); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestLoadRefusesIncompleteCatalogues(t *testing.T) {
	ok := func() fstest.MapFS {
		return fstest.MapFS{
			"m/a.zh.json": {Data: []byte(`{"x":"甲","y":"乙 %[1]d"}`)},
			"m/a.ug.json": {Data: []byte(`{"_header":"needs review by a native speaker","x":"a","y":"b %[1]d"}`)},
			"m/a.en.json": {Data: []byte(`{"x":"a","y":"b %[1]d"}`)},
		}
	}
	c, err := load(ok(), "m")
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := c.T(EN, "y", 3); s != "b 3" {
		t.Errorf("T = %q", s)
	}
	if _, err := c.T(EN, "nope"); err == nil {
		t.Error("an unknown key gave no error")
	}
	for name, change := range map[string]func(fstest.MapFS){
		"missing key":      func(m fstest.MapFS) { m["m/a.en.json"] = &fstest.MapFile{Data: []byte(`{"x":"a"}`)} },
		"missing language": func(m fstest.MapFS) { delete(m, "m/a.ug.json") },
		"no review header": func(m fstest.MapFS) { m["m/a.ug.json"] = &fstest.MapFile{Data: []byte(`{"x":"a","y":"b"}`)} },
		"key in two areas": func(m fstest.MapFS) {
			for _, l := range []string{"zh", "en"} {
				m["m/b."+l+".json"] = &fstest.MapFile{Data: []byte(`{"x":"c"}`)}
			}
			m["m/b.ug.json"] = &fstest.MapFile{Data: []byte(`{"_header":"native speaker","x":"c"}`)}
		},
		"empty text": func(m fstest.MapFS) { m["m/a.zh.json"] = &fstest.MapFile{Data: []byte(`{"x":" ","y":"乙"}`)} },
		"bad name":   func(m fstest.MapFS) { m["m/a.fr.json"] = &fstest.MapFile{Data: []byte(`{}`)} },
		"bad json":   func(m fstest.MapFS) { m["m/a.zh.json"] = &fstest.MapFile{Data: []byte(`{`)} },
	} {
		m := ok()
		change(m)
		if _, err := load(m, "m"); err == nil {
			t.Errorf("%s: loaded", name)
		} else if !strings.Contains(err.Error(), "") {
			t.Error(err)
		}
	}
}
