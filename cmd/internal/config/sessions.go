package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/cogscope/cogscope/internal/atomicfile"
)

// Session is what the store keeps for one profile: the last sign-in's
// tokens and the devices remembered for its users. Tokens and device
// passwords are secrets; the file is 0600.
//
// Its JSON is the store's file format, not a --json output: its keys stay
// snake_case as earlier releases wrote them, so saved sessions keep
// loading (the commands' --json documents are camelCase).
type Session struct {
	Profile    string `json:"profile,omitempty"`
	Region     string `json:"region,omitempty"`
	Endpoint   string `json:"endpoint,omitempty"`
	UserPoolID string `json:"user_pool_id,omitempty"`
	ClientID   string `json:"client_id,omitempty"`
	Flow       string `json:"flow,omitempty"`
	// Username is the name the user signed in with.
	Username string `json:"username,omitempty"`

	Tokens     *Tokens   `json:"tokens,omitempty"`
	ObtainedAt time.Time `json:"obtained_at,omitzero"`

	// Devices are remembered devices, keyed by username as typed at
	// sign-in.
	Devices map[string]Device `json:"devices,omitempty"`
}

// Tokens are a sign-in's tokens.
type Tokens struct {
	IDToken      string `json:"id_token,omitempty"`
	AccessToken  string `json:"access_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ExpiresIn    int32  `json:"expires_in,omitempty"`
	TokenType    string `json:"token_type,omitempty"`
}

// Device is a remembered device (see flows.Device).
type Device struct {
	Key         string    `json:"device_key"`
	GroupKey    string    `json:"device_group_key"`
	Password    string    `json:"device_password"`
	Remembered  bool      `json:"remembered"`
	ConfirmedAt time.Time `json:"confirmed_at,omitzero"`
}

// Store keeps sessions as files in Dir/sessions.
type Store struct {
	Dir string
}

// NewStore returns a store rooted at stateDir (Paths.StateDir).
func NewStore(stateDir string) *Store { return &Store{Dir: stateDir} }

// ErrNoSession is wrapped by Load when the store holds nothing for a key.
var ErrNoSession = errors.New("no saved session")

// ErrCorruptSession is wrapped by Load when the file under a key is not a
// session (cut off by a full disk, edited by hand).
var ErrCorruptSession = errors.New("corrupt session")

// SessionKey names the session of a profile, or of a pool and client when
// no profile is in use.
func SessionKey(profile, userPoolID, clientID string) string {
	if profile != "" {
		return profile
	}
	return userPoolID + "." + clientID
}

// path maps a key to a file name that cannot leave the directory.
func (s *Store) path(key string) (string, error) {
	if key == "" {
		return "", errors.New("session key is empty")
	}
	return filepath.Join(s.Dir, "sessions", atomicfile.SafeName(key)+".json"), nil
}

// maxSessionBytes bounds a session file: tokens and a few devices are
// well under 64 KB.
const maxSessionBytes = 4 << 20

// Load reads the session saved under key.
func (s *Store) Load(key string) (*Session, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	b, err := readLimited(p, maxSessionBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w for %q", ErrNoSession, key)
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	var sess Session
	if err := json.Unmarshal(b, &sess); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrCorruptSession, p, err)
	}
	return &sess, nil
}

// Save writes the session under key, atomically and readable only by the
// user.
func (s *Store) Save(key string, sess *Session) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create session directory: %w", err)
	}
	// A directory made by someone else (or an older version) may be open
	// to other users: the files hold tokens, so close it.
	if st, err := os.Stat(dir); err == nil && st.Mode().Perm()&0o077 != 0 && runtime.GOOS != "windows" {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("restrict session directory: %w", err)
		}
	}
	b, err := json.MarshalIndent(sess, "", "  ")
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	// The temporary file is created 0600 in the session directory itself
	// (never the system temp directory), so a crash mid-write cannot
	// leave tokens outside the 0700 directory.
	if err := atomicfile.WriteFile(p, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write session: %w", err)
	}
	return nil
}

// Update loads the session under key (an empty one if there is none),
// lets fn change it and saves it. A corrupt file is moved aside to
// <file>.corrupt and replaced: it can no longer be read, and refusing to
// save would lose every sign-in that follows.
func (s *Store) Update(key string, fn func(*Session) error) error {
	sess, err := s.Load(key)
	switch {
	case errors.Is(err, ErrNoSession):
		sess, err = &Session{}, nil
	case errors.Is(err, ErrCorruptSession):
		p, _ := s.path(key)
		if rerr := os.Rename(p, p+".corrupt"); rerr != nil {
			return fmt.Errorf("%w (and it could not be moved aside: %w)", err, rerr)
		}
		sess, err = &Session{}, nil
	}
	if err != nil {
		return err
	}
	if err := fn(sess); err != nil {
		return err
	}
	return s.Save(key, sess)
}

// Delete removes the session under key; a missing one is not an error.
func (s *Store) Delete(key string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeviceFor returns the remembered device of username, if any.
func (sess *Session) DeviceFor(username string) (Device, bool) {
	if sess == nil || sess.Devices == nil {
		return Device{}, false
	}
	d, ok := sess.Devices[strings.ToLower(username)]
	return d, ok
}

// SetDevice remembers d for username; a zero Device forgets it.
func (sess *Session) SetDevice(username string, d Device) {
	key := strings.ToLower(username)
	if d.Key == "" {
		delete(sess.Devices, key)
		return
	}
	if sess.Devices == nil {
		sess.Devices = map[string]Device{}
	}
	sess.Devices[key] = d
}
