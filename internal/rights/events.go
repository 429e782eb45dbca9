package rights

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"mineplan/internal/geo"
	"mineplan/internal/input"
)

// EventType is a lifecycle event.
type EventType string

const (
	Grant            EventType = "grant"              // 新立
	Extend           EventType = "extend"             // 延续
	ChangeArea       EventType = "change_area"        // 变更（范围）
	ChangeMineral    EventType = "change_mineral"     // 变更（矿种）
	ChangeScale      EventType = "change_scale"       // 变更（规模）
	ChangeHolderName EventType = "change_holder_name" // 变更（矿业权人名称）
	Transfer         EventType = "transfer"           // 转让
	Retain           EventType = "retain"             // 保留（探矿权）
	Suspend          EventType = "suspend"            // 停产
	Resume           EventType = "resume"             // 复产 / 恢复勘查
	Commission       EventType = "commission"         // 建成投产
	Convert          EventType = "convert"            // 探转采
	Close            EventType = "close"              // 闭坑
	Cancel           EventType = "cancel"             // 注销
)

// EventTypes lists every event type, for tests and forms.
var EventTypes = []EventType{Grant, Extend, ChangeArea, ChangeMineral, ChangeScale, ChangeHolderName, Transfer, Retain, Suspend, Resume, Commission, Convert, Close, Cancel}

// EventName is the Chinese name of an event type.
func EventName(t EventType) string {
	return map[EventType]string{Grant: "新立", Extend: "延续", ChangeArea: "变更范围", ChangeMineral: "变更矿种", ChangeScale: "变更规模", ChangeHolderName: "变更矿业权人名称",
		Transfer: "转让", Retain: "保留", Suspend: "停产", Resume: "恢复", Commission: "建成投产", Convert: "探转采", Close: "闭坑", Cancel: "注销"}[t]
}

// Event is one change to a right: who did it, when, why, on which
// document, and what changed.
type Event struct {
	RightID    string    `json:"right_id"`
	Seq        int       `json:"seq"`
	Type       EventType `json:"type"`
	Date       Date      `json:"date"` // the day the change takes effect
	Actor      string    `json:"actor"`
	Reason     string    `json:"reason"`
	DocRef     string    `json:"doc_ref"`
	RecordedAt time.Time `json:"recorded_at"`
	// RecordedBy is who entered the event into the system (an
	// actor.Actor's String), as distinct from Actor, the authority that
	// decided it. It is stored with the event but never published: it
	// may name a person or a client's address.
	RecordedBy string `json:"-"`
	Change     Change `json:"change"`
}

// Change is what an event changes; which fields are set depends on the
// event type.
type Change struct {
	Right           *Right           `json:"right,omitempty"`    // grant: the initial state
	Geometry        geo.MultiPolygon `json:"geometry,omitempty"` // grant, change_area
	ValidTo         Date             `json:"valid_to"`           // extend, retain
	DeclaredAreaKm2 float64          `json:"area_km2,omitempty"` // change_area
	MainMineral     string           `json:"main_mineral,omitempty"`
	Associated      []string         `json:"associated_minerals,omitempty"`
	DesignScale     *Scale           `json:"design_scale,omitempty"`
	ScaleClass      string           `json:"scale_class,omitempty"`
	Holder          *Holder          `json:"holder,omitempty"` // transfer, change_holder_name
	Successor       string           `json:"successor,omitempty"`
	// AllowedOverlaps records overlaps the rules accept (grant, change_area).
	AllowedOverlaps []Overlap `json:"allowed_overlaps,omitempty"`
}

// allowed is the state machine: from each status of each kind, the events
// that may follow. Grant is allowed only for a right that does not exist.
var allowed = map[Kind]map[Status][]EventType{
	Exploration: {
		Valid:     {Extend, ChangeArea, ChangeMineral, ChangeHolderName, Transfer, Retain, Convert, Cancel},
		Retained:  {Extend, Resume, ChangeHolderName, Convert, Cancel},
		Expired:   {Cancel},
		Cancelled: {},
	},
	Mining: {
		UnderConstruction: {Extend, ChangeArea, ChangeMineral, ChangeScale, ChangeHolderName, Transfer, Commission, Suspend, Cancel},
		Producing:         {Extend, ChangeArea, ChangeMineral, ChangeScale, ChangeHolderName, Transfer, Suspend, Close, Cancel},
		Suspended:         {Extend, ChangeHolderName, Transfer, Resume, Close, Cancel},
		Closed:            {Cancel},
		Cancelled:         {},
	},
}

// Statuses lists the statuses of a kind.
func Statuses(k Kind) []Status {
	var out []Status
	for s := range allowed[k] {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Allowed reports whether an event may follow a status.
func Allowed(k Kind, s Status, t EventType) bool {
	for _, a := range allowed[k][s] {
		if a == t {
			return true
		}
	}
	return false
}

// TransitionError is an event the state machine refuses.
type TransitionError struct {
	Right  string
	Kind   Kind
	Status Status
	Event  EventType
	Detail string
}

func (e *TransitionError) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("%s %s：%s / %s %s: %s", KindName(e.Kind), e.Right, e.Detail, e.Kind, e.Right, e.Detail)
	}
	return fmt.Sprintf("%s %s 当前状态为“%s”，不能办理“%s” / %s right %s is %s: %s is not allowed",
		KindName(e.Kind), e.Right, StatusName(e.Status), EventName(e.Event), e.Kind, e.Right, e.Status, e.Event)
}

// ValidationError is an event whose content is wrong; Field names it.
type ValidationError struct {
	Field string
	ZH    string
	EN    string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("%s：%s / %s: %s", e.Field, e.ZH, e.Field, e.EN)
}

func invalid(field, zh, en string) error { return &ValidationError{Field: field, ZH: zh, EN: en} }

// StatusOn is the status on a given day: an exploration right past its
// validity is expired until it is cancelled.
func (r Right) StatusOn(d Date) Status {
	if r.Kind == Exploration && (r.Status == Valid || r.Status == Retained) && !r.ValidTo.IsZero() && d.After(r.ValidTo.Time) {
		return Expired
	}
	return r.Status
}

// Apply applies one event to a right (nil for a grant) and returns the new
// state; the old one is not modified. Illegal transitions and bad content
// are refused.
func Apply(r *Right, ev Event) (Right, error) {
	if ev.Type == Grant {
		if r != nil {
			return Right{}, &TransitionError{Right: r.ID, Kind: r.Kind, Status: r.Status, Event: Grant, Detail: "已存在，不能再次新立 / already exists: cannot be granted again"}
		}
		return grant(ev)
	}
	if r == nil {
		return Right{}, invalid("right_id", "矿业权 "+ev.RightID+" 不存在，第一个事件必须是新立", "right "+ev.RightID+" does not exist: its first event must be a grant")
	}
	if ev.Date.IsZero() {
		return Right{}, invalid("date", "缺少生效日期", "the date is missing")
	}
	if ev.Date.Before(r.ValidFrom.Time) {
		return Right{}, invalid("date", "日期早于矿业权有效期起始日", "the date is before the right's validity starts")
	}
	status := r.StatusOn(ev.Date)
	if !Allowed(r.Kind, status, ev.Type) {
		return Right{}, &TransitionError{Right: r.ID, Kind: r.Kind, Status: status, Event: ev.Type}
	}
	n := *r
	n.Seq++
	c := ev.Change
	switch ev.Type {
	case Extend:
		if !c.ValidTo.After(r.ValidTo.Time) {
			return Right{}, invalid("valid_to", "延续后的有效期止日须晚于原止日 "+r.ValidTo.String(), "the new end date must be after "+r.ValidTo.String())
		}
		n.ValidTo = c.ValidTo
		if status == Retained {
			n.Status = Valid
		}
	case ChangeArea:
		if err := checkGeometry(c.Geometry); err != nil {
			return Right{}, err
		}
		if c.DeclaredAreaKm2 == 0 {
			return Right{}, invalid("area_km2", "缺少申报面积", "the declared area is missing")
		}
		if err := checkRange(AreaRange, "area_km2", c.DeclaredAreaKm2); err != nil {
			return Right{}, err
		}
		n.Geometry, n.DeclaredAreaKm2 = c.Geometry, c.DeclaredAreaKm2
		n.measure()
	case ChangeMineral:
		if c.MainMineral == "" {
			return Right{}, invalid("main_mineral", "缺少主矿种", "the main mineral is missing")
		}
		n.MainMineral, n.Associated = c.MainMineral, c.Associated
	case ChangeScale:
		if c.DesignScale == nil || c.DesignScale.Value <= 0 || c.DesignScale.Unit == "" {
			return Right{}, invalid("design_scale", "缺少设计规模或单位", "the design scale or its unit is missing")
		}
		if err := checkRange(DesignScaleRange, "design_scale", c.DesignScale.Value); err != nil {
			return Right{}, err
		}
		n.DesignScale, n.ScaleClass = c.DesignScale, c.ScaleClass
	case ChangeHolderName:
		if c.Holder == nil || c.Holder.Name == "" {
			return Right{}, invalid("holder.name", "缺少新的矿业权人名称", "the new holder name is missing")
		}
		if c.Holder.CreditCode != r.Holder.CreditCode {
			return Right{}, invalid("holder.credit_code", "更名不改变统一社会信用代码；换了主体请办理转让", "a change of name keeps the credit code; a new holder is a transfer")
		}
		if err := checkText("holder.name", c.Holder.Name, input.MaxName); err != nil {
			return Right{}, err
		}
		n.Holder.Name = c.Holder.Name
	case Transfer:
		if c.Holder == nil || c.Holder.Name == "" {
			return Right{}, invalid("holder", "缺少受让人", "the new holder is missing")
		}
		if err := checkCreditCode(c.Holder.CreditCode); err != nil {
			return Right{}, err
		}
		if c.Holder.CreditCode != "" && c.Holder.CreditCode == r.Holder.CreditCode {
			return Right{}, invalid("holder.credit_code", "受让人与原矿业权人相同", "the new holder is the current holder")
		}
		if err := checkText("holder.name", c.Holder.Name, input.MaxName); err != nil {
			return Right{}, err
		}
		n.Holder = *c.Holder
	case Retain:
		n.Status = Retained
		if !c.ValidTo.IsZero() {
			n.ValidTo = c.ValidTo
		}
	case Suspend:
		n.Status = Suspended
	case Resume:
		if r.Kind == Exploration {
			n.Status = Valid
		} else {
			n.Status = Producing
		}
	case Commission:
		n.Status = Producing
	case Convert:
		if c.Successor == "" {
			return Right{}, invalid("successor", "探转采须注明新采矿权", "a conversion names the new mining right")
		}
		n.Status, n.Successor = Cancelled, c.Successor
	case Close:
		n.Status = Closed
	case Cancel:
		n.Status = Cancelled
	}
	return n, nil
}

func grant(ev Event) (Right, error) {
	if ev.Change.Right == nil {
		return Right{}, invalid("right", "新立事件缺少矿业权内容", "a grant carries the right")
	}
	r := *ev.Change.Right
	r.Geometry = ev.Change.Geometry
	r.ID = ev.RightID
	r.Seq = 1
	var missing []string
	for f, v := range map[string]string{"name": r.Name, "holder.name": r.Holder.Name, "main_mineral": r.MainMineral, "county": r.County} {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return Right{}, invalid(missing[0], "必填项为空", "required field is empty")
	}
	switch r.Kind {
	case Exploration:
		if r.Status != Valid {
			return Right{}, invalid("status", "新立探矿权的状态应为“有效”", "a new exploration right is valid")
		}
	case Mining:
		if r.Status != UnderConstruction && r.Status != Producing {
			return Right{}, invalid("status", "新立采矿权的状态应为“筹建”或“生产”", "a new mining right is under construction or producing")
		}
	default:
		return Right{}, invalid("kind", "种类应为 exploration（探矿权）或 mining（采矿权）", "kind must be exploration or mining")
	}
	if r.ValidFrom.IsZero() || !r.ValidTo.After(r.ValidFrom.Time) {
		return Right{}, invalid("valid_to", "有效期止日须晚于起日", "the validity must end after it starts")
	}
	if r.DeclaredAreaKm2 == 0 {
		return Right{}, invalid("area_km2", "缺少申报面积", "the declared area is missing")
	}
	if err := checkContent(&r); err != nil {
		return Right{}, err
	}
	if err := checkCreditCode(r.Holder.CreditCode); err != nil {
		return Right{}, err
	}
	if err := checkGeometry(r.Geometry); err != nil {
		return Right{}, err
	}
	if r.LicenceNumber != "" {
		l, err := DecodeLicence(r.LicenceNumber)
		switch {
		case err != nil:
			r.LicenceFlag = err.Error()
		case l.Kind != r.Kind:
			r.LicenceFlag = fmt.Sprintf("许可证号 %s 是%s号，而矿业权为%s / licence number %s is for a %s right, the right is %s", r.LicenceNumber, KindName(l.Kind), KindName(r.Kind), r.LicenceNumber, l.Kind, r.Kind)
		case l.Note != "":
			r.LicenceFlag = l.Note
		}
	}
	r.measure()
	return r, nil
}

func checkCreditCode(code string) error {
	if code == "" {
		return nil
	}
	if err := ValidateCreditCode(code); err != nil {
		zh, en, _ := strings.Cut(err.Error(), " / ")
		if en == "" {
			en = zh
		}
		return invalid("holder.credit_code", zh, en)
	}
	return nil
}

func checkGeometry(g geo.MultiPolygon) error {
	if len(g) == 0 {
		return invalid("geometry", "缺少范围（拐点坐标）", "the boundary is missing")
	}
	if err := geo.ValidateMultiPolygon(g); err != nil {
		var de *geo.DefectError
		if errors.As(err, &de) {
			zh, en, _ := strings.Cut(de.Error(), " / ")
			return invalid("geometry", zh, en)
		}
		return invalid("geometry", err.Error(), err.Error())
	}
	return nil
}

// measure computes the ellipsoidal area and the Gauss–Krüger area in the
// 3° zone of the boundary's centre.
func (r *Right) measure() {
	r.EllipsoidalM2 = geo.CGCS2000.MultiPolygonArea(r.Geometry)
	b := r.Geometry.Bounds()
	r.GKZone = geo.ZoneForLon((b.MinLon + b.MaxLon) / 2)
	crs, err := geo.ZoneCRS(r.GKZone, true)
	if err != nil {
		r.GKM2 = 0
		return
	}
	r.GKM2 = 0
	for _, p := range r.Geometry {
		proj := make(geo.Polygon, len(p))
		for i, ring := range p {
			proj[i] = make(geo.Ring, len(ring))
			for j, pt := range ring {
				proj[i][j], _ = crs.Project(pt)
			}
		}
		r.GKM2 += geo.PlanarArea(proj)
	}
}

// Replay derives a right's state from its events, in order. It stops at
// the first event after asOf when asOf is set, and reports whether the
// right existed then.
func Replay(events []Event, asOf *Date) (Right, bool, error) {
	var r *Right
	for i, ev := range events {
		if ev.Seq != i+1 {
			return Right{}, false, fmt.Errorf("right %s: event %d has sequence %d", ev.RightID, i+1, ev.Seq)
		}
		if asOf != nil && ev.Date.After(asOf.Time) {
			break
		}
		n, err := Apply(r, ev)
		if err != nil {
			return Right{}, false, fmt.Errorf("event %d (%s): %w", ev.Seq, ev.Type, err)
		}
		r = &n
	}
	if r == nil {
		return Right{}, false, nil
	}
	if asOf != nil {
		r.Status = r.StatusOn(*asOf)
	}
	return *r, true, nil
}
