package plan

// Rules are the rule figures the prose states, each with its clause. The
// review engine gives them meaning; here they are data.
type Rules struct {
	Policy    Policy       `json:"policy"`
	MinScale  []MinRule    `json:"min_scale"`
	Targets   []Target     `json:"targets"`
	Authority []Grant      `json:"authority"`
	KeyMines  KeyMines     `json:"key_mines"`
	Review    []ReviewRule `json:"review"`
}

// ReviewRule enables one rule kind of the conformity review with its
// clause, severity and parameters (rules/review.yaml).
type ReviewRule struct {
	ID           string   `yaml:"id" json:"id"`
	Kind         RuleKind `yaml:"kind" json:"kind"`
	Clause       string   `yaml:"clause" json:"clause"`
	Quote        string   `yaml:"quote" json:"quote"`
	Severity     Severity `yaml:"severity" json:"severity,omitempty"`
	AppliesTo    string   `yaml:"applies_to" json:"applies_to,omitempty"`
	Minerals     []string `yaml:"minerals" json:"minerals,omitempty"`
	ZoneTypes    []string `yaml:"zone_types" json:"zone_types,omitempty"`
	Level        string   `yaml:"level" json:"level,omitempty"`
	Target       string   `yaml:"target" json:"target,omitempty"`
	TolerancePct float64  `yaml:"tolerance_pct" json:"tolerance_pct,omitempty"`
	LayerKinds   []string `yaml:"layer_kinds" json:"layer_kinds,omitempty"`
	Tables       []string `yaml:"tables" json:"tables,omitempty"`
	Columns      []string `yaml:"columns" json:"columns,omitempty"`
	Class        string   `yaml:"class" json:"class,omitempty"`
	// MaxKm is a distance threshold in kilometres (county_location).
	MaxKm float64 `yaml:"max_km" json:"max_km,omitempty"`
}

// RuleKind names a kind of review rule (rules/review.yaml's kind). The
// names live here, where the bundle is checked; the review engine maps
// each to its Go function, and its tests check that every name has one.
type RuleKind string

// The review rule kinds.
const (
	KindMineralPolicy   RuleKind = "mineral_policy"
	KindCoalQuality     RuleKind = "coal_quality"
	KindMinimumScale    RuleKind = "minimum_scale"
	KindServiceLife     RuleKind = "service_life"
	KindInsideZone      RuleKind = "inside_zone"
	KindNoOverlapRights RuleKind = "no_overlap_rights"
	KindNoOverlapZones  RuleKind = "no_overlap_zones"
	KindAuthority       RuleKind = "authority"
	KindCountCap        RuleKind = "count_cap"
	KindDeclaredArea    RuleKind = "declared_area"
	KindPlanningBlock   RuleKind = "planning_block"
	KindInsideBlock     RuleKind = "inside_block"
	KindNoOverlapLayers RuleKind = "no_overlap_layers"
	KindOutputCap       RuleKind = "output_cap"
	KindNewLicenceCap   RuleKind = "new_licence_cap"
	KindCountyLocation  RuleKind = "county_location"
)

// ReviewKinds lists every rule kind, in the order docs/review.md gives them.
var ReviewKinds = []RuleKind{KindMineralPolicy, KindCoalQuality, KindMinimumScale, KindServiceLife, KindInsideZone, KindNoOverlapRights, KindNoOverlapZones, KindAuthority, KindCountCap, KindDeclaredArea, KindPlanningBlock, KindInsideBlock, KindNoOverlapLayers, KindOutputCap, KindNewLicenceCap, KindCountyLocation}

// Severity is how much a review finding weighs (rules/review.yaml's
// severity, and each finding's).
type Severity string

// The severities, heaviest first.
const (
	Prohibited         Severity = "prohibited"          // 禁止：blocks the grant
	NeedsJustification Severity = "needs-justification" // 需论证：allowed only with a recorded justification
	Info               Severity = "info"                // 提示
)

// Severities lists the severities, heaviest first.
var Severities = []Severity{Prohibited, NeedsJustification, Info}

var severityNames = map[Severity][2]string{
	Prohibited:         {"禁止", "prohibited"},
	NeedsJustification: {"需论证", "needs justification"},
	Info:               {"提示", "for information"},
}

// Valid says whether s is one of Severities.
func (s Severity) Valid() bool { _, ok := severityNames[s]; return ok }

// ZH is the severity's Chinese label; "" for an unknown severity.
func (s Severity) ZH() string { return severityNames[s][0] }

// EN is the severity's English label; "" for an unknown severity.
func (s Severity) EN() string { return severityNames[s][1] }

// Rank orders severities, heaviest (0) first; an unknown one sorts last.
func (s Severity) Rank() int {
	for i, x := range Severities {
		if x == s {
			return i
		}
	}
	return len(Severities)
}

// Policy is rules/policy.yaml: mineral lists and specific prohibitions (三㈠1–2).
type Policy struct {
	Lists        []PolicyList  `yaml:"lists" json:"lists"`
	Prohibitions []Prohibition `yaml:"prohibitions" json:"prohibitions"`
	CoalQuality  CoalQuality   `yaml:"coal_quality" json:"coal_quality"`
}

// PolicyList is one of the key, restricted, protective or prohibited lists.
type PolicyList struct {
	Status   string   `yaml:"status" json:"status"`
	Clause   string   `yaml:"clause" json:"clause"`
	Quote    string   `yaml:"quote" json:"quote"`
	Minerals []string `yaml:"minerals" json:"minerals"`
}

// Prohibition is one specific prohibition or restriction.
type Prohibition struct {
	ID        string   `yaml:"id" json:"id"`
	Clause    string   `yaml:"clause" json:"clause"`
	AlsoIn    []string `yaml:"also_in" json:"also_in,omitempty"`
	Quote     string   `yaml:"quote" json:"quote"`
	Minerals  []string `yaml:"minerals" json:"minerals"`
	AppliesTo string   `yaml:"applies_to" json:"applies_to"`
	Condition string   `yaml:"condition" json:"condition,omitempty"`
	Severity  string   `yaml:"severity" json:"severity"`
}

// CoalQuality is the ash and sulphur limit of 三㈠2.
type CoalQuality struct {
	Clause        string `yaml:"clause" json:"clause"`
	Quote         string `yaml:"quote" json:"quote"`
	MaxAshPercent Figure `yaml:"max_ash_percent" json:"max_ash_percent"`
	MaxSulphur    Figure `yaml:"max_sulphur_percent" json:"max_sulphur_percent"`
}

// MinRule is a minimum-scale rule of 四㈡1.
type MinRule struct {
	ID             string `yaml:"id" json:"id"`
	Clause         string `yaml:"clause" json:"clause"`
	Quote          string `yaml:"quote" json:"quote"`
	Mineral        string `yaml:"mineral" json:"mineral"`
	Method         string `yaml:"method" json:"method"`
	AppliesTo      string `yaml:"applies_to" json:"applies_to"`
	Condition      string `yaml:"condition" json:"condition,omitempty"`
	Minimum        Figure `yaml:"minimum" json:"minimum"`
	Unit           string `yaml:"unit" json:"unit"`
	MinimumAllowed bool   `yaml:"minimum_allowed" json:"minimum_allowed"`
}

// Target is a cap, target or goal (rules/targets.yaml).
type Target struct {
	ID      string   `yaml:"id" json:"id"`
	Group   string   `yaml:"group" json:"group"`
	Subject string   `yaml:"subject" json:"subject"`
	Clause  string   `yaml:"clause" json:"clause"`
	AlsoIn  []string `yaml:"also_in" json:"also_in,omitempty"`
	Quote   string   `yaml:"quote" json:"quote"`
	Kind    string   `yaml:"kind" json:"kind"`
	Figure  Figure   `yaml:"figure" json:"figure"`
	Unit    string   `yaml:"unit" json:"unit"`
	Year    int      `yaml:"year" json:"year"`
}

// Grant says which level grants which minerals (rules/authority.yaml).
type Grant struct {
	Level       string   `yaml:"level" json:"level"`
	Clause      string   `yaml:"clause" json:"clause"`
	Quote       string   `yaml:"quote" json:"quote"`
	Minerals    []string `yaml:"minerals" json:"minerals"`
	StatedCount int      `yaml:"stated_count" json:"stated_count,omitempty"`
	RightKind   string   `yaml:"right_kind" json:"right_kind"`
}

// KeyMines is rules/key_mines.yaml (三㈢2⑵).
type KeyMines struct {
	StatedCount int       `yaml:"stated_count" json:"stated_count"`
	Clause      string    `yaml:"clause" json:"clause"`
	Quote       string    `yaml:"quote" json:"quote"`
	Mines       []KeyMine `yaml:"mines" json:"mines"`
}

// KeyMine is one of the key mines.
type KeyMine struct {
	Name           string `yaml:"name" json:"name"`
	Mineral        string `yaml:"mineral" json:"mineral"`
	County         string `yaml:"county" json:"county"`
	CountyInferred bool   `yaml:"county_inferred" json:"county_inferred"`
	Clause         string `yaml:"clause" json:"clause"`
	Quote          string `yaml:"quote" json:"quote"`
}
