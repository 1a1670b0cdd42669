// Package projectiontest checks that projections are pure functions of the
// events: building them incrementally, rebuilding them from position zero
// and building them as of the head into another schema all give identical
// tables.
package projectiontest
