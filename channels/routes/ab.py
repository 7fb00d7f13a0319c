"""HTTP endpoints of the A/B tests: the widget's banner, its impressions and clicks, the merchant's reports.

Widget (no credentials; the session id is the widget's own):

- `GET /ab/variant?session_id=S[&placement=onsite]`: 200 `{"experiment_id", "variant_id", "fields",
  "product": card}` for the running experiment (this visitor keeps the variant first drawn for them),
  or 204 when none runs (or the server has no A/B testing).
- `POST /ab/impression` and `POST /ab/click` with `{"experiment_id", "variant_id", "session_id"}`:
  200 `{"recorded": true}` (false when this visitor already had that event). A click needs the
  impression first.

Merchant (`Authorization: Bearer <token>`, see `channels.merchant`):

- `POST /ab/experiments` `{"product_id", "placement"?, "count"?, "segment"?}`: 201, the experiment
  with its generated variants.
- `GET /ab/experiments/{id}/report` (JSON), `.../report.csv`, `.../report.png` (the plot);
  `POST /ab/experiments/{id}/stop`.

Like the product pages, these reach the agent's `experiments` through the app; 404 where the
agent has none.
"""
from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from channels.context import AGENT, ChannelHooks
from channels.errors import BadRequest, json_error
from channels.merchant import require_merchant
from channels.rendering import product_card
from channels.validation import is_session_id, parse_json_object

CHANNEL = "ab"
_ID_CHARS = 64


def setup(app: web.Application, hooks: ChannelHooks) -> None:
    token_env = hooks.server.merchant_token_env

    async def variant(request: web.Request) -> web.Response:
        experiments = request.app[AGENT].experiments
        if experiments is None:
            return web.Response(status=204)  # no A/B testing here: simply no banner
        session_id = request.query.get("session_id", "")
        if not is_session_id(session_id):
            raise BadRequest("session_id", "'session_id' must be 8-64 letters, digits, '-' or '_'")
        shown = await asyncio.to_thread(experiments.serve, session_id, request.query.get("placement", "onsite"))
        if shown is None:
            return web.Response(status=204)
        product = request.app[AGENT].product(shown["product_id"])
        return web.json_response({**shown, "product": product_card(product) if product else None})

    def event(kind: str):
        async def record(request: web.Request) -> web.Response:
            experiments = _experiments(request)
            body = parse_json_object(await request.read())
            ids = [_id(body, name) for name in ("experiment_id", "variant_id")]
            session_id = body.get("session_id")
            if not is_session_id(session_id):
                raise BadRequest("session_id", "'session_id' must be 8-64 letters, digits, '-' or '_'")
            recorded = await _call(experiments.record, *ids, session_id, kind)
            return web.json_response({"recorded": recorded})

        return record

    async def start(request: web.Request) -> web.Response:
        require_merchant(request, token_env)
        body = parse_json_object(await request.read())
        count = body.get("count", 3)
        if not isinstance(count, int) or isinstance(count, bool) or not 2 <= count <= 10:
            raise BadRequest("count", "'count' must be an integer from 2 to 10")
        started = await _call(_experiments(request).start, _id(body, "product_id"), str(body.get("placement", "onsite")),
                              count, body.get("segment"))
        return web.json_response(started, status=201)

    async def report(request: web.Request) -> web.StreamResponse:
        require_merchant(request, token_env)
        found = await asyncio.to_thread(_experiments(request).report, request.match_info["experiment_id"])
        if found is None:
            return json_error(404, "no such experiment")
        kind = request.match_info.get("format", "")
        if kind == ".png":
            from skills.ads.abreport import report_png

            return web.Response(body=await asyncio.to_thread(report_png, found), content_type="image/png")
        if kind == ".csv":
            from skills.ads.abreport import report_csv

            return web.Response(text=report_csv(found), content_type="text/csv")
        return web.json_response(found)

    async def stop(request: web.Request) -> web.Response:
        require_merchant(request, token_env)
        experiments = _experiments(request)
        experiment_id = request.match_info["experiment_id"]
        if await asyncio.to_thread(experiments.store.get, experiment_id) is None:
            return json_error(404, "no such experiment")
        await asyncio.to_thread(experiments.stop, experiment_id)
        return web.json_response({"experiment_id": experiment_id, "status": "stopped"})

    app.router.add_get("/ab/variant", variant)
    app.router.add_post("/ab/impression", event("impression"))
    app.router.add_post("/ab/click", event("click"))
    app.router.add_post("/ab/experiments", start)
    app.router.add_get(r"/ab/experiments/{experiment_id}/report{format:(\.png|\.csv)?}", report)
    app.router.add_post("/ab/experiments/{experiment_id}/stop", stop)


def _experiments(request: web.Request) -> Any:
    experiments = request.app[AGENT].experiments
    if experiments is None:
        raise web.HTTPNotFound(reason="A/B testing is not enabled on this server")
    return experiments


def _id(body: dict, name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > _ID_CHARS:
        raise BadRequest(name, f"'{name}' must be a non-empty string of at most {_ID_CHARS} characters")
    return value.strip()


async def _call(function: Any, *args: Any) -> Any:
    """Run a blocking experiments call; its ValueErrors (bad ids, a click with no impression) are 400s."""
    try:
        return await asyncio.to_thread(function, *args)
    except ValueError as exc:
        raise BadRequest("body", str(exc)) from None
