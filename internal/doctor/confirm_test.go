package doctor_test

import (
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogscope/cogscope/internal/doctor"
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
