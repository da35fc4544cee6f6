#!/usr/bin/env python3
"""Judge: a standard OpenStack client (openstacksdk) drives seed 004's flow against the emulator.

Usage: openstack_client_flow.py ENDPOINT

What a user's existing OpenStack tooling does: no authentication (auth_type "none"), the
network endpoint overridden with the emulator's URL, version discovery first (GET /), then the
legacy VPNaaS calls. Creates an IKE policy and an IPsec policy with Open Telekom Cloud's
values, a VPN service, a `subnet` and a `cidr` endpoint group, then the IPsec site connection
with seed 004's body (ids replaced by those just created); waits until it leaves
PENDING_CREATE; reads, lists and updates it; checks that a policy in use cannot be deleted
(409) and that an endpoint group keeps its type; tears everything down in reverse order and
checks that it is gone.

Exits 0 when everything held, 1 naming the step otherwise. The pre-shared key is never printed.
"""

import sys
import time
import uuid
from importlib.metadata import version

import openstack
from openstack import exceptions

PSK = "seed-004-" + uuid.uuid4().hex[:12]


def check(step, condition, detail=""):
    if not condition:
        raise AssertionError(f"{step}: {detail}")


def expect_error(step, kind, status, call):
    try:
        call()
    except kind as error:
        check(step, error.status_code == status, f"status {error.status_code}, wanted {status}")
        return error
    raise AssertionError(f"{step}: no {kind.__name__}")


def main(endpoint):
    conn = openstack.connection.Connection(
        auth_type="none",
        auth={"endpoint": endpoint},
        network_endpoint_override=endpoint,
        region_name="eu-de",
    )
    net = conn.network

    ike = net.create_vpn_ike_policy(
        name="ikepolicy1",
        auth_algorithm="sha2-256",
        encryption_algorithm="aes-128",
        pfs="group14",
        lifetime={"units": "seconds", "value": 7200},
    )
    check("IKE policy", ike.auth_algorithm == "sha2-256", ike.auth_algorithm)
    check("IKE policy lifetime", ike.lifetime == {"units": "seconds", "value": 7200}, ike.lifetime)
    check("IKE policy defaults", (ike.ike_version, ike.phase1_negotiation_mode) == ("v1", "main"))
    ipsec = net.create_vpn_ipsec_policy(name="ipsecpolicy1", pfs="disable")
    check("IPsec policy", (ipsec.pfs, ipsec.transform_protocol) == ("disable", "esp"))
    check("IPsec policy lifetime", ipsec.lifetime == {"units": "seconds", "value": 3600}, ipsec.lifetime)
    vpc = str(uuid.uuid4())
    service = net.create_vpn_service(router_id=vpc, name="myservice")
    check("VPN service", service.router_id == vpc and service.status == "PENDING_CREATE", service.status)
    expect_error(
        "a second VPN service on the VPC",
        exceptions.ConflictException,
        409,
        lambda: net.create_vpn_service(router_id=vpc),
    )
    local = net.create_vpn_endpoint_group(type="subnet", endpoints=[str(uuid.uuid4())], name="local")
    peer = net.create_vpn_endpoint_group(type="cidr", endpoints=["10.2.0.0/24", "10.3.0.0/24"], name="peers")
    check("endpoint groups", (local.type, peer.type) == ("subnet", "cidr"))
    expect_error(
        "endpoint group type change",
        exceptions.BadRequestException,
        400,
        lambda: net.update_vpn_endpoint_group(peer, type="subnet"),
    )

    connection = net.create_vpn_ipsec_site_connection(
        psk=PSK,
        initiator="bi-directional",
        ipsecpolicy_id=ipsec.id,
        admin_state_up=True,
        mtu=1500,
        peer_ep_group_id=peer.id,
        ikepolicy_id=ike.id,
        vpnservice_id=service.id,
        local_ep_group_id=local.id,
        peer_address="172.24.4.233",
        peer_id="172.24.4.233",
        name="vpnconnection1",
    )
    check("site connection", connection.status == "PENDING_CREATE", connection.status)
    check("site connection defaults", (connection.auth_mode, connection.route_mode) == ("psk", "static"))
    check("site connection dpd", connection.dpd == {"action": "hold", "interval": 30, "timeout": 120})
    connection = conn.network.wait_for_status(connection, status="ACTIVE", failures=["ERROR"], interval=0.2, wait=60)
    shown = net.get_vpn_ipsec_site_connection(connection.id)
    check("site connection read back", shown.psk == PSK and shown.vpnservice_id == service.id, "fields differ")
    listed = [c.id for c in net.vpn_ipsec_site_connections(name="vpnconnection1")]
    check("site connection listed", listed == [connection.id], listed)
    updated = net.update_vpn_ipsec_site_connection(connection, description="branch office")
    check("site connection updated", updated.description == "branch office", updated.description)

    error = expect_error(
        "IKE policy in use",
        exceptions.ConflictException,
        409,
        lambda: net.delete_vpn_ike_policy(ike, ignore_missing=False),
    )
    check("IKE policy in use names it", ike.id in str(error), "the message does not name the policy")

    net.delete_vpn_ipsec_site_connection(connection, ignore_missing=False)
    for delete, resource in [
        (net.delete_vpn_endpoint_group, peer),
        (net.delete_vpn_endpoint_group, local),
        (net.delete_vpn_service, service),
        (net.delete_vpn_ipsec_policy, ipsec),
        (net.delete_vpn_ike_policy, ike),
    ]:
        delete(resource, ignore_missing=False)
    expect_error(
        "site connection gone",
        exceptions.NotFoundException,
        404,
        lambda: net.get_vpn_ipsec_site_connection(connection.id),
    )
    check("all gone", not list(net.vpn_ike_policies()) and not list(net.vpn_services()))
    print(f"openstacksdk {version('openstacksdk')}: seed 004 flow against {endpoint}: ok")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        main(sys.argv[1])
    except (AssertionError, exceptions.SDKException) as failure:
        message = str(failure).replace(PSK, "***")
        print(f"openstack_client_flow: {message}", file=sys.stderr)
        sys.exit(1)
