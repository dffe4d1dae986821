package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newVersionCommand(io *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print moat's module version and the commit it was built from",
		Long: `version prints the version of the github.com/moatnet/moat module this
binary was built from (a tag for go install ...@v1.2.3, "(devel)" for a
build in a clone), the VCS commit and its time, and whether the tree had
uncommitted changes, as the Go toolchain recorded them in the binary.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			info, ok := debug.ReadBuildInfo()
			if !ok {
				return &exitError{code: exitInput, err: fmt.Errorf("this binary carries no build information (build it with go build or go install)")}
			}
			fmt.Fprint(io.stdout, versionText(info))
			return nil
		},
	}
}

// versionText renders what version prints from the build information.
func versionText(info *debug.BuildInfo) string {
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	out := fmt.Sprintf("moat %s\n", version)
	if path := info.Main.Path; path != "" {
		out += fmt.Sprintf("  module  %s\n", path)
	}
	commit := settings["vcs.revision"]
	if commit == "" {
		commit = "unknown (built without VCS information: -buildvcs=false, or not in a git checkout)"
	} else if settings["vcs.modified"] == "true" {
		commit += " (with uncommitted changes)"
	}
	out += fmt.Sprintf("  commit  %s\n", commit)
	if t := settings["vcs.time"]; t != "" {
		out += fmt.Sprintf("  time    %s\n", t)
	}
	out += fmt.Sprintf("  go      %s\n", info.GoVersion)
	return out
}
