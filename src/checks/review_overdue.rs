//! review-overdue: a page whose `reviewed` date plus `review.interval_months` is before today
//! (`SOURCE_DATE_EPOCH` when set, so builds are reproducible).

use crate::diagnostic::Diagnostic;
use crate::site::{Page, Site};
use chrono::{Datelike, NaiveDate};

/// "3 months ago", "1 month ago", "12 days ago", "yesterday".
pub fn ago(due: NaiveDate, today: NaiveDate) -> String {
    let mut months = (today.year() - due.year()) * 12 + today.month() as i32 - due.month() as i32;
    if today.day() < due.day() {
        months -= 1;
    }
    if months >= 12 && months % 12 == 0 {
        let y = months / 12;
        return format!("{y} year{} ago", if y == 1 { "" } else { "s" });
    }
    if months >= 1 {
        return format!("{months} month{} ago", if months == 1 { "" } else { "s" });
    }
    match (today - due).num_days() {
        1 => "yesterday".to_string(),
        d => format!("{d} days ago"),
    }
}

pub fn check(site: &Site, pages: &[&Page]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for page in pages {
        let (Some(reviewed), Some(due)) = (page.source.front.reviewed, page.review_due) else {
            continue;
        };
        if due.0 >= site.today {
            continue;
        }
        let months = site.config.review.interval_months;
        let msg = format!(
            "reviewed {reviewed}; review fell due on {due} ({months} months later), {}; \
             have a clinician review the page, then update `reviewed`",
            ago(due.0, site.today)
        );
        let d = Diagnostic::warning("review-overdue", &page.source.file, msg);
        out.push(page.source.diag_at_key(d, "reviewed"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn how_long_ago() {
        assert_eq!(ago(d("2026-01-01"), d("2026-01-02")), "yesterday");
        assert_eq!(ago(d("2026-01-01"), d("2026-01-20")), "19 days ago");
        assert_eq!(ago(d("2026-01-15"), d("2026-02-14")), "30 days ago");
        assert_eq!(ago(d("2026-01-15"), d("2026-02-15")), "1 month ago");
        assert_eq!(ago(d("2025-01-01"), d("2026-03-01")), "14 months ago");
        assert_eq!(ago(d("2024-01-01"), d("2026-01-01")), "2 years ago");
    }
}
