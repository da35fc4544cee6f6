//! The users, user groups and access policies of a VPN server: membership (a user is in at
//! most one group), passwords (kept, never shown, changed only with the old one or reset),
//! batch creates and deletes, and the "in use" refusals (a group with users or an access
//! policy cannot be deleted).
//!
//! Why a hook: the engine stores the three as resources scoped to their server, but the
//! server is no resource it sees (see `vpn_server`), names are unique per server, and the
//! membership, password and batch operations are actions on several records at once.

use serde_json::{Map, Value, json};

use super::Hooks;
use super::util::{check_cidrs, page, s};
use super::vpn_server::server_id;
use crate::call::{Call, Fault};
use crate::clock::iso_millis;
use crate::model::Action;
use crate::store::{Project, Record, new_id};

/// The store's kinds (the engine's resources, scoped to their server).
pub(crate) const USERS: &str = "user";
pub(crate) const GROUPS: &str = "user_group";
pub(crate) const POLICIES: &str = "access_policy";

fn in_server<'a>(p: &'a Project, kind: &str, server: &'a str) -> impl Iterator<Item = &'a Record> {
    p.all(kind)
        .iter()
        .filter(move |r| r.scope.first().map(String::as_str) == Some(server))
}

/// 400 `VPN.0012` when another record of `kind` in the server has `name` (not `except`).
fn unique_name(
    p: &Project,
    kind: &str,
    server: &str,
    name: &str,
    except: &str,
    words: &str,
) -> Result<(), Fault> {
    if let Some(other) =
        in_server(p, kind, server).find(|r| r.str("name") == Some(name) && r.id != except)
    {
        return Err(Fault::duplicate(format!(
            "vpn server {server} has the {words} {} named {name} already",
            other.id
        )));
    }
    Ok(())
}

/// The call's server, after checking that the `name` in `fields` (a create's, or an update's
/// when it renames) is not another `kind` record's in that server.
fn server_with_free_name(
    p: &Project,
    call: &Call,
    kind: &str,
    fields: &Map<String, Value>,
    words: &str,
) -> Result<String, Fault> {
    let server = server_id(p, call)?;
    if let Some(name) = s(fields, "name") {
        unique_name(p, kind, &server, name, &call.id, words)?;
    }
    Ok(server)
}

/// The group of `group_id` in the server, or 404 naming `at`'s group.
fn group<'a>(p: &'a Project, server: &'a str, group_id: &str) -> Result<&'a Record, Fault> {
    in_server(p, GROUPS, server)
        .find(|g| g.id == group_id)
        .ok_or_else(|| Fault::not_found("vpn user group", group_id))
}

fn group_name(p: &Project, server: &str, group_id: Option<&str>) -> Option<String> {
    let id = group_id?;
    in_server(p, GROUPS, server)
        .find(|g| g.id == id)
        .and_then(|g| g.str("name"))
        .map(str::to_string)
}

/// A user's or policy's view gets the name of its group (`user_group_name`).
fn name_the_group(p: &Project, r: &Record, view: &mut Map<String, Value>) {
    let server = r.scope.first().map(String::as_str).unwrap_or_default();
    if let Some(name) = group_name(p, server, r.str("user_group_id")) {
        view.insert("user_group_name".into(), json!(name));
    }
}

pub(crate) struct VpnUser;

impl Hooks for VpnUser {
    fn create(
        &self,
        p: &mut Project,
        call: &Call,
        fields: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        let server = server_id(p, call)?;
        check_user(p, &server, fields)
    }

    fn update(
        &self,
        p: &mut Project,
        call: &Call,
        change: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        let server = server_id(p, call)?;
        if let Some(group_id) = s(change, "user_group_id") {
            group(p, &server, group_id)?;
        }
        Ok(())
    }

    fn view(
        &self,
        p: &Project,
        r: &Record,
        _: Action,
        _: &Call,
        mut view: Map<String, Value>,
    ) -> Map<String, Value> {
        view.remove("password");
        name_the_group(p, r, &mut view);
        view.entry("static_ip").or_insert(json!("disable"));
        view
    }

    fn not_found(&self, id: &str) -> Option<Fault> {
        Some(Fault::not_found("vpn user", id))
    }
}

/// A new user's checks: a name no other user of the server has, an existing group.
fn check_user(p: &Project, server: &str, fields: &Map<String, Value>) -> Result<(), Fault> {
    unique_name(
        p,
        USERS,
        server,
        s(fields, "name").unwrap_or_default(),
        "",
        "user",
    )?;
    if let Some(group_id) = s(fields, "user_group_id") {
        group(p, server, group_id).map_err(|_| {
            Fault::invalid_field(
                "user.user_group_id",
                &format!("no user group {group_id} in this vpn server"),
            )
        })?;
    }
    Ok(())
}

pub(crate) struct VpnUserGroup;

impl Hooks for VpnUserGroup {
    fn create(
        &self,
        p: &mut Project,
        call: &Call,
        fields: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        server_with_free_name(p, call, GROUPS, fields, "user group")?;
        fields.insert("type".into(), json!("Custom"));
        Ok(())
    }

    fn update(
        &self,
        p: &mut Project,
        call: &Call,
        change: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        server_with_free_name(p, call, GROUPS, change, "user group")?;
        Ok(())
    }

    fn delete(&self, p: &mut Project, call: &Call) -> Result<(), Fault> {
        let server = server_id(p, call)?;
        let users = in_server(p, USERS, &server)
            .filter(|u| u.str("user_group_id") == Some(call.id.as_str()))
            .count();
        if users > 0 {
            return Err(Fault::in_use(format!(
                "user group {} still has {users} user(s); remove them first",
                call.id
            )));
        }
        if let Some(policy) = in_server(p, POLICIES, &server)
            .find(|a| a.str("user_group_id") == Some(call.id.as_str()))
        {
            return Err(Fault::in_use(format!(
                "user group {} is used by the access policy {}; delete it first",
                call.id, policy.id
            )));
        }
        Ok(())
    }

    fn view(
        &self,
        p: &Project,
        r: &Record,
        _: Action,
        _: &Call,
        mut view: Map<String, Value>,
    ) -> Map<String, Value> {
        let server = r.scope.first().map(String::as_str).unwrap_or_default();
        let members = in_server(p, USERS, server)
            .filter(|u| u.str("user_group_id") == Some(r.id.as_str()))
            .count();
        view.insert("user_number".into(), json!(members));
        view
    }

    fn not_found(&self, id: &str) -> Option<Fault> {
        Some(Fault::not_found("vpn user group", id))
    }
}

pub(crate) struct VpnAccessPolicy;

impl Hooks for VpnAccessPolicy {
    fn create(
        &self,
        p: &mut Project,
        call: &Call,
        fields: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        let server = server_with_free_name(p, call, POLICIES, fields, "access policy")?;
        let group_id = s(fields, "user_group_id").unwrap_or_default();
        group(p, &server, group_id)?;
        check_cidrs(fields, "dest_ip_cidrs", "access_policy", false)?;
        fields.insert("type".into(), json!("Custom"));
        Ok(())
    }

    fn update(
        &self,
        p: &mut Project,
        call: &Call,
        change: &mut Map<String, Value>,
    ) -> Result<(), Fault> {
        let server = server_with_free_name(p, call, POLICIES, change, "access policy")?;
        if let Some(group_id) = s(change, "user_group_id") {
            group(p, &server, group_id)?;
        }
        check_cidrs(change, "dest_ip_cidrs", "access_policy", false)
    }

    fn view(
        &self,
        p: &Project,
        r: &Record,
        _: Action,
        _: &Call,
        mut view: Map<String, Value>,
    ) -> Map<String, Value> {
        name_the_group(p, r, &mut view);
        view
    }

    fn not_found(&self, id: &str) -> Option<Fault> {
        Some(Fault::not_found("vpn access policy", id))
    }
}

fn listed_ids(call: &Call) -> Vec<String> {
    call.body
        .get("users")
        .and_then(Value::as_array)
        .map(|users| {
            users
                .iter()
                .filter_map(|u| u.get("id").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The users of `ids`, all in the server, or 404 naming the first that is not.
fn known_users(p: &Project, server: &str, ids: &[String]) -> Result<(), Fault> {
    for id in ids {
        if !in_server(p, USERS, server).any(|u| &u.id == id) {
            return Err(Fault::not_found("vpn user", id));
        }
    }
    Ok(())
}

/// BatchCreateVpnUsers: creates every valid user (groups named by `user_group_name`); those
/// that cannot be created (a name taken in the server or earlier in the batch, a group
/// missing) come back in `invalid_users` with the cause, without their passwords.
pub(crate) fn batch_create(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let server = server_id(p, call)?;
    let users = call
        .body
        .get("users")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut invalid = Vec::new();
    for user in users.iter().filter_map(Value::as_object) {
        let group_name = s(user, "user_group_name");
        let group_id = group_name.map(|name| {
            in_server(p, GROUPS, &server)
                .find(|g| g.str("name") == Some(name))
                .map(|g| g.id.clone())
        });
        let name = s(user, "name").unwrap_or_default();
        let cause = if let Some(Some(_)) | None = group_id {
            unique_name(p, USERS, &server, name, "", "user")
                .err()
                .map(|fault| fault.message)
        } else {
            Some(format!(
                "vpn server {server} has no user group named {}",
                group_name.unwrap_or_default()
            ))
        };
        if let Some(cause) = cause {
            let mut shown = user.clone();
            shown.remove("password");
            shown.insert("cause".into(), json!(cause));
            invalid.push(Value::Object(shown));
            continue;
        }
        let created = p.next_created_ms(USERS);
        let mut fields = user.clone();
        fields.remove("user_group_name");
        if let Some(Some(id)) = group_id {
            fields.insert("user_group_id".into(), json!(id));
        }
        fields.insert("updated_at".into(), json!(iso_millis(created)));
        let mut record = Record::new(new_id(), created, fields);
        record.scope = vec![server.clone()];
        p.push(USERS, record);
    }
    Ok(json!({ "invalid_users": invalid }))
}

/// BatchDeleteVpnUsers: deletes every listed user, or none if one is unknown.
pub(crate) fn batch_delete(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let server = server_id(p, call)?;
    let ids = listed_ids(call);
    known_users(p, &server, &ids)?;
    p.remove_where(USERS, |u| {
        u.scope.first() == Some(&server) && ids.contains(&u.id)
    });
    Ok(json!({}))
}

fn user_mut<'a>(p: &'a mut Project, server: &str, id: &str) -> Result<&'a mut Record, Fault> {
    p.find_mut(USERS, id)
        .filter(|u| u.scope.first().map(String::as_str) == Some(server))
        .ok_or_else(|| Fault::not_found("vpn user", id))
}

/// ResetVpnUserPassword: the administrator sets a new password.
pub(crate) fn reset_password(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let server = server_id(p, call)?;
    let id = call.path_param("user_id").unwrap_or_default();
    let password = call
        .body
        .get("new_password")
        .cloned()
        .unwrap_or(Value::Null);
    user_mut(p, &server, id)?
        .fields
        .insert("password".into(), password);
    Ok(json!({}))
}

/// UpdateVpnUserPassword: a new password given the old one (400 naming `old_password` when
/// it is wrong; the new one must differ).
pub(crate) fn update_password(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let server = server_id(p, call)?;
    let id = call.path_param("user_id").unwrap_or_default();
    let old = call
        .body
        .get("old_password")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let new = call
        .body
        .get("new_password")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let user = user_mut(p, &server, id)?;
    if user.str("password") != Some(old) {
        return Err(Fault::invalid_field(
            "old_password",
            "is not the user's password",
        ));
    }
    if old == new {
        return Err(Fault::invalid_field(
            "new_password",
            "must differ from the old password",
        ));
    }
    user.fields.insert("password".into(), json!(new));
    Ok(json!({}))
}

/// AddVpnUsersToGroup: the listed users join the group (leaving any other).
pub(crate) fn add_to_group(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let server = server_id(p, call)?;
    let group_id = call.path_param("group_id").unwrap_or_default().to_string();
    group(p, &server, &group_id)?;
    let ids = listed_ids(call);
    known_users(p, &server, &ids)?;
    for id in &ids {
        user_mut(p, &server, id)?
            .fields
            .insert("user_group_id".into(), json!(group_id));
    }
    Ok(json!({}))
}

/// RemoveVpnUsersFromGroup: the listed users, who must be members, leave the group.
pub(crate) fn remove_from_group(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let server = server_id(p, call)?;
    let group_id = call.path_param("group_id").unwrap_or_default().to_string();
    group(p, &server, &group_id)?;
    let ids = listed_ids(call);
    known_users(p, &server, &ids)?;
    for (i, id) in ids.iter().enumerate() {
        if !in_server(p, USERS, &server)
            .any(|u| &u.id == id && u.str("user_group_id") == Some(group_id.as_str()))
        {
            return Err(Fault::invalid_field(
                &format!("users[{i}].id"),
                &format!("user {id} is not in the user group {group_id}"),
            ));
        }
    }
    for id in &ids {
        user_mut(p, &server, id)?.fields.remove("user_group_id");
    }
    Ok(json!({}))
}

/// ListVpnUsersInGroup: the group's members, paged by `created_at`.
pub(crate) fn list_in_group(p: &mut Project, call: &Call) -> Result<Value, Fault> {
    let server = server_id(p, call)?;
    let group_id = call.path_param("group_id").unwrap_or_default().to_string();
    group(p, &server, &group_id)?;
    let items: Vec<Value> = in_server(p, USERS, &server)
        .filter(|u| u.str("user_group_id") == Some(group_id.as_str()))
        .map(|u| {
            json!({
                "id": u.id,
                "name": u.str("name"),
                "description": u.str("description").unwrap_or_default(),
                "created_at": iso_millis(u.created_ms),
            })
        })
        .collect();
    Ok(page(call, "users", items))
}
