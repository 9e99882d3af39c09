"""The proxy the replica tests and the bench stand behind: strict turns, bodies through, 502 for a dead backend."""
from __future__ import annotations

import aiohttp
from aiohttp import web

from veiviser.round_robin import BACKEND_HEADER, make_app
from veiviser.supervisor import free_port


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


def echo_backend(name: str) -> web.Application:
    async def echo(request: web.Request) -> web.Response:
        return web.json_response({"backend": name, "path": request.path_qs, "body": await request.text()})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


async def test_requests_take_turns_and_arrive_whole() -> None:
    backends = [await serve(echo_backend(name)) for name in ("a", "b")]
    proxy, url = await serve(make_app([backend_url for _, backend_url in backends]))
    try:
        async with aiohttp.ClientSession() as client:
            answers = []
            for n in range(4):
                async with client.post(f"{url}/webhooks/web/webhook?n={n}", data=f"message {n}") as response:
                    answers.append((response.headers[BACKEND_HEADER], await response.json()))
    finally:
        for runner, _ in [*backends, (proxy, url)]:
            await runner.cleanup()
    assert [header for header, _ in answers] == ["0", "1", "0", "1"]
    assert [body["backend"] for _, body in answers] == ["a", "b", "a", "b"]
    assert [(body["path"], body["body"]) for _, body in answers] == [
        (f"/webhooks/web/webhook?n={n}", f"message {n}") for n in range(4)]


async def test_a_backend_that_is_gone_gets_a_502_naming_it() -> None:
    proxy, url = await serve(make_app([f"http://127.0.0.1:{free_port()}"]))
    try:
        async with aiohttp.ClientSession() as client, client.get(f"{url}/") as response:
            assert (response.status, response.headers[BACKEND_HEADER]) == (502, "0")
            assert "unreachable" in (await response.json())["error"]
    finally:
        await proxy.cleanup()
