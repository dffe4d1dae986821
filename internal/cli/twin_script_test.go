package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/moatnet/moat/twin/run"
)

// TestTwinScripts runs the twin's CLI scripts (testdata/script/twin) for
// real: they build twins, so they need root, iproute2 and nftables, and
// skip without them (fail on CI, CI=true, which has them).
//
// Every script gets $TWIN, a stack name of its own (the test process's id
// in it: several runs may share a machine), and $WORK/webapp.yaml and
// $WORK/other/webapp.yaml, the webapp example under that name. Whatever
// a script leaves up is removed when it ends.
func TestTwinScripts(t *testing.T) {
	if err := run.Check(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the twin's scripts must run on CI: %v", err)
		}
		t.Skipf("skipping the twin's scripts: %v", err)
	}
	spec, err := os.ReadFile("../../examples/webapp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	held := map[string]func(){}
	testscript.Run(t, testscript.Params{
		Dir: "../../testdata/script/twin",
		Setup: func(env *testscript.Env) error {
			n++
			stack := fmt.Sprintf("s%d-%d", os.Getpid(), n)
			env.Setenv("TWIN", stack)
			body := strings.Replace(string(spec), "stack: webapp", "stack: "+stack, 1)
			if err := os.WriteFile(filepath.Join(env.WorkDir, "webapp.yaml"), []byte(body), 0o644); err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Join(env.WorkDir, "other"), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(env.WorkDir, "other", "webapp.yaml"), []byte(body), 0o644); err != nil {
				return err
			}
			env.Defer(func() {
				stacks, _ := run.Stacks()
				for _, s := range stacks {
					if s == stack || strings.HasPrefix(s, stack+"-") {
						if err := run.Down(s); err != nil {
							t.Errorf("down %s: %v", s, err)
						}
					}
				}
			})
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// killdaemon STACK: kill -9 the twin's daemon, as a crash would.
			"killdaemon": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: killdaemon STACK")
				}
				b, err := os.ReadFile(filepath.Join(run.StateDir(args[0]), "daemon.pid"))
				ts.Check(err)
				pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
				ts.Check(err)
				ts.Check(syscall.Kill(pid, syscall.SIGKILL))
				// Wait until it is gone (or a zombie nobody reaps).
				for range 200 {
					b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
					if err != nil || strings.Contains(string(b), ") Z ") {
						return
					}
					time.Sleep(10 * time.Millisecond)
				}
				ts.Fatalf("daemon %d still runs after SIGKILL", pid)
			},
			// holdlock STACK: take the twin's lock, as a `twin up` of it in
			// progress does, until unlock STACK or the script's end.
			"holdlock": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: holdlock STACK")
				}
				release, err := run.Lock(args[0])
				ts.Check(err)
				held[args[0]] = release
				ts.Defer(func() {
					if r := held[args[0]]; r != nil {
						r()
						delete(held, args[0])
					}
				})
			},
			"unlock": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 || held[args[0]] == nil {
					ts.Fatalf("usage: unlock STACK, after holdlock STACK")
				}
				held[args[0]]()
				delete(held, args[0])
			},
		},
	})
}
