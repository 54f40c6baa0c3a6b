package inspect

import (
	"fmt"
	"io"
	"strings"

	jwtinspect "github.com/cogscope/cogscope/inspect"
	"github.com/cogscope/cogscope/internal/termtext"
)

// ANSI styles for the report; plain codes keep inspect free of lipgloss.
const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiYell  = "\x1b[33m"
)

type painter bool

func (p painter) paint(style, s string) string {
	if !p || s == "" {
		return s
	}
	return style + s + ansiReset
}

func (p painter) status(s jwtinspect.Status) string {
	switch s {
	case jwtinspect.StatusOK:
		return p.paint(ansiGreen, "✓")
	case jwtinspect.StatusFail:
		return p.paint(ansiRed, "✗")
	case jwtinspect.StatusSkipped:
		return p.paint(ansiDim, "–")
	}
	return " "
}

// renderReport writes the readable report.
func renderReport(w io.Writer, r *jwtinspect.Report, colour bool) {
	p := painter(colour)
	kind := map[jwtinspect.TokenKind]string{jwtinspect.KindID: "ID token", jwtinspect.KindAccess: "Access token"}[r.Kind]
	if kind == "" {
		kind = "Token"
	}
	verdict := p.paint(ansiGreen+ansiBold, "✓ valid")
	if !r.Valid {
		n := len(r.Failed())
		switch {
		case n == 0:
			verdict = p.paint(ansiYell+ansiBold, "? not verified")
		case n == 1:
			verdict = p.paint(ansiRed+ansiBold, "✗ invalid: 1 check failed")
		default:
			verdict = p.paint(ansiRed+ansiBold, fmt.Sprintf("✗ invalid: %d checks failed", n))
		}
	}
	fmt.Fprintf(w, "%s  %s  %s\n", p.paint(ansiBold, kind), verdict, p.paint(ansiDim, "at "+jwtinspect.FormatTime(r.Now)))
	if t := trustLine(r); t != "" {
		style := ansiDim
		if r.Trust == jwtinspect.TrustTokenIssuer {
			style = ansiRed
		}
		fmt.Fprintf(w, "%s\n", p.paint(style, t))
	}

	section := func(title string) { fmt.Fprintf(w, "\n%s\n", p.paint(ansiBold, title)) }
	claims := func(list []jwtinspect.Claim) {
		width := 0
		for _, c := range list {
			width = max(width, len(c.Name))
		}
		for _, c := range list {
			fmt.Fprintf(w, "  %s %-*s  %s\n", p.status(c.Status), width, termtext.Line(c.Name), termtext.Line(c.Display))
			if c.Meaning != "" {
				fmt.Fprintf(w, "    %*s  %s\n", width, "", p.paint(ansiDim, termtext.Line(c.Meaning)))
			}
		}
	}
	if len(r.Header) > 0 {
		section("Header")
		claims(r.Header)
	}
	if len(r.Claims) > 0 {
		section("Claims")
		claims(r.Claims)
	}
	if l := r.Lifetime; l.Known {
		section("Lifetime")
		const barWidth = 30
		used := int(l.Elapsed*barWidth + 0.5)
		bar := strings.Repeat("█", used) + strings.Repeat("░", barWidth-used)
		left := "expired " + jwtinspect.HumanDuration(-l.Remaining) + " ago"
		if l.Remaining > 0 {
			left = jwtinspect.HumanDuration(l.Remaining) + " left"
		}
		fmt.Fprintf(w, "  iat %s [%s] exp %s  %d%% used, %s of %s\n",
			l.IssuedAt.UTC().Format("15:04:05"), bar, l.ExpiresAt.UTC().Format("15:04:05"),
			int(l.Elapsed*100+0.5), left, jwtinspect.HumanDuration(l.Total))
	}
	section("Checks")
	for _, c := range r.Checks {
		detail := termtext.Line(c.Detail) // may quote claim values
		if c.Status == jwtinspect.StatusSkipped {
			detail = p.paint(ansiDim, "skipped: "+detail)
		}
		fmt.Fprintf(w, "  %s %-9s  %s\n", p.status(c.Status), c.Name, detail)
		if c.Attack != "" {
			fmt.Fprintf(w, "    %-9s  %s\n", "", p.paint(ansiRed, "attack: "+c.Attack))
		}
		if c.Hint != "" && c.Status == jwtinspect.StatusFail {
			fmt.Fprintf(w, "    %-9s  %s\n", "", p.paint(ansiYell, "hint: "+c.Hint))
		}
	}
	if len(r.Notes) > 0 {
		section("Notes")
		for _, n := range r.Notes {
			fmt.Fprintf(w, "  • %s\n", termtext.Line(n))
		}
	}
}

// trustLine says who vouched for the keys and what the issuer is; "" when
// no keys were consulted.
func trustLine(r *jwtinspect.Report) string {
	var who string
	switch r.Trust {
	case jwtinspect.TrustExpectedIssuer:
		who = "keys: the expected issuer's"
	case jwtinspect.TrustGivenKeys:
		who = "keys: the JWKS given (--jwks)"
	case jwtinspect.TrustTokenIssuer:
		who = "keys: from the token's own iss, which nobody confirmed (give --issuer or --jwks)"
	default:
		return ""
	}
	switch i := r.Issuer; {
	case i.Cognito:
		who += fmt.Sprintf("; issuer: Cognito user pool %s in %s", i.Pool, i.Region)
	case i.PoolShaped:
		who += fmt.Sprintf("; issuer: user pool %s, not on AWS (a local stack or emulator)", i.Pool)
	case i.URL != "":
		who += "; issuer: not a Cognito user pool"
	}
	return who
}
