//! The top bar: brand, navigation for the caller's roles, and sign-out.

use crate::api::auth::SignOut;
use crate::MeResource;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Header() -> impl IntoView {
    let MeResource(me) = expect_context::<MeResource>();
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            crate::go_to("/signin");
        }
    });

    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"◉"</span>
                "Vigil"
            </a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(Some(me)) => {
                            let reviewer = me.has_any(shared::roles::REVIEWERS);
                            let manager = me.has_any(shared::roles::ENROLLMENT_MANAGERS);
                            let grader = me.has_any(shared::roles::GRADERS);
                            let bank_reader = me.has_any(shared::authoring::BANK_READERS);
                            let coordinator = me.has_any(shared::roles::COORDINATORS);
                            let reports = me.has_any(shared::roles::REPORT_READERS);
                            let admin = me.has_any(&[shared::Role::OrgAdmin]);
                            let operator = me.roles.contains(&shared::Role::SuperAdmin);
                            view! {
                                <nav aria-label="Main">
                                    <A href="/">"Dashboard"</A>
                                    {reviewer.then(|| view! { <A href="/review">"Review queue"</A> })}
                                    {manager.then(|| view! { <A href="/manage">"Enrollments"</A> })}
                                    {grader.then(|| view! { <A href="/grading">"Grading"</A> })}
                                    {bank_reader.then(|| view! { <A href="/banks">"Question banks"</A> })}
                                    {coordinator.then(|| view! { <A href="/exam-builder">"Exams"</A> })}
                                    {reports.then(|| view! { <A href="/reports">"Reports"</A> })}
                                    {admin.then(|| view! { <A href="/admin">"Organisation"</A> })}
                                    {operator.then(|| view! { <A href="/platform">"Platform"</A> })}
                                </nav>
                                <div class="account">
                                    <A href="/account" attr:class="who" attr:data-testid="signed-in-as" attr:title="Your account">{me.display_name.clone()}</A>
                                    <ActionForm action=sign_out attr:class="inline-form">
                                        <button type="submit" class="btn btn-quiet">
                                            {move || if sign_out.pending().get() { "Signing out…" } else { "Sign out" }}
                                        </button>
                                    </ActionForm>
                                </div>
                            }
                                .into_any()
                        }
                        _ => {
                            view! {
                                <div class="account">
                                    <a class="btn btn-quiet" href="/signin">"Sign in"</a>
                                </div>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </header>
    }
}
