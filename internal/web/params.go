package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"mineplan/internal/geo"
	"mineplan/internal/plan"
	"mineplan/internal/review"
	"mineplan/internal/rights"
)

// Paging of /api/v1/rights: limit is 1–maxPage (a larger one is served as
// maxPage and the response's "limit" says so), offset 0–maxOffset.
const (
	defaultPage = 100
	maxPage     = 1000
	maxOffset   = 1_000_000
	// maxQuery bounds the whole query string; maxValue one value.
	maxQuery = 4096
	maxValue = 256
)

// badParameter is the 400 for a query parameter, naming it.
func badParameter(param, zh, en string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "bad_parameter", Parameter: param, Message: zh + " / " + en}
}

// query holds a request's parameters once they are known to be
// well-formed, each given at most once and each one the endpoint accepts.
type query map[string]string

// parseQuery reads the raw query itself rather than through url.Values,
// which drops malformed pairs silently: every pair must decode, name a
// parameter of the endpoint, appear once and have a value.
func parseQuery(r *http.Request, accepted ...string) (query, error) {
	raw := r.URL.RawQuery
	if len(raw) > maxQuery {
		return nil, badParameter("", fmt.Sprintf("查询字符串过长（超过 %d 字节）", maxQuery), fmt.Sprintf("query string too long (over %d bytes)", maxQuery))
	}
	q := query{}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		rawKey, rawVal, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil || !utf8.ValidString(key) {
			k := clip(rawKey)
			return nil, badParameter(k, fmt.Sprintf("参数名 %q 的编码有误", k), fmt.Sprintf("parameter name %q is not properly encoded", k))
		}
		if key == "" {
			return nil, badParameter("", fmt.Sprintf("查询字符串中有一项没有参数名（%q）", clip(pair)), fmt.Sprintf("the query has an item without a parameter name (%q)", clip(pair)))
		}
		if !accepts(accepted, key) {
			k := clip(key)
			if len(accepted) == 0 {
				return nil, badParameter(k, fmt.Sprintf("未知参数 %q：此接口不接受参数", k), fmt.Sprintf("unknown parameter %q: this endpoint takes no parameters", k))
			}
			return nil, badParameter(k, fmt.Sprintf("未知参数 %q；可用参数：%s", k, strings.Join(accepted, "、")),
				fmt.Sprintf("unknown parameter %q; accepted: %s", k, strings.Join(accepted, ", ")))
		}
		if _, dup := q[key]; dup {
			return nil, badParameter(key, fmt.Sprintf("参数 %s 只能给一次", key), fmt.Sprintf("parameter %s is given more than once", key))
		}
		val, err := url.QueryUnescape(rawVal)
		if err != nil || !utf8.ValidString(val) {
			return nil, badParameter(key, fmt.Sprintf("参数 %s 的值编码有误（应为 UTF-8 的百分号编码）", key), fmt.Sprintf("parameter %s: the value is not properly encoded (percent-encoded UTF-8 expected)", key))
		}
		if val == "" {
			return nil, badParameter(key, fmt.Sprintf("参数 %s 的值为空（不筛选时请省去该参数）", key), fmt.Sprintf("parameter %s is empty (leave it out to not filter)", key))
		}
		if utf8.RuneCountInString(val) > maxValue {
			return nil, badParameter(key, fmt.Sprintf("参数 %s 的值过长（超过 %d 个字符）", key, maxValue), fmt.Sprintf("parameter %s is too long (over %d characters)", key, maxValue))
		}
		if i := strings.IndexFunc(val, unicode.IsControl); i >= 0 {
			return nil, badParameter(key, fmt.Sprintf("参数 %s 的值含有控制字符（第 %d 个字符）", key, utf8.RuneCountInString(val[:i])+1),
				fmt.Sprintf("parameter %s contains a control character (character %d)", key, utf8.RuneCountInString(val[:i])+1))
		}
		q[key] = val
	}
	return q, nil
}

func accepts(names []string, key string) bool {
	for _, n := range names {
		if n == key {
			return true
		}
	}
	return false
}

// clip shortens text echoed back in a message.
func clip(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	r := []rune(s)
	return string(r[:40]) + "…"
}

func (q query) kind() (rights.Kind, error) {
	v, ok := q["kind"]
	if !ok {
		return "", nil
	}
	if k := rights.Kind(v); k == rights.Exploration || k == rights.Mining {
		return k, nil
	}
	return "", badParameter("kind", fmt.Sprintf("参数 kind 应为 exploration（探矿权）或 mining（采矿权），收到 %q", clip(v)),
		fmt.Sprintf("parameter kind must be exploration or mining, got %q", clip(v)))
}

// statuses are every status a right can have (rights/model.go).
var statuses = []rights.Status{rights.Valid, rights.Retained, rights.Expired, rights.UnderConstruction, rights.Producing, rights.Suspended, rights.Closed, rights.Cancelled}

func (q query) status() (rights.Status, error) {
	v, ok := q["status"]
	if !ok {
		return "", nil
	}
	var zh, en []string
	for _, s := range statuses {
		if rights.Status(v) == s {
			return s, nil
		}
		zh = append(zh, string(s)+"（"+rights.StatusName(s)+"）")
		en = append(en, string(s))
	}
	return "", badParameter("status", fmt.Sprintf("参数 status 的值 %q 不是矿业权状态；可用：%s", clip(v), strings.Join(zh, "、")),
		fmt.Sprintf("parameter status: %q is not a right status; one of: %s", clip(v), strings.Join(en, ", ")))
}

// county resolves a county by name, alias or code to its catalogue name
// (the register stores that name).
func (q query) county(p *plan.Plan) (string, error) {
	v, ok := q["county"]
	if !ok {
		return "", nil
	}
	if c, ok := p.CountyByNameOrCode(v); ok {
		return c.Name, nil
	}
	near := review.ClosestCounties(p, v, 3)
	return "", badParameter("county", fmt.Sprintf("参数 county：规划中没有县（市）%q；相近的有：%s", clip(v), strings.Join(near, "、")),
		fmt.Sprintf("parameter county: the plan has no county %q; closest: %s", clip(v), strings.Join(near, ", ")))
}

// mineral checks a main mineral against the plan's catalogue (names and
// aliases); the filter keeps the name as given, as the register does.
func (q query) mineral(p *plan.Plan) (string, error) {
	v, ok := q["mineral"]
	if !ok {
		return "", nil
	}
	if _, ok := p.Mineral(v); ok {
		return v, nil
	}
	near := review.ClosestMinerals(p, v, 5)
	return "", badParameter("mineral", fmt.Sprintf("参数 mineral：规划中没有矿种 %q；相近的有：%s", clip(v), strings.Join(near, "、")),
		fmt.Sprintf("parameter mineral: the plan has no mineral %q; closest: %s", clip(v), strings.Join(near, ", ")))
}

// zoneType checks a zone type against the types of the served plan's
// zones and the types the bundle format knows.
func (q query) zoneType(p *plan.Plan) (string, error) {
	v, ok := q["type"]
	if !ok {
		return "", nil
	}
	if plan.ZoneTypeName(v) != "" {
		return v, nil
	}
	seen := map[string]bool{}
	var types []string
	for _, z := range p.Zones {
		if !seen[z.Type] {
			seen[z.Type] = true
			types = append(types, z.Type)
		}
	}
	sort.Strings(types)
	zh := make([]string, len(types))
	for i, t := range types {
		zh[i] = t + "（" + plan.ZoneTypeName(t) + "）"
	}
	return "", badParameter("type", fmt.Sprintf("参数 type 的值 %q 不是分区类型；可用：%s", clip(v), strings.Join(zh, "、")),
		fmt.Sprintf("parameter type: %q is not a zone type; one of: %s", clip(v), strings.Join(types, ", ")))
}

func (q query) asOf() (*rights.Date, error) {
	v, ok := q["as_of"]
	if !ok {
		return nil, nil
	}
	d, err := rights.ParseDate(v)
	if err != nil {
		return nil, badParameter("as_of", fmt.Sprintf("参数 as_of 应为 YYYY-MM-DD 格式的日期，收到 %q", clip(v)),
			fmt.Sprintf("parameter as_of must be a date as YYYY-MM-DD, got %q", clip(v)))
	}
	return &d, nil
}

var integer = regexp.MustCompile(`^-?[0-9]+$`)

// limit is 1–maxPage; a larger one is served as maxPage.
func (q query) limit() (int, error) {
	v, ok := q["limit"]
	if !ok {
		return defaultPage, nil
	}
	bad := badParameter("limit", fmt.Sprintf("参数 limit 应为 1–%d 的整数（更大的按 %d 返回），收到 %q", maxPage, maxPage, clip(v)),
		fmt.Sprintf("parameter limit must be a whole number from 1 to %d (a larger one is served as %d), got %q", maxPage, maxPage, clip(v)))
	if !integer.MatchString(v) || strings.HasPrefix(v, "-") || strings.Trim(v, "0") == "" {
		return 0, bad
	}
	n, err := strconv.Atoi(v)
	if err != nil || n > maxPage { // a range error is a number far above the maximum
		return maxPage, nil
	}
	return n, nil
}

func (q query) offset() (int, error) {
	v, ok := q["offset"]
	if !ok {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if !integer.MatchString(v) || strings.HasPrefix(v, "-") || err != nil || n > maxOffset {
		return 0, badParameter("offset", fmt.Sprintf("参数 offset 应为 0–%d 的整数，收到 %q", maxOffset, clip(v)),
			fmt.Sprintf("parameter offset must be a whole number from 0 to %d, got %q", maxOffset, clip(v)))
	}
	return n, nil
}

// holder is a holder's name or unified social credit code, matched
// exactly.
func (q query) holder() string { return q["holder"] }

var decimal = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// bbox reads minLon,minLat,maxLon,maxLat in degrees: four finite decimal
// numbers within ±180 and ±90, each minimum below its maximum.
func (q query) bbox() (*geo.BBox, error) {
	v, ok := q["bbox"]
	if !ok {
		return nil, nil
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return nil, badParameter("bbox", fmt.Sprintf("参数 bbox 需要 4 个数：最小经度,最小纬度,最大经度,最大纬度（收到 %d 个）", len(parts)),
			fmt.Sprintf("parameter bbox needs 4 numbers: minLon,minLat,maxLon,maxLat (got %d)", len(parts)))
	}
	names := [4][2]string{{"最小经度", "minLon"}, {"最小纬度", "minLat"}, {"最大经度", "maxLon"}, {"最大纬度", "maxLat"}}
	var n [4]float64
	for i, p := range parts {
		p = strings.TrimSpace(p)
		f, err := strconv.ParseFloat(p, 64)
		if !decimal.MatchString(p) || err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, badParameter("bbox", fmt.Sprintf("参数 bbox 第 %d 个值（%s）%q 不是有限的十进制数", i+1, names[i][0], clip(p)),
				fmt.Sprintf("parameter bbox value %d (%s) %q is not a finite decimal number", i+1, names[i][1], clip(p)))
		}
		limit := 180.0
		if i%2 == 1 {
			limit = 90
		}
		if math.Abs(f) > limit {
			return nil, badParameter("bbox", fmt.Sprintf("参数 bbox 第 %d 个值（%s）%g 超出 ±%g°", i+1, names[i][0], f, limit),
				fmt.Sprintf("parameter bbox value %d (%s) %g is outside ±%g°", i+1, names[i][1], f, limit))
		}
		n[i] = f
	}
	b := geo.BBox{MinLon: n[0], MinLat: n[1], MaxLon: n[2], MaxLat: n[3]}
	if b.MinLon >= b.MaxLon {
		return nil, badParameter("bbox", fmt.Sprintf("参数 bbox 的最小经度 %g 应小于最大经度 %g（经度在前：最小经度,最小纬度,最大经度,最大纬度）", b.MinLon, b.MaxLon),
			fmt.Sprintf("parameter bbox: minLon %g must be less than maxLon %g (order: minLon,minLat,maxLon,maxLat)", b.MinLon, b.MaxLon))
	}
	if b.MinLat >= b.MaxLat {
		return nil, badParameter("bbox", fmt.Sprintf("参数 bbox 的最小纬度 %g 应小于最大纬度 %g（经度在前：最小经度,最小纬度,最大经度,最大纬度）", b.MinLat, b.MaxLat),
			fmt.Sprintf("parameter bbox: minLat %g must be less than maxLat %g (order: minLon,minLat,maxLon,maxLat)", b.MinLat, b.MaxLat))
	}
	return &b, nil
}

// noParams wraps a handler that takes no query parameters.
func (s *Server) noParams(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := parseQuery(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		h(w, r)
	}
}
