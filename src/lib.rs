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

/// The most pages one parallel job takes in the per-page loops (loading, assembling the
/// model, the bodies, the render).
/// Left to itself, rayon splits a list into a few long runs for two cores, and one that
/// ends its runs first waits while the other ends its own: up to 150 ms at the end of the
/// render of 10,000 pages. Runs of a few dozen pages end close together, and still cost
/// little to hand out.
pub const PAGES_PER_JOB: usize = 32;

/// Frees a large value (a site's model, a renderer's kept lists, the autolink matchers) on a
/// thread of its own: whoever waits, waits for the output, not for that. At the end of a
/// command the process exits without waiting for it either.
pub fn drop_later<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

#[cfg(test)]
mod test_site;
