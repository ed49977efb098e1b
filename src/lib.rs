//! formulary: a static site generator for patient-education websites about medicines.
//!
//! The pipeline: [`load`] reads the files, [`site`] builds the model once, [`render`] turns
//! pages into HTML, [`write`] owns the output directory. [`checks`] read the model; the
//! command line lives in `main.rs`.

pub mod alloc;
pub mod ascii;
pub mod build;
pub mod checks;
pub mod config;
pub mod diagnostic;
pub mod load;
pub mod markdown;
pub mod new_page;
pub mod readability;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod suggest;
pub mod write;

#[cfg(test)]
mod test_site;
