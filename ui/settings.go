package ui

import (
	"encoding/json"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/moatnet/moat/model"
	"github.com/moatnet/moat/spec"
)

// settings are the spec's effective values (defaults filled in) by the
// dotted path the page's fields edit. "ui.nat" is the page's NAT choice:
// the name of the row of opts, the design's NAT options, that the spec
// chose ("none" is a row).
func settings(st *spec.Stack, opts []model.NATOption) map[string]any {
	s := map[string]any{}
	if st == nil {
		return s
	}
	nw := st.Network
	s["stack"], s["region"], s["environment"] = st.Name, st.Region, string(st.Environment)
	s["topology"] = string(st.Topology)
	s["network.cidr"] = prefixText(nw.CIDR)
	s["network.zones"] = nw.Zones.Count
	if len(nw.Zones.IDs) > 0 {
		s["network.zones"] = strings.Join(nw.Zones.IDs, ", ")
	}
	s["ui.nat"] = natChoice(st, opts)
	s["network.nat.instance_type"] = nw.NAT.InstanceType
	s["network.ipv6"] = nw.IPv6
	s["network.flow_logs.enabled"] = nw.FlowLogs.Enabled
	s["network.endpoints.gateway"] = strings.Join(nw.Endpoints.Gateway, ", ")
	s["network.endpoints.interface"] = strings.Join(nw.Endpoints.Interface, ", ")
	fe := st.FrontEnd
	s["frontend.kind"] = string(fe.Kind)
	s["frontend.internet_facing"] = fe.InternetFacing
	var domains, certs []string
	for _, d := range fe.Domains {
		domains = append(domains, d.Name)
		certs = append(certs, d.Certificate)
	}
	s["frontend.domains"] = strings.Join(domains, ", ")
	s["frontend.certificates"] = strings.Join(certs, ", ")
	if sv := st.Service; sv != nil {
		s["service.name"], s["service.port"], s["service.kind"] = sv.Name, sv.Port, string(sv.Kind)
		s["service.cpu"], s["service.memory"], s["service.desired_count"] = sv.CPU, sv.Memory, sv.DesiredCount
	}
	if db := st.Database; db != nil {
		s["database.engine"], s["database.instance_class"], s["database.storage"] = db.Engine, db.InstanceClass, db.StorageGiB
	}
	s["bastion.mode"] = "off"
	if b := st.Bastion; b != nil {
		s["bastion.mode"] = string(b.Mode)
		var from []string
		for _, p := range b.AllowFrom {
			from = append(from, p.String())
		}
		s["bastion.allow_from"] = strings.Join(from, ", ")
	}
	return s
}

// expandEdits turns the page's NAT choice ("ui.nat") into edits of the
// spec's own network.nat, in the shortest form the spec already uses: a
// scalar mode where one says it all, mode and per_zone in a mapping that
// keeps the user's other NAT keys.
func expandEdits(src []byte, edits []Edit) []Edit {
	var out []Edit
	for _, e := range edits {
		if e.Path != "ui.nat" {
			out = append(out, e)
			continue
		}
		var choice string
		if json.Unmarshal(e.Value, &choice) != nil {
			continue
		}
		out = append(out, natEdits(src, choice)...)
	}
	return out
}

func natEdits(src []byte, choice string) []Edit {
	mode, perZone := choice, ""
	switch choice {
	case "instance-per-zone":
		mode, perZone = "instance", "true"
	case "instance-shared":
		mode, perZone = "instance", "false"
	}
	q, _ := json.Marshal(mode)
	mapping, prod := false, true
	if root, err := parseDoc(src); err == nil {
		if i := keyIndex(root, "environment"); i >= 0 && root.Content[i+1].Value == "dev" {
			prod = false
		}
		if i := keyIndex(root, "network"); i >= 0 {
			if j := keyIndex(root.Content[i+1], "nat"); j >= 0 {
				mapping = root.Content[i+1].Content[j+1].Kind == yaml.MappingNode
			}
		}
	}
	defaultPerZone := map[bool]string{true: "true", false: "false"}[prod]
	if !mapping {
		if perZone == "" || perZone == defaultPerZone {
			return []Edit{{Path: "network.nat", Value: q}}
		}
		return []Edit{{Path: "network.nat", Value: json.RawMessage(`{"mode":"instance","per_zone":` + perZone + `}`)}}
	}
	es := []Edit{{Path: "network.nat.mode", Value: q}}
	if perZone == "" {
		return append(es, Edit{Path: "network.nat.per_zone"}, Edit{Path: "network.nat.instance_type"})
	}
	return append(es, Edit{Path: "network.nat.per_zone", Value: json.RawMessage(perZone)})
}

// PathAt is the dotted path of the setting at line:column of src: the
// deepest mapping entry whose key or value starts there or before it on
// its lines. It is empty when src does not parse or the position is
// outside every entry.
func PathAt(src []byte, line, col int) string {
	root, err := parseDoc(src)
	if err != nil || line == 0 {
		return ""
	}
	return pathIn(root, "", line, col)
}

func pathIn(m *yaml.Node, prefix string, line, col int) string {
	best := ""
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Line > line || (k.Line == line && k.Column > col) {
			break
		}
		best = prefix + k.Value
		if v.Kind == yaml.MappingNode {
			if deeper := pathIn(v, best+".", line, col); deeper != "" {
				best = deeper
			}
		}
	}
	return best
}
