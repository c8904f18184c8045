//! The staff pages (authoring, review, grading, reports, administration, and the account page)
//! as one lazily loaded group, [`StaffPage`]. Built with `cargo leptos build --split`, the
//! browser's code for them is cut out of the main bundle into a file of its own, fetched the
//! first time such a page is opened (or hydrated) and cached like the rest of the bundle. The
//! pages candidates open (signing in, the home page, the exam, its result) stay in the main
//! bundle: a candidate downloads one file and never the staff pages' code.
//!
//! Why one group and the candidates' pages in the main bundle, measured (bench/bundle.sh): one
//! split per page made the main bundle depend on hundreds of small shared files (the exam page
//! fetched 270), and a split group for the candidates' pages made what they download larger,
//! not smaller (wasm-opt cannot shrink across files: 736 kB gzip in four files against 648 kB
//! in one).
//!
//! On the server a lazy route renders like any other; only the browser's loading differs.

use leptos::prelude::*;
use leptos_router::LazyRoute;

/// Tells tests and assistive scripts that the page is interactive (`body[data-hydrated]`): the
/// browser's entry point calls it once hydration, a lazily loaded page's included, is done.
pub fn mark_hydrated() {
    #[cfg(feature = "hydrate")]
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

/// A group of pages: an enum naming them, one lazily loaded function that shows any of them
/// (the group's split point: one file, however many pages), and a route type per page.
macro_rules! page_group {
    ($(#[$group_doc:meta])* $group:ident, $show:ident { $( $(#[$doc:meta])* $route:ident => $page:path, )* }) => {
        $(#[$group_doc])*
        #[derive(Clone, Copy, Debug)]
        pub enum $group {
            $( $(#[$doc])* $route, )*
        }

        #[leptos::lazy]
        fn $show(page: $group) -> AnyView {
            match page {
                $( $group::$route => $page().into_any(), )*
            }
        }

        $(
            $(#[$doc])*
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_this: Self) -> AnyView {
                    $show($group::$route).await
                }
            }
        )*
    };
}

use crate::pages::{
    account::AccountPage,
    admin::AdminPage,
    banks::{bank::BankPage, editor::QuestionEditorPage, BanksPage},
    exam_builder::{page::ExamBuilderPage, ExamsPage},
    grading::GradingPage,
    grading_sheet::GradingSheetPage,
    manage::ManagePage,
    platform::PlatformPage,
    reports::{exam::ExamReportPage, sheet::AnswerSheetPage, ReportsPage},
    review::{ReviewPage, SessionReviewPage},
    roster::RosterPage,
};

page_group!(
    /// What staff open, and the account page (rarely a candidate's).
    StaffPage, staff_page {
        /// `/account`: password, passkeys, the second factor.
        Account => AccountPage,
        /// `/review`: the reviewer's queue.
        Review => ReviewPage,
        /// `/review/sessions/:session_id`: one session's evidence and decisions.
        SessionReview => SessionReviewPage,
        /// `/manage`: the coordinator's exams.
        Manage => ManagePage,
        /// `/manage/exams/:exam_id`: an exam's roster.
        Roster => RosterPage,
        /// `/admin`: the organisation's administration.
        Admin => AdminPage,
        /// `/platform`: the platform operator's page.
        Platform => PlatformPage,
        /// `/reports`: the exams one may report on.
        Reports => ReportsPage,
        /// `/reports/exams/:exam_id`: an exam's report.
        ExamReport => ExamReportPage,
        /// `/reports/attempts/:session_id`: one attempt's answer sheet.
        AnswerSheet => AnswerSheetPage,
        /// `/grading`: answers waiting for a grader.
        Grading => GradingPage,
        /// `/grading/sessions/:session_id`: one attempt's grading sheet.
        GradingSheet => GradingSheetPage,
        /// `/banks`: question banks.
        Banks => BanksPage,
        /// `/banks/:bank_id`: one bank's questions.
        Bank => BankPage,
        /// `/banks/:bank_id/questions/:question_id`: the question editor.
        QuestionEditor => QuestionEditorPage,
        /// `/exam-builder`: the exams being authored.
        Exams => ExamsPage,
        /// `/exam-builder/:exam_id`: one exam's sections, rules and settings.
        ExamBuilder => ExamBuilderPage,
    }
);
