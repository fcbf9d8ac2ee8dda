"""技术合同: the technology-contract ledger screen (spec/plans.md)."""
