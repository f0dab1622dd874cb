"""The Content-Security-Policy in a real browser. Every browser test's page reports what the policy refuses
(tests/browser/conftest.py, the `page` fixture), so all the pages they open — the front page, catalogue, idea map
(Leaflet), barometer charts, the answering form — are checked; this file proves that the watch sees a violation,
and that an injected script does not run."""

from typing import Any

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_an_injected_inline_script_is_refused_and_reported(page: Page, live_server: Any) -> None:
    response = page.goto("/fi/")
    assert response is not None
    assert "script-src 'self'" in (response.header_value("content-security-policy") or "")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.appendChild(script);
            const styled = document.createElement("div");
            styled.setAttribute("style", "width: 1px");
            document.body.appendChild(styled);
        }"""
    )
    page.wait_for_timeout(200)  # the violation events are queued
    assert page.evaluate("() => window.injected") is None
    violations: list[str] = page.csp_violations  # type: ignore[attr-defined]
    assert any("script-src" in v for v in violations), violations
    assert any("style-src" in v for v in violations), violations
    violations.clear()  # seen and expected: the fixture fails a test for any violation left
