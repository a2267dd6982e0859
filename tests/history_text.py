"""Reading the History table of a page in tests: the text of each change line."""

import re


def history_changes(page: str) -> list[str]:
    """Each `<div class="change">` of the page as plain text ("Status: Draft → Posted")."""
    lines = re.findall(r'<div class="change">(.*?)</div>', page, re.S)
    return [re.sub(r"<[^>]+>", "", line) for line in lines]


def assert_no_internals(changes: list[str]) -> None:
    text = " ".join(changes)
    assert "{" not in text and "[" not in text and "'" not in text, text
    fields = [line.split(":")[0] for line in changes]
    assert fields, "no changes shown"
