package local

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestInfoDescribesTheDemoAPIs checks the "api" and "restApi" objects of
// `cogscope local --json`.
func TestInfoDescribesTheDemoAPIs(t *testing.T) {
	t.Parallel()
	st, err := New(Options{Endpoint: "http://127.0.0.1:9229", NewKey: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(st.Info())
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		API, RestAPI struct {
			ID, URL string
			Routes  []struct {
				Method, Path, Authorizer string
				Scopes                   []string
			}
		}
	}
	if err := json.Unmarshal(b, &info); err != nil {
		t.Fatal(err)
	}
	route := func(rs []struct {
		Method, Path, Authorizer string
		Scopes                   []string
	}) string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Method+" "+r.Path+" "+r.Authorizer+" "+strings.Join(r.Scopes, ","))
		}
		return strings.Join(out, "; ")
	}
	if info.API.ID != "cogshttp01" || info.API.URL != "http://127.0.0.1:9229/_api/cogshttp01" ||
		route(info.API.Routes) != "GET /hello none ; GET /private jwt ; GET /scoped jwt cogscope-api/read; GET /admin lambda ; GET /iam iam " {
		t.Errorf("api = %+v", info.API)
	}
	if info.RestAPI.ID != "cogsrest01" || info.RestAPI.URL != "http://127.0.0.1:9229/_api/cogsrest01/prod" ||
		route(info.RestAPI.Routes) != "GET /hello none ; GET /profile cognito ; GET /orders cognito cogscope-api/read; GET /lambda/orders lambda ; GET /lambda/profile lambda " {
		t.Errorf("restApi = %+v", info.RestAPI)
	}
	if !strings.Contains(string(b), `"scopes":[]`) {
		t.Errorf("routes without scopes must say [] (not null): %s", b)
	}
}
