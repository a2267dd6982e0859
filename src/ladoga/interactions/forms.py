"""Forms of the interactions pages: one form, its fields chosen by the kind (I1)."""

import email.utils
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ladoga.accounts.models import User
from ladoga.accounts.roles import STAFF_ROLES
from ladoga.core.text import MAIL_TEXT_LIMIT
from ladoga.web.forms import DateInput

from .models import Direction, InteractionKind, ParticipantRole

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
REMINDER_CHOICES = [
    ("", _("No reminder")),
    ("0", _("When it starts")),
    ("5", _("5 minutes before")),
    ("15", _("15 minutes before")),
    ("30", _("30 minutes before")),
    ("60", _("1 hour before")),
    ("1440", _("1 day before")),
]
# The fields each kind's form shows, in order.
KIND_FIELDS = {
    InteractionKind.PLANNED: [
        "title",
        "start",
        "end",
        "participants",
        "body",
        "reminder_minutes",
        "responsible",
    ],
    InteractionKind.MEETING: [
        "title",
        "start",
        "end",
        "place",
        "participants",
        "body",
        "reminder_minutes",
        "responsible",
    ],
    InteractionKind.CALL: [
        "title",
        "direction",
        "phone",
        "start",
        "duration_minutes",
        "participants",
        "body",
        "responsible",
    ],
    InteractionKind.EMAIL: ["title", "to", "cc", "body", "responsible"],
}
_EMAIL = re.compile(r"[^\s,;<>]+@[^\s,;<>]+")
_PHONE = re.compile(r"\+?[\d()][\d\s()\-]{4,}\d")


def _datetime_field(label, required=False):
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "input"}, format=DATETIME_FORMAT
        ),
    )


def participants_parse(text: str) -> list[dict]:
    """One participant a line: a name, a phone and/or an e-mail in any order
    ("Anna Smith, +7 912 345-67-89, anna@example.com")."""
    found = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        mail = _EMAIL.search(line)
        rest = line.replace(mail.group(0), " ") if mail else line
        phone = _PHONE.search(rest)
        rest = rest.replace(phone.group(0), " ") if phone else rest
        name = " ".join(rest.replace("<", " ").replace(">", " ").strip(" ,;").split())
        found.append(
            {
                "name": name,
                "email": mail.group(0) if mail else "",
                "phone": phone.group(0).strip() if phone else "",
            }
        )
    return found


def participants_text(participants) -> str:
    lines = []
    for p in participants:
        parts = [p.name or (str(p.contact or p.user or p.partner or "")), p.phone, p.email]
        lines.append(", ".join(part for part in parts if part))
    return "\n".join(lines)


def addresses_parse(text: str, role: str) -> list[dict]:
    return [
        {"role": role, "name": name, "email": address}
        for name, address in email.utils.getaddresses([text or ""])
        if address
    ]


def addresses_text(participants, role: str) -> str:
    return ", ".join(
        f"{p.name} <{p.email}>" if p.name else p.email
        for p in participants
        if p.role == role and p.email
    )


class InteractionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    subject_type = forms.CharField(widget=forms.HiddenInput, required=False)
    subject_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Topic"), max_length=500)
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[
            (Direction.INCOMING, Direction.INCOMING.label),
            (Direction.OUTGOING, Direction.OUTGOING.label),
        ],
        initial=Direction.OUTGOING,
    )
    phone = forms.CharField(label=_("Phone number"), max_length=64, required=False)
    start = _datetime_field(_("Start"))
    end = _datetime_field(_("End"))
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    duration_minutes = forms.IntegerField(
        label=_("Duration, minutes"), min_value=0, max_value=7 * 24 * 60, required=False
    )
    participants = forms.CharField(
        label=_("Participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: name, phone, e-mail."),
    )
    to = forms.CharField(
        label=_("To"), required=False, help_text=_("Addresses separated by commas.")
    )
    cc = forms.CharField(label=_("Cc"), required=False)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=MAIL_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    reminder_minutes = forms.TypedChoiceField(
        label=_("Reminder"), choices=REMINDER_CHOICES, coerce=int, empty_value=None, required=False
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = {"version", "subject_type", "subject_id", *KIND_FIELDS[kind]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if kind == InteractionKind.EMAIL:
            self.fields["title"].label = _("Subject")
        if "responsible" in self.fields:
            self.fields["responsible"].queryset = User.objects.filter(
                is_active=True, role__in=STAFF_ROLES
            )
        for field in self.fields.values():
            if not isinstance(field.widget, forms.HiddenInput | forms.DateTimeInput):
                field.widget.attrs.setdefault("class", "input")

    def service_arguments(self) -> dict:
        """The cleaned data as interaction_create/interaction_update arguments."""
        data = dict(self.cleaned_data)
        args = {
            k: data[k] for k in ("title", "body", "start", "end", "place", "phone") if k in data
        }
        if "direction" in data:
            args["direction"] = data["direction"]
        if "duration_minutes" in data:
            minutes = data["duration_minutes"]
            args["duration"] = minutes * 60 if minutes is not None else None
        if "reminder_minutes" in data:
            args["reminder_minutes"] = data["reminder_minutes"]
        if data.get("responsible") is not None:
            args["responsible"] = data["responsible"]
        if self.kind == InteractionKind.EMAIL:
            args["direction"] = Direction.OUTGOING
            args["participants"] = addresses_parse(data.get("to"), ParticipantRole.TO)
            args["participants"] += addresses_parse(data.get("cc"), ParticipantRole.CC)
        elif "participants" in data:
            args["participants"] = participants_parse(data["participants"])
        if self.initial and not {"participants", "to", "cc"} & set(self.changed_data):
            # editing and the people were left alone: keep them with their links
            args.pop("participants", None)
        if data.get("subject_type"):
            args["subject_type"] = data["subject_type"]
            args["subject_id"] = data.get("subject_id")
        return args


class ReviewForm(forms.Form):
    review_after = forms.DateField(
        label=_("Review after"),
        required=False,
        widget=DateInput(attrs={"class": "input"}),
    )


class EmlForm(forms.Form):
    file = forms.FileField(label=_("E-mail file (.eml)"))


class ContactFromParticipantForm(forms.Form):
    partner_id = forms.IntegerField(widget=forms.HiddenInput)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
