"""Enterprises of the roster: records (crud), the roster's id lists (roster), qualifications, search text.

The record operations are re-exported here: `enterprises.create(session, values, operator)`."""

from db.services.enterprises.crud import (
    EDITABLE,
    ENTITY,
    YEAR_FIELDS,
    DeletedEnterprise,
    EnterpriseView,
    YearFigures,
    create,
    find_by_uscc,
    get,
    recycle_bin,
    restore,
    set_year,
    similar_names,
    soft_delete,
    update,
)

__all__ = [
    "EDITABLE",
    "ENTITY",
    "YEAR_FIELDS",
    "DeletedEnterprise",
    "EnterpriseView",
    "YearFigures",
    "create",
    "find_by_uscc",
    "get",
    "recycle_bin",
    "restore",
    "set_year",
    "similar_names",
    "soft_delete",
    "update",
]
