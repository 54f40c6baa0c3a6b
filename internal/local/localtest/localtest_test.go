package localtest_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

func TestStartGivesAWorkingDemo(t *testing.T) {
	t.Parallel()
	env := localtest.Start(t)
	if env.Stack == nil || env.Cognito == nil || env.Region != "us-east-1" {
		t.Fatalf("env = %+v", env)
	}
	d := env.Demo
	if d.PoolID == "" || d.ClientID == "" || d.Username == "" || d.Password == "" || d.Issuer != env.Endpoint+"/"+d.PoolID {
		t.Fatalf("demo = %+v", d)
	}
	cfg := env.AWSConfig()
	if cfg.Region != env.Region {
		t.Errorf("AWSConfig region %q", cfg.Region)
	}
	// The config is hermetic: static dummy credentials, whatever the
	// developer's environment says.
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != "AKIDLOCALSTACK" {
		t.Errorf("credentials = %+v, %v", creds, err)
	}
	out, err := env.CognitoClient().DescribeUserPoolClient(context.Background(), &cip.DescribeUserPoolClientInput{
		UserPoolId: aws.String(d.PoolID), ClientId: aws.String(d.ClientID)})
	if err != nil {
		t.Fatalf("DescribeUserPoolClient: %v", err)
	}
	if out.UserPoolClient.ClientSecret != nil {
		t.Error("Demo.ClientID has a secret; it should be the public client")
	}
}

func TestStartWithSeedAndRegion(t *testing.T) {
	t.Parallel()
	seed := cognito.Seed{UserPools: []cognito.PoolSeed{{
		Name:    "custom",
		Clients: []cognito.ClientSeed{{Name: "secretive", GenerateSecret: true}, {Name: "open"}},
		Users:   []cognito.UserSeed{{Username: "zed", Password: "Zed-Passw0rd!"}},
	}}}
	env := localtest.Start(t, localtest.WithSeed(seed), localtest.WithRegion("ap-south-1"))
	d := env.Demo
	if d.PoolName != "custom" || d.Username != "zed" || d.Password != "Zed-Passw0rd!" || d.ClientID == "" || d.SecretClientID == "" || d.ClientID == d.SecretClientID {
		t.Fatalf("demo = %+v", d)
	}
	if env.Region != "ap-south-1" || d.PoolID[:len("ap-south-1_")] != "ap-south-1_" {
		t.Fatalf("region %q, pool %q", env.Region, d.PoolID)
	}
}

// Two stacks in one test are independent: a pool created in one does not
// appear in the other.
func TestStacksAreIndependent(t *testing.T) {
	t.Parallel()
	a, b := localtest.Start(t), localtest.Start(t)
	if a.Endpoint == b.Endpoint {
		t.Fatal("two stacks share an endpoint")
	}
	ctx := context.Background()
	if _, err := a.CognitoClient().CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("only-in-a")}); err != nil {
		t.Fatal(err)
	}
	out, err := b.CognitoClient().ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range out.UserPools {
		if aws.ToString(p.Name) == "only-in-a" {
			t.Fatal("a pool created in one stack appeared in another")
		}
	}
}

// BenchmarkStart is what every test that calls Start pays.
func BenchmarkStart(b *testing.B) {
	localtest.Start(b) // generate the shared keys outside the timing
	b.ResetTimer()
	for b.Loop() {
		env := localtest.Start(b)
		_ = env.Stack.Close() // free the port now; the cleanup finds it stopped
	}
}
