package cmdutil

import (
	"strings"
	"testing"

	"github.com/cogscope/cogscope/flows"
)

func TestCLIDiagnosis(t *testing.T) {
	t.Parallel()
	var d flows.Diagnosis
	flows.Explain(&d, flows.Facts{Source: flows.SourceCognito, Code: "NotAuthorizedException",
		Message: "Incorrect username or password.", Conditions: []string{"srp"}})
	c := CLIDiagnosis(d)
	if !strings.Contains(c.Fix, "try --flow password (USER_PASSWORD_AUTH") || c.Cause != d.Cause {
		t.Errorf("cli diagnosis = %+v", c)
	}
	if got := CauseFixLines(c); !strings.HasPrefix(got, "\n  cause: Wrong password") || !strings.Contains(got, "\n  fix:   Check the password") {
		t.Errorf("lines = %q", got)
	}
	if got := CauseFixLines(flows.Diagnosis{Cause: "cancelled"}); got != "\n  cause: cancelled" {
		t.Errorf("no fix: %q", got)
	}
}
