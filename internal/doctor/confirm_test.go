package doctor_test

import (
	"strings"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/internal/doctor"
	"github.com/cogscope/cogscope/internal/local/cognito"
)

func TestRulesExplainRealEntries(t *testing.T) {
	t.Parallel()
	for _, r := range doctor.Rules() {
		for _, id := range r.Explains {
			if _, ok := doctor.EntryByID(id); !ok {
				t.Errorf("rule %s explains %q, which is not a catalogue entry", r.Name, id)
			}
		}
	}
}

func TestConfirmAgainstTheLocalStack(t *testing.T) {
	t.Parallel()
	text := "InvalidParameterException: USER_SRP_AUTH is not enabled for the client."
	cases := []struct {
		name  string
		setup func(f *fixture)
		want  string
	}{
		{"the client lacks the flow", func(f *fixture) {
			f.tg.ClientID = f.client(cip.CreateUserPoolClientInput{ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH"}})
		}, doctor.VerdictConfirmed},
		{"the client has it", func(f *fixture) {}, doctor.VerdictRuledOut},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := start(t, nil)
			c.setup(f)
			got := doctor.Confirm(doctor.Explain(text), f.run())
			if len(got) == 0 || got[0].Match != "cognito.flow-disabled" || got[0].Rule != "client.auth-flow" || got[0].Verdict != c.want {
				t.Errorf("Confirm = %+v, want %s", got, c.want)
			}
		})
	}
	// A report whose rules could not run leaves the cause unchecked.
	got := doctor.Confirm(doctor.Explain(text), doctor.Run(doctor.Target{}, &doctor.Config{}))
	if len(got) == 0 || got[0].Verdict != doctor.VerdictUnchecked {
		t.Errorf("without configuration: %+v", got)
	}
}

// upperWords phrases every reference in capitals, to see which text a
// Words reaches.
type upperWords struct{}

func (upperWords) Flow(n string) string    { return "FLOW " + strings.ToUpper(n) }
func (upperWords) Scope(s string) string   { return "SCOPE " + strings.ToUpper(s) }
func (upperWords) Input(n string) string   { return "INPUT " + strings.ToUpper(n) }
func (upperWords) Omit(n string) string    { return "OMIT " + strings.ToUpper(n) }
func (upperWords) Setting(n string) string { return n }

// A finding's detail and fix name what to use in the command line's words
// (Run's), and in another edge's through Phrase; a match's cause and fix
// too.
func TestFindingsAndMatchesArePhrasedPerEdge(t *testing.T) {
	t.Parallel()
	f := start(t, nil)
	f.tg.ClientID, f.tg.Flow, f.tg.Scopes = cognito.DemoRotateClientID, "pkce", []string{"openid", "nope"}
	rep := f.run()
	want := map[string][2]string{
		"client.refresh-rotation": {"--flow refresh", "FLOW REFRESH"},
		"hosted.scopes":           {"leave --scope out", "OMIT SCOPE"},
	}
	for _, c := range rep.Checks {
		w, ok := want[c.Name]
		if !ok || c.Status == doctor.StatusOK {
			continue
		}
		delete(want, c.Name)
		if !strings.Contains(c.Fix, w[0]) {
			t.Errorf("%s: CLI fix %q lacks %q", c.Name, c.Fix, w[0])
		}
		if got := c.Phrase(upperWords{}); !strings.Contains(got.Fix, w[1]) || strings.Contains(got.Fix, "--") {
			t.Errorf("%s: phrased fix %q, want %q", c.Name, got.Fix, w[1])
		}
	}
	if len(want) > 0 {
		t.Errorf("no finding for %v in %+v", want, rep.Checks)
	}
	x := doctor.Explain("cognito.flow-disabled.refresh")
	if x.Best == nil || !strings.Contains(x.Best.Fix, "--flow") || !strings.Contains(x.Best.Phrase(upperWords{}).Fix, "FLOW ") {
		t.Errorf("match: %+v", x.Best)
	}
}
