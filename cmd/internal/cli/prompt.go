package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/mdp/qrterminal/v3"
	"golang.org/x/term"

	"github.com/cogscope/cogscope/flows"
)

// lineReader reads stdin line by line, shared by --*-stdin flags and the
// prompter so that neither swallows the other's input.
type lineReader struct {
	src io.Reader
	r   *bufio.Reader
}

func newLineReader(in io.Reader) *lineReader {
	if in == nil {
		in = strings.NewReader("")
	}
	return &lineReader{src: in, r: bufio.NewReader(in)}
}

// line reads one line without its line ending. End of input before any
// character is an error naming what was expected.
func (l *lineReader) line(what string) (string, error) {
	s, err := l.r.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && s != "") {
		if errors.Is(err, io.EOF) {
			return "", usageErr("expected the %s on stdin, got end of input", what)
		}
		return "", &ExitError{Code: ExitUsage, Err: fmt.Errorf("read %s from stdin: %w", what, err)}
	}
	return strings.TrimRight(s, "\r\n"), nil
}

func (l *lineReader) prompt(w io.Writer, label string) (string, error) {
	fmt.Fprint(w, label)
	return l.line(strings.TrimSuffix(strings.TrimSpace(label), ":"))
}

// secret reads a line with echo off when stdin is a real terminal.
func (l *lineReader) secret(io IOStreams, label string) (string, error) {
	fmt.Fprint(io.ErrOut, label)
	if f, ok := l.src.(*os.File); ok && term.IsTerminal(int(f.Fd())) && l.r.Buffered() == 0 {
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(io.ErrOut)
		if err != nil {
			return "", &ExitError{Code: ExitUsage, Err: fmt.Errorf("read %s: %w", strings.TrimSpace(label), err)}
		}
		return string(b), nil
	}
	return l.line(strings.TrimSuffix(strings.TrimSpace(label), ":"))
}

// prompter answers challenges on the terminal: the questions go to
// stderr, the answers come from stdin, secrets with echo off.
type prompter struct {
	f  *Factory
	in *lineReader
}

func (p *prompter) Answer(_ context.Context, c *flows.Challenge) (flows.Answer, error) {
	w := p.f.IO.ErrOut
	fmt.Fprintf(w, "\n%s: %s\n", c.Name, c.Prompt)
	if c.OTPAuthURI != "" {
		qrterminal.GenerateHalfBlock(c.OTPAuthURI, qrterminal.L, w)
		fmt.Fprintf(w, "%s\n", c.OTPAuthURI)
	}
	if len(c.UserAttributes) > 0 {
		fmt.Fprintf(w, "Current attributes: %s\n", formatAttrs(c.UserAttributes))
	}
	ans := flows.Answer{}
	for _, fl := range c.Fields {
		var v string
		var err error
		switch {
		case len(fl.Options) > 0:
			v, err = p.choose(fl)
		case fl.Secret:
			v, err = p.in.secret(p.f.IO, "  "+fl.Label+": ")
		default:
			v, err = p.in.prompt(w, "  "+fl.Label+": ")
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

// choose lists the options and takes a number or a name.
func (p *prompter) choose(fl flows.Field) (string, error) {
	w := p.f.IO.ErrOut
	for i, o := range fl.Options {
		fmt.Fprintf(w, "  %d) %s\n", i+1, o)
	}
	for range 3 {
		v, err := p.in.prompt(w, "  "+fl.Label+": ")
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
	return "", usageErr("no valid choice for %s", fl.Label)
}

func formatAttrs(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for k, v := range m {
		parts = append(parts, k+"="+v)
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}
