package plan

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Quantity is an evaluated figure: a value, the half-width of the interval
// its printed rounding allows, and its unit.
type Quantity struct {
	Value    *big.Rat
	Half     *big.Rat
	Unit     Unit
	Decimals int
	// Desc says in words where the number came from.
	Desc string
}

func figureQuantity(f Figure, u Unit, desc string) (Quantity, error) {
	if !f.Numeric() {
		return Quantity{}, fmt.Errorf("%s: %q is not a number", desc, f.Printed)
	}
	half := new(big.Rat)
	if !u.Exact() {
		// 0.5 × 10^-decimals
		half.SetFrac(big.NewInt(1), new(big.Int).Mul(big.NewInt(2), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(f.Decimals)), nil)))
	}
	return Quantity{Value: new(big.Rat).Set(f.Value), Half: half, Unit: u, Decimals: f.Decimals, Desc: desc}, nil
}

// base returns value and half-width in the unit's base (t, m³, km² …).
func (q Quantity) base() (*big.Rat, *big.Rat) {
	s := q.Unit.Scale
	if s == nil {
		s = big.NewRat(1, 1)
	}
	return new(big.Rat).Mul(q.Value, s), new(big.Rat).Mul(q.Half, s)
}

// In expresses q in the unit u (which must be comparable).
func (q Quantity) In(u Unit) *big.Rat {
	v, _ := q.base()
	if u.Scale == nil {
		return v
	}
	return v.Quo(v, u.Scale)
}

// Meets reports whether the rounding intervals of a and b overlap.
func Meets(a, b Quantity) bool {
	av, ah := a.base()
	bv, bh := b.base()
	d := new(big.Rat).Sub(av, bv)
	d.Abs(d)
	return d.Cmp(new(big.Rat).Add(ah, bh)) <= 0
}

// Expr is an expression in statements.yaml.
type Expr interface {
	Eval(p *Plan) (Quantity, error)
}

type figureExpr struct {
	f    Figure
	unit string
}

type cellExpr struct{ table, row, column string }

type sumExpr struct {
	table, column string
	where         map[string]string
}

type countExpr struct {
	table string
	where map[string]string
	unit  string
}

type addExpr []Expr

type percentExpr struct{ part, whole Expr }

type statementExpr string

func (e figureExpr) Eval(*Plan) (Quantity, error) {
	u, err := ParseUnit(e.unit)
	if err != nil {
		return Quantity{}, err
	}
	return figureQuantity(e.f, u, e.f.Printed+u.Printed)
}

func (e cellExpr) Eval(p *Plan) (Quantity, error) {
	t, c, err := tableColumn(p, e.table, e.column)
	if err != nil {
		return Quantity{}, err
	}
	for _, tot := range t.Totals {
		if tot.Label == e.row {
			if f, ok := tot.Values[e.column]; ok {
				return figureQuantity(f, c.unit, fmt.Sprintf("%s %s %s", t.ID, tot.Label, c.Name))
			}
		}
	}
	r, ok := t.RowByRef(e.row)
	if !ok {
		return Quantity{}, fmt.Errorf("%s has no row %q", t.ID, e.row)
	}
	return t.quantity(c, r, fmt.Sprintf("%s 第%s行 %s", t.ID, e.row, c.Name))
}

func (e sumExpr) Eval(p *Plan) (Quantity, error) {
	t, c, err := tableColumn(p, e.table, e.column)
	if err != nil {
		return Quantity{}, err
	}
	rows, err := filterRows(t, e.where, true)
	if err != nil {
		return Quantity{}, err
	}
	desc := fmt.Sprintf("%s %s 逐行相加", t.ID, c.Name)
	if len(e.where) > 0 {
		desc = fmt.Sprintf("%s %s（%s）", t.ID, c.Name, describeWhere(e.where))
	}
	return sumRows(t, c, rows, desc)
}

func describeWhere(where map[string]string) string {
	keys := make([]string, 0, len(where))
	for k := range where {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = where[k]
	}
	return strings.Join(parts, "，")
}

// sumRows adds a figure column over rows; blank and non-numeric cells are
// errors, because a total over them would be a guess.
func sumRows(t *Table, c Column, rows []Row, desc string) (Quantity, error) {
	sum := Quantity{Value: new(big.Rat), Half: new(big.Rat), Desc: desc}
	first := true
	for _, r := range rows {
		if cell, ok := r.Cells[c.Key]; !ok || cell.Figure == nil {
			continue
		}
		q, err := t.quantity(c, r, fmt.Sprintf("%s line %d", t.ID, r.Line))
		if err != nil {
			return Quantity{}, fmt.Errorf("cannot add %s: %v", c.Key, err)
		}
		u := q.Unit
		if first {
			sum.Unit = u
			first = false
		} else if !u.Comparable(sum.Unit) || u.Scale.Cmp(sum.Unit.Scale) != 0 {
			return Quantity{}, fmt.Errorf("%s line %d: %s mixes units %q and %q", t.ID, r.Line, c.Key, sum.Unit.Printed, u.Printed)
		}
		sum.Value.Add(sum.Value, q.Value)
		sum.Half.Add(sum.Half, q.Half)
		if q.Decimals > sum.Decimals {
			sum.Decimals = q.Decimals
		}
	}
	if first {
		return Quantity{}, fmt.Errorf("%s: no figures in column %q to add", t.ID, c.Key)
	}
	return sum, nil
}

func (e countExpr) Eval(p *Plan) (Quantity, error) {
	t := p.Table(e.table)
	if t == nil {
		return Quantity{}, fmt.Errorf("no table %q", e.table)
	}
	rows, err := filterRows(t, e.where, false)
	if err != nil {
		return Quantity{}, err
	}
	unit := e.unit
	if unit == "" {
		unit = "个"
	}
	u, err := ParseUnit(unit)
	if err != nil {
		return Quantity{}, err
	}
	desc := fmt.Sprintf("%s 行数", t.ID)
	if len(e.where) > 0 {
		desc = fmt.Sprintf("%s 中“%s”行数", t.ID, describeWhere(e.where))
	}
	return Quantity{Value: big.NewRat(int64(len(rows)), 1), Half: new(big.Rat), Unit: u, Desc: desc}, nil
}

func (e addExpr) Eval(p *Plan) (Quantity, error) {
	var sum Quantity
	var parts []string
	for i, x := range e {
		q, err := x.Eval(p)
		if err != nil {
			return Quantity{}, err
		}
		if i == 0 {
			sum = Quantity{Value: new(big.Rat), Half: new(big.Rat), Unit: q.Unit}
		} else if !q.Unit.Comparable(sum.Unit) {
			return Quantity{}, fmt.Errorf("cannot add %q to %q", q.Unit.Printed, sum.Unit.Printed)
		}
		v, h := q.base()
		sum.Value.Add(sum.Value, v)
		sum.Half.Add(sum.Half, h)
		if q.Decimals > sum.Decimals {
			sum.Decimals = q.Decimals
		}
		parts = append(parts, q.Desc)
	}
	if len(e) == 0 {
		return Quantity{}, fmt.Errorf("add needs at least one term")
	}
	// Back from base units into the first term's unit.
	s := sum.Unit.Scale
	sum.Value.Quo(sum.Value, s)
	sum.Half.Quo(sum.Half, s)
	sum.Desc = strings.Join(parts, " + ")
	return sum, nil
}

func (e percentExpr) Eval(p *Plan) (Quantity, error) {
	part, err := e.part.Eval(p)
	if err != nil {
		return Quantity{}, err
	}
	whole, err := e.whole.Eval(p)
	if err != nil {
		return Quantity{}, err
	}
	return percentOf(part, whole)
}

func percentOf(part, whole Quantity) (Quantity, error) {
	if !part.Unit.Comparable(whole.Unit) {
		return Quantity{}, fmt.Errorf("cannot divide %q by %q", part.Unit.Printed, whole.Unit.Printed)
	}
	pv, ph := part.base()
	wv, wh := whole.base()
	if wv.Sign() == 0 {
		return Quantity{}, fmt.Errorf("division by zero: %s", whole.Desc)
	}
	hundred := big.NewRat(100, 1)
	v := new(big.Rat).Quo(pv, wv)
	v.Mul(v, hundred)
	// Interval: the extremes of (p±hp)/(w∓hw).
	half := new(big.Rat)
	lowW := new(big.Rat).Sub(wv, wh)
	if lowW.Sign() > 0 {
		hi := new(big.Rat).Quo(new(big.Rat).Add(pv, ph), lowW)
		hi.Mul(hi, hundred)
		lo := new(big.Rat).Quo(new(big.Rat).Sub(pv, ph), new(big.Rat).Add(wv, wh))
		lo.Mul(lo, hundred)
		d1 := new(big.Rat).Sub(hi, v)
		d2 := new(big.Rat).Sub(v, lo)
		if d1.Cmp(d2) > 0 {
			half = d1
		} else {
			half = d2
		}
	}
	u, _ := ParseUnit("%")
	return Quantity{Value: v, Half: half, Unit: u, Decimals: 2, Desc: fmt.Sprintf("%s ÷ %s × 100", part.Desc, whole.Desc)}, nil
}

func (e statementExpr) Eval(p *Plan) (Quantity, error) {
	for _, s := range p.Statements {
		if s.ID == string(e) {
			return s.Stated.Eval(p)
		}
	}
	return Quantity{}, fmt.Errorf("no statement %q", string(e))
}

func tableColumn(p *Plan, table, column string) (*Table, Column, error) {
	t := p.Table(table)
	if t == nil {
		return nil, Column{}, fmt.Errorf("no table %q", table)
	}
	c, ok := t.Column(column)
	if !ok {
		return nil, Column{}, fmt.Errorf("%s has no column %q", table, column)
	}
	if c.Type != ColFigure {
		return nil, Column{}, fmt.Errorf("%s column %q is not a figure column", table, column)
	}
	return t, c, nil
}

// filterRows keeps rows whose cells match every where-pair. A sub-row is
// kept with its parent when withSubRows is set; count uses numbered rows.
func filterRows(t *Table, where map[string]string, withSubRows bool) ([]Row, error) {
	for k := range where {
		if _, ok := t.Column(k); !ok {
			return nil, fmt.Errorf("%s has no column %q", t.ID, k)
		}
	}
	match := func(r Row) bool {
		for k, want := range where {
			cell := r.Cells[k]
			got := cell.Text
			if cell.Names != nil {
				got = strings.Join(cell.Names, "、")
			}
			if got != want {
				return false
			}
		}
		return true
	}
	kept := map[int]bool{}
	var out []Row
	for _, r := range t.Rows {
		switch {
		case r.PartOf == 0 && match(r):
			kept[r.Seq] = true
			out = append(out, r)
		case r.PartOf != 0 && withSubRows && kept[r.PartOf]:
			out = append(out, r)
		}
	}
	return out, nil
}

// decodeExpr reads an expression node.
func decodeExpr(n *yaml.Node) (Expr, error) {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		return nil, fmt.Errorf("line %d: an expression is a map such as {sum: {...}}", n.Line)
	}
	key, val := n.Content[0].Value, n.Content[1]
	switch key {
	case "figure":
		f, err := mapFields(n, "figure", "unit")
		if err != nil {
			return nil, err
		}
		var fig Figure
		if err := fig.UnmarshalYAML(f["figure"]); err != nil {
			return nil, err
		}
		unit := ""
		if f["unit"] != nil {
			unit = f["unit"].Value
		}
		return figureExpr{fig, unit}, nil
	case "statement":
		return statementExpr(val.Value), nil
	case "cell", "sum", "count":
		if len(n.Content) != 2 {
			return nil, fmt.Errorf("line %d: %s takes one map", n.Line, key)
		}
		f, err := mapFields(val, "table", "row", "column", "where", "unit")
		if err != nil {
			return nil, err
		}
		str := func(k string) string {
			if f[k] == nil {
				return ""
			}
			return f[k].Value
		}
		var where map[string]string
		if f["where"] != nil {
			if err := f["where"].Decode(&where); err != nil {
				return nil, fmt.Errorf("line %d: where: %v", f["where"].Line, err)
			}
		}
		switch key {
		case "cell":
			if f["row"] == nil {
				return nil, fmt.Errorf("line %d: cell needs row", val.Line)
			}
			return cellExpr{str("table"), str("row"), str("column")}, nil
		case "sum":
			return sumExpr{str("table"), str("column"), where}, nil
		}
		return countExpr{str("table"), where, str("unit")}, nil
	case "add", "percent":
		if val.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("line %d: %s takes a list", val.Line, key)
		}
		var xs []Expr
		for _, c := range val.Content {
			x, err := decodeExpr(c)
			if err != nil {
				return nil, err
			}
			xs = append(xs, x)
		}
		if key == "add" {
			return addExpr(xs), nil
		}
		if len(xs) != 2 {
			return nil, fmt.Errorf("line %d: percent takes [part, whole]", val.Line)
		}
		return percentExpr{xs[0], xs[1]}, nil
	}
	return nil, fmt.Errorf("line %d: unknown expression %q (figure, cell, sum, count, add, percent, statement)", n.Line, key)
}

// Statement is a figure the prose states, with what it should equal.
type Statement struct {
	ID       string
	Where    string
	Quote    string
	Stated   Expr
	Computed Expr
	Relation string
	Note     string
	Line     int
}

func decodeStatement(n *yaml.Node) (Statement, error) {
	f, err := mapFields(n, "id", "where", "quote", "stated", "unit", "computed", "relation", "note")
	if err != nil {
		return Statement{}, err
	}
	s := Statement{Line: n.Line, Relation: "eq"}
	for k, dst := range map[string]*string{"id": &s.ID, "where": &s.Where, "quote": &s.Quote, "note": &s.Note} {
		if f[k] != nil {
			*dst = f[k].Value
		}
	}
	if f["relation"] != nil {
		s.Relation = f["relation"].Value
	}
	if s.ID == "" || s.Where == "" || f["stated"] == nil || f["computed"] == nil {
		return s, fmt.Errorf("line %d: a statement needs id, where, stated and computed", n.Line)
	}
	if st := f["stated"]; st.Kind == yaml.MappingNode && !isFigureMap(st) {
		if s.Stated, err = decodeExpr(st); err != nil {
			return s, err
		}
	} else {
		var fig Figure
		if err := fig.UnmarshalYAML(st); err != nil {
			return s, err
		}
		if f["unit"] == nil {
			return s, fmt.Errorf("line %d: statement %s: missing unit for stated figure", n.Line, s.ID)
		}
		s.Stated = figureExpr{fig, f["unit"].Value}
	}
	if s.Computed, err = decodeExpr(f["computed"]); err != nil {
		return s, err
	}
	switch s.Relation {
	case "eq", "le", "ge":
	default:
		return s, fmt.Errorf("line %d: relation %q is not eq, le or ge", n.Line, s.Relation)
	}
	return s, nil
}

func isFigureMap(n *yaml.Node) bool {
	for i := 0; i < len(n.Content); i += 2 {
		switch n.Content[i].Value {
		case "value", "printed", "note":
		default:
			return false
		}
	}
	return true
}
