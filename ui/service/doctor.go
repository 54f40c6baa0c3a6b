package service

import "context"

// CheckStatus is a doctor check's outcome.
type CheckStatus string

// The outcomes, as `cogscope doctor --json` names them.
const (
	CheckOK      CheckStatus = "ok"
	CheckWarn    CheckStatus = "warn"
	CheckFail    CheckStatus = "fail"
	CheckSkipped CheckStatus = "skipped"
)

// DoctorRequest is what the console signs in with now: the flow picked
// in the Sign-in view and the scopes of its form. The pool, the client,
// the redirect URI and the API are the target's, which cmd knows.
type DoctorRequest struct {
	Flow   Flow
	Scopes []string
}

// Check is one doctor check's result. Text is raw (the view sanitises
// it); Detail and Fix are phrased in the console's words (Words), never
// naming a command-line flag.
type Check struct {
	// Name is the rule ("client.auth-flow"); Subject what it is about
	// when a rule checks several things ("GET /orders").
	Name, Subject string
	Status        CheckStatus
	Detail, Fix   string
	// Error is the exact error the user would see; Catalogue the
	// diagnosis entry that explains it and Link that entry on the
	// troubleshooting page ("" when it has none there).
	Error, Catalogue, Link string
}

// Unread is a part of the configuration the doctor could not read.
type Unread struct {
	// What is the part (pool, client, domain, mfa, api, users), Op the
	// AWS operation, Reason why in words.
	What, Op, Reason string
	// NoCredentials: the read needs AWS credentials the console has none
	// of; the checks that need it were skipped.
	NoCredentials bool
}

// DoctorReport is the doctor's checklist for the console's target.
type DoctorReport struct {
	// Target says what was checked ("pool …, client …, flow srp").
	Target string
	Checks []Check
	Unread []Unread
}

// Count returns how many checks have the status.
func (r DoctorReport) Count(s CheckStatus) int {
	n := 0
	for _, c := range r.Checks {
		if c.Status == s {
			n++
		}
	}
	return n
}

// CauseVerdict is what the target's configuration says about an explained
// cause.
type CauseVerdict string

// The verdicts.
const (
	Confirmed CauseVerdict = "confirmed" // a check fails or warns: the cause is in the configuration
	RuledOut  CauseVerdict = "ruled-out" // the check passes: the configuration does not cause it
	Unchecked CauseVerdict = "unchecked" // the check could not run
)

// Cause is one catalogue entry a pasted error matches, its cause and fix
// phrased in the console's words.
type Cause struct {
	// Link is the entry on the troubleshooting page, "" when it has
	// none there.
	ID, Link   string
	Cause, Fix string
	// Why lists what of the text matched ("code NotAuthorizedException").
	Why []string
}

// Confirmation is a check's verdict on one of the causes.
type Confirmation struct {
	// Cause is the Cause's ID; Check the check that judged it.
	Cause, Check, Subject string
	Verdict               CauseVerdict
	Detail, Fix           string
}

// Explanation is a pasted error explained: the causes it matches and
// what the target's configuration says about them.
type Explanation struct {
	// Best is the one cause that fits best, nil when none or several fit
	// equally (Ambiguous); Others are the runners-up, or every cause that
	// fits equally.
	Best      *Cause
	Ambiguous bool
	Others    []Cause
	// Confirmations are the checks' verdicts on the causes; Checked says
	// the configuration was read at all (false: no cause to check).
	Confirmations []Confirmation
	Checked       bool
	// Unread are the parts of the configuration that could not be read,
	// and Notes what else could not be checked (the clock).
	Unread []Unread
	Notes  []string
}

// Doctor checks the console's target before anyone signs in, and
// explains pasted errors. Both do I/O: the view calls them from tea.Cmds.
type Doctor interface {
	// Doctor reads the pool's, the client's and the API's configuration
	// and runs the checks for req. An error means no report at all.
	Doctor(ctx context.Context, req DoctorRequest) (*DoctorReport, error)
	// Explain matches text against the catalogue of causes and checks
	// them against the target's configuration (for req), the clock and
	// the SRP TIMESTAMP format.
	Explain(ctx context.Context, text string, req DoctorRequest) (*Explanation, error)
}
