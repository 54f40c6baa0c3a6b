// Package build holds the version, commit and date the binary was built
// from. Release builds set them with -ldflags -X; otherwise they come from
// the module build information Go embeds.
package build

import (
	"runtime/debug"
	"sync"
)

// Set by goreleaser: -X github.com/cogscope/cogscope/cmd/internal/build.Version=...
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

// Info is what `cogscope version` reports.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	Date      string `json:"date,omitempty"`
	GoVersion string `json:"go"`
	Modified  bool   `json:"modified,omitempty"`
}

var (
	once sync.Once
	info Info
)

// Get returns the build information, filling gaps from debug.ReadBuildInfo.
func Get() Info {
	once.Do(func() {
		info = Info{Version: Version, Commit: Commit, Date: Date}
		bi, ok := debug.ReadBuildInfo()
		if ok {
			info.GoVersion = bi.GoVersion
			if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
				info.Version = bi.Main.Version
			}
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					if info.Commit == "" {
						info.Commit = s.Value
					}
				case "vcs.time":
					if info.Date == "" {
						info.Date = s.Value
					}
				case "vcs.modified":
					info.Modified = s.Value == "true"
				}
			}
		}
		if info.Version == "" {
			info.Version = "dev"
		}
	})
	return info
}
