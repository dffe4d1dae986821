package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"moat": func() {
			code := Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
			// testscript only tells zero from non-zero; scripts assert the
			// exact code through this line.
			fmt.Fprintf(os.Stderr, "[exit %d]\n", code)
			os.Exit(code)
		},
	})
}

// TestScripts runs the CLI scripts under testdata/script: what a user
// types and what moat answers, including every error path.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "../../testdata/script",
		Setup: func(env *testscript.Env) error {
			// Scripts may copy the bundled examples.
			env.Setenv("EXAMPLES", mustAbs("../../examples"))
			env.Setenv("GOLDEN", mustAbs("../../testdata/golden"))
			env.Setenv("FIXTURES", mustAbs("../../../shared/fixtures/batfish-aws"))
			return nil
		},
		// [fixtures]: the shared Batfish snapshots are next to the tree.
		Condition: func(cond string) (bool, error) {
			if cond != "fixtures" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			_, err := os.Stat(mustAbs("../../../shared/fixtures/batfish-aws"))
			return err == nil, nil
		},
	})
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		panic(err)
	}
	return a
}
