//! Component tests of the form generator, one per field kind, in headless Chromium
//! (wasm-bindgen-test). Each mounts a real `FieldInput`, drives it like a user, and
//! checks both the DOM and the draft it writes. Also here, as it needs a browser: the
//! vault's WebCrypto sealing and its IndexedDB record.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;
use switchboard::client::CallPolicy;
use switchboard::model::{Draft, Field, FieldKind, SecretState};
use switchboard::ui::card::ProviderCard;
use switchboard::ui::cards::{Card, Listed, SaveStatus};
use switchboard::ui::filters::{visible_cards, Filters};
use switchboard::ui::form::EditDialog;
use switchboard::ui::inputs::{FieldCtx, FieldInput};
use switchboard::ui::selection::Selection;
use switchboard::ui::store::Store;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, Event, EventInit, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement,
};

wasm_bindgen_test_configure!(run_in_browser);

struct Mounted {
    host: Element,
    draft: RwSignal<Draft>,
    error: RwSignal<Option<String>>,
}

async fn mount(field: Field, current: Value, secret: Option<SecretState>) -> Mounted {
    let draft = RwSignal::new(Draft::default());
    let error = RwSignal::new(None::<String>);
    let ctx = FieldCtx {
        field,
        current,
        secret,
        draft,
        error: error.into(),
    };
    let host = mount_view(move || view! { <FieldInput ctx=ctx.clone() /> });
    // Properties such as `value` are set by render effects, which run on the next tick.
    tick().await;
    Mounted { host, draft, error }
}

impl Mounted {
    fn q<T: JsCast>(&self, sel: &str) -> T {
        self.host
            .query_selector(sel)
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("no {sel}"))
            .unchecked_into()
    }
    fn has(&self, sel: &str) -> bool {
        self.host.query_selector(sel).ok().flatten().is_some()
    }
    fn edit(&self, name: &str) -> Option<Value> {
        self.draft.with_untracked(|d| d.get(name).cloned())
    }
    fn text(&self) -> String {
        self.host.text_content().unwrap_or_default()
    }
}

fn fire(el: &Element, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    let ev = Event::new_with_event_init_dict(kind, &init).expect("event");
    el.dispatch_event(&ev).expect("dispatch");
}

fn type_into(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    fire(input, "input");
}

async fn tick() {
    switchboard::client::sleep(5).await;
}

#[wasm_bindgen_test]
async fn text_field_edits_and_reverts() {
    let m = mount(
        Field::new("name", "Name", FieldKind::Text)
            .required()
            .help("Shown name"),
        json!("Old"),
        None,
    )
    .await;
    let input: HtmlInputElement = m.q("input#field-name");
    assert_eq!(input.type_(), "text");
    assert_eq!(input.value(), "Old");
    assert!(m.text().contains("Shown name"));
    type_into(&input, "New");
    assert_eq!(m.edit("name"), Some(json!("New")));
    type_into(&input, "Old");
    assert_eq!(
        m.edit("name"),
        None,
        "typing the current value back is no edit"
    );
}

#[wasm_bindgen_test]
async fn url_field_uses_a_url_input() {
    let m = mount(
        Field::new("base_url", "Base URL", FieldKind::Url),
        json!("https://a.example"),
        None,
    )
    .await;
    let input: HtmlInputElement = m.q("#field-base_url");
    assert_eq!(input.type_(), "url");
    type_into(&input, "https://b.example/v1");
    assert_eq!(m.edit("base_url"), Some(json!("https://b.example/v1")));
}

#[wasm_bindgen_test]
async fn secret_field_keeps_current_until_replace() {
    let m = mount(
        Field::new("api_key", "API key", FieldKind::Secret).write_only(),
        Value::Null,
        Some(SecretState::Set),
    )
    .await;
    assert!(m.text().contains("A key is set."));
    assert!(
        !m.has("input[type=password]"),
        "no input until the user asks to replace"
    );
    m.q::<web_sys::HtmlElement>("button#field-api_key").click();
    tick().await;
    let input: HtmlInputElement = m.q("input[type=password]");
    assert_eq!(
        input.get_attribute("autocomplete").as_deref(),
        Some("new-password")
    );
    type_into(&input, "sk-new");
    assert_eq!(m.edit("api_key"), Some(json!("sk-new")));
    m.q::<web_sys::HtmlElement>("button.link").click();
    tick().await;
    assert_eq!(m.edit("api_key"), None);
    assert!(!m.has("input[type=password]"));
}

#[wasm_bindgen_test]
async fn always_sent_secret_is_always_open() {
    let f = Field::new("api_key", "API key", FieldKind::Secret)
        .write_only()
        .always_sent();
    let m = mount(f, Value::Null, Some(SecretState::Set)).await;
    assert!(m.has("input[type=password]"));
    assert!(
        !m.has("button.link"),
        "no 'keep current' when the API needs the key every time"
    );
}

#[wasm_bindgen_test]
async fn bool_field_is_a_switch() {
    let m = mount(
        Field::new("enabled", "Enabled", FieldKind::Bool),
        json!(true),
        None,
    )
    .await;
    let input: HtmlInputElement = m.q("input[type=checkbox][role=switch]");
    assert!(input.checked());
    input.set_checked(false);
    fire(&input, "change");
    assert_eq!(m.edit("enabled"), Some(json!(false)));
}

#[wasm_bindgen_test]
async fn enum_field_offers_the_dependent_options() {
    let kind = FieldKind::Enum {
        options: switchboard::dialect::barndoor::auth_types("bedrock"),
        depends_on: Some("model_provider"),
    };
    let m = mount(
        Field::new("auth_type", "Auth type", kind),
        json!("aws_role"),
        None,
    )
    .await;
    let select: HtmlSelectElement = m.q("select#field-auth_type");
    let options: Vec<String> = (0..select.length())
        .filter_map(|i| select.item(i))
        .map(|o| o.text_content().unwrap_or_default())
        .collect();
    assert_eq!(options, ["aws_role", "aws_keys", "bedrock_api_key"]);
    assert_eq!(select.value(), "aws_role");
    select.set_value("aws_keys");
    fire(&select, "change");
    assert_eq!(m.edit("auth_type"), Some(json!("aws_keys")));
}

#[wasm_bindgen_test]
async fn nullable_integer_has_a_distinct_inherit_choice() {
    let f = Field::new(
        "request_timeout_secs",
        "Request timeout",
        FieldKind::Integer { min: 1, max: 3600 },
    )
    .nullable("inherit", "Inherit the platform default");
    let m = mount(f, json!(1800), None).await;
    let input: HtmlInputElement = m.q("#field-request_timeout_secs");
    assert_eq!(input.get_attribute("inputmode").as_deref(), Some("numeric"));
    type_into(&input, "12a");
    assert_eq!(
        m.edit("request_timeout_secs"),
        Some(json!("12a")),
        "raw text kept, validation judges it"
    );
    let inherit: HtmlInputElement = m.q(".inherit input");
    assert!(m.text().contains("Inherit the platform default"));
    inherit.set_checked(true);
    fire(&inherit, "change");
    tick().await;
    assert_eq!(m.edit("request_timeout_secs"), Some(Value::Null));
    assert!(input.disabled(), "the number box is off while inheriting");
}

#[wasm_bindgen_test]
async fn nullable_uuid_offers_detach() {
    let f = Field::new("connection_id", "Shared connection", FieldKind::Uuid)
        .nullable("none", "None (detach; use a direct key)");
    let m = mount(f, json!("3c90c3cc-0d44-4b50-8888-8dd25736052a"), None).await;
    assert!(m.text().contains("None (detach"));
    let detach: HtmlInputElement = m.q(".inherit input");
    detach.set_checked(true);
    fire(&detach, "change");
    assert_eq!(m.edit("connection_id"), Some(Value::Null));
    detach.set_checked(false);
    fire(&detach, "change");
    assert_eq!(
        m.edit("connection_id"),
        None,
        "unchecking goes back to the loaded value"
    );
}

#[wasm_bindgen_test]
async fn key_value_field_adds_replaces_and_removes() {
    let f = Field::new("credentials", "Credentials", FieldKind::KeyValue).write_only();
    let m = mount(
        f,
        json!({"api_key": "••••", "organization": "••••"}),
        Some(SecretState::Set),
    )
    .await;
    assert_eq!(
        m.host
            .query_selector_all(".kv-row")
            .map(|l| l.length())
            .unwrap_or(0),
        2
    );
    assert!(!m.text().contains("sk-"), "values are never shown");
    type_into(
        &m.q("input[aria-label='New key for Credentials']"),
        "region",
    );
    type_into(
        &m.q("input[aria-label='Value of the new key for Credentials']"),
        "eu-west-1",
    );
    m.q::<web_sys::HtmlElement>(".kv-add button").click();
    tick().await;
    assert_eq!(m.edit("credentials"), Some(json!({"region": "eu-west-1"})));
    let remove = m
        .host
        .query_selector_all(".kv-row button.link")
        .expect("buttons");
    // Second button of the first row ("organization" sorts after "api_key") removes it.
    remove
        .item(3)
        .expect("remove")
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    tick().await;
    assert_eq!(
        m.edit("credentials"),
        Some(json!({"region": "eu-west-1", "organization": null}))
    );
    assert!(m.text().contains("removed on save"));
}

#[wasm_bindgen_test]
async fn json_field_keeps_invalid_text() {
    let m = mount(
        Field::new("settings", "Settings", FieldKind::Json),
        json!({"region": "eu"}),
        None,
    )
    .await;
    let area: HtmlTextAreaElement = m.q("textarea#field-settings");
    assert!(area.value().contains("\"region\": \"eu\""));
    area.set_value("{\"region\": ");
    fire(&area, "input");
    assert_eq!(m.edit("settings"), Some(json!("{\"region\": ")));
}

#[wasm_bindgen_test]
async fn locked_and_invalid_fields_say_why() {
    let f = Field::new("extra_kwargs", "Extra", FieldKind::Json)
        .write_only()
        .locked_because("Managed by Respan.");
    let m = mount(f, Value::Null, None).await;
    let area: HtmlTextAreaElement = m.q("textarea");
    assert!(area.disabled());
    assert!(m.text().contains("Managed by Respan."));
    m.error.set(Some("Must be a JSON object.".into()));
    tick().await;
    assert_eq!(
        m.q::<Element>(".field-error").text_content().as_deref(),
        Some("Must be a JSON object.")
    );
    assert_eq!(area.get_attribute("aria-invalid").as_deref(), Some("true"));
}

#[wasm_bindgen_test]
async fn key_value_replace_input_survives_typing() {
    let f = Field::new("credentials", "Credentials", FieldKind::KeyValue).write_only();
    let m = mount(f, json!({"api_key": "••••"}), Some(SecretState::Set)).await;
    m.q::<web_sys::HtmlElement>(".kv-row button.link").click();
    tick().await;
    let input: HtmlInputElement = m.q(".kv-row input[type=password]");
    type_into(&input, "s");
    tick().await;
    type_into(&input, "sk");
    tick().await;
    let after: HtmlInputElement = m.q(".kv-row input[type=password]");
    assert!(
        input.is_same_node(Some(&after)),
        "the input is not rebuilt per keystroke"
    );
    assert_eq!(m.edit("credentials"), Some(json!({"api_key": "sk"})));
}

mod acme;

/// Mounts any view into a fresh element of the page.
fn mount_view<V: IntoView + 'static>(f: impl FnOnce() -> V + 'static) -> Element {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    let host = doc.create_element("div").expect("div");
    doc.body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    leptos::mount::mount_to(host.clone().unchecked_into(), f).forget();
    host
}

fn find(host: &Element, sel: &str) -> Element {
    host.query_selector(sel)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no {sel}"))
}

/// A store holding one Acme relay, as if its list had arrived.
fn acme_store() -> Store {
    let store = Store::new(
        vec![acme::connection("http://acme.invalid", "k-123")],
        false,
        CallPolicy::default(),
        None,
    );
    store.cards.update(|s| {
        s.replace_connection(0, vec![Card::new(0, "acme", "Acme Relay", acme::relay())])
    });
    store
}

#[wasm_bindgen_test]
async fn a_fifth_dialect_renders_as_a_card_and_an_edit_form_and_plans_its_request() {
    let store = acme_store();
    let card = store.card("acme/r-7").expect("the relay's card");
    let selection = Selection::new(store, visible_cards(store, Filters::new(String::new())));
    let host = mount_view(move || {
        view! {
            <ProviderCard card=card store=store selection=selection />
            <EditDialog store=store key=Arc::from("acme/r-7") />
        }
    });
    tick().await;
    let card_text = find(&host, ".card[data-key=\"acme/r-7\"]")
        .text_content()
        .unwrap_or_default();
    for shown in [
        "Edge relay",
        "Acme Relay",
        "Tier",
        "pro",
        "Retries",
        "3",
        "Key set",
    ] {
        assert!(card_text.contains(shown), "{shown} in {card_text}");
    }

    let name: HtmlInputElement = find(&host, "#field-name").unchecked_into();
    assert_eq!(name.value(), "Edge relay");
    let tier: HtmlSelectElement = find(&host, "#field-tier").unchecked_into();
    assert_eq!(tier.length(), 3);
    assert_eq!(tier.value(), "pro");
    assert!(find(&host, "[data-field=\"max_retries\"]")
        .text_content()
        .unwrap_or_default()
        .contains("Use the relay's default"));
    assert!(find(&host, "[data-field=\"token\"]")
        .text_content()
        .unwrap_or_default()
        .contains("A key is set."));

    tier.set_value("enterprise");
    fire(&tier, "change");
    tick().await;
    let request = find(&host, "pre.request")
        .text_content()
        .unwrap_or_default();
    assert!(request.starts_with("PATCH /relays/r-7\n"), "{request}");
    assert!(request.contains("X-Acme-Key: ••••"), "{request}");
    assert!(!request.contains("k-123"), "the admin key is masked");
    assert!(request.contains("\"tier\": \"enterprise\""), "{request}");

    let retries: HtmlInputElement = find(&host, "#field-max_retries").unchecked_into();
    type_into(&retries, "11");
    tick().await;
    assert!(find(&host, "[data-field=\"max_retries\"] .field-error")
        .text_content()
        .unwrap_or_default()
        .contains("10"));
    let save: web_sys::HtmlButtonElement =
        find(&host, "[role=dialog] button.primary").unchecked_into();
    assert!(save.disabled(), "an invalid draft cannot be saved");
    assert!(!host.text_content().unwrap_or_default().contains("PATCH"));
}

#[wasm_bindgen_test]
async fn a_card_changes_in_place_when_its_status_or_provider_changes() {
    let store = acme_store();
    let card = store.card("acme/r-7").expect("the relay's card");
    let cell = card.clone();
    let selection = Selection::new(store, visible_cards(store, Filters::new(String::new())));
    let host =
        mount_view(move || view! { <ProviderCard card=card store=store selection=selection /> });
    tick().await;
    let before = find(&host, ".card");
    // Its checkbox is named after the provider and selects it, without opening the form.
    let check = find(&host, ".card .card-select");
    assert_eq!(
        check.get_attribute("aria-label").as_deref(),
        Some("Select Edge relay")
    );
    check.unchecked_ref::<web_sys::HtmlElement>().click();
    tick().await;
    assert_eq!(untrack(|| selection.count()), 1);
    assert!(before.class_list().contains("selected"));
    assert_eq!(store.editing.get_untracked(), None);
    cell.status.set(SaveStatus::Saving);
    tick().await;
    assert!(find(&host, ".card .status.saving").is_connected());
    let mut renamed = acme::relay();
    renamed.name = "Renamed relay".into();
    cell.listed.set(Listed::new(renamed, "Acme Relay", "acme"));
    cell.status.set(SaveStatus::Saved);
    tick().await;
    let after = find(&host, ".card");
    assert!(
        after.is_same_node(Some(&before)),
        "the same element, updated in place"
    );
    let text = after.text_content().unwrap_or_default();
    assert!(
        text.contains("Renamed relay") && text.contains("Saved"),
        "{text}"
    );
    assert_eq!(
        check.get_attribute("aria-label").as_deref(),
        Some("Select Renamed relay"),
        "the checkbox's name follows the provider"
    );
}

#[wasm_bindgen_test]
async fn the_vault_seals_and_opens_refuses_a_wrong_passphrase_and_keeps_nothing_in_clear() {
    use switchboard::model::Auth;
    use switchboard::ui::vault;
    use switchboard::vault::Record;
    const ORIGIN: &str = "http://127.0.0.1:1";
    const PASSPHRASE: &str = "correct horse battery staple";
    let canary = "sk-canary-vault-1f0e9d";
    let (mut record, key) = vault::create(PASSPHRASE, ORIGIN).await.unwrap();
    vault::keep(&mut record, &key, "respan", &Auth::Bearer(canary.into()))
        .await
        .unwrap();
    assert!(!record.to_json().contains(canary), "sealed, not in clear");
    vault::save(&record).await.unwrap();
    let stored = vault::load().await.unwrap().unwrap();
    assert!(!stored.contains(canary));
    let back = Record::read(&stored, ORIGIN).unwrap();
    assert_eq!(back, record);
    let wrong = vault::unlock(&back, "correct horse battery stapler").await;
    assert!(wrong.err().unwrap().starts_with("Wrong passphrase"));
    let key = vault::unlock(&back, PASSPHRASE).await.unwrap();
    assert_eq!(
        vault::credentials(&back, &key).await,
        vec![("respan".to_owned(), Ok(Auth::Bearer(canary.into())))]
    );
    // A sealed value altered in storage does not open (AES-GCM's tag), and says which.
    let mut altered = back.clone();
    if let Some(s) = altered.entries.get_mut("respan") {
        let mut data = s.data.clone().into_bytes();
        data[0] = if data[0] == b'A' { b'B' } else { b'A' };
        s.data = String::from_utf8(data).unwrap();
    }
    let opened = vault::credentials(&altered, &key).await;
    assert_eq!(opened[0].0, "respan");
    assert!(opened[0].1.is_err());
    // Two sealings of one text differ (a fresh nonce each time).
    let (a, b) = (
        vault::seal(&key, "same").await.unwrap(),
        vault::seal(&key, "same").await.unwrap(),
    );
    assert_ne!(a, b);
    vault::erase().await.unwrap();
    assert_eq!(vault::load().await.unwrap(), None);
}
