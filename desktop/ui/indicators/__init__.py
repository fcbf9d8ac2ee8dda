"""指标与目标: the plan indicators of a year, their targets, actuals and town breakdown."""
