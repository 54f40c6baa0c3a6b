package transcript

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/cogscope/cogscope/internal/atomicfile"
)

// Bounds of the store: the last DefaultMaxSessions sessions of a target,
// DefaultMaxSignIns sign-ins and DefaultMaxCalls calls in one session
// (the oldest go first), and DefaultMaxBytes in one target's file.
const (
	DefaultMaxSessions = 10
	DefaultMaxSignIns  = 50
	DefaultMaxCalls    = 200
	DefaultMaxBytes    = 2 << 20
)

// ErrNoTranscript is wrapped by Latest when nothing was recorded for a
// target.
var ErrNoTranscript = errors.New("no recorded session")

// ErrCorrupt is wrapped when a target's file is not a transcript file.
var ErrCorrupt = errors.New("corrupt transcript file")

// Store keeps each target's recent sessions in one file,
// <Dir>/transcripts/<key>.json, written atomically with mode 0600 in a
// 0700 directory. What it holds is already redacted.
type Store struct {
	Dir                                      string
	MaxSessions, MaxSignIns, MaxCalls, Bytes int
}

// NewStore is the store under stateDir (the session store's directory).
func NewStore(stateDir string) *Store {
	return &Store{Dir: stateDir, MaxSessions: DefaultMaxSessions, MaxSignIns: DefaultMaxSignIns,
		MaxCalls: DefaultMaxCalls, Bytes: DefaultMaxBytes}
}

// file is the JSON of a target's file.
type file struct {
	Version  int           `json:"version"`
	Sessions []*Transcript `json:"sessions"`
}

// Path is the file that holds key's sessions; keys are made file names
// that cannot leave the directory.
func (s *Store) Path(key string) (string, error) {
	if key == "" {
		return "", errors.New("transcript key is empty")
	}
	return filepath.Join(s.Dir, "transcripts", atomicfile.SafeName(key)+".json"), nil
}

// Load returns key's sessions, oldest first (none: an empty list).
func (s *Store) Load(key string) ([]*Transcript, error) {
	p, err := s.Path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read transcripts: %w", err)
	}
	defer f.Close()
	limit := int64(s.bytes()) * 2
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read transcripts: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrCorrupt, p, limit)
	}
	var fl file
	if err := json.Unmarshal(b, &fl); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrCorrupt, p, err)
	}
	if fl.Version != Version {
		return nil, fmt.Errorf("%w: %s has version %d, want %d", ErrCorrupt, p, fl.Version, Version)
	}
	return fl.Sessions, nil
}

// Latest is key's latest session; ErrNoTranscript when there is none.
func (s *Store) Latest(key string) (*Transcript, error) {
	all, err := s.Load(key)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%w for %q", ErrNoTranscript, key)
	}
	return all[len(all)-1], nil
}

// RecordOptions say which session an entry goes to.
type RecordOptions struct {
	// Fresh starts a new session (a sign-in that is not a refresh);
	// otherwise the entry joins the latest one (a new one when there is
	// none).
	Fresh  bool
	Target Target
	Now    time.Time
	// Secrets are values known to be secret (the password, the raw
	// tokens, the client secret), masked wherever they appear.
	Secrets []string
}

// Record adds an entry to key's sessions: fn changes the session, which
// is then redacted, bounded and saved. A corrupt file is moved aside to
// <file>.corrupt and replaced.
func (s *Store) Record(key string, o RecordOptions, fn func(*Transcript)) error {
	all, err := s.Load(key)
	if errors.Is(err, ErrCorrupt) {
		p, _ := s.Path(key)
		if rerr := os.Rename(p, p+".corrupt"); rerr != nil {
			return fmt.Errorf("%w (and it could not be moved aside: %w)", err, rerr)
		}
		all, err = nil, nil
	}
	if err != nil {
		return err
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	var t *Transcript
	if o.Fresh || len(all) == 0 || !sameTarget(all[len(all)-1].Target, o.Target) {
		t = New(o.Target, now)
		all = append(all, t)
	} else {
		t = all[len(all)-1]
		mergeTarget(&t.Target, o.Target)
	}
	fn(t)
	t.Updated = now.UTC()
	if n := s.MaxSignIns; n > 0 && len(t.SignIns) > n {
		t.SignIns = t.SignIns[len(t.SignIns)-n:]
	}
	if n := s.MaxCalls; n > 0 && len(t.Calls) > n {
		t.Calls = t.Calls[len(t.Calls)-n:]
	}
	Redact(t, o.Secrets...)
	if n := s.MaxSessions; n > 0 && len(all) > n {
		all = all[len(all)-n:]
	}
	return s.save(key, all)
}

// sameTarget says whether an entry for b may join a session of a: the
// same pool and client (a call knows no more than that).
func sameTarget(a, b Target) bool {
	return (b.UserPoolID == "" || a.UserPoolID == b.UserPoolID) && (b.ClientID == "" || a.ClientID == b.ClientID) &&
		(b.Endpoint == "" || a.Endpoint == b.Endpoint)
}

func mergeTarget(t *Target, o Target) {
	for _, f := range []struct {
		dst *string
		v   string
	}{
		{&t.Profile, o.Profile}, {&t.Region, o.Region}, {&t.Endpoint, o.Endpoint}, {&t.UserPoolID, o.UserPoolID},
		{&t.ClientID, o.ClientID}, {&t.Username, o.Username}, {&t.APIBaseURL, o.APIBaseURL},
	} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
}

func (s *Store) bytes() int {
	if s.Bytes <= 0 {
		return DefaultMaxBytes
	}
	return s.Bytes
}

// save writes all, dropping the oldest sessions (then the oldest calls
// and sign-ins of the last one) until the file fits the size cap.
func (s *Store) save(key string, all []*Transcript) error {
	p, err := s.Path(key)
	if err != nil {
		return err
	}
	var b []byte
	for {
		b, err = json.MarshalIndent(file{Version: Version, Sessions: all}, "", " ")
		if err != nil {
			return fmt.Errorf("encode transcripts: %w", err)
		}
		if len(b) <= s.bytes() {
			break
		}
		switch last := all[len(all)-1]; {
		case len(all) > 1:
			all = all[1:]
		case len(last.Calls) > 0:
			last.Calls = last.Calls[1:]
		case len(last.SignIns) > 1:
			last.SignIns = last.SignIns[1:]
		default:
			return fmt.Errorf("write transcripts: one sign-in is larger than %d bytes", s.bytes())
		}
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create transcript directory: %w", err)
	}
	if err := atomicfile.WriteFile(p, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write transcripts: %w", err)
	}
	return nil
}
