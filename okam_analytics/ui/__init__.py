"""Streamlit-side helpers: shared filters, cached data access, text, safe rendering.

Only this package (and app.py, pages/) may import streamlit; the rest of okam_analytics never does.
"""
