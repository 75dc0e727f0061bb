"""Replay the same POST through the portal's WSGI application in this process, for callgrind to count.

`python -m bench.wsgi_replay form|floor COUNT` (run by bench.appeals under valgrind): the real appeal form as a
citizen with a confirmed phone posts it, or the bare view of bench.floor; every middleware, the database and the
broker are real, as under gunicorn. No HTTP server and no client library run in this process, so what callgrind
counts is the portal's own work per request.
"""

import io
import os
import sys
from urllib.parse import urlencode

from bench import floor
from bench.appeals import BENCH_ENV, burst_fields, confirmed_session, csrf

HOST = "127.0.0.1"


def _environ(method: str, path: str, cookies: dict[str, str], body: bytes = b"") -> dict:
    return {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": HOST, "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": HOST, "REMOTE_ADDR": HOST, "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "HTTP_COOKIE": "; ".join(f"{key}={value}" for key, value in cookies.items()),
    }  # fmt: skip


def _call(application, environ: dict) -> tuple[str, dict, bytes]:
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=status, headers=headers)

    chunks = application(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        chunks.close()  # request_finished, as gunicorn sends it
    return answer["status"], dict(answer["headers"]), body


def replay(what: str, count: int) -> None:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    cookies = {"sessionid": confirmed_session()}
    status, headers, page = _call(application, _environ("GET", "/appeals/new/", cookies))
    assert status.startswith("200"), status
    cookies["csrftoken"], token = csrf(headers["Set-Cookie"], page.decode())
    if what == "form":  # the wrk bursts' appeal
        path, fields = "/appeals/new/", burst_fields()
    else:
        path, fields = "/bench-floor/register/", floor.FIELDS
    body = urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
    for _ in range(count):
        status, _, _ = _call(application, _environ("POST", path, cookies, body))
        assert status.startswith("302"), status


if __name__ == "__main__":
    os.environ.update(BENCH_ENV, DJANGO_SETTINGS_MODULE="bench.settings")
    import django

    django.setup()
    replay(sys.argv[1], int(sys.argv[2]))
