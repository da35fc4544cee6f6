//! One broken spec per lint rule: the finding names the file, the JSON pointer and the rule.

use xtask::lint::{Finding, lint};
use xtask::spec;

const BASE: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things/{id}:
    get:
      operationId: ShowThing
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
              examples:
                good: {value: {name: abc, size: 3}}
        '4XX': {$ref: '#/components/responses/Error'}
        '5XX': {$ref: '#/components/responses/Error'}
components:
  responses:
    Error:
      description: error
      content: {application/json: {schema: {$ref: '#/components/schemas/ErrorBody'}}}
  schemas:
    ErrorBody: {type: object, properties: {code: {type: string}}}
    Thing:
      type: object
      properties:
        name: {type: string, maxLength: 5}
        size: {type: integer, minimum: 1}
"#;

fn findings(yaml: &str) -> Vec<Finding> {
    lint(&spec::parse("openapi/sample.yaml", yaml).unwrap())
}

/// Applies a textual edit to the base spec (the edit must apply).
fn with(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "edit does not apply: {from}");
    BASE.replacen(from, to, 1)
}

fn assert_one(yaml: &str, rule: &str, pointer: &str) -> Finding {
    let found = findings(yaml);
    let hits: Vec<&Finding> = found.iter().filter(|f| f.rule == rule).collect();
    assert_eq!(
        hits.len(),
        1,
        "expected one [{rule}] finding, got: {found:#?}"
    );
    let hit = hits[0].clone();
    assert_eq!(hit.pointer, pointer, "{hit}");
    assert_eq!(hit.file, "openapi/sample.yaml");
    assert!(
        hit.to_string()
            .starts_with(&format!("openapi/sample.yaml#{pointer}: [{rule}]")),
        "{hit}"
    );
    hit
}

#[test]
fn base_spec_is_clean() {
    assert_eq!(findings(BASE), vec![]);
}

#[test]
fn missing_operation_id() {
    assert_one(
        &with("      operationId: ShowThing\n", ""),
        "operation-id",
        "/paths/~1things~1{id}/get",
    );
}

#[test]
fn duplicate_operation_id() {
    let yaml = with(
        "components:",
        "  /others:\n    get:\n      operationId: ShowThing\n      responses:\n        '204': {description: none}\n        '4XX': {$ref: '#/components/responses/Error'}\n        '5XX': {$ref: '#/components/responses/Error'}\ncomponents:",
    );
    // Paths are visited in sorted order, so `/others` is the first and `/things/{id}` the duplicate.
    let hit = assert_one(
        &yaml,
        "operation-id-unique",
        "/paths/~1things~1{id}/get/operationId",
    );
    assert!(
        hit.message.contains("first at /paths/~1others/get"),
        "{hit}"
    );
}

#[test]
fn unresolved_ref() {
    let yaml = with(
        "schema: {$ref: '#/components/schemas/Thing'}",
        "schema: {$ref: '#/components/schemas/Thingy'}",
    );
    let hit = assert_one(
        &yaml,
        "ref-resolves",
        "/paths/~1things~1{id}/get/responses/200/content/application~1json/schema",
    );
    assert!(hit.message.contains("#/components/schemas/Thingy"));
}

#[test]
fn default_response() {
    let yaml = with(
        "'5XX': {$ref: '#/components/responses/Error'}",
        "'5XX': {$ref: '#/components/responses/Error'}\n        default: {$ref: '#/components/responses/Error'}",
    );
    assert_one(
        &yaml,
        "no-default-response",
        "/paths/~1things~1{id}/get/responses/default",
    );
}

#[test]
fn two_success_bodies() {
    let yaml = with(
        "'4XX': {$ref",
        "'203': {description: other, content: {application/json: {schema: {type: string}}}}\n        '4XX': {$ref",
    );
    assert_one(
        &yaml,
        "one-success-body",
        "/paths/~1things~1{id}/get/responses",
    );
}

#[test]
fn example_that_breaks_its_schema() {
    let yaml = with(
        "good: {value: {name: abc, size: 3}}",
        "good: {value: {name: abcdefgh, size: 0}}",
    );
    let found: Vec<Finding> = findings(&yaml)
        .into_iter()
        .filter(|f| f.rule == "example-valid")
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    let at = "/paths/~1things~1{id}/get/responses/200/content/application~1json/examples/good";
    assert!(found.iter().all(|f| f.pointer == at));
    let text: Vec<String> = found.iter().map(|f| f.message.clone()).collect();
    let text = text.join("\n");
    assert!(
        text.contains("at /name") && text.contains("maxLength"),
        "{text}"
    );
    assert!(
        text.contains("at /size") && text.contains("minimum"),
        "{text}"
    );
    // The offending value itself is not echoed (it could be a secret).
    assert!(!text.contains("abcdefgh"), "{text}");
}

#[test]
fn unknown_extension_and_misplaced_secret() {
    let yaml = with(
        "size: {type: integer, minimum: 1}",
        "size: {type: integer, minimum: 1, x-secret: true, x-sekret: true}",
    );
    assert_one(
        &yaml,
        "known-extension",
        "/components/schemas/Thing/properties/size/x-sekret",
    );
    assert_one(
        &yaml,
        "secret-string",
        "/components/schemas/Thing/properties/size/x-secret",
    );
}

#[test]
fn missing_error_responses() {
    let yaml = with(
        "        '5XX': {$ref: '#/components/responses/Error'}\n",
        "",
    );
    let hit = assert_one(
        &yaml,
        "error-responses",
        "/paths/~1things~1{id}/get/responses",
    );
    assert!(hit.message.contains("5XX"));
}

#[test]
fn request_pattern_the_client_cannot_compile() {
    // A request-only schema keeps its pattern in the generated client; regress must accept it.
    let yaml = with(
        "components:\n  responses:",
        "components:\n  parameters:\n    Bad: {name: q, in: query, schema: {type: string, pattern: '(?<name'}}\n  responses:",
    );
    assert_one(
        &yaml,
        "pattern-compiles",
        "/components/parameters/Bad/schema/pattern",
    );
}

#[test]
fn yaml_syntax_error_names_the_file() {
    let err = spec::parse("openapi/broken.yaml", "openapi: [3.0.3\n").unwrap_err();
    assert!(
        err.starts_with("openapi/broken.yaml: not valid YAML"),
        "{err}"
    );
}

#[test]
fn waiter_naming_no_property_of_the_show_response() {
    let hit = assert_one(
        &with(
            "      operationId: ShowThing\n",
            "      operationId: ShowThing\n      x-waiter: {resource: thing, name: thing, id: /thing/id, status: /thing/status, ready: [ACTIVE], failed: [ERROR]}\n",
        ),
        "operation-table",
        "/paths/~1things~1{id}/get/x-waiter",
    );
    assert!(
        hit.message
            .contains("the show body has no `thing` property naming a schema"),
        "{hit}"
    );
}

#[test]
fn unknown_product() {
    let hit = assert_one(
        &with("paths:\n", "x-product: vpn\npaths:\n"),
        "operation-table",
        "/x-product",
    );
    assert!(hit.message.contains("not one of s2c, p2c, legacy"), "{hit}");
}
