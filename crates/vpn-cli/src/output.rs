//! Printing results: the response body as pretty JSON, or a table.
//!
//! Tables are built from the JSON answer. Resources the tool knows well get their main columns
//! ([`SHAPES`]); any other answer gets the scalar fields of its items, found in the answer
//! itself. No column is ever a secret: the fixed columns name none, and the generic ones skip
//! every field the operation table marks `x-secret`.

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::OnceLock;

use serde_json::Value;

use crate::cli::OutputFormat;
use crate::error::CliError;

/// A table column: its header and the field (a dotted path) of the item it shows.
pub type Column = (&'static str, &'static str);

/// How one kind of resource is printed.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// The key (a dotted path) of one item in show/create/update answers (`vpn_connection`).
    pub item_key: &'static str,
    /// The key (a dotted path) of the items in list answers (`vpn_connections`).
    pub list_key: &'static str,
    pub columns: &'static [Column],
}

/// The main columns of the resources people look at most; the first shape whose list or
/// item key is in an answer prints it.
pub const SHAPES: &[Shape] = &[
    Shape {
        item_key: "vpn_connection",
        list_key: "vpn_connections",
        columns: &[
            ("ID", "id"),
            ("NAME", "name"),
            ("STATUS", "status"),
            ("STYLE", "style"),
            ("VGW_ID", "vgw_id"),
            ("VGW_IP", "vgw_ip"),
            ("CGW_ID", "cgw_id"),
            ("PEER_SUBNETS", "peer_subnets"),
            ("CREATED_AT", "created_at"),
        ],
    },
    Shape {
        item_key: "connection_monitor",
        list_key: "connection_monitors",
        columns: &[
            ("ID", "id"),
            ("VPN_CONNECTION_ID", "vpn_connection_id"),
            ("STATUS", "status"),
            ("TYPE", "type"),
            ("SOURCE_IP", "source_ip"),
            ("DESTINATION_IP", "destination_ip"),
            ("PROTO_TYPE", "proto_type"),
        ],
    },
    Shape {
        item_key: "vpn_gateway",
        list_key: "vpn_gateways",
        columns: &[
            ("ID", "id"),
            ("NAME", "name"),
            ("STATUS", "status"),
            ("FLAVOR", "flavor"),
            ("ATTACHMENT", "attachment_type"),
            ("NETWORK", "network_type"),
            ("VPC_ID", "vpc_id"),
            ("LOCAL_SUBNETS", "local_subnets"),
            ("EIP1", "eip1.ip_address"),
            ("EIP2", "eip2.ip_address"),
            ("CREATED_AT", "created_at"),
        ],
    },
    Shape {
        item_key: "customer_gateway",
        list_key: "customer_gateways",
        columns: &[
            ("ID", "id"),
            ("NAME", "name"),
            ("ID_TYPE", "id_type"),
            ("ID_VALUE", "id_value"),
            ("BGP_ASN", "bgp_asn"),
            ("CREATED_AT", "created_at"),
        ],
    },
    Shape {
        item_key: "quotas",
        list_key: "quotas.resources",
        columns: &[("TYPE", "type"), ("USED", "used"), ("QUOTA", "quota")],
    },
    Shape {
        item_key: "ipsec_site_connection",
        list_key: "ipsec_site_connections",
        columns: &[
            ("ID", "id"),
            ("NAME", "name"),
            ("STATUS", "status"),
            ("PEER_ADDRESS", "peer_address"),
            ("PEER_ID", "peer_id"),
            ("VPNSERVICE_ID", "vpnservice_id"),
            ("ROUTE_MODE", "route_mode"),
            ("CREATED_AT", "created_at"),
        ],
    },
];

/// At most this many generic columns, the id, name and status first.
const MAX_GENERIC_COLUMNS: usize = 8;

/// Prints an answer: pretty JSON, or a table. An answer without a body (`null`) prints nothing.
pub fn print(format: OutputFormat, response: &Value) -> Result<(), CliError> {
    if response.is_null() {
        return Ok(());
    }
    match format {
        OutputFormat::Json => json(response),
        OutputFormat::Table => write_out(&auto_table(response)),
    }
}

/// The table of an answer: a known shape if one fits, else the generic columns.
fn auto_table(response: &Value) -> String {
    for shape in SHAPES {
        if let Some(rows) = lookup(response, shape.list_key).and_then(Value::as_array) {
            return table(shape.columns, rows);
        }
        if let Some(row) = lookup(response, shape.item_key).filter(|v| v.is_object()) {
            return table(shape.columns, std::slice::from_ref(row));
        }
    }
    let rows = generic_rows(response);
    let headers = generic_columns(&rows);
    let columns: Vec<(&str, &str)> = headers
        .iter()
        .map(|(h, f)| (h.as_str(), f.as_str()))
        .collect();
    table(&columns, &rows)
}

/// The rows of an answer no shape fits: the items of its first list of objects, else its
/// first object property, else the answer itself.
fn generic_rows(response: &Value) -> Vec<Value> {
    let Some(object) = response.as_object() else {
        return vec![response.clone()];
    };
    let list = object.values().find_map(|v| {
        v.as_array()
            .filter(|items| items.iter().all(Value::is_object))
    });
    if let Some(items) = list {
        return items.clone();
    }
    if let Some(item) = object.values().find_map(Value::as_object) {
        // A map of objects (`{"Basic": {...}, "Professional1": {...}}`): a row per key.
        if !item.is_empty() && item.values().all(Value::is_object) {
            return item
                .iter()
                .map(|(key, value)| {
                    let mut row = value.as_object().cloned().unwrap_or_default();
                    row.insert("key".into(), Value::String(key.clone()));
                    Value::Object(row)
                })
                .collect();
        }
        return vec![Value::Object(item.clone())];
    }
    vec![response.clone()]
}

/// Scalar (or list-of-scalar) fields of the rows, first seen first, id, name and status ahead,
/// secrets never.
fn generic_columns(rows: &[Value]) -> Vec<(String, String)> {
    let secrets = secret_names();
    let mut fields: Vec<String> = Vec::new();
    for row in rows {
        let Some(object) = row.as_object() else {
            continue;
        };
        for (key, value) in object {
            let scalar = match value {
                Value::Object(_) => false,
                Value::Array(items) => !items.iter().any(|i| i.is_object() || i.is_array()),
                _ => true,
            };
            if scalar && !secrets.contains(key.as_str()) && !fields.contains(key) {
                fields.push(key.clone());
            }
        }
    }
    let rank = |f: &String| match f.as_str() {
        "key" => 0,
        "id" => 1,
        "name" => 2,
        "status" => 3,
        _ => 4,
    };
    fields.sort_by_key(rank);
    fields.truncate(MAX_GENERIC_COLUMNS);
    fields
        .into_iter()
        .map(|f| (f.to_ascii_uppercase(), f))
        .collect()
}

/// Every field name the operation table marks secret.
fn secret_names() -> &'static BTreeSet<&'static str> {
    static NAMES: OnceLock<BTreeSet<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        huaweicloud_vpn::operation::all()
            .filter_map(|op| op.request.as_ref())
            .flat_map(|body| body.fields.iter())
            .filter(|field| field.secret)
            .map(|field| field.name)
            .collect()
    })
}

/// Prints pretty JSON.
pub fn json(value: &Value) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Io(format!("cannot encode the result: {e}")))?;
    text.push('\n');
    write_out(&text)
}

/// Writes to stdout; a closed pipe (`hcvpn ... | head`) ends output quietly.
pub fn write_out(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::Io(format!("cannot write the output: {e}"))),
    }
}

/// A plain-text table: a header line, then one line per row, columns padded with spaces.
pub fn table(columns: &[(&str, &str)], rows: &[Value]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| columns.iter().map(|(_, field)| cell(row, field)).collect())
        .collect();
    let mut widths: Vec<usize> = columns.iter().map(|(h, _)| h.chars().count()).collect();
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |values: Vec<&str>| {
        let last = values.len().saturating_sub(1);
        let mut text = String::new();
        for (i, (v, w)) in values.iter().zip(&widths).enumerate() {
            text.push_str(v);
            if i != last {
                let pad = w - v.chars().count() + 2;
                text.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(columns.iter().map(|(h, _)| *h).collect());
    for row in &cells {
        line(row.iter().map(String::as_str).collect());
    }
    out
}

/// The value at a dotted path (`quotas.resources`, `eip1.ip_address`).
pub fn lookup<'a>(value: &'a Value, dotted: &str) -> Option<&'a Value> {
    dotted.split('.').try_fold(value, |v, key| v.get(key))
}

/// The text of one cell: scalars as they are, lists joined with `,`, absent as `-`.
fn cell(row: &Value, field: &str) -> String {
    let value = lookup(row, field).unwrap_or(&Value::Null);
    let text = match value {
        Value::Null => "-".to_string(),
        Value::String(s) if s.is_empty() => "-".to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "-".to_string(),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(","),
        other => other.to_string(),
    };
    // One line per row, whatever the server sent.
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_align_and_fill_gaps() {
        let rows = vec![
            json!({"id": "a1", "name": "first", "status": "ACTIVE", "subnets": ["10.0.0.0/24", "10.1.0.0/24"]}),
            json!({"id": "b22", "status": "PENDING_CREATE", "subnets": []}),
        ];
        let text = table(
            &[
                ("ID", "id"),
                ("NAME", "name"),
                ("STATUS", "status"),
                ("SUBNETS", "subnets"),
            ],
            &rows,
        );
        assert_eq!(
            text,
            "ID   NAME   STATUS          SUBNETS\n\
             a1   first  ACTIVE          10.0.0.0/24,10.1.0.0/24\n\
             b22  -      PENDING_CREATE  -\n"
        );
    }
}
