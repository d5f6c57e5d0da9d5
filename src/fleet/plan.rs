//! A plan: for every target, the exact request that would be sent or why none will be.

use super::action::Action;
use crate::dialect::{Connection, Gateway};
use crate::model::{Draft, PlannedUpdate, Provider};

/// What happens to one target.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// This validated change goes out as this request.
    Send(Box<PlannedUpdate>),
    /// Nothing is sent, for this reason.
    Skip(String),
}

/// One provider the action was asked of.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub conn_id: String,
    pub conn_name: String,
    pub gateway: Gateway,
    pub provider_id: String,
    pub provider_name: String,
    pub step: Step,
}

impl Target {
    /// `connection id / provider id`, the key the panel knows the provider by.
    pub fn key(&self) -> String {
        format!("{}/{}", self.conn_id, self.provider_id)
    }

    /// The request in three lines: method and path, the credential's header masked, the
    /// body with secrets masked. (Every request also carries `Accept` and, with a body,
    /// `Content-Type`, both `application/json`.) `path` turns the URL into the path shown:
    /// a relative base URL resolves against the page, which only the shell knows.
    pub fn request_text(&self, path: impl FnOnce(&str) -> String) -> Option<String> {
        let u = self.update()?;
        let body = serde_json::Value::Object(u.change.masked_body()).to_string();
        let auth = u.request.auth.masked_header().unwrap_or_default();
        Some(format!(
            "{} {}\n{auth}\n{body}",
            u.request.method.as_str(),
            path(&u.request.url)
        ))
    }

    /// The update to send, if this target is not skipped.
    pub fn update(&self) -> Option<&PlannedUpdate> {
        match &self.step {
            Step::Send(u) => Some(u),
            Step::Skip(_) => None,
        }
    }
}

/// Every target of one action, in the order they were given.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub title: String,
    pub targets: Vec<Target>,
}

/// What a plan is made of: a title, and for one provider the step it means there. A bulk
/// [`Action`] is one; an imported state file is another. The run asks it again for each
/// target when that target's turn comes, against the provider as its gateway has it then.
pub trait Goal {
    /// A short title for the plan: "Disable", "Apply state.json".
    fn title(&self) -> String;

    /// What this goal means for one provider: its request, or why it is skipped.
    fn step(&self, conn: &Connection, provider: &Provider) -> Step;
}

impl Goal for Action {
    fn title(&self) -> String {
        Action::title(self)
    }

    fn step(&self, conn: &Connection, provider: &Provider) -> Step {
        match self.draft(conn.gateway, provider) {
            Ok(draft) => planned(conn, provider, &draft, self.unchanged()),
            Err(why) => Step::Skip(why),
        }
    }
}

impl Plan {
    /// Plans `goal` over `targets`, each judged by its own dialect's rules against the
    /// provider as given.
    pub fn build<'a, G: Goal + ?Sized>(
        goal: &G,
        targets: impl IntoIterator<Item = (&'a Connection, &'a Provider)>,
    ) -> Plan {
        let targets = targets
            .into_iter()
            .map(|(conn, provider)| Target {
                conn_id: conn.id.clone(),
                conn_name: conn.name.clone(),
                gateway: conn.gateway,
                provider_id: provider.id.clone(),
                provider_name: provider.name.clone(),
                step: goal.step(conn, provider),
            })
            .collect();
        Plan {
            title: goal.title(),
            targets,
        }
    }

    /// How many requests would go out.
    pub fn sends(&self) -> usize {
        self.targets.iter().filter(|t| t.update().is_some()).count()
    }

    /// How many targets are skipped.
    pub fn skips(&self) -> usize {
        self.targets.len() - self.sends()
    }

    /// Requests per connection, by connection name, in first-seen order.
    pub fn per_connection(&self) -> Vec<(&str, usize)> {
        let mut out: Vec<(&str, usize)> = Vec::new();
        for t in self.targets.iter().filter(|t| t.update().is_some()) {
            match out.iter_mut().find(|(name, _)| *name == t.conn_name) {
                Some((_, n)) => *n += 1,
                None => out.push((&t.conn_name, 1)),
            }
        }
        out
    }
}

/// The step a draft makes on one provider: its request, `unchanged` when it would change
/// nothing, or the validation messages when it is invalid there.
pub fn planned(conn: &Connection, provider: &Provider, draft: &Draft, unchanged: &str) -> Step {
    match conn.gateway.plan_update(conn, provider, draft) {
        Ok(update) if update.change.is_empty() => Step::Skip(unchanged.into()),
        Ok(update) => Step::Send(Box::new(update)),
        Err(errors) => Step::Skip(errors.into_values().collect::<Vec<_>>().join(" ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::testkit::conn;
    use crate::dialect::{barndoor::Barndoor, refactor::Refactor, respan::Respan, Dialect};
    use crate::fleet::action::NewKey;
    use crate::model::{Field, FieldKind, Method};
    use serde_json::{json, Value};

    fn bd(id: &str, enabled: bool, connection: Value) -> Provider {
        Barndoor
            .parse_one(json!({"id":id,"name":format!("B {id}"),"model_provider":"openai","auth_type":"api_key","base_url":"https://api.openai.com/v1","enabled":enabled,"connection_id":connection,"request_timeout_secs":30}))
            .unwrap()
    }

    #[test]
    fn a_plan_holds_exact_requests_and_reasons() {
        let (b, r) = (conn(&Barndoor), conn(&Respan));
        let on = bd("b1", true, Value::Null);
        let off = bd("b2", false, Value::Null);
        let rs = Respan
            .parse_one(json!({"id":7,"provider_name":"R"}))
            .unwrap();
        let plan = Plan::build(&Action::Disable, [(&b, &on), (&b, &off), (&r, &rs)]);
        assert_eq!(plan.title, "Disable");
        assert_eq!((plan.sends(), plan.skips()), (1, 2));
        assert_eq!(plan.per_connection(), vec![("Barndoor", 1)]);
        let first = plan.targets[0].update().unwrap();
        assert_eq!(first.request.method, Method::Put);
        assert_eq!(
            first.request.url,
            "http://gw/barndoor/api/llm-gateway/admin/providers/b1"
        );
        assert_eq!(first.request.body, Some(json!({"enabled": false})));
        assert_eq!(plan.targets[0].key(), "barndoor/b1");
        assert_eq!(
            plan.targets[0].request_text(str::to_owned).unwrap(),
            "PUT http://gw/barndoor/api/llm-gateway/admin/providers/b1\nAuthorization: Bearer ••••\n{\"enabled\":false}"
        );
        assert_eq!(plan.targets[1].request_text(str::to_owned), None);
        assert_eq!(plan.targets[1].step, Step::Skip("Already disabled.".into()));
        assert_eq!(
            plan.targets[2].step,
            Step::Skip("Respan has no enabled switch.".into())
        );
    }

    #[test]
    fn set_a_field_validates_like_the_form() {
        let b = conn(&Barndoor);
        let p = bd("b1", true, Value::Null);
        let field = Field::new(
            "request_timeout_secs",
            "Request timeout (s)",
            FieldKind::Integer { min: 1, max: 3600 },
        );
        let fields = Barndoor.fields(&p);
        let own = fields.iter().find(|f| f.name == field.name).unwrap();
        let set = |value| Action::Set {
            field: own.clone(),
            value,
        };
        let inherit = Plan::build(&set(Value::Null), [(&b, &p)]);
        let sent = inherit.targets[0].update().unwrap();
        assert_eq!(
            sent.request.body,
            Some(json!({"request_timeout_secs": null}))
        );
        let bad = Plan::build(&set(json!("99999")), [(&b, &p)]);
        assert!(
            matches!(&bad.targets[0].step, Step::Skip(m) if m.contains("3600")),
            "{:?}",
            bad.targets[0].step
        );
        let same = Plan::build(&set(json!("30")), [(&b, &p)]);
        assert_eq!(
            same.targets[0].step,
            Step::Skip("Already has this value.".into())
        );
        // A field the dialect has under another kind is not the same field.
        let other = Action::Set {
            field,
            value: json!("5"),
        };
        let r = conn(&Refactor);
        let rf = Refactor
            .parse_one(json!({"provider":"openai","enabled":true}))
            .unwrap();
        let plan = Plan::build(&other, [(&r, &rf)]);
        assert_eq!(
            plan.targets[0].step,
            Step::Skip("re-factor has no field Request timeout (s).".into())
        );
    }

    #[test]
    fn a_rotation_masks_nothing_in_the_request_and_everything_in_the_preview() {
        let b = conn(&Barndoor);
        let shared = bd("b1", true, json!("3c90c3cc-0d44-4b50-8888-8dd25736052a"));
        let key = NewKey::new("sk-canary".into()).unwrap();
        let plan = Plan::build(&Action::RotateKey { key, detach: true }, [(&b, &shared)]);
        let u = plan.targets[0].update().unwrap();
        assert_eq!(
            u.request.body,
            Some(json!({"api_key": "sk-canary", "connection_id": null}))
        );
        let shown = plan.targets[0].request_text(str::to_owned).unwrap();
        assert!(
            shown.ends_with(r#"{"api_key":"••••","connection_id":null}"#),
            "{shown}"
        );
    }
}
