package identity

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Caller is who a SigV4-signed request comes from, as STS
// GetCallerIdentity says it.
type Caller struct {
	Arn, UserID, Account string
	// RoleARN, IdentityID, IdentityPoolID and Tags are set for credentials
	// this service minted (an assumed role); empty for other keys.
	RoleARN, IdentityID, IdentityPoolID string
	Tags                                map[string]string
	AccessKeyID                         string
	roleName                            string
}

// RoleName is the assumed role's name ("" for a key this service did not mint).
func (c Caller) RoleName() string { return c.roleName }

// AuthError is why a request's signature was refused: Code is the AWS
// error code (MissingAuthenticationToken, IncompleteSignature,
// SignatureDoesNotMatch, ExpiredToken, InvalidClientTokenId), Message its
// text.
type AuthError struct{ Code, Message string }

func (e *AuthError) Error() string { return e.Code + ": " + e.Message }

// Messages of AuthError, as STS and API Gateway word them.
const (
	MsgMissingAuth       = "Request is missing Authentication Token"
	MsgSignatureMismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	MsgExpiredToken      = "The security token included in the request is expired"
	MsgInvalidToken      = "The security token included in the request is invalid."
)

// Authenticate checks a SigV4 Authorization header (body is the request
// body, already read). Credentials this service minted are verified in
// full: session token, expiry and signature, and name the assumed role.
// Any other access key is accepted unverified (the stack accepts any
// credentials elsewhere) and named as an IAM user of DefaultAccount.
// service is the signing name expected in the scope ("sts",
// "execute-api"); "" accepts any.
func (s *Service) Authenticate(r *http.Request, body []byte, service string) (Caller, error) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return Caller{}, &AuthError{"MissingAuthenticationToken", MsgMissingAuth}
	}
	const algo = "AWS4-HMAC-SHA256"
	rest, ok := strings.CutPrefix(auth, algo+" ")
	if !ok {
		return Caller{}, &AuthError{"IncompleteSignature", "Unsupported AWS 'algorithm': only " + algo + " is supported"}
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	cred, signedHeaders, signature := fields["Credential"], fields["SignedHeaders"], fields["Signature"]
	scopeParts := strings.Split(cred, "/")
	if len(scopeParts) != 5 || signedHeaders == "" || signature == "" || scopeParts[4] != "aws4_request" {
		return Caller{}, &AuthError{"IncompleteSignature", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters; Credential must be AKID/date/region/service/aws4_request"}
	}
	akid := scopeParts[0]
	if service != "" && scopeParts[3] != service {
		return Caller{}, &AuthError{"SignatureDoesNotMatch", "Credential should be scoped to correct service: '" + service + "'."}
	}
	s.mu.Lock()
	sess := s.sessions[akid]
	var cp session
	if sess != nil {
		cp = *sess
	}
	s.mu.Unlock()
	if sess == nil {
		return Caller{Arn: "arn:aws:iam::" + DefaultAccount + ":user/cogscope-local", UserID: "AIDACOGSCOPELOCALUSER",
			Account: DefaultAccount, AccessKeyID: akid}, nil
	}
	if r.Header.Get("X-Amz-Security-Token") != cp.Token {
		return Caller{}, &AuthError{"InvalidClientTokenId", MsgInvalidToken}
	}
	if !s.now().Before(cp.Expires) {
		return Caller{}, &AuthError{"ExpiredToken", MsgExpiredToken}
	}
	amzDate := r.Header.Get("X-Amz-Date")
	scope := strings.Join(scopeParts[1:], "/")
	canonical := canonicalRequest(r, body, signedHeaders)
	sum := sha256.Sum256([]byte(canonical))
	toSign := algo + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	key := hmacSHA256([]byte("AWS4"+cp.Secret), scopeParts[1])
	for _, p := range scopeParts[2:] {
		key = hmacSHA256(key, p)
	}
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return Caller{}, &AuthError{"SignatureDoesNotMatch", MsgSignatureMismatch}
	}
	account, name, _ := roleParts(cp.RoleARN)
	return Caller{Arn: assumedRoleARN(cp.RoleARN, cp.SessionName), UserID: roleID(cp.RoleARN) + ":" + cp.SessionName,
		Account: account, RoleARN: cp.RoleARN, IdentityID: cp.IdentityID, IdentityPoolID: cp.PoolID,
		Tags: cp.Tags, AccessKeyID: akid, roleName: name}, nil
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

func canonicalRequest(r *http.Request, body []byte, signedHeaders string) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(awsEscape(path, false) + "\n")
	b.WriteString(canonicalQuery(r.URL.RawQuery) + "\n")
	for _, name := range strings.Split(signedHeaders, ";") {
		var vals []string
		switch name {
		case "host":
			vals = []string{r.Host}
		case "content-length":
			vals = []string{strconv.FormatInt(r.ContentLength, 10)}
		default:
			vals = r.Header.Values(name)
		}
		for i, v := range vals {
			vals[i] = strings.Join(strings.Fields(v), " ")
		}
		b.WriteString(name + ":" + strings.Join(vals, ",") + "\n")
	}
	b.WriteString("\n" + signedHeaders + "\n")
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		sum := sha256.Sum256(body)
		payload = hex.EncodeToString(sum[:])
	}
	b.WriteString(payload)
	return b.String()
}

func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	vals, _ := url.ParseQuery(raw)
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := append([]string{}, vals[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, awsEscape(k, true)+"="+awsEscape(v, true))
		}
	}
	return strings.Join(parts, "&")
}

// awsEscape is SigV4's URI encoding: everything but unreserved
// characters (and '/' in paths) percent-encoded in upper-case hex.
func awsEscape(s string, encodeSlash bool) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' && !encodeSlash {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexd[c>>4])
		b.WriteByte(hexd[c&15])
	}
	return b.String()
}
