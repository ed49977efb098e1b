//! The HTTP server (axum on tokio): answers from the current snapshot, with the right content
//! types, the site's 404 page, no directory listings and nothing outside the site; streams
//! reload events to open pages.

use super::{inject, Shared};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::convert::Infallible;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

pub fn router(state: Shared) -> Router {
    Router::new().fallback(handle).with_state(state)
}

/// The site path a request names, or `None` if it tries to leave the site.
pub fn site_path(raw: &str) -> Option<String> {
    let decoded = crate::site::links::percent_decode(raw);
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if decoded.ends_with('/') && !path.is_empty() {
        path.push('/');
    }
    Some(path)
}

async fn handle(State(state): State<Shared>, uri: Uri) -> Response {
    if uri.path() == inject::EVENTS_PATH {
        return events(state).await.into_response();
    }
    let Some(path) = site_path(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    let snap = state.current();
    let Some(files) = &snap.files else {
        return html(
            StatusCode::INTERNAL_SERVER_ERROR,
            inject::error_page(&snap.diagnostics, &snap.build_id),
        );
    };
    let key = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    if let Some(bytes) = files.get(&key) {
        return file(&key, bytes, &snap.diagnostics, &snap.build_id);
    }
    if !path.ends_with('/') && files.contains_key(&format!("{path}/index.html")) {
        let location = format!("/{path}/");
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, location)],
        )
            .into_response();
    }
    match files.get("404.html") {
        Some(b) => html(
            StatusCode::NOT_FOUND,
            inject::inject(b, &snap.diagnostics, &snap.build_id),
        ),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn file(
    path: &str,
    bytes: &[u8],
    diags: &[crate::diagnostic::Diagnostic],
    build: &str,
) -> Response {
    if path.ends_with(".html") {
        return html(StatusCode::OK, inject::inject(bytes, diags, build));
    }
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let mut resp = Response::new(Body::from(bytes.to_vec()));
    if let Ok(v) = HeaderValue::from_str(mime.as_ref()) {
        resp.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn html(status: StatusCode, body: Vec<u8>) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

async fn events(state: Shared) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = state.subscribe();
    let hello = Event::default().event("hello").data(state.build_id());
    let updates = BroadcastStream::new(rx).filter_map(|m| {
        m.ok()
            .map(|(kind, id): (&'static str, String)| Ok(Event::default().event(kind).data(id)))
    });
    let stream = tokio_stream::once(Ok(hello)).chain(updates);
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        for bad in [
            "/../etc/passwd",
            "/a/%2e%2e/%2e%2e/etc",
            "/a\\..\\b",
            "/%2E%2E/x",
            "/a/..%2fb",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
        assert_eq!(
            site_path("/drug-classes/serms/").as_deref(),
            Some("drug-classes/serms/")
        );
        assert_eq!(site_path("/style.css").as_deref(), Some("style.css"));
        assert_eq!(site_path("/").as_deref(), Some(""));
        assert_eq!(site_path("/my%20page/").as_deref(), Some("my page/"));
    }
}
