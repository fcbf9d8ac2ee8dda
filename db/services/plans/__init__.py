"""The district's plans (spec/plans.md): indicators and targets, the cultivation pipeline."""
