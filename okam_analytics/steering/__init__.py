"""The steering meeting with a client: its figures (view), their text (format), the PDF,
share links, and (to come) the deck and action items."""
