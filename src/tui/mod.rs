//! placeholder
use crate::clock::Clock;
use crate::commands::Failure;
use crate::store::Store;
use chrono::NaiveDate;
use std::rc::Rc;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub group: Option<String>,
    pub date: Option<NaiveDate>,
    pub demo: bool,
}

pub fn run(_store: Store, _clock: Rc<dyn Clock>, _options: Options) -> Result<(), Failure> {
    Ok(())
}
