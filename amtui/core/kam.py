"""Key-account management: the KAM quadrant and the relationship stages (pure rules).

Accounts are placed on a grid of attractiveness × relationship strength (scores 1–5; 4 and up
count as high) and move through relationship stages, tactical → operational → functional →
strategic.
"""

from __future__ import annotations

RELATIONSHIP_STAGES = ("tactical", "operational", "functional", "strategic")

#: Each quadrant and what it means for the account manager.
QUADRANTS = {
    "Strategic": "attractive, strong relationship",
    "Star": "attractive, relationship still to build",
    "Status": "strong relationship, less attractive",
    "Streamline": "less attractive, weaker relationship",
}


def kam_quadrant(attractiveness: int | None, relationship: int | None) -> str | None:
    """Place an account on the KAM grid; None until both scores are known.

    Strategic: attractive and strong relationship; Star: attractive, relationship to build;
    Status: strong relationship, less attractive; Streamline: neither.
    """
    if attractiveness is None or relationship is None:
        return None
    high_attraction, strong = attractiveness >= 4, relationship >= 4
    if high_attraction:
        return "Strategic" if strong else "Star"
    return "Status" if strong else "Streamline"
