package rights

import (
	"errors"
	"strings"
	"testing"

	"mineplan/internal/geo"
)

func square(lon, lat, size float64) geo.MultiPolygon {
	return geo.MultiPolygon{geo.Rect(geo.BBox{MinLon: lon, MinLat: lat, MaxLon: lon + size, MaxLat: lat + size})}
}

func grantEvent(kind Kind, status Status) Event {
	r := &Right{Kind: kind, Name: "测试矿", Holder: Holder{Name: "喀什某矿业有限公司", CreditCode: "91650100228665922F"},
		MainMineral: "铜矿", County: "伽师县", ValidFrom: D(2020, 1, 1), ValidTo: D(2025, 1, 1), DeclaredAreaKm2: 1.2, Status: status}
	return Event{RightID: "R1", Seq: 1, Type: Grant, Date: D(2020, 1, 1), Change: Change{Right: r, Geometry: square(76.7, 39.5, 0.01)}}
}

// payload returns an event of the given type with valid content.
func payload(t EventType, date Date) Event {
	ev := Event{RightID: "R1", Type: t, Date: date}
	switch t {
	case Grant:
		return grantEvent(Mining, Producing)
	case Extend:
		ev.Change.ValidTo = D(2030, 1, 1)
	case ChangeArea:
		ev.Change.Geometry, ev.Change.DeclaredAreaKm2 = square(76.7, 39.5, 0.02), 4.8
	case ChangeMineral:
		ev.Change.MainMineral = "铅矿"
	case ChangeScale:
		ev.Change.DesignScale = &Scale{Value: 30, Unit: "万吨/年"}
	case ChangeHolderName:
		ev.Change.Holder = &Holder{Name: "新名称矿业有限公司", CreditCode: "91650100228665922F"}
	case Transfer:
		ev.Change.Holder = &Holder{Name: "受让矿业公司"}
	case Convert:
		ev.Change.Successor = "C1"
	}
	return ev
}

// build replays events that lead to a state.
func build(t *testing.T, kind Kind, state Status) (Right, Date) {
	t.Helper()
	start := Valid
	if kind == Mining {
		start = Producing
		if state == UnderConstruction {
			start = UnderConstruction
		}
	}
	r, err := Apply(nil, grantEvent(kind, start))
	if err != nil {
		t.Fatal(err)
	}
	day := D(2022, 6, 1)
	step := func(tp EventType) {
		ev := payload(tp, day)
		ev.Seq = r.Seq + 1
		if r, err = Apply(&r, ev); err != nil {
			t.Fatalf("building %s %s: %v", kind, state, err)
		}
	}
	switch state {
	case Retained:
		step(Retain)
	case Expired:
		day = D(2025, 3, 1) // after valid_to 2025-01-01
	case Cancelled:
		step(Cancel)
	case Suspended:
		step(Suspend)
	case Closed:
		step(Close)
	}
	if got := r.StatusOn(day); got != state {
		t.Fatalf("built %s, want %s", got, state)
	}
	return r, day
}

// TestTransitions covers every (state, event) pair of both kinds against
// this table, written out from the rules rather than from the code.
func TestTransitions(t *testing.T) {
	want := map[Kind]map[Status]string{
		Exploration: {
			Valid:     "extend change_area change_mineral change_holder_name transfer retain convert cancel",
			Retained:  "extend resume change_holder_name convert cancel",
			Expired:   "cancel",
			Cancelled: "",
		},
		Mining: {
			UnderConstruction: "extend change_area change_mineral change_scale change_holder_name transfer commission suspend cancel",
			Producing:         "extend change_area change_mineral change_scale change_holder_name transfer suspend close cancel",
			Suspended:         "extend change_holder_name transfer resume close cancel",
			Closed:            "cancel",
			Cancelled:         "",
		},
	}
	pairs := 0
	for kind, states := range want {
		for state, ok := range states {
			allowedHere := map[EventType]bool{}
			for _, e := range strings.Fields(ok) {
				allowedHere[EventType(e)] = true
			}
			for _, et := range EventTypes {
				pairs++
				r, day := build(t, kind, state)
				ev := payload(et, day)
				ev.Seq = r.Seq + 1
				_, err := Apply(&r, ev)
				switch {
				case allowedHere[et] && err != nil:
					t.Errorf("%s %s + %s: refused: %v", kind, state, et, err)
				case !allowedHere[et] && err == nil:
					t.Errorf("%s %s + %s: allowed, want refused", kind, state, et)
				case !allowedHere[et]:
					var te *TransitionError
					if !errors.As(err, &te) || !strings.Contains(err.Error(), "不能") && !strings.Contains(err.Error(), "不能再次新立") {
						t.Errorf("%s %s + %s: %v, want a TransitionError with its message", kind, state, et, err)
					}
				}
			}
		}
	}
	if pairs != 9*len(EventTypes) {
		t.Fatalf("%d pairs tested", pairs)
	}
}

func TestCancelledCannotBeExtended(t *testing.T) {
	r, day := build(t, Mining, Cancelled)
	ev := payload(Extend, day)
	_, err := Apply(&r, ev)
	if err == nil || !strings.Contains(err.Error(), "当前状态为“注销”，不能办理“延续”") || !strings.Contains(err.Error(), "is cancelled: extend is not allowed") {
		t.Fatalf("%v", err)
	}
}

func TestEventContentIsChecked(t *testing.T) {
	r, day := build(t, Mining, Producing)
	cases := []struct {
		ev    Event
		field string
	}{
		{Event{Type: Extend, Date: day, Change: Change{ValidTo: D(2024, 1, 1)}}, "valid_to"},
		{Event{Type: ChangeArea, Date: day}, "geometry"},
		{Event{Type: ChangeScale, Date: day, Change: Change{DesignScale: &Scale{Value: 30}}}, "design_scale"},
		{Event{Type: ChangeHolderName, Date: day, Change: Change{Holder: &Holder{Name: "X", CreditCode: "91350200776049653A"}}}, "holder.credit_code"},
		{Event{Type: Transfer, Date: day, Change: Change{Holder: &Holder{Name: "X", CreditCode: "91650100228665922E"}}}, "holder.credit_code"},
		{Event{Type: Suspend}, "date"},
	}
	for _, c := range cases {
		_, err := Apply(&r, c.ev)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("%s: %v, want a ValidationError on %s", c.ev.Type, err, c.field)
		}
	}
	bad := grantEvent(Exploration, Producing)
	if _, err := Apply(nil, bad); err == nil {
		t.Error("an exploration right granted as producing")
	}
}

func TestReplayAsOf(t *testing.T) {
	g := grantEvent(Exploration, Valid)
	g.Change.Right.ValidTo = D(2023, 1, 1)
	ext := Event{RightID: "R1", Seq: 2, Type: Extend, Date: D(2022, 6, 1), Change: Change{ValidTo: D(2026, 1, 1)}}
	tr := Event{RightID: "R1", Seq: 3, Type: Transfer, Date: D(2023, 5, 1), Change: Change{Holder: &Holder{Name: "受让方"}}}
	events := []Event{g, ext, tr}
	at := func(d Date) (Right, bool) {
		r, ok, err := Replay(events, &d)
		if err != nil {
			t.Fatal(err)
		}
		return r, ok
	}
	if _, ok := at(D(2019, 12, 31)); ok {
		t.Error("the right existed before its grant")
	}
	if r, _ := at(D(2022, 1, 1)); r.ValidTo != D(2023, 1, 1) || r.Holder.Name != "喀什某矿业有限公司" || r.Status != Valid {
		t.Errorf("before the extension: %+v", r)
	}
	if r, _ := at(D(2022, 12, 31)); r.ValidTo != D(2026, 1, 1) || r.Holder.Name != "喀什某矿业有限公司" {
		t.Errorf("after the extension, before the transfer: valid to %s, holder %s", r.ValidTo, r.Holder.Name)
	}
	if r, _ := at(D(2023, 6, 1)); r.Holder.Name != "受让方" || r.Status != Valid || r.Seq != 3 {
		t.Errorf("after the transfer: %+v", r)
	}
	// Without the extension the right would have expired.
	r, _, _ := Replay(events[:1], &Date{D(2023, 6, 1).Time})
	if r.Status != Expired {
		t.Errorf("unextended right on 2023-06-01: %s, want expired", r.Status)
	}
}

func TestLicenceNumbers(t *testing.T) {
	valid := []struct {
		number, layout string
		kind           Kind
		authority      string
		year, month    int
	}{
		{"C6530222026097150000005", "23", Mining, "653022", 2026, 9},
		{"C1000002023125218000664", "23", Mining, "100000", 2023, 12},
		{"T1507002008083050013707", "23", Exploration, "150700", 2008, 8},
		{"DC5108212026097100000001", "23", Mining, "510821", 2026, 9},
		{"T44120090302026433", "18", Exploration, "44", 2009, 3},
	}
	for _, v := range valid {
		l, err := DecodeLicence(v.number)
		if err != nil || l.Layout != v.layout || l.Kind != v.kind || l.Authority != v.authority || l.Year != v.year || l.Month != v.month {
			t.Errorf("%s: %+v %v", v.number, l, err)
		}
	}
	if l, _ := DecodeLicence("T44120090302026433"); l.Allocation != AllocApplication || l.MineralClass != "metallic" || l.Serial != "026433" {
		t.Errorf("18-character fields: %+v", l)
	}
	if l, _ := DecodeLicence("C1000002023125218000664"); !l.Ministry || l.Category != "521" || l.Serial != "8000664" {
		t.Errorf("23-character fields: %+v", l)
	}
	invalid := map[string]string{
		"X6530222026097150000005": "T or C",
		"C65302220260971500000A5": "digits",
		"C6530222026137150000005": "valid year and month",
		"T44620090302026433":      "allocation",
		"T44120090305026433":      "mineral class",
		"C44120090302026433":      "exploration licences",
		"65302220260971500":       "fits no known layout",
		"":                        "fits no known layout",
	}
	for n, want := range invalid {
		if _, err := DecodeLicence(n); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error mentioning %q", n, err, want)
		}
	}
	// An unknown layout is kept and flagged, not rejected.
	g := grantEvent(Mining, Producing)
	g.Change.Right.LicenceNumber = "采字2009第12号"
	r, err := Apply(nil, g)
	if err != nil || r.LicenceNumber != "采字2009第12号" || r.LicenceFlag == "" {
		t.Errorf("unknown layout: %v %+v", err, r)
	}
}

func TestCreditCodes(t *testing.T) {
	for _, c := range []string{"91650100228665922F", "91350200776049653A", "913502000728319549", "91350213678251743X", "91440101MA5CJQ4N59"} {
		if err := ValidateCreditCode(c); err != nil {
			t.Errorf("%s: %v", c, err)
		}
	}
	for c, want := range map[string]string{
		"91650100228665922E":  "校验位应为 F",
		"9165010022866592":    "18 位",
		"91650100228665I22F":  "不是允许的字符",
		"91650100228665922FF": "18 位",
	} {
		if err := ValidateCreditCode(c); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", c, err, want)
		}
	}
}
