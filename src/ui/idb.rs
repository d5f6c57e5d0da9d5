//! IndexedDB as futures: opening a database with its one object store, and waiting for a
//! request or a transaction. Shared by the journal and the vault, each in its own database.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest};

/// Opens database `name` (version 1), creating its object store `store` the first time;
/// `auto_increment` gives the store generated keys. The connection closes itself when
/// another page deletes or upgrades the database: holding it open would leave that page
/// waiting (WebKit also holds the next page load of this tab behind it).
pub async fn open(
    name: &str,
    store: &'static str,
    auto_increment: bool,
) -> Result<IdbDatabase, String> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or("This browser keeps no IndexedDB here (a private window?).")?;
    let open = factory
        .open_with_u32(name, 1)
        .map_err(|_| "IndexedDB refused to open.")?;
    let on_upgrade = Closure::once_into_js({
        let open = open.clone();
        move |_: JsValue| {
            if let Ok(db) = open.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
                if !db.object_store_names().contains(store) {
                    let options = web_sys::IdbObjectStoreParameters::new();
                    options.set_auto_increment(auto_increment);
                    let _ = db.create_object_store_with_optional_parameters(store, &options);
                }
            }
        }
    });
    open.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    let db: IdbDatabase = done(open.unchecked_ref::<IdbRequest>())
        .await?
        .dyn_into()
        .map_err(|_| "IndexedDB answered with something else.".to_owned())?;
    let closing = db.clone();
    let step_aside = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| closing.close());
    db.set_onversionchange(Some(step_aside.as_ref().unchecked_ref()));
    // Lives as long as the connection: dropped with it, never called after.
    step_aside.forget();
    Ok(db)
}

/// The result of an IndexedDB request, once it succeeds.
pub async fn done(req: &IdbRequest) -> Result<JsValue, String> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let answered = req.clone();
        let ok = Closure::once_into_js(move |_: JsValue| {
            let _ = resolve.call1(
                &JsValue::NULL,
                &answered.result().unwrap_or(JsValue::UNDEFINED),
            );
        });
        let failed = Closure::once_into_js(move |_: JsValue| {
            let _ = reject.call0(&JsValue::NULL);
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(failed.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map_err(|_| "IndexedDB refused the request.".to_owned())
}

/// Waits until a transaction has committed.
pub async fn done_tx(tx: &web_sys::IdbTransaction) -> Result<(), String> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move |_: JsValue| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = Closure::once_into_js(move |_: JsValue| {
            let _ = reject.call0(&JsValue::NULL);
        });
        tx.set_oncomplete(Some(ok.unchecked_ref()));
        tx.set_onerror(Some(failed.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map(drop)
        .map_err(|_| "The write did not complete.".to_owned())
}
