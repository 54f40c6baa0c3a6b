package local

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cogscope/cogscope/internal/local/apigw"
)

func TestParseSeedDocReadsPoolsAndAPIs(t *testing.T) {
	t.Parallel()
	yamlDoc := `
userPools:
  - id: us-east-1_Other0001
    name: other
    clients: [{id: otherclient000000000000001, name: web}]
httpApis:
  - id: myhttpapi1
    name: mine
    accessLogGroup: /aws/apigateway/mine
    authorizers:
      - {name: jwt, type: JWT, userPoolId: us-east-1_Other0001, audience: [wrongclient]}
    routes:
      - {routeKey: GET /things, authorizer: jwt}
restApis:
  - name: legacy
    methods: [{method: GET, path: /a/b}]
`
	tests := []struct {
		name, file, data, wantErr string
	}{
		{"yaml", "s.yaml", yamlDoc, ""},
		{"json", "s.json", `{"userPools":[],"httpApis":[{"name":"x","routes":[{"routeKey":"GET /x"}]}]}`, ""},
		{"unknown key", "s.yaml", "httpApis:\n  - name: x\n    rutes: []\n", "rutes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ParseSeedDoc(tt.file, []byte(tt.data))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to name %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.APIs().HTTPAPIs) != 1 {
				t.Fatalf("APIs = %+v", doc.APIs())
			}
		})
	}
	doc, err := ParseSeedDoc("s.yaml", []byte(yamlDoc))
	if err != nil {
		t.Fatal(err)
	}
	st, err := New(Options{Seed: doc.Pools(), APISeed: doc.APIs(), Endpoint: "http://127.0.0.1:1", NewKey: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	info := st.Info()
	if info.API == nil || info.API.ID != "myhttpapi1" || info.API.Routes[0].Authorizer != "jwt" ||
		info.RestAPI == nil || info.RestAPI.Routes[0].Path != "/a/b" || info.RestAPI.Stage != "prod" {
		t.Fatalf("info = %+v %+v", info.API, info.RestAPI)
	}
	// A route naming a missing authorizer is a bad seed.
	bad, _ := ParseSeedDoc("s.yaml", []byte("httpApis:\n  - name: x\n    routes: [{routeKey: GET /x, authorizer: nope}]\n"))
	if _, err := New(Options{APISeed: bad.APIs(), NewKey: testKey(t)}); err == nil || !strings.Contains(err.Error(), `no authorizer named "nope"`) {
		t.Fatalf("bad seed: %v", err)
	}
}

// TestREADMEAPISeedExampleLoads keeps the README's API seed example
// parseable and accepted.
func TestREADMEAPISeedExampleLoads(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "```yaml\nhttpApis:")
	if !ok {
		t.Fatal("README has no httpApis seed example")
	}
	example, _, _ := strings.Cut(rest, "```")
	doc, err := ParseSeedDoc("readme.yaml", []byte("httpApis:"+example))
	if err != nil {
		t.Fatalf("README API seed: %v", err)
	}
	st, err := New(Options{Seed: doc.Pools(), APISeed: doc.APIs(), Endpoint: "http://127.0.0.1:1", NewKey: testKey(t)})
	if err != nil {
		t.Fatalf("README API seed refused: %v", err)
	}
	if info := st.Info(); info.API == nil || info.RestAPI == nil || len(info.RestAPI.Routes) != 1 {
		t.Fatalf("info %+v", info)
	}
}

// TestREADMEDocumentsTheDemoAPIs keeps the README's table of demo API ids,
// functions and log groups in step with the gateway's demo seed.
func TestREADMEDocumentsTheDemoAPIs(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, w := range []string{"`" + apigw.DemoHTTPAPIID + "`", "`" + apigw.DemoRestAPIID + "`", "stage `" + apigw.DemoRestStage + "`",
		"`" + apigw.DemoAdminsFunction + "`", "`" + apigw.DemoPolicyFunction + "`", "`" + apigw.DemoHTTPLogGroup + "`",
		"`" + apigw.DemoRestLogGroup + "`", "`" + apigw.DemoScope + "`", "`GET /private`", "`GET /scoped`", "`GET /admin`",
		"`GET /profile`", "`GET /orders`", "`GET /lambda/orders`", "`GET /lambda/profile`"} {
		if !strings.Contains(readme, w) {
			t.Errorf("README.md does not document %s", w)
		}
	}
}
