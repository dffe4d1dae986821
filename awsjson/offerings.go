package awsjson

import (
	"slices"

	"github.com/moatnet/moat/diag"
	"github.com/moatnet/moat/model"
)

// offerings collects the instance types offered per AZ ID from every
// describe-instance-type-offerings file. Offerings by zone name
// (--location-type availability-zone) are mapped to AZ IDs through the
// subnets the files describe; others are skipped with a warning, since
// zone names differ between accounts.
func offerings(files []file, r *Result) model.Offerings {
	names := map[string]string{} // zone name -> AZ ID
	for _, f := range files {
		for _, s := range f.d.Subnets {
			if s.AvailabilityZone != "" && s.AvailabilityZoneId != "" {
				names[s.AvailabilityZone] = s.AvailabilityZoneId
			}
		}
	}
	var out model.Offerings
	for _, f := range files {
		if f.k.command != "describe-instance-type-offerings" {
			continue
		}
		if out == nil {
			out = model.Offerings{}
		}
		skipped := 0
		for _, o := range f.d.InstanceTypeOfferings {
			zone := o.Location
			switch o.LocationType {
			case "availability-zone-id":
			case "availability-zone":
				zone = names[o.Location]
			default:
				zone = ""
			}
			if zone == "" || o.InstanceType == "" {
				skipped++
				continue
			}
			if !slices.Contains(out[zone], o.InstanceType) {
				out[zone] = append(out[zone], o.InstanceType)
			}
		}
		if skipped > 0 {
			r.diags.Warnf(diag.Range{File: f.name}, "save aws ec2 describe-instance-type-offerings --location-type availability-zone-id",
				"%d offerings are not per Availability Zone ID and were skipped", skipped)
		}
	}
	for z := range out {
		slices.Sort(out[z])
	}
	return out
}
