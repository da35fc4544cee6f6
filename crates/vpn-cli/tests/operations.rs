//! Every operation of the table (`huaweicloud_vpn::operation::all()`) is a working subcommand
//! of `hcvpn op`: its help is there, and one call each against the in-process emulator exits 0
//! with the documented answer. Resources are created first (gateways, customer gateways,
//! connections, monitors; the legacy IPsec connection), read, listed and updated, then
//! deleted in reverse order. An operation the table gains fails this test until it works
//! through `hcvpn` (and, if it creates something, has a recipe below).

mod common;

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use common::{
    IPSEC_PEER_FLAGS, against, create_through_op, endpoint_group, fresh_id, hcvpn, no_panic, texts,
};
use huaweicloud_vpn::operation::{self, Kind, Operation, ParamLocation};
use serde_json::Value;
use vpn_emulator::{Config, Emulator};

/// The POSTs whose order matters: the creates, in the order their resources depend on each
/// other, then the gateway's change of flavor before its upgrade (an upgrading gateway cannot
/// change). Other POSTs (actions) follow in the table's order.
const CREATE_ORDER: &[&str] = &[
    "CreateVgw",
    "CreateCgw",
    "CreateVpnConnection",
    "CreateConnectionMonitor",
    "CreateIkePolicy",
    "CreateIpsecPolicy",
    "CreateVpnService",
    "CreateEndpointGroup",
    "CreateIpsecSiteConnection",
    "CreateP2cVgw",
    "CreateVpnServer",
    "ImportClientCa",
    "CreateVpnUserGroup",
    "CreateVpnUser",
    "CreateVpnAccessPolicy",
    "UpdatePostpaidVgwSpecification",
    "UpgradeVpnGateway",
];

/// How long a status change takes in the walk's emulator, and a wait that outlasts it.
const TRANSITION: Duration = Duration::from_millis(150);
const SETTLED: Duration = Duration::from_millis(250);

const PSK: &str = "Ops-Walk-Secret-91";

/// The tag operations walk on the VPN gateway: their `resource_type`, and the id parameter
/// whose value is their `resource_id`.
const TAGGED: (&str, &str) = ("vpn-gateway", "vgw_id");

/// The subcommand name of an operation, as `hcvpn op` names it.
fn name(op: &Operation) -> String {
    op.client_method.replace('_', "-")
}

/// The flags a create needs beyond what the table can say: valid values, and references to
/// what was created before. `None`: the generic arguments (required fields from known ids).
fn recipe(op: &Operation, ids: &HashMap<String, String>) -> Option<(Vec<String>, Option<String>)> {
    let id = |name: &str| ids.get(name).cloned().unwrap_or_default();
    let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    Some(match op.id {
        // The EIPs are objects: only through the body (from stdin here).
        "CreateVgw" => (
            args(&[
                "--body",
                "-",
                "--name",
                "gw-ops",
                "--local-subnets",
                "192.168.0.0/24",
                "--wait",
                "--wait-timeout",
                "60",
            ]),
            Some(
                r#"{"vpn_gateway": {
                    "vpc_id": "91b6d5a8-0c5e-4c4e-9d0b-4a0b1f3e2d11",
                    "connect_subnet": "f5b4d3c2-1a09-4e8f-8d7c-6b5a4c3d2e1f",
                    "eip1": {"id": "0c464dad-0b7e-4a8d-9a86-c22bb0eb0bde"},
                    "eip2": {"id": "1d575ebe-1c8f-4b9e-8b97-d33cc1fc1cef"}}}"#
                    .to_string(),
            ),
        ),
        "CreateCgw" => (
            args(&[
                "--body",
                "-",
                "--name",
                "cgw-ops",
                "--id-value",
                "203.0.113.10",
                "--bgp-asn",
                "65000",
            ]),
            Some(r#"{"customer_gateway": {"id_type": "ip"}}"#.to_string()),
        ),
        "CreateVpnConnection" => (
            [
                "--name",
                "conn-ops",
                "--vgw-id",
                &id("vgw_id"),
                "--vgw-ip",
                &id("vgw_ip"),
                "--cgw-id",
                &id("customer_gateway_id"),
                "--peer-subnets",
                "10.10.0.0/24",
                "--psk-file",
                &id("psk_file"),
                "--wait",
                "--wait-timeout",
                "60",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            None,
        ),
        // A pair on the walk's gateway and customer gateway; the items are objects, so the
        // body comes whole from stdin (its pre-shared keys with it, never as arguments).
        "BatchCreateVpnConnection" => {
            let item = |name: &str| {
                serde_json::json!({
                    "name": name,
                    "vgw_id": id("vgw_id"),
                    "vgw_ip": id("vgw_ip"),
                    "cgw_id": id("customer_gateway_id"),
                    "peer_subnets": ["10.11.0.0/24"],
                    "psk": PSK,
                })
            };
            (
                args(&["--body", "-"]),
                Some(
                    serde_json::json!({"vpn_connections": [item("pair-ops-1"), item("pair-ops-2")]})
                        .to_string(),
                ),
            )
        }
        // The endpoint group the walk made (from the fixture, `cidr`) is the peer side; the
        // local `subnet` group was made before the walk.
        "CreateIpsecSiteConnection" => (
            [
                &[
                    "--name",
                    "legacy-ops",
                    "--ikepolicy-id",
                    &id("ikepolicy_id"),
                    "--ipsecpolicy-id",
                    &id("ipsecpolicy_id"),
                    "--vpnservice-id",
                    &id("vpnservice_id"),
                    "--local-ep-group-id",
                    &id("local_ep_group_id"),
                    "--peer-ep-group-id",
                    &id("endpoint_group_id"),
                    "--wait",
                    "--wait-timeout",
                    "60",
                ][..],
                &IPSEC_PEER_FLAGS,
            ]
            .concat()
            .iter()
            .map(|s| s.to_string())
            .collect(),
            None,
        ),
        // A VPN server's change: another DNS server (its body has no name to change).
        "UpdateVpnServer" => (
            args(&["--body", "-"]),
            Some(r#"{"vpn_server": {"dns_servers": ["10.20.0.53"]}}"#.to_string()),
        ),
        // A user's description takes no `-` (the generic rename has one).
        "UpdateVpnUser" => (args(&["--description", "renamed_by_walk"]), None),
        // Memberships name the walk's user; the removal comes after the group's list.
        "AddVpnUsersToGroup" | "RemoveVpnUsersFromGroup" => (
            args(&["--body", "-"]),
            Some(serde_json::json!({"users": [{"id": id("user_id")}]}).to_string()),
        ),
        // The user made for the batch delete (see the walk).
        "BatchDeleteVpnUsers" => (
            args(&["--body", "-"]),
            Some(serde_json::json!({"users": [{"id": id("batch_user_id")}]}).to_string()),
        ),
        // Passwords only through the body: the old one is the reset's (a POST, before).
        "UpdateVpnUserPassword" => {
            let reset = fixture_body(
                operation::all()
                    .find(|o| o.id == "ResetVpnUserPassword")
                    .expect("the reset is in the table"),
                ids,
            )
            .unwrap_or_default();
            let reset: Value = serde_json::from_str(&reset).unwrap_or_default();
            (
                args(&["--body", "-"]),
                Some(
                    serde_json::json!({
                        "old_password": reset["new_password"],
                        "new_password": "Walk-changed-9",
                    })
                    .to_string(),
                ),
            )
        }
        // The exported profile is a secret: into a new file, never to the terminal.
        "ExportClientConfig" => (
            args(&["--body", "-", "--secret-out", &id("secret_out")]),
            Some(r#"{"os_type": "Linux"}"#.to_string()),
        ),
        "UpdateVpnConnectionsLogConfig" => (
            args(&[
                "--log-group-id",
                "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
                "--log-stream-id",
                "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901",
            ]),
            None,
        ),
        _ => return None,
    })
}

/// The phase of an operation: creates, then reads and updates, then deletes.
fn phase(op: &Operation) -> (u8, usize) {
    let created = |id: &str| {
        CREATE_ORDER
            .iter()
            .position(|c| *c == id)
            .unwrap_or(CREATE_ORDER.len())
    };
    match op.id {
        // Logging is set up like a create, so that its show has something to show.
        "UpdateVpnConnectionsLogConfig" => return (0, CREATE_ORDER.len()),
        // A client is disconnected, logging stopped, a member removed and a user deleted in a
        // batch while what they belong to still exists (and after the lists that show them).
        "DeleteP2cVgwConnection"
        | "DeleteVpnConnectionsLogConfig"
        | "RemoveVpnUsersFromGroup"
        | "BatchDeleteVpnUsers" => return (1, usize::MAX),
        _ => {}
    }
    match op.method {
        "POST" => (0, created(op.id)),
        "DELETE" => {
            // The resource's create: the same path without the id, posted.
            let parent = op.path.rsplit_once('/').map(|(p, _)| p).unwrap_or(op.path);
            let create = operation::all()
                .find(|c| c.method == "POST" && c.path == parent)
                .map(|c| created(c.id))
                .unwrap_or(0);
            (2, usize::MAX - create)
        }
        _ => (1, 0),
    }
}

/// The key in the walk's known ids of an operation's path parameter.
fn known_as(op: &Operation, param: &'static str) -> &'static str {
    match param {
        "resource_id" => TAGGED.1,
        // Certificates are for GM gateways: the walk made one for them.
        "vgw_id" if op.path.contains("/certificate") => "gm_vgw_id",
        // The P2C gateway's jobs and client connections, not the site-to-site job or the
        // legacy IPsec connection of the same parameter name.
        "job_id" if op.path.contains("/p2c-vpn-gateways/") => "p2c_job_id",
        "connection_id" if op.path.contains("/p2c-vpn-gateways/") => "p2c_connection_id",
        // A VPN server's groups and policies: their creates' wrappers name them.
        "group_id" => "user_group_id",
        "policy_id" => "access_policy_id",
        name => name,
    }
}

/// The arguments of one call: path parameters and required query parameters from the known
/// ids, the body from the recipe or the required fields the known ids give.
fn arguments(
    op: &Operation,
    ids: &HashMap<String, String>,
) -> Result<(Vec<String>, Option<String>), String> {
    let mut args = vec!["op".to_string(), name(op)];
    for param in op.params {
        let wanted = param.location == ParamLocation::Path || param.required;
        if !wanted {
            continue;
        }
        let known = known_as(op, param.name);
        let value = ids.get(known).ok_or_else(|| {
            format!(
                "no value for the parameter `{}` (nothing created gives it)",
                param.name
            )
        })?;
        args.push(format!("--{}", param.name.replace('_', "-")));
        args.push(value.clone());
    }
    let mut stdin = None;
    if let Some((extra, input)) = recipe(op, ids) {
        args.extend(extra);
        stdin = input;
    } else if let Some(fixture) = fixture_body(op, ids).filter(|_| op.method == "POST") {
        args.extend(["--body".into(), "-".into()]);
        stdin = Some(fixture);
    } else if let Some(body) = &op.request {
        let update = op.method != "POST";
        let mut any = false;
        for field in body.fields {
            if let Some(value) = ids.get(field.name).filter(|_| field.required || !update) {
                args.push(format!("--{}", field.name.replace('_', "-")));
                args.push(value.clone());
                any = true;
            } else if update
                && !any
                && field.kind == Kind::String
                && (field.name == "name" || field.name == "description")
            {
                args.push(format!("--{}", field.name.replace('_', "-")));
                args.push(format!("renamed-{}", op.id.to_ascii_lowercase()));
                any = true;
            } else if field.required {
                return Err(format!(
                    "no recipe, and no value for the required field `{}`",
                    field.name
                ));
            }
        }
        if update && !any {
            return Err("no recipe, and no name or description to update".into());
        }
    }
    // Deletes wait until gone; actions that pass through a pending status (a reset, a change
    // of flavor) until ready again.
    let action = op.method == "POST" && !op.id.starts_with("Create");
    let create = op.method == "POST" && op.id.starts_with("Create");
    if create && op.waiter.is_some() && !args.iter().any(|a| a == "--wait") {
        // What comes next may need it ready (a P2C gateway's VPN server).
        args.extend(["--wait".into(), "--wait-timeout".into(), "60".into()]);
    }
    if op.waiter.is_some() && (op.method == "DELETE" || action) {
        args.extend(["--wait".into(), "--wait-timeout".into(), "60".into()]);
    }
    Ok((args, stdin))
}

/// The request body of the operation's fixture (`tests/fixtures/<operationId>/request*.json`,
/// from the official examples), its fields that name something created before pointed at it:
/// what a create without a recipe sends.
fn fixture_body(op: &Operation, ids: &HashMap<String, String>) -> Option<String> {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(op.id);
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("request") && n.ends_with(".json"))
        })
        .collect();
    files.sort();
    let mut body: Value =
        serde_json::from_str(&std::fs::read_to_string(files.first()?).ok()?).ok()?;
    let wrapper = op.request.as_ref().and_then(|r| r.wrapper);
    let inner = match wrapper {
        Some(w) => body.get_mut(w)?,
        None => &mut body,
    };
    if let Some(fields) = inner.as_object_mut() {
        for (name, value) in fields.iter_mut() {
            if let Some(id) = ids.get(name) {
                *value = Value::String(id.clone());
            }
        }
    }
    Some(body.to_string())
}

/// Runs `hcvpn --endpoint URL ... ARGS` on a blocking thread; the exit code, stdout, stderr.
async fn run(url: &str, args: &[String], stdin: Option<String>) -> (Option<i32>, String, String) {
    let mut cmd = against(url);
    cmd.args(args).env("HCVPN_PSK", PSK);
    if let Some(stdin) = stdin {
        cmd.write_stdin(stdin);
    }
    let output = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    no_panic(&output);
    let (stdout, stderr) = texts(&output);
    (output.status.code(), stdout, stderr)
}

/// Records the ids a create's answer gives: the waiter's id parameter, else `<wrapper>_id`,
/// and the first EIP of a gateway (what a connection's `vgw_ip` names).
fn record(op: &Operation, answer: &Value, ids: &mut HashMap<String, String>) {
    // An action's answer may name what it started (UpgradeVpnGateway: `job_id`).
    for (key, value) in answer.as_object().into_iter().flatten() {
        if key.ends_with("_id")
            && key != "request_id"
            && let Some(id) = value.as_str()
        {
            ids.entry(key.clone()).or_insert_with(|| id.to_string());
        }
    }
    let (pointer, param) = match (&op.waiter, op.request.as_ref().and_then(|r| r.wrapper)) {
        (Some(w), _) => (w.id.to_string(), w.id_param.to_string()),
        (None, Some(wrapper)) => (format!("/{wrapper}/id"), format!("{wrapper}_id")),
        (None, None) => return,
    };
    if let Some(id) = answer.pointer(&pointer).and_then(Value::as_str) {
        ids.insert(param, id.to_string());
        if let Some(wrapper) = op.request.as_ref().and_then(|r| r.wrapper) {
            ids.entry(format!("{wrapper}_id"))
                .or_insert_with(|| id.to_string());
        }
    }
    if let Some(eip) = answer
        .pointer("/vpn_gateway/eip1/id")
        .and_then(Value::as_str)
    {
        ids.insert("vgw_ip".into(), eip.to_string());
    }
}

/// One operation, called and checked; what went wrong otherwise.
async fn exercise(
    url: &str,
    op: &Operation,
    ids: &mut HashMap<String, String>,
) -> Result<(), String> {
    let (args, stdin) = arguments(op, ids)?;
    if op.method == "POST" && !op.id.starts_with("Create") {
        // An action on a resource waits until the resource's last change has settled, as a
        // user would (`--wait` on the create, or reading its status).
        tokio::time::sleep(SETTLED).await;
    }
    let (code, stdout, stderr) = run(url, &args, stdin).await;
    if code != Some(0) {
        return Err(format!("hcvpn {args:?} exited {code:?}: {stderr}"));
    }
    if stderr.contains(PSK) {
        return Err(format!(
            "hcvpn {args:?} printed the pre-shared key on stderr"
        ));
    }
    if op.response.is_none() {
        return if stdout.is_empty() {
            Ok(())
        } else {
            Err(format!("no answer body documented, yet printed: {stdout}"))
        };
    }
    let answer: Value = serde_json::from_str(&stdout)
        .map_err(|e| format!("hcvpn {args:?}: not JSON ({e}): {stdout}"))?;
    if op.method == "POST" {
        record(op, &answer, ids);
    }
    if op.id == "BatchCreateVpnConnection" {
        // The pair goes again, so that the gateways can be deleted at the end of the walk.
        for created in answer["vpn_connections"].as_array().into_iter().flatten() {
            let id = created["id"].as_str().unwrap_or_default().to_string();
            let delete: Vec<String> = ["op", "delete-vpn-connection", "--vpn-connection-id", &id]
                .iter()
                .map(|s| s.to_string())
                .collect();
            let (code, stdout, stderr) = run(url, &delete, None).await;
            if code != Some(0) {
                return Err(format!("hcvpn {delete:?} -> {code:?}: {stdout}{stderr}"));
            }
        }
    }
    if op.id == "UpgradeP2cVpnGateway"
        && let Some(job) = answer["job_id"].as_str()
    {
        ids.insert("p2c_job_id".into(), job.to_string());
    }
    if op.id == "UpgradeVpnGateway" || op.id == "UpgradeP2cVpnGateway" {
        // The walk finishes the upgrade it started, so that its job can be deleted later:
        // the action through its body flag this time.
        tokio::time::sleep(SETTLED).await;
        let mut finish = args.clone();
        finish.retain(|a| a != "--body" && a != "-");
        finish.extend(["--action".into(), "finish".into()]);
        let (code, stdout, stderr) = run(url, &finish, None).await;
        let job = if op.id == "UpgradeVpnGateway" {
            "job_id"
        } else {
            "p2c_job_id"
        };
        if code != Some(0) || !stdout.contains(ids[job].as_str()) {
            return Err(format!("hcvpn {finish:?} -> {code:?}: {stdout}{stderr}"));
        }
    }
    // What was asked for is what came back, where the answer describes a resource (an object
    // with an id; a resource's tags, for one, do not name it).
    let describes = answer
        .as_object()
        .is_some_and(|o| o.values().any(|v| v.get("id").is_some()));
    // The resource's own id when one ends the path (a user of a server: the user); else
    // every id of the path, but for a POST (a create names only its parent).
    let path_params: Vec<_> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path && describes)
        .collect();
    let own: Vec<_> = match path_params
        .iter()
        .find(|p| op.path.ends_with(&format!("{{{}}}", p.name)))
    {
        Some(last) => vec![*last],
        None if op.method == "POST" => Vec::new(),
        None => path_params,
    };
    for param in own {
        let id = &ids[known_as(op, param.name)];
        if !stdout.contains(id.as_str()) {
            return Err(format!("the answer does not mention {id}: {stdout}"));
        }
    }
    if op.method == "GET" {
        // The same call as a table: a header line and rows.
        let mut table = args.clone();
        table.extend(["-o".into(), "table".into()]);
        let (code, stdout, stderr) = run(url, &table, None).await;
        // An answer whose only list is empty (no IPsec SAs while a connection renegotiates)
        // has no rows and no columns: the table is empty. Otherwise a header line and rows.
        let empty = answer.as_object().is_some_and(|o| {
            let lists: Vec<&Vec<Value>> = o.values().filter_map(Value::as_array).collect();
            lists.len() == 1 && lists[0].is_empty()
        });
        let header = stdout.lines().next().unwrap_or_default();
        let fits = if empty {
            stdout.trim().is_empty()
        } else {
            !header.trim().is_empty() && header == header.to_uppercase()
        };
        if code != Some(0) || !fits {
            return Err(format!("hcvpn {table:?} -> {code:?}: {stdout}{stderr}"));
        }
    }
    if let Some(pages) = &op.pagination {
        let mut all = args.clone();
        all.push("--all".into());
        if let Some(limit) = pages.limit_param {
            all.extend([format!("--{}", limit.replace('_', "-")), "1".into()]);
        }
        let (code, stdout, stderr) = run(url, &all, None).await;
        let listed: Value = serde_json::from_str(&stdout)
            .map_err(|e| format!("hcvpn {all:?} -> {code:?} ({e}): {stdout}{stderr}"))?;
        let items = listed[pages.items].as_array().map_or(0, Vec::len);
        if code != Some(0) || items == 0 || listed["total_count"] != items {
            return Err(format!("hcvpn {all:?} -> {code:?}: {stdout}{stderr}"));
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_of_the_table_works_through_hcvpn_op() {
    let emu = Emulator::start(Config {
        port: 0,
        transition_delay: TRANSITION,
        ..Config::default()
    })
    .await
    .expect("the emulator starts");
    let url = emu.url();
    let mut ops: Vec<&Operation> = operation::all().collect();
    assert!(!ops.is_empty(), "the table is empty");
    ops.sort_by_key(|op| phase(op));

    // The connection's key comes from a file, the legacy one's from HCVPN_PSK.
    let psk_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(psk_file.path(), format!("{PSK}\n")).unwrap();
    let password_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(password_file.path(), "Batch-victim-7\n").unwrap();
    // The exported client profile goes to a file that does not exist yet.
    let secret_dir = tempfile::tempdir().unwrap();
    let secret_out = secret_dir.path().join("client.ovpn");
    let mut ids: HashMap<String, String> = HashMap::new();
    ids.insert("resource_type".into(), TAGGED.0.into());
    ids.insert(
        "secret_out".into(),
        secret_out.to_string_lossy().into_owned(),
    );
    ids.insert(
        "psk_file".into(),
        psk_file.path().to_string_lossy().into_owned(),
    );
    // A legacy site connection needs a local (`subnet`) and a peer (`cidr`) endpoint group;
    // the walk's one CreateEndpointGroup makes the peer group.
    let local_group = {
        let url = url.clone();
        tokio::task::spawn_blocking(move || endpoint_group(&url, "subnet", &fresh_id()))
            .await
            .unwrap()
    };
    ids.insert("local_ep_group_id".into(), local_group);
    // Gateway certificates are for GM gateways; the walk's own gateway is not one.
    let gm_gateway = {
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            create_through_op(
                &url,
                "create-vgw",
                "vpn_gateway",
                &[
                    "--name",
                    "gm-ops",
                    "--flavor",
                    "GM",
                    "--network-type",
                    "private",
                    "--vpc-id",
                    &fresh_id(),
                    "--local-subnets",
                    "192.168.9.0/24",
                    "--connect-subnet",
                    &fresh_id(),
                    "--access-subnet-id",
                    &fresh_id(),
                ],
            )
        })
        .await
        .unwrap()
    };
    ids.insert("gm_vgw_id".into(), gm_gateway);
    let mut failures: BTreeMap<&str, String> = BTreeMap::new();
    let mut passed = Vec::new();
    for op in &ops {
        if op.id == "DeleteP2cVgwConnection"
            && let Some(gateway) = ids.get("p2c_vgw_id")
        {
            // A client connects (what a laptop does; no API operation makes a connection).
            tokio::time::sleep(SETTLED).await;
            if let Some(connection) =
                emu.connect_p2c_client(common::PROJECT, gateway, "walker", "198.51.100.7")
            {
                ids.insert("p2c_connection_id".into(), connection);
            }
        }
        if op.id == "BatchDeleteVpnUsers"
            && let Some(server) = ids.get("vpn_server_id").cloned()
        {
            // The batch delete's user, made here (the batch create's answer names none); its
            // password from a file, as secrets are never arguments.
            let url = url.clone();
            let password = password_file.path().to_string_lossy().into_owned();
            let user = tokio::task::spawn_blocking(move || {
                create_through_op(
                    &url,
                    "create-vpn-user",
                    "user",
                    &[
                        "--vpn-server-id",
                        &server,
                        "--name",
                        "batch-victim",
                        "--password-file",
                        &password,
                    ],
                )
            })
            .await
            .unwrap();
            ids.insert("batch_user_id".into(), user);
        }
        match exercise(&url, op, &mut ids).await {
            Ok(()) => passed.push(op.id),
            Err(why) => {
                failures.insert(op.id, why);
            }
        }
    }
    emu.shutdown();
    // The exported profile is in its file (not on the terminal), as the VPN client reads it.
    let profile = std::fs::read_to_string(&secret_out).unwrap_or_default();
    assert!(profile.starts_with("client\n"), "{profile:?}");
    // Every operation of the table was called once, successfully.
    let missing: Vec<&str> = operation::all()
        .map(|op| op.id)
        .filter(|id| !passed.contains(id))
        .collect();
    assert!(
        missing.is_empty() && failures.is_empty(),
        "{} of {} operations do not work through hcvpn op:\n{}",
        missing.len(),
        ops.len(),
        failures
            .iter()
            .map(|(id, why)| format!("  {id}: {why}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_operation_has_a_documented_subcommand() {
    let output = hcvpn().args(["op", "--help"]).output().unwrap();
    let (listing, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    for op in operation::all() {
        assert!(
            listing.contains(&name(op)),
            "`hcvpn op --help` lacks {}:\n{listing}",
            name(op)
        );
        let output = hcvpn().args(["op", &name(op), "--help"]).output().unwrap();
        let (help, stderr) = texts(&output);
        assert!(output.status.success(), "{}: {stderr}", op.id);
        assert!(help.contains(op.id), "{}: {help}", op.id);
        for param in op.params {
            let flag = format!("--{}", param.name.replace('_', "-"));
            assert!(has_flag(&help, &flag), "{}: no {flag}:\n{help}", op.id);
        }
        for field in op.request.iter().flat_map(|b| b.fields.iter()) {
            let flag = format!("--{}", field.name.replace('_', "-"));
            if field.secret {
                // Never an argument: only its sources.
                assert!(
                    has_flag(&help, &format!("{flag}-stdin")) && !has_flag(&help, &flag),
                    "{}: {flag}:\n{help}",
                    op.id
                );
            } else if field.kind != Kind::Object {
                // A field named like a global flag (`version`) takes `--set-<field>`.
                let fallback = format!("--set-{}", field.name.replace('_', "-"));
                assert!(
                    has_flag(&help, &flag) || has_flag(&help, &fallback),
                    "{}: no {flag}:\n{help}",
                    op.id
                );
            }
        }
        assert_eq!(
            has_flag(&help, "--wait"),
            op.waiter.is_some(),
            "{}: --wait",
            op.id
        );
        assert_eq!(
            has_flag(&help, "--all"),
            op.pagination.is_some(),
            "{}",
            op.id
        );
    }
}

/// Whether a help text lists the flag `flag` itself (not one it is a prefix of).
fn has_flag(help: &str, flag: &str) -> bool {
    help.lines().any(|line| {
        line.trim_start()
            .strip_prefix(flag)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '=', ',', '<']))
    })
}

#[test]
fn an_operation_id_names_the_same_subcommand() {
    let output = hcvpn()
        .args(["op", "ShowVpnConnection", "--help"])
        .output()
        .unwrap();
    let (help, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(help.contains("--vpn-connection-id"), "{help}");
}

#[test]
fn a_secret_is_never_an_argument_of_a_generated_command() {
    let output = hcvpn()
        .args(["op", "create-vpn-connection", "--psk", "Secret-Key-123"])
        .output()
        .unwrap();
    no_panic(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(texts(&output).1.contains("unexpected argument '--psk'"));
}
