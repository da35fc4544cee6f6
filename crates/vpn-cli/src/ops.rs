//! `hcvpn op <operation>`: one subcommand per operation of the table
//! (`huaweicloud_vpn::operation::all()`), built at run time with clap's builder API, so that an
//! operation added to a spec is a command without code here.
//!
//! Flags come from the operation: path and query parameters (`--vpn-connection-id`,
//! `--limit`), the body from `--body FILE|-` plus one flag per scalar or string-list field of
//! the wrapped object, `--<field>-stdin`/`--<field>-file`/`--<field>-env` for secret fields
//! (never an argument), `--wait` where the operation has a waiter, `--all` where it pages.

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command};
use huaweicloud_vpn::operation::{self, Field, Kind, Operation, Param, ParamLocation};

use crate::body::{self, Body, EnvUse, SecretSource};
use crate::error::CliError;
use crate::invoke::Invocation;

/// The name of the subcommand that holds every operation.
pub const NAME: &str = "op";

/// Long flags a generated one must not take: the fixed flags of every operation, and the
/// global ones.
const RESERVED: &[&str] = &[
    "body",
    "wait",
    "wait-timeout",
    "all",
    "secret-out",
    "help",
    "version",
    "endpoint",
    "ipsec-endpoint",
    "region",
    "cloud",
    "project-id",
    "no-auth",
    "output",
    "timeout",
    "max-attempts",
];

const ABOUT: &str = "Call any API operation, by its kebab-case name or operationId";

const LONG_ABOUT: &str = "\
Call any operation of the VPN API specs. Each operation is a subcommand named after its
operationId in kebab case (show-vpn-connection; the operationId ShowVpnConnection works too).

Path and query parameters are flags (--vpn-connection-id ID, --limit N; list parameters repeat).
The request body is the API's JSON from --body FILE or --body - (standard input); each scalar or
string-list field of the object the body wraps has a flag too, which overrides the body. Other
fields (objects, lists of objects) come through --body. The body is checked by the client's
generated request type before anything is sent: required fields, lengths, patterns, ranges and
documented enum values.

Secret fields (pre-shared keys and the like) are never arguments: --<field>-stdin,
--<field>-file FILE, or the variable HCVPN_<FIELD> (HCVPN_PSK for psk). Creates read the
variable when nothing else gives a value; other calls only with --<field>-env.

--wait (creates: until ready; deletes: until gone) is offered where the spec declares how the
resource's status is read back; --all where the list is paginated.

Secrets in answers (an exported client configuration, a peer configuration, a pre-shared key
read back) never print: they show as <redacted>, and --secret-out FILE writes them to a new
file with owner-only permissions.";

/// The `op` command with one subcommand per operation.
pub fn command() -> Command {
    let mut cmd = Command::new(NAME)
        .about(ABOUT)
        .long_about(LONG_ABOUT)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand_value_name("OPERATION");
    for (op, name, alias) in names() {
        let mut sub = op_command(op).name(name);
        if let Some(alias) = alias {
            sub = sub.alias(alias);
        }
        cmd = cmd.subcommand(sub);
    }
    cmd
}

/// Each operation's subcommand name and alias: the kebab-case name and the operationId, or
/// the operationId alone when another operation has the kebab-case name already (clap must
/// never see a name twice, whatever the table holds).
fn names() -> Vec<(&'static Operation, String, Option<&'static str>)> {
    let mut taken: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for op in operation::all() {
        let kebab = command_name(op);
        let name = if taken.contains(&kebab) {
            op.id.to_string()
        } else {
            kebab
        };
        if taken.contains(&name) {
            continue;
        }
        taken.push(name.clone());
        out.push((op, name, None));
    }
    for (op, name, alias) in &mut out {
        if *name != op.id && !taken.iter().any(|t| t == op.id) {
            taken.push(op.id.to_string());
            *alias = Some(op.id);
        }
    }
    out
}

/// The subcommand name of an operation: its operationId in kebab case.
pub fn command_name(op: &Operation) -> String {
    op.client_method.replace('_', "-")
}

fn kebab(name: &str) -> String {
    name.replace('_', "-").to_ascii_lowercase()
}

/// Argument ids: kind and wire name, so that flags read back unambiguously.
fn param_id(p: &Param) -> String {
    match p.location {
        ParamLocation::Path => format!("path:{}", p.name),
        ParamLocation::Query => format!("query:{}", p.name),
    }
}
fn field_id(f: &Field) -> String {
    format!("field:{}", f.name)
}
fn secret_id(f: &Field, how: &str) -> String {
    format!("secret-{how}:{}", f.name)
}

/// The long flag of each parameter, field and secret source of `op`, collisions resolved:
/// a parameter keeps its name unless reserved (`--query-x`/`--path-x`), a field whose name is
/// taken becomes `--set-<field>`.
struct Flags {
    params: Vec<(&'static Param, String)>,
    fields: Vec<(&'static Field, String)>,
    /// Secret field → the stem of its flags (`psk` for `--psk-stdin`).
    secrets: Vec<(&'static Field, String)>,
}

/// Takes `wanted`, or `fallback` when `wanted` is taken (numbered if that is taken as well:
/// the table decides the names, and a clash must never be a panic of clap's).
fn claim(taken: &mut Vec<String>, wanted: String, fallback: String) -> String {
    let chosen = if taken.contains(&wanted) {
        fallback
    } else {
        wanted
    };
    let mut unique = chosen.clone();
    let mut n = 2;
    while taken.contains(&unique) {
        unique = format!("{chosen}-{n}");
        n += 1;
    }
    taken.push(unique.clone());
    unique
}

fn flags(op: &'static Operation) -> Flags {
    let mut taken: Vec<String> = RESERVED.iter().map(|s| s.to_string()).collect();
    let mut params = Vec::new();
    for p in op.params {
        let prefix = match p.location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
        };
        let flag = claim(
            &mut taken,
            kebab(p.name),
            format!("{prefix}-{}", kebab(p.name)),
        );
        params.push((p, flag));
    }
    let mut fields = Vec::new();
    let mut secrets = Vec::new();
    for field in op.request.iter().flat_map(|r| r.fields.iter()) {
        if field.secret {
            let mut stem = kebab(field.name);
            let clashes = |taken: &Vec<String>, stem: &str| {
                ["stdin", "file", "env"]
                    .iter()
                    .any(|how| taken.contains(&format!("{stem}-{how}")))
            };
            let mut n = 1;
            while clashes(&taken, &stem) {
                n += 1;
                stem = format!("{}-{n}", kebab(field.name));
            }
            for how in ["stdin", "file", "env"] {
                taken.push(format!("{stem}-{how}"));
            }
            secrets.push((field, stem));
        } else if field.kind != Kind::Object {
            let flag = claim(
                &mut taken,
                kebab(field.name),
                format!("set-{}", kebab(field.name)),
            );
            fields.push((field, flag));
        }
    }
    Flags {
        params,
        fields,
        secrets,
    }
}

/// The documented values, for help texts (never enforced here: the client checks them, so
/// the message is the client's).
fn values_note(values: &[&str]) -> String {
    if values.is_empty() {
        String::new()
    } else {
        format!(" [documented: {}]", values.join(", "))
    }
}

fn first_line(doc: &str) -> &str {
    doc.lines().next().unwrap_or_default().trim()
}

/// A flag of one kind: text, an integer, true/false, or a repeatable text.
fn typed(arg: Arg, kind: Kind) -> Arg {
    match kind {
        Kind::Integer => arg
            .value_parser(clap::value_parser!(i64))
            .allow_negative_numbers(true)
            .value_name("N"),
        Kind::Boolean => arg
            .value_parser(clap::value_parser!(bool))
            .value_name("true|false"),
        Kind::StringList => arg.action(ArgAction::Append),
        Kind::String | Kind::Object => arg,
    }
}

fn op_command(op: &'static Operation) -> Command {
    let flags = flags(op);
    let mut long = format!(
        "{} ({}: {} {}).",
        op.summary.trim_end_matches('.'),
        op.id,
        op.method,
        op.path
    );
    let mut cmd = Command::new(command_name(op)).about(format!(
        "{} ({})",
        op.summary.trim_end_matches('.'),
        op.id
    ));
    for (param, flag) in &flags.params {
        let mut help = first_line(param.doc).to_string();
        help.push_str(&values_note(param.values));
        if param.kind == Kind::StringList {
            help.push_str(" Repeat for several.");
        }
        let arg = Arg::new(param_id(param))
            .long(flag.clone())
            .help(help)
            .required(param.required)
            .value_name(param.name.to_ascii_uppercase());
        cmd = cmd.arg(typed(arg, param.kind));
    }
    if let Some(request) = &op.request {
        let wrapper = request
            .wrapper
            .map(|w| format!("{{\"{w}\": {{...}}}}"))
            .unwrap_or_else(|| "{...}".into());
        cmd = cmd.arg(
            Arg::new("body")
                .long("body")
                .value_name("FILE|-")
                .value_parser(clap::value_parser!(PathBuf))
                .help(format!(
                    "The request body {wrapper}: a JSON file, or - for standard input. Field flags override it."
                )),
        );
        for (field, flag) in &flags.fields {
            let mut help = first_line(field.doc).to_string();
            help.push_str(&values_note(field.values));
            if field.kind == Kind::StringList {
                help.push_str(" Repeat for several.");
            }
            if field.required {
                help.push_str(" (required: here or in the body)");
            }
            let arg = Arg::new(field_id(field))
                .long(flag.clone())
                .value_name(field.name.to_ascii_uppercase())
                .help(help);
            cmd = cmd.arg(typed(arg, field.kind));
        }
        let objects: Vec<&str> = request
            .fields
            .iter()
            .filter(|f| f.kind == Kind::Object)
            .map(|f| f.name)
            .collect();
        if !objects.is_empty() {
            long.push_str(&format!("\n\nThrough --body only: {}.", objects.join(", ")));
        }
        for (field, stem) in &flags.secrets {
            let variable = body::secret_env(field.name);
            let implicit = op.method == "POST";
            cmd = cmd
                .arg(
                    Arg::new(secret_id(field, "stdin"))
                        .long(format!("{stem}-stdin"))
                        .action(ArgAction::SetTrue)
                        .conflicts_with(secret_id(field, "file"))
                        .help(format!(
                            "Read `{}` (a secret) from standard input, the final newline removed. {}",
                            field.name,
                            if implicit {
                                format!("Without a source, {variable} is used if set.")
                            } else {
                                format!("Or --{stem}-file, or --{stem}-env for {variable}.")
                            }
                        )),
                )
                .arg(
                    Arg::new(secret_id(field, "file"))
                        .long(format!("{stem}-file"))
                        .value_name("FILE")
                        .value_parser(clap::value_parser!(PathBuf))
                        .help(format!("Read `{}` from a file, the final newline removed.", field.name)),
                )
                .arg(
                    Arg::new(secret_id(field, "env"))
                        .long(format!("{stem}-env"))
                        .action(ArgAction::SetTrue)
                        .conflicts_with_all([secret_id(field, "stdin"), secret_id(field, "file")])
                        .help(format!("Take `{}` from {variable}.", field.name)),
                );
        }
    }
    if !op.response_secrets.is_empty() {
        cmd = cmd.arg(
            Arg::new("secret-out")
                .long("secret-out")
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .help(format!(
                    "Write the answer's secret values ({}) to FILE, a new file with owner-only \
                     permissions: one text as it is, several as JSON. They never print; without \
                     this flag the answer shows them redacted.",
                    op.response_secrets.join(", ")
                )),
        );
    }
    if op.pagination.is_some() {
        cmd = cmd.arg(Arg::new("all").long("all").action(ArgAction::SetTrue).help(
            "Follow the pages (the next marker of each answer) and print all items as one list.",
        ));
    }
    if let Some(waiter) = &op.waiter {
        let goal = if op.method == "DELETE" {
            "is gone (the show answers 404)".to_string()
        } else {
            format!("is {}", waiter.ready.join(" or "))
        };
        let failed = if waiter.failed.is_empty() {
            String::new()
        } else {
            format!("; fail at once on {}", waiter.failed.join(" or "))
        };
        cmd = cmd.arg(
            Arg::new("wait")
                .long("wait")
                .action(ArgAction::SetTrue)
                .help(format!(
                    "Poll {} until the {} {goal}{failed}.",
                    waiter.show, waiter.resource
                )),
        );
        cmd = cmd.arg(
            Arg::new("wait-timeout")
                .long("wait-timeout")
                .value_name("SECS")
                .default_value("600")
                .value_parser(clap::value_parser!(u64).range(1..))
                .help("How long --wait may take, in seconds."),
        );
    }
    cmd.long_about(long)
}

/// The operation a matched `op` subcommand names.
pub fn operation_of(name: &str) -> Option<&'static Operation> {
    names()
        .into_iter()
        .find(|(_, n, _)| n == name)
        .map(|(op, _, _)| op)
}

/// Reads the matched flags of `op` back into an invocation (the body read and checked).
pub fn invocation(op: &'static Operation, m: &ArgMatches) -> Result<Invocation, CliError> {
    let flags = flags(op);
    let mut path = Vec::new();
    let mut query = Vec::new();
    for (param, flag) in &flags.params {
        let id = param_id(param);
        let values: Vec<String> = match param.kind {
            Kind::Integer => m
                .get_one::<i64>(&id)
                .map(|v| vec![v.to_string()])
                .unwrap_or_default(),
            Kind::Boolean => m
                .get_one::<bool>(&id)
                .map(|v| vec![v.to_string()])
                .unwrap_or_default(),
            _ => m
                .get_many::<String>(&id)
                .map(|v| v.cloned().collect())
                .unwrap_or_default(),
        };
        for value in values {
            match param.location {
                ParamLocation::Path => {
                    if value.trim().is_empty() {
                        return Err(CliError::usage(format!("--{flag}: must not be empty")));
                    }
                    path.push((param.name, value));
                }
                ParamLocation::Query => query.push((param.name, value)),
            }
        }
    }
    let mut inv = Invocation::new(op, Invocation::default_action(op, &path));
    inv.path = path;
    inv.query = query;
    if op.request.is_some() {
        let mut body = Body::read(m.get_one::<PathBuf>("body").map(PathBuf::as_path), op)?;
        for (field, flag) in &flags.fields {
            let id = field_id(field);
            let flag = format!("--{flag}");
            let value: Option<serde_json::Value> = match field.kind {
                Kind::Integer => m.get_one::<i64>(&id).map(|v| (*v).into()),
                Kind::Boolean => m.get_one::<bool>(&id).map(|v| (*v).into()),
                Kind::StringList => m
                    .get_many::<String>(&id)
                    .map(|v| v.cloned().collect::<Vec<_>>().into()),
                Kind::String | Kind::Object => m.get_one::<String>(&id).map(|v| v.clone().into()),
            };
            body.set(field.name, &flag, value)?;
        }
        let env = if op.method == "POST" {
            EnvUse::Implicit
        } else {
            EnvUse::Explicit
        };
        for (field, stem) in &flags.secrets {
            let source = SecretSource {
                stdin: m.get_flag(&secret_id(field, "stdin")),
                file: m.get_one::<PathBuf>(&secret_id(field, "file")).cloned(),
                env: m.get_flag(&secret_id(field, "env")),
            };
            body::add_secret(&mut body, field.name, stem, &source, env)?;
        }
        if op.method == "PUT" || op.method == "PATCH" {
            let mut names: Vec<String> =
                flags.fields.iter().map(|(_, f)| format!("--{f}")).collect();
            names.extend(flags.secrets.iter().map(|(_, s)| format!("--{s}-stdin")));
            body.require_changes(&names.join(", "))?;
        }
        inv.body = Some(body.finish()?);
    }
    inv.all = op.pagination.is_some() && m.get_flag("all");
    if !op.response_secrets.is_empty() {
        inv.secret_out = m.get_one::<PathBuf>("secret-out").cloned();
    }
    if let Some(waiter) = op.waiter
        && m.get_flag("wait")
    {
        let timeout = m.get_one::<u64>("wait-timeout").copied().unwrap_or(600);
        inv.wait = Some((waiter, timeout));
    }
    Ok(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_command_tree_passes_clap_checks() {
        // Every generated name, flag and conflict is valid: clap asserts them all here.
        crate::cli::command().debug_assert();
    }

    #[test]
    fn a_taken_flag_falls_back_then_gets_a_number() {
        let mut taken = vec!["body".to_string()];
        assert_eq!(claim(&mut taken, "name".into(), "set-name".into()), "name");
        assert_eq!(
            claim(&mut taken, "body".into(), "set-body".into()),
            "set-body"
        );
        assert_eq!(
            claim(&mut taken, "body".into(), "set-body".into()),
            "set-body-2"
        );
    }

    #[test]
    fn every_operation_is_found_by_its_subcommand_name() {
        for op in operation::all() {
            assert_eq!(operation_of(&command_name(op)).map(|o| o.id), Some(op.id));
        }
    }
}
