package service

// Words phrases a diagnosis's references (flows.Words) in the console's
// terms: a flow is picked in the Sign-in view, scopes and the username are
// fields of its form, and the rest is in the profile. (The CLI names the
// same things by its flags: "try --flow password" would send a console user
// looking for a flag.) Inputs the console has no place for keep their
// option names.
var Words consoleWords

type consoleWords struct{}

// flowTitles are the flows as the Sign-in view's picker names them, by
// the --flow names a fix uses (which are the Flow values).
var flowTitles = map[Flow]string{
	FlowSRP:               "SRP",
	FlowPassword:          "Password",
	FlowPKCE:              "Hosted UI (PKCE)",
	FlowClientCredentials: "Client credentials",
	FlowRefresh:           "Refresh",
}

// inputPlaces are where the console takes an input from.
var inputPlaces = map[string]string{
	"scope":        "the Scopes field",
	"username":     "the Username field",
	"redirect-uri": "the profile's hosted_ui.callback_url",
	"client-id":    "the profile's client_id",
	"domain":       "the profile's hosted_ui.domain",
	// The AWS credentials panel's identity pool.
	"identity-pool-id": "COGSCOPE_IDENTITY_POOL_ID",
}

func (consoleWords) Flow(name string) string {
	if t, ok := flowTitles[Flow(name)]; ok {
		return "the " + t + " flow"
	}
	return "the " + name + " flow"
}

func (consoleWords) Scope(s string) string { return `Scopes "` + s + `"` }

func (consoleWords) Input(name string) string {
	if p, ok := inputPlaces[name]; ok {
		return p
	}
	return "--" + name
}

func (w consoleWords) Omit(name string) string {
	if name == "scope" {
		return "leave the Scopes field empty"
	}
	return "leave " + w.Input(name) + " out"
}

func (consoleWords) Setting(name string) string { return name }
