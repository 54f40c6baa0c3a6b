package signin

import "github.com/cogscope/cogscope/ui/service"

// field names the inputs of the sign-in form.
type field int

const (
	fieldUsername field = iota
	fieldPassword
	fieldScopes       // the hosted UI's
	fieldClientScopes // client credentials': custom scopes only
	numFields
)

// entry is one flow of the picker.
type entry struct {
	flow   service.Flow
	title  string
	about  string // one line under the picker
	fields []field
	// waits says what the first call waits for, for the spinner.
	waits string
}

// menu lists the flows in the order the picker shows them.
var menu = []entry{
	{service.FlowSRP, "SRP", "USER_SRP_AUTH: proves the password without sending it",
		[]field{fieldUsername, fieldPassword}, "Cognito (InitiateAuth)"},
	{service.FlowPassword, "Password", "USER_PASSWORD_AUTH: sends the password over TLS",
		[]field{fieldUsername, fieldPassword}, "Cognito (InitiateAuth)"},
	{service.FlowPKCE, "Hosted UI (PKCE)", "authorization code + PKCE through your browser",
		[]field{fieldScopes}, "the hosted UI"},
	{service.FlowClientCredentials, "Client credentials", "machine-to-machine: the app client's secret",
		[]field{fieldClientScopes}, "the token endpoint"},
	{service.FlowRefresh, "Refresh", "new tokens from the session's refresh token",
		nil, "Cognito (refresh)"},
}
