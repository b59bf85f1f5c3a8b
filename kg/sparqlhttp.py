"""The SPARQL 1.1 protocol as a client speaks it, with the standard library only: whether an
endpoint is there, and a query's answer in the SPARQL JSON results format.

:func:`kg.graphs.endpoint_graph` probes with it before rdflib's SPARQLStore takes over, and
:func:`kg.query.answer` sends SELECT and ASK queries with it, without loading rdflib.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

from kg.errors import InputError

#: Seconds to wait for an endpoint to accept a connection.
CONNECT_TIMEOUT = 10.0
JSON_RESULTS = "application/sparql-results+json"


def check_url(url: str) -> None:
    """An endpoint's URL must be http(s): :class:`InputError` otherwise."""
    if not re.match(r"^https?://", url):
        raise InputError(f"{url}: not an http(s) SPARQL endpoint URL")


def probe(url: str) -> None:
    """Check that ``url`` is an http(s) SPARQL endpoint that answers ``ASK {}``; a server that
    is down or wrong is :class:`InputError` ("cannot reach")."""
    check_url(url)
    asked = url + ("&" if "?" in url else "?") + "query=ASK%7B%7D"
    try:
        with urllib.request.urlopen(asked, timeout=CONNECT_TIMEOUT) as reply:
            reply.read(1 << 16)
    except urllib.error.HTTPError as err:
        raise InputError(f"{url}: the endpoint answered HTTP {err.code} to ASK {{}}") from None
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise InputError(f"{url}: cannot reach the SPARQL endpoint ({reason})") from None


def results(url: str, text: str, timeout: float, name: str) -> dict[str, Any]:
    """The SPARQL JSON results of the query ``text`` (named ``name`` in errors) at ``url``."""
    request = urllib.request.Request(url, data=text.encode("utf-8"), method="POST")
    request.add_header("Content-Type", "application/sparql-query; charset=utf-8")
    request.add_header("Accept", JSON_RESULTS)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            data = json.load(reply)
    except urllib.error.HTTPError as err:
        reason = " ".join(err.read().decode("utf-8", "replace").split())[:160]
        raise InputError(f"{name}: query failed (HTTP {err.code}: {reason})") from None
    except OSError as err:  # URLError, a refused connection, a timeout
        why = err.reason if isinstance(err, urllib.error.URLError) else err
        raise InputError(f"{url}: cannot reach the SPARQL endpoint ({why})") from None
    except ValueError as err:
        raise InputError(f"{name}: the endpoint's answer is not SPARQL JSON ({err})") from None
    if not isinstance(data, dict) or not ("boolean" in data or "results" in data):
        raise InputError(f"{name}: the endpoint's answer is not SPARQL JSON results")
    return data
