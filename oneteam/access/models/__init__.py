"""Models of the access app, one module per concern."""

from .audit import AuditAction, AuditEvent, AuditLink
from .break_glass import BreakGlassAccess, ReviewOutcome
from .care_team import CareRole, CareTeamMembership
from .consent import ConsentDecision, ConsentStatus, Objection
from .governance import FlagKind, GovernanceFlag
from .sharing import AccessLevel, SharingAgreement, SharingRule
from .sign_in import RecoveryCode, SignInAttempt, TwoFactorDevice
from .vocabulary import DataCategory, Purpose

__all__ = [
    "AccessLevel",
    "AuditAction",
    "AuditEvent",
    "AuditLink",
    "BreakGlassAccess",
    "CareRole",
    "CareTeamMembership",
    "ConsentDecision",
    "ConsentStatus",
    "DataCategory",
    "FlagKind",
    "GovernanceFlag",
    "Objection",
    "Purpose",
    "RecoveryCode",
    "ReviewOutcome",
    "SharingAgreement",
    "SharingRule",
    "SignInAttempt",
    "TwoFactorDevice",
]
