//! The client's address: the TCP peer, or — when the peer is a reverse proxy we were
//! told to trust — the address that proxy says it serves. Limits and the audit log use
//! it; a header alone is never believed, since anyone can send one.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request};
use ipnet::IpNet;

/// The header a trusted proxy puts the client's address in. Only one is read: a proxy
/// that sets one passes the other through as the client sent it, so reading both would
/// let a client choose its own address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (nginx, Caddy, HAProxy, most load
    /// balancers).
    #[default]
    XForwardedFor,
    /// `Forwarded: for=client, for=proxy1` (RFC 7239).
    Forwarded,
}

impl ForwardedHeader {
    pub fn parse(text: &str) -> Option<ForwardedHeader> {
        match text.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Some(ForwardedHeader::XForwardedFor),
            "forwarded" => Some(ForwardedHeader::Forwarded),
            _ => None,
        }
    }
}

/// The reverse proxies in front of the server (`SHURA_TRUSTED_PROXIES`) and the header
/// they set (`SHURA_FORWARDED_HEADER`). Empty: the server faces clients directly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
    header: ForwardedHeader,
}

impl TrustedProxies {
    /// A comma-separated list of addresses (`10.0.0.5`) and networks (`10.0.0.0/8`);
    /// `Err` names the entry that is neither.
    pub fn parse(list: &str, header: ForwardedHeader) -> Result<TrustedProxies, String> {
        let nets = list
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| entry.to_owned())
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TrustedProxies { nets, header })
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.nets.iter().any(|net| net.contains(&ip))
    }

    /// The client's address for a request from `peer` with `headers`: `peer` itself
    /// unless it is a trusted proxy; then, walking the proxy's list from the right
    /// (the hop nearest to us), the first address that is not a trusted proxy. An entry
    /// that is not an address ends the walk at the last proxy that spoke: what lies
    /// left of it cannot be checked.
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical(peer);
        if !self.trusts(client) {
            return client;
        }
        for hop in self.hops(headers).into_iter().rev() {
            let Some(ip) = hop else {
                return client;
            };
            client = canonical(ip);
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }

    /// The addresses the header lists, left (the original client) to right; `None` for
    /// an entry that is not an address (`unknown`, an obfuscated name, garbage). Several
    /// header lines count as one list, in order.
    fn hops(&self, headers: &HeaderMap) -> Vec<Option<IpAddr>> {
        let name = match self.header {
            ForwardedHeader::XForwardedFor => "x-forwarded-for",
            ForwardedHeader::Forwarded => "forwarded",
        };
        let mut hops = Vec::new();
        for value in headers.get_all(name) {
            let Ok(value) = value.to_str() else {
                hops.push(None);
                continue;
            };
            for element in value.split(',') {
                let hop = match self.header {
                    ForwardedHeader::XForwardedFor => parse_node(element),
                    ForwardedHeader::Forwarded => forwarded_for(element),
                };
                hops.push(hop);
            }
        }
        hops
    }
}

/// The `for=` node of one `Forwarded` element (`for=192.0.2.1;proto=https`).
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("for")
            .then(|| parse_node(value))
            .flatten()
    })
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// `[2001:db8::1]:4711`, possibly in quotes.
fn parse_node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    let bracketed = text.strip_prefix('[')?;
    let (inner, _) = bracketed.split_once(']')?;
    inner.parse::<IpAddr>().ok()
}

/// IPv4 clients of a dual-stack socket arrive as `::ffff:a.b.c.d`: the same client.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// The client's address of a request, put there by [`layer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Middleware that records every request's [`ClientAddr`]. Without a peer (requests
/// not served from a socket) the address is `0.0.0.0`.
pub async fn record(proxies: Arc<TrustedProxies>, mut req: Request<Body>) -> Request<Body> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |ci| ci.0.ip());
    let client = proxies.client_address(peer, req.headers());
    req.extensions_mut().insert(ClientAddr(client));
    req
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(name: &'static str, values: &[&'static str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(name, HeaderValue::from_static(v));
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    #[test]
    fn without_trusted_proxies_the_headers_are_ignored() {
        let none = TrustedProxies::default();
        let h = headers("x-forwarded-for", &["203.0.113.9"]);
        assert_eq!(
            none.client_address(ip("198.51.100.1"), &h),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn an_untrusted_peer_cannot_choose_its_address() {
        let proxies =
            TrustedProxies::parse("10.0.0.0/8", ForwardedHeader::XForwardedFor).expect("list");
        let h = headers("x-forwarded-for", &["203.0.113.9"]);
        assert_eq!(
            proxies.client_address(ip("198.51.100.1"), &h),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn the_right_most_untrusted_address_is_the_client() {
        let proxies =
            TrustedProxies::parse(" 10.0.0.1, 10.1.0.0/16 ", ForwardedHeader::XForwardedFor)
                .expect("list");
        // What the client wrote itself ("1.2.3.4") is left of what the proxies added.
        let h = headers("x-forwarded-for", &["1.2.3.4, 203.0.113.9", "10.1.2.3"]);
        assert_eq!(
            proxies.client_address(ip("10.0.0.1"), &h),
            ip("203.0.113.9")
        );
        // Garbage the proxy passed on stops the walk at the proxy that added it.
        let h = headers("x-forwarded-for", &["203.0.113.9, unknown, 10.1.2.3"]);
        assert_eq!(proxies.client_address(ip("10.0.0.1"), &h), ip("10.1.2.3"));
        // No header: the proxy itself.
        assert_eq!(
            proxies.client_address(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn forwarded_elements_give_their_for_node() {
        let proxies = TrustedProxies::parse("10.0.0.1", ForwardedHeader::Forwarded).expect("list");
        let h = headers(
            "forwarded",
            &[r#"for=192.0.2.60;proto=http, For="[2001:db8:cafe::17]:4711";by=10.0.0.1"#],
        );
        assert_eq!(
            proxies.client_address(ip("10.0.0.1"), &h),
            ip("2001:db8:cafe::17")
        );
        // The other header is the client's own text: not read.
        let h = headers("x-forwarded-for", &["203.0.113.9"]);
        assert_eq!(proxies.client_address(ip("10.0.0.1"), &h), ip("10.0.0.1"));
    }

    #[test]
    fn mapped_ipv4_peers_are_ipv4() {
        let proxies =
            TrustedProxies::parse("127.0.0.1", ForwardedHeader::XForwardedFor).expect("list");
        let h = headers("x-forwarded-for", &["203.0.113.9:5555"]);
        assert_eq!(
            proxies.client_address(ip("::ffff:127.0.0.1"), &h),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_bad_entry_is_named() {
        let err = TrustedProxies::parse("10.0.0.1, proxy.example", ForwardedHeader::XForwardedFor)
            .expect_err("bad entry");
        assert_eq!(err, "proxy.example");
    }
}
