#![recursion_limit = "256"]
//! Vigil's Leptos app: routes, pages, components and server functions. Rendered on the server
//! (feature `ssr`) and hydrated in the browser (feature `hydrate`); server-only code lives in
//! [`server`], browser-only code in [`telemetry_client`].

#[cfg(feature = "hydrate")]
pub mod answer_store;
pub mod api;
pub mod camera;
pub mod components;
pub mod error;
pub mod format;
pub mod model;
pub mod monitoring;
pub mod pages;
#[cfg(feature = "hydrate")]
pub mod passkey_client;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "hydrate")]
pub mod telemetry_client;

use components::header::Header;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Title};
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::{path, Lazy, SsrMode};
use pages::{
    exam_start::ExamStartPage,
    home::HomePage,
    invitation::InvitationPage,
    join::JoinPage,
    not_found::NotFound,
    password_reset::{ForgotPage, ResetPage},
    player::PlayerPage,
    result::ResultPage,
    signin::SignInPage,
    signup::{SignUpPage, VerifyEmailPage},
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    server::page_policy::set_for_this_page();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                // Under the bundle's versioned directory, so it is cached as long as the bundle.
                <link rel="stylesheet" id="leptos" href=format!("/{}/vigil.css", options.site_pkg_dir) />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The signed-in user, loaded once per page load and shared by every page.
#[derive(Clone, Copy)]
pub struct MeResource(pub Resource<Result<Option<model::Me>, error::AppError>>);

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let me = Resource::new(|| (), |_| api::auth::get_me());
    provide_context(MeResource(me));

    view! {
        <Title formatter=|page: String| if page.is_empty() { "Vigil".to_string() } else { format!("{page} · Vigil") } />
        <Meta name="description" content="Vigil: proctored exams in the browser, self-hosted." />
        <Link rel="icon" href="data:," />
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Header />
            <main id="main" tabindex="-1">
                <FlatRoutes fallback=NotFound>
                    <Route path=path!("") view=HomePage />
                    <Route path=path!("signin") view=SignInPage />
                    <Route path=path!("signup") view=SignUpPage />
                    <Route path=path!("account") view={Lazy::<routes::Account>::new()} />
                    <Route path=path!("forgot") view=ForgotPage />
                    <Route path=path!("reset/:token") view=ResetPage />
                    <Route path=path!("verify-email/:token") view=VerifyEmailPage />
                    <Route path=path!("exams/:exam_id") view=ExamStartPage />
                    <Route path=path!("sessions/:session_id") view=PlayerPage ssr=SsrMode::Async />
                    <Route path=path!("sessions/:session_id/result") view=ResultPage />
                    <Route path=path!("review") view={Lazy::<routes::Review>::new()} />
                    <Route path=path!("review/sessions/:session_id") view={Lazy::<routes::SessionReview>::new()} />
                    <Route path=path!("manage") view={Lazy::<routes::Manage>::new()} />
                    <Route path=path!("manage/exams/:exam_id") view={Lazy::<routes::Roster>::new()} />
                    <Route path=path!("invitations/:token") view=InvitationPage />
                    <Route path=path!("join/:token") view=JoinPage />
                    <Route path=path!("admin") view={Lazy::<routes::Admin>::new()} />
                    <Route path=path!("platform") view={Lazy::<routes::Platform>::new()} />
                    <Route path=path!("reports") view={Lazy::<routes::Reports>::new()} />
                    <Route path=path!("reports/exams/:exam_id") view={Lazy::<routes::ExamReport>::new()} />
                    <Route path=path!("reports/attempts/:session_id") view={Lazy::<routes::AnswerSheet>::new()} />
                    <Route path=path!("grading") view={Lazy::<routes::Grading>::new()} />
                    <Route path=path!("banks") view={Lazy::<routes::Banks>::new()} />
                    <Route path=path!("exam-builder") view={Lazy::<routes::Exams>::new()} />
                    <Route path=path!("exam-builder/:exam_id") view={Lazy::<routes::ExamBuilder>::new()} />
                    <Route path=path!("banks/:bank_id") view={Lazy::<routes::Bank>::new()} />
                    <Route path=path!("banks/:bank_id/questions/:question_id") view={Lazy::<routes::QuestionEditor>::new()} />
                    <Route path=path!("grading/sessions/:session_id") view={Lazy::<routes::GradingSheet>::new()} />
                </FlatRoutes>
            </main>
        </Router>
    }
}

/// Loads `url` as a new page, so the next render sees fresh cookies and data.
pub fn go_to(url: &str) {
    #[cfg(feature = "hydrate")]
    {
        if let Err(e) = window().location().set_href(url) {
            leptos::logging::error!("navigation failed: {e:?}");
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}
