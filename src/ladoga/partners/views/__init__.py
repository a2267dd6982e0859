"""The partners pages (P1–P12 for people): thin views over services.py and queries.py."""
