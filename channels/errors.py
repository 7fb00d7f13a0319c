"""Request errors a client can fix, and the JSON shape every error response takes."""
from __future__ import annotations

from aiohttp import web

from agent.errors import ChannelError


class BadRequest(ChannelError):
    """A request (or WebSocket frame) the client got wrong; `field` names the offending part.

        raise BadRequest("message", "message must be a string, got number")
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def json_error(status: int, message: str, field: str | None = None) -> web.Response:
    """`{"error": message, "status": status, "field"?: field}` with the given status."""
    body: dict[str, object] = {"error": message, "status": status}
    if field is not None:
        body["field"] = field
    return web.json_response(body, status=status)


def type_name(value: object) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__
