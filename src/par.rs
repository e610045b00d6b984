//! One way to spread independent reads over the cores: start-up unseals and
//! decodes thousands of values, each on its own, and the laptops have two to
//! eight cores.

/// `f` applied to every item, in order, on up to eight threads. Small inputs
/// stay on this thread: below `min` items, starting threads costs more than it saves.
pub fn map<T: Sync, R: Send>(items: &[T], min: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let mut states = vec![(); cores()];
    map_chunks_with(items, &mut states, min, |_, part| part.iter().map(&f).collect())
}

/// How many threads `map` uses: the cores, up to eight.
pub fn cores() -> usize {
    // Asked once: on Linux the answer reads the cgroup's files, which costs
    // more than a check-in's own work.
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()).min(8))
}

/// `f` applied to a part of `items` a state, the parts' results joined in
/// order: for work that needs scratch space of its own (a matcher), kept
/// between calls. Below `min` items, or with one state, on this thread.
pub fn map_chunks_with<T: Sync, S: Send, R: Send>(
    items: &[T],
    states: &mut [S],
    min: usize,
    f: impl Fn(&mut S, &[T]) -> Vec<R> + Sync,
) -> Vec<R> {
    let alone = states.len() == 1 || items.len() < min.max(2);
    let Some(first) = states.first_mut() else { return vec![] };
    if alone {
        return f(first, items);
    }
    let f = &f;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(items.len().div_ceil(states.len()))
            .zip(states.iter_mut())
            .map(|(part, state)| scope.spawn(move || f(state, part)))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for part in parts {
            out.extend(part.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        out
    })
}

/// Drops `value` on a thread of its own: freeing a merge's millions of small
/// allocations takes a second, and nothing waits for it.
/// (With no thread to be had, the closure and the value in it are dropped here.)
pub fn drop_later<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().name("drop".into()).spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order_whatever_the_size() {
        for n in [0, 1, 5, 999, 1000, 4321] {
            let items: Vec<usize> = (0..n).collect();
            let doubled = super::map(&items, 10, |i| i * 2);
            assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>(), "{n} items");
        }
    }
}
