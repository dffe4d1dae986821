package awslive

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"testing/fstest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// Options say which accounts and Regions to read, and how.
type Options struct {
	// Profiles are the shared-config profiles to read, one account each;
	// empty means the default chain (AWS_PROFILE, else default).
	Profiles []string
	// Regions to read; empty means the profile's Region (AWS_REGION, or
	// region in the config file); AllRegions alone means every Region
	// enabled for the account.
	Regions []string
	// Concurrency bounds the calls in flight at once, over every account
	// and Region; 0 means DefaultConcurrency.
	Concurrency int
	// Progress, when set, is told each call as it finishes.
	Progress func(Progress)
	// APIOptions are added to every client's middleware stack (tests
	// record the calls made), after those of WithAPIOptions.
	APIOptions []func(*middleware.Stack) error
}

type apiOptionsKey struct{}

// WithAPIOptions returns ctx carrying middleware options that Accounts
// adds to every client it configures, as Options.APIOptions does, for a
// caller that reaches Accounts through code that builds the Options
// itself (a test running the CLI in-process).
func WithAPIOptions(ctx context.Context, opts ...func(*middleware.Stack) error) context.Context {
	return context.WithValue(ctx, apiOptionsKey{}, append(apiOptions(ctx), opts...))
}

func apiOptions(ctx context.Context) []func(*middleware.Stack) error {
	opts, _ := ctx.Value(apiOptionsKey{}).([]func(*middleware.Stack) error)
	return slices.Clip(opts)
}

// DefaultConcurrency is how many calls run at once by default: enough to
// read an account quickly, few enough to stay under EC2's request-rate
// limits for Describe calls (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html).
const DefaultConcurrency = 4

// Progress is one finished call.
type Progress struct {
	Account, Region, File string
	Done, Total           int
}

// AllRegions, as the only Region, reads every Region the account has
// enabled (ec2:DescribeRegions).
const AllRegions = "all"

// AccountActions are the calls Accounts makes besides
// sts:GetCallerIdentity: listing the Regions for AllRegions.
var AccountActions = []string{"ec2:DescribeRegions"}

// Account is one set of credentials, resolved.
type Account struct {
	Profile string // "" for the default chain
	// ID, ARN are the account and caller sts:GetCallerIdentity returns.
	ID, ARN string
	Regions []string
	cfg     aws.Config
}

// Accounts resolves each profile's credentials and asks STS who they
// are, so a caller can say which account it reads before reading.
func Accounts(ctx context.Context, o Options) ([]Account, error) {
	profiles := o.Profiles
	if len(profiles) == 0 {
		profiles = []string{""}
	}
	all := slices.Contains(o.Regions, AllRegions)
	if all && len(o.Regions) > 1 {
		return nil, fmt.Errorf("--region %s reads every enabled Region: give it alone", AllRegions)
	}
	var accounts []Account
	for _, p := range profiles {
		var opts []func(*config.LoadOptions) error
		if p != "" {
			opts = append(opts, config.WithSharedConfigProfile(p))
		}
		if len(o.Regions) > 0 && !all {
			opts = append(opts, config.WithRegion(o.Regions[0]))
		}
		if api := append(apiOptions(ctx), o.APIOptions...); len(api) > 0 {
			opts = append(opts, config.WithAPIOptions(api))
		}
		cfg, err := config.LoadDefaultConfig(ctx, opts...)
		if missing, ok := errors.AsType[config.SharedConfigProfileNotExistError](err); ok {
			files := missing.Filename
			if len(files) == 0 {
				files = []string{cmp.Or(os.Getenv("AWS_CONFIG_FILE"), config.DefaultSharedConfigFilename()),
					cmp.Or(os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), config.DefaultSharedCredentialsFilename())}
			}
			return nil, fmt.Errorf("aws config: no profile %s in %s; aws configure list-profiles lists the profiles there", missing.Profile, strings.Join(files, " or "))
		}
		if err != nil {
			return nil, fmt.Errorf("aws config%s: %w", profileText(p), err)
		}
		var regions []string
		for _, r := range o.Regions {
			if !slices.Contains(regions, r) {
				regions = append(regions, r)
			}
		}
		switch {
		case all && cfg.Region == "":
			// Any Region answers GetCallerIdentity and DescribeRegions.
			cfg.Region = "us-east-1"
		case len(regions) == 0 && cfg.Region == "":
			return nil, fmt.Errorf("no AWS Region%s: give --region or set AWS_REGION", profileText(p))
		case len(regions) == 0:
			regions = []string{cfg.Region}
		}
		// The credentials first: without any, the SDK's error ends in
		// whichever source it tried last (often instance metadata).
		if cfg.Credentials != nil {
			if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
				return nil, fmt.Errorf("no AWS credentials%s: %w; set them up with aws configure or aws sso login, or name a profile with --profile or AWS_PROFILE (docs/aws.md)", profileText(p), err)
			}
		}
		// Who the credentials are, before anything else is asked.
		id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return nil, fmt.Errorf("sts get-caller-identity%s: %w", profileText(p), err)
		}
		if all {
			if regions, err = enabledRegions(ctx, cfg); err != nil {
				return nil, fmt.Errorf("ec2 describe-regions%s: %w", profileText(p), err)
			}
		}
		a := Account{Profile: p, ID: aws.ToString(id.Account), ARN: aws.ToString(id.Arn), Regions: regions, cfg: cfg}
		for _, b := range accounts {
			if b.ID == a.ID {
				return nil, fmt.Errorf("profiles %q and %q are the same account %s: give each account once", b.Profile, a.Profile, a.ID)
			}
		}
		accounts = append(accounts, a)
	}
	return accounts, nil
}

// enabledRegions lists the Regions the account may use, sorted:
// DescribeRegions without AllRegions leaves out opt-in Regions that are
// not enabled (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html).
func enabledRegions(ctx context.Context, cfg aws.Config) ([]string, error) {
	out, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		return nil, err
	}
	var r []string
	for _, x := range out.Regions {
		r = append(r, aws.ToString(x.RegionName))
	}
	slices.Sort(r)
	if len(r) == 0 {
		return nil, fmt.Errorf("the account has no Region enabled")
	}
	return r, nil
}

func profileText(p string) string {
	if p == "" {
		return ""
	}
	return fmt.Sprintf(" (profile %s)", p)
}

// Snapshot is what Read read: describe-* JSON files by slash-separated
// path, <account>/<region>/<file>.json.
type Snapshot struct {
	Files map[string][]byte
}

// FS is the snapshot as a file system, for awsjson.Load.
func (s *Snapshot) FS() fs.FS {
	m := fstest.MapFS{}
	for p, b := range s.Files {
		m[p] = &fstest.MapFile{Data: b, Mode: 0o644}
	}
	return m
}

// Paths lists the snapshot's files, sorted.
func (s *Snapshot) Paths() []string { return slices.Sorted(maps.Keys(s.Files)) }

// Read reads every account's Regions: each call of Calls once per account
// and Region, at most o.Concurrency at a time. The first error stops the
// rest and is returned, naming the account, Region and call.
func Read(ctx context.Context, accounts []Account, o Options) (*Snapshot, error) {
	n := o.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		a      Account
		region string
		call   Call
		w      *regionWriter
	}
	var jobs []job
	// One client pair per account and Region, shared by its calls.
	clientsOf := map[*regionWriter]*clients{}
	for _, a := range accounts {
		for _, r := range a.Regions {
			cfg := a.cfg.Copy()
			cfg.Region = r
			w := &regionWriter{dir: path.Join(a.ID, r), files: map[string][]byte{}}
			clientsOf[w] = &clients{ec2: ec2.NewFromConfig(cfg), elb: elb.NewFromConfig(cfg)}
			for _, call := range Calls {
				jobs = append(jobs, job{a: a, region: r, call: call, w: w})
			}
		}
	}
	var (
		mu    sync.Mutex
		done  int
		first error
		wg    sync.WaitGroup
		sem   = make(chan struct{}, n)
	)
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			err := j.call.run(ctx, clientsOf[j.w], j.w)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if first == nil {
					first = fmt.Errorf("account %s, %s: %s: %w%s", j.a.ID, j.region, j.call.File, err, denied(err))
				}
				cancel()
				return
			}
			done++
			if o.Progress != nil {
				o.Progress(Progress{Account: j.a.ID, Region: j.region, File: j.call.File, Done: done, Total: len(jobs)})
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := &Snapshot{Files: map[string][]byte{}}
	for w := range clientsOf {
		for name, b := range w.files {
			s.Files[path.Join(w.dir, name)] = b
		}
	}
	return s, nil
}

// denied is a hint for an error that is a missing permission.
func denied(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "UnauthorizedOperation", "AccessDenied", "AccessDeniedException":
			return " (moat iam-policy read prints the policy moat needs)"
		}
	}
	return ""
}

// regionWriter collects one account and Region's files; calls of the
// same Region write to it concurrently.
type regionWriter struct {
	dir   string
	mu    sync.Mutex
	files map[string][]byte
}

// put writes items as the CLI prints them: {"Key": [...]}, indented, with
// the members the API left out (nil in the SDK's structs) left out too.
func (w *regionWriter) put(file, key string, items any) error {
	b, err := cliJSON(map[string]any{key: items})
	if err != nil {
		return fmt.Errorf("encode %s: %w", file, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	name := file + ".json"
	if _, dup := w.files[name]; dup {
		return fmt.Errorf("two calls write %s", name)
	}
	w.files[name] = b
	return nil
}

// cliJSON encodes v as indented JSON without null members: the SDK's
// structs hold a nil pointer where the API sent nothing, and the CLI
// prints nothing there.
func cliJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var t any
	if err := d.Decode(&t); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	e := json.NewEncoder(&out)
	e.SetIndent("", "    ")
	e.SetEscapeHTML(false)
	if err := e.Encode(dropNulls(t)); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func dropNulls(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if x == nil {
				delete(v, k)
				continue
			}
			v[k] = dropNulls(x)
		}
	case []any:
		for i, x := range v {
			v[i] = dropNulls(x)
		}
	}
	return v
}
