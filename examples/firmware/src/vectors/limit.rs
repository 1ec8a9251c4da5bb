//! Rate-limit vectors: every scenario step against one fixed-capacity table, the end counters, quota
//! construction errors and the header values.

use apiward::limit::{self, Decision, FullPolicy, Limiter, Quota};

use super::data::{QuotaSpec, Scenario, HEADERS, LIMIT_SCENARIOS, LIMIT_SEED, QUOTA_ERRORS};
use crate::show::{Opt, Res};
use crate::{stack, Report, Tally};

fn quota_of(q: &QuotaSpec) -> Result<Quota, limit::Error> {
    let count = u32::try_from(q.count).unwrap_or(u32::MAX);
    let quota = Quota::new(count, q.period_ns)?;
    match q.burst {
        Some(b) => quota.with_burst(u32::try_from(b).unwrap_or(u32::MAX)),
        None => Ok(quota),
    }
}

/// Runs one scenario on a table of N slots; returns (all steps matched, failing step or usize::MAX).
#[inline(never)]
fn scenario<const N: usize>(s: &Scenario, report: &mut Report) -> (bool, usize) {
    let Ok(quota) = quota_of(&s.quota) else { return (false, 0) };
    let policy = if s.admit { FullPolicy::Admit } else { FullPolicy::Deny };
    let mut table: Limiter<N> = Limiter::new(quota, LIMIT_SEED).with_full_policy(policy);
    for (i, step) in s.steps.iter().enumerate() {
        let cost = u32::try_from(step.cost).unwrap_or(u32::MAX);
        let (got, used) = stack::measure(|| table.check(step.key, step.now_ns, cost));
        report.record("limiter check", used);
        let want = Decision {
            allowed: step.allowed,
            remaining: u32::try_from(step.remaining).unwrap_or(u32::MAX),
            retry_after_ns: step.retry_after_ns,
            reset_after_ns: step.reset_after_ns,
            limit: quota.burst(),
        };
        if got != want {
            return (false, i);
        }
    }
    (table.evictions() == s.evictions && table.full_denials() == s.full_denials, usize::MAX)
}

/// Runs the limiter vectors.
#[inline(never)]
pub fn run(tally: &mut Tally, report: &mut Report) {
    for s in LIMIT_SCENARIOS {
        let (ok, step) = match s.capacity {
            4 => scenario::<4>(s, report),
            64 => scenario::<64>(s, report),
            _ => (false, 0),
        };
        if ok {
            tally.check(true, format_args!("limit {}: {} steps, counters match", s.name, s.steps.len()));
        } else {
            tally.check(false, format_args!("limit {} (capacity {}): mismatch at step {}", s.name, s.capacity, step));
        }
    }
    for q in QUOTA_ERRORS {
        let got = quota_of(&q.quota).err().map(|e| e.code());
        tally.check(got == q.error, format_args!("limit quota {}: {} (expected {})", q.name, Opt(got), Opt(q.error)));
    }
    let mut buf = [0u8; 128];
    for h in HEADERS {
        let decision = h.decision.as_ref().map(|d| Decision {
            allowed: d.retry_after_ns == 0,
            remaining: u32::try_from(d.remaining).unwrap_or(u32::MAX),
            retry_after_ns: d.retry_after_ns,
            reset_after_ns: d.reset_after_ns,
            limit: 1,
        });
        let got = match (h.header, &decision, &h.quota) {
            ("Retry-After", Some(d), _) => limit::retry_after(&mut buf, d).map_err(|e| e.code()),
            ("RateLimit", Some(d), _) => limit::ratelimit(&mut buf, h.policy_name, d).map_err(|e| e.code()),
            ("RateLimit-Policy", _, Some(q)) => match quota_of(q) {
                Ok(q) => limit::ratelimit_policy(&mut buf, h.policy_name, &q).map_err(|e| e.code()),
                Err(e) => Err(e.code()),
            },
            _ => Err("vector not understood"),
        };
        let ok = got == h.expect;
        tally.check(ok, format_args!("limit header {}: {} (expected {})", h.name, Res(got), Res(h.expect)));
    }
}
