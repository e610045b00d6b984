//! Made-up families, for the demo (`demo`), for trying the program at scale
//! (`examples/gen.rs`) and for the benchmarks: one source of random numbers,
//! one set of names from Luton's languages, one table of notes.

mod names;
pub mod notes;
mod rng;
pub mod store;

pub use rng::Rng;
