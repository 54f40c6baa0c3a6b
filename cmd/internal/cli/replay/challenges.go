package replay

// How a replay answers a sign-in's challenges, and what it re-runs a
// sign-in with: the recorded parameters that are not secret (USER_AUTH's
// PREFERRED_CHALLENGE, the factor or second factor chosen), the script
// flags login takes (cmdutil.Scripted), and the terminal for a challenge
// the recorded session also met.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cogscope/cogscope/cmd/internal/cmdutil"
	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/termtext"
	"github.com/cogscope/cogscope/internal/transcript"
)

// passwordFlows are the --flow names whose sign-in always sends the
// password (SRP or plain).
var passwordFlows = []string{"srp", "password", "custom-srp"}

// challengeFlows are the --flow names whose sign-in may meet a challenge:
// the script flags apply to them.
var challengeFlows = []string{"srp", "password", "user-auth", "custom", "custom-srp"}

// sentPassword says whether the recorded sign-in sent the password (or
// proved it with SRP): its flow always does, or one of its requests
// carried PASSWORD or SRP_A (USER_AUTH's PASSWORD or PASSWORD_SRP factor,
// preferred or chosen). The value is masked in the transcript; the key
// is kept.
func sentPassword(s transcript.SignIn) bool {
	if slices.Contains(passwordFlows, s.Flow) {
		return true
	}
	for _, st := range s.Steps {
		for k := range st.Request {
			if strings.HasSuffix(k, ".PASSWORD") || strings.HasSuffix(k, ".SRP_A") {
				return true
			}
		}
	}
	return false
}

// recordedPreferred is the PREFERRED_CHALLENGE the recorded USER_AUTH
// sign-in asked for ("" when it asked for none: Cognito then offers
// SELECT_CHALLENGE).
func recordedPreferred(s transcript.SignIn) string {
	for _, st := range s.Steps {
		if st.Operation == "InitiateAuth" || st.Operation == "AdminInitiateAuth" {
			if v := st.Request["AuthParameters.PREFERRED_CHALLENGE"]; v != transcript.Masked {
				return strings.ToUpper(strings.TrimSpace(v))
			}
			return ""
		}
	}
	return ""
}

// choiceChallenges are the challenges answered by picking one of their
// options.
var choiceChallenges = []string{"SELECT_CHALLENGE", "SELECT_MFA_TYPE"}

// recordedChoices are the options the recorded sign-in picked, by
// challenge. The answer itself is masked in a transcript (ANSWER), but
// what followed it says which it was: a password sent with it (PASSWORD),
// SRP_A (PASSWORD_SRP), else the challenge it led to (EMAIL_OTP, SMS_OTP,
// SOFTWARE_TOKEN_MFA, …). A replay picks the same when the target offers
// it.
func recordedChoices(s transcript.SignIn) map[string]string {
	out := map[string]string{}
	for _, st := range s.Steps {
		if !slices.Contains(choiceChallenges, st.Challenge) || !strings.Contains(st.Operation, "RespondToAuthChallenge") {
			continue
		}
		_, pw := st.Request["ChallengeResponses.PASSWORD"]
		_, srpA := st.Request["ChallengeResponses.SRP_A"]
		switch {
		case pw:
			out[st.Challenge] = "PASSWORD"
		case srpA:
			out[st.Challenge] = "PASSWORD_SRP"
		case st.NextChallenge == "PASSWORD_VERIFIER":
			out[st.Challenge] = "PASSWORD_SRP"
		case st.NextChallenge != "":
			out[st.Challenge] = st.NextChallenge
		}
	}
	return out
}

// challengeAnswerer answers one replayed sign-in's challenges:
//
//  1. the script flags (--answer, --totp-secret-env, --mfa-code-command,
//     --new-password-*), whatever the challenge: an answer given on the
//     command line is not a question asked, and the challenge is still
//     reported when the recorded session did not meet it;
//  2. a choice the recorded session made (SELECT_CHALLENGE,
//     SELECT_MFA_TYPE), when the target offers it;
//  3. a challenge the recorded session did not meet is not answered: the
//     sign-in stops there, and the comparison reports it ("prod asks for
//     SOFTWARE_TOKEN_MFA where dev did not");
//  4. one it met is asked on the terminal, as login asks it;
//  5. without a terminal, the replay ends (exit 2) naming the flag that
//     would answer it: the replay lacks an input, the environments do not
//     differ.
//
// Every value it answers a secret field with is added to the runner's
// secrets, so that none reaches the replayed transcript or the output.
type challengeAnswerer struct {
	r       *runner
	n       int    // the sign-in's number, from 1
	flow    string // its --flow
	met     []string
	stopped string // the challenge the recorded sign-in stopped at, unanswered
	choices map[string]string
	// prompted says the last answer came from the terminal (Retry asks
	// the prompter again); asked is the challenge it was.
	prompted bool
	asked    *flows.Challenge
}

func (r *runner) answererFor(n int, s transcript.SignIn) *challengeAnswerer {
	a := &challengeAnswerer{r: r, n: n, flow: s.Flow, met: s.Challenges, choices: recordedChoices(s)}
	if s.Outcome == transcript.OutcomeStopped && len(s.Challenges) > 0 {
		a.stopped = s.Challenges[len(s.Challenges)-1]
	}
	return a
}

func (a *challengeAnswerer) Answer(ctx context.Context, c *flows.Challenge) (flows.Answer, error) {
	a.prompted = false
	var (
		ans     = flows.Answer{}
		missing []string
	)
	if s := a.r.script; s != nil {
		var err error
		if ans, missing, err = s.Fill(ctx, c); err != nil {
			return nil, err
		}
		if len(missing) == 0 {
			s.Consume(c)
			return a.keep(c, ans), nil
		}
	} else {
		for _, fl := range c.Fields {
			if !fl.Optional {
				missing = append(missing, fl.Name)
			}
		}
	}
	if v := a.choices[c.Name]; v != "" && slices.Equal(missing, []string{flows.FieldChoice}) && len(c.Fields) == 1 && slices.Contains(c.Options, v) {
		return flows.Answer{flows.FieldChoice: v}, nil
	}
	hint := a.hint(c, missing)
	// PASSWORD is USER_AUTH's own question for a password factor, not a
	// challenge of Cognito's: it comes with the factor the recording chose.
	met := c.Name == "PASSWORD" || slices.Contains(a.met, c.Name)
	switch {
	case !met:
		return nil, &flows.UnanswerableError{Challenge: c.Name,
			Reason: "the recorded session did not meet it, and replay reports it rather than asking (" + hint + " would answer it)"}
	case c.Name == a.stopped:
		return nil, &flows.UnanswerableError{Challenge: c.Name, Reason: "the recorded session stopped here too, unanswered"}
	case a.r.prompter != nil:
		a.prompted = true
		if c != a.asked {
			a.asked = c
			fmt.Fprintf(a.r.o.IO.ErrOut, "\nSign-in %d (%s) on %s asks for %s, as the recorded one did.", a.n, termtext.Line(a.flow),
				termtext.Line(cmdutil.FirstNonEmpty(a.r.target.Profile, "the target")), termtext.Line(c.Name))
		}
		ans, err := a.r.prompter.Answer(ctx, c)
		if err != nil {
			return nil, err
		}
		return a.keep(c, ans), nil
	}
	return nil, &missingAnswer{n: a.n, flow: a.flow, challenge: c.Name, hint: hint}
}

// Retry implements flows.Retrier: a typed answer may be typed again (the
// prompter says how many tries are left); a scripted or recorded one
// would be the same.
func (a *challengeAnswerer) Retry(ctx context.Context, c *flows.Challenge, err error) bool {
	return a.prompted && a.r.prompter.Retry(ctx, c, err)
}

// hint names the flags that would answer c's missing fields.
func (a *challengeAnswerer) hint(c *flows.Challenge, missing []string) string {
	if c.Name == "PASSWORD" {
		return "--password-stdin or --password-env NAME"
	}
	return cmdutil.ScriptHint(c, missing)
}

// secretFields are the fields whose values are secrets even when the
// challenge does not mark them (codes, custom answers).
var secretFields = []string{flows.FieldCode, flows.FieldAnswer, flows.FieldNewPassword, flows.FieldPassword}

// keep adds ans's secret values to the runner's secrets and returns it.
func (a *challengeAnswerer) keep(c *flows.Challenge, ans flows.Answer) flows.Answer {
	for _, fl := range c.Fields {
		if v := ans[fl.Name]; v != "" && (fl.Secret || slices.Contains(secretFields, fl.Name)) {
			a.r.secrets = append(a.r.secrets, v)
		}
	}
	return ans
}

// missingAnswer is a challenge the recorded session met too that neither
// a flag nor a terminal answers: the replay lacks an input (exit 2).
type missingAnswer struct {
	n                     int
	flow, challenge, hint string
}

func (e *missingAnswer) Error() string {
	return fmt.Sprintf("sign-in %d (%s) asks for %s, as the recorded one did, and nothing answers it: give %s (stdin is not a terminal to prompt on)",
		e.n, e.flow, e.challenge, e.hint)
}

// answerFailure is a sign-in's error that ends the replay because an
// answer was missing or could not be had: a missingAnswer or a script
// flag's failure (exit 2), or the terminal's (input ended, Ctrl-C). Nil
// for anything else (fatal decides).
func answerFailure(ctx context.Context, err error) error {
	if err == nil || ctx.Err() != nil {
		return nil
	}
	var ma *missingAnswer
	if errors.As(err, &ma) {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: errors.New(termtext.Line(ma.Error()))}
	}
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) {
		return ee
	}
	return nil
}

// checkScriptFlags refuses the script flags for a transcript none of
// whose sign-ins can meet a challenge (refresh and client-credentials
// only): a flag that silently does nothing hides a mistake.
func checkScriptFlags(o *ReplayOptions, rec *transcript.Transcript) error {
	for _, s := range rec.SignIns {
		if slices.Contains(challengeFlows, s.Flow) {
			return nil
		}
	}
	for _, n := range cmdutil.ScriptFlagNames {
		if o.FlagsSet[n] {
			return cmdutil.UsageErr("--%s answers sign-in challenges; %s has no sign-in that can meet one (its flows: %s)", n, o.File, flowList(rec))
		}
	}
	return nil
}

func flowList(rec *transcript.Transcript) string {
	var fs []string
	for _, s := range rec.SignIns {
		if !slices.Contains(fs, s.Flow) {
			fs = append(fs, termtext.Line(s.Flow))
		}
	}
	if len(fs) == 0 {
		return "none"
	}
	return strings.Join(fs, ", ")
}

// replayableNames are the --flow names replay re-runs, for messages.
const replayableNames = "srp, password, refresh, user-auth, custom, custom-srp, client-credentials, pkce and refresh-token"

// stdinValue reads the next line of stdin as what (the new password);
// an empty line is a usage error.
func (r *runner) stdinValue(what string) (string, error) {
	v, err := r.stdin.Line(what)
	if err != nil {
		return "", err
	}
	if v == "" {
		return "", cmdutil.UsageErr("the %s on stdin is empty", what)
	}
	return v, nil
}
