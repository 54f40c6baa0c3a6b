package local

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cogscope/cogscope/internal/lazyregexp"
	"github.com/cogscope/cogscope/internal/local/apigw"
	"github.com/cogscope/cogscope/internal/local/cognito"
	"go.yaml.in/yaml/v3"
)

// LoadSeedFile reads a seed file: pools, clients, users, groups and
// resource servers to create at start. JSON or YAML is chosen by the
// extension (.json, .yaml, .yml), else by the first character. Unknown
// fields are errors, so a misspelt key is caught, with its line, instead of
// being silently ignored.
func LoadSeedFile(path string) (*cognito.Seed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read seed file: %w", err)
	}
	seed, err := ParseSeed(path, b)
	if err != nil {
		return nil, fmt.Errorf("seed file %s: %w", path, err)
	}
	return seed, nil
}

// ParseSeed decodes a seed document; name (a file name) picks the format.
// Errors carry the line and column of the problem. It reads pools only: a
// document with httpApis or restApis needs ParseSeedDoc.
func ParseSeed(name string, data []byte) (*cognito.Seed, error) {
	var seed cognito.Seed
	if err := decodeSeed(name, data, &seed); err != nil {
		return nil, err
	}
	return &seed, nil
}

// SeedDoc is a whole seed file: the user pools and the API Gateway APIs
// ("httpApis", "restApis") side by side at the top level.
type SeedDoc struct {
	UserPools []cognito.PoolSeed  `json:"userPools" yaml:"userPools"`
	HTTPAPIs  []apigw.HTTPAPISeed `json:"httpApis,omitempty" yaml:"httpApis,omitempty"`
	RestAPIs  []apigw.RestAPISeed `json:"restApis,omitempty" yaml:"restApis,omitempty"`
}

// LoadSeedDoc reads a seed file with pools and APIs; see LoadSeedFile.
func LoadSeedDoc(path string) (*SeedDoc, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read seed file: %w", err)
	}
	doc, err := ParseSeedDoc(path, b)
	if err != nil {
		return nil, fmt.Errorf("seed file %s: %w", path, err)
	}
	return doc, nil
}

// ParseSeedDoc decodes a seed document with pools and APIs: give the stack
// Options{Seed: doc.Pools(), APISeed: doc.APIs()}.
func ParseSeedDoc(name string, data []byte) (*SeedDoc, error) {
	var doc SeedDoc
	if err := decodeSeed(name, data, &doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// Pools is the document's Cognito part.
func (d *SeedDoc) Pools() *cognito.Seed { return &cognito.Seed{UserPools: d.UserPools} }

// APIs is the document's API Gateway part.
func (d *SeedDoc) APIs() *apigw.Seed {
	return &apigw.Seed{HTTPAPIs: d.HTTPAPIs, RestAPIs: d.RestAPIs}
}

func decodeSeed(name string, data []byte, v any) error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return errors.New("the seed is empty")
	}
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case ext == ".json", ext != ".yaml" && ext != ".yml" && trimmed[0] == '{':
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			return errors.New(describeJSONError(data, err))
		}
		if _, err := dec.Token(); err != io.EOF {
			return fmt.Errorf("%s: unexpected data after the seed object", lineCol(data, dec.InputOffset()))
		}
	default:
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(v); err != nil {
			return errors.New(describeYAMLError(err))
		}
	}
	return nil
}

// describeJSONError turns encoding/json's byte offsets into line:column.
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("%s: %v", lineCol(data, syn.Offset), syn)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "value"
		}
		return fmt.Sprintf("%s: %s: cannot use a JSON %s as %s", lineCol(data, typ.Offset), field, typ.Value, seedKind(typ.Type.String()))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Sprintf("%s: unexpected end of JSON", lineCol(data, int64(len(data))))
	default:
		// DisallowUnknownFields reports `json: unknown field "x"` without
		// an offset; the field name is enough to find it.
		return strings.TrimPrefix(err.Error(), "json: ")
	}
}

// lineCol renders a byte offset as "line L, column C" (both from 1).
func lineCol(data []byte, off int64) string {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	if col < 1 {
		col = 1
	}
	return fmt.Sprintf("line %d, column %d", line, col)
}

// describeYAMLError flattens yaml's multi-line type errors onto one line
// (the CLI prints errors as one line); each part already names its line.
// yaml speaks of the Go types it decodes into; the messages are reworded
// in the seed file's own terms.
func describeYAMLError(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		parts := make([]string, len(te.Errors))
		for i, e := range te.Errors {
			parts[i] = rewordYAML(e)
		}
		return strings.Join(parts, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

var (
	yamlUnknownField = lazyregexp.New(`^(line \d+): field (\S+) not found in type \S+$`)
	yamlWrongType    = lazyregexp.New("^(line \\d+): cannot unmarshal !!(\\w+) (`.*`) into (\\S+)$")
)

// rewordYAML turns one of yaml's type errors into seed-file words:
// "line 3: field bogus not found in type cognito.PoolSeed" becomes
// `line 3: unknown field "bogus"`, as the JSON decoder says it.
func rewordYAML(msg string) string {
	if m := yamlUnknownField.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s: unknown field %q", m[1], m[2])
	}
	if m := yamlWrongType.FindStringSubmatch(msg); m != nil {
		kind := map[string]string{"str": "string", "int": "number", "float": "number", "bool": "boolean",
			"seq": "list", "map": "mapping", "null": "null"}[m[2]]
		if kind == "" {
			kind = m[2]
		}
		return fmt.Sprintf("%s: cannot use a %s %s as %s", m[1], kind, m[3], seedKind(m[4]))
	}
	return msg
}

// seedKind names what a seed field expects, from the Go type a decoder
// reports: a list, a mapping, a string, a number, true or false.
func seedKind(goType string) string {
	goType = strings.TrimLeft(goType, "*")
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["), strings.Contains(goType, "."):
		return "a mapping"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"), strings.HasPrefix(goType, "float"):
		return "a number"
	}
	return goType
}
