//! The operation table, paginators and waiters the generator writes from `x-product`,
//! `x-pagination` and `x-waiter`, and its errors for malformed extensions.

use xtask::{generate, operations, spec};

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Gadgets, version: '1'}
x-client-base-path: /v9/{project_id}
x-product: p2c
paths:
  /v9/{project_id}/gadgets:
    post:
      operationId: CreateGadget
      parameters: [{$ref: '#/components/parameters/ProjectId'}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/CreateGadgetRequest'}}}
      responses:
        '201': {description: created, content: {application/json: {schema: {$ref: '#/components/schemas/GadgetResponse'}}}}
        '4XX': {$ref: '#/components/responses/Error'}
        '5XX': {$ref: '#/components/responses/Error'}
    get:
      operationId: ListGadgets
      x-pagination: {items: gadgets, marker: marker, limit: limit, next-marker: /page_info/next_marker}
      parameters:
        - {$ref: '#/components/parameters/ProjectId'}
        - {name: marker, in: query, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer, minimum: 0, maximum: 100}}
        - {name: status, in: query, description: Only gadgets in this status. More text., schema: {$ref: '#/components/schemas/GadgetStatus'}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/ListGadgetsResponse'}}}}
        '4XX': {$ref: '#/components/responses/Error'}
        '5XX': {$ref: '#/components/responses/Error'}
  /v9/{project_id}/gadgets/{gadget_id}:
    get:
      operationId: ShowGadget
      x-waiter: {resource: gadget, name: gadget, id: /gadget/id, status: /gadget/status, ready: [ACTIVE], failed: [ERROR]}
      parameters:
        - {$ref: '#/components/parameters/ProjectId'}
        - {name: gadget_id, in: path, required: true, schema: {type: string}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/GadgetResponse'}}}}
        '4XX': {$ref: '#/components/responses/Error'}
        '5XX': {$ref: '#/components/responses/Error'}
    delete:
      operationId: DeleteGadget
      parameters:
        - {$ref: '#/components/parameters/ProjectId'}
        - {name: gadget_id, in: path, required: true, schema: {type: string}}
      responses:
        '204': {description: deleted}
        '4XX': {$ref: '#/components/responses/Error'}
        '5XX': {$ref: '#/components/responses/Error'}
components:
  parameters:
    ProjectId: {name: project_id, in: path, required: true, schema: {type: string}}
  responses:
    Error:
      description: error
      content: {application/json: {schema: {$ref: '#/components/schemas/ErrorBody'}}}
  schemas:
    ErrorBody:
      type: object
      properties: {code: {type: string}}
    GadgetStatus: {type: string, enum: [ACTIVE, ERROR, PENDING_CREATE]}
    CreateGadgetRequest:
      type: object
      required: [gadget]
      properties:
        gadget: {$ref: '#/components/schemas/CreateGadget'}
    CreateGadget:
      type: object
      required: [name]
      properties:
        name: {type: string, description: The name. Unique.}
        secret: {type: string, x-secret: true}
        tags: {type: array, items: {type: string}}
        start_in: {allOf: [{$ref: '#/components/schemas/GadgetStatus'}], description: Where it starts.}
    Gadget:
      type: object
      properties:
        id: {type: string}
        status: {$ref: '#/components/schemas/GadgetStatus'}
    GadgetResponse:
      type: object
      properties:
        gadget: {$ref: '#/components/schemas/Gadget'}
    PageInfo:
      type: object
      properties: {next_marker: {type: string}}
    ListGadgetsResponse:
      type: object
      properties:
        gadgets: {type: array, items: {$ref: '#/components/schemas/Gadget'}}
        page_info: {$ref: '#/components/schemas/PageInfo'}
"##;

fn parse(text: &str) -> spec::SpecFile {
    spec::parse("openapi/gadgets.yaml", text).unwrap()
}

/// The generated module with whitespace collapsed, for `contains` checks.
fn generated(text: &str) -> String {
    let module = generate::generate_module(&parse(text)).unwrap();
    module.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_table_describes_each_operation_from_the_spec() {
    let text = generated(SPEC);
    for expected in [
        r#"id: "CreateGadget", client_method: "create_gadget", method: "POST", path: "/v9/{project_id}/gadgets", client_path: "/gadgets", success: 201, product: crate::operation::Product::PointToClient"#,
        r#"id: "DeleteGadget", client_method: "delete_gadget", method: "DELETE", path: "/v9/{project_id}/gadgets/{gadget_id}", client_path: "/gadgets/{gadget_id}", success: 204"#,
        // The base path's project_id is no parameter; the enum of a `$ref`'d schema is read.
        r#"name: "status", location: crate::operation::ParamLocation::Query, required: false, kind: crate::operation::Kind::String, values: &["ACTIVE", "ERROR", "PENDING_CREATE"], minimum: None, maximum: None, doc: "Only gadgets in this status.""#,
        // Integer limits, for checks before sending.
        r#"name: "limit", location: crate::operation::ParamLocation::Query, required: false, kind: crate::operation::Kind::Integer, values: &[], minimum: Some(0), maximum: Some(100),"#,
        // The body's wrapper and the wrapped object's fields, secrets marked.
        r#"type_name: "CreateGadgetRequest", wrapper: Some("gadget")"#,
        r#"name: "secret", kind: crate::operation::Kind::String, required: false, secret: true"#,
        r#"name: "tags", kind: crate::operation::Kind::StringList"#,
        // An enum behind `allOf` (a `$ref` with its own description) is a string with values.
        r#"name: "start_in", kind: crate::operation::Kind::String, required: false, secret: false, values: &["ACTIVE", "ERROR", "PENDING_CREATE"], doc: "Where it starts.""#,
        r#"check: crate::operation::check_request_json::<types::CreateGadgetRequest>"#,
        r#"pagination: Some(crate::operation::Pagination { items: "gadgets", marker_param: "marker", limit_param: Some("limit"), next_marker: "/page_info/next_marker", })"#,
    ] {
        assert!(text.contains(expected), "missing `{expected}` in\n{text}");
    }
    assert!(
        !text.contains(r#"name: "project_id""#),
        "project_id is hoisted"
    );
    // The waiter rides on the show, the create and the delete of the resource, not the list.
    let waiter = r#"waiter: Some(crate::operation::Waiter { resource: "gadget", show: "ShowGadget", id_param: "gadget_id", id: "/gadget/id", status: "/gadget/status", ready: &["ACTIVE"], failed: &["ERROR"], })"#;
    assert_eq!(text.matches(waiter).count(), 3, "{text}");
}

#[test]
fn paginators_and_waiters_are_generated() {
    let text = generated(SPEC);
    for expected in [
        // Inline, so that a list's call path is compiled only where a program pages.
        "impl<'a> crate::pagination::Paginate<'a> for builder::ListGadgets<'a> { type Item = types::Gadget; #[inline] fn page(",
        "Some(marker) => self.marker(marker),",
        "next_marker: body.page_info.and_then(|value| value.next_marker),",
        "items: body.gadgets.unwrap_or_default(),",
        // Not `async fn`s (whose bodies a library compiles for every program): an `async` block.
        "pub fn gadget_ready<'a>( client: &'a super::Client, id: &'a str, options: &'a crate::wait::WaitOptions, ) -> impl ::std::future::Future< Output = Result<types::Gadget, crate::wait::WaitError>, > + Send + 'a { async move {",
        r#"crate::wait::ready( "gadget", id, options, &["ACTIVE"], &["ERROR"],"#,
        "resource.status.as_ref().map(|status| status.to_string())",
        ".show_gadget() .gadget_id(id) .send() .await? .into_inner() .gadget .unwrap_or_default()",
        "pub fn gadget_gone<'a>(",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in\n{text}");
    }
}

#[test]
fn malformed_extensions_are_errors_naming_the_place() {
    let cases = [
        (
            "x-product: p2c",
            "x-product: vpn",
            "openapi/gadgets.yaml#/x-product: `vpn` is not one of s2c, p2c, legacy",
        ),
        (
            "next-marker: /page_info/next_marker}",
            "next-marker: /page_info/cursor}",
            "x-pagination: `/page_info/cursor`: the schema has no `cursor`",
        ),
        (
            "marker: marker, limit",
            "marker: after, limit",
            "x-pagination: `after` is not a parameter of the operation",
        ),
        (
            "status: /gadget/status, ready",
            "status: /gadget/state, ready",
            "x-waiter: `/gadget/state`: the schema has no `state`",
        ),
        (
            ", ready: [ACTIVE], failed",
            ", failed",
            "x-waiter: `ready` (a list of strings) is required",
        ),
        (
            ", failed: [ERROR]}",
            ", failed: [ERROR], actions: [ListGadgets]}",
            "x-waiter: `actions`: ListGadgets is no POST under `/v9/{project_id}/gadgets/{gadget_id}`",
        ),
        // Names are data: one that is no Rust identifier is an error, not a panic.
        (
            "name: gadget, id",
            "name: gadget-9, id",
            "`gadget-9_ready` cannot name a Rust item",
        ),
        (
            "items: gadgets, marker",
            "items: '9', marker",
            "x-pagination: `/9`: the schema has no `9`",
        ),
    ];
    for (from, to, message) in cases {
        assert!(SPEC.contains(from), "{from}");
        let broken = parse(&SPEC.replacen(from, to, 1));
        let error = generate::generate_module(&broken).unwrap_err();
        assert!(error.contains(message), "{to}: `{error}` lacks `{message}`");
    }
}

#[test]
fn a_spec_without_a_product_is_site_to_site() {
    let spec = parse(&SPEC.replace("x-product: p2c\n", ""));
    assert_eq!(operations::product(&spec).unwrap().0, "s2c");
}

/// A POST under the item path named in `x-waiter`'s `actions` carries the waiter (for the
/// CLI's `--wait`); another one does not.
#[test]
fn the_waiter_actions_carry_the_waiter() {
    let action = |id: &str, segment: &str| {
        format!(
            "  /v9/{{project_id}}/gadgets/{{gadget_id}}/{segment}:\n    post:\n      operationId: {id}\n      parameters:\n        - {{$ref: '#/components/parameters/ProjectId'}}\n        - {{name: gadget_id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200': {{description: done}}\n        '4XX': {{$ref: '#/components/responses/Error'}}\n        '5XX': {{$ref: '#/components/responses/Error'}}\n"
        )
    };
    let spec = SPEC
        .replacen(
            ", failed: [ERROR]}",
            ", failed: [ERROR], actions: [RestartGadget]}",
            1,
        )
        .replacen(
            "components:\n",
            &format!(
                "{}{}components:\n",
                action("RestartGadget", "restart"),
                action("ExportGadget", "export")
            ),
            1,
        );
    let text = generated(&spec);
    let entry = |id: &str| {
        let start = text
            .find(&format!("id: \"{id}\""))
            .unwrap_or_else(|| panic!("no {id} in the table"));
        let rest = &text[start..];
        let end = rest[1..].find("id: \"").map_or(rest.len(), |i| i + 1);
        rest[..end].to_string()
    };
    assert!(
        entry("RestartGadget")
            .contains("waiter: Some(crate::operation::Waiter { resource: \"gadget\""),
        "{}",
        entry("RestartGadget")
    );
    assert!(
        entry("ExportGadget").contains("waiter: None"),
        "{}",
        entry("ExportGadget")
    );
}

#[test]
fn the_table_says_where_an_answer_holds_secrets() {
    // A key in the shown item and in every item of the list; the create's request secret is no
    // answer's.
    let spec = SPEC.replace(
        "        id: {type: string}\n        status: {$ref: '#/components/schemas/GadgetStatus'}",
        "        id: {type: string}\n        status: {$ref: '#/components/schemas/GadgetStatus'}\n        key: {type: string, x-secret: true}",
    );
    assert_ne!(spec, SPEC);
    let text = generated(&spec);
    assert_eq!(
        text.matches(r#"response_secrets: &["/gadget/key"]"#)
            .count(),
        2,
        "the create's and the show's answer: {text}"
    );
    assert!(
        text.contains(r#"response_secrets: &["/gadgets/*/key"]"#),
        "the list's items: {text}"
    );
    // The delete answers nothing.
    assert_eq!(text.matches("response_secrets: &[]").count(), 1, "{text}");
}
