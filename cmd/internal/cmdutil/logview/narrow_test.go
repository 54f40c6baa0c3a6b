package logview

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/cogscope/cogscope/internal/apiconfig"
)

// Narrow answers as a read of the named APIs alone would have: their APIs
// and their problems (and the lists'), an IncompleteError only when one
// of those is left; another error, or no ids, changes nothing.
func TestNarrow(t *testing.T) {
	t.Parallel()
	list := &apiconfig.ReadError{Op: "apigateway:GetRestApis", Message: "throttled"}
	mine := &apiconfig.ReadError{Op: "apigatewayv2:GetStages", APIID: "a1", Message: "denied"}
	other := &apiconfig.ReadError{Op: "apigatewayv2:GetRoutes", APIID: "b2", Message: "denied"}
	conf := func(ps ...*apiconfig.ReadError) (*apiconfig.Config, error) {
		c := &apiconfig.Config{APIs: []apiconfig.API{{ID: "a1"}, {ID: "b2"}, {ID: "c3"}}, Problems: ps}
		if len(ps) == 0 {
			return c, nil
		}
		return c, &apiconfig.IncompleteError{Problems: ps}
	}
	cases := []struct {
		name     string
		problems []*apiconfig.ReadError
		ids      []string
		apis     []string
		kept     []*apiconfig.ReadError
	}{
		{"no ids: all", []*apiconfig.ReadError{other}, nil, []string{"a1", "b2", "c3"}, []*apiconfig.ReadError{other}},
		{"one API, read whole", nil, []string{"a1"}, []string{"a1"}, nil},
		{"another API's problem is not its", []*apiconfig.ReadError{other}, []string{"a1"}, []string{"a1"}, nil},
		{"its own and the list's problems", []*apiconfig.ReadError{list, mine, other}, []string{"a1"}, []string{"a1"}, []*apiconfig.ReadError{list, mine}},
		{"an API not there", nil, []string{"zz"}, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := conf(tc.problems...)
			got, gerr := Narrow(c, err, tc.ids)
			var ids []string
			for _, a := range got.APIs {
				ids = append(ids, a.ID)
			}
			if !slices.Equal(ids, tc.apis) || !slices.Equal(got.Problems, tc.kept) {
				t.Errorf("APIs %v problems %v, want %v %v", ids, got.Problems, tc.apis, tc.kept)
			}
			var ie *apiconfig.IncompleteError
			switch {
			case len(tc.kept) == 0 && gerr != nil:
				t.Errorf("error %v, want none", gerr)
			case len(tc.kept) > 0 && (!errors.As(gerr, &ie) || !slices.Equal(ie.Problems, tc.kept)):
				t.Errorf("error %v, want an IncompleteError of %v", gerr, tc.kept)
			}
		})
	}

	// The context's error is kept as it is.
	c, _ := conf(mine)
	if got, err := Narrow(c, context.Canceled, []string{"b2"}); got != c || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled read: %v %v", got, err)
	}
}
