import os
import time


def handle(request):
    if request.path == "/fail":
        raise ValueError("kaboom")
    if request.path == "/raw":
        return {
            "status": 201,
            "headers": {"X-Echo-Method": request.method, "Content-Type": "application/octet-stream"},
            "body": request.body,
        }
    if request.path == "/json":
        return {"greeting": os.environ.get("GREETING", "unset")}
    if request.path == "/sleep":
        time.sleep(3)
        return "slept"
    return "\n".join(
        [
            "method=" + request.method,
            "path=" + request.path,
            "query=" + request.query,
            "custom=" + request.headers.get("x-custom", ""),
            "ce-type=" + request.headers.get("ce-type", ""),
            "invocation=" + (request.invocation_id or ""),
            "deadline=" + ("null" if request.deadline is None else str(request.deadline)),
            "body=" + request.text(),
            "greeting=" + os.environ.get("GREETING", "unset"),
        ]
    )
