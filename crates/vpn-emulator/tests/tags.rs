//! Tags through the typed client: added and removed after creation, shown with the resource,
//! listed per project, and resources selected and counted by tags, by name and by having none.

mod common;

use common::*;
use huaweicloud_vpn::vpn_v5::types::{self, TagResourceType};
use serde_json::{Value, json};

const GATEWAY: TagResourceType = TagResourceType::VpnGateway;

async fn add(client: &huaweicloud_vpn::vpn_v5::Client, id: &str, tags: Value) {
    client
        .batch_create_resource_tags()
        .resource_type(GATEWAY)
        .resource_id(id)
        .body(body::<types::BatchCreateResourceTagsRequest>(
            json!({ "tags": tags }),
        ))
        .send()
        .await
        .expect("tags added");
}

async fn tags_of(client: &huaweicloud_vpn::vpn_v5::Client, id: &str) -> Value {
    let shown = client
        .show_resource_tags()
        .resource_type(GATEWAY)
        .resource_id(id)
        .send()
        .await
        .expect("tags shown")
        .into_inner();
    to_json(&shown)["tags"].clone()
}

/// The names of the gateways a query selects, and the count of the same query.
async fn select(client: &huaweicloud_vpn::vpn_v5::Client, query: Value) -> (Vec<String>, i64) {
    let listed = client
        .list_resources_by_tags()
        .resource_type(GATEWAY)
        .body(body::<types::QueryResourcesRequest>(query.clone()))
        .send()
        .await
        .expect("resources listed")
        .into_inner();
    let mut names: Vec<String> = listed
        .resources
        .iter()
        .map(|r| r.resource_name.clone().unwrap_or_default())
        .collect();
    names.sort();
    let counted = client
        .count_resources_by_tags()
        .resource_type(GATEWAY)
        .body(body::<types::QueryResourcesRequest>(query))
        .send()
        .await
        .expect("resources counted")
        .into_inner();
    assert_eq!(listed.total_count, Some(counted.total_count));
    assert_eq!(names.len() as i64, i64::from(counted.total_count));
    (names, i64::from(counted.total_count))
}

#[tokio::test]
async fn tags_are_stored_filtered_and_counted() {
    let emu = emulator().await;
    let client = client(&emu);
    let (hq, _, _) = make_vgw(&client, "vpngw-hq").await;
    let (branch, _, _) = make_vgw(&client, "vpngw-branch").await;
    let (_lab, _, _) = make_vgw(&client, "lab-gw").await;

    add(
        &client,
        &hq,
        json!([{"key": "team", "value": "network"}, {"key": "env", "value": "prod"}]),
    )
    .await;
    add(
        &client,
        &branch,
        json!([{"key": "team", "value": "security"}]),
    )
    .await;
    // A key the resource has gets the new value.
    add(&client, &hq, json!([{"key": "env", "value": "staging"}])).await;
    assert_eq!(
        tags_of(&client, &hq).await,
        json!([{"key": "team", "value": "network"}, {"key": "env", "value": "staging"}])
    );
    // The gateway itself shows them.
    let shown = client
        .show_vgw()
        .vgw_id(hq.as_str())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        to_json(&shown)["vpn_gateway"]["tags"],
        tags_of(&client, &hq).await
    );

    // Every key with its values.
    let project = client
        .list_project_tags()
        .resource_type(GATEWAY)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        to_json(&project)["tags"],
        json!([{"key": "team", "values": ["network", "security"]}, {"key": "env", "values": ["staging"]}])
    );

    // Selections: by key and values, any value, names, no tags at all.
    let team = |values: Value| json!({"tags": [{"key": "team", "values": values}]});
    assert_eq!(
        select(&client, team(json!(["network"]))).await.0,
        ["vpngw-hq"]
    );
    assert_eq!(
        select(&client, team(json!([]))).await.0,
        ["vpngw-branch", "vpngw-hq"]
    );
    assert_eq!(
        select(
            &client,
            json!({"tags": [{"key": "team", "values": []}, {"key": "env", "values": ["staging"]}]})
        )
        .await
        .0,
        ["vpngw-hq"]
    );
    assert_eq!(
        select(
            &client,
            json!({"matches": [{"key": "resource_name", "value": "vpngw-"}]})
        )
        .await
        .0,
        ["vpngw-branch", "vpngw-hq"]
    );
    assert_eq!(
        select(&client, json!({"without_any_tag": true})).await.0,
        ["lab-gw"]
    );
    assert_eq!(select(&client, json!({})).await.1, 3);
    // A page.
    let page = client
        .list_resources_by_tags()
        .resource_type(GATEWAY)
        .limit(1)
        .offset(1)
        .body(body::<types::QueryResourcesRequest>(json!({})))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!((page.resources.len(), page.total_count), (1, Some(3)));
    // `offset` is an int32: beyond it is a 400, not an empty page.
    let beyond = raw(
        &emu,
        "POST",
        &v5("/vpn-gateway/resource-instances/filter?offset=2147483648"),
        Some("{}"),
    )
    .await;
    assert_eq!(beyond.status, 400, "{}", beyond.text);

    // Removal: by key and value (only if the value matches), or by key alone.
    let remove = |tags: Value| {
        client
            .batch_delete_resource_tags()
            .resource_type(GATEWAY)
            .resource_id(hq.as_str())
            .body(body::<types::BatchDeleteResourceTagsRequest>(
                json!({ "tags": tags }),
            ))
            .send()
    };
    remove(json!([{"key": "env", "value": "prod"}]))
        .await
        .unwrap();
    assert_eq!(tags_of(&client, &hq).await.as_array().unwrap().len(), 2);
    remove(json!([{"key": "env"}, {"key": "team", "value": "network"}]))
        .await
        .unwrap();
    assert_eq!(tags_of(&client, &hq).await, json!([]));
    assert_eq!(
        select(&client, json!({"without_any_tag": true})).await.0,
        ["lab-gw", "vpngw-hq"]
    );

    // An unknown resource is the 404 of its kind; more than 20 tags are refused.
    let missing = client
        .show_resource_tags()
        .resource_type(TagResourceType::VpnConnection)
        .resource_id("9f0b1b6e-0000-4000-8000-000000000000")
        .send()
        .await
        .unwrap_err();
    assert!(missing.to_string().contains("404"), "{missing}");
    let many: Vec<Value> = (0..21)
        .map(|i| json!({"key": format!("k{i}"), "value": "v"}))
        .collect();
    let refused = client
        .batch_create_resource_tags()
        .resource_type(GATEWAY)
        .resource_id(branch.as_str())
        .body(body::<types::BatchCreateResourceTagsRequest>(
            json!({ "tags": many[..20] }),
        ))
        .send()
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("at most 20 tags"), "{refused}");
}
