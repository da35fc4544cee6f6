//! Printing results: the response body as pretty JSON, or a table of the main columns.
//!
//! Tables are built from the JSON form of the typed response with a fixed column list per
//! resource; no column is a secret, so a pre-shared key never appears in a table.

use std::io::Write;

use serde::Serialize;
use serde_json::Value;

use crate::cli::OutputFormat;
use crate::error::CliError;

/// A table column: its header and the field of the item it shows.
pub type Column = (&'static str, &'static str);

/// How one kind of resource is printed.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// The key (a dotted path) of one item in show/create/update responses (`vpn_connection`).
    pub item_key: &'static str,
    /// The key (a dotted path) of the items in list responses (`vpn_connections`).
    pub list_key: &'static str,
    pub columns: &'static [Column],
}

/// Turns a typed response into JSON.
pub fn to_value<T: Serialize>(value: &T) -> Result<Value, CliError> {
    serde_json::to_value(value).map_err(|e| CliError::Io(format!("cannot encode the result: {e}")))
}

/// Prints a show/create/update response.
pub fn item(format: OutputFormat, response: &Value, shape: &Shape) -> Result<(), CliError> {
    match format {
        OutputFormat::Json => json(response),
        OutputFormat::Table => {
            let row = lookup(response, shape.item_key).unwrap_or(response);
            write_out(&table(shape.columns, std::slice::from_ref(row)))
        }
    }
}

/// Prints a list response.
pub fn list(format: OutputFormat, response: &Value, shape: &Shape) -> Result<(), CliError> {
    match format {
        OutputFormat::Json => json(response),
        OutputFormat::Table => {
            let rows = lookup(response, shape.list_key)
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            write_out(&table(shape.columns, rows))
        }
    }
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
pub fn table(columns: &[Column], rows: &[Value]) -> String {
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
