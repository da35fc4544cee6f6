//! `cargo xtask generate [--check]`: specs in, generated modules of the client crate and of its
//! types crate out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quote::quote;

use crate::lint::{self, Finding};
use crate::postprocess::{self, Support};
use crate::spec::{self, SpecFile};
use crate::transform;

/// Where the generated client modules live, relative to the workspace root.
pub const OUTPUT_DIR: &str = "crates/huaweicloud-vpn/src/generated";

/// Where the generated type modules live: the types crate, which the client re-exports. The
/// types need only serde, so a program's cold build compiles them beside reqwest and the TLS
/// stack instead of after them (BENCHMARKS.md, "Fifth pass").
pub const TYPES_OUTPUT_DIR: &str = "crates/huaweicloud-vpn-types/src/generated";

/// Both output directories: every file in them is generated.
pub const OUTPUT_DIRS: [&str; 2] = [OUTPUT_DIR, TYPES_OUTPUT_DIR];

/// The types crate as the client's generated code names it.
const TYPES_CRATE: &str = "huaweicloud_vpn_types";

/// Why generation did not produce output.
#[derive(Debug)]
pub enum GenerateError {
    /// A spec breaks lint rules; nothing was written.
    Lint(Vec<Finding>),
    /// Anything else (unreadable file, progenitor refused the spec, a pass failed).
    Other(String),
}

impl std::fmt::Display for GenerateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GenerateError::Lint(findings) => {
                for finding in findings {
                    writeln!(f, "{finding}")?;
                }
                write!(
                    f,
                    "{} lint finding(s); nothing was generated",
                    findings.len()
                )
            }
            GenerateError::Other(message) => write!(f, "{message}"),
        }
    }
}

impl From<String> for GenerateError {
    fn from(value: String) -> Self {
        GenerateError::Other(value)
    }
}

/// Loads every spec under `openapi/`.
pub fn load_all(root: &Path) -> Result<Vec<SpecFile>, String> {
    let paths = spec::discover(root)?;
    each_on_its_own_thread(&paths, |path| spec::load(root, path))
        .into_iter()
        .zip(&paths)
        .map(|(loaded, path)| {
            loaded.unwrap_or_else(|| Err(format!("{}: loading panicked", path.display())))
        })
        .collect()
}

/// Lints every spec and returns all findings, in the specs' order.
pub fn lint_all(specs: &[SpecFile]) -> Vec<Finding> {
    each_on_its_own_thread(specs, lint::lint)
        .into_iter()
        .zip(specs)
        .flat_map(|(findings, spec)| {
            findings.unwrap_or_else(|| panic!("{}: linting panicked", spec.rel_path))
        })
        .collect()
}

/// `f` of every item, each on a thread of its own (the specs are independent, and a larger one
/// should not wait for a smaller one); `None` where `f` panicked. In the items' order.
fn each_on_its_own_thread<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
) -> Vec<Option<R>> {
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .iter()
            .map(|item| scope.spawn(move || f(item)))
            .collect();
        workers.into_iter().map(|w| w.join().ok()).collect()
    })
}

/// The feature for tools that make calls from JSON (`hcvpn`, the emulator): the operation
/// table's checks in the client crate and `Deserialize` on request types in the types crate
/// (the client's feature of that name turns on the types crate's).
pub const TOOLS_FEATURE: &str = "dynamic";

/// The support paths the generated code uses, hand-written. Paths the types use (`UnknownValue`,
/// `Bounded`, `support::REDACTED`, `support::Pattern`) resolve in the types crate, whose root
/// has them; the client's root re-exports `UnknownValue` and `Bounded` for its own code.
pub fn support() -> Support {
    Support {
        tools_feature: TOOLS_FEATURE,
        error_type: quote!(crate::ServiceError),
        error_fn: quote!(crate::error::error_response),
        decode_fn: quote!(crate::runtime::decode),
        respond_fn: quote!(crate::runtime::respond),
        respond_empty_fn: quote!(crate::runtime::respond_empty),
        unknown_value: quote!(crate::UnknownValue),
        redacted: quote!(crate::support::REDACTED),
        bounded: quote!(crate::Bounded),
        path_segment_fn: quote!(crate::path::segment),
        pattern: quote!(crate::support::Pattern),
        dfa: quote!(crate::support::Dfa),
        fields: quote!(crate::fields),
        call: quote!(crate::call),
        encode: quote!(crate::encode),
    }
}

/// Generates one spec's module text, its types inline (`pub mod types`): what `cargo xtask diff`
/// and the outline read.
pub fn generate_module(spec: &SpecFile) -> Result<String, String> {
    let file = generate_file(spec)?;
    Ok(render(&spec.rel_path, &file))
}

/// One spec's generated code as the two crates hold it.
pub struct SplitModule {
    /// The client crate's module, which re-exports the types crate's module as `types`.
    pub client: String,
    /// The types crate's module: what `generate_module` has inside `pub mod types`.
    pub types: String,
}

/// Generates one spec's module for each crate.
pub fn generate_split(spec: &SpecFile) -> Result<SplitModule, String> {
    let mut client = generate_file(spec)?;
    let types =
        split_types(&mut client, &spec.module).map_err(|e| format!("{}: {e}", spec.rel_path))?;
    Ok(SplitModule {
        client: render(&spec.rel_path, &client),
        types: render(&spec.rel_path, &types),
    })
}

/// Takes progenitor's `pub mod types { ... }` out of `file` (as a file of its own, for the
/// types crate) and leaves a re-export of the types crate's module in its place, so every
/// `types::...` path of the client module still resolves.
fn split_types(file: &mut syn::File, module: &str) -> Result<syn::File, String> {
    let at = file
        .items
        .iter()
        .position(
            |item| matches!(item, syn::Item::Mod(m) if m.ident == "types" && m.content.is_some()),
        )
        .ok_or("no `types` module in progenitor's output")?;
    let syn::Item::Mod(types) = file.items.remove(at) else {
        unreachable!("matched above")
    };
    let docs: Vec<&syn::Attribute> = types
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .collect();
    let krate = syn::Ident::new(TYPES_CRATE, proc_macro2::Span::call_site());
    let module = syn::Ident::new(module, proc_macro2::Span::call_site());
    file.items.insert(
        at,
        syn::parse_quote! {
            #(#docs)*
            #[doc(inline)]
            pub use #krate::#module as types;
        },
    );
    let (_, items) = types.content.unwrap_or_default();
    let mut types: syn::File = syn::parse_quote!(#![allow(clippy::all)]);
    types.items = items;
    Ok(types)
}

/// Everything up to the text: progenitor's output, the passes, the operation table.
fn generate_file(spec: &SpecFile) -> Result<syn::File, String> {
    let doc = spec::timed("transform", || transform::for_generation(&spec.doc));
    let doc_for_params = doc.clone();
    let openapi: openapiv3::OpenAPI = spec::timed("openapiv3", || serde_json::from_value(doc))
        .map_err(|e| format!("{}: not an OpenAPI 3.0 document: {e}", spec.rel_path))?;
    let mut settings = progenitor_impl::GenerationSettings::new();
    settings
        .with_interface(progenitor_impl::InterfaceStyle::Builder)
        .with_tag(progenitor_impl::TagStyle::Merged)
        // Every call goes through the hand-written runtime (auth, retries, tracing); `Expected`
        // makes a missing `ClientHooks` impl a compile error rather than a silent no-op.
        .with_inner_type(quote!(crate::runtime::Runtime))
        .with_hooks(progenitor_impl::HooksMode::Expected);
    let mut generator = progenitor_impl::Generator::new(&settings);
    // progenitor panics on some specs it cannot handle; report that as an error on this file.
    let tokens = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        spec::timed("progenitor", || generator.generate_tokens(&openapi))
    }))
    .map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into());
        format!("{}: progenitor panicked: {message}", spec.rel_path)
    })?
    .map_err(|e| format!("{}: progenitor: {e}", spec.rel_path))?;
    let mut file: syn::File = spec::timed("syn parse", || syn::parse2(tokens))
        .map_err(|e| format!("{}: progenitor output does not parse: {e}", spec.rel_path))?;
    let ranged = ranged_params(&doc_for_params);
    postprocess::run(&mut file, &support(), &ranged)
        .map_err(|e| format!("{}: {e}", spec.rel_path))?;
    let items = spec::timed("operation table", || crate::operations::items(spec))?;
    let described: syn::File = syn::parse2(items)
        .map_err(|e| format!("{}: operation table does not parse: {e}", spec.rel_path))?;
    file.items.extend(described.items);
    if let Some(base) = spec.doc.get("x-client-base-path").and_then(|v| v.as_str()) {
        postprocess::document_full_paths(&mut file, base);
        let params = transform::base_path_params(&spec.doc).join("`, `");
        let doc = format!(
            " The path prefix of every operation (`x-client-base-path`): the client's base URL is the\n \
             endpoint followed by this prefix with `{params}` filled in, so operations never take it."
        );
        file.items.push(syn::parse_quote! {
            #[doc = #doc]
            pub const BASE_PATH: &str = #base;
        });
    }
    Ok(file)
}

/// The text of a generated file.
fn render(source: &str, file: &syn::File) -> String {
    let body = spec::timed("prettyplease", || prettyplease::unparse(file));
    let body = spec::timed("doc lines", || crate::doc_lines::tidy(&body));
    let body = spec::timed("decoder lines", || {
        crate::postprocess::one_field_per_line(&body)
    });
    format!("{}{body}", header(source))
}

fn header(source: &str) -> String {
    format!(
        "// @generated by `cargo xtask generate` from `{source}`.\n\
         // Do not edit by hand: change the spec and run `cargo xtask generate`.\n\
         // Pipeline: spec -> lint -> transform -> progenitor -> syn passes -> prettyplease\n\
         // (see xtask/src/generate.rs).\n\n"
    )
}

/// Every generated file (relative path -> contents), or the reason there is none.
///
/// Nothing is produced unless every spec lints clean and generates.
pub fn generate_all(root: &Path) -> Result<BTreeMap<PathBuf, String>, GenerateError> {
    let specs = spec::timed("load", || load_all(root))?;
    let findings = spec::timed("lint", || lint_all(&specs));
    if !findings.is_empty() {
        return Err(GenerateError::Lint(findings));
    }
    let mut out = BTreeMap::new();
    let mut mod_rs = header("openapi/*.yaml");
    mod_rs.push_str("//! The generated API modules, one per spec under `openapi/`.\n\n");
    let mut types_mod_rs = header("openapi/*.yaml");
    types_mod_rs.push_str(
        "//! The generated type modules, one per spec under `openapi/` (the client crate \
         re-exports each as `<module>::types`).\n\n",
    );
    let texts: Vec<Result<SplitModule, String>> = each_on_its_own_thread(&specs, generate_split)
        .into_iter()
        .zip(&specs)
        .map(|(text, spec)| {
            text.unwrap_or_else(|| Err(format!("{}: generation panicked", spec.rel_path)))
        })
        .collect();
    for (spec, text) in specs.iter().zip(texts) {
        let text = text?;
        let file = format!("{}.rs", spec.module);
        out.insert(Path::new(OUTPUT_DIR).join(&file), text.client);
        out.insert(Path::new(TYPES_OUTPUT_DIR).join(&file), text.types);
        let title = spec
            .doc
            .pointer("/info/title")
            .and_then(|v| v.as_str())
            .unwrap_or(&spec.module);
        let (feature, _) = crate::operations::product(spec)?;
        mod_rs.push_str(&format!(
            "/// {title}: generated from `{}` (feature `{feature}`).\n",
            spec.rel_path
        ));
        mod_rs.push_str(&format!(
            "#[cfg(feature = \"{feature}\")]\npub mod {};\n",
            spec.module
        ));
        types_mod_rs.push_str(&format!(
            "/// The types of {title}: generated from `{}` (feature `{feature}`).\n\
             #[cfg(feature = \"{feature}\")]\npub mod {};\n",
            spec.rel_path, spec.module
        ));
    }
    out.insert(Path::new(OUTPUT_DIR).join("mod.rs"), mod_rs);
    out.insert(Path::new(TYPES_OUTPUT_DIR).join("mod.rs"), types_mod_rs);
    Ok(out)
}

/// A stale or missing generated file.
pub struct Stale {
    pub path: PathBuf,
    pub diff: String,
}

/// Compares generated output with the files on disk; also lists files that should not be there.
pub fn stale_files(root: &Path, generated: &BTreeMap<PathBuf, String>) -> Vec<Stale> {
    let mut out = Vec::new();
    for (rel, expected) in generated {
        let actual = std::fs::read_to_string(root.join(rel)).unwrap_or_default();
        if &actual != expected {
            let diff = similar::TextDiff::from_lines(&actual, expected)
                .unified_diff()
                .context_radius(3)
                .header(
                    &format!("a/{}", rel.display()),
                    &format!("b/{}", rel.display()),
                )
                .to_string();
            out.push(Stale {
                path: rel.clone(),
                diff,
            });
        }
    }
    for dir in OUTPUT_DIRS {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut extra: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| Path::new(dir).join(e.file_name()))
            .filter(|p| !generated.contains_key(p))
            .collect();
        extra.sort();
        for rel in extra {
            out.push(Stale {
                diff: format!("{} is not produced by any spec: delete it\n", rel.display()),
                path: rel,
            });
        }
    }
    out
}

/// Removes both output directories under `root` (the benches time generation into empty ones).
pub fn clear_output(root: &Path) -> Result<(), String> {
    for dir in OUTPUT_DIRS {
        let dir = root.join(dir);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
    }
    Ok(())
}

/// Writes the generated files (only those that changed) and removes stale extra files.
pub fn write(root: &Path, generated: &BTreeMap<PathBuf, String>) -> Result<Vec<PathBuf>, String> {
    let stale = stale_files(root, generated);
    for dir in OUTPUT_DIRS {
        std::fs::create_dir_all(root.join(dir)).map_err(|e| format!("{dir}: {e}"))?;
    }
    let mut written = Vec::new();
    for entry in stale {
        let path = root.join(&entry.path);
        match generated.get(&entry.path) {
            Some(text) => {
                std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?,
        }
        written.push(entry.path);
    }
    Ok(written)
}

/// The message a stale check ends with.
pub const FIX_HINT: &str =
    "generated code is stale: run `cargo xtask generate` and commit the result";

/// Operation parameters with integer limits, as (builder struct, field, min, max). progenitor
/// names an operation's builder after its `operationId` (PascalCase) and the field after the
/// parameter (snake_case).
fn ranged_params(doc: &serde_json::Value) -> Vec<postprocess::RangedParam> {
    let mut out = Vec::new();
    for operation in spec::operations(doc) {
        let Some(id) = operation.op.get("operationId").and_then(|v| v.as_str()) else {
            continue;
        };
        let Some(params) = operation.op.get("parameters").and_then(|v| v.as_array()) else {
            continue;
        };
        for p in params {
            let Some((p, _)) = spec::deref(doc, p, "") else {
                continue;
            };
            let (Some(name), Some(schema)) =
                (p.get("name").and_then(|v| v.as_str()), p.get("schema"))
            else {
                continue;
            };
            if let Some((min, max)) = transform::integer_range(schema) {
                out.push((pascal(id), snake(name), min, max));
            }
        }
    }
    out
}

fn pascal(s: &str) -> String {
    let mut out = String::new();
    for part in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

fn snake(s: &str) -> String {
    s.replace(['-', '.'], "_").to_ascii_lowercase()
}
