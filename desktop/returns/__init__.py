"""Statistical returns (统计报表): declarative definitions, compute, PDF / XLSX rendering, archive.

No Qt here; the returns screen and `bureau returns` both use these functions.
"""
