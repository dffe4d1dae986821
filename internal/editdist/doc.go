// Package editdist measures how far apart two names are, so a typo in a
// spec key, a value or an instance type gets the nearest known names as
// its hint.
package editdist
