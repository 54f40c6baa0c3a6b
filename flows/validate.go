package flows

import (
	"fmt"
	"strings"

	"github.com/cogscope/cogscope/internal/lazyregexp"
)

// userPoolIDPattern is the API's pattern for a user pool ID.
var userPoolIDPattern = lazyregexp.New(`^[\w-]+_[0-9a-zA-Z]+$`)

// ValidateUserPoolID checks that id has Cognito's region_id form
// ("us-east-1_AbCdEfGhI"); SRP hashes the part after the underscore, so a
// pool ID without one can never sign in.
func ValidateUserPoolID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: user pool ID is empty", ErrInvalidOptions)
	}
	if !userPoolIDPattern.MatchString(id) || len(id) > 55 {
		return fmt.Errorf("%w: user pool ID %q is not in region_id form (e.g. us-east-1_AbCdEfGhI)", ErrInvalidOptions, id)
	}
	return nil
}

// RegionOf returns the region part of a user pool ID, or "" if it has none.
func RegionOf(userPoolID string) string {
	region, _, ok := strings.Cut(userPoolID, "_")
	if !ok {
		return ""
	}
	return region
}

func (o *Options) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidOptions}, args...)...)
	}
	known := false
	for _, k := range Kinds() {
		known = known || k == o.Kind
	}
	if !known {
		return bad("unknown flow %q", o.Kind)
	}
	if o.API == nil {
		return bad("no Cognito client (Options.API)")
	}
	if o.ClientID == "" {
		return bad("app client ID is empty")
	}
	needsPool := o.Kind == KindUserSRP || o.Kind == KindCustomSRP || o.Kind == KindAdminUserPassword ||
		(o.Kind == KindUserAuth && o.PreferredChallenge == "PASSWORD_SRP")
	if needsPool || o.UserPoolID != "" {
		if err := ValidateUserPoolID(o.UserPoolID); err != nil {
			return err
		}
	}
	if o.Device != nil && (o.Device.Key == "" || o.Device.GroupKey == "" || o.Device.Password == "") {
		return bad("remembered device is incomplete (key, group key and password are all needed)")
	}
	if o.Kind.IsRefresh() {
		if o.RefreshToken == "" {
			return bad("%s needs a refresh token", o.Kind)
		}
		return nil
	}
	if o.Username == "" {
		return bad("username is empty")
	}
	needsPassword := o.Kind == KindUserSRP || o.Kind == KindUserPassword || o.Kind == KindAdminUserPassword ||
		o.Kind == KindCustomSRP ||
		(o.Kind == KindUserAuth && (o.PreferredChallenge == "PASSWORD" || o.PreferredChallenge == "PASSWORD_SRP"))
	if needsPassword && o.Password == "" {
		return bad("password is empty")
	}
	if o.Kind == KindAdminUserPassword && o.Admin == nil {
		return bad("%s needs AWS credentials (Options.Admin)", o.Kind)
	}
	return nil
}
