//! The item analysis of an exam: every question its counted attempts were asked, with its
//! facility, spread, discrimination and efficiency, and per option of a choice question how
//! often the top and the bottom third chose it. The marks come as one string per attempt
//! (`db::reports::marks`, the cheap way to read 500,000 of them); this module parses them,
//! lays them out as a table of attempts by items and leaves the arithmetic to
//! `shared::statistics`.

use super::super::db::reports::{self as store, FIELD, MARK};
use crate::error::AppError;
use crate::model::reports::{ItemRow, OptionRow};
use shared::question::{Body, QuestionContent};
use shared::statistics::{self, Analysis};
use std::borrow::Cow;
use std::collections::HashMap;

/// What the analysis needs of a question version, read from its content once.
pub(super) struct VersionInfo {
    pub points: f64,
    options: Vec<(String, String, bool)>,
}

pub(super) fn version_info(v: &store::VersionRow) -> VersionInfo {
    match serde_json::from_str::<QuestionContent>(&v.content_json) {
        Ok(c) => VersionInfo {
            points: c.points,
            options: match &c.body {
                Body::Choice { options, .. } => options
                    .iter()
                    .map(|o| (o.id.clone(), o.text.text.clone(), o.weight > 0.0))
                    .collect(),
                _ => Vec::new(),
            },
        },
        Err(e) => {
            tracing::warn!(version = %v.id, error = %e, "a question version's content is unreadable; counted as worth 0");
            VersionInfo {
                points: 0.0,
                options: Vec::new(),
            }
        }
    }
}

/// The option ids a saved choice answer names: a JSON list of ids, or one id. (Read by shape
/// rather than through an untagged enum, which would buffer every value first: this runs
/// once per mark.)
fn chosen_ids(value: &str) -> Vec<Cow<'_, str>> {
    let parsed = if value.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<Cow<str>>>(value).ok()
    } else {
        serde_json::from_str::<Cow<str>>(value).ok().map(|id| vec![id])
    };
    parsed.unwrap_or_default()
}

/// One question as an attempt was asked it, parsed from the attempt's marks string.
struct Mark<'a> {
    position: i64,
    version: &'a str,
    /// 0 when left unanswered; `None` while an essay waits for its grader (it does not count).
    awarded: Option<f64>,
    /// A choice question's saved answer (JSON), empty otherwise.
    value: &'a str,
}

fn parse_mark(raw: &str) -> Option<Mark<'_>> {
    let mut fields = raw.split(FIELD);
    let position = fields.next()?.parse().ok()?;
    let version = fields.next()?;
    let awarded = match fields.next()? {
        "" => Some(0.0),
        "-" => None,
        points => Some(points.parse().ok()?),
    };
    Some(Mark {
        position,
        version,
        awarded,
        value: fields.next().unwrap_or(""),
    })
}

/// A choice question's options: id, text, and whether it is worth points.
type Options = [(String, String, bool)];

/// What a mark of one version needs: its item, the points the version was worth, the item's
/// most points and its options.
#[derive(Clone, Copy)]
struct Slot<'a> {
    item: usize,
    worth: f64,
    max: f64,
    options: &'a Options,
}

/// One question of the analysis and the versions of it the attempts were asked.
struct Item<'a> {
    question_id: &'a str,
    /// The latest version asked: its title, kind and options stand for the question.
    shown: &'a store::VersionRow,
    /// The most points any of its versions carried; marks are scaled to it so a version
    /// worth other points still compares.
    max: f64,
    /// Where it stood in the attempts: its earliest position, and the sum and count of its
    /// positions (their mean orders items that share the earliest).
    first: i64,
    position_sum: i64,
    asked: i64,
}

impl Item<'_> {
    fn mean_position(&self) -> f64 {
        if self.asked > 0 {
            self.position_sum as f64 / self.asked as f64
        } else {
            0.0
        }
    }
}

/// The item analysis over the attempts `counted` (by id, one row each, in this order).
pub(super) async fn analyse(
    pool: &sqlx::AnyPool,
    exam_id: &str,
    counted: &[&str],
) -> Result<(Vec<ItemRow>, Analysis), AppError> {
    let rows = store::marks(pool, exam_id).await?;
    let row_of: HashMap<&str, usize> = counted.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut unreadable = 0usize;
    let marks: Vec<(usize, Vec<Mark>)> = rows
        .iter()
        .filter_map(|r| Some((*row_of.get(r.session_id.as_str())?, r)))
        .map(|(row, r)| {
            let pieces: Vec<&str> = r
                .marks
                .as_deref()
                .unwrap_or_default()
                .split(MARK)
                .filter(|m| !m.is_empty())
                .collect();
            let parsed: Vec<Mark> = pieces.iter().filter_map(|m| parse_mark(m)).collect();
            unreadable += pieces.len() - parsed.len();
            (row, parsed)
        })
        .collect();
    if unreadable > 0 {
        tracing::warn!(exam = %exam_id, marks = unreadable, "marks the report could not read were left out");
    }

    // Where each version stood, to order the items as the attempts met them.
    let mut seen: HashMap<&str, (i64, i64, i64)> = HashMap::new();
    for m in marks.iter().flat_map(|(_, ms)| ms) {
        let at = seen.entry(m.version).or_insert((m.position, 0, 0));
        at.0 = at.0.min(m.position);
        at.1 = at.1.saturating_add(m.position);
        at.2 += 1;
    }
    let ids: Vec<&str> = seen.keys().copied().collect();
    let versions = store::versions(pool, &ids).await?;
    let info: HashMap<&str, VersionInfo> = versions
        .iter()
        .map(|v| (v.id.as_str(), version_info(v)))
        .collect();

    let mut items: Vec<Item> = Vec::new();
    let mut item_of_question: HashMap<&str, usize> = HashMap::new();
    for v in &versions {
        let worth = info.get(v.id.as_str()).map_or(0.0, |i| i.points);
        let (first, sum, n) = seen.get(v.id.as_str()).copied().unwrap_or((0, 0, 0));
        let i = *item_of_question.entry(v.question_id.as_str()).or_insert_with(|| {
            items.push(Item {
                question_id: &v.question_id,
                shown: v,
                max: 0.0,
                first,
                position_sum: 0,
                asked: 0,
            });
            items.len() - 1
        });
        if let Some(item) = items.get_mut(i) {
            item.max = item.max.max(worth);
            item.first = item.first.min(first);
            if v.version_no > item.shown.version_no {
                item.shown = v;
            }
            item.position_sum = item.position_sum.saturating_add(sum);
            item.asked = item.asked.saturating_add(n);
        }
    }
    items.sort_by(|a, b| {
        a.first
            .cmp(&b.first)
            .then(a.mean_position().total_cmp(&b.mean_position()))
            .then(a.question_id.cmp(b.question_id))
    });
    let index: HashMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.question_id, i))
        .collect();
    let options_of = |item: &Item| -> &Options {
        info.get(item.shown.id.as_str())
            .map(|i| i.options.as_slice())
            .unwrap_or_default()
    };
    // Per version, all a mark needs: its item, the points it was worth, the item's options.
    let slot: HashMap<&str, Slot> = versions
        .iter()
        .filter_map(|v| {
            let i = *index.get(v.question_id.as_str())?;
            let item = items.get(i)?;
            let worth = info.get(v.id.as_str()).map_or(0.0, |v| v.points);
            Some((
                v.id.as_str(),
                Slot {
                    item: i,
                    worth,
                    max: item.max,
                    options: options_of(item),
                },
            ))
        })
        .collect();

    // The table of marks (attempts × items) and, per choice item, what each attempt chose.
    let mut table = vec![vec![None; items.len()]; counted.len()];
    let mut picks: Vec<Vec<(usize, Vec<usize>)>> = vec![Vec::new(); items.len()];
    for (row, ms) in &marks {
        for m in ms {
            let Some(&Slot {
                item: i,
                worth,
                max,
                options,
            }) = slot.get(m.version)
            else {
                continue;
            };
            if let (Some(awarded), Some(cell)) = (m.awarded, table.get_mut(*row).and_then(|r| r.get_mut(i))) {
                *cell = Some(if worth > 0.0 { awarded / worth * max } else { 0.0 });
            }
            if !options.is_empty() {
                let picked = chosen_ids(m.value)
                    .iter()
                    .filter_map(|id| options.iter().position(|(o, _, _)| o == id))
                    .collect();
                if let Some(list) = picks.get_mut(i) {
                    list.push((*row, picked));
                }
            }
        }
    }
    let max: Vec<f64> = items.iter().map(|it| it.max).collect();
    let analysis = statistics::analyse(&max, &table);
    let totals: Vec<f64> = table.iter().map(|r| r.iter().flatten().sum()).collect();
    let rows = items
        .iter()
        .zip(&analysis.items)
        .zip(picks)
        .enumerate()
        .map(|(i, ((item, stats), picked))| {
            let options = options_of(item);
            let by_total: Vec<(f64, Vec<usize>)> = picked
                .into_iter()
                .map(|(row, chose)| (totals.get(row).copied().unwrap_or(0.0), chose))
                .collect();
            let (uses, third) = statistics::option_use(&by_total, options.len());
            ItemRow {
                number: i + 1,
                question_id: item.question_id.to_string(),
                title: item.shown.title.clone(),
                kind: item.shown.kind.clone(),
                max_points: item.max,
                attempts: stats.attempts,
                facility: stats.facility,
                sd: stats.sd,
                discrimination: stats.discrimination,
                efficiency: stats.efficiency,
                concerns: stats.concerns(),
                options: options
                    .iter()
                    .zip(uses)
                    .map(|((_, text, right), u)| OptionRow {
                        text: text.clone(),
                        right: *right,
                        top: u.top,
                        bottom: u.bottom,
                    })
                    .collect(),
                third,
            }
        })
        .collect();
    Ok((rows, analysis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_reads_its_fields() {
        let raw = format!("3{FIELD}v-1{FIELD}0.5{FIELD}[\"a\",\"c\"]");
        let m = parse_mark(&raw).expect("a mark");
        assert_eq!((m.position, m.version, m.awarded), (3, "v-1", Some(0.5)));
        assert_eq!(chosen_ids(m.value), vec!["a", "c"]);
    }

    #[test]
    fn unanswered_counts_zero_and_an_ungraded_essay_not_at_all() {
        let unanswered = format!("0{FIELD}v{FIELD}{FIELD}");
        assert_eq!(parse_mark(&unanswered).map(|m| m.awarded), Some(Some(0.0)));
        let pending = format!("0{FIELD}v{FIELD}-{FIELD}");
        assert_eq!(parse_mark(&pending).map(|m| m.awarded), Some(None));
        assert!(parse_mark(&format!("x{FIELD}v{FIELD}1{FIELD}")).is_none());
        assert_eq!(chosen_ids("\"b\""), vec!["b"]);
        assert!(chosen_ids("not json").is_empty());
    }
}
