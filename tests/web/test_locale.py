"""The Russian catalogue is complete (X3): every message translated, none fuzzy, the same
placeholders as the English, the committed django.mo compiled from the committed django.po,
and the .po holding every string the sources ask for.

When one fails: run scripts/messages.sh, translate what it lists, run it again.
"""

import ast
import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command

import ladoga

PACKAGE = Path(ladoga.__file__).resolve().parent
CATALOGUE = PACKAGE / "locale" / "ru" / "LC_MESSAGES"
PO, MO = CATALOGUE / "django.po", CATALOGUE / "django.mo"
FIX = "run scripts/messages.sh, translate what it lists, run it again"


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """The key msgfmt files the message under: context EOT msgid."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    @property
    def label(self) -> str:
        return self.key.replace("\x04", " | ")


def po_entries(text: str) -> list[Entry]:
    """The entries of a .po file (obsolete #~ entries left out), header first."""
    entries: list[Entry] = []
    entry, target = Entry(), None

    def finish():
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                finish()
            continue
        if line.startswith("#,"):
            if target is not None:
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = None, line
        if keyword is not None:
            if keyword in {"msgctxt", "msgid"} and (
                target == "msgstr" or isinstance(target, tuple)
            ):
                finish()
            target = keyword
            if keyword.startswith("msgstr["):
                target = ("msgstr_n", int(keyword[7:-1]))
        value = ast.literal_eval(rest)  # a C-style string literal reads as a Python one
        if not isinstance(value, str):
            raise ValueError(f"{PO}:{number}: not a string: {raw!r}")
        if target == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
        elif target == "msgid":
            entry.msgid += value
        elif target == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        elif target == "msgstr":
            entry.msgstr[0] = entry.msgstr.get(0, "") + value
        elif isinstance(target, tuple):
            entry.msgstr[target[1]] = entry.msgstr.get(target[1], "") + value
        else:
            raise ValueError(f"{PO}:{number}: unexpected line {raw!r}")
    finish()
    return entries


def compiled(entries: list[Entry]) -> dict:
    """What msgfmt puts into the .mo, as Python's gettext reads it back: no fuzzy entries
    (the header aside), no untranslated ones."""
    catalogue = {}
    for entry in entries:
        if entry.msgid and "fuzzy" in entry.flags:
            continue
        if not entry.msgid:
            catalogue[""] = header_for_mo(entry.msgstr[0])
            continue
        if entry.msgid_plural is None:
            if entry.msgstr.get(0):
                catalogue[entry.key] = entry.msgstr[0]
        elif all(entry.msgstr.values()):
            for index, text in entry.msgstr.items():
                catalogue[(entry.key, index)] = text
    return catalogue


def header_for_mo(header: str) -> str:
    """msgfmt leaves the extraction date out of the compiled header."""
    return "".join(
        line
        for line in header.splitlines(keepends=True)
        if not line.startswith("POT-Creation-Date:")
    )


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{\w*\}", text))


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return po_entries(PO.read_text(encoding="utf-8"))


def test_the_catalogue_exists_and_has_messages(entries):
    assert PO.exists() and MO.exists(), FIX
    header = entries[0]
    assert header.msgid == "" and "fuzzy" not in header.flags
    assert "Language: ru" in header.msgstr[0]
    assert "Plural-Forms: nplurals=" in header.msgstr[0]
    assert len(entries) > 100


def test_every_message_is_translated(entries):
    untranslated = [e.label for e in entries[1:] if not e.msgstr or not all(e.msgstr.values())]

    assert untranslated == [], f"untranslated in {PO}: {FIX}"


def test_no_message_is_fuzzy(entries):
    fuzzy = [e.label for e in entries if "fuzzy" in e.flags]

    assert fuzzy == [], f"fuzzy (unchecked) in {PO}: check each, remove the flag, {FIX}"


def test_translations_keep_the_placeholders(entries):
    broken = [
        e.label
        for e in entries[1:]
        for text in e.msgstr.values()
        if text
        and placeholders(text) != placeholders(e.msgid_plural or e.msgid)
        # A singular form may name the count in words ("one file") instead of %(count)d.
        and not (e.msgid_plural and placeholders(text) < placeholders(e.msgid_plural))
    ]

    assert broken == []


def test_the_committed_mo_is_compiled_from_the_po(entries):
    # Compared by content, not by date: git does not keep file times.
    with MO.open("rb") as mo:
        committed = gettext.GNUTranslations(mo)._catalog

    assert committed == compiled(entries), f"{MO} is out of date: scripts/messages.sh --compile"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_msgfmt_accepts_the_po(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file", str(tmp_path / "django.mo"), str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_the_po_has_every_string_of_the_sources(entries, tmp_path, settings, monkeypatch):
    """Extract the strings again, from a copy of the sources (makemessages writes next to
    what it reads): every string the sources ask for is in the committed catalogue."""
    copy = tmp_path / "ladoga"
    shutil.copytree(
        PACKAGE,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "static", "migrations", "*.mo"),
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)

    call_command(
        "makemessages",
        locale=["ru"],
        ignore_patterns=["migrations"],
        no_obsolete=True,
        verbosity=0,
    )

    wanted = {e.label for e in po_entries((copy / PO.relative_to(PACKAGE)).read_text())[1:]}
    present = {e.label for e in entries[1:]}
    # Strings no longer used are harmless (the next scripts/messages.sh drops them), and
    # failing on them would tie the catalogue to the order in which work is committed.
    assert sorted(wanted - present) == [], f"strings missing from {PO}: {FIX}"
