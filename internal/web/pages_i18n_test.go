package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"mineplan/internal/actor"
	"mineplan/internal/i18n"
	"mineplan/internal/plan"
	"mineplan/internal/review"
	"mineplan/internal/rights"
)

// Literal text in a template is text a user reads that no catalogue
// holds: letters outside tags (but inside <code>, which shows commands and
// paths), and the human-readable attributes.
var (
	tagR       = regexp.MustCompile(`(?s)<[^>]*>`)
	actionR    = regexp.MustCompile(`(?s){{.*?}}`)
	codeR      = regexp.MustCompile(`(?s)<code>.*?</code>`)
	entityR    = regexp.MustCompile(`&[a-zA-Z]+;|&#[0-9]+;`)
	readableR  = regexp.MustCompile(`(?i)\b(placeholder|title|alt|aria-label|aria-description|value|label)="([^"]*)"`)
	hasLetterF = func(s string) bool { return strings.IndexFunc(s, unicode.IsLetter) >= 0 }
)

func literalText(text string) []string {
	var found []string
	for _, m := range readableR.FindAllStringSubmatch(text, -1) {
		if hasLetterF(m[2]) {
			found = append(found, m[0])
		}
	}
	rest := entityR.ReplaceAllString(tagR.ReplaceAllString(codeR.ReplaceAllString(text, ""), " "), " ")
	for _, f := range strings.Fields(rest) {
		if hasLetterF(f) {
			found = append(found, f)
		}
	}
	return found
}

// TestTemplatesHoldNoLiteralText fails when a template shows text of its
// own: all interface text is in internal/i18n's catalogues.
func TestTemplatesHoldNoLiteralText(t *testing.T) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(names) == 0 {
		t.Fatal(names, err)
	}
	for _, name := range names {
		b, _ := templateFS.ReadFile(name)
		// Actions become a mark without letters; what is left is what the
		// template writes itself.
		text := actionR.ReplaceAllString(string(b), "\x00")
		for n, line := range strings.Split(text, "\n") {
			if lit := literalText(line); len(lit) > 0 {
				t.Errorf("%s:%d: literal text %q: put it in a catalogue (internal/i18n/messages)", name, n+1, lit)
			}
		}
	}
	// The check itself finds text.
	if lit := literalText(`<p>审查 <b>x</b></p><input placeholder="name"><code>mineplan serve</code>&nbsp;#`); len(lit) != 3 {
		t.Errorf("literalText found %q", lit)
	}
}

// TestCatalogueNamesMatchTheDomain keeps the Chinese interface names of
// codes equal to the names the domain packages give them (the CLI's and
// the reports'), so one term has one Chinese name.
func TestCatalogueNamesMatchTheDomain(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	check := func(key, want string) {
		t.Helper()
		got, err := cat.T(i18n.ZH, key)
		if err != nil {
			t.Error(err)
			return
		}
		if got != want {
			t.Errorf("%s: catalogue %q, domain %q", key, got, want)
		}
	}
	for _, v := range []review.Verdict{review.NonConforming, review.Conditional, review.Conforming} {
		check("verdict."+string(v), v.ZH())
	}
	for _, s := range plan.Severities {
		check("severity."+string(s), s.ZH())
	}
	for _, k := range []rights.Kind{rights.Exploration, rights.Mining} {
		check("kind."+string(k), rights.KindName(k))
	}
	for _, s := range []rights.Status{rights.Valid, rights.Retained, rights.Expired, rights.UnderConstruction, rights.Producing, rights.Suspended, rights.Closed, rights.Cancelled} {
		check("status."+string(s), rights.StatusName(s))
	}
	for _, z := range []string{"development_layout", "mining_economic_zone", "national_planning_area", "strategic_protection_zone", "key_exploration_zone", "key_mining_zone", "sand_gravel_zone"} {
		check("zone_type."+z, plan.ZoneTypeName(z))
	}
	for _, r := range actor.Roles {
		if _, err := cat.T(i18n.UG, "role."+string(r)); err != nil {
			t.Error(err)
		}
	}
}

// TestTemplatesHoldNoInlineScript: every <script> in a template loads a
// static file (the CSP's script-src 'self' forbids inline scripts, data
// blocks included: a page's data for its script goes in data-json).
func TestTemplatesHoldNoInlineScript(t *testing.T) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(names) == 0 {
		t.Fatal(names, err)
	}
	tag := regexp.MustCompile(`<script\b[^>]*>`)
	for _, name := range names {
		b, _ := templateFS.ReadFile(name)
		for _, s := range tag.FindAllString(string(b), -1) {
			if !strings.Contains(s, ` src="{{static `) {
				t.Errorf("%s: %s is not a static file", name, s)
			}
		}
	}
}
