package hostedui

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cogscope/cogscope/internal/local/cognito"
)

// maxPageForm caps the body of a page's form: a username, a password and
// a few tokens fit many times over.
const maxPageForm = 16 << 10

// readForm parses a capped form body; it answers the request itself and
// returns false when the body is too large or malformed.
func readForm(w http.ResponseWriter, r *http.Request, limit int64) bool {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writePage(w, http.StatusRequestEntityTooLarge, errorPage{Title: "Request too large",
				Message: "The form is larger than " + strconv.FormatInt(limit, 10) + " bytes."})
			return false
		}
		writePage(w, http.StatusBadRequest, errorPage{Title: "Bad request", Message: "The form could not be read: " + err.Error()})
		return false
	}
	return true
}

// serveLogin is GET /login (the form) and POST /login (its submission).
// Both take the authorize parameters in the query and validate them again,
// as Cognito's login page accepts a direct link.
func (h *Handler) serveLogin(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	if r.Method == http.MethodPost && !readForm(w, r, maxPageForm) {
		return
	}
	req, fail := h.parseAuthRequest(dc, r.URL.Query())
	if fail != nil {
		h.refuse(w, r, dc, req, fail)
		return
	}
	if r.Method != http.MethodPost {
		if req.idp != nil {
			h.startFederation(w, r, dc, req)
			return
		}
		if req.prompt != "login" {
			if se := h.liveSession(r, dc); se != nil {
				h.complete(w, r, dc, req, se.username, se.authTime)
				return
			}
		}
		h.renderLogin(w, r, dc, req, "", "")
		return
	}
	if !checkCSRF(r) {
		h.csrfFailed(w)
		return
	}
	username, password := strings.TrimSpace(r.PostForm.Get("username")), r.PostForm.Get("password")
	if username == "" || password == "" {
		h.renderLogin(w, r, dc, req, username, "Please enter your username and password.")
		return
	}
	st, err := h.svc.PasswordSignIn(req.clientID, username, password)
	if err != nil {
		h.renderLogin(w, r, dc, req, username, h.userMessage(err))
		return
	}
	h.advance(w, r, dc, &pendingSignIn{poolID: dc.pool.ID, req: req, state: st, expires: h.now().Add(pendingTTL)}, "")
}

func (h *Handler) renderLogin(w http.ResponseWriter, r *http.Request, dc *domainCtx, req *authRequest, username, msg string) {
	csrf := ensureCSRF(w, r, dc)
	render(w, http.StatusOK, "login", page{Title: "Sign in", Subtitle: subtitle(dc, req), Error: msg,
		Lang: req.query.Get("lang"), Action: dc.url(pathLogin) + "?" + req.query.Encode(), CSRF: csrf, Username: username,
		Providers: h.providerLinks(dc, req)})
}

func subtitle(dc *domainCtx, req *authRequest) string {
	name := req.client.Name
	if name == "" {
		name = req.clientID
	}
	return "to " + name + " (user pool " + dc.pool.Name + ")"
}

func (h *Handler) csrfFailed(w http.ResponseWriter) {
	writePage(w, http.StatusForbidden, errorPage{Title: "Request not verified",
		Message: "The form's CSRF token is missing or does not match its cookie. Reload the sign-in page and try again."})
}

// userMessage is what a page shows for a sign-in error: Cognito's own
// message for its exceptions.
func (h *Handler) userMessage(err error) string {
	if _, msg, ok := cognito.ErrorInfo(err); ok {
		return msg
	}
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.message
	}
	h.log.Debug("hosted UI sign-in failed", "error", err)
	return "An error was encountered with the requested page."
}

// advance moves a sign-in on after a step: signed in, or the next page.
func (h *Handler) advance(w http.ResponseWriter, r *http.Request, dc *domainCtx, p *pendingSignIn, msg string) {
	if p.state.Next == "" {
		h.startSession(w, dc, p.state.Username, p.state.Sub, p.state.AuthTime, nil)
		h.complete(w, r, dc, p.req, p.state.Username, p.state.AuthTime)
		return
	}
	if p.state.Next == "MFA_SETUP" && p.secret == "" {
		if err := h.associateTOTP(p); err != nil {
			h.renderLogin(w, r, dc, p.req, p.state.Username, h.userMessage(err))
			return
		}
	}
	id := h.st.addPending(p)
	h.renderChallenge(w, r, dc, id, p, msg)
}

// renderChallenge shows the page for the pending sign-in's challenge.
func (h *Handler) renderChallenge(w http.ResponseWriter, r *http.Request, dc *domainCtx, id string, p *pendingSignIn, msg string) {
	pg := page{Subtitle: subtitle(dc, p.req), Error: msg, Lang: p.req.query.Get("lang"), CSRF: ensureCSRF(w, r, dc), Session: id}
	params := p.state.Parameters
	dest := params["CODE_DELIVERY_DESTINATION"]
	switch p.state.Next {
	case "SOFTWARE_TOKEN_MFA":
		pg.Title, pg.Action, pg.Prompt = "Multi-factor authentication", dc.url(pathMFA), "Code from your authenticator app"
		render(w, http.StatusOK, "mfa", pg)
	case "SMS_MFA":
		pg.Title, pg.Action, pg.Prompt = "Multi-factor authentication", dc.url(pathMFA), "Code sent by SMS to "+dest
		render(w, http.StatusOK, "mfa", pg)
	case "EMAIL_OTP":
		pg.Title, pg.Action, pg.Prompt = "Multi-factor authentication", dc.url(pathMFA), "Code sent by e-mail to "+dest
		render(w, http.StatusOK, "mfa", pg)
	case "SELECT_MFA_TYPE":
		pg.Title, pg.Action = "Choose how to verify your sign-in", dc.url(pathSelectMFA)
		for _, o := range jsonList(params["MFAS_CAN_CHOOSE"]) {
			pg.Options = append(pg.Options, option{Value: o, Label: mfaLabel(o)})
		}
		render(w, http.StatusOK, "select-mfa", pg)
	case "MFA_SETUP":
		pg.Title, pg.Action = "Set up multi-factor authentication", dc.url(pathMFASetup)
		pg.Secret = p.secret
		pg.OTPAuthURI = "otpauth://totp/" + url.PathEscape(dc.pool.Name+":"+p.state.Username) + "?" +
			url.Values{"secret": {p.secret}, "issuer": {dc.pool.Name}}.Encode()
		render(w, http.StatusOK, "mfa-setup", pg)
	case "NEW_PASSWORD_REQUIRED":
		pg.Title, pg.Action = "Change your password", dc.url(pathNewPassword)
		for _, a := range jsonList(params["requiredAttributes"]) {
			pg.Attributes = append(pg.Attributes, strings.TrimPrefix(a, "userAttributes."))
		}
		render(w, http.StatusOK, "new-password", pg)
	default:
		writePage(w, http.StatusBadRequest, errorPage{Title: "Sign-in cannot continue here", Lang: pg.Lang,
			Message: "The sign-in needs the " + p.state.Next + " challenge, which the hosted UI of the local stack does not serve."})
	}
}

func mfaLabel(name string) string {
	switch name {
	case "SOFTWARE_TOKEN_MFA":
		return "Authenticator app"
	case "SMS_MFA":
		return "Text message (SMS)"
	case "EMAIL_OTP", "EMAIL_MFA":
		return "E-mail"
	}
	return name
}

// step is a POST of a challenge page: it checks the form and CSRF token,
// takes the pending sign-in, and hands the form to answer, which returns
// the ChallengeResponses (or a message to show on the same page).
func (h *Handler) step(w http.ResponseWriter, r *http.Request, dc *domainCtx, challenges []string,
	answer func(p *pendingSignIn, form url.Values) (map[string]string, string)) {
	if !readForm(w, r, maxPageForm) {
		return
	}
	if !checkCSRF(r) {
		h.csrfFailed(w)
		return
	}
	id := r.PostForm.Get("session")
	p := h.st.takePending(id, dc.pool.ID)
	if p == nil {
		writePage(w, http.StatusBadRequest, errorPage{Title: "Sign-in expired",
			Message: "This sign-in has expired or was already completed. Start again from the application."})
		return
	}
	if !slices.Contains(challenges, p.state.Next) {
		h.st.putPending(id, p)
		writePage(w, http.StatusBadRequest, errorPage{Title: "Wrong page",
			Message: "This sign-in is waiting for " + p.state.Next + ", not for this form."})
		return
	}
	responses, msg := answer(p, r.PostForm)
	if msg != "" {
		h.st.putPending(id, p)
		h.renderChallenge(w, r, dc, id, p, msg)
		return
	}
	next, err := h.svc.ContinueSignIn(p.req.clientID, p.state, responses)
	if err != nil {
		h.stepFailed(w, r, dc, id, p, err)
		return
	}
	p.state = next
	h.advance(w, r, dc, p, "")
}

// stepFailed shows a failed step: a wrong code or a refused password on
// the same page (the Cognito session is still usable), anything else on
// the login page, where the user starts over.
func (h *Handler) stepFailed(w http.ResponseWriter, r *http.Request, dc *domainCtx, id string, p *pendingSignIn, err error) {
	typ, _, _ := cognito.ErrorInfo(err)
	var ae *apiError
	if errors.As(err, &ae) {
		typ = ae.typ
	}
	switch typ {
	case "CodeMismatchException", "EnableSoftwareTokenMFAException", "InvalidPasswordException", "InvalidParameterException":
		h.st.putPending(id, p)
		h.renderChallenge(w, r, dc, id, p, h.userMessage(err))
		return
	}
	h.renderLogin(w, r, dc, p.req, p.state.Username, h.userMessage(err))
}

// serveMFA is POST /mfa: a TOTP, SMS or e-mail code.
func (h *Handler) serveMFA(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	h.step(w, r, dc, []string{"SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP"}, func(p *pendingSignIn, form url.Values) (map[string]string, string) {
		code := strings.TrimSpace(form.Get("code"))
		if code == "" {
			return nil, "Please enter the code."
		}
		field := map[string]string{"SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE", "SMS_MFA": "SMS_MFA_CODE",
			"EMAIL_OTP": "EMAIL_OTP_CODE"}[p.state.Next]
		return map[string]string{field: code}, ""
	})
}

// serveSelectMFA is POST /select-mfa: the chosen MFA method.
func (h *Handler) serveSelectMFA(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	h.step(w, r, dc, []string{"SELECT_MFA_TYPE"}, func(p *pendingSignIn, form url.Values) (map[string]string, string) {
		choice := form.Get("mfa")
		if !slices.Contains(jsonList(p.state.Parameters["MFAS_CAN_CHOOSE"]), choice) {
			return nil, "Please choose one of the methods."
		}
		return map[string]string{"ANSWER": choice}, ""
	})
}

// serveNewPassword is POST /new-password (NEW_PASSWORD_REQUIRED).
func (h *Handler) serveNewPassword(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	h.step(w, r, dc, []string{"NEW_PASSWORD_REQUIRED"}, func(p *pendingSignIn, form url.Values) (map[string]string, string) {
		pw := form.Get("new_password")
		switch {
		case pw == "":
			return nil, "Please enter a new password."
		case pw != form.Get("confirm_password"):
			return nil, "The passwords do not match."
		}
		resp := map[string]string{"NEW_PASSWORD": pw}
		for _, a := range jsonList(p.state.Parameters["requiredAttributes"]) {
			name := "userAttributes." + strings.TrimPrefix(a, "userAttributes.")
			v := strings.TrimSpace(form.Get(name))
			if v == "" {
				return nil, "Please fill in " + strings.TrimPrefix(name, "userAttributes.") + "."
			}
			resp[name] = v
		}
		return resp, ""
	})
}

// serveMFASetup is POST /mfa-setup: the first code of a TOTP enrolment
// (MFA_SETUP), verified through VerifySoftwareToken, then the challenge
// is answered.
func (h *Handler) serveMFASetup(w http.ResponseWriter, r *http.Request, dc *domainCtx) {
	h.step(w, r, dc, []string{"MFA_SETUP"}, func(p *pendingSignIn, form url.Values) (map[string]string, string) {
		code := strings.TrimSpace(form.Get("code"))
		if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
			return nil, "Please enter the 6-digit code from your authenticator app."
		}
		var out struct{ Session string }
		if err := h.callAPI("VerifySoftwareToken", map[string]string{"Session": p.state.Handle, "UserCode": code}, &out); err != nil {
			return nil, h.userMessage(err)
		}
		p.state.Handle = out.Session
		return map[string]string{}, ""
	})
}

// associateTOTP starts a TOTP enrolment for an MFA_SETUP challenge.
func (h *Handler) associateTOTP(p *pendingSignIn) error {
	if !slices.Contains(jsonList(p.state.Parameters["MFAS_CAN_SETUP"]), "SOFTWARE_TOKEN_MFA") {
		return &apiError{typ: "InvalidParameterException",
			message: "MFA must be set up, but the hosted UI of the local stack can enrol only an authenticator app and the pool does not allow one."}
	}
	var out struct{ SecretCode, Session string }
	if err := h.callAPI("AssociateSoftwareToken", map[string]string{"Session": p.state.Handle}, &out); err != nil {
		return err
	}
	p.secret, p.state.Handle = out.SecretCode, out.Session
	return nil
}

// complete ends a successful sign-in: an authorization code, or tokens
// in the fragment for the implicit grant, sent to the app's callback.
func (h *Handler) complete(w http.ResponseWriter, r *http.Request, dc *domainCtx, req *authRequest, username string, authTime time.Time) {
	v := url.Values{}
	if req.responseType == "code" {
		code := h.st.addCode(&authCode{clientID: req.clientID, poolID: dc.pool.ID, redirectURI: req.redirectURI,
			username: username, authTime: authTime, scopes: req.scopes, nonce: req.nonce, challenge: req.challenge,
			expires: h.now().Add(codeTTL)})
		v.Set("code", code)
		if req.state != "" {
			v.Set("state", req.state)
		}
		http.Redirect(w, r, withParams(req.redirectURI, v, false), http.StatusFound)
		return
	}
	tok, err := h.mintForUser(req.clientID, username, req.scopes, req.nonce, authTime, false)
	if err != nil {
		h.log.Debug("hosted UI implicit grant failed", "error", err)
		h.refuse(w, r, dc, req, &authFailure{code: "server_error", description: h.userMessage(err)})
		return
	}
	v.Set("access_token", tok.AccessToken)
	if tok.IDToken != "" {
		v.Set("id_token", tok.IDToken)
	}
	v.Set("token_type", "Bearer")
	v.Set("expires_in", strconv.Itoa(tok.ExpiresIn))
	if req.state != "" {
		v.Set("state", req.state)
	}
	http.Redirect(w, r, withParams(req.redirectURI, v, true), http.StatusFound)
}

// mintForUser mints a user's tokens with the hosted-UI claims: the
// granted scopes, an ID token (with nonce and at_hash, attributes by
// scope) when openid was granted, and a refresh token for the code grant.
func (h *Handler) mintForUser(clientID, username string, scopes []string, nonce string, authTime time.Time, refresh bool) (cognito.Tokens, error) {
	openid := slices.Contains(scopes, scopeOpenID)
	req := cognito.MintRequest{ClientID: clientID, Username: username, Scopes: scopes, AuthTime: authTime,
		IDToken: openid, Refresh: refresh, AtHash: openid}
	if openid {
		req.IDAttributes = cognito.ScopeAttributes(scopes)
		if nonce != "" {
			req.ExtraIDClaims = map[string]any{"nonce": nonce}
		}
	}
	return h.svc.MintTokens(req)
}
