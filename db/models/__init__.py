"""SQLAlchemy 2.x typed models, one module per area; importing this package registers them all."""

from db.models.audit import AuditEntry
from db.models.base import Base
from db.models.carriers import Carrier, CarrierYear, Incubatee
from db.models.commissioners import Assessment, Commissioner, Demand, Dispatch, ServiceRecord
from db.models.contracts import ResultTransfer, TechContract, TechResult
from db.models.cultivation import CultivationEntry
from db.models.enterprises import Enterprise, EnterpriseYear
from db.models.imports import ColumnMapping, ImportBatch
from db.models.indicators import (
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    IndicatorTownTarget,
)
from db.models.platforms import Platform
from db.models.qualifications import Qualification, QualificationType
from db.models.returns import ReturnLegalMarks, SubmittedReturn
from db.models.rounds import CollectionRound, CollectionRoundTown
from db.models.settings import BureauSettings
from db.models.towns import Town, TownAlias

__all__ = [
    "Assessment",
    "AuditEntry",
    "Base",
    "BureauSettings",
    "Carrier",
    "CarrierYear",
    "CollectionRound",
    "CollectionRoundTown",
    "ColumnMapping",
    "Commissioner",
    "CultivationEntry",
    "Demand",
    "Dispatch",
    "Enterprise",
    "EnterpriseYear",
    "ImportBatch",
    "Incubatee",
    "Indicator",
    "IndicatorActual",
    "IndicatorTarget",
    "IndicatorTownTarget",
    "Platform",
    "Qualification",
    "QualificationType",
    "ResultTransfer",
    "ReturnLegalMarks",
    "ServiceRecord",
    "SubmittedReturn",
    "TechContract",
    "TechResult",
    "Town",
    "TownAlias",
]
