"""Fixtures of the accounts tests: the real SMTP server on loopback that the interactions
tests use (password reset letters are sent through Django's SMTP backend, as in production)."""

from tests.interactions import conftest as interactions_fixtures

smtp_server = interactions_fixtures.smtp_server
