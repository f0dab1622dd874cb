"""End-to-end tests that drive Debian's headless Chromium through Playwright against pytest-django's live server."""
