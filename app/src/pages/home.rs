use crate::api::exams::my_exams;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::local_time::{LocalTime, LocalWindow};
use crate::model::{Availability, CandidateExam, Me};
use crate::MeResource;
use leptos::prelude::*;
use leptos_meta::Title;
use shared::Role;

#[component]
pub fn HomePage() -> impl IntoView {
    let MeResource(me) = expect_context::<MeResource>();
    view! {
        <Title text="Dashboard" />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! { <Dashboard me /> }.into_any(),
                    Ok(None) => view! { <Welcome /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Welcome() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>"Proctored exams you can trust"</h1>
            <p class="lead">
                "Vigil runs timed exams in the browser, tells candidates exactly what is monitored, and gives reviewers evidence instead of verdicts."
            </p>
            <p>
                <a class="btn btn-primary" href="/signin">"Sign in"</a>
                " "
                <a class="btn" href="/signup">"Create an account"</a>
            </p>
        </section>
    }
}

#[component]
fn Dashboard(me: Me) -> impl IntoView {
    let candidate = me.roles.contains(&Role::Candidate);
    let reviewer = me.has_any(shared::roles::REVIEWERS);
    let manager = me.has_any(shared::roles::ENROLLMENT_MANAGERS);
    let grader = me.has_any(shared::roles::GRADERS);
    let roles = me.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ");
    view! {
        <h1>{format!("Welcome, {}", me.display_name)}</h1>
        <p class="muted">{if roles.is_empty() { "You have no roles in any organisation yet.".to_string() } else { format!("Your roles: {roles}") }}</p>
        {reviewer.then(|| view! {
            <section class="card">
                <h2>"Review queue"</h2>
                <p>"Sessions whose proctoring raised flags wait for your decision."</p>
                <a class="btn btn-primary" href="/review">"Open the review queue"</a>
            </section>
        })}
        {manager.then(|| view! {
            <section class="card">
                <h2>"Enrollments"</h2>
                <p>"Invite candidates to your organisation's exams and grant extra time."</p>
                <a class="btn btn-primary" href="/manage">"Manage enrollments"</a>
            </section>
        })}
        {grader.then(|| view! {
            <section class="card">
                <h2>"Grading"</h2>
                <p>"Essays in submitted attempts wait for your points and feedback."</p>
                <a class="btn btn-primary" href="/grading">"Open the grading queue"</a>
            </section>
        })}
        {candidate.then(|| view! { <CandidateExams /> })}
    }
}

#[component]
fn CandidateExams() -> impl IntoView {
    let exams = Resource::new(|| (), |_| my_exams());
    view! {
        <section aria-labelledby="my-exams">
            <h2 id="my-exams">"Your exams"</h2>
            <Suspense fallback=|| view! { <Loading label="Loading your exams…" /> }>
                {move || Suspend::new(async move {
                    match exams.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">"You are not enrolled in any exam yet. When you are invited, it appears here."</p>
                        }.into_any(),
                        Ok(list) => {
                            let group = |wanted: &[Availability]| {
                                list.iter().filter(|e| wanted.contains(&e.availability)).cloned().collect::<Vec<_>>()
                            };
                            let now = group(&[Availability::InProgress, Availability::Open]);
                            let upcoming = group(&[Availability::Upcoming, Availability::NotAccepted]);
                            let past = group(&[Availability::Closed, Availability::AttemptsUsed]);
                            view! {
                                <ExamGroup title="Open now" exams=now empty="No exam is open right now." />
                                <ExamGroup title="Upcoming" exams=upcoming empty="Nothing scheduled." />
                                <ExamGroup title="Past" exams=past empty="No past exams yet." />
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ExamGroup(title: &'static str, exams: Vec<CandidateExam>, empty: &'static str) -> impl IntoView {
    view! {
        <h3 class="group-title">{title}</h3>
        {if exams.is_empty() {
            view! { <p class="muted">{empty}</p> }.into_any()
        } else {
            view! {
                <ul class="exam-list">
                    {exams.into_iter().map(|exam| view! { <ExamCard exam /> }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

#[component]
fn ExamCard(exam: CandidateExam) -> impl IntoView {
    let left = (exam.max_attempts - exam.attempts_used).max(0);
    let (closes, opens) = (exam.closes_at, exam.opens_at);
    let status = match exam.availability {
        Availability::InProgress => view! { "In progress: resume where you left off." }.into_any(),
        Availability::Open => view! { "Open until " <LocalTime ms=closes /> "." }.into_any(),
        Availability::Upcoming => view! { "Not open yet: opens " <LocalTime ms=opens /> "." }.into_any(),
        Availability::Closed => view! { "Closed on " <LocalTime ms=closes /> "." }.into_any(),
        Availability::AttemptsUsed => view! { "You have used all your attempts." }.into_any(),
        Availability::NotAccepted => {
            view! { "Invited: accept the invitation from the link in your message to take part." }.into_any()
        }
    };
    let action = match (exam.availability, &exam.submitted_session_id) {
        (Availability::InProgress, _) => Some((format!("/exams/{}", exam.exam_id), "Resume exam")),
        (Availability::Open, _) => Some((format!("/exams/{}", exam.exam_id), "Open exam")),
        (_, Some(done)) => Some((format!("/sessions/{done}/result"), "View result")),
        _ => None,
    };
    view! {
        <li class="card exam-card">
            <h4>{exam.title.clone()}</h4>
            <p class="muted">{exam.organization.clone()}</p>
            <p data-testid="availability">{status}</p>
            <dl class="facts">
                <dt>"Window"</dt>
                <dd><LocalWindow opens=exam.opens_at closes=exam.closes_at /></dd>
                <dt>"Duration"</dt>
                <dd>{format!("{} minutes", exam.duration_minutes)}</dd>
                <dt>"Attempts left"</dt>
                <dd>{format!("{left} of {}", exam.max_attempts)}</dd>
                <dt>"Proctoring"</dt>
                <dd>{if exam.proctoring_enabled { "On" } else { "Off" }}</dd>
            </dl>
            {action.map(|(href, label)| view! {
                <a class="btn btn-primary" href=href aria-label=format!("{label}: {}", exam.title)>{label}</a>
            })}
        </li>
    }
}
