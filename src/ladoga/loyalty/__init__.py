"""Loyalty cards and discounts (SPEC L1–L3): reserved for the loyalty issue."""
