package cli

import (
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVersionText(t *testing.T) {
	info := &debug.BuildInfo{
		GoVersion: "go1.26.0",
		Main:      debug.Module{Path: "github.com/moatnet/moat", Version: "v0.4.0"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "a3ffa3a0c0ffee"},
			{Key: "vcs.time", Value: "2026-12-03T10:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	want := `moat v0.4.0
  module  github.com/moatnet/moat
  commit  a3ffa3a0c0ffee (with uncommitted changes)
  time    2026-12-03T10:00:00Z
  go      go1.26.0
`
	if diff := cmp.Diff(want, versionText(info)); diff != "" {
		t.Errorf("versionText (-want +got):\n%s", diff)
	}
	bare := versionText(&debug.BuildInfo{GoVersion: "go1.26.0"})
	if want := "moat (devel)\n  commit  unknown (built without VCS information: -buildvcs=false, or not in a git checkout)\n  go      go1.26.0\n"; bare != want {
		t.Errorf("versionText without info = %q, want %q", bare, want)
	}
}
