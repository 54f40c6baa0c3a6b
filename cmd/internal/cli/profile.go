package cli

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/cogscope/cogscope/cmd/internal/config"
	"github.com/cogscope/cogscope/flows"
)

// The target resolution every command shares (login, the console): the
// config file, the profile, then flags over the profile's values.

// activeProfile reads the config file (--config, else the XDG default)
// and picks the profile: --profile ($COGSCOPE_PROFILE), else the file's
// default_profile. With neither, name is "" and the profile empty. A
// --config that does not exist, a file that does not parse and a profile
// the file lacks are usage errors.
func activeProfile(f *Factory) (prof config.Profile, name string, err error) {
	cfgPath := f.Global.ConfigPath
	if cfgPath == "" {
		cfgPath = config.DefaultPaths(f.Env).ConfigFile
	}
	file, err := config.Load(cfgPath)
	if err != nil {
		return config.Profile{}, "", usageErr("%v", err)
	}
	if f.Global.ConfigPath != "" && !file.Found {
		return config.Profile{}, "", usageErr("--config %s: no such file", cfgPath)
	}
	prof, name, _, err = file.Profile(f.Global.Profile)
	if err != nil {
		return config.Profile{}, "", usageErr("%v", err)
	}
	return prof, name, nil
}

// profileTarget is the target before any default: the global flags and
// the command's own (userPoolID, clientID, username; "" when it has none)
// over the profile's values.
func profileTarget(f *Factory, prof config.Profile, name, userPoolID, clientID, username string) loginTarget {
	t := loginTarget{
		Profile:      name,
		AWSProfile:   prof.AWSProfile,
		Region:       firstNonEmpty(f.Global.Region, prof.Region),
		Endpoint:     firstNonEmpty(f.Global.Endpoint, prof.Endpoint),
		UserPoolID:   firstNonEmpty(userPoolID, prof.UserPoolID),
		ClientID:     firstNonEmpty(clientID, prof.ClientID),
		Username:     firstNonEmpty(username, prof.Username),
		poolFrom:     "--user-pool-id",
		endpointFrom: "--endpoint",
	}
	// Errors name where a bad value came from: a profile's value is fixed
	// in the file, not on the command line.
	if userPoolID == "" && prof.UserPoolID != "" {
		t.poolFrom = fmt.Sprintf("user_pool_id of profile %s", name)
	}
	if f.Global.Endpoint == "" && prof.Endpoint != "" {
		t.endpointFrom = fmt.Sprintf("endpoint of profile %s", name)
	}
	return t
}

// checkTarget refuses a target that names no app client, a malformed
// pool id or endpoint, and fills in the region from the pool id. needPool
// and needRegion say whether the command cannot do without them.
func checkTarget(t *loginTarget, needPool, needRegion bool) error {
	if t.ClientID == "" {
		return usageErr("no app client: give --client-id or set client_id in the profile")
	}
	if err := checkPoolAndEndpoint(t); err != nil {
		return err
	}
	if t.UserPoolID == "" && needPool {
		return usageErr("no user pool: give --user-pool-id or set user_pool_id in the profile")
	}
	if t.Region == "" {
		t.Region = flows.RegionOf(t.UserPoolID)
	}
	if t.Region == "" && needRegion {
		return usageErr("no region: give --region or set region in the profile")
	}
	return nil
}

// checkPoolAndEndpoint refuses a pool id not in region_id form and an
// endpoint that is not an absolute URL, when they are given.
func checkPoolAndEndpoint(t *loginTarget) error {
	if t.UserPoolID != "" {
		if err := flows.ValidateUserPoolID(t.UserPoolID); err != nil {
			return usageErr("%s: %s", firstNonEmpty(t.poolFrom, "--user-pool-id"), strings.TrimPrefix(err.Error(), flows.ErrInvalidOptions.Error()+": "))
		}
	}
	if t.Endpoint != "" {
		if err := checkEndpointURL(t.Endpoint); err != nil {
			return usageErr("%s %q %v", firstNonEmpty(t.endpointFrom, "--endpoint"), t.Endpoint, err)
		}
	}
	return nil
}

// checkEndpointURL refuses what cannot be an AWS endpoint: not an
// absolute http(s) URL (a bare host, ftp://, a typo such as htp://).
func checkEndpointURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || u.Scheme == "":
		return errors.New("is not an absolute URL (want http://HOST:PORT or https://HOST)")
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("has scheme %q: want http or https", u.Scheme)
	case u.RawQuery != "" || u.Fragment != "":
		return errors.New("must not hold a query or fragment")
	}
	return nil
}

// poolIssuer is a user pool's OpenID issuer: on AWS
// https://cognito-idp.<region>.amazonaws.com/<pool>, on an endpoint (the
// local stack) <endpoint>/<pool>. Its discovery document lists the pool
// domain's hosted-UI endpoints.
func poolIssuer(endpoint, region, userPoolID string) string {
	if endpoint != "" {
		return strings.TrimSuffix(endpoint, "/") + "/" + userPoolID
	}
	return "https://cognito-idp." + firstNonEmpty(region, flows.RegionOf(userPoolID)) + ".amazonaws.com/" + userPoolID
}
