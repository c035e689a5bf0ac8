"""The ingest record contract, version 1: one pydantic model per record kind.

Validation here is about shape and type only; identifiers are kept exactly as sent
(normalising emails, phones and handles is the job of `identity/`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, cast

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

# Version written into `schema_version`; bump the minor part for additive changes only.
SCHEMA_VERSION: Literal["1.0"] = "1.0"

_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Shape checks only: an address with one `@`, a phone made of digits and punctuation.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE_PATTERN = r"^\+?[0-9 ()./\-]{3,40}(\s*(x|ext\.?)\s*[0-9]{1,6})?$"
PLATFORM_PATTERN = r"^[a-z][a-z0-9_.\-]{0,31}$"
SOURCE_PATTERN = r"^[a-z0-9][a-z0-9_.\-]{0,63}$"
DOMAIN_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]{1,63})+$"


def _require_datetime_text(value: object) -> object:
    """Accept only RFC 3339 text with an offset, never epoch numbers or bare dates."""
    if not isinstance(value, str) or not _DATETIME_RE.match(value):
        raise PydanticCustomError(
            "rfc3339_datetime",
            "must be an RFC 3339 date-time with a time zone, e.g. 2024-05-01T12:30:00Z",
        )
    return value


def _require_date_text(value: object) -> object:
    """Accept only ISO 8601 calendar dates (YYYY-MM-DD)."""
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise PydanticCustomError("iso_date", "must be a date written YYYY-MM-DD")
    return value


def _matching(pattern: str, code: str, message: str) -> AfterValidator:
    """An after-validator that checks `pattern` and fails with a readable reason."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.search(value):
            raise PydanticCustomError(code, message)
        return value

    return AfterValidator(check)


Timestamp = Annotated[
    AwareDatetime,
    BeforeValidator(_require_datetime_text),
    Field(json_schema_extra={"pattern": _DATETIME_RE.pattern}),
]
CalendarDate = Annotated[
    date,
    BeforeValidator(_require_date_text),
    Field(json_schema_extra={"pattern": _DATE_RE.pattern}),
]
_NOT_BLANK = _matching(r"\S", "blank_text", "must not be blank")
_NOT_BLANK_SCHEMA = Field(json_schema_extra={"pattern": r"\S"})
ShortText = Annotated[
    str, Strict(), StringConstraints(min_length=1, max_length=200), _NOT_BLANK, _NOT_BLANK_SCHEMA
]
LongText = Annotated[
    str, Strict(), StringConstraints(min_length=1, max_length=20_000), _NOT_BLANK, _NOT_BLANK_SCHEMA
]
Identifier = Annotated[
    str, Strict(), StringConstraints(min_length=1, max_length=256), _NOT_BLANK, _NOT_BLANK_SCHEMA
]
EmailText = Annotated[
    str,
    Strict(),
    StringConstraints(max_length=320),
    _matching(EMAIL_PATTERN, "email_shape", "must look like an email address (local@domain.tld)"),
    Field(json_schema_extra={"pattern": EMAIL_PATTERN}),
]
PhoneText = Annotated[
    str,
    Strict(),
    StringConstraints(max_length=64),
    _matching(PHONE_PATTERN, "phone_shape", "must be digits with optional + ( ) . / - and spaces"),
    Field(json_schema_extra={"pattern": PHONE_PATTERN}),
]
PlatformName = Annotated[
    str,
    Strict(),
    _matching(PLATFORM_PATTERN, "platform_name", "must be a lowercase platform token, e.g. x"),
    Field(json_schema_extra={"pattern": PLATFORM_PATTERN}),
]
SourceName = Annotated[
    str,
    Strict(),
    _matching(SOURCE_PATTERN, "source_name", "must be a lowercase source token, e.g. crm"),
    Field(json_schema_extra={"pattern": SOURCE_PATTERN}),
]
DomainName = Annotated[
    str,
    Strict(),
    StringConstraints(max_length=253),
    _matching(DOMAIN_PATTERN, "domain_shape", "must be a domain name such as example.com"),
    Field(json_schema_extra={"pattern": DOMAIN_PATTERN}),
]
CountryCode = Annotated[str, Strict(), StringConstraints(pattern=r"^[A-Z]{2}$")]
CurrencyCode = Annotated[str, Strict(), StringConstraints(pattern=r"^[A-Z]{3}$")]
Count = Annotated[int, Strict(), Field(ge=0)]
Flag = Annotated[bool, Strict()]
LanguageTag = Annotated[str, Strict(), StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")]


class ContractModel(BaseModel):
    """Base of every contract object: unknown fields are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- values


class Handle(ContractModel):
    """An account on a social network or community, as the source wrote it."""

    platform: PlatformName = Field(
        description="Network token: x (also twitter), instagram, linkedin, facebook, tiktok, "
        "github, mastodon, reddit, youtube, trustpilot, ..."
    )
    handle: Identifier = Field(
        description="The handle as sent: `name`, `@name` or a profile URL; normalised later."
    )


class ExternalId(ContractModel):
    """An identifier issued by another system (shop customer number, CRM id, ...)."""

    system: ShortText = Field(description="Issuing system, e.g. shop, crm, stripe.")
    value: Identifier = Field(description="The identifier within that system.")


class Address(ContractModel):
    """A postal address; every part is optional."""

    street_number: ShortText | None = Field(default=None, description="House number, e.g. 12a.")
    street: ShortText | None = Field(default=None, description="Street name.")
    locality: ShortText | None = Field(default=None, description="City, town or village.")
    postcode: ShortText | None = Field(default=None, description="Postal code as written.")
    region: ShortText | None = Field(default=None, description="State, county or region.")
    country: CountryCode | None = Field(
        default=None, description="ISO 3166-1 alpha-2 country code, upper case."
    )


class Company(ContractModel):
    """A company, by name and/or web domain (at least one)."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": [key], "properties": {key: {"type": "string"}}}
                for key in ("name", "domain")
            ]
        }
    )

    name: ShortText | None = Field(default=None, description="Company name as written.")
    domain: DomainName | None = Field(default=None, description="Web domain, e.g. acme.com.")

    @model_validator(mode="after")
    def _named_somehow(self) -> Company:
        if self.name is None and self.domain is None:
            raise PydanticCustomError("company_empty", "a company needs a name or a domain")
        return self


class Consent(ContractModel):
    """What the person agreed to; a missing value means unknown, not refused."""

    email: Flag | None = Field(default=None, description="May we email them marketing?")
    phone: Flag | None = Field(default=None, description="May we call or text them?")
    profiling: Flag | None = Field(
        default=None, description="May we analyse their data for scores and recommendations?"
    )
    updated_at: Timestamp | None = Field(default=None, description="When this was last stated.")


class Money(ContractModel):
    """An amount in a currency."""

    amount: Annotated[float, Strict(), Field(ge=0)] = Field(description="Non-negative amount.")
    currency: CurrencyCode = Field(description="ISO 4217 code, e.g. EUR.")


class Product(ContractModel):
    """A product, by SKU."""

    sku: Identifier = Field(description="Stock keeping unit, the product's key.")
    name: ShortText | None = Field(default=None, description="Product name as written.")


_REF_IDENTIFIERS = ("emails", "phones", "handles", "external_ids")


class PersonRef(ContractModel):
    """A person referred to by any identifier a contact accepts; names are only hints."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": [name], "properties": {name: {"minItems": 1}}}
                for name in _REF_IDENTIFIERS
            ]
        }
    )

    emails: list[EmailText] = Field(default_factory=list, description="Email addresses.")
    phones: list[PhoneText] = Field(default_factory=list, description="Phone numbers, any format.")
    handles: list[Handle] = Field(default_factory=list, description="Social accounts.")
    external_ids: list[ExternalId] = Field(
        default_factory=list, description="Identifiers issued by other systems."
    )
    full_name: ShortText | None = Field(default=None, description="Name hint, never matched alone.")

    @model_validator(mode="after")
    def _identified(self) -> PersonRef:
        if not any(getattr(self, name) for name in _REF_IDENTIFIERS):
            raise PydanticCustomError(
                "person_ref_empty",
                "a person reference needs at least one of emails, phones, handles, external_ids",
            )
        return self


class Mentions(ContractModel):
    """What a conversation mentions."""

    people: list[PersonRef] = Field(default_factory=list, description="People mentioned.")
    products: list[Product] = Field(default_factory=list, description="Products mentioned.")
    companies: list[Company] = Field(default_factory=list, description="Companies mentioned.")


# --------------------------------------------------------------------------- records


class RecordBase(ContractModel):
    """Fields every record carries."""

    kind: str = Field(description="Record kind; selects the model.")
    source: SourceName = Field(description="The system the record comes from, e.g. crm.")
    source_id: Identifier = Field(description="The record's id, unique within its source.")
    observed_at: Timestamp = Field(
        description="When the source last saw this record as it is (RFC 3339 with offset)."
    )
    schema_version: Literal["1.0"] = Field(
        default=SCHEMA_VERSION, description="Contract version the record was written for."
    )


class ContactFields(ContractModel):
    """The identity fields shared by contact-like kinds."""

    given_name: ShortText | None = Field(default=None, description="Given (first) name.")
    family_name: ShortText | None = Field(default=None, description="Family (last) name.")
    full_name: ShortText | None = Field(default=None, description="The name as one string.")
    emails: list[EmailText] = Field(default_factory=list, description="Email addresses.")
    phones: list[PhoneText] = Field(default_factory=list, description="Phone numbers, any format.")
    handles: list[Handle] = Field(default_factory=list, description="Social accounts.")
    birth_date: CalendarDate | None = Field(default=None, description="Date of birth.")
    address: Address | None = Field(default=None, description="Postal address.")
    company: Company | None = Field(default=None, description="Employer.")
    title: ShortText | None = Field(default=None, description="Job title.")
    external_ids: list[ExternalId] = Field(
        default_factory=list, description="Identifiers issued by other systems."
    )
    bio: LongText | None = Field(default=None, description="Free-text self description.")
    consent: Consent | None = Field(default=None, description="Marketing and profiling consent.")


_CONTACT_KEYS = (
    "emails",
    "phones",
    "handles",
    "external_ids",
    "full_name",
    "given_name",
    "family_name",
)


def _contact_any_of() -> dict[str, Any]:
    """JSON Schema twin of `ContactRecord._identified`."""
    return {
        "anyOf": [
            {"required": [key], "properties": {key: {"minItems": 1}}}
            if key in _REF_IDENTIFIERS
            else {"required": [key], "properties": {key: {"type": "string"}}}
            for key in _CONTACT_KEYS
        ]
    }


class _IdentifiedContact(ContactFields):
    """A contact-like record must carry at least one identifier or a name."""

    @model_validator(mode="after")
    def _identified(self) -> _IdentifiedContact:
        if not any(getattr(self, key) for key in _CONTACT_KEYS):
            raise PydanticCustomError(
                "contact_empty",
                "a contact needs at least one of emails, phones, handles, external_ids or a name",
            )
        return self


class ContactRecord(_IdentifiedContact, RecordBase):
    """A person as one source knows them (CRM export, shop account, support requester)."""

    model_config = ConfigDict(title="contact", json_schema_extra=_contact_any_of())

    kind: Literal["contact"] = Field(description="Record kind.")


class SocialProfileRecord(ContactFields, RecordBase):
    """A profile on a social network; its own handle is always present."""

    model_config = ConfigDict(title="social_profile")

    kind: Literal["social_profile"] = Field(description="Record kind.")
    platform: PlatformName = Field(description="The network, e.g. instagram.")
    handle: Identifier = Field(description="The profile's handle on that network.")
    url: ShortText | None = Field(default=None, description="Profile URL.")
    followers_count: Count | None = Field(default=None, description="Followers at observed_at.")
    following_count: Count | None = Field(default=None, description="Accounts followed.")
    verified: Flag | None = Field(default=None, description="Platform-verified account.")


class EmployeeRecord(_IdentifiedContact, RecordBase):
    """A member of staff of the operating company, from the employee directory."""

    model_config = ConfigDict(title="employee", json_schema_extra=_contact_any_of())

    kind: Literal["employee"] = Field(description="Record kind.")
    employee_id: Identifier | None = Field(default=None, description="Directory id.")
    department: ShortText = Field(description="Department, e.g. Customer Service.")
    manager: PersonRef | None = Field(default=None, description="Line manager.")
    hired_on: CalendarDate | None = Field(default=None, description="First working day.")
    left_on: CalendarDate | None = Field(default=None, description="Last working day, if gone.")


Channel = Literal[
    "post",
    "comment",
    "review",
    "direct_message",
    "support_message",
    "email_thread",
    "chat",
    "call_note",
    "forum_post",
]


class ConversationRecord(RecordBase):
    """Something a person said: a post, comment, review, message or email."""

    model_config = ConfigDict(title="conversation")

    kind: Literal["conversation"] = Field(description="Record kind.")
    channel: Channel = Field(description="What sort of utterance this is.")
    platform: PlatformName | None = Field(default=None, description="Network, for social ones.")
    author: PersonRef = Field(description="Who wrote it.")
    text: LongText = Field(description="The words, as written.")
    subject: ShortText | None = Field(default=None, description="Subject line, if any.")
    at: Timestamp = Field(description="When it was written.")
    in_reply_to: Identifier | None = Field(
        default=None, description="source_id of the conversation it answers, in the same source."
    )
    thread_id: Identifier | None = Field(default=None, description="Thread it belongs to.")
    case_id: Identifier | None = Field(default=None, description="Support case it belongs to.")
    direction: Literal["inbound", "outbound"] | None = Field(
        default=None, description="inbound: from the person to us; outbound: from us."
    )
    department: ShortText | None = Field(
        default=None, description="Department it was addressed to or handled by."
    )
    url: ShortText | None = Field(default=None, description="Where it can be seen.")
    language: LanguageTag | None = Field(
        default=None, description="BCP 47 language tag, e.g. en or de-AT."
    )
    mentions: Mentions = Field(default_factory=Mentions, description="People, products, companies.")


class ReferralRecord(RecordBase):
    """One person recommended us to another through the referral program."""

    model_config = ConfigDict(title="referral")

    kind: Literal["referral"] = Field(description="Record kind.")
    referrer: PersonRef = Field(description="Who recommended.")
    referee: PersonRef = Field(description="Who was recommended to.")
    product: Product | None = Field(default=None, description="Product recommended.")
    code: Identifier | None = Field(default=None, description="Referral code used.")
    at: Timestamp = Field(description="When the referral was made.")
    converted: Flag = Field(description="Did the referee buy?")
    converted_at: Timestamp | None = Field(default=None, description="When the referee bought.")
    revenue: Money | None = Field(default=None, description="Revenue of the converted sale.")


class PurchaseRecord(RecordBase):
    """A purchase or subscription start."""

    model_config = ConfigDict(title="purchase")

    kind: Literal["purchase"] = Field(description="Record kind.")
    person: PersonRef = Field(description="The buyer.")
    order_id: Identifier | None = Field(default=None, description="Order the line belongs to.")
    product: Product = Field(description="What was bought.")
    quantity: Annotated[int, Strict(), Field(ge=1)] = Field(default=1, description="Units.")
    amount: Money = Field(description="Total paid for the line.")
    type: Literal["purchase", "subscription"] = Field(description="One-off or recurring.")
    at: Timestamp = Field(description="When it was bought.")


class SupportCaseRecord(RecordBase):
    """A support case as the help desk sees it now."""

    model_config = ConfigDict(title="support_case")

    kind: Literal["support_case"] = Field(description="Record kind.")
    case_id: Identifier = Field(description="Case number in the help desk.")
    person: PersonRef = Field(description="The requester.")
    status: Literal["open", "pending", "solved", "closed"] = Field(description="Case status.")
    priority: Literal["low", "normal", "high", "urgent"] = Field(description="Case priority.")
    satisfaction: Annotated[int, Strict(), Field(ge=1, le=5)] | None = Field(
        default=None, description="Requester's rating, 1 (bad) to 5 (great)."
    )
    subject: ShortText | None = Field(default=None, description="Case subject.")
    private_notes: LongText | None = Field(
        default=None, description="Internal notes; sensitive, shown only to permitted roles."
    )
    department: ShortText | None = Field(default=None, description="Department handling it.")
    assignee: PersonRef | None = Field(default=None, description="Employee handling it.")
    product: Product | None = Field(default=None, description="Product concerned.")
    opened_at: Timestamp = Field(description="When the case was opened.")
    closed_at: Timestamp | None = Field(default=None, description="When it was closed.")

    @model_validator(mode="after")
    def _closed_after_opened(self) -> SupportCaseRecord:
        if self.closed_at is not None and self.closed_at < self.opened_at:
            raise PydanticCustomError("closed_before_opened", "closed_at is before opened_at")
        return self


class DealRecord(RecordBase):
    """A sales opportunity as the CRM sees it now."""

    model_config = ConfigDict(title="deal")

    kind: Literal["deal"] = Field(description="Record kind.")
    deal_id: Identifier = Field(description="Deal id in the CRM.")
    name: ShortText | None = Field(default=None, description="Deal name.")
    people: list[PersonRef] = Field(min_length=1, description="Contacts on the deal.")
    company: Company | None = Field(default=None, description="Buying company.")
    stage: Literal["lead", "qualified", "proposal", "negotiation", "won", "lost"] = Field(
        description="Pipeline stage."
    )
    amount: Money | None = Field(default=None, description="Expected or won value.")
    owner: PersonRef | None = Field(default=None, description="Employee who owns the deal.")
    products: list[Product] = Field(default_factory=list, description="Products in the deal.")
    at: Timestamp = Field(description="When the deal entered its current stage.")


class CampaignTouchRecord(RecordBase):
    """A person met a marketing campaign."""

    model_config = ConfigDict(title="campaign_touch")

    kind: Literal["campaign_touch"] = Field(description="Record kind.")
    campaign_id: Identifier = Field(description="Campaign id.")
    campaign_name: ShortText | None = Field(default=None, description="Campaign name.")
    person: PersonRef = Field(description="Who was touched.")
    channel: Literal["email", "sms", "social", "display", "direct_mail", "event"] = Field(
        description="Campaign channel."
    )
    action: Literal["sent", "open", "click", "convert"] = Field(description="What happened.")
    at: Timestamp = Field(description="When it happened.")


class FollowRecord(RecordBase):
    """One account follows or is connected to another on a network."""

    model_config = ConfigDict(title="follow")

    kind: Literal["follow"] = Field(description="Record kind.")
    follower: PersonRef = Field(description="Who follows (or asked to connect).")
    followed: PersonRef = Field(description="Who is followed (or accepted).")
    platform: PlatformName = Field(description="The network.")
    relation: Literal["follow", "connection"] = Field(
        description="follow is one-way; connection is mutual (LinkedIn-style)."
    )
    at: Timestamp | None = Field(default=None, description="Since when, if known.")


class JobChangeRecord(RecordBase):
    """A person moved to a new company or title."""

    model_config = ConfigDict(title="job_change")

    kind: Literal["job_change"] = Field(description="Record kind.")
    person: PersonRef = Field(description="Who changed job.")
    old_company: Company | None = Field(default=None, description="Previous employer.")
    old_title: ShortText | None = Field(default=None, description="Previous title.")
    new_company: Company = Field(description="New employer.")
    new_title: ShortText | None = Field(default=None, description="New title.")
    at: Timestamp = Field(description="When the change took effect or was announced.")


class ConsentChangeRecord(RecordBase):
    """A person granted or withdrew consent for one channel."""

    model_config = ConfigDict(title="consent_change")

    kind: Literal["consent_change"] = Field(description="Record kind.")
    person: PersonRef = Field(description="Whose consent changed.")
    channel: Literal["email", "phone", "profiling", "all"] = Field(
        description="Channel concerned; all withdraws or grants every channel."
    )
    granted: Flag = Field(description="true: opted in; false: opted out.")
    at: Timestamp = Field(description="When the person said so.")
    reason: ShortText | None = Field(default=None, description="Stated reason, if any.")


Record = Annotated[
    ContactRecord
    | SocialProfileRecord
    | EmployeeRecord
    | ConversationRecord
    | ReferralRecord
    | PurchaseRecord
    | SupportCaseRecord
    | DealRecord
    | CampaignTouchRecord
    | FollowRecord
    | JobChangeRecord
    | ConsentChangeRecord,
    Field(discriminator="kind"),
]

# Every kind of version 1, in documentation order, with its model.
RECORD_MODELS: dict[str, type[RecordBase]] = {
    "contact": ContactRecord,
    "social_profile": SocialProfileRecord,
    "employee": EmployeeRecord,
    "conversation": ConversationRecord,
    "referral": ReferralRecord,
    "purchase": PurchaseRecord,
    "support_case": SupportCaseRecord,
    "deal": DealRecord,
    "campaign_touch": CampaignTouchRecord,
    "follow": FollowRecord,
    "job_change": JobChangeRecord,
    "consent_change": ConsentChangeRecord,
}
KINDS = tuple(RECORD_MODELS)


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True, slots=True)
class FieldError:
    """One reason a record was rejected: the field path (`emails[1]`, `$` for the whole
    record), a readable reason and pydantic's stable error code."""

    field: str
    reason: str
    code: str


def parse_record(obj: object) -> Record:
    """Validate one decoded JSON object into the model of its `kind`.

    Raises pydantic's `ValidationError`; `validation_errors` turns it into field paths.
    """
    if not isinstance(obj, dict):
        raise _single_error("record_type", "a record must be a JSON object", (), obj)
    kind = obj.get("kind")
    if kind is None:
        raise _single_error(
            "kind_missing", f"kind is required; one of {_KIND_LIST}", ("kind",), obj
        )
    model = RECORD_MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise _single_error(
            "kind_unknown", f"unknown kind {kind!r}; expected one of {_KIND_LIST}", ("kind",), kind
        )
    return cast("Record", model.model_validate(obj))


def validation_errors(exc: ValidationError) -> list[FieldError]:
    """The errors of a failed `parse_record`, one per field, with readable paths."""
    return [
        FieldError(field=format_path(error["loc"]), reason=error["msg"], code=error["type"])
        for error in exc.errors(include_url=False, include_input=False)
    ]


def format_path(loc: tuple[int | str, ...]) -> str:
    """`("mentions", "people", 0, "emails", 1)` -> `mentions.people[0].emails[1]`."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "$"


_KIND_LIST = ", ".join(KINDS)


def _single_error(code: str, message: str, loc: tuple[str, ...], value: object) -> ValidationError:
    """A `ValidationError` for a problem found before pydantic runs (kind dispatch)."""
    detail = InitErrorDetails(type=PydanticCustomError(code, message), loc=loc, input=value)
    return ValidationError.from_exception_data("Record", [detail])
