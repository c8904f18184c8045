//! The question as a candidate will see it, drawn by the player's own component.

use super::draft::Draft;
#[cfg(feature = "hydrate")]
use crate::api::banks::render_text;
use crate::model::{ChoiceOption, PlayerQuestion};
use crate::pages::player::question::QuestionView;
use leptos::prelude::*;
#[cfg(feature = "hydrate")]
use shared::question::TextFormat;
use shared::question::{Body, Text};
use std::collections::HashSet;

/// What the player would be given for this draft.
fn as_player(draft: &Draft) -> Option<PlayerQuestion> {
    let content = draft.to_content().ok()?;
    let kind = content.body.kind()?;
    let options = match &content.body {
        Body::Choice { options, .. } => options
            .iter()
            .map(|o| ChoiceOption {
                id: o.id.clone(),
                text: o.text.text.clone(),
            })
            .collect(),
        Body::TrueFalse { .. } => vec![
            ChoiceOption {
                id: "true".into(),
                text: "True".into(),
            },
            ChoiceOption {
                id: "false".into(),
                text: "False".into(),
            },
        ],
        _ => Vec::new(),
    };
    Some(PlayerQuestion {
        question_id: "preview".into(),
        kind: kind.as_str().to_string(),
        stem_html: None,
        stem: content.stem.text,
        points: content.points.round() as i64,
        options,
        saved: None,
        version: 0,
        marked: false,
    })
}

#[component]
pub fn Preview(draft: RwSignal<Draft>) -> impl IntoView {
    // Markdown and HTML are rendered by the server, by the code that renders them for candidates.
    let stem = move || {
        draft.with(|d| Text {
            format: d.stem_format,
            text: d.stem.clone(),
        })
    };
    // Fetched in the browser only: the server's first render and the hydrated page both start
    // without it (so they agree), and a server-side local resource must never be made.
    #[cfg(feature = "hydrate")]
    let rendered: Signal<Option<String>> = {
        let resource = LocalResource::new(move || {
            let text = stem();
            async move {
                match text.format {
                    TextFormat::Plain => None,
                    _ => render_text(text).await.ok().flatten(),
                }
            }
        });
        Signal::derive(move || resource.get().flatten())
    };
    #[cfg(not(feature = "hydrate"))]
    let rendered: Signal<Option<String>> = {
        let _ = stem;
        Signal::derive(|| None)
    };
    let marked = RwSignal::new(HashSet::new());
    let ignore_answer = Callback::new(|_: (String, String)| ());
    let ignore_mark = Callback::new(|_: (String, bool)| ());
    view! {
        <section class="preview" aria-labelledby="preview-title" data-testid="preview">
            <h2 id="preview-title">"Preview: what a candidate sees"</h2>
            <ol class="questions">
                {move || match draft.with(as_player) {
                    Some(mut q) => {
                        q.stem_html = rendered.get();
                        view! {
                            <QuestionView q number=1 total=1 on_answer=ignore_answer marked on_mark=ignore_mark visible=Signal::derive(|| true) />
                        }.into_any()
                    }
                    None => view! { <li class="empty">"Fix the numbers in the form to see the preview."</li> }.into_any(),
                }}
            </ol>
        </section>
    }
}
