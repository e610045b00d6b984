//! One way to spread independent reads over the cores: start-up unseals and
//! decodes thousands of values, each on its own, and the laptops have two to
//! eight cores.

/// `f` applied to every item, in order, on up to eight threads. Small inputs
/// stay on this thread: below `min` items, starting threads costs more than it saves.
pub fn map<T: Sync, R: Send>(items: &[T], min: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    if cores == 1 || items.len() < min.max(2) {
        return items.iter().map(f).collect();
    }
    let f = &f;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(items.len().div_ceil(cores))
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for part in parts {
            out.extend(part.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        out
    })
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
