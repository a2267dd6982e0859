"""Normalised search keys (P4, P9): pure functions on plain values.

- `name_key`: a company or person name reduced for comparison — legal forms (ООО, АО, ИП,
  LLC, GmbH…), quotes, punctuation and case dropped, Cyrillic transliterated to Latin, so
  «ООО "Ромашка"» and "Romashka LLC" both become "romashka".
- `name_search_keys`: the short keys stored in the indexed PartnerNameKey table that
  narrow the fuzzy duplicate search to a candidate set: for every word its first and its
  last three letters ("p:rom", "s:ska"), and for words of four letters or more its first
  letter with its last three ("c:rska") and its first three with its last ("d:roma"). One
  typo inside a word of seven letters or more changes at most two of the four, so
  near-misses still share two, and the last two kinds are rare: "Рубинмед" and
  "Руубинмед" share "c:rmed", which few names have, besides "s:med", which thousands have.
- `phone_parse`: a phone as typed → E.164 (+79123456789), default region RU.
- `email_key`, `website_key`, `text_key`: lower-case, trimmed forms for exact matches.
"""

import functools
import re
import unicodedata

import phonenumbers

DEFAULT_PHONE_REGION = "RU"
KEY_MAX_LENGTH = 255

# Legal forms dropped from names before comparing them (after transliteration and
# lower-casing, so both the Cyrillic abbreviation and its Latin spelling are listed).
LEGAL_FORMS = frozenset((
    "ooo", "oao", "zao", "ao", "pao", "nao", "ip", "chp", "tsp", "fgup", "gup", "mup", "nko",
    "ano", "fond", "npo", "tszh", "snt", "kfkh", "pk", "obshchestvo", "ogranichennoy",
    "otvetstvennostyu", "aktsionernoe", "publichnoe", "zakrytoe", "otkrytoe", "nepublichnoe",
    "individualnyy", "predprinimatel", "pjsc", "jsc", "ojsc", "cjsc",
    "llc", "ltd", "limited", "inc", "incorporated", "corp", "corporation", "co", "company",
    "plc", "llp", "lp", "gmbh", "ag", "kg", "ohg", "ug", "mbh", "eg", "ev", "se", "sa", "sas",
    "sarl", "sl", "srl", "spa", "bv", "nv", "oy", "ab", "as", "aps", "asa", "kk",
))  # fmt: skip

_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}  # fmt: skip
_TRANSLIT_TABLE = str.maketrans(_TRANSLIT)
# Latin spellings that transliterations of one Cyrillic sound disagree on are folded to one
# form, so "Romaschka", "Romashka" and "Ромашка" meet: longest first.
_LATIN_FOLDS = (
    ("shch", "sh"), ("sch", "sh"), ("tsch", "ch"), ("tch", "ch"), ("kh", "h"),
    ("ts", "c"), ("tz", "c"), ("iy", "y"), ("yi", "y"), ("ij", "y"), ("j", "y"), ("w", "v"),
    ("ph", "f"), ("ks", "x"), ("ck", "k"),
)  # fmt: skip
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def transliterate(text: str) -> str:
    """Lower-case Latin text: Cyrillic transliterated, accents dropped."""
    text = (text or "").lower().translate(_TRANSLIT_TABLE)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def name_words(name: str) -> list[str]:
    """The meaningful words of a name: transliterated, folded, legal forms dropped."""
    words = _NOT_WORD.split(transliterate(name))
    kept = [w for w in words if w and w not in LEGAL_FORMS]
    if not kept:  # a name made only of legal-form words is still a name
        kept = [w for w in words if w]
    folded = []
    for word in kept:
        for old, new in _LATIN_FOLDS:
            word = word.replace(old, new)
        folded.append(word)
    return folded


@functools.lru_cache(maxsize=16384)
def name_key(name: str) -> str:
    """The normalised name: «ООО "Ромашка-Юг"» → "romashka yug"."""
    return " ".join(name_words(name))[:KEY_MAX_LENGTH]


def name_search_keys(name: str) -> set[str]:
    """The short indexed keys a fuzzy name search meets candidates by (see module doc)."""
    words = name_words(name)
    keys = _word_end_keys(words)
    for word in words:
        if len(word) >= 4:
            keys.add(f"c:{word[0]}{word[-3:]}")
            keys.add(f"d:{word[:3]}{word[-1]}")
    return keys


def name_word_end_keys(name: str) -> set[str]:
    """Of name_search_keys, the beginnings and ends of the words ("p:", "s:") and the short
    words ("w:"): what the list's search on SQLite needs to find a word by its beginning or
    end (queries.name_search_q)."""
    return _word_end_keys(name_words(name))


def _word_end_keys(words: list[str]) -> set[str]:
    keys: set[str] = set()
    for word in words:
        if len(word) < 3:
            keys.add(f"w:{word}")
        else:
            keys.add(f"p:{word[:3]}")
            keys.add(f"s:{word[-3:]}")
    return keys


def phone_parse(value: str, region: str = DEFAULT_PHONE_REGION) -> phonenumbers.PhoneNumber:
    """Parse a phone as typed; raises ValueError when it is not a valid number."""
    try:
        number = phonenumbers.parse(value or "", region)
    except phonenumbers.NumberParseException as error:
        raise ValueError(str(error)) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return number


@functools.lru_cache(maxsize=4096)
def phone_key(value: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """A phone in E.164 (+79123456789); ValueError when it is not a valid number.
    Remembered: an import asks for the key of each phone several times."""
    return phonenumbers.format_number(
        phone_parse(value, region), phonenumbers.PhoneNumberFormat.E164
    )


def phone_display(key: str) -> str:
    """An E.164 phone for people: +7 912 345-67-89."""
    try:
        number = phonenumbers.parse(key, None)
    except phonenumbers.NumberParseException:
        return key
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def email_key(value: str) -> str:
    return (value or "").strip().lower()[:KEY_MAX_LENGTH]


def website_key(value: str) -> str:
    """A site without scheme, "www." and trailing slash, lower-case: "example.com/ru"."""
    key = (value or "").strip().lower()
    key = re.sub(r"^[a-z][a-z0-9+.-]*://", "", key)
    key = key.removeprefix("www.").rstrip("/")
    return key[:KEY_MAX_LENGTH]


def text_key(value: str) -> str:
    """Addresses and messenger names: trimmed, single-spaced, lower-case."""
    return " ".join((value or "").lower().split())[:KEY_MAX_LENGTH]
