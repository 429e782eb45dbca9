// Package integration holds the cross-package tests: internal/app's use
// cases over each storage backend. The store contract alone is tested by
// internal/store/storetest, which does not import app; these tests are
// the ones that need both. Every test is named TestIntegration… and runs
// on SQLite and, when MINEPLAN_TEST_POSTGRES is set, on PostGIS.
package integration
