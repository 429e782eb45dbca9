package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"mineplan/internal/authz"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// rightPage is a right's page (GET /rights/{id}): its public fields and
// the history of its public events for everyone (public.go's publicRight
// and publicEvents decide what that is); within a caller's rights.read
// jurisdiction every field and the full timeline, with each event's
// document, deciding authority, reason and who recorded it.
type rightPage struct {
	Page
	ID            string
	LicenceNumber string
	// Full says the caller sees the right's full fields and timeline.
	Full         bool
	Illustrative bool
	Fields       []rightField
	Events       []rightEvent
	// Full view only (rightofficer.go): the audit log's entries for the
	// right, newest first, and the stored reviews whose findings name it.
	ShowChanges, ShowReviews bool
	Changes                  []auditRow
	Reviews                  []reviewRow
	ReviewsMatched           int
}

// rightField is one row of the right's table: a label key and a value,
// either text (data) or a message (a translated code, a number with its
// unit).
type rightField struct {
	Key  string // rightpage.field.<Key>
	Text string
	Msg  *Msg
}

// rightEvent is one entry of the timeline; the public sees Seq, Type and
// Date only.
type rightEvent struct {
	Seq        int
	Type       string
	Date       string
	Authority  string
	Reason     string
	DocRef     string
	RecordedBy string
	RecordedAt string
}

// rightPageFields are the members of a right (its JSON, as publicRight
// gives the public) shown on its page, in order; members the caller's
// view lacks are left out. "credit_code" is the holder's.
var rightPageFields = []string{
	"licence_number", "name", "holder", "credit_code", "kind", "main_mineral", "associated_minerals", "mining_method",
	"design_scale", "scale_class", "status", "validity", "area_km2", "county", "allocation", "authority", "green_mine",
	"project_number", "licence_flag", "exploration_stage", "gk_zone", "successor", "converted_from", "events",
}

func (s *Server) handleRightPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.queryContext(r)
	defer cancel()
	rt, err := s.cfg.Store.Right(ctx, r.PathValue("id"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return
	case err != nil:
		s.cfg.Logger.Error("right page", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	// As the API (rightView): a right outside the caller's rights.read
	// jurisdiction is not found; a role without rights.read sees its
	// public fields.
	full := false
	switch authz.Decide(who(r), authz.RightsRead, rightObject(rt), s.currentGrants()) {
	case authz.Allow:
		full = true
	case authz.Hide:
		s.deny(w, r, r.Pattern, authz.RightsRead, authz.Hide)
		return
	}
	rt.Status = rt.StatusOn(s.today())
	evs, err := s.cfg.Store.RightEvents(ctx, rt.ID)
	if err != nil {
		s.cfg.Logger.Error("right page events", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	data, err := buildRightPage(rt, evs, full)
	if err != nil {
		s.cfg.Logger.Error("right page", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	if full {
		var reviews func(*store.ReviewFilter) bool
		if s.patterns["GET /reviews/{id}"] {
			reviews = func(f *store.ReviewFilter) bool { return s.narrowReviews(r, f) }
		}
		if err := s.rightOfficerParts(ctx, rt, &data, reviews); err != nil {
			s.cfg.Logger.Error("right page audit", "path", r.URL.Path, "err", err)
			s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
			return
		}
	}
	data.Page = s.newPage(r, "rightpage.title")
	data.Page.TitleArg = rt.LicenceNumber
	if full {
		s.render(w, r, http.StatusOK, "right.html", data) // full fields are never cached
		return
	}
	s.page(w, r, http.StatusOK, "right.html", data)
}

// buildRightPage fills the page from the right's members: publicRight's
// for the public view, all of them for the full view, so the page shows
// no field the API would not.
func buildRightPage(rt rights.Right, evs []rights.Event, full bool) (rightPage, error) {
	var m map[string]any
	var err error
	if full {
		m, err = members(rt)
	} else {
		m, err = publicRight(rt)
	}
	if err != nil {
		return rightPage{}, err
	}
	out := rightPage{ID: rt.ID, LicenceNumber: rt.LicenceNumber, Full: full, Illustrative: m["illustrative"] == true}
	if h, ok := m["holder"].(map[string]any); ok {
		m["holder"] = h["name"]
		if c, ok := h["credit_code"]; ok {
			m["credit_code"] = c
		}
	}
	if from, to := m["valid_from"], m["valid_to"]; from != nil || to != nil {
		m["validity"] = M("rightpage.validity_value", text(from), text(to))
	}
	for _, k := range rightPageFields {
		v, ok := m[k]
		if !ok || v == nil || v == "" {
			continue
		}
		f := rightField{Key: k}
		switch k {
		case "kind":
			f.Msg = M("kind." + text(v))
		case "status":
			f.Msg = M("status." + text(v))
		case "area_km2":
			f.Msg = M("rightpage.km2", text(v))
		case "green_mine":
			f.Msg = M("rightpage.no")
			if v == true {
				f.Msg = M("rightpage.yes")
			}
		case "design_scale":
			sc, _ := v.(map[string]any)
			f.Text = strings.TrimSpace(text(sc["value"]) + " " + text(sc["unit"]))
		default:
			if msg, ok := v.(*Msg); ok {
				f.Msg = msg
			} else {
				f.Text = text(v)
			}
		}
		if f.Msg == nil && f.Text == "" {
			continue
		}
		out.Fields = append(out.Fields, f)
	}
	if full {
		for _, ev := range evs {
			e := rightEvent{Seq: ev.Seq, Type: string(ev.Type), Date: ev.Date.String(), Authority: ev.Actor, Reason: ev.Reason,
				DocRef: ev.DocRef, RecordedBy: ev.RecordedBy}
			if !ev.RecordedAt.IsZero() {
				e.RecordedAt = ev.RecordedAt.UTC().Format(time.DateTime + " UTC")
			}
			out.Events = append(out.Events, e)
		}
		return out, nil
	}
	pub, err := publicEvents(evs)
	if err != nil {
		return rightPage{}, err
	}
	for _, ev := range pub {
		seq, _ := ev["seq"].(float64)
		out.Events = append(out.Events, rightEvent{Seq: int(seq), Type: text(ev["type"]), Date: text(ev["date"])})
	}
	return out, nil
}

// text is a JSON member as text.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []any:
		parts := make([]string, 0, len(v))
		for _, p := range v {
			parts = append(parts, text(p))
		}
		return strings.Join(parts, "、")
	}
	return fmt.Sprint(v)
}

func rightPageSamples() map[string]any {
	rt := rights.Right{ID: "sample", LicenceNumber: "C6500002010000000001", Kind: rights.Mining, Name: "sample",
		Holder: rights.Holder{Name: "sample", CreditCode: "sample"}, MainMineral: "铜矿", Associated: []string{"金"},
		DesignScale: &rights.Scale{Value: 1, Unit: "万吨/年"}, DeclaredAreaKm2: 1.5, County: "伽师县", Status: rights.Valid,
		ValidFrom: rights.D(2020, 1, 1), ValidTo: rights.D(2030, 1, 1), GreenMine: true, Illustrative: true, GKZone: 25}
	evs := []rights.Event{{RightID: "sample", Seq: 1, Type: rights.Grant, Date: rights.D(2020, 1, 1), Actor: "sample",
		Reason: "sample", DocRef: "sample", RecordedBy: "sample", RecordedAt: time.Unix(0, 0)}}
	p, err := buildRightPage(rt, evs, true) // the full view: every part of the template
	if err != nil {
		panic(err) // a fixed sample: a failure is a bug in buildRightPage
	}
	p.Page = samplePage()
	p.ShowChanges, p.ShowReviews, p.ReviewsMatched = true, true, 1
	p.Changes = []auditRow{{Seq: 1, At: "sample", Actor: "sample", Role: "licensing_officer", Action: "rights.record", Detail: "sample", RoleKey: "role.licensing_officer"}}
	p.Reviews = []reviewRow{{ID: "RV1", Verdict: "conforming", Kind: "mining"}}
	return map[string]any{"right.html": p}
}
