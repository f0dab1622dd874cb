"""Forms of the import pages: the upload, and the column mapping with its matching of values to answer options.

They check the shape of the input; barometer/imports/services.py checks the mapping against the file and the
questionnaire, and its errors are put back on the column they name (`MappingForm.attach`).
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from barometer.imports.services import MAX_BYTES, ColumnPreview
from barometer.models import Question
from core.forms import attach_errors

ID, ORGANISATION, NO_ANSWER = "@id", "@organisation", "@none"  # "@" is never part of a code
MAX_VALUE_ROWS = 200
DELIMITERS = {
    ";": gettext_lazy("Semicolon ;"),
    ",": gettext_lazy("Comma ,"),
    "|": gettext_lazy("Vertical bar |"),
    "/": gettext_lazy("Slash /"),
    "newline": gettext_lazy("Line break (one option per line)"),
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File of responses"),
        help_text=gettext_lazy(
            "CSV, Excel workbook (.xlsx) or SPSS data file (.sav), at most 20 MB: one row per respondent, the column "
            "names in the first row. Nothing is saved before you have checked the mapping."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(limit)s MB: split it into smaller files.")
                % {"limit": MAX_BYTES // (1024 * 1024)}
            )
        if upload.size == 0:
            raise ValidationError(_("The file is empty."))
        return upload


Options = list[tuple[str, list[tuple[str, str]]]]  # [(group label, [(value, label)])]


def target_choices(questions: Sequence[Question]) -> Options:
    """What a column can be imported as, grouped by question, with the questionnaire's codes and wording."""
    groups: Options = [
        ("", [("", _("Not imported"))]),
        (_("Respondent"), [(ID, _("Respondent's identifier")), (ORGANISATION, _("Organisation"))]),
    ]
    for question in questions:
        text = Truncator(str(question.text)).chars(70)
        label = f"{question.code}: {text}"
        if question.kind in ("scale", "grid"):
            options = [
                (
                    f"{question.code}:{item.code}",
                    _("%(code)s – row “%(label)s”") % {"code": question.code, "label": item.label},
                )
                for item in question.items.all()
            ]
        elif question.kind == "multiple":
            options = [(question.code, _("%(code)s – the chosen options in one list") % {"code": question.code})]
            options += [
                (
                    f"{question.code}:{choice.code}",
                    _("%(code)s – option “%(label)s” as 0/1") % {"code": question.code, "label": choice.label},
                )
                for choice in question.choices.all()
            ]
        else:
            options = [(question.code, _("%(code)s – the answer") % {"code": question.code})]
        groups.append((label, options))
    return groups


class OptionsSelect(forms.Select):
    """A select for long lists of options that every column shares: the options' HTML is made once per page and
    reused, instead of a template rendering per option (hundreds of options × dozens of columns)."""

    def __init__(self, options_html: list[tuple[str, str]], attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.options_html = options_html  # [(value, html)]; value None for optgroup tags

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        attributes = "".join(f' {key}="{escape(v)}"' for key, v in final.items() if v is not None and v is not False)
        selected = str(value or "")
        parts = [f"<select{attributes}>"]
        for option_value, html in self.options_html:
            parts.append(html.replace("<option ", "<option selected ", 1) if option_value == selected else html)
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308  # every piece is escaped in options_html and above


def options_html(groups: Options) -> list[tuple[str, str]]:
    pieces: list[tuple[str, str]] = []
    for label, options in groups:
        if label:
            pieces.append(("\0", f'<optgroup label="{escape(label)}">'))
        pieces += [(value, f'<option value="{escape(value)}">{escape(text)}</option>') for value, text in options]
        if label:
            pieces.append(("\0", "</optgroup>"))
    return pieces


@dataclass
class ValueRow:
    """A value of a column that needs matching to an answer option (or was matched by hand before)."""

    column: str
    value: str
    count: int
    choices: list[tuple[str, str]]
    initial: str
    label: str = ""  # the file's own label of the value (SPSS)

    @property
    def field_name(self) -> str:
        # Named after the column and the value, so that a list that changed meanwhile can never match a choice to
        # another value.
        digest = hashlib.sha256(f"{self.column}\0{self.value}".encode()).hexdigest()[:16]
        return f"value_{digest}"


class MappingForm(forms.Form):
    def __init__(
        self,
        data: Any = None,
        *,
        columns: Sequence[ColumnPreview],
        groups: Options,
        mapping: Mapping[str, Any],
        sheets: Sequence[str] = (),
        value_rows: Sequence[ValueRow] = (),
    ) -> None:
        super().__init__(data)
        self.columns = list(columns)
        self.saved = mapping
        self.value_rows = list(value_rows)
        if len(sheets) > 1:
            self.fields["sheet"] = forms.ChoiceField(
                label=_("Sheet"),
                choices=[(sheet, sheet) for sheet in sheets],
                initial=mapping.get("sheet"),
                help_text=_("The workbook has several sheets. Choosing another one maps its columns anew."),
            )
        delimiter = mapping.get("delimiter") or ";"
        self.fields["delimiter"] = forms.ChoiceField(
            label=_("Delimiter of a list of chosen options"),
            choices=list(DELIMITERS.items()),
            initial="newline" if delimiter == "\n" else delimiter,
            help_text=_(
                "Used when a multiple choice question's chosen options are in one column, e.g. “service;process”."
            ),
        )
        shared = options_html(groups)
        values = {value for _label, options in groups for value, _text in options}
        for position, column in enumerate(self.columns):
            self.fields[f"column_{position}"] = forms.ChoiceField(
                label=_("Column “%(column)s” is imported as") % {"column": column.name},
                choices=[(value, value) for value in values],  # validation only; OptionsSelect draws the options
                required=False,
                initial=self._saved_target(column.name),
                widget=OptionsSelect(shared),
            )
        ignore = set(mapping.get("ignore") or [])
        for position, column in enumerate(self.columns):
            if column.resembles:
                self.fields[f"leave_{position}"] = forms.BooleanField(
                    label=_("Leave the column out on purpose"),
                    required=False,
                    initial=column.name in ignore,
                )
        for row in self.value_rows:
            self.fields[row.field_name] = forms.ChoiceField(
                label=_("Value “%(value)s” of column “%(column)s”") % {"value": row.value, "column": row.column},
                choices=row.choices,
                required=False,
                initial=row.initial,
            )

    def _saved_target(self, column: str) -> str:
        if self.saved.get("id") == column:
            return ID
        if self.saved.get("organisation") == column:
            return ORGANISATION
        return str((self.saved.get("columns") or {}).get(column, ""))

    def column_fields(self) -> list[tuple[ColumnPreview, forms.BoundField, forms.BoundField | None]]:
        """(column, its target's select, the "leave out on purpose" box of a column that looks like a question)."""
        return [
            (column, self[f"column_{position}"], self[f"leave_{position}"] if column.resembles else None)
            for position, column in enumerate(self.columns)
        ]

    def value_fields(self) -> list[tuple[ValueRow, forms.BoundField]]:
        return [(row, self[row.field_name]) for row in self.value_rows]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for special, text in (
            (ID, _("Only one column can be the respondent's identifier.")),
            (ORGANISATION, _("Only one column can be the organisation.")),
        ):
            chosen = [f"column_{p}" for p in range(len(self.columns)) if cleaned.get(f"column_{p}") == special]
            for name in chosen[1:]:
                self.add_error(name, text)
        return cleaned

    def mapping(self) -> dict[str, Any]:
        """The mapping in the service's shape (see barometer/imports/readers.py)."""
        data = self.cleaned_data
        mapping: dict[str, Any] = {"columns": {}, "values": {}}
        delimiter = data.get("delimiter") or ";"
        mapping["delimiter"] = "\n" if delimiter == "newline" else delimiter
        if data.get("sheet"):
            mapping["sheet"] = data["sheet"]
        targets: dict[str, str] = {}
        for position, column in enumerate(self.columns):
            target = data.get(f"column_{position}") or ""
            targets[column.name] = target
            if target == ID:
                mapping["id"] = column.name
            elif target == ORGANISATION:
                mapping["organisation"] = column.name
            elif target:
                mapping["columns"][column.name] = target
            elif column.resembles and data.get(f"leave_{position}"):
                # Left out although it looks like a question: said on purpose, so the check does not stop at it.
                mapping.setdefault("ignore", []).append(column.name)
        for row in self.value_rows:
            chosen = data.get(row.field_name) or ""
            # A column now mapped elsewhere drops the values matched to its former question's options.
            if not chosen or targets.get(row.column) != self._saved_target(row.column):
                continue
            mapping["values"].setdefault(row.column, {})[row.value] = None if chosen == NO_ANSWER else chosen
        return mapping

    def attach(self, error: ValidationError) -> None:
        """A service error keyed by column name goes on that column's select."""
        if hasattr(error, "error_dict"):
            names = {column.name: f"column_{position}" for position, column in enumerate(self.columns)}
            error = ValidationError({names.get(key, key): messages for key, messages in error.message_dict.items()})
        attach_errors(self, error)


def value_rows(
    mapping: Mapping[str, Any],
    unmatched: Mapping[str, Mapping[str, int]],
    questions: Mapping[str, Question],
    labels: Mapping[tuple[str, str], str] | None = None,
) -> list[ValueRow]:
    """The values to match by hand: those the last check could not match, and those matched by hand before."""
    rows: list[ValueRow] = []
    saved_values: Mapping[str, Mapping[str, Any]] = mapping.get("values") or {}
    columns = mapping.get("columns") or {}
    saved = {(column, value) for column, values in saved_values.items() for value in values}
    # The most frequent unmatched values first; a column of free text mapped to a choice question by mistake
    # would otherwise put thousands of lists on the page (its problems say so anyway).
    frequent = sorted(
        ((column, value) for column, values in unmatched.items() for value in values if (column, value) not in saved),
        key=lambda pair: (-unmatched[pair[0]][pair[1]], pair),
    )[: max(0, MAX_VALUE_ROWS - len(saved))]
    for column, value in [*sorted(saved), *frequent]:
        code, _sep, part = str(columns.get(column, "")).partition(":")
        question = questions.get(code)
        if question is None:
            continue
        if question.kind == "multiple" and part:
            choice = next((c for c in question.choices.all() if c.code == part), None)
            choices = [
                ("", _("Not matched")),
                (part, _("Chosen: “%(label)s”") % {"label": choice.label if choice else part}),
                (NO_ANSWER, _("Not chosen")),
            ]
        else:
            choices = [("", _("Not matched")), (NO_ANSWER, _("No answer"))]
            choices += [(c.code, f"{c.code} – {c.label}") for c in question.choices.all()]
        chosen = saved_values.get(column, {})
        initial = (NO_ANSWER if chosen[value] is None else str(chosen[value])) if value in chosen else ""
        count = int(unmatched.get(column, {}).get(value, 0))
        rows.append(ValueRow(column, value, count, choices, initial, (labels or {}).get((column, value), "")))
    return rows
