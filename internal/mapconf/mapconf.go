// Package mapconf is the publication configuration of the one map (一张图):
// the basemap, the operator's map approval number (审图号) and which tile
// layers and which of their attributes the public may see. Which layers
// and attributes are public is configuration, not code; this package is
// also the one place that names the register's public fields (the API's
// public view of a right uses PublicRightFields).
//
// The embedded default is offline (no basemap: a plain background and
// mineplan's own layers) and publishes the zones, the planning blocks and
// the register's public fields. Protected areas, ecological red lines and
// stored applications are not public by default: Kashgar is a border
// prefecture, and the rules for published maps (公开地图内容表示规范)
// keep sensitive areas off public maps unless the operator, who holds
// the approval number, decides otherwise. Applications are never public.
package mapconf

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Config is the publication configuration. Its zero value means Default
// (see Effective).
type Config struct {
	// ApprovalNumber is the map approval number (审图号) the operator
	// obtained for the public map; shown in the page footer and in every
	// print. Empty: none shown (and the map should not be published).
	ApprovalNumber string `yaml:"approval_number" json:"approval_number"`
	// Basemap is the background tile source; nil is offline (none).
	Basemap *Basemap `yaml:"basemap" json:"basemap"`
	// Layers says, per tile layer, whether the public sees it and which
	// attributes it then carries. A layer a file leaves out keeps its
	// default rule.
	Layers map[string]LayerRule `yaml:"layers" json:"layers"`
}

// Basemap is an XYZ or WMTS raster tile source in Web Mercator.
type Basemap struct {
	// Kind is "xyz" or "wmts" (a WMTS GetTile URL, KVP or REST, on the
	// WebMercatorQuad matrix set with {z}, {x} and {y} for TileMatrix,
	// TileCol and TileRow).
	Kind string `yaml:"kind" json:"kind"`
	// URL is the tile URL template with {z}, {x} and {y}; an operator's
	// key (天地图 tk=…) goes in it.
	URL         string `yaml:"url" json:"url"`
	Attribution string `yaml:"attribution" json:"attribution"`
	// CRS must be Web Mercator: EPSG:3857 (the default when empty).
	CRS     string `yaml:"crs" json:"crs"`
	MaxZoom int    `yaml:"max_zoom" json:"max_zoom"`
}

// LayerRule is one layer's publication rule.
type LayerRule struct {
	Public bool `yaml:"public" json:"public"`
	// Attributes are the attribute names public tiles carry, besides id
	// and illustrative, which every tile carries.
	Attributes []string `yaml:"attributes" json:"attributes"`
}

// The tile layers, in the order they are listed.
var Layers = []string{"zones", "blocks", "rights", "protected_areas", "red_lines", "applications"}

// Field is one attribute of a tile layer.
type Field struct {
	Name string
	// Description is what TileJSON's vector_layers fields say about it.
	Description string
}

// Always are the attributes every feature of every layer carries.
var Always = []string{"id", "illustrative"}

// Fields are each layer's attributes, the full view (officers with
// rights.read at prefecture scope), in order.
var Fields = map[string][]Field{
	"zones": {
		{"id", "分区编号 / zone code"}, {"illustrative", "示意图形 / illustrative geometry"},
		{"code", "分区编号 / zone code"}, {"name", "名称 / name"}, {"type", "分区类型 / zone type"},
		{"type_name", "分区类型名称 / zone type name"}, {"level", "级别 / level"},
		{"counties", "所在县市 / counties"}, {"minerals", "矿种 / minerals"},
	},
	"blocks": {
		{"id", "区块编号 / block code"}, {"illustrative", "示意图形 / illustrative geometry"},
		{"code", "区块编号 / block code"}, {"kind", "exploration|mining 勘查/开采"}, {"mineral", "矿种 / mineral"},
		{"county", "所在县市 / county"}, {"area_km2", "面积（平方千米） / area (km²)"}, {"zone", "所在分区 / zone"},
	},
	"rights": {
		{"id", "矿业权编号 / right id"}, {"illustrative", "示例数据 / illustrative data"},
		{"licence_number", "许可证号 / licence number"}, {"kind", "exploration|mining 探矿权/采矿权"},
		{"status", "状态 / status"}, {"name", "项目名称 / project name"}, {"holder", "权利人名称 / holder's name"},
		{"main_mineral", "主矿种 / main mineral"}, {"mining_method", "开采方式 / mining method"},
		{"scale_class", "规模 / scale class"}, {"area_km2", "面积（平方千米） / area (km²)"},
		{"county", "所在县市 / county"}, {"valid_from", "有效期起 / valid from"}, {"valid_to", "有效期止 / valid to"},
		{"allocation", "出让方式 / allocation"}, {"authority", "登记机关 / authority"}, {"green_mine", "绿色矿山 / green mine"},
		{"credit_code", "统一社会信用代码 / unified social credit code"}, {"project_number", "项目编号 / project number"},
		{"exploration_stage", "勘查阶段 / exploration stage"}, {"gk_zone", "高斯-克吕格 3° 带号 / Gauss–Krüger 3° zone"},
	},
	"protected_areas": {
		{"id", "图层:要素号 / layer:feature"}, {"illustrative", "示例数据 / illustrative data"},
		{"name", "名称 / name"}, {"code", "编号 / code"}, {"layer", "来源图层 / source layer"},
	},
	"red_lines": {
		{"id", "图层:要素号 / layer:feature"}, {"illustrative", "示例数据 / illustrative data"},
		{"name", "名称 / name"}, {"code", "编号 / code"}, {"layer", "来源图层 / source layer"},
	},
	"applications": {
		{"id", "审查编号 / review id"}, {"illustrative", "示例数据 / illustrative data"},
		{"verdict", "审查结论 / verdict"}, {"kind", "exploration|mining 探矿权/采矿权"}, {"mineral", "矿种 / mineral"},
		{"county", "所在县市 / county"}, {"created_at", "审查时间 / reviewed at"},
	},
}

// PublicRightFields are the JSON members of a right (rights.Right) the
// public sees, in the API and, where a tile attribute has the same name,
// in public tiles: what a licence publication (矿业权出让、登记信息公开)
// shows. The holder shows its name only.
var PublicRightFields = []string{
	"id", "licence_number", "kind", "name", "holder", "main_mineral", "associated_minerals", "mining_method",
	"design_scale", "scale_class", "area_km2", "county", "valid_from", "valid_to", "allocation", "authority",
	"status", "green_mine", "illustrative",
}

//go:embed default.yaml
var defaultYAML []byte

// Default is the embedded default configuration (default.yaml).
func Default() Config {
	c, err := Parse(defaultYAML, "default.yaml")
	if err != nil {
		panic("mapconf: the embedded default is invalid: " + err.Error())
	}
	return c
}

// Effective is c, or Default when c is the zero value; layers c does not
// name take their default rule.
func (c Config) Effective() Config {
	d := Default()
	if c.Layers == nil && c.Basemap == nil && c.ApprovalNumber == "" {
		return d
	}
	out := c
	out.Layers = map[string]LayerRule{}
	for k, v := range d.Layers {
		out.Layers[k] = v
	}
	for k, v := range c.Layers {
		out.Layers[k] = v
	}
	return out
}

// Known says whether layer is a tile layer.
func Known(layer string) bool { return slices.Contains(Layers, layer) }

// Public says whether the public sees layer.
func (c Config) Public(layer string) bool { return c.Layers[layer].Public }

// FullAttributes are all of layer's attribute names.
func FullAttributes(layer string) []string {
	fs := Fields[layer]
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// PublicAttributes are the attribute names a public tile of layer
// carries: id, illustrative and the rule's attributes; none for a layer
// that is not public.
func (c Config) PublicAttributes(layer string) []string {
	r, ok := c.Layers[layer]
	if !ok || !r.Public {
		return nil
	}
	out := slices.Clone(Always)
	for _, a := range r.Attributes {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// Describe is the description of each named attribute of layer.
func Describe(layer string, names []string) map[string]string {
	out := make(map[string]string, len(names))
	for _, f := range Fields[layer] {
		if slices.Contains(names, f.Name) {
			out[f.Name] = f.Description
		}
	}
	return out
}

// Hash identifies the configuration's content (tiles' ETags include it, so
// a changed publication rule is never served from a cache).
func (c Config) Hash() string {
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// Check validates the configuration; the first problem is the error, in
// Chinese and English.
func (c Config) Check() error {
	if len(c.ApprovalNumber) > 200 || strings.ContainsAny(c.ApprovalNumber, "\n\r") {
		return fmt.Errorf("approval_number：审图号应为一行，不超过 200 字节 / approval_number: the approval number must be one line of at most 200 bytes")
	}
	if c.Basemap != nil {
		if err := c.Basemap.check(); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(c.Layers))
	for k := range c.Layers {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, name := range names {
		rule := c.Layers[name]
		if !Known(name) {
			return fmt.Errorf("layers.%s：未知图层（可用：%s） / layers.%s: unknown layer (known: %s)", name, strings.Join(Layers, ", "), name, strings.Join(Layers, ", "))
		}
		if name == "applications" && rule.Public {
			return fmt.Errorf("layers.applications：已存审查（申请）只对工作人员开放，不能公开 / layers.applications: stored applications are for officers only and cannot be public")
		}
		known := FullAttributes(name)
		for _, a := range rule.Attributes {
			if !slices.Contains(known, a) {
				return fmt.Errorf("layers.%s.attributes：未知属性 %q（可用：%s） / layers.%s.attributes: unknown attribute %q (known: %s)", name, a, strings.Join(known, ", "), name, a, strings.Join(known, ", "))
			}
			if name == "rights" && !slices.Contains(PublicRightFields, a) {
				return fmt.Errorf("layers.rights.attributes：%q 不是登记簿的公开字段，不能公开 / layers.rights.attributes: %q is not a public field of the register and cannot be public", a, a)
			}
		}
	}
	return nil
}
