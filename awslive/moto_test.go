package awslive_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/moatnet/moat/awslive"
)

// The tests run against a moto server (https://docs.getmoto.org/en/latest/docs/server_mode.html)
// this TestMain starts on a free 127.0.0.1 port; they never talk to AWS.
var motoURL string

// motoMissing says why moto could not start; tests skip with it, except
// on CI, where TestMain fails instead.
var motoMissing string

func TestMain(m *testing.M) {
	isolate()
	stop, err := startMoto()
	if err != nil {
		if os.Getenv("CI") != "" {
			fmt.Fprintf(os.Stderr, "awslive: CI is set and moto is not available: %v\n", err)
			os.Exit(1)
		}
		motoMissing = err.Error()
	}
	code := m.Run()
	if stop != nil {
		stop()
	}
	os.Exit(code)
}

// isolate keeps every test off real AWS and the user's own configuration:
// fake credentials, no shared config, no instance metadata, one Region,
// one attempt per call (moto answers its own crashes with HTTP 500, which
// the retryer would retry into a false success; rereadOnReset is the one
// exception). startMoto sets the endpoint; without moto it points at a
// closed port.
func isolate() {
	env := map[string]string{
		"AWS_ENDPOINT_URL":            "http://127.0.0.1:1",
		"AWS_ACCESS_KEY_ID":           "testing",
		"AWS_SECRET_ACCESS_KEY":       "testing",
		"AWS_SESSION_TOKEN":           "testing",
		"AWS_REGION":                  "us-east-1",
		"AWS_MAX_ATTEMPTS":            "1",
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_CONFIG_FILE":             filepath.Join(os.TempDir(), "moat-awslive-no-config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(os.TempDir(), "moat-awslive-no-credentials"),
	}
	for k, v := range env {
		os.Setenv(k, v)
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_REGION"} {
		os.Unsetenv(k)
	}
}

func findMoto() (string, error) {
	if p, err := exec.LookPath("moto_server"); err == nil {
		return p, nil
	}
	if home, err := os.UserHomeDir(); err == nil {
		p := filepath.Join(home, ".pyenv", "shims", "moto_server")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("moto_server is not on PATH nor in $HOME/.pyenv/shims (pip install 'moto[server]')")
}

// startMoto starts moto_server on a free port, waits until it answers,
// and points the SDK's standard chain at it.
func startMoto() (func(), error) {
	bin, err := findMoto()
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	// moto dies with the test binary, even one a panic ends: the parent-
	// death signal is sent when the thread that started it exits, so the
	// main goroutine keeps that thread to the end.
	runtime.LockOSThread()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	log, err := os.CreateTemp("", "moto-*.log")
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	stop := func() {
		// The group moto_server leads: the pyenv shim and python.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		cmd.Wait()
		log.Close()
		os.Remove(log.Name())
	}
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("moto_server did not answer on %s within 60s", url)
		}
		time.Sleep(200 * time.Millisecond)
	}
	motoURL = url
	os.Setenv("AWS_ENDPOINT_URL", url)
	return stop, nil
}

// needMoto skips without moto (CI never gets here without it) and
// resets moto's state, so each test builds on an empty account.
func needMoto(t *testing.T) {
	t.Helper()
	if motoMissing != "" {
		t.Skipf("moto: %s", motoMissing)
	}
	resp, err := http.Post(motoURL+"/moto-api/reset", "application/json", strings.NewReader(""))
	if err != nil {
		t.Fatalf("reset moto: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reset moto: %s", resp.Status)
	}
}

// bg is the tests' context: every client Accounts configures with it,
// also through the CLI, rereads on a reset.
var bg = awslive.WithAPIOptions(context.Background(), rereadOnReset)

// rereadOnReset sends a read-only call (Describe*, List*, Get*) again, up
// to twice, when moto's server reset the connection under its answer:
// moto 5.2.1 does so now and then, and Go reports it as "use of closed
// network connection" (the SDK's own retryer treats it as a reset,
// aws/retry/retryable_error.go, but the tests allow one attempt). A call
// that changes something is never sent twice, and an HTTP answer, 500
// included, is never retried.
func rereadOnReset(s *middleware.Stack) error {
	return s.Finalize.Add(middleware.FinalizeMiddlewareFunc("moat-test-reread-on-reset", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		op := awsmiddleware.GetOperationName(ctx)
		readOnly := strings.HasPrefix(op, "Describe") || strings.HasPrefix(op, "List") || strings.HasPrefix(op, "Get")
		for attempt := 1; ; attempt++ {
			out, md, err := next.HandleFinalize(ctx, in)
			if err == nil || !readOnly || attempt == 3 || !connectionReset(err) {
				return out, md, err
			}
			if req, ok := in.Request.(*smithyhttp.Request); !ok || req.RewindStream() != nil {
				return out, md, err
			}
		}
	}), middleware.After)
}

// rereading is rereadOnReset for a config the tests load themselves.
var rereading = config.WithAPIOptions([]func(*middleware.Stack) error{rereadOnReset})

func connectionReset(err error) bool {
	var resp *smithyhttp.ResponseError
	if errors.As(err, &resp) && resp.HTTPStatusCode() != 0 && !strings.Contains(err.Error(), "deserialization failed") {
		return false // an answer moto gave
	}
	msg := err.Error()
	return strings.Contains(msg, "use of closed network connection") || strings.Contains(msg, "connection reset")
}
