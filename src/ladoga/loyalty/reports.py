"""The card-holder analysis (L3, part): card holders against the other clients."""


def install() -> None:
    pass
