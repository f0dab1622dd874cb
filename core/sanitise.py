"""Cleaning of HTML that people write (innovation descriptions): a small allow-list, everything else removed."""

import html
from typing import Any

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def _clean_once(value: str) -> str:
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def clean_html(value: str) -> str:
    """Cleans until nothing changes. One pass is not always stable: removing a disallowed wrapper can leave
    markup that parses differently next time ("<h2><div><h2></h2></div></h2>" gives "<h2><h2></h2></h2>",
    which re-parses as two headings), so a record saved twice would change without an edit."""
    cleaned = _clean_once(value or "")
    for _ in range(5):  # in practice the second pass is already stable
        again = _clean_once(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


def strip_html(value: str) -> str:
    """Plain text from HTML, for search documents and CSV exports."""
    return nh3.clean(value or "", tags=set())


def plain_text(value: Any) -> str:
    """Plain text (titles, reasons): markup removed, entities turned back into characters ("a < b" stays)."""
    return html.unescape(strip_html(str(value or ""))).strip()
