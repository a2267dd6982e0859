"""Text comparison that ignores case in every alphabet, on both databases.

SQLite's LIKE folds Latin letters only, so `icontains` never meets "Иванов" with
"иванов" there. On SQLite `text_contains_q` compares with GLOB and a character class per
letter holding its lower- and upper-case forms ("*[иИ][вВ]…*"): exact, and as fast as
LIKE, since it runs inside SQLite. PostgreSQL's own `icontains` (UPPER … LIKE UPPER …)
already knows every alphabet.
"""

from django.db import connection
from django.db.models import F, Lookup, Q


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
