package plan

import (
	"encoding/json"
	"fmt"
	"math/big"
)

// Kinds of disagreement.
const (
	// BeyondRounding: no rounding of the printed figures can explain it.
	BeyondRounding = "beyond_rounding"
	// WithinRounding: the printed figures do not add up at the printed
	// precision, but the rounding of the parts could explain it.
	WithinRounding = "within_rounding"
)

// Disagreement is one place where the plan's own figures do not agree.
type Disagreement struct {
	Check    string          `json:"check"`
	Kind     string          `json:"kind"`
	Where    string          `json:"where"`
	Stated   json.RawMessage `json:"stated"`
	Computed json.RawMessage `json:"computed"`
	Unit     string          `json:"unit"`
	Message  string          `json:"message"`
}

// CheckReport is the result of recomputing the plan's arithmetic.
type CheckReport struct {
	Plan          string         `json:"plan"`
	BundleHash    string         `json:"bundle_hash"`
	Checked       int            `json:"checked"`
	Agreed        int            `json:"agreed"`
	Disagreements []Disagreement `json:"disagreements"`
}

// Check recomputes every stated total, every derived column and every
// statement, and lists what does not agree within printed rounding. It
// never changes the plan.
func (p *Plan) Check() CheckReport {
	rep := CheckReport{Plan: p.Meta.ID, BundleHash: p.Hash, Disagreements: []Disagreement{}}
	record := func(check, where string, stated, computed Quantity, relation, msg string) {
		rep.Checked++
		c := computed.In(stated.Unit)
		kind := ""
		switch {
		case relation == "le" || relation == "ge":
			sv, _ := stated.base()
			cv, _ := computed.base()
			if cmp := sv.Cmp(cv); (relation == "le" && cmp > 0) || (relation == "ge" && cmp < 0) {
				kind = BeyondRounding
			}
		case mustRat(c.FloatString(stated.Decimals)).Cmp(stated.Value) == 0:
			// The computed figure, rounded as the plan prints, is the same.
		case Meets(stated, computed):
			kind = WithinRounding
			msg += "（差异在各项印刷舍入范围内）"
		default:
			kind = BeyondRounding
		}
		if kind == "" {
			rep.Agreed++
			return
		}
		rep.Disagreements = append(rep.Disagreements, Disagreement{
			Check:    check,
			Kind:     kind,
			Where:    where,
			Stated:   json.RawMessage(stated.Value.FloatString(stated.Decimals)),
			Computed: json.RawMessage(formatSignificant(c, max(computed.Decimals, stated.Decimals))),
			Unit:     stated.Unit.Printed,
			Message:  msg,
		})
	}
	for _, t := range p.Tables {
		p.checkTotals(t, record)
		p.checkDerived(t, record)
	}
	for _, s := range p.Statements {
		st, err1 := s.Stated.Eval(p)
		co, err2 := s.Computed.Eval(p)
		if err1 != nil || err2 != nil {
			continue // reported by the loader
		}
		msg := fmt.Sprintf("%s 所述 %s%s，而 %s 得 %s%s。", s.Where, st.Value.FloatString(st.Decimals), st.Unit.Printed, co.Desc, formatSignificant(co.In(st.Unit), max(co.Decimals, st.Decimals)), st.Unit.Printed)
		if s.Note != "" {
			msg += s.Note
		}
		record(s.ID, s.Where, st, co, s.Relation, msg)
	}
	return rep
}

type recordFunc func(check, where string, stated, computed Quantity, relation, msg string)

func (p *Plan) checkTotals(t *Table, record recordFunc) {
	for _, tot := range t.Totals {
		for _, c := range t.Columns {
			f, ok := tot.Values[c.Key]
			if !ok {
				continue
			}
			stated, err := figureQuantity(f, c.unit, fmt.Sprintf("%s %s", t.ID, tot.Label))
			if err != nil {
				continue
			}
			sum, err := sumRows(t, c, t.Rows, fmt.Sprintf("%s %s 逐行相加", t.ID, c.Name))
			if err != nil {
				continue
			}
			where := fmt.Sprintf("%s %s %s", t.ID, tot.Label, c.Name)
			msg := fmt.Sprintf("%s 印为 %s%s，逐行相加为 %s%s。", where, f.Printed, c.unit.Printed, trimZeros(sum.Value.FloatString(sum.Decimals)), c.unit.Printed)
			record(fmt.Sprintf("%s/total/%s", t.ID, c.Key), where, stated, sum, "eq", msg)
		}
	}
}

func (p *Plan) checkDerived(t *Table, record recordFunc) {
	for _, c := range t.Columns {
		if c.Derived == nil || len(c.Derived.Percent) != 2 {
			continue
		}
		pc, _ := t.Column(c.Derived.Percent[0])
		wc, _ := t.Column(c.Derived.Percent[1])
		for i, r := range t.Rows {
			rc, pcell, wcell := r.Cells[c.Key], r.Cells[pc.Key], r.Cells[wc.Key]
			if !rc.Figure.Numeric() || !pcell.Figure.Numeric() || !wcell.Figure.Numeric() {
				continue
			}
			ref := fmt.Sprintf("第%d行", i+1)
			if r.Seq != 0 {
				ref = fmt.Sprintf("序号%d", r.Seq)
			}
			part, err1 := t.quantity(pc, r, fmt.Sprintf("%s %s %s", t.ID, ref, pc.Name))
			whole, err2 := t.quantity(wc, r, fmt.Sprintf("%s %s %s", t.ID, ref, wc.Name))
			stated, err3 := t.quantity(c, r, "")
			if err1 != nil || err2 != nil || err3 != nil {
				continue
			}
			computed, err := percentOf(part, whole)
			if err != nil {
				continue
			}
			where := fmt.Sprintf("%s %s %s", t.ID, ref, c.Name)
			msg := fmt.Sprintf("%s 印为 %s%%，由 %s ÷ %s 算得 %s%%。", where, rc.Figure.Printed, pcell.Figure.Printed, wcell.Figure.Printed, computed.Value.FloatString(2))
			record(fmt.Sprintf("%s/derived/%s/%d", t.ID, c.Key, i+1), where, stated, computed, "eq", msg)
		}
	}
}

// formatSignificant prints v with at least d decimals and at least four
// significant digits, without trailing zeros: 534.8 t in 万吨 is 0.05348.
func formatSignificant(v *big.Rat, d int) string {
	abs := new(big.Rat).Abs(v)
	scaled := new(big.Rat).Mul(abs, pow10(d))
	for abs.Sign() != 0 && d < 12 && scaled.Cmp(big.NewRat(1000, 1)) < 0 {
		d++
		scaled.Mul(scaled, big.NewRat(10, 1))
	}
	return trimZeros(v.FloatString(d))
}

func pow10(d int) *big.Rat {
	return new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d)), nil))
}

// trimZeros removes trailing zeros after the decimal point.
func trimZeros(s string) string {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return s
	}
	for d := 0; d <= 12; d++ {
		if t := r.FloatString(d); mustRat(t).Cmp(r) == 0 {
			return t
		}
	}
	return s
}

func mustRat(s string) *big.Rat {
	r, _ := new(big.Rat).SetString(s)
	return r
}
