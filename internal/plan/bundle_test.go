package plan_test

import (
	"errors"
	"strings"
	"testing"

	"mineplan/data"
	"mineplan/internal/plan"
)

func kashgarFiles(t *testing.T) map[string][]byte {
	t.Helper()
	fsys, err := data.Bundle(data.DefaultPlan)
	if err != nil {
		t.Fatal(err)
	}
	files, err := plan.ReadFiles(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func kashgar(t *testing.T) *plan.Plan {
	t.Helper()
	p, err := plan.Parse(kashgarFiles(t))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEveryTableTranscribed checks each 专栏 against counts taken from the
// printed plan: numbered rows, sub-rows, and the printed 合计 figures.
func TestEveryTableTranscribed(t *testing.T) {
	p := kashgar(t)
	type want struct {
		rows, subRows int
		totals        map[string]string // column → printed total
	}
	wants := map[string]want{
		"专栏1":  {rows: 4},
		"专栏2":  {rows: 6},
		"专栏3":  {rows: 25, subRows: 4},
		"专栏4":  {rows: 8, totals: map[string]string{"rights": "76", "area": "540.9"}},
		"专栏5":  {rows: 15, totals: map[string]string{"rights": "77", "area": "59.8"}},
		"专栏6":  {rows: 6},
		"专栏7":  {rows: 16},
		"专栏8":  {rows: 12},
		"专栏9":  {rows: 15},
		"专栏10": {rows: 6},
		"专栏11": {rows: 4},
		"专栏12": {rows: 6},
		"专栏13": {rows: 10},
		"专栏14": {rows: 9},
		"专栏15": {rows: 16},
		"专栏16": {rows: 28, totals: map[string]string{"blocks": "290", "area": "6072.5"}},
		"专栏17": {rows: 20, totals: map[string]string{"blocks": "446", "area": "385.8"}},
		"专栏18": {rows: 14},
		"专栏19": {rows: 8},
		"专栏20": {rows: 25},
	}
	if len(p.Tables) != len(wants) {
		t.Errorf("bundle has %d tables, the plan prints %d", len(p.Tables), len(wants))
	}
	for id, w := range wants {
		tb := p.Table(id)
		if tb == nil {
			t.Errorf("%s is missing", id)
			continue
		}
		var rows, sub int
		for _, r := range tb.Rows {
			if r.PartOf != 0 {
				sub++
			} else {
				rows++
			}
		}
		if rows != w.rows || sub != w.subRows {
			t.Errorf("%s: %d rows and %d sub-rows, want %d and %d", id, rows, sub, w.rows, w.subRows)
		}
		if tb.Clause == "" || tb.Title == "" {
			t.Errorf("%s: clause %q title %q", id, tb.Clause, tb.Title)
		}
		got := map[string]string{}
		for _, tot := range tb.Totals {
			for k, f := range tot.Values {
				got[k] = f.Printed
			}
		}
		if len(got) != len(w.totals) {
			t.Errorf("%s: totals %v, want %v", id, got, w.totals)
		}
		for k, v := range w.totals {
			if got[k] != v {
				t.Errorf("%s: total %s = %q, want %q", id, k, got[k], v)
			}
		}
		// Every figure column has a unit, every row's figure resolves one.
		for _, c := range tb.Columns {
			if c.Type == plan.ColFigure && c.Unit == "" && c.UnitColumn == "" {
				t.Errorf("%s column %s has no unit", id, c.Key)
			}
		}
	}
}

func TestFiguresKeepPrintedDigits(t *testing.T) {
	p := kashgar(t)
	r, ok := p.Table("专栏7").RowByRef("5")
	if !ok {
		t.Fatal("专栏7 row 5 missing")
	}
	if got := r.Cells["added"].Figure.Printed; got != "17.70" {
		t.Errorf("专栏7 铜 新增值 printed %q, want 17.70 (trailing zero kept)", got)
	}
	r, _ = p.Table("专栏3").RowByRef("25")
	f := r.Cells["retained"].Figure
	if f.Numeric() || f.Printed != "19.96×1011" || f.Note == "" {
		t.Errorf("专栏3 地热: %+v; want the printed text kept, no value, and a note", f)
	}
}

func TestMineralCatalogue(t *testing.T) {
	p := kashgar(t)
	for _, name := range []string{"铁矿", "铁", "煤炭", "普通萤石", "萤石(普通)", "水泥用灰岩", "砂金"} {
		if _, ok := p.Mineral(name); !ok {
			t.Errorf("mineral %q does not resolve", name)
		}
	}
	iron, _ := p.Mineral("铁")
	if iron.Class != plan.ClassMetallic || iron.MinScale == nil || iron.MinScale.ServiceLife == nil || iron.MinScale.ServiceLife.Printed != "10年" {
		t.Errorf("铁: %+v, want metallic with 专栏20 service life 10年", iron)
	}
}

func TestZoneCatalogue(t *testing.T) {
	p := kashgar(t)
	counts := map[string]int{}
	for _, z := range p.Zones {
		counts[z.Table]++
		if z.Table != "专栏11" && (z.Area == nil || !z.Area.Numeric()) {
			t.Errorf("zone %s has no area", z.Code)
		}
		if len(z.Counties) == 0 && z.Table != "专栏13" {
			t.Errorf("zone %s has no county", z.Code)
		}
	}
	want := map[string]int{"专栏11": 4, "专栏12": 6, "专栏13": 10, "专栏14": 9, "专栏15": 16, "专栏18": 14}
	for tb, n := range want {
		if counts[tb] != n {
			t.Errorf("%s gives %d zones, want %d", tb, counts[tb], n)
		}
	}
	gk, _ := p.Zone("GK012")
	cz, _ := p.Zone("CZ027")
	if gk.Level != "national" || cz.Level != "region" || gk.Area.Printed != "925.1" || cz.Area.Printed != "925.1" {
		t.Errorf("GK012 %+v / CZ027 %+v", gk, cz)
	}
}

// TestCheckReportsKnownDisagreement: 一㈢3 says 81 non-metal mines, while
// 专栏5's non-metal rows add up to 66.
func TestCheckReportsKnownDisagreement(t *testing.T) {
	rep := kashgar(t).Check()
	var found *plan.Disagreement
	for i, d := range rep.Disagreements {
		if d.Check == "zl05-non-metal-mines" {
			found = &rep.Disagreements[i]
		}
	}
	if found == nil {
		t.Fatalf("no disagreement zl05-non-metal-mines among %d", len(rep.Disagreements))
	}
	if string(found.Stated) != "81" || string(found.Computed) != "66" || found.Kind != plan.BeyondRounding || found.Where != "一㈢3" {
		t.Errorf("got %+v; want 一㈢3 stated 81 computed 66 beyond rounding", *found)
	}
	// A table total that does add up is not reported.
	for _, d := range rep.Disagreements {
		if d.Check == "专栏4/total/rights" {
			t.Errorf("专栏4 合计 adds up but was reported: %+v", d)
		}
	}
	if rep.Checked < 100 || rep.Agreed+len(rep.Disagreements) != rep.Checked {
		t.Errorf("checked %d, agreed %d, disagreements %d", rep.Checked, rep.Agreed, len(rep.Disagreements))
	}
}

// TestCorruptBundleRefused changes one file at a time and expects a
// malformed-bundle error naming the file and the field.
func TestCorruptBundleRefused(t *testing.T) {
	cases := []struct {
		name, file, old, new string
		want                 []string
	}{
		{"unknown mineral", "tables/zl16.yaml", `mineral: "油页岩"`, `mineral: "油页石"`, []string{"tables/zl16.yaml:", "mineral", `unknown mineral "油页石"`}},
		{"missing unit", "tables/zl04.yaml", `type: "figure", unit: "km²"`, `type: "figure"`, []string{"tables/zl04.yaml", "columns.area", "missing unit"}},
		{"duplicate code", "tables/zl14.yaml", `code: "KZ002"`, `code: "KZ001"`, []string{"zones.yaml", "duplicate zone code KZ001"}},
		{"unknown key", "tables/zl12.yaml", `key: "remark"`, `key: "remark", colour: "red"`, []string{"tables/zl12.yaml:", "colour"}},
		{"bad figure", "tables/zl05.yaml", `rights: 38`, `rights: [38]`, []string{"tables/zl05.yaml:", "rights", "not a list"}},
		{"bad unit", "tables/zl09.yaml", `unit: "亿立方米"`, `unit: "亿桶"`, []string{"tables/zl09.yaml:", "unit", `unknown unit "亿桶"`}},
		{"dangling statement", "statements.yaml", `column: rights}}`, `column: wrongs}}`, []string{"statements.yaml:", `no column "wrongs"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := kashgarFiles(t)
			orig := string(files[c.file])
			if !strings.Contains(orig, c.old) {
				t.Fatalf("%s does not contain %q", c.file, c.old)
			}
			files[c.file] = []byte(strings.Replace(orig, c.old, c.new, 1))
			_, err := plan.Parse(files)
			var me *plan.MalformedError
			if !errors.As(err, &me) {
				t.Fatalf("err = %v, want a MalformedError", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
		})
	}
}
