package logtail

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// GroupName is the name of a log group given by name or by ARN (with or
// without the trailing ":*").
func GroupName(ident string) string {
	if rest, ok := strings.CutPrefix(ident, "arn:"); ok {
		if i := strings.Index(rest, ":log-group:"); i >= 0 {
			return strings.TrimSuffix(rest[i+len(":log-group:"):], ":*")
		}
	}
	return ident
}

// ResolveGroups looks each name or ARN up with DescribeLogGroups and returns
// the groups with their ARNs, in the order given, without duplicates. A
// group that does not exist is an *UnknownGroupError naming those that do.
func ResolveGroups(ctx context.Context, api API, idents []string) ([]Group, error) {
	if len(idents) == 0 {
		return nil, ErrNoGroups
	}
	var out []Group
	seen := map[string]bool{}
	for _, id := range idents {
		name := GroupName(id)
		if seen[name] {
			continue
		}
		seen[name] = true
		g, err := findGroup(ctx, api, name)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

func findGroup(ctx context.Context, api API, name string) (Group, error) {
	in := &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)}
	for {
		out, err := api.DescribeLogGroups(ctx, in)
		if err != nil {
			return Group{}, fmt.Errorf("describe log group %s: %w", name, err)
		}
		for _, g := range out.LogGroups {
			if aws.ToString(g.LogGroupName) != name {
				continue
			}
			arn := aws.ToString(g.LogGroupArn)
			if arn == "" {
				arn = strings.TrimSuffix(aws.ToString(g.Arn), ":*")
			}
			return Group{Name: name, ARN: arn}, nil
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	e := &UnknownGroupError{Name: name}
	if out, err := api.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{}); err == nil {
		for _, g := range out.LogGroups {
			e.Existing = append(e.Existing, aws.ToString(g.LogGroupName))
		}
	}
	return Group{}, e
}
