"""The API's shapes for the partners domain (django-ninja / Pydantic v2)."""

import datetime

from ninja import Field, Schema

from .keys import phone_display
from .models import ContactInfoKind


class ContactInfoIn(Schema):
    kind: str = Field(
        ...,
        description=(
            "legal_address, actual_address, postal_address, phone, email, website, messenger"
        ),
    )
    value: str = Field(..., max_length=500)
    label: str = Field("", max_length=100)
    is_primary: bool = False


class ContactInfoOut(Schema):
    id: int
    kind: str
    value: str
    key: str
    display: str
    label: str
    is_primary: bool

    @staticmethod
    def resolve_display(obj) -> str:
        return phone_display(obj.key) if obj.kind == ContactInfoKind.PHONE else obj.value


class PropertyValueOut(Schema):
    definition_id: int
    name: str
    value_type: str
    value: str | None
    choice_id: int | None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.definition.name

    @staticmethod
    def resolve_value_type(obj) -> str:
        return obj.definition.value_type

    @staticmethod
    def resolve_value(obj) -> str | None:
        value = obj.value
        if value is None:
            return None
        if isinstance(value, datetime.date):
            return value.isoformat()
        if obj.definition.value_type == "number":
            return format(value.normalize(), "f")
        return str(value)

    @staticmethod
    def resolve_choice_id(obj) -> int | None:
        return obj.value_choice_id


PropertiesIn = dict[str, str | int | float | None]


class PropertiesSetIn(Schema):
    """{"values": {"<property id>": value}}; null or "" removes a value."""

    values: PropertiesIn


class RelationOut(Schema):
    id: int
    type_id: int
    name: str = Field(..., description="The relation as read from the record asked about")
    other_id: int
    other_name: str
    outgoing: bool
    comment: str


class PartnerOut(Schema):
    id: int
    name: str
    kind: str
    roles: list[str]
    is_potential_client: bool
    group_id: int | None
    manager_id: int | None
    segment_ids: list[int]
    status: str
    comment: str
    merged_into_id: int | None
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_segment_ids(obj) -> list[int]:
        return [s.pk for s in obj.segments.all()]


class PartnerDetailOut(PartnerOut):
    contact_info: list[ContactInfoOut]
    properties: list[PropertyValueOut]
    relations: list[RelationOut]

    @staticmethod
    def resolve_contact_info(obj):
        if hasattr(obj, "own_contact_info"):
            return obj.own_contact_info
        return obj.contact_info.filter(counterparty=None, contact=None)

    @staticmethod
    def resolve_properties(obj):
        return obj.property_values.all()

    @staticmethod
    def resolve_relations(obj):
        from .queries import relations_of

        return [_relation_out(view) for view in relations_of(obj)]


def _relation_out(view) -> dict:
    return {
        "id": view.relation.pk,
        "type_id": view.relation.type_id,
        "name": view.name,
        "other_id": view.other_id,
        "other_name": view.other_name,
        "outgoing": view.outgoing,
        "comment": view.relation.comment,
    }


relation_out = _relation_out


class PartnerIn(Schema):
    name: str = Field(..., max_length=255)
    kind: str = "company"
    roles: list[str] = Field(default_factory=lambda: ["client"])
    is_potential_client: bool = False
    group_id: int | None = None
    manager_id: int | None = Field(None, description="Defaults to the caller")
    segment_ids: list[int] = Field(default_factory=list)
    comment: str = Field("", max_length=10_000)


class PartnerPatch(Schema):
    name: str | None = Field(None, max_length=255)
    kind: str | None = None
    roles: list[str] | None = None
    is_potential_client: bool | None = None
    group_id: int | None = None
    manager_id: int | None = None
    segment_ids: list[int] | None = None
    comment: str | None = Field(None, max_length=10_000)


class CounterpartyFields(Schema):
    kind: str = "legal_entity"
    short_name: str = Field(..., max_length=255)
    full_name: str = Field("", max_length=500)
    inn: str = Field("", max_length=20)
    kpp: str = Field("", max_length=20)
    ogrn: str = Field("", max_length=20)
    country: str = Field("RU", max_length=2)
    foreign_tax_number: str = Field("", max_length=50)
    legal_address: str = Field("", max_length=500)
    comment: str = Field("", max_length=10_000)


class CounterpartyIn(CounterpartyFields):
    partner_id: int


class CounterpartyPatch(Schema):
    kind: str | None = None
    short_name: str | None = Field(None, max_length=255)
    full_name: str | None = Field(None, max_length=500)
    inn: str | None = Field(None, max_length=20)
    kpp: str | None = Field(None, max_length=20)
    ogrn: str | None = Field(None, max_length=20)
    country: str | None = Field(None, max_length=2)
    foreign_tax_number: str | None = Field(None, max_length=50)
    legal_address: str | None = Field(None, max_length=500)
    comment: str | None = Field(None, max_length=10_000)
    status: str | None = None


class BankAccountIn(Schema):
    bik: str = Field(..., max_length=20)
    number: str = Field(..., max_length=30)
    correspondent_account: str = Field("", max_length=30)
    bank_name: str = Field("", max_length=255)
    is_primary: bool = False


class BankAccountOut(Schema):
    id: int
    bik: str
    number: str
    correspondent_account: str
    bank_name: str
    is_primary: bool


class CounterpartyOut(Schema):
    id: int
    partner_id: int
    kind: str
    short_name: str
    full_name: str
    inn: str
    kpp: str
    ogrn: str
    country: str
    foreign_tax_number: str
    legal_address: str
    registry_status: str
    registry_checked_at: datetime.datetime | None
    is_flagged: bool
    status: str
    comment: str
    version: int


class CounterpartyDetailOut(CounterpartyOut):
    bank_accounts: list[BankAccountOut]
    contact_info: list[ContactInfoOut]

    @staticmethod
    def resolve_bank_accounts(obj):
        return obj.bank_accounts.all()

    @staticmethod
    def resolve_contact_info(obj):
        return obj.contact_info.all()


class ContactFields(Schema):
    last_name: str = Field("", max_length=100)
    first_name: str = Field("", max_length=100)
    middle_name: str = Field("", max_length=100)
    position: str = Field("", max_length=150)
    decision_role: str = ""
    birthday: datetime.date | None = None
    comment: str = Field("", max_length=10_000)


class ContactIn(ContactFields):
    partner_id: int


class ContactPatch(Schema):
    last_name: str | None = Field(None, max_length=100)
    first_name: str | None = Field(None, max_length=100)
    middle_name: str | None = Field(None, max_length=100)
    position: str | None = Field(None, max_length=150)
    decision_role: str | None = None
    birthday: datetime.date | None = None
    comment: str | None = Field(None, max_length=10_000)
    status: str | None = None


class ContactOut(Schema):
    id: int
    partner_id: int
    last_name: str
    first_name: str
    middle_name: str
    full_name: str
    position: str
    decision_role: str
    birthday: datetime.date | None
    status: str
    comment: str
    version: int


class ContactDetailOut(ContactOut):
    contact_info: list[ContactInfoOut]
    properties: list[PropertyValueOut]
    relations: list[RelationOut]

    @staticmethod
    def resolve_contact_info(obj):
        return obj.contact_info.all()

    @staticmethod
    def resolve_properties(obj):
        return obj.property_values.all()

    @staticmethod
    def resolve_relations(obj):
        from .queries import relations_of

        return [_relation_out(view) for view in relations_of(obj)]


class RegistrationContactIn(ContactFields):
    contact_info: list[ContactInfoIn] = Field(default_factory=list)
    properties: PropertiesIn = Field(default_factory=dict)


class RegistrationIn(Schema):
    partner: PartnerIn
    counterparty: CounterpartyFields | None = None
    contacts: list[RegistrationContactIn] = Field(default_factory=list)
    contact_info: list[ContactInfoIn] = Field(default_factory=list)
    bank_account: BankAccountIn | None = None
    properties: PropertiesIn = Field(default_factory=dict)
    confirm_duplicates: bool = Field(
        False, description="Register even though the duplicate check found candidates"
    )


class ReasonOut(Schema):
    code: str
    message: str
    score: int


class CandidateOut(Schema):
    partner_id: int
    name: str
    status: str
    manager: str | None
    visible: bool = Field(..., description="Whether the caller may open this partner")
    score: int
    reasons: list[ReasonOut]


class MergeIn(Schema):
    duplicate_id: int


class MergeOut(Schema):
    id: int
    survivor_id: int
    duplicate_id: int
    duplicate_name: str
    moved: dict[str, int]
    merged_at: datetime.datetime


class RelationIn(Schema):
    type_id: int
    source_id: int
    target_id: int
    comment: str = Field("", max_length=500)


class RegistryPartyOut(Schema):
    inn: str
    kind: str
    short_name: str
    full_name: str
    kpp: str
    ogrn: str
    legal_address: str
    status: str
    phones: list[str]
    emails: list[str]


class NamedIn(Schema):
    name: str = Field(..., max_length=150)


class SegmentIn(NamedIn):
    description: str = Field("", max_length=10_000)


class SegmentOut(Schema):
    id: int
    name: str
    description: str


class GroupIn(NamedIn):
    parent_id: int | None = None


class GroupOut(Schema):
    id: int
    name: str
    parent_id: int | None


class RelationTypeIn(NamedIn):
    inverse_name: str = Field("", max_length=150)
    applies_to: str = Field(..., description="partner or contact")


class RelationTypeOut(Schema):
    id: int
    name: str
    inverse_name: str
    applies_to: str


class PropertyDefinitionIn(NamedIn):
    applies_to: str = Field(..., description="partner or contact")
    value_type: str = Field(..., description="text, number, date or choice")
    choices: list[str] = Field(default_factory=list)
    position: int = 0


class PropertyChoiceOut(Schema):
    id: int
    label: str


class PropertyDefinitionOut(Schema):
    id: int
    name: str
    applies_to: str
    value_type: str
    position: int
    choices: list[PropertyChoiceOut]

    @staticmethod
    def resolve_choices(obj):
        return obj.choices.all()
