"""The messaging platforms: Telegram, Slack, WhatsApp, Messenger and Chatwoot.

Each adapter verifies its platform's webhook, parses a delivery into the shared `InboundMessage`,
keeps it in the durable inbox, and renders replies in the platform's own format; what they share
(photos, the turn, fallbacks for what a platform cannot show) lives in `base`, the text helpers in
`render`, and Meta's webhook and Graph API for WhatsApp and Messenger in `meta`.
"""
