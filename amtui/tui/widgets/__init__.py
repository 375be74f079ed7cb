"""Widgets of the main screen: the three regions and the row list they share."""
