"""两清零一提升: lists A and B of 规上工业企业 without R&D activity / institution."""
