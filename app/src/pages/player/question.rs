//! One question as a candidate sees it: the player draws it, and so does an author's preview.

use super::*;

#[component]
pub fn QuestionView(
    q: PlayerQuestion,
    number: usize,
    total: usize,
    on_answer: Callback<(String, String)>,
    marked: RwSignal<HashSet<String>>,
    on_mark: Callback<(String, bool)>,
    /// Shown now (one at a time, or all on one page).
    visible: Signal<bool>,
) -> impl IntoView {
    let saved: Vec<String> = q
        .saved
        .as_deref()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
        .map(|v| match v {
            serde_json::Value::Array(items) => items
                .into_iter()
                .filter_map(|i| i.as_str().map(String::from))
                .collect(),
            serde_json::Value::String(s) => vec![s],
            _ => vec![],
        })
        .unwrap_or_default();
    let qid = q.question_id.clone();
    let (qid_mark, qid_mark2) = (qid.clone(), qid.clone());
    let heading_id = format!("q-{}", q.question_id);
    let body = match q.kind.as_str() {
        "MULTIPLE_CHOICE_SINGLE" | "TRUE_FALSE" => {
            let name = format!("answer-{}", q.question_id);
            q.options
                .into_iter()
                .map(|opt| {
                    let checked = saved.contains(&opt.id);
                    let qid = qid.clone();
                    let value = serde_json::json!([opt.id]).to_string();
                    view! {
                        <label class="option">
                            <input
                                type="radio"
                                name=name.clone()
                                value=opt.id.clone()
                                checked=checked
                                on:change=move |_| on_answer.run((qid.clone(), value.clone()))
                            />
                            <span>{opt.text}</span>
                        </label>
                    }
                })
                .collect_view()
                .into_any()
        }
        "MULTIPLE_CHOICE_MULTI" => {
            let chosen = RwSignal::new(saved.clone());
            q.options
                .into_iter()
                .map(|opt| {
                    let checked = saved.contains(&opt.id);
                    let (qid, id) = (qid.clone(), opt.id.clone());
                    view! {
                        <label class="option">
                            <input
                                type="checkbox"
                                value=opt.id.clone()
                                checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        c.retain(|x| x != &id);
                                        if on { c.push(id.clone()); }
                                    });
                                    on_answer.run((qid.clone(), serde_json::json!(chosen.get_untracked()).to_string()))
                                }
                            />
                            <span>{opt.text}</span>
                        </label>
                    }
                })
                .collect_view()
                .into_any()
        }
        kind => {
            let initial = saved.first().cloned().unwrap_or_default();
            let id = format!("text-{qid}");
            // Saved about a second after typing stops, and at once when the field is left.
            let pending = StoredValue::new(None::<TimeoutHandle>);
            let send = move |qid: String, text: String| {
                if let Some(h) = pending.get_value() {
                    h.clear();
                }
                on_answer.run((qid, serde_json::Value::String(text).to_string()));
            };
            let qid_input = qid.clone();
            let on_input = move |ev: leptos::ev::Event| {
                let (qid, text) = (qid_input.clone(), event_target_value(&ev));
                if let Some(h) = pending.get_value() {
                    h.clear();
                }
                let handle =
                    set_timeout_with_handle(move || send(qid, text), std::time::Duration::from_millis(800))
                        .ok();
                pending.set_value(handle);
            };
            let on_change = move |ev: leptos::ev::Event| send(qid.clone(), event_target_value(&ev));
            let field = if kind == "ESSAY" {
                // The child text is the value in server-rendered HTML; `prop:value` sets it when
                // the page renders the question itself (after answers kept offline are restored).
                let text = initial.clone();
                view! {
                    <textarea id=id.clone() class="text-answer" rows="8" maxlength="20000" prop:value=initial on:input=on_input on:change=on_change>
                        {text}
                    </textarea>
                }
                .into_any()
            } else {
                let mode = if kind == "NUMERIC" { "decimal" } else { "text" };
                view! {
                    <input id=id.clone() class="text-answer" type="text" inputmode=mode value=initial maxlength="2000" on:input=on_input on:change=on_change />
                }
                .into_any()
            };
            view! {
                <label class="sr-only" for=id>"Your answer"</label>
                {field}
            }
            .into_any()
        }
    };
    // The stem may hold paragraphs, lists and images (Markdown), which a legend cannot: it
    // follows the legend, and the group is named by both.
    let stem_id = format!("{heading_id}-stem");
    let labelled_by = format!("{heading_id} {stem_id}");
    let stem = match q.stem_html {
        Some(html) => view! { <div class="q-stem rich" id=stem_id inner_html=html></div> }.into_any(),
        None => view! { <div class="q-stem" id=stem_id>{q.stem}</div> }.into_any(),
    };
    view! {
        <li class="card question" id=format!("question-{}", q.question_id) tabindex="-1" hidden=move || !visible.get()>
            <fieldset aria-labelledby=labelled_by>
                <legend id=heading_id>
                    <span class="q-number">{format!("Question {number} of {total}")}</span>
                    <span class="q-points">{format!("{} point{}", q.points, if q.points == 1 { "" } else { "s" })}</span>
                </legend>
                {stem}
                {body}
            </fieldset>
            <label class="check mark">
                <input
                    type="checkbox"
                    prop:checked={
                        let qid = qid_mark.clone();
                        move || marked.with(|m| m.contains(&qid))
                    }
                    on:change=move |ev| on_mark.run((qid_mark2.clone(), event_target_checked(&ev)))
                />
                "Mark for review"
            </label>
        </li>
    }
}
