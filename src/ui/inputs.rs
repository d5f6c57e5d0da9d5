//! The form generator: one input per field kind, driven only by the field description.
//! Inputs write raw text into the draft; validation reads it back, so a half-typed value
//! is never lost to a parse error.

use crate::model::provider::value_text;
use crate::model::validate::JSON_ENTRY;
use crate::model::{Draft, Field, FieldKind, SecretState};
use leptos::prelude::*;
use serde_json::{Map, Value};

/// Everything one input needs.
#[derive(Clone)]
pub struct FieldCtx {
    pub field: Field,
    /// The value on the server (`Null` for secrets).
    pub current: Value,
    pub secret: Option<SecretState>,
    pub draft: RwSignal<Draft>,
    pub error: Signal<Option<String>>,
}

impl FieldCtx {
    fn id(&self) -> String {
        format!("field-{}", self.field.name)
    }

    /// The draft's value if edited, else the current one.
    fn value(&self) -> Value {
        let name = self.field.name;
        self.draft
            .with(|d| d.get(name).cloned())
            .unwrap_or_else(|| self.current.clone())
    }

    fn edited(&self) -> bool {
        let name = self.field.name;
        self.draft.with(|d| d.get(name).is_some())
    }

    fn set(&self, v: Value) {
        let name = self.field.name;
        // Typing the current value back is no edit at all.
        if v == self.current && !self.field.is_secret() {
            self.draft.update(|d| d.clear(name));
        } else {
            self.draft.update(|d| d.set(name, v));
        }
    }

    fn clear(&self) {
        let name = self.field.name;
        self.draft.update(|d| d.clear(name));
    }
}

/// One labelled field of the edit form.
#[component]
pub fn FieldInput(ctx: FieldCtx) -> impl IntoView {
    let id = ctx.id();
    let err_id = format!("{id}-error");
    let help_id = format!("{id}-help");
    let field = ctx.field.clone();
    let error = ctx.error;
    let edited = {
        let ctx = ctx.clone();
        move || ctx.edited()
    };
    let control = control(ctx.clone(), id.clone(), format!("{help_id} {err_id}"));
    view! {
        <div class="field" class:edited=edited class:invalid=move || error.get().is_some() data-field=field.name>
            <label class="field-label" for=id.clone()>{field.label}
                {field.locked.map(|_| view! { <span class="lock" aria-hidden="true">" 🔒"</span> })}
            </label>
            {control}
            <p class="help" id=help_id>{field.locked.unwrap_or(field.help)}</p>
            <p class="field-error" id=err_id role="alert">{move || error.get().unwrap_or_default()}</p>
        </div>
    }
}

fn control(ctx: FieldCtx, id: String, described: String) -> AnyView {
    let disabled = !ctx.field.is_editable();
    let invalid = {
        let e = ctx.error;
        move || if e.get().is_some() { "true" } else { "false" }
    };
    match ctx.field.kind.clone() {
        FieldKind::Bool => {
            let c = ctx.clone();
            view! {
                <input type="checkbox" role="switch" id=id aria-describedby=described disabled=disabled
                    prop:checked=move || c.value().as_bool().unwrap_or(false)
                    on:change=move |ev| ctx.set(Value::Bool(event_target_checked(&ev))) />
            }
            .into_any()
        }
        FieldKind::Enum { options, .. } => {
            let c = ctx.clone();
            let current = value_text(&ctx.current);
            let extra = (!current.is_empty() && !options.contains(&current.as_str()))
                .then(|| current.clone());
            view! {
                <select id=id aria-describedby=described disabled=disabled aria-invalid=invalid
                    prop:value=move || value_text(&c.value())
                    on:change=move |ev| ctx.set(Value::String(event_target_value(&ev)))>
                    {extra.map(|v| view! { <option value=v.clone()>{v.clone()}" (current, not valid here)"</option> })}
                    {options.into_iter().map(|o| view! { <option value=o>{o}</option> }).collect_view()}
                </select>
            }
            .into_any()
        }
        FieldKind::Secret => secret_control(ctx, id, described),
        FieldKind::KeyValue => key_value_control(ctx, id, described),
        FieldKind::Json => {
            let c = ctx.clone();
            let shown = move || match c.value() {
                Value::String(s) => s,
                Value::Null => String::new(),
                v => serde_json::to_string_pretty(&v).unwrap_or_default(),
            };
            let placeholder = if ctx.field.is_secret() {
                "Leave empty to keep the current value"
            } else {
                "{}"
            };
            view! {
                <textarea id=id aria-describedby=described disabled=disabled aria-invalid=invalid rows="4" spellcheck="false"
                    placeholder=placeholder prop:value=shown
                    on:input=move |ev| ctx.set(Value::String(event_target_value(&ev)))></textarea>
            }
            .into_any()
        }
        FieldKind::Text | FieldKind::Url | FieldKind::Uuid | FieldKind::Integer { .. } => {
            let nullable = ctx.field.nullable;
            let (input_type, mode) = match ctx.field.kind {
                FieldKind::Url => ("url", "url"),
                FieldKind::Integer { .. } => ("text", "numeric"),
                _ => ("text", "text"),
            };
            let c = ctx.clone();
            let is_null = move || c.value().is_null();
            let c2 = ctx.clone();
            let text = move || value_text(&c2.value());
            let c3 = ctx.clone();
            let null_label = ctx.field.null_choice;
            let field_label = ctx.field.label;
            let c4 = ctx.clone();
            let toggle = move |ev: leptos::ev::Event| {
                if event_target_checked(&ev) {
                    c4.set(Value::Null);
                } else if c4.current.is_null() {
                    c4.draft
                        .update(|d| d.set(c4.field.name, Value::String(String::new())));
                } else {
                    c4.clear();
                }
            };
            let is_null2 = is_null.clone();
            view! {
                <div class="text-control">
                    <input type=input_type inputmode=mode id=id aria-describedby=described aria-invalid=invalid
                        disabled=move || disabled || (nullable && is_null())
                        prop:value=text autocomplete="off"
                        on:input=move |ev| c3.set(Value::String(event_target_value(&ev))) />
                    {nullable.then(|| view! {
                        <label class="inherit"><input type="checkbox" prop:checked=is_null2 disabled=disabled on:change=toggle />{null_label}
                            <span class="visually-hidden">" for "{field_label}</span></label>
                    })}
                </div>
            }
            .into_any()
        }
    }
}

fn secret_control(ctx: FieldCtx, id: String, described: String) -> AnyView {
    let state = match ctx.secret {
        Some(SecretState::Set) => "A key is set.",
        Some(SecretState::NotSet) => "No key is set.",
        _ => "Write-only: the gateway never shows it.",
    };
    let always = ctx.field.always_sent;
    let c = ctx.clone();
    let replacing = move || always || c.edited();
    let c2 = ctx.clone();
    let c3 = ctx.clone();
    let disabled = !ctx.field.is_editable();
    view! {
        <div class="secret">
            <span class="secret-state">{state}</span>
            <Show when=replacing.clone() fallback=move || {
                let c = c2.clone();
                view! { <button type="button" id=id.clone() disabled=disabled on:click=move |_| c.set(Value::String(String::new()))>"Replace…"</button> }
            }>
                {
                    let c = c3.clone();
                    let c_keep = c3.clone();
                    let c_in = c3.clone();
                    view! {
                        <input type="password" id=format!("field-{}", c.field.name) aria-describedby=described.clone() autocomplete="new-password"
                            placeholder="New value" disabled=disabled
                            prop:value=move || value_text(&c.value())
                            on:input=move |ev| c_in.set(Value::String(event_target_value(&ev))) />
                        {(!always).then(|| view! { <button type="button" class="link" aria-label=format!("Keep current {}", c_keep.field.label) on:click=move |_| c_keep.clear()>"Keep current"</button> })}
                    }
                }
            </Show>
        </div>
    }
    .into_any()
}

/// The draft's edits of one key/value field: key to new value, `null` removing the key.
/// `Copy`, so every button and input of the editor can hold one.
#[derive(Clone, Copy)]
struct KvEdits {
    draft: RwSignal<Draft>,
    name: &'static str,
}

impl KvEdits {
    fn all(self) -> Map<String, Value> {
        self.draft
            .with(|d| d.get(self.name).and_then(Value::as_object).cloned())
            .unwrap_or_default()
    }

    fn get(self, key: &str) -> Option<Value> {
        self.draft
            .with(|d| d.get(self.name).and_then(|v| v.get(key)).cloned())
    }

    /// Applies one change; an editor with no entries left is no edit at all.
    fn change(self, f: impl FnOnce(&mut Map<String, Value>)) {
        let mut m = self.all();
        f(&mut m);
        self.draft.update(|d| {
            if m.is_empty() {
                d.clear(self.name);
            } else {
                d.set(self.name, Value::Object(m));
            }
        });
    }

    fn put(self, key: &str, v: Value) {
        self.change(|m| {
            m.insert(key.to_owned(), v);
        });
    }

    /// The text typed for `key` and whether it is typed as JSON.
    fn typed(self, key: &str) -> (String, bool) {
        match self.get(key) {
            Some(Value::String(s)) => (s, false),
            Some(v) => match v.get(JSON_ENTRY).and_then(Value::as_str) {
                Some(t) => (t.to_owned(), true),
                None => (String::new(), false),
            },
            None => (String::new(), false),
        }
    }

    /// Puts typed text as the value of `key`: text as it is, or JSON to parse on save.
    fn put_typed(self, key: &str, text: String, json: bool) {
        let v = if json {
            serde_json::json!({ JSON_ENTRY: text })
        } else {
            Value::String(text)
        };
        self.put(key, v);
    }

    fn drop_edit(self, key: &str) {
        self.change(|m| {
            m.remove(key);
        });
    }
}

fn key_value_control(ctx: FieldCtx, id: String, described: String) -> AnyView {
    let label = ctx.field.label;
    let edits = KvEdits {
        draft: ctx.draft,
        name: ctx.field.name,
    };
    let existing: Vec<String> = ctx
        .current
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let known = existing.clone();
    let added = move || {
        edits
            .all()
            .into_iter()
            .map(|(k, _)| k)
            .filter(|k| !known.contains(k))
            .collect::<Vec<_>>()
    };
    let new_key = RwSignal::new(String::new());
    let new_val = RwSignal::new(String::new());
    let new_json = RwSignal::new(false);
    let add = move |_| {
        let key = new_key.get_untracked().trim().to_owned();
        if !key.is_empty() {
            edits.put_typed(&key, new_val.get_untracked(), new_json.get_untracked());
            new_key.set(String::new());
            new_val.set(String::new());
            new_json.set(false);
        }
    };
    view! {
        <div class="kv" id=id aria-describedby=described>
            <ul class="kv-list">
                {existing.into_iter().map(|key| view! { <KvRow edits=edits key=key existing=true /> }).collect_view()}
                <For each=added key=|k| k.clone() let(key)>
                    <KvRow edits=edits key=key existing=false />
                </For>
            </ul>
            <div class="kv-add">
                <input type="text" placeholder="key" aria-label=format!("New key for {label}") prop:value=move || new_key.get()
                    on:input=move |ev| new_key.set(event_target_value(&ev)) />
                <input type="password" placeholder="value" aria-label=format!("Value of the new key for {label}") autocomplete="new-password"
                    prop:value=move || new_val.get() on:input=move |ev| new_val.set(event_target_value(&ev)) />
                <label class="inherit"><input type="checkbox" prop:checked=move || new_json.get()
                    on:change=move |ev| new_json.set(event_target_checked(&ev)) />"JSON"
                    <span class="visually-hidden">" value for the new key of "{label}</span></label>
                <button type="button" aria-label=format!("Add key to {label}") on:click=add>"Add"</button>
            </div>
        </div>
    }
    .into_any()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum KvMode {
    Kept,
    Removed,
    Replacing,
}

/// One key: the server's (kept, its value never shown; replaced; or removed on save), or
/// one added in this draft (its value typed here until saved, or dropped).
#[component]
fn KvRow(edits: KvEdits, key: String, existing: bool) -> impl IntoView {
    let key = StoredValue::new(key);
    let state = move || key.with_value(|k| edits.get(k));
    // Redraw only when the row changes mode, so the input survives typing (and keeps focus).
    let mode = Memo::new(move |_| match state() {
        None => KvMode::Kept,
        Some(Value::Null) => KvMode::Removed,
        Some(_) => KvMode::Replacing,
    });
    let removed = move || mode.get() == KvMode::Removed;
    let typed = move || key.with_value(|k| edits.typed(k));
    let value = move || {
        match mode.get() {
        KvMode::Kept => view! { <span class="kv-val">"•••• (kept)"</span> }.into_any(),
        KvMode::Removed => view! { <span class="kv-val removed">"removed on save"</span> }.into_any(),
        KvMode::Replacing => view! {
            <input type="password" autocomplete="new-password" aria-label=key.with_value(|k| format!("New value for {k}"))
                prop:value=move || typed().0
                on:input=move |ev| key.with_value(|k| edits.put_typed(k, event_target_value(&ev), typed().1)) />
            <label class="inherit"><input type="checkbox" prop:checked=move || typed().1
                on:change=move |ev| key.with_value(|k| edits.put_typed(k, typed().0, event_target_checked(&ev))) />"JSON"
                <span class="visually-hidden">{key.with_value(|k| format!(" value for {k}"))}</span></label>
        }
        .into_any(),
    }
    };
    // Removing a key the server does not have yet just drops it from the draft.
    let toggle_remove = move |_| {
        key.with_value(|k| {
            if removed() || !existing {
                edits.drop_edit(k)
            } else {
                edits.put(k, Value::Null)
            }
        })
    };
    view! {
        <li class="kv-row" class:new=!existing>
            <span class="kv-key">{key.get_value()}</span>
            {value}
            {existing.then(|| view! {
                <button type="button" class="link" aria-label=key.with_value(|k| format!("Replace {k}"))
                    on:click=move |_| key.with_value(|k| edits.put(k, Value::String(String::new())))>"Replace"</button>
            })}
            <button type="button" class="link" aria-label=move || key.with_value(|k| if removed() { format!("Undo remove {k}") } else { format!("Remove {k}") })
                on:click=toggle_remove>{move || if removed() { "Undo remove" } else { "Remove" }}</button>
        </li>
    }
}
