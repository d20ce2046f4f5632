//! The `seed` of the configuration file: user pools, their app clients, groups and users,
//! created at start. A pool with an `Id` that already exists (a data directory from an earlier
//! run) is left as it is, so starting again with the same file changes nothing.
//!
//! ```json
//! {"UserPools": [{"Id": "us-east-1_Example1", "PoolName": "app", ...CreateUserPool members,
//!   "Clients": [{"ClientId": "exampleclient", "ClientName": "web", ...CreateUserPoolClient members}],
//!   "Groups": [{"GroupName": "admins", "Precedence": 1, "RoleArn": "arn:aws:iam::123456789012:role/admin"}],
//!   "Users": [{"Username": "alice", "Password": "Passw0rd!", "Attributes": {"email": "alice@example.com"},
//!              "Groups": ["admins"]}]}]}
//! ```

use cognito_identity_provider::types::*;
use serde_json::{Map, Value};

use super::{store, PoolFault, UserPools};

fn fields(v: Value, what: &str) -> Result<Map<String, Value>, PoolFault> {
    match v {
        Value::Object(fields) => Ok(fields),
        _ => Err(PoolFault::invalid_parameter(format!(
            "{what} must be a JSON object"
        ))),
    }
}

fn list(obj: &mut Map<String, Value>, key: &str, what: &str) -> Result<Vec<Value>, PoolFault> {
    match obj.remove(key) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(PoolFault::invalid_parameter(format!(
            "{what}.{key} must be a list"
        ))),
    }
}

fn text(obj: &mut Map<String, Value>, key: &str, what: &str) -> Result<Option<String>, PoolFault> {
    match obj.remove(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(PoolFault::invalid_parameter(format!(
            "{what}.{key} must be a string"
        ))),
    }
}

fn parse<T: serde::de::DeserializeOwned>(
    obj: Map<String, Value>,
    what: &str,
) -> Result<T, PoolFault> {
    serde_json::from_value(Value::Object(obj))
        .map_err(|e| PoolFault::invalid_parameter(format!("{what}: {e}")))
}

/// Creates what `seed` describes. The seed is taken apart as it is used, never copied: each
/// user's part is dropped once the user is made, so a seed of many users does not sit in
/// memory several times over (with 100,000 users that was hundreds of megabytes).
pub fn apply(pools: &UserPools, seed: Value) -> Result<(), PoolFault> {
    let mut top = fields(seed, "seed")?;
    for (i, pool) in list(&mut top, "UserPools", "seed")?.into_iter().enumerate() {
        let what = format!("seed.UserPools[{i}]");
        let mut obj = fields(pool, &what)?;
        let id = text(&mut obj, "Id", &what)?;
        let clients = list(&mut obj, "Clients", &what)?;
        let groups = list(&mut obj, "Groups", &what)?;
        let users = list(&mut obj, "Users", &what)?;
        if let Some(id) = &id {
            if pools.read(|c| store::pool(c, id))?.is_some() {
                continue;
            }
        }
        let input: CreateUserPoolRequest = parse(obj, &what)?;
        let pool = pools.create_pool_with(input, id)?;
        let pool_id = pool.id.clone().unwrap_or_default();
        for (j, client) in clients.into_iter().enumerate() {
            let what = format!("{what}.Clients[{j}]");
            let mut obj = fields(client, &what)?;
            let client_id = text(&mut obj, "ClientId", &what)?;
            obj.insert("UserPoolId".into(), Value::String(pool_id.clone()));
            let input: CreateUserPoolClientRequest = parse(obj, &what)?;
            pools.create_client_with(input, client_id)?;
        }
        for (j, group) in groups.into_iter().enumerate() {
            let what = format!("{what}.Groups[{j}]");
            let mut obj = fields(group, &what)?;
            obj.insert("UserPoolId".into(), Value::String(pool_id.clone()));
            let input: CreateGroupRequest = parse(obj, &what)?;
            pools.create_group(input)?;
        }
        for (j, user) in users.into_iter().enumerate() {
            let what = format!("{what}.Users[{j}]");
            let mut obj = fields(user, &what)?;
            let username = text(&mut obj, "Username", &what)?
                .ok_or_else(|| PoolFault::invalid_parameter(format!("{what} needs a Username")))?;
            let password = text(&mut obj, "Password", &what)?;
            let member_of = list(&mut obj, "Groups", &what)?;
            let attributes: Vec<AttributeType> = match obj.remove("Attributes") {
                None => Vec::new(),
                Some(Value::Object(a)) => a
                    .into_iter()
                    .map(|(name, v)| AttributeType {
                        name,
                        value: Some(match v {
                            Value::String(s) => s,
                            other => other.to_string(),
                        }),
                    })
                    .collect(),
                Some(_) => {
                    return Err(PoolFault::invalid_parameter(format!(
                        "{what}.Attributes must be an object of NAME: VALUE"
                    )))
                }
            };
            if let Some(extra) = obj.keys().next() {
                return Err(PoolFault::invalid_parameter(format!(
                    "{what}: unknown member `{extra}` (the members are Username, Password, Attributes, Groups)"
                )));
            }
            let mut create = AdminCreateUserRequest::new(pool_id.clone(), username.clone());
            create.user_attributes = Some(attributes);
            create.message_action = Some(MessageActionType::Suppress);
            let created = pools.admin_create_user(create)?;
            let name = created.username.unwrap_or(username);
            if let Some(password) = password {
                let mut set =
                    AdminSetUserPasswordRequest::new(pool_id.clone(), name.clone(), password);
                set.permanent = Some(true);
                pools.admin_set_password(set)?;
            }
            for g in member_of {
                let g = g.as_str().ok_or_else(|| {
                    PoolFault::invalid_parameter(format!("{what}.Groups must list group names"))
                })?;
                pools.set_membership(&pool_id, g, &name, true)?;
            }
        }
    }
    if let Some(extra) = top.keys().next() {
        return Err(PoolFault::invalid_parameter(format!(
            "seed: unknown member `{extra}` (the seed holds UserPools)"
        )));
    }
    Ok(())
}
