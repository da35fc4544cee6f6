//! Fault injection: latency, throttling, server errors, connections reset before a request is
//! handled and answers lost after it was handled, per operation or for all, at a rate, from a
//! seed.
//!
//! Why: a client's retries, retry budget and idempotent creates are only tested when the
//! failures they exist for happen, many at once and the same way twice. Each request draws
//! from one seeded generator (in the order requests arrive), so a sequential run with a seed
//! meets the same faults every time; a concurrent run meets the same number of faults of each
//! kind in distribution, on whichever requests arrive in that order.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// What happens to a request a rule picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// The answer is delayed by this much (the request is handled normally).
    Latency(Duration),
    /// `429` with `Retry-After` (seconds); the request is not handled.
    Throttle {
        /// The `Retry-After` value in seconds.
        retry_after: u64,
    },
    /// This 5xx status (500, 502, 503 or 504) in the API's error shape; the request is not
    /// handled.
    Status(u16),
    /// The connection is closed before the request is handled: nothing happened.
    Reset,
    /// The request is handled (a create creates), then the connection is closed before the
    /// answer is sent: the client cannot know.
    Lost,
}

/// One rule: a fault, how often, and on which operation.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultRule {
    /// The fault.
    pub kind: FaultKind,
    /// The share of requests it hits, `0.0..=1.0`.
    pub rate: f64,
    /// The operation id it applies to (`CreateVpnConnection`); `None`: every operation.
    pub operation: Option<String>,
}

/// The faults an emulator injects: rules and the seed of their draws.
///
/// ```
/// use vpn_emulator::{FaultKind, Faults};
/// let faults = Faults::parse(7, &["503@0.05", "lost@0.1:CreateVpnConnection", "latency=20ms@0.5"])?;
/// assert_eq!(faults.rules[1].kind, FaultKind::Lost);
/// assert_eq!(faults.rules[1].operation.as_deref(), Some("CreateVpnConnection"));
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    /// The seed of the generator the rules draw from.
    pub seed: u64,
    /// The rules, in order: the first non-latency rule a request draws wins; every latency
    /// rule drawn adds its delay.
    pub rules: Vec<FaultRule>,
}

impl Faults {
    /// Rules from their text form (see [`FaultRule`]'s `FromStr`), with a seed.
    pub fn parse(seed: u64, rules: &[&str]) -> Result<Faults, String> {
        let rules = rules
            .iter()
            .map(|r| r.parse())
            .collect::<Result<Vec<FaultRule>, String>>()?;
        Ok(Faults { seed, rules })
    }

    /// `rate` of each fault the issue names (429, 500, 502, 503, 504, reset, lost), split
    /// evenly, on every operation.
    pub fn mixed(seed: u64, rate: f64) -> Faults {
        let kinds = [
            FaultKind::Throttle { retry_after: 0 },
            FaultKind::Status(500),
            FaultKind::Status(502),
            FaultKind::Status(503),
            FaultKind::Status(504),
            FaultKind::Reset,
            FaultKind::Lost,
        ];
        // Rule i is drawn only when rules before it were not, so its conditional rate is
        // raised to keep each kind's share of all requests at `rate / 7`.
        let share = rate / kinds.len() as f64;
        let mut left = 1.0;
        let rules = kinds
            .into_iter()
            .map(|kind| {
                let conditional = if left > 0.0 { share / left } else { 0.0 };
                left -= share;
                FaultRule {
                    kind,
                    rate: conditional.clamp(0.0, 1.0),
                    operation: None,
                }
            })
            .collect();
        Faults { seed, rules }
    }
}

/// `KIND@RATE[:OPERATION]`, where KIND is `latency=<duration>` (`latency=200ms`), `429` or
/// `throttle` (optionally `=<seconds>` of `Retry-After`, default 1), `500`, `502`, `503`, `504`,
/// `reset` or `lost`; RATE is a fraction (`0.1`) or a percentage (`10%`).
impl FromStr for FaultRule {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = |why: &str| format!("fault `{text}`: {why} (expected KIND@RATE[:OPERATION])");
        let (kind, rest) = text.split_once('@').ok_or_else(|| bad("no `@RATE`"))?;
        let (rate, operation) = match rest.split_once(':') {
            Some((rate, op)) if !op.is_empty() => (rate, Some(op.to_string())),
            Some(_) => return Err(bad("empty operation after `:`")),
            None => (rest, None),
        };
        let rate = match rate.strip_suffix('%') {
            Some(percent) => percent.trim().parse::<f64>().map(|p| p / 100.0),
            None => rate.trim().parse::<f64>(),
        }
        .map_err(|_| bad("the rate is not a number"))?;
        if !(0.0..=1.0).contains(&rate) {
            return Err(bad("the rate must be between 0 and 1 (or 0% and 100%)"));
        }
        let (name, value) = match kind.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (kind, None),
        };
        let kind = match (name, value) {
            ("latency", Some(value)) => FaultKind::Latency(
                humantime::parse_duration(value)
                    .map_err(|_| bad("latency needs a duration such as `200ms`"))?,
            ),
            ("latency", None) => return Err(bad("latency needs a duration: `latency=200ms`")),
            ("429" | "throttle", value) => FaultKind::Throttle {
                retry_after: match value {
                    Some(v) => v
                        .parse()
                        .map_err(|_| bad("Retry-After must be whole seconds"))?,
                    None => 1,
                },
            },
            ("500", None) => FaultKind::Status(500),
            ("502", None) => FaultKind::Status(502),
            ("503", None) => FaultKind::Status(503),
            ("504", None) => FaultKind::Status(504),
            ("reset", None) => FaultKind::Reset,
            ("lost", None) => FaultKind::Lost,
            _ => {
                return Err(bad(
                    "unknown kind; use latency=<duration>, 429[=<seconds>], 500, 502, 503, 504, reset or lost",
                ));
            }
        };
        Ok(FaultRule {
            kind,
            rate,
            operation,
        })
    }
}

impl fmt::Display for FaultRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            FaultKind::Latency(d) => write!(f, "latency={}", humantime::format_duration(d))?,
            FaultKind::Throttle { retry_after } => write!(f, "429={retry_after}")?,
            FaultKind::Status(status) => write!(f, "{status}")?,
            FaultKind::Reset => f.write_str("reset")?,
            FaultKind::Lost => f.write_str("lost")?,
        }
        write!(f, "@{}", self.rate)?;
        if let Some(op) = &self.operation {
            write!(f, ":{op}")?;
        }
        Ok(())
    }
}

/// How many faults of each kind were injected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultCounts {
    /// Requests handled (faulted or not).
    pub requests: u64,
    /// Answers delayed.
    pub latency: u64,
    /// `429` answers.
    pub throttled: u64,
    /// 5xx answers.
    pub server_errors: u64,
    /// Connections closed before handling.
    pub resets: u64,
    /// Requests handled whose answer was dropped.
    pub lost: u64,
}

impl FaultCounts {
    /// Faults that failed a request (everything but latency).
    pub fn failures(&self) -> u64 {
        self.throttled + self.server_errors + self.resets + self.lost
    }
}

/// What to do with one request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Plan {
    pub delay: Duration,
    /// Anything but latency.
    pub fault: Option<FaultKind>,
}

/// The rules, their generator and their counts.
pub(crate) struct Injector {
    faults: Faults,
    rng: fastrand::Rng,
    counts: FaultCounts,
}

impl Injector {
    pub(crate) fn new(faults: Faults) -> Injector {
        Injector {
            rng: fastrand::Rng::with_seed(faults.seed),
            faults,
            counts: FaultCounts::default(),
        }
    }

    /// The plan for a request to `operation` (`None`: it matched no route). Every rule that
    /// applies draws once, whatever earlier rules drew, so the sequence stays reproducible.
    pub(crate) fn plan(&mut self, operation: Option<&str>) -> Plan {
        self.counts.requests += 1;
        let mut plan = Plan::default();
        for rule in &self.faults.rules {
            let applies = match &rule.operation {
                None => true,
                Some(op) => Some(op.as_str()) == operation,
            };
            if !applies {
                continue;
            }
            let hit = self.rng.f64() < rule.rate;
            if !hit {
                continue;
            }
            match rule.kind {
                FaultKind::Latency(d) => plan.delay += d,
                kind if plan.fault.is_none() => plan.fault = Some(kind),
                _ => {}
            }
        }
        if !plan.delay.is_zero() {
            self.counts.latency += 1;
        }
        match plan.fault {
            Some(FaultKind::Throttle { .. }) => self.counts.throttled += 1,
            Some(FaultKind::Status(_)) => self.counts.server_errors += 1,
            Some(FaultKind::Reset) => self.counts.resets += 1,
            Some(FaultKind::Lost) => self.counts.lost += 1,
            Some(FaultKind::Latency(_)) | None => {}
        }
        plan
    }

    /// Whether there are rules at all (without, requests are not even counted).
    pub(crate) fn active(&self) -> bool {
        !self.faults.rules.is_empty()
    }

    /// The rules in force.
    pub(crate) fn faults(&self) -> &Faults {
        &self.faults
    }

    pub(crate) fn counts(&self) -> FaultCounts {
        self.counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_and_print() {
        for (text, kind, rate, op) in [
            ("503@0.1", FaultKind::Status(503), 0.1, None),
            (
                "429=3@10%",
                FaultKind::Throttle { retry_after: 3 },
                0.1,
                None,
            ),
            (
                "throttle@1",
                FaultKind::Throttle { retry_after: 1 },
                1.0,
                None,
            ),
            ("reset@0.5:ShowVgw", FaultKind::Reset, 0.5, Some("ShowVgw")),
            ("lost@0", FaultKind::Lost, 0.0, None),
            (
                "latency=150ms@0.2",
                FaultKind::Latency(Duration::from_millis(150)),
                0.2,
                None,
            ),
        ] {
            let rule: FaultRule = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(rule.kind, kind, "{text}");
            assert_eq!(rule.rate, rate, "{text}");
            assert_eq!(rule.operation.as_deref(), op, "{text}");
            assert_eq!(
                rule.to_string().parse::<FaultRule>().unwrap(),
                rule,
                "{text}"
            );
        }
        for (text, needle) in [
            ("503", "no `@RATE`"),
            ("503@x", "not a number"),
            ("503@1.5", "between 0 and 1"),
            ("418@0.1", "unknown kind"),
            ("latency@0.1", "duration"),
            ("reset@0.1:", "empty operation"),
        ] {
            let error = text.parse::<FaultRule>().unwrap_err();
            assert!(error.contains(needle), "{text}: {error}");
        }
    }

    #[test]
    fn a_seed_reproduces_the_plans_and_the_rates_hold() {
        let faults = Faults::mixed(42, 0.1);
        let plans = |faults: &Faults| {
            let mut injector = Injector::new(faults.clone());
            (0..20_000)
                .map(|_| injector.plan(Some("ListVgws")))
                .collect::<Vec<_>>()
        };
        let first = plans(&faults);
        assert_eq!(first, plans(&faults));
        assert_ne!(
            first,
            plans(&Faults {
                seed: 43,
                ..faults.clone()
            })
        );
        let failed = first.iter().filter(|p| p.fault.is_some()).count() as f64 / 20_000.0;
        assert!((0.09..0.11).contains(&failed), "{failed}");
        let lost = first
            .iter()
            .filter(|p| p.fault == Some(FaultKind::Lost))
            .count() as f64
            / 20_000.0;
        assert!((0.01..0.02).contains(&lost), "{lost}");
    }

    #[test]
    fn a_rule_for_one_operation_leaves_the_others_alone() {
        let faults = Faults::parse(1, &["reset@1:CreateVgw"]).unwrap();
        let mut injector = Injector::new(faults);
        assert_eq!(injector.plan(Some("ListVgws")).fault, None);
        assert_eq!(injector.plan(None).fault, None);
        assert_eq!(
            injector.plan(Some("CreateVgw")).fault,
            Some(FaultKind::Reset)
        );
        assert_eq!(injector.counts().resets, 1);
        assert_eq!(injector.counts().requests, 3);
    }
}
