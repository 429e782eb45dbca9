package plan

import "sort"

// ClosestMinerals ranks the catalogue's names and aliases by edit distance
// to a name, for "did you mean" suggestions.
func (p *Plan) ClosestMinerals(name string, n int) []string {
	var names []string
	for _, m := range p.Minerals {
		names = append(names, m.Name)
		names = append(names, m.Aliases...)
	}
	return closest(names, name, n)
}

// ClosestCounties ranks county names and aliases by edit distance to a
// name.
func (p *Plan) ClosestCounties(name string, n int) []string {
	var names []string
	for _, c := range p.Counties {
		names = append(names, c.Name)
		names = append(names, c.Aliases...)
	}
	return closest(names, name, n)
}

// CountyByNameOrCode finds a county by its name, an alias or its 6-digit
// administrative code.
func (p *Plan) CountyByNameOrCode(s string) (County, bool) {
	if c, ok := p.County(s); ok {
		return c, true
	}
	for _, c := range p.Counties {
		if c.Code == s {
			return c, true
		}
	}
	return County{}, false
}

// closest ranks candidates by edit distance; ties go to names sharing the
// first character (which names the material or place), then by name.
func closest(candidates []string, name string, n int) []string {
	type cand struct {
		name  string
		d     int
		first bool
	}
	q := []rune(name)
	cs := make([]cand, 0, len(candidates))
	for _, c := range candidates {
		r := []rune(c)
		cs = append(cs, cand{c, editDistance(q, r), len(q) > 0 && len(r) > 0 && q[0] == r[0]})
	}
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		if cs[i].first != cs[j].first {
			return cs[i].first
		}
		return cs[i].name < cs[j].name
	})
	var out []string
	for _, c := range cs {
		if len(out) == n {
			break
		}
		out = append(out, c.name)
	}
	return out
}

func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
