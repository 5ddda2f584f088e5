"""Greets whoever the query (?name=) names, with the GREETING the Kilnfile sets."""

import os
from urllib.parse import parse_qs


def handle(request):
    name = parse_qs(request.query).get("name", ["world"])[0]
    return "%s, %s! (built from a Kilnfile)" % (os.environ.get("GREETING", "Hello"), name)
