"""The HTTP SMS backend against a local server that speaks a gateway's protocol."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from openalmaty.sms import SmsGatewayError, send_sms


class Gateway(BaseHTTPRequestHandler):
    answers: list[int] = []
    received: list[dict] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append({"body": body, "auth": self.headers["Authorization"]})
        self.send_response(type(self).answers.pop(0) if type(self).answers else 200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def gateway(settings):
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    Gateway.answers, Gateway.received = [], []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SMS_BACKEND = "openalmaty.sms.HttpBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_GATEWAY_TOKEN = "secret-token"
    settings.SMS_GATEWAY_RETRIES = 2
    yield Gateway
    server.shutdown()


def test_a_message_reaches_the_gateway_with_the_token(gateway):
    send_sms(to="+77011112233", text="Код: 123456")

    assert gateway.received == [
        {"body": {"to": "+77011112233", "text": "Код: 123456", "sender": "OpenAlmaty"}, "auth": "Bearer secret-token"}
    ]


def test_a_gateway_error_is_retried(gateway):
    gateway.answers = [503, 502]

    send_sms(to="+77011112233", text="hello")

    assert len(gateway.received) == 3


def test_a_refusal_is_not_retried_and_raises(gateway):
    gateway.answers = [400]

    with pytest.raises(SmsGatewayError, match="HTTP 400"):
        send_sms(to="+77011112233", text="hello")
    assert len(gateway.received) == 1


def test_an_unreachable_gateway_raises_after_the_retries(settings):
    settings.SMS_BACKEND = "openalmaty.sms.HttpBackend"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/send"  # nothing listens on the discard port
    settings.SMS_GATEWAY_RETRIES = 1

    with pytest.raises(SmsGatewayError, match="unavailable"):
        send_sms(to="+77011112233", text="hello")
