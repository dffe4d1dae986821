package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
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
			env.Setenv("FIXTURES", mustAbs("../../testdata/batfish"))
			env.Setenv("EXISTING", mustAbs("../../testdata/existing"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// longline FILE PREFIX N SUFFIX writes PREFIX, N times "a",
			// then SUFFIX (Go-quoted, so it may hold control bytes).
			"longline": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 4 {
					ts.Fatalf("usage: longline FILE PREFIX N SUFFIX")
				}
				n, err := strconv.Atoi(args[2])
				ts.Check(err)
				suffix, err := strconv.Unquote(`"` + args[3] + `"`)
				ts.Check(err)
				b := append([]byte(args[1]), bytes.Repeat([]byte("a"), n)...)
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), append(b, suffix...), 0o644))
			},
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
