// Package i18n holds the interface's languages and its message catalogues:
// Chinese (the default), Uyghur (Arabic script, right to left) and
// English. Every text a page shows is a catalogue key; a key missing from
// any language stops Load, so a page never shows a half-translated view.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Lang is an interface language.
type Lang string

// The languages, the default first.
const (
	ZH Lang = "zh"
	UG Lang = "ug"
	EN Lang = "en"
)

// Langs are the languages in the order the switch shows them.
var Langs = []Lang{ZH, UG, EN}

// Parse reads a language code ("zh", "zh-CN", "ug-Arab-CN", "en-GB", …).
func Parse(s string) (Lang, bool) {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "-")
	base, _, _ = strings.Cut(base, "_")
	for _, l := range Langs {
		if base == string(l) {
			return l, true
		}
	}
	return "", false
}

// Tag is the BCP 47 tag for <html lang>.
func (l Lang) Tag() string {
	if l == ZH {
		return "zh-CN"
	}
	return string(l)
}

// Dir is the text direction for <html dir>.
func (l Lang) Dir() string {
	if l == UG {
		return "rtl"
	}
	return "ltr"
}

// Name is the language's own name, for the switch.
func (l Lang) Name() string {
	switch l {
	case UG:
		return "ئۇيغۇرچە"
	case EN:
		return "English"
	}
	return "中文"
}

// Negotiate picks the language: an explicit ?lang= switch first, then the
// remembered choice (cookie), then Accept-Language by quality, then
// Chinese.
func Negotiate(query, cookie, acceptLanguage string) Lang {
	if l, ok := Parse(query); ok {
		return l
	}
	if l, ok := Parse(cookie); ok {
		return l
	}
	best, bestQ := ZH, -1.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(part, ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		if l, ok := Parse(tag); ok && q > bestQ && q > 0 {
			best, bestQ = l, q
		}
	}
	return best
}

//go:embed messages/*.json
var messageFS embed.FS

// headerKey is each catalogue file's note for translators; it is not a
// message.
const headerKey = "_header"

// Catalog is every message in every language.
type Catalog struct {
	msgs map[Lang]map[string]string
	keys []string
}

// Load reads the embedded catalogues: messages/AREA.LANG.json, one JSON
// object of key → text per file. Every area has a file per language with
// the same keys, no key is in two areas, and every Uyghur file says in its
// header that a native speaker must review it.
func Load() (*Catalog, error) { return load(messageFS, "messages") }

func load(fsys fs.FS, dir string) (*Catalog, error) {
	names, err := fs.Glob(fsys, dir+"/*.json")
	if err != nil {
		return nil, err
	}
	c := &Catalog{msgs: map[Lang]map[string]string{}}
	for _, l := range Langs {
		c.msgs[l] = map[string]string{}
	}
	areaKeys := map[string]map[Lang][]string{}
	owner := map[string]string{} // key → area
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".json")
		area, code, ok := strings.Cut(base, ".")
		l, known := Parse(code)
		if !ok || !known || string(l) != code {
			return nil, fmt.Errorf("%s: a catalogue is named AREA.LANG.json with LANG one of zh, ug, en", name)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		header := m[headerKey]
		delete(m, headerKey)
		if l == UG && !strings.Contains(strings.ToLower(header), "native speaker") {
			return nil, fmt.Errorf("%s: the Uyghur catalogue's %q must say it needs review by a native speaker", name, headerKey)
		}
		if areaKeys[area] == nil {
			areaKeys[area] = map[Lang][]string{}
		}
		for k, v := range m {
			if o, dup := owner[k]; dup && o != area {
				return nil, fmt.Errorf("%s: key %q is also in area %q", name, k, o)
			}
			if strings.TrimSpace(v) == "" {
				return nil, fmt.Errorf("%s: key %q is empty", name, k)
			}
			owner[k] = area
			c.msgs[l][k] = v
			areaKeys[area][l] = append(areaKeys[area][l], k)
		}
	}
	for area, byLang := range areaKeys {
		for _, l := range Langs {
			if _, ok := byLang[l]; !ok {
				return nil, fmt.Errorf("catalogue %s.%s.json is missing", area, l)
			}
		}
	}
	for k := range owner {
		for _, l := range Langs {
			if _, ok := c.msgs[l][k]; !ok {
				return nil, fmt.Errorf("key %q (area %s) is missing from the %s catalogue", k, owner[k], l)
			}
		}
		c.keys = append(c.keys, k)
	}
	slices.Sort(c.keys)
	return c, nil
}

// T is a message in a language, with fmt verbs filled from args (use
// %[1]s, %[2]s … where word order differs between languages). An unknown
// key is an error, so rendering a page with one fails.
func (c *Catalog) T(l Lang, key string, args ...any) (string, error) {
	m, ok := c.msgs[l]
	if !ok {
		return "", fmt.Errorf("i18n: unknown language %q", l)
	}
	s, ok := m[key]
	if !ok {
		return "", fmt.Errorf("i18n: no message %q", key)
	}
	if len(args) == 0 {
		return s, nil
	}
	return fmt.Sprintf(s, args...), nil
}

// Has says whether key is a message.
func (c *Catalog) Has(key string) bool { _, ok := c.msgs[ZH][key]; return ok }

// Keys are every message key, sorted.
func (c *Catalog) Keys() []string { return slices.Clone(c.keys) }
