//! What each spec says about its operations beyond the client methods, generated next to them:
//! the operation table (`OPERATIONS`), the paginators of `x-pagination` lists and the waiters of
//! `x-waiter` resources.
//!
//! The rest of the workspace (the command-line tool, the emulator, the per-operation tests)
//! reads the table instead of keeping its own list of methods, paths and codes, and the
//! paginators and waiters are written from the spec the way smithy-rs writes them from its
//! model's traits. Everything here reads the spec as JSON; a malformed extension is an error
//! naming its JSON pointer.

use heck::{ToPascalCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::spec::{self, SpecFile, is_success, join, operations};

/// The cargo feature (and `Product` variant) a spec's `x-product` names; `s2c` without one (a
/// spec from before the extension, as `cargo xtask diff` may read).
pub fn product(spec: &SpecFile) -> Result<(&'static str, TokenStream), String> {
    match spec.doc.get("x-product").and_then(Value::as_str) {
        Some("s2c") | None => Ok(("s2c", quote!(SiteToSite))),
        Some("p2c") => Ok(("p2c", quote!(PointToClient))),
        Some("legacy") => Ok(("legacy", quote!(Legacy))),
        Some(other) => Err(format!(
            "{}#/x-product: `{other}` is not one of s2c, p2c, legacy",
            spec.rel_path
        )),
    }
}

/// The items appended to a spec's generated module.
pub fn items(spec: &SpecFile) -> Result<TokenStream, String> {
    let (_, product) = product(spec)?;
    let cx = Cx {
        doc: &spec.doc,
        file: &spec.rel_path,
        module: &spec.module,
        base: spec
            .doc
            .get("x-client-base-path")
            .and_then(Value::as_str)
            .unwrap_or(""),
        hoisted: crate::transform::base_path_params(&spec.doc),
    };
    let waiters = cx.waiters()?;
    let mut entries = Vec::new();
    let mut paginators = Vec::new();
    for op in operations(&spec.doc) {
        entries.push(cx.entry(&op, &product, &waiters)?);
        if let Some(p) = cx.paginator(&op)? {
            paginators.push(p);
        }
    }
    let waiter_fns = waiters
        .iter()
        .map(|w| cx.waiter_fns(w))
        .collect::<Result<Vec<_>, String>>()?;
    let doc = format!(
        " Every operation of `{}`, in path order (see [`crate::operation`]).",
        spec.rel_path
    );
    let waiters_mod = (!waiter_fns.is_empty()).then(|| {
        quote! {
            /// Waiters for the resources whose show operation declares `x-waiter`: until ready (a
            /// failed status ends the wait at once) and until gone (the show answers 404). The
            /// polling is [`crate::wait`]'s.
            pub mod waiters {
                use super::types;
                #(#waiter_fns)*
            }
        }
    });
    Ok(quote! {
        #[doc = #doc]
        pub const OPERATIONS: &[crate::operation::Operation] = &[#(#entries),*];
        #(#paginators)*
        #waiters_mod
    })
}

struct Cx<'a> {
    doc: &'a Value,
    file: &'a str,
    module: &'a str,
    base: &'a str,
    hoisted: Vec<String>,
}

/// An `x-waiter`, resolved against its show operation.
struct WaiterSpec {
    /// The show operation's path (the item path), e.g. `/v5/{project_id}/vpn-connection/{id}`.
    item_path: String,
    show: String,
    id_param: String,
    resource: String,
    name: String,
    id_pointer: String,
    status: String,
    ready: Vec<String>,
    failed: Vec<String>,
    /// The generated type of the resource (the show body's wrapped object).
    resource_type: String,
    /// Whether the show body requires its wrapper property (then the generated field is the
    /// resource itself, not an `Option` of it).
    wrapper_required: bool,
    /// Other operations on the resource (`POST {item path}/...`: a reset, a change of flavor)
    /// after which it passes through a pending status back to ready (`actions`).
    actions: Vec<String>,
}

impl Cx<'_> {
    fn at(&self, pointer: &str) -> String {
        format!("{}#{pointer}", self.file)
    }

    fn deref<'v>(&'v self, value: &'v Value) -> &'v Value {
        spec::deref(self.doc, value, "")
            .map(|(v, _)| v)
            .unwrap_or(value)
    }

    /// The schema a property's schema stands for: through `$ref`s, and through an `allOf` of one
    /// schema (how a spec gives a referenced enum its own description).
    fn schema<'v>(&'v self, value: &'v Value) -> &'v Value {
        let resolved = self.deref(value);
        match resolved.get("allOf").and_then(Value::as_array) {
            Some(parts) if parts.len() == 1 && resolved.get("type").is_none() => {
                self.schema(&parts[0])
            }
            _ => resolved,
        }
    }

    /// The component name a `$ref` names (`#/components/schemas/X` -> `X`).
    fn ref_name(value: &Value) -> Option<&str> {
        value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.rsplit('/').next())
    }

    /// The success code and the schema of its body, if any.
    fn success<'v>(&'v self, op: &'v Value) -> Option<(u16, Option<&'v Value>)> {
        let responses = op.get("responses")?.as_object()?;
        let (code, response) = responses.iter().find(|(code, _)| is_success(code))?;
        let code = code.parse().ok()?;
        let schema = self
            .deref(response)
            .pointer("/content/application~1json/schema");
        Some((code, schema))
    }

    /// The JSON pointers of the `x-secret` values a body of `schema` can hold (`*` for any
    /// item of an array): `/client_config`, `/vpn_connection/psk`, `/vpn_connections/*/psk`.
    fn secret_pointers(&self, schema: &Value, at: String, depth: usize, out: &mut Vec<String>) {
        // The specs' bodies nest a few levels; the bound stops a recursive schema.
        if depth > 12 {
            return;
        }
        let schema = self.schema(schema);
        if schema.get("x-secret") == Some(&Value::Bool(true)) {
            out.push(at.clone());
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, value) in props {
                let here = format!("{at}/{}", name.replace('~', "~0").replace('/', "~1"));
                if value.get("x-secret") == Some(&Value::Bool(true)) {
                    out.push(here.clone());
                    continue;
                }
                self.secret_pointers(value, here, depth + 1, out);
            }
        }
        if let Some(items) = schema.get("items") {
            self.secret_pointers(items, format!("{at}/*"), depth + 1, out);
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for part in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                self.secret_pointers(part, at.clone(), depth + 1, out);
            }
        }
    }

    fn request_schema<'v>(&'v self, op: &'v Value) -> Option<&'v Value> {
        self.deref(op.get("requestBody")?)
            .pointer("/content/application~1json/schema")
    }

    fn params<'v>(&'v self, op: &'v Value) -> Vec<&'v Value> {
        op.get("parameters")
            .and_then(Value::as_array)
            .map(|ps| ps.iter().map(|p| self.deref(p)).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter(|p| {
                let name = p.get("name").and_then(Value::as_str).unwrap_or("");
                let in_path = p.get("in").and_then(Value::as_str) == Some("path");
                !(in_path && self.hoisted.iter().any(|h| h == name))
            })
            .collect()
    }

    fn client_path<'p>(&self, path: &'p str) -> &'p str {
        match path.strip_prefix(self.base) {
            Some("") => "/",
            Some(rest) if !self.base.is_empty() => rest,
            _ => path,
        }
    }

    /// Every `x-waiter`, checked.
    fn waiters(&self) -> Result<Vec<WaiterSpec>, String> {
        let mut out = Vec::new();
        for op in operations(self.doc) {
            let Some(w) = op.op.get("x-waiter") else {
                continue;
            };
            let at = self.at(&join(&op.pointer, "x-waiter"));
            if op.method != "get" {
                return Err(format!("{at}: `x-waiter` goes on the show (GET) operation"));
            }
            let text = |key: &str| -> Result<String, String> {
                w.get(key)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| format!("{at}: `{key}` (a string) is required"))
            };
            let list = |key: &str| -> Result<Vec<String>, String> {
                let values = w
                    .get(key)
                    .and_then(Value::as_array)
                    .ok_or_else(|| format!("{at}: `{key}` (a list of strings) is required"))?;
                values
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| format!("{at}: `{key}` holds a non-string"))
                    })
                    .collect()
            };
            let id_param = op
                .path
                .rsplit('/')
                .next()
                .and_then(|last| last.strip_prefix('{'))
                .and_then(|last| last.strip_suffix('}'))
                .ok_or_else(|| format!("{at}: the show path does not end in `{{id}}`"))?
                .to_string();
            let status = text("status")?;
            let id_pointer = text("id")?;
            let (_, body) = self
                .success(op.op)
                .ok_or_else(|| format!("{at}: the show operation has no success response"))?;
            let body = body.ok_or_else(|| format!("{at}: the show response has no JSON body"))?;
            let wrapper = pointer_segments(&status, &at)?[0].clone();
            let resource = self
                .deref(body)
                .pointer(&format!("/properties/{wrapper}"))
                .and_then(Self::ref_name)
                .ok_or_else(|| {
                    format!("{at}: the show body has no `{wrapper}` property naming a schema")
                })?;
            let wrapper_required = self
                .deref(body)
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|n| n.as_str() == Some(wrapper.as_str())));
            self.check_pointer(body, &status, &at)?;
            self.check_pointer(body, &id_pointer, &at)?;
            let actions = match w.get("actions") {
                None => Vec::new(),
                Some(_) => list("actions")?,
            };
            for action in &actions {
                let under_item = operations(self.doc).iter().any(|a| {
                    text_of(a.op, "operationId") == *action
                        && a.method == "post"
                        && a.path.starts_with(&format!("{}/", op.path))
                });
                if !under_item {
                    return Err(format!(
                        "{at}: `actions`: {action} is no POST under `{}`",
                        op.path
                    ));
                }
            }
            out.push(WaiterSpec {
                item_path: op.path.to_string(),
                show: text_of(op.op, "operationId"),
                id_param,
                resource: text("resource")?,
                name: text("name")?,
                id_pointer,
                status,
                ready: list("ready")?,
                failed: list("failed")?,
                resource_type: resource.to_pascal_case(),
                wrapper_required,
                actions,
            });
        }
        Ok(out)
    }

    /// Fails unless `pointer` names a property path of `schema`.
    fn check_pointer(&self, schema: &Value, pointer: &str, at: &str) -> Result<(), String> {
        let mut node = self.deref(schema);
        for segment in pointer_segments(pointer, at)? {
            node = node
                .pointer(&format!("/properties/{}", spec::escape(&segment)))
                .map(|v| self.deref(v))
                .ok_or_else(|| format!("{at}: `{pointer}`: the schema has no `{segment}`"))?;
        }
        Ok(())
    }

    fn entry(
        &self,
        op: &spec::Operation<'_>,
        product: &TokenStream,
        waiters: &[WaiterSpec],
    ) -> Result<TokenStream, String> {
        let at = self.at(&op.pointer);
        let id = text_of(op.op, "operationId");
        if id.is_empty() {
            return Err(format!("{at}: no `operationId` to name the operation by"));
        }
        let method = op.method.to_ascii_uppercase();
        let client_method = id.to_snake_case();
        let path = op.path;
        let client_path = self.client_path(op.path);
        let (success, response) = self
            .success(op.op)
            .ok_or_else(|| format!("{at}: no numeric success response"))?;
        let success = proc_macro2::Literal::u16_unsuffixed(success);
        let module = self.module;
        let summary = text_of(op.op, "summary");
        let tag = op
            .op
            .pointer("/tags/0")
            .and_then(Value::as_str)
            .unwrap_or("");
        let params = self
            .params(op.op)
            .into_iter()
            .map(|p| self.param(p))
            .collect::<Vec<_>>();
        let request = match self.request_schema(op.op) {
            Some(schema) => {
                let body = self.body(schema, &at)?;
                quote!(Some(#body))
            }
            None => quote!(None),
        };
        let mut response_secrets = Vec::new();
        if let Some(schema) = response {
            self.secret_pointers(schema, String::new(), 0, &mut response_secrets);
        }
        response_secrets.sort();
        response_secrets.dedup();
        let tools = crate::generate::TOOLS_FEATURE;
        let (response, check_response) = match response.and_then(Self::ref_name) {
            Some(name) => {
                let ty = ident(&name.to_pascal_case(), &at)?;
                (
                    quote!(Some(#name)),
                    quote!(Some(crate::operation::check_json::<types::#ty>)),
                )
            }
            None => (quote!(None), quote!(None)),
        };
        let pagination = match self.pagination(op)? {
            Some(p) => {
                let (items, marker, next) = (&p.items, &p.marker, &p.next_marker);
                let limit = match &p.limit {
                    Some(l) => quote!(Some(#l)),
                    None => quote!(None),
                };
                quote!(Some(crate::operation::Pagination {
                    items: #items,
                    marker_param: #marker,
                    limit_param: #limit,
                    next_marker: #next,
                }))
            }
            None => quote!(None),
        };
        // The resource's waiter: on its show operation, on the create (collection path),
        // update and delete (item path) of the same resource, and on its `actions`.
        let waiter = waiters.iter().find(|w| {
            let collection = w
                .item_path
                .rsplit_once('/')
                .map(|(c, _)| c)
                .unwrap_or_default();
            (op.path == w.item_path && matches!(op.method, "get" | "put" | "delete"))
                || (op.path == collection && op.method == "post")
                || w.actions
                    .iter()
                    .any(|a| *a == text_of(op.op, "operationId"))
        });
        let waiter = match waiter {
            Some(w) => {
                let WaiterSpec {
                    resource,
                    show,
                    id_param,
                    id_pointer,
                    status,
                    ready,
                    failed,
                    ..
                } = w;
                quote!(Some(crate::operation::Waiter {
                    resource: #resource,
                    show: #show,
                    id_param: #id_param,
                    id: #id_pointer,
                    status: #status,
                    ready: &[#(#ready),*],
                    failed: &[#(#failed),*],
                }))
            }
            None => quote!(None),
        };
        Ok(quote! {
            crate::operation::Operation {
                id: #id,
                client_method: #client_method,
                method: #method,
                path: #path,
                client_path: #client_path,
                success: #success,
                product: crate::operation::Product::#product,
                module: #module,
                summary: #summary,
                tag: #tag,
                params: &[#(#params),*],
                request: #request,
                response: #response,
                #[cfg(feature = #tools)]
                check_response: #check_response,
                response_secrets: &[#(#response_secrets),*],
                pagination: #pagination,
                waiter: #waiter,
            }
        })
    }

    fn param(&self, p: &Value) -> TokenStream {
        let name = text_of(p, "name");
        let location = match p.get("in").and_then(Value::as_str) {
            Some("path") => quote!(Path),
            _ => quote!(Query),
        };
        let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
        let schema = p
            .get("schema")
            .map(|s| self.deref(s))
            .unwrap_or(&Value::Null);
        let kind = self.kind(schema);
        let values = self.enum_values(schema);
        let doc = first_sentence(&text_of(p, "description"));
        let bound = |key: &str| match self.schema(schema).get(key).and_then(Value::as_i64) {
            Some(v) => {
                let v = proc_macro2::Literal::i64_unsuffixed(v);
                quote!(Some(#v))
            }
            None => quote!(None),
        };
        let (minimum, maximum) = (bound("minimum"), bound("maximum"));
        quote!(crate::operation::Param {
            name: #name,
            location: crate::operation::ParamLocation::#location,
            required: #required,
            kind: #kind,
            values: &[#(#values),*],
            minimum: #minimum,
            maximum: #maximum,
            doc: #doc,
        })
    }

    fn kind(&self, schema: &Value) -> TokenStream {
        let schema = self.schema(schema);
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => quote!(crate::operation::Kind::String),
            Some("integer") | Some("number") => quote!(crate::operation::Kind::Integer),
            Some("boolean") => quote!(crate::operation::Kind::Boolean),
            Some("array") => {
                let items = schema.get("items").map(|i| self.schema(i));
                match items.and_then(|i| i.get("type")).and_then(Value::as_str) {
                    Some("string") => quote!(crate::operation::Kind::StringList),
                    _ => quote!(crate::operation::Kind::Object),
                }
            }
            _ => quote!(crate::operation::Kind::Object),
        }
    }

    fn enum_values(&self, schema: &Value) -> Vec<String> {
        let schema = self.schema(schema);
        let schema = match schema.get("type").and_then(Value::as_str) {
            Some("array") => schema
                .get("items")
                .map(|i| self.schema(i))
                .unwrap_or(schema),
            _ => schema,
        };
        schema
            .get("enum")
            .and_then(Value::as_array)
            .map(|values| {
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn body(&self, schema: &Value, at: &str) -> Result<TokenStream, String> {
        let name = Self::ref_name(schema)
            .ok_or_else(|| format!("{at}: the request body is not a named schema (`$ref`)"))?;
        let ty = ident(&name.to_pascal_case(), at)?;
        let type_name = name.to_pascal_case();
        let resolved = self.deref(schema);
        let props = resolved.get("properties").and_then(Value::as_object);
        // A body of one object-valued property wraps that object (`{"vpn_connection": {..}}`).
        let wrapped = props.filter(|p| p.len() == 1).and_then(|p| {
            let (key, value) = p.iter().next()?;
            let target = self.deref(value);
            (target.get("type").and_then(Value::as_str) == Some("object")
                || target.get("properties").is_some())
            .then_some((key.as_str(), target))
        });
        let (wrapper, object) = match wrapped {
            Some((key, object)) => (quote!(Some(#key)), object),
            None => (quote!(None), resolved),
        };
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let fields = object
            .get("properties")
            .and_then(Value::as_object)
            .map(|props| {
                props
                    .iter()
                    .map(|(field, schema)| {
                        let secret = schema.get("x-secret") == Some(&Value::Bool(true))
                            || self.schema(schema).get("x-secret") == Some(&Value::Bool(true));
                        let is_required = required.contains(&field.as_str());
                        let kind = self.kind(schema);
                        let values = self.enum_values(schema);
                        let doc = first_sentence(
                            schema
                                .get("description")
                                .or_else(|| self.schema(schema).get("description"))
                                .and_then(Value::as_str)
                                .unwrap_or(""),
                        );
                        quote!(crate::operation::Field {
                            name: #field,
                            kind: #kind,
                            required: #is_required,
                            secret: #secret,
                            values: &[#(#values),*],
                            doc: #doc,
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let tools = crate::generate::TOOLS_FEATURE;
        Ok(quote!(crate::operation::Body {
            type_name: #type_name,
            wrapper: #wrapper,
            fields: &[#(#fields),*],
            #[cfg(feature = #tools)]
            check: crate::operation::check_request_json::<types::#ty>,
        }))
    }

    fn pagination(&self, op: &spec::Operation<'_>) -> Result<Option<PaginationSpec>, String> {
        let Some(p) = op.op.get("x-pagination") else {
            return Ok(None);
        };
        let at = self.at(&join(&op.pointer, "x-pagination"));
        if op.method != "get" {
            return Err(format!(
                "{at}: `x-pagination` goes on a list (GET) operation"
            ));
        }
        let text = |key: &str| -> Result<String, String> {
            p.get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("{at}: `{key}` (a string) is required"))
        };
        let spec = PaginationSpec {
            items: text("items")?,
            marker: text("marker")?,
            limit: p.get("limit").and_then(Value::as_str).map(str::to_string),
            next_marker: text("next-marker")?,
        };
        let names: Vec<String> = self
            .params(op.op)
            .iter()
            .map(|p| text_of(p, "name"))
            .collect();
        for param in std::iter::once(&spec.marker).chain(spec.limit.as_ref()) {
            if !names.contains(param) {
                return Err(format!(
                    "{at}: `{param}` is not a parameter of the operation"
                ));
            }
        }
        let (_, body) = self
            .success(op.op)
            .ok_or_else(|| format!("{at}: the list has no success response"))?;
        let body = body.ok_or_else(|| format!("{at}: the list response has no JSON body"))?;
        self.check_pointer(body, &format!("/{}", spec.items), &at)?;
        self.check_pointer(body, &spec.next_marker, &at)?;
        Ok(Some(spec))
    }

    /// `impl Paginate for builder::ListX`: the marker goes into its query parameter, the items
    /// and the next marker come from the response.
    fn paginator(&self, op: &spec::Operation<'_>) -> Result<Option<TokenStream>, String> {
        let Some(p) = self.pagination(op)? else {
            return Ok(None);
        };
        let at = self.at(&join(&op.pointer, "x-pagination"));
        let id = text_of(op.op, "operationId");
        let builder = ident(&id.to_pascal_case(), &at)?;
        let (_, body) = self.success(op.op).unwrap_or((0, None));
        let item = body
            .map(|b| self.deref(b))
            .and_then(|b| b.pointer(&format!("/properties/{}/items", p.items)))
            .and_then(Self::ref_name)
            .ok_or_else(|| format!("{at}: `{}` is not an array of a named schema", p.items))?;
        let item = ident(&item.to_pascal_case(), &at)?;
        let items = field_ident(&p.items, &at)?;
        // A required list is a `Vec`; an optional one an `Option<Vec>` (none: an empty page).
        let items_required = body
            .map(|b| self.deref(b))
            .and_then(|b| b.get("required"))
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|n| n.as_str() == Some(p.items.as_str())));
        let unwrap = (!items_required).then(|| quote!(.unwrap_or_default()));
        let marker = field_ident(&p.marker, &at)?;
        let next = option_chain(
            quote!(body),
            &pointer_segments(&p.next_marker, &at)?,
            false,
            &at,
        )?;
        let doc = format!(" `{id}` pages with `{}` (`x-pagination`).", p.marker);
        // `#[inline]`: the boxed future's vtable would otherwise compile this list's whole call
        // path (and its answer's decoder) into the library for every program, paging or not;
        // inline, it is compiled where a program pages (BENCHMARKS.md, "Sixth pass").
        Ok(Some(quote! {
            #[doc = #doc]
            impl<'a> crate::pagination::Paginate<'a> for builder::#builder<'a> {
                type Item = types::#item;

                #[inline]
                fn page(self, marker: Option<String>) -> crate::pagination::PageFuture<'a, Self::Item> {
                    Box::pin(async move {
                        let request = match marker {
                            Some(marker) => self.#marker(marker),
                            None => self,
                        };
                        let body = request.send().await?.into_inner();
                        Ok(crate::pagination::Page {
                            next_marker: #next,
                            items: body.#items #unwrap,
                        })
                    })
                }
            }
        }))
    }

    fn waiter_fns(&self, w: &WaiterSpec) -> Result<TokenStream, String> {
        let at = self.at(&w.item_path);
        let ready_fn = ident(&format!("{}_ready", w.name), &at)?;
        let gone_fn = ident(&format!("{}_gone", w.name), &at)?;
        let show = ident(&w.show.to_snake_case(), &at)?;
        let id_setter = field_ident(&w.id_param, &at)?;
        let ty = ident(&w.resource_type, &at)?;
        let segments = pointer_segments(&w.status, &at)?;
        let wrapper = field_ident(&segments[0], &at)?;
        let status = option_chain(quote!(resource), &segments[1..], true, &at)?;
        let resource = &w.resource;
        let (ready, failed) = (&w.ready, &w.failed);
        let list = |v: &[String]| {
            v.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let ready_doc = format!(
            " Until the {resource} is ready ({}); {} fails at once.",
            list(ready),
            list(failed)
        );
        let gone_doc = format!(" Until the {resource} is gone (`{}` answers 404).", w.show);
        let unwrap = (!w.wrapper_required).then(|| quote!(.unwrap_or_default()));
        let read = quote! {
            || async move {
                Ok(client
                    .#show()
                    .#id_setter(id)
                    .send()
                    .await?
                    .into_inner()
                    .#wrapper
                    #unwrap)
            }
        };
        let status_of = quote! {
            |resource: &types::#ty| #status.map(|status| status.to_string())
        };
        // Functions returning an `async` block, not `async fn`s: rustc compiles the body of a
        // public non-generic `async fn` into the library whether a program calls it or not (with
        // every call path and answer decoder it reaches), an `async` block only where a program
        // awaits it (BENCHMARKS.md, "Sixth pass"). Callers `.await` them the same way.
        Ok(quote! {
            #[doc = #ready_doc]
            #[allow(clippy::manual_async_fn)]
            pub fn #ready_fn<'a>(
                client: &'a super::Client,
                id: &'a str,
                options: &'a crate::wait::WaitOptions,
            ) -> impl ::std::future::Future<Output = Result<types::#ty, crate::wait::WaitError>> + Send + 'a {
                async move {
                    crate::wait::ready(#resource, id, options, &[#(#ready),*], &[#(#failed),*], #status_of, #read).await
                }
            }

            #[doc = #gone_doc]
            #[allow(clippy::manual_async_fn)]
            pub fn #gone_fn<'a>(
                client: &'a super::Client,
                id: &'a str,
                options: &'a crate::wait::WaitOptions,
            ) -> impl ::std::future::Future<Output = Result<(), crate::wait::WaitError>> + Send + 'a {
                async move {
                    crate::wait::gone(#resource, id, options, #status_of, #read).await
                }
            }
        })
    }
}

struct PaginationSpec {
    items: String,
    marker: String,
    limit: Option<String>,
    next_marker: String,
}

fn text_of(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The first sentence of a description, on one line.
fn first_sentence(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.find(". ") {
        Some(end) => line[..=end].to_string(),
        None => line,
    }
}

/// `/a/b` -> `["a", "b"]`; the pointer must name at least one property.
fn pointer_segments(pointer: &str, at: &str) -> Result<Vec<String>, String> {
    let segments: Vec<String> = pointer
        .strip_prefix('/')
        .ok_or_else(|| format!("{at}: `{pointer}` is not a JSON pointer (`/a/b`)"))?
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    if segments.iter().any(String::is_empty) {
        return Err(format!("{at}: `{pointer}` has an empty segment"));
    }
    Ok(segments)
}

/// `text` as a Rust identifier, or an error naming the spec place: names in a spec are data,
/// and a name that is no identifier must not panic the generator.
fn ident(text: &str, at: &str) -> Result<syn::Ident, String> {
    let mut chars = text.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !starts_well || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("{at}: `{text}` cannot name a Rust item"));
    }
    syn::parse_str::<syn::Ident>(text)
        .map_err(|_| format!("{at}: `{text}` is a Rust keyword and cannot name a Rust item"))
}

/// A field of a generated struct, named as typify names it: snake case, a keyword with `_`
/// appended (`type` -> `type_`).
fn field_ident(name: &str, at: &str) -> Result<syn::Ident, String> {
    let snake = name.to_snake_case();
    ident(&snake, at).or_else(|_| ident(&format!("{snake}_"), at))
}

/// `root.a.and_then(|value| value.b)...` (every response field is optional); `by_ref` borrows
/// (`root.a.as_ref().and_then(|value| value.b.as_ref())`).
fn option_chain(
    root: TokenStream,
    segments: &[String],
    by_ref: bool,
    at: &str,
) -> Result<TokenStream, String> {
    let borrow = if by_ref { quote!(.as_ref()) } else { quote!() };
    let mut out = quote!(Some(#root));
    for (i, segment) in segments.iter().enumerate() {
        let field = field_ident(segment, at)?;
        out = if i == 0 {
            quote!(#root.#field #borrow)
        } else {
            quote!(#out.and_then(|value| value.#field #borrow))
        };
    }
    Ok(out)
}
