package plan

// LayerKind is what an imported layer of the "one map" holds; the
// review reads the protected areas and red lines (rules/review.yaml names
// them in layer_kinds).
type LayerKind string

// Layer kinds.
const (
	LayerProtectedArea LayerKind = "protected_area" // 自然保护地
	LayerRedLine       LayerKind = "red_line"       // 生态保护红线
	LayerOther         LayerKind = "other"
)

// LayerKinds lists the layer kinds with their Chinese names.
var LayerKinds = map[LayerKind]string{LayerProtectedArea: "自然保护地", LayerRedLine: "生态保护红线", LayerOther: "其他图层"}

var layerKindEN = map[LayerKind]string{LayerProtectedArea: "protected area", LayerRedLine: "ecological red line", LayerOther: "other layer"}

// Valid says whether k is one of LayerKinds.
func (k LayerKind) Valid() bool { _, ok := LayerKinds[k]; return ok }

// ZH is the kind's Chinese name; "" for an unknown kind.
func (k LayerKind) ZH() string { return LayerKinds[k] }

// EN is the kind's English name; "" for an unknown kind.
func (k LayerKind) EN() string { return layerKindEN[k] }
