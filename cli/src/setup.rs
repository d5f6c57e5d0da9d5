//! Where the gateways are and how to authenticate: the panel's own `switchboard.json`
//! (a path, or the URL the panel reads it from), with credentials from the environment.

use switchboard::config;
use switchboard::dialect::Connection;
use switchboard::model::{Auth, AuthScheme};

/// The environment variable of one credential part of a connection:
/// `SWITCHBOARD_<PART>_<CONNECTION ID>`, the id upper-cased with every character that is
/// not a letter or digit as `_` (`prod-barndoor` → `SWITCHBOARD_TOKEN_PROD_BARNDOOR`).
pub fn env_name(part: &str, conn_id: &str) -> String {
    let id: String = conn_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("SWITCHBOARD_{part}_{id}")
}

/// The configuration's connections, base URLs made absolute and credentials taken from the
/// environment where it has them.
pub async fn connections(
    location: &str,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Vec<Connection>, String> {
    let is_url = location.starts_with("http://") || location.starts_with("https://");
    let text = if is_url {
        let answer = reqwest::get(location)
            .await
            .map_err(|e| format!("{location} could not be fetched: {e}"))?;
        if !answer.status().is_success() {
            return Err(format!("{location} answered {}", answer.status()));
        }
        answer
            .text()
            .await
            .map_err(|e| format!("{location} could not be read: {e}"))?
    } else {
        std::fs::read_to_string(location).map_err(|e| format!("{location}: {e}"))?
    };
    let cfg = config::parse(&text).map_err(|problems| problems.join("\n"))?;
    let mut out = Vec::with_capacity(cfg.connections.len());
    for mut conn in cfg.connections {
        conn.base_url = absolute(&conn.base_url, is_url.then_some(location))
            .map_err(|e| format!("connection \"{}\": {e}", conn.id))?;
        conn.auth = credential(&conn, &env);
        out.push(conn);
    }
    Ok(out)
}

/// A base URL as an absolute URL: as it is, or resolved against the configuration's URL
/// the way the panel resolves it against its page.
fn absolute(base: &str, config_url: Option<&str>) -> Result<String, String> {
    if base.contains("://") {
        return Ok(base.to_owned());
    }
    let Some(url) = config_url else {
        return Err(format!(
            "base_url \"{base}\" is relative to the panel's page: give --config as the URL the panel reads switchboard.json from, or make it absolute"
        ));
    };
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let origin_end = url
        .get(after_scheme..)
        .and_then(|rest| rest.find('/'))
        .map_or(url.len(), |i| after_scheme + i);
    let origin = url.get(..origin_end).unwrap_or(url);
    if base.starts_with('/') {
        return Ok(format!("{origin}{base}"));
    }
    let folder_end = url
        .rfind('/')
        .filter(|&i| i >= origin_end)
        .map_or(url.len(), |i| i + 1);
    let folder = url.get(..folder_end).unwrap_or(url);
    let sep = if folder.ends_with('/') { "" } else { "/" };
    Ok(format!("{folder}{sep}{base}"))
}

/// The connection's credential: from the environment when it has one (in the scheme the
/// configuration names, else the gateway's usual one), else the configuration's.
fn credential(conn: &Connection, env: &impl Fn(&str) -> Option<String>) -> Auth {
    let schemes = conn.gateway.auth_schemes();
    let scheme = schemes
        .iter()
        .copied()
        .find(|s| s.matches(&conn.auth))
        .or_else(|| schemes.first().copied())
        .unwrap_or(AuthScheme::Bearer);
    let var = |part: &str| env(&env_name(part, &conn.id)).filter(|v| !v.is_empty());
    if scheme.is_pair() {
        match (var("KEY"), var("SECRET")) {
            (Some(key), Some(secret)) => scheme.with(key, secret),
            _ => conn.auth.clone(),
        }
    } else {
        match var("TOKEN") {
            Some(token) => scheme.with(String::new(), token),
            None => conn.auth.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_base_urls_resolve_like_the_panel_does() {
        let at = Some("http://127.0.0.1:8080/admin/switchboard.json");
        assert_eq!(
            absolute("barndoor", at).unwrap(),
            "http://127.0.0.1:8080/admin/barndoor"
        );
        assert_eq!(
            absolute("/gw/respan", at).unwrap(),
            "http://127.0.0.1:8080/gw/respan"
        );
        assert_eq!(
            absolute("https://api.example.com", None).unwrap(),
            "https://api.example.com"
        );
        assert!(absolute("barndoor", None).unwrap_err().contains("--config"));
        assert_eq!(
            absolute("refactor", Some("http://h:1")).unwrap(),
            "http://h:1/refactor"
        );
    }

    #[test]
    fn credential_variables_are_named_after_the_connection() {
        assert_eq!(
            env_name("TOKEN", "prod-barndoor"),
            "SWITCHBOARD_TOKEN_PROD_BARNDOOR"
        );
        assert_eq!(env_name("KEY", "helpdesk"), "SWITCHBOARD_KEY_HELPDESK");
    }
}
