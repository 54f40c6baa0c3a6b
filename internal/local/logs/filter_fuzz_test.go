package logs

import "testing"

// Any pattern compiles or is refused with an error; a compiled one matches
// any message without panicking.
func FuzzCompilePattern(f *testing.F) {
	for _, s := range []string{"", `" "`, "ERROR", "?a ?b -c", `"x y"`, `%^a.*b$%`, `{ $.a = 1 }`,
		`{ ($.a = "x*" || $.b > 2) && $.c NOT EXISTS }`, `{ $.a[0].b IS TRUE }`, `{`, `[a]`, `%(%`} {
		f.Add(s, `{"a":[{"b":true}],"c":1}`)
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		m, err := compilePattern(pattern)
		if err != nil {
			if m != nil {
				t.Fatal("a matcher with an error")
			}
			return
		}
		_ = m.match(msg)
		_ = m.match(pattern)
	})
}
