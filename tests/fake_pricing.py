"""A loopback AWS Price List Query API (`AWSPriceListService`, JSON 1.1 over POST /) serving a
catalog of price-list documents in the API's own shape, to the real boto3 `pricing` client.

It checks what AWS checks first (a SigV4 signature for the `pricing` service, the target, the
service code) and answers GetProducts with TERM_MATCH filtering on product attributes and
NextToken paging (`page_size` products a page, as the real API pages long answers)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TARGET = "AWSPriceListService."


def document(service: str, sku: str, family: str, attributes: dict, unit: str, tiers) -> str:
    """One price-list document as the API returns it (a JSON string): `tiers` is
    [(begin, end, usd), ...] of the OnDemand term's price dimensions."""
    term = f"{sku}.JRTCKXETXF"
    dims = {f"{term}.{i:010d}": {"unit": unit, "beginRange": str(begin), "endRange": str(end), "appliesTo": [],
                                  "description": f"{service} {attributes.get('usagetype', '')} tier {i}",
                                  "rateCode": f"{term}.{i:010d}", "pricePerUnit": {"USD": f"{usd:.10f}"}}
            for i, (begin, end, usd) in enumerate(tiers)}
    return json.dumps({
        "product": {"productFamily": family, "attributes": {"servicecode": service, **attributes}, "sku": sku},
        "serviceCode": service,
        "terms": {"OnDemand": {term: {"priceDimensions": dims, "sku": sku, "effectiveDate": "2026-11-01T00:00:00Z",
                                      "offerTermCode": "JRTCKXETXF", "termAttributes": {}}}},
        "version": "20261101000000", "publicationDate": "2026-11-01T00:00:00Z",
    })


class FakePricing:
    """`with FakePricing(documents) as api:` -> api.endpoint, api.calls (request bodies)."""

    def __init__(self, documents: list[str], page_size: int = 2):
        self.products = [json.loads(d) for d in documents]
        self.page_size = page_size
        self.calls: list[dict] = []
        self.refuse: str = ""  # an error code to answer every call with (AccessDeniedException, ...)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"

    def get_products(self, body: dict) -> tuple[int, dict]:
        service = body.get("ServiceCode")
        if not any(p["serviceCode"] == service for p in self.products):
            return 400, {"__type": "InvalidParameterException", "Message": f"Invalid ServiceCode: {service}"}
        matched = [p for p in self.products if p["serviceCode"] == service and self._matches(p, body.get("Filters") or [])]
        start = int(body.get("NextToken") or 0)
        size = min(int(body.get("MaxResults") or 100), self.page_size)
        page = matched[start:start + size]
        reply = {"FormatVersion": "aws_v1", "PriceList": [json.dumps(p) for p in page]}
        if start + size < len(matched):
            reply["NextToken"] = str(start + size)
        return 200, reply

    @staticmethod
    def _matches(product: dict, filters: list) -> bool:
        attributes = product["product"]["attributes"]
        for f in filters:
            if f.get("Type") != "TERM_MATCH":
                return False
            field = f.get("Field")
            have = product["product"]["productFamily"] if field == "productFamily" else attributes.get(field)
            if have is None or str(have).lower() != str(f.get("Value")).lower():
                return False
        return True

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                auth = self.headers.get("Authorization", "")
                target = self.headers.get("X-Amz-Target", "")
                with fake._lock:
                    fake.calls.append(body)
                if not auth.startswith("AWS4-HMAC-SHA256 ") or "/pricing/aws4_request" not in auth:
                    status, reply = 403, {"__type": "MissingAuthenticationTokenException", "Message": "Missing signature"}
                elif fake.refuse:
                    status, reply = 400, {"__type": fake.refuse, "Message": "User is not authorized to perform: pricing:GetProducts"}
                elif target != TARGET + "GetProducts":
                    status, reply = 400, {"__type": "UnknownOperationException", "Message": target}
                else:
                    status, reply = fake.get_products(body)
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True, name="fake-pricing").start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
