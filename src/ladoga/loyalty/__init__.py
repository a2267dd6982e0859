"""Loyalty cards and discounts (SPEC L1–L3): card kinds, cards, the card's discount on
orders and the card-holder analysis."""
