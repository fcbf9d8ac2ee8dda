"""首页: the double-breakthrough counts."""
