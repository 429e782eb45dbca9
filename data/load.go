package data

import "mineplan/internal/plan"

// LoadDefault reads and validates the embedded Kashgar bundle.
func LoadDefault() (*plan.Plan, error) {
	fsys, err := Bundle(DefaultPlan)
	if err != nil {
		return nil, err
	}
	return plan.Load(fsys)
}
