"""CalDAV and CardDAV (X10): calendar and address-book programs sync with Ladoga.

A real DAV server, Radicale, is mounted under `/dav/`; Ladoga supplies its three plugins:
`auth` (user name and API token, or the user's password), `rights` (a user reaches only
their own two collections) and `storage` (collections and items made from Ladoga's
queries, changes handed to the interactions services). See docs/dav.md.
"""
