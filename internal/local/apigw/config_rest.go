package apigw

import (
	"fmt"
	"net/http"
	"strings"
)

// ---- apigateway (REST) wire shapes: list key "item", dates epoch seconds ----

type restAPIWire struct {
	ID                        string         `json:"id"`
	Name                      string         `json:"name"`
	CreatedDate               int64          `json:"createdDate"`
	APIKeySource              string         `json:"apiKeySource"`
	RootResourceID            string         `json:"rootResourceId"`
	DisableExecuteAPIEndpoint bool           `json:"disableExecuteApiEndpoint"`
	EndpointConfiguration     map[string]any `json:"endpointConfiguration"`
}

type restMethodWire struct {
	HTTPMethod          string   `json:"httpMethod"`
	AuthorizationType   string   `json:"authorizationType"`
	AuthorizerID        string   `json:"authorizerId,omitempty"`
	AuthorizationScopes []string `json:"authorizationScopes,omitempty"`
	APIKeyRequired      bool     `json:"apiKeyRequired"`
}

type restResourceWire struct {
	ID              string                    `json:"id"`
	ParentID        string                    `json:"parentId,omitempty"`
	PathPart        string                    `json:"pathPart,omitempty"`
	Path            string                    `json:"path"`
	ResourceMethods map[string]restMethodWire `json:"resourceMethods,omitempty"`
}

type restAuthorizerWire struct {
	ID                           string   `json:"id"`
	Name                         string   `json:"name"`
	Type                         string   `json:"type"`
	ProviderARNs                 []string `json:"providerARNs,omitempty"`
	AuthType                     string   `json:"authType"`
	AuthorizerURI                string   `json:"authorizerUri,omitempty"`
	IdentitySource               string   `json:"identitySource"`
	IdentityValidationExpression string   `json:"identityValidationExpression,omitempty"`
	AuthorizerResultTTLInSeconds int      `json:"authorizerResultTtlInSeconds"`
}

type restStageWire struct {
	StageName         string       `json:"stageName"`
	DeploymentID      string       `json:"deploymentId"`
	AccessLogSettings *v2AccessLog `json:"accessLogSettings,omitempty"`
	TracingEnabled    bool         `json:"tracingEnabled"`
	CreatedDate       int64        `json:"createdDate"`
	LastUpdatedDate   int64        `json:"lastUpdatedDate"`
}

func (a *restAPI) wire() restAPIWire {
	return restAPIWire{ID: a.ID, Name: a.Name, CreatedDate: a.Created.Unix(), APIKeySource: "HEADER",
		RootResourceID: a.resources[0].ID, EndpointConfiguration: map[string]any{"types": []string{"REGIONAL"}}}
}

func wireMethod(m *method) restMethodWire {
	return restMethodWire{HTTPMethod: m.HTTPMethod, AuthorizationType: m.AuthType, AuthorizerID: m.AuthorizerID, AuthorizationScopes: m.Scopes}
}

func wireResource(r *resource, embed bool) restResourceWire {
	w := restResourceWire{ID: r.ID, ParentID: r.ParentID, PathPart: r.PathPart, Path: r.Path}
	if len(r.methods) > 0 {
		w.ResourceMethods = map[string]restMethodWire{}
		for verb, m := range r.methods {
			if embed {
				w.ResourceMethods[verb] = wireMethod(m)
			} else {
				w.ResourceMethods[verb] = restMethodWire{} // AWS lists the verbs only
			}
		}
	}
	return w
}

func wireRestAuthorizer(au *restAuthorizer) restAuthorizerWire {
	authType := "custom"
	if au.Type == "COGNITO_USER_POOLS" {
		authType = "cognito_user_pools"
	}
	return restAuthorizerWire{ID: au.ID, Name: au.Name, Type: au.Type, ProviderARNs: au.ProviderARNs, AuthType: authType,
		AuthorizerURI: au.URI, IdentitySource: au.IdentitySource, IdentityValidationExpression: au.IdentityValidation,
		AuthorizerResultTTLInSeconds: au.TTL}
}

func notFoundREST(w http.ResponseWriter, msg string) {
	writeConfigError(w, 404, "NotFoundException", msg, nil)
}

// serveRestConfig is the apigateway REST-JSON API under /restapis (reads
// only; REST APIs are declared in the seed file).
func (s *Service) serveRestConfig(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeConfigError(w, 400, "BadRequestException", "The local stack serves REST API configuration read-only; declare REST APIs in the seed file", nil)
		return
	}
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/restapis"), "/"), "/")
	if parts[0] == "" {
		parts = nil
	}
	q := r.URL.Query()
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(parts) == 0 {
		items := make([]restAPIWire, 0, len(s.restAPIs))
		for _, a := range s.restAPIs {
			items = append(items, a.wire())
		}
		restList(w, items, q, true)
		return
	}
	var a *restAPI
	for _, x := range s.restAPIs {
		if x.ID == parts[0] {
			a = x
		}
	}
	if a == nil {
		notFoundREST(w, fmt.Sprintf("Invalid API identifier specified %s:%s", s.opts.AccountID, parts[0]))
		return
	}
	if len(parts) == 1 {
		writeConfigJSON(w, 200, a.wire())
		return
	}
	switch parts[1] {
	case "resources":
		if len(parts) == 2 {
			embed := false
			for _, e := range q["embed"] {
				embed = embed || e == "methods"
			}
			items := make([]restResourceWire, 0, len(a.resources))
			for _, res := range a.resources {
				items = append(items, wireResource(res, embed))
			}
			restList(w, items, q, true)
			return
		}
		var res *resource
		for _, x := range a.resources {
			if x.ID == parts[2] {
				res = x
			}
		}
		if res == nil {
			notFoundREST(w, "Invalid Resource identifier specified")
			return
		}
		switch {
		case len(parts) == 3:
			writeConfigJSON(w, 200, wireResource(res, true))
		case len(parts) == 5 && parts[3] == "methods":
			m := res.methods[strings.ToUpper(parts[4])]
			if m == nil {
				notFoundREST(w, "Invalid Method identifier specified")
				return
			}
			writeConfigJSON(w, 200, wireMethod(m))
		default:
			notFoundREST(w, "Unknown resource "+r.URL.Path)
		}
	case "authorizers":
		if len(parts) == 2 {
			items := make([]restAuthorizerWire, 0, len(a.authorizers))
			for _, au := range a.authorizers {
				items = append(items, wireRestAuthorizer(au))
			}
			restList(w, items, q, true)
			return
		}
		for _, au := range a.authorizers {
			if au.ID == parts[2] && len(parts) == 3 {
				writeConfigJSON(w, 200, wireRestAuthorizer(au))
				return
			}
		}
		notFoundREST(w, "Invalid Authorizer identifier specified")
	case "stages":
		st := restStageWire{StageName: a.Stage, DeploymentID: "cogsdeploy", CreatedDate: a.stageCreated.Unix(), LastUpdatedDate: a.stageCreated.Unix()}
		if a.LogGroup != "" {
			st.AccessLogSettings = &v2AccessLog{DestinationARN: s.logGroupARN(a.LogGroup), Format: AccessLogFormat}
		}
		if len(parts) == 3 {
			if parts[2] != a.Stage {
				notFoundREST(w, "Invalid stage identifier specified")
				return
			}
			writeConfigJSON(w, 200, st)
			return
		}
		writeConfigJSON(w, 200, map[string]any{"item": []restStageWire{st}})
	default:
		notFoundREST(w, "Unknown resource "+r.URL.Path)
	}
}

func restList[T any](w http.ResponseWriter, items []T, q map[string][]string, paged bool) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	out, next, err := page(items, get("position"), get("limit"), 25, 500)
	if err != nil {
		writeConfigError(w, 400, "BadRequestException", err.Error(), nil)
		return
	}
	body := map[string]any{"item": out}
	if next != "" && paged {
		body["position"] = next
	}
	writeConfigJSON(w, 200, body)
}
