package flows

import (
	"context"
	"errors"
	"sync"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// fakeAPI scripts Cognito's answers for edge cases the local stack cannot
// be made to produce (a hostile B, a forgotten device). Every call is
// recorded; an operation without a script fails the call.
type fakeAPI struct {
	mu       sync.Mutex
	calls    []string
	initiate func(*cip.InitiateAuthInput) (*cip.InitiateAuthOutput, error)
	respond  func(*cip.RespondToAuthChallengeInput) (*cip.RespondToAuthChallengeOutput, error)
}

var errNotScripted = errors.New("fake: not scripted")

func (f *fakeAPI) record(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, op)
}

func (f *fakeAPI) InitiateAuth(_ context.Context, in *cip.InitiateAuthInput, _ ...func(*cip.Options)) (*cip.InitiateAuthOutput, error) {
	f.record("InitiateAuth")
	if f.initiate == nil {
		return nil, errNotScripted
	}
	return f.initiate(in)
}

func (f *fakeAPI) RespondToAuthChallenge(_ context.Context, in *cip.RespondToAuthChallengeInput, _ ...func(*cip.Options)) (*cip.RespondToAuthChallengeOutput, error) {
	f.record("RespondToAuthChallenge")
	if f.respond == nil {
		return nil, errNotScripted
	}
	return f.respond(in)
}

func (f *fakeAPI) AssociateSoftwareToken(context.Context, *cip.AssociateSoftwareTokenInput, ...func(*cip.Options)) (*cip.AssociateSoftwareTokenOutput, error) {
	f.record("AssociateSoftwareToken")
	return nil, errNotScripted
}

func (f *fakeAPI) VerifySoftwareToken(context.Context, *cip.VerifySoftwareTokenInput, ...func(*cip.Options)) (*cip.VerifySoftwareTokenOutput, error) {
	f.record("VerifySoftwareToken")
	return nil, errNotScripted
}

func (f *fakeAPI) ConfirmDevice(context.Context, *cip.ConfirmDeviceInput, ...func(*cip.Options)) (*cip.ConfirmDeviceOutput, error) {
	f.record("ConfirmDevice")
	return nil, errNotScripted
}

func (f *fakeAPI) UpdateDeviceStatus(context.Context, *cip.UpdateDeviceStatusInput, ...func(*cip.Options)) (*cip.UpdateDeviceStatusOutput, error) {
	f.record("UpdateDeviceStatus")
	return nil, errNotScripted
}

func (f *fakeAPI) GetTokensFromRefreshToken(context.Context, *cip.GetTokensFromRefreshTokenInput, ...func(*cip.Options)) (*cip.GetTokensFromRefreshTokenOutput, error) {
	f.record("GetTokensFromRefreshToken")
	return nil, errNotScripted
}

func (f *fakeAPI) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}
