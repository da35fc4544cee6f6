//! Finds the spec operation for a request: the spec's path templates, compiled once, matched
//! segment by segment (a literal segment beats a `{parameter}` at the same place, so
//! `/vpn-gateways/availability-zones` is never read as a gateway id).

use axum::http::Method;
use percent_encoding::percent_decode_str;

/// One segment of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
}

struct Entry {
    segments: Vec<Segment>,
    method: Method,
    /// Index of the operation in the model.
    operation: usize,
}

/// The outcome of routing a request.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Routed {
    /// The operation and its path parameters (percent-decoded), in path order.
    Found {
        operation: usize,
        params: Vec<(String, String)>,
    },
    /// The path exists with other methods (the `Allow` header's value).
    NotAllowed(String),
    NoRoute,
}

/// Every path template of the specs with its methods.
pub(crate) struct Router {
    entries: Vec<Entry>,
}

/// The order methods are listed in `Allow`.
const METHOD_ORDER: [&str; 7] = ["POST", "GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

impl Router {
    /// `routes`: (path template, method, operation index).
    pub(crate) fn new<'a>(routes: impl IntoIterator<Item = (&'a str, Method, usize)>) -> Router {
        let entries = routes
            .into_iter()
            .map(|(path, method, operation)| Entry {
                segments: parse_template(path),
                method,
                operation,
            })
            .collect();
        Router { entries }
    }

    pub(crate) fn route(&self, method: &Method, path: &str) -> Routed {
        let segments: Vec<String> = path
            .split('/')
            .skip(1)
            .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
            .collect();
        let mut best: Option<Vec<bool>> = None;
        let mut candidates: Vec<(&Entry, Vec<(String, String)>)> = Vec::new();
        for entry in &self.entries {
            let Some(params) = matches(&entry.segments, &segments) else {
                continue;
            };
            // Literal positions, left to right: the more literal, earlier, the better.
            let key: Vec<bool> = entry
                .segments
                .iter()
                .map(|s| matches!(s, Segment::Literal(_)))
                .collect();
            match &best {
                Some(b) if *b > key => continue,
                Some(b) if *b == key => {}
                _ => {
                    best = Some(key);
                    candidates.clear();
                }
            }
            candidates.push((entry, params));
        }
        if candidates.is_empty() {
            return Routed::NoRoute;
        }
        if let Some((entry, params)) = candidates.iter().find(|(e, _)| e.method == method) {
            return Routed::Found {
                operation: entry.operation,
                params: params.clone(),
            };
        }
        let mut allow: Vec<&str> = candidates.iter().map(|(e, _)| e.method.as_str()).collect();
        allow.sort_by_key(|m| METHOD_ORDER.iter().position(|o| o == m).unwrap_or(99));
        allow.dedup();
        Routed::NotAllowed(allow.join(", "))
    }
}

fn parse_template(path: &str) -> Vec<Segment> {
    path.split('/')
        .skip(1)
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_string()),
                None => Segment::Literal(s.to_string()),
            },
        )
        .collect()
}

/// The path parameters when `path` fits `template`.
fn matches(template: &[Segment], path: &[String]) -> Option<Vec<(String, String)>> {
    if template.len() != path.len() {
        return None;
    }
    let mut params = Vec::new();
    for (t, p) in template.iter().zip(path) {
        match t {
            Segment::Literal(l) if l == p => {}
            Segment::Param(name) if !p.is_empty() => params.push((name.clone(), p.clone())),
            _ => return None,
        }
    }
    Some(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router() -> Router {
        Router::new([
            ("/v5/{project_id}/vpn-gateways", Method::POST, 0),
            ("/v5/{project_id}/vpn-gateways", Method::GET, 1),
            ("/v5/{project_id}/vpn-gateways/{vgw_id}", Method::GET, 2),
            (
                "/v5/{project_id}/vpn-gateways/availability-zones",
                Method::GET,
                3,
            ),
        ])
    }

    #[test]
    fn literals_beat_parameters() {
        let r = router();
        assert_eq!(
            r.route(&Method::GET, "/v5/p/vpn-gateways/availability-zones"),
            Routed::Found {
                operation: 3,
                params: vec![("project_id".into(), "p".into())]
            }
        );
        assert_eq!(
            r.route(&Method::GET, "/v5/p/vpn-gateways/a%20b"),
            Routed::Found {
                operation: 2,
                params: vec![
                    ("project_id".into(), "p".into()),
                    ("vgw_id".into(), "a b".into())
                ]
            }
        );
        assert_eq!(
            r.route(&Method::DELETE, "/v5/p/vpn-gateways/availability-zones"),
            Routed::NotAllowed("GET".into())
        );
        assert_eq!(
            r.route(&Method::PATCH, "/v5/p/vpn-gateways"),
            Routed::NotAllowed("POST, GET".into())
        );
        assert_eq!(r.route(&Method::GET, "/v5"), Routed::NoRoute);
        assert_eq!(
            r.route(&Method::GET, "/v5/p/vpn-gateways/"),
            Routed::NoRoute
        );
    }
}
