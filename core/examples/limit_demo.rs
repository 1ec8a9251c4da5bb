//! `make demo`, limiter scene: a burst of login attempts from one client IP (behind a trusted
//! proxy) for one user, checked per-IP AND per-user in one atomic decision, printing each verdict
//! with the `Retry-After` and `RateLimit` header values a service would send.

use std::net::{IpAddr, Ipv4Addr};

use apiward::limit::{self, client_ip, KeyedCheck, Limiter, Quota};

const SECOND: u64 = limit::NANOS_PER_SECOND;

fn main() -> Result<(), limit::Error> {
    // Login: 5 per minute per user; and 10 per minute per client IP.
    let mut per_user = Limiter::<1024>::new(Quota::LOGIN, *b"demo-seed-user!!");
    let mut per_ip = Limiter::<4096>::new(Quota::per_minute(10)?, *b"demo-seed-ip-key");

    // The service sits behind a proxy at 10.0.0.2; the client's own X-Forwarded-For entry
    // (a spoofed 1.2.3.4) is ignored because only the proxy's appended hop is trusted.
    let trusted = [client_ip::Cidr { addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0)), prefix: 8 }];
    let trust = client_ip::TrustedProxies::Cidrs { cidrs: &trusted, header: client_ip::ChainHeader::XForwardedFor };
    let peer = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
    let xff: [&[u8]; 1] = [b"1.2.3.4, 203.0.113.9"];
    let ip = client_ip::resolve_client_ip(peer, &xff, &[], &trust);
    let mut key_buf = [0u8; client_ip::CLIENT_KEY_LEN];
    let ip_key = client_ip::client_key(ip, client_ip::DEFAULT_V6_PREFIX, &mut key_buf);
    println!("apiward limiter: POST /login, client {ip} (via proxy {peer}), user ada; login quota 5/min per user, 10/min per IP");

    let mut buf = [0u8; 128];
    for (i, t) in [0u64, 1, 2, 3, 4, 5, 6, 30, 61].into_iter().enumerate() {
        let now = t * SECOND;
        let mut checks: [(&mut dyn KeyedCheck, &[u8], u32); 2] = [(&mut per_ip, ip_key, 1), (&mut per_user, b"ada", 1)];
        let (which, d) = limit::check_all(&mut checks, now)?;
        let scope = if which == 0 { "ip" } else { "user" };
        let rate = limit::ratelimit(&mut buf, "login", &d)?.to_owned();
        if d.allowed {
            println!("  t={t:>3}s  #{:<2} 200 allowed  remaining={}  RateLimit: {rate}", i + 1, d.remaining);
        } else {
            let retry = limit::retry_after(&mut buf, &d)?.to_owned();
            println!("  t={t:>3}s  #{:<2} 429 denied by {scope:<4} Retry-After: {retry:<3} RateLimit: {rate}", i + 1);
        }
    }
    Ok(())
}
