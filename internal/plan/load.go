package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"mineplan/internal/formats"
	"mineplan/internal/formats/geojson"
	"mineplan/internal/geo"
)

// Bundle file names.
const (
	FileMeta       = "plan.yaml"
	FileCounties   = "counties.yaml"
	FileMinerals   = "minerals.yaml"
	FileStatements = "statements.yaml"
	FileZones      = "zones.yaml"
	FilePolicy     = "rules/policy.yaml"
	FileMinScale   = "rules/min_scale.yaml"
	FileTargets    = "rules/targets.yaml"
	FileAuthority  = "rules/authority.yaml"
	FileKeyMines   = "rules/key_mines.yaml"
	FileReview     = "rules/review.yaml"
	FileZoneShapes = "zones.geojson"
	FileBlocks     = "blocks.geojson"
)

// ReadFiles reads every regular file of a bundle into memory.
func ReadFiles(fsys fs.FS) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(path.Base(p), ".") {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files[p] = b
		return nil
	})
	return files, err
}

// HashFiles is the bundle's content hash: sha256 over the sorted paths and
// their contents, so the same bundle always has the same hash.
func HashFiles(files map[string][]byte) string {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	h := sha256.New()
	for _, p := range paths {
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(files[p]))
		h.Write(files[p])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Load reads and validates a bundle from a file system.
func Load(fsys fs.FS) (*Plan, error) {
	files, err := ReadFiles(fsys)
	if err != nil {
		return nil, fmt.Errorf("read plan bundle: %w", err)
	}
	return Parse(files)
}

// Parse validates a bundle given as files (path → content). Every defect is
// reported, each naming its file and, where possible, line and field.
func Parse(files map[string][]byte) (*Plan, error) {
	l := &loader{files: files, p: &Plan{Files: files, Hash: HashFiles(files)}}
	l.load()
	if len(l.errs) > 0 {
		return nil, &MalformedError{Errors: l.errs}
	}
	return l.p, nil
}

type loader struct {
	files map[string][]byte
	p     *Plan
	errs  []*BundleError
}

func (l *loader) fail(file string, line int, field, format string, a ...any) {
	l.errs = append(l.errs, &BundleError{File: file, Line: line, Field: field, Msg: fmt.Sprintf(format, a...)})
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// failErr records an error whose text may start with "line N: ".
func (l *loader) failErr(file string, err error) {
	for _, msg := range strings.Split(err.Error(), "\n") {
		msg = strings.TrimSpace(strings.TrimPrefix(msg, "yaml: unmarshal errors:"))
		if msg == "" {
			continue
		}
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			l.fail(file, n, "", "%s", m[2])
			continue
		}
		l.fail(file, 0, "", "%s", msg)
	}
}

// decode reads one YAML file strictly: unknown keys are errors.
func (l *loader) decode(file string, out any, required bool) bool {
	b, ok := l.files[file]
	if !ok {
		if required {
			l.fail(file, 0, "", "file is missing")
		}
		return false
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil {
		l.failErr(file, err)
		return false
	}
	return true
}

func (l *loader) load() {
	p := l.p
	l.decode(FileMeta, &p.Meta, true)
	if p.Meta.ID == "" || p.Meta.Title == "" {
		l.fail(FileMeta, 0, "id", "plan id and title are required")
	}
	if t := p.Meta.Territory; t != nil {
		if err := t.parse(); err != nil {
			l.fail(FileMeta, 0, "territory", "%v", err)
		}
	}
	l.loadCounties()
	l.loadMinerals()
	l.loadTables()
	l.resolveMinScale()
	var zf zonesFile
	if l.decode(FileZones, &zf, true) {
		for _, err := range p.buildZones(zf) {
			l.failErr(FileZones, err)
		}
	}
	l.loadStatements()
	l.loadRules()
	l.loadShapes()
	l.loadBlocks()
}

// loadBlocks reads blocks.geojson: each block names a known mineral and
// kind, and has a valid polygon.
func (l *loader) loadBlocks() {
	b, ok := l.files[FileBlocks]
	if !ok {
		return
	}
	fc, err := geojson.ReadCollection(bytes.NewReader(b))
	if err != nil {
		l.fail(FileBlocks, 0, "", "%v", err)
		return
	}
	seen := map[string]bool{}
	for i, f := range fc.Features {
		field := fmt.Sprintf("features[%d] %s", i, f.ID)
		props := formats.Properties(fc.Fields, f)
		str := func(k string) string { s, _ := props[k].(string); return s }
		blk := Block{Code: f.ID, Kind: str("kind"), Mineral: str("mineral"), County: str("county"), Zone: str("zone"), Table: str("source"), Geometry: polygonOf(f.Geometry)}
		switch a := props["area_km2"].(type) {
		case float64:
			blk.AreaKm2 = a
		case int64:
			blk.AreaKm2 = float64(a)
		}
		blk.Illustrative, _ = props["illustrative"].(bool)
		switch {
		case blk.Code == "" || seen[blk.Code]:
			l.fail(FileBlocks, 0, field, "block code is empty or repeated")
		case blk.Kind != "exploration" && blk.Kind != "mining":
			l.fail(FileBlocks, 0, field+".kind", "kind %q is not exploration or mining", blk.Kind)
		case blk.Geometry == nil:
			l.fail(FileBlocks, 0, field, "block has no geometry")
		default:
			if _, ok := l.p.Mineral(blk.Mineral); !ok {
				l.fail(FileBlocks, 0, field+".mineral", "unknown mineral %q", blk.Mineral)
			}
			if err := geo.ValidatePolygon(blk.Geometry); err != nil {
				l.fail(FileBlocks, 0, field, "%v", err)
			}
		}
		seen[blk.Code] = true
		l.p.Blocks = append(l.p.Blocks, blk)
	}
}

// Block returns a planning block by code.
func (p *Plan) Block(code string) (Block, bool) {
	for _, b := range p.Blocks {
		if b.Code == code {
			return b, true
		}
	}
	return Block{}, false
}

// ShapeTolerance is how far (as a fraction) a zone's ellipsoidal area may
// be from its stated area.
const ShapeTolerance = 0.01

// loadShapes reads zones.geojson: every feature must be a catalogue zone,
// and a polygon's ellipsoidal area must be within ShapeTolerance of the
// stated area, so geometry left stale by a table edit is refused.
func (l *loader) loadShapes() {
	l.p.Shapes = map[string]geo.Polygon{}
	b, ok := l.files[FileZoneShapes]
	if !ok {
		return
	}
	fc, err := geojson.ReadCollection(bytes.NewReader(b))
	if err != nil {
		l.fail(FileZoneShapes, 0, "", "%v", err)
		return
	}
	for i, lf := range fc.Features {
		id, poly := lf.ID, polygonOf(lf.Geometry)
		field := fmt.Sprintf("features[%d] %s", i, id)
		z, ok := l.p.Zone(id)
		if !ok {
			l.fail(FileZoneShapes, 0, field, "no zone with code %q in the catalogue", id)
			continue
		}
		if poly == nil {
			continue
		}
		if err := geo.ValidatePolygon(poly); err != nil {
			l.fail(FileZoneShapes, 0, field, "%v", err)
			continue
		}
		if z.Area != nil && z.Area.Numeric() {
			stated, _ := z.Area.Value.Float64()
			got := geo.CGCS2000.PolygonArea(poly) / 1e6
			if math.Abs(got-stated) > ShapeTolerance*stated {
				l.fail(FileZoneShapes, 0, field, "ellipsoidal area %.2f km² is more than %.0f%% from the stated %s km² (%s): regenerate with `mineplan plan zones --write`", got, ShapeTolerance*100, z.Area.Printed, z.Table)
			}
		}
		l.p.Shapes[id] = poly
	}
}

// polygonOf is the polygon of a bundle feature (ReadCollection reads
// Polygon features only), or nil.
func polygonOf(m geo.MultiPolygon) geo.Polygon {
	if len(m) == 0 {
		return nil
	}
	return m[0]
}

func (l *loader) loadCounties() {
	p := l.p
	l.decode(FileCounties, &p.Counties, true)
	p.countyIndex = map[string]int{}
	for i, c := range p.Counties {
		if c.Code == "" {
			l.fail(FileCounties, 0, fmt.Sprintf("[%d].code", i), "county %q has no code", c.Name)
		}
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			if _, dup := p.countyIndex[n]; dup {
				l.fail(FileCounties, 0, fmt.Sprintf("[%d]", i), "duplicate county name %q", n)
			}
			p.countyIndex[n] = i
		}
	}
}

var mineralClasses = map[MineralClass]bool{ClassEnergy: true, ClassMetallic: true, ClassNonMetallic: true, ClassWaterGas: true}
var policyStatuses = map[string]bool{"key": true, "restricted": true, "protective": true, "prohibited": true}

func (l *loader) loadMinerals() {
	p := l.p
	l.decode(FileMinerals, &p.Minerals, true)
	p.mineralIndex = map[string]int{}
	for i, m := range p.Minerals {
		field := fmt.Sprintf("[%d] %s", i, m.Name)
		if !mineralClasses[m.Class] {
			l.fail(FileMinerals, 0, field+".class", "class %q is not energy, metallic, non_metallic or water_gas", m.Class)
		}
		for _, s := range m.Policy {
			if !policyStatuses[s] {
				l.fail(FileMinerals, 0, field+".policy", "policy %q is not key, restricted, protective or prohibited", s)
			}
		}
		for _, u := range m.Units {
			if _, err := ParseUnit(u); err != nil {
				l.fail(FileMinerals, 0, field+".units", "%v", err)
			}
		}
		for _, n := range append([]string{m.Name}, m.Aliases...) {
			if _, dup := p.mineralIndex[n]; dup {
				l.fail(FileMinerals, 0, field, "duplicate mineral name or alias %q", n)
			}
			p.mineralIndex[n] = i
		}
	}
	for i, m := range p.Minerals {
		for _, mem := range m.Members {
			if _, ok := p.mineralIndex[mem]; !ok {
				l.fail(FileMinerals, 0, fmt.Sprintf("[%d] %s.members", i, m.Name), "unknown mineral %q", mem)
			}
		}
	}
}

func (l *loader) loadTables() {
	p := l.p
	p.tableIndex = map[string]*Table{}
	var names []string
	for f := range l.files {
		if strings.HasPrefix(f, "tables/") && strings.HasSuffix(f, ".yaml") {
			names = append(names, f)
		}
	}
	sort.Strings(names)
	for _, f := range names {
		var raw rawTable
		if !l.decode(f, &raw, true) {
			continue
		}
		t := &Table{ID: raw.ID, Title: raw.Title, Clause: raw.Clause, Layout: raw.Layout, Columns: raw.Columns, Notes: raw.Notes, File: f}
		m := tableIDPattern.FindStringSubmatch(t.ID)
		if m == nil {
			l.fail(f, 0, "id", "table id %q is not of the form 专栏N", t.ID)
			continue
		}
		t.Number, _ = strconv.Atoi(m[1])
		if p.tableIndex[t.ID] != nil {
			l.fail(f, 0, "id", "duplicate table %s (also in %s)", t.ID, p.tableIndex[t.ID].File)
			continue
		}
		if t.Clause == "" {
			l.fail(f, 0, "clause", "table %s has no clause", t.ID)
		}
		l.checkColumns(t)
		for _, err := range t.decodeRows(raw.Rows) {
			l.failErr(f, err)
		}
		for _, tot := range raw.Totals {
			for k := range tot.Values {
				if c, ok := t.Column(k); !ok || c.Type != ColFigure {
					l.fail(f, 0, "totals."+k, "not a figure column of %s", t.ID)
				}
			}
			t.Totals = append(t.Totals, Total{Label: tot.Label, Seq: tot.Seq, Values: tot.Values})
		}
		l.checkRows(t)
		p.Tables = append(p.Tables, t)
		p.tableIndex[t.ID] = t
	}
	sort.Slice(p.Tables, func(i, j int) bool { return p.Tables[i].Number < p.Tables[j].Number })
}

var columnTypes = map[string]bool{ColSeq: true, ColText: true, ColMineral: true, ColMinerals: true, ColCounty: true, ColCounties: true, ColUnit: true, ColFigure: true}

func (l *loader) checkColumns(t *Table) {
	keys := map[string]bool{}
	for i := range t.Columns {
		c := &t.Columns[i]
		field := "columns." + c.Key
		if c.Key == "" || keys[c.Key] {
			l.fail(t.File, 0, fmt.Sprintf("columns[%d]", i), "column key %q is empty or repeated", c.Key)
		}
		keys[c.Key] = true
		if !columnTypes[c.Type] {
			l.fail(t.File, 0, field, "column type %q is unknown", c.Type)
		}
		if c.Type != ColFigure {
			continue
		}
		switch {
		case c.Unit == "" && c.UnitColumn == "":
			l.fail(t.File, 0, field, "missing unit: a figure column needs unit or unit_column")
		case c.Unit != "":
			u, err := ParseUnit(c.Unit)
			if err != nil {
				l.fail(t.File, 0, field+".unit", "%v", err)
			}
			c.unit = u
		}
	}
	for _, c := range t.Columns {
		if c.UnitColumn != "" {
			if uc, ok := t.Column(c.UnitColumn); !ok || uc.Type != ColUnit {
				l.fail(t.File, 0, "columns."+c.Key+".unit_column", "%q is not a unit column", c.UnitColumn)
			}
		}
		if c.Derived != nil {
			if len(c.Derived.Percent) != 2 {
				l.fail(t.File, 0, "columns."+c.Key+".derived", "percent takes [part, whole]")
			}
			for _, k := range c.Derived.Percent {
				if dc, ok := t.Column(k); !ok || dc.Type != ColFigure {
					l.fail(t.File, 0, "columns."+c.Key+".derived", "%q is not a figure column", k)
				}
			}
		}
	}
}

// checkRows resolves mineral and county names and checks sub-rows.
func (l *loader) checkRows(t *Table) {
	seqs := map[int]bool{}
	for _, r := range t.Rows {
		if r.Seq != 0 {
			if seqs[r.Seq] {
				l.fail(t.File, r.Line, "seq", "duplicate 序号 %d", r.Seq)
			}
			seqs[r.Seq] = true
		}
		if r.PartOf != 0 && !seqs[r.PartOf] {
			l.fail(t.File, r.Line, "part_of", "no numbered row %d above this sub-row", r.PartOf)
		}
		for _, c := range t.Columns {
			cell, ok := r.Cells[c.Key]
			if !ok {
				continue
			}
			names := cell.Names
			if c.Type == ColMineral || c.Type == ColCounty {
				names = []string{cell.Text}
			}
			for _, n := range names {
				switch c.Type {
				case ColMineral, ColMinerals:
					if _, ok := l.p.Mineral(n); !ok {
						l.fail(t.File, r.Line, c.Key, "unknown mineral %q (add it to %s)", n, FileMinerals)
					}
				case ColCounty, ColCounties:
					if _, ok := l.p.County(n); !ok {
						l.fail(t.File, r.Line, c.Key, "unknown county %q (add it to %s)", n, FileCounties)
					}
				}
			}
			if c.Type == ColFigure && c.UnitColumn != "" && cell.Figure.Numeric() {
				if _, ok := t.RowUnit(c, r); !ok {
					l.fail(t.File, r.Line, c.Key, "missing unit: the row has no %s cell", c.UnitColumn)
				}
			}
		}
	}
}

// resolveMinScale links catalogue entries to their 专栏20 rows.
func (l *loader) resolveMinScale() {
	t := l.p.Table("专栏20")
	for i := range l.p.Minerals {
		m := &l.p.Minerals[i]
		if m.MinScaleRow == "" {
			continue
		}
		if t == nil {
			l.fail(FileMinerals, 0, m.Name+".min_scale_row", "table 专栏20 is missing")
			return
		}
		r, ok := t.RowByRef(m.MinScaleRow)
		if !ok {
			l.fail(FileMinerals, 0, m.Name+".min_scale_row", "专栏20 has no row %q", m.MinScaleRow)
			continue
		}
		ms := &MinScale{Table: t.ID, Row: m.MinScaleRow, Remark: r.Cells["remark"].Text}
		if u := r.Cells["unit"].Unit; u != nil {
			ms.Unit = u.Printed
		}
		ms.Large, ms.Medium, ms.Small = r.Cells["large"].Figure, r.Cells["medium"].Figure, r.Cells["small"].Figure
		ms.ServiceLife = r.Cells["min_service_years"].Figure
		m.MinScale = ms
	}
}

func (l *loader) loadStatements() {
	b, ok := l.files[FileStatements]
	if !ok {
		l.fail(FileStatements, 0, "", "file is missing")
		return
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		l.failErr(FileStatements, err)
		return
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.SequenceNode {
		l.fail(FileStatements, 0, "", "statements.yaml must be a list")
		return
	}
	ids := map[string]bool{}
	for _, n := range doc.Content[0].Content {
		s, err := decodeStatement(n)
		if err != nil {
			l.failErr(FileStatements, err)
			continue
		}
		if ids[s.ID] {
			l.fail(FileStatements, s.Line, "id", "duplicate statement id %q", s.ID)
		}
		ids[s.ID] = true
		l.p.Statements = append(l.p.Statements, s)
	}
	// Every expression must evaluate: a reference to a missing table, row
	// or column is a defect of the bundle, not a disagreement of the plan.
	for _, s := range l.p.Statements {
		for _, e := range []Expr{s.Stated, s.Computed} {
			if _, err := e.Eval(l.p); err != nil {
				l.fail(FileStatements, s.Line, s.ID, "%v", err)
			}
		}
	}
}

func (l *loader) loadRules() {
	r := &l.p.Rules
	l.decode(FilePolicy, &r.Policy, true)
	l.decode(FileMinScale, &r.MinScale, true)
	l.decode(FileTargets, &r.Targets, true)
	l.decode(FileAuthority, &r.Authority, true)
	l.decode(FileKeyMines, &r.KeyMines, true)
	l.decode(FileReview, &r.Review, true)
	l.checkReview()
	known := func(file, field string, names ...string) {
		for _, n := range names {
			if _, ok := l.p.Mineral(n); !ok {
				l.fail(file, 0, field, "unknown mineral %q (add it to %s)", n, FileMinerals)
			}
		}
	}
	for _, pl := range r.Policy.Lists {
		if !policyStatuses[pl.Status] {
			l.fail(FilePolicy, 0, "lists.status", "status %q is unknown", pl.Status)
		}
		known(FilePolicy, "lists."+pl.Status, pl.Minerals...)
	}
	for _, pr := range r.Policy.Prohibitions {
		known(FilePolicy, "prohibitions."+pr.ID, pr.Minerals...)
		if pr.Clause == "" || pr.Quote == "" {
			l.fail(FilePolicy, 0, "prohibitions."+pr.ID, "clause and quote are required")
		}
	}
	for _, m := range r.MinScale {
		known(FileMinScale, m.ID+".mineral", m.Mineral)
		if _, err := ParseUnit(m.Unit); err != nil {
			l.fail(FileMinScale, 0, m.ID+".unit", "%v", err)
		}
	}
	ids := map[string]bool{}
	for _, t := range r.Targets {
		if ids[t.ID] {
			l.fail(FileTargets, 0, t.ID, "duplicate target id")
		}
		ids[t.ID] = true
		if t.Clause == "" || t.Quote == "" {
			l.fail(FileTargets, 0, t.ID, "clause and quote are required")
		}
		if t.Unit != "" {
			if _, err := ParseUnit(t.Unit); err != nil {
				l.fail(FileTargets, 0, t.ID+".unit", "%v", err)
			}
		}
	}
	for _, g := range r.Authority {
		known(FileAuthority, g.Level+".minerals", g.Minerals...)
	}
	for _, m := range r.KeyMines.Mines {
		known(FileKeyMines, m.Name, m.Mineral)
		if _, ok := l.p.County(m.County); !ok {
			l.fail(FileKeyMines, 0, m.Name+".county", "unknown county %q", m.County)
		}
	}
}

func (l *loader) checkReview() {
	ids := map[string]bool{}
	targets := map[string]bool{}
	for _, t := range l.p.Rules.Targets {
		targets[t.ID] = true
	}
	for i, r := range l.p.Rules.Review {
		field := fmt.Sprintf("[%d] %s", i, r.ID)
		if r.ID == "" || ids[r.ID] {
			l.fail(FileReview, 0, field, "rule id is empty or repeated")
		}
		ids[r.ID] = true
		if !slices.Contains(ReviewKinds, r.Kind) {
			known := make([]string, len(ReviewKinds))
			for i, k := range ReviewKinds {
				known[i] = string(k)
			}
			l.fail(FileReview, 0, field+".kind", "unknown rule kind %q (known: %s)", r.Kind, strings.Join(known, ", "))
		}
		if r.Severity != "" && !r.Severity.Valid() {
			l.fail(FileReview, 0, field+".severity", "severity %q is not prohibited, needs-justification or info", r.Severity)
		}
		if r.Clause == "" {
			l.fail(FileReview, 0, field+".clause", "every rule names its clause")
		}
		if r.Kind == KindCountyLocation && !(r.MaxKm > 0 && r.MaxKm < 2000) {
			l.fail(FileReview, 0, field+".max_km", "max_km %g must be between 0 and 2000 km", r.MaxKm)
		}
		for _, m := range r.Minerals {
			if _, ok := l.p.Mineral(m); !ok {
				l.fail(FileReview, 0, field+".minerals", "unknown mineral %q", m)
			}
		}
		for _, zt := range r.ZoneTypes {
			if ZoneTypeName(zt) == "" {
				l.fail(FileReview, 0, field+".zone_types", "unknown zone type %q", zt)
			}
		}
		for _, id := range r.Tables {
			if l.p.Table(id) == nil {
				l.fail(FileReview, 0, field+".tables", "no table %q", id)
			}
		}
		if r.Target != "" && !targets[r.Target] {
			l.fail(FileReview, 0, field+".target", "no target %q in %s", r.Target, FileTargets)
		}
	}
}
