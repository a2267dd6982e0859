"""Webhooks (X9): business events sent, signed, to the URLs an administrator subscribes.

The top layer: it listens to `ladoga.core.events` and serialises each event's record with
the API schema of its domain. See docs/webhooks.md.
"""
