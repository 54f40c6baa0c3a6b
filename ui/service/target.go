package service

// TargetKind says what the console is pointed at.
type TargetKind int

const (
	// TargetLocal is the local stack cmd started in-process.
	TargetLocal TargetKind = iota
	// TargetEndpoint is an explicit --endpoint (an emulator, or a stack
	// started elsewhere).
	TargetEndpoint
	// TargetAWS is real AWS, through a named profile or the AWS
	// configuration.
	TargetAWS
)

// Target describes where the console's calls go, for the header.
type Target struct {
	Kind     TargetKind
	Profile  string // config profile name, when one is used
	Endpoint string // endpoint URL for TargetLocal and TargetEndpoint
	Region   string
	PoolID   string
	ClientID string
	// CCClientID is the client the client-credentials flow signs in as
	// (a confidential client), when it is not ClientID: the header names
	// it after such a sign-in.
	CCClientID string
	// Hint tells the user how to point the console elsewhere, e.g.
	// "--profile NAME targets AWS". Shown for the local stack.
	Hint string
	// Username and Scopes pre-fill the sign-in form (the demo user on
	// the local stack, the profile's scopes otherwise); ClientScopes the
	// client-credentials form (empty: every scope the client allows).
	Username     string
	Scopes       string
	ClientScopes string
	// Password pre-fills the password field; cmd sets it only for the
	// local stack's demo user, whose password is public.
	Password string
	// IdentityProviders are the pool's federated identity providers
	// (names), which the hosted-UI flow offers to skip to
	// (identity_provider); empty when they cannot be read.
	IdentityProviders []string
	// ProvidersFrom says where IdentityProviders came from
	// ("ListIdentityProviders", "profile dev"); "" before cmd has looked.
	// ProvidersUnread, when not "", is why the pool's own list could not
	// be read (no AWS credentials, AccessDeniedException: …): the form
	// says it.
	ProvidersFrom, ProvidersUnread string
}

// ProviderList is what cmd learned of the pool's federated identity
// providers: their names, where the names came from (the pool through
// ListIdentityProviders, else the profile) and, when the pool could not
// be read, why.
type ProviderList struct {
	Names  []string
	From   string
	Unread string
}

// SetProviders puts l into the target.
func (t *Target) SetProviders(l ProviderList) {
	t.IdentityProviders, t.ProvidersFrom, t.ProvidersUnread = l.Names, l.From, l.Unread
}

// Label is the short name of the target for the header.
func (t Target) Label() string {
	switch t.Kind {
	case TargetLocal:
		return "local stack"
	case TargetEndpoint:
		if t.Profile != "" {
			return "profile " + t.Profile + " at " + t.Endpoint
		}
		return "endpoint " + t.Endpoint
	default:
		if t.Profile != "" {
			return "AWS profile " + t.Profile
		}
		return "AWS"
	}
}
