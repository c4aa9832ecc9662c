"""The steering meeting with a client: its figures (view), their text (format), the PDF,
share links, the PowerPoint deck (deck, deck_layout, executive) and action items."""
