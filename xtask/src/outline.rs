//! A compact outline of a generated module's public API: types with their fields or
//! variants, and the client's operation methods. Snapshot tests pin it, so a reviewer sees
//! what a spec change does to the Rust API in a few lines instead of a long code diff.

use std::fmt::Write;

use quote::ToTokens;
use syn::{Fields, File, Item, Visibility};

/// The outline of one generated module's source text.
pub fn outline(source: &str) -> Result<String, String> {
    let file: File = syn::parse_file(source).map_err(|e| format!("not Rust: {e}"))?;
    let mut out = String::new();
    for item in &file.items {
        match item {
            Item::Mod(m) if m.ident == "types" => {
                if let Some((_, items)) = &m.content {
                    for item in items {
                        type_outline(item, &mut out);
                    }
                }
            }
            Item::Impl(i)
                if i.trait_.is_none() && i.self_ty.to_token_stream().to_string() == "Client" =>
            {
                for impl_item in &i.items {
                    if let syn::ImplItem::Fn(f) = impl_item
                        && matches!(f.vis, Visibility::Public(_))
                        && f.sig.ident != "new"
                        && f.sig.ident != "new_with_client"
                    {
                        let _ = writeln!(out, "fn Client::{}", f.sig.ident);
                    }
                }
            }
            Item::Impl(i)
                if i.trait_.as_ref().is_some_and(|(path, _)| {
                    path.segments.last().is_some_and(|s| s.ident == "Paginate")
                }) =>
            {
                let target = i.self_ty.to_token_stream().to_string().replace(' ', "");
                let _ = writeln!(out, "impl Paginate for {target}");
            }
            Item::Mod(m) if m.ident == "waiters" => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    if let Item::Fn(f) = item {
                        let _ = writeln!(out, "fn waiters::{}", f.sig.ident);
                    }
                }
            }
            // The operation table's value restates the operations outlined above: its type is
            // the API, one line per entry would be noise.
            Item::Const(c) if matches!(c.vis, Visibility::Public(_)) && c.ident == "OPERATIONS" => {
                let _ = writeln!(out, "const {}: {}", c.ident, c.ty.to_token_stream());
            }
            Item::Const(c) if matches!(c.vis, Visibility::Public(_)) => {
                let _ = writeln!(out, "const {} = {}", c.ident, c.expr.to_token_stream());
            }
            _ => {}
        }
    }
    Ok(out)
}

fn compact(tokens: impl ToTokens) -> String {
    tokens
        .to_token_stream()
        .to_string()
        .replace(":: std :: option :: ", "")
        .replace(":: std :: vec :: ", "")
        .replace(":: std :: string :: ", "")
        .replace(":: std :: num :: ", "")
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace(" :: ", "::")
}

fn type_outline(item: &Item, out: &mut String) {
    match item {
        Item::Struct(s) if matches!(s.vis, Visibility::Public(_)) => match &s.fields {
            Fields::Named(fields) => {
                let _ = writeln!(out, "struct {}", s.ident);
                for field in &fields.named {
                    let name = field
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    let _ = writeln!(out, "    {name}: {}", compact(&field.ty));
                }
            }
            Fields::Unnamed(fields) => {
                let inner: Vec<String> = fields.unnamed.iter().map(|f| compact(&f.ty)).collect();
                let _ = writeln!(out, "struct {}({})", s.ident, inner.join(", "));
            }
            Fields::Unit => {
                let _ = writeln!(out, "struct {}", s.ident);
            }
        },
        Item::Enum(e) if matches!(e.vis, Visibility::Public(_)) => {
            let variants: Vec<String> = e
                .variants
                .iter()
                .map(|v| match &v.fields {
                    Fields::Unit => v.ident.to_string(),
                    fields => format!("{}{}", v.ident, compact(fields)),
                })
                .collect();
            let _ = writeln!(out, "enum {} {{ {} }}", e.ident, variants.join(", "));
        }
        _ => {}
    }
}
