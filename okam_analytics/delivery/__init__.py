"""Alerts, the digest and client packs: messages, SMTP, webhooks (SPEC 11)."""
