"""Greets whoever the query (?name=) or the body names, or the world."""

import os
from urllib.parse import parse_qs


def handle(request):
    name = parse_qs(request.query).get("name", [""])[0] or request.text().strip() or "world"
    return "%s, %s!" % (os.environ.get("GREETING", "Hello"), name)
