package cmdutil

import "context"

// ClientSecretFlags are a command's ways to give the app client's secret
// besides the profile: --client-secret-stdin (Stdin; the line is read by
// Read) and --client-secret (Value). The zero value gives none.
type ClientSecretFlags struct {
	Stdin bool
	Value string
	// Read reads the next line of stdin as what ("client secret"); an
	// empty line is the caller's usage error.
	Read func(what string) (string, error)
}

// ClientSecretFrom picks the app client's secret, in login's order:
// --client-secret-stdin (read first, before any other stdin secret), else
// --client-secret, else the one the target already has (the local
// demo's), else the profile's client_secret_env / client_secret_command.
// The profile's reference is read last and only when nothing else gives
// the secret, so that a variable it names need not be set when stdin
// gives the secret.
func (t Target) ClientSecretFrom(ctx context.Context, fl ClientSecretFlags) (string, error) {
	switch {
	case fl.Stdin && fl.Value != "":
		return "", UsageErr("give --client-secret or --client-secret-stdin, not both")
	case fl.Stdin && fl.Read == nil:
		return "", UsageErr("--client-secret-stdin: stdin cannot be read here")
	case fl.Stdin:
		return fl.Read("client secret")
	case fl.Value != "":
		return fl.Value, nil
	case t.ClientSecret != "":
		return t.ClientSecret, nil
	}
	s, err := t.ProfileSecret(ctx)
	if err != nil {
		hint := ""
		if fl.Read != nil {
			// The command takes --client-secret-stdin: say so.
			hint = " (set it, or give the secret on stdin with --client-secret-stdin)"
		}
		return "", UsageErr("profile %s: %v%s", t.Profile, err, hint)
	}
	return s, nil
}
