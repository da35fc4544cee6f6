//! Changing a VPN gateway against the emulator, through the typed client: a change of
//! specification, an upgrade through its job states (finished, and rolled back), the jobs
//! listed, paged and deleted once finished, and the routing table its connections give.

mod common;

use common::*;
use futures_util::TryStreamExt;
use huaweicloud_vpn::pagination::Paginate;
use huaweicloud_vpn::vpn_v5::{Client, types};

async fn gateway_status(client: &Client, id: &str) -> String {
    let shown = client
        .show_vgw()
        .vgw_id(id)
        .send()
        .await
        .expect("show gateway")
        .into_inner();
    to_json(&shown)["vpn_gateway"]["status"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn job_status(client: &Client, vgw: &str, job: &str) -> String {
    let jobs = client
        .list_vpn_gateway_jobs()
        .resource_id(vgw)
        .send()
        .await
        .unwrap()
        .into_inner()
        .jobs;
    let job = jobs
        .iter()
        .find(|j| j.id.as_deref() == Some(job))
        .unwrap_or_else(|| panic!("job {job} listed: {jobs:?}"));
    to_json(&job.status)
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn step(action: &str) -> types::UpgradeVpnGatewayRequest {
    body(serde_json::json!({ "action": action }))
}

async fn upgrade(client: &Client, vgw: &str, action: &str) -> Result<String, String> {
    client
        .upgrade_vpn_gateway()
        .vgw_id(vgw)
        .body(step(action))
        .send()
        .await
        .map(|answer| answer.into_inner().job_id)
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn an_upgrade_moves_the_gateway_and_its_job_through_their_states() {
    let emu = emulator().await;
    let client = client(&emu);
    let (vgw, _, _) = make_vgw(&client, "upgrade-gw").await;

    // A gateway being created neither upgrades nor changes flavor.
    let refused = upgrade(&client, &vgw, "start").await.unwrap_err();
    assert!(
        refused.contains("VPN.0013") && refused.contains("PENDING_CREATE"),
        "{refused}"
    );
    settle().await;

    // finish without a started upgrade: refused, naming what is missing.
    let refused = upgrade(&client, &vgw, "finish").await.unwrap_err();
    assert!(refused.contains("pending_upgrade_confirm"), "{refused}");

    let job = upgrade(&client, &vgw, "start").await.expect("start");
    assert_eq!(gateway_status(&client, &vgw).await, "UPGRADING");
    assert_eq!(job_status(&client, &vgw, &job).await, "upgrading");
    let refused = upgrade(&client, &vgw, "start").await.unwrap_err();
    assert!(
        refused.contains(&job),
        "a second start names the open job: {refused}"
    );
    settle().await;
    assert_eq!(
        gateway_status(&client, &vgw).await,
        "PENDING_UPGRADE_CONFIRM"
    );
    assert_eq!(
        job_status(&client, &vgw, &job).await,
        "pending_upgrade_confirm"
    );

    // An unfinished job cannot be deleted.
    let refused = client
        .delete_vpn_gateway_job()
        .job_id(job.as_str())
        .send()
        .await
        .expect_err("an open job");
    assert!(refused.to_string().contains("VPN.0013"), "{refused}");

    assert_eq!(upgrade(&client, &vgw, "finish").await.unwrap(), job);
    assert_eq!(gateway_status(&client, &vgw).await, "ACTIVE");
    assert_eq!(job_status(&client, &vgw, &job).await, "success");

    // A second upgrade, rolled back.
    let second = upgrade(&client, &vgw, "start").await.expect("start again");
    assert_ne!(second, job);
    settle().await;
    assert_eq!(upgrade(&client, &vgw, "rollback").await.unwrap(), second);
    assert_eq!(gateway_status(&client, &vgw).await, "ROLLING_BACK");
    assert_eq!(job_status(&client, &vgw, &second).await, "rolling_back");
    settle().await;
    assert_eq!(gateway_status(&client, &vgw).await, "ACTIVE");
    assert_eq!(job_status(&client, &vgw, &second).await, "rollback_success");

    // Both jobs, one per page, oldest first; then the first deleted.
    let pages: Vec<types::VpnGatewayJob> = client
        .list_vpn_gateway_jobs()
        .resource_id(vgw.as_str())
        .limit(1)
        .stream()
        .try_collect()
        .await
        .expect("all pages");
    let ids: Vec<&str> = pages.iter().filter_map(|j| j.id.as_deref()).collect();
    assert_eq!(ids, [job.as_str(), second.as_str()]);
    assert!(pages.iter().all(|j| j.finished_at.is_some()));
    client
        .delete_vpn_gateway_job()
        .job_id(job.as_str())
        .send()
        .await
        .expect("a finished job can be deleted");
    let left = client
        .list_vpn_gateway_jobs()
        .send()
        .await
        .unwrap()
        .into_inner()
        .jobs;
    assert_eq!(left.len(), 1);
    let missing = client
        .delete_vpn_gateway_job()
        .job_id(job.as_str())
        .send()
        .await
        .expect_err("gone");
    assert!(missing.to_string().contains("vpn gateway job"), "{missing}");
}

#[tokio::test]
async fn a_change_of_specification_answers_the_gateway_and_passes_through_pending_update() {
    let emu = emulator().await;
    let client = client(&emu);
    let (vgw, _, _) = make_vgw(&client, "spec-gw").await;
    settle().await;
    let change = |flavor: &str| -> types::UpdateVpnGatewaySpecificationRequest {
        body(serde_json::json!({"vpn_gateway": {"flavor": flavor}}))
    };
    let changed = client
        .update_postpaid_vgw_specification()
        .vgw_id(vgw.as_str())
        .body(change("Professional2"))
        .send()
        .await
        .expect("a new flavor")
        .into_inner();
    assert_eq!(changed.vpn_gateway.id.as_deref(), Some(vgw.as_str()));
    assert_eq!(changed.vpn_gateway.flavor.as_deref(), Some("Professional2"));
    assert_eq!(gateway_status(&client, &vgw).await, "PENDING_UPDATE");
    settle().await;
    assert_eq!(gateway_status(&client, &vgw).await, "ACTIVE");
    let same = client
        .update_postpaid_vgw_specification()
        .vgw_id(vgw.as_str())
        .body(change("Professional2"))
        .send()
        .await
        .expect_err("the same flavor");
    let message = same.to_string();
    assert!(
        message.contains("vpn_gateway.flavor") && message.contains("already"),
        "{message}"
    );
}

#[tokio::test]
async fn the_routing_table_holds_the_route_based_connections_peer_subnets() {
    let emu = emulator().await;
    let client = client(&emu);
    let (vgw, eip1, _) = make_vgw(&client, "route-gw").await;
    let first = make_cgw(&client, "route-cgw-1", "198.51.100.31").await;
    let second = make_cgw(&client, "route-cgw-2", "198.51.100.32").await;
    let a = make_connection(&client, &vgw, &eip1, &first, "route-a").await;
    let b = make_connection(&client, &vgw, &eip1, &second, "route-b").await;

    let table = client
        .show_vpn_gateway_routing_table()
        .vgw_id(vgw.as_str())
        .is_include_nexthop_resource(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(table.total_count, Some(2));
    let next_hops: Vec<&str> = table
        .routing_table
        .iter()
        .map(|r| r.nexthop_resource.as_ref().unwrap().id.as_deref().unwrap())
        .collect();
    assert_eq!(next_hops, [a.as_str(), b.as_str()]);
    assert!(
        table
            .routing_table
            .iter()
            .all(|r| r.destination.as_deref() == Some("10.20.0.0/16")
                && r.nexthop
                    .as_deref()
                    .is_some_and(|h| h.starts_with("169.254."))),
        "{table:?}"
    );

    // Paged one by one: the same destination twice, still both routes, in order.
    let paged: Vec<types::VpnGatewayRoute> = client
        .show_vpn_gateway_routing_table()
        .vgw_id(vgw.as_str())
        .is_include_nexthop_resource(true)
        .limit(1)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let paged: Vec<&str> = paged
        .iter()
        .map(|r| r.nexthop_resource.as_ref().unwrap().id.as_deref().unwrap())
        .collect();
    assert_eq!(paged, [a.as_str(), b.as_str()]);

    let missing = client
        .show_vpn_gateway_routing_table()
        .vgw_id("00000000-0000-4000-8000-000000000000")
        .send()
        .await
        .expect_err("unknown gateway");
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
}
