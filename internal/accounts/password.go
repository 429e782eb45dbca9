package accounts

import (
	"crypto/rand"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"mineplan/internal/store"
)

// PasswordParams are argon2id's parameters: OWASP's first recommendation
// (19 MiB, 2 passes, 1 lane). A sign-in costs about 20 ms of one core and
// 19 MiB, so a burst of sign-ins (rate limited at the edge) cannot
// exhaust the server's memory, while each guess stays memory-hard.
var PasswordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// MinPasswordLength is the policy's shortest password, in characters.
const MinPasswordLength = 10

// PolicyError is a password the policy refuses, saying why.
type PolicyError struct {
	// Rule names the rule broken: "length", "classes", "name" or
	// "history" (interfaces choose their own wording by it).
	Rule   string
	ZH, EN string
}

func (e *PolicyError) Error() string { return "密码" + e.ZH + " / the password " + e.EN }

// CheckPolicy applies the policy's rules that need no history: at least
// 10 characters from at least 3 of the 4 classes (lower case, upper case,
// digits, others), and not the account name.
func CheckPolicy(name, password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return &PolicyError{"length", fmt.Sprintf("至少 %d 个字符", MinPasswordLength), fmt.Sprintf("needs at least %d characters", MinPasswordLength)}
	}
	var lower, upper, digit, other int
	for _, r := range password {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	if lower+upper+digit+other < 3 {
		return &PolicyError{"classes", "须含小写字母、大写字母、数字、其他字符四类中至少三类", "needs characters of at least 3 of the 4 classes: lower case, upper case, digits, others"}
	}
	if strings.Contains(strings.ToLower(password), strings.ToLower(name)) {
		return &PolicyError{"name", "不能包含用户名", "must not contain the user name"}
	}
	return nil
}

// reused reports whether password is one of the history's hashes.
func reused(password string, history []string) (bool, error) {
	for _, h := range history {
		ok, err := argon2id.ComparePasswordAndHash(password, h)
		if err != nil {
			return false, err
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

var errReused = &PolicyError{"history", fmt.Sprintf("不能与最近 %d 次使用过的相同", store.PasswordHistoryLength), fmt.Sprintf("must not be one of the last %d", store.PasswordHistoryLength)}

// oneTimeAlphabet leaves out characters that read alike (0/O, 1/l/I).
const oneTimeAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// OneTimePassword is a random password that passes the policy: four
// groups of four characters (about 93 bits).
func OneTimePassword(name string) string {
	for {
		var sb strings.Builder
		for n := 0; n < 16; {
			var c [1]byte
			rand.Read(c[:])
			if int(c[0]) >= 256/len(oneTimeAlphabet)*len(oneTimeAlphabet) {
				continue // keeps every character equally likely
			}
			if n > 0 && n%4 == 0 {
				sb.WriteByte('-')
			}
			sb.WriteByte(oneTimeAlphabet[int(c[0])%len(oneTimeAlphabet)])
			n++
		}
		if CheckPolicy(name, sb.String()) == nil {
			return sb.String()
		}
	}
}
