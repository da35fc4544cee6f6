//! The soak: many concurrent tasks run a seeded mix of operations (create, show, list, update,
//! delete) over every VPN v5 resource type against an emulator that injects faults; afterwards
//! what the emulator holds is compared with what the run knows.
//!
//! Why: retries, the retry budget and idempotent creates each have tests one call at a time;
//! only many calls at once, with faults, show duplicates, orphans, a budget that leaks or a
//! panic. `cargo xtask bench` runs the full soak in its own process (`vpn-soak`, peak memory
//! measured) against a `vpn-emulator` process started with `--fault-mix`; `tests/soak.rs` runs
//! a reduced one in `cargo test`.
//!
//! What the run knows: the id of every resource whose create succeeded (or was recovered), the
//! idempotency token of every tagged create that still failed (a resource holding one of those
//! tokens is the run's, and two holding one token are a duplicate), the connection of every
//! monitor create that failed ambiguously, and every delete that failed ambiguously. Resources
//! without tags (monitors) are settled the way `huaweicloud_vpn::idempotency` documents: by
//! listing the monitors of the connection.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use huaweicloud_vpn::idempotency::{TAG_KEY, new_token};
use huaweicloud_vpn::operation::{self, Operation};
use huaweicloud_vpn::{ClientBuilder, ErrorExt, RetryBudget, RetryPolicy, dynamic, vpn_v5};
use serde_json::{Value, json};

/// How a soak runs.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The emulator's base URL.
    pub endpoint: String,
    /// The project (32 hex characters).
    pub project: String,
    /// Concurrent tasks.
    pub tasks: usize,
    /// Operations in all, spread over the tasks.
    pub operations: usize,
    /// The seed of each task's choice of operations (task `i` uses `seed + i`).
    pub seed: u64,
}

/// What a soak did and found.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Report {
    /// Operations run.
    pub operations: u64,
    /// Operations per operation id (`CreateCgw`, `ShowVpnConnection`, ...).
    pub by_kind: BTreeMap<String, u64>,
    /// Operations that succeeded.
    pub succeeded: u64,
    /// Operations the service refused for a reason of state (a 404 after another task's delete,
    /// a gateway in use): expected under concurrency, not failures of the client.
    pub refused_by_state: u64,
    /// Operations that failed after the client's retries (faults the retries could not mask).
    pub failed: u64,
    /// Creates whose answer was lost and which the client recovered by their tag.
    pub recovered: u64,
    /// Retries the budget granted, and refused.
    pub retries_granted: u64,
    /// Retries refused because the budget was spent.
    pub retries_refused: u64,
    /// Tokens spent on retries and given back.
    pub tokens_spent: u64,
    /// Tokens given back (refunds, and the costs of retries that succeeded).
    pub tokens_returned: u64,
    /// The budget's capacity.
    pub budget_capacity: u32,
    /// Resources the emulator holds at the end, per kind.
    pub held: BTreeMap<String, u64>,
    /// Tokens held by more than one resource, and connections with more than one monitor.
    pub duplicates: u64,
    /// Resources the emulator holds that the run does not know.
    pub orphans: Vec<String>,
    /// Resources the run created and did not delete that the emulator does not hold.
    pub missing: Vec<String>,
    /// Wall time of the operations (not the final check), in milliseconds.
    pub elapsed_ms: u64,
    /// Peak resident memory of this process (`VmHWM`), in KiB, where the OS tells.
    pub peak_rss_kib: Option<u64>,
}

impl Report {
    /// What the check found wrong, one line each: duplicates, orphans, missing resources,
    /// tokens spent beyond the capacity plus what was given back. Empty when all is well.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.duplicates > 0 {
            problems.push(format!("{} duplicates", self.duplicates));
        }
        if !self.orphans.is_empty() {
            problems.push(format!("orphans: {}", self.orphans.join(", ")));
        }
        if !self.missing.is_empty() {
            problems.push(format!("missing: {}", self.missing.join(", ")));
        }
        if self.tokens_spent > u64::from(self.budget_capacity) + self.tokens_returned {
            problems.push(format!(
                "{} retry tokens spent, more than the capacity {} plus the {} given back",
                self.tokens_spent, self.budget_capacity, self.tokens_returned
            ));
        }
        problems
    }
}

/// The resource kinds, by their body wrapper, with their operations.
struct Kind {
    wrapper: &'static str,
    create: &'static str,
    show: &'static str,
    list: &'static str,
    update: Option<&'static str>,
    delete: &'static str,
    id_param: &'static str,
}

const CGW: Kind = Kind {
    wrapper: "customer_gateway",
    create: "CreateCgw",
    show: "ShowCgw",
    list: "ListCgws",
    update: Some("UpdateCgw"),
    delete: "DeleteCgw",
    id_param: "customer_gateway_id",
};
const VGW: Kind = Kind {
    wrapper: "vpn_gateway",
    create: "CreateVgw",
    show: "ShowVgw",
    list: "ListVgws",
    update: Some("UpdateVgw"),
    delete: "DeleteVgw",
    id_param: "vgw_id",
};
const CONNECTION: Kind = Kind {
    wrapper: "vpn_connection",
    create: "CreateVpnConnection",
    show: "ShowVpnConnection",
    list: "ListVpnConnections",
    update: Some("UpdateVpnConnection"),
    delete: "DeleteVpnConnection",
    id_param: "vpn_connection_id",
};
const MONITOR: Kind = Kind {
    wrapper: "connection_monitor",
    create: "CreateConnectionMonitor",
    show: "ShowConnectionMonitor",
    list: "ListConnectionMonitors",
    update: None,
    delete: "DeleteConnectionMonitor",
    id_param: "connection_monitor_id",
};
const KINDS: [&Kind; 4] = [&CGW, &VGW, &CONNECTION, &MONITOR];

/// The pool of live resources the run made, and what it must settle at the end.
#[derive(Default)]
struct World {
    /// Gateways: id → (EIP id for connections, connections using it).
    vgws: HashMap<String, (String, u32)>,
    /// Customer gateways: id → connections using it.
    cgws: HashMap<String, u32>,
    /// Connections: id → (gateway, customer gateway).
    connections: HashMap<String, (String, String)>,
    /// Monitors: id → connection (kept apart from the connections: a monitor made while its
    /// connection is being deleted, or the reverse, is still accounted for).
    monitors: HashMap<String, String>,
    /// Tokens of tagged creates that failed.
    tokens: HashSet<String>,
    /// Connections whose monitor create failed ambiguously.
    monitor_of: HashSet<String>,
    /// Resources whose delete failed ambiguously: present or not, both are fine.
    maybe_gone: HashSet<String>,
    /// Ids deleted for sure.
    deleted: HashSet<String>,
    /// Connections deleted (surely or maybe): a monitor of one may have gone with it.
    cascaded: HashSet<String>,
}

/// What one operation came to.
enum Outcome {
    Ok,
    Recovered,
    RefusedByState,
    Failed,
}

struct Soak {
    client: vpn_v5::Client,
    world: Mutex<World>,
    counts: Mutex<Report>,
}

/// Runs a soak and checks what the emulator holds afterwards.
pub async fn run(settings: &Settings) -> Result<Report, String> {
    let budget = Arc::new(RetryBudget::default());
    let builder = ClientBuilder::new()
        .endpoint(&settings.endpoint)
        .project_id(&settings.project)
        .without_credentials()
        // Short waits, so that a soak takes seconds; the policy is otherwise the default.
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(100),
            max_retry_after: Duration::from_secs(2),
            ..RetryPolicy::default()
        })
        .attempt_timeout(Duration::from_secs(10))
        .retry_budget(Some(budget.clone()))
        .idempotent_creates(true);
    let client = builder.vpn_v5().map_err(|e| e.to_string())?;
    let soak = Arc::new(Soak {
        client,
        world: Mutex::new(World::default()),
        counts: Mutex::new(Report::default()),
    });
    let started = Instant::now();
    let mut tasks = Vec::new();
    let per_task = settings.operations / settings.tasks.max(1);
    let extra = settings.operations % settings.tasks.max(1);
    for task in 0..settings.tasks {
        let soak = soak.clone();
        let seed = settings.seed.wrapping_add(task as u64);
        let count = per_task + usize::from(task < extra);
        tasks.push(tokio::spawn(async move {
            let mut rng = fastrand::Rng::with_seed(seed);
            for n in 0..count {
                soak.one(&mut rng, task, n).await;
            }
        }));
    }
    for task in tasks {
        task.await
            .map_err(|e| format!("a soak task panicked: {e}"))?;
    }
    let elapsed = started.elapsed();
    let mut report = std::mem::take(&mut *soak.counts.lock().unwrap());
    report.elapsed_ms = elapsed.as_millis() as u64;
    report.retries_granted = budget.granted();
    report.retries_refused = budget.refused();
    report.tokens_spent = budget.spent();
    report.tokens_returned = budget.returned();
    report.budget_capacity = budget.quota().capacity;
    soak.check(settings, &mut report).await?;
    report.peak_rss_kib = peak_rss_kib();
    Ok(report)
}

fn op(id: &str) -> &'static Operation {
    operation::find(id).unwrap_or_else(|| panic!("{id} is in the operation table"))
}

impl Soak {
    /// One operation, chosen by `rng`.
    async fn one(&self, rng: &mut fastrand::Rng, task: usize, n: usize) {
        let name = format!("soak-{task}-{n}");
        let (kind, outcome) = match rng.u32(0..100) {
            0..12 => (CGW.create, self.create_cgw(rng, &name).await),
            12..20 => (VGW.create, self.create_vgw(&name).await),
            20..30 => (CONNECTION.create, self.create_connection(rng, &name).await),
            30..36 => (MONITOR.create, self.create_monitor(rng).await),
            36..56 => {
                let kind = KINDS[rng.usize(0..KINDS.len())];
                (kind.show, self.show(rng, kind).await)
            }
            56..70 => {
                let kind = KINDS[rng.usize(0..KINDS.len())];
                (kind.list, self.list(kind).await)
            }
            70..84 => {
                let kind = KINDS[rng.usize(0..3)];
                (
                    kind.update.unwrap_or(kind.show),
                    self.update(rng, kind, &name).await,
                )
            }
            _ => {
                let kind = KINDS[rng.usize(0..KINDS.len())];
                (kind.delete, self.delete(rng, kind).await)
            }
        };
        let mut counts = self.counts.lock().unwrap();
        counts.operations += 1;
        *counts.by_kind.entry(kind.to_string()).or_default() += 1;
        match outcome {
            Outcome::Ok => counts.succeeded += 1,
            Outcome::Recovered => {
                counts.succeeded += 1;
                counts.recovered += 1;
            }
            Outcome::RefusedByState => counts.refused_by_state += 1,
            Outcome::Failed => counts.failed += 1,
        }
    }

    async fn call(
        &self,
        id: &str,
        path: &[(&str, &str)],
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<(Value, bool), huaweicloud_vpn::Error> {
        let answer = dynamic::call(&self.client, op(id), path, query, body).await?;
        let recovered = answer
            .headers()
            .contains_key(huaweicloud_vpn::idempotency::RECOVERED_HEADER);
        Ok((answer.into_inner(), recovered))
    }

    /// A tagged create: the run's own token, so that a create that still fails can be settled.
    async fn create_tagged(
        &self,
        kind: &Kind,
        mut body: Value,
    ) -> (Result<(String, Value), bool>, Outcome) {
        let token = new_token();
        body[kind.wrapper]["tags"] = json!([{"key": TAG_KEY, "value": token}]);
        match self.call(kind.create, &[], &[], Some(&body)).await {
            Ok((answer, recovered)) => {
                let id = answer[kind.wrapper]["id"].as_str().unwrap_or_default();
                let outcome = if recovered {
                    Outcome::Recovered
                } else {
                    Outcome::Ok
                };
                (Ok((id.to_string(), answer)), outcome)
            }
            Err(e) => {
                let maybe = e.may_have_taken_effect();
                if maybe {
                    self.world.lock().unwrap().tokens.insert(token);
                }
                (Err(maybe), failure(&e))
            }
        }
    }

    async fn create_cgw(&self, rng: &mut fastrand::Rng, name: &str) -> Outcome {
        let ip = format!("203.0.{}.{}", rng.u8(0..=255), rng.u8(1..=254));
        let body = json!({"customer_gateway": {"name": name, "id_type": "ip", "id_value": ip}});
        let (made, outcome) = self.create_tagged(&CGW, body).await;
        if let Ok((id, _)) = made {
            self.world.lock().unwrap().cgws.insert(id, 0);
        }
        outcome
    }

    async fn create_vgw(&self, name: &str) -> Outcome {
        let eip = |n: u32| json!({"type": "5_bgp", "charge_mode": "bandwidth", "bandwidth_size": 10, "bandwidth_name": format!("bw-{n}")});
        let body = json!({"vpn_gateway": {
            "name": name,
            "vpc_id": "91a74241-1a17-4d6d-a1b2-c3d4e5f60708",
            "local_subnets": ["192.168.0.0/24"],
            "connect_subnet": "2a9c4e51-8d3b-4f6a-9e20-7b1c5d3f8a64",
            "eip1": eip(1),
            "eip2": eip(2),
        }});
        let (made, outcome) = self.create_tagged(&VGW, body).await;
        let Ok((id, _)) = made else {
            return outcome;
        };
        // The create answer has no EIPs; a connection needs one.
        let eip = match self
            .call(VGW.show, &[(VGW.id_param, id.as_str())], &[], None)
            .await
        {
            Ok((shown, _)) => shown["vpn_gateway"]["eip1"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            Err(_) => String::new(),
        };
        self.world.lock().unwrap().vgws.insert(id, (eip, 0));
        outcome
    }

    async fn create_connection(&self, rng: &mut fastrand::Rng, name: &str) -> Outcome {
        // Reserve a gateway and a customer gateway, so that no task deletes them meanwhile.
        let picked = {
            let mut world = self.world.lock().unwrap();
            let vgw = pick(
                rng,
                world
                    .vgws
                    .iter()
                    .filter(|(_, (eip, _))| !eip.is_empty())
                    .map(|(id, _)| id),
            );
            let cgw = pick(rng, world.cgws.keys());
            match (vgw, cgw) {
                (Some(vgw), Some(cgw)) => {
                    let eip = {
                        let entry = world.vgws.get_mut(&vgw).expect("picked");
                        entry.1 += 1;
                        entry.0.clone()
                    };
                    *world.cgws.get_mut(&cgw).expect("picked") += 1;
                    Some((vgw, eip, cgw))
                }
                _ => None,
            }
        };
        let Some((vgw, eip, cgw)) = picked else {
            return self.list(&CONNECTION).await;
        };
        let body = json!({"vpn_connection": {
            "name": name, "vgw_id": vgw, "vgw_ip": eip, "cgw_id": cgw, "style": "static",
            "peer_subnets": ["10.20.0.0/16"], "psk": "Soak-PSK-1234",
        }});
        let (made, outcome) = self.create_tagged(&CONNECTION, body).await;
        let mut world = self.world.lock().unwrap();
        match made {
            Ok((id, _)) => {
                world.connections.insert(id, (vgw, cgw));
            }
            // It may exist (its token is kept): the gateways stay reserved.
            Err(true) => {}
            Err(false) => {
                if let Some(v) = world.vgws.get_mut(&vgw) {
                    v.1 -= 1;
                }
                if let Some(c) = world.cgws.get_mut(&cgw) {
                    *c -= 1;
                }
            }
        }
        outcome
    }

    async fn create_monitor(&self, rng: &mut fastrand::Rng) -> Outcome {
        let connection = {
            let world = self.world.lock().unwrap();
            pick(
                rng,
                world.connections.keys().filter(|id| {
                    !world.monitor_of.contains(*id) && !world.monitors.values().any(|c| c == *id)
                }),
            )
        };
        let Some(connection) = connection else {
            return self.list(&MONITOR).await;
        };
        let body = json!({"connection_monitor": {"vpn_connection_id": connection}});
        match self.call(MONITOR.create, &[], &[], Some(&body)).await {
            Ok((answer, _)) => {
                let id = answer["connection_monitor"]["id"]
                    .as_str()
                    .unwrap_or_default();
                let mut world = self.world.lock().unwrap();
                world.monitors.insert(id.to_string(), connection);
                Outcome::Ok
            }
            Err(e) => {
                // No tags: settled by listing the connection's monitors.
                if e.may_have_taken_effect() {
                    self.world.lock().unwrap().monitor_of.insert(connection);
                }
                failure(&e)
            }
        }
    }

    /// A random live resource of `kind` (a monitor through its connection).
    fn any(&self, rng: &mut fastrand::Rng, kind: &Kind) -> Option<String> {
        let world = self.world.lock().unwrap();
        match kind.wrapper {
            "customer_gateway" => pick(rng, world.cgws.keys()),
            "vpn_gateway" => pick(rng, world.vgws.keys()),
            "vpn_connection" => pick(rng, world.connections.keys()),
            _ => pick(rng, world.monitors.keys()),
        }
    }

    async fn show(&self, rng: &mut fastrand::Rng, kind: &Kind) -> Outcome {
        let Some(id) = self.any(rng, kind) else {
            return self.list(kind).await;
        };
        match self
            .call(kind.show, &[(kind.id_param, &id)], &[], None)
            .await
        {
            Ok(_) => Outcome::Ok,
            Err(e) => failure(&e),
        }
    }

    async fn list(&self, kind: &Kind) -> Outcome {
        let query: &[(&str, &str)] = if op(kind.list).pagination.is_some() {
            &[("limit", "50")]
        } else {
            &[]
        };
        match self.call(kind.list, &[], query, None).await {
            Ok(_) => Outcome::Ok,
            Err(e) => failure(&e),
        }
    }

    async fn update(&self, rng: &mut fastrand::Rng, kind: &Kind, name: &str) -> Outcome {
        let (Some(id), Some(update)) = (self.any(rng, kind), kind.update) else {
            return self.list(kind).await;
        };
        let body = json!({ kind.wrapper: {"name": format!("{name}-renamed")} });
        match self
            .call(update, &[(kind.id_param, &id)], &[], Some(&body))
            .await
        {
            Ok(_) => Outcome::Ok,
            Err(e) => failure(&e),
        }
    }

    async fn delete(&self, rng: &mut fastrand::Rng, kind: &Kind) -> Outcome {
        // Taken out of the pool first, so that no other task uses it meanwhile.
        let taken = {
            let mut world = self.world.lock().unwrap();
            match kind.wrapper {
                "customer_gateway" => {
                    let id = pick(
                        rng,
                        world
                            .cgws
                            .iter()
                            .filter(|(_, n)| **n == 0)
                            .map(|(id, _)| id),
                    );
                    id.inspect(|id| {
                        world.cgws.remove(id);
                    })
                    .map(|id| (id, None))
                }
                "vpn_gateway" => {
                    let id = pick(
                        rng,
                        world
                            .vgws
                            .iter()
                            .filter(|(_, (_, n))| *n == 0)
                            .map(|(id, _)| id),
                    );
                    id.and_then(|id| world.vgws.remove(&id).map(|v| (id, Some(Value::from(v.0)))))
                }
                "vpn_connection" => {
                    let id = pick(rng, world.connections.keys());
                    id.and_then(|id| {
                        world
                            .connections
                            .remove(&id)
                            .map(|(vgw, cgw)| (id, Some(json!([vgw, cgw]))))
                    })
                }
                _ => {
                    let id = pick(rng, world.monitors.keys());
                    id.and_then(|id| {
                        let connection = world.monitors.remove(&id)?;
                        Some((id, Some(Value::from(connection))))
                    })
                }
            }
        };
        let Some((id, about)) = taken else {
            return self.list(kind).await;
        };
        let result = self
            .call(kind.delete, &[(kind.id_param, &id)], &[], None)
            .await;
        let mut world = self.world.lock().unwrap();
        let gone = match &result {
            Ok(_) => true,
            // Deleted by a repeat of a delete whose answer was lost.
            Err(e) if e.http_status() == Some(404) => true,
            Err(e) if e.may_have_taken_effect() => {
                world.maybe_gone.insert(id.clone());
                true
            }
            Err(_) => false,
        };
        if gone {
            world.deleted.insert(id.clone());
            if kind.wrapper == "vpn_connection"
                && let Some(about) = &about
            {
                for (i, key) in [(0, "vgw"), (1, "cgw")] {
                    let parent = about[i].as_str().unwrap_or_default();
                    if key == "vgw" {
                        if let Some(v) = world.vgws.get_mut(parent) {
                            v.1 -= 1;
                        }
                    } else if let Some(c) = world.cgws.get_mut(parent) {
                        *c -= 1;
                    }
                }
                // Its monitors went with it (or may have).
                let maybe = world.maybe_gone.contains(&id);
                let cascaded: Vec<String> = world
                    .monitors
                    .iter()
                    .filter(|(_, c)| **c == id)
                    .map(|(m, _)| m.clone())
                    .collect();
                for monitor in cascaded {
                    world.monitors.remove(&monitor);
                    if maybe {
                        world.maybe_gone.insert(monitor);
                    } else {
                        world.deleted.insert(monitor);
                    }
                }
                world.cascaded.insert(id.clone());
            }
        } else {
            // Refused (in use, say): back into the pool.
            match kind.wrapper {
                "customer_gateway" => {
                    world.cgws.insert(id, 0);
                }
                "vpn_gateway" => {
                    let eip = about
                        .and_then(|a| a.as_str().map(str::to_string))
                        .unwrap_or_default();
                    world.vgws.insert(id, (eip, 0));
                }
                "vpn_connection" => {
                    let about = about.unwrap_or_default();
                    let text = |i: usize| about[i].as_str().map(str::to_string);
                    world.connections.insert(
                        id,
                        (text(0).unwrap_or_default(), text(1).unwrap_or_default()),
                    );
                }
                _ => {
                    let connection = about
                        .as_ref()
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    world.monitors.insert(id, connection);
                }
            }
        }
        match result {
            Ok(_) => Outcome::Ok,
            Err(e) => failure(&e),
        }
    }

    /// Lists everything the emulator holds (through the API, with a patient client of its own)
    /// and compares it with what the run knows.
    async fn check(&self, settings: &Settings, report: &mut Report) -> Result<(), String> {
        let checker = ClientBuilder::new()
            .endpoint(&settings.endpoint)
            .project_id(&settings.project)
            .without_credentials()
            .retry(RetryPolicy {
                max_attempts: 12,
                initial_backoff: Duration::from_millis(5),
                max_backoff: Duration::from_millis(50),
                ..RetryPolicy::default()
            })
            .retry_budget(None)
            .vpn_v5()
            .map_err(|e| e.to_string())?;
        let mut known: HashSet<String> = {
            let world = self.world.lock().unwrap();
            let mut known = HashSet::new();
            known.extend(world.cgws.keys().cloned());
            known.extend(world.vgws.keys().cloned());
            known.extend(world.connections.keys().cloned());
            known.extend(world.monitors.keys().cloned());
            known
        };
        // A monitor whose connection was deleted meanwhile went with it.
        let expected: HashSet<String> = {
            let world = self.world.lock().unwrap();
            known
                .iter()
                .filter(|id| {
                    world
                        .monitors
                        .get(*id)
                        .is_none_or(|c| !world.cascaded.contains(c))
                })
                .cloned()
                .collect()
        };
        let mut tokens_seen: HashMap<String, u32> = HashMap::new();
        let mut monitors_per_connection: HashMap<String, u32> = HashMap::new();
        let mut held_ids = Vec::new();
        for kind in KINDS {
            let items = list_everything(&checker, kind)
                .await
                .map_err(|e| format!("listing {} for the check: {e}", kind.wrapper))?;
            report
                .held
                .insert(kind.wrapper.to_string(), items.len() as u64);
            let world = self.world.lock().unwrap();
            for item in items {
                let id = item["id"].as_str().unwrap_or_default().to_string();
                let token = item["tags"].as_array().and_then(|tags| {
                    tags.iter()
                        .find(|t| t["key"] == TAG_KEY)
                        .and_then(|t| t["value"].as_str())
                        .map(str::to_string)
                });
                if let Some(token) = &token {
                    *tokens_seen.entry(token.clone()).or_default() += 1;
                }
                let connection = item["vpn_connection_id"].as_str().map(str::to_string);
                if kind.wrapper == "connection_monitor"
                    && let Some(connection) = &connection
                {
                    *monitors_per_connection
                        .entry(connection.clone())
                        .or_default() += 1;
                }
                // Settled here: a failed tagged create that made its resource, a monitor
                // create that failed ambiguously, a delete that failed ambiguously.
                let settled = token.as_ref().is_some_and(|t| world.tokens.contains(t))
                    || (kind.wrapper == "connection_monitor"
                        && connection
                            .as_ref()
                            .is_some_and(|c| world.monitor_of.contains(c)))
                    || world.maybe_gone.contains(&id);
                if settled {
                    known.insert(id.clone());
                }
                held_ids.push((kind.wrapper, id));
            }
        }
        report.duplicates = tokens_seen.values().filter(|n| **n > 1).count() as u64
            + monitors_per_connection.values().filter(|n| **n > 1).count() as u64;
        let held: HashSet<&String> = held_ids.iter().map(|(_, id)| id).collect();
        report.orphans = held_ids
            .iter()
            .filter(|(_, id)| !known.contains(id))
            .map(|(kind, id)| format!("{kind} {id}"))
            .collect();
        let world = self.world.lock().unwrap();
        report.missing = expected
            .iter()
            .filter(|id| !held.contains(id) && !world.maybe_gone.contains(*id))
            .cloned()
            .collect();
        report.missing.sort();
        Ok(())
    }
}

/// Every item of a kind's list, for the check: the emulator still injects faults (a 500 too,
/// which the client does not retry), so a failed listing is started again, up to 100 times.
async fn list_everything(
    checker: &vpn_v5::Client,
    kind: &Kind,
) -> Result<Vec<Value>, huaweicloud_vpn::Error> {
    let list = op(kind.list);
    let mut tries = 0;
    loop {
        tries += 1;
        let listed = if list.pagination.is_some() {
            dynamic::all_items(checker, list, &[], &[]).await
        } else {
            // Not paginated (`ListVgws`): one answer with every item.
            dynamic::call(checker, list, &[], &[], None)
                .await
                .map(|answer| {
                    let answer = answer.into_inner();
                    let key = format!("{}s", kind.wrapper);
                    answer[key.as_str()].as_array().cloned().unwrap_or_default()
                })
        };
        match listed {
            Err(e) if tries < 100 && e.http_status().is_none_or(|s| s >= 500) => continue,
            other => return other,
        }
    }
}

/// What an error means for the soak's counts.
fn failure(error: &huaweicloud_vpn::Error) -> Outcome {
    match error.http_status() {
        // Another task deleted it, it is in use, or a connection already has a monitor.
        Some(400 | 404 | 409) => Outcome::RefusedByState,
        _ => Outcome::Failed,
    }
}

/// A random element (in a stable order, so that a seed reproduces the choice on the same set).
fn pick<'a>(rng: &mut fastrand::Rng, items: impl Iterator<Item = &'a String>) -> Option<String> {
    let mut all: Vec<&String> = items.collect();
    if all.is_empty() {
        return None;
    }
    all.sort();
    Some(all[rng.usize(0..all.len())].clone())
}

/// This process's peak resident memory (`VmHWM` in `/proc/self/status`), in KiB; `None` where
/// the OS does not tell.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
