package mapconf

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDefault(t *testing.T) {
	c := Default()
	if c.Basemap != nil || c.ApprovalNumber != "" {
		t.Errorf("the default is not offline: %+v", c)
	}
	for layer, public := range map[string]bool{"zones": true, "blocks": true, "rights": true, "protected_areas": false, "red_lines": false, "applications": false} {
		if c.Public(layer) != public {
			t.Errorf("%s public %v, want %v", layer, c.Public(layer), public)
		}
	}
	// The register's public tile attributes are its public fields.
	pub := c.PublicAttributes("rights")
	for _, a := range pub {
		if !slices.Contains(PublicRightFields, a) {
			t.Errorf("public rights attribute %q is not a public register field", a)
		}
	}
	for _, must := range []string{"id", "illustrative", "licence_number", "kind", "status", "holder", "main_mineral", "county", "valid_from", "valid_to"} {
		if !slices.Contains(pub, must) {
			t.Errorf("public rights tiles lack %q", must)
		}
	}
	if slices.Contains(pub, "credit_code") {
		t.Error("the credit code is public")
	}
	if (Config{}).Effective().Hash() != c.Hash() {
		t.Error("the zero configuration is not the default")
	}
	for _, l := range Layers {
		if len(Fields[l]) == 0 || FullAttributes(l)[0] != "id" || FullAttributes(l)[1] != "illustrative" {
			t.Errorf("layer %s fields %v", l, FullAttributes(l))
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "map.yaml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c, err := Load(write(`
approval_number: 新S(2026)001号
basemap:
  kind: wmts
  url: https://t0.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY
  attribution: 天地图
layers:
  protected_areas: {public: true, attributes: [name]}
  rights: {public: true, attributes: [licence_number, holder]}
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.ApprovalNumber != "新S(2026)001号" || c.Basemap.CRS != "EPSG:3857" || c.Basemap.MaxZoom != 18 {
		t.Errorf("%+v %+v", c, c.Basemap)
	}
	if !c.Public("protected_areas") || !slices.Equal(c.PublicAttributes("protected_areas"), []string{"id", "illustrative", "name"}) {
		t.Errorf("protected areas %v", c.PublicAttributes("protected_areas"))
	}
	if !c.Public("zones") || c.Public("red_lines") {
		t.Error("layers the file does not name lost their default")
	}
	if !slices.Equal(c.PublicAttributes("rights"), []string{"id", "illustrative", "licence_number", "holder"}) {
		t.Errorf("rights %v", c.PublicAttributes("rights"))
	}
	for _, bad := range []struct{ body, want string }{
		{"basemap: {kind: xyz, url: 'https://webrd01.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}', attribution: 高德}", "GCJ-02"},
		{"basemap: {kind: xyz, url: 'https://wprd01.is.autonavi.com/{z}/{x}/{y}', attribution: a}", "autonavi.com"},
		{"basemap: {kind: xyz, url: 'https://online1.map.bdimg.com/tile/?x={x}&y={y}&z={z}', attribution: 百度}", "BD-09"},
		{"basemap: {kind: xyz, url: 'https://maponline0.bdimg.com/{z}/{x}/{y}', attribution: a}", "bdimg.com"},
		{"basemap: {kind: xyz, url: 'https://api.map.baidu.com/{z}/{x}/{y}', attribution: a}", "baidu.com"},
		{"basemap: {kind: xyz, url: 'https://rt0.map.gtimg.com/tile?z={z}&x={x}&y={y}', attribution: 腾讯}", "gtimg.com"},
		{"basemap: {kind: xyz, url: 'https://webst01.amap.com/{z}/{x}/{y}', attribution: a}", "amap.com"},
		{"basemap: {kind: xyz, url: 'https://tiles.example.org/{z}/{x}/{y}.png', attribution: a, crs: GCJ-02}", "GCJ-02"},
		{"basemap: {kind: xyz, url: 'https://tiles.example.org/{z}/{x}/{y}.png', attribution: a, crs: bd09ll}", "BD-09"},
		{"basemap: {kind: xyz, url: 'https://tiles.example.org/{z}/{x}/{y}.png', attribution: a, crs: 'EPSG:4490'}", "Web Mercator"},
		{"basemap: {kind: tms, url: 'https://tiles.example.org/{z}/{x}/{y}.png', attribution: a}", "xyz or wmts"},
		{"basemap: {kind: xyz, url: 'https://tiles.example.org/{z}/{x}.png', attribution: a}", "{y}"},
		{"basemap: {kind: xyz, url: 'ftp://tiles.example.org/{z}/{x}/{y}.png', attribution: a}", "http(s)"},
		{"basemap: {kind: xyz, url: 'https://tiles.example.org/{z}/{x}/{y}.png'}", "credited"},
		{"basemap: {kind: xyz, url: 'https://tiles.example.org/{z}/{x}/{y}.png', attribution: a, max_zoom: 30}", "max_zoom"},
		{"layers: {roads: {public: true}}", "unknown layer"},
		{"layers: {zones: {public: true, attributes: [colour]}}", "unknown attribute"},
		{"layers: {rights: {public: true, attributes: [credit_code]}}", "not a public field"},
		{"layers: {applications: {public: true}}", "officers only"},
		{"approval: x", "not a valid map configuration"},
		{"approval_number: \"a\\nb\"", "one line"},
	} {
		_, err := Load(write(bad.body))
		if err == nil || !strings.Contains(err.Error(), bad.want) || !strings.Contains(err.Error(), " / ") {
			t.Errorf("%s: %v, want a bilingual error with %q", bad.body, err, bad.want)
		}
	}
	if _, err := Load(filepath.Join(dir, "none.yaml")); err == nil {
		t.Error("a missing file loaded")
	}
	// An empty file is the default.
	if c, err := Load(write("")); err != nil || c.Hash() != Default().Hash() {
		t.Errorf("empty file: %v", err)
	}
}
