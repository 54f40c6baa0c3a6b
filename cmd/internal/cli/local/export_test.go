package local

// ParseLocalJSON is parseLocalJSON for main_test.go, which runs cli.Main
// from the external test package (package local cannot import cli).
var ParseLocalJSON = parseLocalJSON
