"""Channels: how shoppers reach the agent.

One aiohttp application (`channels.server.build_app`) serves every channel. A channel is a small
adapter with two directions: inbound, it validates a platform's payload and turns it into a
`UserMessage` for the callback it was given; outbound, it renders the returned `BotMessage`s in the
platform's format through `channels.rendering`, the one place where rich replies (product cards,
images, quick replies) fall back to plain text.

Built in:

- `channels.rest`: the Rasa-compatible REST webhook, so Rasa web-chat clients work unchanged.
- `channels.webchat`: the website chat widget over a WebSocket, with its page and static files.
- `channels.site`: product images (`/media/...`) and simple product pages (`/products/<id>`).

    app = build_app(ServerConfig(), open_agent)   # open_agent() -> async context manager
    run_server(app, "127.0.0.1", 8080)
"""
