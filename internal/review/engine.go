package review

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"mineplan/internal/geo"
	"mineplan/internal/plan"
	"mineplan/internal/rights"
)

// Severity is how much a finding weighs; the bundle's rules name it, so
// plan holds the names and the labels.
type Severity = plan.Severity

// Severities.
const (
	Prohibited         = plan.Prohibited         // 禁止：blocks the grant
	NeedsJustification = plan.NeedsJustification // 需论证：allowed only with a recorded justification
	Info               = plan.Info               // 提示
)

// Verdict is a review's conclusion.
type Verdict string

// Verdicts.
const (
	NonConforming Verdict = "non-conforming"
	Conditional   Verdict = "conditional"
	Conforming    Verdict = "conforming"
)

var verdictNames = map[Verdict][2]string{
	NonConforming: {"不符合规划", "does not conform to the plan"},
	Conditional:   {"有条件符合（需论证）", "conforms on conditions (needs justification)"},
	Conforming:    {"符合规划", "conforms to the plan"},
}

// ZH is the verdict's Chinese label; "" for an unknown verdict.
func (v Verdict) ZH() string { return verdictNames[v][0] }

// EN is the verdict's English label; "" for an unknown verdict.
func (v Verdict) EN() string { return verdictNames[v][1] }

// Finding is one result of one rule.
type Finding struct {
	Rule      string         `json:"rule"`
	Severity  Severity       `json:"severity"`
	Clause    string         `json:"clause"`
	MessageZH string         `json:"message_zh"`
	MessageEN string         `json:"message_en"`
	Evidence  map[string]any `json:"evidence,omitempty"`
}

// Report is a review's result, reproducible from its plan revision, its
// input hash and the layers it used.
type Report struct {
	Verdict      Verdict      `json:"verdict"`
	PlanID       string       `json:"plan_id"`
	PlanRevision int          `json:"plan_revision"`
	BundleHash   string       `json:"bundle_hash"`
	InputSHA256  string       `json:"input_sha256"`
	At           time.Time    `json:"at"`
	Application  *Application `json:"application"`
	Findings     []Finding    `json:"findings"`
}

// Data is what the review reads besides the plan: the register and the
// imported layers.
type Data interface {
	// LiveRights returns the rights that hold ground (valid, retained,
	// under construction, producing, suspended) whose box meets bbox.
	LiveRights(ctx context.Context, bbox geo.BBox) ([]rights.Right, error)
	// CountLive counts live rights of a kind.
	CountLive(ctx context.Context, kind rights.Kind) (int, error)
	// LiveTotals groups the live rights of a kind whose main mineral is
	// one of mainMinerals, wherever they lie, and (unless fromYear is 0)
	// valid from that year on, by main mineral, status and design-scale
	// unit, in that order. Sums are exact (rights.Total).
	LiveTotals(ctx context.Context, kind rights.Kind, mainMinerals []string, fromYear int) ([]rights.Total, error)
	// Areas returns features of layers of the given kinds (protected_area,
	// red_line) whose box meets bbox.
	Areas(ctx context.Context, kinds []string, bbox geo.BBox) ([]Area, error)
}

// Area is a feature of an imported layer.
type Area struct {
	Layer        string
	Kind         string
	ID           int64
	Name         string
	Illustrative bool
	Geometry     geo.MultiPolygon
	// Prepared, when set, is Geometry prepared once for many reviews.
	Prepared *geo.Prepared
}

// Engine reviews applications against one plan revision.
type Engine struct {
	plan     *plan.Plan
	revision int
	rules    []ruleFunc
	// zones holds the plan's zone shapes prepared once: a revision never
	// changes, so reviews share them read-only.
	zones map[string]*geo.Prepared
	// sameMineral caches, by the application's mineral, the catalogue
	// names that match it (see matches); reviews share it.
	sameMineral sync.Map
}

type ruleFunc struct {
	cfg plan.ReviewRule
	run func(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, d Data) ([]Finding, error)
}

// kinds maps every plan.ReviewKinds name to its function (a test checks
// that both name the same kinds).
var kinds = map[plan.RuleKind]func(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, d Data) ([]Finding, error){
	plan.KindMineralPolicy:   mineralPolicy,
	plan.KindCoalQuality:     coalQuality,
	plan.KindMinimumScale:    minimumScale,
	plan.KindServiceLife:     serviceLife,
	plan.KindInsideZone:      insideZone,
	plan.KindNoOverlapRights: noOverlapRights,
	plan.KindNoOverlapZones:  noOverlapZones,
	plan.KindAuthority:       authority,
	plan.KindCountCap:        countCap,
	plan.KindDeclaredArea:    declaredArea,
	plan.KindPlanningBlock:   planningBlock,
	plan.KindInsideBlock:     insideBlock,
	plan.KindNoOverlapLayers: noOverlapLayers,
	plan.KindOutputCap:       outputCap,
	plan.KindNewLicenceCap:   newLicenceCap,
	plan.KindCountyLocation:  countyLocation,
}

// New builds an engine from the plan's rules/review.yaml.
func New(p *plan.Plan, revision int) (*Engine, error) {
	e := &Engine{plan: p, revision: revision, zones: make(map[string]*geo.Prepared, len(p.Shapes))}
	for code, shape := range p.Shapes {
		e.zones[code] = geo.Prepare(geo.MultiPolygon{shape})
	}
	for _, cfg := range p.Rules.Review {
		run, ok := kinds[cfg.Kind]
		if !ok {
			return nil, fmt.Errorf("rule %s: unknown kind %q", cfg.ID, cfg.Kind)
		}
		e.rules = append(e.rules, ruleFunc{cfg, run})
	}
	return e, nil
}

// Plan is the plan revision the engine reviews against.
func (e *Engine) Plan() *plan.Plan { return e.plan }

// mineralNames lists the catalogue names and aliases that keep accepts,
// so the store is asked only for rights a rule can count.
func (e *Engine) mineralNames(keep func(name string, m plan.Mineral) bool) []string {
	out := []string{}
	for _, n := range e.plan.MineralNames() {
		if m, ok := e.plan.Mineral(n); ok && keep(n, m) {
			out = append(out, n)
		}
	}
	return out
}

// namesMatching lists the catalogue names and aliases the application's
// mineral matches.
func (e *Engine) namesMatching(a *Application) []string {
	if v, ok := e.sameMineral.Load(a.mineral.Name); ok {
		return v.([]string)
	}
	names := e.mineralNames(func(n string, _ plan.Mineral) bool { return e.matches(a, []string{n}) })
	e.sameMineral.Store(a.mineral.Name, names)
	return names
}

// Review runs every rule. The application must have been validated. It
// stops with ctx's error when ctx is cancelled (a client that went away, a
// server shutting down) between rules; the rules' store queries take ctx
// through Data.
func (e *Engine) Review(ctx context.Context, a *Application, d Data, at time.Time) (*Report, error) {
	rep := &Report{PlanID: e.plan.Meta.ID, PlanRevision: e.revision, BundleHash: e.plan.Hash, InputSHA256: a.InputHash(), At: at.UTC(), Application: a, Findings: []Finding{}}
	for _, r := range e.rules {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fs, err := r.run(ctx, e, r.cfg, a, d)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.cfg.ID, err)
		}
		for _, f := range fs {
			if err := finiteEvidence(f.Evidence); err != nil {
				return nil, fmt.Errorf("rule %s, finding %s: %w", r.cfg.ID, f.Rule, err)
			}
		}
		rep.Findings = append(rep.Findings, fs...)
	}
	sort.SliceStable(rep.Findings, func(i, j int) bool { return rep.Findings[i].Severity.Rank() < rep.Findings[j].Severity.Rank() })
	rep.Verdict = Conforming
	for _, f := range rep.Findings {
		switch {
		case f.Severity == Prohibited:
			rep.Verdict = NonConforming
		case f.Severity == NeedsJustification && rep.Verdict == Conforming:
			rep.Verdict = Conditional
		}
	}
	return rep, nil
}

func finding(cfg plan.ReviewRule, rule string, severity Severity, clause, zh, en string, evidence map[string]any) Finding {
	if severity == "" {
		severity = cfg.Severity
	}
	if clause == "" {
		clause = cfg.Clause
	}
	return Finding{Rule: rule, Severity: severity, Clause: clause, MessageZH: zh, MessageEN: en, Evidence: evidence}
}

// matches reports whether the application's mineral is one a rule names:
// the same catalogue entry, a member of a named group, or a named family
// (水泥用石灰岩 is a 石灰岩).
func (e *Engine) matches(a *Application, names []string) bool {
	own := append([]string{a.mineral.Name}, a.mineral.Aliases...)
	for _, n := range names {
		m, ok := e.plan.Mineral(n)
		if !ok {
			continue
		}
		if m.Name == a.mineral.Name {
			return true
		}
		for _, member := range m.Members {
			if member == a.mineral.Name {
				return true
			}
		}
		for _, o := range own {
			for _, fam := range append([]string{m.Name}, m.Aliases...) {
				if len([]rune(fam)) >= 2 && strings.HasSuffix(o, fam) && o != fam {
					return true
				}
			}
		}
	}
	return false
}

func appliesTo(cfg plan.ReviewRule, a *Application) bool {
	switch cfg.AppliesTo {
	case "mining":
		return a.Kind == rights.Mining
	case "exploration":
		return a.Kind == rights.Exploration
	}
	return true
}

// finiteEvidence refuses NaN and infinities in a finding's evidence, so
// they never reach the store or the JSON encoder: a rule that produced one
// has a fault, and the review fails loudly instead of answering with an
// unreadable report.
func finiteEvidence(ev map[string]any) error {
	for k, v := range ev {
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("evidence %s is not a finite number (%v)", k, x)
			}
		case map[string]any:
			if err := finiteEvidence(x); err != nil {
				return fmt.Errorf("%s.%w", k, err)
			}
		case []any:
			for i, e := range x {
				if err := finiteEvidence(map[string]any{fmt.Sprint(i): e}); err != nil {
					return fmt.Errorf("%s[%w", k, err)
				}
			}
		}
	}
	return nil
}
