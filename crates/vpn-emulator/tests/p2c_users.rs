//! A P2C gateway's VPN server, client CA certificates, users, user groups and access policies
//! against the emulator, through the typed client: one server per gateway, the exported
//! client profile (a secret in Debug), certificate authentication and its last CA
//! certificate, unique names, membership, passwords kept and never shown, batch create and
//! delete, and the "in use" refusals.

mod common;

use common::p2c::*;
use common::*;
use huaweicloud_vpn::ErrorExt;
use huaweicloud_vpn::vpn_p2c::{Client, types};
use serde_json::json;

const CA: &str =
    "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2xpZW50Q0E=\n-----END CERTIFICATE-----";

/// The status and "code: message" of a failed call.
fn refused<T: std::fmt::Debug>(
    result: Result<T, huaweicloud_vpn::vpn_p2c::Error<huaweicloud_vpn::ServiceError>>,
) -> (u16, String) {
    let error = result.expect_err("the emulator refuses");
    let service = error.service_error();
    let message = format!(
        "{}: {}",
        service.and_then(|e| e.code()).unwrap_or_default(),
        service.and_then(|e| e.message()).unwrap_or_default()
    );
    (error.http_status().unwrap_or(0), message)
}

async fn group(client: &Client, server: &str, name: &str) -> String {
    client
        .create_vpn_user_group()
        .vpn_server_id(server)
        .body(body::<types::CreateVpnUserGroupRequest>(
            json!({"user_group": {"name": name}}),
        ))
        .send()
        .await
        .expect("create a group")
        .into_inner()
        .user_group
        .id
        .expect("an id")
}

async fn user_id(client: &Client, server: &str, name: &str) -> String {
    let users = client
        .list_vpn_users()
        .vpn_server_id(server)
        .send()
        .await
        .unwrap()
        .into_inner()
        .users;
    users
        .into_iter()
        .find(|u| u.name.as_deref() == Some(name))
        .and_then(|u| u.id)
        .expect("the user is listed")
}

#[tokio::test]
async fn a_gateway_has_one_server_listed_updated_and_exported_as_a_secret() {
    let emu = emulator().await;
    let client = p2c(&emu);
    let gateway = active_gateway(&client, "p2c-server").await;
    let server = password_server(&client, &gateway, &[]).await;

    let again = client
        .create_vpn_server()
        .p2c_vgw_id(&*gateway)
        .body(body::<types::CreateVpnServerRequest>(json!({
            "vpn_server": {"client_cidr": "172.17.0.0/16", "local_subnets": ["10.10.1.0/24"]}
        })))
        .send()
        .await;
    let (status, message) = refused(again);
    assert_eq!(status, 400);
    assert!(message.starts_with("VPN.0012"), "{message}");
    assert!(message.contains(&server), "{message}");

    let by_gateway = client
        .list_vpn_servers_by_vgw()
        .p2c_vgw_id(&*gateway)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(by_gateway.vpn_servers.len(), 1);
    let shown = &by_gateway.vpn_servers[0];
    assert_eq!(shown.id.as_deref(), Some(server.as_str()));
    assert_eq!(shown.p2c_vgw_id.as_deref(), Some(gateway.as_str()));
    assert_eq!(to_json(&shown.status), "ACTIVE");
    let by_project = client
        .list_vpn_servers_by_project()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(by_project.total_count, Some(1));

    let bad = client
        .update_vpn_server()
        .vpn_server_id(&*server)
        .body(body::<types::UpdateVpnServerRequest>(json!({
            "vpn_server": {"local_subnets": ["10.10.1.0/33"]}
        })))
        .send()
        .await;
    let (status, message) = refused(bad);
    assert_eq!(status, 400);
    assert!(message.contains("vpn_server.local_subnets[0]"), "{message}");
    client
        .update_vpn_server()
        .vpn_server_id(&*server)
        .body(body::<types::UpdateVpnServerRequest>(json!({
            "vpn_server": {"dns_servers": ["10.10.1.53"]}
        })))
        .send()
        .await
        .expect("update");

    let exported = client
        .export_client_config()
        .vpn_server_id(&*server)
        .body(body::<types::ExportClientConfigRequest>(
            json!({"os_type": "Linux"}),
        ))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(exported.client_config.contains("auth-user-pass"));
    assert!(exported.client_config.contains("remote 203.0.113."));
    assert!(!format!("{exported:?}").contains("remote"), "a secret");

    let missing = client
        .export_client_config()
        .vpn_server_id("no-such-server")
        .body(body::<types::ExportClientConfigRequest>(json!({})))
        .send()
        .await;
    assert_eq!(refused(missing).0, 404);
}

#[tokio::test]
async fn certificate_authentication_keeps_its_last_ca_certificate() {
    let emu = emulator().await;
    let client = p2c(&emu);
    let gateway = active_gateway(&client, "p2c-certs").await;
    let without = client
        .create_vpn_server()
        .p2c_vgw_id(&*gateway)
        .body(body::<types::CreateVpnServerRequest>(json!({
            "vpn_server": {
                "client_cidr": "172.16.0.0/16",
                "local_subnets": ["10.10.1.0/24"],
                "client_auth_type": "CERT"
            }
        })))
        .send()
        .await;
    let (status, message) = refused(without);
    assert_eq!(status, 400);
    assert!(
        message.contains("vpn_server.client_ca_certificates"),
        "{message}"
    );

    let server = client
        .create_vpn_server()
        .p2c_vgw_id(&*gateway)
        .body(body::<types::CreateVpnServerRequest>(json!({
            "vpn_server": {
                "client_cidr": "172.16.0.0/16",
                "local_subnets": ["10.10.1.0/24"],
                "client_auth_type": "CERT",
                "client_ca_certificates": [{"name": "office-ca", "content": CA}]
            }
        })))
        .send()
        .await
        .unwrap()
        .into_inner()
        .vpn_server
        .id
        .unwrap();
    settle().await;
    let listed = client
        .list_vpn_servers_by_vgw()
        .p2c_vgw_id(&*gateway)
        .send()
        .await
        .unwrap()
        .into_inner();
    let cas = listed.vpn_servers[0]
        .client_ca_certificates
        .clone()
        .unwrap_or_default();
    assert_eq!(cas.len(), 1);
    let first = cas[0].id.clone().unwrap();
    assert_eq!(cas[0].name.as_deref(), Some("office-ca"));
    assert!(cas[0].serial_number.is_some());

    // A certificate client connects without being a local user.
    assert!(
        emu.connect_p2c_client(PROJECT, &gateway, "laptop-17", "198.51.100.17")
            .is_some()
    );
    let exported = client
        .export_client_config()
        .vpn_server_id(&*server)
        .body(body::<types::ExportClientConfigRequest>(json!({})))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(exported.client_config.contains(CA));
    assert!(!exported.client_config.contains("auth-user-pass"));

    let checked = client
        .check_client_ca_certificate()
        .body(body::<types::CheckClientCaCertificateRequest>(json!({
            "client_ca_certificate": {"content": CA}
        })))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(checked.serial_number, cas[0].serial_number);
    let not_pem = client
        .check_client_ca_certificate()
        .body(body::<types::CheckClientCaCertificateRequest>(json!({
            "client_ca_certificate": {"content": "hello"}
        })))
        .send()
        .await;
    let (status, message) = refused(not_pem);
    assert_eq!(status, 400);
    assert!(
        message.contains("client_ca_certificate.content"),
        "{message}"
    );

    let last = client
        .delete_client_ca()
        .vpn_server_id(&*server)
        .client_ca_certificate_id(&*first)
        .send()
        .await;
    let (status, message) = refused(last);
    assert_eq!(status, 400, "the last CA of a CERT server stays");
    assert!(message.starts_with("VPN.0011"), "{message}");

    let second = client
        .import_client_ca()
        .vpn_server_id(&*server)
        .body(body::<types::ImportClientCaRequest>(json!({
            "client_ca_certificate": {"name": "branch-ca", "content": CA}
        })))
        .send()
        .await
        .unwrap()
        .into_inner()
        .client_ca_certificate
        .id
        .unwrap();
    client
        .update_client_ca()
        .vpn_server_id(&*server)
        .client_ca_certificate_id(&*second)
        .body(body::<types::UpdateClientCaRequest>(json!({
            "client_ca_certificate": {"name": "branch-ca-2"}
        })))
        .send()
        .await
        .unwrap();
    let shown = client
        .show_client_ca()
        .vpn_server_id(&*server)
        .client_ca_certificate_id(&*second)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        shown.client_ca_certificate.name.as_deref(),
        Some("branch-ca-2")
    );
    client
        .delete_client_ca()
        .vpn_server_id(&*server)
        .client_ca_certificate_id(&*first)
        .send()
        .await
        .expect("not the last one any more");
}

#[tokio::test]
async fn users_have_unique_names_and_passwords_that_are_never_shown() {
    let emu = emulator().await;
    let client = p2c(&emu);
    let gateway = active_gateway(&client, "p2c-users").await;
    let server = password_server(&client, &gateway, &["alice"]).await;
    let taken = client
        .create_vpn_user()
        .vpn_server_id(&*server)
        .body(body::<types::CreateVpnUserRequest>(json!({
            "user": {"name": "alice", "password": "An0ther-pass"}
        })))
        .send()
        .await;
    assert_eq!(
        refused(taken),
        (
            400,
            format!(
                "VPN.0012: vpn server {server} has the user {} named alice already",
                user_id(&client, &server, "alice").await
            )
        )
    );

    let alice = user_id(&client, &server, "alice").await;
    let shown = client
        .show_vpn_user()
        .vpn_server_id(&*server)
        .user_id(&*alice)
        .send()
        .await
        .unwrap();
    let raw = serde_json::to_string(&to_json(&shown.into_inner())).unwrap();
    assert!(!raw.contains("Passw0rd"), "{raw}");

    // Changing the password needs the old one; the administrator's reset does not.
    let wrong = client
        .update_vpn_user_password()
        .vpn_server_id(&*server)
        .user_id(&*alice)
        .body(body::<types::UpdateVpnUserPasswordRequest>(json!({
            "old_password": "Wrong-pass1", "new_password": "Brand-new1"
        })))
        .send()
        .await;
    let (status, message) = refused(wrong);
    assert_eq!(status, 400);
    assert!(message.contains("old_password"), "{message}");
    assert!(!message.contains("Wrong-pass1"), "{message}");
    client
        .update_vpn_user_password()
        .vpn_server_id(&*server)
        .user_id(&*alice)
        .body(body::<types::UpdateVpnUserPasswordRequest>(json!({
            "old_password": "Passw0rd!alice", "new_password": "Brand-new1"
        })))
        .send()
        .await
        .expect("the right old password");
    client
        .reset_vpn_user_password()
        .vpn_server_id(&*server)
        .user_id(&*alice)
        .body(body::<types::ResetVpnUserPasswordRequest>(
            json!({"new_password": "Reset-by-admin1"}),
        ))
        .send()
        .await
        .expect("reset");
    let after_reset = client
        .update_vpn_user_password()
        .vpn_server_id(&*server)
        .user_id(&*alice)
        .body(body::<types::UpdateVpnUserPasswordRequest>(json!({
            "old_password": "Brand-new1", "new_password": "Brand-new2"
        })))
        .send()
        .await;
    assert_eq!(refused(after_reset).0, 400, "the reset replaced it");

    // Batch create: the valid users are made, the others come back with their cause and
    // without their passwords.
    let sales = group(&client, &server, "sales").await;
    let batch = client
        .batch_create_vpn_users()
        .vpn_server_id(&*server)
        .body(body::<types::BatchCreateVpnUsersRequest>(json!({"users": [
            {"name": "brian", "password": "Passw0rd-b", "user_group_name": "sales"},
            {"name": "alice", "password": "Passw0rd-a"},
            {"name": "carol", "password": "Passw0rd-c", "user_group_name": "nobody"}
        ]})))
        .send()
        .await
        .unwrap()
        .into_inner();
    let invalid = batch.invalid_users.unwrap_or_default();
    let names: Vec<_> = invalid.iter().filter_map(|u| u.name.as_deref()).collect();
    assert_eq!(names, ["alice", "carol"]);
    assert!(invalid.iter().all(|u| u.cause.is_some()));
    let brian = user_id(&client, &server, "brian").await;
    let shown = client
        .show_vpn_user()
        .vpn_server_id(&*server)
        .user_id(&*brian)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(shown.user.user_group_id.as_deref(), Some(sales.as_str()));
    assert_eq!(shown.user.user_group_name.as_deref(), Some("sales"));

    // Batch delete: all or nothing.
    let unknown = client
        .batch_delete_vpn_users()
        .vpn_server_id(&*server)
        .body(body::<types::BatchDeleteVpnUsersRequest>(json!({"users": [
            {"id": brian}, {"id": "00000000-0000-4000-8000-000000000000"}
        ]})))
        .send()
        .await;
    assert_eq!(refused(unknown).0, 404);
    client
        .batch_delete_vpn_users()
        .vpn_server_id(&*server)
        .body(body::<types::BatchDeleteVpnUsersRequest>(json!({"users": [
            {"id": brian}, {"id": alice}
        ]})))
        .send()
        .await
        .unwrap();
    let left = client
        .list_vpn_users()
        .vpn_server_id(&*server)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(left.total_count, Some(0));
}

#[tokio::test]
async fn groups_hold_members_and_policies_and_refuse_deletion_while_used() {
    let emu = emulator().await;
    let client = p2c(&emu);
    let gateway = active_gateway(&client, "p2c-groups").await;
    let server = password_server(&client, &gateway, &["alice", "brian"]).await;
    let staff = group(&client, &server, "staff").await;
    let duplicate = client
        .create_vpn_user_group()
        .vpn_server_id(&*server)
        .body(body::<types::CreateVpnUserGroupRequest>(
            json!({"user_group": {"name": "staff"}}),
        ))
        .send()
        .await;
    let (status, message) = refused(duplicate);
    assert_eq!((status, &message[..8]), (400, "VPN.0012"));

    let alice = user_id(&client, &server, "alice").await;
    let brian = user_id(&client, &server, "brian").await;
    client
        .add_vpn_users_to_group()
        .vpn_server_id(&*server)
        .group_id(&*staff)
        .body(body::<types::AddVpnUsersToGroupRequest>(
            json!({"users": [{"id": alice}, {"id": brian}]}),
        ))
        .send()
        .await
        .unwrap();
    let members = client
        .list_vpn_users_in_group()
        .vpn_server_id(&*server)
        .group_id(&*staff)
        .limit(1)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(members.total_count, Some(2));
    assert_eq!(members.users.len(), 1, "limit applies");
    assert!(
        members
            .page_info
            .as_ref()
            .and_then(|p| p.next_marker.as_ref())
            .is_some()
    );
    let shown = client
        .show_vpn_user_group()
        .vpn_server_id(&*server)
        .group_id(&*staff)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(shown.user_group.user_number, Some(2));
    assert_eq!(to_json(&shown.user_group.type_), "Custom");

    let in_use = client
        .delete_vpn_user_group()
        .vpn_server_id(&*server)
        .group_id(&*staff)
        .send()
        .await;
    let (status, message) = refused(in_use);
    assert_eq!(
        (status, &message[..8]),
        (400, "VPN.0011"),
        "a group with users stays"
    );

    // An access policy names an existing group and checks its destinations.
    let bad_cidr = client
        .create_vpn_access_policy()
        .vpn_server_id(&*server)
        .body(body::<types::CreateVpnAccessPolicyRequest>(
            json!({"access_policy": {
                "name": "staff-net", "user_group_id": staff, "dest_ip_cidrs": ["10.0.0.0/99"]
            }}),
        ))
        .send()
        .await;
    let (status, message) = refused(bad_cidr);
    assert_eq!(status, 400);
    assert!(
        message.contains("access_policy.dest_ip_cidrs[0]"),
        "{message}"
    );
    let policy = client
        .create_vpn_access_policy()
        .vpn_server_id(&*server)
        .body(body::<types::CreateVpnAccessPolicyRequest>(
            json!({"access_policy": {
                "name": "staff-net", "user_group_id": staff, "dest_ip_cidrs": ["10.10.0.0/16"]
            }}),
        ))
        .send()
        .await
        .unwrap()
        .into_inner()
        .access_policy
        .id
        .unwrap();
    let listed = client
        .list_vpn_access_policies()
        .vpn_server_id(&*server)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        listed.access_policies[0].user_group_name.as_deref(),
        Some("staff")
    );

    client
        .remove_vpn_users_from_group()
        .vpn_server_id(&*server)
        .group_id(&*staff)
        .body(body::<types::RemoveVpnUsersFromGroupRequest>(
            json!({"users": [{"id": alice}, {"id": brian}]}),
        ))
        .send()
        .await
        .unwrap();
    let not_member = client
        .remove_vpn_users_from_group()
        .vpn_server_id(&*server)
        .group_id(&*staff)
        .body(body::<types::RemoveVpnUsersFromGroupRequest>(
            json!({"users": [{"id": alice}]}),
        ))
        .send()
        .await;
    let (status, message) = refused(not_member);
    assert_eq!(status, 400);
    assert!(message.contains("users[0].id"), "{message}");
    let used_by_policy = client
        .delete_vpn_user_group()
        .vpn_server_id(&*server)
        .group_id(&*staff)
        .send()
        .await;
    let (status, message) = refused(used_by_policy);
    assert_eq!((status, &message[..8]), (400, "VPN.0011"));
    assert!(message.contains(&policy), "{message}");
    client
        .delete_vpn_access_policy()
        .vpn_server_id(&*server)
        .policy_id(&*policy)
        .send()
        .await
        .unwrap();
    client
        .delete_vpn_user_group()
        .vpn_server_id(&*server)
        .group_id(&*staff)
        .send()
        .await
        .expect("unused now");
}
