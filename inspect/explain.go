package inspect

// checkExplanations say what each check is for, for help panes and
// `--explain`-style output.
var checkExplanations = map[CheckName]string{
	CheckParse:     "The token is a signed JWT (JWS): three base64url parts, header and payload JSON objects. A JWE (five parts, such as a Cognito refresh token) is encrypted and cannot be read.",
	CheckAlg:       "The header's algorithm is one the issuer's key is declared for. Cognito signs with RS256; \"none\", HMAC (HS256) and any mismatch with the key are refused, because letting a token choose its algorithm lets it be forged.",
	CheckKid:       "The header's kid names a key in the issuer's JWKS (<iss>/.well-known/jwks.json). An unknown kid means a token from another pool, region or environment, or a retired key.",
	CheckSignature: "The RSA signature over header and payload verifies with that key: nothing was changed since the issuer signed it.",
	CheckIss:       "iss is exactly the expected issuer, https://cognito-idp.<region>.amazonaws.com/<poolId> for Cognito (no trailing slash). Without an expected issuer or a JWKS given, it fails: keys found through the token's own iss were chosen by whoever wrote the token.",
	CheckTokenUse:  "token_use says \"id\" or \"access\", and is the kind expected: ID tokens say who the user is, access tokens what the bearer may call. Required only for Cognito user pools' tokens or when a kind is expected.",
	CheckAud:       "The token was issued to an expected audience, as API Gateway judges it: aud when the token has one, client_id only when it has none (Cognito access tokens, which have no aud).",
	CheckExp:       "exp is in the future (within the skew allowance). The report says how close to the edge the token is.",
	CheckNbf:       "nbf, when present, is in the past (within the skew allowance). Cognito sets none.",
	CheckIat:       "iat and auth_time are not in the future (within the skew allowance): a token cannot be issued, nor a user sign in, later than now.",
	CheckScope:     "scope holds at least one of the required scopes. Only access tokens carry scopes.",
	CheckGroup:     "cognito:groups holds at least one of the required groups.",
}

// ExplainCheck says in a sentence or two what a check verifies and why.
func ExplainCheck(name CheckName) string { return checkExplanations[name] }
