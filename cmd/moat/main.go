// Command moat designs, proves, prices, draws and ships secure AWS networks.
// See the README and `moat --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"

	"github.com/moatnet/moat/internal/cli"
)

// gcPercent is the collector's target unless GOGC says otherwise. A run
// of moat is short and its heap small, and at Go's default of 100 the
// first collection falls at 4 MB, in the middle of moat plan, where its
// mark workers take about 3 ms of CPU on two cores, a fifth of the run
// (BenchmarkProcessPlanWebapp in internal/cli). At 400 the first comes at
// 16 MB: a one-shot command seldom collects, and the long-running ones
// (ui, twin daemon) keep at most five times their live heap.
const gcPercent = 400

func main() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
