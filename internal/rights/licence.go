package rights

import (
	"fmt"
	"strconv"
	"strings"
)

// Licence is a decoded national licence number (许可证号).
//
// Two layouts are decoded:
//
//   - 18 characters, exploration licences issued from 2008 under
//     国土资发〔2007〕294号 (stored copy:
//     http://www.ggzyzx.jl.gov.cn/zcfg/kqjy/bwgzwj/201912/t20191225_2519647.html):
//     T, 2-digit issuing authority (01 = the ministry, else the province's
//     first two administrative-code digits), allocation method (1 申请在先,
//     2 招标, 3 拍卖, 4 挂牌, 5 协议), YYYYMM of issue, mineral class (01
//     energy, 02 metallic, 03 non-metallic, 04 water-gas), 6-digit serial.
//     Still valid until the licence's next registration.
//   - 23 characters, exploration (T) and mining (C) licences under
//     《矿业权登记信息管理办法》(自然资办发〔2020〕32号), which fixes the length and
//     makes the number permanent. The position table (DZ/T 0443-2023 appendix
//     A) was not found in any public copy; the layout below is inferred from
//     more than 25 public numbers (docs/research-rights.md): T or C, the
//     GB/T 2260 code of the original issuing authority (6 digits; 100000 =
//     the ministry), YYYYMM of the first allocation, 3 digits of
//     undocumented meaning, 7-digit serial. No check digit could be
//     identified, so none is checked.
//
// Numbers the ministry's 2026 lists show with a leading D (24 characters)
// are decoded without it and flagged. Any other layout is not decoded:
// DecodeLicence returns an error, and a right keeps the number with that
// error as its flag; it is never rejected for it.
type Licence struct {
	Number    string `json:"number"`
	Layout    string `json:"layout"` // "23" or "18"
	Kind      Kind   `json:"kind"`
	Authority string `json:"authority"` // administrative code, or "01"/"100000" for the ministry
	Ministry  bool   `json:"ministry"`
	Year      int    `json:"year"`
	Month     int    `json:"month"`
	// Allocation and MineralClass are encoded only in the 18-character layout.
	Allocation   string `json:"allocation,omitempty"`
	MineralClass string `json:"mineral_class,omitempty"`
	// Category is positions 14–16 of the 23-character layout, meaning
	// undocumented.
	Category string `json:"category,omitempty"`
	Serial   string `json:"serial"`
	Note     string `json:"note,omitempty"`
}

var allocationDigits = map[byte]string{'1': AllocApplication, '2': AllocTender, '3': AllocAuction, '4': AllocListing, '5': AllocAgreement}
var mineralClassCodes = map[string]string{"01": "energy", "02": "metallic", "03": "non_metallic", "04": "water_gas"}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func yearMonth(s string) (int, int, error) {
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[4:])
	if y < 1986 || y > 2100 || m < 1 || m > 12 {
		return 0, 0, fmt.Errorf("年月 %s 不是有效日期 / %s is not a valid year and month", s, s)
	}
	return y, m, nil
}

// DecodeLicence decodes a licence number; the error says why a number does
// not fit a known layout.
func DecodeLicence(number string) (Licence, error) {
	n := strings.ToUpper(strings.TrimSpace(number))
	l := Licence{Number: n}
	if len(n) == 24 && n[0] == 'D' {
		n = n[1:]
		l.Note = "前缀 D 含义未公开，已按 23 位解读 / the leading D (meaning unpublished) was ignored"
	}
	fail := func(zh, en string) (Licence, error) {
		return l, fmt.Errorf("许可证号 %s：%s / licence number %s: %s", number, zh, number, en)
	}
	switch len(n) {
	case 23:
		if n[0] != 'T' && n[0] != 'C' {
			return fail("首位应为 T（探矿权）或 C（采矿权）", "the first character must be T or C")
		}
		if !digits(n[1:]) {
			return fail("第 2–23 位应为数字", "characters 2–23 must be digits")
		}
		l.Layout, l.Kind = "23", Mining
		if n[0] == 'T' {
			l.Kind = Exploration
		}
		l.Authority, l.Ministry = n[1:7], n[1:7] == "100000"
		y, m, err := yearMonth(n[7:13])
		if err != nil {
			return fail(err.Error(), err.Error())
		}
		l.Year, l.Month, l.Category, l.Serial = y, m, n[13:16], n[16:]
		return l, nil
	case 18:
		if n[0] != 'T' {
			return fail("18 位许可证号只用于探矿权，首位应为 T", "18-character numbers are exploration licences starting with T")
		}
		if !digits(n[1:]) {
			return fail("第 2–18 位应为数字", "characters 2–18 must be digits")
		}
		alloc, ok := allocationDigits[n[3]]
		if !ok {
			return fail("第 4 位出让方式应为 1–5", "character 4, the allocation method, must be 1–5")
		}
		class, ok := mineralClassCodes[n[10:12]]
		if !ok {
			return fail("第 11–12 位矿种分类应为 01–04", "characters 11–12, the mineral class, must be 01–04")
		}
		y, m, err := yearMonth(n[4:10])
		if err != nil {
			return fail(err.Error(), err.Error())
		}
		l.Layout, l.Kind = "18", Exploration
		l.Authority, l.Ministry = n[1:3], n[1:3] == "01"
		l.Allocation, l.MineralClass, l.Year, l.Month, l.Serial = alloc, class, y, m, n[12:]
		return l, nil
	}
	return fail(fmt.Sprintf("长度 %d 不符合已知格式（23 位，或 2008–2020 年的 18 位探矿权号）", len(n)), fmt.Sprintf("%d characters fits no known layout (23, or the 18 of 2008–2020 exploration licences)", len(n)))
}
