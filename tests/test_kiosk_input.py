"""What the kiosk's public routes accept as input: a signature that is a PNG and
nothing more, and bodies within the route's limit however they are sent."""

import base64
import io
import json
import socket
import struct
import zlib
from datetime import timedelta
from http.client import HTTPResponse

from PIL import Image

from odoo import fields
from odoo.tests import HttpCase

from odoo.addons.club_session_logoff.tools.png_signature import signature_png

from .kiosk_common import KioskCase

REFUSED = {"status": "refused"}
PIN = "2468"


def png_bytes(width=400, height=150):
    """A signature as the kiosk's pad draws it: transparent, with a stroke."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    for x in range(20, 300):
        image.putpixel((x, height // 2), (0, 0, 0, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(raw):
    return "data:image/png;base64," + base64.b64encode(raw).decode()


def chunk(kind, data):
    """One PNG chunk: length, type, data, CRC."""
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data))
    )


def bad_pngs():
    """Signatures that PIL displays like the good one, but carry something else."""
    raw = png_bytes()
    iend = raw.rindex(b"IEND") - 4
    body, end = raw[:iend], raw[iend:]
    return {
        "bytes after IEND": raw + b"<script>alert(1)</script>",
        "a chunk after IEND": raw + chunk(b"tEXt", b"Comment\x00hidden"),
        "a second PNG after IEND": raw + png_bytes(),
        "a wrong CRC": body[:-1] + bytes([body[-1] ^ 1]) + end,
        "no IEND": body,
        "IEND with data": body + chunk(b"IEND", b"x"),
        "a chunk running past the end": body + struct.pack(">I", 10**6) + b"tEXt",
    }


class TestSignaturePng(KioskCase):
    def test_a_plain_png_is_accepted(self):
        raw = png_bytes()
        self.assertEqual(base64.b64decode(signature_png(data_url(raw))), raw)

    def test_anything_beyond_the_png_is_refused(self):
        for what, raw in bad_pngs().items():
            with self.subTest(what):
                self.assertFalse(signature_png(data_url(raw)))


class KioskHttpCase(KioskCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member._club_set_kiosk_pin(PIN)

    def route(self, name):
        return f"/club/kiosk/{self.company.club_kiosk_token}/{name}"

    def call(self, name, params):
        return self.make_jsonrpc_request(self.route(name), params)

    def identify(self):
        visit = self.call("identify", {"code": "M-0001", "pin": PIN})
        self.assertEqual(visit["status"], "ok")
        return visit

    def started_booking(self):
        return self.book_at(fields.Datetime.now() - timedelta(minutes=10))


class TestSignatureOverHttp(KioskHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.club_kiosk_confirm_mode = "signature"

    def test_trailing_data_is_refused(self):
        booking = self.started_booking()
        ticket = self.identify()["ticket"]
        for what, raw in bad_pngs().items():
            with self.subTest(what):
                answer = self.call(
                    "confirm",
                    {
                        "ticket": ticket,
                        "booking_id": booking.id,
                        "signature": data_url(raw),
                    },
                )
                self.assertEqual(answer, REFUSED)
        self.assertFalse(booking.kiosk_confirmed)
        self.assertFalse(booking.kiosk_signature)
        answer = self.call(
            "confirm",
            {
                "ticket": ticket,
                "booking_id": booking.id,
                "signature": data_url(png_bytes()),
            },
        )
        self.assertEqual(answer["booking"]["state"], "logged")
        self.assertEqual(base64.b64decode(booking.kiosk_signature), png_bytes())


class TestChunkedBodies(KioskHttpCase):
    """Without a Content-Length, a body comes in chunks of announced sizes: the
    server must stop reading at the route's limit, not at the body's end."""

    def post_chunks(self, name, chunks, finish=True, headers=(), raw=b""):
        """POST ``chunks`` with chunked transfer encoding on a raw socket, then
        ``raw`` bytes; without ``finish`` the body never ends (the client is
        still sending)."""
        lines = [
            f"POST {self.route(name)} HTTP/1.1",
            f"Host: 127.0.0.1:{self.http_port()}",
            "Content-Type: application/json",
            "Transfer-Encoding: chunked",
            *headers,
        ]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode()
        for data in chunks:
            request += b"%x\r\n%s\r\n" % (len(data), data)
        request += raw
        if finish:
            request += b"0\r\n\r\n"
        with socket.create_connection(("127.0.0.1", self.http_port()), 10) as sock:
            sock.sendall(request)
            response = HTTPResponse(sock)
            response.begin()
            return response.status, response.read()

    def body(self, **params):
        return json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})

    def test_a_small_chunked_body_works(self):
        body = self.body(code="M-0001", pin=PIN).encode()
        status, answer = self.post_chunks("identify", [body[:20], body[20:]])
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(answer)["result"]["first_name"], "Mia")
        self.assertEqual(len(self.kiosk_checkins()), 1)

    def test_an_endless_chunked_body_gets_413(self):
        """5 kB sent, over the 4 kB limit, and the body still open: the answer
        comes at once, without waiting for (or reading) the rest."""
        body = self.body(code="M-0001", pin=PIN, pad="x" * 5000).encode()
        chunks = [body[i : i + 1000] for i in range(0, len(body), 1000)]
        status, _answer = self.post_chunks("identify", chunks, finish=False)
        self.assertEqual(status, 413)
        self.assertFalse(self.kiosk_checkins())

    def test_a_small_content_length_does_not_hide_a_big_chunked_body(self):
        body = self.body(code="M-0001", pin=PIN, pad="x" * 5000).encode()
        status, _answer = self.post_chunks(
            "identify", [body], headers=["Content-Length: 40"]
        )
        self.assertEqual(status, 413)
        self.assertFalse(self.kiosk_checkins())

    def test_a_malformed_chunked_body_is_a_bad_request(self):
        body = self.body(code="M-0001", pin=PIN).encode()
        status, _answer = self.post_chunks(
            "identify", [body[:20]], raw=b"not-a-size\r\n" + body[20:] + b"\r\n"
        )
        self.assertEqual(status, 400)
        self.assertFalse(self.kiosk_checkins())
