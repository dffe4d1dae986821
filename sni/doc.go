// Package sni decides which TLS certificate a load balancer serves for a
// host name, the way an Application or Network Load Balancer does with
// Server Name Indication. It is pure: the plan uses it to print the
// domain → certificate table and to warn about uncovered domains, and the
// network twin's load balancer calls the same function, so both agree.
package sni
