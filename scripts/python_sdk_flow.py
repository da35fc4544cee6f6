#!/usr/bin/env python3
"""Judge: the official Huawei Cloud Python SDK (huaweicloudsdkvpn) against the VPN emulator.

Usage: python_sdk_flow.py ENDPOINT AK SK PROJECT_ID

With the SDK's own AK/SK signing (BasicCredentials(ak, sk, project_id)) and a VpnClient built
for ENDPOINT (plain http allowed), creates a VPN gateway, a customer gateway, a VPN connection
and a connection monitor, reads each back, and checks that the fields round-trip (what was sent
comes back, server defaults are filled in, statuses are known ones). Then deletes them in order
and checks that they are gone. The emulator should run with --ak/--sk so that every request's
signature is verified (scripts/judges.sh does this).

Exits 0 when everything held, 1 with a message naming the step and the field otherwise.
Secrets (SK, PSK) are never printed.
"""

import sys
import time
import traceback

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions as sdk_exceptions
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkvpn.v5 import (
    CreateCgwRequest,
    CreateCgwRequestBody,
    CreateCgwRequestBodyContent,
    CreateConnectionMonitorRequest,
    CreateConnectionMonitorRequestBody,
    CreateConnectionMonitorRequestBodyContent,
    CreateRequestEip,
    CreateVgwRequest,
    CreateVgwRequestBody,
    CreateVgwRequestBodyContent,
    CreateVpnConnectionRequest,
    CreateVpnConnectionRequestBody,
    CreateVpnConnectionRequestBodyContent,
    DeleteCgwRequest,
    DeleteConnectionMonitorRequest,
    DeleteVgwRequest,
    DeleteVpnConnectionRequest,
    ListVpnConnectionsRequest,
    ShowCgwRequest,
    ShowConnectionMonitorRequest,
    ShowVgwRequest,
    ShowVpnConnectionRequest,
    VpnClient,
)

PSK = "Sdk-Flow-PSK-2024"


class FlowError(Exception):
    pass


def expect(step, what, actual, wanted):
    if actual != wanted:
        raise FlowError(f"{step}: {what} is {actual!r}, expected {wanted!r}")


def expect_in(step, what, actual, allowed):
    if actual not in allowed:
        raise FlowError(f"{step}: {what} is {actual!r}, expected one of {sorted(allowed)!r}")


def as_dict(response, key):
    body = response.to_dict()
    value = body.get(key)
    if not isinstance(value, dict):
        raise FlowError(f"response has no {key!r} object: keys {sorted(body)}")
    return value


def wait_active(step, read, timeout=30.0):
    """Reads until the status is ACTIVE (the emulator may be run with a transition delay)."""
    deadline = time.monotonic() + timeout
    while True:
        current = read()
        status = current.get("status")
        if status == "ACTIVE":
            return current
        expect_in(step, "status", status, {"PENDING_CREATE", "PENDING_UPDATE", "ACTIVE"})
        if time.monotonic() > deadline:
            raise FlowError(f"{step}: still {status} after {timeout} s")
        time.sleep(0.1)


def run(endpoint, ak, sk, project_id):
    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True  # plain http to a local emulator
    client = (
        VpnClient.new_builder()
        .with_http_config(config)
        .with_credentials(BasicCredentials(ak, sk, project_id))
        .with_endpoints([endpoint])
        .build()
    )

    # 1. VPN gateway.
    step = "CreateVgw"
    vgw_in = {
        "name": "sdk-vpngw",
        "attachment_type": "vpc",
        "vpc_id": "91a74241-1a17-4d6d-a1b2-c3d4e5f60708",
        "local_subnets": ["192.168.10.0/24", "192.168.11.0/24"],
        "connect_subnet": "2a9c4e51-8d3b-4f6a-9e20-7b1c5d3f8a64",
        "bgp_asn": 64600,
        "flavor": "Professional2",
        "availability_zone_ids": ["cn-north-4a", "cn-north-4b"],
        "ha_mode": "active-standby",
    }
    eip = dict(type="5_bgp", charge_mode="bandwidth", bandwidth_size=50)
    created = as_dict(
        client.create_vgw(CreateVgwRequest(body=CreateVgwRequestBody(
            vpn_gateway=CreateVgwRequestBodyContent(
                eip1=CreateRequestEip(bandwidth_name="sdk-bw-1", **eip),
                eip2=CreateRequestEip(bandwidth_name="sdk-bw-2", **eip),
                **vgw_in,
            )
        ))),
        "vpn_gateway",
    )
    vgw_id = created.get("id")
    if not vgw_id:
        raise FlowError(f"{step}: no id in the response")
    for key, value in vgw_in.items():
        if key == "availability_zone_ids":
            continue  # not in the create response
        expect(step, key, created.get(key), value)

    step = "ShowVgw"
    vgw = wait_active(step, lambda: as_dict(
        client.show_vgw(ShowVgwRequest(vgw_id=vgw_id)), "vpn_gateway"))
    for key, value in vgw_in.items():
        expect(step, key, vgw.get(key), value)
    expect(step, "network_type (default)", vgw.get("network_type"), "public")
    for name, number in (("eip1", 1), ("eip2", 2)):
        got = vgw.get(name) or {}
        expect(step, f"{name}.bandwidth_name", got.get("bandwidth_name"), f"sdk-bw-{number}")
        expect(step, f"{name}.bandwidth_size", got.get("bandwidth_size"), 50)
        expect(step, f"{name}.charge_mode", got.get("charge_mode"), "bandwidth")
        if not got.get("id") or not got.get("ip_address"):
            raise FlowError(f"{step}: {name} has no id or ip_address")
    eip1_id = vgw["eip1"]["id"]
    eip1_address = vgw["eip1"]["ip_address"]

    # 2. Customer gateway.
    step = "CreateCgw"
    cgw_in = {"name": "sdk-cgw", "id_type": "ip", "id_value": "203.0.113.77", "bgp_asn": 65077}
    created = as_dict(
        client.create_cgw(CreateCgwRequest(body=CreateCgwRequestBody(
            customer_gateway=CreateCgwRequestBodyContent(**cgw_in)))),
        "customer_gateway",
    )
    cgw_id = created.get("id")
    if not cgw_id:
        raise FlowError(f"{step}: no id in the response")
    step = "ShowCgw"
    cgw = as_dict(client.show_cgw(ShowCgwRequest(customer_gateway_id=cgw_id)), "customer_gateway")
    for key, value in cgw_in.items():
        expect(step, key, cgw.get(key), value)
    expect(step, "id", cgw.get("id"), cgw_id)

    # 3. VPN connection.
    step = "CreateVpnConnection"
    connection_in = {
        "name": "sdk-connection",
        "vgw_id": vgw_id,
        "vgw_ip": eip1_id,
        "cgw_id": cgw_id,
        "style": "static",
        "peer_subnets": ["10.77.0.0/16"],
        "psk": PSK,
        "enable_nqa": False,
    }
    response = client.create_vpn_connection(CreateVpnConnectionRequest(
        body=CreateVpnConnectionRequestBody(
            vpn_connection=CreateVpnConnectionRequestBodyContent(**connection_in))))
    if PSK in str(response.to_dict()):
        raise FlowError(f"{step}: the response contains the pre-shared key")
    created = as_dict(response, "vpn_connection")
    connection_id = created.get("id")
    if not connection_id:
        raise FlowError(f"{step}: no id in the response")
    expect(step, "style", created.get("style"), "STATIC")
    for absent in ("status", "connection_monitor_id"):
        if created.get(absent) is not None:
            raise FlowError(f"{step}: the create response has {absent}")

    step = "ShowVpnConnection"
    connection = wait_active(step, lambda: as_dict(
        client.show_vpn_connection(ShowVpnConnectionRequest(vpn_connection_id=connection_id)),
        "vpn_connection"))
    for key, value in connection_in.items():
        if key == "psk":
            if connection.get("psk") is not None:
                raise FlowError(f"{step}: the pre-shared key is returned")
            continue
        wanted = value.upper() if key == "style" else value
        expect(step, key, connection.get(key), wanted)
    ike = connection.get("ikepolicy") or {}
    ipsec = connection.get("ipsecpolicy") or {}
    expect(step, "ikepolicy.ike_version (default)", ike.get("ike_version"), "v2")
    expect(step, "ikepolicy.local_id (the EIP's address)", ike.get("local_id"), eip1_address)
    expect(step, "ikepolicy.peer_id (the customer gateway)", ike.get("peer_id"), "203.0.113.77")
    expect(step, "ikepolicy.dpd.interval (default)", (ike.get("dpd") or {}).get("interval"), 30)
    expect(step, "ipsecpolicy.lifetime_seconds (default)", ipsec.get("lifetime_seconds"), 3600)

    step = "ListVpnConnections"
    listed = client.list_vpn_connections(ListVpnConnectionsRequest(vgw_id=vgw_id, limit=10)).to_dict()
    ids = [c.get("id") for c in listed.get("vpn_connections") or []]
    expect(step, "ids", ids, [connection_id])
    expect(step, "total_count", listed.get("total_count"), 1)

    # 4. Connection monitor.
    step = "CreateConnectionMonitor"
    created = as_dict(
        client.create_connection_monitor(CreateConnectionMonitorRequest(
            body=CreateConnectionMonitorRequestBody(
                connection_monitor=CreateConnectionMonitorRequestBodyContent(
                    vpn_connection_id=connection_id)))),
        "connection_monitor",
    )
    monitor_id = created.get("id")
    if not monitor_id:
        raise FlowError(f"{step}: no id in the response")
    step = "ShowConnectionMonitor"
    monitor = wait_active(step, lambda: as_dict(
        client.show_connection_monitor(ShowConnectionMonitorRequest(connection_monitor_id=monitor_id)),
        "connection_monitor"))
    expect(step, "vpn_connection_id", monitor.get("vpn_connection_id"), connection_id)
    expect(step, "type", monitor.get("type"), "gateway")
    expect(step, "proto_type", monitor.get("proto_type"), "icmp")
    expect(step, "source_ip", monitor.get("source_ip"), eip1_address)
    expect(step, "destination_ip", monitor.get("destination_ip"), "203.0.113.77")
    step = "ShowVpnConnection (after the monitor)"
    connection = as_dict(
        client.show_vpn_connection(ShowVpnConnectionRequest(vpn_connection_id=connection_id)),
        "vpn_connection")
    expect(step, "connection_monitor_id", connection.get("connection_monitor_id"), monitor_id)

    # 5. Clean up, in dependency order; each is gone afterwards.
    step = "DeleteConnectionMonitor"
    client.delete_connection_monitor(DeleteConnectionMonitorRequest(connection_monitor_id=monitor_id))
    step = "DeleteVpnConnection"
    client.delete_vpn_connection(DeleteVpnConnectionRequest(vpn_connection_id=connection_id))
    step = "DeleteCgw"
    client.delete_cgw(DeleteCgwRequest(customer_gateway_id=cgw_id))
    step = "DeleteVgw"
    client.delete_vgw(DeleteVgwRequest(vgw_id=vgw_id))
    step = "ShowVgw (after delete)"
    try:
        client.show_vgw(ShowVgwRequest(vgw_id=vgw_id))
    except sdk_exceptions.ClientRequestException as error:
        expect(step, "status code", error.status_code, 404)
        expect(step, "error code", error.error_code, "VPN.0004")
        if not error.request_id:
            raise FlowError(f"{step}: the error has no request id")
    else:
        raise FlowError(f"{step}: the deleted gateway is still there")

    print("python_sdk_flow: OK: gateway, customer gateway, connection and monitor created, "
          "read back and deleted with huaweicloudsdkvpn (every request AK/SK-signed)")


def main(argv):
    if len(argv) != 5:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    endpoint, ak, sk, project_id = argv[1:]
    try:
        run(endpoint, ak, sk, project_id)
    except FlowError as error:
        print(f"python_sdk_flow: FAILED: {error}", file=sys.stderr)
        return 1
    except sdk_exceptions.SdkException as error:
        # The SDK's error names the status, code and message; no secret is in it.
        print(f"python_sdk_flow: FAILED: the SDK raised {type(error).__name__}: {error}",
              file=sys.stderr)
        return 1
    except Exception:  # noqa: BLE001 - any other failure is a failed judge, with its trace
        print("python_sdk_flow: FAILED with an unexpected error:", file=sys.stderr)
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
