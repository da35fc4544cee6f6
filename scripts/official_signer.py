#!/usr/bin/env python3
"""Signs request cases with the official Huawei Cloud Python SDK (huaweicloudsdkcore).

Usage: official_signer.py CASES.json

CASES.json is written by tests/tests/signer_official.rs:
    {"cases": [{"id": 0, "method": "GET", "url": "https://host/path?q=1",
                "headers": [["Name", "value"], ...],   # as sent, before signing
                "body_hex": "...", "ak": "...", "sk": "...",
                "security_token": null or "...", "project_id": null or "...",
                "sdk_date": "20060102T150405Z"}, ...]}

Each case becomes the SdkRequest that the SDK's own client builds (scheme and netloc of the
endpoint, the resource path, the query parameters as (key, value) tuples, the header dict with
`Content-Type` under that exact name, the body as bytes) and is signed by
BasicCredentials(ak, sk, project_id)[.with_security_token(token)].sign_request(), which adds
X-Project-Id and X-Security-Token and calls the SDK's Signer (SDK-HMAC-SHA256). X-Sdk-Date is
given as a header, so the signer uses that time instead of the clock.

Prints one JSON document on stdout:
    {"sdk_version": "...", "results": [{"id": 0, "authorization": "...", "headers": {...},
                                        "uri": "/path?q=1"} or {"id": 0, "error": "..."}]}
No secret is printed: in `authorization` the access key is replaced by `<ak>` and in
`headers` the X-Security-Token value by `<security-token>` (each only after checking that it
is exactly the one given; otherwise a marker says it differs). The signatures are printed.
"""

import json
import sys
from importlib.metadata import version
from urllib.parse import parse_qsl, urlsplit

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest

AK_PLACEHOLDER = "<ak>"
TOKEN_PLACEHOLDER = "<security-token>"


def wire_text(value):
    """The signer stores header values as the Latin-1 reading of their UTF-8 bytes (what
    `requests` puts on the wire); turn them back into text."""
    text = str(value)
    try:
        return text.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def redact_authorization(value, ak):
    prefix = "SDK-HMAC-SHA256 Access="
    if value.startswith(prefix + ak + ", "):
        return prefix + AK_PLACEHOLDER + value[len(prefix) + len(ak):]
    return "<authorization without the given access key>"


def sign_case(case):
    parts = urlsplit(case["url"])
    headers = {}
    for name, value in case["headers"]:
        # The SDK's client always keys the content type as "Content-Type".
        key = "Content-Type" if name.lower() == "content-type" else name
        headers[key] = value
    headers["X-Sdk-Date"] = case["sdk_date"]

    request = SdkRequest(
        method=case["method"],
        schema=parts.scheme,
        host=parts.netloc,
        resource_path=parts.path,
        query_params=parse_qsl(parts.query, keep_blank_values=True),
        header_params=headers,
        body=bytes.fromhex(case["body_hex"]),
    )
    credentials = BasicCredentials(case["ak"], case["sk"], case["project_id"])
    if case["security_token"] is not None:
        credentials = credentials.with_security_token(case["security_token"])
    signed = credentials.sign_request(request)

    out_headers = {}
    for name, value in signed.header_params.items():
        text = wire_text(value)
        if name.lower() == "authorization":
            text = redact_authorization(text, case["ak"])
        elif name.lower() == "x-security-token":
            text = TOKEN_PLACEHOLDER if text == case["security_token"] \
                else "<security-token differs from the one given>"
        out_headers[name] = text
    authorization = next(v for k, v in out_headers.items() if k.lower() == "authorization")
    return {"id": case["id"], "authorization": authorization, "headers": out_headers,
            "uri": signed.uri}


def main():
    if len(sys.argv) != 2:
        print("usage: official_signer.py CASES.json", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    results = []
    for case in cases:
        try:
            results.append(sign_case(case))
        except Exception as e:  # reported per case; the message never holds a key
            results.append({"id": case["id"], "error": type(e).__name__ + ": " + str(e)})
    json.dump({"sdk_version": version("huaweicloudsdkcore"), "results": results},
              sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
