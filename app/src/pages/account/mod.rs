//! `/account`: the signed-in person's name, password, second factor ([`second_factor`]), passkeys ([`passkeys`]), where
//! they are signed in, and their data.

mod passkeys;
mod second_factor;

use crate::api::account::{
    my_deletion_request, my_sessions, ChangePassword, EndMySession, RequestAccountDeletion, SetDisplayName,
};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::local_time::LocalTime;
use crate::model::account::{DeletionRequest, MySession};
use crate::MeResource;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    let me = expect_context::<MeResource>().0;
    view! {
        <Title text="Your account" />
        <h1>"Your account"</h1>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! {
                        <ProfileForm name=me.display_name.clone() email=me.email.clone() />
                        <PasswordForm />
                        <second_factor::SecondFactorCard />
                        <passkeys::PasskeysCard />
                        <Sessions />
                        <YourData />
                    }
                    .into_any(),
                    Ok(None) => view! {
                        <p class="notice">"Please " <a href="/signin?next=/account">"sign in"</a> " to see your account."</p>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProfileForm(name: String, email: String) -> impl IntoView {
    let save = ServerAction::<SetDisplayName>::new();
    view! {
        <section class="card" aria-labelledby="profile-title">
            <h2 id="profile-title">"Profile"</h2>
            <p class="muted">"Email: " <strong>{email}</strong></p>
            <ActionForm action=save attr:class="form">
                <label for="display_name">"Your name, as staff and certificates show it"</label>
                <input id="display_name" name="display_name" value=name required maxlength="100" autocomplete="name" />
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save name" }}
                </button>
            </ActionForm>
            <div aria-live="polite">
                {move || save.value().get().map(|r| match r {
                    Ok(name) => view! { <p class="notice notice-ok" role="status">{format!("Saved: {name}.")}</p> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })}
            </div>
        </section>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">"Password"</h2>
            <ActionForm action=change attr:class="form">
                <label for="current_password">"Current password"</label>
                <input id="current_password" name="current_password" type="password" autocomplete="current-password" required />
                <label for="new_password">"New password"</label>
                <input id="new_password" name="new_password" type="password" autocomplete="new-password"
                    minlength="10" required aria-describedby="new-password-hint" />
                <p id="new-password-hint" class="muted">"At least 10 characters, not easy to guess (a few unrelated words work well). Changing it signs you out everywhere else."</p>
                <button type="submit" class="btn btn-primary" disabled=move || change.pending().get()>
                    {move || if change.pending().get() { "Changing…" } else { "Change password" }}
                </button>
            </ActionForm>
            <div aria-live="assertive">
                {move || change.value().get().map(|r| match r {
                    Ok(ended) => view! {
                        <p class="notice notice-ok" role="status">
                            {format!("Your password was changed. {ended} other session(s) were signed out.")}
                        </p>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })}
            </div>
        </section>
    }
}

#[component]
fn Sessions() -> impl IntoView {
    let end = ServerAction::<EndMySession>::new();
    let sessions = Resource::new(move || end.version().get(), |_| my_sessions());
    // The session waiting for "yes, sign it out", asked inline.
    let asking = RwSignal::new(None::<String>);
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">"Where you are signed in"</h2>
            <div aria-live="assertive">
                {move || end.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
            </div>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) => view! { <SessionTable list end asking /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SessionTable(
    list: Vec<MySession>,
    end: ServerAction<EndMySession>,
    asking: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="table-wrap"><table class="table" data-testid="my-sessions">
            <thead>
                <tr><th scope="col">"Device"</th><th scope="col">"Address"</th><th scope="col">"Signed in"</th><th scope="col">"Last used"</th><th scope="col"><span class="sr-only">"Actions"</span></th></tr>
            </thead>
            <tbody>
                {list.into_iter().map(|s| {
                    let id = s.id.clone();
                    let confirm_id = s.id.clone();
                    let device = s.device.clone();
                    view! {
                        <tr>
                            <td>{s.device.clone()}{s.current.then(|| view! { " " <span class="badge">"This device"</span> })}</td>
                            <td>{s.address.clone().unwrap_or_else(|| "—".into())}</td>
                            <td><LocalTime ms=s.started_at /></td>
                            <td><LocalTime ms=s.last_used_at /></td>
                            <td>
                                {(!s.current).then(|| view! {
                                    <button class="btn btn-quiet" aria-label=format!("Sign out {device}")
                                        on:click=move |_| asking.set(Some(id.clone()))>"Sign out"</button>
                                })}
                                {move || (asking.get().as_deref() == Some(confirm_id.as_str())).then(|| {
                                    let id = confirm_id.clone();
                                    view! {
                                        <div class="confirm" role="group" aria-label="Confirm">
                                            <p>"Sign this device out? Whoever uses it must sign in again."</p>
                                            <button class="btn btn-primary" data-testid="confirm-action"
                                                on:click=move |_| {
                                                    end.dispatch(EndMySession { session_id: id.clone() });
                                                    asking.set(None);
                                                }>"Yes, sign it out"</button>
                                            <button class="btn btn-quiet" on:click=move |_| asking.set(None)>"No, go back"</button>
                                        </div>
                                    }
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

/// Downloading what Vigil holds about you, and asking for your account to be deleted.
#[component]
fn YourData() -> impl IntoView {
    let delete = ServerAction::<RequestAccountDeletion>::new();
    let status = Resource::new(move || delete.version().get(), |_| my_deletion_request());
    let asking = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(DeletionRequest::Deleted)) = delete.value().get() {
            crate::go_to("/");
        }
    });
    view! {
        <section class="card" aria-labelledby="data-title">
            <h2 id="data-title">"Your data"</h2>
            <p>"Everything Vigil holds about you: your profile, organisations, exam sessions with your answers, the monitoring events and flags, and your sign-ins."</p>
            <p><a class="btn" href="/exports/my-data.json" download="my-vigil-data.json" rel="external">"Download my data (JSON)"</a></p>
            <h3>"Delete your account"</h3>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(DeletionRequest::Waiting { requested_at }) => view! {
                            <p class="notice notice-info" role="status">
                                "You asked for your account to be deleted on " <LocalTime ms=requested_at />
                                ". An administrator of your organisation confirms it; your results stay with the organisation, without your name."
                            </p>
                        }.into_any(),
                        Ok(_) => view! {
                            <p class="muted">"Your sign-in, name and address are removed, and so is the monitoring of your exams. Results your organisation must keep stay, without your name."</p>
                            {move || if asking.get() {
                                view! {
                                    <ActionForm action=delete attr:class="form confirm" attr:aria-label="Confirm deletion">
                                        <label for="delete-password">"Your password, to confirm"</label>
                                        <input id="delete-password" name="password" type="password" autocomplete="current-password" required />
                                        <button type="submit" class="btn btn-danger" data-testid="confirm-action" disabled=move || delete.pending().get()>
                                            {move || if delete.pending().get() { "Asking…" } else { "Yes, delete my account" }}
                                        </button>
                                        <button type="button" class="btn btn-quiet" on:click=move |_| asking.set(false)>"No, keep it"</button>
                                    </ActionForm>
                                }.into_any()
                            } else {
                                view! { <button class="btn btn-quiet" on:click=move |_| asking.set(true)>"Delete my account…"</button> }.into_any()
                            }}
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
            <div aria-live="assertive">
                {move || delete.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
            </div>
        </section>
    }
}
