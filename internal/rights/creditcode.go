package rights

import (
	"fmt"
	"strings"
)

// Unified social credit code (统一社会信用代码), GB 32100-2015: 18
// characters from 0–9 and A–Z without I, O, S, V and Z. Position 1 is the
// registering department, 2 the kind of organisation, 3–8 the
// administrative division, 9–17 the organisation code and 18 a check
// character: with weights 3^(i-1) mod 31, C18 = 31 − (Σ Ci·Wi mod 31),
// where 31 stands for 0.

const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCheckChar computes the check character of the first 17 characters.
func CreditCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("需要 17 位 / need 17 characters")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCharset, first17[i])
		if v < 0 {
			return 0, fmt.Errorf("第 %d 位 %q 不是允许的字符（0–9、除 I O S V Z 外的大写字母） / character %d %q is not allowed", i+1, first17[i], i+1, first17[i])
		}
		sum += v * creditWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return creditCharset[c], nil
}

// ValidateCreditCode checks length, character set and check character.
func ValidateCreditCode(code string) error {
	if len(code) != 18 {
		return fmt.Errorf("统一社会信用代码应为 18 位，%q 为 %d 位 / the credit code has %d characters, not 18", code, len(code), len(code))
	}
	want, err := CreditCheckChar(code[:17])
	if err != nil {
		zh, en, _ := strings.Cut(err.Error(), " / ")
		return fmt.Errorf("统一社会信用代码 %s：%s / credit code %s: %s", code, zh, code, en)
	}
	if code[17] != want {
		return fmt.Errorf("统一社会信用代码 %s 校验位应为 %c / check character of %s should be %c", code, want, code, want)
	}
	return nil
}
