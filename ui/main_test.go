package ui

import (
	"flag"
	"os"
	"testing"
)

// TestMain lets more of the console's tests run at once than there are
// CPUs (unless -parallel says otherwise): they spend their time waiting
// for the model to settle, not computing.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", "12")
	}
	os.Exit(m.Run())
}
