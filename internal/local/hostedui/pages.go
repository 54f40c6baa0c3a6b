package hostedui

import (
	"bytes"
	"html/template"
	"net/http"
	"sync"
)

// The pages are plain server-rendered HTML: no script, one form each.
// html/template escapes every value we echo (usernames, error messages,
// URLs, challenge parameters). They are parsed on first use, not at every
// start of cogscope.
var pages = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("pages").Parse(`
{{define "head"}}<!DOCTYPE html>
<html lang="{{if .Lang}}{{.Lang}}{{else}}en{{end}}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;color:#16191f}
main{max-width:24rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem;margin:0 0 .3rem}p.sub{color:#555;margin:0 0 1.2rem;font-size:.9rem}
label{display:block;margin:.8rem 0 .2rem;font-size:.9rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #aab;border-radius:4px;font-size:1rem}
button{margin-top:1.2rem;width:100%;padding:.6rem;background:#0972d3;color:#fff;border:0;border-radius:4px;font-size:1rem}
.error{background:#fdf3f1;border:1px solid #d91515;color:#d91515;padding:.6rem;border-radius:4px;margin:.8rem 0}
code{word-break:break-all}
</style></head>
<body><main>
<h1>{{.Title}}</h1>{{if .Subtitle}}<p class="sub">{{.Subtitle}}</p>{{end}}
{{if .Error}}<div class="error" role="alert" id="error">{{.Error}}</div>{{end}}
{{end}}

{{define "foot"}}</main></body></html>
{{end}}

{{define "hidden"}}<input type="hidden" name="_csrf" value="{{.CSRF}}">{{if .Session}}
<input type="hidden" name="session" value="{{.Session}}">{{end}}{{end}}

{{define "login"}}{{template "head" .}}
<form method="post" action="{{.Action}}" id="login-form">
{{template "hidden" .}}
<label for="username">Username</label>
<input type="text" id="username" name="username" value="{{.Username}}" autocomplete="username" autocapitalize="none" required autofocus>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit" name="signInSubmitButton" id="signin">Sign in</button>
</form>
{{if .Providers}}<p class="sub">Or sign in with your corporate or social identity:</p>
<ul id="identity-providers">{{range .Providers}}<li><a class="idp" href="{{.Value}}">Sign in with {{.Label}}</a></li>
{{end}}</ul>{{end}}
{{template "foot" .}}{{end}}

{{define "mfa"}}{{template "head" .}}
<form method="post" action="{{.Action}}" id="mfa-form">
{{template "hidden" .}}
<label for="code">{{.Prompt}}</label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit" id="verify">Sign in</button>
</form>
{{template "foot" .}}{{end}}

{{define "select-mfa"}}{{template "head" .}}
<form method="post" action="{{.Action}}" id="select-mfa-form">
{{template "hidden" .}}
{{range $i, $o := .Options}}<label><input type="radio" name="mfa" value="{{$o.Value}}"{{if eq $i 0}} checked{{end}}> {{$o.Label}}</label>
{{end}}<button type="submit" id="continue">Continue</button>
</form>
{{template "foot" .}}{{end}}

{{define "mfa-setup"}}{{template "head" .}}
<p>Add this key to your authenticator app, then enter the code it shows.</p>
<p>Secret key: <code id="secret">{{.Secret}}</code></p>
<p>Or scan: <code id="otpauth">{{.OTPAuthURI}}</code></p>
<form method="post" action="{{.Action}}" id="mfa-setup-form">
{{template "hidden" .}}
<label for="code">Code from your authenticator app</label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit" id="verify">Verify</button>
</form>
{{template "foot" .}}{{end}}

{{define "new-password"}}{{template "head" .}}
<form method="post" action="{{.Action}}" id="new-password-form">
{{template "hidden" .}}
<label for="new_password">New password</label>
<input type="password" id="new_password" name="new_password" autocomplete="new-password" required autofocus>
<label for="confirm_password">Confirm new password</label>
<input type="password" id="confirm_password" name="confirm_password" autocomplete="new-password" required>
{{range .Attributes}}<label for="{{.}}">{{.}}</label>
<input type="text" id="{{.}}" name="userAttributes.{{.}}" required>
{{end}}<button type="submit" id="change">Change password</button>
</form>
{{template "foot" .}}{{end}}

{{define "error"}}{{template "head" .}}
<p id="message">{{.Message}}</p>
{{if .Code}}<p>Error: <code id="error-code">{{.Code}}</code>{{if .ClientID}} (client <code>{{.ClientID}}</code>){{end}}</p>{{end}}
{{template "foot" .}}{{end}}
`))
})

// page is what every template reads; each page uses the fields it needs.
type page struct {
	Title, Subtitle, Error, Lang string
	Action, CSRF, Session        string
	Username                     string
	Prompt                       string
	Options                      []option
	Secret, OTPAuthURI           string
	Attributes                   []string
	// Providers are the login page's federated sign-in links: Value the
	// authorize URL with identity_provider, Label the provider's name.
	Providers []option
}

type option struct{ Value, Label string }

// errorPage is the /error page and the other full-page errors.
type errorPage struct {
	Title, Message, Code, ClientID, Lang string
}

func (e errorPage) withDefaults() map[string]any {
	return map[string]any{"Title": e.Title, "Message": e.Message, "Code": e.Code, "ClientID": e.ClientID,
		"Lang": e.Lang, "Subtitle": "", "Error": ""}
}

func writePage(w http.ResponseWriter, status int, e errorPage) {
	render(w, status, "error", e.withDefaults())
}

// render executes a template into a buffer first, so a template error
// becomes a 500 rather than half a page.
func render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages().ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "hosted UI: render "+name+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// The pages are never framed and load nothing from elsewhere. No
	// form-action directive: browsers apply it to the redirect that
	// follows the login POST, which goes to the app's callback.
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
