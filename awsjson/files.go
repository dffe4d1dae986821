package awsjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/moatnet/moat/diag"
)

// kind is one sort of file moat reads, under the names the AWS CLI command
// and a Batfish snapshot give it.
type kind struct {
	command string // CLI command, e.g. "describe-vpcs"; the file name starts with it
	batfish string // Batfish snapshot name without .json, e.g. "Vpcs"
	// perID is the id prefix ("tgw-rtb-", "pl-", ...) a per-table file
	// names, for CLI outputs that do not repeat the table's id.
	perID string
}

// kinds lists every file moat reads. Order does not matter: the longest
// matching command name wins.
var kinds = []kind{
	{command: "describe-vpcs", batfish: "Vpcs"},
	{command: "describe-subnets", batfish: "Subnets"},
	{command: "describe-route-tables", batfish: "RouteTables"},
	{command: "describe-internet-gateways", batfish: "InternetGateways"},
	{command: "describe-egress-only-internet-gateways", batfish: "EgressOnlyInternetGateways"},
	{command: "describe-nat-gateways", batfish: "NatGateways"},
	{command: "describe-network-interfaces", batfish: "NetworkInterfaces"},
	{command: "describe-instances", batfish: "Reservations"},
	{command: "describe-security-groups", batfish: "SecurityGroups"},
	{command: "describe-network-acls", batfish: "NetworkAcls"},
	{command: "describe-vpc-endpoints", batfish: "VpcEndpoints"},
	{command: "describe-vpc-peering-connections", batfish: "VpcPeeringConnections"},
	{command: "describe-transit-gateways", batfish: "TransitGateways"},
	{command: "describe-transit-gateway-attachments", batfish: "TransitGatewayAttachments"},
	{command: "describe-transit-gateway-vpc-attachments", batfish: "TransitGatewayVpcAttachments"},
	{command: "describe-transit-gateway-route-tables", batfish: "TransitGatewayRouteTables"},
	{command: "search-transit-gateway-routes", batfish: "TransitGatewayStaticRoutes", perID: "tgw-rtb-"},
	{command: "get-transit-gateway-route-table-associations", perID: "tgw-rtb-"},
	{command: "get-transit-gateway-route-table-propagations", batfish: "TransitGatewayPropagations", perID: "tgw-rtb-"},
	{command: "describe-managed-prefix-lists", batfish: "PrefixLists"},
	{command: "describe-prefix-lists"},
	{command: "get-managed-prefix-list-entries", perID: "pl-"},
	{command: "describe-addresses", batfish: "Addresses"},
	{command: "describe-load-balancers", batfish: "LoadBalancers"},
	{command: "describe-listeners", batfish: "LoadBalancerListeners"},
	{command: "describe-target-groups", batfish: "TargetGroups"},
	// describe-target-health prints no target group: name the group in the
	// file name (describe-target-health.<group-name>.json).
	{command: "describe-target-health", batfish: "LoadBalancerTargetHealth", perID: "tg:"},
	// describe-target-group-attributes likewise
	// (describe-target-group-attributes.<group-name>.json): the
	// preserve_client_ip.enabled of a Network Load Balancer's group.
	{command: "describe-target-group-attributes", perID: "tg:"},
	{command: "describe-vpn-gateways", batfish: "VpnGateways"},
	{command: "describe-vpn-connections", batfish: "VpnConnections"},
	{command: "describe-customer-gateways", batfish: "CustomerGateways"},
	// aws directconnect describe-virtual-interfaces
	{command: "describe-virtual-interfaces", batfish: "VirtualInterfaces"},
	// aws ec2 describe-instance-type-offerings --location-type
	// availability-zone-id: which instance types each zone offers.
	{command: "describe-instance-type-offerings"},
}

// kindOf returns the kind of a file by its base name, and the table id the
// name carries for per-table files ("" when none).
func kindOf(base string) (kind, string, bool) {
	name, ok := strings.CutSuffix(base, ".json")
	if !ok {
		return kind{}, "", false
	}
	for _, k := range kinds {
		if k.batfish != "" && name == k.batfish {
			return k, "", true
		}
	}
	best, found := kind{}, false
	for _, k := range kinds {
		rest, ok := strings.CutPrefix(name, k.command)
		if !ok || (rest != "" && !strings.ContainsRune(".-_ ", rune(rest[0]))) {
			continue
		}
		if !found || len(k.command) > len(best.command) {
			best, found = k, true
		}
	}
	if !found {
		return kind{}, "", false
	}
	return best, tableID(best, strings.TrimPrefix(name, best.command)), true
}

var idPattern = map[string]*regexp.Regexp{
	"tgw-rtb-": regexp.MustCompile(`tgw-rtb-[0-9a-zA-Z]+`),
	"pl-":      regexp.MustCompile(`pl-[0-9a-zA-Z]+`),
}

// tableID finds the id a per-table file is about in the rest of its name.
func tableID(k kind, rest string) string {
	switch k.perID {
	case "":
		return ""
	case "tg:":
		return strings.Trim(rest, ".-_ ")
	}
	return idPattern[k.perID].FindString(rest)
}

// file is one recognised file, decoded.
type file struct {
	name    string // as shown to the user: root joined with the path
	k       kind
	tableID string
	scope   scope
	d       dump
	src     []byte // to place diagnostics
}

// scope is the account and Region a directory's files describe; empty
// when the path does not say.
type scope struct {
	account, region string
}

var (
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$`)
	accountRE = regexp.MustCompile(`^[0-9]+$`)
)

// scopeOf reads the account and Region from the directories of p.
func scopeOf(p string) scope {
	var s scope
	for _, seg := range strings.Split(path.Dir(p), "/") {
		switch {
		case regionRE.MatchString(seg):
			s.region = seg
		case accountRE.MatchString(seg):
			s.account = seg
		}
	}
	return s
}

// readAll walks fsys in lexical order and decodes every recognised file.
// Errors in one file do not stop the others: every problem is reported.
func readAll(fsys fs.FS, root string, r *Result) []file {
	var files []file
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			r.diags.Errorf(diag.Range{File: show(root, p)}, "", "read: %v", err)
			return nil
		}
		if d.IsDir() {
			return nil
		}
		k, id, ok := kindOf(d.Name())
		if !ok {
			r.Ignored = append(r.Ignored, show(root, p))
			return nil
		}
		src, err := readFile(fsys, p)
		if err != nil {
			r.diags.Errorf(diag.Range{File: show(root, p)}, "save the command's output as a regular file: aws ec2 ... --output json > FILE", "read: %v", err)
			return nil
		}
		f := file{name: show(root, p), k: k, tableID: id, scope: scopeOf(p), src: src}
		r.Sources[f.name] = src
		if err := decode(src, &f.d); err != nil {
			r.Sources[f.name] = src
			r.diags = append(r.diags, jsonDiag(f.name, src, err))
			return nil
		}
		if t := bytes.TrimSpace(src); string(t) == "null" {
			r.diags.Errorf(diag.Range{File: f.name, Start: diag.PosAt(src, int64(bytes.Index(src, t)))}, "save the command's output unchanged: aws ec2 ... --output json > FILE",
				"the file holds null, not the output of %s", k.command)
			return nil
		}
		if d := diag.JSONDuplicateKeys(f.name, src, "save the command's output unchanged; AWS never repeats a key"); len(d) > 0 {
			r.diags = append(r.diags, d...)
			return nil
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		r.diags.Errorf(diag.Range{File: root}, "", "read directory: %v", err)
	}
	slices.Sort(r.Ignored)
	return files
}

// MaxFileBytes caps one describe-* file: the largest real outputs are tens
// of megabytes, and a cap fails a wrong file fast instead of exhausting
// memory.
const MaxFileBytes = 256 << 20

// readFile reads p if it is a regular file (after symbolic links) of at
// most MaxFileBytes: a FIFO or device named like a describe file would
// block or never end.
func readFile(fsys fs.FS, p string) ([]byte, error) {
	fi, err := fs.Stat(fsys, p)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (mode %s)", path.Base(p), fi.Mode().Type())
	}
	if fi.Size() > MaxFileBytes {
		return nil, fmt.Errorf("%s is %d MiB; moat reads at most %d MiB per file", path.Base(p), fi.Size()>>20, MaxFileBytes>>20)
	}
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileBytes {
		return nil, fmt.Errorf("%s is over %d MiB; moat reads at most %d MiB per file", path.Base(p), MaxFileBytes>>20, MaxFileBytes>>20)
	}
	return b, nil
}

func show(root, p string) string {
	if root == "" {
		return p
	}
	return path.Join(root, p)
}

// decode reads one JSON document; json.Unmarshal also rejects anything
// after it, with the offset of the first stray byte.
func decode(src []byte, d *dump) error { return json.Unmarshal(src, d) }

// jsonDiag turns a decoding error into a diagnostic at line:column.
func jsonDiag(name string, src []byte, err error) diag.Diagnostic {
	return diag.JSONError(name, src, err, "save the command's output unchanged: aws ec2 ... --output json > FILE")
}

// at places a diagnostic at the nth (from 1) occurrence in f of the JSON
// member "key": "value"; at the file when it is not found.
func (f file) at(key, value string, nth int) diag.Range {
	re := regexp.MustCompile(`"` + regexp.QuoteMeta(key) + `"\s*:\s*"` + regexp.QuoteMeta(value) + `"`)
	m := re.FindAllIndex(f.src, nth)
	if len(m) < nth || nth < 1 {
		return diag.Range{File: f.name}
	}
	start := m[nth-1][0]
	// Point at the value, where the caret helps most.
	v := start + bytes.LastIndex(f.src[start:m[nth-1][1]], []byte(`"`+value))
	return diag.Range{File: f.name, Start: diag.PosAt(f.src, int64(v)), End: diag.PosAt(f.src, int64(m[nth-1][1]))}
}
