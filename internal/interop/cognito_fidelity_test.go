package interop

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cogscope/cogscope/internal/local/localtest"
)

// fidelityStep is one call cognito-fidelity.js made, as the AWS SDK for
// JavaScript v3 deserialized it.
type fidelityStep struct {
	Step  string         `json:"step"`
	OK    bool           `json:"ok"`
	Out   map[string]any `json:"out"`
	Error *struct {
		Name      string `json:"name"`
		Message   string `json:"message"`
		Status    int    `json:"status"`
		Fault     string `json:"fault"`
		RequestID string `json:"requestId"`
		Modeled   bool   `json:"modeled"`
	} `json:"error"`
}

// runFidelity runs cognito-fidelity.js against env, answering its requests
// for the codes the stack "sent", and returns its steps by name.
func runFidelity(t *testing.T, env *localtest.Env) map[string]fidelityStep {
	t.Helper()
	dir := peers(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join("peers", "cognito-fidelity.js"), env.Endpoint, env.Region)
	cmd.Env = hermeticNodeEnv(t, dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var final struct {
		Done  bool           `json:"done"`
		Crash string         `json:"crash"`
		Steps []fidelityStep `json:"steps"`
	}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var line struct {
			Need, Username, Purpose string
			Done                    bool
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("cognito-fidelity.js printed %q: %v", sc.Text(), err)
		}
		if line.Done {
			if err := json.Unmarshal(sc.Bytes(), &final); err != nil {
				t.Fatal(err)
			}
			break
		}
		code := ""
		for _, c := range env.Cognito.SentCodes() {
			if c.Username == line.Username && c.Purpose == line.Purpose {
				code = c.Code
			}
		}
		if code == "" {
			t.Errorf("the script asked for a %s code for %s; none was sent", line.Purpose, line.Username)
		}
		if _, err := io.WriteString(stdin, code+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	_ = stdin.Close()
	if err := cmd.Wait(); err != nil || final.Crash != "" || !final.Done {
		t.Fatalf("cognito-fidelity.js failed (%v) %s\nstderr:\n%s", err, final.Crash, stderr.String())
	}
	steps := map[string]fidelityStep{}
	for _, s := range final.Steps {
		steps[s.Step] = s
	}
	return steps
}

// hermeticNodeEnv is the environment runPeer gives node: the peers'
// modules, and no AWS configuration from the developer.
func hermeticNodeEnv(t *testing.T, dir string) []string {
	env := []string{
		"NODE_PATH=" + filepath.Join(dir, "node_modules"),
		"AWS_CONFIG_FILE=" + filepath.Join(t.TempDir(), "no-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(t.TempDir(), "no-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "NODE_PATH=") {
			env = append(env, kv)
		}
	}
	return env
}

// at follows a dotted path ("UserPool.Policies.PasswordPolicy") through
// decoded JSON; list elements are addressed by index ("Users.0").
func at(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i := 0
			for _, ch := range k {
				i = i*10 + int(ch-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// isDate reports whether the SDK turned the member into a Date.
func isDate(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	s, _ := m["$date"].(string)
	ts, err := time.Parse(time.RFC3339, s)
	return err == nil && ts.After(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
}

// attrsOf turns [{Name, Value}] into a map.
func attrsOf(v any) map[string]any {
	out := map[string]any{}
	list, _ := v.([]any)
	for _, a := range list {
		m, _ := a.(map[string]any)
		if name, ok := m["Name"].(string); ok {
			out[name] = m["Value"]
		}
	}
	return out
}

// claimsOf decodes a JWT's payload without verifying it (aws-jwt-verify
// does that in TestJSSDKv3TokensVerify).
func claimsOf(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestJSSDKv3Fidelity has the AWS SDK for JavaScript v3 drive a pool's
// whole life on the stack and checks what the SDK made of every answer
// against the protocol reference: member names and types (timestamps as
// Dates, numbers, booleans), what is absent, and each error's exception
// class, message (byte for byte where the reference gives it), status and
// request id.
func TestJSSDKv3Fidelity(t *testing.T) {
	t.Parallel()
	peers(t)
	env := localtest.Start(t)
	steps := runFidelity(t, env)

	get := func(name string) fidelityStep {
		t.Helper()
		s, ok := steps[name]
		if !ok {
			t.Fatalf("step %q did not run", name)
		}
		return s
	}
	ok := func(name string) map[string]any {
		t.Helper()
		s := get(name)
		if !s.OK {
			t.Errorf("%s failed: %+v", name, *s.Error)
			return map[string]any{}
		}
		return s.Out
	}
	// wantErr checks an error step. status 0 means 400.
	wantErr := func(name, exception, message string, status int) {
		t.Helper()
		s := get(name)
		if s.OK {
			t.Errorf("%s succeeded (%v), want %s", name, s.Out, exception)
			return
		}
		e := s.Error
		if status == 0 {
			status = 400
		}
		if e.Name != exception || e.Message != message || e.Status != status || e.RequestID == "" {
			t.Errorf("%s: got %s %q (status %d, request id %q),\n\twant %s %q (status %d, with a request id)",
				name, e.Name, e.Message, e.Status, e.RequestID, exception, message, status)
		}
		if status == 400 && e.Fault != "client" {
			t.Errorf("%s: $fault %q, want client", name, e.Fault)
		}
	}
	// wantModeledErr also requires the SDK's own exception class.
	wantModeledErr := func(name, exception, message string) {
		t.Helper()
		wantErr(name, exception, message, 0)
		if s := get(name); !s.OK && !s.Error.Modeled {
			t.Errorf("%s: the SDK did not deserialize %s as its modeled exception class", name, exception)
		}
	}
	equal := func(what string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %#v, want %#v", what, got, want)
		}
	}
	absent := func(what string, out map[string]any, path string) {
		t.Helper()
		if v := at(out, path); v != nil {
			t.Errorf("%s: %s = %v, want it absent", what, path, v)
		}
	}
	dates := func(what string, out map[string]any, paths ...string) {
		t.Helper()
		for _, p := range paths {
			if !isDate(at(out, p)) {
				t.Errorf("%s: %s = %#v, want a timestamp the SDK parses into a Date", what, p, at(out, p))
			}
		}
	}

	// Pools and clients.
	pool := ok("CreateUserPool")
	poolID, _ := at(pool, "UserPool.Id").(string)
	if !regexp.MustCompile(`^` + env.Region + `_[0-9A-Za-z]{9}$`).MatchString(poolID) {
		t.Errorf("pool id %q is not <region>_ and 9 alphanumerics", poolID)
	}
	equal("UserPool.Arn", at(pool, "UserPool.Arn"), "arn:aws:cognito-idp:"+env.Region+":123456789012:userpool/"+poolID)
	dates("CreateUserPool", pool, "UserPool.CreationDate", "UserPool.LastModifiedDate")
	equal("PasswordPolicy.MinimumLength", at(pool, "UserPool.Policies.PasswordPolicy.MinimumLength"), 10.0)
	equal("PasswordPolicy.RequireSymbols", at(pool, "UserPool.Policies.PasswordPolicy.RequireSymbols"), true)
	described := ok("DescribeUserPool")
	dates("DescribeUserPool", described, "UserPool.CreationDate", "UserPool.LastModifiedDate")
	equal("DescribeUserPool MfaConfiguration", at(described, "UserPool.MfaConfiguration"), "OFF")
	equal("DescribeUserPool EstimatedNumberOfUsers", at(described, "UserPool.EstimatedNumberOfUsers"), 0.0)
	schema := map[string]any{}
	for _, a := range at(described, "UserPool.SchemaAttributes").([]any) {
		m := a.(map[string]any)
		schema[m["Name"].(string)] = m["AttributeDataType"]
	}
	equal("schema custom:tier", schema["custom:tier"], "Number")
	equal("schema email_verified", schema["email_verified"], "Boolean")
	listed := ok("ListUserPools")
	found := false
	for _, p := range at(listed, "UserPools").([]any) {
		if at(p, "Id") == poolID {
			found = true
			equal("ListUserPools Name", at(p, "Name"), "fidelity-pool")
			if !isDate(at(p, "CreationDate")) {
				t.Errorf("ListUserPools CreationDate %v is not a Date", at(p, "CreationDate"))
			}
		}
	}
	if !found {
		t.Errorf("ListUserPools does not list %s", poolID)
	}

	pub := ok("CreateUserPoolClient public")
	clientID, _ := at(pub, "UserPoolClient.ClientId").(string)
	if !regexp.MustCompile(`^[a-z0-9]{26}$`).MatchString(clientID) {
		t.Errorf("client id %q is not 26 lowercase alphanumerics", clientID)
	}
	absent("public client", pub, "UserPoolClient.ClientSecret")
	dates("CreateUserPoolClient", pub, "UserPoolClient.CreationDate", "UserPoolClient.LastModifiedDate")
	for path, want := range map[string]any{
		"UserPoolClient.AccessTokenValidity": 30.0, "UserPoolClient.IdTokenValidity": 45.0,
		"UserPoolClient.RefreshTokenValidity": 7.0, "UserPoolClient.TokenValidityUnits.AccessToken": "minutes",
		"UserPoolClient.TokenValidityUnits.IdToken": "minutes", "UserPoolClient.TokenValidityUnits.RefreshToken": "days",
		"UserPoolClient.AuthSessionValidity": 5.0, "UserPoolClient.EnableTokenRevocation": true,
		"UserPoolClient.AllowedOAuthFlowsUserPoolClient": false, "UserPoolClient.UserPoolId": poolID,
		"UserPoolClient.ExplicitAuthFlows.2": "ALLOW_REFRESH_TOKEN_AUTH",
	} {
		equal("public client "+path, at(pub, path), want)
	}
	sec := ok("CreateUserPoolClient secret")
	secret, _ := at(sec, "UserPoolClient.ClientSecret").(string)
	if !regexp.MustCompile(`^[a-z0-9]{40,64}$`).MatchString(secret) {
		t.Errorf("client secret %q does not look like Cognito's", secret)
	}
	secretID, _ := at(sec, "UserPoolClient.ClientId").(string)
	dsec := ok("DescribeUserPoolClient secret")
	equal("DescribeUserPoolClient ClientSecret", at(dsec, "UserPoolClient.ClientSecret"), secret)
	equal("DescribeUserPoolClient PreventUserExistenceErrors", at(dsec, "UserPoolClient.PreventUserExistenceErrors"), "ENABLED")
	if n := len(at(ok("ListUserPoolClients"), "UserPoolClients").([]any)); n != 2 {
		t.Errorf("ListUserPoolClients lists %d clients, want 2", n)
	}
	equal("ResourceServer scope", at(ok("CreateResourceServer"), "ResourceServer.Scopes.0.ScopeName"), "read")
	group := ok("CreateGroup")
	equal("Group.Precedence", at(group, "Group.Precedence"), 1.0)
	dates("CreateGroup", group, "Group.CreationDate", "Group.LastModifiedDate")

	// Sign-up.
	wantModeledErr("SignUp weak password", "InvalidPasswordException", "Password did not conform with policy: Password not long enough")
	signUp := ok("SignUp")
	equal("SignUp UserConfirmed", at(signUp, "UserConfirmed"), false)
	if sub, _ := at(signUp, "UserSub").(string); !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(sub) {
		t.Errorf("SignUp UserSub %q is not a UUID", sub)
	}
	equal("SignUp CodeDeliveryDetails.DeliveryMedium", at(signUp, "CodeDeliveryDetails.DeliveryMedium"), "EMAIL")
	equal("SignUp CodeDeliveryDetails.AttributeName", at(signUp, "CodeDeliveryDetails.AttributeName"), "email")
	equal("SignUp CodeDeliveryDetails.Destination", at(signUp, "CodeDeliveryDetails.Destination"), "a***@e***.com")
	if session, _ := at(signUp, "Session").(string); session == "" {
		t.Error("SignUp returned no Session (for sign-in after sign-up)")
	}
	wantModeledErr("SignUp existing", "UsernameExistsException", "User already exists")
	wantModeledErr("InitiateAuth unconfirmed", "UserNotConfirmedException", "User is not confirmed.")
	unconfirmed := ok("AdminGetUser unconfirmed")
	equal("AdminGetUser UserStatus", at(unconfirmed, "UserStatus"), "UNCONFIRMED")
	equal("AdminGetUser Enabled", at(unconfirmed, "Enabled"), true)
	dates("AdminGetUser", unconfirmed, "UserCreateDate", "UserLastModifiedDate")
	absent("AdminGetUser without MFA", unconfirmed, "UserMFASettingList")
	absent("AdminGetUser without MFA", unconfirmed, "PreferredMfaSetting")
	absent("AdminGetUser without MFA", unconfirmed, "MFAOptions")
	wantModeledErr("ConfirmSignUp wrong code", "CodeMismatchException", "Invalid verification code provided, please try again.")
	ok("ConfirmSignUp")
	confirmed := ok("AdminGetUser confirmed")
	equal("AdminGetUser UserStatus after ConfirmSignUp", at(confirmed, "UserStatus"), "CONFIRMED")
	attrs := attrsOf(at(confirmed, "UserAttributes"))
	equal("email_verified after ConfirmSignUp", attrs["email_verified"], "true")
	equal("custom:tier", attrs["custom:tier"], "3")
	if at(confirmed, "UserAttributes.0.Name") != "sub" {
		t.Errorf("UserAttributes do not start with sub: %v", at(confirmed, "UserAttributes"))
	}

	// Sign-in.
	signIn := ok("InitiateAuth")
	equal("AuthenticationResult.ExpiresIn", at(signIn, "AuthenticationResult.ExpiresIn"), 1800.0)
	equal("AuthenticationResult.TokenType", at(signIn, "AuthenticationResult.TokenType"), "Bearer")
	for _, p := range []string{"AuthenticationResult.AccessToken", "AuthenticationResult.IdToken", "AuthenticationResult.RefreshToken"} {
		if s, _ := at(signIn, p).(string); s == "" {
			t.Errorf("InitiateAuth: %s missing", p)
		}
	}
	for _, p := range []string{"ChallengeName", "Session", "AuthenticationResult.NewDeviceMetadata", "AvailableChallenges"} {
		absent("InitiateAuth with tokens", signIn, p)
	}
	if cp, isMap := at(signIn, "ChallengeParameters").(map[string]any); !isMap || len(cp) != 0 {
		t.Errorf("InitiateAuth with tokens: ChallengeParameters = %#v, want {}", at(signIn, "ChallengeParameters"))
	}
	wantModeledErr("InitiateAuth wrong password", "NotAuthorizedException", "Incorrect username or password.")
	wantModeledErr("InitiateAuth unknown user", "UserNotFoundException", "User does not exist.")
	wantModeledErr("InitiateAuth unknown client", "ResourceNotFoundException", "User pool client nosuchclient0000000000000 does not exist.")
	wantModeledErr("InitiateAuth flow not enabled", "InvalidParameterException", "CUSTOM_AUTH flow not enabled for this client")
	wantModeledErr("InitiateAuth missing SRP_A", "InvalidParameterException", "Missing required parameter SRP_A")
	srpOut := ok("InitiateAuth USER_SRP_AUTH")
	equal("PASSWORD_VERIFIER ChallengeName", at(srpOut, "ChallengeName"), "PASSWORD_VERIFIER")
	for _, k := range []string{"SALT", "SRP_B", "SECRET_BLOCK"} {
		if s, _ := at(srpOut, "ChallengeParameters."+k).(string); s == "" {
			t.Errorf("PASSWORD_VERIFIER without %s", k)
		}
	}
	equal("PASSWORD_VERIFIER USER_ID_FOR_SRP", at(srpOut, "ChallengeParameters.USER_ID_FOR_SRP"), "alice")
	equal("PASSWORD_VERIFIER USERNAME", at(srpOut, "ChallengeParameters.USERNAME"), "alice")
	wantModeledErr("RespondToAuthChallenge bad session", "NotAuthorizedException", "Invalid session for the user.")
	user := ok("GetUser")
	equal("GetUser Username", at(user, "Username"), "alice")
	equal("GetUser email", attrsOf(at(user, "UserAttributes"))["email"], "alice@example.com")
	absent("GetUser without MFA", user, "UserMFASettingList")
	wantModeledErr("GetUser garbage token", "NotAuthorizedException", "Invalid Access Token")
	refreshed := ok("InitiateAuth REFRESH_TOKEN_AUTH")
	absent("REFRESH_TOKEN_AUTH", refreshed, "AuthenticationResult.RefreshToken")
	if s, _ := at(refreshed, "AuthenticationResult.IdToken").(string); s == "" {
		t.Error("REFRESH_TOKEN_AUTH returned no ID token")
	}
	wantModeledErr("InitiateAuth REFRESH_TOKEN_AUTH garbage", "NotAuthorizedException", "Invalid Refresh Token")
	absent("GetTokensFromRefreshToken without rotation", ok("GetTokensFromRefreshToken"), "AuthenticationResult.RefreshToken")

	// Groups.
	ok("AdminAddUserToGroup")
	wantModeledErr("AdminAddUserToGroup unknown group", "ResourceNotFoundException", "Group not found.")
	equal("AdminListGroupsForUser", at(ok("AdminListGroupsForUser"), "Groups.0.GroupName"), "admins")

	// Secret hashes.
	wantModeledErr("InitiateAuth secret missing", "NotAuthorizedException", "Client "+secretID+" is configured for secret but secret was not received")
	wantModeledErr("InitiateAuth secret wrong", "NotAuthorizedException", "Unable to verify secret hash for client "+secretID)
	wantModeledErr("InitiateAuth secret unknown user", "NotAuthorizedException", "Incorrect username or password.")
	secretSignIn := ok("InitiateAuth secret")
	admin := ok("AdminInitiateAuth")
	wantModeledErr("SignUp secret missing", "NotAuthorizedException", "Client "+secretID+" is configured for secret but secret was not received")
	equal("ForgotPassword under PreventUserExistenceErrors", at(ok("ForgotPassword secret unknown user"), "CodeDeliveryDetails.DeliveryMedium"), "EMAIL")
	wantModeledErr("REFRESH_TOKEN_AUTH secret wrong", "NotAuthorizedException", "SecretHash does not match for the client: "+secretID)
	ok("REFRESH_TOKEN_AUTH secret")
	wantModeledErr("RevokeToken secret missing", "NotAuthorizedException", "Client "+secretID+" is configured for secret but secret was not received")
	wantModeledErr("RevokeToken access token", "UnsupportedTokenTypeException", "Only refresh tokens can be revoked.")
	ok("RevokeToken")
	wantModeledErr("REFRESH_TOKEN_AUTH revoked", "NotAuthorizedException", "Refresh Token has been revoked")

	// Administrative users.
	created := ok("AdminCreateUser")
	equal("AdminCreateUser UserStatus", at(created, "User.UserStatus"), "FORCE_CHANGE_PASSWORD")
	equal("AdminCreateUser Enabled", at(created, "User.Enabled"), true)
	dates("AdminCreateUser", created, "User.UserCreateDate", "User.UserLastModifiedDate")
	equal("AdminCreateUser first attribute", at(created, "User.Attributes.0.Name"), "sub")
	wantModeledErr("AdminCreateUser existing", "UsernameExistsException", "User account already exists")
	wantModeledErr("AdminCreateUser weak password", "InvalidPasswordException", "Password did not conform with password policy: Password not long enough")
	npr := ok("InitiateAuth NEW_PASSWORD_REQUIRED")
	equal("NEW_PASSWORD_REQUIRED", at(npr, "ChallengeName"), "NEW_PASSWORD_REQUIRED")
	if s, _ := at(npr, "Session").(string); len(s) < 20 {
		t.Errorf("NEW_PASSWORD_REQUIRED Session %q", s)
	}
	equal("requiredAttributes", at(npr, "ChallengeParameters.requiredAttributes"), "[]")
	equal("USER_ID_FOR_SRP", at(npr, "ChallengeParameters.USER_ID_FOR_SRP"), "bob")
	var userAttributes map[string]any
	if err := json.Unmarshal([]byte(at(npr, "ChallengeParameters.userAttributes").(string)), &userAttributes); err != nil || userAttributes["email"] != "bob@example.com" {
		t.Errorf("userAttributes %v (%v)", at(npr, "ChallengeParameters.userAttributes"), err)
	}
	absent("NEW_PASSWORD_REQUIRED", npr, "AuthenticationResult")
	wantModeledErr("RespondToAuthChallenge NEW_PASSWORD_REQUIRED weak", "InvalidPasswordException", "Password did not conform with policy: Password must have uppercase characters")
	if s, _ := at(ok("RespondToAuthChallenge NEW_PASSWORD_REQUIRED"), "AuthenticationResult.AccessToken").(string); s == "" {
		t.Error("NEW_PASSWORD_REQUIRED answered without tokens")
	}
	equal("UserStatus after the new password", at(ok("AdminGetUser after new password"), "UserStatus"), "CONFIRMED")
	ok("AdminSetUserPassword temporary")
	equal("UserStatus after a temporary password", at(ok("AdminGetUser temporary"), "UserStatus"), "FORCE_CHANGE_PASSWORD")
	ok("AdminSetUserPassword permanent")
	ok("AdminResetUserPassword")
	wantModeledErr("InitiateAuth reset required", "PasswordResetRequiredException", "Password reset required for the user")
	wantModeledErr("InitiateAuth disabled", "NotAuthorizedException", "User is disabled.")

	// Forgotten and changed passwords.
	equal("ForgotPassword", at(ok("ForgotPassword"), "CodeDeliveryDetails.Destination"), "a***@e***.com")
	wantModeledErr("ConfirmForgotPassword wrong code", "CodeMismatchException", "Invalid verification code provided, please try again.")
	wantModeledErr("ConfirmForgotPassword weak", "InvalidPasswordException", "Password does not conform to policy: Password must have uppercase characters")
	ok("ConfirmForgotPassword")
	ok("InitiateAuth after reset")
	wantModeledErr("ChangePassword wrong previous", "NotAuthorizedException", "Incorrect username or password.")
	wantModeledErr("ChangePassword weak", "InvalidPasswordException", "Password did not conform with policy: Password must have uppercase characters")
	ok("ChangePassword")

	// TOTP.
	wantModeledErr("AdminSetUserMFAPreference unverified", "InvalidParameterException", "User has not verified software token mfa")
	equal("SetUserPoolMfaConfig", at(ok("SetUserPoolMfaConfig"), "MfaConfiguration"), "OPTIONAL")
	if code, _ := at(ok("AssociateSoftwareToken"), "SecretCode").(string); !regexp.MustCompile(`^[A-Z2-7]{16,}$`).MatchString(code) {
		t.Errorf("SecretCode %q is not base32", code)
	}
	wantModeledErr("VerifySoftwareToken wrong code", "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
	equal("VerifySoftwareToken Status", at(ok("VerifySoftwareToken"), "Status"), "SUCCESS")
	ok("SetUserMFAPreference")
	for _, name := range []string{"GetUser with TOTP", "AdminGetUser with TOTP"} {
		out := ok(name)
		equal(name+" PreferredMfaSetting", at(out, "PreferredMfaSetting"), "SOFTWARE_TOKEN_MFA")
		equal(name+" UserMFASettingList", at(out, "UserMFASettingList.0"), "SOFTWARE_TOKEN_MFA")
		absent(name, out, "MFAOptions")
	}
	mfa := ok("InitiateAuth SOFTWARE_TOKEN_MFA")
	equal("SOFTWARE_TOKEN_MFA", at(mfa, "ChallengeName"), "SOFTWARE_TOKEN_MFA")
	equal("SOFTWARE_TOKEN_MFA USER_ID_FOR_SRP", at(mfa, "ChallengeParameters.USER_ID_FOR_SRP"), "alice")
	wantModeledErr("RespondToAuthChallenge SOFTWARE_TOKEN_MFA wrong code", "CodeMismatchException", "Invalid verification code provided, please try again.")
	ok("RespondToAuthChallenge SOFTWARE_TOKEN_MFA")

	// Sign-out and deletion.
	ok("GlobalSignOut")
	wantModeledErr("GetUser after GlobalSignOut", "NotAuthorizedException", "Access Token has been revoked")
	wantModeledErr("REFRESH_TOKEN_AUTH after GlobalSignOut", "NotAuthorizedException", "Refresh Token has been revoked")
	ok("AdminDeleteUser")
	wantModeledErr("AdminGetUser deleted", "UserNotFoundException", "User does not exist.")

	// Validation and unknown resources.
	wantModeledErr("DescribeUserPool malformed id", "InvalidParameterException",
		`1 validation error detected: Value 'not-a-pool-id' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+`)
	wantModeledErr("DescribeUserPool unknown", "ResourceNotFoundException", "User pool "+env.Region+"_NoSuchPoo does not exist.")
	wantModeledErr("InitiateAuth bad AuthFlow", "InvalidParameterException",
		"1 validation error detected: Value 'NO_SUCH_FLOW' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: "+
			"[USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]")

	// Malformed requests: each error reaches the SDK as a named,
	// client-fault exception with a one-line message and a request id.
	for _, c := range []struct{ step, exception, message string }{
		{"unknown operation", "UnknownOperationException", "Unknown operation AWSCognitoIdentityProviderService.NoSuchAction"},
		{"malformed JSON", "SerializationException", "Unable to parse the request body as a JSON object: invalid JSON at byte offset 14"},
		{"wrong member type", "SerializationException", "Unable to parse the request body: member MaxResults must be an integer, not a string"},
		{"wrong content type", "UnknownOperationException", `Unsupported Content-Type "text/plain": use application/x-amz-json-1.1`},
	} {
		wantErr(c.step, c.exception, c.message, 0)
	}
	if s := get("oversized body"); s.OK || s.Error.Name != "SerializationException" || s.Error.Status != 413 || !strings.Contains(s.Error.Message, "exceeds the limit of 1048576 bytes") {
		t.Errorf("oversized body: %+v, want SerializationException 413 naming the limit", s.Error)
	}
	ok("DeleteUserPool")

	// The tokens, claim by claim (protocol reference §5).
	tokens := ok("tokens")
	id := claimsOf(t, at(tokens, "alice.IdToken").(string))
	access := claimsOf(t, at(tokens, "alice.AccessToken").(string))
	issuer := env.Endpoint + "/" + poolID
	for k, want := range map[string]any{"iss": issuer, "aud": clientID, "token_use": "id", "cognito:username": "alice",
		"email": "alice@example.com", "email_verified": true, "custom:tier": "3"} {
		equal("ID token "+k, id[k], want)
	}
	for k, want := range map[string]any{"iss": issuer, "client_id": clientID, "token_use": "access", "username": "alice",
		"scope": "aws.cognito.signin.user.admin"} {
		equal("access token "+k, access[k], want)
	}
	for _, c := range []map[string]any{id, access} {
		for _, k := range []string{"auth_time", "iat", "exp"} {
			if _, isNum := c[k].(float64); !isNum {
				t.Errorf("%s %s = %#v, want a number", c["token_use"], k, c[k])
			}
		}
		if g, _ := c["cognito:groups"].([]any); len(g) != 1 || g[0] != "admins" {
			t.Errorf("%s token cognito:groups = %v, want [admins]", c["token_use"], c["cognito:groups"])
		}
		if c["origin_jti"] == nil || c["event_id"] == nil || c["jti"] == nil {
			t.Errorf("%s token lacks origin_jti, event_id or jti: %v", c["token_use"], c)
		}
	}
	if _, has := access["aud"]; has {
		t.Error("the access token has an aud claim; Cognito's have none")
	}
	if exp, iat := id["exp"].(float64), id["iat"].(float64); exp-iat != 45*60 {
		t.Errorf("ID token lifetime %v s, want the client's 45 minutes", exp-iat)
	}
	if exp, iat := access["exp"].(float64), access["iat"].(float64); exp-iat != 30*60 {
		t.Errorf("access token lifetime %v s, want the client's 30 minutes", exp-iat)
	}
	first := claimsOf(t, at(tokens, "first.IdToken").(string))
	if _, has := first["cognito:groups"]; has {
		t.Error("a user in no group has cognito:groups in the ID token")
	}
	_ = secretSignIn
	_ = admin
}
