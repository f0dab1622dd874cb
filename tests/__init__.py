"""Cross-app tests: factories, shared fixtures, API and browser tests."""
