//! What the sandbox serves beyond the documented calls: lists in pages (Django REST
//! framework's for Respan, page and limit for Barndoor), a mount with its read calls turned
//! off, the panel's files with CORS for the origins the APIs allow, and the requests it
//! received, for browser tests whose driver cannot watch the network.

use reqwest::Client;
use serde_json::Value;
use switchboard_sandbox::Seed;

mod common;

async fn get(http: &Client, url: &str, auth: &str) -> (u16, Value) {
    let res = http
        .get(url)
        .header("Authorization", auth)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn respan_pages_follow_next_links_to_the_end() {
    let s = common::start_with(Seed::Synthetic(25), ":memory:", |c| c.page_size = Some(10)).await;
    let http = Client::new();
    let auth = "Bearer demo-respan-key";
    let mut url = format!("{}/respan/api/providers/", s.base);
    let (mut ids, mut pages) = (Vec::new(), 0);
    loop {
        let (status, v) = get(&http, &url, auth).await;
        assert_eq!(status, 200, "{url}");
        assert_eq!(v["count"], 25);
        pages += 1;
        if pages == 1 {
            assert_eq!(v["previous"], Value::Null);
        } else {
            assert!(v["previous"]
                .as_str()
                .is_some_and(|p| p.starts_with(&s.base)));
        }
        ids.extend(
            v["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_i64().unwrap()),
        );
        match v["next"].as_str() {
            Some(next) => {
                // An absolute link on the server's own origin, as DRF builds it.
                assert!(
                    next.starts_with(&format!("{}/respan/api/providers/?page=", s.base)),
                    "{next}"
                );
                url = next.to_owned();
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(ids, (1..=25).collect::<Vec<i64>>());
    // The request's own page size wins over the default; past the end is DRF's 404.
    let (_, v) = get(
        &http,
        &format!("{}/respan/api/providers/?page_size=20", s.base),
        auth,
    )
    .await;
    assert_eq!(v["results"].as_array().unwrap().len(), 20);
    let (status, v) = get(
        &http,
        &format!("{}/respan/api/providers/?page=4", s.base),
        auth,
    )
    .await;
    assert_eq!((status, v["detail"].as_str()), (404, Some("Invalid page.")));
}

#[tokio::test]
async fn respan_lists_whole_unless_asked_and_barndoor_pages_with_limit() {
    let s = common::start(Seed::Synthetic(25), ":memory:").await;
    let http = Client::new();
    let (_, v) = get(
        &http,
        &format!("{}/respan/api/providers/", s.base),
        "Bearer demo-respan-key",
    )
    .await;
    assert_eq!(
        (v["results"].as_array().unwrap().len(), &v["next"]),
        (25, &Value::Null)
    );
    let bd = "Bearer demo-barndoor-jwt";
    let list = format!("{}/barndoor/api/llm-gateway/admin/providers", s.base);
    let (_, whole) = get(&http, &list, bd).await;
    assert_eq!(whole.as_array().unwrap().len(), 25);
    let (_, v) = get(&http, &format!("{list}?page=3&limit=10"), bd).await;
    assert_eq!(
        (&v["page"], &v["limit"], &v["total"]),
        (&Value::from(3), &Value::from(10), &Value::from(25))
    );
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert_eq!(items[0]["id"], whole[20]["id"]);
}

#[tokio::test]
async fn a_mount_with_reads_off_answers_405_to_reads_and_still_updates() {
    let s = common::start_with(Seed::Demo, ":memory:", |c| {
        c.no_reads = vec!["libredesk".into()]
    })
    .await;
    let http = Client::new();
    let auth = "token demo-libredesk-key:demo-libredesk-secret";
    let url = format!("{}/libredesk/api/v1/ai/provider", s.base);
    let res = http
        .get(&url)
        .header("Authorization", auth)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 405);
    assert_eq!(res.headers()["allow"], "PUT");
    let res = http
        .put(&url)
        .header("Authorization", auth)
        .header("Content-Type", "application/json")
        .body(r#"{"provider":"openai","api_key":"sk-x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    // Other mounts still read.
    let (status, _) = get(
        &http,
        &format!("{}/respan/api/providers/", s.base),
        "Bearer demo-respan-key",
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_panel_files_carry_cors_for_the_origins_the_apis_allow() {
    let dist = std::env::temp_dir().join(format!("sb-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html>").unwrap();
    std::fs::write(dist.join("switchboard-element.js"), "// element").unwrap();
    let d = dist.clone();
    let s = common::start_with(Seed::Demo, ":memory:", move |c| c.dist = Some(d)).await;
    let http = Client::new();
    let url = format!("{}/switchboard-element.js", s.base);
    let from = |origin: &'static str| http.get(&url).header("Origin", origin).send();
    let local = from("http://localhost:5173").await.unwrap();
    assert_eq!(local.status().as_u16(), 200);
    assert_eq!(
        local.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    let listed = from("https://admin.example.com").await.unwrap();
    assert_eq!(
        listed.headers()["access-control-allow-origin"],
        "https://admin.example.com"
    );
    let other = from("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    let _ = std::fs::remove_dir_all(&dist);
}

#[tokio::test]
async fn keeps_the_requests_it_received_until_told_to_forget() {
    let s = common::start(Seed::Demo, ":memory:").await;
    let http = Client::new();
    let url = format!("{}/respan/api/providers/3/", s.base);
    let res = http
        .patch(&url)
        .header("Authorization", "Bearer demo-respan-key")
        .header("Content-Type", "application/json")
        .body(r#"{"provider_name":"Kept"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    // A preflight is answered by the CORS layer and not kept.
    let pre = http
        .request(reqwest::Method::OPTIONS, &url)
        .header("Origin", "http://localhost:9")
        .header("Access-Control-Request-Method", "PATCH")
        .send()
        .await
        .unwrap();
    assert!(pre.status().is_success());
    let kept: Value = http
        .get(format!("{}/_sandbox/requests", s.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kept = kept.as_array().unwrap();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0]["method"], "PATCH");
    assert_eq!(kept[0]["path"], "/respan/api/providers/3/");
    assert_eq!(
        kept[0]["headers"]["authorization"],
        "Bearer demo-respan-key"
    );
    assert_eq!(kept[0]["headers"]["content-type"], "application/json");
    assert_eq!(kept[0]["body"], r#"{"provider_name":"Kept"}"#);
    let gone = http
        .delete(format!("{}/_sandbox/requests", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status().as_u16(), 204);
    let (_, after) = get(&http, &format!("{}/_sandbox/requests", s.base), "").await;
    assert_eq!(after, Value::Array(vec![]));
}
