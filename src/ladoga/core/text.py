"""Text comparison that ignores case in every alphabet, on both databases.

SQLite's LIKE folds Latin letters only, so `icontains` never meets "Иванов" with
"иванов" there. On SQLite `text_contains_q` compares with GLOB and a character class per
letter holding its lower- and upper-case forms ("*[иИ][вВ]…*"): exact, and as fast as
LIKE, since it runs inside SQLite. PostgreSQL's own `icontains` (UPPER … LIKE UPPER …)
already knows every alphabet.

Control characters: `control_characters_check` refuses C0 control characters (tab and,
where text may span lines, line breaks excepted) in every text input, and `printable`
makes stored text safe for a spreadsheet export.
"""

import re

from django.db import connection
from django.db.models import F, Lookup, Q
from django.utils.translation import gettext as _

from .errors import ValidationFailed


class Glob(Lookup):
    """SQLite's GLOB: the pattern's *, ? and [...] are wildcards, case matters."""

    lookup_name = "glob"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} GLOB {rhs}", [*lhs_params, *rhs_params]


def any_case_glob(q: str) -> str:
    """The GLOB pattern of text containing `q` in any case: each letter becomes a class of
    its lower- and upper-case forms, and GLOB's own *, ?, [ and ] stand for themselves."""
    parts = []
    for char in q:
        forms = dict.fromkeys(form for form in (char.lower(), char.upper()) if len(form) == 1)
        forms = forms or {char: None}
        if len(forms) == 1 and char not in "*?[]":
            parts.append(char)
        else:
            parts.append("[" + "".join(forms) + "]")
    return "*" + "".join(parts) + "*"


def text_contains_q(fields: tuple[str, ...], q: str) -> Q:
    """Rows whose text in any of `fields` contains `q`, ignoring case in every alphabet."""
    match = Q()
    for name in fields:
        if connection.vendor == "sqlite":
            match |= Q(Glob(F(name), any_case_glob(q)))
        else:
            match |= Q(**{f"{name}__icontains": q})
    return match


# C0 control characters other than tab, line feed and carriage return: invisible, refused
# by spreadsheet files (openpyxl's ILLEGAL_CHARACTERS_RE is this same set) and, for NUL,
# by PostgreSQL.
CONTROL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
LINE_BREAKS_RE = re.compile(r"[\r\n]")
TEXT_CONTROL_CHARACTER = "text_control_character"


def control_characters_found(value: str, *, multiline: bool = True) -> bool:
    """Whether text holds a control character it may not: any C0 character but tab, and a
    line break too unless the text may span lines."""
    if CONTROL_CHARACTERS_RE.search(value):
        return True
    return not multiline and bool(LINE_BREAKS_RE.search(value))


def control_characters_message():
    return _("The text contains a control character (such as NUL or ESC); remove it.")


def control_characters_check(value, *, field: str | None = None, multiline: bool = True):
    """Refuse text with control characters: every text input (API, forms, imports) passes
    through here, so nothing stored can break a database driver or a spreadsheet."""
    if isinstance(value, str) and control_characters_found(value, multiline=multiline):
        raise ValidationFailed.single(TEXT_CONTROL_CHARACTER, control_characters_message(), field)
    return value


def printable(value: str) -> str:
    """Text with every control character a spreadsheet refuses replaced by U+FFFD, so an
    export survives a bad character stored before the check existed."""
    return CONTROL_CHARACTERS_RE.sub("\ufffd", value)


# Free-text limits (docs/limits.md). A one-line text (CharField) holds its column's
# max_length; a text that may span lines (TextField) holds TEXT_LIMIT characters unless
# named in TEXT_LIMITS. The forms' fields and the API schemas take the same numbers from
# here, and `core.guards` refuses a longer text on every save, so no way in stores more.
TEXT_LIMIT = 10_000
CLAIM_COMMENT_LIMIT = 5_000
TRANSITION_COMMENT_LIMIT = 2_000
MAIL_TEXT_LIMIT = 100_000
MAIL_HTML_LIMIT = 1_000_000
TEXT_LIMITS = {
    # "app_label.model.field": characters
    "claims.claimcomment.text": CLAIM_COMMENT_LIMIT,
    "claims.claimreason.description": TRANSITION_COMMENT_LIMIT,
    "claims.claimtransition.comment": TRANSITION_COMMENT_LIMIT,
    "interactions.interaction.body": MAIL_TEXT_LIMIT,
    "interactions.interaction.body_html": MAIL_HTML_LIMIT,
    "interactions.interaction.references": MAIL_TEXT_LIMIT,
}
TEXT_TOO_LONG = "text_too_long"


def text_limit(field) -> int | None:
    """The most characters a model's text field holds (None: not a text field)."""
    from django.db import models

    if isinstance(field, models.TextField):
        return TEXT_LIMITS.get(f"{field.model._meta.label_lower}.{field.name}", TEXT_LIMIT)
    if isinstance(field, models.CharField):
        return field.max_length
    return None


def text_too_long_message(label, limit: int, length: int) -> str:
    from .formats import number_format

    return _("%(field)s: at most %(limit)s characters, this text has %(length)s.") % {
        "field": str(label).capitalize(),
        "limit": number_format(limit, 0),
        "length": number_format(length, 0),
    }


def clip(value: str, limit: int) -> str:
    """Text cut to `limit` characters: for text that arrives whole from outside (a received
    e-mail, whose original is kept as an attachment), where refusing would lose it all."""
    return value[:limit] if value and len(value) > limit else value
