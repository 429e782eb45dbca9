package input

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCheckText(t *testing.T) {
	for _, tc := range []struct {
		in        string
		multiline bool
		rule      string // "" = accepted
		pos       int
	}{
		{"莎车县铜矿", false, "", 0},
		{"Kashgar Copper Co.", false, "", 0},
		{"第一行\n第二行", true, "", 0},
		{"第一行\n第二行", false, "control", 4},
		{"甲\u0000", false, "control", 2},
		{"甲\u202e乙", false, "bidi", 2},
		{"\u2066x", false, "bidi", 1},
		{"\u200f", false, "bidi", 1},
		{"a\x7f", false, "control", 2},
		{"\ufeffname", false, "control", 1},
		{"bad \xff bytes", false, "utf8", 0},
		{strings.Repeat("矿", MaxName), false, "", 0},
		{strings.Repeat("矿", MaxName+1), false, "length", 0},
	} {
		err := CheckText(tc.in, MaxName, tc.multiline)
		if tc.rule == "" {
			if err != nil {
				t.Errorf("%q refused: %v", tc.in, err)
			}
			continue
		}
		te, ok := err.(*TextError)
		if !ok || te.Rule != tc.rule || te.Position != tc.pos || te.ZH == "" || te.EN == "" {
			t.Errorf("%q: got %#v, want rule %s at %d", tc.in, err, tc.rule, tc.pos)
		}
	}
}

func TestJSONErrorNamesNoGoType(t *testing.T) {
	var v struct {
		Scale float64 `json:"scale"`
		Coal  struct {
			Ash float64 `json:"ash_pct"`
		} `json:"coal"`
	}
	for in, want := range map[string]string{
		`{"scale":"35"}`:            "field scale must be a number, not string",
		`{"coal":{"ash_pct":true}}`: "field coal.ash_pct must be a number, not bool",
		`{"scale":1e999}`:           "field scale must be a number",
		`{"scale":`:                 "ends too early",
		`{"scale" 3}`:               "JSON syntax error at byte",
	} {
		err := json.Unmarshal([]byte(in), &v)
		if err == nil {
			t.Fatalf("%s decoded", in)
		}
		zh, en := JSONError(err)
		if !strings.Contains(en, want) || zh == "" {
			t.Errorf("%s: %q / %q, want %q", in, zh, en, want)
		}
		if strings.Contains(en, "Go ") || strings.Contains(en, "float64") || strings.Contains(en, "struct") {
			t.Errorf("%s: a Go name in %q", in, en)
		}
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("矿", ExcerptRunes+1)
	if got := Excerpt(long); got != strings.Repeat("矿", ExcerptRunes)+"…" {
		t.Errorf("Excerpt(%d runes) = %q", ExcerptRunes+1, got)
	}
	if got := Excerpt("铜矿"); got != "铜矿" {
		t.Errorf("Excerpt(short) = %q", got)
	}
}
