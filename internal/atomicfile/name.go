package atomicfile

import "strings"

// SafeName maps a store's key (a profile name, "<pool>.<client>") to a
// file name that cannot leave the directory it is joined to: letters,
// digits, '-', '_' and '.' stay, anything else becomes '_', and leading
// dots go (no "..", no hidden file). An empty result is "_".
func SafeName(key string) string {
	var b strings.Builder
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	if name := strings.TrimLeft(b.String(), "."); name != "" {
		return name
	}
	return "_"
}
