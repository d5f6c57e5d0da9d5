//! What an admin asks of many providers at once, and the edit it means for each one.

use crate::dialect::Gateway;
use crate::model::{Draft, Field, FieldKind, Provider};
use serde_json::Value;
use std::fmt;

/// A key typed once for a rotation. It is held only as long as the run that sends it, and
/// its `Debug` never shows it, so no log or panic message can carry it.
#[derive(Clone, PartialEq, Eq)]
pub struct NewKey(String);

impl NewKey {
    /// Wraps a key; `None` when it is blank.
    pub fn new(key: String) -> Option<Self> {
        (!key.trim().is_empty()).then_some(NewKey(key))
    }

    /// The key itself, for the request body.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewKey(••••)")
    }
}

/// One action over many providers.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Enable,
    Disable,
    /// Give one field one value, as the edit form's input for that field would hold it
    /// (raw text for numbers, `null` for "inherit").
    Set {
        field: Field,
        value: Value,
    },
    /// Send a new upstream key to every provider that takes one. `detach` lets a provider
    /// that uses a shared connection leave it for the new key in the same request.
    RotateKey {
        key: NewKey,
        detach: bool,
    },
}

impl Action {
    /// A short title: "Disable", "Set Request timeout (s)", "Rotate key".
    pub fn title(&self) -> String {
        match self {
            Action::Enable => "Enable".into(),
            Action::Disable => "Disable".into(),
            Action::Set { field, .. } => format!("Set {}", field.label),
            Action::RotateKey { .. } => "Rotate key".into(),
        }
    }

    /// The edit this action makes to `provider`, or why that provider cannot take it.
    pub fn draft(&self, gateway: Gateway, provider: &Provider) -> Result<Draft, String> {
        let mut draft = Draft::default();
        match self {
            Action::Enable | Action::Disable => {
                let on = matches!(self, Action::Enable);
                let fields = gateway.fields(provider);
                let switch = fields
                    .iter()
                    .find(|f| f.name == "enabled" && f.kind == FieldKind::Bool)
                    .ok_or_else(|| format!("{} has no enabled switch.", gateway.label()))?;
                editable(switch)?;
                if provider.enabled == Some(on) {
                    return Err(if on {
                        "Already enabled."
                    } else {
                        "Already disabled."
                    }
                    .into());
                }
                draft.set("enabled", Value::Bool(on));
            }
            Action::Set { field, value } => {
                let fields = gateway.fields(provider);
                let own = fields
                    .iter()
                    .find(|f| f.name == field.name && f.kind == field.kind)
                    .ok_or_else(|| format!("{} has no field {}.", gateway.label(), field.label))?;
                editable(own)?;
                draft.set(field.name, value.clone());
            }
            Action::RotateKey { key, detach } => {
                return gateway.key_edit(provider, key.expose(), *detach);
            }
        }
        Ok(draft)
    }

    /// Why a target is skipped when the action would change nothing on it.
    pub fn unchanged(&self) -> &'static str {
        match self {
            Action::Set { .. } => "Already has this value.",
            _ => "Nothing would change.",
        }
    }
}

/// `Ok` when the panel may write `field`, else the reason it may not.
fn editable(field: &Field) -> Result<(), String> {
    if let Some(why) = field.locked {
        return Err(why.into());
    }
    if field.is_editable() {
        Ok(())
    } else {
        Err(format!("{} is read-only.", field.label))
    }
}

/// The fields that every one of `lists` has, by name and kind, that "Set a field" can
/// write: editable somewhere, not a secret (keys go through rotation), not `enabled`
/// (Enable and Disable do that). In the order of the first list.
pub fn shared_fields(lists: &[Vec<Field>]) -> Vec<Field> {
    let Some((first, rest)) = lists.split_first() else {
        return Vec::new();
    };
    first
        .iter()
        .filter(|f| f.is_editable() && !f.is_secret() && f.name != "enabled")
        .filter(|f| {
            rest.iter()
                .all(|l| l.iter().any(|g| g.name == f.name && g.kind == f.kind))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::{barndoor::Barndoor, libredesk::Libredesk, refactor::Refactor};
    use crate::dialect::{respan::Respan, Dialect};
    use serde_json::json;

    fn provider(gateway: Gateway, item: Value) -> Provider {
        gateway.parse_one(item).unwrap()
    }

    fn barndoor(connection: Value) -> Provider {
        provider(
            Gateway(&Barndoor),
            json!({"id":"b1","name":"B","model_provider":"openai","auth_type":"api_key","base_url":"https://api.openai.com/v1","enabled":true,"connection_id":connection}),
        )
    }

    #[test]
    fn enable_and_disable_use_the_switch_where_there_is_one() {
        let rf = provider(
            Gateway(&Refactor),
            json!({"provider":"openai","enabled":true}),
        );
        let d = Action::Disable.draft(Gateway(&Refactor), &rf).unwrap();
        assert_eq!(d.get("enabled"), Some(&json!(false)));
        assert_eq!(
            Action::Enable.draft(Gateway(&Refactor), &rf),
            Err("Already enabled.".into())
        );
        let rs = provider(
            Gateway(&Respan),
            json!({"id":1,"provider_name":"R","is_managed":false}),
        );
        assert_eq!(
            Action::Disable.draft(Gateway(&Respan), &rs),
            Err("Respan has no enabled switch.".into())
        );
    }

    #[test]
    fn rotation_follows_each_dialect() {
        let key = NewKey::new("sk-new".into()).unwrap();
        let rotate = |detach| Action::RotateKey {
            key: key.clone(),
            detach,
        };
        let rf = provider(
            Gateway(&Refactor),
            json!({"provider":"openai","enabled":true}),
        );
        let d = rotate(false).draft(Gateway(&Refactor), &rf).unwrap();
        assert_eq!(d.get("credentials"), Some(&json!({"api_key": "sk-new"})));

        let ld = Libredesk
            .parse_item(r#"{"status":"success","data":{"provider":"openai","api_key_set":true}}"#)
            .unwrap();
        let d = rotate(false).draft(Gateway(&Libredesk), &ld).unwrap();
        assert_eq!(d.get("api_key"), Some(&json!("sk-new")));

        let direct = barndoor(Value::Null);
        let d = rotate(false).draft(Gateway(&Barndoor), &direct).unwrap();
        assert_eq!(d.get("api_key"), Some(&json!("sk-new")));
        assert_eq!(d.get("connection_id"), None);

        let shared = barndoor(json!("3c90c3cc-0d44-4b50-8888-8dd25736052a"));
        let skip = rotate(false)
            .draft(Gateway(&Barndoor), &shared)
            .unwrap_err();
        assert!(skip.contains("shared connection"), "{skip}");
        let d = rotate(true).draft(Gateway(&Barndoor), &shared).unwrap();
        assert_eq!(d.get("connection_id"), Some(&Value::Null));
        assert_eq!(d.get("api_key"), Some(&json!("sk-new")));

        let managed = provider(
            Gateway(&Respan),
            json!({"id":1,"provider_name":"R","is_managed":true}),
        );
        let skip = rotate(false).draft(Gateway(&Respan), &managed).unwrap_err();
        assert!(skip.starts_with("Managed by Respan"), "{skip}");
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let a = Action::RotateKey {
            key: NewKey::new("sk-canary".into()).unwrap(),
            detach: false,
        };
        assert!(!format!("{a:?}").contains("sk-canary"));
        assert_eq!(NewKey::new("  ".into()), None);
    }

    #[test]
    fn shared_fields_are_those_every_dialect_has() {
        let b = barndoor(Value::Null);
        let both = shared_fields(&[Barndoor.fields(&b), Barndoor.fields(&b)]);
        let names: Vec<_> = both.iter().map(|f| f.name).collect();
        assert!(names.contains(&"request_timeout_secs"));
        assert!(
            !names.contains(&"api_key") && !names.contains(&"enabled") && !names.contains(&"id")
        );
        let rf = provider(
            Gateway(&Refactor),
            json!({"provider":"openai","enabled":true}),
        );
        assert!(shared_fields(&[Barndoor.fields(&b), Refactor.fields(&rf)]).is_empty());
        assert!(shared_fields(&[]).is_empty());
    }
}
