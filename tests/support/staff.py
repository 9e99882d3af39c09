"""Asking the staff API, for the tests that compare its answers."""
from __future__ import annotations


def pairs(params: dict) -> list[tuple[str, str]]:
    """Query pairs, a list value repeated (type=a&type=b)."""
    return [(k, v) for k, values in params.items() for v in (values if isinstance(values, list) else [values])]


async def ids(client, params: dict) -> list[str]:
    response = await client.get("/services", params=pairs({**params, "per_page": "100"}))
    assert response.status == 200, await response.text()
    return [service["id"] for service in (await response.json())["contents"]]
