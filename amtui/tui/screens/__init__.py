"""Screens: the main screen and the modal ones (detail, forms, confirmation)."""
