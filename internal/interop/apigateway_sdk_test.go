package interop

import (
	"slices"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

type jsAPIList struct {
	OK       bool   `json:"ok"`
	Crash    string `json:"crash"`
	HTTPAPIs []struct {
		ID, Name, ProtocolType, Endpoint string
		CreatedDateIsDate                bool
		Routes                           []struct {
			RouteKey, AuthorizationType, AuthorizerID string
			Scopes                                    []string
		}
		Authorizers []struct {
			ID, Name, Type, Issuer, URI string
			IdentitySource, Audience    []string
			TTL                         int
			Simple                      bool
		}
		Stages []struct{ Name, AccessLog string }
	} `json:"httpApis"`
	RestAPIs []struct {
		ID, Name          string
		CreatedDateIsDate bool
		Methods           []struct {
			Method, Path, AuthorizationType, AuthorizerID string
			Scopes                                        []string
		}
		Authorizers []struct {
			ID, Name, Type, IdentitySource string
			ProviderARNs                   []string
			TTL                            int
		}
		Stages []struct{ Name, AccessLog string }
	} `json:"restApis"`
	Errors struct {
		V2, Rest struct {
			Name       string
			IsNotFound bool
			Status     int
			Message    string
		}
	} `json:"errors"`
}

// TestJSSDKListsTheLocalAPIs has @aws-sdk/client-apigatewayv2 and
// @aws-sdk/client-api-gateway list the stack's APIs, routes, methods,
// authorizers and stages, and recognise its NotFoundException.
func TestJSSDKListsTheLocalAPIs(t *testing.T) {
	t.Parallel()
	peers(t)
	env := localtest.Start(t)
	r := runPeer(t, nil, "apigateway-list.js", env.Endpoint, env.Region)
	var out jsAPIList
	r.decode(t, &out)
	if out.Crash != "" || !out.OK {
		t.Fatalf("apigateway-list.js: ok=%v crash=%s\nstderr:\n%s", out.OK, out.Crash, r.stderr)
	}
	if len(out.HTTPAPIs) != 1 || len(out.RestAPIs) != 1 {
		t.Fatalf("APIs: %+v %+v", out.HTTPAPIs, out.RestAPIs)
	}
	h := out.HTTPAPIs[0]
	if h.ID != apigw.DemoHTTPAPIID || h.ProtocolType != "HTTP" || !h.CreatedDateIsDate || h.Endpoint != env.API.HTTPURL {
		t.Errorf("HTTP API %+v", h)
	}
	var keys []string
	for _, rt := range h.Routes {
		keys = append(keys, rt.RouteKey+" "+rt.AuthorizationType+" "+strings.Join(rt.Scopes, ","))
	}
	slices.Sort(keys)
	if strings.Join(keys, "; ") != "GET /admin CUSTOM ; GET /hello NONE ; GET /iam AWS_IAM ; GET /private JWT ; GET /scoped JWT cogscope-api/read" {
		t.Errorf("routes %v", keys)
	}
	var jwt int
	for _, a := range h.Authorizers {
		switch a.Type {
		case "JWT":
			jwt++
			if a.Issuer != env.Demo.Issuer || !slices.Contains(a.Audience, cognito.DemoPublicClientID) || !slices.Equal(a.IdentitySource, []string{"$request.header.Authorization"}) {
				t.Errorf("JWT authorizer %+v", a)
			}
		case "REQUEST":
			if a.TTL != 300 || !a.Simple || !strings.Contains(a.URI, apigw.DemoAdminsFunction) {
				t.Errorf("REQUEST authorizer %+v", a)
			}
		}
	}
	if jwt != 2 || len(h.Stages) != 1 || h.Stages[0].Name != "$default" || !strings.HasSuffix(h.Stages[0].AccessLog, apigw.DemoHTTPLogGroup) {
		t.Errorf("authorizers %+v stages %+v", h.Authorizers, h.Stages)
	}
	rs := out.RestAPIs[0]
	if rs.ID != apigw.DemoRestAPIID || !rs.CreatedDateIsDate || len(rs.Methods) != 5 || len(rs.Authorizers) != 2 ||
		len(rs.Stages) != 1 || rs.Stages[0].Name != apigw.DemoRestStage {
		t.Errorf("REST API %+v", rs)
	}
	for _, a := range rs.Authorizers {
		if a.IdentitySource != "method.request.header.Authorization" {
			t.Errorf("REST authorizer identitySource %q (a comma-separated string)", a.IdentitySource)
		}
	}
	if !out.Errors.V2.IsNotFound || out.Errors.V2.Status != 404 || !out.Errors.Rest.IsNotFound || !strings.Contains(out.Errors.Rest.Message, "nosuchapi1") {
		t.Errorf("errors %+v", out.Errors)
	}
}
