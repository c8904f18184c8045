//! Deterministic shuffles: the same attempt always shows the same order, different attempts
//! different orders, with no state to store.

/// A permutation of `0..n` seeded by `seed` (e.g. a session id plus a purpose).
pub fn permutation(seed: &str, n: usize) -> Vec<usize> {
    let mut state = crate::telemetry::paste_fingerprint(seed)
        .chars()
        .fold(0x9e37_79b9_7f4a_7c15_u64, |h, c| h.rotate_left(5) ^ u64::from(c))
        | 1;
    let mut next = move || {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_order_and_always_a_permutation() {
        let a = permutation("session-1/questions", 10);
        assert_eq!(a, permutation("session-1/questions", 10));
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..10).collect::<Vec<_>>());
        assert!(permutation("x", 0).is_empty());
        assert_eq!(permutation("x", 1), vec![0]);
    }

    #[test]
    fn different_seeds_give_different_orders() {
        let orders: std::collections::HashSet<Vec<usize>> =
            (0..20).map(|i| permutation(&format!("session-{i}"), 6)).collect();
        assert!(orders.len() > 10, "only {} distinct orders of 20", orders.len());
    }
}
