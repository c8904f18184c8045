//! What an item's interaction asks and which responses are right: its response declaration
//! (correct values, mapped scores) read into Vigil's question body.

use super::{all_text, attr, children, is, key, Item};
use crate::question::{
    option_id, AcceptedAnswer, Body, ChoiceOption, NumericAnswer, NumericMatch, Text, TextFormat,
};
use roxmltree::Node;

pub(super) struct Declaration {
    base_type: String,
    correct: Vec<String>,
    mapping: Vec<(String, f64, bool)>,
}

pub(super) fn declarations(item: Node) -> Vec<(String, Declaration)> {
    children(item, "responsedeclaration")
        .map(|d| {
            let values = |n: Option<Node>| -> Vec<String> {
                n.map(|n| children(n, "value").map(all_text).collect())
                    .unwrap_or_default()
            };
            let mapping = children(d, "mapping")
                .flat_map(|m| children(m, "mapentry"))
                .map(|e| {
                    (
                        attr(e, "mapkey").unwrap_or_default().to_string(),
                        attr(e, "mappedvalue")
                            .and_then(|v| v.trim().parse().ok())
                            .filter(|v: &f64| v.is_finite())
                            .unwrap_or(0.0),
                        attr(e, "casesensitive") == Some("true"),
                    )
                })
                .collect();
            (
                attr(d, "identifier").unwrap_or_default().to_string(),
                Declaration {
                    base_type: attr(d, "basetype").unwrap_or_default().to_string(),
                    correct: values(d.children().find(|c| is(*c, "correctresponse"))),
                    mapping,
                },
            )
        })
        .collect()
}

pub(super) fn interaction_body(
    interaction: Node,
    declaration: Option<&Declaration>,
    item: &mut Item,
) -> Result<Body, String> {
    let name = key(interaction.tag_name().name());
    let correct = declaration.map(|d| d.correct.as_slice()).unwrap_or_default();
    let mapping = declaration.map(|d| d.mapping.as_slice()).unwrap_or_default();
    match name.as_str() {
        "choiceinteraction" => {
            let multiple = attr(interaction, "maxchoices").map(str::trim).unwrap_or("1") != "1";
            let choices: Vec<Node> = children(interaction, "simplechoice").collect();
            let positive: f64 = mapping.iter().map(|(_, v, _)| *v).filter(|v| *v > 0.0).sum();
            let ids: Vec<String> = choices
                .iter()
                .map(|c| attr(*c, "identifier").unwrap_or_default().to_ascii_lowercase())
                .collect();
            // Two choices named true and false are a true/false question (Vigil's own export).
            if !multiple
                && ids.len() == 2
                && ids.iter().any(|i| i == "true")
                && ids.iter().any(|i| i == "false")
            {
                let feedback = |which: &str| {
                    choices
                        .iter()
                        .zip(&ids)
                        .find(|(_, id)| id.as_str() == which)
                        .and_then(|(c, _)| c.children().find(|f| is(*f, "feedbackinline")))
                        .map(all_text)
                        .filter(|f| !f.is_empty())
                        .map(|f| Text {
                            format: TextFormat::Html,
                            text: f,
                        })
                };
                return Ok(Body::TrueFalse {
                    correct: correct.iter().any(|v| v.eq_ignore_ascii_case("true")),
                    feedback_true: feedback("true"),
                    feedback_false: feedback("false"),
                });
            }
            let options = choices
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let id = attr(*c, "identifier").unwrap_or_default();
                    let is_correct = correct.iter().any(|v| v == id);
                    let mapped = mapping.iter().find(|(k, _, _)| k == id).map(|(_, v, _)| *v);
                    let weight = match (multiple, mapped) {
                        (true, Some(v)) if positive > 0.0 => v / positive * 100.0,
                        (true, _) if is_correct => 100.0 / correct.len().max(1) as f64,
                        (false, _) if is_correct => 100.0,
                        _ => 0.0,
                    };
                    let mut text = String::new();
                    item.html(*c, &mut text);
                    let feedback = c
                        .children()
                        .find(|f| is(*f, "feedbackinline"))
                        .map(all_text)
                        .filter(|f| !f.is_empty())
                        .map(|f| Text {
                            format: TextFormat::Html,
                            text: f,
                        });
                    ChoiceOption {
                        id: option_id(i),
                        text: Text {
                            format: TextFormat::Html,
                            text: text.trim().to_string(),
                        },
                        weight: (weight * 1e5).round() / 1e5,
                        feedback,
                    }
                })
                .collect();
            Ok(Body::Choice { multiple, options })
        }
        "textentryinteraction" => {
            let base_type = declaration.map(|d| d.base_type.as_str()).unwrap_or("string");
            if matches!(base_type, "float" | "integer") {
                // An absolute tolerance in the response processing (`equal`), if there is one.
                let tolerance = interaction
                    .document()
                    .descendants()
                    .filter(|n| is(*n, "equal") && attr(*n, "tolerancemode") == Some("absolute"))
                    .find_map(|n| attr(n, "tolerance"))
                    .and_then(|t| t.split_whitespace().next()?.parse::<f64>().ok())
                    .filter(|t| t.is_finite() && *t >= 0.0)
                    .unwrap_or(0.0);
                let answers = correct
                    .iter()
                    .map(|v| {
                        let value = v
                            .trim()
                            .parse::<f64>()
                            .ok()
                            .filter(|n| n.is_finite())
                            .ok_or_else(|| format!("“{v}” is not a number."))?;
                        Ok(NumericAnswer {
                            accepts: NumericMatch::Tolerance { value, tolerance },
                            weight: 100.0,
                            feedback: None,
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                return Ok(Body::Numeric { answers });
            }
            let best = mapping.iter().map(|(_, v, _)| *v).fold(0.0_f64, f64::max);
            let mut answers: Vec<AcceptedAnswer> = correct
                .iter()
                .map(|v| AcceptedAnswer {
                    text: v.clone(),
                    weight: 100.0,
                    feedback: None,
                })
                .collect();
            for (k, v, _) in mapping {
                if *v > 0.0 && !answers.iter().any(|a| &a.text == k) {
                    answers.push(AcceptedAnswer {
                        text: k.clone(),
                        weight: (v / best * 100.0 * 1e5).round() / 1e5,
                        feedback: None,
                    });
                }
            }
            // QTI compares strings exactly unless a mapping entry says otherwise.
            let case_sensitive = mapping.is_empty() || mapping.iter().any(|(_, _, cs)| *cs);
            Ok(Body::ShortAnswer {
                answers,
                case_sensitive,
            })
        }
        _ => {
            // Guidance for scorers sits in a rubric block that candidates never see.
            let rubric = interaction
                .document()
                .descendants()
                .find(|n| is(*n, "rubricblock") && attr(*n, "view").is_some_and(|v| v.contains("scorer")));
            let grader_guidance = rubric.map(|r| {
                let mut html = String::new();
                let body = r.children().find(|c| is(*c, "contentbody")).unwrap_or(r);
                item.html(body, &mut html);
                Text {
                    format: TextFormat::Html,
                    text: html.trim().to_string(),
                }
            });
            Ok(Body::Essay {
                grader_guidance: grader_guidance.filter(|g| !g.is_blank()),
            })
        }
    }
}
