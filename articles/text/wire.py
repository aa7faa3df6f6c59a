"""News agencies: the credits that mark an article as (partly) wire copy. Pure: no Django."""


def agency_credits(text: str, byline: str = "") -> list[str]:
    """The agencies an article's text or byline credits, by their usual short names, in a fixed order."""
    return []
