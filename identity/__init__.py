"""Identity resolution core: normalising, matching and clustering identifiers (pure, no I/O)."""

from identity.company import company_key, normalize_domain
from identity.email import EmailResult, normalize_email
from identity.errors import IdentityError, ReferenceDataError
from identity.handles import HandleResult, canonical_platform, normalize_handle
from identity.names import name_key, names_match_kind, nickname_equivalents, split_full_name
from identity.phone import PhoneResult, normalize_phone

__all__ = [
    "EmailResult",
    "HandleResult",
    "IdentityError",
    "PhoneResult",
    "ReferenceDataError",
    "canonical_platform",
    "company_key",
    "name_key",
    "names_match_kind",
    "nickname_equivalents",
    "normalize_domain",
    "normalize_email",
    "normalize_handle",
    "normalize_phone",
    "split_full_name",
]
