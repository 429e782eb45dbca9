// Package rights is the register of exploration and mining rights: the
// model, the lifecycle as a state machine over events, licence numbers and
// unified social credit codes. It has no storage or HTTP dependencies; the
// current state of a right is always derived from its events.
package rights

import (
	"time"

	"mineplan/internal/geo"
)

// Kind is exploration (探矿权) or mining (采矿权).
type Kind string

const (
	Exploration Kind = "exploration"
	Mining      Kind = "mining"
)

// Status is a right's state. Exploration rights are valid, retained,
// expired or cancelled; mining rights are producing, under construction,
// suspended, closed or cancelled.
type Status string

const (
	Valid             Status = "valid"              // 有效
	Retained          Status = "retained"           // 保留
	Expired           Status = "expired"            // 过期（derived from the validity date）
	UnderConstruction Status = "under_construction" // 筹建
	Producing         Status = "producing"          // 生产
	Suspended         Status = "suspended"          // 停产
	Closed            Status = "closed"             // 闭坑
	Cancelled         Status = "cancelled"          // 注销
)

// StatusName is the Chinese name of a status.
func StatusName(s Status) string {
	return map[Status]string{Valid: "有效", Retained: "保留", Expired: "过期", UnderConstruction: "筹建", Producing: "生产", Suspended: "停产", Closed: "闭坑", Cancelled: "注销"}[s]
}

// KindName is the Chinese name of a kind.
func KindName(k Kind) string {
	return map[Kind]string{Exploration: "探矿权", Mining: "采矿权"}[k]
}

// Live reports whether a right in this status still holds ground: live
// rights of another holder may not be overlapped.
func (s Status) Live() bool {
	for _, l := range LiveStatuses() {
		if s == l {
			return true
		}
	}
	return false
}

// LiveStatuses lists the statuses that hold ground.
func LiveStatuses() []Status {
	return []Status{Valid, Retained, UnderConstruction, Producing, Suspended}
}

// Allocation methods (出让方式).
const (
	AllocApplication = "application" // 申请在先
	AllocTender      = "tender"      // 招标
	AllocAuction     = "auction"     // 拍卖
	AllocListing     = "listing"     // 挂牌
	AllocAgreement   = "agreement"   // 协议
)

// AllocationNames maps allocation codes to their Chinese names.
var AllocationNames = map[string]string{AllocApplication: "申请在先", AllocTender: "招标", AllocAuction: "拍卖", AllocListing: "挂牌", AllocAgreement: "协议"}

// Authority levels (登记权限).
var AuthorityNames = map[string]string{"ministry": "自然资源部", "region": "自治区", "prefecture": "地区", "county": "县（市）"}

// Mining methods (开采方式).
var MiningMethodNames = map[string]string{"open_pit": "露天开采", "underground": "地下开采", "open_pit_underground": "露天-地下开采"}

// Exploration stages (勘查阶段).
var StageNames = map[string]string{"reconnaissance": "预查", "general": "普查", "detailed": "详查", "advanced": "勘探"}

// Scale classes (矿山规模), from 专栏20.
var ScaleClassNames = map[string]string{"large": "大型", "medium": "中型", "small": "小型"}

// Holder is a right holder (矿业权人).
type Holder struct {
	Name string `json:"name"`
	// CreditCode is the unified social credit code (统一社会信用代码).
	CreditCode string `json:"credit_code"`
}

// Scale is a design scale with its unit, e.g. 30 万吨/年.
type Scale struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// Right is the state of one right at some moment, derived from its events.
type Right struct {
	ID            string `json:"id"`
	LicenceNumber string `json:"licence_number"`
	// LicenceFlag says why the number did not decode ("" when it did).
	LicenceFlag   string `json:"licence_flag,omitempty"`
	ProjectNumber string `json:"project_number,omitempty"`
	Kind          Kind   `json:"kind"`
	Name          string `json:"name"`
	Holder        Holder `json:"holder"`

	MainMineral     string   `json:"main_mineral"`
	Associated      []string `json:"associated_minerals,omitempty"`
	MiningMethod    string   `json:"mining_method,omitempty"`
	DesignScale     *Scale   `json:"design_scale,omitempty"`
	ScaleClass      string   `json:"scale_class,omitempty"`
	MinServiceYears int      `json:"min_service_years,omitempty"`

	Geometry        geo.MultiPolygon `json:"-"`
	DeclaredAreaKm2 float64          `json:"area_km2"`
	EllipsoidalM2   float64          `json:"ellipsoidal_m2"`
	GKM2            float64          `json:"gk_m2"`
	GKZone          int              `json:"gk_zone"`
	ElevationTop    *float64         `json:"elevation_top_m,omitempty"`
	ElevationBottom *float64         `json:"elevation_bottom_m,omitempty"`
	County          string           `json:"county"`

	ValidFrom  Date   `json:"valid_from"`
	ValidTo    Date   `json:"valid_to"`
	Allocation string `json:"allocation,omitempty"`
	Authority  string `json:"authority,omitempty"`

	Stage         string `json:"exploration_stage,omitempty"`
	Status        Status `json:"status"`
	GreenMine     bool   `json:"green_mine"`
	Successor     string `json:"successor,omitempty"`      // the mining right an exploration right became
	ConvertedFrom string `json:"converted_from,omitempty"` // the exploration right a mining right came from

	Illustrative bool `json:"illustrative"`
	// Seq is the number of events applied.
	Seq int `json:"events"`
}

// Date is a calendar day (licences carry dates, not times).
type Date struct{ time.Time }

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	return Date{t}, err
}

// D builds a date.
func D(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// MarshalJSON writes YYYY-MM-DD, or null for no date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads YYYY-MM-DD or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	if len(b) < 2 {
		return &time.ParseError{Value: string(b)}
	}
	t, err := ParseDate(string(b[1 : len(b)-1]))
	*d = t
	return err
}
