package cmdutil

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestLoopbackCallback(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		callbacks []string
		want      string
	}{
		{"none", nil, ""},
		{"https only", []string{"https://app.example.com/callback"}, ""},
		{"custom scheme then localhost", []string{"myapp://callback", "http://localhost:8765/callback"}, "http://localhost:8765/callback"},
		{"first loopback wins", []string{"http://127.0.0.1:9000/cb", "http://localhost:8765/callback"}, "http://127.0.0.1:9000/cb"},
		{"ipv6 loopback", []string{"http://[::1]:8765/callback"}, "http://[::1]:8765/callback"},
		{"https on localhost", []string{"https://localhost:8765/callback"}, ""},
		{"fragment", []string{"http://localhost:8765/callback#x"}, ""},
		{"not loopback", []string{"http://10.0.0.1:8765/callback", "http://example.com/callback"}, ""},
		{"not a URL", []string{"http://[::1/callback", "http://localhost/cb"}, "http://localhost/cb"},
	} {
		if got := LoopbackCallback(tc.callbacks); got != tc.want {
			t.Errorf("%s: LoopbackCallback(%q) = %q, want %q", tc.name, tc.callbacks, got, tc.want)
		}
	}
}

// pagedPools is a user-pools API of pools with clients, listed pageSize
// at a time.
type pagedPools struct {
	HostedClientAPI
	pools    map[string][]string // pool id → client ids
	order    []string
	pageSize int
	fail     error
	calls    int
}

func page[T any](all []T, token *string, size int) ([]T, *string) {
	start := 0
	if token != nil {
		fmt.Sscan(*token, &start)
	}
	end := min(start+size, len(all))
	var next *string
	if end < len(all) {
		next = aws.String(fmt.Sprint(end))
	}
	return all[start:end], next
}

func (p *pagedPools) ListUserPools(_ context.Context, in *cip.ListUserPoolsInput, _ ...func(*cip.Options)) (*cip.ListUserPoolsOutput, error) {
	p.calls++
	if p.fail != nil {
		return nil, p.fail
	}
	ids, next := page(p.order, in.NextToken, p.pageSize)
	out := &cip.ListUserPoolsOutput{NextToken: next}
	for _, id := range ids {
		out.UserPools = append(out.UserPools, types.UserPoolDescriptionType{Id: aws.String(id)})
	}
	return out, nil
}

func (p *pagedPools) ListUserPoolClients(_ context.Context, in *cip.ListUserPoolClientsInput, _ ...func(*cip.Options)) (*cip.ListUserPoolClientsOutput, error) {
	p.calls++
	ids, next := page(p.pools[aws.ToString(in.UserPoolId)], in.NextToken, p.pageSize)
	out := &cip.ListUserPoolClientsOutput{NextToken: next}
	for _, id := range ids {
		out.UserPoolClients = append(out.UserPoolClients, types.UserPoolClientDescription{ClientId: aws.String(id)})
	}
	return out, nil
}

// TestFindClientPool: every page of pools and of each pool's clients is
// read; a client no pool has is "", an error is returned as it is.
func TestFindClientPool(t *testing.T) {
	t.Parallel()
	api := &pagedPools{pageSize: 2, order: []string{"p1", "p2", "p3"},
		pools: map[string][]string{"p1": {"a", "b", "c"}, "p2": nil, "p3": {"d", "e", "f", "g", "h"}}}
	for _, tc := range []struct{ client, want string }{{"a", "p1"}, {"c", "p1"}, {"h", "p3"}, {"zz", ""}} {
		got, err := FindClientPool(context.Background(), api, tc.client)
		if err != nil || got != tc.want {
			t.Errorf("FindClientPool(%q) = %q, %v; want %q", tc.client, got, err, tc.want)
		}
	}
	boom := errors.New("AccessDeniedException: not allowed")
	if _, err := FindClientPool(context.Background(), &pagedPools{fail: boom}, "a"); !errors.Is(err, boom) {
		t.Errorf("err = %v, want %v", err, boom)
	}
}

// TestResolveHostedCallbackWithoutCredentials: no credentials worth
// trying leave the redirect URI as it was and say nothing, and no pool
// can be looked up. (The lookups against the local stack are tested by
// login's and replay's tests.)
func TestResolveHostedCallbackWithoutCredentials(t *testing.T) {
	t.Parallel()
	f := &Factory{Env: func(string) string { return "" },
		AWSConfigFunc: func(context.Context, *Factory, Target) (aws.Config, error) { return aws.Config{}, nil }}
	var w bytes.Buffer
	tg := Target{UserPoolID: "eu-west-1_abc", ClientID: "client", Region: "eu-west-1"}
	if err := f.ResolveHostedCallback(context.Background(), &tg, &w); err != nil || tg.RedirectURI != "" || w.Len() != 0 {
		t.Errorf("err %v, redirect %q, said %q", err, tg.RedirectURI, w.String())
	}
	err := f.ResolveHostedPool(context.Background(), &tg)
	if err == nil || !strings.Contains(err.Error(), "no user pool: give --user-pool-id") {
		t.Errorf("ResolveHostedPool without credentials: %v", err)
	}
}
