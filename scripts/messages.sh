#!/usr/bin/env bash
# Regenerate the Russian catalogue from the sources and compile it (X3).
#
#   scripts/messages.sh            extract new strings into src/ladoga/locale/ru/.../django.po,
#                                  compile django.mo, list what still needs a translation
#   scripts/messages.sh --compile  only compile (after translating the .po by hand)
#
# English is the source language. After running it, translate every empty msgstr and remove
# every "fuzzy" flag in django.po (check the suggested translation first), then run it again:
# tests/web/test_locale.py fails while an entry is untranslated or fuzzy, or while django.mo
# differs from django.po. Both files are committed, so machines without gettext still work.
# Needs GNU gettext (apt-get install gettext).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
catalogue=src/ladoga/locale/ru/LC_MESSAGES

command -v msgfmt >/dev/null || { echo "messages.sh: GNU gettext is not installed" >&2; exit 1; }

if [ "${1:-}" != "--compile" ]; then
  # A scratch data folder: extracting strings must not create or touch a real one.
  home=$(mktemp -d)
  trap 'rm -rf "$home"' EXIT
  (
    cd src/ladoga
    LADOGA_HOME="$home" "$root/.venv/bin/ladoga" manage makemessages --locale ru \
      --ignore migrations --add-location file --no-obsolete --verbosity 0
  )
fi

if ! stats=$(msgfmt --check --statistics --output-file "$catalogue/django.mo" \
  "$catalogue/django.po" 2>&1); then
  echo "$stats" >&2
  exit 1
fi
echo "$catalogue/django.po: $stats"
case "$stats" in
  *fuzzy* | *untranslated*)
    echo "Translate the empty and fuzzy entries of django.po, then run: $0 --compile" >&2
    exit 1
    ;;
esac
