package cognito

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// TestHammerOnePool drives one pool from many goroutines at once —
// password and SRP sign-ins, refreshes, sign-ups, password changes, reads
// and snapshots — and then checks that every user record is intact: each
// user signs in with exactly the password it was last given, keeps its sub
// and attributes, and the counts add up. Run it with -race.
func TestHammerOnePool(t *testing.T) {
	t.Parallel()
	const workers, rounds = 6, 8
	seed := DemoSeed()
	for w := 0; w < workers; w++ {
		seed.UserPools[0].Users = append(seed.UserPools[0].Users, UserSeed{Username: fmt.Sprintf("worker%d", w), Password: "Start-pass0",
			Attributes: map[string]string{"email": fmt.Sprintf("w%d@example.com", w), "email_verified": "true", "custom:tenant": fmt.Sprint(w)}})
	}
	e := newEnv(t, &seed)
	subs := map[string]string{}
	for w := 0; w < workers; w++ {
		u := must[*cip.AdminGetUserOutput](t)(e.client.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(DemoPoolID), Username: aws.String(fmt.Sprintf("worker%d", w))}))
		subs[*u.Username] = attrValue(u.UserAttributes, "sub")
	}

	finalPassword := make([]string, workers)
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds*8)
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			me := fmt.Sprintf("worker%d", w)
			pw := "Start-pass0"
			for i := 0; i < rounds; i++ {
				// Sign in as myself (only I change my password).
				out, err := e.passwordSignIn(DemoPublicClientID, me, pw, nil)
				if err != nil {
					errs <- fmt.Errorf("%s sign-in %d: %w", me, i, err)
					return
				}
				r := out.AuthenticationResult
				// Change it.
				next := fmt.Sprintf("Next-pass%d-%d", w, i)
				if _, err := e.client.ChangePassword(e.ctx, &cip.ChangePasswordInput{AccessToken: r.AccessToken,
					PreviousPassword: aws.String(pw), ProposedPassword: aws.String(next)}); err != nil {
					errs <- fmt.Errorf("%s change %d: %w", me, i, err)
					return
				}
				pw = next
				// SRP as the shared demo user, concurrently with everyone.
				if i%2 == 0 {
					if _, err := e.srpSignIn(DemoPublicClientID, DemoPoolID, DemoUsername, DemoPassword); err != nil {
						errs <- fmt.Errorf("%s SRP %d: %w", me, i, err)
					}
				}
				// Refresh, read, and sign up a fresh user.
				if _, err := e.client.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
					ClientId: aws.String(DemoPublicClientID), AuthParameters: map[string]string{"REFRESH_TOKEN": *r.RefreshToken}}); err != nil {
					errs <- fmt.Errorf("%s refresh %d: %w", me, i, err)
				}
				if _, err := e.client.GetUser(e.ctx, &cip.GetUserInput{AccessToken: r.AccessToken}); err != nil {
					errs <- fmt.Errorf("%s GetUser %d: %w", me, i, err)
				}
				name := fmt.Sprintf("signup-%d-%d", w, i)
				if _, err := e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: aws.String(DemoPublicClientID), Username: aws.String(name),
					Password: aws.String("Sign-up-1"), UserAttributes: []types.AttributeType{attr("email", name+"@example.com")}}); err != nil {
					errs <- fmt.Errorf("%s SignUp %d: %w", me, i, err)
				}
				// Everyone races to sign up the same name; exactly one wins.
				if _, err := e.client.SignUp(e.ctx, &cip.SignUpInput{ClientId: aws.String(DemoPublicClientID), Username: aws.String(fmt.Sprintf("contested-%d", i)),
					Password: aws.String("Sign-up-1")}); err != nil {
					var ae smithy.APIError
					if !errors.As(err, &ae) || ae.ErrorCode() != "UsernameExistsException" {
						errs <- fmt.Errorf("%s contested SignUp %d: %w", me, i, err)
					}
				}
				if _, err := e.svc.Snapshot(); err != nil {
					errs <- err
				}
				// And some garbage, which must not disturb anyone.
				if _, err := e.passwordSignIn(DemoPublicClientID, me, "wrong", nil); err == nil {
					errs <- fmt.Errorf("%s: wrong password accepted", me)
				}
				if code, typ := rawPost(e, "InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":`); code != 400 || typ != "SerializationException" {
					errs <- fmt.Errorf("%s: malformed JSON answered %d %s", me, code, typ)
				}
			}
			finalPassword[w] = pw
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	// Every worker's record: right password, same sub and attributes.
	for w := 0; w < workers; w++ {
		me := fmt.Sprintf("worker%d", w)
		r := must[*cip.InitiateAuthOutput](t)(e.passwordSignIn(DemoPublicClientID, me, finalPassword[w], nil)).AuthenticationResult
		c := claims(t, *r.IdToken)
		if c["sub"] != subs[me] || c["email"] != fmt.Sprintf("w%d@example.com", w) || c["custom:tenant"] != fmt.Sprint(w) {
			t.Errorf("%s record changed: %v", me, c)
		}
		if _, err := e.passwordSignIn(DemoPublicClientID, me, "Start-pass0", nil); err == nil {
			t.Errorf("%s still accepts its first password", me)
		}
	}
	list := must[*cip.ListUsersOutput](t)(e.client.ListUsers(e.ctx, &cip.ListUsersInput{UserPoolId: aws.String(DemoPoolID), Filter: aws.String(`username ^= "signup-"`)}))
	contested := must[*cip.ListUsersOutput](t)(e.client.ListUsers(e.ctx, &cip.ListUsersInput{UserPoolId: aws.String(DemoPoolID), Filter: aws.String(`username ^= "contested-"`)}))
	if len(list.Users) != workers*rounds || len(contested.Users) != rounds {
		t.Errorf("%d signed-up users (want %d), %d contested (want %d)", len(list.Users), workers*rounds, len(contested.Users), rounds)
	}
	for _, u := range list.Users {
		if u.UserStatus != types.UserStatusTypeUnconfirmed || attrValue(u.Attributes, "email") != *u.Username+"@example.com" {
			t.Errorf("signed-up user %s: %s %v", *u.Username, u.UserStatus, u.Attributes)
		}
	}
}

// rawPost sends body with the right headers and returns the status and
// __type; safe for concurrent use.
func rawPost(e *env, action, body string) (int, string) {
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/", strings.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("X-Amz-Target", targetPrefix+action)
	req.Header.Set("Content-Type", jsonType)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	typ, _ := m["__type"].(string)
	return resp.StatusCode, typ
}
