"""科技成果: S&T results and their transfers (spec/plans.md)."""
