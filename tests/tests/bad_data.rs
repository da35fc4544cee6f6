//! Bad data never panics. Property tests (proptest) over every response fixture: the fixture is
//! mutated (fields dropped, retyped or nulled, huge numbers, deep nesting, truncated bytes,
//! invalid UTF-8) and decoded the way the client decodes an answer: a success body into its
//! generated type, an error body into `ServiceError`. The outcome is a value (the types
//! tolerate what they can) or an error naming the JSON path (or the byte position, for text
//! that is not JSON), never a panic. And the emulator answers arbitrary bytes on every route
//! with a 4xx, never a 5xx, and keeps serving: arbitrary bytes as the body of every operation
//! that takes one, and as the ids in the path of every other (a request without a body
//! element, such as a list, ignores a body, as HTTP servers do: it may answer 2xx, never 5xx).
//!
//! Case counts are kept small enough for CI (a few seconds in all); `PROPTEST_CASES` raises
//! them for a longer local run.

use std::panic::{AssertUnwindSafe, catch_unwind};

use huaweicloud_vpn::ServiceError;
use huaweicloud_vpn::operation;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use vpn_tests::{Fixture, Kind};

/// One change to a fixture.
#[derive(Clone, Debug)]
enum Mutation {
    /// Remove the node (an object's field, an array's element).
    Drop(usize),
    /// Replace the node with a value of another type (`which` picks it).
    Retype(usize, u8),
    Null(usize),
    /// Replace the node with an extreme number (`which` picks it; some only as JSON text).
    Huge(usize, u8),
    /// Replace the node with `depth` nested arrays or objects.
    Deep(usize, u16, bool),
    /// Cut the serialized body after this many bytes.
    Truncate(usize),
    /// Put a byte sequence that is not UTF-8 at this offset.
    InvalidUtf8(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let node = any::<usize>();
    prop_oneof![
        node.prop_map(Mutation::Drop),
        (node, any::<u8>()).prop_map(|(n, w)| Mutation::Retype(n, w)),
        node.prop_map(Mutation::Null),
        (node, any::<u8>()).prop_map(|(n, w)| Mutation::Huge(n, w)),
        (node, 1u16..400, any::<bool>()).prop_map(|(n, d, o)| Mutation::Deep(n, d, o)),
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::InvalidUtf8),
    ]
}

/// How many nodes a value has (itself included), in pre-order.
fn count(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count).sum(),
        Value::Object(fields) => fields.values().map(count).sum(),
        _ => 0,
    }
}

/// Applies `change` to the node number `index` (pre-order; the root is 0). `change` gets the
/// node's slot in its parent, or `None` for the root.
fn at(value: &mut Value, index: usize, change: &mut dyn FnMut(&mut Value, Option<Slot>)) {
    fn walk(
        value: &mut Value,
        index: &mut usize,
        change: &mut dyn FnMut(&mut Value, Option<Slot>),
    ) -> bool {
        let children: Vec<Slot> = match value {
            Value::Array(items) => (0..items.len()).map(Slot::Index).collect(),
            Value::Object(fields) => fields.keys().cloned().map(Slot::Key).collect(),
            _ => Vec::new(),
        };
        for slot in children {
            let child = match (&mut *value, &slot) {
                (Value::Array(items), Slot::Index(i)) => &mut items[*i],
                (Value::Object(fields), Slot::Key(k)) => fields.get_mut(k).unwrap(),
                _ => unreachable!(),
            };
            if *index == 0 {
                change(value, Some(slot));
                return true;
            }
            *index -= 1;
            if walk(child, index, change) {
                return true;
            }
        }
        false
    }
    if index == 0 {
        change(value, None);
        return;
    }
    let mut left = index - 1;
    walk(value, &mut left, change);
}

#[derive(Clone, Debug)]
enum Slot {
    Index(usize),
    Key(String),
}

fn slot_mut<'a>(parent: &'a mut Value, slot: &Slot) -> &'a mut Value {
    match (parent, slot) {
        (Value::Array(items), Slot::Index(i)) => &mut items[*i],
        (Value::Object(fields), Slot::Key(k)) => fields.get_mut(k).unwrap(),
        (other, _) => other,
    }
}

/// Numbers that only JSON text can hold (beyond f64, beyond u64); put in as a marker string.
const HUGE_TEXT: [&str; 3] = ["1e400", "123456789012345678901234567890", "-0.0000e-99999"];

/// The fixture's bytes after the mutations.
fn mutate(body: &Value, mutations: &[Mutation]) -> Vec<u8> {
    let mut value = body.clone();
    let mut byte_level = Vec::new();
    for m in mutations {
        let nodes = count(&value);
        let replace = |value: &mut Value, index: usize, new: Value| {
            at(value, index % nodes, &mut |parent, slot| match slot {
                Some(slot) => *slot_mut(parent, &slot) = new.clone(),
                None => *parent = new.clone(),
            })
        };
        match m {
            Mutation::Drop(n) => at(
                &mut value,
                n % nodes,
                &mut |parent, slot| match (parent, slot) {
                    (Value::Array(items), Some(Slot::Index(i))) => {
                        items.remove(i);
                    }
                    (Value::Object(fields), Some(Slot::Key(k))) => {
                        fields.remove(&k);
                    }
                    (root, None) => *root = json!({}),
                    _ => {}
                },
            ),
            Mutation::Retype(n, which) => {
                let new = [
                    json!("x"),
                    json!(7),
                    json!(-1.5),
                    json!(true),
                    json!([]),
                    json!({}),
                    json!([1, "a"]),
                    json!({"k": null}),
                ][*which as usize % 8]
                    .clone();
                replace(&mut value, *n, new);
            }
            Mutation::Null(n) => replace(&mut value, *n, Value::Null),
            Mutation::Huge(n, which) => {
                let numbers = [
                    json!(u64::MAX),
                    json!(i64::MIN),
                    json!(f64::MAX),
                    json!(-f64::MAX),
                    json!(5e-324),
                ];
                let which = *which as usize % (numbers.len() + HUGE_TEXT.len());
                let new = match numbers.get(which) {
                    Some(number) => number.clone(),
                    None => json!(format!("__HUGE_{}__", which - numbers.len())),
                };
                replace(&mut value, *n, new);
            }
            Mutation::Deep(n, depth, objects) => {
                let mut new = json!(1);
                for _ in 0..*depth {
                    new = if *objects {
                        json!({ "a": new })
                    } else {
                        json!([new])
                    };
                }
                replace(&mut value, *n, new);
            }
            other => byte_level.push(other.clone()),
        }
    }
    let mut text = serde_json::to_string(&value).unwrap();
    for (i, huge) in HUGE_TEXT.iter().enumerate() {
        text = text.replace(&format!("\"__HUGE_{i}__\""), huge);
    }
    let mut bytes = text.into_bytes();
    for m in byte_level {
        match m {
            Mutation::Truncate(at) => bytes.truncate(at % (bytes.len() + 1)),
            Mutation::InvalidUtf8(at) => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, [0xC3, 0x28, 0xFF]);
            }
            _ => {}
        }
    }
    bytes
}

/// Decodes `bytes` as the client would for this fixture's status; `Err` says what was wrong.
fn decode(fixture: &Fixture, bytes: &[u8]) -> Result<(), String> {
    let op = operation::find(&fixture.operation).expect("a fixture's operation is in the table");
    let Kind::Response(status) = fixture.kind else {
        unreachable!("only responses")
    };
    if status != op.success {
        // An error body is read whatever it holds.
        let error = ServiceError::from_parts(status, &Default::default(), bytes);
        let _ = error.to_string();
        return Ok(());
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    match op.check_response {
        Some(check) => check(&value),
        None => Ok(()),
    }
}

#[test]
fn mutated_response_fixtures_decode_or_fail_naming_the_path_never_panic() {
    let fixtures: Vec<Fixture> = vpn_tests::fixtures()
        .into_iter()
        .filter(|f| matches!(f.kind, Kind::Response(_)))
        .filter(|f| operation::find(&f.operation).is_some())
        .collect();
    assert!(fixtures.len() >= 20, "{} response fixtures", fixtures.len());
    let path_errors = std::cell::Cell::new(0u32);
    for fixture in &fixtures {
        let mut runner = TestRunner::new(Config {
            cases: 48,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(&prop::collection::vec(mutation(), 1..4), |mutations| {
            let bytes = mutate(&fixture.body, &mutations);
            let outcome = catch_unwind(AssertUnwindSafe(|| decode(fixture, &bytes)));
            let outcome = outcome.map_err(|_| {
                TestCaseError::fail(format!("{}: decoding panicked", fixture.name()))
            })?;
            if let Err(message) = outcome {
                // Not JSON: serde_json names the line and column. JSON of the wrong shape: the
                // path (`vpn_connection.status: ...`), or the root's own error.
                let located = message.starts_with("not JSON: ") && message.contains("line ")
                    || !message.starts_with("not JSON: ");
                prop_assert!(located, "{}: {message}", fixture.name());
                if message.contains(": ") && !message.starts_with("not JSON") {
                    path_errors.set(path_errors.get() + 1);
                }
            }
            Ok(())
        });
        if let Err(error) = result {
            panic!("{}: {error}", fixture.name());
        }
    }
    // The mutations reach the typed decoding, not only the JSON parser.
    assert!(path_errors.get() > 0);
}

#[test]
fn a_path_error_names_the_field() {
    let fixture = vpn_tests::fixtures()
        .into_iter()
        .find(|f| f.operation == "ShowVpnConnection" && matches!(f.kind, Kind::Response(200)))
        .unwrap();
    let mut body = fixture.body.clone();
    body["vpn_connection"]["created_at"] = json!({"not": "a string"});
    let error = decode(&fixture, &serde_json::to_vec(&body).unwrap()).unwrap_err();
    assert!(error.starts_with("vpn_connection.created_at: "), "{error}");
}

/// Arbitrary bytes to every route of the emulator: 4xx, never 5xx, and it keeps serving.
#[test]
fn the_emulator_answers_arbitrary_bytes_with_a_4xx_on_every_route() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emulator = runtime
        .block_on(vpn_emulator::Emulator::start(
            vpn_emulator::Config::default(),
        ))
        .unwrap();
    let http = huaweicloud_vpn::http_client_builder().build().unwrap();
    let routes = vpn_emulator::served_routes();
    assert!(routes.len() >= 20);
    let project = "0123456789abcdef0123456789abcdef";
    for (operation, method, path) in &routes {
        let takes_body = operation::find(operation).is_some_and(|op| op.request.is_some());
        let mut runner = TestRunner::new(Config {
            cases: 6,
            failure_persistence: None,
            ..Config::default()
        });
        let bytes = prop::collection::vec(any::<u8>(), 0..512);
        let id = prop::collection::vec(any::<u8>(), 1..40);
        let has_ids = path.matches('{').count() > 1;
        let result = runner.run(&(bytes, id), |(body, id)| {
            // The project is a valid one; other path parameters get arbitrary bytes.
            let id = percent_encoding::percent_encode(&id, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
            let mut url = path.replace("{project_id}", project);
            while let (Some(open), Some(close)) = (url.find('{'), url.find('}')) {
                url.replace_range(open..=close, &id);
            }
            // Arbitrary bytes are never a valid request body of this API (its bodies are
            // JSON objects with required wrappers); a body-less request ignores them.
            let request = http
                .request(method.parse().unwrap(), format!("{}{url}", emulator.url()))
                .header("content-type", "application/json")
                .body(body);
            let status = runtime
                .block_on(request.send())
                .map_err(|e| TestCaseError::fail(format!("no answer: {e}")))?
                .status()
                .as_u16();
            if takes_body || has_ids {
                prop_assert!(
                    (400..500).contains(&status),
                    "{operation} {method} {url}: {status}"
                );
            } else {
                prop_assert!(status < 500, "{operation} {method} {url}: {status}");
            }
            Ok(())
        });
        if let Err(error) = result {
            panic!("{operation}: {error}");
        }
    }
    // Still serving.
    let status = runtime
        .block_on(
            http.get(format!("{}/v5/{project}/vpn-connection", emulator.url()))
                .send(),
        )
        .unwrap()
        .status();
    assert_eq!(status, 200);
}
