package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mdp/qrterminal/v3"

	"github.com/cogscope/cogscope/flows"
	"github.com/cogscope/cogscope/internal/termtext"
)

// Prompter answers challenges on the terminal: the questions go to
// stderr (what came from the server made printable), the answers come
// from stdin, secrets with echo off. It is a
// flows.Retrier: a mistyped code or a new password the policy refuses is
// asked for again, up to maxAttempts answers per challenge. `cogscope
// login` and `cogscope replay` ask through it.
type Prompter struct {
	io *IOStreams
	in *LineReader

	// last is the challenge asked last and tries how many answers it got.
	last  *flows.Challenge
	tries int
}

// NewPrompter asks on io's stderr and reads the answers through in (the
// command's one LineReader of stdin).
func NewPrompter(io *IOStreams, in *LineReader) *Prompter {
	return &Prompter{io: io, in: in}
}

// maxAttempts is how many answers the prompter gives one challenge: Cognito
// keeps a challenge's session for about as many wrong codes.
const maxAttempts = 3

func (p *Prompter) Answer(_ context.Context, c *flows.Challenge) (flows.Answer, error) {
	w := p.io.ErrOut
	if c != p.last {
		p.last, p.tries = c, 0
		fmt.Fprintf(w, "\n%s: %s\n", termtext.Line(c.Name), termtext.Line(c.Prompt))
		if c.OTPAuthURI != "" {
			qrterminal.GenerateHalfBlock(c.OTPAuthURI, qrterminal.L, w)
			fmt.Fprintf(w, "%s\n", termtext.Line(c.OTPAuthURI))
		}
		if len(c.UserAttributes) > 0 {
			fmt.Fprintf(w, "Current attributes: %s\n", termtext.Line(formatAttrs(c.UserAttributes)))
		}
	}
	p.tries++
	ans := flows.Answer{}
	for _, fl := range c.Fields {
		var v string
		var err error
		switch {
		case len(fl.Options) > 0:
			v, err = p.choose(fl)
		case fl.Name == flows.FieldNewPassword:
			v, err = p.newPassword(fl)
		case fl.Secret:
			v, err = p.in.Secret(*p.io, "  "+termtext.Line(fl.Label)+": ")
		default:
			v, err = p.in.Prompt(w, "  "+termtext.Line(fl.Label)+": ")
		}
		if err != nil {
			return nil, err
		}
		ans[fl.Name] = strings.TrimSpace(v)
		if fl.Secret {
			ans[fl.Name] = v // passwords may hold spaces
		}
	}
	return ans, nil
}

// Retry implements flows.Retrier: it says why the answer was refused and
// whether there is another try.
func (p *Prompter) Retry(_ context.Context, c *flows.Challenge, err error) bool {
	w := p.io.ErrOut
	var ce *flows.CallError
	msg := err.Error()
	if errors.As(err, &ce) && ce.API != nil {
		msg = ce.API.Type + ": " + ce.API.Message
	} else if _, after, ok := strings.Cut(msg, flows.ErrInvalidAnswer.Error()+" to "+c.Name+": "); ok {
		msg = after
	}
	left := maxAttempts - p.tries
	if c != p.last || left <= 0 {
		return false
	}
	fmt.Fprintf(w, "  ✗ %s\n  Try again (%d %s left).\n", termtext.Line(msg), left, plural(left, "try", "tries"))
	return true
}

// newPassword asks for a new password twice, with echo off: a typo no one
// can see must not become the account's password.
func (p *Prompter) newPassword(fl flows.Field) (string, error) {
	w := p.io.ErrOut
	for range maxAttempts {
		v, err := p.in.Secret(*p.io, "  "+termtext.Line(fl.Label)+": ")
		if err != nil {
			return "", err
		}
		again, err := p.in.Secret(*p.io, "  Repeat "+strings.ToLower(fl.Label[:1])+fl.Label[1:]+": ")
		if err != nil {
			return "", err
		}
		if v == again {
			return v, nil
		}
		fmt.Fprintln(w, "  The two passwords differ.")
	}
	return "", UsageErr("the new password was not typed the same twice")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// choose lists the options and takes a number or a name.
func (p *Prompter) choose(fl flows.Field) (string, error) {
	w := p.io.ErrOut
	for i, o := range fl.Options {
		fmt.Fprintf(w, "  %d) %s\n", i+1, termtext.Line(o))
	}
	for range 3 {
		v, err := p.in.Prompt(w, "  "+termtext.Line(fl.Label)+": ")
		if err != nil {
			return "", err
		}
		v = strings.TrimSpace(v)
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= len(fl.Options) {
			return fl.Options[n-1], nil
		}
		for _, o := range fl.Options {
			if strings.EqualFold(o, v) {
				return o, nil
			}
		}
		fmt.Fprintf(w, "  %q is not one of the choices.\n", v)
	}
	return "", UsageErr("no valid choice for %s", fl.Label)
}

func formatAttrs(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for k, v := range m {
		parts = append(parts, k+"="+v)
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}
