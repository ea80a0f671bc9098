"""Presenting results: text tables for the terminal (figures and HTML reports build on these)."""
