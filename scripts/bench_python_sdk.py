#!/usr/bin/env python3
"""Bench: the official Huawei Cloud Python SDK (huaweicloudsdkvpn), create then show a connection.

Usage: bench_python_sdk.py URL PROJECT_ID BUDGET [WARMUP]

BUDGET is how long to measure: a number of seconds with an `s` suffix (`10s`, `2.5s`) or a
number of pairs (`200`). WARMUP is how many untimed pairs run first (default 20).

One pair is CreateVpnConnection followed by ShowVpnConnection with the id the create returned,
through a VpnClient built for URL (plain http allowed) with the SDK's own AK/SK signing
(BasicCredentials with the fixed bench keys `bench-ak`/`bench-sk`: the bench server answers
canned responses and ignores authentication). Each pair is timed with time.perf_counter().

Prints one JSON object on stdout:
  {"iterations": n, "seconds": s, "pairs_per_second": x, "median_pair_us": m}
where n is the number of timed pairs, s their total wall time and m the median of the pairs.
Exits 2 on bad arguments and 1 with a message naming the failed step otherwise; no key is
printed.
"""

import json
import statistics
import sys
import time

AK = "bench-ak"
SK = "bench-sk"
PSK = "Bench-PSK-2024-abcd"
DEFAULT_WARMUP = 20
# However the budget is given, a run stops after this many pairs.
MAX_PAIRS = 1_000_000


class BenchError(Exception):
    pass


def usage_error(message):
    print(f"bench_python_sdk: {message}", file=sys.stderr)
    print(__doc__.strip().splitlines()[2], file=sys.stderr)
    return 2


def parse_budget(text):
    """Returns (seconds, None) for `10s` and (None, pairs) for `200`; raises ValueError."""
    if text.endswith("s"):
        try:
            seconds = float(text[:-1])
        except ValueError:
            seconds = None
        if seconds is None or not 0 < seconds < float("inf"):
            raise ValueError(f"a time budget is a positive number of seconds, got {text!r}")
        return seconds, None
    try:
        pairs = int(text)
    except ValueError:
        pairs = None
    if pairs is None or not 1 <= pairs <= MAX_PAIRS:
        raise ValueError(f"expected `SECONDSs` or a number of pairs from 1 to {MAX_PAIRS}, "
                         f"got {text!r}")
    return None, pairs


def make_client(url, project_id):
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkvpn.v5 import VpnClient

    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True  # plain http to a loopback server
    return (
        VpnClient.new_builder()
        .with_http_config(config)
        .with_credentials(BasicCredentials(AK, SK, project_id))
        .with_endpoints([url])
        .build()
    )


def make_pair(client):
    from huaweicloudsdkvpn.v5 import (
        CreateVpnConnectionRequest,
        CreateVpnConnectionRequestBody,
        CreateVpnConnectionRequestBodyContent,
        ShowVpnConnectionRequest,
    )

    def pair():
        # The body a caller builds for every connection (as in the seed's example 3); the
        # request style is lower case on the wire, as the spec documents.
        content = CreateVpnConnectionRequestBodyContent(
            name="bench-connection",
            vgw_id="b32d91a4-demo-a8df-va86-e907174eb11d",
            vgw_ip="0c464dad-demo-a8df-va86-c22bb0eb0bde",
            cgw_id="5247ae10-demo-a8df-va86-dd36659a7f5d",
            peer_subnets=["192.168.44.0/24"],
            psk=PSK,
            style="static",
        )
        created = client.create_vpn_connection(CreateVpnConnectionRequest(
            body=CreateVpnConnectionRequestBody(vpn_connection=content)))
        connection = created.vpn_connection
        connection_id = connection.id if connection is not None else None
        if not connection_id:
            raise BenchError("CreateVpnConnection: the response has no vpn_connection.id")
        shown = client.show_vpn_connection(
            ShowVpnConnectionRequest(vpn_connection_id=connection_id))
        if shown.vpn_connection is None:
            raise BenchError("ShowVpnConnection: the response has no vpn_connection")

    return pair


def run(url, project_id, seconds, pairs, warmup):
    client = make_client(url, project_id)
    pair = make_pair(client)
    for _ in range(warmup):
        pair()
    timings = []
    start = time.perf_counter()
    while True:
        before = time.perf_counter()
        pair()
        after = time.perf_counter()
        timings.append(after - before)
        if pairs is not None and len(timings) >= pairs:
            break
        if seconds is not None and (after - start >= seconds or len(timings) >= MAX_PAIRS):
            break
    total = time.perf_counter() - start
    return {
        "iterations": len(timings),
        "seconds": total,
        "pairs_per_second": len(timings) / total if total > 0 else 0.0,
        "median_pair_us": statistics.median(timings) * 1e6,
    }


def main(argv):
    if len(argv) not in (4, 5):
        return usage_error(f"expected 3 or 4 arguments, got {len(argv) - 1}")
    url, project_id, budget = argv[1:4]
    if not url.startswith(("http://", "https://")):
        return usage_error(f"URL must start with http:// or https://, got {url!r}")
    if not project_id:
        return usage_error("PROJECT_ID is empty")
    try:
        seconds, pairs = parse_budget(budget)
    except ValueError as error:
        return usage_error(f"BUDGET: {error}")
    warmup = DEFAULT_WARMUP
    if len(argv) == 5:
        try:
            warmup = int(argv[4])
        except ValueError:
            return usage_error(f"WARMUP must be a whole number, got {argv[4]!r}")
        if warmup < 0 or warmup > MAX_PAIRS:
            return usage_error(f"WARMUP must be between 0 and {MAX_PAIRS}, got {warmup}")

    try:
        from huaweicloudsdkcore.exceptions import exceptions as sdk_exceptions
    except ImportError as error:
        print(f"bench_python_sdk: FAILED: the official SDK is not installed ({error}); "
              "run it with the python of .venv-bench (requirements-bench.txt)", file=sys.stderr)
        return 1
    try:
        result = run(url, project_id, seconds, pairs, warmup)
    except BenchError as error:
        print(f"bench_python_sdk: FAILED: {error}", file=sys.stderr)
        return 1
    except sdk_exceptions.SdkException as error:
        # The SDK's error names the status, code and message; no key is in it.
        print(f"bench_python_sdk: FAILED: the SDK raised {type(error).__name__}: {error}",
              file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - any other failure fails the bench, named
        print(f"bench_python_sdk: FAILED: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
