"""设置: the bureau's settings, towns, signatories, targets, thresholds and this user's name."""
