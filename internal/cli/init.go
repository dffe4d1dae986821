package cli

import (
	"errors"
	"fmt"
	"github.com/moatnet/moat/region"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/spec"
)

type initOptions struct {
	stack, region string
	force         bool
	// fromVPC is --from-vpc: write the starter for that existing VPC.
	fromVPC string
}

func newInitCommand(io *streams) *cobra.Command {
	var opts initOptions
	cmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a commented starter spec",
		Long: `init writes a starter stack spec, with a comment on every setting, to FILE
(moat.yaml by default; "-" prints it). It describes a web application: an
internet-facing ALB, a service on port 8080 and a PostgreSQL database, in
three zones with NAT instances. Edit it, then run moat plan on it.

init never overwrites a file unless --force is given.`,
		Example: `  moat init
  moat init --stack shop --region eu-west-1 shop.yaml
  moat init - | less`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "moat.yaml"
			if len(args) == 1 {
				path = args[0]
			}
			return runInit(io, path, opts)
		},
	}
	cmd.Flags().StringVar(&opts.stack, "stack", "webapp", "stack name (lower-case letters, digits and hyphens)")
	cmd.Flags().StringVar(&opts.region, "region", "us-east-1", "AWS Region")
	cmd.Flags().BoolVar(&opts.force, "force", false, "overwrite FILE if it exists")
	cmd.Flags().StringVar(&opts.fromVPC, "from-vpc", "", "write the starter for this existing VPC (vpc-...), read with --from DIR or live (--from aws, --profile; --region is the Region)")
	cmd.Flags().StringVar(&io.aws.from, "from", "", "with --from-vpc: a describe-* snapshot directory holding the VPC, or aws to read it live")
	cmd.Flags().StringArrayVar(&io.aws.profiles, "profile", nil, "with --from-vpc --from aws: the AWS profile to read")
	return cmd
}

func runInit(io *streams, path string, opts initOptions) error {
	body := starterSpec(opts.stack, opts.region)
	if opts.fromVPC != "" {
		b, err := starterForVPC(io, opts)
		if err != nil {
			return err
		}
		body = b
	}
	// The starter must itself be valid: parse it before writing, so a bad
	// --stack or --region is reported against the flag, not a broken file.
	if _, ds := spec.Parse(path, body); ds.HasErrors() {
		var msgs []string
		for _, d := range ds.Sorted() {
			if d.Severity == diag.Error {
				msgs = append(msgs, d.Summary)
			}
		}
		return &exitError{code: exitInput, err: fmt.Errorf("cannot write a starter spec with --stack %q --region %q: %s", opts.stack, opts.region, strings.Join(msgs, "; "))}
	}
	if path == "-" {
		_, err := io.stdout.Write(body)
		return err
	}
	if !opts.force {
		if _, err := os.Stat(path); err == nil {
			return &exitError{code: exitInput, err: fmt.Errorf("%s already exists; use --force to overwrite it", path)}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return &exitError{code: exitInput, err: fmt.Errorf("check %s: %w", path, err)}
		}
	}
	if err := writeFileAtomic(path, body, 0o644); err != nil {
		return &exitError{code: exitInput, err: err}
	}
	fmt.Fprintf(io.stdout, "Wrote %s. Next: moat plan %s\n", path, path)
	return nil
}

func starterSpec(stack, regionName string) []byte {
	// The example AZ IDs are the Region's own, not us-east-1's.
	zones := region.ZoneIDs(regionName)
	example := strings.Join(zones[:min(3, len(zones))], ", ")
	if example == "" {
		example = "use1-az1, use1-az2, use1-az4"
	}
	return []byte(strings.NewReplacer("{{stack}}", stack, "{{region}}", regionName, "{{zones}}", example).Replace(starterTemplate))
}

const starterTemplate = `# moat stack spec. Reference: docs/spec.md. Check it: moat validate FILE.
stack: {{stack}}          # names every resource; lower-case letters, digits, hyphens
region: {{region}}
environment: prod        # prod | dev. dev shares one NAT instance, keeps logs 30 days
                         # and runs a single-AZ database, to cost less.

network:
  cidr: 10.0.0.0/16      # RFC 1918 or 100.64.0.0/10; /16 leaves room to grow
  zones: 3               # a count, or AZ IDs (not names): [{{zones}}]
  nat: instance          # instance | gateway | gateway-per-zone | regional-gateway | none
                         # NAT instances cost a fraction of NAT gateways; see moat plan's notes.
  ipv6: false            # true adds an Amazon IPv6 /56 and dual-stack subnets
  endpoints:
    gateway: [s3, dynamodb]   # free; keep them
    interface: []             # e.g. [ecr.api, ecr.dkr, logs]: billed per zone per hour
  flow_logs: true        # VPC flow logs to CloudWatch Logs

frontend:
  kind: alb              # alb | nlb | api-gateway | none
  internet_facing: true
  domains:
    - name: app.example.com
      # certificate: arn:aws:acm:{{region}}:123456789012:certificate/...   # omit to have one requested

service:
  name: app
  port: 8080             # only the load balancer may reach this port

database:
  engine: postgres       # postgres | mysql | mariadb; only the service may reach it

# bastion:               # off by default. Session Manager needs no open port:
#   mode: ssm
# or SSH from your own address only (never 0.0.0.0/0):
#   mode: ssh
#   allow_from: [203.0.113.7/32]
`
