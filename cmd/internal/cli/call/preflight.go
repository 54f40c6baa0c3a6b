package call

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/cogscope/cogscope/internal/apicall"
	"github.com/cogscope/cogscope/internal/doctor"
	"github.com/cogscope/cogscope/internal/termtext"
)

// preflight predicts API Gateway's answer to the built request before it
// is sent (--preflight): the route's authorizer from API Gateway's
// configuration, the token in the request's headers, the issuer's JWKS
// and the target's clock, as doctor.Predict judges them.
func (c *Context) preflight(ctx context.Context, b *apicall.Built) doctor.Prediction {
	in := doctor.PredictInput{Headers: b.HTTP.Header, Query: b.HTTP.URL.Query(), Keys: c.keys, Now: c.f.Clock()}
	if c.Target.Endpoint != "" {
		in.PoolIssuer = apicall.LocalPoolIssuer(c.Target.Endpoint)
	}
	if cfg := c.Config(ctx); cfg != nil {
		_, in.Route = cfg.RouteFor(b.Info.Method, b.HTTP.URL)
	}
	return doctor.Predict(ctx, in)
}

// compareAnswer sets the prediction beside the answer (nil without one).
func compareAnswer(p doctor.Prediction, r *apicall.ResponseInfo) *doctor.Comparison {
	return doctor.CompareResponse(p, r)
}

// writePrediction prints the prediction, before the response.
func writePrediction(w io.Writer, p doctor.Prediction) {
	s := termtext.Line
	switch p.Outcome {
	case doctor.OutcomePass:
		fmt.Fprintf(w, "Preflight: predicted pass: the request reaches the integration (%s)\n", s(p.Reason))
	case doctor.OutcomeRefuse:
		check := ""
		if p.Check != "" {
			check = ", check " + s(p.Check)
		}
		fmt.Fprintf(w, "Preflight: predicted %s %s%s: %s\n", statusText(p.Status), s(p.Body), check, s(p.Reason))
		if p.WWWAuthenticate != "" {
			fmt.Fprintf(w, "  www-authenticate: %s\n", s(p.WWWAuthenticate))
		}
	default:
		fmt.Fprintf(w, "Preflight: cannot predict: %s\n", s(p.Reason))
	}
	for _, cv := range p.Caveats {
		fmt.Fprintf(w, "  caveat: %s\n", s(cv))
	}
	fmt.Fprintln(w)
}

// writeComparison prints the prediction against the answer, after it.
func writeComparison(w io.Writer, cmp *doctor.Comparison) {
	if cmp == nil {
		return
	}
	fmt.Fprintln(w)
	switch {
	case !cmp.Agrees:
		fmt.Fprintf(w, "Preflight: DISAGREES: predicted %s, the gateway answered %d (differs in %s): cogscope's model of the authorizer is wrong, or its configuration changed since it was read\n",
			predicted(cmp.Predicted), cmp.Status, strings.Join(cmp.Differences, ", "))
	case cmp.Predicted.Outcome == doctor.OutcomeUnknown:
		fmt.Fprintf(w, "Preflight: no prediction to compare; the gateway answered %d\n", cmp.Status)
	default:
		fmt.Fprintf(w, "Preflight: agrees: predicted %s, the gateway answered %d\n", predicted(cmp.Predicted), cmp.Status)
	}
}

func predicted(p doctor.Prediction) string {
	if p.Outcome == doctor.OutcomeRefuse {
		return fmt.Sprintf("%d", p.Status)
	}
	return p.Outcome
}

// resultWithPreflight is the --json document of a call with --preflight:
// the call's document (with its logs, if any) and "prediction" and
// "comparison" beside it.
type resultWithPreflight struct {
	Doc        any
	Prediction *doctor.Prediction
	Comparison *doctor.Comparison
}

func (r resultWithPreflight) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(r.Doc)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[len(b)-1] != '}' {
		return nil, fmt.Errorf("call's JSON document is not an object")
	}
	extra := map[string]any{"prediction": r.Prediction}
	if r.Comparison != nil {
		extra["comparison"] = r.Comparison
	}
	e, err := json.Marshal(extra)
	if err != nil {
		return nil, err
	}
	// The call's fields first, in their order, then the preflight's.
	out := b[: len(b)-1 : len(b)-1]
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, e[1:]...), nil
}
