package doctor_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cogscope/cogscope/internal/doctor"
	"github.com/cogscope/cogscope/internal/local/localtest"
)

func TestClockSkew(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		server  time.Time
		want    time.Duration
		verdict string
	}{
		{"in step", base, 0, doctor.VerdictRuledOut},
		{"local clock 10 minutes behind", base.Add(10 * time.Minute), 10 * time.Minute, doctor.VerdictConfirmed},
		{"local clock 2 minutes ahead", base.Add(-2 * time.Minute), -2 * time.Minute, doctor.VerdictConfirmed},
		{"30 seconds is tolerated", base.Add(30 * time.Second), 30 * time.Second, doctor.VerdictRuledOut},
	}
	for _, c := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Date", c.server.Format(http.TimeFormat))
		}))
		skew, err := doctor.ClockSkew(context.Background(), srv.Client(), srv.URL, func() time.Time { return base })
		srv.Close()
		if err != nil || skew != c.want {
			t.Errorf("%s: skew %v, %v; want %v", c.name, skew, err, c.want)
			continue
		}
		x := doctor.Explain("RespondToAuthChallenge PASSWORD_VERIFIER: NotAuthorizedException: Incorrect username or password.")
		got := doctor.ConfirmClock(x, skew)
		if len(got) != 1 || got[0].Verdict != c.verdict || got[0].Match != "cognito.NotAuthorizedException.incorrect-password-srp" {
			t.Errorf("%s: %+v", c.name, got)
		}
	}
	// The local stack's Date header: in step.
	env := localtest.Start(t)
	skew, err := doctor.ClockSkew(context.Background(), http.DefaultClient, env.Endpoint+"/", nil)
	if err != nil || skew > 2*time.Second || skew < -2*time.Second {
		t.Errorf("local stack: %v, %v", skew, err)
	}
	// No Date header: an error, not a guess.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Header()["Date"] = nil }))
	defer srv.Close()
	if _, err := doctor.ClockSkew(context.Background(), srv.Client(), srv.URL, nil); err == nil {
		t.Error("no Date header gave no error")
	}
	if doctor.NeedsClock(doctor.Explain("UserNotConfirmedException: User is not confirmed.")) {
		t.Error("an unconfirmed user is not a clock problem")
	}
}

func TestConfirmTimestamp(t *testing.T) {
	t.Parallel()
	x := doctor.Explain("InvalidParameterException: TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
	for _, now := range []time.Time{time.Date(2026, 4, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 3, 23, 59, 59, 0, time.FixedZone("x", 3600))} {
		got := doctor.ConfirmTimestamp(x, now)
		if len(got) != 1 || got[0].Verdict != doctor.VerdictRuledOut {
			t.Errorf("%v: %+v", now, got)
		}
	}
	if got := doctor.ConfirmTimestamp(doctor.Explain("UserNotFoundException: User does not exist."), time.Now()); len(got) != 0 {
		t.Errorf("unrelated cause: %+v", got)
	}
}
