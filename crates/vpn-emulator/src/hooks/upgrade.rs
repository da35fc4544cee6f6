//! Changing a VPN gateway: its specification (flavor) and its upgrade, with the jobs that
//! carry an upgrade out. A P2C VPN gateway upgrades the same way, with jobs of its own.
//!
//! Why a hook: these are actions on a gateway whose effect is a sequence of statuses on the
//! gateway and on a job record. An upgrade is three calls: `start` (gateway UPGRADING, then
//! PENDING_UPGRADE_CONFIRM; job `upgrading`, then `pending_upgrade_confirm`), then `finish`
//! (ACTIVE; `success`) or `rollback` (ROLLING_BACK, then ACTIVE; `rolling_back`, then
//! `rollback_success`). The jobs are the engine's `jobs` resource (ListVpnGatewayJobs,
//! DeleteVpnGatewayJob); their status is computed from time like every status here.

use serde_json::{Map, Value, json};

use super::Hooks;
use crate::call::{Call, Fault};
use crate::clock::{iso_millis, now_millis};
use crate::model::Action;
use crate::store::{Project, Record, new_id};

/// The store's kind of the site-to-site jobs (the engine names the resource after its
/// collection; the specs of site-to-site VPN are read first, so theirs keep the plain name).
pub(crate) const JOBS: &str = "jobs";
/// The store's kind of the P2C gateways' jobs: the second `jobs` resource of the specs.
pub(crate) const P2C_JOBS: &str = "jobs#2";

/// A kind of gateway that upgrades through jobs.
#[derive(Clone, Copy)]
pub(crate) struct Upgradable {
    /// The store's kind of the gateways (`vpn_gateway`).
    kind: &'static str,
    /// The path parameter naming one (`vgw_id`).
    param: &'static str,
    /// In words, for messages (`vpn gateway`).
    words: &'static str,
    /// The store's kind of its jobs.
    jobs: &'static str,
}

const VPN_GATEWAY: Upgradable = Upgradable {
    kind: "vpn_gateway",
    param: "vgw_id",
    words: "vpn gateway",
    jobs: JOBS,
};

const P2C_VPN_GATEWAY: Upgradable = Upgradable {
    kind: "p2c_vpn_gateway",
    param: "p2c_vgw_id",
    words: "p2c vpn gateway",
    jobs: P2C_JOBS,
};

/// Job statuses after which nothing more happens.
const FINISHED: [&str; 3] = ["success", "rollback_success", "fail"];

fn gateway<'a>(p: &'a mut Project, call: &Call, of: Upgradable) -> Result<&'a mut Record, Fault> {
    let id = call.path_param(of.param).unwrap_or_default();
    p.find_mut(of.kind, id)
        .ok_or_else(|| Fault::not_found(of.words, id))
}

/// The gateway's job that has not finished, if any.
fn open_job<'a>(p: &'a Project, vgw_id: &str, call: &Call, of: Upgradable) -> Option<&'a Record> {
    p.all(of.jobs)
        .iter()
        .find(|j| j.str("resource_id") == Some(vgw_id) && !FINISHED.contains(&j.status(call.now)))
}

/// UpdatePostpaidVgwSpecification: an ACTIVE gateway takes another flavor (not GM, which
/// cannot change) and is PENDING_UPDATE for the transition delay.
pub(crate) fn update_specification(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let flavor = call
        .body
        .pointer("/vpn_gateway/flavor")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let g = gateway(p, call, VPN_GATEWAY)?;
    let id = g.id.clone();
    let status = g.status(call.now).to_string();
    if status != "ACTIVE" {
        return Err(Fault::wrong_status(format!(
            "vpn gateway {id} is {status}; its specification can change only when ACTIVE"
        )));
    }
    let current = g.str("flavor").unwrap_or_default().to_string();
    if current == "GM" {
        return Err(Fault::invalid_field(
            "vpn_gateway.flavor",
            "a GM gateway's specification cannot change",
        ));
    }
    if current == flavor {
        return Err(Fault::invalid_field(
            "vpn_gateway.flavor",
            &format!("the gateway's flavor is already {flavor}"),
        ));
    }
    g.fields.insert("flavor".into(), json!(flavor));
    g.fields
        .insert("updated_at".into(), json!(iso_millis(now_millis())));
    g.transition(Some("PENDING_UPDATE"), "ACTIVE", call.now, call.delay);
    Ok(json!({ "vpn_gateway": { "id": id } }))
}

/// UpgradeVpnGateway: `start`, `finish` or `rollback` (the request type allows no other).
pub(crate) fn upgrade(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    upgrade_gateway(p, call, VPN_GATEWAY)
}

/// UpgradeP2cVpnGateway: the same three actions on a P2C VPN gateway.
pub(crate) fn upgrade_p2c(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    upgrade_gateway(p, call, P2C_VPN_GATEWAY)
}

fn upgrade_gateway(p: &mut Project, call: &Call, of: Upgradable) -> Result<Value, Fault> {
    let action = call
        .body
        .get("action")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let vgw_id = gateway(p, call, of)?.id.clone();
    let open =
        open_job(p, &vgw_id, call, of).map(|j| (j.id.clone(), j.status(call.now).to_string()));
    let job_id = match (action.as_str(), open) {
        ("start", None) => {
            let status = gateway(p, call, of)?.status(call.now).to_string();
            if status != "ACTIVE" {
                return Err(Fault::wrong_status(format!(
                    "{} {vgw_id} is {status}; an upgrade starts only when ACTIVE",
                    of.words
                )));
            }
            let created = p.next_created_ms(of.jobs);
            let mut fields = Map::new();
            fields.insert("resource_id".into(), json!(vgw_id));
            fields.insert("job_type".into(), json!("upgrade"));
            let mut job = Record::new(new_id(), created, fields);
            job.transition(
                Some("upgrading"),
                "pending_upgrade_confirm",
                call.now,
                call.delay,
            );
            let id = job.id.clone();
            p.push(of.jobs, job);
            gateway(p, call, of)?.transition(
                Some("UPGRADING"),
                "PENDING_UPGRADE_CONFIRM",
                call.now,
                call.delay,
            );
            id
        }
        ("start", Some((job, status))) => {
            return Err(Fault::wrong_status(format!(
                "{} {vgw_id} has the unfinished job {job} ({status})",
                of.words
            )));
        }
        (_, Some((job, status))) if status == "pending_upgrade_confirm" => {
            let finished = if action == "finish" {
                gateway(p, call, of)?.transition(None, "ACTIVE", call.now, call.delay);
                set_job(p, of.jobs, &job, None, "success", call);
                now_millis()
            } else {
                gateway(p, call, of)?.transition(
                    Some("ROLLING_BACK"),
                    "ACTIVE",
                    call.now,
                    call.delay,
                );
                set_job(
                    p,
                    of.jobs,
                    &job,
                    Some("rolling_back"),
                    "rollback_success",
                    call,
                );
                let delay = u64::try_from(call.delay.as_millis()).unwrap_or(u64::MAX);
                now_millis().saturating_add(delay)
            };
            if let Some(j) = p.find_mut(of.jobs, &job) {
                j.fields
                    .insert("finished_at".into(), json!(iso_millis(finished)));
            }
            job
        }
        (_, open) => {
            let state = open.map_or("no upgrade".to_string(), |(job, status)| {
                format!("the job {job} is {status}")
            });
            return Err(Fault::wrong_status(format!(
                "{} {vgw_id}: {action} needs an upgrade waiting for confirmation \
                 (pending_upgrade_confirm); {state}",
                of.words
            )));
        }
    };
    Ok(json!({ "job_id": job_id }))
}

fn set_job(p: &mut Project, jobs: &str, id: &str, pending: Option<&str>, ready: &str, call: &Call) {
    if let Some(j) = p.find_mut(jobs, id) {
        j.transition(pending, ready, call.now, call.delay);
    }
}

/// The jobs of a kind of gateway: a job's status from time, `finished_at` once finished, and
/// only a finished job may be deleted.
pub(crate) struct Job(Upgradable);

/// The site-to-site gateways' jobs (store kind [`JOBS`]).
pub(crate) const VPN_GATEWAY_JOBS: Job = Job(VPN_GATEWAY);
/// The P2C gateways' jobs (store kind [`P2C_JOBS`]).
pub(crate) const P2C_VPN_GATEWAY_JOBS: Job = Job(P2C_VPN_GATEWAY);

impl Hooks for Job {
    fn delete(&self, p: &mut Project, call: &Call) -> Result<(), Fault> {
        if let Some(job) = p.find(self.0.jobs, &call.id) {
            let status = job.status(call.now);
            if !FINISHED.contains(&status) {
                return Err(Fault::wrong_status(format!(
                    "the job {} is {status}; only a finished job can be deleted",
                    job.id
                )));
            }
        }
        Ok(())
    }

    fn view(
        &self,
        _: &Project,
        r: &Record,
        _: Action,
        call: &Call,
        mut view: Map<String, Value>,
    ) -> Map<String, Value> {
        let status = r.status(call.now);
        view.insert("status".into(), json!(status));
        view.insert("expected_time_seconds".into(), json!(0));
        if !FINISHED.contains(&status) {
            view.remove("finished_at");
        }
        view
    }

    fn not_found(&self, id: &str) -> Option<Fault> {
        Some(Fault::not_found(&format!("{} job", self.0.words), id))
    }
}
