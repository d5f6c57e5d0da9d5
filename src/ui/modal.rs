//! The one dialog shell every dialog uses: a backdrop (a click on it asks to close),
//! Escape, focus moved in on open, kept in by Tab, and given back on close; while it is
//! open the rest of the panel is `inert`.
//!
//! ## Usage
//! ```ignore
//! view! {
//!     <Modal labelled_by="settings-title" on_close=Callback::new(move |()| open.set(false))>
//!         <h2 id="settings-title">"Connections"</h2>
//!     </Modal>
//! }
//! ```

use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// What can take focus inside a dialog.
const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]), select:not([disabled]), \
    textarea:not([disabled]), summary, a[href], [tabindex]:not([tabindex='-1'])";

/// Elements made inert while a dialog is open carry this, with the dialog's number as its
/// value, so that closing a dialog frees exactly what it made inert (dialogs nest: the
/// discard question sits over the edit form).
const INERT_MARK: &str = "data-sb-inert";

thread_local! {
    /// The numbers of the dialogs open now, the topmost last.
    static OPEN: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Numbers the dialogs opened.
static OPENED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// A modal dialog around `children`.
#[component]
pub fn Modal(
    /// Id of the heading inside that names the dialog.
    labelled_by: &'static str,
    /// Called when the user asks to close: Escape, or a click on the backdrop.
    on_close: Callback<()>,
    /// Sees every key pressed inside first; returns true when it handled the key.
    #[prop(optional)]
    on_key: Option<Callback<KeyboardEvent, bool>>,
    /// Room for tables (a bulk plan): up to 1100 px instead of 720.
    #[prop(optional)]
    wide: bool,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<html::Div>::new();
    // Where focus was before the dialog opened, and the page it lives in.
    let opener = StoredValue::new_local(None::<Element>);
    let root = StoredValue::new_local(None::<web_sys::Node>);
    let number = OPENED.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    OPEN.with_borrow_mut(|open| open.push(number));
    Effect::new(move |_| {
        let Some(el) = dialog.get() else { return };
        let page = super::dom::root_of(&el);
        opener.set_value(super::dom::active_element(&page));
        root.set_value(Some(page));
        make_rest_inert(&el, number);
        // The first field if there is one, else the first control.
        let items = focusables(&el);
        let field = items
            .iter()
            .find(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        if let Some(first) = field.or(items.first()) {
            let _ = first.focus();
        }
    });
    on_cleanup(move || {
        OPEN.with_borrow_mut(|open| open.retain(|n| *n != number));
        let Some(Some(page)) = root.try_get_value() else {
            return;
        };
        free_inert(&page, number);
        if let Some(Some(el)) = opener.try_get_value() {
            if el.is_connected() {
                if let Ok(el) = el.dyn_into::<HtmlElement>() {
                    let _ = el.focus();
                }
            }
        }
    });
    let on_keydown = move |ev: KeyboardEvent| {
        ev.stop_propagation();
        if on_key.is_some_and(|k| k.run(ev.clone())) {
            return;
        }
        match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                on_close.run(());
            }
            "Tab" => {
                if let Some(el) = dialog.get_untracked() {
                    if keep_focus_inside(&el, ev.shift_key()) {
                        ev.prevent_default();
                    }
                }
            }
            _ => {}
        }
    };
    // Focus can fall out of the dialog to the page (the button that had it was disabled
    // by its own click); the topmost dialog still hears Escape and Tab from there.
    let fallen = window_event_listener(leptos::ev::keydown, move |ev| {
        let Some(el) = dialog.get_untracked() else {
            return;
        };
        let topmost = OPEN.with_borrow(|open| open.last() == Some(&number));
        let active = super::dom::active_element(&super::dom::root_of(&el));
        let in_a_dialog = active
            .and_then(|a| a.closest("[role=dialog]").ok().flatten())
            .is_some();
        if !topmost || in_a_dialog {
            return;
        }
        match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                on_close.run(());
            }
            "Tab" if keep_focus_inside(&el, ev.shift_key()) => ev.prevent_default(),
            _ => {}
        }
    });
    on_cleanup(move || fallen.remove());
    let on_backdrop = move |ev: leptos::ev::MouseEvent| {
        let own = matches!((ev.target(), ev.current_target()), (Some(t), Some(c)) if t == c);
        if own {
            on_close.run(());
        }
    };
    view! {
        <div class="backdrop" on:click=on_backdrop>
            <div class="dialog" class:wide=wide role="dialog" aria-modal="true" aria-labelledby=labelled_by
                node_ref=dialog on:keydown=on_keydown>
                {children()}
            </div>
        </div>
    }
}

/// The focusable elements of `el`, in document order.
fn focusables(el: &Element) -> Vec<HtmlElement> {
    let Ok(list) = el.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// On Tab from the last element (Shift+Tab from the first), wraps to the other end.
/// Returns true when it moved focus itself.
fn keep_focus_inside(dialog: &Element, backwards: bool) -> bool {
    let items = focusables(dialog);
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        return true;
    };
    let active = super::dom::active_element(&super::dom::root_of(dialog));
    let at = |e: &HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == e.unchecked_ref::<Element>())
    };
    let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
    let target = if backwards && (at(first) || !inside) {
        last
    } else if !backwards && (at(last) || !inside) {
        first
    } else {
        return false;
    };
    let _ = target.focus();
    true
}

/// Makes every sibling of the dialog's backdrop inert, except the notifications, which
/// must still be heard.
fn make_rest_inert(dialog: &Element, number: u32) {
    let Some(backdrop) = dialog.parent_element() else {
        return;
    };
    let Some(parent) = backdrop.parent_element() else {
        return;
    };
    let children = parent.children();
    for i in 0..children.length() {
        let Some(child) = children.item(i) else {
            continue;
        };
        let spared = child == backdrop
            || child.class_list().contains("toasts")
            || child.has_attribute("inert");
        if !spared {
            let _ = child.set_attribute("inert", "");
            let _ = child.set_attribute(INERT_MARK, &number.to_string());
        }
    }
}

/// Frees what [`make_rest_inert`] made inert.
fn free_inert(page: &web_sys::Node, number: u32) {
    let selector = format!("[{INERT_MARK}=\"{number}\"]");
    let found = if let Some(shadow) = page.dyn_ref::<web_sys::ShadowRoot>() {
        shadow.query_selector_all(&selector).ok()
    } else {
        page.dyn_ref::<web_sys::Document>()
            .and_then(|d| d.query_selector_all(&selector).ok())
    };
    let Some(list) = found else { return };
    for i in 0..list.length() {
        if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            let _ = el.remove_attribute("inert");
            let _ = el.remove_attribute(INERT_MARK);
        }
    }
}
