"""报送: collection rounds (征集) — rounds, towns, registering and importing returned workbooks."""
