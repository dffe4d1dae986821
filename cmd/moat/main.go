// Command moat designs, proves, prices, draws and ships secure AWS networks.
// See the README and `moat --help`.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/moatnet/moat/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
