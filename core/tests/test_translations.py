"""The Finnish and Swedish UI catalogues are complete, well-formed and up to date with the code.

CI fails on an untranslated Finnish or Swedish string. When this test fails after new strings were added, update
the catalogues from the project folder and translate the new entries (no empty and no fuzzy msgstr):

    .venv/bin/python manage.py makemessages -l fi -l sv --add-location=file \\
        --ignore=.venv --ignore=bench --ignore=tests --ignore=staticfiles --ignore=media

then `make messages` compiles them (the .mo files are not committed).
"""

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

LANGUAGES = ("fi", "sv")
LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
# The same folders makemessages is told to ignore in the module docstring.
IGNORED = [".venv", "bench", "tests", "staticfiles", "media"]
# What makemessages reads for the "django" domain (html, txt, py), and folders that are never source.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
NOT_SOURCE = {".git", ".venv", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", "locale"}

# printf-style placeholders (%(name)s, %s, %d, %%) and str.format ones ({name}, {0}).
PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACES = re.compile(r"\{[A-Za-z_0-9]*\}")
# HTML tags carried inside messages must survive translation unchanged ("Bearer <key>" is not HTML).
HTML_TAG = re.compile(r"</?(?:a|abbr|b|br|code|em|i|p|span|strong)\b[^>]*>")


def _catalogue(language: str) -> polib.POFile:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    assert path.is_file(), f"{path} is missing: run makemessages (see this module's docstring)."
    return polib.pofile(str(path))


def _label(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def _translations(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs: the singular and plural forms are compared with their own source."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    forms = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [(entry.msgid if index == 0 else entry.msgid_plural, form) for index, form in enumerate(forms)]


def _tokens(text: str) -> Counter[str]:
    return Counter(PRINTF.findall(text) + BRACES.findall(text) + HTML_TAG.findall(text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_header_is_for_the_language(language: str) -> None:
    catalogue = _catalogue(language)
    assert catalogue.metadata.get("Language") == language
    assert catalogue.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert not catalogue.metadata_is_fuzzy, "The header is marked fuzzy: msgfmt would drop the plural rule."


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language: str) -> None:
    catalogue = _catalogue(language)
    live = [entry for entry in catalogue if not entry.obsolete]
    assert live, "The catalogue has no messages."
    fuzzy = [_label(entry) for entry in live if "fuzzy" in entry.flags]
    empty = [_label(entry) for entry in live if any(not text.strip() for _, text in _translations(entry))]
    if any(entry.msgid_plural and len(entry.msgstr_plural) != 2 for entry in live):
        pytest.fail("A plural entry does not have exactly two forms (nplurals=2).")
    assert not fuzzy, f"Fuzzy {language} translations (check them, then remove the flag): {fuzzy}"
    assert not empty, f"Untranslated {language} messages: {empty}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_and_html_are_kept(language: str) -> None:
    mismatches = []
    for entry in _catalogue(language):
        if entry.obsolete:
            continue
        for source, translation in _translations(entry):
            if translation and _tokens(source) != _tokens(translation):
                mismatches.append(f"{source!r} -> {translation!r}")
    assert not mismatches, f"Placeholders or HTML differ in {language}:\n" + "\n".join(mismatches)


@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_accepts_the_catalogue(language: str) -> None:
    """GNU msgfmt checks the python-format strings and the header the way compilemessages will."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is needed (Debian package gettext)."
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(  # noqa: S603 - a fixed program on our own file
        [msgfmt, "--check", "--output-file=/dev/null", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def _copy_sources(destination: Path) -> None:
    """Copy what makemessages reads, so that extraction never touches the working tree."""
    root = Path(settings.BASE_DIR)

    def ignore(folder: str, names: list[str]) -> list[str]:
        return [
            name
            for name in names
            if name in NOT_SOURCE
            or name in IGNORED
            or (not (Path(folder) / name).is_dir() and Path(name).suffix not in SOURCE_SUFFIXES)
        ]

    shutil.copytree(root, destination, ignore=ignore, symlinks=True)


@pytest.mark.slow
def test_catalogues_are_up_to_date_with_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Extract the messages from a copy of the sources and find each one translated in both catalogues."""
    assert shutil.which("xgettext"), "GNU gettext's xgettext is needed (Debian package gettext)."
    copy = tmp_path / "project"
    _copy_sources(copy)
    monkeypatch.chdir(copy)
    # makemessages writes into the first of LOCALE_PATHS: point it at the copy's own (new, empty) locale folder.
    with override_settings(LOCALE_PATHS=[str(copy / "locale")]):
        call_command("makemessages", locale=["fi"], ignore_patterns=IGNORED, verbosity=0)
    extracted = polib.pofile(str(copy / "locale" / "fi" / "LC_MESSAGES" / "django.po"))
    wanted = {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in extracted}
    assert len(wanted) > 100, "Suspiciously few messages were extracted."

    for language in LANGUAGES:
        translated = {
            (entry.msgctxt, entry.msgid, entry.msgid_plural)
            for entry in _catalogue(language)
            if not entry.obsolete
            and "fuzzy" not in entry.flags
            and all(text.strip() for _, text in _translations(entry))
        }
        missing = sorted(msgid for _, msgid, _ in wanted - translated)
        assert not missing, (
            f"{len(missing)} message(s) in the code are missing or untranslated in locale/{language}: "
            f"run makemessages and translate them. {missing}"
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", ["Suomen julkisen sektorin innovaatiot", "Siirry sisältöön", "Avoin data"]),
        ("sv", ["Innovationer inom Finlands offentliga sektor", "Hoppa till innehållet", "Öppna data"]),
        ("en", ["Finland's public sector innovations", "Skip to content", "Open data"]),
    ],
)
def test_front_page_is_in_the_language(client: Client, language: str, expected: list[str]) -> None:
    for po_language in LANGUAGES:
        compiled = LOCALE_DIR / po_language / "LC_MESSAGES" / "django.mo"
        source = compiled.with_suffix(".po")
        assert compiled.is_file(), f"{compiled} is missing: run `make messages`."
        assert compiled.stat().st_mtime >= source.stat().st_mtime, f"{compiled} is older than the .po: `make messages`."
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}"' in page
    for text in expected:
        assert text.replace("'", "&#x27;") in page or text in page, f"{text!r} not on /{language}/"
