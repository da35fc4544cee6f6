//! Marker pagination as the service does it: created_at ordering, `limit`, `next_marker`.

mod common;

use common::*;
use serde_json::Value;

async fn all_pages(
    client: &huaweicloud_vpn::vpn_v5::Client,
    limit: u32,
    vgw_id: Option<&str>,
) -> (Vec<Value>, Vec<Value>) {
    let mut marker: Option<String> = None;
    let mut items = Vec::new();
    let mut pages = Vec::new();
    loop {
        let mut request = client.list_vpn_connections().limit(limit);
        if let Some(m) = &marker {
            request = request.marker(m.as_str());
        }
        if let Some(v) = vgw_id {
            request = request.vgw_id(v);
        }
        let page = to_json(&request.send().await.unwrap().into_inner());
        items.extend(page["vpn_connections"].as_array().unwrap().iter().cloned());
        marker = page["page_info"]["next_marker"]
            .as_str()
            .map(str::to_string);
        pages.push(page);
        if marker.is_none() {
            break;
        }
        assert!(pages.len() < 50, "pagination does not end");
    }
    (items, pages)
}

#[tokio::test]
async fn connections_page_with_real_markers() {
    let emu = emulator().await;
    let client = client(&emu);
    let (vgw_a, eip_a, eip_a2) = make_vgw(&client, "gw-a").await;
    let (vgw_b, eip_b, _) = make_vgw(&client, "gw-b").await;
    let cgw = make_cgw(&client, "cgw", "198.51.100.40").await;
    let mut created = Vec::new();
    for i in 0..7 {
        let (vgw, eip) = if i % 3 == 2 {
            (&vgw_b, &eip_b)
        } else if i % 2 == 0 {
            (&vgw_a, &eip_a)
        } else {
            (&vgw_a, &eip_a2)
        };
        created.push(make_connection(&client, vgw, eip, &cgw, &format!("c{i}")).await);
    }

    let (items, pages) = all_pages(&client, 3, None).await;
    let ids: Vec<&str> = items.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        created.iter().map(String::as_str).collect::<Vec<_>>(),
        "ordered by created_at"
    );
    assert_eq!(pages.len(), 3);
    let counts: Vec<i64> = pages
        .iter()
        .map(|p| p["page_info"]["current_count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, vec![3, 3, 1]);
    for page in &pages {
        assert_eq!(page["total_count"], 7);
        if let Some(marker) = page["page_info"]["next_marker"].as_str() {
            let last = page["vpn_connections"].as_array().unwrap().last().unwrap();
            assert_eq!(
                last["created_at"].as_str(),
                Some(marker),
                "marker is the last created_at"
            );
        }
    }
    // A full last page has no next_marker when nothing follows.
    let (_, pages) = all_pages(&client, 7, None).await;
    assert_eq!(pages.len(), 1);
    assert!(pages[0]["page_info"].get("next_marker").is_none());

    // Filters combine with pagination.
    let (items, pages) = all_pages(&client, 2, Some(&vgw_b)).await;
    assert_eq!(items.len(), 2);
    assert_eq!(pages[0]["total_count"], 2);
    assert!(items.iter().all(|c| c["vgw_id"] == vgw_b.as_str()));
    let filtered = to_json(
        &client
            .list_vpn_connections()
            .vgw_ip(eip_a2.as_str())
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    assert_eq!(filtered["total_count"], 2);
    let one = to_json(
        &client
            .list_vpn_connections()
            .vpn_id(created[4].as_str())
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    assert_eq!(one["vpn_connections"][0]["id"], created[4].as_str());
    assert_eq!(one["total_count"], 1);

    // Default limit: everything on one page.
    let all = to_json(
        &client
            .list_vpn_connections()
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    assert_eq!(all["page_info"]["current_count"], 7);
    assert!(all["page_info"].get("next_marker").is_none());
}

#[tokio::test]
async fn customer_gateways_page_too() {
    let emu = emulator().await;
    let client = client(&emu);
    for i in 0..5 {
        make_cgw(
            &client,
            &format!("cgw-{i}"),
            &format!("198.51.100.{}", 50 + i),
        )
        .await;
    }
    let first = to_json(
        &client
            .list_cgws()
            .limit(2u32)
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    assert_eq!(first["total_count"], 5);
    assert_eq!(first["customer_gateways"].as_array().unwrap().len(), 2);
    let marker = first["page_info"]["next_marker"]
        .as_str()
        .unwrap()
        .to_string();
    let second = to_json(
        &client
            .list_cgws()
            .limit(2u32)
            .marker(marker.as_str())
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    assert_eq!(second["customer_gateways"][0]["name"], "cgw-2");
    let id = second["customer_gateways"][0]["id"].as_str().unwrap();
    let only = to_json(
        &client
            .list_cgws()
            .cgw_id(id)
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    assert_eq!(only["total_count"], 1);
}
