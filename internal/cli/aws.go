package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/moatnet/moat/awsjson"
	"github.com/moatnet/moat/awslive"
)

// awsFlags choose what NETWORK=aws and moat snapshot read.
type awsFlags struct {
	profiles, regions []string
	// from is --from: where a spec's network.existing VPC is read.
	from string
	// flags are --profile and --region, made once and added to each
	// command that takes them: making a string-array flag formats its
	// default through a CSV writer with a 4 KB buffer, which, for every
	// command anew, was a tenth of moat's start.
	flags []*pflag.Flag
}

// liveNetwork is the NETWORK that reads the live account.
const liveNetwork = "aws"

// What --profile and --region mean differs by command; the flags' values
// are shared, their usage is each command's own.
const (
	profileReadUsage   = "AWS profile to read (repeat for several accounts; default: AWS_PROFILE or the default chain)"
	regionReadUsage    = "AWS Region to read (repeat for several, or all: every enabled Region; default: AWS_REGION or the profile's)"
	profileNetUsage    = "AWS profile to read, when NETWORK is aws (repeat for several accounts; default: AWS_PROFILE or the default chain)"
	regionNetUsage     = "AWS Region to read, when NETWORK is aws (repeat for several, or all: every enabled Region; default: AWS_REGION or the profile's)"
	profileFromUsage   = "with --from aws: the AWS profile to read the existing VPC as (default: AWS_PROFILE or the default chain)"
	regionSpecUsage    = "AWS Region, when the command talks to AWS: it must be the spec's region:, which is the default"
	profileDeployUsage = "AWS profile to use (default: AWS_PROFILE or the default chain); for a spec split across accounts, ACCOUNT=PROFILE once per account, ACCOUNT being the ID or the template's name (network, workload)"
)

// addAWSFlags gives cmd --profile and --region with these usages. One run
// parses one command's flags, so the commands share the flags' values.
func addAWSFlags(cmd *cobra.Command, f *awsFlags, profileUsage, regionUsage string) {
	if f.flags == nil {
		fs := pflag.NewFlagSet("aws", pflag.ContinueOnError)
		fs.StringArrayVar(&f.profiles, "profile", nil, "")
		fs.StringArrayVar(&f.regions, "region", nil, "")
		f.flags = []*pflag.Flag{fs.Lookup("profile"), fs.Lookup("region")}
	}
	for i, usage := range []string{profileUsage, regionUsage} {
		fl := *f.flags[i]
		fl.Usage = usage
		cmd.Flags().AddFlag(&fl)
	}
}

// addAWSFlagsToNetworkCommands gives every command that takes a NETWORK
// the flags NETWORK=aws reads.
func addAWSFlagsToNetworkCommands(c *cobra.Command, f *awsFlags) {
	if strings.Contains(c.Use, "NETWORK") && c.Flags().Lookup("region") == nil {
		addAWSFlags(c, f, profileNetUsage, regionNetUsage)
	}
	for _, sub := range c.Commands() {
		addAWSFlagsToNetworkCommands(sub, f)
	}
}

// readLive reads the accounts and Regions the flags and the standard
// chain pick, saying on stderr which account and caller it reads as
// before it reads.
func readLive(ctx context.Context, io *streams) (*awslive.Snapshot, error) {
	o := awslive.Options{Profiles: io.aws.profiles, Regions: io.aws.regions}
	accounts, err := awslive.Accounts(ctx, o)
	if err != nil {
		return nil, &exitError{code: exitInput, err: err}
	}
	for _, a := range accounts {
		prof := ""
		if a.Profile != "" {
			prof = ", profile " + a.Profile
		}
		fmt.Fprintf(io.stderr, "moat: reading account %s as %s%s, %s\n", a.ID, a.ARN, prof, strings.Join(a.Regions, ", "))
	}
	if isTerminal(io.stderr) {
		o.Progress = func(p awslive.Progress) {
			fmt.Fprintf(io.stderr, "\rmoat: read %d of %d calls (%s %s %s)\x1b[K", p.Done, p.Total, p.Account, p.Region, p.File)
		}
	}
	s, err := awslive.Read(ctx, accounts, o)
	if o.Progress != nil {
		fmt.Fprint(io.stderr, "\r\x1b[K")
	}
	if err != nil {
		return nil, &exitError{code: exitInput, err: fmt.Errorf("read aws: %w", err)}
	}
	return s, nil
}

// isTerminal reports whether w is a terminal, for the progress line.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// loadLive reads the live account into memory and loads it as awsjson
// loads a snapshot directory, so NETWORK=aws and moat snapshot's
// directory give the same network.
func loadLive(ctx context.Context, io *streams) (*source, error) {
	s, err := readLive(ctx, io)
	if err != nil {
		return nil, err
	}
	r, diags := awsjson.Load(s.FS(), liveNetwork, liveNetwork)
	if err := reportDiags(io, diags, r.Sources); err != nil {
		return nil, err
	}
	return &source{network: r.Network}, nil
}

func newSnapshotCommand(io *streams) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "snapshot -o DIR",
		Short: "Read a live AWS account's network and save it as describe-* JSON",
		Long: `snapshot reads the network of the account the standard AWS configuration
picks (--profile, AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, SSO) with
read-only calls (moat iam-policy read prints the policy they need), and
writes it to DIR as the describe-* JSON every command reads: one folder per
account and Region. An audit can then be shared and run again offline:

  moat snapshot -o ./acme && moat audit ./acme

DIR is replaced whole or not at all; an existing DIR must be empty or an
earlier snapshot. Every command that takes a NETWORK also takes aws, which
reads the same way into memory.`,
		Example: `  moat snapshot -o ./acme
  moat snapshot -o ./acme --region us-east-1 --region eu-west-1
  moat snapshot -o ./acme --region all
  moat snapshot -o ./org --profile prod --profile shared`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return &exitError{code: exitInput, err: fmt.Errorf("snapshot needs -o DIR, the directory to write")}
			}
			s, err := readLive(cmd.Context(), io)
			if err != nil {
				return err
			}
			// What the directory will give every command, checked before
			// it is written.
			r, diags := awsjson.Load(s.FS(), out, "snapshot")
			if err := reportDiags(io, diags, r.Sources); err != nil {
				return err
			}
			if err := s.WriteDir(out); err != nil {
				return &exitError{code: exitInput, err: err}
			}
			fmt.Fprintf(io.stdout, "Wrote %s: %d files, %d VPCs.\n", out, len(s.Files), len(r.Network.VPCs))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "directory to write (replaced whole)")
	addAWSFlags(cmd, &io.aws, profileReadUsage, regionReadUsage)
	return cmd
}

func newIAMPolicyCommand(io *streams) *cobra.Command {
	var bucket string
	cmd := &cobra.Command{
		Use:   "iam-policy read|deploy|destroy|drift|explain",
		Short: "Print the least-privilege IAM policy a use of moat needs",
		Long: `iam-policy prints the IAM policy a use of moat needs: exactly the actions it
calls (each policy is made from the same lists the code calls from, and
tests record the calls made on moto and compare).

  read     moat snapshot and NETWORK=aws: the read-only Describe, Get and
           Search actions (none supports resource-level permissions: "*")
  deploy   moat deploy: the change-set calls, DeleteStack (re-creating a
           ROLLBACK_COMPLETE stack), UpdateTerminationProtection (prod), and
           the template bucket's S3 calls, scoped to moat-templates-* (or
           --template-bucket B), with s3:GetObject, which CloudFormation
           uses to read the template as the caller
  destroy  moat destroy: reading the stack's template and resources, deleting it
  drift    moat drift: the read policy
  explain  moat explain --log-group: logs:FilterLogEvents, with the read policy

The deploy policy covers moat's own calls. CloudFormation makes the
stack's resources with the caller's permissions too, so the caller also
needs those (EC2, ELB, RDS, ... as the template holds). A spec split
across accounts needs the deploy (and destroy) policy in each account, for
the caller of that account's --profile ACCOUNT=PROFILE.`,
		Example: `  moat iam-policy read > moat-read.json
  aws iam create-policy --policy-name moat-read --policy-document file://moat-read.json
  moat iam-policy deploy --template-bucket my-cfn-templates`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"read", "deploy", "destroy", "drift", "explain"},
		RunE: func(_ *cobra.Command, args []string) error {
			b, err := awslive.PolicyFor(args[0], bucket)
			if err != nil {
				return &exitError{code: exitInput, err: err}
			}
			_, err = io.stdout.Write(b)
			return err
		},
	}
	cmd.Flags().StringVar(&bucket, "template-bucket", "", "for deploy: the template bucket moat deploy is given (default: moat's own, moat-templates-*)")
	return cmd
}
