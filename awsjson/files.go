package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

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
	{command: "describe-vpn-gateways", batfish: "VpnGateways"},
	{command: "describe-vpn-connections", batfish: "VpnConnections"},
	{command: "describe-customer-gateways", batfish: "CustomerGateways"},
	// aws directconnect describe-virtual-interfaces
	{command: "describe-virtual-interfaces", batfish: "VirtualInterfaces"},
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
			r.Diags.Errorf(diag.Range{File: show(root, p)}, "", "read: %v", err)
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
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			r.Diags.Errorf(diag.Range{File: show(root, p)}, "", "read: %v", err)
			return nil
		}
		f := file{name: show(root, p), k: k, tableID: id, scope: scopeOf(p)}
		if err := decode(src, &f.d); err != nil {
			r.Sources[f.name] = src
			r.Diags = append(r.Diags, jsonDiag(f.name, src, err))
			return nil
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		r.Diags.Errorf(diag.Range{File: root}, "", "read directory: %v", err)
	}
	slices.Sort(r.Ignored)
	return files
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
	var (
		syn  *json.SyntaxError
		typ  *json.UnmarshalTypeError
		off  int64 = -1
		msg        = err.Error()
		hint       = "save the command's output unchanged: aws ec2 ... --output json > FILE"
	)
	switch {
	case errors.As(err, &syn):
		off = syn.Offset - 1
	case errors.As(err, &typ):
		off = valueStart(src, typ.Offset)
		msg = fmt.Sprintf("%s is %s, want %s", fieldName(typ), typ.Value, typ.Type)
	case err.Error() == "unexpected EOF":
		off = int64(len(src))
		msg = "the JSON ends early"
	}
	pos := position(src, off)
	return diag.Diagnostic{
		Severity: diag.Error,
		Summary:  "invalid JSON: " + strings.TrimPrefix(msg, "json: "),
		Hint:     hint,
		Range:    diag.Range{File: name, Start: pos},
	}
}

func fieldName(e *json.UnmarshalTypeError) string {
	if e.Field == "" {
		return "the document"
	}
	return e.Field
}

// position converts a byte offset into a 1-based line and column counted in
// runes, as the YAML parser and diag.Render count them. A negative offset
// is unknown (the zero Pos).
func position(src []byte, off int64) diag.Pos {
	if off < 0 {
		return diag.Pos{}
	}
	off = min(off, int64(len(src)))
	before := src[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return diag.Pos{Line: line, Column: utf8.RuneCount(before[start:]) + 1}
}

// valueStart finds where the JSON value ending at end begins, so a type
// error points at the value rather than just past it. It walks back over a
// string, a bracketed value or a bare literal.
func valueStart(src []byte, end int64) int64 {
	i := min(end, int64(len(src))) - 1
	for i >= 0 && isSpace(src[i]) {
		i--
	}
	if i < 0 {
		return 0
	}
	switch src[i] {
	case '"':
		return stringStart(src, i)
	case '}', ']':
		depth := 0
		for ; i >= 0; i-- {
			switch src[i] {
			case '"':
				i = stringStart(src, i)
			case '}', ']':
				depth++
			case '{', '[':
				depth--
				if depth == 0 {
					return i
				}
			}
		}
		return 0
	}
	for i > 0 && !isSpace(src[i-1]) && !strings.ContainsRune(":,[{", rune(src[i-1])) {
		i--
	}
	return i
}

// stringStart returns the offset of the quote opening the string whose
// closing quote is at end.
func stringStart(src []byte, end int64) int64 {
	for j := end - 1; j >= 0; j-- {
		if src[j] != '"' {
			continue
		}
		k := j - 1
		for k >= 0 && src[k] == '\\' {
			k--
		}
		if (j-k-1)%2 == 0 {
			return j
		}
	}
	return 0
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
