//! Every operation the emulator routes, called over HTTP with made-up path parameters and
//! bodies (seeded ids where it has them): never a 5xx, always an `X-Request-Id`, and every
//! answer in the spec's shape for its status. This holds operations no hand-written test
//! knows yet (a new spec is walked as soon as it lands), and deletes run last.

mod common;

use common::*;

#[tokio::test]
async fn every_operation_answers_in_the_spec_shape() {
    let emu = emulator().await;
    let client = client(&emu);
    let (vgw, eip1, _) = make_vgw(&client, "walk-gw").await;
    let cgw = make_cgw(&client, "walk-cgw", "198.51.100.90").await;
    let connection = make_connection(&client, &vgw, &eip1, &cgw, "walk").await;
    let monitor = create_monitor(&emu, &connection).await;
    let monitor = monitor.json["connection_monitor"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let known = [
        ("project_id", PROJECT.to_string()),
        ("vgw_id", vgw),
        ("customer_gateway_id", cgw),
        ("vpn_connection_id", connection),
        ("connection_monitor_id", monitor),
    ];

    let mut routes = vpn_emulator::served_routes();
    // Deletes last, so that the other operations find the seeded resources.
    routes.sort_by_key(|(_, method, _)| method == "DELETE");
    assert!(!routes.is_empty());
    let mut statuses = Vec::new();
    for (operation, method, template) in routes {
        let path: Vec<String> = template
            .split('/')
            .map(
                |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => known
                        .iter()
                        .find(|(k, _)| *k == name)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_else(|| "walk-unknown-id".into()),
                    None => segment.to_string(),
                },
            )
            .collect();
        let body = vpn_emulator::example_request(&operation).map(|b| b.to_string());
        let answer = raw(&emu, &method, &path.join("/"), body.as_deref()).await;
        assert!(
            answer.status < 500,
            "{operation} {method} {template}: {} {}",
            answer.status,
            answer.text
        );
        conforms(&operation, &answer);
        statuses.push(answer.status);
    }
    // The seeded ids reach the resources: reads, updates and deletes succeed.
    for status in [200, 204] {
        assert!(statuses.contains(&status), "no {status} in {statuses:?}");
    }
}
